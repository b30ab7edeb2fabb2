"""auraflow.ops.slo_check against real HTTP servers on 127.0.0.1 with known behaviour.

The module file is executed directly, as Ansible runs it on the target (fault_servers.run_module);
the real ``ansible localhost -m auraflow.ops.slo_check`` CLI runs check mode, an argument-spec error,
one passing and one failing check. The servers are tests/integration/http_servers.py. Tolerances
are stated per test; they are about what was measured (delays, fractions, the stall), never about
how fast the machine is.
"""

import ssl
import subprocess

import pytest

from fault_servers import run_module
from http_servers import BehaviourServer, free_port

# latencies and rates are measured: these tests share one xdist worker (run with --dist loadgroup)
pytestmark = pytest.mark.xdist_group('timing')


def slo_check(check_mode=False, via_ansible=None, **args):
    """Run the module once; returns (result dict, completed process)."""
    return run_module('slo_check', args, check_mode=check_mode, via_ansible=via_ansible)


@pytest.fixture
def server():
    with BehaviourServer() as srv:
        yield srv


def test_fixed_delay_percentiles(server):
    # every answer takes 50 ms (+ scheduling); 4 connections, 80 requests
    # the passing check through the CLI
    res, proc = slo_check(url=server.url('/delay?ms=50'), requests=80, concurrency=4, objectives={'p95_ms': 2000}, via_ansible=True)
    assert proc.returncode == 0 and res['ok'] is True and res['changed'] is False
    assert res['requests'] == 80 and res['errors'] == 0 and res['error_rate'] == 0.0
    assert res['status_codes'] == {'200': 80}
    lat = res['latency_ms']
    assert 49.5 <= lat['min'] <= lat['p50'] <= lat['p90'] <= lat['p95'] <= lat['p99'] <= lat['max']
    assert lat['p50'] < 50 + 100  # tolerance for a loaded 2-core CI machine
    assert 49.5 <= lat['mean'] <= lat['max']
    assert res['breaches'] == [] and res['findings'] == []
    assert res['msg'].startswith('SLO met: 80 requests, 0 errors')


def test_known_error_fraction_and_breach(server):
    # every 10th request answers 500: exactly 50 of 500
    res, proc = slo_check(url=server.url('/fail?every=10'), requests=500, concurrency=8,
                          objectives={'max_error_rate': 0.05, 'min_availability': 0.8}, fail_on_breach=False)
    assert proc.returncode == 0 and res.get('failed') is not True
    assert res['requests'] == 500 and res['errors'] == 50
    assert res['error_rate'] == pytest.approx(0.1) and res['availability'] == pytest.approx(0.9)
    assert res['status_codes'] == {'200': 450, '500': 50}
    assert res['error_kinds'] == {'connect': 0, 'timeout': 0, 'protocol': 0, 'http': 50}
    assert res['ok'] is False
    assert res['breaches'] == [{'objective': 'max_error_rate', 'target': 0.05, 'actual': pytest.approx(0.1)}]
    assert [f['id'] for f in res['findings']] == ['slo_max_error_rate']
    assert server.served('/fail') == {'200': 450, '500': 50}  # the server saw exactly what was reported


def test_breach_fails_the_task_by_default(server):
    # the failing check through the CLI
    res, proc = slo_check(url=server.url('/delay?ms=30'), requests=20, concurrency=2, objectives={'p50_ms': 5, 'p99_ms': 5000},
                          via_ansible=True)
    assert proc.returncode != 0 and res['failed'] is True and res['ok'] is False
    assert [b['objective'] for b in res['breaches']] == ['p50_ms']
    assert res['breaches'][0]['actual'] >= 29.5
    assert 'SLO breached: p50_ms:' in res['msg'] and '> 5' in res['msg']


def test_4xx_counts_as_error(server):
    res, dummy = slo_check(url=server.url('/status?code=404'), requests=30, concurrency=3, fail_on_breach=False,
                           objectives={'max_error_rate': 0.001})
    assert res['errors'] == 30 and res['error_rate'] == 1.0 and res['status_codes'] == {'404': 30}
    assert res['error_kinds']['http'] == 30 and res['ok'] is False


def test_closed_port_is_a_result_not_a_crash():
    url = 'http://127.0.0.1:%d/health' % free_port()
    res, proc = slo_check(url=url, requests=50, concurrency=4, objectives={'p95_ms': 200, 'max_error_rate': 0.001})
    assert proc.returncode != 0 and res['failed'] is True
    assert res['ok'] is False and res['error_rate'] == 1.0 and res['availability'] == 0.0
    assert 'unreachable' in res['msg'] and 'connection refused' in res['msg'] and url in res['msg']
    assert res['error_kinds']['connect'] == res['errors'] == res['requests'] >= 1
    assert res['latency_ms']['p95'] is None
    assert res['findings'][0]['id'] == 'target_unreachable' and res['findings'][0]['severity'] == 'critical'
    # reported, not failed, when asked
    res, proc = slo_check(url=url, duration=2, concurrency=2, warmup=1, fail_on_breach=False)
    assert proc.returncode == 0 and res['ok'] is False and res['error_rate'] == 1.0 and 'unreachable' in res['msg']


def test_timeouts_are_errors_with_their_waiting_time(server):
    res, dummy = slo_check(url=server.url('/hang'), requests=4, concurrency=2, timeout=0.5, fail_on_breach=False)
    assert res['requests'] == 4 and res['errors'] == 4 and res['error_kinds']['timeout'] == 4
    assert res['status_codes'] == {}
    assert 500 <= res['latency_ms']['min'] and res['latency_ms']['max'] < 500 + 1000


def test_stall_hidden_by_closed_loop_shown_by_rate_mode():
    # the server stalls for 1 s, 1 s after the first request; both runs last 3 s with 4 connections
    with BehaviourServer(stall_after=1.0, stall_for=1.0) as srv:
        closed, dummy = slo_check(url=srv.url('/stall'), duration=3, concurrency=4)
    with BehaviourServer(stall_after=1.0, stall_for=1.0) as srv:
        opened, dummy = slo_check(url=srv.url('/stall'), duration=3, concurrency=4, rate=200)
    # closed loop: only the <= 4 requests in flight saw the stall; at > 400 requests that is < 1 %
    assert closed['mode'] == 'closed' and closed['errors'] == 0
    assert closed['requests'] > 400, closed
    assert closed['latency_ms']['max'] >= 900  # the stall happened ...
    assert closed['latency_ms']['p99'] < 500  # ... and p99 hides it (coordinated omission)
    # open loop: ~200 of ~600 requests were due during the stall and waited up to 1 s each
    assert opened['mode'] == 'open' and opened['errors'] == 0
    assert opened['requests'] == 600  # 200/s for 3 s, every scheduled request answered
    assert opened['latency_ms']['p99'] >= 800
    assert opened['latency_ms']['p90'] >= 500
    # measured from the actual send, the same run looks as good as the closed loop
    assert opened['service_time_ms']['p99'] < 500
    assert 'service_time_ms' not in closed


def test_rate_mode_keeps_to_its_schedule(server):
    res, dummy = slo_check(url=server.url('/ok'), requests=60, rate=40, concurrency=2)
    assert res['mode'] == 'open' and res['requests'] == 60 and res['errors'] == 0
    # 60 requests at 40/s: the last one is due at 1.475 s, so the run cannot be shorter
    assert res['elapsed'] >= 1.47 and res['rps'] <= 60 / 1.47


def test_duration_and_warmup(server):
    res, dummy = slo_check(url=server.url('/ok'), duration='1s', warmup='1s', concurrency=2)
    assert res['ok'] is True and res['requests'] > 0 and res['errors'] == 0
    assert 1.0 <= res['elapsed'] < 11  # stops issuing at 1 s, waits for those in flight
    assert sum(server.served('/ok').values()) > res['requests']  # warmup requests reached the server, unrecorded


def test_metrics_url_deltas_match_the_run(server):
    res, dummy = slo_check(url=server.url('/fail?every=5'), requests=300, concurrency=6, warmup=0.5,
                           metrics_url=server.url('/metrics'), fail_on_breach=False)
    srv = res['server']
    assert srv['metrics_url'] == server.url('/metrics') and 'error' not in srv
    assert srv['scope'] == 'method=GET, route=/fail'
    # read after the warmup and after the run: exactly the measured requests
    assert srv['requests'] == res['requests'] == 300
    assert srv['errors'] == res['errors'] and srv['error_rate'] == pytest.approx(res['error_rate'])
    assert srv['status_codes'] == res['status_codes']
    assert srv['histogram_observations'] == 300
    assert srv['latency_ms']['p50'] is not None and 0 < srv['latency_ms']['p50'] <= srv['latency_ms']['p99']


def test_metrics_url_failure_is_a_warning(server):
    res, proc = slo_check(url=server.url('/ok'), requests=10, metrics_url='http://127.0.0.1:%d/metrics' % free_port())
    assert proc.returncode == 0 and res['ok'] is True
    assert 'connection refused' in res['server']['error']
    assert any('metrics_url' in w for w in res.get('warnings', []))
    assert [f['id'] for f in res['findings']] == ['metrics_unavailable']


@pytest.mark.parametrize('path', ['/chunked', '/close', '/http10'])
def test_response_framings(server, path):
    res, dummy = slo_check(url=server.url(path), requests=40, concurrency=4)
    assert res['ok'] is True and res['requests'] == 40 and res['errors'] == 0 and res['status_codes'] == {'200': 40}


def test_post_body_head_and_check_mode(server):
    res, dummy = slo_check(url=server.url('/status?code=201'), method='post', body={'title': 'x'},
                           headers={'X-Probe': '1'}, requests=10, concurrency=2)
    assert res['status_codes'] == {'201': 10} and res['errors'] == 0
    res, dummy = slo_check(url=server.url('/ok'), method='HEAD', requests=10, concurrency=2)
    assert res['status_codes'] == {'200': 10}
    res, proc = slo_check(check_mode=True, url=server.url('/ok'), requests=10, concurrency=2)  # --check through the CLI
    assert proc.returncode == 0 and res['changed'] is False and res['requests'] == 10


def test_tls_with_and_without_verification(tmp_path):
    key, cert = tmp_path / 'key.pem', tmp_path / 'cert.pem'
    subprocess.run(['openssl', 'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', str(key), '-out', str(cert),
                    '-days', '1', '-subj', '/CN=127.0.0.1'], check=True, capture_output=True)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(str(cert), str(key))
    with BehaviourServer(ssl_context=context) as srv:
        res, dummy = slo_check(url=srv.url('/ok'), requests=30, concurrency=3, validate_certs=False)
        assert res['ok'] is True and res['status_codes'] == {'200': 30}
        res, dummy = slo_check(url=srv.url('/ok'), requests=5, concurrency=1, fail_on_breach=False)
        assert res['ok'] is False and res['error_rate'] == 1.0 and 'certificate' in res['msg'].lower()


@pytest.mark.parametrize('args, words', [
    ({'objectives': {'p90_ms': 100}}, 'objectives.p90_ms'),
    ({'objectives': {'max_error_rate': 5}}, 'fraction'),
    ({'requests': 10, 'duration': 5}, 'mutually exclusive'),
    ({'duration': 'soon'}, 'not a duration'),
    ({'url': 'ftp://127.0.0.1/'}, 'scheme must be http or https'),
    ({'concurrency': 0}, 'concurrency must be between'),
    ({'rate': -1}, 'rate must be a positive'),
    ({'method': 'GE T'}, 'method must be'),
])
def test_bad_input_is_an_argument_error(server, args, words):
    full = dict({'url': server.url('/ok'), 'requests': 5}, **args)
    if 'duration' in args and 'requests' not in args:
        del full['requests']
    # the argument-spec error (mutually_exclusive) as the user sees it, through the CLI
    res, proc = slo_check(via_ansible=words == 'mutually exclusive', **full)
    assert proc.returncode != 0 and res['failed'] is True
    assert words in res['msg'], res['msg']
    assert 'latency_ms' not in res  # nothing was measured
    assert sum(server.served('/ok').values()) == 0
