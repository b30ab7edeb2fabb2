"""auraflow.ops.cors_audit against real HTTP servers on 127.0.0.1 and against the reference backend.

Every finding id has a server in fault_servers.CORS_SERVERS with exactly that fault; the audit must
report that id and nothing else above info. Clean servers must report nothing above info (a false
positive is a bug). The module file is executed directly, as Ansible runs it on the target
(fault_servers.run_module); the real ``ansible localhost -m auraflow.ops.cors_audit`` CLI runs only what
the wrapper alone shows: check mode, an argument-spec error, one passing and one failing audit.
"""

import pytest

from conftest import require
from fault_servers import ALLOWED, ALLOWED_PORTS, CORS_SERVERS, PREFLIGHT_ONLY, STAGING, ReferenceBackend, backend_available, cors_server, free_port, run_module

# id -> (severity, does the default fail_on=high fail the task)
EXPECTED = {
    'origin_reflected': 'critical',
    'null_origin_allowed': 'high',
    'prefix_match': 'high',
    'suffix_match': 'high',
    'unescaped_dot': 'high',
    'subdomain_trust': 'medium',
    'http_origin_on_https': 'medium',
    'wildcard_with_credentials': 'high',
    'wildcard_origin': 'medium',
    'missing_vary_origin': 'medium',
    'preflight_too_broad': 'medium',
    'allowed_origin_rejected': 'high',
    'extra_origin_allowed': 'high',
}


def audit(url, check_mode=False, via_ansible=None, **args):
    params = {'url': url, 'allowed_origins': list(ALLOWED)}
    params.update(args)
    return run_module('cors_audit', params, check_mode=check_mode, via_ansible=via_ansible)


def above_info(result):
    return sorted(f['id'] for f in result['findings'] if f['severity'] != 'info')


def test_every_finding_id_has_a_fault_server():
    clean = {'clean', 'clean_generous', 'clean_minimal', 'clean_port_prefix', 'clean_public'}
    assert set(EXPECTED) == set(CORS_SERVERS) - clean - set(PREFLIGHT_ONLY.values())


@pytest.mark.parametrize('fault', sorted(EXPECTED))
def test_one_fault_is_found_and_nothing_else(fault):
    extra = {'extra_origins': [STAGING]} if fault == 'extra_origin_allowed' else {}
    with cors_server(fault) as srv:
        # one failing audit through the real CLI
        res, proc = audit(srv.url('/api/items'), via_ansible=fault == 'origin_reflected', **extra)
        seen = list(srv.seen)
    assert above_info(res) == [fault], res['findings']
    finding = [f for f in res['findings'] if f['id'] == fault][0]
    assert finding['severity'] == EXPECTED[fault]
    evidence = finding['evidence']
    assert evidence['origin'] and isinstance(evidence['headers'], dict) and isinstance(evidence['status'], int)
    assert finding['message']
    assert res['changed'] is False and res['probes'] == len(seen) >= 20
    failing = EXPECTED[fault] in ('high', 'critical')
    assert res['ok'] is not failing and (proc.returncode != 0) is failing and bool(res.get('failed')) is failing
    if failing:
        assert fault in res['msg']


@pytest.mark.parametrize('fault', sorted(PREFLIGHT_ONLY))
def test_a_fault_only_in_the_preflight_handler_is_found(fault):
    with cors_server(PREFLIGHT_ONLY[fault]) as srv:
        res, dummy = audit(srv.url('/api/items'), fail_on='none')
        preflights = [req for req in srv.seen if req[0] == 'OPTIONS']
    assert above_info(res) == [fault], res['findings']
    finding = res['findings'][0]
    assert finding['severity'] == EXPECTED[fault]
    assert finding['evidence']['method'] == 'OPTIONS'
    # every crafted origin went as a preflight too
    assert len(preflights) >= 2 * len(ALLOWED) + 10


def test_declared_methods_count():
    # the user says the frontend sends PUT and DELETE: a preflight granting only GET, POST is the outage
    with cors_server('clean_minimal') as srv:
        res, dummy = audit(srv.url('/api/items'), methods=['GET', 'POST', 'PUT', 'DELETE'], fail_on='none')
    assert above_info(res) == ['allowed_origin_rejected', 'allowed_origin_rejected']
    assert 'preflight PUT: method PUT not in Access-Control-Allow-Methods' in res['findings'][0]['evidence']['problems']


def test_evidence_names_the_origin_and_headers():
    with cors_server('null_origin_allowed') as srv:
        res, dummy = audit(srv.url('/api/items'), fail_on='none')
    finding = res['findings'][0]
    assert finding['evidence']['origin'] == 'null'
    assert finding['evidence']['headers']['access-control-allow-origin'] == 'null'
    assert finding['evidence']['headers']['access-control-allow-credentials'] == 'true'
    assert finding['evidence']['credentials'] is True
    with cors_server('prefix_match') as srv:
        res, dummy = audit(srv.url('/api/items'), fail_on='none')
    # http://localhost:5173 has a port: "http://localhost:5173.auraflow-probe.invalid" is no origin a browser sends
    assert sorted(res['findings'][0]['evidence']['origins']) == ['https://app.example.com.auraflow-probe.invalid']
    with cors_server('allowed_origin_rejected') as srv:
        res, dummy = audit(srv.url('/api/items'), fail_on='none')
    rejected = res['findings'][0]
    assert rejected['evidence']['origin'] == 'https://app.example.com'
    assert rejected['evidence']['problems'][0] == 'GET: no Access-Control-Allow-Origin'
    assert 'https://app.example.com' in rejected['message']


@pytest.mark.parametrize('name', ['clean', 'clean_generous', 'clean_minimal', 'clean_port_prefix', 'clean_public'])
def test_clean_servers_have_nothing_above_info(name):
    # clean_minimal: the default methods are the CORS-safelisted ones; PUT/DELETE count once declared
    # clean_port_prefix: the allowed origins carry ports, which only more digits (another port of the host) extend
    args = {'allowed_origins': list(ALLOWED_PORTS)} if name == 'clean_port_prefix' else {}
    with cors_server(name) as srv:
        # one passing audit through the real CLI
        res, proc = audit(srv.url('/api/items'), via_ansible=name == 'clean', **args)
    assert proc.returncode == 0 and res['ok'] is True and res['changed'] is False
    assert above_info(res) == [], res['findings']
    assert res['summary']['failed'] == 0
    assert 'above info' in res['msg']


def test_check_mode_runs_the_same_probes():
    with cors_server('missing_vary_origin') as srv:
        res, proc = audit(srv.url('/api/items'), check_mode=True)  # --check through the CLI
        assert srv.seen  # the probes were sent
    assert proc.returncode == 0 and res['changed'] is False and above_info(res) == ['missing_vary_origin']


def test_fail_on_threshold():
    with cors_server('missing_vary_origin') as srv:
        res, proc = audit(srv.url('/api/items'), fail_on='medium')
        assert proc.returncode != 0 and res['failed'] is True and res['ok'] is False
        assert res['summary']['failed'] == 1 and res['summary']['fail_on'] == 'medium'
        res, proc = audit(srv.url('/api/items'), fail_on='critical')
        assert proc.returncode == 0 and res['ok'] is True
    with cors_server('origin_reflected') as srv:
        res, proc = audit(srv.url('/api/items'), fail_on='none')
    assert proc.returncode == 0 and res['ok'] is True and res['summary']['highest'] == 'critical'


def test_custom_methods_and_headers():
    # the server grants GET, POST, PUT, DELETE: asking for PATCH is the outage
    with cors_server('clean') as srv:
        res, proc = audit(srv.url('/api/items'), methods=['GET', 'PATCH'], request_headers=['Authorization'], fail_on='none')
    assert above_info(res) == ['allowed_origin_rejected', 'allowed_origin_rejected']
    assert 'preflight PATCH: method PATCH not in Access-Control-Allow-Methods' in res['findings'][0]['evidence']['problems']


@pytest.mark.parametrize('args, message', [
    ({'allowed_origins': ['https://app.example.com/']}, 'allowed_origins: not an origin'),
    ({'allowed_origins': []}, 'allowed_origins: give at least one origin'),
    ({'extra_origins': ['https://app.example.com']}, 'extra_origins: https://app.example.com is also in allowed_origins'),
    ({'methods': ['GET POST']}, 'methods:'),
    ({'url': 'ftp://127.0.0.1/x'}, 'url: invalid URL'),
    ({'fail_on': 'urgent'}, 'fail_on'),
])
def test_bad_input_fails_cleanly(args, message):
    params = {'url': 'http://127.0.0.1:9/api', 'allowed_origins': list(ALLOWED)}
    params.update(args)
    # the argument-spec error (choices) as the user sees it, through the CLI; the module's own checks directly
    res, proc = run_module('cors_audit', params, via_ansible='fail_on' in args)
    assert proc.returncode != 0 and res['failed'] is True
    assert message in res['msg'], res['msg']


def test_unreachable_url_is_a_clear_failure():
    url = 'http://127.0.0.1:%d/api' % free_port()
    res, proc = audit(url)
    assert proc.returncode != 0 and res['failed'] is True and res['ok'] is False
    assert 'connection refused' in res['msg'] and url in res['msg']


# -- the real reference backend ------------------------------------------------------------------

FRONTENDS = ['https://app.aura-flow.test', 'http://localhost:5173']


@pytest.fixture(scope='module')
def backend():
    reason = backend_available()
    require(reason and 'reference backend cannot run here: %s' % reason)
    with ReferenceBackend({'JWT_SECRET': 'Zq4t-backend-cors-' + 'x9Lr2Vb7Nc5Mw8Ke3Jd6Hf1Gs4Pa0Ty' , 'JWT_EXPIRES_IN': '15m',
                           'CORS_ORIGIN': ','.join(FRONTENDS)}) as srv:
        yield srv


def test_reference_backend_is_clean(backend):
    for path in ('/api/me', '/api/items', '/health'):
        res, proc = run_module('cors_audit', {'url': backend.url(path), 'allowed_origins': FRONTENDS,
                                              'extra_origins': ['https://staging.aura-flow.test']})
        assert proc.returncode == 0 and res['ok'] is True, res
        assert above_info(res) == [], res['findings']
        # it grants PATCH (and OPTIONS) besides the methods asked: reported as info only
        assert [(f['id'], f['severity']) for f in res['findings']] == [('preflight_too_broad', 'info')]


def test_reference_backend_outage_when_the_frontend_is_not_whitelisted(backend):
    # the runbook's "CORS error": the frontend moved to a new origin that CORS_ORIGIN does not list
    res, proc = run_module('cors_audit', {'url': backend.url('/api/me'), 'allowed_origins': FRONTENDS + ['https://new.aura-flow.test']})
    assert proc.returncode != 0 and res['failed'] is True
    assert above_info(res) == ['allowed_origin_rejected']
    assert res['findings'][0]['evidence']['origin'] == 'https://new.aura-flow.test'
