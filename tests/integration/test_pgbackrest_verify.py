"""auraflow.ops.pgbackrest_verify against a real PostgreSQL archiving into a real pgBackRest repository.

A throwaway cluster (pg_server.PgCluster) archives its WAL with ``pgbackrest archive-push`` into a repository in a
temporary directory owned by ``postgres``; the stanza gets one full backup, then a row written before a recorded
target time and one after it, and ``pgbackrest check`` archives the WAL that holds them. The module file runs
directly, as Ansible runs it on the database host (fault_servers.direct_command), on the target's /usr/bin/python3
and as the ``postgres`` OS user (the role's ``become_user: postgres``). After every test no scratch directory may
remain under scratch_base and no process may work in one (/proc is read).
"""

import datetime
import json
import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

import ansible
import pytest

from conftest import require
from fault_servers import TRACEBACK, direct_command, parse_direct
from pg_server import PgCluster, pg_bin_dir

# one cluster, repository and backup per module: keep all its tests on one xdist worker
pytestmark = pytest.mark.xdist_group('pgbackrest')

MODULE = 'pgbackrest_verify'
TARGET_PYTHON = '/usr/bin/python3' if os.path.exists('/usr/bin/python3') else sys.executable
STANZA = 't'
CUSTOMERS = 300
AS_ROOT = os.geteuid() == 0


def _missing():
    if not shutil.which('pgbackrest'):
        return 'pgbackrest (apt-get install pgbackrest; scripts/setup installs it)'
    if not pg_bin_dir():
        return 'the PostgreSQL server (apt-get install postgresql)'
    try:
        pwd.getpwnam('postgres')
    except KeyError:
        return 'the postgres OS user'
    if not AS_ROOT and pwd.getpwuid(os.geteuid()).pw_name != 'postgres':
        return 'root or the postgres OS user to run the module as postgres'
    return None


def as_postgres(path):
    if AS_ROOT:
        shutil.chown(path, 'postgres', 'postgres')


def pgbackrest(conf, *args, timeout=120):
    """Run pgbackrest as postgres; assert it succeeded and return its stdout."""
    cmd = ['pgbackrest', '--config=%s' % conf, '--stanza=%s' % STANZA] + list(args)
    proc = subprocess.run((['runuser', '-u', 'postgres', '--'] if AS_ROOT else []) + cmd, capture_output=True, text=True,
                          timeout=timeout, check=False)
    assert proc.returncode == 0, '%s: %s%s' % (' '.join(cmd), proc.stdout, proc.stderr)
    return proc.stdout


def write_config(path, base, cluster, repo='repo', extra=''):
    with open(path, 'w', encoding='utf-8') as handle:
        handle.write('[global]\nrepo1-path=%(base)s/%(repo)s\nlog-path=%(base)s/log\nlock-path=%(base)s/lock\n'
                     'spool-path=%(base)s/spool\nstart-fast=y\ncompress-type=lz4\nlog-level-console=warn\n'
                     'log-level-file=info\nrepo1-retention-full=2\n%(extra)s\n[%(stanza)s]\npg1-path=%(data)s\n'
                     'pg1-port=%(port)d\npg1-socket-path=%(socket)s\n'
                     % {'base': base, 'repo': repo, 'extra': extra, 'stanza': STANZA, 'data': cluster.data, 'port': cluster.port,
                        'socket': cluster.run_dir})
    os.chmod(path, 0o644)


def utc_now():
    return datetime.datetime.now(datetime.timezone.utc)


def iso(moment):
    return moment.strftime('%Y-%m-%dT%H:%M:%S.%fZ')


def moment(text):
    """A time the module returned (ISO 8601 UTC with Z) as a datetime."""
    return datetime.datetime.fromisoformat(text.replace('Z', '+00:00'))


@pytest.fixture(scope='module')
def stanza():
    """A cluster archiving into stanza ``t`` with one full backup; ``events`` holds a row committed before
    ``target`` and one after it, both archived."""
    require(_missing())
    # in memory where there is a tmpfs: the restores and backups fsync every file, which on a busy disk costs seconds
    shm = '/dev/shm' if os.path.isdir('/dev/shm') and os.access('/dev/shm', os.W_OK) else None
    base = tempfile.mkdtemp(prefix='auraflow-pgbr-', dir=shm)
    os.chmod(base, 0o755)
    for name in ('repo', 'log', 'lock', 'spool', 'scratch', 'pycache'):
        os.mkdir(os.path.join(base, name), 0o750)
        as_postgres(os.path.join(base, name))
    shim = os.path.join(base, 'shim')  # the target python's ansible module_utils (AnsiballZ would ship them)
    os.mkdir(shim)
    os.symlink(os.path.dirname(ansible.__file__), os.path.join(shim, 'ansible'))
    conf = os.path.join(base, 'pgbackrest.conf')
    cluster = PgCluster(base_dir=os.path.join(base, 'pg'), settings={
        'wal_level': 'replica', 'archive_mode': 'on', 'archive_timeout': '60',
        'archive_command': "'pgbackrest --config=%s --stanza=%s archive-push %%p'" % (conf, STANZA),
        # no commit but the test's own after the target: an autovacuum ANALYZE would be one
        'autovacuum': 'off'})
    write_config(conf, base, cluster)
    try:
        cluster.start()
        pgbackrest(conf, 'stanza-create')
        cluster.psql('CREATE TABLE customers (id int PRIMARY KEY, email text NOT NULL); '
                     "INSERT INTO customers SELECT i, 'user' || i || '@example.test' FROM generate_series(1, %d) i; "
                     'CREATE TABLE events (id int PRIMARY KEY, note text NOT NULL)' % CUSTOMERS)
        pgbackrest(conf, '--type=full', 'backup')
        info = json.loads(pgbackrest(conf, '--output=json', 'info'))[0]
        cluster.psql("INSERT INTO events VALUES (1, 'before')")
        target = utc_now()
        time.sleep(0.05)
        cluster.psql("INSERT INTO events VALUES (2, 'after'); SELECT txid_current()")
        after = utc_now()
        pgbackrest(conf, 'check')  # switches the WAL segment and waits until it is in the repository
        yield {'base': base, 'conf': conf, 'cluster': cluster, 'scratch': os.path.join(base, 'scratch'), 'shim': shim,
               'pycache': os.path.join(base, 'pycache'), 'backup': info['backup'][0], 'target': target, 'after': after}
    finally:
        cluster.stop()
        shutil.rmtree(base, ignore_errors=True)


def processes_under(path):
    """PIDs whose working directory or command line is in ``path`` (PostgreSQL works in its data directory)."""
    found = []
    for entry in os.listdir('/proc'):
        if not entry.isdigit():
            continue
        try:
            cwd = os.readlink('/proc/%s/cwd' % entry)
            with open('/proc/%s/cmdline' % entry, 'rb') as handle:
                cmdline = handle.read().replace(b'\0', b' ').decode('utf-8', 'replace')
        except OSError:
            continue
        if cwd.startswith(path + '/') or (path + '/') in cmdline:
            found.append((int(entry), cmdline.strip()[:200]))
    return found


@pytest.fixture(autouse=True)
def nothing_left(request):
    """Every test: no scratch directory and no process in one, before and after."""
    if 'stanza' not in request.fixturenames:
        yield
        return
    data = request.getfixturevalue('stanza')
    assert os.listdir(data['scratch']) == []
    yield
    assert os.listdir(data['scratch']) == [], 'scratch directories left behind'
    assert processes_under(data['scratch']) == [], 'processes left working in a scratch directory'


def module_command(stanza, args, check_mode=False, work=None):
    """(argv, env, workdir) that run the module directly as postgres; ``work`` must be removed by the caller."""
    work = tempfile.mkdtemp(prefix='auraflow-pgbr-run-')
    os.chmod(work, 0o755)
    full = dict({'config': stanza['conf'], 'scratch_base': stanza['scratch']}, **args)
    full = dict((key, value) for key, value in full.items() if value is not None)
    cmd, env = direct_command(MODULE, full, work, check_mode=check_mode, python=TARGET_PYTHON, pythonpath=[stanza['shim']],
                              env={'PYTHONPYCACHEPREFIX': stanza['pycache'], 'HOME': '/var/lib/postgresql'})
    for root, dirs, files in os.walk(work):
        for name in dirs + files:
            as_postgres(os.path.join(root, name))
    as_postgres(work)
    return cmd, env, work


def popen_kwargs():
    return dict(user='postgres', group='postgres', extra_groups=[]) if AS_ROOT else {}


def verify(fixture, check_mode=False, as_root=False, **args):
    """Run the module once as postgres (or as root with as_root): (result, completed process)."""
    args.setdefault('stanza', STANZA)
    cmd, env, work = module_command(fixture, args, check_mode)
    try:
        proc = subprocess.run(cmd, cwd=work, env=env, capture_output=True, text=True, timeout=300, check=False,
                              **({} if as_root else popen_kwargs()))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return parse_direct(proc), proc


def names(result, ok=None):
    return [check['name'] for check in result['checks'] if ok is None or check['ok'] is ok]


def check_named(result, name):
    found = [check for check in result['checks'] if check['name'] == name]
    assert found, 'no %s check in %s' % (name, result['checks'])
    return found[0]


def assert_clean_failure(result, proc, *fragments):
    """A failed task with a clear message and no traceback."""
    assert result.get('failed') is True and proc.returncode == 1, result
    assert TRACEBACK not in proc.stdout + proc.stderr and TRACEBACK not in result.get('exception', ''), proc.stdout + proc.stderr
    for fragment in fragments:
        assert fragment in result['msg'], result['msg']


def assert_scratch_gone(result):
    scratch = result['scratch']
    assert scratch and scratch['removed'] is True, scratch
    assert not os.path.exists(scratch['path'])
    assert processes_under(scratch['path']) == []


# --------------------------------------------------------------------------- a good backup, a point in time

def test_good_backup_verifies_and_nothing_outlives_it(stanza):
    # leftovers of earlier, killed runs: an old one is removed, a recent one is kept
    stale = os.path.join(stanza['scratch'], 'auraflow-pitr-20200101000000-4242-abcdef')
    recent = os.path.join(stanza['scratch'], 'auraflow-pitr-%s-4242-abcdef' % time.strftime('%Y%m%d%H%M%S', time.gmtime()))
    for path in (stale, os.path.join(stale, 'data'), recent):
        os.mkdir(path, 0o700)
        as_postgres(path)
    try:
        result, proc = verify(stanza, database='postgres', expect_tables=['customers', 'events'],
                              expect_min_rows={'customers': CUSTOMERS})
    finally:
        shutil.rmtree(recent, ignore_errors=True)
    assert proc.returncode == 0 and result['valid'] is True, json.dumps(result, indent=1)
    assert result['changed'] is False
    assert names(result) == ['repository', 'pgbackrest_verify', 'disk_space', 'restore', 'instance_started',
                             'expected_tables', 'min_rows', 'cleanup']
    assert all(check['ok'] for check in result['checks']), result['checks']
    assert result['backup']['label'] == stanza['backup']['label'] and result['backup']['type'] == 'full'
    assert result['backup']['stop'].endswith('Z') and result['backup']['size_bytes'] == stanza['backup']['info']['size']
    # restored to the end of the backup: the customers, and none of the events written after it
    assert result['tables'] == {'public.customers': CUSTOMERS, 'public.events': 0}, result['tables']
    assert result['target_time'] is None and result['restore_seconds'] > 0
    assert 'recovery stopped at the end of the backup' in check_named(result, 'instance_started')['detail']
    assert result['stale_scratch_removed'] == [stale] and not os.path.exists(stale)
    assert_scratch_gone(result)
    # the scratch instance archived nothing: no new timeline's history file reached the repository
    archive = os.path.join(stanza['base'], 'repo', 'archive', STANZA)
    assert [name for dummy, dummy, files in os.walk(archive) for name in files if '.history' in name] == []


def test_target_time_keeps_the_row_before_it_and_not_the_one_after(stanza):
    result, proc = verify(stanza, target_time=iso(stanza['target']), expect_tables=['events'], expect_min_rows={'events': 1},
                          probe_sql='SELECT id, note FROM events ORDER BY id')
    assert proc.returncode == 0 and result['valid'] is True, json.dumps(result, indent=1)
    assert names(result) == ['repository', 'target_in_range', 'pgbackrest_verify', 'disk_space', 'restore',
                             'instance_started', 'target_reached', 'expected_tables', 'min_rows', 'cleanup']
    assert result['probe'] == [{'id': 1, 'note': 'before'}], result['probe']
    assert result['tables']['public.events'] == 1
    assert result['target_time'] == iso(stanza['target'])
    # the last replayed commit is the row before the target, at or before it
    assert result['recovered_to'] and moment(result['recovered_to']) <= stanza['target'], (result['recovered_to'], result['target_time'])
    assert 'recovery stopped at target_time' in check_named(result, 'target_reached')['detail']
    assert_scratch_gone(result)


def test_target_after_the_archived_wal_is_not_reached(stanza):
    """No commit after the target is archived: PostgreSQL ends the recovery with a FATAL, target_reached names it."""
    target = stanza['after'] + datetime.timedelta(milliseconds=300)
    result, proc = verify(stanza, target_time=iso(target), verify_repo=False, fail_on_invalid=False,
                          expect_tables=['events'])
    assert proc.returncode == 0 and result['valid'] is False, json.dumps(result, indent=1)
    assert names(result, ok=False) == ['target_reached'], result['checks']
    detail = check_named(result, 'target_reached')['detail']
    assert 'recovery ended before configured recovery target was reached' in detail, detail
    assert check_named(result, 'instance_started')['ok'] is True
    assert [item['name'] for item in result['skipped_checks']] == ['pgbackrest_verify', 'expected_tables']
    assert result['recovered_to'] and stanza['target'] < moment(result['recovered_to']) < target
    assert 'target_reached' in result['msg']
    assert_scratch_gone(result)


# --------------------------------------------------------------------------- a damaged repository

@pytest.fixture(scope='module')
def damaged(stanza):
    """A copy of the repository with one data file of the backup set corrupted (and no retries of a failed file)."""
    base = stanza['base']
    subprocess.run(['cp', '-a', os.path.join(base, 'repo'), os.path.join(base, 'repo-damaged')], check=True)
    label = stanza['backup']['label']
    files = []
    for root, dummy, found in os.walk(os.path.join(base, 'repo-damaged', 'backup', STANZA, label, 'pg_data', 'base')):
        files += [os.path.join(root, name) for name in found]
    victim = max(files, key=os.path.getsize)
    with open(victim, 'r+b') as handle:
        handle.seek(200)
        chunk = handle.read(64)
        handle.seek(200)
        handle.write(bytes(byte ^ 0xFF for byte in chunk))
    conf = os.path.join(base, 'pgbackrest-damaged.conf')
    write_config(conf, base, stanza['cluster'], repo='repo-damaged', extra='job-retry=0\n')
    return conf


def test_corrupted_file_fails_pgbackrest_verify(stanza, damaged):
    result, proc = verify(stanza, config=damaged)
    assert_clean_failure(result, proc, 'not valid', 'pgbackrest_verify')
    assert names(result, ok=False) == ['pgbackrest_verify'], result['checks']
    assert 'checksum invalid 1' in check_named(result, 'pgbackrest_verify')['detail']
    assert result['scratch'] is None  # nothing was restored
    assert {'disk_space', 'restore', 'cleanup'} <= {item['name'] for item in result['skipped_checks']}


def test_corrupted_file_fails_the_restore_without_verify(stanza, damaged):
    result, proc = verify(stanza, config=damaged, verify_repo=False)
    assert_clean_failure(result, proc, 'not valid', 'restore')
    assert names(result, ok=False) == ['restore'], result['checks']
    assert 'pgbackrest restore' in check_named(result, 'restore')['detail']
    assert check_named(result, 'cleanup')['ok'] is True
    assert_scratch_gone(result)


# --------------------------------------------------------------------------- targets that cannot be reached

def test_target_before_the_oldest_backup_is_refused(stanza):
    start = datetime.datetime.fromtimestamp(stanza['backup']['timestamp']['start'], datetime.timezone.utc)
    result, proc = verify(stanza, target_time=iso(start - datetime.timedelta(hours=1)))
    assert_clean_failure(result, proc, 'not valid', 'target_in_range')
    detail = check_named(result, 'target_in_range')['detail']
    stop = datetime.datetime.fromtimestamp(stanza['backup']['timestamp']['stop'], datetime.timezone.utc)
    assert 'oldest reachable moment is %s' % stop.strftime('%Y-%m-%dT%H:%M:%SZ') in detail, detail
    assert result['scratch'] is None


def test_future_target_is_refused(stanza):
    result, proc = verify(stanza, target_time=iso(utc_now() + datetime.timedelta(hours=1)))
    assert_clean_failure(result, proc, 'is in the future')
    assert 'checks' not in result or result['checks'] == []


# --------------------------------------------------------------------------- interrupted

@pytest.mark.parametrize('when, phases', [
    ('data/base', ('the restore',)),                                 # pgbackrest restore is writing the data directory
    ('data/postmaster.pid', ('the recovery', 'the content checks')),  # the scratch instance runs
])
def test_sigterm_leaves_no_scratch_instance_or_directory(stanza, when, phases):
    cmd, env, work = module_command(stanza, {'stanza': STANZA, 'target_time': iso(stanza['target']), 'verify_repo': False})
    try:
        proc = subprocess.Popen(cmd, cwd=work, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                **popen_kwargs())
        deadline = time.monotonic() + 60
        seen = None
        while time.monotonic() < deadline and proc.poll() is None:
            runs = os.listdir(stanza['scratch'])
            if runs and os.path.exists(os.path.join(stanza['scratch'], runs[0], when)):
                seen = os.path.join(stanza['scratch'], runs[0])
                break
            time.sleep(0.01)
        assert seen, 'never saw %s in a scratch directory' % when
        os.kill(proc.pid, signal.SIGTERM)
        out, err = proc.communicate(timeout=120)
    finally:
        if proc.poll() is None:
            proc.kill()
        shutil.rmtree(work, ignore_errors=True)
    result = parse_direct(subprocess.CompletedProcess(cmd, proc.returncode, out, err))
    assert_clean_failure(result, subprocess.CompletedProcess(cmd, proc.returncode, out, err), 'interrupted by SIGTERM')
    assert any('during %s;' % phase in result['msg'] for phase in phases), result['msg']
    assert 'scratch directory %s removed' % seen in result['msg'], result['msg']
    assert not os.path.exists(seen) and processes_under(seen) == []


def test_killed_run_leftover_is_stopped_and_removed_by_the_next_run(stanza):
    """SIGKILL (an async timeout) leaves the scratch instance running; a later run stops it and removes its directory."""
    cmd, env, work = module_command(stanza, {'stanza': STANZA, 'verify_repo': False})
    old = os.path.join(stanza['scratch'], 'auraflow-pitr-20200101000000-1-abcdef')
    try:
        proc = subprocess.Popen(cmd, cwd=work, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, **popen_kwargs())
        deadline = time.monotonic() + 60
        run = None
        while time.monotonic() < deadline and proc.poll() is None and run is None:
            runs = os.listdir(stanza['scratch'])
            if runs and os.path.exists(os.path.join(stanza['scratch'], runs[0], 'data', 'postmaster.pid')):
                run = os.path.join(stanza['scratch'], runs[0])
            time.sleep(0.01)
        assert run, 'the scratch instance never started'
        proc.kill()
        proc.wait(timeout=30)
        assert processes_under(run), 'the killed run left no instance to clean up'
        os.rename(run, old)  # as if it were a day old (the processes follow their directory)
        result, proc = verify(stanza, verify_repo=False, min_free_margin_mb=10 ** 9)  # stops at disk_space, nothing restored
        assert result['stale_scratch_removed'] == [old], result
        assert not os.path.exists(old) and processes_under(old) == []
        assert names(result, ok=False) == ['disk_space'] and 'not restored' in check_named(result, 'disk_space')['detail']
        assert result['scratch'] is None
    finally:
        shutil.rmtree(work, ignore_errors=True)
        for pid, dummy in processes_under(stanza['scratch']):
            os.kill(pid, signal.SIGKILL)
        for name in os.listdir(stanza['scratch']):
            shutil.rmtree(os.path.join(stanza['scratch'], name), ignore_errors=True)


# --------------------------------------------------------------------------- bad input, check mode

def test_unknown_stanza_names_the_stanzas_there(stanza):
    result, proc = verify(stanza, stanza='nope')
    assert_clean_failure(result, proc, 'stanza nope is not in the repository', 'stanzas there: %s' % STANZA)


def test_missing_repository_fails_clearly(stanza):
    conf = os.path.join(stanza['base'], 'pgbackrest-norepo.conf')
    write_config(conf, stanza['base'], stanza['cluster'], repo='no-such-repo')
    result, proc = verify(stanza, config=conf)
    assert_clean_failure(result, proc, 'stanza %s is not in the repository of %s' % (STANZA, conf), 'stanzas there: none',
                         'repo1-path')
    assert names(result, ok=False) == ['repository']


def test_stanza_without_backup_is_not_valid(stanza):
    conf = os.path.join(stanza['base'], 'pgbackrest-empty.conf')
    write_config(conf, stanza['base'], stanza['cluster'], repo='repo-empty')
    os.mkdir(os.path.join(stanza['base'], 'repo-empty'), 0o750)
    as_postgres(os.path.join(stanza['base'], 'repo-empty'))
    pgbackrest(conf, 'stanza-create')
    result, proc = verify(stanza, config=conf, fail_on_invalid=False)
    assert proc.returncode == 0 and result['valid'] is False, result
    assert names(result, ok=False) == ['repository'] and 'holds no backup' in result['checks'][0]['detail']


@pytest.mark.parametrize('args, fragments', [
    ({'config': '/nonexistent/pgbackrest.conf'}, ['/nonexistent/pgbackrest.conf does not exist']),
    ({'set': '20200101-000000F'}, ["backup set '20200101-000000F' is not in the repository", 'its backups: ']),
    ({'target_time': 'yesterday'}, ['not an ISO 8601 time']),
    ({'target_time': '2026-12-01T23:05:00'}, ['has no time zone', 'trailing Z']),
    ({'expect_min_rows': {'customers': 'many'}}, ['expect_min_rows[customers] must be a whole number']),
    ({'restore_timeout': 'soon'}, ['restore_timeout: not a duration']),
    ({'stanza': None}, ['missing required arguments: stanza']),
], ids=['missing-config', 'unknown-set', 'malformed-target', 'target-without-zone', 'min-rows', 'timeout', 'no-stanza'])
def test_bad_input_fails_clearly(stanza, args, fragments):
    result, proc = verify(stanza, **args)
    assert_clean_failure(result, proc, *fragments)
    if args.get('set'):
        assert stanza['backup']['label'] in result['msg']


def test_port_in_use_fails_clearly(stanza):
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as listener:
        listener.bind(('127.0.0.1', 0))
        listener.listen(1)
        port = listener.getsockname()[1]
        result, proc = verify(stanza, port=port)
    assert_clean_failure(result, proc, 'port %d is in use' % port)


def test_too_little_disk_fails_before_anything_is_restored(stanza):
    free_mb = shutil.disk_usage(stanza['scratch']).free // 2**20
    result, proc = verify(stanza, min_free_margin_mb=free_mb + 1024)
    assert proc.returncode != 0 and result['valid'] is False, json.dumps(result, indent=1)
    assert names(result, ok=False) == ['disk_space'], result['checks']
    assert 'restore' not in names(result), result['checks']
    assert TRACEBACK not in proc.stdout + proc.stderr
    assert os.listdir(stanza['scratch']) == []


@pytest.mark.skipif(not AS_ROOT, reason='runs the module as root')
def test_root_is_refused(stanza):
    result, proc = verify(stanza, as_root=True)
    assert_clean_failure(result, proc, 'not as root', 'become_user: postgres')


def test_check_mode_runs_only_the_read_only_checks(stanza):
    result, proc = verify(stanza, check_mode=True, target_time=iso(stanza['target']), expect_tables=['events'])
    assert proc.returncode == 0 and result['changed'] is False, result
    assert names(result) == ['repository', 'target_in_range'] and result['valid'] is True
    assert [item['name'] for item in result['skipped_checks']] == [
        'pgbackrest_verify', 'disk_space', 'restore', 'instance_started', 'target_reached', 'expected_tables', 'cleanup']
    assert all(item['reason'].startswith('check mode') for item in result['skipped_checks'])
    assert result['backup']['label'] == stanza['backup']['label'] and result['scratch'] is None
