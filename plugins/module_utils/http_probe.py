# -*- coding: utf-8 -*-
# Copyright: (c) 2026, auraflow.ops maintainers
# MIT License (see LICENSE)
"""The HTTP client of auraflow.ops (stdlib only): one request at a time, TLS, timeouts, headers.

Single requests (cors_audit, jwt_config_check, metrics reads)::

    resp = request('https://host/health', method='GET', headers={'Origin': 'x'}, timeout=5,
                   validate_certs=False)
    resp.status, resp.reason, resp.headers   # int, str, [(name, value), ...] as received
    resp.header('content-type')              # first value, case-insensitive, or None
    resp.header_values('set-cookie')         # every value, in order
    resp.body, resp.elapsed_ms               # bytes, float (connect + request + full body)
    resp.text(), resp.json()

    with Session(timeout=5) as s:            # HTTP/1.1 keep-alive: one connection per origin
        s.request(url1); s.request(url2)

``request`` raises ``ProbeError`` on a bad URL, connect failure, timeout, TLS error or a
malformed/closed response; any HTTP status (4xx/5xx included) is a ``Response``.

The load generator (slo_check, app_checklist) is module_utils/http_load.py; it shares
``Target``, ``ProbeError``, ``ssl_context``, ``encode_body`` and ``describe_error`` with this client.
"""

from __future__ import annotations

import http.client
import json
import socket
import ssl
import time
from urllib.parse import urlsplit

USER_AGENT = 'auraflow-ops-http-probe/1'
DEFAULT_PORTS = {'http': 80, 'https': 443}


class ProbeError(Exception):
    """The request could not be completed: bad URL, connect failure, timeout, TLS or protocol error."""

    def __init__(self, message, kind='error'):
        super().__init__(message)
        self.message = message
        self.kind = kind


class Response:
    """One HTTP response; ``headers`` is the list of (name, value) pairs as received."""

    __slots__ = ('status', 'reason', 'headers', 'body', 'elapsed_ms', 'url', 'http_version')

    def __init__(self, status, reason, headers, body, elapsed_ms, url=None, http_version='HTTP/1.1'):
        self.status = status
        self.reason = reason
        self.headers = headers
        self.body = body
        self.elapsed_ms = elapsed_ms
        self.url = url
        self.http_version = http_version

    def header(self, name):
        """The first value of header ``name`` (case-insensitive), or None."""
        wanted = name.lower()
        for key, value in self.headers:
            if key.lower() == wanted:
                return value
        return None

    def header_values(self, name):
        """Every value of header ``name`` (case-insensitive), in the order received."""
        wanted = name.lower()
        return [value for key, value in self.headers if key.lower() == wanted]

    def text(self, encoding='utf-8'):
        return self.body.decode(encoding, errors='replace')

    def json(self):
        """The body parsed as JSON; ProbeError when it is not JSON."""
        try:
            return json.loads(self.body.decode('utf-8'))
        except ValueError as exc:
            raise ProbeError('response body is not JSON: %s' % exc, kind='protocol') from None

    def __repr__(self):
        return 'Response(%d %s, %d bytes, %.1f ms)' % (self.status, self.reason, len(self.body), self.elapsed_ms)


class Target:
    """A parsed http(s) URL: scheme, host, port, request target (path + query), Host header."""

    __slots__ = ('url', 'scheme', 'host', 'port', 'path', 'host_header')

    def __init__(self, url):
        if not isinstance(url, str) or not url:
            raise ProbeError('the URL must be a non-empty string, got %r' % (url,), kind='url')
        try:
            parts = urlsplit(url)
            port = parts.port
        except ValueError as exc:
            raise ProbeError('invalid URL %r: %s' % (url, exc), kind='url') from None
        scheme = parts.scheme.lower()
        if scheme not in DEFAULT_PORTS:
            raise ProbeError('invalid URL %r: the scheme must be http or https' % (url,), kind='url')
        if not parts.hostname:
            raise ProbeError('invalid URL %r: no host' % (url,), kind='url')
        self.url = url
        self.scheme = scheme
        self.host = parts.hostname
        self.port = port or DEFAULT_PORTS[scheme]
        self.path = (parts.path or '/') + ('?' + parts.query if parts.query else '')
        host = '[%s]' % self.host if ':' in self.host else self.host
        self.host_header = host if self.port == DEFAULT_PORTS[scheme] else '%s:%d' % (host, self.port)

    @property
    def origin(self):
        return (self.scheme, self.host, self.port)


def ssl_context(validate_certs=True, ca_path=None):
    """A client TLS context: verification against the system store (or ``ca_path``), or none."""
    if validate_certs:
        context = ssl.create_default_context(cafile=ca_path)
    else:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
    return context


def encode_body(body):
    if body is None:
        return None
    if isinstance(body, bytes):
        return body
    if isinstance(body, str):
        return body.encode('utf-8')
    if isinstance(body, (dict, list)):
        return json.dumps(body).encode('utf-8')
    raise ProbeError('the body must be bytes, str, dict or list, got %s' % type(body).__name__, kind='body')


def describe_error(exc, target, timeout):
    """A ProbeError for a low-level exception, with the kind slo_check counts by."""
    where = '%s:%d' % (target.host, target.port)
    if isinstance(exc, (socket.timeout, TimeoutError)):
        return ProbeError('timed out after %gs talking to %s' % (timeout, where), kind='timeout')
    if isinstance(exc, ssl.SSLError):
        return ProbeError('TLS error with %s: %s' % (where, exc), kind='tls')
    if isinstance(exc, socket.gaierror):
        return ProbeError('cannot resolve %s: %s' % (target.host, exc), kind='connect')
    if isinstance(exc, ConnectionRefusedError):
        return ProbeError('connection refused by %s' % where, kind='connect')
    if isinstance(exc, (http.client.HTTPException, ConnectionResetError, BrokenPipeError)):
        return ProbeError('bad or closed response from %s: %s' % (where, exc or type(exc).__name__), kind='protocol')
    if isinstance(exc, OSError):
        return ProbeError('cannot connect to %s: %s' % (where, exc.strerror or exc), kind='connect')
    return ProbeError('request to %s failed: %s' % (where, exc), kind='error')


class Session:
    """Synchronous HTTP/1.1 client that keeps one connection per origin alive between requests."""

    def __init__(self, timeout=10.0, validate_certs=True, ca_path=None, user_agent=USER_AGENT):
        self.timeout = timeout
        self.validate_certs = validate_certs
        self.ca_path = ca_path
        self.user_agent = user_agent
        self._connections = {}
        self._context = None

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()

    def close(self):
        for conn in self._connections.values():
            conn.close()
        self._connections.clear()

    def _connection(self, target, timeout):
        conn = self._connections.get(target.origin)
        if conn is None:
            if target.scheme == 'https':
                if self._context is None:
                    self._context = ssl_context(self.validate_certs, self.ca_path)
                conn = http.client.HTTPSConnection(target.host, target.port, timeout=timeout, context=self._context)
            else:
                conn = http.client.HTTPConnection(target.host, target.port, timeout=timeout)
            self._connections[target.origin] = conn
        conn.timeout = timeout
        if conn.sock is not None:
            conn.sock.settimeout(timeout)
        return conn

    def request(self, url, method='GET', headers=None, body=None, timeout=None):
        """Send one request and read the whole response; see ``request``."""
        target = Target(url)
        timeout = self.timeout if timeout is None else timeout
        payload = encode_body(body)
        send_headers = {'Host': target.host_header, 'User-Agent': self.user_agent, 'Accept': '*/*'}
        for name, value in (headers or {}).items():
            for key in [k for k in send_headers if k.lower() == str(name).lower()]:
                del send_headers[key]
            send_headers[str(name)] = str(value)
        if isinstance(body, (dict, list)) and not any(k.lower() == 'content-type' for k in send_headers):
            send_headers['Content-Type'] = 'application/json'
        method = method.upper()
        for attempt in (1, 2):
            conn = self._connection(target, timeout)
            reused = conn.sock is not None
            started = time.perf_counter()
            try:
                conn.putrequest(method, target.path, skip_host=True, skip_accept_encoding=True)
                for name, value in send_headers.items():
                    conn.putheader(name, value)
                if payload is not None and not any(k.lower() == 'content-length' for k in send_headers):
                    conn.putheader('Content-Length', str(len(payload)))
                conn.endheaders(payload)
                resp = conn.getresponse()
                data = resp.read()
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError) as exc:
                self._drop(target)
                if reused and attempt == 1:
                    continue  # the server closed an idle keep-alive connection: retry once, fresh
                raise describe_error(exc, target, timeout) from None
            except (OSError, http.client.HTTPException, ValueError) as exc:
                self._drop(target)
                raise describe_error(exc, target, timeout) from None
            elapsed_ms = (time.perf_counter() - started) * 1000.0
            if resp.will_close:
                self._drop(target)
            version = 'HTTP/1.0' if resp.version == 10 else 'HTTP/1.1'
            return Response(resp.status, resp.reason, list(resp.getheaders()), data, elapsed_ms, url, version)
        raise ProbeError('request to %s failed' % url)  # pragma: no cover - the loop always returns or raises

    def _drop(self, target):
        conn = self._connections.pop(target.origin, None)
        if conn is not None:
            conn.close()


def request(url, method='GET', headers=None, body=None, timeout=10.0, validate_certs=True, ca_path=None):
    """One HTTP request on a fresh connection; returns a Response (any status) or raises ProbeError.

    ``headers``: dict sent as given (overrides Host/User-Agent/Accept). ``body``: bytes, str, or a
    dict/list sent as JSON. ``timeout``: seconds for the connect and for each read.
    ``validate_certs=False`` disables certificate and host name verification.
    """
    with Session(timeout=timeout, validate_certs=validate_certs, ca_path=ca_path) as session:
        return session.request(url, method=method, headers=headers, body=body)
