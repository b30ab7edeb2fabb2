# -*- coding: utf-8 -*-
# Copyright: (c) 2026, auraflow.ops maintainers
# MIT License (see LICENSE)
"""Which TLS protocol versions a server accepts (stdlib only).

Two ways to ask, so that the answer never depends on what the local OpenSSL is willing to offer:

* Legacy versions (SSLv3, TLS 1.0, TLS 1.1) are probed with a hand-built ``ClientHello`` that
  offers exactly that version (``client_hello``) and the server's first record is read
  (``read_reply`` / ``parse_reply``): a ``ServerHello`` with that version means accepted; an
  alert (usually ``protocol_version``), a ``ServerHello`` with another version, or a closed
  connection means refused. OpenSSL 3 clients refuse to send these versions at their default
  security level, so a client-side handshake could report "refused" for a server that would
  accept them.
* Current versions (TLS 1.2, TLS 1.3) are probed with a full handshake through ``ssl``
  (``handshake``) with the minimum and maximum version pinned: accepted means a real client
  completes it (the negotiated cipher is returned). Certificates are not verified: this is
  about protocol versions only.

``judge`` turns the answers into findings (module_utils/findings.py):
``protocol_accepted`` (a version that must be refused was accepted: high, critical for SSLv3)
and ``protocol_refused`` (a version that must be accepted was refused: high, clients fail).
A version that could not be judged (timeout, not a TLS server, local OpenSSL unable to offer
it) raises ``TlsProbeError``: no guess.
"""

from __future__ import annotations

import ipaddress
import os
import socket
import ssl
import struct

from ansible_collections.auraflow.ops.plugins.module_utils.findings import Finding, sort_findings

VERSIONS = {'SSLv3': 0x0300, 'TLSv1': 0x0301, 'TLSv1.1': 0x0302, 'TLSv1.2': 0x0303, 'TLSv1.3': 0x0304}
LEGACY = ('SSLv3', 'TLSv1', 'TLSv1.1')
_NAMES = {code: name for name, code in VERSIONS.items()}
_ALIASES = {'sslv3': 'SSLv3', 'ssl3': 'SSLv3', 'tlsv1': 'TLSv1', 'tlsv1.0': 'TLSv1', 'tls1.0': 'TLSv1',
            'tls1': 'TLSv1', '1.0': 'TLSv1', 'tlsv1.1': 'TLSv1.1', 'tls1.1': 'TLSv1.1', '1.1': 'TLSv1.1',
            'tlsv1.2': 'TLSv1.2', 'tls1.2': 'TLSv1.2', '1.2': 'TLSv1.2', 'tlsv1.3': 'TLSv1.3', 'tls1.3': 'TLSv1.3',
            '1.3': 'TLSv1.3'}

ALERTS = {
    0: 'close_notify', 10: 'unexpected_message', 20: 'bad_record_mac', 22: 'record_overflow', 40: 'handshake_failure',
    42: 'bad_certificate', 47: 'illegal_parameter', 50: 'decode_error', 51: 'decrypt_error', 70: 'protocol_version',
    71: 'insufficient_security', 80: 'internal_error', 86: 'inappropriate_fallback', 90: 'user_canceled',
    109: 'missing_extension', 110: 'unsupported_extension', 112: 'unrecognized_name',
}

# Cipher suites a legacy client offers: ECDHE/DHE/RSA with AES-CBC and 3DES (what TLS 1.0/1.1 can use),
# plus the AEAD suites (ignored by a server for these versions). A broad list, so that "refused"
# means the version and not a cipher mismatch.
LEGACY_CIPHERS = (
    0xc02b, 0xc02f, 0xc02c, 0xc030, 0xcca9, 0xcca8,   # ECDHE AES-GCM, CHACHA20
    0xc009, 0xc013, 0xc00a, 0xc014,                   # ECDHE AES-CBC-SHA
    0x0033, 0x0039, 0x009e, 0x009f,                   # DHE
    0x002f, 0x0035, 0x009c, 0x009d,                   # RSA AES
    0x000a, 0xc012, 0x0016,                           # 3DES
)
_GROUPS = (0x001d, 0x0017, 0x0018, 0x0019)            # x25519, secp256r1, secp384r1, secp521r1


class TlsProbeError(Exception):
    """The version could not be judged (connection failure, timeout, not TLS, local limitation)."""

    def __init__(self, message, kind='error'):
        super().__init__(message)
        self.message = message
        self.kind = kind


def version_name(value):
    """The canonical name (``TLSv1``, ``TLSv1.2``, ...) of ``value``; ValueError when unknown."""
    text = str(value).strip()
    if text in VERSIONS:
        return text
    name = _ALIASES.get(text.lower().replace(' ', '').replace('_', '.'))
    if name is None:
        raise ValueError('unknown TLS protocol version %r (one of: %s)' % (value, ', '.join(VERSIONS)))
    return name


def sni_name(host, server_name=None):
    """The name to send as SNI: ``server_name`` when given, else ``host`` unless it is an IP address."""
    name = server_name if server_name else host
    try:
        ipaddress.ip_address(name.strip('[]'))
        return None
    except ValueError:
        return name


def _extension(ext_type, data):
    return struct.pack('!HH', ext_type, len(data)) + data


def client_hello(version, server_name=None, random_bytes=None):
    """A TLS record holding a ``ClientHello`` that offers exactly the legacy ``version``."""
    name = version_name(version)
    if name not in LEGACY:
        raise ValueError('client_hello builds legacy hellos only (%s), not %s' % (', '.join(LEGACY), name))
    code = VERSIONS[name]
    random_bytes = random_bytes if random_bytes is not None else os.urandom(32)
    if len(random_bytes) != 32:
        raise ValueError('random_bytes must be 32 bytes')
    ciphers = b''.join(struct.pack('!H', c) for c in LEGACY_CIPHERS + (0x00ff,))   # + EMPTY_RENEGOTIATION_INFO_SCSV
    extensions = b''
    if name != 'SSLv3':
        if server_name:
            host = server_name.encode('idna')
            entry = b'\x00' + struct.pack('!H', len(host)) + host
            extensions += _extension(0x0000, struct.pack('!H', len(entry)) + entry)
        groups = b''.join(struct.pack('!H', g) for g in _GROUPS)
        extensions += _extension(0x000a, struct.pack('!H', len(groups)) + groups)
        extensions += _extension(0x000b, b'\x01\x00')                                 # ec_point_formats: uncompressed
    body = (struct.pack('!H', code) + random_bytes + b'\x00'
            + struct.pack('!H', len(ciphers)) + ciphers + b'\x01\x00')
    if extensions:
        body += struct.pack('!H', len(extensions)) + extensions
    handshake = b'\x01' + struct.pack('!I', len(body))[1:] + body
    # The record layer version of a first ClientHello is TLS 1.0 (SSLv3 for an SSLv3 hello), as clients send it.
    record_version = 0x0300 if name == 'SSLv3' else 0x0301
    return b'\x16' + struct.pack('!HH', record_version, len(handshake)) + handshake


def parse_reply(data):
    """Judge the server's first bytes after a legacy hello.

    Returns ``('incomplete', None)`` when more bytes are needed, ``('server_hello', version_code)``,
    ``('alert', (level, description))`` or ``('not_tls', detail)``.
    """
    if len(data) < 5:
        return ('incomplete', None)
    content_type, dummy, length = struct.unpack('!BHH', data[:5])
    if content_type not in (21, 22) or data[1] != 3:
        return ('not_tls', 'the first bytes are not a TLS handshake or alert record: %r' % (data[:16],))
    if len(data) < 5 + min(length, 6 if content_type == 22 else 2):
        return ('incomplete', None)
    payload = data[5:5 + length]
    if content_type == 21:
        return ('alert', (payload[0], payload[1]))
    if payload[0] != 2:
        return ('not_tls', 'the first handshake message is type %d, not a ServerHello' % payload[0])
    return ('server_hello', struct.unpack('!H', payload[4:6])[0])


def alert_text(description):
    return '%s (%d)' % (ALERTS.get(description, 'alert'), description)


def _connect(host, port, timeout):
    try:
        return socket.create_connection((host, port), timeout=timeout)
    except (socket.timeout, TimeoutError):
        raise TlsProbeError('timed out after %gs connecting to %s:%d' % (timeout, host, port), kind='timeout') from None
    except OSError as exc:
        raise TlsProbeError('cannot connect to %s:%d: %s' % (host, port, exc.strerror or exc), kind='connect') from None


def read_reply(sock, limit=16384):
    """Read until ``parse_reply`` can judge; a close before any byte is ``('closed', None)``."""
    data = b''
    while True:
        verdict = parse_reply(data)
        if verdict[0] != 'incomplete' or len(data) >= limit:
            return verdict
        try:
            chunk = sock.recv(4096)
        except ConnectionResetError:
            chunk = b''
        if not chunk:
            return ('closed', len(data))
        data += chunk


def probe_legacy(host, port, version, server_name=None, timeout=10.0):
    """``{'accepted': bool, 'detail': str, 'method': 'client_hello'}`` for a legacy version."""
    name = version_name(version)
    sock = _connect(host, port, timeout)
    try:
        sock.sendall(client_hello(name, sni_name(host, server_name)))
        kind, value = read_reply(sock)
    except (socket.timeout, TimeoutError):
        raise TlsProbeError('no answer from %s:%d to a %s ClientHello within %gs' % (host, port, name, timeout),
                            kind='timeout') from None
    except OSError as exc:
        raise TlsProbeError('%s ClientHello to %s:%d failed: %s' % (name, host, port, exc.strerror or exc),
                            kind='connect') from None
    finally:
        sock.close()
    return judge_reply(name, kind, value)


def judge_reply(name, kind, value):
    """The verdict on one legacy probe from ``read_reply``'s answer."""
    result = {'method': 'client_hello'}
    if kind == 'server_hello':
        chosen = _NAMES.get(value, '0x%04x' % value)
        if value == VERSIONS[name]:
            result.update(accepted=True, detail='ServerHello %s' % chosen)
        else:
            result.update(accepted=False, detail='ServerHello with %s instead of %s' % (chosen, name))
    elif kind == 'alert':
        result.update(accepted=False, detail='alert %s' % alert_text(value[1]))
    elif kind == 'closed':
        result.update(accepted=False, detail='connection closed without a ServerHello')
    else:
        raise TlsProbeError('cannot judge %s: %s' % (name, value), kind='protocol')
    return result


def handshake(host, port, version, server_name=None, timeout=10.0):
    """``{'accepted': bool, 'detail': str, 'cipher': str|None, 'method': 'handshake'}`` for TLS 1.2/1.3."""
    name = version_name(version)
    if name in LEGACY:
        raise ValueError('handshake probes TLSv1.2 and TLSv1.3; use probe_legacy for %s' % name)
    tls_version = getattr(ssl.TLSVersion, name.replace('.', '_'))
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    try:
        context.minimum_version = tls_version
        context.maximum_version = tls_version
    except (ValueError, ssl.SSLError) as exc:
        raise TlsProbeError('the local OpenSSL cannot offer %s: %s' % (name, exc), kind='local') from None
    sock = _connect(host, port, timeout)
    try:
        with context.wrap_socket(sock, server_hostname=sni_name(host, server_name)) as tls:
            return {'accepted': True, 'detail': 'handshake %s %s' % (tls.version(), tls.cipher()[0]),
                    'cipher': tls.cipher()[0], 'method': 'handshake'}
    except ssl.SSLError as exc:
        reason = getattr(exc, 'reason', None) or ''
        if reason == 'NO_PROTOCOLS_AVAILABLE':
            raise TlsProbeError('the local OpenSSL cannot offer %s (%s)' % (name, reason), kind='local') from None
        return {'accepted': False, 'detail': 'handshake refused: %s' % (reason or exc), 'cipher': None,
                'method': 'handshake'}
    except (socket.timeout, TimeoutError):
        raise TlsProbeError('%s handshake with %s:%d timed out after %gs' % (name, host, port, timeout),
                            kind='timeout') from None
    except (ConnectionResetError, BrokenPipeError, ConnectionAbortedError):
        return {'accepted': False, 'detail': 'connection closed during the handshake', 'cipher': None,
                'method': 'handshake'}
    except OSError as exc:
        raise TlsProbeError('%s handshake with %s:%d failed: %s' % (name, host, port, exc.strerror or exc),
                            kind='connect') from None
    finally:
        sock.close()


def probe(host, port, version, server_name=None, timeout=10.0):
    """Probe one version the right way (hand-built hello for legacy ones, a handshake otherwise)."""
    name = version_name(version)
    if name in LEGACY:
        return probe_legacy(host, port, name, server_name, timeout)
    return handshake(host, port, name, server_name, timeout)


def judge(results, refused, accepted, where=''):
    """Findings from ``results`` ({version: {'accepted': bool, 'detail': str}})."""
    findings = []
    suffix = (' by %s' % where) if where else ''
    for name in refused:
        result = results[name]
        if result['accepted']:
            findings.append(Finding(
                'protocol_accepted', 'critical' if name == 'SSLv3' else 'high',
                '%s is accepted%s; it must be refused (%s)' % (name, suffix, result['detail']),
                {'version': name, 'detail': result['detail']}))
    for name in accepted:
        result = results[name]
        if not result['accepted']:
            findings.append(Finding(
                'protocol_refused', 'high',
                '%s is refused%s; clients that need it cannot connect (%s)' % (name, suffix, result['detail']),
                {'version': name, 'detail': result['detail']}))
    return sort_findings(findings)
