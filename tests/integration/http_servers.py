"""Small real HTTP/1.1 servers on 127.0.0.1 with known behaviour, for the slo_check tests.

``BehaviourServer`` runs an asyncio server in a background thread (its own event loop), speaks
HTTP/1.1 keep-alive, and answers by path:

    /ok                  200 "ok"
    /delay?ms=N          200 after N ms
    /fail?every=N        500 for every N-th request to this path (1st..N-1th 200, N-th 500, ...),
                         so the error fraction is exactly 1/N over any multiple of N requests
    /status?code=N       that status
    /stall               200 at once, except that requests arriving during the stall window are
                         held until it ends; the window opens ``stall_after`` s after the first
                         /stall request and lasts ``stall_for`` s (a GC pause / a hung backend)
    /chunked             200 with a chunked body (and a trailer)
    /close               200 with ``Connection: close``
    /http10              HTTP/1.0 answer without Content-Length (body ends at the close)
    /hang                never answers
    /metrics             Prometheus text like the reference backend's: http_requests_total
                         {method,route,status} and the http_request_duration_seconds histogram
                         of every request served so far (the /metrics reads included)

With ``ssl_context`` (a server-side ``ssl.SSLContext``) it speaks HTTPS.
``free_port()`` gives a port nothing listens on (for the closed-port case).
"""

import asyncio
import socket
import threading
import time
from urllib.parse import parse_qs, urlsplit

BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10)
REASONS = {200: 'OK', 204: 'No Content', 404: 'Not Found', 500: 'Internal Server Error', 503: 'Service Unavailable'}


def free_port():
    """A loopback TCP port that nothing listens on (bound, then released)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(('127.0.0.1', 0))
        return sock.getsockname()[1]


class BehaviourServer:
    """A real HTTP server with scripted faults; use as a context manager (``.url(path)``)."""

    def __init__(self, stall_after=1.0, stall_for=1.0, ssl_context=None):
        self.ssl_context = ssl_context
        self.stall_after = stall_after
        self.stall_for = stall_for
        self.stall_start = None
        self.counters = {}         # path -> requests seen (for /fail)
        self.requests = {}         # (method, route, status) -> count
        self.histograms = {}       # (method, route) -> [bucket counts..., sum, count]
        self.connections = 0
        self.port = None
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._server = None

    # -- lifecycle
    def __enter__(self):
        self._thread.start()
        self._server = asyncio.run_coroutine_threadsafe(
            asyncio.start_server(self._client, '127.0.0.1', 0, backlog=1024, ssl=self.ssl_context), self._loop).result(10)
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    def __exit__(self, *exc_info):
        async def shutdown():
            self._server.close()
            for task in asyncio.all_tasks():
                if task is not asyncio.current_task():
                    task.cancel()
        asyncio.run_coroutine_threadsafe(shutdown(), self._loop).result(10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)

    def url(self, path):
        return '%s://127.0.0.1:%d%s' % ('https' if self.ssl_context else 'http', self.port, path)

    def served(self, route):
        """Requests answered so far on ``route``, by status."""
        out = {}
        for (dummy, path, status), count in self.requests.items():
            if path == route:
                out[status] = out.get(status, 0) + count
        return out

    # -- protocol
    async def _client(self, reader, writer):
        self.connections += 1
        try:
            while True:
                try:
                    head = await reader.readuntil(b'\r\n\r\n')
                except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, OSError):
                    return
                started = time.perf_counter()
                lines = head.decode('latin-1').split('\r\n')
                method, target, version = lines[0].split(' ', 2)
                headers = {}
                for line in lines[1:]:
                    if ':' in line:
                        name, value = line.split(':', 1)
                        headers[name.strip().lower()] = value.strip()
                length = int(headers.get('content-length', '0') or 0)
                if length:
                    await reader.readexactly(length)
                parts = urlsplit(target)
                query = {k: v[0] for k, v in parse_qs(parts.query).items()}
                keep = await self._answer(writer, method, parts.path, query, version, headers, started)
                if not keep:
                    break
        except OSError:
            return
        finally:
            writer.close()

    async def _answer(self, writer, method, path, query, version, headers, started):
        status, body, extra, keep, raw = 200, b'ok', [], version == 'HTTP/1.1', None
        if headers.get('connection', '').lower() == 'close':
            keep = False
        if path == '/ok':
            pass
        elif path == '/delay':
            await asyncio.sleep(float(query.get('ms', '0')) / 1000.0)
        elif path == '/fail':
            count = self.counters[path] = self.counters.get(path, 0) + 1
            if count % int(query.get('every', '10')) == 0:
                status, body = 500, b'boom'
        elif path == '/status':
            status = int(query.get('code', '200'))
            body = b'' if status == 204 else b'status'
        elif path == '/stall':
            now = time.monotonic()
            if self.stall_start is None:
                self.stall_start = now + self.stall_after
            end = self.stall_start + self.stall_for
            if self.stall_start <= now < end:
                await asyncio.sleep(end - now)
        elif path == '/chunked':
            raw = (b'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nTrailer: X-Done\r\n\r\n'
                   b'5\r\nhello\r\n7;ext=1\r\n, world\r\n0\r\nX-Done: yes\r\n\r\n')
        elif path == '/close':
            keep = False
        elif path == '/http10':
            raw = b'HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\nbody until close'
            keep = False
        elif path == '/hang':
            await asyncio.sleep(3600)
        elif path == '/metrics':
            body = self._metrics().encode()
            extra.append('Content-Type: text/plain; version=0.0.4')
        else:
            status, body = 404, b'not found'
        if raw is None:
            head = ['HTTP/1.1 %d %s' % (status, REASONS.get(status, 'Status'))]
            head += extra
            if status != 204:
                head.append('Content-Length: %d' % len(body))
            if not keep:
                head.append('Connection: close')
            raw = ('\r\n'.join(head) + '\r\n\r\n').encode() + (b'' if method == 'HEAD' or status == 204 else body)
        self._observe(method, path, status, time.perf_counter() - started)  # counted before the client can see it
        writer.write(raw)
        await writer.drain()
        return keep

    # -- metrics, in the reference backend's shape
    def _observe(self, method, route, status, seconds):
        key = (method, route, str(status))
        self.requests[key] = self.requests.get(key, 0) + 1
        hist = self.histograms.setdefault((method, route), [0] * len(BUCKETS) + [0.0, 0])
        for i, bound in enumerate(BUCKETS):
            if seconds <= bound:
                hist[i] += 1
        hist[-2] += seconds
        hist[-1] += 1

    def _metrics(self):
        out = ['# HELP http_requests_total HTTP requests by method, route and status.',
               '# TYPE http_requests_total counter']
        for (method, route, status), count in sorted(self.requests.items()):
            out.append('http_requests_total{method="%s",route="%s",status="%s"} %d' % (method, route, status, count))
        out += ['# HELP http_request_duration_seconds HTTP request latency.',
                '# TYPE http_request_duration_seconds histogram']
        for (method, route), hist in sorted(self.histograms.items()):
            labels = 'method="%s",route="%s"' % (method, route)
            for i, bound in enumerate(BUCKETS):
                out.append('http_request_duration_seconds_bucket{%s,le="%s"} %d' % (labels, bound, hist[i]))
            out.append('http_request_duration_seconds_bucket{%s,le="+Inf"} %d' % (labels, hist[-1]))
            out.append('http_request_duration_seconds_sum{%s} %r' % (labels, hist[-2]))
            out.append('http_request_duration_seconds_count{%s} %d' % (labels, hist[-1]))
        out += ['# TYPE process_resident_memory_bytes gauge', 'process_resident_memory_bytes 1.5e+07']
        return '\n'.join(out) + '\n'
