"""Unit tests for plugins/module_utils/alerts.py: the runbook's alert policy, its boundaries, routing."""

import pytest

from ansible_collections.auraflow.ops.plugins.module_utils.alerts import (
    DEFAULT_ROUTES,
    THRESHOLDS,
    PolicyError,
    at_or_above,
    classify,
    classify_ai,
    classify_health,
    classify_host,
    classify_slo,
    cleared_checks,
    counts,
    dedup_key,
    highest,
    opsgenie_requests,
    pagerduty_events,
    render,
    route,
    severity_rank,
    sms_text,
    validate_routes,
    validate_thresholds,
)

LIMITS = dict(THRESHOLDS)


def slo_result(availability=1.0, error_rate=None, p95=10.0, p99=20.0, breaches=(), server=None, msg='SLO met'):
    return {
        'ok': not breaches, 'msg': msg, 'requests': 1000, 'errors': 0, 'rps': 850.0, 'elapsed': 1.2,
        'availability': availability, 'error_rate': 1.0 - availability if error_rate is None else error_rate,
        'latency_ms': {'p50': 5.0, 'p95': p95, 'p99': p99}, 'breaches': list(breaches), 'server': server or {},
    }


def rules(alerts):
    return sorted((a['severity'], a['rule']) for a in alerts)


def slo_alerts(scope='public', **kwargs):
    return classify_slo({'name': 'nginx', 'scope': scope, 'result': slo_result(**kwargs)}, LIMITS)[1]


# --- availability: P0 below 99 % (public), P1 for one backend -----------------------------------

def test_availability_boundary_is_strict():
    assert slo_alerts(availability=0.99, error_rate=0.0) == []
    assert rules(slo_alerts(availability=0.98999, error_rate=0.0)) == [('P0', 'availability')]


def test_backend_availability_is_p1_not_p0():
    assert rules(slo_alerts(scope='backend', availability=0.5, error_rate=0.0)) == [('P1', 'backend_availability')]


def test_unreachable_public_target_is_p0_with_error_rate_p1():
    found = slo_alerts(availability=0.0, error_rate=1.0, p95=None, p99=None, msg='target unreachable: connection refused')
    assert rules(found) == [('P0', 'availability'), ('P1', 'error_rate')]
    assert 'connection refused' in found[0]['message']


# --- P1: p95 > 500 ms, error rate > 1 % -------------------------------------------------------------

def test_p95_boundary():
    assert slo_alerts(p95=500.0) == []
    found = slo_alerts(p95=500.001)
    assert rules(found) == [('P1', 'p95_ms')]
    assert found[0]['value'] == 500.001 and found[0]['threshold'] == 500.0


def test_error_rate_boundary():
    assert slo_alerts(availability=0.99, error_rate=0.01) == []
    assert rules(slo_alerts(availability=0.995, error_rate=0.0101)) == [('P1', 'error_rate')]


# --- P3: other target misses, not duplicated under a higher alert ------------------------------------

def test_target_miss_below_alert_threshold_is_p3():
    breach = {'objective': 'p95_ms', 'target': 200.0, 'actual': 312.5}
    found = slo_alerts(p95=312.5, breaches=[breach])
    assert rules(found) == [('P3', 'target_p95_ms')]
    assert found[0]['message'] == 'target missed: p95_ms: 312.5 > 200'


def test_target_miss_covered_by_p1_is_not_repeated():
    breaches = [{'objective': 'p95_ms', 'target': 200.0, 'actual': 612.0},
                {'objective': 'p99_ms', 'target': 500.0, 'actual': 900.0}]
    assert rules(slo_alerts(p95=612.0, p99=900.0, breaches=breaches)) == [('P1', 'p95_ms'), ('P3', 'target_p99_ms')]


def test_error_rate_target_miss_p3_then_p1():
    breach = {'objective': 'max_error_rate', 'target': 0.001, 'actual': 0.005}
    assert rules(slo_alerts(availability=0.995, error_rate=0.005, breaches=[breach])) == [('P3', 'target_max_error_rate')]
    breach = {'objective': 'max_error_rate', 'target': 0.001, 'actual': 0.02}
    assert rules(slo_alerts(availability=0.995, error_rate=0.02, breaches=[breach])) == [('P1', 'error_rate')]


def test_min_rps_miss_is_p3():
    breach = {'objective': 'min_rps', 'target': 1000.0, 'actual': 850.0}
    assert rules(slo_alerts(breaches=[breach])) == [('P3', 'target_min_rps')]


def test_slo_check_without_result_is_unmeasured_p3():
    checks, found = classify_slo({'name': 'aura-app1', 'scope': 'backend', 'result': {'msg': 'unreachable host'}}, LIMITS)
    assert rules(found) == [('P3', 'unmeasured')]
    assert checks[0]['ok'] is False and 'unreachable host' in checks[0]['detail']


def test_metrics_view_is_its_own_check():
    server = {'metrics_url': 'http://127.0.0.1:3001/monitoring/metrics', 'requests': 1000, 'errors': 0,
              'latency_ms': {'p95': 4.8}, 'scope': 'method=GET, route=/health'}
    checks, found = classify_slo({'name': 'aura-app1', 'scope': 'backend', 'result': slo_result(server=server)}, LIMITS)
    assert found == []
    assert [c['name'] for c in checks] == ['slo_aura-app1', 'metrics_aura-app1']
    assert checks[1]['ok'] and 'server counted 1000 requests' in checks[1]['detail'] and checks[1]['severity'] == 'P3'
    checks, found = classify_slo({'name': 'aura-app1', 'scope': 'backend',
                                  'result': slo_result(server={'metrics_url': 'x', 'error': 'before the run: 403'})}, LIMITS)
    assert rules(found) == [('P3', 'monitoring')] and found[0]['check'] == 'metrics_aura-app1'


# --- /health and the database connection ---------------------------------------------------------------

HEALTHY = {'status': 'ok', 'version': '1.1.0', 'db': 'ok', 'redis': 'ok'}


def test_healthy_answers_raise_nothing_and_list_their_class():
    checks, found = classify_health({'name': 'nginx', 'scope': 'public', 'status': 200, 'body': HEALTHY})
    assert found == []
    assert [(c['name'], c['ok'], c['severity']) for c in checks] == [('health_nginx', True, 'P0'), ('db_connection_nginx', True, 'P0')]


def test_public_health_failing_is_p0_backend_is_p1():
    assert rules(classify_health({'name': 'nginx', 'scope': 'public', 'status': -1, 'msg': 'refused'})[1]) == [('P0', 'availability')]
    assert rules(classify_health({'name': 'aura-app1', 'scope': 'backend', 'status': None})[1]) == [('P1', 'backend_down')]
    body = dict(HEALTHY, selfcheck='fail', status='error')
    assert rules(classify_health({'name': 'aura-app1', 'scope': 'backend', 'status': 503, 'body': body})[1]) == [('P1', 'backend_down')]


def test_db_connection_failure_is_p0_even_on_a_backend():
    body = dict(HEALTHY, db='error', status='error')
    checks, found = classify_health({'name': 'aura-app2', 'scope': 'backend', 'status': 503, 'body': body})
    assert rules(found) == [('P0', 'db_connection'), ('P1', 'backend_down')]
    assert checks[1]['name'] == 'db_connection_aura-app2' and checks[1]['severity'] == 'P0' and not checks[1]['ok']


# --- AI status ------------------------------------------------------------------------------------------

@pytest.mark.parametrize('state, expected', [
    ('ok', []),
    ('quota_exceeded', [('P1', 'ai_quota_exceeded')]),
    ('degraded', [('P2', 'ai_degraded')]),
    ('confused', [('P3', 'ai_unknown')]),
])
def test_ai_status(state, expected):
    checks, found = classify_ai({'name': 'aura-app1', 'status': 200, 'body': {'status': state, 'daily_cost': 10, 'limit': 10}})
    assert rules(found) == expected
    assert checks[0]['ok'] is (not expected)


def test_ai_status_unreadable_is_p3():
    assert rules(classify_ai({'name': 'aura-app1', 'status': 403, 'body': '<html>'})[1]) == [('P3', 'monitoring')]


# --- hosts: memory > 90 % P1, disk > 85 % P2 ------------------------------------------------------------

def test_host_boundaries():
    assert classify_host({'name': 'db1', 'disk_percent': 85.0, 'memory_percent': 90.0}, LIMITS)[1] == []
    found = classify_host({'name': 'db1', 'disk_percent': 85.01, 'memory_percent': 90.01}, LIMITS)[1]
    assert sorted((a['severity'], a['check']) for a in found) == [('P1', 'memory_db1'), ('P2', 'disk_db1')]


def test_host_thresholds_are_configurable_and_unmeasured_host_is_p2():
    limits = validate_thresholds({'disk_percent': 1})
    checks, found = classify_host({'name': 'web1', 'disk_percent': 29.0, 'memory_percent': 6.0}, limits)
    assert rules(found) == [('P2', 'disk_percent')] and found[0]['message'] == 'disk used 29.0 % > 1 %'
    assert [c['name'] for c in checks] == ['memory_web1', 'disk_web1']
    checks, found = classify_host({'name': 'web1', 'error': 'unreachable'}, LIMITS)
    assert rules(found) == [('P2', 'host_unmeasured')] and checks[0]['name'] == 'host_web1'


# --- the whole policy, ordering, counts -----------------------------------------------------------------

def test_classify_orders_by_severity_and_counts():
    checks, found = classify(
        health=[{'name': 'nginx', 'status': 200, 'body': HEALTHY}],
        slo=[{'name': 'nginx', 'result': slo_result(breaches=[{'objective': 'p99_ms', 'target': 500.0, 'actual': 501.0}])}],
        ai_status=[{'name': 'aura-app1', 'status': 200, 'body': {'status': 'quota_exceeded'}}],
        hosts=[{'name': 'aura-db1', 'disk_percent': 90, 'memory_percent': 10}],
    )
    assert [a['severity'] for a in found] == ['P1', 'P2', 'P3']
    assert counts(found) == {'P0': 0, 'P1': 1, 'P2': 1, 'P3': 1} and highest(found) == 'P1'
    assert [c['name'] for c in checks] == ['health_nginx', 'db_connection_nginx', 'slo_nginx', 'ai_status_aura-app1',
                                           'memory_aura-db1', 'disk_aura-db1']
    assert [c['ok'] for c in checks] == [True, True, False, False, True, False]
    assert highest([]) is None


def test_classify_needs_names():
    with pytest.raises(PolicyError, match='needs a name'):
        classify(hosts=[{'disk_percent': 1}])


def test_severity_order_and_fail_on():
    assert severity_rank('P0') < severity_rank('P3')
    assert at_or_above('P0', 'P1') and at_or_above('P1', 'P1') and not at_or_above('P2', 'P1')
    assert not at_or_above('P0', 'none') and not at_or_above('P0', None)
    with pytest.raises(PolicyError):
        severity_rank('P4')


def test_thresholds_validation():
    assert validate_thresholds(None) == THRESHOLDS
    assert validate_thresholds({'p95_ms': '250', 'disk_percent': None})['p95_ms'] == 250.0
    for bad in ({'p95': 1}, {'p95_ms': 'fast'}, {'p95_ms': True}, {'min_availability': 99}, {'disk_percent': -1}):
        with pytest.raises(PolicyError):
            validate_thresholds(bad)


# --- routing ---------------------------------------------------------------------------------------------

def alert(severity, check='c'):
    return {'check': check, 'rule': 'r', 'severity': severity, 'message': 'm'}


def test_default_routes_follow_the_runbook():
    # P0: phone (PagerDuty, Opsgenie) + SMS + chat; P1: SMS + chat + mail; P2: chat + mail; P3: mail
    assert DEFAULT_ROUTES == {'P0': ['pagerduty', 'opsgenie', 'sms', 'webhook'], 'P1': ['sms', 'webhook', 'email'],
                              'P2': ['webhook', 'email'], 'P3': ['email']}
    out, unconfigured = route([alert('P3'), alert('P1', 'y'), alert('P0', 'x')], None, ['webhook', 'email'])
    assert [a['severity'] for a in out['email']] == ['P1', 'P3']
    assert [a['severity'] for a in out['webhook']] == ['P0', 'P1']
    assert unconfigured == ['pagerduty', 'opsgenie', 'sms']
    out, unconfigured = route([alert('P0', 'x')], None, ['pagerduty', 'opsgenie', 'sms', 'webhook', 'email'])
    assert list(out) == ['pagerduty', 'opsgenie', 'sms', 'webhook'] and unconfigured == []


def test_p3_alone_goes_to_email_only():
    out, unconfigured = route([alert('P3')], None, ['webhook', 'email'])
    assert list(out) == ['email']
    out, unconfigured = route([alert('P3')], None, ['webhook'])
    assert out == {} and unconfigured == ['email']


def test_no_channel_configured_keeps_alerts_in_the_output_only():
    out, unconfigured = route([alert('P0')], None, [])
    assert out == {} and unconfigured == ['pagerduty', 'opsgenie', 'sms', 'webhook']
    assert route([], None, ['webhook', 'email']) == ({}, [])


def test_custom_routes():
    table = validate_routes({'P0': 'all', 'P1': 'email', 'P3': []})
    assert table == {'P0': ['pagerduty', 'opsgenie', 'sms', 'webhook', 'email'], 'P1': ['email'], 'P2': ['webhook', 'email'],
                     'P3': []}
    out = route([alert('P1'), alert('P3')], {'P1': ['email'], 'P3': []}, ['webhook', 'email'])[0]
    assert list(out) == ['email'] and [a['severity'] for a in out['email']] == ['P1']
    for bad in ({'P9': ['email']}, {'P1': ['pager']}, {'P1': 3}, ['email']):
        with pytest.raises(PolicyError):
            validate_routes(bad)


def test_render_names_highest_severity_counts_and_checks():
    subject, text = render('auraflow.ops slo (lab)', [alert('P3', 'slo_nginx'), alert('P2', 'disk_aura-db1'), alert('P3', 'slo_aura-app1')])
    assert subject == '[P2] auraflow.ops slo (lab): 3 alerts (P2 x1, P3 x2)'
    lines = text.splitlines()
    assert lines[0] == subject
    assert lines[1:] == ['P2 disk_aura-db1 [r] m', 'P3 slo_aura-app1 [r] m', 'P3 slo_nginx [r] m']
    assert render('s', [alert('P0')])[0] == '[P0] s: 1 alert (P0 x1)'


# --- paging: one event per check, keyed, resolved when ok ----------------------------------------

def test_pagerduty_events_one_per_check_keyed_with_the_worst_severity():
    alerts = [alert('P1', 'health_app1'), alert('P0', 'db_connection_app1'), alert('P2', 'health_app1')]
    events = pagerduty_events('KEY', 'src', alerts, cleared=['health_nginx'])
    assert [(e['event_action'], e['dedup_key']) for e in events] == [
        ('trigger', 'auraflow.ops/src/db_connection_app1'), ('trigger', 'auraflow.ops/src/health_app1'),
        ('resolve', 'auraflow.ops/src/health_nginx')]
    first, second, resolve = events
    assert first['routing_key'] == 'KEY' and first['payload']['severity'] == 'critical'
    assert second['payload']['severity'] == 'error'  # the check's most severe alert: P1
    assert second['payload']['custom_details']['alerts'] == ['P1 health_app1 [r] m', 'P2 health_app1 [r] m']
    assert set(resolve) == {'routing_key', 'event_action', 'dedup_key'}
    assert dedup_key('s' * 300, 'c') == ('auraflow.ops/' + 's' * 300)[:255]


def test_opsgenie_requests_alias_priority_and_close():
    requests = opsgenie_requests('src', [alert('P2', 'disk_db1')], cleared=['health nginx/1'])
    (method, path, body), (cmethod, cpath, cbody) = requests
    assert (method, path) == ('POST', '/v2/alerts') and body['alias'] == 'auraflow.ops/src/disk_db1'
    assert body['priority'] == 'P3' and body['message'].startswith('[P2] src disk_db1: ') and len(body['message']) <= 130
    assert cmethod == 'POST' and cpath == '/v2/alerts/auraflow.ops%2Fsrc%2Fhealth%20nginx%2F1/close?identifierType=alias'
    assert cbody['source'] == 'src'


def test_sms_text_fits_one_message():
    text = sms_text('src', [alert('P1', 'check_%03d' % i) for i in range(200)])
    assert text.startswith('[P1] src: 200 alerts (P1 x200)') and len(text) <= 1600
    assert text.splitlines()[1] == 'P1 check_000 [r] m'


def test_cleared_checks_are_the_ok_ones_that_page_there():
    checks = [{'name': 'health_nginx', 'ok': True, 'severity': 'P0'}, {'name': 'disk_db1', 'ok': True, 'severity': 'P2'},
              {'name': 'db_connection_app1', 'ok': False, 'severity': 'P0'}]
    table = validate_routes(None)
    assert cleared_checks(checks, table, 'pagerduty') == ['health_nginx']
    assert cleared_checks(checks, validate_routes({'P2': ['opsgenie']}), 'opsgenie') == ['health_nginx', 'disk_db1']
