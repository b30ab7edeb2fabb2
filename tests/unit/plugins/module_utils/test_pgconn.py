"""Unit tests for plugins/module_utils/pgconn.py: libpq options, processes, signals, scratch lifecycle.

The scratch database lifecycle is exercised here with a recording stand-in for psql (the
server side is covered by tests/integration/test_pg_backup_verify.py against a real server).
"""

import os
import re
import signal
import sys
import threading
import time

import pytest

from ansible_collections.auraflow.ops.plugins.module_utils.pgconn import (
    SCRATCH_PREFIX,
    Interrupted,
    PgError,
    ProcessTimeout,
    ScratchDatabase,
    SignalGuard,
    connection_argument_spec,
    describe_target,
    error_lines,
    find_pg_program,
    libpq_env,
    libpq_host,
    quote_ident,
    run_process,
    scram_sha256_verifier,
    scratch_created_epoch,
    scratch_name,
    signal_name,
    stale_scratch_names,
)


def test_argument_spec_names_match_community_postgresql():
    spec = connection_argument_spec()
    assert set(spec) == {'login_user', 'login_password', 'login_host', 'login_port', 'login_unix_socket', 'maintenance_db',
                         'ssl_mode', 'ca_cert', 'connect_timeout'}
    assert spec['login_password']['no_log'] is True
    assert spec['login_user']['default'] == 'postgres' and spec['login_port']['default'] == 5432


@pytest.mark.parametrize('host, socket_dir, expected', [
    ('', '', ''),
    ('db1', '', 'db1'),
    ('', '/run/postgresql', '/run/postgresql'),
    ('localhost', '/run/postgresql', '/run/postgresql'),
    ('127.0.0.1', '/run/postgresql', '127.0.0.1'),
])
def test_libpq_host(host, socket_dir, expected):
    assert libpq_host({'login_host': host, 'login_unix_socket': socket_dir}) == expected


def test_libpq_env():
    base = {'PATH': '/bin', 'PGPASSWORD': 'inherited', 'PGSERVICE': 'x', 'PGHOST': 'elsewhere'}
    params = {'login_host': '10.0.0.5', 'login_port': 5433, 'login_user': 'verifier', 'login_password': 's3cret',
              'ssl_mode': 'require', 'ca_cert': '/etc/ca.pem', 'connect_timeout': 7, 'maintenance_db': 'admin'}
    env = libpq_env(params, base=base)
    assert env['PATH'] == '/bin' and 'PGSERVICE' not in env
    assert (env['PGHOST'], env['PGPORT'], env['PGUSER'], env['PGPASSWORD']) == ('10.0.0.5', '5433', 'verifier', 's3cret')
    assert (env['PGSSLMODE'], env['PGSSLROOTCERT'], env['PGCONNECT_TIMEOUT']) == ('require', '/etc/ca.pem', '7')
    assert env['PGDATABASE'] == 'admin' and env['LC_MESSAGES'] == 'C'
    assert libpq_env(params, dbname='scratch', base=base)['PGDATABASE'] == 'scratch'
    minimal = libpq_env({'login_password': ''}, base=base)
    assert 'PGPASSWORD' not in minimal and 'PGHOST' not in minimal and minimal['PGPORT'] == '5432'
    assert minimal['PGDATABASE'] == 'postgres'


def test_describe_target_never_shows_the_password():
    text = describe_target({'login_user': 'u', 'login_host': 'h', 'login_port': 1, 'login_password': 'pw'})
    assert text == 'u@h:1' and 'pw' not in text


def test_find_pg_program(tmp_path):
    exe = tmp_path / 'psql'
    exe.write_text('#!/bin/sh\n')
    exe.chmod(0o755)
    assert find_pg_program('psql', bin_dir=str(tmp_path)) == str(exe)
    assert find_pg_program('pg_restore', bin_dir=str(tmp_path)) is None
    assert find_pg_program('psql', path_lookup=lambda name: '/opt/pg/bin/' + name) == '/opt/pg/bin/psql'


def test_scratch_name():
    names = {scratch_name() for dummy in range(50)}
    assert len(names) == 50
    for name in names:
        assert name.startswith(SCRATCH_PREFIX) and len(name.encode()) < 64
        assert re.fullmatch(r'[a-z0-9_]+', name)


def test_quote_ident_and_error_lines():
    assert quote_ident('a"b') == '"a""b"'
    stderr = 'pg_restore: while PROCESSING TOC:\npg_restore: error: could not execute query: ERROR:  boom\nCommand was: X\n'
    assert error_lines(stderr) == 'pg_restore: error: could not execute query: ERROR:  boom'
    assert error_lines('just a note\n') == 'just a note'
    assert error_lines('') == ''
    assert signal_name(signal.SIGTERM) == 'SIGTERM'


# ------------------------------------------------------------------ processes and signals

def test_run_process_captures_and_feeds():
    rc, out, err = run_process([sys.executable, '-c', 'import sys; d = sys.stdin.read(); print(len(d)); sys.stderr.write("e")'],
                               stdin_chunks=[b'ab', b'cde'], capture_stdout=True)
    assert (rc, out.strip(), err) == (0, '5', 'e')


def test_run_process_stdin_to_a_program_that_stops_reading():
    rc, dummy, dummy = run_process([sys.executable, '-c', 'import sys; sys.exit(3)'], stdin_chunks=(b'x' * 65536 for dummy in range(100)))
    assert rc == 3


def test_run_process_timeout_kills_the_group(tmp_path):
    marker = tmp_path / 'child.pid'
    script = 'import os, subprocess, time; p = subprocess.Popen(["sleep", "30"]); open(%r, "w").write(str(p.pid)); time.sleep(30)' % str(marker)
    started = time.monotonic()
    with pytest.raises(ProcessTimeout):
        run_process([sys.executable, '-c', script], timeout=1.5)
    assert time.monotonic() - started < 15
    grandchild = int(marker.read_text())
    time.sleep(0.2)
    assert not os.path.exists('/proc/%d' % grandchild) or open('/proc/%d/stat' % grandchild).read().split()[2] == 'Z'


def test_signal_guard_raises_and_defers():
    guard = SignalGuard().install()
    try:
        with pytest.raises(Interrupted) as info:
            os.kill(os.getpid(), signal.SIGTERM)
            time.sleep(1)
        assert info.value.signum == signal.SIGTERM and 'SIGTERM' in str(info.value)
        guard.defer()
        os.kill(os.getpid(), signal.SIGHUP)
        time.sleep(0.05)
        assert guard.pending == signal.SIGHUP
    finally:
        guard.restore()
    assert signal.getsignal(signal.SIGTERM) == signal.SIG_DFL


def test_interrupted_run_process_kills_the_child():
    guard = SignalGuard().install()
    timer = threading.Timer(0.5, os.kill, (os.getpid(), signal.SIGINT))
    started = time.monotonic()
    try:
        timer.start()
        with pytest.raises(Interrupted):
            run_process(['sleep', '30'])
    finally:
        timer.cancel()
        guard.restore()
    assert time.monotonic() - started < 10


# ------------------------------------------------------------------ scratch lifecycle (recording psql stand-in)

class RecordingPsql:
    def __init__(self, fail_create=None, fail_drop=0, interrupt_on=None):
        self.sql = []
        self.fail_create = fail_create
        self.fail_drop = fail_drop
        self.interrupt_on = interrupt_on

    def execute(self, sql, dbname=None, timeout=None, stdin=False):
        self.sql.append(sql)
        if sql.startswith('CREATE') and self.fail_create:
            raise self.fail_create
        if sql.startswith('DROP') and self.fail_drop:
            self.fail_drop -= 1
            raise PgError('database is being accessed by other users')
        if self.interrupt_on and sql.startswith(self.interrupt_on):
            os.kill(os.getpid(), signal.SIGTERM)
            time.sleep(0.05)


def drops(psql):
    return [sql for sql in psql.sql if sql.startswith('DROP')]


def test_scratch_created_and_dropped():
    psql = RecordingPsql()
    with ScratchDatabase(psql, server_version_num=150000) as scratch:
        assert psql.sql == ['CREATE DATABASE "%s" TEMPLATE template0' % scratch.name]
    assert drops(psql) == ['DROP DATABASE IF EXISTS "%s" WITH (FORCE)' % scratch.name]
    assert scratch.dropped and scratch.drop_error is None
    assert signal.getsignal(signal.SIGTERM) == signal.SIG_DFL


def test_scratch_dropped_on_error_and_error_kept():
    psql = RecordingPsql()
    with pytest.raises(RuntimeError, match='restore exploded'):
        with ScratchDatabase(psql) as scratch:
            raise RuntimeError('restore exploded')
    assert scratch.dropped and len(drops(psql)) == 1


def test_scratch_dropped_on_signal():
    psql = RecordingPsql()
    with pytest.raises(Interrupted):
        with ScratchDatabase(psql) as scratch:
            os.kill(os.getpid(), signal.SIGTERM)
            time.sleep(1)
    assert scratch.dropped and len(drops(psql)) == 1


def test_signal_during_drop_is_deferred_then_raised():
    psql = RecordingPsql(interrupt_on='DROP')
    with pytest.raises(Interrupted):
        with ScratchDatabase(psql) as scratch:
            pass
    assert scratch.dropped


def test_scratch_kept_on_request():
    psql = RecordingPsql()
    with ScratchDatabase(psql, keep=True) as scratch:
        pass
    assert drops(psql) == [] and not scratch.dropped and scratch.created


def test_failed_create_drops_nothing():
    psql = RecordingPsql(fail_create=PgError('database "x" already exists'))
    scratch = ScratchDatabase(psql)
    with pytest.raises(PgError):
        with scratch:
            pass
    assert drops(psql) == [] and not scratch.created


def test_interrupted_create_still_drops():
    psql = RecordingPsql(fail_create=Interrupted(signal.SIGINT))
    with pytest.raises(Interrupted):
        with ScratchDatabase(psql):
            pass
    assert len(drops(psql)) == 1


def test_drop_retries_then_reports(monkeypatch):
    monkeypatch.setattr(time, 'sleep', lambda seconds: None)
    psql = RecordingPsql(fail_drop=1)
    with ScratchDatabase(psql) as scratch:
        pass
    assert scratch.dropped and len(drops(psql)) == 2
    psql = RecordingPsql(fail_drop=5)
    with ScratchDatabase(psql) as scratch:
        pass
    assert not scratch.dropped and 'other users' in scratch.drop_error


def test_old_servers_terminate_backends_first():
    psql = RecordingPsql()
    with ScratchDatabase(psql, server_version_num=120000) as scratch:
        pass
    assert psql.sql[1].startswith('SELECT pg_terminate_backend') and psql.sql[2] == 'DROP DATABASE IF EXISTS "%s"' % scratch.name


def test_scram_verifier_matches_rfc7677_vector():
    # RFC 7677's example: password "pencil", salt W22ZaJ0SNY7soEsUEjb6gQ==, 4096 iterations
    import base64
    verifier = scram_sha256_verifier('pencil', salt=base64.b64decode('W22ZaJ0SNY7soEsUEjb6gQ=='))
    assert verifier == ('SCRAM-SHA-256$4096:W22ZaJ0SNY7soEsUEjb6gQ==$'
                        'WG5d8oPm3OtcPnkdi4Uo7BkeZkBFzpcXkuLmtbsT4qY=:wfPLwcE6nTWhTAmQ7tl2KeoiWGPlZqQxSrmfPwDl2dU=')
    assert 'pencil' not in verifier


def test_scratch_names_and_their_age():
    now = time.time()
    name = scratch_name()
    assert abs(scratch_created_epoch(name) - now) < 5
    old = 'auraflow_verify_20200101000000_42_a1b2c3'
    assert scratch_created_epoch(old) == 1577836800
    others = ['auraflow_verify_copy', 'auraflow_verify_20200101000000_42_a1b2c', 'auraflow_verify_20200101000000_42_A1B2C3',
              'xauraflow_verify_20200101000000_42_a1b2c3', 'auraflow_verify_20200101000000_42_a1b2c3_x',
              'auraflow_verify_20201399000000_42_a1b2c3', 'aura_flow', '']
    assert all(scratch_created_epoch(other) is None for other in others)
    assert stale_scratch_names([name, old] + others, max_age=3600, now=now) == [old]
    assert stale_scratch_names([name, old], max_age=3600, now=now + 7200) == [name, old]


def test_scratch_with_owner_role_creates_and_drops_both():
    psql = RecordingPsql()
    with ScratchDatabase(psql, server_version_num=150000, owner_role=True, superuser=False, connection_limit=5) as scratch:
        name = quote_ident(scratch.name)
        assert psql.sql[0].startswith('CREATE ROLE %s LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE INHERIT NOREPLICATION '
                                      'NOBYPASSRLS CONNECTION LIMIT 5 PASSWORD \'SCRAM-SHA-256$' % name)
        assert scratch.role_password and scratch.role_password not in psql.sql[0]
        assert psql.sql[1:] == ['GRANT %s TO CURRENT_USER' % name, 'CREATE DATABASE %s OWNER %s TEMPLATE template0' % (name, name)]
    assert drops(psql) == ['DROP DATABASE IF EXISTS %s WITH (FORCE)' % name, 'DROP ROLE IF EXISTS %s' % name]


def test_scratch_role_of_someone_else_is_never_dropped():
    psql = RecordingPsql(fail_create=PgError('role "x" already exists'))
    with pytest.raises(PgError):
        with ScratchDatabase(psql, owner_role=True):
            pass
    assert drops(psql) == []
