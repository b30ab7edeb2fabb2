"""Unit tests for plugins/module_utils/diagnose_checks.py: the diagnose role's answers -> checks with the runbook's fix."""

import base64

import pytest

from ansible_collections.auraflow.ops.plugins.module_utils.diagnose_checks import FIXES, diagnose_checks, first_deploys

MEMINFO = base64.b64encode(b'MemTotal:       1000 kB\nMemFree: 1 kB\nMemAvailable:    400 kB\n').decode()
DF = ['Filesystem 1024-blocks Used Available Capacity Mounted on', 'overlay 100 40 60 40% /', 'tmpfs 100 90 10 90% /var']
SETTINGS = {'since': 1700000000, 'public_url': 'https://aura.example.com/', 'frontend_origins': ['https://aura.example.com']}


def host(clock=1000.0, df=None, meminfo=MEMINFO):
    return {'clock_before': 999.0, 'clock_after': 1001.0, 'clock': {'rc': 0, 'stdout': str(clock)},
            'df': {'stdout_lines': df if df is not None else DF[:2]}, 'meminfo': {'content': meminfo}}


def by_name(checks):
    return {c['name']: c for c in checks}


def db_answers(**extra):
    answers = dict(host(), pg_service={'stdout': 'active'}, pg_ready={'rc': 0, 'stdout': '/run:5432 - accepting connections'},
                   pg_stats={'query_result': [{'d': {'connections': 10, 'max_connections': 100, 'long': [], 'replicas': [],
                                                     'in_recovery': False, 'receiver_lag': None}}]},
                   pg_log={'stdout_lines': []}, backups={'files': [{'path': 'a'}] * 3}, rollback_points={'files': []},
                   backup_keep_min=3, backup_dir='/var/backups/postgresql', replication_role='none')
    answers.update(extra)
    return answers


def app_answers(**extra):
    answers = dict(host(), service='aura-flow-backend', port=3001,
                   unit={'stdout_lines': ['ActiveState=active', 'SubState=running', 'NRestarts=0', 'Result=success']},
                   port_owner={'stdout': 'LISTEN 0 511 *:3001 users:(("node",pid=7,fd=20)) uid:998 cgroup:/system.slice/aura-flow-backend.service'},
                   env={'exists': True, 'missing': [], 'empty': [], 'shown': {'CORS_ORIGIN': 'https://aura.example.com/'}},
                   health={'status': 200, 'json': {'status': 'ok', 'version': '1.1.0'}},
                   ai={'status': 200, 'json': {'status': 'ok', 'daily_cost': 1, 'limit': 10}},
                   jwt={'summary': {}, 'msg': 'JWT check: config checks ran', 'findings': [{'id': 'secret_length', 'severity': 'info', 'message': 'ok'}]},
                   logs={'findings': [{'id': 'logs.error_rate', 'severity': 'info', 'message': 'error rate 0%'}],
                         'stats': {'by_route': {}, 'by_status': {}}})
    answers.update(extra)
    return answers


def web_answers(**extra):
    answers = dict(host(), nginx_t={'rc': 0, 'stderr_lines': ['nginx: the configuration file syntax is ok', 'test is successful']},
                   frontend={'stat': {'exists': True, 'isreg': True}}, frontend_root='/var/www/aura-flow', lock={'held': False})
    answers.update(extra)
    return answers


PUBLIC = {'cors': {'summary': {}, 'msg': 'clean', 'findings': []}, 'index': {'status': 200},
          'assets': {'results': [{'status': 200, 'diagnose_asset': '/assets/a.js', 'ansible_loop_var': 'diagnose_asset'}]}}


def test_a_healthy_stack_passes_every_check_in_the_reports_order():
    checks = diagnose_checks({'db1': db_answers()}, {'app1': app_answers()}, {'web1': web_answers()}, PUBLIC, SETTINGS)
    assert [c for c in checks if not c['ok']] == []
    names = [c['name'] for c in checks]
    assert names[:2] == ['db.service@db1', 'db.pg_isready@db1']
    assert names.index('backend.unit@app1') < names.index('static.nginx_config@web1') < names.index('cors.audit')
    assert names[-2:] == ['guard.backup_retention@db1', 'guard.rollback_point@db1']
    for item in checks:
        assert set(item) == {'name', 'ok', 'severity', 'detail', 'seconds', 'symptom', 'fix'}
        assert '| fix:' not in item['detail']


def test_a_host_without_answers_fails_its_checks_as_not_run():
    checks = by_name(diagnose_checks({'db1': {}}, {'app1': {}}, {'web1': {}}, {}, SETTINGS))
    assert checks['db.service@db1']['detail'].startswith('db1: postgresql is unknown (host unreachable) | fix: ')
    assert checks['db.connections@db1']['ok'] is False and checks['db.connections@db1']['severity'] == 'high'
    assert checks['logs.error_rate@app1']['detail'].startswith('app1: log analysis did not run')
    assert checks['jwt.config@app1']['ok'] is False and checks['static.asset']['ok'] is False
    assert checks['jwt.clock@web1']['detail'] == 'web1: could not read the clock | fix: ' + FIXES['jwt.clock']
    # no backups listed: no retention verdict at all
    assert 'guard.backup_retention@db1' not in checks


def test_database_faults_carry_severity_and_fix():
    stats = {'connections': 95, 'max_connections': 100, 'long': [{'pid': 42, 'query': 'SELECT pg_sleep(300)'}],
             'replicas': [{'name': 'r1', 'replay_lag': 45.0}], 'in_recovery': False, 'receiver_lag': None}
    log = ['2023-11-14 22:13:21 UTC [1] FATAL:  password authentication failed', '2020-01-01 00:00:00 UTC [1] PANIC:  old']
    db = db_answers(pg_stats={'query_result': [{'d': stats}]}, pg_log={'stdout_lines': log},
                    pg_service={'stdout': 'inactive'}, pg_ready={'rc': 2, 'stdout': ''})
    checks = by_name(diagnose_checks({'db1': db}, {}, {}, PUBLIC, dict(SETTINGS, long_query='2')))
    assert checks['db.service@db1']['severity'] == 'critical' and 'postgresql is inactive' in checks['db.service@db1']['detail']
    assert checks['db.pg_isready@db1']['detail'].startswith('db1: no answer | fix: 重启 PostgreSQL 服务')
    assert (checks['db.connections@db1']['ok'], checks['db.connections@db1']['severity']) == (False, 'high')
    assert '95 of max_connections 100 in use (95%)' in checks['db.connections@db1']['detail']
    long = checks['db.long_queries@db1']
    assert not long['ok'] and '1 query running over 2s' in long['detail'] and '"pid": 42' in long['detail'] and '清理长时间运行的查询' in long['fix']
    assert not checks['db.replication_lag@db1']['ok'] and 'replay lag 45.0 s' in checks['db.replication_lag@db1']['detail']
    # only lines after the window's start count; FATAL makes it medium (PANIC before the window is ignored)
    errors = checks['db.log_errors@db1']
    assert (errors['ok'], errors['severity']) == (False, 'medium') and '1 ERROR/FATAL/PANIC line since' in errors['detail']


def test_backend_faults_name_the_foreign_process_the_missing_origin_and_the_weak_secret():
    answers = app_answers(
        unit={'stdout_lines': ['ActiveState=inactive', 'SubState=dead', 'ExecMainStartTimestamp=']},
        port_owner={'stdout': 'LISTEN 0 5 *:3001 users:(("python3",pid=99,fd=3)) uid:0 cgroup:/system.slice/ssh.service'},
        env={'exists': True, 'missing': [], 'empty': [], 'shown': {'CORS_ORIGIN': 'https://wrong.example.com', 'DAILY_COST_LIMIT': '10'}},
        ai={'status': 429, 'json': {'status': 'quota_exceeded', 'daily_cost': 12, 'limit': 10}},
        jwt={'summary': {}, 'msg': 'm', 'findings': [
            {'id': 'weak_secret', 'severity': 'critical', 'message': 'JWT_SECRET is a known weak value'},
            {'id': 'clock_skew', 'severity': 'high', 'message': 'skewed'}]},
        logs={'findings': [{'id': 'logs.error_rate', 'severity': 'high', 'message': 'error rate 100%; 5xx by user: 42 (300)'},
                           {'id': 'logs.slow_requests', 'severity': 'info', 'message': 'none'}],
              'stats': {'by_route': {'POST /api/insights': {'500': 300}, 'GET /health': {'200': 2}}, 'by_status': {'500': 300}}})
    checks = by_name(diagnose_checks({}, {'app1': answers}, {}, PUBLIC, SETTINGS))
    owner = checks['backend.port_owner@app1']
    assert not owner['ok'] and 'a foreign process holds :3001: python3 pid 99 (uid 0, cgroup /system.slice/ssh.service)' in owner['detail']
    assert 'inactive/dead since never' in checks['backend.unit@app1']['detail']
    cors = checks['cors.origin@app1']
    assert not cors['ok'] and 'missing: https://aura.example.com' in cors['detail'] and '检查前端域名是否在白名单中' in cors['detail']
    assert (checks['jwt.secret@app1']['ok'], checks['jwt.secret@app1']['severity']) == (False, 'critical')
    assert checks['jwt.clock_skew@app1']['fix'] == FIXES['jwt.clock']
    assert checks['jwt.config@app1']['ok'] is True
    ai = checks['ai.quota@app1']
    assert (ai['ok'], ai['severity']) == (False, 'high') and 'AI status quota_exceeded, today\'s cost 12 of limit 10' in ai['detail']
    rate = checks['logs.error_rate@app1']
    assert not rate['ok'] and '42 (300)' in rate['detail'] and 'busiest routes: POST /api/insights (300), GET /health (2)' in rate['detail']
    # an info finding passes, and names the severity it would have
    assert (checks['logs.slow_requests@app1']['ok'], checks['logs.slow_requests@app1']['severity']) == (True, 'medium')
    degraded = by_name(diagnose_checks({}, {'a': app_answers(ai={'json': {'status': 'degraded'}})}, {}, PUBLIC, SETTINGS))
    assert degraded['ai.quota@a']['severity'] == 'low'


def test_host_checks_read_clock_skew_disk_and_memory():
    answers = web_answers(**host(clock=1030.5, df=DF))
    checks = by_name(diagnose_checks({}, {}, {'web1': answers}, PUBLIC, dict(SETTINGS, disk_max=85)))
    assert not checks['jwt.clock@web1']['ok'] and 'clock +30.500 s' in checks['jwt.clock@web1']['detail']
    offset = by_name(diagnose_checks({}, {}, {'web1': web_answers()}, PUBLIC, dict(SETTINGS, clock_offset={'web1': -5})))
    assert not offset['jwt.clock@web1']['ok'] and '-5.000 s' in offset['jwt.clock@web1']['detail']
    disk = checks['host.disk@web1']
    assert not disk['ok'] and 'disk use: / 40.0%, /var 90.0% (max 85%)' in disk['detail']
    assert checks['host.memory@web1']['ok'] and 'memory use 60.0% (max 90%)' in checks['host.memory@web1']['detail']
    tight = by_name(diagnose_checks({}, {}, {'web1': web_answers()}, PUBLIC, dict(SETTINGS, memory_max=50)))
    assert tight['host.memory@web1']['ok'] is False


def test_through_nginx_a_missing_asset_and_cors_findings_fail():
    public = {'cors': {'summary': {}, 'findings': [{'id': 'allowed_origin_rejected', 'severity': 'high', 'message': 'no'},
                                                   {'id': 'x', 'severity': 'info', 'message': 'fine'}]},
              'index': {'status': 200},
              'assets': {'results': [{'status': 404, 'diagnose_asset': '/assets/style.1.css', 'ansible_loop_var': 'diagnose_asset'},
                                     {'status': 200, 'diagnose_asset': '/assets/a.js', 'ansible_loop_var': 'diagnose_asset'}]}}
    checks = by_name(diagnose_checks({}, {}, {}, public, SETTINGS))
    assert checks['cors.audit']['detail'].startswith('allowed_origin_rejected: no | fix:')
    assert '1 of 2 assets failed: /assets/style.1.css -> 404' in checks['static.asset']['detail']
    assert checks['static.index']['detail'] == 'https://aura.example.com/ answered 200 through nginx'


def test_guards_stale_lock_short_retention_and_a_rewritten_rollback_point():
    lock = {'held': True, 'holder': {'playbook': 'deploy.yml', 'user': 'killed-run', 'controller': 'c', 'pid': '5', 'started': 's'}}
    web = web_answers(lock=lock, lock_ps={'rc': 1, 'stdout': ''})
    ledger = {'releases': [{'version': '1.1.0', 'deployed_at': '2026-01-01T00:00:00Z'}, {'version': '1.0.0', 'deployed_at': None}]}
    late = 1767225600 + 60   # a minute after 1.1.0's first deploy
    db = db_answers(backups={'files': [{'path': 'a'}]}, backup_keep_min='1000',
                    rollback_points={'files': [{'path': '/b/rollback-points/1.1.0.dump', 'mtime': late}]})
    checks = by_name(diagnose_checks({'db1': db}, {'app1': app_answers(ledger=ledger)}, {'web1': web}, PUBLIC, SETTINGS))
    assert 'deploy.yml by killed-run' in checks['guard.stack_lock@web1']['detail'] and 'that run is gone' in checks['guard.stack_lock@web1']['detail']
    assert 'minimum postgres_backup_keep_min=1000' in checks['guard.backup_retention@db1']['detail']
    assert not checks['guard.rollback_point@db1']['ok'] and '1.1.0.dump (written 2026-01-01T00:01:00Z' in checks['guard.rollback_point@db1']['detail']
    unknown = by_name(diagnose_checks({}, {}, {'web1': web_answers(lock=lock)}, PUBLIC, SETTINGS))
    assert unknown['guard.stack_lock@web1']['ok'] and 'cannot be checked' in unknown['guard.stack_lock@web1']['detail']
    replica = by_name(diagnose_checks({'db2': db_answers(replication_role='replica')}, {}, {}, PUBLIC, SETTINGS))
    assert 'guard.backup_retention@db2' not in replica


def test_first_deploys_take_the_earliest_over_backends():
    ledgers = [{'releases': [{'version': '1.0.0', 'deployed_at': '2026-01-02T00:00:00Z'}]},
               {'releases': [{'version': '1.0.0', 'deployed_at': '2026-01-01T00:00:00Z'}, {'version': '2', 'deployed_at': 'garbage'}]}, {}]
    assert first_deploys(ledgers) == {'1.0.0': 1767225600.0}


def test_bad_settings_are_refused():
    with pytest.raises(ValueError):
        diagnose_checks({}, {}, {}, {}, {'disk_max': 'lots'})


def _alert(name, severity, rule, escalation='oncall', instance='aura-db1:9187'):
    return {'labels': {'alertname': name, 'severity': severity, 'rule': rule, 'escalation': escalation,
                       'instance': instance, 'host': instance.split(':')[0]},
            'annotations': {'summary': 'PostgreSQL does not accept connections', 'runbook': '数据库连接失败: 立即告警 (P0)'},
            'startsAt': '2026-12-03T14:00:00Z', 'status': {'state': 'active'}}


def test_firing_alerts_come_first_most_severe_first_with_their_escalation():
    monitor = {'mon1': {'alerts': {'status': 200, 'json': [
        _alert('AuraDiskHigh', 'P2', 'disk_percent', instance='aura-app1:9100'),
        _alert('AuraDatabaseDown', 'P0', 'db_connection'),
        _alert('AuraDatabaseDown', 'P0', 'db_connection', escalation='tech_lead')]}}}
    checks = diagnose_checks({'db1': db_answers()}, {}, {}, PUBLIC, SETTINGS, monitor)
    assert [c['name'] for c in checks[:3]] == ['alerts.firing@mon1', 'alert.db_connection@aura-db1', 'alert.disk_percent@aura-app1']
    assert checks[0]['ok'] is False and checks[0]['severity'] == 'critical'
    assert '2 alert(s) firing: [P0] AuraDatabaseDown, [P2] AuraDiskHigh' in checks[0]['detail']
    assert checks[1]['severity'] == 'critical' and 'escalated to tech_lead' in checks[1]['detail']
    assert checks[2]['severity'] == 'medium' and 'escalated' not in checks[2]['detail']


def test_no_alert_firing_is_one_passing_check_and_a_silent_alertmanager_is_named():
    quiet = diagnose_checks({}, {}, {}, PUBLIC, SETTINGS, {'mon1': {'alerts': {'status': 200, 'json': []}}})
    assert quiet[0]['name'] == 'alerts.firing@mon1' and quiet[0]['ok'] and quiet[0]['severity'] == 'info'
    down = diagnose_checks({}, {}, {}, PUBLIC, SETTINGS, {'mon1': {'alerts': {'status': -1, 'msg': 'Connection refused'}}})
    assert down[0]['name'] == 'alerts.alertmanager@mon1' and not down[0]['ok'] and 'Connection refused' in down[0]['detail']
    assert 'prometheus-alertmanager' in down[0]['fix']
    assert diagnose_checks({}, {}, {}, PUBLIC, SETTINGS)[0]['name'] != 'alerts.firing@mon1'
