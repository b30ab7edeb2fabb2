"""Unit tests for plugins/module_utils/audit_checks.py: a security audit's answers -> checks."""

import json

from ansible_collections.auraflow.ops.plugins.module_utils.audit_checks import (
    audit_checks, backend_checks, database_checks, header_checks, nginx_checks, nginx_seconds, redis_checks, redis_rights_checks,
    tls_checks,
)

GOOD_HEADERS = {'status': 200, 'strict_transport_security': 'max-age=31536000; includeSubDomains', 'x_content_type_options': 'nosniff',
                'referrer_policy': 'strict-origin-when-cross-origin', 'x_frame_options': 'DENY', 'server': 'nginx', 'elapsed': 1,
                'permissions_policy': 'camera=(), microphone=()'}


def by_name(checks):
    return {c['name']: c for c in checks}


def test_headers_pass_on_good_answers_and_name_each_bad_path():
    good = [dict(GOOD_HEADERS, audit_path=p) for p in ('/', '/health')]
    checks = by_name(header_checks(good, 31536000, path_key='audit_path'))
    assert all(c['ok'] for c in checks.values()) and checks['header_hsts']['seconds'] == 2
    assert checks['server_tokens_off']['detail'] == 'Server: nginx (no version) on /, /health'
    bad = dict(GOOD_HEADERS, audit_path='/api/me', strict_transport_security='max-age=60', server='nginx/1.22.1',
               x_frame_options='', content_security_policy="frame-ancestors 'none'", referrer_policy='unsafe-url')
    checks = by_name(header_checks([bad, {'status': -1, 'msg': 'refused', 'audit_path': '/x'}], 31536000, path_key='audit_path'))
    assert not checks['header_hsts']['ok'] and '/api/me (max-age=60)' in checks['header_hsts']['detail']
    assert '/api/me (Server: nginx/1.22.1)' in checks['server_tokens_off']['detail']
    assert checks['header_frame_options']['detail'] == 'wrong on /x (no answer: refused)'  # CSP frame-ancestors is enough
    assert not checks['header_referrer_policy']['ok']
    missing = by_name(header_checks([dict(GOOD_HEADERS, audit_path='/', permissions_policy=None)], 31536000, path_key='audit_path'))
    assert (missing['header_permissions_policy']['ok'], missing['header_permissions_policy']['severity']) == (False, 'low')
    assert missing['header_permissions_policy']['detail'] == 'wrong on / (absent)'
    assert all(not c['ok'] and c['detail'] == 'no path was asked' for c in header_checks([], 1))


def test_tls_versions_expected_state_and_sslv3_is_critical():
    tls = {'summary': {}, 'protocols': {'SSLv3': {'expected': 'refused', 'accepted': True, 'detail': 'handshake'},
                                        'TLSv1.3': {'expected': 'accepted', 'accepted': True, 'detail': 'ok'}}}
    checks = by_name(tls_checks(tls, 4))
    assert (checks['tls_ssl3_refused']['ok'], checks['tls_ssl3_refused']['severity']) == (False, 'critical')
    assert checks['tls_1.3_accepted']['ok'] and checks['tls_1.3_accepted']['seconds'] == 2
    assert tls_checks({'msg': 'boom'})[0] == {'name': 'tls_protocols', 'ok': False, 'severity': 'high', 'detail': 'boom', 'seconds': 0}


def test_backend_env_mode_exposure_and_jwt_findings():
    answers = {'env': {'stat': {'exists': True, 'path': '/opt/.env', 'mode': '0644', 'pw_name': 'root', 'gr_name': 'aura-flow'}},
               'exposure': {'stdout': '→ Overall exposure level for aura-flow-backend.service: 1.3 OK', 'delta': '0:00:01.500000'},
               'jwt': {'summary': {}, 'msg': 'config checks ran', 'not_run': ['live: no url'],
                       'findings': [{'id': 'alg_none_accepted', 'severity': 'critical', 'message': 'alg none'}]},
               'jwt_seconds': '0.7', 'group': 'aura-flow'}
    checks = by_name(backend_checks('app1', answers, 0.5))
    assert not checks['env_file_mode_app1']['ok'] and 'want 0640 root:aura-flow' in checks['env_file_mode_app1']['detail']
    exposure = checks['unit_exposure_app1']
    assert (exposure['ok'], exposure['seconds']) == (False, 1.5) and exposure['detail'] == 'systemd-analyze security: exposure 1.3 (max 0.5)'
    assert checks['jwt_config_check_app1']['detail'] == 'config checks ran; not run: live: no url'
    assert checks['alg_none_accepted']['detail'] == 'app1: alg none' and not checks['alg_none_accepted']['ok']
    missing = by_name(backend_checks('app2', {'env': {'unreachable': True, 'msg': 'ssh: no route'}, 'exposure': {'stderr': 'x ' * 200}}))
    assert missing['env_file_mode_app2']['detail'] == 'no answer from app2: ssh: no route'
    assert missing['unit_exposure_app2']['detail'].endswith('...') and len(missing['unit_exposure_app2']['detail']) < 230
    assert missing['jwt_config_check_app2']['ok'] is False


def test_redis_must_refuse_an_unauthenticated_ping_and_speak_tls_only():
    """One probe per Redis host (from the first backend) answers both checks: JSON with the plain-text PING's answer,
    the TLS handshake verified against the CA, and the unauthenticated PING over TLS."""
    closed = 'closed without answer'
    answers = {
        'c1': json.dumps({'target': '10.0.0.5:6379', 'plain': closed, 'tls': 'verified (TLSv1.3)', 'ping': '-NOAUTH Authentication required.'}),
        'c2': json.dumps({'target': '10.0.0.6:6379', 'plain': closed, 'tls': 'verified (TLSv1.3)', 'ping': '+PONG'}),
        # a Redis without TLS: the plain PING answers, the handshake fails
        'c3': json.dumps({'target': '10.0.0.7:6379', 'plain': '-NOAUTH Authentication required.',
                          'tls': 'failed: [SSL: WRONG_VERSION_NUMBER] wrong version number'}),
        # TLS by a CA the backend does not trust
        'c4': json.dumps({'target': '10.0.0.8:6379', 'plain': 'no answer: [Errno 104] Connection reset by peer',
                          'tls': 'failed: [SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed'}),
    }
    checks = by_name(redis_checks(['c1', 'c2', 'c3', 'c4', 'c5'], 'app1', answers))
    auth = checks['redis_requires_auth_c1']
    assert auth['ok'] and auth['detail'] == 'PING without credentials from app1 to 10.0.0.5:6379 (TLS) answered: -NOAUTH Authentication required.'
    assert (checks['redis_requires_auth_c2']['ok'], checks['redis_requires_auth_c2']['severity']) == (False, 'critical')
    assert checks['redis_requires_auth_c3']['ok'] and '(plain text) answered: -NOAUTH' in checks['redis_requires_auth_c3']['detail']
    assert checks['redis_requires_auth_c4']['ok'] is False
    assert checks['redis_requires_auth_c5']['detail'] == 'not asked: no answer from app1 (not asked)'
    tls = checks['redis_tls_only_c1']
    assert tls['ok'] and tls['severity'] == 'high'
    assert tls['detail'] == 'TLS verified (TLSv1.3) on 10.0.0.5:6379; a plain-text PING got no answer (closed without answer)'
    assert checks['redis_tls_only_c3']['ok'] is False
    assert checks['redis_tls_only_c3']['detail'] == ('10.0.0.7:6379: a plain-text PING answered -NOAUTH Authentication required.; '
                                                     'TLS failed: [SSL: WRONG_VERSION_NUMBER] wrong version number')
    assert checks['redis_tls_only_c4']['ok'] is False and 'TLS failed: [SSL: CERTIFICATE_VERIFY_FAILED]' in checks['redis_tls_only_c4']['detail']
    assert checks['redis_tls_only_c5']['ok'] is False


def test_redis_app_user_rights():
    denied = "This user has no permissions to run the '%s' command"
    rights = {
        'c1': json.dumps({'auth': '+OK', 'replies': {'ACL SETUSER x on': denied % 'acl|setuser', 'FLUSHALL': denied % 'flushall'}}),
        'c2': json.dumps({'auth': '+OK', 'replies': {'ACL SETUSER x on': '+OK', 'FLUSHALL': denied % 'flushall',
                                                     'CLIENT SETINFO x y': "ERR Command 'CLIENT' not found"}}),
        'c3': json.dumps({'error': 'no operator account (set redis_admin_password on the Redis host)'}),
        'c4': json.dumps({'auth': '-WRONGPASS invalid username-password pair or user is disabled.'}),
        'c5': 'Traceback (most recent call last):',
    }
    checks = by_name(redis_rights_checks(['c1', 'c2', 'c3', 'c4', 'c5', 'c6'], 'app1', rights))
    assert checks['redis_app_least_privilege_c1']['ok'] and 'refused all 2: ACL SETUSER x on, FLUSHALL' in checks['redis_app_least_privilege_c1']['detail']
    bad = checks['redis_app_least_privilege_c2']
    assert (bad['ok'], bad['severity']) == (False, 'high')
    assert 'may run ACL SETUSER x on' in bad['detail'] and "unclear answers: CLIENT SETINFO x y (ERR Command 'CLIENT' not found)" in bad['detail']
    assert 'FLUSHALL' not in bad['detail']
    assert checks['redis_app_least_privilege_c3']['detail'] == 'not checked: no operator account (set redis_admin_password on the Redis host)'
    assert 'the operator account was refused: -WRONGPASS' in checks['redis_app_least_privilege_c4']['detail']
    assert not any(checks['redis_app_least_privilege_%s' % h]['ok'] for h in ('c3', 'c4', 'c5', 'c6'))
    assert checks['redis_app_least_privilege_c6']['detail'] == 'not checked: no answer from app1 (not asked)'


def test_pg_hba_and_app_role():
    rows = [{'line_number': 1, 'type': 'local', 'database': ['all'], 'user_name': ['all'], 'address': None, 'auth_method': 'peer', 'error': None},
            {'line_number': 2, 'type': 'hostssl', 'database': ['aura_flow'], 'user_name': ['aura'], 'address': '10.0.0.0',
             'auth_method': 'scram-sha-256', 'error': None}]
    role = {'rolname': 'aura', 'rolsuper': False, 'rolcreaterole': False, 'rolcreatedb': False, 'rolreplication': False, 'rolbypassrls': False}
    good = by_name(database_checks('db1', {'hba': {'query_result': rows, 'execution_time_ms': [3]}, 'role': {'query_result': [role]},
                                           'role_name': 'aura'}))
    assert all(c['ok'] for c in good.values()) and good['pg_hba_scram_only_db1']['detail'] == '1 network rules, methods: scram-sha-256'
    weak = rows + [{'line_number': 3, 'type': 'host', 'database': ['all'], 'user_name': ['all'], 'address': '0.0.0.0', 'auth_method': 'trust',
                    'error': None},
                   {'line_number': 4, 'type': 'local', 'database': ['all'], 'user_name': ['all'], 'address': None, 'auth_method': 'trust',
                    'error': None}]
    bad = by_name(database_checks('db1', {'hba': {'query_result': weak}, 'role': {'query_result': [dict(role, rolsuper=True, rolcreatedb=True)]},
                                          'role_name': 'aura'}))
    assert (bad['pg_hba_scram_only_db1']['ok'], bad['pg_hba_scram_only_db1']['severity']) == (False, 'critical')
    assert bad['pg_hba_scram_only_db1']['detail'] == 'line 3: host all all 0.0.0.0 trust'
    assert 'local trust on line(s) 4' in bad['pg_hba_no_local_trust_db1']['detail']
    assert bad['pg_app_role_not_superuser_db1']['detail'] == 'role aura: has super'
    assert bad['pg_app_role_least_privilege_db1']['detail'] == 'role aura: has createdb'
    gone = by_name(database_checks('db1', {'hba': {'msg': 'refused'}, 'role': {'query_result': []}, 'role_name': 'aura'}))
    assert gone['pg_app_role_not_superuser_db1']['detail'] == 'role aura does not exist'
    assert gone['pg_hba_scram_only_db1']['detail'] == 'cannot read pg_hba_file_rules: refused'


def test_the_whole_audit_keeps_module_finding_ids_and_the_row_shape():
    public = {'cors': {'summary': {}, 'msg': 'CORS audit', 'findings': [
        {'id': 'allowed_origin_rejected', 'severity': 'high', 'message': 'rejected', 'evidence': {'origin': 'https://app.example.com'}}]},
        'cors_seconds': '1.5', 'cors_origins': ['https://app.example.com'],
        'headers': {'results': [dict(GOOD_HEADERS, audit_path='/', ansible_loop_var='audit_path')]}}
    checks = audit_checks(public, {'app1': {}}, {'db1': {}}, cache_hosts=['c1'], prober='app1')
    named = by_name(checks)
    assert named['cors_audit']['ok'] and named['cors_audit']['seconds'] == 1.5
    assert named['cors_audit']['detail'] == 'CORS audit (allowed origins: https://app.example.com)'
    assert named['allowed_origin_rejected']['detail'] == 'rejected (origin https://app.example.com)'
    assert named['header_hsts']['ok'] and named['tls_protocols']['ok'] is False
    assert [c['name'] for c in checks][:2] == ['cors_audit', 'allowed_origin_rejected']
    for item in checks:
        assert set(item) == {'name', 'ok', 'severity', 'detail', 'seconds'} and isinstance(item['ok'], bool)


NGINX_T = """# configuration file /etc/nginx/nginx.conf:
http {
    gzip on;
    include /etc/nginx/conf.d/*.conf;
}
# configuration file /etc/nginx/conf.d/aura-flow.conf:
geo $aura_monitoring {
    default 0;
    127.0.0.1 1;
}
limit_req_zone $aura_api_client zone=aura_api:10m rate=30r/s;
client_header_timeout 10s;
client_body_timeout 10s;
server {
    gzip on;
    gzip_types application/json;
    location /api/ {
        limit_req zone=aura_api burst=60 nodelay;
        limit_conn aura_api_conn 40;
        limit_req_status 429;
        gzip off;
        include aura-flow-incident/api-*.conf;
        proxy_pass http://aura_backend;
    }
    location /api/auth/ {
        limit_req zone=aura_auth burst=10 nodelay;
        limit_conn aura_api_conn 40;
        gzip off;
        proxy_pass http://aura_backend;
    }
    # /health: the backend's detail only for the monitoring allow-list; a '{' or '#' in a string or comment counts for nothing
    location = /health {
        if ($aura_monitoring = 0) {
            rewrite ^ /_aura_health_public last;
        }
        proxy_hide_header Cache-Control;
        add_header Cache-Control "no-store" always;
        proxy_pass http://aura_backend;
    }
    location = /_aura_health_public {
        internal;
        auth_request /_aura_health_backend;
        error_page 401 403 500 502 503 504 = @aura_health_error;
        try_files /_aura_health_passed @aura_health_ok;
    }
    location = /_aura_health_backend {
        internal;
        proxy_pass http://aura_backend/health;
        proxy_pass_request_body off;
    }
    location @aura_health_ok {
        default_type application/json;
        return 200 '{"status":"ok"}';
    }
    location @aura_health_error {
        default_type application/json;
        return 503 '{"status":"error"}';
    }
}
"""


def test_nginx_configuration():
    good = by_name(nginx_checks('web1', {'nginx_config': NGINX_T}))
    assert all(c['ok'] for c in good.values()), good
    assert good['nginx_api_limits_web1']['detail'] == 'limit_req and limit_conn in location /api/, /api/auth/'
    assert good['nginx_client_timeouts_web1']['detail'] == 'client_header_timeout 10s, client_body_timeout 10s (max 30s)'
    # the old site: gzip on /api, no general limit, nginx's default timeouts
    old = NGINX_T.replace('        gzip off;\n', '').replace('        limit_conn aura_api_conn 40;\n', '')
    old = old.replace('        limit_req zone=aura_api burst=60 nodelay;\n', '').replace('client_header_timeout 10s;\n', '')
    old = old.replace('client_body_timeout 10s;', 'client_body_timeout 2m;')
    bad = by_name(nginx_checks('web1', {'nginx_config': old}))
    assert (bad['nginx_api_limits_web1']['ok'], bad['nginx_api_limits_web1']['severity']) == (False, 'medium')
    assert bad['nginx_api_limits_web1']['detail'] == 'no limit_req and limit_conn in location /api/, /api/auth/'
    assert bad['nginx_api_no_gzip_web1']['detail'].startswith('gzip on for location /api/, /api/auth/: compressed tokens')
    assert bad['nginx_client_timeouts_web1']['detail'] == (
        'slow clients may hold a connection: client_header_timeout not set (nginx default 60s); client_body_timeout 2m (max 30s)')
    # gzip off everywhere is fine without a per-location gzip off; a commented directive does not count
    plain = by_name(nginx_checks('web1', {'nginx_config': old.replace('gzip on;', 'gzip off;')}))
    assert plain['nginx_api_no_gzip_web1']['ok']
    live = '        limit_conn aura_api_conn 40;\n        gzip off;\n        proxy'
    commented = by_name(nginx_checks('web1', {'nginx_config': NGINX_T.replace(live, '        # ' + live.lstrip())}))
    assert commented['nginx_api_limits_web1']['detail'] == 'no limit_req and limit_conn in location /api/auth/'
    none = nginx_checks('web1', {'nginx_config': '', 'nginx_error': 'nginx: command not found'})
    assert [c['ok'] for c in none] == [False] * 4 and none[0]['detail'] == 'no configuration read: nginx: command not found'


def health_check(config):
    return by_name(nginx_checks('web1', {'nginx_config': config}))['nginx_health_public_minimal_web1']


def test_nginx_health_answers_only_status_to_clients_outside_the_allow_list():
    good = health_check(NGINX_T)
    assert (good['ok'], good['severity']) == (True, 'medium'), good
    assert good['detail'] == ('location = /health proxies except where ($aura_monitoring = 0): /_aura_health_public, '
                              'no backend answer passed on')
    # the site before issue 21: /health proxied to everybody
    site = NGINX_T
    start = site.index('    location = /health {')
    old = site[:start] + '    location = /health {\n        proxy_pass http://aura_backend;\n    }\n}\n'
    bad = health_check(old)
    assert (bad['ok'], bad['severity']) == (False, 'medium'), bad
    assert bad['detail'].startswith("location = /health proxies the backend's /health (version, db, redis) to every client")
    # the gate commented out, or on something other than the client's address: still everybody
    assert not health_check(site.replace('        if ($aura_monitoring = 0) {', '        # if ($aura_monitoring = 0) {\n        if (1) {'))['ok']
    assert not health_check(site.replace('if ($aura_monitoring = 0)', 'if ($http_x_monitoring)'))['ok']
    # the public branch proxies after all (the fixed answer replaced by the backend's)
    leaky = health_check(site.replace("return 200 '{\"status\":\"ok\"}';", 'proxy_pass http://aura_backend;'))
    assert not leaky['ok'] and leaky['detail'] == (
        "location = /health sends the clients where ($aura_monitoring = 0) to /_aura_health_public, and location @aura_health_ok "
        "proxies the backend's answer to them")
    # other ways that keep the detail in: an allow-list with deny all, an error_page gate, no proxying at all, no /health location
    allow = old.replace('        proxy_pass http://aura_backend;\n    }\n}', '        allow 10.0.0.0/8;\n        deny all;\n'
                        '        proxy_pass http://aura_backend;\n    }\n}')
    assert health_check(allow)['detail'] == 'location = /health proxies only for its allow rules (deny all)'
    teapot = site.replace('rewrite ^ /_aura_health_public last;', 'return 418;').replace(
        '        proxy_hide_header', '        error_page 418 = @aura_health_ok;\n        proxy_hide_header')
    assert health_check(teapot)['ok']
    assert health_check(site[:start] + '    location = /health {\n        return 200 ok;\n    }\n}\n')['ok']
    assert health_check(site[:start] + '}\n')['detail'] == 'no location serves /health'
    # no exact location: the longest prefix decides (location / proxying everything passes /health on)
    catch_all = health_check(site[:start] + '    location / {\n        proxy_pass http://aura_backend;\n    }\n}\n')
    assert not catch_all['ok'] and catch_all['detail'].startswith('location / proxies')


def test_nginx_seconds():
    assert [nginx_seconds(v) for v in ('10s', '1m30s', '500ms', '60', '2h', 'soon', '', '10 s')] == [10, 90, 0.5, 60, 7200, None, None, None]


HBA_LOCAL = {'line_number': 1, 'type': 'local', 'database': ['all'], 'user_name': ['all'], 'address': None, 'netmask': None,
             'auth_method': 'peer', 'error': None}


def hba(line, kind, address, netmask, method='scram-sha-256', database='aura_flow'):
    return {'line_number': line, 'type': kind, 'database': [database], 'user_name': ['aura'], 'address': address, 'netmask': netmask,
            'auth_method': method, 'error': None}


def test_network_rules_must_require_tls_and_the_loopback_need_not():
    rows = [HBA_LOCAL, hba(2, 'host', '127.0.0.1', '255.255.255.255'), hba(3, 'host', '::1', 'ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff'),
            hba(4, 'hostssl', '172.30.80.21', '255.255.255.255'), hba(5, 'hostssl', '172.30.80.22', '255.255.255.255', database='replication'),
            hba(6, 'hostnossl', '0.0.0.0', '0.0.0.0', method='reject'), hba(7, 'host', 'samehost', None)]
    good = by_name(database_checks('db1', {'hba': {'query_result': rows}}))['pg_hba_tls_only_db1']
    assert good['ok'] and good['severity'] == 'high'
    assert good['detail'] == '2 network rules, all hostssl (loopback and local rules need no TLS)'
    plain = rows + [hba(8, 'host', '172.30.80.0', '255.255.255.0'), hba(9, 'hostnossl', '10.0.0.0', '255.0.0.0'),
                    hba(10, 'host', '127.0.0.0', '255.0.0.0'), hba(11, 'host', '127.0.0.1', '0.0.0.0')]
    bad = by_name(database_checks('db1', {'hba': {'query_result': plain}}))['pg_hba_tls_only_db1']
    assert not bad['ok'] and bad['severity'] == 'high'
    assert bad['detail'] == ('without TLS: line 8: host aura_flow aura 172.30.80.0/255.255.255.0; line 9: hostnossl aura_flow aura 10.0.0.0/255.0.0.0; '
                             'line 11: host aura_flow aura 127.0.0.1/0.0.0.0')
    unread = by_name(database_checks('db1', {'hba': {'msg': 'refused'}}))['pg_hba_tls_only_db1']
    assert not unread['ok'] and unread['detail'] == 'cannot read pg_hba_file_rules: refused'


def test_every_live_network_connection_must_use_tls():
    def conn(pid, addr, ssl, user='aura', version='TLSv1.3', kind='client backend'):
        return {'pid': pid, 'usename': user, 'client_addr': addr, 'ssl': ssl, 'version': version if ssl else None, 'backend_type': kind}
    rows = [conn(10, '172.30.80.21', True), conn(11, '172.30.80.22', True), conn(12, '127.0.0.1', False), conn(13, '::1', False),
            conn(14, '172.30.80.32', True, user='replicator', version='TLSv1.2', kind='walsender')]
    good = by_name(database_checks('db1', {'connections': {'query_result': rows, 'execution_time_ms': [2]}}))['pg_connections_tls_db1']
    assert good['ok'] and good['severity'] == 'high' and good['seconds'] == 0.002
    assert good['detail'] == '3 network connections, all over TLS (TLSv1.2, TLSv1.3); 2 on the loopback'
    bad = by_name(database_checks('db1', {'connections': {'query_result': rows + [conn(15, '172.30.80.1', False)]}}))['pg_connections_tls_db1']
    assert not bad['ok'] and bad['detail'] == 'without TLS: aura from 172.30.80.1 (pid 15, client backend)'
    none = by_name(database_checks('db1', {'connections': {'query_result': []}}))['pg_connections_tls_db1']
    assert none['ok'] and none['detail'] == 'no network connections'
    unread = by_name(database_checks('db1', {'connections': {'msg': 'refused'}}))['pg_connections_tls_db1']
    assert not unread['ok'] and unread['detail'] == 'cannot read pg_stat_ssl: refused'
