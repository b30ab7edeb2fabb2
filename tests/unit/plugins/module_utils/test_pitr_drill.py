"""Unit tests for plugins/module_utils/pitr_drill.py: the verdict of the drill role's physical path (RPO from
the commits only pg_wal held, RTO, the archiving check), and its filter auraflow.ops.pitr_drill."""

import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.auraflow.ops.plugins.filter.verdicts import pitr_drill
from ansible_collections.auraflow.ops.plugins.module_utils import pitr_drill as pitr

STARTED = '2026-12-01T23:05:00Z'
T0 = 1796166300.0  # STARTED in epoch seconds
ROW = {'last_archived_wal': '000000010000000000000007', 'last_archived_at': '2026-12-01T23:04:31Z', 'failing': False,
       'last_failed_wal': None, 'current_lsn': '0/8001F20', 'unarchived_from': '000000010000000000000008',
       'unarchived_bytes': 7968}
QUERY = {'changed': False, 'query_result': [ROW]}


def waldump(*stamps, rc=0, stderr=''):
    """pg_waldump --rmgr=Transaction output with a commit at each stamp."""
    lines = ['rmgr: Transaction len (rec/tot):     34/    34, tx:        %d, lsn: 0/0800%04X, prev 0/08000028, '
             'desc: COMMIT %s.874311 UTC' % (740 + i, 0x100 + i, stamp) for i, stamp in enumerate(stamps)]
    return {'changed': False, 'rc': rc, 'stdout': '\n'.join(lines), 'stderr': stderr}


VERIFY = {'valid': True, 'timings': {'verify': 3.1, 'restore': 21.0, 'recovery': 4.2, 'content': 0.4, 'cleanup': 0.9},
          'checks': [{'name': 'restore', 'ok': True, 'severity': 'info', 'detail': 'restored', 'seconds': 21.0}],
          'scratch': {'path': '/var/lib/postgresql/scratch/auraflow-pitr-1', 'port': 41873, 'removed': True}}
TIMES = {'t0': T0, 'found': T0 + 0.5, 'verified': T0 + 31.25, 'compared': T0 + 32.0}


def test_commits_only_in_pg_wal_give_the_rpo_of_the_oldest():
    end = 'pg_waldump: error: error in WAL record at 0/8001F20: invalid record length at 0/8001F58: expected at least 24, got 0'
    got = pitr.judge(QUERY, waldump('2026-12-01 23:04:51', '2026-12-01 23:04:40', stderr=end, rc=1), STARTED, VERIFY, TIMES)
    # rc 1 with an error that is not the end of the WAL: unreadable, not zero
    assert got['unarchived'] is None and got['rpo'] is None
    assert got['rpo_detail'].startswith('the archive state could not be read: pg_waldump failed: pg_waldump: error')
    end = 'pg_waldump: error: could not find a valid record after 0/8001F20'
    got = pitr.judge(QUERY, waldump('2026-12-01 23:04:51', '2026-12-01 23:04:40', stderr=end, rc=1), STARTED, VERIFY, TIMES)
    assert got['unarchived'] == ['2026-12-01 23:04:40', '2026-12-01 23:04:51']
    assert got['rpo'] == 20
    assert got['rpo_detail'] == ('2 commits were only in pg_wal at 2026-12-01T23:05:00Z, the oldest from 2026-12-01 23:04:40 UTC: '
                                 'at most 20 s of data lost (archived up to 000000010000000000000007 at 2026-12-01T23:04:31Z; '
                                 'target 60 s)')
    one = pitr.judge(QUERY, waldump('2026-12-01 23:04:59'), STARTED, VERIFY, TIMES, rpo_target=30)
    assert one['rpo'] == 1 and '1 commit was only in pg_wal' in one['rpo_detail'] and one['rpo_detail'].endswith('target 30 s)')


def test_no_unarchived_wal_is_an_rpo_of_zero():
    skipped = {'changed': False, 'skipped': True, 'skip_reason': 'Conditional result was False'}
    for dump in (skipped, None, waldump()):
        got = pitr.judge(QUERY, dump, STARTED, VERIFY, TIMES)
        assert got['unarchived'] == [] and got['rpo'] == 0
        assert got['rpo_detail'].startswith('no commit was only in pg_wal at 2026-12-01T23:05:00Z: everything committed')
    # a commit stamped after the start (clock skew between the server and the controller) is no negative RPO
    assert pitr.judge(QUERY, waldump('2026-12-01 23:05:03'), STARTED, VERIFY, TIMES)['rpo'] == 0


def test_an_unread_archive_state_is_an_unknown_rpo_and_a_failed_archiving_check():
    failed = {'failed': True, 'msg': 'could not connect to server'}
    got = pitr.judge(failed, None, STARTED, VERIFY, TIMES, error='Read where the archive stands: could not connect to server')
    assert got['rpo'] is None and got['unarchived'] is None
    assert got['rpo_detail'] == ('the archive state could not be read: Read where the archive stands: could not connect to server '
                                 '(archived up to nothing at -; target 60 s)')
    archiving, restore, drill = got['checks']
    assert archiving == {'name': 'archiving', 'severity': 'critical', 'seconds': None, 'ok': False,
                         'detail': 'Read where the archive stands: could not connect to server'}
    assert restore['name'] == 'restore'
    assert drill == {'name': 'drill', 'severity': 'critical', 'ok': False, 'seconds': None,
                     'detail': 'Read where the archive stands: could not connect to server'}
    # the query never ran (the block failed before it): no archiving check at all
    assert [c['name'] for c in pitr.judge(None, None, STARTED, {}, {'t0': T0}, error='os_vars: boom')['checks']] == ['drill']


def test_the_archiving_check():
    assert pitr.judge(QUERY, None, STARTED, VERIFY, TIMES)['checks'][0] == {
        'name': 'archiving', 'severity': 'critical', 'seconds': None, 'ok': True,
        'detail': 'WAL archived up to 000000010000000000000007 at 2026-12-01T23:04:31Z, 7968 bytes of WAL from '
                  '000000010000000000000008 on not archived yet'}
    failing = {'query_result': [dict(ROW, failing=True, last_failed_wal='000000010000000000000008')]}
    check = pitr.judge(failing, None, STARTED, VERIFY, TIMES)['checks'][0]
    assert not check['ok'] and check['detail'].endswith(', archiving FAILS since 000000010000000000000008')
    never = {'query_result': [dict(ROW, last_archived_wal=None, last_archived_at=None)]}
    check = pitr.judge(never, None, STARTED, VERIFY, TIMES)['checks'][0]
    assert not check['ok'] and check['detail'] == 'nothing was ever archived'
    # a row without the failing column is not taken for a healthy archiver
    assert not pitr.judge({'query_result': [{k: v for k, v in ROW.items() if k != 'failing'}]}, None, STARTED, VERIFY,
                          TIMES)['checks'][0]['ok']


def test_phases_and_rto():
    got = pitr.judge(QUERY, None, STARTED, VERIFY, TIMES)
    assert got['phases'] == [{'name': 'archive_state', 'seconds': 0.5}, {'name': 'verify', 'seconds': 3.1},
                             {'name': 'restore', 'seconds': 21.0}, {'name': 'recovery', 'seconds': 4.2},
                             {'name': 'content', 'seconds': 0.4}, {'name': 'cleanup', 'seconds': 0.9},
                             {'name': 'compare', 'seconds': 0.75}]
    assert got['rto'] == 31.25
    # times arrive from set_fact as text
    assert pitr.judge(QUERY, None, STARTED, VERIFY, {k: str(v) for k, v in TIMES.items()})['rto'] == 31.25
    # an invalid restore has no RTO; neither has a drill that never verified
    assert pitr.judge(QUERY, None, STARTED, dict(VERIFY, valid=False), TIMES)['rto'] is None
    assert pitr.judge(QUERY, None, STARTED, VERIFY, {'t0': T0})['rto'] is None
    assert pitr.judge(QUERY, None, STARTED, VERIFY, {'t0': T0})['phases'][0] == {'name': 'verify', 'seconds': 3.1}


def test_cleanup_note():
    assert pitr.judge(QUERY, None, STARTED, VERIFY, TIMES)['cleanup_note'] == \
        'the scratch instance /var/lib/postgresql/scratch/auraflow-pitr-1 was removed'
    left = dict(VERIFY, scratch=dict(VERIFY['scratch'], removed=False))
    assert pitr.judge(QUERY, None, STARTED, left, TIMES)['cleanup_note'].endswith('may be LEFT: remove it by hand')
    assert pitr.judge(QUERY, None, STARTED, {'scratch': None}, TIMES)['cleanup_note'] == 'no scratch instance was created'


def test_the_filter_and_bad_input():
    assert pitr_drill(QUERY, None, STARTED, VERIFY, TIMES, '', 60)['rpo'] == 0
    with pytest.raises(AnsibleFilterError, match=r'pitr_drill: started must be UTC time as YYYY-MM-DDTHH:MM:SSZ'):
        pitr_drill(QUERY, None, '2026-12-01 23:05', VERIFY, TIMES)
    with pytest.raises(AnsibleFilterError, match='pitr_drill: times needs t0'):
        pitr_drill(QUERY, None, STARTED, VERIFY, {'verified': T0})
