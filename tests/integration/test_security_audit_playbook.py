"""playbooks/security_audit.yml on the deployed five-host lab, read-only.

The deployed lab must audit clean (no check above info fails: a false positive is a bug), a run at
-vvv must not print any secret of inventories/lab/group_vars/all/secrets.yml, check mode must work
with changed=0, and faults are caught without changing the lab: -e overrides make the audit expect
something the lab does not do (a CORS whitelist without the real origin -> allowed_origin_rejected;
audit_max_exposure=0.5 -> unit_exposure), the named check fails and the playbook exits non-zero.
The JWT live checks log in once per run; only the first run does them (the app rate-limits logins).
"""

import contextlib
import json
import os
import re
import socket
import ssl
import subprocess
import time
import urllib.parse

import pytest
import yaml

from conftest import ROOT, SSH, answers, changed_counts, over_ssh, run, run_installed, run_playbook
from pg_server import pg_bin_dir

PLAYBOOK = os.path.join(ROOT, '.venv', 'bin', 'ansible-playbook')
HEALTH = 'https://172.30.80.10/health'
SECRETS = os.path.join(ROOT, 'inventories', 'lab', 'group_vars', 'all', 'secrets.yml')
LAB_CA = os.path.join(ROOT, 'inventories', 'lab', '.pki', 'ca.crt')
DEMO_PASSWORD = 'aura-demo-2024'
NO_LOGIN = ['-e', 'audit_jwt_live=false']

pytestmark = pytest.mark.lab


@pytest.fixture(scope='module')
def deployed(deployed_lab):
    assert answers(HEALTH), '%s does not answer after deploying Aura Flow on the lab' % HEALTH
    return deployed_lab


def audit(*args):
    """Run the playbook; (return code, output, the report it wrote)."""
    rc, out, report, _unused = run_playbook('security_audit', *SSH, *args, timeout=600)
    assert report is not None, 'no report in the output:\n' + out[-3000:]
    return rc, out, report


def check(report, name):
    matches = [c for c in report['checks'] if c['name'] == name]
    assert matches, 'no check %s in %s' % (name, [c['name'] for c in report['checks']])
    return matches


@pytest.fixture(scope='module')
def clean_run(deployed, installed):
    """One full run at -vvv (with the live JWT checks) the way a user runs it: auraflow.ops.security_audit
    from the installed collection, in a directory of their own, over SSH as deploy with sudo
    (inventories/lab-ssh). Shared by the clean and the no-leak tests."""
    with over_ssh('aura-web1', 'aura-app1', 'aura-app2', 'aura-db1'):  # the hosts its plays run on
        rc, out = run_installed(installed, 'security_audit', *SSH, '-vvv', timeout=600)
    found = re.findall(r'report: (\S+/security_audit-\d{8}T\d{6}Z\.json)', out)
    assert found and found[-1].startswith(os.path.join(installed['cwd'], 'reports') + '/'), out[-3000:]
    with open(found[-1], encoding='utf-8') as handle:
        return rc, out, json.load(handle)


def test_the_deployed_lab_audits_clean(clean_run):
    rc, out, report = clean_run
    above_info = [c for c in report['checks'] if c['severity'] != 'info' and not c['ok']]
    assert above_info == [], json.dumps(above_info, indent=1)
    assert rc == 0, out[-3000:]
    assert report['kind'] == 'security_audit' and report['passed'] is True and report['measured']['failing'] == []
    assert report['release'] and report['targets']['fail_on'] == 'high'
    for item in report['checks']:
        assert set(item) == {'name', 'ok', 'severity', 'detail', 'seconds'}, item
        assert item['severity'] in ('info', 'low', 'medium', 'high', 'critical'), item
    names = {c['name'] for c in report['checks']}
    expected = {'cors_audit', 'tls_ssl3_refused', 'tls_1.0_refused', 'tls_1.1_refused', 'tls_1.2_accepted', 'tls_1.3_accepted',
                'header_hsts', 'header_nosniff', 'header_referrer_policy', 'header_frame_options', 'header_permissions_policy',
                'server_tokens_off',
                'redis_requires_auth_aura-cache1', 'redis_tls_only_aura-cache1', 'redis_app_least_privilege_aura-cache1',
                'pg_hba_scram_only_aura-db1', 'pg_hba_no_local_trust_aura-db1',
                'pg_app_role_not_superuser_aura-db1', 'pg_app_role_least_privilege_aura-db1',
                'pg_hba_tls_only_aura-db1', 'pg_connections_tls_aura-db1',
                'nginx_api_limits_aura-web1', 'nginx_api_no_gzip_aura-web1', 'nginx_client_timeouts_aura-web1',
                'nginx_health_public_minimal_aura-web1'}
    for host in ('aura-app1', 'aura-app2'):
        expected |= {'env_file_mode_' + host, 'unit_exposure_' + host, 'jwt_config_check_' + host}
    assert expected <= names, expected - names
    assert 'https://127.0.0.1:8443' in report['targets']['cors_allowed_origins']
    # The first backend ran the config and the live checks, the second the config checks only.
    assert 'config and live checks ran' in check(report, 'jwt_config_check_aura-app1')[0]['detail']
    assert 'config checks ran' in check(report, 'jwt_config_check_aura-app2')[0]['detail']
    assert 'to 172.30.80.41:6379 (TLS) answered: -NOAUTH' in check(report, 'redis_requires_auth_aura-cache1')[0]['detail']
    assert check(report, 'redis_tls_only_aura-cache1')[0]['detail'].startswith('TLS verified (TLSv1.3) on 172.30.80.41:6379; a plain-text PING got no answer')
    assert check(report, 'nginx_client_timeouts_aura-web1')[0]['detail'] == (
        'client_header_timeout 10s, client_body_timeout 10s (max 30s)')
    assert check(report, 'nginx_health_public_minimal_aura-web1')[0]['detail'] == (
        'location = /health proxies except where ($aura_monitoring = 0): /_aura_health_public, no backend answer passed on')
    assert 'the application user is refused all 10: ACL SETUSER' in check(report, 'redis_app_least_privilege_aura-cache1')[0]['detail']
    assert 'alert protocol_version' in check(report, 'tls_1.0_refused')[0]['detail']
    assert check(report, 'pg_hba_tls_only_aura-db1')[0]['detail'].startswith('2 network rules, all hostssl')  # one per app host
    assert re.match(r'\d+ network connections, all over TLS \(TLSv1\.3\)', check(report, 'pg_connections_tls_aura-db1')[0]['detail'])
    assert set(changed_counts(out)) == {0}, out.split('PLAY RECAP')[-1]
    assert re.search(r'security_audit \S+: PASSED', out)


def test_verbose_output_leaks_no_secret(clean_run):
    rc, out, dummy = clean_run
    assert rc == 0
    with open(SECRETS, encoding='utf-8') as handle:
        secrets = {key: str(value) for key, value in yaml.safe_load(handle).items() if value}
    assert {'aura_db_password', 'aura_redis_password', 'aura_redis_admin_password', 'aura_jwt_secret'} <= set(secrets)
    for key, value in secrets.items():
        for form in (value, urllib.parse.quote(value, safe='')):
            assert form not in out, '%s appears in the -vvv output' % key
    assert DEMO_PASSWORD not in out, 'the login password appears in the -vvv output'
    assert not re.search(r'eyJ[A-Za-z0-9_-]{10,}\.eyJ', out), 'a JWT appears in the -vvv output'
    assert re.search(r'<172\.30\.80\.21> SSH: EXEC ssh ', out)  # it really was verbose (and over SSH)


def test_check_mode_changes_nothing_and_a_finding_below_fail_on_does_not_fail(deployed):
    rc, out, report = audit('--check', '-e', 'audit_max_exposure=0.5', *NO_LOGIN)
    assert rc == 0, out[-3000:]
    assert set(changed_counts(out)) == {0}
    exposure = check(report, 'unit_exposure_aura-app1')[0]
    assert exposure['ok'] is False and exposure['severity'] == 'medium' and '(max 0.5)' in exposure['detail']
    assert report['passed'] is False and report['measured']['failing'] == []       # medium < high: reported, not failed
    assert 'live checks' not in check(report, 'jwt_config_check_aura-app1')[0]['detail']


def test_cors_whitelist_without_the_real_origin_is_the_outage(deployed):
    rc, out, report = audit('-e', json.dumps({'audit_cors_allowed_origins': ['https://app.example.com']}), *NO_LOGIN)
    assert rc != 0
    rejected = check(report, 'allowed_origin_rejected')[0]
    assert rejected['ok'] is False and rejected['severity'] == 'high' and 'https://app.example.com' in rejected['detail']
    assert report['measured']['failing'] == ['allowed_origin_rejected']
    assert 'security_audit failed at severity high or above: allowed_origin_rejected' in out
    assert set(changed_counts(out)) == {0}


def test_stricter_exposure_limit_fails_the_unit_exposure_checks(deployed):
    rc, out, report = audit('-e', 'audit_max_exposure=0.5', '-e', 'audit_fail_on=medium', *NO_LOGIN)
    assert rc != 0
    for host in ('aura-app1', 'aura-app2'):
        exposure = check(report, 'unit_exposure_' + host)[0]
        assert exposure['ok'] is False and '(max 0.5)' in exposure['detail']
    assert sorted(report['measured']['failing']) == ['unit_exposure_aura-app1', 'unit_exposure_aura-app2']
    assert 'security_audit failed at severity medium or above' in out


def redis_as_app(*commands):
    """Each command's first reply line, sent to aura-cache1 as the application's Redis user (its REDIS_URL's)."""
    with open(SECRETS, encoding='utf-8') as handle:
        password = yaml.safe_load(handle)['aura_redis_password']
    replies = []
    context = ssl.create_default_context(cafile=LAB_CA)  # Redis speaks TLS only on the network
    with context.wrap_socket(socket.create_connection(('172.30.80.41', 6379), 5), server_hostname='172.30.80.41') as conn:
        stream = conn.makefile('rb')
        for words in [('AUTH', 'aura', password)] + [tuple(c.split()) for c in commands]:
            conn.sendall(b''.join([b'*%d\r\n' % len(words)] + [b'$%d\r\n%s\r\n' % (len(w), w.encode()) for w in words]))
            replies.append(stream.readline().decode().strip())
    return replies[1:]


def test_the_app_user_may_not_give_itself_rights(deployed):
    # a compromised backend tries it for real: NOPERM, and the app's own commands still work
    replies = redis_as_app('ACL SETUSER auraflow-probe off', 'CONFIG GET maxmemory', 'PING', 'SET auraflow:probe 1', 'DEL auraflow:probe')
    if replies[0] == '+OK':
        redis_as_app('ACL DELUSER auraflow-probe')  # the old ACL let it: leave no user behind
    assert [r.split(' ')[0] for r in replies] == ['-NOPERM', '-NOPERM', '+PONG', '+OK', ':1'], replies


def test_a_command_the_app_user_may_run_fails_the_rights_check(deployed):
    # the audit told to expect GET refused: the lab's app user may run it, so the check fails and names it
    rc, out, report = audit('-e', json.dumps({'audit_redis_forbidden': ['FLUSHALL', 'GET auraflow:probe']}), *NO_LOGIN)
    assert rc != 0
    rights = check(report, 'redis_app_least_privilege_aura-cache1')[0]
    assert rights['ok'] is False and rights['severity'] == 'high'
    assert rights['detail'] == 'the application user may run GET auraflow:probe'
    assert report['measured']['failing'] == ['redis_app_least_privilege_aura-cache1']
    assert set(changed_counts(out)) == {0}


@contextlib.contextmanager
def plain_connection_to_the_database():
    """A pg_hba rule letting the controller (the lab network's gateway) in without TLS, and an idle connection it
    holds open that way; the rule and the connection are gone afterwards. The client ends the connection itself
    (its input closed): a connection ended by the server would log a FATAL line that diagnose.yml, run next,
    reports."""
    hba = '/etc/postgresql/%s/main/pg_hba.conf' % run(['docker', 'exec', 'aura-db1', 'ls', '/etc/postgresql'], timeout=30).stdout.split()[0]
    original = run(['docker', 'exec', 'aura-db1', 'cat', hba], timeout=30).stdout
    with open(SECRETS, encoding='utf-8') as handle:
        password = yaml.safe_load(handle)['aura_db_password']
    psql = os.path.join(pg_bin_dir(), 'psql')
    listed = "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'auraflow_plain_test'"
    proc = None
    try:
        run(['docker', 'exec', 'aura-db1', 'sh', '-c', 'echo "host aura_flow aura_flow_user 172.30.80.1/32 scram-sha-256" >> %s' % hba], timeout=30)
        run(['docker', 'exec', 'aura-db1', 'runuser', '-u', 'postgres', '--', 'psql', '-c', 'SELECT pg_reload_conf()'], timeout=30)
        proc = subprocess.Popen([psql, 'host=172.30.80.31 dbname=aura_flow user=aura_flow_user sslmode=disable application_name=auraflow_plain_test'],
                                env=dict(os.environ, PGPASSWORD=password), stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        for dummy in range(50):
            if proc.poll() is not None or db_sql(listed) == '1':
                break
            time.sleep(0.2)
        assert proc.poll() is None, 'the plain connection was refused: %s' % proc.stderr.read().decode()
        yield
    finally:
        if proc is not None:
            proc.stdin.close()  # psql quits; the server sees a client that said goodbye
            proc.wait(timeout=30)
        run(['docker', 'exec', '-i', 'aura-db1', 'sh', '-c', 'cat > %s' % hba], input=original, timeout=30)
        run(['docker', 'exec', 'aura-db1', 'runuser', '-u', 'postgres', '--', 'psql', '-c', 'SELECT pg_reload_conf()'], timeout=30)
        for dummy in range(50):
            if db_sql(listed) == '0':
                break
            time.sleep(0.2)


def db_sql(sql):
    return run(['docker', 'exec', 'aura-db1', 'runuser', '-u', 'postgres', '--', 'psql', '-Atc', sql], timeout=30).stdout.strip()


def test_a_rule_and_a_connection_without_tls_fail_the_audit(deployed):
    with plain_connection_to_the_database():
        rc, out, report = audit(*NO_LOGIN)
    assert rc != 0
    rule = check(report, 'pg_hba_tls_only_aura-db1')[0]
    assert rule['ok'] is False and rule['severity'] == 'high'
    assert re.search(r'without TLS: line \d+: host aura_flow aura_flow_user 172\.30\.80\.1/255\.255\.255\.255$', rule['detail']), rule
    live = check(report, 'pg_connections_tls_aura-db1')[0]
    assert live['ok'] is False and re.match(r'without TLS: aura_flow_user from 172\.30\.80\.1 \(pid \d+, client backend\)$', live['detail']), live
    assert sorted(report['measured']['failing']) == ['pg_connections_tls_aura-db1', 'pg_hba_tls_only_aura-db1']
    assert set(changed_counts(out)) == {0}
