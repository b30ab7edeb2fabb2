"""Unit tests for plugins/module_utils/tls.py: the hand-built ClientHello, reading the server's
first record, and turning per-version answers into findings."""

import struct

import pytest

from ansible_collections.auraflow.ops.plugins.module_utils.tls import (
    LEGACY,
    VERSIONS,
    TlsProbeError,
    alert_text,
    client_hello,
    judge,
    judge_reply,
    parse_reply,
    sni_name,
    version_name,
)

RANDOM = bytes(range(32))


def hello_fields(record):
    """Decode what matters of a ClientHello record: record version, client version, ciphers, extensions."""
    content_type, record_version, length = struct.unpack('!BHH', record[:5])
    assert content_type == 22 and length == len(record) - 5
    body = record[5:]
    assert body[0] == 1 and struct.unpack('!I', b'\x00' + body[1:4])[0] == len(body) - 4
    pos = 4
    client_version = struct.unpack('!H', body[pos:pos + 2])[0]
    pos += 2
    assert body[pos:pos + 32] == RANDOM
    pos += 32
    assert body[pos] == 0                                   # no session id
    pos += 1
    cipher_len = struct.unpack('!H', body[pos:pos + 2])[0]
    ciphers = [struct.unpack('!H', body[pos + 2 + i:pos + 4 + i])[0] for i in range(0, cipher_len, 2)]
    pos += 2 + cipher_len
    assert body[pos:pos + 2] == b'\x01\x00'                 # null compression only
    pos += 2
    extensions = {}
    if pos < len(body):
        total = struct.unpack('!H', body[pos:pos + 2])[0]
        pos += 2
        assert total == len(body) - pos
        while pos < len(body):
            ext_type, ext_len = struct.unpack('!HH', body[pos:pos + 4])
            extensions[ext_type] = body[pos + 4:pos + 4 + ext_len]
            pos += 4 + ext_len
    return record_version, client_version, ciphers, extensions


@pytest.mark.parametrize('text, name', [
    ('TLSv1', 'TLSv1'), ('TLSv1.0', 'TLSv1'), ('tls1.0', 'TLSv1'), ('1.0', 'TLSv1'), ('TLSv1_1', 'TLSv1.1'),
    ('1.2', 'TLSv1.2'), ('tlsv1.3', 'TLSv1.3'), ('SSLv3', 'SSLv3'), ('ssl3', 'SSLv3'), (' TLSv1.2 ', 'TLSv1.2')])
def test_version_names(text, name):
    assert version_name(text) == name


@pytest.mark.parametrize('bad', ['TLSv2', 'SSLv2', '', 'tls'])
def test_unknown_version_names_are_refused(bad):
    with pytest.raises(ValueError, match='unknown TLS protocol version'):
        version_name(bad)


def test_sni_is_a_name_never_an_address():
    assert sni_name('web.example.com') == 'web.example.com'
    assert sni_name('127.0.0.1') is None
    assert sni_name('::1') is None
    assert sni_name('[::1]') is None
    assert sni_name('127.0.0.1', 'aura-web1') == 'aura-web1'


@pytest.mark.parametrize('version', ['TLSv1', 'TLSv1.1'])
def test_legacy_hello_offers_exactly_that_version_with_sni(version):
    record_version, client_version, ciphers, extensions = hello_fields(client_hello(version, 'web.example.com', RANDOM))
    assert record_version == 0x0301
    assert client_version == VERSIONS[version]
    assert 0xc013 in ciphers and 0x002f in ciphers and ciphers[-1] == 0x00ff   # CBC suites and the renegotiation SCSV
    assert b'web.example.com' in extensions[0x0000]
    assert 0x000a in extensions and 0x000b in extensions
    assert 0x002b not in extensions                         # no supported_versions: nothing above the offered version


def test_no_sni_without_a_name_and_none_for_sslv3():
    dummy, dummy2, dummy3, extensions = hello_fields(client_hello('TLSv1', None, RANDOM))
    assert 0x0000 not in extensions
    record_version, client_version, dummy3, extensions = hello_fields(client_hello('SSLv3', 'web.example.com', RANDOM))
    assert (record_version, client_version, extensions) == (0x0300, 0x0300, {})


def test_hello_is_random_unless_told():
    assert client_hello('TLSv1') != client_hello('TLSv1')
    assert client_hello('TLSv1', random_bytes=RANDOM) == client_hello('TLSv1', random_bytes=RANDOM)


@pytest.mark.parametrize('version', ['TLSv1.2', 'TLSv1.3'])
def test_hello_is_for_legacy_versions_only(version):
    with pytest.raises(ValueError, match='legacy'):
        client_hello(version)


def server_hello(version):
    body = struct.pack('!H', version) + RANDOM + b'\x00' + b'\xc0\x13' + b'\x00'
    handshake = b'\x02' + struct.pack('!I', len(body))[1:] + body
    return b'\x16\x03\x01' + struct.pack('!H', len(handshake)) + handshake


def test_parse_reply():
    assert parse_reply(b'') == ('incomplete', None)
    assert parse_reply(b'\x15\x03\x01') == ('incomplete', None)
    assert parse_reply(b'\x15\x03\x01\x00\x02\x02') == ('incomplete', None)
    assert parse_reply(b'\x15\x03\x01\x00\x02\x02\x46') == ('alert', (2, 70))
    assert parse_reply(server_hello(0x0301)) == ('server_hello', 0x0301)
    assert parse_reply(server_hello(0x0303)[:8]) == ('incomplete', None)
    kind, detail = parse_reply(b'HTTP/1.1 400 Bad Request\r\n\r\n')
    assert kind == 'not_tls' and 'HTTP' in detail
    kind, detail = parse_reply(b'\x16\x03\x01\x00\x06\x0b\x00\x00\x02\x00\x00')
    assert kind == 'not_tls' and 'type 11' in detail


def test_judge_reply():
    assert judge_reply('TLSv1', 'server_hello', 0x0301) == {'method': 'client_hello', 'accepted': True, 'detail': 'ServerHello TLSv1'}
    lower = judge_reply('TLSv1.1', 'server_hello', 0x0301)
    assert lower['accepted'] is False and 'TLSv1 instead of TLSv1.1' in lower['detail']
    assert judge_reply('TLSv1', 'alert', (2, 70))['detail'] == 'alert protocol_version (70)'
    assert judge_reply('TLSv1', 'closed', 0) == {'method': 'client_hello', 'accepted': False,
                                                 'detail': 'connection closed without a ServerHello'}
    with pytest.raises(TlsProbeError, match='cannot judge TLSv1'):
        judge_reply('TLSv1', 'not_tls', 'the first bytes are not TLS')
    assert alert_text(40) == 'handshake_failure (40)' and alert_text(199) == 'alert (199)'


def test_judge_clean_server_has_no_finding():
    answers = {'SSLv3': {'accepted': False, 'detail': 'x'}, 'TLSv1': {'accepted': False, 'detail': 'x'},
               'TLSv1.1': {'accepted': False, 'detail': 'x'}, 'TLSv1.2': {'accepted': True, 'detail': 'x'},
               'TLSv1.3': {'accepted': True, 'detail': 'x'}}
    assert judge(answers, list(LEGACY), ['TLSv1.2', 'TLSv1.3']) == []


def test_judge_names_each_wrong_version():
    answers = {'SSLv3': {'accepted': True, 'detail': 'ServerHello SSLv3'}, 'TLSv1': {'accepted': True, 'detail': 'ServerHello TLSv1'},
               'TLSv1.1': {'accepted': False, 'detail': 'alert'}, 'TLSv1.2': {'accepted': True, 'detail': 'ok'},
               'TLSv1.3': {'accepted': False, 'detail': 'handshake refused'}}
    findings = judge(answers, list(LEGACY), ['TLSv1.2', 'TLSv1.3'], where='web:443')
    assert [(f.id, f.severity, f.evidence['version']) for f in findings] == [
        ('protocol_accepted', 'critical', 'SSLv3'), ('protocol_accepted', 'high', 'TLSv1'), ('protocol_refused', 'high', 'TLSv1.3')]
    assert 'by web:443' in findings[1].message and 'ServerHello TLSv1' in findings[1].message
