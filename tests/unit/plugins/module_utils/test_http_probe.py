"""Unit tests for the pure parts of plugins/module_utils/http_probe.py (the HTTP client): URL
targets and Response accessors. The load engine's are in test_http_load.py; network behaviour is
tested in tests/integration."""

import pytest

from ansible_collections.auraflow.ops.plugins.module_utils.http_probe import ProbeError, Response, Target


def test_target_parts_and_host_header():
    t = Target('http://127.0.0.1:8080/health?x=1')
    assert (t.scheme, t.host, t.port, t.path, t.host_header) == ('http', '127.0.0.1', 8080, '/health?x=1', '127.0.0.1:8080')
    t = Target('HTTPS://example.invalid')
    assert (t.scheme, t.port, t.path, t.host_header) == ('https', 443, '/', 'example.invalid')
    t = Target('http://[::1]:81/a')
    assert (t.host, t.host_header) == ('::1', '[::1]:81')


@pytest.mark.parametrize('url', ['', 'ftp://x/', 'http:///path', 'http://host:99999/', 'localhost:80', None])
def test_target_rejects_bad_urls(url):
    with pytest.raises(ProbeError) as err:
        Target(url)
    assert err.value.kind == 'url'


def test_response_headers_case_insensitive_and_repeated():
    resp = Response(200, 'OK', [('Set-Cookie', 'a=1'), ('Vary', 'Origin'), ('set-cookie', 'b=2')], b'{"x": 1}', 1.5)
    assert resp.header('VARY') == 'Origin'
    assert resp.header('missing') is None
    assert resp.header_values('Set-Cookie') == ['a=1', 'b=2']
    assert resp.json() == {'x': 1}
    with pytest.raises(ProbeError):
        Response(200, 'OK', [], b'<html>', 1.0).json()
