"""Verify auraflow.ops.nginx in front of two auraflow.ops.backend hosts and the frontend.

Requests go from the controller to the web container on the scenario's own network
(172.30.94.0/24), verified against the role's self-signed certificate; they come from the network's
gateway, outside the scenario's nginx_monitoring_allow (127.0.0.1, ::1): a public client. curl on the
web host itself (127.0.0.1) is an allow-listed one. The tests run in file
order: the converged state, configuration safety, draining, the login rate limit. Rolling deploys,
the broken release and the rollback under a probe are the lab's (tests/integration/test_deploy_rollback.py
runs the same drain -> switch -> gate -> undrain through deploy.yml and rollback.yml)."""

import http.client
import json
import os
import re
import socket
import ssl
import subprocess
import sys
import time

import testinfra

testinfra_hosts = ['molecule-nginx-web']

WEB = '172.30.94.10'
APPS = ('molecule-nginx-app1', 'molecule-nginx-app2')
APP_ADDRESS = {'molecule-nginx-app1': '172.30.94.21', 'molecule-nginx-app2': '172.30.94.22'}
SITE = '/etc/nginx/conf.d/aura-flow.conf'
CA_FILE = os.path.join(os.environ.get('MOLECULE_EPHEMERAL_DIRECTORY', '/tmp'), 'nginx-web.crt')


def other(name):
    return testinfra.get_host('ansible://' + name, ansible_inventory=os.environ['MOLECULE_INVENTORY_FILE'])


def playbook(name, **extra):
    """Run a playbook of this scenario with extra vars; return (rc, output, seconds)."""
    flags = extra.pop('_flags', [])
    cmd = [os.path.join(os.path.dirname(sys.executable), 'ansible-playbook'), '-i', os.environ['MOLECULE_INVENTORY_FILE'],
           os.path.join(os.environ['MOLECULE_SCENARIO_DIRECTORY'], name), '-e', json.dumps(extra)] + flags
    started = time.monotonic()
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False, env=dict(os.environ, ANSIBLE_FORCE_COLOR='0'))
    return proc.returncode, proc.stdout + proc.stderr, time.monotonic() - started


def tls_context():
    context = ssl.create_default_context(cafile=CA_FILE)
    context.check_hostname = True
    return context


def request(method, path, body=None, headers=None, scheme='https'):
    """One request to nginx from the controller; (status, headers dict (lower-case), body bytes)."""
    if scheme == 'https':
        conn = http.client.HTTPSConnection(WEB, 443, context=tls_context(), timeout=10)
    else:
        conn = http.client.HTTPConnection(WEB, 80, timeout=10)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        response = conn.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        conn.close()


def local_request(host, path):
    """GET path from the web host itself (127.0.0.1, on the scenario's nginx_monitoring_allow); (status, headers, body)."""
    out = host.run("curl -sk -D /tmp/local.headers -o /tmp/local.body -w '%%{http_code}' https://127.0.0.1%s" % path)
    assert out.rc == 0, out.stderr
    lines = host.file('/tmp/local.headers').content_string.splitlines()[1:]
    headers = dict((k.strip().lower(), v.strip()) for k, dummy, v in (line.partition(':') for line in lines if ':' in line))
    return int(out.stdout), headers, host.file('/tmp/local.body').content_string.encode()


LOCAL_HEALTH_20 = "for i in $(seq 20); do curl -sk -o /dev/null -w '%{http_code}\\n' https://127.0.0.1/health; done"


def wait_for(probe, want, seconds=30):
    """Call probe() until its status is want; the last answer."""
    deadline = time.monotonic() + seconds
    answer = probe()
    while answer[0] != want and time.monotonic() < deadline:
        time.sleep(0.5)
        answer = probe()
    return answer


def upstream_lines(host):
    return re.findall(r'^\s*server (\S+) [^;]*?( down)?; # backend (\S+)$', host.file(SITE).content_string, re.M)


# --- the converged web host ----------------------------------------------------------

def test_nginx_running_and_config_clean(host):
    assert host.service('nginx').is_running and host.service('nginx').is_enabled
    assert host.run('nginx -t').rc == 0
    with open(CA_FILE, 'w') as handle:
        handle.write(host.file('/etc/nginx/tls/aura-flow.crt').content_string)
    key = host.file('/etc/nginx/tls/aura-flow.key')
    assert key.mode == 0o600 and key.user == 'root'


def test_tls_1_2_and_1_3_only(host):
    for version in (ssl.TLSVersion.TLSv1_2, ssl.TLSVersion.TLSv1_3):
        context = tls_context()
        context.minimum_version = context.maximum_version = version
        with socket.create_connection((WEB, 443), timeout=10) as raw:
            with context.wrap_socket(raw, server_hostname=WEB) as tls:
                assert tls.version() == version.name.replace('v1_', 'v1.')
    for flag in ('-tls1', '-tls1_1'):
        out = host.run("openssl s_client -connect 127.0.0.1:443 %s -cipher 'DEFAULT@SECLEVEL=0' </dev/null" % flag)
        assert out.rc != 0
        assert 'alert protocol version' in out.stdout + out.stderr, out.stdout + out.stderr
    out = host.check_output("openssl s_client -connect 127.0.0.1:443 -tls1_2 -cipher 'AES256-SHA' </dev/null 2>&1 || true")
    assert 'handshake failure' in out or 'no shared cipher' in out or 'Cipher is (NONE)' in out


def test_http_redirects_to_https():
    status, headers, dummy = request('GET', '/api/items?x=1', scheme='http')
    assert status == 301 and headers['location'] == 'https://%s/api/items?x=1' % WEB


def test_security_headers_everywhere():
    status, headers, body = request('GET', '/')
    assert status == 200
    assets = re.findall(rb'(?:src|href)="(/assets/[^"]+)"', body)
    assert len(assets) == 2
    for path in ['/', '/health', '/api/items', assets[0].decode()]:
        dummy, headers, dummy = request('GET', path)
        assert headers['strict-transport-security'].startswith('max-age=63072000'), path
        assert headers['x-content-type-options'] == 'nosniff', path
        assert headers['referrer-policy'] == 'strict-origin-when-cross-origin', path
        assert headers['x-frame-options'] == 'DENY', path
        assert "frame-ancestors 'none'" in headers['content-security-policy'], path
        assert headers['server'] == 'nginx', path  # server_tokens off: no version
        assert 'camera=()' in headers['permissions-policy'], path


def test_frontend_served_with_the_right_caching():
    status, headers, body = request('GET', '/')
    assert status == 200 and b'content="1.0.0"' in body and headers['cache-control'] == 'no-cache'
    asset = re.findall(rb'src="(/assets/app\.[^"]+)"', body)[0].decode()
    status, headers, dummy = request('GET', asset, headers={'Accept-Encoding': 'gzip'})
    assert status == 200
    assert headers['cache-control'] == 'public, max-age=31536000, immutable'
    assert headers.get('content-encoding') == 'gzip'
    status, headers, dummy = request('GET', '/some/client/route')
    assert status == 200 and headers['cache-control'] == 'no-cache'  # SPA fallback to index.html
    assert request('GET', '/assets/app.missing.js')[0] == 404


def test_backend_routes_proxied():
    status, dummy, body = request('GET', '/api/items')
    assert status == 401 and json.loads(body)['error'] == 'unauthorized'


def test_health_answers_only_status_publicly_and_the_detail_to_the_allow_list(host):
    # the controller is outside nginx_monitoring_allow: the status only, nothing about the release or its dependencies
    status, headers, body = request('GET', '/health')
    assert status == 200 and json.loads(body) == {'status': 'ok'}, body
    assert headers['content-type'] == 'application/json' and headers['cache-control'] == 'no-store', headers
    # 127.0.0.1 on the web host is on it: the backend's whole answer
    status, headers, body = local_request(host, '/health')
    assert status == 200 and json.loads(body) == {'status': 'ok', 'version': '1.0.0', 'db': 'ok', 'redis': 'ok'}, body
    assert headers['content-type'].startswith('application/json') and headers['cache-control'] == 'no-store', headers
    # the public answer's gate is internal: not reachable by name
    for path in ('/_aura_health_public', '/_aura_health_backend'):
        assert request('GET', path)[0] == 404, path


def test_health_answers_error_publicly_when_the_backends_are_unhealthy_or_down(host):
    data = other('molecule-nginx-data')
    try:
        # unhealthy: every backend answers its /health 503 (Redis gone); nginx tries both, then gives up
        assert data.run('systemctl stop redis-server').rc == 0
        status, dummy, body = wait_for(lambda: local_request(host, '/health'), 503)
        assert status == 503 and json.loads(body)['redis'] == 'fail' and json.loads(body)['version'] == '1.0.0', body
        status, headers, body = request('GET', '/health')
        assert status == 503 and json.loads(body) == {'status': 'error'}, body
        assert headers['content-type'] == 'application/json' and headers['cache-control'] == 'no-store', headers
    finally:
        data.run('systemctl start redis-server')
    assert wait_for(lambda: local_request(host, '/health'), 200)[0] == 200
    assert request('GET', '/health')[:3:2] == (200, b'{"status":"ok"}')
    try:
        # down: no backend answers at all
        for name in APPS:
            assert other(name).run('systemctl stop aura-flow-backend').rc == 0
        status, headers, body = request('GET', '/health')
        assert status == 503 and json.loads(body) == {'status': 'error'}, body
        assert headers['content-type'] == 'application/json' and headers['cache-control'] == 'no-store', headers
    finally:
        for name in APPS:
            other(name).run('systemctl start aura-flow-backend')
    assert wait_for(lambda: request('GET', '/health'), 200)[:3:2] == (200, b'{"status":"ok"}')
    assert wait_for(lambda: local_request(host, '/health'), 200)[0] == 200


def test_login_through_nginx(host):
    seeded = other(APPS[0]).run('cd /opt/aura-flow/current && runuser -u aura-flow -- env ENV_FILE=/opt/aura-flow/shared/.env node bin/seed.js')
    assert seeded.rc == 0, seeded.stderr
    status, headers, body = request('POST', '/api/auth/login', body=json.dumps({'email': 'demo@aura-flow.local', 'password': 'aura-demo-2024'}),
                                    headers={'Content-Type': 'application/json', 'Accept-Encoding': 'gzip'})
    assert status == 200, body
    assert json.loads(body)['token']
    # a token in a compressed answer over TLS leaks by its size (BREACH): /api is never gzipped, however large
    assert len(body) >= 256 and 'content-encoding' not in headers, headers


def test_body_limit():
    status, dummy, body = request('POST', '/api/items', body=b'x' * (11 * 1024 * 1024), headers={'Content-Type': 'application/json'})
    assert status == 413 and b'nginx' in body


def test_monitoring_only_from_allowed_networks(host):
    assert request('GET', '/monitoring/metrics')[0] == 403
    out = host.check_output('curl -sk -o /dev/null -w "%{http_code}" https://127.0.0.1/monitoring/metrics')
    assert out == '200'


def test_json_access_log(host):
    local_request(host, '/health')  # proxied (allow-listed): the public answer's upstream is its gate's subrequest
    last = json.loads(host.file('/var/log/nginx/aura-flow.access.log').content_string.strip().splitlines()[-1])
    assert last['uri'] == '/health' and last['status'] == 200
    assert float(last['request_time']) >= 0 and float(last['upstream_response_time']) >= 0
    assert last['upstream_addr'] in ('172.30.94.21:3001', '172.30.94.22:3001')


def test_upstream_has_every_backend_in_service(host):
    assert sorted((addr, down, name) for addr, down, name in upstream_lines(host)) == [
        ('172.30.94.21:3001', '', 'molecule-nginx-app1'), ('172.30.94.22:3001', '', 'molecule-nginx-app2')]
    site = host.file(SITE).content_string
    assert 'max_fails=0' in site and 'keepalive 32;' in site and 'keepalive_timeout 4s;' in site
    assert 'proxy_next_upstream error timeout http_502 http_503;' in site


def upstream_connections(host, state):
    """The web host's local address:port of its connections to a backend's port 3001 in `state` (ss state name)."""
    out = host.check_output("ss -Htn state %s '( dport = :3001 )'" % state)
    return {line.split()[-2] for line in out.splitlines() if line.strip()}


def test_nginx_not_the_backend_ends_an_idle_upstream_connection(host):
    """nginx closes a keep-alive connection to a backend that stayed idle (nginx_upstream_keepalive_timeout 4s)
    before the backend would (Node.js: 5 s). The side that closes first keeps the socket in TIME-WAIT, so
    every connection nginx used must be in TIME-WAIT on the web host afterwards. Were the backend first, a
    POST that nginx sends on the connection the moment it closes is reset, and nginx answers it 502 (it
    never resends a non-idempotent request): the rare failed write under load."""
    for dummy in range(8):
        assert request('GET', '/api/items')[0] == 401
    used = upstream_connections(host, 'established')
    assert used, 'nginx kept no connection to the backends'
    time.sleep(6.5)  # past both timeouts: nginx's 4 s and the backends' 5 s; nothing else talks to them meanwhile
    closed_by_nginx = upstream_connections(host, 'time-wait')
    assert used <= closed_by_nginx, 'the backends, not nginx, closed these idle connections: %s' % sorted(used - closed_by_nginx)


# --- configuration safety ------------------------------------------------------------

def test_invalid_config_variable_is_rejected_and_the_old_config_serves(host):
    before = host.file(SITE).sha256sum
    master = host.check_output('systemctl show -p MainPID --value nginx')
    rc, output, dummy = playbook('web.yml', step='main', nginx_client_max_body_size='ten megabytes')
    assert rc != 0
    assert 'failed to validate' in output and 'client_max_body_size' in output, output
    assert host.file(SITE).sha256sum == before
    assert host.check_output('systemctl show -p MainPID --value nginx') == master
    assert request('GET', '/health')[0] == 200
    assert host.run('nginx -t').rc == 0


def test_check_mode_of_the_converged_host_changes_nothing(host):
    before = host.file(SITE).sha256sum
    rc, output, dummy = playbook('web.yml', step='main', _flags=['--check', '--diff'])
    assert rc == 0 and re.search(r'molecule-nginx-web\s*:\s*ok=\d+\s+changed=0', output), output
    rc, output, dummy = playbook('web.yml', step='upstream', nginx_upstream_drained=['molecule-nginx-app2'], _flags=['--check', '--diff'])
    assert rc == 0 and re.search(r'molecule-nginx-web\s*:\s*ok=\d+\s+changed=1', output), output  # one module run: edit, test, reload
    assert '+    server 172.30.94.22:3001 max_fails=0 fail_timeout=10s down; # backend molecule-nginx-app2' in output
    assert host.file(SITE).sha256sum == before


def test_bad_input_fails_at_argument_validation(host):
    before = host.file(SITE).sha256sum
    for extra, name in (({'step': 'main', 'nginx_https_port': 'https'}, 'nginx_https_port'),
                        ({'step': 'main', 'nginx_tls_protocols': ['TLSv1.1']}, 'nginx_tls_protocols'),
                        ({'step': 'main', 'nginx_listen_ipv6': 'perhaps'}, 'nginx_listen_ipv6'),
                        ({'step': 'upstream', 'nginx_upstream_drained': {'a': 1}}, 'nginx_upstream_drained')):
        rc, output, dummy = playbook('web.yml', **extra)
        assert rc != 0, extra
        assert name in output and 'argument' in output.lower(), output
        assert re.search(r'molecule-nginx-web\s*:\s*ok=\d+\s+changed=0', output), output
    assert host.file(SITE).sha256sum == before


def test_drain_takes_a_backend_out_and_back(host):
    rc, output, dummy = playbook('web.yml', step='upstream', nginx_upstream_drained=['molecule-nginx-app1'])
    assert rc == 0, output
    assert ('172.30.94.21:3001', ' down', 'molecule-nginx-app1') in upstream_lines(host)
    log = '/var/log/nginx/aura-flow.access.log'
    lines = len(host.file(log).content_string.splitlines())
    assert host.check_output(LOCAL_HEALTH_20).split() == ['200'] * 20  # proxied: from the allow-list
    served = {json.loads(line)['upstream_addr'] for line in host.file(log).content_string.splitlines()[lines:]}
    assert served == {'172.30.94.22:3001'}

    rc, output, dummy = playbook('web.yml', step='upstream', nginx_upstream_drained=['molecule-nginx-app1'])
    assert rc == 0 and re.search(r'molecule-nginx-web\s*:\s*ok=\d+\s+changed=0', output), output

    for drained, message in ((list(APPS), 'leave at least one in service'), (['molecule-nginx-app9'], 'must name backends')):
        rc, output, dummy = playbook('web.yml', step='upstream', nginx_upstream_drained=drained)
        assert rc != 0 and message in output, output

    rc, output, dummy = playbook('web.yml', step='upstream', nginx_upstream_drained=[])
    assert rc == 0, output
    assert all(down == '' for dummy, down, dummy in upstream_lines(host))
    lines = len(host.file(log).content_string.splitlines())
    host.check_output(LOCAL_HEALTH_20)
    served = {json.loads(line)['upstream_addr'] for line in host.file(log).content_string.splitlines()[lines:]}
    assert served == {'172.30.94.21:3001', '172.30.94.22:3001'}


def test_a_web_host_without_the_site_drains_nothing_only_when_told_it_may(host):
    """Before a first deploy has configured nginx, the rollout's drain finds no site: with
    nginx_upstream_missing_ok (the rollout role sets it) that is a host serving nothing, changed=0;
    without it, a clear failure."""
    missing = '/etc/nginx/conf.d/not-there.conf'
    rc, output, dummy = playbook('web.yml', step='upstream', nginx_site_path=missing, nginx_upstream_drained=['molecule-nginx-app1'],
                                 nginx_upstream_missing_ok=True)
    assert rc == 0 and re.search(r'molecule-nginx-web\s*:\s*ok=\d+\s+changed=0', output), output
    assert not host.file(missing).exists
    rc, output, dummy = playbook('web.yml', step='upstream', nginx_site_path=missing, nginx_upstream_drained=['molecule-nginx-app1'])
    assert rc != 0 and 'nginx site file %s does not exist' % missing in output, output


def test_a_backend_the_site_does_not_list_yet_needs_no_drain_only_when_told(host):
    """A backend host just added to the inventory is not in the upstream until nginx's main runs: it takes no
    traffic, so the rollout's drain leaves it out (nginx_upstream_unknown_ok); the others stay in service.
    Without it the name is refused (a mistyped name would drain nothing)."""
    before = host.file(SITE).sha256sum
    rc, output, dummy = playbook('web.yml', step='upstream', nginx_upstream_drained=['molecule-nginx-app3'], nginx_upstream_unknown_ok=True)
    assert rc == 0 and re.search(r'molecule-nginx-web\s*:\s*ok=\d+\s+changed=0', output), output
    assert host.file(SITE).sha256sum == before
    assert all(down == '' for dummy, down, dummy in upstream_lines(host))
    rc, output, dummy = playbook('web.yml', step='upstream', nginx_upstream_drained=['molecule-nginx-app3'])
    assert rc != 0 and 'must name backends' in output, output


def test_login_attempts_are_rate_limited_by_nginx(host):
    codes = host.check_output(
        "for i in $(seq 30); do curl -sk -o /tmp/login.$i -w '%{http_code}\\n' -X POST -H 'Content-Type: application/json' "
        "-d '{}' https://127.0.0.1/api/auth/login; done").split()
    limited = [i for i, code in enumerate(codes, 1) if code == '429' and 'nginx' in host.file('/tmp/login.%d' % i).content_string]
    assert limited, codes
    assert codes[0] != '429'


def test_a_slow_client_is_cut_off(host):
    # slowloris: request headers never finished; nginx_client_header_timeout is 2s in this scenario
    with socket.create_connection((WEB, 443), timeout=10) as raw:
        with tls_context().wrap_socket(raw, server_hostname=WEB) as conn:
            conn.sendall(b'GET /api/items HTTP/1.1\r\nHost: x\r\n')
            try:
                answer = conn.recv(1024)  # a nginx that waits forever leaves this to the socket's 10 s timeout: an error
            except (ConnectionResetError, ssl.SSLEOFError):
                answer = b''
    assert answer == b'' or answer.startswith(b'HTTP/1.1 408'), answer


def test_api_requests_are_rate_limited_per_client_but_not_for_the_monitoring_allow_list(host):
    # from the controller (not on nginx_monitoring_allow): 5r/s with a burst of 10 in this scenario, then 429 from nginx
    conn = http.client.HTTPSConnection(WEB, 443, context=tls_context(), timeout=10)
    codes = []
    try:
        for dummy in range(120):
            conn.request('GET', '/api/items')
            response = conn.getresponse()
            response.read()
            codes.append(response.status)
    finally:
        conn.close()
    # the other tests share the controller's bucket (and testinfra's host fixture reorders them): let it refill
    deadline = time.monotonic() + 10
    while request('GET', '/api/items')[0] == 429 and time.monotonic() < deadline:
        time.sleep(0.5)
    time.sleep(2.5)  # the whole burst back (10 at 5r/s)
    assert codes[:10] == [401] * 10 and codes.count(429) >= 50, codes
    # from the web host itself (127.0.0.1 is on the allow-list): never limited
    local = host.check_output("for i in $(seq 120); do curl -sk -o /dev/null -w '%{http_code}\\n' https://127.0.0.1/api/items; done").split()
    assert len(local) == 120 and set(local) == {'401'}, local
