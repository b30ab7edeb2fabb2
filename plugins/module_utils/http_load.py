# -*- coding: utf-8 -*-
# Copyright: (c) 2026, auraflow.ops maintainers
# MIT License (see LICENSE)
"""The load generator of auraflow.ops (stdlib only), used by slo_check and app_checklist.

``run_load(LoadSpec(...))`` drives ``concurrency`` keep-alive connections
from one event loop of its own: non-blocking sockets on a selector (epoll on Linux), TLS through
non-blocking ``ssl`` sockets, and a minimal incremental HTTP/1.1 response parser (Content-Length,
chunked, read-until-close). No coroutine, task or future per request: asyncio's transports cost
about 2.5 times the CPU per request, and on a small controller that CPU is taken from the service
being measured. Closed loop: each connection sends its next request when the previous answer is
complete, for ``requests`` in total or for ``duration`` seconds. Open loop (``rate``): request
*i* is scheduled at ``start + i / rate``; it goes out on the first free connection and its
latency is measured from the scheduled time, so time spent queued behind a stalled server is
counted (coordinated omission correction, as in wrk2). ``warmup`` seconds of the same load are
sent first and not recorded. Every latency sample is kept, so percentiles are exact.

The target URL, the TLS context, the request body and the error messages are the client's
(module_utils/http_probe.py), so a load run and a single request describe a failure alike.
"""

from __future__ import annotations

import errno
import os
import select
import selectors
import socket
import ssl
import time
from array import array

from ansible_collections.auraflow.ops.plugins.module_utils.http_probe import (
    USER_AGENT,
    ProbeError,
    Target,
    describe_error,
    encode_body,
    ssl_context,
)

MAX_HEAD = 65536
RECONNECT_BACKOFF = 0.01
ERROR_KINDS = ('connect', 'timeout', 'protocol', 'http')


class LoadSpec:
    """What to send and the load shape. Exactly one of ``requests`` / ``duration`` (seconds)."""

    def __init__(self, url, method='GET', headers=None, body=None, timeout=10.0, validate_certs=True,
                 concurrency=16, requests=None, duration=None, rate=None, warmup=0.0, ca_path=None):
        self.target = Target(url)
        self.url = url
        self.method = method.upper()
        self.headers = dict(headers or {})
        self.body = encode_body(body)
        self.json_body = isinstance(body, (dict, list))
        self.timeout = float(timeout)
        self.validate_certs = validate_certs
        self.ca_path = ca_path
        self.concurrency = int(concurrency)
        self.requests = None if requests is None else int(requests)
        self.duration = None if duration is None else float(duration)
        self.rate = None if rate is None else float(rate)
        self.warmup = float(warmup or 0)
        if (self.requests is None) == (self.duration is None):
            raise ValueError('give exactly one of requests or duration')
        if self.concurrency < 1:
            raise ValueError('concurrency must be at least 1')
        if self.requests is not None and self.requests < 1:
            raise ValueError('requests must be at least 1')
        if self.duration is not None and self.duration <= 0:
            raise ValueError('duration must be positive')
        if self.rate is not None and self.rate <= 0:
            raise ValueError('rate must be positive')
        if self.timeout <= 0:
            raise ValueError('timeout must be positive')

    def request_bytes(self):
        """The request as sent on the wire, built once and reused for every request."""
        names = {k.lower() for k in self.headers}
        lines = ['%s %s HTTP/1.1' % (self.method, self.target.path)]
        if 'host' not in names:
            lines.append('Host: %s' % self.target.host_header)
        if 'user-agent' not in names:
            lines.append('User-Agent: %s' % USER_AGENT)
        if 'accept' not in names:
            lines.append('Accept: */*')
        if self.json_body and 'content-type' not in names:
            lines.append('Content-Type: application/json')
        for name, value in self.headers.items():
            if '\r' in str(name) + str(value) or '\n' in str(name) + str(value):
                raise ValueError('header %r contains a line break' % (name,))
            lines.append('%s: %s' % (name, value))
        if self.body is not None and 'content-length' not in names:
            lines.append('Content-Length: %d' % len(self.body))
        elif self.body is None and self.method in ('POST', 'PUT', 'PATCH') and 'content-length' not in names:
            lines.append('Content-Length: 0')
        return ('\r\n'.join(lines) + '\r\n\r\n').encode('latin-1') + (self.body or b'')


class LoadResult:
    """Raw outcome of the measured phase: counts and every latency sample (ms)."""

    def __init__(self):
        self.requests = 0          # measured requests finished (answered or failed)
        self.errors = 0
        self.status_codes = {}     # int status -> count
        self.error_kinds = dict.fromkeys(ERROR_KINDS, 0)
        self.samples = array('d')  # latency ms of every answered or timed-out request (8 bytes each)
        self.service_samples = array('d')  # rate mode: ms from the actual send (uncorrected)
        self.elapsed = 0.0         # seconds of the measured phase
        self.connected = False     # at least one connection was established
        self.unreachable = None    # message when no connection could ever be made
        self.first_errors = {}     # kind -> first message


class _Conn:
    """One keep-alive connection slot and its incremental HTTP/1.1 response parser."""

    __slots__ = ('run', 'sock', 'state', 'out', 'buf', 'busy', 'cooling', 'cool_until', 't_conn', 't_sched', 't_sent',
                 'measured', 'status', 'keep_alive', 'mode', 'need', 'chunk_trailer')

    CLOSED, CONNECTING, HANDSHAKE, OPEN = 0, 1, 2, 3

    def __init__(self, run):
        self.run = run
        self.sock = None
        self.state = self.CLOSED
        self.out = b''             # request bytes not yet accepted by the socket
        self.buf = bytearray()
        self.busy = False          # a request is reserved or in flight on this slot
        self.cooling = False       # waiting a moment after a failed connect
        self.cool_until = 0.0
        self.t_conn = 0.0
        self.t_sched = 0.0
        self.t_sent = 0.0
        self.measured = False
        self.status = 0
        self.keep_alive = True
        self.mode = 0              # 0 head, 1 content-length body, 2 chunked body, 3 body until close
        self.need = 0
        self.chunk_trailer = False

    # -- driven by the run
    def send(self, t_sched, measured):
        self.busy = True
        self.t_sched = t_sched
        self.measured = measured
        if self.state == self.OPEN:
            self.write()
        elif self.state == self.CLOSED:
            self.run.connect(self)
        # CONNECTING / HANDSHAKE: the request goes out once the connection is up

    def write(self):
        """Send the request now (the connection is open)."""
        self.status = 0
        self.mode = 0
        self.t_sent = time.perf_counter()
        self.run.write(self, self.run.payload)

    # -- from the connection
    def on_lost(self):
        """The server closed the connection (already released by the run)."""
        if self.busy and self.state == self.CLOSED:
            if self.mode == 3 and self.status:
                self.buf.clear()
                self._complete()  # a body delimited by the close
            else:
                self.run.failed(self, 'protocol', 'connection closed before a complete response')

    def on_data(self, data):
        if not self.buf and not self.mode and self.busy and self._whole(data):
            return
        buf = self.buf
        buf += data
        if not self.busy:
            self.run.release(self)  # data nobody asked for: drop the connection, the next request reconnects
            return
        while True:
            mode = self.mode
            if mode == 0:
                end = buf.find(b'\r\n\r\n')
                if end < 0:
                    if len(buf) > MAX_HEAD:
                        self.run.failed(self, 'protocol', 'response head larger than %d bytes' % MAX_HEAD)
                    return
                head = bytes(buf[:end]).lower()
                del buf[:end + 4]
                if head[:5] != b'http/' or head[8:9] != b' ':
                    self.run.failed(self, 'protocol', 'not an HTTP response: %r' % head[:40])
                    return
                try:
                    status = int(head[9:12])
                except ValueError:
                    self.run.failed(self, 'protocol', 'bad status line: %r' % head[:40])
                    return
                if 100 <= status < 200 and status != 101:
                    continue  # interim response (100 Continue, 103 Early Hints)
                self.status = status
                if head[5:8] == b'1.0':
                    self.keep_alive = b'\r\nconnection: keep-alive' in head
                else:
                    self.keep_alive = b'\r\nconnection: close' not in head
                if status in (204, 304) or self.run.head_method:
                    self._complete()
                    return
                value = _header_value(head, b'\r\ncontent-length:')
                if value is not None and b'\r\ntransfer-encoding:' not in head:
                    try:
                        self.need = int(value)
                    except ValueError:
                        self.run.failed(self, 'protocol', 'bad Content-Length: %r' % value)
                        return
                    self.mode = 1
                    continue
                value = _header_value(head, b'\r\ntransfer-encoding:')
                if value is not None and b'chunked' in value:
                    self.mode = 2
                    self.need = -1
                    self.chunk_trailer = False
                    continue
                self.mode = 3  # no length: the body ends when the server closes
                self.keep_alive = False
                buf.clear()
                return
            if mode == 1:
                if len(buf) < self.need:
                    return
                del buf[:self.need]
                self._complete()
                return
            if mode == 2:
                if self._chunks(buf):
                    self._complete()
                return
            buf.clear()  # mode 3: discard until the close
            return

    def _whole(self, data):
        """Fast path: ``data`` is exactly one complete final response with a Content-Length."""
        end = data.find(b'\r\n\r\n')
        if end < 0:
            return False
        head = data[:end].lower()
        pos = head.find(b'\r\ncontent-length:')
        if pos < 0 or head[:9] != b'http/1.1 ' or b'\r\ntransfer-encoding:' in head or self.run.head_method:
            return False
        stop = head.find(b'\r\n', pos + 17)
        try:
            status = int(head[9:12])
            length = int(head[pos + 17:stop] if stop > 0 else head[pos + 17:])
        except ValueError:
            return False
        if status < 200 or status in (204, 304) or len(data) != end + 4 + length:
            return False
        self.status = status
        self.keep_alive = b'\r\nconnection: close' not in head
        self._complete()
        return True

    def _chunks(self, buf):
        """Consume chunked body data from ``buf``; True once the last chunk and trailers are in."""
        while True:
            if self.chunk_trailer:
                if buf[:2] == b'\r\n':
                    del buf[:2]
                    return True
                end = buf.find(b'\r\n\r\n')
                if end < 0:
                    return False
                del buf[:end + 4]
                return True
            if self.need < 0:
                end = buf.find(b'\r\n')
                if end < 0:
                    return False
                try:
                    size = int(bytes(buf[:end]).split(b';', 1)[0].strip(), 16)
                except ValueError:
                    self.run.failed(self, 'protocol', 'bad chunk size line')
                    return False
                del buf[:end + 2]
                if size == 0:
                    self.chunk_trailer = True
                    continue
                self.need = size + 2
            if len(buf) < self.need:
                return False
            del buf[:self.need]
            self.need = -1

    def _complete(self):
        self.busy = False
        self.mode = 0
        self.run.answered(self)


def _header_value(head, marker):
    """The raw value of the header that ``marker`` (b'\\r\\nname:') starts in the lowercased ``head``."""
    pos = head.find(marker)
    if pos < 0:
        return None
    start = pos + len(marker)
    stop = head.find(b'\r\n', start)
    return head[start:stop if stop >= 0 else None].strip()


_RETRY = (BlockingIOError, InterruptedError, ssl.SSLWantReadError, ssl.SSLWantWriteError)
_READ, _WRITE, _FAULT = 1, 4, 8 | 16  # the values of EPOLLIN, EPOLLOUT, EPOLLERR | EPOLLHUP


class _Poller:
    """Readiness of many sockets: epoll directly where there is one (Linux), else ``selectors``.

    ``poll(timeout)`` returns ``[(fd, events)]`` with events made of _READ, _WRITE and _FAULT.
    """

    def __init__(self):
        if hasattr(select, 'epoll'):
            self._epoll = select.epoll()
            self._selector = None
            self.poll = self._epoll.poll
        else:  # pragma: no cover - not Linux
            self._epoll = None
            self._selector = selectors.DefaultSelector()
            self.poll = self._select

    @staticmethod
    def _mask(events):
        return (selectors.EVENT_READ if events & _READ else 0) | (selectors.EVENT_WRITE if events & _WRITE else 0)

    def register(self, sock, events):
        if self._epoll is not None:
            self._epoll.register(sock.fileno(), events)
        else:  # pragma: no cover
            self._selector.register(sock, self._mask(events))

    def modify(self, sock, events):
        if self._epoll is not None:
            self._epoll.modify(sock.fileno(), events)
        else:  # pragma: no cover
            self._selector.modify(sock, self._mask(events))

    def unregister(self, sock):
        try:
            if self._epoll is not None:
                self._epoll.unregister(sock.fileno())
            else:  # pragma: no cover
                self._selector.unregister(sock)
        except (KeyError, ValueError, OSError):
            pass

    def _select(self, timeout):  # pragma: no cover
        return [(key.fd, (_READ if mask & selectors.EVENT_READ else 0) | (_WRITE if mask & selectors.EVENT_WRITE else 0))
                for key, mask in self._selector.select(timeout)]

    def close(self):
        if self._epoll is not None:
            self._epoll.close()
        else:  # pragma: no cover
            self._selector.close()


class _Run:
    """The event loop of one load run: non-blocking sockets on a selector (epoll on Linux), the
    warmup and measured phases, and the bookkeeping of outcomes."""

    def __init__(self, spec, before_measure=None):
        self.spec = spec
        self.before_measure = before_measure
        self.payload = spec.request_bytes()
        self.head_method = spec.method == 'HEAD'
        self.tls = ssl_context(spec.validate_certs, spec.ca_path) if spec.target.scheme == 'https' else None
        self.address = None
        self.sel = None
        self.fds = {}              # fd -> _Conn
        self.result = LoadResult()
        self.open_loop = spec.rate is not None
        self.conns = []
        self.idle = []             # open loop: free slots
        self.queue = []            # open loop: scheduled send times waiting for a free slot
        self.qhead = 0
        self.sched_start = 0.0
        self.sched_next = 0
        self.sched_total = 0
        self.remaining = None      # closed loop with a count: requests left to issue
        self.end_time = None       # closed loop with a duration: stop issuing at this time
        self.measured = False
        self.stopped = False
        self.connect_failures = 0
        self.cooling = 0

    # -- phases
    def execute(self):
        spec = self.spec
        slots = spec.concurrency
        if spec.requests is not None:
            slots = min(slots, spec.requests)
        self.conns = [_Conn(self) for dummy in range(slots)]
        self.sel = _Poller()
        try:
            if spec.warmup > 0:
                self._phase(False, None, spec.warmup)
            if not self.stopped:
                if self.before_measure is not None:
                    self.before_measure()
                started = time.perf_counter()
                self._phase(True, spec.requests, spec.duration)
                self.result.elapsed = time.perf_counter() - started
        finally:
            for conn in self.conns:
                self.release(conn)
            self.sel.close()
        result = self.result
        if not result.connected and result.unreachable is None and result.first_errors.get('connect'):
            result.unreachable = result.first_errors['connect']
        return result

    def _phase(self, measured, count, duration):
        self.measured = measured
        self.queue = []
        self.qhead = 0
        free = [c for c in self.conns if not c.busy and not c.cooling]
        now = time.perf_counter()
        if self.open_loop:
            self.sched_start = now
            self.sched_next = 0
            self.sched_total = count if count is not None else max(1, int(round(self.spec.rate * duration)))
            self.idle = free
            self._tick(now)
        else:
            self.remaining = count
            self.end_time = None if duration is None else now + duration
            for conn in free:
                self._next_closed(conn)
        self._loop()

    def _finished(self):
        if not self.stopped:
            if self.open_loop:
                if self.sched_next < self.sched_total or self.qhead < len(self.queue):
                    return False
            elif self.remaining is not None:
                if self.remaining > 0:
                    return False
            elif time.perf_counter() < self.end_time:
                return False
        for conn in self.conns:
            if conn.busy or conn.cooling:
                return False
        return True

    def _loop(self):
        """Wait for socket events and timers until the phase is over."""
        spec = self.spec
        poll = self.sel.poll
        fds = self.fds
        perf = time.perf_counter
        interval = 1.0 / spec.rate if self.open_loop else 0.0
        watch_every = min(0.05, spec.timeout / 4.0)
        next_watch = perf() + watch_every
        conn_open = _Conn.OPEN
        readable = _READ | _FAULT
        while not self._finished():
            now = perf()
            wait = next_watch - now
            if self.open_loop and self.sched_next < self.sched_total:
                wait = min(wait, self.sched_start + self.sched_next * interval - now)
            elif self.end_time is not None and now < self.end_time:
                wait = min(wait, self.end_time - now)
            if self.cooling:
                wait = min(wait, min(c.cool_until for c in self.conns if c.cooling) - now)
            for fd, events in poll(max(0.0, wait)):
                conn = fds.get(fd)
                if conn is None:
                    continue
                if conn.state == conn_open:
                    if events & _WRITE and conn.out:
                        self._flush(conn)
                    if events & readable and conn.state == conn_open:
                        self._read(conn)
                else:
                    self._progress(conn)
            now = perf()
            if now >= next_watch:
                self._watchdog(now)
                next_watch = now + watch_every
            if self.cooling:
                for conn in self.conns:
                    if conn.cooling and conn.cool_until <= now:
                        conn.cooling = False
                        self.cooling -= 1
                        self._ready(conn)
            if self.open_loop:
                self._tick(now)

    def stop(self):
        self.stopped = True

    # -- closed loop: a free slot sends the next request at once
    def _next_closed(self, conn):
        if self.stopped:
            return
        if self.remaining is not None:
            if self.remaining <= 0:
                return
            self.remaining -= 1
        elif time.perf_counter() >= self.end_time:
            return
        conn.send(0.0, self.measured)

    # -- open loop: request i is due at sched_start + i / rate
    def _tick(self, now):
        if self.stopped:
            return
        interval = 1.0 / self.spec.rate
        start = self.sched_start
        i = self.sched_next
        due = min(self.sched_total, int((now - start) / interval) + 1)
        queue = self.queue
        while i < due:
            queue.append(start + i * interval)
            i += 1
        self.sched_next = i
        idle = self.idle
        measured = self.measured
        while idle and self.qhead < len(queue):
            conn = idle.pop()
            t_sched = queue[self.qhead]
            self.qhead += 1
            conn.send(t_sched, measured)
        if self.qhead > 4096 and self.qhead * 2 > len(queue):
            del queue[:self.qhead]
            self.qhead = 0

    def _next_open(self, conn):
        if self.stopped:
            return
        if self.qhead < len(self.queue):
            t_sched = self.queue[self.qhead]
            self.qhead += 1
            conn.send(t_sched, self.measured)
        else:
            self.idle.append(conn)

    # -- outcomes
    def _ready(self, conn):
        """``conn`` is free: give it the next request."""
        if self.open_loop:
            self._next_open(conn)
        else:
            self._next_closed(conn)

    def answered(self, conn):
        now = time.perf_counter()
        if conn.measured:
            status = conn.status
            result = self.result
            result.requests += 1
            codes = result.status_codes
            codes[status] = codes.get(status, 0) + 1
            if self.open_loop:
                result.samples.append((now - conn.t_sched) * 1000.0)
                result.service_samples.append((now - conn.t_sent) * 1000.0)
            else:
                result.samples.append((now - conn.t_sent) * 1000.0)
            if status >= 400:
                result.errors += 1
                result.error_kinds['http'] += 1
        if not conn.keep_alive:
            self.release(conn)
        self._ready(conn)

    def failed(self, conn, kind, message, timed_out=False):
        """The request on ``conn`` failed (``kind`` in ERROR_KINDS); the connection is dropped."""
        was_busy = conn.busy
        conn.busy = False
        self.release(conn)
        result = self.result
        if was_busy and conn.measured:
            result.requests += 1
            result.errors += 1
            result.error_kinds[kind] += 1
            if timed_out:  # a timed-out request counts with the time it waited (a lower bound)
                now = time.perf_counter()
                if self.open_loop:
                    result.samples.append((now - conn.t_sched) * 1000.0)
                    result.service_samples.append((now - conn.t_sent) * 1000.0)
                else:
                    result.samples.append((now - conn.t_sent) * 1000.0)
        result.first_errors.setdefault(kind, message)
        if kind == 'connect':
            self.connect_failures += 1
            if not result.connected and self.connect_failures >= len(self.conns):
                result.unreachable = message
                self.stop()
                return
            conn.cooling = True
            conn.cool_until = time.perf_counter() + RECONNECT_BACKOFF
            self.cooling += 1
            return
        self._ready(conn)

    # -- sockets
    def release(self, conn):
        """Close the slot's connection, if any (a reserved request stays reserved)."""
        sock = conn.sock
        if sock is not None:
            conn.sock = None
            self.fds.pop(sock.fileno(), None)
            self.sel.unregister(sock)
            sock.close()
        conn.state = _Conn.CLOSED
        conn.out = b''
        conn.buf.clear()

    def _resolve(self):
        if self.address is None:
            target = self.spec.target
            try:
                infos = socket.getaddrinfo(target.host, target.port, type=socket.SOCK_STREAM)
            except OSError as exc:
                raise describe_error(exc, target, self.spec.timeout) from None
            self.address = infos[0][0], infos[0][4]
        return self.address

    def connect(self, conn):
        """Start a non-blocking connect for the request reserved on ``conn``."""
        conn.t_conn = time.perf_counter()
        try:
            family, sockaddr = self._resolve()
        except ProbeError as exc:
            self.failed(conn, 'connect', exc.message)
            return
        sock = socket.socket(family, socket.SOCK_STREAM)
        sock.setblocking(False)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        err = sock.connect_ex(sockaddr)
        conn.sock = sock
        if err not in (0, errno.EINPROGRESS, errno.EWOULDBLOCK, errno.EAGAIN):
            self.failed(conn, 'connect', describe_error(OSError(err, os.strerror(err)), self.spec.target, self.spec.timeout).message)
            return
        conn.state = _Conn.CONNECTING
        self.fds[sock.fileno()] = conn
        self.sel.register(sock, _WRITE)

    def _progress(self, conn):
        """An event on a connection that is still connecting or in its TLS handshake."""
        target = self.spec.target
        sock = conn.sock
        if conn.state == _Conn.CONNECTING:
            err = sock.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
            if err:
                exc = ConnectionRefusedError(err, os.strerror(err)) if err == errno.ECONNREFUSED else OSError(err, os.strerror(err))
                self.failed(conn, 'connect', describe_error(exc, target, self.spec.timeout).message)
                return
            if self.tls is None:
                self._opened(conn)
                return
            self.sel.unregister(sock)
            try:
                conn.sock = self.tls.wrap_socket(sock, server_hostname=target.host, do_handshake_on_connect=False)
            except (ssl.SSLError, OSError) as exc:
                self.fds.pop(sock.fileno(), None)
                conn.sock = None
                sock.close()
                self.failed(conn, 'connect', describe_error(exc, target, self.spec.timeout).message)
                return
            conn.state = _Conn.HANDSHAKE
            self.fds[conn.sock.fileno()] = conn
            self.sel.register(conn.sock, _READ | _WRITE)
        try:
            conn.sock.do_handshake()
        except ssl.SSLWantReadError:
            self.sel.modify(conn.sock, _READ)
            return
        except ssl.SSLWantWriteError:
            self.sel.modify(conn.sock, _WRITE)
            return
        except (ssl.SSLError, OSError) as exc:
            self.failed(conn, 'connect', describe_error(exc, target, self.spec.timeout).message)
            return
        self._opened(conn)

    def _opened(self, conn):
        self.result.connected = True
        conn.state = _Conn.OPEN
        self.sel.modify(conn.sock, _READ)
        if self.stopped or not conn.busy:
            conn.busy = False
            self.release(conn)
            return
        conn.write()

    def write(self, conn, data):
        try:
            sent = conn.sock.send(data)
        except _RETRY:
            sent = 0
        except OSError as exc:
            self.failed(conn, 'protocol', 'sending the request failed: %s' % (exc.strerror or exc))
            return
        if sent < len(data):
            conn.out = data[sent:]
            self.sel.modify(conn.sock, _READ | _WRITE)

    def _flush(self, conn):
        data, conn.out = conn.out, b''
        self.sel.modify(conn.sock, _READ)
        self.write(conn, data)

    def _read(self, conn):
        sock = conn.sock
        while True:
            try:
                data = sock.recv(65536)
            except _RETRY:
                return
            except OSError as exc:
                self.release(conn)
                if conn.busy:
                    self.failed(conn, 'protocol', 'connection lost: %s' % (exc.strerror or exc))
                return
            if not data:
                self.release(conn)
                conn.on_lost()
                return
            conn.on_data(data)
            if conn.sock is not sock or self.tls is None or not sock.pending():
                return

    def _watchdog(self, now):
        """Time out connects and requests that have waited ``timeout`` seconds."""
        timeout = self.spec.timeout
        for conn in self.conns:
            if not conn.busy:
                continue
            if conn.state == _Conn.OPEN:
                if now - conn.t_sent > timeout:
                    self.failed(conn, 'timeout', 'no complete response within %gs' % timeout, timed_out=True)
            elif conn.state != _Conn.CLOSED and now - conn.t_conn > timeout:
                target = self.spec.target
                self.failed(conn, 'connect', 'cannot connect to %s:%d: timed out after %gs' % (target.host, target.port, timeout))


def run_load(spec, before_measure=None):
    """Run the load described by ``spec`` (a LoadSpec); returns a LoadResult.

    ``before_measure``: called (blocking, nothing in flight) after the warmup, right before the
    measured phase starts, e.g. to scrape the server's metrics.
    """
    return _Run(spec, before_measure).execute()
