"""The verdict filters: registered, reading each host's kept answers out of hostvars, bad input as AnsibleFilterError."""

import json

import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.auraflow.ops.plugins.filter.verdicts import FilterModule

FILTERS = FilterModule().filters()


def test_diagnose_checks_reads_the_answers_each_tier_kept():
    hostvars = {'db1': {'diagnose_db_answers': {'pg_service': {'stdout': 'active'}}},
                'app1': {'diagnose_app_answers': {'service': 'svc', 'port_owner': {'stdout': ''}, 'port': 4000}},
                'web1': {}}
    checks = {c['name']: c for c in FILTERS['diagnose_checks'](hostvars, ['db1'], ['app1'], ['web1'], {}, {'since': 0})}
    assert checks['db.service@db1']['ok'] is True
    assert checks['backend.port_owner@app1']['detail'].startswith('app1: nothing listens on :4000')
    assert checks['static.nginx_config@web1']['detail'].startswith('web1: nginx -t: did not run')
    with pytest.raises(AnsibleFilterError):
        FILTERS['diagnose_checks'](hostvars, [], [], [], {}, {'since': 'yesterday'})
    with pytest.raises(AnsibleFilterError):
        FILTERS['diagnose_checks']([], [], [], [])


def test_audit_checks_asks_redis_results_of_the_first_backend():
    probe = json.dumps({'target': '10.0.0.5:6379', 'plain': '+PONG', 'tls': 'failed: wrong version number'})
    hostvars = {'app1': {'audit_answers': {'redis_rights': {'c1': probe}}}, 'app2': {'audit_answers': {}}}
    checks = {c['name']: c for c in FILTERS['audit_checks'](hostvars, ['app1', 'app2'], [], ['c1'], {}, {'max_exposure': '2.5'})}
    assert checks['redis_requires_auth_c1']['detail'] == 'PING without credentials from app1 to 10.0.0.5:6379 (plain text) answered: +PONG'
    assert checks['redis_requires_auth_c1']['ok'] is False and checks['redis_tls_only_c1']['ok'] is False


def test_slo_measurements_and_failing_checks():
    hostvars = {'h1': {'slo_host_answers': {'df': {'rc': 1, 'stderr': 'x'}, 'meminfo': {}}}, 'h2': {}}
    out = FILTERS['slo_measurements'](hostvars, ['h2'], ['h1', 'h2'])
    assert out['hosts'] == [{'name': 'h1', 'error': 'df: x; /proc/meminfo: read'}, {'name': 'h2', 'error': 'not measured'}]
    assert FILTERS['failing_checks']([{'name': 'a', 'ok': False, 'severity': 'medium'}], 'medium') == ['a']
    with pytest.raises(AnsibleFilterError):
        FILTERS['failing_checks']([], 'urgent')
