# -*- coding: utf-8 -*-
# Copyright: (c) 2026, auraflow.ops maintainers
# MIT License (see LICENSE)
"""The runbook's alert policy, written once, and what Prometheus and Alertmanager are configured from.

RUNBOOK "告警策略": each row names a condition, a window ("within N minutes") and a severity; the channels
per severity and the escalation ladder of an unanswered alert follow. ``RULES`` holds them as data. Two
consumers read it: ``slo_check``'s classification (``alerts.THRESHOLDS``, the thresholds and severities of a
point-in-time check) and the monitoring role, whose Prometheus rules (``prometheus_rules``: ``for:`` windows,
severity labels, the escalation copies, the burn-rate alerts of the availability SLO) and Alertmanager routes
(``alertmanager_config``) are rendered from it. Durations are seconds; ``time_scale`` shortens every window and
range for lab tests (production renders with 1).
"""

from __future__ import annotations

SEVERITIES = ('P0', 'P1', 'P2', 'P3')

# Runbook row -> rule. threshold is in the unit of the measured value (a fraction, ms or percent); window_s is the
# runbook's "within N minutes" (Prometheus' for:), 0 for "immediately"; range_s the time a rate or ratio is taken
# over. kind selects the PromQL below.
RULES = (
    {'id': 'min_availability', 'alert': 'AuraAvailabilityLow', 'severity': 'P0', 'threshold': 0.99, 'window_s': 0,
     'range_s': 300, 'kind': 'availability', 'runbook': '系统可用性 < 99%: 立即告警 (P0)',
     'summary': 'availability of the public /health below {} %'},
    {'id': 'db_connection', 'alert': 'AuraDatabaseDown', 'severity': 'P0', 'threshold': None, 'window_s': 0,
     'range_s': 0, 'kind': 'db_down', 'runbook': '数据库连接失败: 立即告警 (P0)',
     'summary': 'PostgreSQL does not accept connections'},
    {'id': 'p95_ms', 'alert': 'AuraApiLatencyHigh', 'severity': 'P1', 'threshold': 500.0, 'window_s': 300,
     'range_s': 300, 'kind': 'latency_p95', 'runbook': 'API 响应时间 P95 > 500ms: 5 分钟内告警 (P1)',
     'summary': 'API P95 latency above {} ms'},
    {'id': 'max_error_rate', 'alert': 'AuraErrorRateHigh', 'severity': 'P1', 'threshold': 0.01, 'window_s': 600,
     'range_s': 300, 'kind': 'error_rate', 'runbook': '错误率 > 1%: 10 分钟内告警 (P1)',
     'summary': 'share of 5xx answers above {} %'},
    {'id': 'memory_percent', 'alert': 'AuraMemoryHigh', 'severity': 'P1', 'threshold': 90.0, 'window_s': 900,
     'range_s': 0, 'kind': 'memory', 'runbook': '内存使用率 > 90%: 15 分钟内告警 (P1)',
     'summary': 'memory used above {} %'},
    {'id': 'disk_percent', 'alert': 'AuraDiskHigh', 'severity': 'P2', 'threshold': 85.0, 'window_s': 1800,
     'range_s': 0, 'kind': 'disk', 'runbook': '磁盘使用率 > 85%: 30 分钟内告警 (P2)',
     'summary': 'disk used above {} %'},
)

# RUNBOOK "告警渠道": the channels of each severity (alert_route's names: pagerduty/opsgenie are the phone, sms,
# webhook the chat (Slack), email).
ROUTES = {'P0': ['pagerduty', 'opsgenie', 'sms', 'webhook'], 'P1': ['sms', 'webhook', 'email'],
          'P2': ['webhook', 'email'], 'P3': ['email']}

# RUNBOOK "告警升级策略": who is notified while an alert stays unanswered (firing), from when it first notified.
ESCALATION = ((0, 'oncall'), (900, 'tech_lead'), (1800, 'director'), (3600, 'cto'))
ESCALATED = ('P0', 'P1')  # the severities whose alerts climb the ladder (the ones that page)

# The availability SLO (99.9 %) and its multi-window, multi-burn-rate alerts (Google SRE workbook, table 5-8):
# (long range, short range, burn rate, severity, for).
SLO_TARGET = 0.999
SLO_RUNBOOK = '系统可用性: 99.9% (每月停机时间 < 43.2 分钟)'
BURN_RATES = ((3600, 300, 14.4, 'P1', 120), (21600, 1800, 6.0, 'P1', 900), (259200, 21600, 1.0, 'P3', 3600))


class PolicyError(ValueError):
    """A policy, a scale or a selector that cannot be rendered."""


def thresholds():
    """Rule id -> threshold, for the rules slo_check judges (alerts.THRESHOLDS)."""
    return {r['id']: r['threshold'] for r in RULES if r['threshold'] is not None}


def duration(seconds):
    """Seconds as a Prometheus duration: the largest unit that divides it (``0s``, ``90s``, ``5m``, ``1h``, ``3d``)."""
    seconds = int(round(seconds))
    if seconds < 0:
        raise PolicyError('a duration cannot be negative: %s' % seconds)
    for unit, size in (('d', 86400), ('h', 3600), ('m', 60)):
        if seconds and seconds % size == 0:
            return '%d%s' % (seconds // size, unit)
    return '%ds' % seconds


def scaled(seconds, time_scale, floor=0):
    """``seconds`` times ``time_scale``, never below ``floor`` (a range must span a few scrapes); 0 stays 0."""
    if not seconds:
        return 0
    return max(int(round(seconds * time_scale)), int(floor), 1)


def _expr(rule, selectors, time_scale, min_range_s):
    rng = duration(scaled(rule['range_s'], time_scale, min_range_s))
    kind, limit = rule['kind'], rule['threshold']
    if kind == 'availability':
        return 'avg_over_time(probe_success{%s}[%s]) < %s' % (selectors['probe'], rng, limit)
    if kind == 'db_down':
        return 'pg_up{%s} == 0' % selectors['postgres']
    if kind == 'latency_p95':
        return ('histogram_quantile(0.95, sum by (le) (rate(http_request_duration_seconds_bucket{%s}[%s]))) * 1000 > %s'
                % (selectors['backend'], rng, limit))
    if kind == 'error_rate':
        return ('sum(rate(http_requests_total{%s,status=~"5.."}[%s])) / sum(rate(http_requests_total{%s}[%s])) > %s'
                % (selectors['backend'], rng, selectors['backend'], rng, limit))
    if kind == 'memory':
        return ('(1 - node_memory_MemAvailable_bytes{%s} / node_memory_MemTotal_bytes{%s}) * 100 > %s'
                % (selectors['node'], selectors['node'], limit))
    if kind == 'disk':
        return ('(1 - node_filesystem_avail_bytes{%s} / node_filesystem_size_bytes{%s}) * 100 > %s'
                % (selectors['disk'], selectors['disk'], limit))
    raise PolicyError('unknown rule kind %r' % kind)


def _labels(severity, escalation, extra=None):
    labels = {'severity': severity, 'escalation': escalation, 'channels': ','.join(ROUTES[severity])}
    labels.update(extra or {})
    return labels


DEFAULT_SELECTORS = {
    'probe': 'job="aura_blackbox"',
    'postgres': 'job="aura_postgres"',
    # user traffic only: health probes and metric scrapes are not users (an outage shows in the probe's availability)
    'backend': 'job="aura_backend",route!~"/health|/monitoring/.*"',
    'node': 'job="aura_node"',
    'disk': 'job="aura_node",fstype!~"tmpfs|ramfs|squashfs|nsfs|overlay"',
}


def _summary(rule):
    """The rule's summary with its threshold written in (a fraction as a percentage)."""
    value = rule['threshold']
    if value is None:
        return rule['summary']
    if rule['kind'] in ('availability', 'error_rate'):
        value = value * 100
    return rule['summary'].format(('%.4f' % value).rstrip('0').rstrip('.'))


def with_thresholds(rules, values):
    """``rules`` with the thresholds of ``values`` (rule id -> number; None keeps the runbook's) in place of theirs."""
    values = dict(values or {})
    unknown = sorted(set(values) - set(thresholds()))
    if unknown:
        raise PolicyError('unknown threshold(s) %s; known: %s' % (', '.join(unknown), ', '.join(sorted(thresholds()))))
    return tuple(dict(r, threshold=values[r['id']]) if values.get(r['id']) is not None else r for r in rules)


def prometheus_rules(time_scale=1.0, min_range_s=60, selectors=None, rules=RULES, threshold_values=None):
    """The Prometheus rule file (a dict to dump as YAML): the runbook's alerts with their escalation copies, the
    burn-rate recording rules and alerts. ``time_scale`` multiplies every window and range (1 in production);
    ``threshold_values`` (rule id -> number) replaces the runbook's thresholds, as it does for slo_check."""
    if not isinstance(time_scale, (int, float)) or not 0 < time_scale <= 1:
        raise PolicyError('time_scale must be a number in (0, 1], got %r' % (time_scale,))
    rules = with_thresholds(rules, threshold_values)
    sel = dict(DEFAULT_SELECTORS)
    sel.update(selectors or {})
    unknown = set(sel) - set(DEFAULT_SELECTORS)
    if unknown:
        raise PolicyError('unknown selector(s) %s; known: %s' % (', '.join(sorted(unknown)), ', '.join(DEFAULT_SELECTORS)))
    alerts = []
    for rule in rules:
        if rule['severity'] not in SEVERITIES:
            raise PolicyError('rule %s: severity %r is not one of %s' % (rule['id'], rule['severity'], ', '.join(SEVERITIES)))
        expr = _expr(rule, sel, time_scale, min_range_s)
        ladder = ESCALATION if rule['severity'] in ESCALATED else ESCALATION[:1]
        for after_s, level in ladder:
            alerts.append({
                'alert': rule['alert'],
                'expr': expr,
                'for': duration(scaled(rule['window_s'] + after_s, time_scale)),
                'labels': _labels(rule['severity'], level, {'rule': rule['id']}),
                'annotations': {
                    'summary': _summary(rule) + ('' if not after_s else ' - unanswered for %s, escalated to %s'
                                                 % (duration(after_s), level)),
                    'runbook': rule['runbook'],
                },
            })
    budget = round(1 - SLO_TARGET, 6)
    records, ranges = [], sorted({r for b in BURN_RATES for r in b[:2]})
    for seconds in ranges:
        rng = duration(scaled(seconds, time_scale, min_range_s))
        records.append({
            'record': 'aura:http_error_ratio:rate%s' % duration(seconds),
            'expr': 'sum(rate(http_requests_total{%s,status=~"5.."}[%s])) / sum(rate(http_requests_total{%s}[%s]))'
                    % (sel['backend'], rng, sel['backend'], rng),
        })
    for long_s, short_s, burn, severity, for_s in BURN_RATES:
        level = round(burn * budget, 6)
        ladder = ESCALATION if severity in ESCALATED else ESCALATION[:1]
        for after_s, esc in ladder:
            summary = 'the 99.9 %% availability SLO burns its error budget %sx over %s and %s' % (
                burn, duration(long_s), duration(short_s))
            if after_s:
                summary += ' - unanswered for %s, escalated to %s' % (duration(after_s), esc)
            alerts.append({
                'alert': 'AuraErrorBudgetBurn',
                'expr': 'aura:http_error_ratio:rate%s > %s and aura:http_error_ratio:rate%s > %s'
                        % (duration(long_s), level, duration(short_s), level),
                'for': duration(scaled(for_s + after_s, time_scale)),
                'labels': _labels(severity, esc, {'rule': 'burn_%s_%s' % (duration(long_s), duration(short_s)),
                                                  'burn_rate': str(burn)}),
                'annotations': {'summary': summary, 'runbook': SLO_RUNBOOK + ': burn rate %sx' % burn},
            })
    return {'groups': [
        {'name': 'aura_slo_burn_rate_records', 'rules': records},
        {'name': 'aura_runbook_alerts', 'rules': alerts},
    ]}


# The chat message (Slack's incoming-webhook format): what fires, how bad, where, since when, and the runbook row.
CHAT_TITLE = ('{{ if eq .Status "firing" }}[{{ .CommonLabels.severity }}] {{ .CommonLabels.alertname }}'
              '{{ else }}[resolved] {{ .CommonLabels.alertname }}{{ end }}'
              '{{ if ne .CommonLabels.escalation "oncall" }} (escalated: {{ .CommonLabels.escalation }}){{ end }}')
CHAT_TEXT = ('{{ range .Alerts }}*{{ .Annotations.summary }}* on {{ .Labels.instance }} since '
             '{{ .StartsAt.Format "2006-01-02 15:04:05 MST" }}\nrunbook: {{ .Annotations.runbook }}\n{{ end }}')


def _receiver(name, channels, severity_channels, time_scale):
    receiver = {'name': name}
    if 'webhook' in severity_channels and channels.get('webhook_url'):
        receiver['slack_configs'] = [{'api_url': channels['webhook_url'], 'send_resolved': True,
                                      'title': CHAT_TITLE, 'text': CHAT_TEXT}]
    if 'email' in severity_channels and channels.get('email_to'):
        receiver['email_configs'] = [{'to': ', '.join(channels['email_to']), 'send_resolved': True}]
    if 'pagerduty' in severity_channels and channels.get('pagerduty_routing_key'):
        receiver['pagerduty_configs'] = [{'routing_key': channels['pagerduty_routing_key'], 'send_resolved': True,
                                          'severity': '{{ if eq .CommonLabels.severity "P0" }}critical{{ else }}error{{ end }}'}]
        if channels.get('pagerduty_url'):
            receiver['pagerduty_configs'][0]['url'] = channels['pagerduty_url']
    if 'opsgenie' in severity_channels and channels.get('opsgenie_api_key'):
        receiver['opsgenie_configs'] = [{'api_key': channels['opsgenie_api_key'], 'send_resolved': True,
                                         'priority': '{{ if eq .CommonLabels.severity "P0" }}P1{{ else }}P2{{ end }}'}]
        if channels.get('opsgenie_url'):
            receiver['opsgenie_configs'][0]['api_url'] = channels['opsgenie_url']
    if 'sms' in severity_channels and channels.get('sms_webhook_url'):
        receiver['webhook_configs'] = [{'url': channels['sms_webhook_url'], 'send_resolved': False}]
    return receiver


def alertmanager_config(channels, escalation=None, time_scale=1.0, smtp=None):
    """The Alertmanager configuration (a dict to dump as YAML): one receiver per severity with the runbook's
    channels (only those configured), one per escalation level, routes by the rules' labels, and inhibition (an
    outage silences the latency and error alerts it causes).

    ``channels``: webhook_url (chat), email_to (list), pagerduty_routing_key/_url, opsgenie_api_key/_url,
    sms_webhook_url (an SMS relay: Alertmanager speaks no SMS API). ``escalation``: level -> the same keys, for
    tech_lead, director and cto. ``smtp``: smarthost, from, auth_username, auth_password, require_tls.
    """
    if not isinstance(channels, dict):
        raise PolicyError('channels must be a mapping, got %s' % type(channels).__name__)
    escalation = escalation or {}
    levels = [level for _after, level in ESCALATION[1:]]
    unknown = set(escalation) - set(levels)
    if unknown:
        raise PolicyError('unknown escalation level(s) %s; the runbook has %s' % (', '.join(sorted(unknown)), ', '.join(levels)))
    if not isinstance(time_scale, (int, float)) or not 0 < time_scale <= 1:
        raise PolicyError('time_scale must be a number in (0, 1], got %r' % (time_scale,))
    receivers = [{'name': 'none'}]
    routes = []
    for level in levels:
        contacts = escalation.get(level) or {}
        receivers.append(_receiver('escalation_' + level, contacts, ('webhook', 'email', 'pagerduty', 'opsgenie', 'sms'), time_scale))
        routes.append({'receiver': 'escalation_' + level, 'matchers': ['escalation="%s"' % level]})
    for severity in SEVERITIES:
        receivers.append(_receiver(severity, channels, ROUTES[severity], time_scale))
        routes.append({'receiver': severity, 'matchers': ['severity="%s"' % severity, 'escalation="oncall"']})
    config = {
        'route': {
            'receiver': 'none',
            'group_by': ['alertname', 'rule', 'escalation'],
            'group_wait': duration(scaled(30, time_scale)),
            'group_interval': duration(scaled(300, time_scale)),
            'repeat_interval': duration(scaled(4 * 3600, time_scale)),
            'routes': routes,
        },
        'inhibit_rules': [
            {'source_matchers': ['alertname="AuraDatabaseDown"'],
             'target_matchers': ['alertname=~"AuraApiLatencyHigh|AuraErrorRateHigh|AuraErrorBudgetBurn"']},
            {'source_matchers': ['alertname="AuraAvailabilityLow"'],
             'target_matchers': ['alertname=~"AuraApiLatencyHigh|AuraErrorRateHigh|AuraErrorBudgetBurn"']},
        ],
        'receivers': receivers,
    }
    if smtp and smtp.get('smarthost'):
        config['global'] = {'smtp_smarthost': smtp['smarthost'], 'smtp_from': smtp.get('from', 'alertmanager@localhost'),
                            'smtp_require_tls': bool(smtp.get('require_tls', True))}
        if smtp.get('auth_username'):
            config['global'].update(smtp_auth_username=smtp['auth_username'], smtp_auth_password=smtp.get('auth_password', ''))
    return config
