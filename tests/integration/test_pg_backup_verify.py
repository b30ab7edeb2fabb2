"""auraflow.ops.pg_backup_verify against a real PostgreSQL started for this session.

Good backups in every format and damaged ones made from real dumps, each run with the expected
failing check on the target's /usr/bin/python3 (as a Debian host would run it); after every test no
scratch database may remain (pg_database is queried). The module file is executed directly, as
Ansible runs it on the target (fault_servers.run_direct); the real ``ansible localhost -m
auraflow.ops.pg_backup_verify`` CLI runs what only the wrapper shows: check mode, argument-spec
errors, Ctrl-C on the controller, one passing and one failing verification.
"""

import gzip
import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time

import ansible
import pytest

from ansible_collections.auraflow.ops.plugins.module_utils.pgconn import scram_sha256_verifier
from conftest import ROOT, VENV_BIN, run
from fault_servers import run_direct
# pg_cluster is a pytest fixture: importing it makes it available to the tests of this module.
from pg_server import VERIFIER, VERIFIER_PASSWORD, free_port, pg_cluster  # noqa: F401  pylint: disable=unused-import

MODULE = 'auraflow.ops.pg_backup_verify'
TARGET_PYTHON = '/usr/bin/python3' if os.path.exists('/usr/bin/python3') else sys.executable
ORDERS = 5000
TRACEBACK = 'Traceback (most recent call last)'
CUSTOMERS = 200
SOURCE_SQL = """
CREATE TABLE customers (id int PRIMARY KEY, email text NOT NULL, created timestamptz NOT NULL DEFAULT now());
INSERT INTO customers (id, email) SELECT i, 'user' || i || '@example.test' FROM generate_series(1, %(customers)d) i;
CREATE TABLE orders (id bigserial PRIMARY KEY, customer_id int NOT NULL REFERENCES customers, note text, payload jsonb);
INSERT INTO orders (customer_id, note, payload)
  SELECT 1 + i %% %(customers)d, md5(random()::text) || md5(random()::text),
         jsonb_build_object('n', i, 'r', md5(random()::text))
  FROM generate_series(1, %(orders)d) i;
CREATE INDEX orders_customer ON orders (customer_id);
CREATE SCHEMA app;
CREATE TABLE app."Audit Log" (id int, what text);
INSERT INTO app."Audit Log" VALUES (1, 'created'), (2, 'paid');
""" % {'customers': CUSTOMERS, 'orders': ORDERS}


# --------------------------------------------------------------------------- helpers

def sha256_of(path):
    with open(path, 'rb') as handle:
        return hashlib.sha256(handle.read()).hexdigest()


def write_sidecar(path, digest_of=None):
    """``sha256sum``-style sidecar PATH.sha256 with the digest of ``digest_of`` (default: the file itself)."""
    with open(path + '.sha256', 'w', encoding='utf-8') as handle:
        handle.write('%s  %s\n' % (sha256_of(digest_of or path), os.path.basename(path)))


def write_dir_sidecar(directory, digests_from=None):
    source = digests_from or directory
    lines = ['%s  %s' % (sha256_of(os.path.join(source, name)), name) for name in sorted(os.listdir(source))]
    with open(directory.rstrip('/') + '.sha256', 'w', encoding='utf-8') as handle:
        handle.write('\n'.join(lines) + '\n')


def flip(data, at, count=8):
    out = bytearray(data)
    for index in range(at, at + count):
        out[index] ^= 0xFF
    return bytes(out)


def biggest_data_file(directory):
    files = [name for name in os.listdir(directory) if name.endswith('.dat.gz')]
    return max(files, key=lambda name: os.path.getsize(os.path.join(directory, name)))


def ansible_cmd(args, check=False):
    cmd = [os.path.join(VENV_BIN, 'ansible'), 'localhost', '-i', 'localhost,', '-c', 'local',
           '-e', 'ansible_python_interpreter=%s' % TARGET_PYTHON, '-m', MODULE, '-a', json.dumps(args)]
    if check:
        cmd.append('--check')
    return cmd


JSON_ENV = {'ANSIBLE_LOAD_CALLBACK_PLUGINS': '1', 'ANSIBLE_STDOUT_CALLBACK': 'ansible.builtin.json', 'ANSIBLE_NOCOLOR': '1'}
TARGET = {}  # run_direct's options for TARGET_PYTHON, set by the target_python fixture


@pytest.fixture(scope='module', autouse=True)
def target_python(tmp_path_factory):
    """Direct runs on TARGET_PYTHON, which has no ansible: its module_utils (what AnsiballZ ships with
    the module) come from a private directory holding only a link to this ansible-core's package."""
    shim = tmp_path_factory.mktemp('target-python')
    os.symlink(os.path.dirname(ansible.__file__), str(shim / 'ansible'))
    TARGET.update(python=TARGET_PYTHON, pythonpath=[str(shim)], env={'PYTHONPYCACHEPREFIX': str(shim / 'pycache')})
    yield
    TARGET.clear()


def verify(args, check=False, via_ansible=None):
    """Run the module; return (rc, the host's result dict, the raw process result).

    Directly by default; through ansible (rc 2 on failure) in check mode or with via_ansible=True."""
    if via_ansible is None:
        via_ansible = check
    if not via_ansible:
        host, proc = run_direct('pg_backup_verify', args, timeout=600, **TARGET)
        return proc.returncode, host, proc
    proc = run(ansible_cmd(args, check), env=JSON_ENV, timeout=600)
    try:
        data = json.loads(proc.stdout)
        host = data['plays'][0]['tasks'][0]['hosts']['localhost']
    except (ValueError, KeyError, IndexError):
        raise AssertionError('no JSON result from ansible (rc %d):\n%s\n%s' % (proc.returncode, proc.stdout[-3000:], proc.stderr[-3000:]))
    return proc.returncode, host, proc


def failed_checks(host):
    return [check['name'] for check in host.get('checks', []) if not check['ok']]


def check_named(host, name):
    matches = [check for check in host['checks'] if check['name'] == name]
    assert matches, 'no %s check in %s' % (name, host['checks'])
    return matches[0]


def assert_clean_failure(rc, host, proc, *fragments):
    """A failed task with a clear message and no traceback."""
    assert rc != 0 and host.get('failed') is True, host
    text = proc.stdout + proc.stderr
    # ansible-core >= 2.19 puts "exception": "(traceback unavailable)" on every failed result;
    # a module crash would carry a real traceback there instead.
    assert TRACEBACK not in text and TRACEBACK not in host.get('exception', ''), text[-3000:]
    for fragment in fragments:
        assert fragment in host['msg'], host['msg']


# --------------------------------------------------------------------------- fixtures

@pytest.fixture(scope='module')
def conn(pg_cluster):
    return {'login_host': pg_cluster.host, 'login_port': pg_cluster.port}


@pytest.fixture(autouse=True)
def no_scratch_left(pg_cluster):
    """Every test: no scratch database (nor scratch role) before, none after."""
    assert pg_cluster.scratch_databases() == [] and pg_cluster.scratch_roles() == ''
    yield
    assert pg_cluster.scratch_databases() == [], 'scratch databases left behind'
    assert pg_cluster.scratch_roles() == '', 'scratch roles left behind'


@pytest.fixture(scope='module')
def backups(pg_cluster, tmp_path_factory):
    """Real dumps of a small shop database in every format, and damaged copies of them."""
    out = tmp_path_factory.mktemp('backups')

    def path(name):
        return str(out / name)

    pg = pg_cluster
    pg.psql('CREATE DATABASE shop')
    pg.psql(SOURCE_SQL, db='shop')
    created = time.time()
    b = {'dir': str(out), 'created': created}

    # Good backups, one per format.
    b['custom'] = path('shop.dump')
    pg.pg_dump('shop', '-Fc', '-f', b['custom'])
    b['custom_sidecar'] = path('shop-sidecar.dump')
    shutil.copy(b['custom'], b['custom_sidecar'])
    write_sidecar(b['custom_sidecar'])
    b['custom_bsd_sidecar'] = path('shop-bsd.dump')
    shutil.copy(b['custom'], b['custom_bsd_sidecar'])
    with open(b['custom_bsd_sidecar'] + '.sha256', 'w', encoding='utf-8') as handle:
        handle.write('SHA256 (shop-bsd.dump) = %s\n' % sha256_of(b['custom']))
    b['custom_piped'] = path('shop-piped.dump')  # written to a pipe: no data offsets in the archive
    with open(b['custom_piped'], 'wb') as handle:
        handle.write(pg.pg_dump('shop', '-Fc'))
    b['directory'] = path('shop.dir')
    pg.pg_dump('shop', '-Fd', '-f', b['directory'])
    b['directory_sidecar'] = path('shop-sidecar.dir')
    shutil.copytree(b['directory'], b['directory_sidecar'])
    write_dir_sidecar(b['directory_sidecar'])
    b['tar'] = path('shop.tar')
    pg.pg_dump('shop', '-Ft', '-f', b['tar'])
    b['plain'] = path('shop.sql')
    pg.pg_dump('shop', '-f', b['plain'])
    with open(b['plain'], 'rb') as handle:
        plain = handle.read()
    b['plain_gz'] = path('shop.sql.gz')
    with open(b['plain_gz'], 'wb') as handle:
        handle.write(gzip.compress(plain))
    b['plain_noext'] = path('shop-backup')  # content decides, not the name
    shutil.copy(b['plain_gz'], b['plain_noext'])
    with open(b['custom'], 'rb') as handle:
        custom = handle.read()

    # Damaged copies.
    def write(name, data):
        with open(path(name), 'wb') as handle:
            handle.write(data)
        return path(name)

    b['empty'] = write('empty.dump', b'')
    b['foreign'] = write('photo.dump', b'\x89PNG\r\n\x1a\n' + os.urandom(4096))
    b['text'] = write('notes.sql', b'Dear operator,\nthis is not a backup.\n')
    b['custom_gzipped'] = write('shop.dump.gz', gzip.compress(custom))
    b['truncated_custom'] = write('truncated.dump', custom[:len(custom) * 2 // 3])
    b['truncated_plain'] = write('truncated.sql', plain[:len(plain) // 2])
    with open(b['plain_gz'], 'rb') as handle:
        plain_gz = handle.read()
    b['truncated_plain_gz'] = write('truncated.sql.gz', plain_gz[:len(plain_gz) // 2])
    b['flipped_custom'] = write('flipped.dump', flip(custom, len(custom) * 3 // 5))
    b['flipped_custom_sidecar'] = write('flipped-sidecar.dump', flip(custom, len(custom) * 3 // 5))
    write_sidecar(b['flipped_custom_sidecar'], digest_of=b['custom'])
    b['flipped_plain_gz'] = write('flipped.sql.gz', flip(plain_gz, len(plain_gz) // 2))
    newer = bytearray(custom)
    newer[6] = 99  # archive format 1.99: what a far newer pg_dump would write
    b['newer_archive'] = write('newer.dump', bytes(newer))
    lines = plain.split(b'\n')
    at = lines.index(b'SET statement_timeout = 0;') + 1
    b['plain_newer_setting'] = write('newer.sql', b'\n'.join(lines[:at] + [b'SET transaction_timeout = 0;'] + lines[at:]))
    b['plain_connect'] = write('connect.sql', b'\n'.join(lines[:at] + [b'\\connect postgres'] + lines[at:]))
    b['bad_sidecar'] = write('bad-sidecar.dump', custom)
    with open(b['bad_sidecar'] + '.sha256', 'w', encoding='utf-8') as handle:
        handle.write('this is not a checksum\n')

    b['stale_plain'] = path('stale.sql')
    shutil.copy(b['plain'], b['stale_plain'])
    old = time.time() - 3 * 86400
    os.utime(b['stale_plain'], (old, old))
    b['old_mtime_custom'] = path('old-mtime.dump')  # fresh archive header, old file time
    shutil.copy(b['custom'], b['old_mtime_custom'])
    os.utime(b['old_mtime_custom'], (old, old))

    b['dir_flipped_sidecar'] = path('flipped-sidecar.dir')
    shutil.copytree(b['directory'], b['dir_flipped_sidecar'])
    write_dir_sidecar(b['dir_flipped_sidecar'])
    b['dir_flipped'] = path('flipped.dir')
    shutil.copytree(b['directory'], b['dir_flipped'])
    for directory in (b['dir_flipped_sidecar'], b['dir_flipped']):
        victim = os.path.join(directory, biggest_data_file(directory))
        with open(victim, 'rb') as handle:
            data = handle.read()
        with open(victim, 'wb') as handle:
            handle.write(flip(data, len(data) // 2))
    b['dir_no_toc'] = path('no-toc.dir')
    shutil.copytree(b['directory'], b['dir_no_toc'])
    os.remove(os.path.join(b['dir_no_toc'], 'toc.dat'))
    b['dir_missing_data'] = path('missing-data.dir')
    shutil.copytree(b['directory'], b['dir_missing_data'])
    os.remove(os.path.join(b['dir_missing_data'], biggest_data_file(b['dir_missing_data'])))

    # A dump whose objects belong to a role the server no longer has.
    pg.psql('CREATE ROLE ghost')
    pg.psql('CREATE DATABASE ghostdb')
    pg.psql('CREATE TABLE secrets (id int PRIMARY KEY, value text); INSERT INTO secrets VALUES (1, $$x$$), (2, $$y$$); '
            'ALTER TABLE secrets OWNER TO ghost', db='ghostdb')
    b['ghost'] = path('ghost.dump')
    pg.pg_dump('ghostdb', '-Fc', '-f', b['ghost'])
    pg.psql('DROP DATABASE ghostdb')
    pg.psql('DROP ROLE ghost')

    # Plain SQL whose restore blocks (for the interrupt tests).
    b['slow'] = write('slow.sql', b'CREATE TABLE t (x int);\nINSERT INTO t VALUES (1);\nSELECT pg_sleep(120);\n')
    return b


# --------------------------------------------------------------------------- good backups

GOOD = [
    ('custom', 'custom', {}),
    ('custom_jobs2', 'custom', {'jobs': 2}),
    ('custom_piped_jobs2', 'custom_piped', {'jobs': 2}),
    ('custom_sidecar', 'custom_sidecar', {}),
    ('custom_bsd_sidecar', 'custom_bsd_sidecar', {}),
    ('directory', 'directory', {'jobs': 2}),
    ('directory_sidecar', 'directory_sidecar', {}),
    ('tar', 'tar', {}),
    ('plain', 'plain', {}),
    ('plain_gz', 'plain_gz', {}),
    ('plain_gz_without_extension', 'plain_noext', {'format': 'plain_gz'}),
]
EXPECTED_FORMAT = {'custom': 'custom', 'custom_piped': 'custom', 'custom_sidecar': 'custom', 'custom_bsd_sidecar': 'custom',
                   'directory': 'directory', 'directory_sidecar': 'directory', 'tar': 'tar', 'plain': 'plain',
                   'plain_gz': 'plain_gz', 'plain_noext': 'plain_gz'}


@pytest.mark.parametrize('case, key, extra', GOOD, ids=[case[0] for case in GOOD])
def test_good_backup_is_valid(backups, conn, pg_cluster, case, key, extra):
    args = dict(conn, path=backups[key], max_age='1h', min_size='1K',
                expect_tables=['customers', 'public.orders', 'app."Audit Log"'],
                expect_min_rows={'orders': ORDERS, 'customers': CUSTOMERS, 'app."Audit Log"': 2}, **extra)
    rc, host, proc = verify(args, via_ansible=case == 'custom')  # one passing verification through the CLI
    assert rc == 0 and host['valid'] is True, json.dumps(host, indent=1)
    assert host['changed'] is False
    assert [c['name'] for c in host['checks']] == ['exists', 'non_empty', 'format', 'min_size', 'checksum', 'toc', 'age',
                                                   'disk_space', 'restore', 'expected_tables', 'min_rows']
    assert host['format'] == EXPECTED_FORMAT[key]
    assert host['tables'] == {'public.customers': CUSTOMERS, 'public.orders': ORDERS, 'app.Audit Log': 2}
    assert host['scratch_db'].startswith('auraflow_verify_')
    assert host['restore_seconds'] > 0 and host['server_version'].startswith('15')
    assert 0 <= host['age_seconds'] < 3600
    if 'sidecar' in key:
        assert host['checksum_source'] == 'sidecar' and check_named(host, 'checksum')['severity'] == 'info'
    else:
        assert host['checksum_source'] is None and check_named(host, 'checksum')['severity'] == 'medium'
        assert [f['id'] for f in host['findings']] == ['checksum']
    if key in ('custom', 'tar', 'directory'):
        assert host['age_source'] == 'toc' and host['archive']['dbname'] == 'shop'
    if extra.get('jobs') == 2 and key != 'tar':
        assert '-j 2' in check_named(host, 'restore')['detail']
    assert host['sha256'] == (None if key.startswith('directory') else sha256_of(backups[key]))


def test_checksum_parameter(backups, conn):
    rc, host, proc = verify(dict(conn, path=backups['custom'], checksum='sha256:' + sha256_of(backups['custom']).upper()))
    assert rc == 0 and host['valid'] and host['checksum_source'] == 'parameter'
    assert host['findings'] == []


# --------------------------------------------------------------------------- bad backups: each with its failing check

BAD = [
    # case, backup key (None: a path that does not exist), extra args, the failing check, text in its detail
    ('missing_file', None, {}, 'exists', 'does not exist'),
    ('empty_file', 'empty', {}, 'non_empty', '0 bytes'),
    ('foreign_file', 'foreign', {}, 'format', 'not a PostgreSQL dump'),
    ('text_not_sql', 'text', {}, 'format', 'not SQL'),
    ('gzipped_custom', 'custom_gzipped', {}, 'format', 'decompress it first'),
    ('format_mismatch', 'custom', {'format': 'plain'}, 'format', 'expected plain'),
    ('dir_without_toc', 'dir_no_toc', {}, 'format', 'toc.dat'),
    ('too_small', 'custom', {'min_size': '100M'}, 'min_size', '< the minimum'),
    ('checksum_param_wrong', 'custom', {'checksum': '0' * 64}, 'checksum', 'parameter says'),
    ('sidecar_unusable', 'bad_sidecar', {}, 'checksum', 'unusable sidecar'),
    ('flipped_custom_with_sidecar', 'flipped_custom_sidecar', {}, 'checksum', 'sidecar says'),
    ('flipped_dir_with_sidecar', 'dir_flipped_sidecar', {}, 'checksum', 'sidecar says'),
    ('truncated_plain', 'truncated_plain', {}, 'toc', 'footer'),
    ('truncated_plain_gz', 'truncated_plain_gz', {}, 'toc', 'gzip stream is damaged'),
    ('flipped_plain_gz', 'flipped_plain_gz', {}, 'toc', 'gzip stream is damaged'),
    ('newer_archive_version', 'newer_archive', {}, 'toc', 'unsupported version'),
    ('stale_plain_mtime', 'stale_plain', {'max_age': '2d'}, 'age', 'file modification time'),
    ('truncated_custom', 'truncated_custom', {'jobs': 2}, 'restore', 'pg_restore'),
    ('flipped_custom', 'flipped_custom', {}, 'restore', 'could not uncompress data'),
    ('flipped_dir_data', 'dir_flipped', {}, 'restore', '.dat.gz'),
    ('dir_missing_data_file', 'dir_missing_data', {'jobs': 2}, 'restore', 'could not open input file'),
    ('missing_role', 'ghost', {}, 'restore', 'role "ghost" does not exist'),
    ('plain_from_newer_pg_dump', 'plain_newer_setting', {}, 'restore', 'transaction_timeout'),
    ('plain_leaves_scratch_db', 'plain_connect', {}, 'restore', '\\connect'),
    ('missing_table', 'custom', {'expect_tables': ['orders', 'public.invoices']}, 'expected_tables', 'public.invoices'),
    ('too_few_rows', 'directory', {'expect_min_rows': {'orders': ORDERS + 1, 'customers': 1}}, 'min_rows',
     'public.orders: %d rows < %d' % (ORDERS, ORDERS + 1)),
    ('min_rows_absent_table', 'plain', {'expect_min_rows': {'invoices': 1}}, 'min_rows', 'public.invoices: absent'),
]


@pytest.mark.parametrize('case, key, extra, check, fragment', BAD, ids=[case[0] for case in BAD])
def test_bad_backup_fails_its_check(backups, conn, case, key, extra, check, fragment):
    path = backups[key] if key else os.path.join(backups['dir'], 'no-such-backup.dump')
    rc, host, proc = verify(dict(conn, path=path, **extra))
    assert rc != 0 and host.get('failed') is True, json.dumps(host, indent=1)
    assert host['valid'] is False and host['changed'] is False
    assert failed_checks(host) == [check], json.dumps(host['checks'], indent=1)
    detail = check_named(host, check)['detail']
    assert fragment in detail, detail
    assert check_named(host, check)['severity'] in ('high', 'critical')
    assert host['findings'][0]['id'] == check
    assert 'not valid' in host['msg'] and check in host['msg']
    assert TRACEBACK not in proc.stdout + proc.stderr
    ran = [c['name'] for c in host['checks']]
    if check != 'restore' and 'restore' not in ran:
        assert 'restore' in [s['name'] for s in host['skipped_checks']]


def test_stale_archive_measured_from_its_header(backups, conn):
    """A custom archive's age comes from the TOC: a fresh file time does not make it young, an old one not stale."""
    time.sleep(max(0.0, backups['created'] + 3 - time.time()))
    rc, host, proc = verify(dict(conn, path=backups['custom'], max_age='1s'))
    assert rc != 0 and failed_checks(host) == ['age'] and host['age_source'] == 'toc'
    assert 'archive header' in check_named(host, 'age')['detail'] and host['age_seconds'] >= 2

    rc, host, proc = verify(dict(conn, path=backups['old_mtime_custom'], max_age='1h'))
    assert rc == 0 and host['valid'] and host['age_source'] == 'toc' and host['age_seconds'] < 3600


# --------------------------------------------------------------------------- behaviour

def test_fail_on_invalid_false_returns_normally(backups, conn):
    rc, host, proc = verify(dict(conn, path=backups['truncated_custom'], fail_on_invalid=False))
    assert rc == 0 and not host.get('failed'), json.dumps(host, indent=1)
    assert host['valid'] is False and failed_checks(host) == ['restore']
    assert 'not valid' in host['msg']


@pytest.mark.parametrize('args, fragments', [
    ({'max_age': 'soon'}, ['max_age', 'not a duration']),
    ({'max_age': '-5s'}, ['max_age']),
    ({'restore_timeout': '1 hour'}, ['restore_timeout']),
    ({'checksum': 'abc123'}, ['sha256']),
    ({'expect_min_rows': {'orders': 'many'}}, ['expect_min_rows[orders]', 'whole number']),
    ({'expect_min_rows': {'orders': -1}}, ['expect_min_rows[orders]']),
    ({'expect_tables': ['a.b.c']}, ['not a table name']),
    ({'jobs': 0}, ['jobs must be 1 or more']),
    ({'restore_test': False, 'expect_min_rows': {'orders': 1}}, ['expect_min_rows needs restore_test=true']),
    ({'format': 'zip'}, ['value of format must be one of']),
], ids=['max_age_word', 'max_age_negative', 'restore_timeout', 'checksum', 'min_rows_word', 'min_rows_negative',
        'table_name', 'jobs', 'min_rows_without_restore', 'format_choice'])
def test_bad_input_fails_clearly(backups, conn, args, fragments):
    # the argument-spec error (choices) as the user sees it, through the CLI; the module's own checks directly
    rc, host, proc = verify(dict(conn, path=backups['custom'], **args), via_ansible='format' in args)
    assert_clean_failure(rc, host, proc, *fragments)
    assert 'checks' not in host or host['checks'] == []


def test_missing_path_parameter(conn):
    rc, host, proc = verify(dict(conn), via_ansible=True)  # an argument-spec error (required), through the CLI
    assert_clean_failure(rc, host, proc, 'missing required arguments: path')


def test_checksum_parameter_for_directory_is_refused(backups, conn):
    rc, host, proc = verify(dict(conn, path=backups['directory'], checksum='0' * 64))
    assert_clean_failure(rc, host, proc, 'sidecar')


def test_unreachable_server_is_an_error_not_a_verdict(backups):
    rc, host, proc = verify({'path': backups['custom'], 'login_host': '127.0.0.1', 'login_port': free_port(),
                             'connect_timeout': 3, 'fail_on_invalid': False})
    assert_clean_failure(rc, host, proc, 'cannot connect to PostgreSQL')


def test_password_login_and_no_owner(backups, conn, pg_cluster):
    """The verifier role logs in with a password (never echoed) and restores a dump of a missing owner with no_owner."""
    # a non-superuser needs CREATEDB and CREATEROLE, and pg_read_all_settings for the disk_space check
    pg_cluster.psql('ALTER ROLE {0} CREATEROLE; GRANT pg_read_all_settings TO {0}'.format(VERIFIER))
    # the password set the way the module sets its throwaway role's (a SCRAM verifier computed here): the
    # server keeps it as given, and the scram-sha-256 login below proves it
    verifier = scram_sha256_verifier(VERIFIER_PASSWORD)
    pg_cluster.psql("ALTER ROLE %s PASSWORD '%s'" % (VERIFIER, verifier))
    assert pg_cluster.psql("SELECT rolpassword FROM pg_authid WHERE rolname = '%s'" % VERIFIER) == verifier
    args = dict(conn, path=backups['ghost'], login_user=VERIFIER, login_password=VERIFIER_PASSWORD, no_owner=True,
                expect_min_rows={'secrets': 2})
    rc, host, proc = verify(args)
    assert rc == 0 and host['valid'], json.dumps(host, indent=1)
    assert host['tables'] == {'public.secrets': 2}
    assert VERIFIER_PASSWORD not in proc.stdout + proc.stderr

    # one failing verification through the CLI: the password shows nowhere in its output either
    rc, host, proc = verify(dict(args, login_password='wrong-password'), via_ansible=True)
    assert_clean_failure(rc, host, proc, 'cannot connect to PostgreSQL', 'password authentication failed')
    assert 'wrong-password' not in proc.stdout + proc.stderr


def test_role_without_createdb_is_an_error_not_a_verdict(backups, conn, pg_cluster):
    pg_cluster.psql("DO $$BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'nocreate') THEN CREATE ROLE nocreate LOGIN; END IF; END$$")
    rc, host, proc = verify(dict(conn, path=backups['custom'], login_user='nocreate', fail_on_invalid=False))
    assert_clean_failure(rc, host, proc, 'cannot create a scratch database', 'missing: CREATEDB, CREATEROLE')
    assert leftover_state(pg_cluster)['roles'] == ''


def test_unix_socket_connection(backups, pg_cluster):
    rc, host, proc = verify({'path': backups['custom'], 'login_unix_socket': pg_cluster.run_dir, 'login_port': pg_cluster.port})
    assert rc == 0 and host['valid'], json.dumps(host, indent=1)


def test_restore_test_false_reads_all_data_without_a_server(backups):
    args = {'path': backups['directory'], 'restore_test': False, 'expect_tables': ['orders'], 'login_port': free_port()}
    rc, host, proc = verify(args)
    assert rc == 0 and host['valid'] and host['scratch_db'] is None and host['server_version'] is None
    assert 'all data read' in check_named(host, 'toc')['detail']
    assert check_named(host, 'expected_tables')['detail'].endswith('the table of contents')
    assert host['skipped_checks'] == [{'name': 'disk_space', 'reason': 'restore_test=false'},
                                      {'name': 'restore', 'reason': 'restore_test=false'}]

    rc, host, proc = verify(dict(args, path=backups['truncated_custom']))
    assert rc != 0 and failed_checks(host) == ['toc'] and 'the data are not' in check_named(host, 'toc')['detail']

    rc, host, proc = verify({'path': backups['plain'], 'restore_test': False, 'expect_tables': ['orders', 'app."Audit Log"']})
    assert rc == 0 and host['valid'], json.dumps(host, indent=1)
    assert check_named(host, 'expected_tables')['detail'].endswith('CREATE TABLE statements')


def test_check_mode_runs_read_only_checks_only(backups):
    """In check mode no server is contacted (the port is closed) but the file checks, data read included, run."""
    args = {'path': backups['custom'], 'login_host': '127.0.0.1', 'login_port': free_port(), 'expect_tables': ['orders'],
            'expect_min_rows': {'orders': 1}, 'max_age': '1h'}
    rc, host, proc = verify(args, check=True)
    assert rc == 0 and host['valid'] and host['changed'] is False, json.dumps(host, indent=1)
    assert [c['name'] for c in host['checks']] == ['exists', 'non_empty', 'format', 'checksum', 'toc', 'age', 'expected_tables']
    assert {s['name'] for s in host['skipped_checks']} == {'disk_space', 'restore', 'min_rows'}
    assert host['scratch_db'] is None and host['server_version'] is None

    rc, host, proc = verify(dict(args, path=backups['flipped_custom']), check=True)
    assert rc != 0 and failed_checks(host) == ['toc'] and 'could not uncompress data' in check_named(host, 'toc')['detail']


def test_keep_scratch_leaves_the_restored_database(backups, conn, pg_cluster):
    rc, host, proc = verify(dict(conn, path=backups['custom'], keep_scratch=True))
    name = host.get('scratch_db')
    try:
        assert rc == 0 and host['valid'] and host['changed'] is False
        assert pg_cluster.scratch_databases() == [name]
        assert pg_cluster.psql('SELECT count(*) FROM orders', db=name) == str(ORDERS)
        # owned by its unprivileged role of the same name, which is kept with it
        assert pg_cluster.psql("SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = '%s'" % name) == name
        assert pg_cluster.psql("SELECT rolsuper OR rolcreatedb OR rolcreaterole FROM pg_roles WHERE rolname = '%s'" % name) == 'f'
    finally:
        if name:
            pg_cluster.psql('DROP DATABASE IF EXISTS "%s"' % name)
            pg_cluster.psql('DROP ROLE IF EXISTS "%s"' % name)


def test_restore_timeout_stops_and_drops(backups, conn, pg_cluster):
    rc, host, proc = verify(dict(conn, path=backups['slow'], restore_timeout='2s'))
    assert rc != 0 and failed_checks(host) == ['restore'], json.dumps(host, indent=1)
    assert 'restore_timeout' in check_named(host, 'restore')['detail'] and host['restore_seconds'] < 30
    assert pg_cluster.wait_for(lambda: not pg_cluster.psql(
        "SELECT pid FROM pg_stat_activity WHERE query LIKE 'SELECT pg_sleep%'"), timeout=10)


# --------------------------------------------------------------------------- interrupts

def sleeping_restore(pg_cluster):
    return pg_cluster.psql("SELECT datname FROM pg_stat_activity WHERE datname LIKE 'auraflow\\_verify\\_%' "
                           "AND query LIKE 'SELECT pg_sleep%'")


def processes_mentioning(text):
    found = []
    for pid in os.listdir('/proc'):
        if not pid.isdigit():
            continue
        try:
            with open('/proc/%s/cmdline' % pid, 'rb') as handle:
                if text.encode() in handle.read():
                    found.append(int(pid))
        except OSError:
            continue
    return found


def test_sigint_to_ansible_drops_the_scratch_database(backups, conn, pg_cluster):
    """Ctrl-C on the controller (SIGINT to its process group) in the middle of a restore."""
    env = dict(os.environ, ANSIBLE_CONFIG=os.path.join(ROOT, 'ansible.cfg'))
    proc = subprocess.Popen(ansible_cmd(dict(conn, path=backups['slow'])), cwd=ROOT, env=env, start_new_session=True,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        scratch = pg_cluster.wait_for(lambda: sleeping_restore(pg_cluster), timeout=60)
        assert scratch and scratch.startswith('auraflow_verify_'), 'the restore never started'
        assert pg_cluster.scratch_databases() == [scratch]
        os.killpg(proc.pid, signal.SIGINT)
        proc.wait(timeout=60)
        # the module outlives ansible's exit while it cleans up: the database goes first, then its role
        assert pg_cluster.wait_for(lambda: pg_cluster.scratch_databases() == [] and pg_cluster.scratch_roles() == '', timeout=30), \
            (pg_cluster.scratch_databases(), pg_cluster.scratch_roles())
        assert not sleeping_restore(pg_cluster)
        assert pg_cluster.wait_for(lambda: not processes_mentioning(scratch), timeout=10), 'restore processes left running'
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def test_sigterm_to_the_module_drops_the_scratch_database(backups, conn, pg_cluster, tmp_path):
    """SIGTERM to the module process itself (run directly, as AnsiballZ would) during a restore."""
    args_file = tmp_path / 'args.json'
    args_file.write_text(json.dumps({'ANSIBLE_MODULE_ARGS': dict(conn, path=backups['slow'])}))
    env = dict(os.environ, PYTHONPATH=os.path.join(ROOT, 'collections'))
    module = os.path.join(ROOT, 'plugins', 'modules', 'pg_backup_verify.py')
    proc = subprocess.Popen([os.path.join(VENV_BIN, 'python'), module, str(args_file)], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        scratch = pg_cluster.wait_for(lambda: sleeping_restore(pg_cluster), timeout=60)
        assert scratch, 'the restore never started'
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    result = json.loads(out)
    assert proc.returncode != 0 and result['failed'] is True, out + err
    assert 'interrupted by SIGTERM' in result['msg'] and ('%s dropped' % scratch) in result['msg'], result['msg']
    assert TRACEBACK not in out + err
    assert pg_cluster.scratch_databases() == []  # dropped before the module exited
    assert not sleeping_restore(pg_cluster)
    assert not processes_mentioning(scratch)


# --------------------------------------------------------------------------- untrusted content (issue 18, item 6)

INTRUDER = 'auraflow_intruder'


@pytest.fixture
def marker_dir():
    """A directory the server's OS user (postgres) can write to: an attack that runs a program leaves a file here."""
    import tempfile
    path = tempfile.mkdtemp(prefix='auraflow-attack-')
    os.chmod(path, 0o777)
    yield path
    shutil.rmtree(path, ignore_errors=True)


def leftover_state(pg_cluster):
    """Roles and databases an attack or the verifier could leave behind."""
    return {
        'roles': pg_cluster.psql("SELECT string_agg(rolname, ',' ORDER BY rolname) FROM pg_roles WHERE rolname LIKE 'auraflow\\_%'"),
        'databases': pg_cluster.scratch_databases(),
        'escaped_tables': pg_cluster.psql("SELECT count(*) FROM pg_class WHERE relname = 'auraflow_escaped'"),
    }


def attack_sql(kind, marker):
    touch = 'touch %s' % marker
    return {
        # a meta-command after a statement on the same line (the old guard only looked at the line start)
        'inline_shell': 'CREATE TABLE t (x int);\nSELECT 1; \\! %s\n' % touch,
        # the server runs a program as its OS user
        'copy_to_program': "CREATE TABLE t (x int);\nCOPY (SELECT 1) TO PROGRAM '%s';\n" % touch,
        # an indented \connect leaves the scratch database for the maintenance database
        'indented_connect': 'CREATE TABLE t (x int);\n   \\connect postgres\nCREATE TABLE auraflow_escaped (x int);\n',
        # a new superuser, created in passing on the line of another statement
        'create_superuser': 'CREATE TABLE t (x int);\nSELECT 1; CREATE ROLE %s SUPERUSER LOGIN;\n' % INTRUDER,
    }[kind]


ATTACKS = ['inline_shell', 'copy_to_program', 'indented_connect', 'create_superuser']


@pytest.mark.parametrize('kind', ATTACKS)
def test_plain_sql_attack_runs_nothing(backups, conn, pg_cluster, marker_dir, kind):
    marker = os.path.join(marker_dir, 'pwned')
    path = os.path.join(marker_dir, '%s.sql' % kind)
    with open(path, 'w', encoding='utf-8') as handle:
        handle.write(attack_sql(kind, marker))
    before = leftover_state(pg_cluster)
    try:
        rc, host, proc = verify(dict(conn, path=path, fail_on_invalid=False))
        assert not os.path.exists(marker), 'the backup ran a program on the server: %s exists' % marker
        after = leftover_state(pg_cluster)
        assert after == before, 'the verification left or changed roles/databases: %s -> %s' % (before, after)
        assert rc == 0 and host['valid'] is False, json.dumps(host, indent=1)
        assert failed_checks(host) == ['restore'], json.dumps(host['checks'], indent=1)
        detail = check_named(host, 'restore')['detail']
        expected = {'inline_shell': 'psql meta-command', 'copy_to_program': 'pg_execute_server_program',
                    'indented_connect': 'psql meta-command', 'create_superuser': 'cluster-level statement'}[kind]
        assert expected in detail, detail
    finally:
        pg_cluster.psql('DROP ROLE IF EXISTS %s' % INTRUDER)
        pg_cluster.psql('DROP TABLE IF EXISTS auraflow_escaped')


EVIL_SOURCE = """
CREATE FUNCTION public.audit_ok(value int) RETURNS boolean LANGUAGE plpgsql AS $f$
BEGIN
  IF current_database() LIKE 'auraflow%%verify%%' THEN
    EXECUTE 'COPY (SELECT 1) TO PROGRAM ''touch %(marker)s''';
  END IF;
  RETURN true;
END
$f$;
CREATE TABLE public.ledger (id int PRIMARY KEY, amount int CHECK (public.audit_ok(amount)));
INSERT INTO public.ledger VALUES (1, 10), (2, 20);
"""


@pytest.mark.parametrize('fmt', ['custom', 'tar', 'directory'])
def test_archive_attack_fails_by_privilege(conn, pg_cluster, marker_dir, fmt):
    """An archive whose CHECK constraint runs COPY ... TO PROGRAM when its data are restored."""
    marker = os.path.join(marker_dir, 'pwned')
    db = 'evil_%s' % fmt
    pg_cluster.psql('CREATE DATABASE %s' % db)
    path = os.path.join(marker_dir, 'evil.%s' % fmt)
    try:
        pg_cluster.psql(EVIL_SOURCE % {'marker': marker}, db=db)
        pg_cluster.pg_dump(db, {'custom': '-Fc', 'tar': '-Ft', 'directory': '-Fd'}[fmt], '-f', path)
    finally:
        pg_cluster.psql('DROP DATABASE %s' % db)
    assert not os.path.exists(marker)
    before = leftover_state(pg_cluster)
    rc, host, proc = verify(dict(conn, path=path, fail_on_invalid=False))
    assert not os.path.exists(marker), 'the backup ran a program on the server: %s exists' % marker
    assert leftover_state(pg_cluster) == before
    assert rc == 0 and host['valid'] is False and failed_checks(host) == ['restore'], json.dumps(host, indent=1)
    detail = check_named(host, 'restore')['detail']
    assert 'unprivileged role' in detail and 'pg_execute_server_program' in detail, detail


OWNED_SQL = """
CREATE EXTENSION pgcrypto;
CREATE EXTENSION pg_stat_statements;
CREATE SCHEMA app AUTHORIZATION auraflow_t_app;
CREATE TABLE app.items (id int PRIMARY KEY, secret bytea DEFAULT gen_random_bytes(4), note text CHECK (note !~ '^\\s*$'));
INSERT INTO app.items (id, note) SELECT i, 'n' || i FROM generate_series(1, 50) i;
ALTER TABLE app.items OWNER TO auraflow_t_app;
CREATE FUNCTION app.total() RETURNS bigint LANGUAGE sql BEGIN ATOMIC SELECT count(*) FROM app.items; END;
ALTER FUNCTION app.total() OWNER TO auraflow_t_app;
GRANT USAGE ON SCHEMA app TO auraflow_t_reader;
GRANT SELECT ON app.items TO auraflow_t_reader;
ALTER DEFAULT PRIVILEGES FOR ROLE auraflow_t_app IN SCHEMA app GRANT SELECT ON TABLES TO auraflow_t_reader;
COMMENT ON TABLE app.items IS 'it''s \\ here';
"""


@pytest.mark.parametrize('fmt', ['plain', 'custom', 'tar'])
def test_dump_with_owners_and_grants_is_valid(conn, pg_cluster, tmp_path, fmt):
    """A legitimate dump with other owners, grants, default privileges and extensions still verifies (as the unprivileged role).

    pgcrypto is trusted (the role creates it); pg_stat_statements needs a superuser: made first from the server's own
    script, and the dump's CREATE/COMMENT ON EXTENSION for it left out (as the lab's application database has it)."""
    db = 'owned_%s' % fmt
    pg_cluster.psql("DO $$BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'auraflow_t_app') THEN "
                    "CREATE ROLE auraflow_t_app; CREATE ROLE auraflow_t_reader; END IF; END$$")
    pg_cluster.psql('CREATE DATABASE %s' % db)
    path = str(tmp_path / ('owned.%s' % fmt))
    try:
        pg_cluster.psql(OWNED_SQL, db=db)
        pg_cluster.pg_dump(db, {'plain': '-Fp', 'custom': '-Fc', 'tar': '-Ft', 'directory': '-Fd'}[fmt], '-f', path)
    finally:
        pg_cluster.psql('DROP DATABASE %s' % db)
    rc, host, proc = verify(dict(conn, path=path, expect_min_rows={'app.items': 50}))
    assert rc == 0 and host['valid'], json.dumps(host, indent=1)
    assert host['tables'] == {'app.items': 50}
    assert check_named(host, 'restore')['detail'].endswith('extensions created first by postgres: pg_stat_statements')
    assert leftover_state(pg_cluster)['roles'] == 'auraflow_t_app,auraflow_t_reader'


# --------------------------------------------------------------------------- free space (issue 18, item 7)

@pytest.mark.parametrize('extra, fragment', [
    ({'min_free_factor': 1000000.0}, 'min_free_factor 1000000.0 x'),
    ({'min_free_margin_mb': 1024 ** 3}, 'min_free_margin_mb %d' % 1024 ** 3),
    ({'restored_size': '100P'}, '(restored_size)'),
], ids=['factor', 'margin', 'restored_size'])
def test_restore_refused_when_the_disk_is_too_small(backups, conn, pg_cluster, extra, fragment):
    before = leftover_state(pg_cluster)
    rc, host, proc = verify(dict(conn, path=backups['custom'], fail_on_invalid=False, **extra))
    assert rc == 0 and host['valid'] is False, json.dumps(host, indent=1)
    assert failed_checks(host) == ['disk_space'], json.dumps(host['checks'], indent=1)
    detail = check_named(host, 'disk_space')['detail']
    assert detail.startswith('not restored') and fragment in detail and pg_cluster.data in detail, detail
    assert 'min_free_factor / min_free_margin_mb' in detail
    assert host['disk']['free_bytes'] < host['disk']['needed_bytes'] and host['disk']['path'] == pg_cluster.data
    # nothing was restored: no restore ran, no scratch database or role was made
    assert 'restore' not in [c['name'] for c in host['checks']] and host['scratch_db'] is None
    assert {s['name'] for s in host['skipped_checks']} >= {'restore'}
    assert leftover_state(pg_cluster) == before


def test_disk_space_estimate_from_the_live_database(backups, conn, pg_cluster):
    """Without restored_size the estimate is the live database named in the archive (shop); both limits 0 turn the check off."""
    rc, host, proc = verify(dict(conn, path=backups['custom']))
    assert rc == 0 and host['valid'], json.dumps(host, indent=1)
    live = int(pg_cluster.psql("SELECT pg_database_size('shop')"))
    assert host['disk']['estimate_source'] == 'the size of the live database shop'
    assert abs(host['disk']['estimated_restored_bytes'] - live) < 2 * 1024 * 1024
    assert host['disk']['needed_bytes'] == int(2.0 * host['disk']['estimated_restored_bytes']) + 1024 * 1024 * 1024
    rc, host, proc = verify(dict(conn, path=backups['plain'], min_free_factor=0, min_free_margin_mb=0))
    assert rc == 0 and host['valid'] and check_named(host, 'disk_space')['severity'] == 'medium'  # turned off: a warning


# --------------------------------------------------------------------------- leftovers of a killed run (issue 18, item 13)

def test_sigkill_leftover_removed_by_the_next_run(backups, conn, pg_cluster, tmp_path):
    """SIGKILL of the module mid-restore leaves its scratch database and role; the next run drops them, nothing else."""
    args_file = tmp_path / 'args.json'
    args_file.write_text(json.dumps({'ANSIBLE_MODULE_ARGS': dict(conn, path=backups['slow'])}))
    env = dict(os.environ, PYTHONPATH=os.path.join(ROOT, 'collections'))
    module = os.path.join(ROOT, 'plugins', 'modules', 'pg_backup_verify.py')
    proc = subprocess.Popen([os.path.join(VENV_BIN, 'python'), module, str(args_file)], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    unrelated = ['auraflow_verify_copy', 'auraflow_verify_20200101000000_1_zzzzzz', 'xauraflow_verify_20200101000000_1_abcdef']
    try:
        scratch = pg_cluster.wait_for(lambda: sleeping_restore(pg_cluster), timeout=60)
        assert scratch, 'the restore never started'
        proc.kill()  # SIGKILL: no cleanup can run
        proc.wait(timeout=30)
        # the orphaned psql keeps its restore going until it ends; end it the way its session would
        pg_cluster.psql("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '%s'" % scratch)
        for name in unrelated:
            pg_cluster.psql('CREATE DATABASE "%s"' % name)
        pg_cluster.psql('CREATE ROLE auraflow_verify_20200101000000_1_zzzzzz')
        assert pg_cluster.scratch_databases() == sorted([scratch] + unrelated[:2])
        time.sleep(2.1)
        rc, host, proc2 = verify(dict(conn, path=backups['custom'], stale_scratch_age='2s'))
        assert rc == 0 and host['valid'], json.dumps(host, indent=1)
        assert host['stale_scratch_dropped'] == ['database %s' % scratch, 'role %s' % scratch] and host['changed'] is True
        assert pg_cluster.scratch_databases() == sorted(unrelated[:2])
        assert pg_cluster.databases('xauraflow%') == unrelated[2:]
        assert pg_cluster.scratch_roles() \
            == 'auraflow_verify_20200101000000_1_zzzzzz'
    finally:
        if proc.poll() is None:
            proc.kill()
        for name in unrelated:
            pg_cluster.psql('DROP DATABASE IF EXISTS "%s"' % name)
        pg_cluster.psql('DROP ROLE IF EXISTS auraflow_verify_20200101000000_1_zzzzzz')


def test_old_leftover_removed_with_the_default_age(backups, conn, pg_cluster):
    """A scratch database named by an earlier run 7 hours ago, nobody connected: gone after the next run (defaults)."""
    stamp = time.strftime('%Y%m%d%H%M%S', time.gmtime(time.time() - 7 * 3600))
    old, fresh = 'auraflow_verify_%s_4242_a1b2c3' % stamp, 'auraflow_verify_%s_4243_a1b2c3' % time.strftime('%Y%m%d%H%M%S', time.gmtime())
    pg_cluster.psql('CREATE DATABASE "%s"' % old)
    pg_cluster.psql('CREATE DATABASE "%s"' % fresh)  # another run's, just made: not touched
    # the role of a keep_scratch database dropped by hand 2 minutes ago: an orphan; one just made: not touched
    orphan = 'auraflow_verify_%s_4244_a1b2c3' % time.strftime('%Y%m%d%H%M%S', time.gmtime(time.time() - 120))
    young = 'auraflow_verify_%s_4245_a1b2c3' % time.strftime('%Y%m%d%H%M%S', time.gmtime())
    pg_cluster.psql('CREATE ROLE "%s"; CREATE ROLE "%s"' % (orphan, young))
    try:
        rc, host, proc = verify(dict(conn, path=backups['custom']))
        assert rc == 0 and host['valid'], json.dumps(host, indent=1)
        assert pg_cluster.scratch_databases() == [fresh]
        assert pg_cluster.scratch_roles() == young
        assert host['stale_scratch_dropped'] == ['database %s' % old, 'role %s' % orphan]
    finally:
        pg_cluster.psql('DROP DATABASE IF EXISTS "%s"' % old)
        pg_cluster.psql('DROP DATABASE IF EXISTS "%s"' % fresh)
        pg_cluster.psql('DROP ROLE IF EXISTS "%s"; DROP ROLE IF EXISTS "%s"' % (orphan, young))
