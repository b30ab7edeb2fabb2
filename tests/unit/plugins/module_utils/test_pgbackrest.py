"""Unit tests for plugins/module_utils/pgbackrest.py (pure logic of pgbackrest_verify).

The pgBackRest and PostgreSQL texts below are what pgBackRest 2.45 and PostgreSQL 15 printed on this project's
machines (info JSON, verify output, server logs of a scratch instance), shortened.
"""

import datetime
import json
import shlex

import pytest

from ansible_collections.auraflow.ops.plugins.module_utils.pg_backup import CHECK_SEVERITY as DUMP_CHECK_SEVERITY, Checks
from ansible_collections.auraflow.ops.plugins.module_utils.pgbackrest import (
    CHECK_ORDER,
    CHECK_SEVERITY,
    PgbackrestError,
    backup_summary,
    choose_backup,
    classify_recovery_log,
    epoch_of,
    find_set,
    iso_utc,
    judge_repository,
    judge_target,
    judge_target_reached,
    judge_verify,
    new_checks,
    parse_info,
    parse_target_time,
    parse_time,
    parse_verify,
    parse_version,
    pg_hba_conf,
    pg_time,
    pgbackrest_argument_spec,
    postgresql_conf,
    postmaster_status,
    remaining_checks,
    restore_args,
    scratch_created_epoch,
    scratch_dir_name,
    server_options,
    server_settings,
    stale_scratch_names,
    stanza_missing,
    stanza_names,
    verify_supports_set,
)

UTC = datetime.timezone.utc


def backup_json(label, start, stop, kind='full', size=22987658, error=False, db_id=1):
    return {'archive': {'start': '000000010000000000000002', 'stop': '000000010000000000000002'},
            'backrest': {'format': 5, 'version': '2.45'}, 'database': {'id': db_id, 'repo-key': 1}, 'error': error,
            'info': {'delta': size, 'repository': {'delta': 4519940, 'size': 4519940}, 'size': size}, 'label': label,
            'lsn': {'start': '0/2000028', 'stop': '0/2000100'}, 'prior': None, 'reference': None,
            'timestamp': {'start': start, 'stop': stop}, 'type': kind}


def info_json(backups, code=0, message='ok', name='t'):
    return json.dumps([{
        'archive': [{'database': {'id': 1, 'repo-key': 1}, 'id': '15-1', 'max': '000000010000000000000006',
                     'min': '000000010000000000000001'}] if backups else [],
        'backup': backups, 'cipher': 'none',
        'db': [{'id': 1, 'repo-key': 1, 'system-id': 7714480839077365032, 'version': '15'}] if code != 1 else [],
        'name': name, 'repo': [{'cipher': 'none', 'key': 1, 'status': {'code': code, 'message': message}}],
        'status': {'code': code, 'lock': {'backup': {'held': False}}, 'message': message}}])


# 2026-12-01T23:25:41Z .. 23:25:43Z, and a diff one hour later
FULL = backup_json('20261201-232541F', 1796167541, 1796167543)
DIFF = backup_json('20261201-232541F_20261202-002541D', 1796171141, 1796171150, kind='diff', size=23000000)
INFO = info_json([DIFF, FULL])  # pgBackRest lists them oldest first; parse_info sorts anyway


def at(text):
    return parse_time(text)


# --------------------------------------------------------------------------- checks

def test_check_order_and_severities():
    assert CHECK_ORDER == ('repository', 'target_in_range', 'pgbackrest_verify', 'disk_space', 'restore', 'instance_started',
                           'target_reached', 'expected_tables', 'min_rows', 'cleanup')
    assert set(CHECK_SEVERITY) == set(CHECK_ORDER)
    assert CHECK_SEVERITY['restore'] == 'critical' and CHECK_SEVERITY['min_rows'] == 'high' and CHECK_SEVERITY['cleanup'] == 'high'


def test_checks_know_this_modules_names_and_pg_backup_keeps_its_own():
    checks = new_checks()
    checks.add('repository', True, 'stanza t')
    checks.add('pgbackrest_verify', True, 'other sets invalid', warning=True)
    checks.add('target_reached', False, 'recovery ended before ...')
    checks.skip('expected_tables', 'the instance is not running')
    assert not checks.valid() and checks.failed() == ['target_reached']
    assert [(f.id, f.severity) for f in checks.findings()] == [('target_reached', 'critical'), ('pgbackrest_verify', 'medium')]
    with pytest.raises(ValueError):
        checks.add('toc', True, '')  # a pg_backup_verify check, not this module's
    assert Checks().severity is DUMP_CHECK_SEVERITY
    with pytest.raises(ValueError):
        Checks().add('repository', True, '')


def test_remaining_checks():
    assert remaining_checks('instance_started') == ['target_reached', 'expected_tables', 'min_rows', 'cleanup']
    assert remaining_checks('restore', lambda name: name != 'target_reached') == [
        'instance_started', 'expected_tables', 'min_rows', 'cleanup']
    assert remaining_checks('cleanup') == []


def test_argument_spec_of_the_fragment():
    spec = pgbackrest_argument_spec()
    assert spec['stanza'] == {'type': 'str', 'required': True}
    assert spec['config']['default'] == '/etc/pgbackrest/pgbackrest.conf' and spec['config']['type'] == 'path'


# --------------------------------------------------------------------------- time

@pytest.mark.parametrize('text, expected', [
    ('2026-12-01T23:05:00Z', datetime.datetime(2026, 12, 1, 23, 5, 0, tzinfo=UTC)),
    ('2026-12-01t23:05z', datetime.datetime(2026, 12, 1, 23, 5, 0, tzinfo=UTC)),
    ('2026-12-01 23:05:00.123456+00', datetime.datetime(2026, 12, 1, 23, 5, 0, 123456, tzinfo=UTC)),
    ('2026-12-01T23:05:00.5+00:00', datetime.datetime(2026, 12, 1, 23, 5, 0, 500000, tzinfo=UTC)),
    ('2026-12-01T23:05:00.123456789Z', datetime.datetime(2026, 12, 1, 23, 5, 0, 123456, tzinfo=UTC)),
    ('2026-12-02T01:05:00+02:00', datetime.datetime(2026, 12, 1, 23, 5, 0, tzinfo=UTC)),
    ('2026-12-01T20:35:00-0230', datetime.datetime(2026, 12, 1, 23, 5, 0, tzinfo=UTC)),
    (' 2026-12-01 23:05:00 UTC ', datetime.datetime(2026, 12, 1, 23, 5, 0, tzinfo=UTC)),
])
def test_parse_time(text, expected):
    assert parse_time(text) == expected


@pytest.mark.parametrize('text, fragment', [
    ('2026-12-01T23:05:00', 'has no time zone'),
    ('2026-12-01 23:05', 'trailing Z'),
    ('yesterday', 'not an ISO 8601 time'),
    ('2026-13-01T00:00:00Z', 'not a valid time'),
    ('2026-02-30T00:00:00Z', 'not a valid time'),
    ('2026-12-01T25:00:00Z', 'not a valid time'),
    ('', 'must be an ISO 8601 time'),
    (None, 'must be an ISO 8601 time'),
    (1796167541, 'must be an ISO 8601 time'),
    ('2026-12-01T23:05:00+24:00', 'impossible UTC offset'),
])
def test_parse_time_refuses(text, fragment):
    with pytest.raises(PgbackrestError, match=fragment):
        parse_time(text)


def test_target_in_the_future_is_refused():
    now = epoch_of(at('2026-12-01T23:00:00Z'))
    assert parse_target_time('2026-12-01T22:59:59Z', now=now) == at('2026-12-01T22:59:59Z')
    assert parse_target_time('2026-12-01T23:00:00Z', now=now) == at('2026-12-01T23:00:00Z')
    with pytest.raises(PgbackrestError, match='is in the future'):
        parse_target_time('2026-12-01T23:00:00.5Z', now=now)


def test_time_formats():
    moment = at('2026-12-01T23:05:00.120000Z')
    assert iso_utc(moment) == '2026-12-01T23:05:00.120000Z'
    assert iso_utc(at('2026-12-01T23:05:00Z')) == '2026-12-01T23:05:00Z'
    assert iso_utc(1796167543) == '2026-12-01T23:25:43Z' and iso_utc(None) is None
    assert pg_time(moment) == '2026-12-01 23:05:00.120000+00'
    assert pg_time(at('2026-12-02T01:05:00+02:00')) == '2026-12-01 23:05:00+00'
    assert epoch_of(at('2026-12-01T23:25:43.5Z')) == 1796167543.5


# --------------------------------------------------------------------------- pgbackrest info

def test_parse_info():
    info = parse_info(INFO, 't')
    assert info['status_code'] == 0 and info['status_message'] == 'ok' and info['repos'] == [1]
    assert [b['label'] for b in info['backups']] == ['20261201-232541F', '20261201-232541F_20261202-002541D']
    full = info['backups'][0]
    assert full == {
        'label': '20261201-232541F', 'type': 'full', 'start': 1796167541, 'stop': 1796167543, 'size_bytes': 22987658,
        'repo_size_bytes': 4519940, 'pg_version': '15', 'archive_id': '15-1', 'db_id': 1, 'repo_key': 1, 'error': False,
        'prior': None, 'archive_start': '000000010000000000000002', 'archive_stop': '000000010000000000000002'}
    assert info['archive'] == [{'id': '15-1', 'min': '000000010000000000000001', 'max': '000000010000000000000006'}]
    assert backup_summary(full) == {'label': '20261201-232541F', 'type': 'full', 'start': '2026-12-01T23:25:41Z',
                                    'stop': '2026-12-01T23:25:43Z', 'size_bytes': 22987658, 'repo_size_bytes': 4519940,
                                    'pg_version': '15'}
    assert backup_summary(None) is None


def test_parse_info_errors():
    with pytest.raises(PgbackrestError, match='did not print JSON'):
        parse_info('ERROR: [055]: unable to open missing file', 't')
    with pytest.raises(PgbackrestError, match="no stanza 'x'"):
        parse_info(INFO, 'x')
    with pytest.raises(PgbackrestError, match='no stanza'):
        parse_info('{}', 't')


def test_stanza_missing_and_names():
    missing = parse_info(info_json([], code=1, message='missing stanza path', name='nope'), 'nope')
    assert stanza_missing(missing) and missing['backups'] == []
    assert not stanza_missing(parse_info(INFO, 't'))
    assert stanza_names(json.dumps([{'name': 'b'}, {'name': 'a'}, {}])) == ['a', 'b']
    assert stanza_names('[]') == []
    with pytest.raises(PgbackrestError):
        stanza_names('{"name": "a"}')


def test_judge_repository():
    ok, detail = judge_repository(parse_info(INFO, 't'), 't')
    assert ok and detail.startswith('stanza t: 2 backups (oldest 20261201-232541F, newest 20261201-232541F_20261202-002541D')
    assert 'WAL archive 15-1 000000010000000000000001..000000010000000000000006' in detail
    ok, detail = judge_repository(parse_info(info_json([], code=2, message='no valid backups'), 't'), 't')
    assert not ok and 'holds no backup' in detail and 'no valid backups' in detail
    ok, detail = judge_repository(parse_info(info_json([FULL], code=3, message='missing stanza data'), 't'), 't')
    assert not ok and 'status 3 (missing stanza data)' in detail


def test_find_and_choose_the_set():
    backups = parse_info(INFO, 't')['backups']
    assert find_set(backups, '20261201-232541F')['type'] == 'full'
    with pytest.raises(PgbackrestError, match="'nope' is not in the repository; its backups: 20261201-232541F, 20261201-232541F_"):
        find_set(backups, 'nope')
    assert choose_backup(backups)['type'] == 'diff'
    assert choose_backup(backups, '20261201-232541F')['type'] == 'full'
    # a target between the two backups: the full one; after both: the newest; before both: none
    assert choose_backup(backups, 'latest', at('2026-12-02T00:00:00Z'))['type'] == 'full'
    assert choose_backup(backups, 'latest', at('2026-12-02T00:25:50Z'))['type'] == 'diff'
    assert choose_backup(backups, 'latest', at('2026-12-01T23:25:43Z'))['type'] == 'full'  # at its end exactly
    assert choose_backup(backups, 'latest', at('2026-12-01T23:25:42Z')) is None
    assert choose_backup([], 'latest') is None


def test_judge_target():
    backups = parse_info(INFO, 't')['backups']
    now = epoch_of(at('2026-12-03T00:00:00Z'))
    ok, detail, backup = judge_target(at('2026-12-02T00:00:00Z'), backups, 'latest', now)
    assert ok and backup['type'] == 'full' and 'after the end of backup 20261201-232541F (2026-12-01T23:25:43Z)' in detail
    ok, detail, backup = judge_target(at('2026-12-01T22:00:00Z'), backups, 'latest', now)
    assert not ok and backup is None
    assert 'the oldest reachable moment is 2026-12-01T23:25:43Z (the end of backup 20261201-232541F)' in detail
    # an explicit set: the target must be after its own end
    ok, detail, backup = judge_target(at('2026-12-02T00:00:00Z'), backups, '20261201-232541F_20261202-002541D', now)
    assert not ok and 'before the end of backup 20261201-232541F_20261202-002541D' in detail and backup['type'] == 'diff'
    assert 'the oldest moment it can be recovered to is 2026-12-02T00:25:50Z' in detail
    ok, detail, backup = judge_target(at('2026-12-02T01:00:00Z'), backups, '20261201-232541F', now)
    assert ok and backup['type'] == 'full'
    ok, detail, backup = judge_target(at('2026-12-04T00:00:00Z'), backups, 'latest', now)
    assert not ok and 'in the future' in detail
    with pytest.raises(PgbackrestError, match='is not in the repository'):
        judge_target(at('2026-12-02T00:00:00Z'), backups, 'nope', now)


# --------------------------------------------------------------------------- pgbackrest verify

VERIFY_OK = """stanza: t
status: ok
  archiveId: 15-1, total WAL checked: 2, total valid WAL: 2
    missing: 0, checksum invalid: 0, size invalid: 0, other: 0
  backup: 20261201-232541F, status: valid, total files checked: 964, total valid files: 964
    missing: 0, checksum invalid: 0, size invalid: 0, other: 0
"""
VERIFY_BAD = """stanza: t
status: error
  archiveId: 15-1, total WAL checked: 6, total valid WAL: 5
    missing: 0, checksum invalid: 1, size invalid: 0, other: 0
  backup: 20261201-232541F, status: invalid, total files checked: 964, total valid files: 963
    missing: 0, checksum invalid: 1, size invalid: 0, other: 0
  backup: 20261202-002541F, status: valid, total files checked: 964, total valid files: 964
    missing: 0, checksum invalid: 0, size invalid: 0, other: 0
"""
# without --verbose pgBackRest 2.45 prints only the problems
VERIFY_TERSE = """stanza: t
status: error
  backup: 20261201-232541F, status: invalid, total files checked: 964, total valid files: 963
    checksum invalid: 1
"""
BACKUP = {'label': '20261201-232541F', 'archive_id': '15-1'}
OTHER = {'label': '20261202-002541F', 'archive_id': '15-1'}


def test_parse_verify():
    parsed = parse_verify(VERIFY_BAD)
    assert parsed['status'] == 'error'
    assert parsed['archives'] == [{'id': '15-1', 'checked': 6, 'valid': 5, 'problems': {'checksum invalid': 1}}]
    assert parsed['backups'][0] == {'label': '20261201-232541F', 'status': 'invalid', 'checked': 964, 'valid': 963,
                                    'problems': {'checksum invalid': 1}}
    assert parsed['backups'][1]['status'] == 'valid' and parsed['backups'][1]['problems'] == {}
    assert parse_verify(VERIFY_TERSE)['backups'][0]['problems'] == {'checksum invalid': 1}
    assert parse_verify('') == {'status': None, 'archives': [], 'backups': []}
    # older releases: "Stanza:" and a results header
    old = parse_verify('Stanza: t\nResults:\n  archiveId: 9.6-1, total WAL checked: 1, total valid WAL: 0\n'
                       '    missing: 1, checksum invalid: 0, size invalid: 0, other: 0\n  backup: none found')
    assert old['archives'] == [{'id': '9.6-1', 'checked': 1, 'valid': 0, 'problems': {'missing': 1}}]
    assert old['backups'] == []  # 'backup: none found'


def test_judge_verify_good():
    ok, detail, warning = judge_verify(parse_verify(VERIFY_OK), 0, '', BACKUP)
    assert ok and not warning
    assert detail == 'backup 20261201-232541F: 964 of 964 files valid; WAL 15-1: 2 of 2 segments valid'


def test_judge_verify_damaged_set_and_wal():
    ok, detail, warning = judge_verify(parse_verify(VERIFY_BAD), 0, '', BACKUP)
    assert not ok
    assert 'backup 20261201-232541F is invalid of 964 files: 963 valid (checksum invalid 1)' in detail
    assert 'WAL archive 15-1: 1 of 6 segments invalid (checksum invalid 1)' in detail
    # the other set is valid, but the WAL it needs too is damaged
    ok, detail, warning = judge_verify(parse_verify(VERIFY_BAD), 0, '', OTHER)
    assert not ok and detail.startswith('WAL archive 15-1')
    # WAL of another database id (before a stanza-upgrade) only warns
    ok, detail, warning = judge_verify(parse_verify(VERIFY_BAD.replace('15-1', '14-1')), 0, '', dict(OTHER, archive_id='15-1'))
    assert ok and warning and 'elsewhere in the repository: backup 20261201-232541F is invalid; WAL archive 14-1' in detail


def test_judge_verify_exit_code_and_silence():
    ok, detail, warning = judge_verify(parse_verify(''), 87, 'ERROR: [087]: 1 fatal errors encountered', BACKUP)
    assert not ok and detail == 'pgbackrest verify failed (exit 87): ERROR: [087]: 1 fatal errors encountered'
    ok, detail, warning = judge_verify(parse_verify(''), 0, '', BACKUP)
    assert not ok and 'was not verified' in detail
    ok, detail, warning = judge_verify(parse_verify(VERIFY_TERSE), 0, '', OTHER)
    assert not ok and 'backup 20261202-002541F was not verified (pgbackrest verify reported status error)' in detail


def test_verify_supports_set():
    help_245 = ('pgBackRest 2.45 - \'verify\' command help\n\nCommand Options:\n\n'
                '  --output                          output type [default=none]\n'
                '  --verbose                         verbose output [default=n]\n\nGeneral Options:\n\n'
                '  --buffer-size                     buffer size for I/O operations\n')
    assert not verify_supports_set(help_245)
    assert verify_supports_set(help_245.replace('  --verbose', '  --set                             backup set to verify\n'
                                                '  --verbose'))
    assert not verify_supports_set('  --settings   something\n') and not verify_supports_set(None)
    assert parse_version('pgBackRest 2.45\n') == '2.45' and parse_version('pgBackRest 2.55.1') == '2.55.1'
    assert parse_version('') is None


# --------------------------------------------------------------------------- the recovery log

LOG_IMMEDIATE = """2026-12-01 23:26:56.306 UTC [10293] LOG:  starting PostgreSQL 15.18 (Debian 15.18-0+deb12u1) on x86_64-pc-linux-gnu
2026-12-01 23:26:56.355 UTC [10323] LOG:  database system was interrupted; last known up at 2026-12-01 23:25:41 UTC
2026-12-01 23:26:57.153 UTC [10323] LOG:  starting point-in-time recovery to earliest consistent point
2026-12-01 23:26:57.336 UTC [10323] LOG:  restored log file "000000010000000000000002" from archive
2026-12-01 23:26:57.414 UTC [10323] LOG:  consistent recovery state reached at 0/2000100
2026-12-01 23:26:57.414 UTC [10323] LOG:  recovery stopping after reaching consistency
2026-12-01 23:26:57.414 UTC [10323] LOG:  redo done at 0/2000100 system usage: CPU: user: 0.00 s, system: 0.00 s, elapsed: 0.05 s
2026-12-01 23:26:58.009 UTC [10323] LOG:  selected new timeline ID: 2
2026-12-01 23:26:58.109 UTC [10323] LOG:  archive recovery complete
2026-12-01 23:26:58.148 UTC [10293] LOG:  database system is ready to accept connections
"""
LOG_TARGET = """2026-12-01 23:27:13.454 UTC [13430] LOG:  starting point-in-time recovery to 2026-12-01 23:27:04.896197+00
2026-12-01 23:27:13.642 UTC [13430] LOG:  consistent recovery state reached at 0/2000100
2026-12-01 23:27:13.795 UTC [13430] LOG:  recovery stopping before commit of transaction 726, time 2026-12-01 23:27:05.215315+00
2026-12-01 23:27:13.795 UTC [13430] LOG:  redo done at 0/3002C10 system usage: CPU: user: 0.00 s, system: 0.00 s, elapsed: 0.27 s
2026-12-01 23:27:13.795 UTC [13430] LOG:  last completed transaction was at log time 2026-12-01 23:27:04.883339+00
2026-12-01 23:27:14.046 UTC [13430] LOG:  selected new timeline ID: 2
2026-12-01 23:27:14.126 UTC [13430] LOG:  archive recovery complete
2026-12-01 23:27:14.138 UTC [13419] LOG:  database system is ready to accept connections
"""
LOG_NOT_REACHED = """2026-12-01 23:27:21.103 UTC [15084] LOG:  consistent recovery state reached at 0/2000100
2026-12-01 23:27:21.178 UTC [15084] LOG:  redo done at 0/3002CA0 system usage: CPU: user: 0.00 s, system: 0.00 s, elapsed: 0.16 s
2026-12-01 23:27:21.178 UTC [15084] LOG:  last completed transaction was at log time 2026-12-01 23:27:05.215315+00
2026-12-01 23:27:21.178 UTC [15084] FATAL:  recovery ended before configured recovery target was reached
2026-12-01 23:27:21.180 UTC [15072] LOG:  startup process (PID 15084) exited with exit code 1
2026-12-01 23:27:21.180 UTC [15072] LOG:  shutting down due to startup process failure
2026-12-01 23:27:21.182 UTC [15072] LOG:  database system is shut down
"""
LOG_BROKEN = """2026-12-01 23:30:00.000 UTC [1] LOG:  starting point-in-time recovery to earliest consistent point
ERROR: [104]: archive-get command encountered error(s):
       repo1: [FileMissingError] unable to load info file '/var/lib/pgbackrest/archive/t/archive.info'
2026-12-01 23:30:00.500 UTC [1] FATAL:  could not locate required checkpoint record
2026-12-01 23:30:00.501 UTC [2] LOG:  startup process (PID 1) exited with exit code 1
"""


def test_classify_recovery_log():
    log = classify_recovery_log(LOG_IMMEDIATE)
    assert log['outcome'] == 'ready' and log['consistent'] and log['stop'] == 'consistency'
    assert log['promoted'] and log['timeline'] == 2 and log['last_commit'] is None and log['fatal'] == []
    log = classify_recovery_log(LOG_TARGET)
    assert log['outcome'] == 'ready' and log['stop'] == 'before'
    assert log['stop_time'] == '2026-12-01T23:27:05.215315Z' and log['last_commit'] == '2026-12-01T23:27:04.883339Z'
    log = classify_recovery_log(LOG_NOT_REACHED)
    assert log['outcome'] == 'target_not_reached' and log['consistent'] and not log['ready'] and log['stop'] is None
    assert log['fatal'] == ['recovery ended before configured recovery target was reached']
    log = classify_recovery_log(LOG_BROKEN)
    assert log['outcome'] == 'failed' and not log['consistent']
    assert log['fatal'] == ['could not locate required checkpoint record']
    assert log['errors'] == ['ERROR: [104]: archive-get command encountered error(s):']
    assert classify_recovery_log('')['outcome'] == 'running'
    assert classify_recovery_log(LOG_TARGET.split('\n', 3)[0])['outcome'] == 'running'
    after = classify_recovery_log(LOG_TARGET.replace('stopping before commit', 'stopping after commit'))
    assert after['stop'] == 'after'
    before_consistency = classify_recovery_log(
        '2026-12-01 23:30:00.000 UTC [1] FATAL:  requested recovery stop point is before consistent recovery point\n')
    assert before_consistency['outcome'] == 'before_consistency'


def test_judge_target_reached():
    target = at('2026-12-01T23:27:04.896197Z')
    ok, detail = judge_target_reached(classify_recovery_log(LOG_TARGET), target)
    assert ok and detail == ('recovery stopped at target_time 2026-12-01T23:27:04.896197Z: before the commit at '
                             '2026-12-01T23:27:05.215315Z; last replayed commit 2026-12-01T23:27:04.883339Z')
    ok, detail = judge_target_reached(classify_recovery_log(LOG_NOT_REACHED), at('2026-12-01T23:28:00Z'))
    assert not ok and 'recovery ended before configured recovery target was reached' in detail
    assert 'after the last commit at 2026-12-01T23:27:05.215315Z' in detail
    # PostgreSQL 12 promotes at the end of the WAL without a FATAL: no "recovery stopping" line, not reached
    ok, detail = judge_target_reached(classify_recovery_log(LOG_IMMEDIATE), target)
    assert not ok and 'no "recovery stopping" line' in detail
    ok, detail = judge_target_reached(classify_recovery_log(
        'x [1] FATAL:  requested recovery stop point is before consistent recovery point'), target)
    assert not ok and 'before the restored backup became consistent' in detail


# --------------------------------------------------------------------------- the scratch instance

def test_scratch_names():
    name = scratch_dir_name(1796167541, 4242, 'a1b2c3')
    assert name == 'auraflow-pitr-20261201232541-4242-a1b2c3'
    assert scratch_created_epoch(name) == 1796167541
    assert scratch_created_epoch('auraflow-pitr-20261301232541-4242-a1b2c3') is None
    assert scratch_created_epoch('auraflow_verify_20261201232541_4242_a1b2c3') is None
    names = [name, 'auraflow-pitr-20261201222541-1-abcdef', 'auraflow-pitr-20261201222541-1-abcdef.old', 'data', 'lost+found']
    assert stale_scratch_names(names, 3600, now=1796167541 + 60) == ['auraflow-pitr-20261201222541-1-abcdef']
    assert stale_scratch_names(names, 30, now=1796167541 + 60) == [name, 'auraflow-pitr-20261201222541-1-abcdef']


def test_server_settings_and_files():
    settings = dict(server_settings(5433, '/s/run', '/s/data'))
    assert settings['listen_addresses'] == '' and settings['port'] == '5433' and settings['unix_socket_directories'] == '/s/run'
    assert settings['archive_mode'] == 'off' and settings['hot_standby'] == 'off' and settings['primary_conninfo'] == ''
    assert settings['hba_file'] == '/s/data/pg_hba.conf' and settings['recovery_end_command'] == ''
    conf = postgresql_conf([('listen_addresses', ''), ('unix_socket_directories', "/odd 'dir\\")])
    assert "listen_addresses = ''\n" in conf and "unix_socket_directories = '/odd ''dir\\\\'\n" in conf
    assert pg_hba_conf('postgres').endswith('\nlocal all postgres peer\n')
    options = server_options([('listen_addresses', ''), ('log_line_prefix', '%m [%p] '), ('unix_socket_directories', "/a b/'c")])
    assert shlex.split(options) == ['-c', 'listen_addresses=', '-c', 'log_line_prefix=%m [%p] ', '-c', "unix_socket_directories=/a b/'c"]


def test_restore_args():
    assert restore_args('/etc/pgbackrest/pgbackrest.conf', 'aura', '/s/data', '20261201-232541F', tablespace_dir='/s/ts') == [
        '--config=/etc/pgbackrest/pgbackrest.conf', '--stanza=aura', '--pg1-path=/s/data', '--archive-mode=off',
        '--set=20261201-232541F', '--type=immediate', '--target-action=promote', '--tablespace-map-all=/s/ts', 'restore']
    args = restore_args('/c', 'aura', '/s/data', 'L', target=at('2026-12-01T23:05:00.25Z'), repo=2)
    assert args[4:] == ['--set=L', '--repo=2', '--type=time', '--target=2026-12-01 23:05:00.250000+00',
                        '--target-action=promote', 'restore']


def test_postmaster_status():
    text = '4242\n/s/data\n1796167541\n5433\n/s/run\n\n  1234567     65538\nready   \n'
    assert postmaster_status(text) == (4242, 'ready')
    assert postmaster_status('4242\n/s/data\n') == (4242, None)
    assert postmaster_status('') is None and postmaster_status('garbage\n') is None
