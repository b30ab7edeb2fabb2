# -*- coding: utf-8 -*-
# Copyright: (c) 2026, auraflow.ops maintainers
# MIT License (see LICENSE)
"""The verdicts of the diagnose role: every answer its probes gathered becomes a check
``{name, ok, severity, detail, seconds, symptom, fix}``.

``name`` is the stable finding id, ``@host`` for a per-host check; ``symptom`` and ``fix`` are the
runbook's 症状 and 解决方案 (故障排除); a failed check carries its fix in the detail too, so the table
shows it. The answers of a host are the mapping its probes keep (``diagnose_answers``): registered
results under the names of the role's task files (``pg_service``, ``unit``, ``clock``, ...) plus the
settings it ran with (``service``, ``port``, ``backup_dir``, ...).
"""

from __future__ import annotations

import os
import re
import base64

from ansible_collections.auraflow.ops.plugins.module_utils.verdicts import (
    SEVERITIES, dig, epoch, get, is_number, number, to_json, utc, worst,
)

SYMPTOMS = {
    'alerts': '告警策略: an alert of the runbook\'s policy is firing (Alertmanager)',
    'db': '数据库连接失败: API 返回 500 错误，日志显示数据库连接超时',
    'backend': '服务无法启动: 服务启动失败或端口被占用',
    'env': '数据库连接失败: DATABASE_URL 环境变量未找到',
    'cors': 'CORS 错误: 前端无法访问 API，浏览器控制台显示 CORS 错误',
    'jwt': 'JWT Token 验证失败: 用户无法登录，API 返回 401 错误',
    'ai': 'AI 服务配额超限: 洞察生成失败，返回配额超限错误',
    'static': '静态资源 404: 前端页面无法加载，静态资源返回 404',
    'logs': '错误率 > 1% (P1) / API 响应时间 P95 > 500ms (P1)',
    'host': '磁盘使用率 > 85% (P2) / 内存使用率 > 90% (P1)',
    'guard': '数据安全: 备份恢复与回滚的前提 (the guards of restore, rollback and concurrent runs)',
}
FIXES = {
    'alerts.firing': 'each alert below names its runbook row; start with the most severe (P0 first) and the check of the same area',
    'alerts.alertmanager': 'the monitoring host\'s Alertmanager does not answer: systemctl status prometheus-alertmanager there, '
                           'then ansible-playbook playbooks/monitoring.yml',
    'db.service': '重启 PostgreSQL 服务 (systemctl restart postgresql on the database host)',
    'db.pg_isready': '重启 PostgreSQL 服务; 查看数据库日志 /var/log/postgresql/ (db.log_errors)',
    'db.connections': '检查连接池配置 (the backends\' pools vs max_connections); 清理长时间运行的查询',
    'db.long_queries': '清理长时间运行的查询: respond.yml -e respond_action=terminate_query -e respond_pid=<pid> -e confirm=yes',
    'db.replication_lag': '检查 PostgreSQL 主从复制: the replica\'s connection, disk and WAL replay',
    'db.log_errors': '查看数据库日志 (tail /var/log/postgresql/postgresql-*.log) and act on the lines listed',
    'backend.unit': '重新启动服务 (respond.yml -e respond_action=restart_backend -e confirm=yes); its reason: journalctl -u aura-flow-backend',
    'backend.port_owner': '检查端口占用; 杀死占用进程, 重新启动服务 (respond.yml -e respond_action=clear_port -e respond_host=<host> -e confirm=yes)',
    'backend.env': '创建环境变量文件 (cp .env.example .env); 设置正确的 DATABASE_URL - re-render it with the backend role (playbooks/deploy.yml)',
    'backend.health': '重新启动服务; when /health names db: 数据库连接失败 above, redis: check Redis',
    'backend.error_log': '查找错误日志 (error.log lines listed); then the matching section of 故障排除',
    'cors': '更新 CORS 配置 (CORS_ORIGIN = backend_cors_origins); 检查前端域名是否在白名单中; 重启后端服务',
    'jwt.secret': '检查 JWT 密钥配置: a long random JWT_SECRET (backend_jwt_secret), then restart the backends',
    'jwt': '检查 JWT 密钥配置; 验证 Token 格式 (JWT_EXPIRES_IN, algorithm)',
    'jwt.clock': '检查时钟同步 (NTP/chrony on the host): token iat/nbf/exp are judged by the hosts\' clocks',
    'ai.quota': '检查 AI 提供商配额; 调整成本限制配置 (DAILY_COST_LIMIT); 启用降级模式 (respond.yml -e respond_action=ai_degrade -e respond_state=on -e confirm=yes)',
    'static': '检查 Nginx 配置 (nginx -t); 重新构建前端 (redeploy the frontend release); 检查文件权限',
    'logs.error_rate': '查找错误日志: the routes, statuses and users listed, then the matching section of 故障排除',
    'logs.slow_requests': '性能优化: 数据库索引优化, 查询缓存, 连接池配置 for the routes listed',
    'host.disk': 'free disk space (old releases, logs, backups) before it reaches 100%',
    'host.memory': 'find the process that grows (ps --sort=-rss), restart it; 水平扩展 if it is load',
    'guard.stack_lock': 'check the stack (this report), then run the next changing playbook with -e break_lock=yes',
    'guard.backup_retention': 'take and verify a backup now (playbooks/backup.yml); find why the scheduled ones stopped (journalctl -u aura-pg-backup.service)',
    'guard.rollback_point': 'the point was rewritten after its release was first deployed and may hold that release\'s schema: '
                            'do not use rollback_db with it; take a restore-tested backup (backup.yml) before the next deploy',
}
# An alert's runbook severity as a diagnosis severity, and the order the report lists them in.
ALERT_SEVERITY = {'P0': 'critical', 'P1': 'high', 'P2': 'medium', 'P3': 'low'}
ALERT_RANK = {'P0': 0, 'P1': 1, 'P2': 2, 'P3': 3}
SECRET_FINDING = re.compile(r'^(secret_|weak_secret)')
PG_ERROR = re.compile(r'\b(ERROR|FATAL|PANIC):')
DEFAULTS = {
    'since': 0.0, 'long_query': 60.0, 'connections_warn': 0.8, 'connections_high': 0.9, 'replication_lag_max': 30.0,
    'disk_max': 85.0, 'memory_max': 90.0, 'max_clock_skew': 2.0, 'clock_offset': {}, 'frontend_origins': [], 'public_url': '',
}


def _g(value):
    """A number as the operator wrote it: 60, 0.5."""
    return '%g' % value


class Diagnosis:
    """Collects the checks in the order the report shows them."""

    def __init__(self, settings=None):
        self.settings = dict(DEFAULTS)
        self.settings.update({k: v for k, v in (settings or {}).items() if v is not None})
        for key in ('since', 'long_query', 'connections_warn', 'connections_high', 'replication_lag_max',
                    'disk_max', 'memory_max', 'max_clock_skew'):
            value = number(self.settings[key])
            if value is None:
                raise ValueError('%s must be a number, got %r' % (key, self.settings[key]))
            self.settings[key] = value
        self.checks = []

    def add(self, name, ok, severity, detail, area, fix_key):
        fix = FIXES.get(fix_key, '')
        self.checks.append({'name': name, 'ok': bool(ok), 'severity': severity,
                            'detail': detail if ok or not fix else '%s | fix: %s' % (detail, fix),
                            'seconds': 0, 'symptom': SYMPTOMS.get(area, ''), 'fix': fix})

    # --- a monitoring host: what Alertmanager holds active now (the report's first section) -----------
    def alerts(self, h, a):
        answer = get(a, 'alerts', {})
        status = number(get(answer, 'status', -1))
        if status != 200:
            self.add('alerts.alertmanager@' + h, False, 'medium',
                     'Alertmanager on %s did not answer (HTTP %s) %s' % (h, _g(status or -1), get(answer, 'msg', '')),
                     'alerts', 'alerts.alertmanager')
            return
        active = [x for x in get(answer, 'json', []) or [] if isinstance(x, dict)]
        escalated = {}
        for x in active:
            labels = get(x, 'labels', {})
            if labels.get('escalation', 'oncall') != 'oncall':
                key = (labels.get('alertname'), labels.get('rule'), labels.get('instance'))
                escalated.setdefault(key, []).append(labels['escalation'])
        base = [x for x in active if get(x, 'labels', {}).get('escalation', 'oncall') == 'oncall']
        base.sort(key=lambda x: (ALERT_RANK.get(get(x, 'labels', {}).get('severity'), 9), get(x, 'labels', {}).get('alertname', '')))
        names = ['[%s] %s' % (get(x, 'labels', {}).get('severity', '?'), get(x, 'labels', {}).get('alertname', '?')) for x in base]
        worst = ALERT_SEVERITY.get(get(base[0], 'labels', {}).get('severity'), 'medium') if base else 'info'
        self.add('alerts.firing@' + h, not base, worst,
                 '%d alert(s) firing: %s' % (len(base), ', '.join(names)) if base else 'no alert firing (Alertmanager on %s)' % h,
                 'alerts', 'alerts.firing')
        for x in base:
            labels, notes = get(x, 'labels', {}), get(x, 'annotations', {})
            where = labels.get('host') or labels.get('instance') or h
            levels = escalated.get((labels.get('alertname'), labels.get('rule'), labels.get('instance')), [])
            self.add('alert.%s@%s' % (labels.get('rule') or labels.get('alertname', 'unknown'), where), False,
                     ALERT_SEVERITY.get(labels.get('severity'), 'medium'),
                     '[%s] %s since %s: %s (runbook: %s)%s' % (
                         labels.get('severity', '?'), labels.get('alertname', '?'), get(x, 'startsAt', '?'),
                         notes.get('summary', ''), notes.get('runbook', ''),
                         '; escalated to %s' % ', '.join(sorted(levels)) if levels else ''),
                     'alerts', None)

    # --- every host: clock, disk, memory ---------------------------------------------------------
    def host(self, h, a):
        s = self.settings
        clock = get(a, 'clock', {})
        before, after = number(get(a, 'clock_before')), number(get(a, 'clock_after'))
        stamp = number(get(clock, 'stdout'))
        if get(clock, 'rc', 1) == 0 and None not in (before, after, stamp):
            skew = round(stamp + (number(get(s['clock_offset'], h), 0.0)) - (before + after) / 2, 3)
            self.add('jwt.clock@' + h, abs(skew) <= s['max_clock_skew'], 'high',
                     '%s clock %+.3f s from the controller\'s (max %s s; read within %.3f s)'
                     % (h, skew, _g(s['max_clock_skew']), after - before), 'jwt', 'jwt.clock')
        else:
            self.add('jwt.clock@' + h, False, 'high', h + ': could not read the clock', 'jwt', 'jwt.clock')
        used = {}
        for row in dig(a, 'df', 'stdout_lines', default=[]) or []:
            cols = row.split()
            if len(cols) >= 6 and cols[4].endswith('%') and number(cols[4][:-1]) is not None:
                used[cols[5]] = float(cols[4][:-1])
        full = [mount for mount, pct in used.items() if pct >= s['disk_max']]
        self.add('host.disk@' + h, used and not full, 'medium',
                 '%s disk use: %s (max %s%%)' % (h, ', '.join('%s %s%%' % kv for kv in used.items()), _g(s['disk_max']))
                 if used else h + ': could not read disk use', 'host', 'host.disk')
        content = dig(a, 'meminfo', 'content')
        try:
            meminfo = base64.b64decode(content).decode('utf-8', 'replace') if content else ''
        except (TypeError, ValueError):
            meminfo = ''
        total = re.search(r'MemTotal:\s+(\d+)', meminfo)
        avail = re.search(r'MemAvailable:\s+(\d+)', meminfo)
        if total and avail and float(total.group(1)):
            pct = round(100 - 100 * float(avail.group(1)) / float(total.group(1)), 1)
            self.add('host.memory@' + h, pct < s['memory_max'], 'high',
                     '%s memory use %s%% (max %s%%)' % (h, pct, _g(s['memory_max'])), 'host', 'host.memory')
        else:
            self.add('host.memory@' + h, False, 'high', h + ': could not read /proc/meminfo', 'host', 'host.memory')

    # --- databases -------------------------------------------------------------------------------
    def database(self, h, a):
        s = self.settings
        service = get(a, 'pg_service', {})
        self.add('db.service@' + h, get(service, 'stdout', '') == 'active', 'critical',
                 '%s: postgresql is %s' % (h, get(service, 'stdout', 'unknown (host unreachable)')), 'db', 'db.service')
        ready = get(a, 'pg_ready', {})
        self.add('db.pg_isready@' + h, get(ready, 'rc', 1) == 0, 'critical',
                 '%s: %s' % (h, get(ready, 'stdout', get(ready, 'msg', 'did not run')) or 'no answer'), 'db', 'db.pg_isready')
        stats = dig(a, 'pg_stats', 'query_result', 0, 'd')
        if isinstance(stats, dict) and number(stats.get('max_connections')):
            self._database_stats(h, stats)
        else:
            self.add('db.connections@' + h, False, 'high', '%s: cannot query pg_stat_activity: %s'
                     % (h, dig(a, 'pg_stats', 'msg', default='did not run')), 'db', 'db.connections')
        since = utc(s['since'], '%Y-%m-%d %H:%M:%S')
        bad = [line for line in dig(a, 'pg_log', 'stdout_lines', default=[]) or []
               if line[:19] >= since and PG_ERROR.search(line)]
        level = 'critical' if any('PANIC:' in line for line in bad) else 'medium' if any('FATAL:' in line for line in bad) else 'low'
        self.add('db.log_errors@' + h, not bad, level,
                 '%s: %d ERROR/FATAL/PANIC line%s since %s; last: %s' % (h, len(bad), '' if len(bad) == 1 else 's', since, ' // '.join(bad[-3:]))
                 if bad else '%s: no ERROR/FATAL/PANIC since %s UTC' % (h, since), 'db', 'db.log_errors')
        self.host(h, a)

    def _database_stats(self, h, stats):
        s = self.settings
        connections, most = number(stats.get('connections'), 0.0), number(stats.get('max_connections'))
        ratio = connections / most
        self.add('db.connections@' + h, ratio < s['connections_warn'], 'high' if ratio >= s['connections_high'] else 'medium',
                 '%s: %d of max_connections %d in use (%.0f%%)' % (h, connections, most, ratio * 100), 'db', 'db.connections')
        long = stats.get('long') or []
        self.add('db.long_queries@' + h, not long, 'medium',
                 '%s: %d quer%s running over %ss: %s' % (h, len(long), 'y' if len(long) == 1 else 'ies', _g(s['long_query']),
                                                         '; '.join(to_json(q) for q in long))
                 if long else '%s: no query running over %ss' % (h, _g(s['long_query'])), 'db', 'db.long_queries')
        replicas = stats.get('replicas') or []
        lagging = [r for r in replicas if is_number(get(r, 'replay_lag')) and r['replay_lag'] > s['replication_lag_max']]
        own = stats.get('receiver_lag') if stats.get('in_recovery') and is_number(stats.get('receiver_lag')) else None
        detail = '%s: replicas %s; %s' % (h, ', '.join(str(get(r, 'name')) for r in replicas) or 'none',
                                          'replay lag %s s' % ', '.join(str(get(r, 'replay_lag')) for r in replicas)
                                          if replicas else 'no replication')
        if own is not None:
            detail += ' (this replica replays %.1f s behind)' % own
        self.add('db.replication_lag@' + h, not lagging and (own is None or own <= s['replication_lag_max']), 'medium',
                 detail, 'db', 'db.replication_lag')

    # --- backends --------------------------------------------------------------------------------
    def backend(self, h, a):
        self._unit_and_port(h, a)
        env = get(a, 'env', {})
        if get(env, 'exists') is not None:
            self.add('backend.env@' + h, env['exists'] and not get(env, 'missing') and not get(env, 'empty'), 'high',
                     '%s: .env %s; missing: %s; empty: %s' % (h, 'present' if env['exists'] else 'absent',
                                                              ', '.join(get(env, 'missing') or []) or 'none',
                                                              ', '.join(get(env, 'empty') or []) or 'none'), 'env', 'backend.env')
        else:
            self.add('backend.env@' + h, False, 'high', '%s: cannot read .env: %s' % (h, get(env, 'msg', 'did not run')),
                     'env', 'backend.env')
        health = get(a, 'health', {})
        self.add('backend.health@' + h, get(health, 'status', -1) == 200 and dig(health, 'json', 'status') == 'ok', 'high',
                 '%s: /health answered %s %s' % (h, get(health, 'status', -1),
                                                 to_json(health['json']) if 'json' in (health or {}) else get(health, 'msg', '')),
                 'backend', 'backend.health')
        self._logs(h, get(a, 'logs', {}))
        shown = get(env, 'shown', {}) or {}
        configured = get(shown, 'CORS_ORIGIN', '')
        allowed = [o.strip().rstrip('/') for o in configured.split(',') if o.strip().rstrip('/')]
        origins = list(self.settings['frontend_origins'] or [])
        lacking = [o for o in origins if o not in allowed]
        self.add('cors.origin@' + h, get(env, 'exists', False) and not lacking, 'high',
                 '%s: CORS_ORIGIN=%s; frontend origin(s) %s%s' % (h, configured or '(unset)', ', '.join(origins),
                                                                  (' missing: ' + ', '.join(lacking)) if lacking else ' all allowed'),
                 'cors', 'cors')
        self._jwt(h, get(a, 'jwt', {}))
        ai = get(a, 'ai', {})
        body = get(ai, 'json')
        status = get(body, 'status', 'unknown') if 'json' in (ai or {}) else 'no answer (%s)' % get(ai, 'status', -1)
        self.add('ai.quota@' + h, status == 'ok', 'low' if status == 'degraded' else 'high',
                 '%s: AI status %s, today\'s cost %s of limit %s (DAILY_COST_LIMIT=%s, AI_DEGRADED=%s)'
                 % (h, status, get(body, 'daily_cost', '?'), get(body, 'limit', '?'),
                    get(shown, 'DAILY_COST_LIMIT', '(unset: 10)'), get(shown, 'AI_DEGRADED', 'false')), 'ai', 'ai.quota')
        self.host(h, a)

    def _unit_and_port(self, h, a):
        service = get(a, 'service', 'aura-flow-backend')
        unit = dict(row.split('=', 1) for row in dig(a, 'unit', 'stdout_lines', default=[]) or [] if '=' in row)
        self.add('backend.unit@' + h, unit.get('ActiveState') == 'active' and unit.get('SubState') == 'running', 'high',
                 '%s: %s is %s/%s since %s, %s restart(s), last result %s (exit status %s)'
                 % (h, service, unit.get('ActiveState', '?'), unit.get('SubState', '?'), unit.get('ExecMainStartTimestamp', '?') or 'never',
                    unit.get('NRestarts', '?'), unit.get('Result', '?'), unit.get('ExecMainStatus', '?')), 'backend', 'backend.unit')
        owner = (dig(a, 'port_owner', 'stdout', default='') or '').strip()
        port = get(a, 'port', 3001)
        name = 'backend.port_owner@' + h
        if not owner:
            self.add(name, False, 'high', '%s: nothing listens on :%s' % (h, port), 'backend', 'backend.unit')
        elif re.search(r'cgroup:\S*/' + re.escape(service) + r'\.service(\s|$)', owner):
            self.add(name, True, 'high', '%s: :%s is held by %s.service' % (h, port, service), 'backend', 'backend.port_owner')
        else:
            process = re.search(r'users:\(\("([^"]+)",pid=(\d+)', owner)
            cgroup = re.search(r'cgroup:(\S+)', owner)
            uid = re.search(r'uid:(\d+)', owner)
            self.add(name, False, 'high', '%s: a foreign process holds :%s: %s (uid %s, cgroup %s)'
                     % (h, port, '%s pid %s' % process.groups() if process else 'unknown process',
                        uid.group(1) if uid else '0', cgroup.group(1) if cgroup else '?'), 'backend', 'backend.port_owner')

    def _logs(self, h, logs):
        findings = get(logs, 'findings')
        if findings is None:
            self.add('logs.error_rate@' + h, False, 'high', '%s: log analysis did not run: %s' % (h, get(logs, 'msg', '?')),
                     'logs', 'logs.error_rate')
            return
        stats = get(logs, 'stats', {}) or {}
        for f in findings:
            fid, severity, extra = get(f, 'id', '?'), get(f, 'severity', 'high'), ''
            if fid == 'logs.error_rate':
                routes = get(stats, 'by_route', {}) or {}
                busiest = sorted(([sum(counts.values()), route] for route, counts in routes.items()), reverse=True)[:5]
                top = ', '.join('%s (%d)' % (r, n) for n, r in busiest) or 'none'
                extra = '; by status %s; busiest routes: %s' % (to_json(get(stats, 'by_status', {})), top)
            if severity == 'info':
                level = 'high' if fid == 'logs.error_rate' else 'medium'
            else:
                level = severity
            self.add('%s@%s' % (fid, h), severity == 'info', level, '%s: %s%s' % (h, get(f, 'message', ''), extra),
                     'backend' if fid == 'backend.error_log' else 'logs', fid)

    def _jwt(self, h, jwt):
        if get(jwt, 'summary') is None:
            self.add('jwt.config@' + h, False, 'high', '%s: jwt_config_check did not run: %s' % (h, get(jwt, 'msg', '?')), 'jwt', 'jwt')
            return
        findings = [f for f in get(jwt, 'findings', []) or [] if get(f, 'severity') != 'info']
        secret = [f for f in findings if SECRET_FINDING.match(get(f, 'id', ''))]
        self.add('jwt.secret@' + h, not secret, worst(secret),
                 h + ': ' + ('; '.join(get(f, 'message', '') for f in secret) if secret else 'JWT_SECRET passes the strength checks'),
                 'jwt', 'jwt.secret')
        for f in findings:
            if f in secret:
                continue
            skew = get(f, 'id') == 'clock_skew'
            self.add(('jwt.clock_skew' if skew else 'jwt.%s' % get(f, 'id')) + '@' + h, False, get(f, 'severity'),
                     h + ': ' + get(f, 'message', ''), 'jwt', 'jwt.clock' if skew else 'jwt')
        self.add('jwt.config@' + h, True, 'info', '%s: %s' % (h, get(jwt, 'msg', '')), 'jwt', 'jwt')

    # --- web servers -----------------------------------------------------------------------------
    def web(self, h, a):
        nginx = get(a, 'nginx_t', {})
        lines = get(nginx, 'stderr_lines')
        if lines is None:
            lines = [get(nginx, 'msg', 'did not run')]
        self.add('static.nginx_config@' + h, get(nginx, 'rc', 1) == 0, 'high',
                 '%s: nginx -t: %s' % (h, lines[-1] if lines else ''), 'static', 'static')
        stat = dig(a, 'frontend', 'stat', default={}) or {}
        self.add('static.current_link@' + h, get(stat, 'exists', False) and get(stat, 'isreg', False), 'high',
                 '%s: %s/current/index.html %s' % (h, get(a, 'frontend_root', '/var/www/aura-flow'), 'resolves' if get(stat, 'exists', False)
                                                   else 'does not resolve (broken or missing current link)'), 'static', 'static')
        self.host(h, a)

    # --- through nginx, from the controller -------------------------------------------------------
    def public(self, a):
        cors = get(a, 'cors', {})
        if get(cors, 'summary') is not None:
            above = [f for f in get(cors, 'findings', []) or [] if get(f, 'severity') != 'info']
            self.add('cors.audit', not above, worst(above),
                     '; '.join('%s: %s' % (get(f, 'id'), get(f, 'message')) for f in above) if above
                     else 'live CORS audit through nginx: ' + str(get(cors, 'msg', 'clean')), 'cors', 'cors')
        else:
            self.add('cors.audit', False, 'high', 'cors_audit did not run: %s' % get(cors, 'msg', '?'), 'cors', 'cors')
        url = str(self.settings['public_url']).rstrip('/')
        index = get(a, 'index', {})
        self.add('static.index', get(index, 'status', -1) == 200, 'high',
                 '%s/ answered %s through nginx' % (url, get(index, 'status', -1)), 'static', 'static')
        assets = dig(a, 'assets', 'results', default=[]) or []
        missing = [r for r in assets if get(r, 'status') != 200]
        if missing:
            detail = '%d of %d assets failed: %s' % (len(missing), len(assets), ', '.join(
                '%s -> %s' % (get(r, get(r, 'ansible_loop_var', 'item')), get(r, 'status')) for r in missing))
        elif assets:
            detail = '%d assets of index.html answer 200 through nginx' % len(assets)
        else:
            detail = 'index.html references no asset (or did not load)'
        self.add('static.asset', assets and not missing, 'high', detail, 'static', 'static')

    # --- the data-safety guards' states ------------------------------------------------------------
    def stack_lock(self, h, a):
        lock = get(a, 'lock', {})
        if not get(lock, 'held', False):
            return
        holder = get(lock, 'holder', {}) or {}
        ps = get(a, 'lock_ps', {}) or {}
        asked = 'rc' in ps
        gone = asked and (ps['rc'] != 0 or 'ansible-playbook' not in (get(ps, 'stdout', '') or ''))
        if gone:
            state = 'that run is gone (stale lock: every changing playbook refuses until it is broken)'
        elif not asked:
            state = 'a changing run is in progress (its holder cannot be checked from this controller)'
        else:
            state = 'a changing run is in progress'
        self.add('guard.stack_lock@' + h, not gone, 'high', 'the stack lock is held by %s by %s%s, controller %s pid %s, since %s - %s'
                 % (get(holder, 'playbook', '?'), get(holder, 'user', '?'),
                    (', AWX job %s' % holder['awx_job_id']) if get(holder, 'awx_job_id') else '',
                    get(holder, 'controller', '?'), get(holder, 'pid', '?'), get(holder, 'started', '?'), state),
                 'guard', 'guard.stack_lock')

    def backups(self, h, a, first_deploy):
        if get(a, 'replication_role', 'none') == 'replica':
            return
        files = dig(a, 'backups', 'files')
        keep_min = int(number(get(a, 'backup_keep_min'), 3))
        if files is not None:
            self.add('guard.backup_retention@' + h, len(files) >= keep_min, 'high',
                     '%s keeps %d backups in %s (minimum postgres_backup_keep_min=%d)'
                     % (h, len(files), get(a, 'backup_dir', '/var/backups/postgresql'), keep_min), 'guard', 'guard.backup_retention')
        points = dig(a, 'rollback_points', 'files')
        if points is None:
            return
        late = []
        for point in points:
            base = os.path.basename(get(point, 'path', ''))
            release = re.sub(r'\.dump$', '', base)
            mtime = number(get(point, 'mtime'), 0.0)
            if release in first_deploy and mtime > first_deploy[release]:
                late.append('%s (written %s, %s first deployed %s)' % (base, utc(mtime), release, utc(first_deploy[release])))
        self.add('guard.rollback_point@' + h, not late, 'high',
                 'rollback points newer than their release\'s first deploy: ' + '; '.join(late) if late
                 else '%d rollback points, each older than its release\'s first deploy' % len(points), 'guard', 'guard.rollback_point')


def first_deploys(ledgers):
    """Release -> epoch of its first deploy on any backend, from the release ledgers (``release_ledger`` results)."""
    first = {}
    for ledger in ledgers:
        for release in get(ledger, 'releases', []) or []:
            at = epoch(get(release, 'deployed_at')) if get(release, 'deployed_at') else None
            version = get(release, 'version')
            if at is not None and (version not in first or at < first[version]):
                first[version] = at
    return first


def diagnose_checks(db, app, web, public, settings=None, monitor=None):
    """Every check of a diagnosis, in the report's order: the alerts firing now first (``monitor``: monitoring
    host -> its Alertmanager answer), then the tiers.

    ``db``, ``app``, ``web``: host -> that host's answers (in inventory order); ``public``: the answers
    gathered through nginx from the controller; ``settings``: the thresholds (DEFAULTS names them).
    """
    diagnosis = Diagnosis(settings)
    for h, answers in (monitor or {}).items():
        diagnosis.alerts(h, answers)
    for h, answers in db.items():
        diagnosis.database(h, answers)
    for h, answers in app.items():
        diagnosis.backend(h, answers)
    for h, answers in web.items():
        diagnosis.web(h, answers)
    diagnosis.public(public)
    for h, answers in web.items():
        diagnosis.stack_lock(h, answers)
    first = first_deploys(get(answers, 'ledger', {}) for answers in app.values())
    for h, answers in db.items():
        diagnosis.backups(h, answers, first)
    return diagnosis.checks


__all__ = ['SEVERITIES', 'FIXES', 'SYMPTOMS', 'diagnose_checks', 'first_deploys']
