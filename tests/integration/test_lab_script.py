"""scripts/lab refuses bad input with one line and a non-zero status, before touching anything."""

import os
import shutil

import pytest

from conftest import ROOT, run

LAB = os.path.join(ROOT, 'scripts', 'lab')


@pytest.mark.parametrize('args, reason', [
    (['bogus'], "unknown verb 'bogus'"),
    (['UP'], "unknown verb 'UP'"),
    ([], 'missing verb'),
])
def test_bad_verb(args, reason):
    result = run([LAB, *args])
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and reason in lines[0]
    assert result.stdout == ''


def test_no_engine_and_none_installable(tmp_path):
    """No engine answers, no dockerd, and apt cannot install docker.io: one-line reason, non-zero."""
    fake_bin = tmp_path / 'bin'
    fake_bin.mkdir()
    for tool in ('bash', 'mkdir', 'id', 'cat', 'seq', 'sleep', 'env'):
        os.symlink(shutil.which(tool), fake_bin / tool)
    for tool, status in (('docker', 1), ('apt-get', 100)):
        script = fake_bin / tool
        script.write_text('#!%s\nexit %d\n' % (shutil.which('bash'), status))
        script.chmod(0o755)
    env = {'PATH': str(fake_bin), 'LAB_STATE_DIR': str(tmp_path / 'state'), 'LAB_LOG_DIR': str(tmp_path / 'log')}
    result = run([shutil.which('bash'), LAB, 'up'], env=env)
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert lines == ['lab: no Docker engine answers and docker.io could not be installed (see %s/apt-docker.log)'
                     % (tmp_path / 'log')], result.stderr
