"""Verify auraflow.ops.postgres on the primary of this scenario with testinfra: the single-server
behaviour (listening, pg_hba, least privilege, backups, retention, a full backup disk). Merged here
from the former postgres scenario, whose one host converged the same role the primary does."""

import json

import pytest

APP_USER = 'aura_flow_user'
APP_PASSWORD = 'molecule-db-password-0123456789'
BACKUP_DIR = '/var/backups/postgresql'
ADDRESS = '172.30.96.21'  # the primary's network address

testinfra_hosts = ['molecule-pg-primary']


def app_sql(host, sql, address='127.0.0.1', password=APP_PASSWORD, sslmode='prefer'):
    return host.run("PGPASSWORD=%s PGSSLMODE=%s PGSSLROOTCERT=/etc/postgresql/tls/ca.crt psql -XAt -h %s -U %s -d aura_flow -v ON_ERROR_STOP=1 -c %s",
                    password, sslmode, address, APP_USER, sql)


def admin_sql(host, sql, db='aura_flow'):
    out = host.run('runuser -u postgres -- psql -XAt -d %s -v ON_ERROR_STOP=1 -c %s', db, sql)
    assert out.rc == 0, out.stderr
    return out.stdout.strip()


def dumps(host):
    out = host.run("find %s -maxdepth 1 -name 'aura_flow-*.dump' -printf '%%f\\n' | sort", BACKUP_DIR)
    return [line for line in out.stdout.split() if line]


def run_backup(host):
    host.run('sleep 1.1')  # dump names carry the second
    # Many starts in a few seconds trip systemd's start rate limit; clear it between runs.
    host.run('systemctl reset-failed aura-pg-backup.service')
    return host.run('systemctl start aura-pg-backup.service')


def server_major(host):
    """The PostgreSQL major version of the image's release (Debian 12: 15, Debian 13: 17): its one cluster."""
    return host.run('ls /etc/postgresql').stdout.split()[0]


def test_server_and_timer_enabled_and_running(host):
    unit = 'postgresql@%s-main' % server_major(host)
    assert host.service(unit).is_enabled
    assert host.service(unit).is_running
    assert host.service('aura-pg-backup.timer').is_enabled
    assert host.run('systemctl is-active aura-pg-backup.timer').stdout.strip() == 'active'


def test_listens_only_where_configured(host):
    listening = {str(s) for s in host.socket.get_listening_sockets() if s.startswith('tcp') and s.endswith(':5432')}
    assert 'tcp://0.0.0.0:5432' not in listening and 'tcp://:::5432' not in listening
    assert {'tcp://127.0.0.1:5432', 'tcp://%s:5432' % ADDRESS} <= listening


def test_pg_hba_is_scram_only(host):
    rules = admin_sql(host, 'SELECT type, auth_method, coalesce(error, \'\') FROM pg_hba_file_rules', db='postgres')
    lines = [r.split('|') for r in rules.splitlines()]
    assert lines, 'no pg_hba rules'
    assert all(line[2] == '' for line in lines)
    methods = {(kind, method) for kind, method, dummy in lines}
    assert not [m for kind, m in methods if m in ('trust', 'md5', 'password', 'ident')]
    assert all(m == 'scram-sha-256' for kind, m in methods if kind.startswith('host'))
    assert all(m in ('peer', 'scram-sha-256') for kind, m in methods if kind == 'local')


def test_network_rules_are_tls_only_and_the_server_verifiable(host):
    rules = admin_sql(host, "SELECT type, address FROM pg_hba_file_rules WHERE type <> 'local'", db='postgres')
    network = [r.split('|') for r in rules.splitlines() if r.split('|')[1] not in ('127.0.0.1', '::1')]
    assert network and all(kind == 'hostssl' for kind, dummy in network), rules
    verified = app_sql(host, 'SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()', address=ADDRESS, sslmode='verify-full')
    assert verified.rc == 0 and verified.stdout.strip() == 't', verified.stderr
    plain = app_sql(host, 'SELECT 1', address=ADDRESS, sslmode='disable')
    assert plain.rc != 0 and 'no encryption' in plain.stderr, plain.stderr
    key = host.file('/etc/postgresql/tls/server.key')
    assert (key.user, key.mode) == ('postgres', 0o600)


def test_owner_role_is_least_privilege(host):
    flags = admin_sql(host, "SELECT rolsuper, rolcreaterole, rolcreatedb, rolreplication, rolcanlogin "
                            "FROM pg_roles WHERE rolname = '%s'" % APP_USER)
    assert flags == 'f|f|f|f|t'
    assert admin_sql(host, "SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = 'aura_flow'") == APP_USER
    assert admin_sql(host, "SELECT rolpassword LIKE 'SCRAM-SHA-256$%%' FROM pg_authid WHERE rolname = '%s'"
                     % APP_USER) == 't'


def test_app_login_over_the_network_and_refusals(host):
    assert app_sql(host, 'SELECT 1', address=ADDRESS).stdout.strip() == '1'
    assert app_sql(host, 'SELECT 1', password='wrong-password').rc != 0
    no_password = host.run('psql -XAt -w -h %s -U postgres -d postgres -c "SELECT 1"' % ADDRESS)
    assert no_password.rc != 0 and 'no pg_hba.conf entry' in no_password.stderr


def test_pg_stat_statements_and_slow_log(host):
    assert admin_sql(host, "SELECT count(*) FROM pg_extension WHERE extname = 'pg_stat_statements'") == '1'
    assert admin_sql(host, 'SHOW log_min_duration_statement') == '500ms'
    assert admin_sql(host, 'SHOW password_encryption') == 'scram-sha-256'


def test_backup_is_complete_and_verifiable(host):
    assert app_sql(host, 'CREATE TABLE IF NOT EXISTS items (id int PRIMARY KEY, body text)').rc == 0
    assert app_sql(host, 'INSERT INTO items SELECT g, md5(g::text) FROM generate_series(1, 250) g '
                         'ON CONFLICT DO NOTHING').rc == 0
    result = run_backup(host)
    assert result.rc == 0, result.stderr
    newest = dumps(host)[-1]
    path = '%s/%s' % (BACKUP_DIR, newest)
    assert host.run('cd %s && sha256sum -c %s.sha256', BACKUP_DIR, newest).rc == 0
    listing = host.run('pg_restore --list %s', path)
    assert listing.rc == 0 and 'TABLE DATA public items' in listing.stdout
    manifest = json.loads(host.file(path + '.json').content_string)
    assert manifest['database'] == 'aura_flow' and manifest['row_counts'] == {'items': 250}
    assert manifest['sha256'] == host.file(path).sha256sum
    assert manifest['server_version'].startswith(server_major(host) + '.')
    assert host.file(path).user == 'postgres' and not host.file(path).mode & 0o007


def test_retention_keeps_the_newest_three(host):
    for dummy in range(4):
        assert run_backup(host).rc == 0
    kept = dumps(host)
    assert len(kept) == 3
    for name in kept:
        for suffix in ('.sha256', '.json'):
            assert host.file('%s/%s%s' % (BACKUP_DIR, name, suffix)).exists
    assert host.run("find %s -name '*.partial*'", BACKUP_DIR).stdout.strip() == ''


def test_retention_removes_dumps_older_than_keep_days(host):
    kept = dumps(host)  # oldest first, three of them
    aged = '%s/%s' % (BACKUP_DIR, kept[1])
    # Age the middle dump past postgres_backup_keep_days (7): after the next backup it is still
    # within the newest three, so only its age can remove it.
    assert host.run("touch -d '10 days ago' %s %s.sha256 %s.json", aged, aged, aged).rc == 0
    assert run_backup(host).rc == 0
    now = dumps(host)
    assert kept[1] not in now and not host.file(aged + '.json').exists
    assert kept[2] in now and len(now) == 2
    log = host.run('journalctl -u aura-pg-backup.service -n 8 --no-pager').stdout
    assert 'retention removed %s' % kept[1] in log


def age(host, names, days=10):
    for name in names:
        path = '%s/%s' % (BACKUP_DIR, name)
        assert host.run("touch -d %s %s %s.sha256 %s.json", "%d days ago" % days, path, path, path).rc == 0


def test_retention_keeps_keep_min_dumps_whatever_their_age(host):
    # A gap longer than postgres_backup_keep_days (the disk guard refused for a week): every dump is
    # old. The next run keeps postgres_backup_keep_min (2 here) dumps: the new one and the newest old one.
    before = dumps(host)
    assert len(before) >= 2, before
    age(host, before)
    assert run_backup(host).rc == 0
    now = dumps(host)
    assert len(now) == 2 and now[0] == before[-1], (before, now)
    log = host.run('journalctl -u aura-pg-backup.service -n 8 --no-pager').stdout
    assert 'retention removed %s' % before[-2] in log


FAKE_PG_RESTORE = ("mkdir -p /usr/local/lib/aura-test-bin /etc/systemd/system/aura-pg-backup.service.d && "
                   "printf '#!/bin/sh\\necho \"pg_restore: error: simulated corrupt archive\" >&2\\nexit 1\\n' "
                   "> /usr/local/lib/aura-test-bin/pg_restore && chmod 755 /usr/local/lib/aura-test-bin/pg_restore && "
                   "printf '[Service]\\nEnvironment=PATH=/usr/local/lib/aura-test-bin:/usr/local/sbin:/usr/local/bin:"
                   "/usr/sbin:/usr/bin:/sbin:/bin\\n' > /etc/systemd/system/aura-pg-backup.service.d/test-path.conf && "
                   "systemctl daemon-reload")


@pytest.fixture()
def failing_pg_restore(host):
    """Returns a function that gives the backup unit a pg_restore that cannot read any archive (as on
    a corrupted dump); removed afterwards."""
    yield lambda: host.run(FAKE_PG_RESTORE).rc == 0
    host.run('rm -rf /usr/local/lib/aura-test-bin /etc/systemd/system/aura-pg-backup.service.d/test-path.conf')
    host.run('systemctl daemon-reload')
    host.run('systemctl reset-failed aura-pg-backup.service')


def test_a_new_dump_that_fails_verification_deletes_nothing(host, failing_pg_restore):
    # Three dumps, all older than keep_days: a verified new one would let retention remove one of
    # them (keep_min 2); one that does not verify must fail the unit and remove nothing.
    while len(dumps(host)) < 3:
        assert run_backup(host).rc == 0
    before = dumps(host)
    age(host, before)
    assert failing_pg_restore()
    result = run_backup(host)
    assert result.rc != 0
    assert dumps(host) == before
    for name in before:
        assert host.file('%s/%s.json' % (BACKUP_DIR, name)).exists
    assert host.run("ls -A %s | grep -c partial", BACKUP_DIR).stdout.strip() == '0'
    log = host.run('journalctl -u aura-pg-backup.service -n 8 --no-pager').stdout
    assert 'simulated corrupt archive' in log


def test_two_backups_started_in_the_same_second_are_both_kept(host):
    # Dump names carry the second: two runs started in the same second must not share a name.
    before = dumps(host)
    both = host.run("python3 -c 'import time; time.sleep(1.05 - time.time() % 1)' && "
                    "runuser -u postgres -- bash -c '/usr/local/sbin/aura-pg-backup & a=$!; "
                    "/usr/local/sbin/aura-pg-backup & b=$!; wait $a; ra=$?; wait $b; echo $ra $?'")
    assert both.stdout.split()[-2:] == ['0', '0'], both.stdout + both.stderr
    new = sorted(set(dumps(host)) - set(before))
    assert len(new) == 2, (before, dumps(host))
    for name in new:
        assert host.run('cd %s && sha256sum -c %s.sha256', BACKUP_DIR, name).rc == 0
        assert json.loads(host.file('%s/%s.json' % (BACKUP_DIR, name)).content_string)['file'] == name


@pytest.fixture()
def small_backup_disk(host):
    """A 2 MiB tmpfs over the backup directory, with one earlier backup on it."""
    assert host.run('mount -t tmpfs -o size=2m,uid=postgres,gid=postgres,mode=0750 tmpfs %s', BACKUP_DIR).rc == 0
    host.run("runuser -u postgres -- sh -c 'echo earlier > %s/aura_flow-20000101T000000Z.dump'", BACKUP_DIR)
    host.run('systemctl reset-failed aura-pg-backup.service')
    yield
    host.run('umount %s', BACKUP_DIR)
    host.run('systemctl reset-failed aura-pg-backup.service')


def test_disk_full_fails_visibly_and_keeps_earlier_backups(host, small_backup_disk):
    # ~6 MB of poorly compressible rows: the dump cannot fit in 2 MiB.
    assert app_sql(host, "INSERT INTO items SELECT g, encode(sha512(random()::text::bytea), 'base64') || "
                         "encode(sha512(random()::text::bytea), 'base64') FROM generate_series(1000, 40000) g").rc == 0
    result = run_backup(host)
    assert result.rc != 0
    assert host.run('systemctl is-failed aura-pg-backup.service').stdout.strip() == 'failed'
    assert host.file('%s/aura_flow-20000101T000000Z.dump' % BACKUP_DIR).content_string == 'earlier\n'
    assert dumps(host) == ['aura_flow-20000101T000000Z.dump']
    assert host.run("ls -A %s | grep -c partial", BACKUP_DIR).stdout.strip() == '0'


def test_refuses_to_start_above_the_used_threshold(host, small_backup_disk):
    host.run("runuser -u postgres -- dd if=/dev/zero of=%s/filler bs=1k count=1800", BACKUP_DIR)
    result = run_backup(host)
    assert result.rc != 0
    log = host.run('journalctl -u aura-pg-backup.service -n 20 --no-pager').stdout
    assert 'refusing to start' in log and 'limit 85%' in log
    assert dumps(host) == ['aura_flow-20000101T000000Z.dump']
