"""playbooks/backup.yml on the lab: a backup through the postgres role's unit, restored into a
scratch database by pg_backup_verify, and copied off the database host to the controller
(postgres_backup_fetch_dir) with its sha256 sidecar and manifest intact."""

import glob
import json
import os
import subprocess

import pytest

from conftest import VENV_BIN, run

pytestmark = pytest.mark.lab


def test_backup_is_verified_and_copied_off_the_host(deployed_lab, tmp_path):
    result = run([os.path.join(VENV_BIN, 'ansible-playbook'), 'playbooks/backup.yml',
                  '-e', 'postgres_backup_fetch_dir=%s' % tmp_path], timeout=900)
    out = result.stdout + result.stderr
    assert result.returncode == 0, out[-3000:]
    assert 'backup: PASSED' in out
    dumps = glob.glob(str(tmp_path / 'aura-db1' / 'aura_flow-*.dump'))
    assert len(dumps) == 1, os.listdir(tmp_path)
    dump = dumps[0]
    check = subprocess.run(['sha256sum', '-c', os.path.basename(dump) + '.sha256'], cwd=os.path.dirname(dump),
                           capture_output=True, text=True, check=False)
    assert check.returncode == 0, check.stdout + check.stderr
    with open(dump + '.json', encoding='utf-8') as handle:
        manifest = json.load(handle)
    assert manifest['file'] == os.path.basename(dump) and manifest['size_bytes'] == os.path.getsize(dump)
    assert set(manifest['row_counts']) == {'users', 'items'}
