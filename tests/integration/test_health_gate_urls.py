"""auraflow.ops.health_gate with ``urls`` against real HTTP servers: what the module adds to
plugins/module_utils/health_gate.py's gate_all (unit-tested there) - one run gates every URL side by side, keeps
their order, judges each by the same rule (a good answer, a 503, a closed port), reports changed=false, and
names bad input without a traceback.

The module file is executed directly, as Ansible runs it on the target (fault_servers.run_direct); the real
``ansible localhost -c local -m auraflow.ops.health_gate`` CLI runs check mode and the argument errors.
"""

import http.server
import json
import threading

from fault_servers import free_port, run_ansible, run_direct


class Inflight:
    """How many requests the servers were answering at once (most)."""

    def __init__(self):
        self.lock, self.now, self.most = threading.Lock(), 0, 0

    def enter(self):
        with self.lock:
            self.now += 1
            self.most = max(self.most, self.now)

    def leave(self):
        with self.lock:
            self.now -= 1


def serve(status, version, inflight, delay):
    """A threaded /health server on a free loopback port: (url, server)."""
    answered = threading.Event()

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 (http.server's name)
            inflight.enter()
            try:
                # the first request of every server waits until each server got one: they can only all arrive
                # when the module asks them side by side (one after another, the first would time out here)
                answered.wait(delay)
                body = json.dumps({'status': 'ok' if status == 200 else 'down', 'version': version}).encode()
                self.send_response(status)
                self.send_header('Content-Type', 'application/json')
                self.send_header('Content-Length', str(len(body)))
                self.end_headers()
                self.wfile.write(body)
            finally:
                inflight.leave()

        def log_message(self, *args):
            pass

    port = free_port()
    server = http.server.ThreadingHTTPServer(('127.0.0.1', port), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return 'http://127.0.0.1:%d/health' % port, server, answered


def inflight_wait(inflight, count):
    """Block until ``count`` requests are in flight at once (at most 5 s)."""
    event = threading.Event()
    for dummy in range(500):
        if inflight.most >= count:
            return
        event.wait(0.01)


def test_one_run_gates_every_url_side_by_side_in_order():
    inflight = Inflight()
    good, good_server, good_seen = serve(200, '1.0.0', inflight, 2)
    down, down_server, down_seen = serve(503, '1.0.0', inflight, 2)
    closed = 'http://127.0.0.1:%d/health' % free_port()
    # each server lets its requests go once the other one has a request too
    threading.Thread(target=lambda: (inflight_wait(inflight, 2), good_seen.set(), down_seen.set()), daemon=True).start()
    try:
        result, proc = run_direct('health_gate', {'urls': [good, down, closed], 'expect_version': '1.0.0', 'successes': 1,
                                                  'max_failures': 0, 'interval': 0.1, 'timeout': 5, 'startup_timeout': 0.5,
                                                  'request_timeout': 3})
    finally:
        good_server.shutdown()
        down_server.shutdown()
    assert proc.returncode == 0 and result['changed'] is False, proc.stdout + proc.stderr
    assert [g['url'] for g in result['gates']] == [good, down, closed]
    assert [g['passed'] for g in result['gates']] == [True, False, False]
    assert result['gates'][1]['last_status'] == 503 and result['gates'][2]['last_status'] is None
    assert result['passed'] is False and result['ok'] is False
    assert result['message'].startswith('1 of 3 passed; not: %s' % down)
    assert inflight.most >= 2


def test_check_mode_and_bad_input_through_ansible():
    url, server, seen = serve(200, '2.0.0', Inflight(), 0)
    seen.set()
    try:
        result, _proc = run_ansible('health_gate', {'urls': [url], 'successes': 1, 'max_failures': 0, 'timeout': 5}, check_mode=True)
    finally:
        server.shutdown()
    assert result['changed'] is False and result['passed'] is True
    assert json.loads(result['gates'][0]['last_body'])['version'] == '2.0.0'
    result, _proc = run_ansible('health_gate', {'url': url, 'urls': [url]})
    assert result['failed'] and result['msg'] == 'parameters are mutually exclusive: url|urls'
    result, _proc = run_ansible('health_gate', {'successes': 1})
    assert result['failed'] and result['msg'] == 'one of the following is required: url, urls'
    result, proc = run_direct('health_gate', {'urls': []})
    assert proc.returncode == 1 and result['msg'] == 'health_gate: urls is empty - give at least one URL'
    result, proc = run_direct('health_gate', {'urls': [url, 'ftp://example.invalid/health']})
    assert proc.returncode == 1 and 'Traceback' not in proc.stderr
    assert result['msg'] == "health_gate: urls must be an http:// or https:// URL, got 'ftp://example.invalid/health'"
