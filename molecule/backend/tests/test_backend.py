"""Verify auraflow.ops.backend on the molecule host: the converged state first, then the release
lifecycle driven through the role's entry points (lifecycle.yml). The tests run in file order."""

import json
import os
import re
import subprocess
import sys

ROOT = '/opt/aura-flow'
DIST = os.path.join(os.environ.get('MOLECULE_PROJECT_DIRECTORY', '.'), 'tests', 'app', 'dist')
JWT = 'molecule-jwt-secret-0123456789-abcdefghijklmnop'
SECRETS = (JWT, 'molecule-db-password-0123456789', 'molecule-redis-password-0123456789')


def playbook(**extra):
    """Run lifecycle.yml (one role entry point) with extra vars; return (rc, output)."""
    flags = extra.pop('_flags', [])
    cmd = [os.path.join(os.path.dirname(sys.executable), 'ansible-playbook'),
           '-i', os.environ['MOLECULE_INVENTORY_FILE'],
           os.path.join(os.environ['MOLECULE_SCENARIO_DIRECTORY'], 'lifecycle.yml'),
           '-e', json.dumps(extra)]
    proc = subprocess.run(cmd + flags, capture_output=True, text=True, check=False, env=dict(os.environ, ANSIBLE_FORCE_COLOR='0'))
    return proc.returncode, proc.stdout + proc.stderr


def recap_changed(output):
    return int(re.search(r'molecule-backend\s*:\s*ok=\d+\s+changed=(\d+)', output).group(1))


def health(host):
    out = host.run('curl -s -o /tmp/health.json -w "%{http_code}" http://127.0.0.1:3001/health; echo; cat /tmp/health.json')
    code, body = out.stdout.split('\n', 1)
    return int(code), json.loads(body) if body.strip() else {}


def ledger(host):
    return json.loads(host.file(ROOT + '/releases.json').content_string)


def statuses(host):
    return {r['version']: r['status'] for r in ledger(host)['releases']}


def current(host):
    return host.file(ROOT + '/current').linked_to


def expected_sha(version):
    with open(os.path.join(DIST, 'aura-flow-backend-%s.tar.gz.sha256' % version)) as handle:
        return handle.read().split()[0]


def applied_migrations(host):
    out = host.check_output("runuser -u postgres -- psql -d aura_flow -tAc 'SELECT version FROM schema_migrations ORDER BY 1'")
    return out.split()


# --- the converged host --------------------------------------------------------------

def test_service_enabled_running_as_the_app_user(host):
    service = host.service('aura-flow-backend')
    assert service.is_enabled and service.is_running
    pid = host.check_output('systemctl show -p MainPID --value aura-flow-backend')
    assert host.check_output('ps -o user= -p %s' % pid) == 'aura-flow'
    user = host.user('aura-flow')
    assert user.shell == '/usr/sbin/nologin' and user.uid < 1000 and user.group == 'aura-flow'


def test_node_without_npm(host):
    """The role runs the app's package scripts itself (the migrations below applied): no npm, and none of the
    ~360 packages Debian's npm pulls in."""
    assert host.package('nodejs').is_installed
    assert not host.package('npm').is_installed
    assert host.run('command -v npm').rc != 0


def test_unit_is_hardened(host):
    out = host.check_output('systemd-analyze security --no-pager aura-flow-backend.service')
    score = float(re.search(r'Overall exposure level for aura-flow-backend.service: ([0-9.]+)', out).group(1))
    print('systemd-analyze security exposure: %.1f' % score)
    assert score <= 2.5
    unit = host.file('/etc/systemd/system/aura-flow-backend.service').content_string
    for line in ('Restart=on-failure', 'KillSignal=SIGTERM', 'NoNewPrivileges=yes', 'ProtectSystem=strict',
                 'ReadWritePaths=/opt/aura-flow/shared/logs', 'CapabilityBoundingSet=\n', 'PrivateUsers=no'):
        assert line in unit


def test_layout_modes_and_owners(host):
    for path, owner, group, mode in ((ROOT, 'root', 'root', 0o755), (ROOT + '/releases', 'root', 'root', 0o755),
                                     (ROOT + '/shared', 'root', 'aura-flow', 0o750),
                                     (ROOT + '/shared/logs', 'aura-flow', 'aura-flow', 0o750),
                                     (ROOT + '/shared/.env', 'root', 'aura-flow', 0o640),
                                     (ROOT + '/releases.json', 'root', 'root', 0o644)):
        f = host.file(path)
        assert (f.user, f.group, f.mode) == (owner, group, mode), path
    assert host.file(ROOT + '/current').is_symlink
    assert current(host) == ROOT + '/releases/1.0.0'
    assert host.file(ROOT + '/releases/1.0.0/.env').linked_to == ROOT + '/shared/.env'
    assert host.file(ROOT + '/releases/1.0.0/logs').linked_to == ROOT + '/shared/logs'
    # the code is not writable by the app; its logs are
    assert host.run('runuser -u aura-flow -- test -w %s/releases/1.0.0/src' % ROOT).rc != 0
    # the app reads its secrets but cannot rewrite them
    assert host.run('runuser -u aura-flow -- test -r %s/shared/.env' % ROOT).rc == 0
    assert host.run('runuser -u aura-flow -- test -w %s/shared/.env' % ROOT).rc != 0
    assert host.file(ROOT + '/shared/logs/combined.log').user == 'aura-flow'
    assert not host.file(ROOT + '/artifacts/aura-flow-backend-1.0.0.tar.gz').exists


def test_env_has_the_contract_variables(host):
    env = host.file(ROOT + '/shared/.env').content_string
    for name in ('DATABASE_URL', 'REDIS_URL', 'JWT_SECRET', 'JWT_EXPIRES_IN', 'CORS_ORIGIN', 'DAILY_COST_LIMIT', 'SENTRY_DSN'):
        assert re.search('^%s=' % name, env, re.M), name
    assert 'NODE_ENV="production"' in env
    assert 'CORS_ORIGIN="https://molecule.example.test"' in env


def test_health_answers_with_the_release(host):
    code, body = health(host)
    assert code == 200 and body['version'] == '1.0.0' and body['db'] == 'ok' and body['redis'] == 'ok'


def test_ledger_records_the_release(host):
    data = ledger(host)
    assert data['active'] == '1.0.0'
    entry = data['releases'][0]
    assert entry['version'] == '1.0.0' and entry['status'] == 'active' and entry['deployed_by'] == 'molecule'
    assert entry['sha256'] == expected_sha('1.0.0')
    assert re.match(r'^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$', entry['deployed_at'])
    assert applied_migrations(host) == ['0001']


def test_logrotate_rule_is_valid(host):
    assert host.run('logrotate --debug /etc/logrotate.d/aura-flow-backend').rc == 0


# --- configuration changes -----------------------------------------------------------

def test_config_change_keeps_the_previous_env_and_shows_no_secret(host):
    new_secret = 'molecule-rotated-jwt-secret-0123456789-zyxwvu'
    rc, output = playbook(step='main', backend_jwt_secret=new_secret, _flags=['--diff', '-v'])
    assert rc == 0, output
    for secret in SECRETS + (new_secret,):
        assert secret not in output
    previous = host.file(ROOT + '/shared/.env.previous')
    assert (previous.mode, previous.user, previous.group) == (0o640, 'root', 'aura-flow')
    assert JWT in previous.content_string
    assert new_secret in host.file(ROOT + '/shared/.env').content_string
    # the run ends once the restarted backend answers (it listens only after PostgreSQL and Redis, up to 3 s)
    assert 'passed - 3 consecutive successes' in output, output
    assert health(host)[0] == 200
    rc, output = playbook(step='main')
    assert rc == 0 and JWT in host.file(ROOT + '/shared/.env').content_string, output
    assert 'passed - 3 consecutive successes' in output, output


def test_bad_input_fails_at_argument_validation(host):
    before = host.file(ROOT + '/shared/.env').content_string
    for extra, name in (({'step': 'main', 'backend_node_env': 'prod'}, 'backend_node_env'),
                        ({'step': 'main', 'backend_port': 'http'}, 'backend_port'),
                        ({'step': 'main', 'backend_trust_proxy': 'maybe'}, 'backend_trust_proxy'),
                        ({'step': 'deploy', 'backend_release': '1.1.0', 'backend_keep_releases': 'many'}, 'backend_keep_releases'),
                        ({'step': 'health_gate', 'backend_health_successes': 'three'}, 'backend_health_successes'),
                        ({'step': 'deploy'}, 'backend_release')):
        rc, output = playbook(**extra)
        assert rc != 0, extra
        assert name in output and 'argument' in output.lower(), output
        assert recap_changed(output) == 0
    assert host.file(ROOT + '/shared/.env').content_string == before


# --- the release lifecycle -----------------------------------------------------------

def test_wrong_sha256_stops_before_unpacking(host):
    before = host.file(ROOT + '/releases.json').content_string
    rc, output = playbook(step='deploy', backend_release='1.1.0', backend_artifact_sha256='0' * 64)
    assert rc != 0
    assert 'refusing to unpack it; nothing was changed' in output
    assert recap_changed(output) == 0
    assert not host.file(ROOT + '/releases/1.1.0').exists
    assert host.file(ROOT + '/releases.json').content_string == before
    assert current(host) == ROOT + '/releases/1.0.0'


def test_unknown_version_lists_the_available_ones(host):
    rc, output = playbook(step='deploy', backend_release='9.9.9')
    assert rc != 0
    assert 'available versions: 1.0.0, 1.1.0, broken' in output
    assert recap_changed(output) == 0


def snapshot(host):
    return (host.check_output('ls -A %s/releases' % ROOT), host.file(ROOT + '/releases.json').content_string,
            current(host), host.file(ROOT + '/shared/.env').content_string,
            host.check_output('systemctl show -p MainPID --value aura-flow-backend'))


def test_check_mode_reports_a_deploy_and_changes_nothing(host):
    before = snapshot(host)
    rc, output = playbook(step='deploy', backend_release='1.1.0', _flags=['--check', '--diff'])
    assert rc == 0, output
    assert recap_changed(output) > 0
    assert 'check mode - 1.1.0 is not unpacked yet' in output
    for secret in SECRETS:
        assert secret not in output
    assert snapshot(host) == before
    rc, output = playbook(step='main', _flags=['--check', '--diff'])
    assert rc == 0 and recap_changed(output) == 0, output
    assert snapshot(host) == before


def test_deploy_1_1_0_migrates_switches_and_gates(host):
    rc, output = playbook(step='deploy', backend_release='1.1.0')
    assert rc == 0, output
    assert 'passed - 3 consecutive successes' in output
    assert current(host) == ROOT + '/releases/1.1.0'
    assert health(host) == (200, {'status': 'ok', 'version': '1.1.0', 'db': 'ok', 'redis': 'ok'})
    assert statuses(host) == {'1.0.0': 'previous', '1.1.0': 'active'}
    assert applied_migrations(host) == ['0001', '0002']
    assert ledger(host)['releases'][1]['sha256'] == expected_sha('1.1.0')


def test_deploying_the_active_release_again_changes_nothing(host):
    rc, output = playbook(step='deploy', backend_release='1.1.0')
    assert rc == 0 and recap_changed(output) == 0, output


def test_rollback_returns_to_1_0_0(host):
    rc, output = playbook(steps=['rollback', 'health_gate'])
    assert rc == 0, output
    assert current(host) == ROOT + '/releases/1.0.0'
    assert health(host)[1]['version'] == '1.0.0'
    assert statuses(host) == {'1.0.0': 'active', '1.1.0': 'rolled_back'}


def test_rollback_without_an_earlier_release_changes_nothing(host):
    before = host.file(ROOT + '/releases.json').content_string
    rc, output = playbook(step='rollback')
    assert rc != 0
    assert 'no earlier release to roll back to: active 1.0.0' in output
    assert host.file(ROOT + '/releases.json').content_string == before
    assert current(host) == ROOT + '/releases/1.0.0'


def test_activate_1_1_0_explicitly(host):
    rc, output = playbook(steps=['activate', 'health_gate'], backend_release='1.1.0')
    assert rc == 0, output
    assert current(host) == ROOT + '/releases/1.1.0' and health(host)[1]['version'] == '1.1.0'
    assert statuses(host) == {'1.0.0': 'previous', '1.1.0': 'active'}


def test_broken_release_fails_the_gate_and_is_rolled_back(host):
    rc, output = playbook(step='deploy', backend_release='broken')
    assert rc != 0
    assert 'health gate failed for release broken on molecule-backend' in output
    assert '4 consecutive failures (more than 3): HTTP 503' in output
    assert '"selfcheck":"fail"' in output.replace(' ', '')
    assert statuses(host)['broken'] == 'failed'
    # the role reports; the caller rolls back
    rc, output = playbook(steps=['rollback', 'health_gate'])
    assert rc == 0, output
    assert current(host) == ROOT + '/releases/1.1.0'
    assert health(host)[1]['version'] == '1.1.0'
    assert statuses(host) == {'1.0.0': 'previous', '1.1.0': 'active', 'broken': 'failed'}


def test_retention_keeps_n_but_never_active_or_previous(host):
    rc, output = playbook(step='deploy', backend_release='1.1.0', backend_keep_releases=1)
    assert rc == 0, output
    assert sorted(host.file(ROOT + '/releases').listdir()) == ['1.0.0', '1.1.0']
    assert statuses(host) == {'1.0.0': 'previous', '1.1.0': 'active'}
    assert ledger(host)['history'][-1]['event'] == 'prune'


def test_config_rollback_restores_env_previous(host):
    rc, output = playbook(step='main', backend_jwt_expires_in='15m')
    assert rc == 0, output
    assert 'JWT_EXPIRES_IN="15m"' in host.file(ROOT + '/shared/.env').content_string
    rc, output = playbook(steps=['rollback', 'health_gate'], backend_rollback_to='1.0.0', backend_rollback_config=True)
    assert rc == 0, output
    for secret in SECRETS:
        assert secret not in output
    assert 'JWT_EXPIRES_IN="24h"' in host.file(ROOT + '/shared/.env').content_string
    assert 'JWT_EXPIRES_IN="15m"' in host.file(ROOT + '/shared/.env.rolled_back').content_string
    assert host.file(ROOT + '/shared/.env').mode == 0o640
    assert current(host) == ROOT + '/releases/1.0.0'
