"""playbooks/backup.yml on the lab: a backup through the postgres role's unit, restored into a
scratch database by pg_backup_verify, and copied off the database host to the controller
(postgres_backup_fetch_dir) with its sha256 sidecar and manifest intact, readable by its owner only;
and a backup requested while the timer's run is under way is a new one, not that run's predecessor."""

import glob
import json
import os
import re
import stat
import subprocess
import time

import pytest

from conftest import ROOT, SSH, VENV_BIN, over_ssh, run

pytestmark = pytest.mark.lab


def test_backup_is_verified_and_copied_off_the_host(deployed_lab, tmp_path):
    with over_ssh('aura-db1'):  # the user's path: SSH as deploy, sudo (inventories/lab-ssh)
        result = run([os.path.join(VENV_BIN, 'ansible-playbook'), *SSH, 'playbooks/backup.yml',
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
    # the copies hold the whole database: owner only, whatever the controller's umask
    for path in (dump, dump + '.sha256', dump + '.json'):
        assert stat.S_IMODE(os.stat(path).st_mode) == 0o600, (path, oct(os.stat(path).st_mode))
    assert stat.S_IMODE(os.stat(os.path.dirname(dump)).st_mode) == 0o700


DB = 'aura-db1'
BACKUP_DIR = '/var/backups/postgresql'


def on_db(*cmd):
    return run(['docker', 'exec', DB] + list(cmd), timeout=120)


def db_sql(query):
    result = on_db('runuser', '-u', 'postgres', '--', 'psql', '-XAt', '-d', 'aura_flow', '-v', 'ON_ERROR_STOP=1',
                   '-c', query)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def wait_for(predicate, what, timeout=60):
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, 'timed out waiting for %s' % what
        time.sleep(0.3)


def unit_state():
    return on_db('systemctl', 'show', '--property=ActiveState', '--value', 'aura-pg-backup.service').stdout.strip()


def dump_names():
    out = on_db('find', BACKUP_DIR, '-maxdepth', '1', '-name', 'aura_flow-*.dump', '-printf', '%f\\n').stdout
    return sorted(out.split())


def test_a_backup_requested_during_a_running_one_is_new(deployed_lab):
    # The hourly timer's run is under way (held here by a session locking `items`, which its row count
    # waits for); backup.yml requested meanwhile must not report that run's predecessor as its backup.
    holder = subprocess.Popen(['docker', 'exec', '-e', 'PGAPPNAME=aura-test-lock', DB, 'runuser', '-u', 'postgres',
                               '--', 'psql', '-XAtq', '-d', 'aura_flow', '-c',
                               'BEGIN; LOCK TABLE items IN ACCESS EXCLUSIVE MODE; SELECT pg_sleep(300); COMMIT;'],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    playbook = None
    before = dump_names()
    try:
        wait_for(lambda: db_sql("SELECT count(*) FROM pg_locks l JOIN pg_stat_activity a USING (pid) WHERE "
                                "a.application_name = 'aura-test-lock' AND l.mode = 'AccessExclusiveLock' "
                                "AND l.granted") == '1', 'the lock on items')
        on_db('systemctl', 'reset-failed', 'aura-pg-backup.service')
        assert on_db('systemctl', 'start', '--no-block', 'aura-pg-backup.service').returncode == 0
        # the run has named its dump and now waits for the lock
        wait_for(lambda: db_sql("SELECT count(*) FROM pg_stat_activity WHERE datname = 'aura_flow' "
                                "AND wait_event_type = 'Lock'") != '0', 'the running backup to wait on the lock')
        assert unit_state() == 'activating'
        time.sleep(1.1)  # names carry the second: the request comes a second after that run began
        requested = on_db('date', '-u', '+%Y-%m-%dT%H:%M:%SZ').stdout.strip()
        playbook = subprocess.Popen([os.path.join(VENV_BIN, 'ansible-playbook'), *SSH, 'playbooks/backup.yml'],
                                    cwd=ROOT, stdout=subprocess.PIPE,
                                    stderr=subprocess.STDOUT, text=True,
                                    env=dict(os.environ, ANSIBLE_CONFIG=os.path.join(ROOT, 'ansible.cfg'),
                                             ANSIBLE_FORCE_COLOR='0'))
        # Let the playbook reach the unit (it either waits for the running backup or has already
        # returned), then let the running backup go on.
        wait_for(lambda: playbook.poll() is not None or on_db(
            'pgrep', '-f', 'ActiveState --value aura-pg-backup.service').returncode == 0,
            'backup.yml to reach the unit', timeout=120)
    finally:
        db_sql("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'aura-test-lock'")
        holder.wait(timeout=60)
        if playbook is not None:
            out = playbook.communicate(timeout=600)[0]
        wait_for(lambda: unit_state() != 'activating', 'the backup unit to finish', timeout=300)
    assert playbook.returncode == 0, out[-3000:]
    assert 'backup: PASSED' in out
    reports = re.findall(r'report: (\S+/backup-\d{8}T\d{6}Z\.json)', out)
    assert reports, out[-3000:]
    with open(reports[-1], encoding='utf-8') as handle:
        taken = json.load(handle)['measured']['file']
    manifest = json.loads(on_db('cat', taken + '.json').stdout)
    # The backup reported is one created at or after the request, not the one before it ...
    assert manifest['created_at'] >= requested, (taken, manifest['created_at'], requested)
    # ... and the run that was under way (begun before the request) also finished, under its own name.
    new = sorted(set(dump_names()) - set(before))
    assert len(new) == 2 and new[-1] == os.path.basename(taken), (new, taken)
    assert json.loads(on_db('cat', '%s/%s.json' % (BACKUP_DIR, new[0])).stdout)['created_at'] < requested
