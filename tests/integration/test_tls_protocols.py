"""auraflow.ops.tls_protocols against real TLS servers on 127.0.0.1 (Python's ssl, i.e. OpenSSL, with a
self-signed certificate made here), each allowing a known range of protocol versions, and against
things that are not TLS servers. The module file is executed directly, as Ansible runs it on the target
(fault_servers.run_module); the real ``ansible localhost -m`` CLI runs check mode, one passing and one
failing probe and one bad-input case."""

import datetime
import socket
import ssl
import threading
import warnings

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

from fault_servers import free_port, run_module

CLEAN = {'SSLv3': False, 'TLSv1': False, 'TLSv1.1': False, 'TLSv1.2': True, 'TLSv1.3': True}


@pytest.fixture(scope='module')
def certificate(tmp_path_factory):
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, 'localhost')])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(minutes=5))
            .not_valid_after(now + datetime.timedelta(days=1)).sign(key, hashes.SHA256()))
    folder = tmp_path_factory.mktemp('tls')
    (folder / 'cert.pem').write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    (folder / 'key.pem').write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL,
                                                       serialization.NoEncryption()))
    return str(folder / 'cert.pem'), str(folder / 'key.pem')


class TlsServer:
    """Accepts connections on 127.0.0.1 and handshakes with versions minimum..maximum (or, with
    ``mode='close'``, closes every connection at once; ``mode='plain'`` answers in plain HTTP)."""

    def __init__(self, certificate, minimum='TLSv1_2', maximum='TLSv1_3', mode='tls'):
        self.mode = mode
        self.handshakes = []
        self.context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        self.context.load_cert_chain(*certificate)
        with warnings.catch_warnings():
            warnings.simplefilter('ignore', DeprecationWarning)
            if minimum in ('TLSv1', 'TLSv1_1'):
                self.context.set_ciphers('DEFAULT:@SECLEVEL=0')
            self.context.minimum_version = getattr(ssl.TLSVersion, minimum)
            self.context.maximum_version = getattr(ssl.TLSVersion, maximum)
        self.sock = socket.create_server(('127.0.0.1', 0))
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.running = True
        self.thread = threading.Thread(target=self._serve, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc_info):
        self.running = False
        self.thread.join(5)
        self.sock.close()

    def _serve(self):
        while self.running:
            try:
                conn, dummy = self.sock.accept()
            except OSError:
                continue
            conn.settimeout(5)
            try:
                if self.mode == 'close':
                    continue
                if self.mode == 'plain':
                    conn.recv(4096)
                    conn.sendall(b'HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n')
                    continue
                with self.context.wrap_socket(conn, server_side=True) as tls:
                    self.handshakes.append(tls.version())
            except (OSError, ssl.SSLError):
                pass
            finally:
                conn.close()


def probe(port, check_mode=False, via_ansible=None, **args):
    params = {'host': '127.0.0.1', 'port': port, 'timeout': 5}
    params.update(args)
    return run_module('tls_protocols', params, check_mode=check_mode, via_ansible=via_ansible)


def accepted(result):
    return {name: r['accepted'] for name, r in result['protocols'].items()}


def test_modern_server_is_clean(certificate):
    with TlsServer(certificate) as srv:
        res, proc = probe(srv.port, via_ansible=True)  # the passing probe through the CLI
    assert proc.returncode == 0 and res['ok'] is True and res['changed'] is False
    assert res['findings'] == [] and res['summary']['failed'] == 0
    assert accepted(res) == CLEAN
    assert res['protocols']['TLSv1']['detail'] == 'alert protocol_version (70)'
    assert res['protocols']['TLSv1']['method'] == 'client_hello' and res['protocols']['TLSv1']['expected'] == 'refused'
    assert res['protocols']['TLSv1.3']['method'] == 'handshake' and res['protocols']['TLSv1.3']['cipher']
    assert sorted(srv.handshakes) == ['TLSv1.2', 'TLSv1.3']       # real handshakes completed, server side


def test_legacy_server_is_caught_and_fails(certificate):
    with TlsServer(certificate, minimum='TLSv1', maximum='TLSv1_2') as srv:
        res, proc = probe(srv.port, via_ansible=True)  # the failing probe through the CLI
    assert proc.returncode != 0 and res['ok'] is False
    assert accepted(res) == {'SSLv3': False, 'TLSv1': True, 'TLSv1.1': True, 'TLSv1.2': True, 'TLSv1.3': False}
    found = [(f['id'], f['severity'], f['evidence']['version']) for f in res['findings']]
    assert found == [('protocol_accepted', 'high', 'TLSv1'), ('protocol_accepted', 'high', 'TLSv1.1'),
                     ('protocol_refused', 'high', 'TLSv1.3')]
    assert res['protocols']['TLSv1']['detail'] == 'ServerHello TLSv1'
    assert 'TLSv1 is accepted' in res['msg']


def test_fail_on_none_reports_without_failing_and_check_mode_probes(certificate):
    with TlsServer(certificate, minimum='TLSv1_1', maximum='TLSv1_2') as srv:
        # --check through the CLI
        res, proc = probe(srv.port, check_mode=True, fail_on='none', refused=['1.0', '1.1'], accepted=['1.2'])
    assert proc.returncode == 0 and res['ok'] is True and res['changed'] is False
    assert accepted(res) == {'TLSv1': False, 'TLSv1.1': True, 'TLSv1.2': True}
    assert [f['evidence']['version'] for f in res['findings']] == ['TLSv1.1']


def test_server_closing_every_connection_refuses_everything(certificate):
    with TlsServer(certificate, mode='close') as srv:
        res, proc = probe(srv.port, refused=['TLSv1'], accepted=['TLSv1.2'])
    assert proc.returncode != 0
    assert res['protocols']['TLSv1'] == {'accepted': False, 'detail': 'connection closed without a ServerHello',
                                         'method': 'client_hello', 'expected': 'refused'}
    assert [f['id'] for f in res['findings']] == ['protocol_refused']


def test_not_a_tls_server_is_not_guessed(certificate):
    with TlsServer(certificate, mode='plain') as srv:
        res, proc = probe(srv.port)
    assert proc.returncode != 0 and res['ok'] is False
    assert 'cannot judge SSLv3' in res['msg'] and 'not a TLS' in res['msg']


def test_nothing_listening_fails_with_the_reason():
    res, proc = probe(free_port())
    assert proc.returncode != 0 and 'cannot connect' in res['msg']


@pytest.mark.parametrize('args, message', [
    ({'refused': ['TLSv2']}, 'unknown TLS protocol version'),
    ({'refused': ['TLSv1.2'], 'accepted': ['1.2']}, 'cannot be both refused and accepted'),
    ({'refused': [], 'accepted': []}, 'at least one version'),
])
def test_bad_parameters(args, message):
    # one bad input as the user sees it, through the CLI; the others directly
    res, proc = probe(443, via_ansible=args == {'refused': ['TLSv2']}, **args)
    assert proc.returncode != 0 and message in res['msg']
