"""Point-in-time recovery on the deployed lab: WAL archived by pgBackRest (the postgres role,
postgres_pgbackrest_enabled in the lab's group_vars, the repository on a volume of its own) and
`restore.yml -e restore_target_time=` as an operator runs it. The tests run in file order and build on
each other: archiving is on and survives a restart, a broken archive_command fails the role, a restore
test to a moment holds what was written before it and not what came after, bad targets are refused
before anything changes, a corrupted backup file fails verification naming the check, and a live
restore to a moment brings the cluster back to it. After every run no scratch instance is left."""

import json
import time

import pytest

from conftest import SSH, lab_exec, lab_sql, over_ssh, run, run_playbook

pytestmark = pytest.mark.lab

DB = 'aura-db1'
APPS = ('aura-app1', 'aura-app2')
STANZA = 'aura'
REPO = '/var/lib/pgbackrest'
SCRATCH = '/var/lib/postgresql/auraflow-pitr-scratch'
STATE = {}


def pgbackrest(*args, ok=True):
    return lab_exec(DB, 'runuser', '-u', 'postgres', '--', 'pgbackrest', '--stanza=' + STANZA, *args, ok=ok)


def stanza_info():
    return json.loads(pgbackrest('--output=json', 'info').stdout)[0]


def restore(*args, **extra):
    """restore.yml with extra vars: (rc, output, report or None)."""
    rc, out, report, dummy = run_playbook('restore', *SSH, *args, '-e', json.dumps(extra), timeout=900)
    return rc, out, report


def mark(title):
    """A row in items (owned by the first user) and the database's clock right after its commit, UTC."""
    lab_sql("INSERT INTO items (user_id, title) SELECT min(id), '%s' FROM users" % title)
    return lab_sql("SELECT to_char(clock_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')")


def count(title):
    return int(lab_sql("SELECT count(*) FROM items WHERE title = '%s'" % title))


def no_scratch_left():
    """No scratch data directory and no postgres process of one outlived the run."""
    left = lab_exec(DB, 'sh', '-c', 'ls -A %s 2>/dev/null; pgrep -a postgres | grep -F %s || true' % (SCRATCH, SCRATCH)).stdout.strip()
    assert left == '', 'a scratch instance outlived the run: %s' % left


def role_run(tmp_path, **extra):
    """The postgres role alone on the database host, as a playbook of the user's would call it."""
    playbook = tmp_path / 'db.yml'
    playbook.write_text('- hosts: aura_db\n  gather_facts: false\n  roles: [auraflow.ops.postgres]\n')
    result = run(['.venv/bin/ansible-playbook', *SSH, str(playbook), '-e', json.dumps(extra)], timeout=600)
    return result.returncode, result.stdout + result.stderr


def test_archiving_is_on_and_reaches_a_repository_on_its_own_disk():
    assert lab_sql('SHOW archive_mode', db='postgres') == 'on'
    assert lab_sql('SHOW archive_command', db='postgres') == 'pgbackrest --stanza=%s archive-push %%p' % STANZA
    assert lab_sql('SHOW archive_timeout', db='postgres') == '1min'
    info = stanza_info()
    assert info['status']['code'] == 0, info['status']
    assert [b['type'] for b in info['backup']][:1] == ['full'], info['backup']
    pgbackrest('check')
    devices = lab_exec(DB, 'stat', '-c', '%d', '/var/lib/postgresql', REPO).stdout.split()
    assert devices[0] != devices[1], 'the repository is on the data directory\'s filesystem'
    for timer in ('aura-pgbackrest-full.timer', 'aura-pgbackrest-diff.timer'):
        assert lab_exec(DB, 'systemctl', 'is-enabled', timer).stdout.strip() == 'enabled'
        assert lab_exec(DB, 'systemctl', 'is-active', timer).stdout.strip() == 'active'


def test_archiving_survives_a_postgresql_restart():
    failed_before = int(lab_sql('SELECT failed_count FROM pg_stat_archiver', db='postgres'))
    lab_exec(DB, 'systemctl', 'restart', 'postgresql@%s-main' % lab_sql('SHOW server_version_num', db='postgres')[:2])
    for dummy in range(30):
        if lab_exec(DB, 'pg_isready', '-q', ok=False).returncode == 0:
            break
        time.sleep(1)
    restarted = lab_sql("SELECT pg_postmaster_start_time()", db='postgres')
    segment = lab_sql('SELECT pg_walfile_name(pg_current_wal_lsn())', db='postgres')
    mark('pitr-after-restart')
    pgbackrest('check')  # a WAL switch after the restart that must reach the repository
    row = lab_sql('SELECT last_archived_wal, last_archived_time >= %s::timestamptz, failed_count FROM pg_stat_archiver'
                  % ("'%s'" % restarted), db='postgres').split('|')
    assert row[0] >= segment and row[1] == 't' and int(row[2]) == failed_before, row


def test_a_broken_archive_command_fails_the_role(tmp_path):
    broken = "'pgbackrest --stanza=%s --repo1-path=/nonexistent archive-push %%p'" % STANZA
    try:
        rc, out = role_run(tmp_path, postgres_extra_settings={'archive_command': broken}, postgres_pgbackrest_check_timeout=10)
        flat = ' '.join(out.split())
        assert rc != 0, out[-3000:]
        assert 'WAL archiving to pgBackRest stanza %s does NOT work' % STANZA in flat, out[-3000:]
    finally:
        rc, out = role_run(tmp_path)
    assert rc == 0, out[-3000:]
    assert lab_sql('SHOW archive_command', db='postgres') == 'pgbackrest --stanza=%s archive-push %%p' % STANZA
    pgbackrest('check')


def test_a_restore_test_to_a_moment_holds_what_came_before_it_and_not_after():
    lab_sql("DELETE FROM items WHERE title LIKE 'pitr-%'")
    mark('pitr-before')
    time.sleep(1.1)
    target = lab_sql("SELECT to_char(clock_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')")
    time.sleep(1.1)
    mark('pitr-after')
    items_at_target = int(lab_sql('SELECT count(*) FROM items')) - 1
    STATE['target'] = target
    rc, out, report = restore(restore_test=True, restore_target_time=target)
    assert rc == 0, out[-3000:]
    assert 'restore: PASSED' in out
    assert report['targets'] == {'mode': 'test', 'target_time': target}
    names = [c['name'] for c in report['checks']]
    assert {'repository', 'target_in_range', 'restore', 'target_reached', 'expected_tables', 'cleanup'} <= set(names), names
    assert report['measured']['tables']['public.items'] == items_at_target, report['measured']
    assert report['measured']['recovered_to'][:19] <= target[:19], report['measured']
    no_scratch_left()
    assert count('pitr-before') == 1 and count('pitr-after') == 1  # the live database was not touched


@pytest.mark.parametrize('target, says', [
    ('2999-01-01T00:00:00Z', 'must be a moment in the past'),
    ('yesterday', 'must be a moment in the past'),
    ('2000-01-01T00:00:00Z', 'target_in_range'),
])
def test_a_target_it_cannot_reach_is_refused_before_anything_changes(target, says):
    pids = [lab_exec(h, 'systemctl', 'show', '-p', 'MainPID', '--value', 'aura-flow-backend').stdout for h in APPS]
    postmaster = lab_sql('SELECT pg_postmaster_start_time()', db='postgres')
    rc, out, dummy = restore(confirm_restore='yes', restore_target_time=target)
    flat = ' '.join(out.split())
    assert rc != 0 and says in flat, out[-3000:]
    assert 'Nothing was' in flat, out[-3000:]
    assert [lab_exec(h, 'systemctl', 'show', '-p', 'MainPID', '--value', 'aura-flow-backend').stdout for h in APPS] == pids
    assert lab_sql('SELECT pg_postmaster_start_time()', db='postgres') == postmaster
    no_scratch_left()


def test_a_corrupted_backup_file_fails_verification_naming_the_check():
    label = stanza_info()['backup'][-1]['label']
    found = lab_exec(DB, 'sh', '-c', 'ls -S %s/backup/%s/%s/pg_data/base/*/* | head -1' % (REPO, STANZA, label)).stdout.strip()
    assert found, 'no data file in the backup set %s' % label
    saved = '/root/pitr-saved-file'
    lab_exec(DB, 'cp', '-p', found, saved)
    try:
        lab_exec(DB, 'sh', '-c', 'printf "\\377\\377\\377\\377\\377\\377\\377\\377" | dd of=%s bs=1 seek=64 conv=notrunc status=none' % found)
        rc, out, report = restore(restore_test=True, restore_target_time=STATE['target'])
        assert rc != 0, out[-3000:]
        failed = [c['name'] for c in report['checks'] if not c['ok']]
        assert failed and failed[0] in ('pgbackrest_verify', 'restore'), report['checks']
        assert failed[0] in ' '.join(out.split())
    finally:
        lab_exec(DB, 'cp', '-p', saved, found)
        lab_exec(DB, 'rm', '-f', saved)
    no_scratch_left()


def test_a_live_restore_to_a_moment_brings_the_cluster_back_to_it():
    assert count('pitr-before') == 1 and count('pitr-after') == 1
    timeline = lab_sql('SELECT timeline_id FROM pg_control_checkpoint()', db='postgres')
    with over_ssh(DB, *APPS):  # the user's path: SSH as deploy, sudo (inventories/lab-ssh)
        rc, out, report = restore(confirm_restore='yes', restore_target_time=STATE['target'])
    assert rc == 0, out[-3000:]
    assert 'restore: PASSED' in out
    assert [c['name'] for c in report['checks']] == [
        'backup_verified', 'backends_stopped', 'safety_backup', 'restore', 'restored_rows'] + ['health ' + h for h in APPS]
    assert report['targets']['target_time'] == STATE['target']
    # the row written before the target is there, the one after it is not; a new timeline; archiving goes on
    assert count('pitr-before') == 1 and count('pitr-after') == 0
    assert lab_sql('SELECT timeline_id FROM pg_control_checkpoint()', db='postgres') != timeline
    assert lab_sql('SELECT pg_is_in_recovery()', db='postgres') == 'f'
    assert lab_sql("SELECT count(*) FROM pg_file_settings WHERE name LIKE 'recovery_target%' OR name = 'restore_command'",
                   db='postgres') == '0'
    pgbackrest('check')
    no_scratch_left()
    # the safety backup taken first is the database as it was, with the row written after the target
    safety = report['measured']['safety_backup']
    assert 'pitr-after' in lab_exec(DB, 'pg_restore', '--data-only', '--table=items', '-f', '-', safety).stdout
    lab_sql("DELETE FROM items WHERE title LIKE 'pitr-%'")
