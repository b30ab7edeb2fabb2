"""Unit tests for plugins/module_utils/rollout_plan.py: one target for the app tier, or why nothing may change."""

from ansible_collections.auraflow.ops.plugins.module_utils import rollout_plan as rp


def rel(*pairs):
    return [{'version': v, 'status': s} for v, s in pairs]


def backend(name, active, rule, releases, running=None):
    return {'name': name, 'active': active, 'rollback_target': rule, 'releases': releases,
            'running': active if running is None else running}


DEPLOYED = rel(('1.0.0', 'replaced'), ('1.1.0', 'active'))


def test_the_ledgers_rule_takes_every_backend_back():
    out = rp.plan([backend('a1', '1.1.0', '1.0.0', DEPLOYED), backend('a2', '1.1.0', '1.0.0', DEPLOYED)])
    assert out == {'target': '1.0.0', 'from': '1.1.0', 'resuming': False, 'switches': {'a1': True, 'a2': True}, 'error': ''}


def test_an_explicit_release_wins_over_the_rule():
    releases = rel(('0.9.0', 'replaced'), ('1.0.0', 'replaced'), ('1.1.0', 'active'))
    out = rp.plan([backend('a1', '1.1.0', '1.0.0', releases)], to='0.9.0')
    assert out['target'] == '0.9.0' and out['from'] == '1.1.0' and out['switches'] == {'a1': True} and not out['error']


def test_a_rollback_cut_short_is_finished_not_taken_further_back():
    # a1 went back already (its rule now leads further, to 0.9.0); a2 still runs 1.1.0 and its rule leads to 1.0.0
    a1 = backend('a1', '1.0.0', '0.9.0', rel(('0.9.0', 'replaced'), ('1.0.0', 'active'), ('1.1.0', 'rolled_back')))
    a2 = backend('a2', '1.1.0', '1.0.0', rel(('0.9.0', 'replaced'), ('1.0.0', 'replaced'), ('1.1.0', 'active')))
    out = rp.plan([a1, a2])
    assert out['target'] == '1.0.0' and out['from'] == '1.1.0' and out['resuming'] is True
    assert out['switches'] == {'a1': False, 'a2': True}


def test_a_backend_whose_process_lags_its_link_switches_again():
    out = rp.plan([backend('a1', '1.0.0', '', rel(('1.0.0', 'active'), ('1.1.0', 'rolled_back')), running='1.1.0'),
                   backend('a2', '1.1.0', '1.0.0', DEPLOYED)])
    assert out['target'] == '1.0.0' and out['switches'] == {'a1': True, 'a2': True}


def test_different_releases_with_no_single_target_change_nothing():
    out = rp.plan([backend('a1', '1.0.0', '0.9.0', rel(('0.9.0', 'replaced'), ('1.0.0', 'active'))),
                   backend('a2', '2.0.0', '1.9.0', rel(('1.9.0', 'replaced'), ('2.0.0', 'active')))])
    assert out['target'] == '' and out['switches'] == {}
    assert out['error'].startswith('rollback: the backends run different releases (a1: 1.0.0, a2: 2.0.0)')
    assert out['error'].endswith('say where to go with -e rollback_to=<release>. Nothing was changed.')


def test_no_earlier_release_names_the_host_and_what_it_has():
    out = rp.plan([backend('a1', '1.0.0', '', rel(('1.0.0', 'active'), ('1.1.0', 'rolled_back')))])
    assert out['switches'] == {}
    assert out['error'] == ('rollback: a1 runs 1.0.0; there is no earlier release to roll back to (releases on the host: '
                            '1.0.0, 1.1.0; good earlier ones: none). Nothing was changed.')


def test_an_unknown_or_active_release_asked_for_is_refused_on_every_host_that_lacks_it():
    out = rp.plan([backend('a1', '1.1.0', '1.0.0', DEPLOYED), backend('a2', '1.1.0', '1.0.0', DEPLOYED)], to='3.0.0')
    assert out['error'].count('release 3.0.0 is not on this host or already active') == 2
    assert 'rollback: a1 runs 1.1.0' in out['error'] and 'rollback: a2 runs 1.1.0' in out['error']
    # the active release itself, asked for explicitly while every backend serves it: nothing to do, no error
    out = rp.plan([backend('a1', '1.1.0', '1.0.0', DEPLOYED)], to='1.1.0')
    assert out['error'] == '' and out['switches'] == {'a1': False}


def test_a_host_with_nothing_deployed_has_nowhere_to_go():
    out = rp.plan([backend('a1', '', '', [])])
    assert out['error'].startswith('rollback: a1 runs nothing; there is no earlier release')
