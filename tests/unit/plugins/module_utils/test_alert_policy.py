"""Unit tests for module_utils/alert_policy.py and plugins/filter/alerting.py: one policy, two consumers."""

import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.auraflow.ops.plugins.filter.alerting import alertmanager_config, prometheus_rules
from ansible_collections.auraflow.ops.plugins.module_utils import alert_policy, alerts


def alert_rules(rendered):
    return [r for g in rendered['groups'] for r in g['rules'] if 'alert' in r]


@pytest.mark.parametrize('seconds, text', [(0, '0s'), (1, '1s'), (90, '90s'), (300, '5m'), (3600, '1h'), (5400, '90m'),
                                           (259200, '3d')])
def test_durations_use_the_largest_exact_unit(seconds, text):
    assert alert_policy.duration(seconds) == text


def test_slo_checks_classify_with_the_thresholds_prometheus_fires_at():
    assert alerts.THRESHOLDS == {'min_availability': 0.99, 'p95_ms': 500.0, 'max_error_rate': 0.01,
                                 'memory_percent': 90.0, 'disk_percent': 85.0}
    assert alerts.DEFAULT_ROUTES is alert_policy.ROUTES


def test_the_runbook_rows_windows_and_severities():
    base = {r['alert']: r for r in alert_rules(alert_policy.prometheus_rules()) if r['labels']['escalation'] == 'oncall'}
    assert {name: (r['for'], r['labels']['severity']) for name, r in base.items() if name != 'AuraErrorBudgetBurn'} == {
        'AuraAvailabilityLow': ('0s', 'P0'), 'AuraDatabaseDown': ('0s', 'P0'), 'AuraApiLatencyHigh': ('5m', 'P1'),
        'AuraErrorRateHigh': ('10m', 'P1'), 'AuraMemoryHigh': ('15m', 'P1'), 'AuraDiskHigh': ('30m', 'P2')}


def test_paging_alerts_climb_the_ladder_and_others_do_not():
    ladder = {}
    for r in alert_rules(alert_policy.prometheus_rules()):
        ladder.setdefault(r['labels']['rule'], []).append((r['labels']['escalation'], r['for']))
    assert ladder['db_connection'] == [('oncall', '0s'), ('tech_lead', '15m'), ('director', '30m'), ('cto', '1h')]
    assert ladder['p95_ms'] == [('oncall', '5m'), ('tech_lead', '20m'), ('director', '35m'), ('cto', '65m')]
    assert ladder['disk_percent'] == [('oncall', '30m')]
    assert ladder['burn_3d_6h'] == [('oncall', '1h')]


def test_a_time_scale_shortens_windows_and_ranges_but_not_below_the_floor():
    scaled = {r['labels']['rule'] + '/' + r['labels']['escalation']: r for r in alert_rules(alert_policy.prometheus_rules(1 / 60, 10))}
    assert scaled['p95_ms/oncall']['for'] == '5s' and '[10s]' in scaled['p95_ms/oncall']['expr']
    assert scaled['disk_percent/oncall']['for'] == '30s'
    assert scaled['db_connection/cto']['for'] == '1m'


def test_selectors_reach_the_expressions_and_unknown_ones_fail():
    rendered = alert_rules(alert_policy.prometheus_rules(selectors={'postgres': 'job="pg"'}))
    assert any(r['expr'] == 'pg_up{job="pg"} == 0' for r in rendered)
    with pytest.raises(AnsibleFilterError, match='unknown selector'):
        prometheus_rules({'redis': 'job="r"'})
    with pytest.raises(AnsibleFilterError, match='time_scale'):
        prometheus_rules({}, 2)


def test_thresholds_move_the_rule_and_its_summary_and_are_checked_like_slo_checks():
    values = {'p95_ms': 300, 'max_error_rate': 0.005, 'disk_percent': None}
    moved = {r['labels']['rule']: r for r in alert_rules(prometheus_rules({}, 1, 60, values)) if r['labels']['escalation'] == 'oncall'}
    assert moved['p95_ms']['expr'].endswith(' * 1000 > 300.0') and moved['p95_ms']['annotations']['summary'] == 'API P95 latency above 300 ms'
    assert moved['max_error_rate']['expr'].endswith(' > 0.005')
    assert moved['max_error_rate']['annotations']['summary'] == 'share of 5xx answers above 0.5 %'
    assert moved['disk_percent']['expr'].endswith(' > 85.0'), 'null keeps the runbook value'
    assert moved['min_availability']['annotations']['summary'] == 'availability of the public /health below 99 %'
    for bad, match in (({'p99_ms': 1}, 'unknown threshold'), ({'max_error_rate': 5}, 'out of range'),
                       ({'p95_ms': 'fast'}, 'must be a number'), ({'p95_ms': True}, 'boolean'), ([300], 'mapping')):
        with pytest.raises(AnsibleFilterError, match=match):
            prometheus_rules({}, 1, 60, bad)


def test_only_configured_channels_become_receivers():
    config = alertmanager_config({'email_to': ['ops@example.org']})
    by_name = {r['name']: r for r in config['receivers']}
    assert 'email_configs' not in by_name['P0'] and by_name['P1']['email_configs'][0]['to'] == 'ops@example.org'
    assert set(by_name['P0']) == {'name'}   # nothing configured for P0's channels: documented, not invented
    with pytest.raises(AnsibleFilterError, match='unknown escalation level'):
        alertmanager_config({}, {'ceo': {}})
    with pytest.raises(AnsibleFilterError, match='channels must be a mapping'):
        alertmanager_config('x')


def test_an_outage_inhibits_the_symptoms_it_causes():
    rules = alertmanager_config({})['inhibit_rules']
    assert {'source_matchers': ['alertname="AuraDatabaseDown"'],
            'target_matchers': ['alertname=~"AuraApiLatencyHigh|AuraErrorRateHigh|AuraErrorBudgetBurn"']} in rules
