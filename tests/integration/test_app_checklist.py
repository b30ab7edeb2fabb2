"""auraflow.ops.app_checklist against the real reference backend on 127.0.0.1 (its own PostgreSQL and Redis).

The backend answers as it does behind nginx on the lab (the checklist only needs its HTTP API): the right
release and account pass every check and an item really lands in the database; a wrong password, another
release, an unreachable URL are each named by their check while the task itself still succeeds; check
mode writes nothing; bad input fails clearly before any request; the password never shows, even at -vvvvvv.
"""

import json
import urllib.request

import pytest

from conftest import require
from fault_servers import ReferenceBackend, backend_available, free_port, run_module, run_verbose

RELEASE = '2.0.0'
DEMO = {'email': 'demo@aura-flow.local', 'password': 'aura-demo-2024'}
SECRET = 'Qm4-zT8xLp2Wc7Kv9Hn1Ps6Dy3Ga0Ej5' + 'RbU8'


@pytest.fixture(scope='module')
def backend():
    reason = backend_available()
    require(reason and 'reference backend cannot run here: %s' % reason)
    with ReferenceBackend({'JWT_SECRET': SECRET, 'JWT_EXPIRES_IN': '15m', 'APP_VERSION': RELEASE,
                           'CORS_ORIGIN': 'https://app.aura-flow.test'}) as srv:
        yield srv


def own_health(srv, name='aura-app1'):
    """The backend's /health as the role's uri loop registers it (loop item = the host)."""
    with urllib.request.urlopen(srv.url('/health'), timeout=5) as resp:
        body = json.loads(resp.read())
        return {'rollout_checklist_app': name, 'ansible_loop_var': 'rollout_checklist_app', 'status': resp.status,
                'json': body, 'elapsed': 0, 'msg': 'OK'}


def args(srv, **changes):
    out = {'url': srv.url('').rstrip('/'), 'release': RELEASE, 'user': DEMO['email'], 'password': DEMO['password'],
           'backends': [own_health(srv)], 'slo_requests': 50}
    out.update(changes)
    return out


def items(srv):
    login = urllib.request.Request(srv.url('/api/auth/login'), data=json.dumps(DEMO).encode(),
                                   headers={'Content-Type': 'application/json'}, method='POST')
    with urllib.request.urlopen(login, timeout=5) as resp:
        token = json.loads(resp.read())['token']
    read = urllib.request.Request(srv.url('/api/items'), headers={'Authorization': 'Bearer ' + token})
    with urllib.request.urlopen(read, timeout=5) as resp:
        return [item['title'] for item in json.loads(resp.read())['items']]


def names(result, ok=True):
    return [c['name'] for c in result['checks'] if c['ok'] is ok]


def test_a_working_backend_passes_every_check_and_the_item_is_in_the_database(backend):
    result, dummy = run_module('app_checklist', args(backend, item_title='checklist test item', prefix='smoke_'))
    assert result['ok'] and not result['changed'] and result['failed_checks'] == [], result
    assert names(result) == ['smoke_health_backend_aura-app1', 'smoke_release_backend_aura-app1', 'smoke_health_nginx',
                             'smoke_db_connection', 'smoke_user_login', 'smoke_key_function_me', 'smoke_key_function_items',
                             'smoke_slo_sample']
    assert 'checklist test item' in items(backend)
    assert result['objectives'] == {'p95_ms': 200.0, 'max_error_rate': 0.01}
    assert result['msg'] == 'checklist passed: 8 checks'


def test_a_wrong_password_is_named_and_the_task_still_succeeds(backend):
    result, proc = run_module('app_checklist', args(backend, password='not-the-password'), via_ansible=True)
    assert proc.returncode == 0 and not result['ok']
    assert result['failed_checks'] == ['user_login', 'key_function_me', 'key_function_items'], result
    assert 'not-the-password' not in json.dumps(result)


def test_another_release_on_the_backend_fails_its_release_check(backend):
    result, dummy = run_module('app_checklist', args(backend, release='2.0.1'))
    assert result['failed_checks'] == ['release_backend_aura-app1']
    assert [c['detail'] for c in result['checks'] if c['name'] == 'release_backend_aura-app1'] == ['answers 2.0.0, expected 2.0.1']


def test_nothing_answering_fails_every_check_through_the_entry_without_a_crash(backend):
    gone = 'http://127.0.0.1:%d' % free_port()
    result, proc = run_module('app_checklist', args(backend, url=gone))
    assert proc.returncode == 0 and not result['ok']
    # asked on the host itself: the backend, its release and the database it reports
    assert names(result) == ['health_backend_aura-app1', 'release_backend_aura-app1', 'db_connection']
    assert [c['detail'] for c in result['checks'] if c['name'] == 'health_nginx'][0].startswith('HTTP -1 connection refused by 127.0.0.1:')


def test_check_mode_creates_no_item(backend):
    before = items(backend)
    result, dummy = run_module('app_checklist', args(backend, item_title='never written'), check_mode=True)
    assert result['ok'] and not result['changed'], result
    assert [c['detail'] for c in result['checks'] if c['name'] == 'key_function_items'] == ['not written: check mode creates no item']
    assert items(backend) == before


@pytest.mark.parametrize('change, message', [
    ({'url': 'aura-flow.example.com'}, "url must start with http:// or https://, got 'aura-flow.example.com'"),
    ({'slo_requests': 0}, 'slo_requests must be at least 1, got 0'),
    ({'max_error_rate': 2}, 'objective max_error_rate is a fraction between 0 and 1'),
])
def test_bad_input_fails_clearly_before_any_request(backend, change, message):
    before = items(backend)
    result, proc = run_module('app_checklist', args(backend, **change))
    assert result.get('failed') and message in result['msg'] and proc.returncode == 1, result
    assert items(backend) == before


def test_the_password_never_shows_even_at_the_highest_verbosity(backend):
    out, proc = run_verbose('app_checklist', args(backend, slo_requests=5))
    assert proc.returncode == 0, out[-2000:]
    assert DEMO['password'] not in out
