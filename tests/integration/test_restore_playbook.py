"""playbooks/restore.yml on the deployed lab (aura-db1 behind both backends), as an operator runs it.
Moved here from the former molecule `restore` scenario, which built its own database and backend
hosts for the same playbook. The tests run in file order and build on each other: a backup holding
a canary item, the restore test, three refusals that must change nothing, then a live restore that
brings the deleted canary back, and one that fails after the backends were stopped. The module ends
with the stack healthy and the canary restored (the next module's start check proves it)."""

import json
import os

import pytest

from conftest import SSH, lab_exec, lab_sql, over_ssh, run_playbook

pytestmark = pytest.mark.lab

DB = 'aura-db1'
APPS = ('aura-app1', 'aura-app2')
BACKUP_DIR = '/var/backups/postgresql'
CANARY = 'restore-canary-item'
LOGIN = json.dumps({'email': 'demo@aura-flow.local', 'password': 'aura-demo-2024'})
STATE = {}


def dumps():
    out = lab_exec(DB, 'find', BACKUP_DIR, '-maxdepth', '1', '-name', 'aura_flow-*.dump', '-printf', '%f\\n').stdout
    return sorted(line for line in out.split() if line)


def take_backup():
    """A backup through the postgres role's unit (names carry the second: wait one out first)."""
    lab_exec(DB, 'sleep', '1.1')
    lab_exec(DB, 'systemctl', 'reset-failed', 'aura-pg-backup.service', ok=False)
    lab_exec(DB, 'systemctl', 'start', 'aura-pg-backup.service')
    return dumps()[-1]


def main_pid(host):
    return lab_exec(host, 'systemctl', 'show', '-p', 'MainPID', '--value', 'aura-flow-backend').stdout.strip()


def api(path, token=None, body=None, host='aura-app1'):
    """A request to the backend on an app host; (status, parsed body)."""
    args = ['curl', '-s', '-o', '/tmp/restore-api.json', '-w', '%{http_code}']
    if token:
        args += ['-H', 'Authorization: Bearer ' + token]
    if body is not None:
        args += ['-H', 'Content-Type: application/json', '-d', body]
    code = lab_exec(host, *(args + ['http://127.0.0.1:3001' + path])).stdout.strip()
    text = lab_exec(host, 'cat', '/tmp/restore-api.json').stdout
    return int(code), json.loads(text) if text.strip() else {}


def token():
    status, body = api('/api/auth/login', body=LOGIN)
    assert status == 200, body
    return body['token']


def restore(*args, **extra):
    """restore.yml with extra vars: (rc, output, report or None)."""
    rc, out, report, dummy = run_playbook('restore', *SSH, *args, '-e', json.dumps(extra), timeout=900)
    return rc, out, report


def unchanged_state():
    """What a refused or test-only run must leave exactly as it was."""
    return {
        'db_oid': lab_sql("SELECT oid FROM pg_database WHERE datname = 'aura_flow'", db='postgres'),
        'databases': lab_sql("SELECT string_agg(datname, ',' ORDER BY datname) FROM pg_database", db='postgres'),
        'dumps': dumps(),
        'backend_pids': [main_pid(h) for h in APPS],
        'canary_rows': lab_sql("SELECT count(*) FROM items WHERE title = '%s'" % CANARY),
    }


def test_backup_holds_the_canary():
    lab_sql("DELETE FROM items WHERE title = '%s'" % CANARY)  # a fresh start when the tests run again
    status, body = api('/api/items', token=token(), body=json.dumps({'title': CANARY}))
    assert status == 201, body
    counts = {t: int(lab_sql('SELECT count(*) FROM %s' % t)) for t in ('users', 'items')}
    STATE['backup'] = take_backup()
    manifest = json.loads(lab_exec(DB, 'cat', '%s/%s.json' % (BACKUP_DIR, STATE['backup'])).stdout)
    assert manifest['row_counts'] == counts and counts['items'] >= 1 and counts['users'] >= 1


def test_restore_test_proves_the_backup_and_leaves_no_scratch_database():
    before = unchanged_state()
    with over_ssh(DB):  # the user's path: SSH as deploy, sudo (inventories/lab-ssh)
        rc, out, report = restore(restore_test=True)
        assert rc == 0, out[-3000:]
    assert 'restore: PASSED' in out
    assert report['kind'] == 'restore' and report['passed'] and report['targets']['mode'] == 'test'
    assert report['measured']['file'] == '%s/%s' % (BACKUP_DIR, STATE['backup'])
    assert {c['name'] for c in report['checks']} >= {'restore', 'min_rows', 'checksum'}
    assert lab_sql("SELECT count(*) FROM pg_database WHERE datname LIKE 'auraflow_verify%'", db='postgres') == '0'
    assert unchanged_state() == before


def test_missing_backup_lists_the_newest_and_changes_nothing():
    before = unchanged_state()
    rc, out, dummy = restore(backup='aura_flow-19990101T000000Z.dump', confirm_restore='yes')
    assert rc != 0
    assert "backup 'aura_flow-19990101T000000Z.dump' not found" in out
    assert STATE['backup'] in out and 'Nothing was changed' in out
    assert unchanged_state() == before


def test_unconfirmed_restore_is_refused_and_changes_nothing():
    before = unchanged_state()
    rc, out, dummy = restore(confirm_restore='no')
    assert rc != 0
    assert 'restore refused' in out and '-e confirm_restore=yes' in out and 'Nothing was changed' in out
    assert unchanged_state() == before


def test_corrupted_backup_is_refused_before_the_backends_stop():
    good = '%s/%s' % (BACKUP_DIR, STATE['backup'])
    bad = '%s/aura_flow-20000101T000000Z.dump' % BACKUP_DIR
    size = int(lab_exec(DB, 'stat', '-c', '%s', good).stdout)
    lab_exec(DB, 'sh', '-c', 'head -c %d %s > %s && chown postgres: %s' % (size * 2 // 3, good, bad, bad))
    before = unchanged_state()
    stopped_at = [lab_exec(h, 'systemctl', 'show', '-p', 'InactiveEnterTimestamp', '--value', 'aura-flow-backend').stdout
                  for h in APPS]
    try:
        rc, out, dummy = restore(backup=bad, confirm_restore='yes')
        assert rc != 0
        assert 'is not a valid backup' in out and 'Nothing was restored and the backends were not touched' in out
        assert 'Stop aura-flow-backend' not in out
        assert [lab_exec(h, 'systemctl', 'show', '-p', 'InactiveEnterTimestamp', '--value', 'aura-flow-backend').stdout
                for h in APPS] == stopped_at
        assert lab_sql("SELECT count(*) FROM pg_database WHERE datname LIKE 'auraflow_verify%'", db='postgres') == '0'
        after = unchanged_state()
    finally:
        lab_exec(DB, 'rm', '-f', bad)
    before['dumps'].remove(os.path.basename(bad))
    after['dumps'].remove(os.path.basename(bad))
    assert after == before


def test_a_live_restore_of_another_format_is_refused_before_anything_is_restored():
    """The format a live restore takes (pg_dump -Fc) is checked before the backup is restored anywhere,
    also into the scratch database: a plain SQL file is refused by its format alone."""
    plain = '%s/aura_flow-plain.sql' % BACKUP_DIR
    lab_exec(DB, 'sh', '-c', 'runuser -u postgres -- pg_dump -Fp -d aura_flow -f %s' % plain)
    before = unchanged_state()
    try:
        rc, out, report = restore(backup=plain, confirm_restore='yes')
        flat = ' '.join(out.split())
        assert rc != 0, out[-3000:]
        assert 'expected custom, but the content is plain' in flat and 'Nothing was restored' in flat, out[-3000:]
        # no restore was tried, not even into the scratch database (it would be a check of its own)
        assert report is not None and [c['name'] for c in report['checks'] if not c['ok']] == ['format'], report
        assert 'restore' not in {c['name'] for c in report['checks']}, report
        assert 'Stop aura-flow-backend' not in out
    finally:
        lab_exec(DB, 'rm', '-f', plain)
    assert unchanged_state() == before


def test_restore_brings_a_deleted_row_back():
    assert lab_sql("DELETE FROM items WHERE title = '%s'" % CANARY) == 'DELETE 1'
    old_oid = lab_sql("SELECT oid FROM pg_database WHERE datname = 'aura_flow'", db='postgres')
    old_pids = [main_pid(h) for h in APPS]
    rc, out, report = restore(backup='latest', confirm_restore='yes')
    assert rc == 0, out[-3000:]
    assert 'restore: PASSED' in out
    print('restore report: %s' % json.dumps(report['measured']))
    assert report['passed'] and [c['name'] for c in report['checks']] == [
        'backup_verified', 'backends_stopped', 'safety_backup', 'restore', 'restored_rows'] + ['health ' + h for h in APPS]
    assert report['measured']['file'] == '%s/%s' % (BACKUP_DIR, STATE['backup'])

    # The canary is back, in a new database owned by the app role, and nothing else is left over.
    assert lab_sql("SELECT count(*) FROM items WHERE title = '%s'" % CANARY) == '1'
    assert lab_sql("SELECT oid FROM pg_database WHERE datname = 'aura_flow'", db='postgres') != old_oid
    assert lab_sql("SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = 'aura_flow'", db='postgres') == 'aura_flow_user'
    assert lab_sql("SELECT string_agg(DISTINCT tableowner, ',') FROM pg_tables WHERE schemaname = 'public'") == 'aura_flow_user'
    assert lab_sql("SELECT count(*) FROM pg_database WHERE datname ~ '(restore|verify)'", db='postgres') == '0'
    assert 'restoring' not in lab_exec(DB, 'ls', '-A', BACKUP_DIR).stdout

    # The safety backup is the database as it was: the newest dump, without the canary.
    safety = report['measured']['safety_backup']
    assert safety == '%s/%s' % (BACKUP_DIR, dumps()[-1]) and safety != report['measured']['file']
    lab_exec(DB, 'sh', '-c', 'cd %s && sha256sum -c %s.sha256' % (BACKUP_DIR, os.path.basename(safety)))
    items = lab_exec(DB, 'pg_restore', '--data-only', '--table=items', '-f', '-', safety).stdout
    assert 'Invite the team' in items and CANARY not in items

    # Every backend was restarted, passes its health check and serves the restored data.
    assert [main_pid(h) for h in APPS] != old_pids and all(a != b for a, b in zip([main_pid(h) for h in APPS], old_pids))
    for host in APPS:
        status, body = api('/health', host=host)
        assert status == 200 and body['db'] == 'ok', (host, body)
    status, body = api('/api/items', token=token())
    assert status == 200 and CANARY in [item['title'] for item in body['items']]


def test_failed_restore_brings_the_backends_back_and_names_the_safety_backup():
    # A dump with a table the app role would not own: it restores fine in the scratch database,
    # and the role refuses it after the backends were stopped and the safety backup was taken.
    lab_sql('CREATE TABLE intruder (id int)')
    try:
        bad = take_backup()
    finally:
        lab_sql('DROP TABLE IF EXISTS intruder')
    old_oid = lab_sql("SELECT oid FROM pg_database WHERE datname = 'aura_flow'", db='postgres')
    old_pids = [main_pid(h) for h in APPS]
    rc, out, report = restore(backup=bad, confirm_restore='yes')
    assert rc != 0
    assert 'public.intruder owned by postgres' in out and 'the live database aura_flow was not changed' in out
    safety = dumps()[-1]
    assert safety != bad and 'Safety backup of the database as it was: %s/%s' % (BACKUP_DIR, safety) in out
    assert 'Backends: %s' % ', '.join('%s healthy' % h for h in APPS) in out
    assert not report['passed'] and [c['name'] for c in report['checks'] if not c['ok']] == ['restore']
    # Nothing changed in the database; the backends were stopped, started again and serve the data.
    assert lab_sql("SELECT oid FROM pg_database WHERE datname = 'aura_flow'", db='postgres') == old_oid
    assert lab_sql("SELECT count(*) FROM pg_database WHERE datname ~ 'restore'", db='postgres') == '0'
    assert lab_sql("SELECT count(*) FROM items WHERE title = '%s'" % CANARY) == '1'
    assert all(a != b for a, b in zip([main_pid(h) for h in APPS], old_pids))
    status, body = api('/api/items', token=token())
    assert status == 200 and CANARY in [item['title'] for item in body['items']]
    # the refused dump must not stay the newest backup a later 'latest' restore would pick
    lab_exec(DB, 'sh', '-c', 'rm -f %s/%s %s/%s.sha256 %s/%s.json' % ((BACKUP_DIR, bad) * 3))


def test_a_safety_backup_that_does_not_restore_stops_before_anything_is_dropped():
    # The backup disk damages what is written (simulated: the unit cuts each new dump short right after
    # writing it). The chosen backup is good; only the safety backup's own restore test can see this,
    # and the live database (with a row written after the chosen backup) must not be dropped.
    marker = 'written-after-the-chosen-backup'
    lab_sql("DELETE FROM items WHERE title = '%s'" % marker)  # a fresh start when the tests run again
    chosen = take_backup()
    status, body = api('/api/items', token=token(), body=json.dumps({'title': marker}))
    assert status == 201, body
    old_oid = lab_sql("SELECT oid FROM pg_database WHERE datname = 'aura_flow'", db='postgres')
    before = dumps()
    dropin = '/etc/systemd/system/aura-pg-backup.service.d/test-damage.conf'
    damage = ("[Service]\nExecStartPost=/bin/sh -c 'f=$$(ls -1 %s/aura_flow-*.dump | tail -n 1); "
              "truncate -s 4000 \"$$f\"'" % BACKUP_DIR)
    lab_exec(DB, 'sh', '-c', 'mkdir -p "${1%/*}" && printf "%s\\n" "$2" > "$1" && systemctl daemon-reload', 'sh', dropin, damage)
    try:
        rc, out, report = restore(backup=chosen, confirm_restore='yes')
    finally:
        lab_exec(DB, 'sh', '-c', 'rm -f %s && systemctl daemon-reload' % dropin)
        new = sorted(set(dumps()) - set(before))
        for name in new:  # the damaged safety backup must not stay the newest 'latest'
            lab_exec(DB, 'sh', '-c', 'rm -f %s/%s %s/%s.sha256 %s/%s.json' % ((BACKUP_DIR, name) * 3))
    assert rc != 0, out[-3000:]
    assert len(new) == 1, new
    assert 'the safety backup %s/%s did not restore in a scratch database' % (BACKUP_DIR, new[0]) in out
    assert 'The live database was not changed' in out
    assert 'Backends: %s' % ', '.join('%s healthy' % h for h in APPS) in out
    assert not report['passed'] and [c['name'] for c in report['checks'] if not c['ok']] == ['safety_backup']
    # Nothing was dropped: the same database, with the row written after the chosen backup.
    assert lab_sql("SELECT oid FROM pg_database WHERE datname = 'aura_flow'", db='postgres') == old_oid
    assert lab_sql("SELECT count(*) FROM items WHERE title = '%s'" % marker) == '1'
    assert lab_sql("SELECT count(*) FROM pg_database WHERE datname ~ '(restore|verify)'", db='postgres') == '0'
    assert 'restoring' not in lab_exec(DB, 'ls', '-A', BACKUP_DIR).stdout
    status, body = api('/api/items', token=token())
    assert status == 200 and marker in [item['title'] for item in body['items']]
    lab_sql("DELETE FROM items WHERE title = '%s'" % marker)
