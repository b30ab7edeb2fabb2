"""playbooks/respond.yml on the deployed lab: refusals, check mode, and each action fixing or containing the
fault diagnose.yml names (the fault is injected here, undone in a ``finally`` when the action did not)."""

import json
import time

import pytest

from conftest import SSH, answers, changed_counts, lab_pg_major, run, run_playbook
from test_diagnose_playbook import HEALTH, check, diagnose, since_now, sh, sql, wait_healthy


pytestmark = pytest.mark.lab


def respond(*args):
    """Run the playbook; (return code, output, the report it wrote or None)."""
    rc, out, report, _unused = run_playbook('respond', *SSH, *args, timeout=900)
    return rc, out, report


def unit(host, prop):
    return sh(host, 'systemctl show aura-flow-backend -P %s' % prop)


@pytest.fixture(scope='module')
def deployed(deployed_lab):
    assert answers(HEALTH)
    return deployed_lab


@pytest.fixture(autouse=True)
def lock_given_up():
    """Every respond run - done, refused or failed - gives the stack lock up on its way out."""
    yield
    held = run(['docker', 'exec', 'aura-web1', 'cat', '/var/lib/aura-flow/run.lock'], timeout=30)
    assert held.returncode != 0, 'respond.yml left the stack lock held: ' + held.stdout


def test_refused_without_confirm_and_unknown_actions(deployed):
    before = unit('aura-app1', 'ExecMainStartTimestamp')
    rc, out, report = respond('-e', 'respond_action=restart_backend')
    assert rc != 0 and report is None and 'refused - nothing was changed. Add -e confirm=yes' in out
    rc, out, report = respond('-e', 'respond_action=format_disk', '-e', 'confirm=yes')
    assert rc != 0 and 'must be one of restart_backend, restart_web, restart_cache, restart_db, terminate_query, clear_port, ai_degrade, disable_user' in out
    rc, out, report = respond('-e', 'respond_action=terminate_query', '-e', 'confirm=yes')
    assert rc != 0 and 'terminate_query needs -e respond_pid=<number>' in out
    assert unit('aura-app1', 'ExecMainStartTimestamp') == before


def test_check_mode_prints_the_plan_and_changes_nothing(deployed):
    before = [unit(h, 'ExecMainStartTimestamp') for h in ('aura-app1', 'aura-app2')]
    rc, out, report = respond('--check', '-e', 'respond_action=restart_backend')
    assert rc == 0, out[-3000:]
    assert 'respond restart_backend (check mode: nothing changes)' in out
    assert report['measured']['plan'].startswith('rolling restart of aura-app1, aura-app2, one at a time behind an nginx drain')
    assert [c['detail'] for c in report['checks']] == ['would restart behind a drain, gated on /health'] * 2
    assert report['targets']['check_mode'] is True
    assert [unit(h, 'ExecMainStartTimestamp') for h in ('aura-app1', 'aura-app2')] == before
    assert set(changed_counts(out)) == {0}


def test_restart_backend_is_rolling_and_gated(deployed):
    before = [unit(h, 'ExecMainStartTimestamp') for h in ('aura-app1', 'aura-app2')]
    rc, out, report = respond('-e', 'respond_action=restart_backend', '-e', 'confirm=yes')
    assert rc == 0, out[-3000:]
    assert report['passed'] is True and [c['name'] for c in report['checks']] == ['restart@aura-app1', 'restart@aura-app2']
    assert all('restarted behind a drain, healthy' in c['detail'] for c in report['checks'])
    after = [unit(h, 'ExecMainStartTimestamp') for h in ('aura-app1', 'aura-app2')]
    assert after[0] != before[0] and after[1] != before[1]
    assert answers(HEALTH)


def test_terminate_query_ends_the_long_query(deployed):
    sh('aura-db1', 'nohup runuser -u postgres -- psql -d aura_flow -c "SELECT pg_sleep(300) /* respond-test */" >/dev/null 2>&1 &')
    try:
        pid = ''
        for dummy in range(50):
            pid = sql("SELECT pid FROM pg_stat_activity WHERE query LIKE '%respond-test */' AND pid <> pg_backend_pid()")
            if pid:
                break
            time.sleep(0.1)
        assert pid
        rc, out, report = respond('-e', 'respond_action=terminate_query', '-e', 'respond_pid=%s' % pid, '-e', 'confirm=yes')
        assert rc == 0, out[-3000:]
        assert 'terminated pid %s' % pid in report['checks'][0]['detail'] and 'pg_sleep(300)' in report['checks'][0]['detail']
        assert sql('SELECT count(*) FROM pg_stat_activity WHERE pid = %s' % pid) == '0'
        # a server process that is not a client query is refused
        checkpointer = sql("SELECT pid FROM pg_stat_activity WHERE backend_type = 'checkpointer'")
        rc, out, report = respond('-e', 'respond_action=terminate_query', '-e', 'respond_pid=%s' % checkpointer, '-e', 'confirm=yes')
        assert rc != 0 and 'a checkpointer, not a client query - nothing was terminated' in out
    finally:
        sql("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query LIKE '%respond-test */' AND pid <> pg_backend_pid()")


def test_clear_port_refuses_our_own_backend_and_stops_a_foreign_process(deployed):
    rc, out, report = respond('-e', 'respond_action=clear_port', '-e', 'respond_host=aura-app2', '-e', 'confirm=yes')
    assert rc != 0 and 'is aura-flow-backend.service itself' in out
    assert unit('aura-app2', 'ActiveState') == 'active'
    sh('aura-app1', 'systemctl stop aura-flow-backend && mkdir -p /tmp/respond-test')
    pid = sh('aura-app1', 'nohup python3 -m http.server 3001 --directory /tmp/respond-test >/dev/null 2>&1 & echo $!')
    try:
        time.sleep(1)
        # python3 is not in the killable set (node, nodejs): refused, naming the option that allows it
        rc, out, report = respond('-e', 'respond_action=clear_port', '-e', 'respond_host=aura-app1', '-e', 'confirm=yes')
        flat = ' '.join(out.split())
        assert rc != 0 and 'python3 (pid %s) is not in the killable set respond_clear_port_names (node, nodejs)' % pid in flat, out[-3000:]
        assert '"respond_clear_port_names": ["node", "nodejs", "python3"]' in flat and 'Nothing was changed' in flat
        assert sh('aura-app1', 'kill -0 %d 2>/dev/null && echo alive || echo gone' % int(pid)) == 'alive'
        rc, out, report = respond('-e', 'respond_action=clear_port', '-e', 'respond_host=aura-app1', '-e', 'confirm=yes',
                                  '-e', '{"respond_clear_port_names": ["node", "nodejs", "python3"]}')
        assert rc == 0, out[-3000:]
        assert 'stopped python3 (pid %s) holding :3001' % pid in report['checks'][0]['detail']
        assert sh('aura-app1', 'kill -0 %d 2>/dev/null && echo alive || echo gone' % int(pid)) == 'gone'
        assert unit('aura-app1', 'ActiveState') == 'active'
    finally:
        sh('aura-app1', 'kill %d 2>/dev/null; systemctl start aura-flow-backend' % int(pid), check=False)
        wait_healthy('aura-app1')


def test_clear_port_never_stops_pid_1(deployed):
    """systemd (PID 1 of the container) holding the backend port through a socket unit: refused whatever
    respond_clear_port_names says, before anything is stopped."""
    unit = '/run/systemd/system/respond-test'
    # Accept=yes: each connection (Prometheus scrapes this port on the lab) gets its own short service instance; with
    # Accept=no a connection nobody accepts re-triggers the service until systemd fails the socket.
    sh('aura-app1', 'systemctl stop aura-flow-backend && printf "[Socket]\\nListenStream=3001\\nAccept=yes\\n" > %s.socket '
       '&& printf "[Service]\\nExecStart=/bin/true\\n" > %s@.service && systemctl daemon-reload '
       '&& systemctl start respond-test.socket' % (unit, unit))
    try:
        assert 'pid=1,' in sh('aura-app1', "ss -ltnpH 'sport = :3001'")
        rc, out, report = respond('-e', 'respond_action=clear_port', '-e', 'respond_host=aura-app1', '-e', 'confirm=yes',
                                  '-e', '{"respond_clear_port_names": ["node", "systemd"]}')
        flat = ' '.join(out.split())
        assert rc != 0 and 'systemd (pid 1) is the init of the host or container' in flat, out[-3000:]
        assert 'pid 1 is never stopped, there is no override' in flat
        assert sh('aura-app1', 'systemctl is-active respond-test.socket') == 'active'
    finally:
        sh('aura-app1', 'systemctl stop respond-test.socket; rm -f %s.socket %s@.service; '
           'systemctl daemon-reload; systemctl start aura-flow-backend' % (unit, unit), check=False)
        wait_healthy('aura-app1')


def ai_status(host):
    return json.loads(sh(host, 'curl -fsS http://127.0.0.1:3001/monitoring/ai-status'))['status']


def test_ai_degrade_contains_an_exhausted_quota_and_off_restores(deployed):
    before = sql("SELECT cost FROM ai_usage WHERE day = current_date")
    sql("INSERT INTO ai_usage (day, cost, requests) VALUES (current_date, 1000, 1) ON CONFLICT (day) DO UPDATE SET cost = 1000")
    try:
        rc, out, report = respond('-e', 'respond_action=ai_degrade', '-e', 'respond_state=on', '-e', 'confirm=yes')
        assert rc == 0, out[-3000:]
        assert [ai_status(h) for h in ('aura-app1', 'aura-app2')] == ['degraded', 'degraded']
        names = [c['name'] for c in report['checks']]
        assert names == ['ai_degrade_env@aura-app1', 'ai_degrade_env@aura-app2', 'restart@aura-app1', 'restart@aura-app2']
        # diagnose.yml now sees the quota contained: reported low, not failing at high
        rc, out, diag = diagnose(*since_now())
        quota = check(diag, 'ai.quota@aura-app1')
        assert quota['ok'] is False and quota['severity'] == 'low' and 'AI status degraded' in quota['detail'], quota
        assert not [n for n in diag['measured']['failing'] if n.startswith('ai.')]
    finally:
        sql("DELETE FROM ai_usage WHERE day = current_date" if not before else
            "UPDATE ai_usage SET cost = %s WHERE day = current_date" % before)
        rc, out, report = respond('-e', 'respond_action=ai_degrade', '-e', 'respond_state=off', '-e', 'confirm=yes')
    assert rc == 0, out[-3000:]
    assert [ai_status(h) for h in ('aura-app1', 'aura-app2')] == ['ok', 'ok']
    # off again: nothing changes, nothing restarts
    rc, out, report = respond('-e', 'respond_action=ai_degrade', '-e', 'respond_state=off', '-e', 'confirm=yes')
    assert rc == 0 and all(c['detail'] in ('AI_DEGRADED (default false) already absent', 'not restarted (nothing changed)')
                           for c in report['checks']), report['checks']


def test_disable_user_writes_the_audit_row(deployed):
    email = 'respond-test@aura-flow.local'
    had_table = sql("SELECT to_regclass('public.ops_audit') IS NOT NULL") == 't'
    sql("INSERT INTO users (email, name, password_hash) VALUES ('%s', 'respond test', 'x')" % email)
    try:
        rc, out, report = respond('--check', '-e', 'respond_action=disable_user', '-e', 'respond_user=' + email)
        assert rc == 0 and 'would be disabled' in report['checks'][0]['detail'], out[-3000:]
        assert sql("SELECT disabled FROM users WHERE email = '%s'" % email) == 'f'
        rc, out, report = respond('-e', 'respond_action=disable_user', '-e', 'respond_user=' + email,
                                  '-e', '{"respond_reason": "credential stuffing"}', '-e', 'confirm=yes')
        assert rc == 0, out[-3000:]
        assert sql("SELECT disabled FROM users WHERE email = '%s'" % email) == 't'
        audit = sql("SELECT action || '|' || (detail->>'reason') || '|' || actor FROM ops_audit WHERE target = '%s'" % email)
        assert audit.startswith('disable_user|credential stuffing|') and audit.endswith('via respond.yml'), audit
        assert 'disabled, audit row' in report['checks'][0]['detail']
        rc, out, report = respond('-e', 'respond_action=disable_user', '-e', 'respond_user=nobody@aura-flow.local', '-e', 'confirm=yes')
        assert rc != 0 and 'no account nobody@aura-flow.local' in out
    finally:
        sql("DELETE FROM users WHERE email = '%s'" % email)
        if had_table:
            sql("DELETE FROM ops_audit WHERE target = '%s'" % email)
        else:
            sql("DROP TABLE IF EXISTS ops_audit")


def status(url):
    """HTTP status of url from the controller (the lab sees it come from the docker gateway, 172.30.80.1)."""
    return run(['curl', '-sk', '-o', '/dev/null', '-w', '%{http_code}', '-m', '5', url], timeout=30).stdout


INCIDENT = '/etc/nginx/aura-flow-incident'


def test_block_ip_denies_the_address_until_unblocked(deployed):
    # 172.30.80.1 is the controller on the lab network (and in aura_lab_subnet): refused unless forced
    rc, out, report = respond('-e', 'respond_action=block_ip', '-e', 'respond_ip=172.30.80.1', '-e', 'confirm=yes')
    flat = ' '.join(out.split())
    assert rc != 0 and report is None, out[-3000:]
    assert 'the controller (172.30.80.1)' in flat and 'To block it deliberately: -e respond_block_own=yes' in flat
    assert sh('aura-web1', 'ls %s' % INCIDENT) == ''
    rc, out, report = respond('--check', '-e', 'respond_action=block_ip', '-e', 'respond_ip=172.30.80.1', '-e', 'respond_block_own=yes')
    assert rc == 0 and 'would be written' in report['checks'][0]['detail'], out[-3000:]
    assert sh('aura-web1', 'ls %s' % INCIDENT) == ''
    rc, out, report = respond('-e', 'respond_action=block_ip', '-e', 'respond_ip=not-an-ip', '-e', 'confirm=yes')
    assert rc != 0 and 'need -e respond_ip=<IPv4/IPv6 address or CIDR>' in out
    try:
        rc, out, report = respond('-e', 'respond_action=block_ip', '-e', 'respond_ip=172.30.80.1', '-e', 'confirm=yes',
                                  '-e', 'respond_block_own=yes')
        assert rc == 0 and report['passed'], out[-3000:]
        assert report['checks'][0]['detail'] == INCIDENT + '/server-block-172_30_80_1.conf written'
        assert status(HEALTH) == '403'
    finally:
        rc, out, report = respond('-e', 'respond_action=unblock_ip', '-e', 'respond_ip=172.30.80.1', '-e', 'confirm=yes')
    assert rc == 0 and report['checks'][0]['detail'].endswith(' removed'), out[-3000:]
    assert status(HEALTH) == '200'


def test_limit_api_answers_429_above_the_rate_and_expires(deployed):
    me = HEALTH.replace('/health', '/api/me')
    assert set(status(me) for _unused in range(30)) == {'401'}
    try:
        rc, out, report = respond('-e', 'respond_action=limit_api', '-e', 'respond_expires=12s', '-e', 'confirm=yes')
        assert rc == 0 and 'expires in 12 s' in report['checks'][0]['detail'], out[-3000:]
        answers_seen = [status(me) for _unused in range(30)]
        assert '429' in answers_seen and answers_seen[0] == '401', answers_seen
        assert status(HEALTH) == '200'
        deadline = time.time() + 30
        while time.time() < deadline and sh('aura-web1', 'ls %s' % INCIDENT):
            time.sleep(1)
        assert sh('aura-web1', 'ls %s' % INCIDENT) == '', 'the limit did not expire'
        assert set(status(me) for _unused in range(30)) == {'401'}
    finally:
        respond('-e', 'respond_action=unlimit_api', '-e', 'confirm=yes')
    assert sh('aura-web1', 'ls %s' % INCIDENT) == ''


def db_unit():
    """aura-db1's server unit: postgresql@<major>-main, the major its Debian release ships (12: 15, 13: 17)."""
    return 'postgresql@%s-main' % lab_pg_major()


def started(host, service):
    return sh(host, 'systemctl show %s -P ExecMainStartTimestampMonotonic' % service)


def test_restart_a_tier_is_gated_and_the_stack_answers_again(deployed):
    tiers = (('restart_web', 'aura-web1', 'nginx'), ('restart_cache', 'aura-cache1', 'redis-server'),
             ('restart_db', 'aura-db1', db_unit()))
    before = {action: started(host, service) for action, host, service in tiers}
    rc, out, report = respond('--check', '-e', 'respond_action=restart_db')
    assert rc == 0 and report['checks'][0]['detail'] == 'would restart %s, then gate it' % db_unit(), out[-3000:]
    assert started('aura-db1', db_unit()) == before['restart_db']
    for action, host, service in tiers:
        rc, out, report = respond('-e', 'respond_action=' + action, '-e', 'confirm=yes')
        assert rc == 0 and report['passed'], out[-3000:]
        assert [c['name'] for c in report['checks']] == ['restart %s@%s' % (service, host)]
        assert report['checks'][0]['detail'] == 'restarted, answered again'
        assert started(host, service) != before[action]
    deadline = time.time() + 30
    while time.time() < deadline and status(HEALTH) != '200':
        time.sleep(1)
    assert status(HEALTH) == '200'
