"""The data tier over TLS on the deployed lab (issue 21): PostgreSQL refuses a network connection
without TLS, the backends verify the server's certificate (sslmode=verify-full with the lab CA) and
every live network connection uses TLS; Redis answers nothing in plain text on the network, speaks
TLS with a certificate the lab CA signed, and the backends use it (rediss://).

The connections are made on aura-app1 with the app's own PostgreSQL driver (node-postgres from the
deployed release), as the app's account, with the credentials of its .env: what a compromised or
misconfigured app host could do.
"""

import json
import os
import socket
import ssl

import pytest

from conftest import ROOT, answers, run

pytestmark = pytest.mark.lab

HEALTH = 'https://172.30.80.10/health'
APP_HOSTS = {'aura-app1': '172.30.80.21', 'aura-app2': '172.30.80.22'}
CACHE = ('172.30.80.41', 6379)
LAB_CA = os.path.join(ROOT, 'inventories', 'lab', '.pki', 'ca.crt')

# variant: as deployed (.env), plain (sslmode=disable), other_ca (verify-full against the system's CAs, not the lab's)
CONNECT = r"""
const { Client } = require('pg');
const cfg = require('./src/config').load({ ENV_FILE: '/opt/aura-flow/shared/.env', NODE_ENV: 'production' });
const url = new URL(cfg.databaseUrl);
const variant = process.argv[1];
if (variant === 'plain') { url.searchParams.delete('sslrootcert'); url.searchParams.set('sslmode', 'disable'); }
if (variant === 'other_ca') url.searchParams.set('sslrootcert', '/etc/ssl/certs/ca-certificates.crt');
const c = new Client({ connectionString: url.toString(), connectionTimeoutMillis: 5000 });
c.connect()
  .then(() => c.query('SELECT ssl, version FROM pg_stat_ssl WHERE pid = pg_backend_pid()'))
  .then((r) => { console.log(JSON.stringify({ ok: true, row: r.rows[0], sslmode: url.searchParams.get('sslmode') })); return c.end(); })
  .catch((e) => { console.log(JSON.stringify({ ok: false, error: e.message })); });
"""


def connect_from_app_host(variant, host='aura-app1'):
    result = run(['docker', 'exec', '-w', '/opt/aura-flow/current', host, 'runuser', '-u', 'aura-flow', '--',
                  'node', '-e', CONNECT, variant], timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def db_query(sql):
    result = run(['docker', 'exec', 'aura-db1', 'runuser', '-u', 'postgres', '--', 'psql', '-d', 'postgres', '-AtF', '|', '-c', sql],
                 timeout=60)
    assert result.returncode == 0, result.stderr
    return [line.split('|') for line in result.stdout.splitlines() if line]


@pytest.fixture(scope='module')
def deployed(deployed_lab):
    assert answers(HEALTH), '%s does not answer after deploying Aura Flow on the lab' % HEALTH
    return deployed_lab


def test_the_backend_connects_over_tls_and_verifies_the_server(deployed):
    got = connect_from_app_host('as_deployed')
    assert got['ok'] is True, got
    assert got['sslmode'] == 'verify-full' and got['row']['ssl'] is True and got['row']['version'].startswith('TLSv1.'), got


def test_a_connection_without_tls_is_refused(deployed):
    got = connect_from_app_host('plain')
    assert got['ok'] is False, got
    assert 'no pg_hba.conf entry' in got['error'] and 'no encryption' in got['error'], got


def test_a_server_the_ca_did_not_sign_is_not_trusted(deployed):
    # the same server, judged by the system's public CAs instead of the lab's: verify-full refuses it
    got = connect_from_app_host('other_ca')
    assert got['ok'] is False, got
    assert 'certificate' in got['error'], got


def test_every_live_connection_of_the_backends_uses_tls(deployed):
    for host in APP_HOSTS:
        assert run(['docker', 'exec', host, 'curl', '-fsS', '-m', '5', 'http://127.0.0.1:3001/health'], timeout=30).returncode == 0
    rows = db_query("SELECT host(a.client_addr), s.ssl FROM pg_stat_activity a JOIN pg_stat_ssl s USING (pid) "
                    "WHERE a.client_addr IS NOT NULL AND a.datname = 'aura_flow' ORDER BY 1")
    assert {addr for addr, dummy in rows} >= set(APP_HOSTS.values()), rows
    assert all(ssl == 't' for dummy, ssl in rows), rows


def test_redis_answers_nothing_in_plain_text_on_the_network(deployed):
    with socket.create_connection(CACHE, 5) as conn:
        conn.settimeout(5)
        conn.sendall(b'*1\r\n$4\r\nPING\r\n')
        try:
            reply = conn.recv(512)
        except ConnectionResetError:
            reply = b''
    assert reply == b'', reply  # a TLS port: the plain request is not understood and the connection closed


def test_redis_speaks_tls_with_a_certificate_of_the_lab_ca(deployed):
    with ssl.create_default_context(cafile=LAB_CA).wrap_socket(socket.create_connection(CACHE, 5), server_hostname=CACHE[0]) as conn:
        conn.settimeout(5)
        conn.sendall(b'*1\r\n$4\r\nPING\r\n')
        assert conn.recv(512).startswith(b'-NOAUTH'), 'Redis answered PING without credentials'
    with pytest.raises(ssl.SSLCertVerificationError):  # the system's CAs do not vouch for it
        ssl.create_default_context().wrap_socket(socket.create_connection(CACHE, 5), server_hostname=CACHE[0]).close()


def test_the_backends_use_redis_over_tls(deployed):
    for host in APP_HOSTS:
        env = run(['docker', 'exec', host, 'sh', '-c', 'grep ^REDIS_URL= /opt/aura-flow/shared/.env | cut -d: -f1'], timeout=30).stdout.strip()
        assert env == 'REDIS_URL="rediss', (host, env)
        health = json.loads(run(['docker', 'exec', host, 'curl', '-fsS', '-m', '5', 'http://127.0.0.1:3001/health'], timeout=30).stdout)
        assert health['redis'] == 'ok', (host, health)
