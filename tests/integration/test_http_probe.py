"""plugins/module_utils/http_probe.py against real servers on 127.0.0.1: the single-request API
(used by cors_audit and jwt_config_check) and the load engine's counting."""

import ssl
import subprocess

import pytest

from ansible_collections.auraflow.ops.plugins.module_utils.http_load import LoadSpec, run_load
from ansible_collections.auraflow.ops.plugins.module_utils.http_probe import ProbeError, Session, request
from http_servers import BehaviourServer, free_port

# latencies and request counts are measured: these tests share one xdist worker (run with --dist loadgroup)
pytestmark = pytest.mark.xdist_group('timing')


@pytest.fixture
def server():
    with BehaviourServer() as srv:
        yield srv


def test_request_returns_status_headers_body(server):
    resp = request(server.url('/ok'), headers={'Origin': 'https://a.example'})
    assert resp.status == 200 and resp.reason == 'OK' and resp.body == b'ok'
    assert resp.header('content-length') == '2' and resp.header('CONTENT-LENGTH') == '2'
    assert ('Content-Length', '2') in resp.headers
    assert resp.elapsed_ms > 0
    resp = request(server.url('/metrics'))
    assert resp.header('Content-Type').startswith('text/plain') and b'http_requests_total' in resp.body


def test_error_statuses_are_responses(server):
    assert request(server.url('/status?code=503')).status == 503
    assert request(server.url('/nowhere')).status == 404


def test_chunked_and_close_delimited_bodies(server):
    assert request(server.url('/chunked')).body == b'hello, world'
    assert request(server.url('/http10')).body == b'body until close'


def test_post_json_body(server):
    resp = request(server.url('/status?code=201'), method='POST', body={'a': 1})
    assert resp.status == 201


def test_session_keeps_the_connection_alive(server):
    with Session(timeout=5) as session:
        for dummy in range(5):
            assert session.request(server.url('/ok')).status == 200
    assert server.connections == 1
    with Session(timeout=5) as session:  # the server closes: the next request reconnects
        for dummy in range(3):
            assert session.request(server.url('/close')).status == 200
    assert server.connections == 1 + 3


def test_probe_errors(server):
    with pytest.raises(ProbeError) as err:
        request('http://127.0.0.1:%d/' % free_port())
    assert err.value.kind == 'connect' and 'refused' in str(err.value)
    with pytest.raises(ProbeError) as err:
        request(server.url('/hang'), timeout=0.3)
    assert err.value.kind == 'timeout' and 'timed out' in str(err.value)
    with pytest.raises(ProbeError) as err:
        request('gopher://127.0.0.1/')
    assert err.value.kind == 'url'


def test_tls_verification(tmp_path):
    key, cert = tmp_path / 'key.pem', tmp_path / 'cert.pem'
    subprocess.run(['openssl', 'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', str(key), '-out', str(cert),
                    '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'],
                   check=True, capture_output=True)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(str(cert), str(key))
    with BehaviourServer(ssl_context=context) as srv:
        with pytest.raises(ProbeError) as err:
            request(srv.url('/ok'), timeout=5)
        assert err.value.kind == 'tls' and 'certificate' in str(err.value).lower()
        assert request(srv.url('/ok'), validate_certs=False).status == 200
        assert request(srv.url('/ok'), ca_path=str(cert)).status == 200  # trusted explicitly: verified


def test_load_counts_every_request_once(server):
    result = run_load(LoadSpec(server.url('/fail?every=4'), requests=400, concurrency=7))
    assert result.requests == 400 and len(result.samples) == 400
    assert result.status_codes == {200: 300, 500: 100} and result.errors == 100
    assert server.served('/fail') == {'200': 300, '500': 100}
    assert server.connections == 7


def test_load_open_loop_sends_the_scheduled_count(server):
    result = run_load(LoadSpec(server.url('/ok'), duration=0.5, rate=100, concurrency=3))
    assert result.requests == 50 and len(result.samples) == len(result.service_samples) == 50
    assert all(s >= v - 1e-6 for s, v in zip(result.samples, result.service_samples))  # queueing only adds


def test_load_unreachable():
    result = run_load(LoadSpec('http://127.0.0.1:%d/' % free_port(), requests=100, concurrency=5))
    assert result.unreachable and 'refused' in result.unreachable
    assert not result.connected and result.requests == result.errors == result.error_kinds['connect'] == 5
