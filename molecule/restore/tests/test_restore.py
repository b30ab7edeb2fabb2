"""Drive playbooks/restore.yml against this scenario's inventory and check its effects on the
database host and the backend. The tests run in file order and build on each other: a backup
holding a canary item, the restore test, three refusals that must change nothing, then a live
restore that brings the deleted canary back, and one that fails after the backends were stopped."""

import glob
import json
import os
import subprocess
import sys
import time

import testinfra

testinfra_hosts = ['molecule-restore-db']

BACKUP_DIR = '/var/backups/postgresql'
CANARY = 'restore-canary-item'
LOGIN = json.dumps({'email': 'demo@aura-flow.local', 'password': 'aura-demo-2024'})
REPORT_DIR = os.path.join(os.environ.get('MOLECULE_EPHEMERAL_DIRECTORY', '/tmp'), 'restore-reports')
STATE = {}


def app():
    return testinfra.get_host('ansible://molecule-restore-app', ansible_inventory=os.environ['MOLECULE_INVENTORY_FILE'])


def playbook(**extra):
    """Run playbooks/restore.yml with extra vars; return (rc, output, seconds)."""
    extra.setdefault('report_dir', REPORT_DIR)
    cmd = [os.path.join(os.path.dirname(sys.executable), 'ansible-playbook'), '-i', os.environ['MOLECULE_INVENTORY_FILE'],
           os.path.join(os.environ['MOLECULE_PROJECT_DIRECTORY'], 'playbooks', 'restore.yml'), '-e', json.dumps(extra)]
    started = time.monotonic()
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False, env=dict(os.environ, ANSIBLE_FORCE_COLOR='0'))
    seconds = time.monotonic() - started
    print('restore.yml %s: rc=%d in %.1fs' % (json.dumps(extra), proc.returncode, seconds))
    return proc.returncode, proc.stdout + proc.stderr, seconds


def newest_report():
    return json.load(open(sorted(glob.glob(os.path.join(REPORT_DIR, 'restore-*.json')))[-1]))


def sql(host, query, db='aura_flow'):
    out = host.run('runuser -u postgres -- psql -XAt -d %s -v ON_ERROR_STOP=1 -c %s', db, query)
    assert out.rc == 0, out.stderr
    return out.stdout.strip()


def dumps(host):
    out = host.run("find %s -maxdepth 1 -name 'aura_flow-*.dump' -printf '%%f\\n' | sort", BACKUP_DIR)
    return [line for line in out.stdout.split() if line]


def api(path, token=None, body=None):
    """A request to the backend on the app host; (status, parsed body)."""
    args = ['-w', '%{http_code}']
    if token:
        args += ['-H', 'Authorization: Bearer ' + token]
    if body is not None:
        args += ['-H', 'Content-Type: application/json', '-d', body]
    args.append('http://127.0.0.1:3001' + path)
    out = app().run('curl -s -o /tmp/api.json ' + ' '.join(['%s'] * len(args)) + '; echo; cat /tmp/api.json', *args)
    code, text = out.stdout.split('\n', 1)
    return int(code), json.loads(text) if text.strip() else {}


def token():
    status, body = api('/api/auth/login', body=LOGIN)
    assert status == 200, body
    return body['token']


def unchanged_state(host):
    """What a refused or test-only run must leave exactly as it was."""
    return {
        'db_oid': sql(host, "SELECT oid FROM pg_database WHERE datname = 'aura_flow'", db='postgres'),
        'databases': sql(host, 'SELECT string_agg(datname, \',\' ORDER BY datname) FROM pg_database', db='postgres'),
        'dumps': dumps(host),
        'backend_pid': app().check_output('systemctl show -p MainPID --value aura-flow-backend'),
        'canary_rows': sql(host, "SELECT count(*) FROM items WHERE title = '%s'" % CANARY),
    }


def test_backup_holds_the_canary(host):
    seed = app().run('cd /opt/aura-flow/current && runuser -u aura-flow -- env ENV_FILE=/opt/aura-flow/shared/.env node bin/seed.js')
    assert seed.rc == 0, seed.stderr
    sql(host, "DELETE FROM items WHERE title = '%s'" % CANARY)  # a fresh start when the tests run again
    status, body = api('/api/items', token=token(), body=json.dumps({'title': CANARY}))
    assert status == 201, body
    host.run('systemctl reset-failed aura-pg-backup.service')
    backup = host.run('systemctl start aura-pg-backup.service')
    assert backup.rc == 0, backup.stderr
    STATE['backup'] = dumps(host)[-1]
    manifest = json.loads(host.file('%s/%s.json' % (BACKUP_DIR, STATE['backup'])).content_string)
    assert manifest['row_counts']['items'] == 4 and manifest['row_counts']['users'] == 1


def test_restore_test_proves_the_backup_and_leaves_no_scratch_database(host):
    before = unchanged_state(host)
    rc, out, dummy = playbook(restore_test=True)
    assert rc == 0, out
    assert 'restore: PASSED' in out
    report = newest_report()
    assert report['kind'] == 'restore' and report['passed'] and report['targets']['mode'] == 'test'
    assert report['measured']['file'] == '%s/%s' % (BACKUP_DIR, STATE['backup'])
    assert {c['name'] for c in report['checks']} >= {'restore', 'min_rows', 'checksum'}
    assert sql(host, "SELECT count(*) FROM pg_database WHERE datname LIKE 'auraflow_verify%'", db='postgres') == '0'
    assert unchanged_state(host) == before


def test_missing_backup_lists_the_newest_and_changes_nothing(host):
    before = unchanged_state(host)
    rc, out, dummy = playbook(backup='aura_flow-19990101T000000Z.dump', confirm_restore='yes')
    assert rc != 0
    assert "backup 'aura_flow-19990101T000000Z.dump' not found" in out
    assert STATE['backup'] in out and 'Nothing was changed' in out
    assert unchanged_state(host) == before


def test_unconfirmed_restore_is_refused_and_changes_nothing(host):
    before = unchanged_state(host)
    rc, out, dummy = playbook(confirm_restore='no')
    assert rc != 0
    assert 'restore refused' in out and '-e confirm_restore=yes' in out and 'Nothing was changed' in out
    assert unchanged_state(host) == before


def test_corrupted_backup_is_refused_before_the_backends_stop(host):
    good = '%s/%s' % (BACKUP_DIR, STATE['backup'])
    bad = '%s/aura_flow-20000101T000000Z.dump' % BACKUP_DIR
    size = int(host.check_output('stat -c %%s %s', good))
    assert host.run('head -c %s %s > %s && chown postgres: %s', str(size * 2 // 3), good, bad, bad).rc == 0
    before = unchanged_state(host)
    stopped_at = app().check_output('systemctl show -p InactiveEnterTimestamp --value aura-flow-backend')
    try:
        rc, out, dummy = playbook(backup=bad, confirm_restore='yes')
        assert rc != 0
        assert 'is not a valid backup' in out and 'Nothing was restored and the backends were not touched' in out
        assert 'Stop aura-flow-backend' not in out
        assert app().check_output('systemctl show -p InactiveEnterTimestamp --value aura-flow-backend') == stopped_at
        assert sql(host, "SELECT count(*) FROM pg_database WHERE datname LIKE 'auraflow_verify%'", db='postgres') == '0'
        after = unchanged_state(host)
    finally:
        host.run('rm -f %s', bad)
    before['dumps'].remove('aura_flow-20000101T000000Z.dump')
    after['dumps'].remove('aura_flow-20000101T000000Z.dump')
    assert after == before


def test_restore_brings_a_deleted_row_back(host):
    assert sql(host, "DELETE FROM items WHERE title = '%s'" % CANARY) == 'DELETE 1'
    old_oid = sql(host, "SELECT oid FROM pg_database WHERE datname = 'aura_flow'", db='postgres')
    old_pid = app().check_output('systemctl show -p MainPID --value aura-flow-backend')
    rc, out, seconds = playbook(backup='latest', confirm_restore='yes')
    assert rc == 0, out
    assert 'restore: PASSED' in out
    report = newest_report()
    print('restore report: %s' % json.dumps(report['measured']))
    assert report['passed'] and [c['name'] for c in report['checks']] == [
        'backup_verified', 'backends_stopped', 'safety_backup', 'restore', 'restored_rows', 'health molecule-restore-app']
    assert report['measured']['file'] == '%s/%s' % (BACKUP_DIR, STATE['backup'])

    # The canary is back, in a new database owned by the app role, and nothing else is left over.
    assert sql(host, "SELECT count(*) FROM items WHERE title = '%s'" % CANARY) == '1'
    assert sql(host, "SELECT oid FROM pg_database WHERE datname = 'aura_flow'", db='postgres') != old_oid
    assert sql(host, "SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = 'aura_flow'", db='postgres') == 'aura_flow_user'
    assert sql(host, "SELECT string_agg(DISTINCT tableowner, ',') FROM pg_tables WHERE schemaname = 'public'") == 'aura_flow_user'
    assert sql(host, "SELECT count(*) FROM pg_database WHERE datname ~ '(restore|verify)'", db='postgres') == '0'
    assert host.run("ls -A %s | grep -c restoring", BACKUP_DIR).stdout.strip() == '0'

    # The safety backup is the database as it was: the newest dump, without the canary.
    safety = report['measured']['safety_backup']
    assert safety == '%s/%s' % (BACKUP_DIR, dumps(host)[-1]) and safety != report['measured']['file']
    assert host.run('cd %s && sha256sum -c %s.sha256', BACKUP_DIR, os.path.basename(safety)).rc == 0
    items = host.run('pg_restore --data-only --table=items -f - %s', safety)
    assert items.rc == 0 and 'Invite the team' in items.stdout and CANARY not in items.stdout

    # The backend was restarted, passes its health check and serves the restored data.
    assert app().check_output('systemctl show -p MainPID --value aura-flow-backend') != old_pid
    status, body = api('/health')
    assert status == 200 and body['db'] == 'ok'
    status, body = api('/api/items', token=token())
    assert status == 200 and CANARY in [item['title'] for item in body['items']]


def test_failed_restore_brings_the_backends_back_and_names_the_safety_backup(host):
    # A dump with a table the app role would not own: it restores fine in the scratch database,
    # and the role refuses it after the backends were stopped and the safety backup was taken.
    sql(host, 'CREATE TABLE intruder (id int)')
    host.run('sleep 1.1')  # dump names carry the second
    host.run('systemctl reset-failed aura-pg-backup.service')
    assert host.run('systemctl start aura-pg-backup.service').rc == 0
    sql(host, 'DROP TABLE intruder')
    bad = dumps(host)[-1]
    old_oid = sql(host, "SELECT oid FROM pg_database WHERE datname = 'aura_flow'", db='postgres')
    old_pid = app().check_output('systemctl show -p MainPID --value aura-flow-backend')
    rc, out, dummy = playbook(backup=bad, confirm_restore='yes')
    assert rc != 0
    assert 'public.intruder owned by postgres' in out and 'the live database aura_flow was not changed' in out
    safety = dumps(host)[-1]
    assert safety != bad and 'Safety backup of the database as it was: %s/%s' % (BACKUP_DIR, safety) in out
    assert 'Backends: molecule-restore-app healthy' in out
    report = newest_report()
    assert not report['passed'] and [c['name'] for c in report['checks'] if not c['ok']] == ['restore']
    # Nothing changed in the database; the backend was stopped, started again and serves the data.
    assert sql(host, "SELECT oid FROM pg_database WHERE datname = 'aura_flow'", db='postgres') == old_oid
    assert sql(host, "SELECT count(*) FROM pg_database WHERE datname ~ 'restore'", db='postgres') == '0'
    assert sql(host, "SELECT count(*) FROM items WHERE title = '%s'" % CANARY) == '1'
    assert app().check_output('systemctl show -p MainPID --value aura-flow-backend') != old_pid
    status, body = api('/api/items', token=token())
    assert status == 200 and CANARY in [item['title'] for item in body['items']]
