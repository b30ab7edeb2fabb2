"""Unit tests for plugins/module_utils/ledger.py: bookkeeping and the rollback selection rule."""

import pytest

from ansible_collections.auraflow.ops.plugins.module_utils import ledger as lg

SHA = {name: ('%x' % i) * 64 for i, name in enumerate(['1.0.0', '1.1.0', '1.2.0', 'broken', '1.3.0', '1.4.0', '1.5.0', '1.6.0'], 1)}
AT = '2026-01-01T00:00:00Z'


def deploy(ledger, version, sha=None):
    """Record then activate, as a deploy does."""
    ledger, dummy = lg.record(ledger, version, sha or SHA[version], AT, 'ops')
    ledger, dummy = lg.activate(ledger, version, AT, 'ops')
    return ledger


def statuses(ledger):
    return {e['version']: e['status'] for e in ledger['releases']}


def chain(*names):
    ledger = lg.empty()
    for name in names:
        ledger = deploy(ledger, name)
    return ledger


# --- parsing and validation -------------------------------------------------------------

def test_empty_text_is_an_empty_ledger():
    assert lg.parse('') == lg.empty()
    assert lg.parse('  \n') == lg.empty()
    assert lg.parse(None)['releases'] == []


@pytest.mark.parametrize('text, message', [
    ('{not json', 'not valid JSON'),
    ('[]', 'not a release ledger'),
    ('{"releases": {}}', 'not a release ledger'),
    ('{"schema_version": 2, "releases": []}', 'unsupported ledger schema_version 2'),
    ('{"releases": [{"status": "active"}]}', 'without a version'),
    ('{"releases": [{"version": "1", "status": "deployed"}, {"version": "1", "status": "deployed"}]}', 'twice'),
    ('{"releases": [{"version": "1", "status": "great"}]}', "unknown status 'great'"),
    ('{"active": "9", "releases": []}', 'says 9 is active but does not list it'),
    ('{"seq": "3", "releases": []}', 'seq must be an integer'),
])
def test_bad_ledger_files_are_rejected_clearly(text, message):
    with pytest.raises(lg.LedgerError, match=message):
        lg.parse(text)


def test_round_trip_is_stable():
    ledger = chain('1.0.0', '1.1.0')
    text = lg.dumps(ledger)
    assert lg.parse(text) == ledger
    assert lg.dumps(lg.parse(text)) == text
    assert text.endswith('}\n')


@pytest.mark.parametrize('version', ['1.0.0', 'broken', '1.2.0-rc.1', '2.0.0+build.7', 'v3'])
def test_good_versions(version):
    assert lg.check_version(version) == version


@pytest.mark.parametrize('version', ['', '.', '..', '../etc', 'a/b', '-rf', '.hidden', 'a b', None, 3, 'x' * 129])
def test_versions_that_are_not_safe_directory_names(version):
    with pytest.raises(lg.LedgerError, match='invalid release version'):
        lg.check_version(version)


def test_sha256_is_normalised_and_checked():
    assert lg.check_sha256(' ' + 'AB' * 32 + '\n') == 'ab' * 32
    for bad in ('', 'abc', 'g' * 64, None):
        with pytest.raises(lg.LedgerError, match='invalid sha256'):
            lg.check_sha256(bad)


# --- record --------------------------------------------------------------------------

def test_record_adds_a_deployed_release():
    ledger, changed = lg.record(lg.empty(), '1.0.0', SHA['1.0.0'], AT, 'ops')
    assert changed
    entry = lg.find(ledger, '1.0.0')
    assert entry['status'] == 'deployed' and entry['deployed_by'] == 'ops' and entry['deployed_at'] == AT
    assert entry['activated_at'] is None
    assert ledger['active'] is None and ledger['previous'] is None
    assert ledger['history'][-1]['event'] == 'record'


def test_recording_the_same_artifact_twice_changes_nothing():
    ledger = chain('1.0.0')
    again, changed = lg.record(ledger, '1.0.0', SHA['1.0.0'].upper(), '2030-01-01T00:00:00Z', 'someone-else')
    assert not changed
    assert again is ledger


def test_the_active_version_is_immutable():
    ledger = chain('1.0.0')
    with pytest.raises(lg.LedgerError, match='1.0.0 is active .* refusing to record a different artifact'):
        lg.record(ledger, '1.0.0', SHA['1.1.0'], AT, 'ops')


def test_an_inactive_version_can_be_replaced_and_starts_over():
    ledger = chain('1.0.0', '1.1.0')
    ledger, changed = lg.record(ledger, '1.0.0', SHA['1.2.0'], AT, 'ops')
    assert changed
    entry = lg.find(ledger, '1.0.0')
    assert entry['sha256'] == SHA['1.2.0'] and entry['status'] == 'deployed' and entry['activated_seq'] is None
    # never activated in this form: not a rollback target any more
    assert ledger['previous'] is None
    assert ledger['history'][-1]['event'] == 'replace'


def test_recording_a_failed_release_again_is_a_retry():
    ledger = chain('1.0.0', 'broken')
    ledger, dummy = lg.mark(ledger, 'broken', 'failed', AT, 'gate')
    assert lg.find(ledger, 'broken')['status'] == 'failed'
    ledger, changed = lg.record(ledger, 'broken', SHA['broken'], AT, 'ops')
    assert changed
    assert lg.find(ledger, 'broken')['status'] == 'active'  # it is what current points to
    assert ledger['history'][-1]['event'] == 'retry'


# --- activate ------------------------------------------------------------------------

def test_activation_moves_active_and_previous():
    ledger = chain('1.0.0')
    assert statuses(ledger) == {'1.0.0': 'active'}
    assert ledger['previous'] is None
    ledger = deploy(ledger, '1.1.0')
    assert statuses(ledger) == {'1.0.0': 'previous', '1.1.0': 'active'}
    ledger = deploy(ledger, '1.2.0')
    assert statuses(ledger) == {'1.0.0': 'inactive', '1.1.0': 'previous', '1.2.0': 'active'}
    assert (ledger['active'], ledger['previous']) == ('1.2.0', '1.1.0')


def test_activating_the_active_release_changes_nothing():
    ledger = chain('1.0.0', '1.1.0')
    again, changed = lg.activate(ledger, '1.1.0', AT, 'ops')
    assert not changed and again is ledger


def test_activating_an_unknown_version_lists_the_recorded_ones():
    ledger = chain('1.0.0', '1.1.0')
    with pytest.raises(lg.LedgerError, match=r'release 9\.9\.9 is not recorded; recorded releases: 1\.1\.0 \(active\), 1\.0\.0 \(previous\)'):
        lg.activate(ledger, '9.9.9', AT, 'ops')


def test_functions_do_not_modify_their_input():
    ledger = chain('1.0.0', '1.1.0', '1.2.0')
    before = lg.dumps(ledger)
    lg.record(ledger, '1.3.0', SHA['1.3.0'], AT, 'ops')
    lg.activate(ledger, '1.0.0', AT, 'ops')
    lg.mark(ledger, '1.1.0', 'failed', AT, 'ops')
    lg.rollback(ledger, AT, 'ops')
    lg.forget(ledger, ['1.0.0'], AT, 'ops')
    assert lg.dumps(ledger) == before


# --- rollback selection --------------------------------------------------------------

def test_rollback_goes_to_the_previous_release_and_marks_the_one_left():
    ledger = chain('1.0.0', '1.1.0')
    assert lg.rollback_target(ledger) == '1.0.0'
    ledger, target = lg.rollback(ledger, AT, 'ops')
    assert target == '1.0.0'
    assert statuses(ledger) == {'1.0.0': 'active', '1.1.0': 'rolled_back'}
    assert ledger['previous'] is None


def test_second_rollback_without_an_earlier_release_explains_why():
    ledger, dummy = lg.rollback(chain('1.0.0', '1.1.0'), AT, 'ops')
    with pytest.raises(lg.NoRollbackTarget, match=r'no earlier release to roll back to: active 1\.0\.0; releases: .*1\.1\.0 \(rolled_back\)'):
        lg.rollback_target(ledger)


def test_rollback_walks_back_one_release_at_a_time():
    ledger = chain('1.0.0', '1.1.0', '1.2.0')
    ledger, target = lg.rollback(ledger, AT, 'ops')
    assert target == '1.1.0'
    ledger, target = lg.rollback(ledger, AT, 'ops')
    assert target == '1.0.0'
    assert statuses(ledger) == {'1.0.0': 'active', '1.1.0': 'rolled_back', '1.2.0': 'rolled_back'}


def test_a_failed_release_stays_failed_when_rolled_back_from():
    ledger = chain('1.0.0', 'broken')
    ledger, dummy = lg.mark(ledger, 'broken', 'failed', AT, 'health gate', 'health 503 four times')
    assert 'health 503 four times' in ledger['history'][-1]['detail']
    ledger, target = lg.rollback(ledger, AT, 'ops')
    assert target == '1.0.0'
    assert statuses(ledger) == {'1.0.0': 'active', 'broken': 'failed'}


def test_failed_rolled_back_and_never_activated_releases_are_skipped():
    ledger = chain('1.0.0', '1.1.0', '1.2.0', '1.3.0')
    ledger, dummy = lg.mark(ledger, '1.2.0', 'failed', AT, 'ops')
    ledger, dummy = lg.mark(ledger, '1.1.0', 'rolled_back', AT, 'ops')
    ledger, dummy = lg.record(ledger, '1.4.0', SHA['1.4.0'], AT, 'ops')  # unpacked, never activated
    assert lg.rollback_target(ledger) == '1.0.0'
    assert ledger['previous'] == '1.0.0'


def test_missing_release_directories_are_skipped():
    ledger = chain('1.0.0', '1.1.0', '1.2.0')
    assert lg.rollback_target(ledger, available={'1.0.0', '1.2.0'}) == '1.0.0'
    with pytest.raises(lg.NoRollbackTarget):
        lg.rollback_target(ledger, available={'1.2.0'})


def test_earlier_means_activated_earlier_not_deployed_earlier():
    # 1.1.0 was deployed after 1.0.0, then the operator activated 1.0.0 again:
    # a rollback returns to what ran before, 1.1.0.
    ledger = chain('1.0.0', '1.1.0')
    ledger, dummy = lg.activate(ledger, '1.0.0', AT, 'ops')
    assert (ledger['active'], ledger['previous']) == ('1.0.0', '1.1.0')
    assert lg.rollback_target(ledger) == '1.1.0'


def test_nothing_to_roll_back_to_on_a_fresh_ledger():
    with pytest.raises(lg.NoRollbackTarget, match='active none; releases: none recorded'):
        lg.rollback_target(lg.empty())
    with pytest.raises(lg.NoRollbackTarget):
        lg.rollback_target(chain('1.0.0'))


def test_explicit_rollback_target():
    ledger, dummy = lg.rollback(chain('1.0.0', '1.1.0', '1.2.0'), AT, 'ops')  # 1.1.0 active, 1.2.0 rolled back
    assert lg.rollback_target(ledger, explicit='1.0.0') == '1.0.0'
    assert lg.rollback_target(ledger, explicit='1.2.0') == '1.2.0'  # rolled_back may be chosen explicitly
    with pytest.raises(lg.NoRollbackTarget, match=r'9\.0\.0: it is not recorded; recorded releases: .*1\.0\.0'):
        lg.rollback_target(ledger, explicit='9.0.0')
    with pytest.raises(lg.NoRollbackTarget, match='already the active release'):
        lg.rollback_target(ledger, explicit='1.1.0')
    with pytest.raises(lg.NoRollbackTarget, match='directory is gone'):
        lg.rollback_target(ledger, explicit='1.0.0', available={'1.1.0', '1.2.0'})
    failed, dummy = lg.mark(ledger, '1.0.0', 'failed', AT, 'ops')
    with pytest.raises(lg.NoRollbackTarget, match='marked failed'):
        lg.rollback_target(failed, explicit='1.0.0')


def test_explicit_activation_clears_a_mark():
    ledger, dummy = lg.rollback(chain('1.0.0', '1.1.0'), AT, 'ops')
    ledger, changed = lg.activate(ledger, '1.1.0', AT, 'ops')
    assert changed
    assert statuses(ledger) == {'1.0.0': 'previous', '1.1.0': 'active'}


def test_mark_validates_and_is_idempotent():
    ledger = chain('1.0.0')
    with pytest.raises(lg.LedgerError, match="marked failed or rolled_back, not 'active'"):
        lg.mark(ledger, '1.0.0', 'active', AT, 'ops')
    with pytest.raises(lg.LedgerError, match='not recorded'):
        lg.mark(ledger, '2.0.0', 'failed', AT, 'ops')
    marked, changed = lg.mark(ledger, '1.0.0', 'failed', AT, 'ops')
    assert changed and marked['active'] == '1.0.0' and statuses(marked) == {'1.0.0': 'failed'}
    again, changed = lg.mark(marked, '1.0.0', 'failed', AT, 'ops')
    assert not changed and again is marked


# --- retention -----------------------------------------------------------------------

def test_prune_keeps_the_newest():
    ledger = chain('1.0.0', '1.1.0', '1.2.0', '1.3.0', '1.4.0', '1.5.0', '1.6.0')
    assert lg.prune_plan(ledger, 5) == ['1.0.0', '1.1.0']
    assert lg.prune_plan(ledger, 7) == []
    assert lg.prune_plan(ledger, 1) == ['1.0.0', '1.1.0', '1.2.0', '1.3.0', '1.4.0']  # 1.5.0 is previous


def test_prune_never_deletes_active_or_previous():
    ledger = chain('1.0.0', '1.1.0', '1.2.0', '1.3.0', '1.4.0', '1.5.0', '1.6.0')
    ledger, dummy = lg.activate(ledger, '1.0.0', AT, 'ops')   # an old release is active again
    ledger, dummy = lg.activate(ledger, '1.1.0', AT, 'ops')   # ... and then another: 1.0.0 is previous
    assert (ledger['active'], ledger['previous']) == ('1.1.0', '1.0.0')
    # newest = most recently recorded or activated: 1.1.0, 1.0.0, then 1.6.0
    assert lg.prune_plan(ledger, 3) == ['1.2.0', '1.3.0', '1.4.0', '1.5.0']
    assert lg.prune_plan(ledger, 1) == ['1.2.0', '1.3.0', '1.4.0', '1.5.0', '1.6.0']
    assert lg.prune_plan(ledger, 1, protect={'1.4.0'}) == ['1.2.0', '1.3.0', '1.5.0', '1.6.0']


def test_prune_rejects_a_bad_keep():
    for keep in (0, -1, True, '5'):
        with pytest.raises(lg.LedgerError, match='keep must be an integer of at least 1'):
            lg.prune_plan(lg.empty(), keep)


def test_forget_drops_entries_and_refuses_the_active_one():
    ledger = chain('1.0.0', '1.1.0', '1.2.0')
    pruned, changed = lg.forget(ledger, ['1.0.0', 'unknown'], AT, 'ops')
    assert changed and [e['version'] for e in pruned['releases']] == ['1.1.0', '1.2.0']
    assert pruned['history'][-1] == {'at': AT, 'by': 'ops', 'event': 'prune', 'version': '1.0.0', 'detail': None, 'seq': pruned['seq']}
    same, changed = lg.forget(ledger, [], AT, 'ops')
    assert not changed and same is ledger
    with pytest.raises(lg.LedgerError, match='refusing to forget 1.2.0'):
        lg.forget(ledger, ['1.2.0'], AT, 'ops')


def test_history_is_bounded():
    ledger = lg.empty()
    for i in range(lg.HISTORY_MAX):
        ledger, dummy = lg.record(ledger, 'v%d' % i, SHA['1.0.0'], AT, 'ops')
    ledger, dummy = lg.record(ledger, 'last', SHA['1.0.0'], AT, 'ops')
    assert len(ledger['history']) == lg.HISTORY_MAX
    assert ledger['history'][-1]['version'] == 'last' and ledger['history'][0]['version'] == 'v1'


def test_summary_is_newest_first():
    ledger, dummy = lg.rollback(chain('1.0.0', '1.1.0'), AT, 'ops')
    rows = lg.summary(ledger)
    assert [(r['version'], r['status']) for r in rows] == [('1.0.0', 'active'), ('1.1.0', 'rolled_back')]
    assert set(rows[0]) == {'version', 'status', 'sha256', 'deployed_at', 'deployed_by', 'activated_at'}
    assert lg.versions(ledger) == ['1.0.0', '1.1.0']
