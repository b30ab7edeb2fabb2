"""A steady request probe through nginx, shared by the zero-downtime tests and benches.

GET /health (recording the version that answered) and, one request in ten, an authenticated
POST /api/items. Keep-alive connections are reused the way HTTP client libraries reuse them
(urllib3, browsers): a connection the server already closed while idle (nginx does that on
reload) is noticed before sending and replaced; it counts in `reconnects`, not as a failure.
A request that fails on a *reused* connection before any byte of a response arrived (reset, broken
pipe, closed without response: the server closed the idle connection while the request was on its
way) is sent once more on a new connection, as browsers do (RFC 9112 section 9.3.1); it counts in
`resent`. Every other error - any failure on a fresh connection, a failed resend, a timeout, an
unexpected status such as nginx's 502/503 - counts as failed and is never retried."""

import http.client
import json
import select
import ssl
import threading
import time


def https_factory(host, port, cafile=None):
    """Connections to host:port over TLS, verified against cafile (or unverified without one)."""
    if cafile:
        context = ssl.create_default_context(cafile=cafile)
    else:
        context = ssl.create_default_context()
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE

    def connect():
        return http.client.HTTPSConnection(host, port, context=context, timeout=10)
    return connect


def login(connect, email, password):
    """A bearer token for the user, or an AssertionError with the answer."""
    conn = connect()
    try:
        conn.request('POST', '/api/auth/login', body=json.dumps({'email': email, 'password': password}),
                     headers={'Content-Type': 'application/json'})
        response = conn.getresponse()
        data = response.read()
    finally:
        conn.close()
    assert response.status == 200, 'login: HTTP %d %s' % (response.status, data[:200])
    return json.loads(data)['token']


# How a reused keep-alive connection that the server closed looks when a request races the close.
STALE = (ConnectionResetError, BrokenPipeError, http.client.RemoteDisconnected)


def writes(index):
    """Whether request number `index` is the write (POST /api/items): one request in ten; the others GET /health."""
    return index % 10 == 0


class Probe:
    """`with Probe(connect, token, rate=150) as probe: ...` then probe.sent, probe.failed, probe.errors."""

    def __init__(self, connect, token, rate=150, workers=6):
        self.connect = connect
        self.token = token
        self.rate = rate
        self.workers = workers
        self.stop = threading.Event()
        self.lock = threading.Lock()
        self.sent = self.failed = self.reconnects = self.resent = 0
        self.errors = []
        self.resent_errors = []
        self.versions = []  # (monotonic time, version)
        self.threads = []
        self.started = self.seconds = 0.0

    def _one(self, conn, index):
        if writes(index):
            body = json.dumps({'title': 'probe %d' % index})
            conn.request('POST', '/api/items', body=body,
                         headers={'Authorization': 'Bearer ' + self.token, 'Content-Type': 'application/json'})
            expected = 201
        else:
            conn.request('GET', '/health')
            expected = 200
        response = conn.getresponse()
        data = response.read()
        if response.status != expected:
            raise RuntimeError('HTTP %d %s' % (response.status, data[:200]))
        if expected == 200:
            return json.loads(data)['version']
        return None

    def _worker(self, offset):
        period = self.workers / float(self.rate)
        conn, used = self.connect(), False
        due = time.monotonic() + offset * period / self.workers
        index = offset
        while not self.stop.is_set():
            time.sleep(max(0.0, due - time.monotonic()))
            due += period
            index += self.workers
            if conn.sock is not None and select.select([conn.sock], [], [], 0)[0]:
                conn.close()  # closed by the server while idle: open a new one, as client libraries do
                conn, used = self.connect(), False
                with self.lock:
                    self.reconnects += 1
            try:
                try:
                    version = self._one(conn, index)
                except STALE as exc:
                    if not used:
                        raise
                    conn.close()  # the idle connection died under the request: send it once more
                    conn, used = self.connect(), False
                    with self.lock:
                        self.resent += 1
                        if len(self.resent_errors) < 20:
                            self.resent_errors.append('%s: %s' % (type(exc).__name__, exc))
                    version = self._one(conn, index)
                used = True
                with self.lock:
                    self.sent += 1
                    if version:
                        self.versions.append((time.monotonic(), version))
            except (OSError, http.client.HTTPException, RuntimeError, ValueError) as exc:
                with self.lock:
                    self.sent += 1
                    self.failed += 1
                    if len(self.errors) < 20:  # when (s after the probe started), which request, what
                        what = 'POST /api/items' if writes(index) else 'GET /health'
                        self.errors.append('%.1fs %s: %s: %s' % (time.monotonic() - self.started, what, type(exc).__name__, exc))
                conn.close()
                conn, used = self.connect(), False
        conn.close()

    def __enter__(self):
        self.started = time.monotonic()
        for offset in range(self.workers):
            thread = threading.Thread(target=self._worker, args=(offset,), daemon=True)
            thread.start()
            self.threads.append(thread)
        return self

    def __exit__(self, *exc):
        self.stop.set()
        for thread in self.threads:
            thread.join(15)
        self.seconds = time.monotonic() - self.started

    def switch_window(self, old, new):
        """Seconds between the first answer from `new` and the last from `old` (both served meanwhile)."""
        first_new = min((t for t, v in self.versions if v == new), default=None)
        last_old = max((t for t, v in self.versions if v == old), default=None)
        if first_new is None or last_old is None:
            return None
        return max(0.0, last_old - first_new)

    def report(self, label, old=None, new=None, playbook_seconds=None):
        """One line with the measured numbers."""
        window = self.switch_window(old, new) if old else None
        return ('zero-downtime %s: %d requests in %.1fs (%.0f req/s), %d failed, %d idle connections closed by nginx, '
                '%d resent after the server closed a reused connection under them; playbook %.1fs; both versions served for %s'
                % (label, self.sent, self.seconds, self.sent / max(self.seconds, 0.001), self.failed, self.reconnects, self.resent,
                   playbook_seconds or 0, '%.1fs' % window if window is not None else 'n/a'))
