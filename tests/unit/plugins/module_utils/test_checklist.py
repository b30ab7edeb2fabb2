"""Unit tests for plugins/module_utils/checklist.py: the verification checklist's verdicts."""

from ansible_collections.auraflow.ops.plugins.module_utils.checklist import backend_checks, failed_names, items_of, judge

USER = 'demo@aura-flow.local'
HEALTHY = {'status': 200, 'json': {'status': 'ok', 'version': '1.1.0', 'db': 'ok', 'redis': 'ok'}, 'seconds': 0.004}
TARGETS = {'p95_ms': 200.0, 'max_error_rate': 0.01}


def answers(**changes):
    """Every answer of a healthy stack on 1.1.0, with ``changes`` applied."""
    base = dict(
        backends=[dict(HEALTHY, name='aura-app1'), dict(HEALTHY, name='aura-app2')],
        nginx=dict(HEALTHY),
        login={'status': 200, 'token': True, 'seconds': 0.05},
        me={'status': 200, 'json': {'id': 1, 'email': USER}, 'seconds': 0.01},
        item={'created_status': 201, 'title': 't1', 'read_json': {'items': [{'id': 9, 'title': 't1'}]}, 'seconds': 0.02},
        slo={'ok': True, 'requests': 300, 'p95_ms': 3.2, 'error_rate': 0.0, 'seconds': 0.4, 'targets': TARGETS},
    )
    base.update(changes)
    return base


def verdicts(release='1.1.0', prefix='', **changes):
    checks = judge(release, USER, prefix=prefix, **answers(**changes))
    return {c['name']: c for c in checks}, checks


def test_a_healthy_stack_passes_every_check_in_the_runbooks_order():
    by_name, checks = verdicts()
    assert [c['name'] for c in checks] == [
        'health_backend_aura-app1', 'release_backend_aura-app1', 'health_backend_aura-app2', 'release_backend_aura-app2',
        'health_nginx', 'db_connection', 'user_login', 'key_function_me', 'key_function_items', 'slo_sample']
    assert failed_names(checks) == []
    assert all(set(c) == {'name', 'ok', 'severity', 'detail', 'seconds'} for c in checks)
    assert by_name['health_nginx']['severity'] == 'critical' and by_name['slo_sample']['severity'] == 'high'
    assert by_name['slo_sample']['detail'] == '300 requests: p95 3.2 ms (target 200.0), errors 0.0 (max 0.01)'
    assert by_name['slo_sample']['seconds'] == 0.4


def test_a_backend_on_another_release_fails_only_its_release_check():
    other = dict(HEALTHY, name='aura-app2', json=dict(HEALTHY['json'], version='1.0.0'))
    by_name, checks = verdicts(backends=[dict(HEALTHY, name='aura-app1'), other])
    assert failed_names(checks) == ['release_backend_aura-app2']
    assert by_name['release_backend_aura-app2']['detail'] == 'answers 1.0.0, expected 1.1.0'


def test_an_unreachable_backend_fails_health_and_release_and_says_why():
    gone = {'name': 'aura-app1', 'status': -1, 'json': None, 'error': 'Connection refused'}
    by_name, checks = verdicts(backends=[gone, dict(HEALTHY, name='aura-app2')])
    assert failed_names(checks) == ['health_backend_aura-app1', 'release_backend_aura-app1']
    assert by_name['health_backend_aura-app1']['detail'] == 'HTTP -1 Connection refused'
    assert by_name['release_backend_aura-app1']['detail'] == 'answers nothing, expected 1.1.0'


def test_a_degraded_database_fails_the_health_checks_and_the_db_check():
    degraded = {'status': 503, 'json': {'status': 'degraded', 'version': '1.1.0', 'db': 'error', 'redis': 'ok'}}
    by_name, checks = verdicts(nginx=degraded, backends=[dict(degraded, name='aura-app1'), dict(degraded, name='aura-app2')])
    assert failed_names(checks) == ['health_backend_aura-app1', 'health_backend_aura-app2', 'health_nginx', 'db_connection']
    assert by_name['db_connection']['detail'] == 'db error, redis ok (as the backends report it)'


def test_the_db_check_reads_the_backends_not_nginxs_public_answer():
    # outside nginx_monitoring_allow nginx answers the status only: the database is judged from the backends' own /health
    public = {'status': 200, 'json': {'status': 'ok'}, 'seconds': 0.004}
    by_name, checks = verdicts(nginx=public)
    assert failed_names(checks) == []
    assert by_name['db_connection']['detail'] == 'db ok, redis ok (as the backends report it)'
    one = {'name': 'aura-app2', 'status': 503, 'json': {'status': 'error', 'version': '1.1.0', 'db': 'fail', 'redis': 'ok'}}
    by_name, checks = verdicts(nginx={'status': 503, 'json': {'status': 'error'}}, backends=[dict(HEALTHY, name='aura-app1'), one])
    assert failed_names(checks) == ['health_backend_aura-app2', 'health_nginx', 'db_connection']
    assert by_name['db_connection']['detail'] == 'aura-app1: db ok, redis ok; aura-app2: db fail, redis ok'
    # no backend answered: nginx's answer counts when it carries db (an allow-listed controller), else unknown
    gone = [{'name': 'aura-app1', 'status': -1, 'json': None, 'error': 'Connection refused'}]
    assert verdicts(backends=gone)[0]['db_connection']['ok']
    unknown = verdicts(backends=gone, nginx=public)[0]['db_connection']
    assert not unknown['ok'] and unknown['detail'] == 'db unknown, redis unknown (as the backends report it)'


def test_a_refused_login_fails_login_and_the_key_functions_that_need_its_token():
    by_name, checks = verdicts(login={'status': 401, 'token': False}, me={'status': 401, 'json': {'error': 'unauthorized'}},
                               item={'created_status': 401, 'title': 't1', 'read_json': {'error': 'unauthorized'}})
    assert failed_names(checks) == ['user_login', 'key_function_me', 'key_function_items']
    assert by_name['user_login']['detail'] == 'POST /api/auth/login as %s: HTTP 401' % USER
    assert by_name['key_function_items']['detail'] == 'POST /api/items: HTTP 401, read back: missing'


def test_a_200_login_without_a_token_is_not_a_login():
    dummy, checks = verdicts(login={'status': 200, 'token': False})
    assert failed_names(checks) == ['user_login']


def test_me_must_be_the_checklist_user():
    dummy, checks = verdicts(me={'status': 200, 'json': {'email': 'someone@else'}})
    assert failed_names(checks) == ['key_function_me']


def test_an_item_created_but_not_read_back_fails():
    by_name, checks = verdicts(item={'created_status': 201, 'title': 't1', 'read_json': {'items': [{'title': 'other'}]}})
    assert failed_names(checks) == ['key_function_items']
    assert by_name['key_function_items']['detail'] == 'POST /api/items: HTTP 201, read back: missing'


def test_check_mode_writes_no_item_and_says_so():
    by_name, checks = verdicts(item={'skipped': 'check mode creates no item'})
    assert failed_names(checks) == []
    assert by_name['key_function_items']['detail'] == 'not written: check mode creates no item'


def test_a_breached_or_unreachable_sample_fails_the_slo_check():
    slow = {'ok': False, 'requests': 300, 'p95_ms': 350.5, 'error_rate': 0.0, 'seconds': 1.0, 'targets': TARGETS}
    by_name, checks = verdicts(slo=slow)
    assert failed_names(checks) == ['slo_sample'] and 'p95 350.5 ms (target 200.0)' in by_name['slo_sample']['detail']
    gone = {'ok': False, 'requests': 0, 'unreachable': 'cannot connect', 'targets': TARGETS}
    by_name, checks = verdicts(slo=gone)
    assert by_name['slo_sample']['detail'] == '0 requests: unreachable (cannot connect)'
    dummy, checks = verdicts(slo={})
    assert failed_names(checks) == ['slo_sample']


def test_the_prefix_names_every_check():
    dummy, checks = verdicts(prefix='after_rollback_')
    assert all(c['name'].startswith('after_rollback_') for c in checks)
    assert backend_checks('1.1.0', [], 'smoke_') == []


def test_items_of_reads_both_answer_shapes():
    assert items_of({'items': [{'title': 'a'}]}) == [{'title': 'a'}]
    assert items_of([{'title': 'b'}]) == [{'title': 'b'}]
    assert items_of({'error': 'x'}) == [] and items_of(None) == [] and items_of('text') == []
