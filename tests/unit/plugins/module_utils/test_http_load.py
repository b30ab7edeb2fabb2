"""Unit tests for the pure parts of plugins/module_utils/http_load.py (the load engine): the
request bytes, the load shape checks and the incremental HTTP/1.1 response parser (fed byte by
byte and in one piece). Network behaviour is tested in tests/integration."""

import pytest

from ansible_collections.auraflow.ops.plugins.module_utils.http_load import LoadSpec, _Conn
from ansible_collections.auraflow.ops.plugins.module_utils.http_probe import ProbeError


def test_request_bytes():
    spec = LoadSpec('http://127.0.0.1:3001/api/items?a=b', method='post', headers={'Authorization': 'Bearer t'},
                    body={'title': 'x'}, requests=1)
    raw = spec.request_bytes()
    head, body = raw.split(b'\r\n\r\n', 1)
    lines = head.split(b'\r\n')
    assert lines[0] == b'POST /api/items?a=b HTTP/1.1'
    assert b'Host: 127.0.0.1:3001' in lines
    assert b'Content-Type: application/json' in lines
    assert b'Authorization: Bearer t' in lines
    assert b'Content-Length: %d' % len(body) in lines
    assert body == b'{"title": "x"}'
    plain = LoadSpec('http://h/', headers={'host': 'other', 'Accept': 'text/plain'}, requests=1).request_bytes()
    assert plain.startswith(b'GET / HTTP/1.1\r\n') and plain.count(b'Host') + plain.count(b'host') == 1
    assert b'Accept: */*' not in plain and plain.endswith(b'\r\n\r\n')
    with pytest.raises(ValueError):
        LoadSpec('http://h/', headers={'X': 'a\r\nInjected: 1'}, requests=1).request_bytes()


@pytest.mark.parametrize('kwargs', [
    {}, {'requests': 1, 'duration': 1}, {'requests': 0}, {'duration': -1}, {'requests': 1, 'concurrency': 0},
    {'requests': 1, 'rate': 0}, {'requests': 1, 'timeout': 0},
])
def test_load_spec_rejects_bad_shapes(kwargs):
    with pytest.raises(ValueError):
        LoadSpec('http://h/', **kwargs)


def test_load_spec_rejects_a_bad_url():
    with pytest.raises(ProbeError) as err:
        LoadSpec('ftp://h/', requests=1)
    assert err.value.kind == 'url'


class Recorder:
    """The run's side of the parser: records what the connection reports."""

    payload = b'GET / HTTP/1.1\r\n\r\n'

    def __init__(self, head_method=False):
        self.head_method = head_method
        self.events = []
        self.written = []

    def answered(self, conn):
        self.events.append(('answered', conn.status, conn.keep_alive))

    def failed(self, conn, kind, message, timed_out=False):
        conn.busy = False
        self.events.append(('failed', kind))

    def write(self, conn, data):
        self.written.append(data)

    def release(self, conn):
        conn.state = _Conn.CLOSED
        conn.buf.clear()

    def connect(self, conn):
        raise AssertionError('no connect expected')


def feed(raw, byte_by_byte, head_method=False):
    run = Recorder(head_method)
    conn = _Conn(run)
    conn.state = _Conn.OPEN
    conn.send(0.0, True)
    assert run.written == [Recorder.payload]
    chunks = [raw[i:i + 1] for i in range(len(raw))] if byte_by_byte else [raw]
    for chunk in chunks:
        conn.on_data(chunk)
    return run.events, conn


def lost(conn):
    conn.run.release(conn)
    conn.on_lost()


RESPONSES = [
    (b'HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello', ('answered', 200, True)),
    (b'HTTP/1.1 503 Service Unavailable\r\ncontent-length: 0\r\nConnection: close\r\n\r\n', ('answered', 503, False)),
    (b'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n7;ext=1\r\n, world\r\n0\r\n\r\n', ('answered', 200, True)),
    (b'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\nX-Trailer: 1\r\n\r\n', ('answered', 200, True)),
    (b'HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 Created\r\nContent-Length: 2\r\n\r\nok', ('answered', 201, True)),
    (b'HTTP/1.1 204 No Content\r\n\r\n', ('answered', 204, True)),
    (b'HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok', ('answered', 200, False)),
    (b'HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 2\r\n\r\nok', ('answered', 200, True)),
]


@pytest.mark.parametrize('byte_by_byte', [False, True])
@pytest.mark.parametrize('raw, expected', RESPONSES)
def test_parser_completes_each_response_once(raw, expected, byte_by_byte):
    events, conn = feed(raw, byte_by_byte)
    assert events == [expected]
    assert not conn.busy and not conn.buf


def test_parser_waits_for_the_whole_body():
    events, conn = feed(b'HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nhello', False)
    assert events == [] and conn.busy
    conn.on_data(b'world')
    assert events == [('answered', 200, True)]


def test_parser_head_has_no_body():
    events, dummy = feed(b'HTTP/1.1 200 OK\r\nContent-Length: 1234\r\n\r\n', False, head_method=True)
    assert events == [('answered', 200, True)]


def test_parser_body_until_close():
    events, conn = feed(b'HTTP/1.0 200 OK\r\n\r\nsome body', True)
    assert events == [] and conn.busy
    lost(conn)
    assert events == [('answered', 200, False)]


@pytest.mark.parametrize('raw, kind', [
    (b'SSH-2.0-OpenSSH_9.2\r\n\r\n', 'protocol'),
    (b'HTTP/1.1 abc OK\r\n\r\n', 'protocol'),
    (b'HTTP/1.1 200 OK\r\nContent-Length: x\r\n\r\n', 'protocol'),
    (b'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n', 'protocol'),
])
def test_parser_rejects_garbage(raw, kind):
    events, dummy = feed(raw, False)
    assert events == [('failed', kind)]


def test_connection_lost_mid_response_is_a_protocol_error():
    events, conn = feed(b'HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nhel', False)
    lost(conn)
    assert events == [('failed', 'protocol')]
