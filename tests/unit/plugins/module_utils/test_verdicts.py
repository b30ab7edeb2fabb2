"""Unit tests for plugins/module_utils/verdicts.py and plugins/module_utils/slo_report.py."""

import base64

import pytest

from ansible_collections.auraflow.ops.plugins.module_utils.slo_report import host_usage, measurements
from ansible_collections.auraflow.ops.plugins.module_utils.verdicts import epoch, failed_by_severity, failing, utc, worst

CHECKS = [{'name': 'a', 'ok': False, 'severity': 'high'}, {'name': 'b', 'ok': False, 'severity': 'low'},
          {'name': 'c', 'ok': True, 'severity': 'critical'}, {'name': 'd', 'ok': False, 'severity': 'critical'}]


def test_failing_picks_failed_checks_at_or_above_the_threshold_in_order():
    assert failing(CHECKS, 'high') == ['a', 'd']
    assert failing(CHECKS, 'info') == ['a', 'b', 'd']
    assert failing(CHECKS, 'none') == []
    with pytest.raises(ValueError):
        failing(CHECKS, 'severe')


def test_failed_by_severity_counts_every_severity():
    assert failed_by_severity(CHECKS) == {'info': 0, 'low': 1, 'medium': 0, 'high': 1, 'critical': 1}


def test_worst_and_times():
    assert worst([{'severity': 'low'}, {'severity': 'critical'}]) == 'critical' and worst([]) == 'high'
    assert utc(1767225600) == '2026-01-01T00:00:00Z' and epoch('2026-01-01T00:00:00Z') == 1767225600.0 and epoch('soon') is None


MEMINFO = base64.b64encode(b'MemTotal: 2000 kB\nMemAvailable: 500 kB\n').decode()


def test_host_usage_as_df_and_meminfo_count_it():
    df = {'rc': 0, 'stdout_lines': ['Filesystem 1-blocks Used Available Capacity Mounted on', '/dev/x 1000 300 100 75% /']}
    assert host_usage('h', df, {'content': MEMINFO}) == {'name': 'h', 'disk_percent': 75.0, 'memory_percent': 75.0}
    assert host_usage('h', {'unreachable': True, 'msg': 'gone'}, {}) == {'name': 'h', 'error': 'unreachable: gone'}
    assert host_usage('h', {'rc': 1, 'stderr': 'df: /: denied\n'}, {'content': MEMINFO})['error'] == 'df: df: /: denied; /proc/meminfo: read'
    assert 'error' in host_usage('h', df, {'content': base64.b64encode(b'nothing').decode()})


def test_measurements_in_alert_routes_shapes_with_unmeasured_hosts():
    load = {'requests': 50, 'rps': 10.0, 'error_rate': 0.0, 'latency_ms': {'p95': 3}, 'server': {'requests': 50}}
    out = measurements({'status': 200, 'json': {'status': 'ok'}, 'elapsed': 1}, {'requests': 100},
                       {'app1': {'health': {'status': 200, 'json': {'status': 'ok'}}, 'ai': {'status': 200, 'json': {}}, 'load': load},
                        'app2': {}},
                       {'app1': {'name': 'app1', 'disk_percent': 1.0, 'memory_percent': 2.0}, 'db1': None})
    assert [h['name'] for h in out['health']] == ['nginx', 'app1', 'app2'] and out['health'][0]['scope'] == 'public'
    assert out['health'][2] == {'name': 'app2', 'scope': 'backend', 'status': -1, 'body': {}, 'msg': 'not measured', 'seconds': 0}
    assert [(s['name'], s['scope']) for s in out['slo']] == [('nginx', 'public'), ('app1', 'backend'), ('app2', 'backend')]
    assert 'scope' not in out['ai_status'][0]
    assert out['backends']['app1']['server'] == {'requests': 50} and out['backends']['app2']['msg'] == 'not measured'
    assert out['hosts'][1] == {'name': 'db1', 'error': 'not measured'}
    assert measurements(None, None, {}, {})['slo'][0]['result'] == {'msg': 'not measured'}
