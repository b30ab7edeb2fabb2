"""The runbook's alert rules proven by Prometheus itself: `promtool test rules` on synthetic series.

The rule file is rendered from plugins/module_utils/alert_policy.py as the monitoring role renders it
(production windows: time_scale 1), and Alertmanager's configuration is checked by `amtool check-config` and
its routing by `amtool config routes test`. Each alert must not fire below its threshold, must not fire before
its window, must fire at the threshold after the window with the runbook's severity, must climb the escalation
ladder while it stays unanswered (P0/P1), and must resolve when the series recovers. The tools come from
Debian's packages (scripts/prom-tools, run by scripts/setup): no lab, no running Prometheus.
"""

import json
import os
import subprocess

import pytest
import yaml

from ansible_collections.auraflow.ops.plugins.filter.alerting import prometheus_rules
from ansible_collections.auraflow.ops.plugins.module_utils import alert_policy

from conftest import ROOT, VENV_BIN

PROMTOOL = os.path.join(VENV_BIN, 'promtool')
AMTOOL = os.path.join(VENV_BIN, 'amtool')


@pytest.fixture(scope='module')
def rules_dir(tmp_path_factory):
    for tool in (PROMTOOL, AMTOOL):
        assert os.access(tool, os.X_OK), '%s missing: run scripts/prom-tools (scripts/setup does)' % tool
    work = tmp_path_factory.mktemp('rules')
    (work / 'rules.yml').write_text(yaml.safe_dump(alert_policy.prometheus_rules(), sort_keys=False, allow_unicode=True))
    return work


def rendered(alertname, escalation='oncall', rule=None):
    for group in alert_policy.prometheus_rules()['groups']:
        for r in group['rules']:
            if r.get('alert') == alertname and r['labels']['escalation'] == escalation and rule in (None, r['labels']['rule']):
                return r
    raise AssertionError('no rule %s/%s' % (alertname, escalation))


def expect(alertname, series_labels, escalation='oncall', rule=None):
    r = rendered(alertname, escalation, rule)
    return {'exp_labels': dict(series_labels, alertname=alertname, **r['labels']), 'exp_annotations': r['annotations']}


def promtool_test(rules_dir, name, series, checks, interval='1m'):
    """Run one promtool test: ``series`` (name -> values), ``checks`` ((eval_time, alertname, expected alerts))."""
    test = {
        'rule_files': ['rules.yml'],
        'evaluation_interval': interval,
        'tests': [{
            'interval': interval,
            'input_series': [{'series': s, 'values': v} for s, v in series.items()],
            'alert_rule_test': [{'eval_time': t, 'alertname': a, 'exp_alerts': e} for t, a, e in checks],
        }],
    }
    path = rules_dir / ('%s_test.yml' % name)
    path.write_text(yaml.safe_dump(test, sort_keys=False, allow_unicode=True))
    proc = subprocess.run([PROMTOOL, 'test', 'rules', path.name], cwd=rules_dir, capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_the_rule_file_is_valid(rules_dir):
    proc = subprocess.run([PROMTOOL, 'check', 'rules', 'rules.yml'], cwd=rules_dir, capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_database_down_pages_at_once_climbs_the_ladder_and_resolves(rules_dir):
    pg = {'job': 'aura_postgres', 'instance': 'aura-db1:9187'}
    down = expect('AuraDatabaseDown', pg)
    # up for 10 minutes, down from 10m to 80m, up again.
    promtool_test(rules_dir, 'db_down', {'pg_up{job="aura_postgres",instance="aura-db1:9187"}': '1x9 0x70 1x10'}, [
        ('9m', 'AuraDatabaseDown', []),
        ('10m', 'AuraDatabaseDown', [down]),
        ('24m', 'AuraDatabaseDown', [down]),
        ('25m', 'AuraDatabaseDown', [down, expect('AuraDatabaseDown', pg, 'tech_lead')]),
        ('40m', 'AuraDatabaseDown', [down, expect('AuraDatabaseDown', pg, 'tech_lead'), expect('AuraDatabaseDown', pg, 'director')]),
        ('70m', 'AuraDatabaseDown', [down, expect('AuraDatabaseDown', pg, 'tech_lead'), expect('AuraDatabaseDown', pg, 'director'),
                                     expect('AuraDatabaseDown', pg, 'cto')]),
        ('81m', 'AuraDatabaseDown', []),
    ])


def test_availability_below_99_percent_pages_at_once(rules_dir):
    probe = {'job': 'aura_blackbox', 'instance': 'https://aura.example.org/health'}
    series = 'probe_success{job="aura_blackbox",instance="https://aura.example.org/health"}'
    # Probes every 15 s: one failure in 5 minutes is 95 % (< 99 %): at once. Then all succeed again.
    promtool_test(rules_dir, 'availability', {series: '1x40 0 1x60'}, [
        ('10m', 'AuraAvailabilityLow', []),
        ('10m15s', 'AuraAvailabilityLow', [dict(expect('AuraAvailabilityLow', probe))]),
        ('15m', 'AuraAvailabilityLow', [dict(expect('AuraAvailabilityLow', probe))]),
        ('15m30s', 'AuraAvailabilityLow', []),
    ], interval='15s')


def _requests(total_per_min, errors_per_min, minutes, start_errors_at):
    """Counter values of requests (status 200 and 500) each minute: errors only from start_errors_at."""
    ok, err, ok_values, err_values = 0, 0, [], []
    for minute in range(minutes):
        errors = errors_per_min if minute >= start_errors_at else 0
        ok += total_per_min - errors
        err += errors
        ok_values.append(str(ok))
        err_values.append(str(err))
    base = 'http_requests_total{job="aura_backend",instance="aura-app1:3001",method="GET",route="/api/x",status="%s"}'
    return {base % '200': ' '.join(ok_values), base % '500': ' '.join(err_values)}


def test_error_rate_above_1_percent_for_10_minutes_is_p1(rules_dir):
    # 2 % errors from minute 10: the 5-minute rate is above 1 % from minute 11; firing 10 minutes later.
    firing = expect('AuraErrorRateHigh', {})
    promtool_test(rules_dir, 'error_rate', _requests(1000, 20, 60, 10), [
        ('20m', 'AuraErrorRateHigh', []),
        ('22m', 'AuraErrorRateHigh', [firing]),
    ])


def test_error_rate_at_or_below_1_percent_never_fires(rules_dir):
    promtool_test(rules_dir, 'error_rate_below', _requests(1000, 9, 60, 0), [
        ('59m', 'AuraErrorRateHigh', []),
    ])


def test_failed_health_probes_are_not_user_errors(rules_dir):
    # A backend whose /health answers 503 (a drained or restarting backend, a database outage): the probe's
    # availability and AuraDatabaseDown speak for it; the error rate counts user requests only.
    series = _requests(1000, 0, 40, 0)
    health = 'http_requests_total{job="aura_backend",instance="aura-app1:3001",method="GET",route="/health",status="503"}'
    series[health] = ' '.join(str(50 * m) for m in range(40))
    promtool_test(rules_dir, 'health_errors', series, [('39m', 'AuraErrorRateHigh', []), ('39m', 'AuraErrorBudgetBurn', [])])


def _latency(seconds_per_request, minutes, requests_per_min=600):
    """Histogram buckets where every request takes seconds_per_request (cumulative counters, one value per minute)."""
    series = {}
    for le in ('0.1', '0.25', '0.5', '1', '+Inf'):
        inside = le == '+Inf' or float(le) >= seconds_per_request
        values = ' '.join(str(requests_per_min * (m + 1) if inside else 0) for m in range(minutes))
        series['http_request_duration_seconds_bucket{job="aura_backend",instance="aura-app1:3001",le="%s"}' % le] = values
    return series


def test_p95_above_500_ms_for_5_minutes_is_p1(rules_dir):
    # Every request in the 0.5-1 s bucket: P95 (interpolated) is 975 ms > 500 ms from the second sample.
    firing = expect('AuraApiLatencyHigh', {})
    promtool_test(rules_dir, 'latency', _latency(0.9, 30), [
        ('5m', 'AuraApiLatencyHigh', []),
        ('7m', 'AuraApiLatencyHigh', [firing]),
        ('21m', 'AuraApiLatencyHigh', [firing, expect('AuraApiLatencyHigh', {}, 'tech_lead')]),
    ])


def test_p95_below_500_ms_never_fires(rules_dir):
    # Every request in the 0.25-0.5 s bucket: P95 is 487.5 ms.
    promtool_test(rules_dir, 'latency_below', _latency(0.4, 30), [('29m', 'AuraApiLatencyHigh', [])])


def test_a_threshold_set_in_the_inventory_moves_the_rule(tmp_path):
    """P95 487.5 ms does not page at the runbook's 500 ms (above); with aura_alert_thresholds.p95_ms 300 it does."""
    rules = prometheus_rules({}, 1, 60, {'p95_ms': 300})
    (tmp_path / 'rules.yml').write_text(yaml.safe_dump(rules, sort_keys=False, allow_unicode=True))
    oncall = [r for g in rules['groups'] for r in g['rules'] if r.get('alert') == 'AuraApiLatencyHigh'
              and r['labels']['escalation'] == 'oncall'][0]
    firing = {'exp_labels': dict(alertname='AuraApiLatencyHigh', **oncall['labels']), 'exp_annotations': oncall['annotations']}
    assert oncall['annotations']['summary'] == 'API P95 latency above 300 ms'
    promtool_test(tmp_path, 'latency_300', _latency(0.4, 30), [
        ('5m', 'AuraApiLatencyHigh', []),
        ('7m', 'AuraApiLatencyHigh', [firing]),
    ])


def test_one_inventory_variable_sets_both_the_rules_and_slo(tmp_path):
    """aura_alert_thresholds reaches the monitoring role's rule file and the slo role's slo_alert_* alike; unset,
    both keep the runbook's values."""
    play = tmp_path / 'thresholds.yml'
    play.write_text(yaml.safe_dump([{
        'hosts': 'localhost', 'connection': 'local', 'gather_facts': False,
        'vars_files': [os.path.join(ROOT, 'roles', 'slo', 'defaults', 'main.yml'),
                       os.path.join(ROOT, 'roles', 'monitoring', 'defaults', 'main.yml')],
        'tasks': [
            {'name': 'the slo role takes its thresholds',
             'ansible.builtin.validate_argument_spec': {
                 'argument_spec': "{{ (lookup('ansible.builtin.file', '%s') | from_yaml).argument_specs.main.options "
                                  "| dict2items | selectattr('key', 'match', 'slo_alert_') | items2dict }}"
                                  % os.path.join(ROOT, 'roles', 'slo', 'meta', 'argument_specs.yml'),
                 'provided_arguments': {k: '{{ %s }}' % k for k in (
                     'slo_alert_min_availability', 'slo_alert_p95_ms', 'slo_alert_max_error_rate',
                     'slo_alert_memory_percent', 'slo_alert_disk_percent')}}},
            {'ansible.builtin.debug': {'msg': {
                'slo': "{{ {'p95_ms': slo_alert_p95_ms, 'disk_percent': slo_alert_disk_percent} }}",
                'rules': "{{ ({} | auraflow.ops.prometheus_rules(1, 60, monitoring_alert_thresholds)).groups[1].rules "
                         "| selectattr('labels.escalation', 'eq', 'oncall') | map(attribute='expr') | list }}"}}},
        ]}]))

    def resolved(*extra):
        env = dict(os.environ, ANSIBLE_STDOUT_CALLBACK='ansible.builtin.json')
        proc = subprocess.run([os.path.join(VENV_BIN, 'ansible-playbook'), '-i', 'localhost,', str(play), *extra],
                              cwd=ROOT, env=env, capture_output=True, text=True, check=False)
        assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
        tasks = json.loads(proc.stdout)['plays'][0]['tasks']
        return tasks[-1]['hosts']['localhost']['msg']
    default = resolved()
    assert default['slo'] == {'p95_ms': None, 'disk_percent': None}
    assert any(e.endswith(' * 1000 > 500.0') for e in default['rules'])
    moved = resolved('-e', json.dumps({'aura_alert_thresholds': {'p95_ms': 300, 'disk_percent': 70}}))
    assert moved['slo'] == {'p95_ms': 300, 'disk_percent': 70}
    assert any(e.endswith(' * 1000 > 300.0') for e in moved['rules'])
    assert any(e.endswith(' * 100 > 70.0') and 'node_filesystem' in e for e in moved['rules'])


def _node(used_percent_before, used_percent_after, minutes, change_at, metric):
    total = 1000
    values = ' '.join(str(total - (used_percent_before if m < change_at else used_percent_after) * total // 100)
                      for m in range(minutes))
    labels = 'job="aura_node",instance="aura-app1:9100"'
    if metric == 'disk':
        labels += ',mountpoint="/srv",fstype="ext4",device="/dev/vdb"'
        return {'node_filesystem_avail_bytes{%s}' % labels: values, 'node_filesystem_size_bytes{%s}' % labels: '%dx%d' % (total, minutes - 1)}
    return {'node_memory_MemAvailable_bytes{%s}' % labels: values, 'node_memory_MemTotal_bytes{%s}' % labels: '%dx%d' % (total, minutes - 1)}


def test_memory_above_90_percent_for_15_minutes_is_p1_and_89_percent_is_not(rules_dir):
    node = {'job': 'aura_node', 'instance': 'aura-app1:9100'}
    promtool_test(rules_dir, 'memory', _node(89, 91, 60, 10, 'memory'), [
        ('9m', 'AuraMemoryHigh', []),
        ('24m', 'AuraMemoryHigh', []),
        ('25m', 'AuraMemoryHigh', [expect('AuraMemoryHigh', node)]),
    ])


def test_disk_above_85_percent_for_30_minutes_is_p2_without_escalation(rules_dir):
    disk = {'job': 'aura_node', 'instance': 'aura-app1:9100', 'mountpoint': '/srv', 'fstype': 'ext4', 'device': '/dev/vdb'}
    promtool_test(rules_dir, 'disk', _node(84, 86, 120, 10, 'disk'), [
        ('39m', 'AuraDiskHigh', []),
        ('40m', 'AuraDiskHigh', [expect('AuraDiskHigh', disk)]),
        ('119m', 'AuraDiskHigh', [expect('AuraDiskHigh', disk)]),   # P2: no escalation copies
    ])


def test_fast_error_budget_burn_pages_within_minutes(rules_dir):
    # 10 % errors from minute 5 = 100x the 0.1 % budget: the 1 h/5 m pair (14.4x) holds from minute 6 and fires
    # 2 minutes later; the 6 h/30 m pair (6x) waits for its 15 minutes.
    fast = expect('AuraErrorBudgetBurn', {}, rule='burn_1h_5m')
    promtool_test(rules_dir, 'burn_fast', _requests(1000, 100, 30, 5), [
        ('5m', 'AuraErrorBudgetBurn', []),
        ('9m', 'AuraErrorBudgetBurn', [fast]),
    ])


def test_a_slow_burn_only_tickets_after_an_hour(rules_dir):
    # 0.2 % errors = 2x the budget: below both page rates; the 3 d/6 h pair (1x) holds and files a P3 after 1 h.
    ticket = expect('AuraErrorBudgetBurn', {}, rule='burn_3d_6h')
    assert ticket['exp_labels']['severity'] == 'P3'
    promtool_test(rules_dir, 'burn_slow', _requests(1000, 2, 90, 0), [
        ('60m', 'AuraErrorBudgetBurn', []),
        ('62m', 'AuraErrorBudgetBurn', [ticket]),
        ('89m', 'AuraErrorBudgetBurn', [ticket]),
    ])


@pytest.fixture(scope='module')
def alertmanager_file(rules_dir):
    config = alert_policy.alertmanager_config(
        {'webhook_url': 'http://127.0.0.1:9/chat', 'email_to': ['oncall@example.org'],
         'pagerduty_routing_key': 'R' * 32, 'opsgenie_api_key': 'k', 'sms_webhook_url': 'http://127.0.0.1:9/sms'},
        {'tech_lead': {'email_to': ['lead@example.org']}, 'director': {'email_to': ['director@example.org']},
         'cto': {'email_to': ['cto@example.org']}},
        smtp={'smarthost': '127.0.0.1:25', 'require_tls': False})
    path = rules_dir / 'alertmanager.yml'
    path.write_text(yaml.safe_dump(config, sort_keys=False))
    proc = subprocess.run([AMTOOL, 'check-config', str(path)], capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return path, config


@pytest.mark.parametrize('labels, receiver', [
    (['severity=P0', 'escalation=oncall'], 'P0'),
    (['severity=P1', 'escalation=oncall'], 'P1'),
    (['severity=P2', 'escalation=oncall'], 'P2'),
    (['severity=P3', 'escalation=oncall'], 'P3'),
    (['severity=P0', 'escalation=tech_lead'], 'escalation_tech_lead'),
    (['severity=P1', 'escalation=director'], 'escalation_director'),
    (['severity=P0', 'escalation=cto'], 'escalation_cto'),
])
def test_alertmanager_routes_each_severity_and_level_to_its_receiver(alertmanager_file, labels, receiver):
    path, _config = alertmanager_file
    proc = subprocess.run([AMTOOL, 'config', 'routes', 'test', '--config.file', str(path), '--verify.receivers', receiver] + labels,
                          capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_each_severity_gets_the_runbooks_channels(alertmanager_file):
    _path, config = alertmanager_file
    kinds = {r['name']: sorted(k for k in r if k.endswith('_configs')) for r in config['receivers']}
    assert kinds['P0'] == ['opsgenie_configs', 'pagerduty_configs', 'slack_configs', 'webhook_configs']  # phone, SMS, chat
    assert kinds['P1'] == ['email_configs', 'slack_configs', 'webhook_configs']                          # SMS, chat, mail
    assert kinds['P2'] == ['email_configs', 'slack_configs']                                             # chat, mail
    assert kinds['P3'] == ['email_configs']                                                              # mail
    assert kinds['escalation_cto'] == ['email_configs']
