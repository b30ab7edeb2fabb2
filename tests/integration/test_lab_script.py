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


def test_down_starts_a_stopped_engine_to_remove_the_hosts_it_keeps(tmp_path):
    """After a reboot dockerd is stopped but keeps the lab's containers and starts them again with itself:
    `down` starts it and removes them (it used to say 'nothing to remove', and `up` then gave the old hosts back)."""
    fake_bin = tmp_path / 'bin'
    fake_bin.mkdir()
    for tool in ('bash', 'mkdir', 'id', 'cat', 'seq', 'sleep', 'env', 'nohup', 'rm', 'grep', 'sed', 'sort', 'touch'):
        os.symlink(shutil.which(tool), fake_bin / tool)
    started, calls = tmp_path / 'engine-started', tmp_path / 'docker-calls'
    bash = shutil.which('bash')
    (fake_bin / 'dockerd').write_text('#!%s\ntouch %s\n' % (bash, started))
    (fake_bin / 'docker').write_text('#!%s\nif [ "$1" = info ]; then [ -e %s ]; exit; fi\necho "$*" >> %s\n' % (bash, started, calls))
    for tool in ('dockerd', 'docker'):
        (fake_bin / tool).chmod(0o755)
    env = {'PATH': str(fake_bin), 'LAB_STATE_DIR': str(tmp_path / 'state'), 'LAB_LOG_DIR': str(tmp_path / 'log'),
           'LAB_INVENTORIES': str(tmp_path / 'inventories')}
    os.makedirs(tmp_path / 'state')
    os.makedirs(tmp_path / 'log')
    result = run([bash, LAB, 'down'], env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert 'starting dockerd' in result.stdout and started.exists()
    removed = calls.read_text().splitlines()
    for host in ('aura-web1', 'aura-app1', 'aura-app2', 'aura-db1', 'aura-cache1', 'aura-mon1'):
        assert 'rm -fv %s' % host in removed, removed  # -v: aura-db1's pgBackRest volume goes with it
    assert any(line.startswith('network rm ') for line in removed), removed
