# -*- coding: utf-8 -*-
# Copyright: (c) 2026, auraflow.ops maintainers
# MIT License (see LICENSE)
"""The runbook's alert policy (告警策略): classify what slo.yml measured into P0-P3 alerts and
route them to channels by severity. Pure: no I/O, used by the ``alert_route`` module.

Policy (thresholds are strict, as the runbook writes them; the defaults are THRESHOLDS):

* P0: system availability < 99 % (the SLO load through the public entry, or its ``/health``
  failing); a database connection failure (a ``/health`` answer with ``db`` other than ``ok``).
* P1: P95 > 500 ms; error rate > 1 %; memory used > 90 %; the AI service's quota exceeded
  (the runbook lists it among the P0-P1 problems); one backend failing (``/health`` or
  availability < 99 % on the backend itself: the system still answers through the other
  backends, so not P0).
* P2: disk used > 85 %; AI service in degraded mode (the runbook's own mitigation for the
  quota: a reduced feature somebody must look at, not a page); a host that could not be measured.
* P3: every other miss of a target (slo_check's breaches, whose limits are inclusive:
  ``p95_ms: 200`` holds at 200 ms) that no higher alert on the same check already covers;
  a monitoring endpoint (``/monitoring/metrics``, ``/monitoring/ai-status``) that does not answer.

Routing (the runbook's 告警渠道): P0 pages by phone, SMS and chat - PagerDuty (Events API v2) and Opsgenie
(Alert API), the services on-call teams get called and texted by, a Twilio-style SMS endpoint, and the webhook
(Slack); P1 goes by SMS, chat and e-mail; P2 to chat and e-mail; P3 to e-mail only. The chat, e-mail and SMS
channels carry one message per run with the alerts routed to them, most severe first. The paging channels get
one event per alerting check, keyed by ``dedup_key(source, check)`` so that the next run updates the same
incident, and a check that is ok again resolves (PagerDuty) or closes (Opsgenie) it.
"""

from __future__ import annotations

import math
from urllib.parse import quote

from ansible_collections.auraflow.ops.plugins.module_utils import alert_policy
from ansible_collections.auraflow.ops.plugins.module_utils.slo import describe_breach

SEVERITIES = ('P0', 'P1', 'P2', 'P3')
_RANK = {name: rank for rank, name in enumerate(SEVERITIES)}
CHANNELS = ('pagerduty', 'opsgenie', 'sms', 'webhook', 'email')
# One event per check and its resolution: the phone-call services. The others carry one message per run.
PAGING = ('pagerduty', 'opsgenie')
DEFAULT_ROUTES = alert_policy.ROUTES
# PagerDuty Events API v2 payload.severity, Opsgenie priority.
PAGERDUTY_SEVERITY = {'P0': 'critical', 'P1': 'error', 'P2': 'warning', 'P3': 'info'}
OPSGENIE_PRIORITY = {'P0': 'P1', 'P1': 'P2', 'P2': 'P3', 'P3': 'P4'}
SMS_MAX = 1600  # characters of one SMS body (Twilio's limit for a concatenated message)
# The runbook's thresholds (P0 availability below, P1 p95/error rate/memory above, P2 disk above): the same values the
# monitoring role's Prometheus rules fire at (module_utils/alert_policy.py, one definition).
THRESHOLDS = alert_policy.thresholds()
FRACTIONS = ('min_availability', 'max_error_rate')
SCOPES = ('public', 'backend')
# What the worst alert of each kind of check is (the severity an ok check is listed with).
CHECK_CLASS = {
    'slo_public': 'P0', 'slo_backend': 'P1', 'health_public': 'P0', 'health_backend': 'P1',
    'db_connection': 'P0', 'metrics': 'P3', 'ai_status': 'P1', 'memory': 'P1', 'disk': 'P2', 'host': 'P2',
}
# slo_check objectives an alert rule already judges with a higher severity on the same check.
_COVERED_BY = {'p95_ms': 'p95_ms', 'max_error_rate': 'error_rate', 'min_availability': 'availability'}


class PolicyError(ValueError):
    """A routing table or threshold that cannot be used."""


def severity_rank(severity):
    """0 for P0 (most urgent) to 3 for P3; PolicyError for anything else."""
    try:
        return _RANK[severity]
    except (KeyError, TypeError):
        raise PolicyError('unknown severity %r (one of: %s)' % (severity, ', '.join(SEVERITIES))) from None


def at_or_above(severity, threshold):
    """Whether ``severity`` is as urgent as ``threshold`` or more (P0 is the most urgent).
    ``threshold`` None or ``none`` matches nothing."""
    if threshold in (None, '', 'none'):
        return False
    return severity_rank(severity) <= severity_rank(threshold)


def validate_thresholds(thresholds):
    """THRESHOLDS updated with ``thresholds`` (None values keep the default), as floats."""
    out = dict(THRESHOLDS)
    unknown = sorted(set(thresholds or {}) - set(THRESHOLDS))
    if unknown:
        raise PolicyError('unknown threshold%s: %s (known: %s)' % ('s' if len(unknown) > 1 else '', ', '.join(unknown),
                                                                   ', '.join(sorted(THRESHOLDS))))
    for name, value in (thresholds or {}).items():
        if value is None:
            continue
        if isinstance(value, bool):
            raise PolicyError('threshold %s must be a number, got a boolean' % name)
        try:
            number = float(value)
        except (TypeError, ValueError):
            raise PolicyError('threshold %s must be a number, got %r' % (name, value)) from None
        if math.isnan(number) or number < 0 or (name in FRACTIONS and number > 1):
            raise PolicyError('threshold %s out of range: %r%s' % (name, value, ' (a fraction, 0.01 = 1 %)' if name in FRACTIONS else ''))
        out[name] = number
    return out


def validate_routes(routes):
    """The routing table {severity: [channel, ...]}; severities missing from ``routes`` keep
    DEFAULT_ROUTES, an empty list routes nowhere. A string is one channel, ``all`` every channel."""
    out = {sev: list(chs) for sev, chs in DEFAULT_ROUTES.items()}
    if routes is None:
        return out
    if not isinstance(routes, dict):
        raise PolicyError('routes must be a dictionary {P0..P3: [channels]}, got %s' % type(routes).__name__)
    for sev, channels in routes.items():
        severity_rank(sev)
        if channels is None:
            channels = []
        if isinstance(channels, str):
            channels = list(CHANNELS) if channels == 'all' else [channels]
        if not isinstance(channels, (list, tuple)):
            raise PolicyError('routes.%s must be a list of channels, got %r' % (sev, channels))
        unknown = [c for c in channels if c not in CHANNELS]
        if unknown:
            raise PolicyError('routes.%s: unknown channel %s (known: %s)' % (sev, ', '.join(map(str, unknown)), ', '.join(CHANNELS)))
        out[sev] = [c for c in CHANNELS if c in channels]
    return out


def _alert(check, rule, severity, message, value=None, threshold=None):
    return {'check': check, 'rule': rule, 'severity': severity, 'message': message, 'value': value, 'threshold': threshold}


def _pct(fraction):
    return '%.3g %%' % (fraction * 100.0)


def _num(value):
    return ('%.4g' % value) if isinstance(value, float) else str(value)


def _scope(entry):
    scope = entry.get('scope') or 'public'
    if scope not in SCOPES:
        raise PolicyError('scope of %s must be one of %s, got %r' % (entry.get('name'), ', '.join(SCOPES), scope))
    return scope


def _check(name, alerts, check_class, detail, seconds=0):
    severity = min((a['severity'] for a in alerts), key=severity_rank) if alerts else CHECK_CLASS[check_class]
    return {'name': name, 'ok': not alerts, 'severity': severity, 'detail': detail, 'seconds': round(float(seconds or 0), 3)}


def classify_slo(entry, thresholds):
    """Checks and alerts of one slo_check result ``{name, scope, result}``."""
    name, scope, result = entry['name'], _scope(entry), entry.get('result') or {}
    check = 'slo_%s' % name
    alerts = []
    if 'availability' not in result:
        alerts.append(_alert(check, 'unmeasured', 'P3', 'not measured: %s' % result.get('msg', 'no result')))
        return [_check(check, alerts, 'slo_' + scope, 'not measured: %s' % result.get('msg', 'no result'))], alerts
    availability = result['availability']
    err_rate = result.get('error_rate', 1.0 - availability)
    latency = result.get('latency_ms') or {}
    p95 = latency.get('p95')
    rules = set()
    if availability < thresholds['min_availability']:
        if scope == 'public':
            alerts.append(_alert(check, 'availability', 'P0', 'availability %s < %s (%s)' % (
                _pct(availability), _pct(thresholds['min_availability']), result.get('msg', '')), availability, thresholds['min_availability']))
        else:
            alerts.append(_alert(check, 'backend_availability', 'P1', 'backend availability %s < %s (%s)' % (
                _pct(availability), _pct(thresholds['min_availability']), result.get('msg', '')), availability, thresholds['min_availability']))
        rules.add('availability')
    if err_rate > thresholds['max_error_rate']:
        alerts.append(_alert(check, 'error_rate', 'P1', 'error rate %s > %s' % (_pct(err_rate), _pct(thresholds['max_error_rate'])),
                             err_rate, thresholds['max_error_rate']))
        rules.add('error_rate')
    if p95 is not None and p95 > thresholds['p95_ms']:
        alerts.append(_alert(check, 'p95_ms', 'P1', 'p95 %s ms > %s ms' % (_num(p95), _num(thresholds['p95_ms'])), p95, thresholds['p95_ms']))
        rules.add('p95_ms')
    for breach in result.get('breaches') or []:
        if _COVERED_BY.get(breach['objective']) in rules:
            continue
        alerts.append(_alert(check, 'target_%s' % breach['objective'], 'P3', 'target missed: %s' % describe_breach(breach),
                             breach.get('actual'), breach.get('target')))
    detail = '%s requests, p95 %s ms, p99 %s ms, errors %s, %s req/s' % (
        result.get('requests', 0), _num(p95) if p95 is not None else '-', _num(latency['p99']) if latency.get('p99') is not None else '-',
        _pct(err_rate), result.get('rps', '-'))
    checks = [_check(check, alerts, 'slo_' + scope, detail, result.get('elapsed', 0))]
    server = result.get('server') or {}
    if server:
        mcheck = 'metrics_%s' % name
        if server.get('error'):
            malerts = [_alert(mcheck, 'monitoring', 'P3', '%s unreadable: %s' % (server.get('metrics_url'), server['error']))]
            mdetail = server['error']
        else:
            malerts = []
            mlat = server.get('latency_ms') or {}
            mdetail = 'server counted %s requests, %s errors, p95 %s ms (%s)' % (
                server.get('requests'), server.get('errors'), mlat.get('p95', '-'), server.get('scope', ''))
        checks.append(_check(mcheck, malerts, 'metrics', mdetail))
        alerts.extend(malerts)
    return checks, alerts


def _body(entry):
    body = entry.get('body')
    return body if isinstance(body, dict) else {}


def classify_health(entry):
    """Checks and alerts of one ``/health`` answer ``{name, scope, status, body, msg, seconds}``."""
    name, scope = entry['name'], _scope(entry)
    status = entry.get('status')
    status = -1 if status is None else int(status)
    body = _body(entry)
    check = 'health_%s' % name
    healthy = status == 200 and body.get('status') == 'ok'
    detail = 'HTTP %s %s' % (status, ' '.join('%s=%s' % (k, body[k]) for k in sorted(body)) if body else entry.get('msg') or '')
    alerts = []
    if not healthy:
        if scope == 'public':
            alerts.append(_alert(check, 'availability', 'P0', 'the service does not answer healthy through the public entry: %s' % detail, status))
        else:
            alerts.append(_alert(check, 'backend_down', 'P1', 'backend unhealthy: %s' % detail, status))
    checks = [_check(check, alerts, 'health_' + scope, detail.strip(), entry.get('seconds', 0))]
    if 'db' in body:
        dcheck = 'db_connection_%s' % name
        dalerts = [] if body['db'] == 'ok' else [
            _alert(dcheck, 'db_connection', 'P0', 'database connection failed (db=%s)' % body['db'], body['db'])]
        checks.append(_check(dcheck, dalerts, 'db_connection', 'db=%s' % body['db']))
        alerts.extend(dalerts)
    return checks, alerts


def classify_ai(entry):
    """Checks and alerts of one ``/monitoring/ai-status`` answer ``{name, status, body, msg}``."""
    check = 'ai_status_%s' % entry['name']
    status = entry.get('status')
    status = -1 if status is None else int(status)
    body = _body(entry)
    state = body.get('status')
    usage = ' (daily cost %s of %s)' % (body.get('daily_cost'), body.get('limit')) if 'limit' in body else ''
    if status != 200 or not state:
        alerts = [_alert(check, 'monitoring', 'P3', '/monitoring/ai-status unreadable: HTTP %s %s' % (status, entry.get('msg') or ''), status)]
    elif state == 'ok':
        alerts = []
    elif state == 'quota_exceeded':
        alerts = [_alert(check, 'ai_quota_exceeded', 'P1', 'AI service quota exceeded%s' % usage, state)]
    elif state == 'degraded':
        alerts = [_alert(check, 'ai_degraded', 'P2', 'AI service in degraded mode%s' % usage, state)]
    else:
        alerts = [_alert(check, 'ai_unknown', 'P3', 'AI service reports %r%s' % (state, usage), state)]
    return [_check(check, alerts, 'ai_status', 'HTTP %s status=%s%s' % (status, state or '-', usage), entry.get('seconds', 0))], alerts


def classify_host(entry, thresholds):
    """Checks and alerts of one host's ``{name, disk_percent, memory_percent, error}``."""
    name = entry['name']
    if entry.get('error'):
        check = 'host_%s' % name
        alerts = [_alert(check, 'host_unmeasured', 'P2', 'disk and memory not measured: %s' % entry['error'])]
        return [_check(check, alerts, 'host', entry['error'])], alerts
    checks, alerts = [], []
    for kind, rule, severity in (('memory', 'memory_percent', 'P1'), ('disk', 'disk_percent', 'P2')):
        value = entry.get(rule)
        check = '%s_%s' % (kind, name)
        if value is None:
            found = [_alert(check, 'host_unmeasured', 'P2', '%s not measured' % kind)]
            detail = 'not measured'
        else:
            value = float(value)
            limit = thresholds[rule]
            found = [_alert(check, rule, severity, '%s used %.1f %% > %s %%' % (kind, value, _num(limit)), value, limit)] if value > limit else []
            detail = '%.1f %% used (alert above %s %%)' % (value, _num(limit))
        checks.append(_check(check, found, kind, detail))
        alerts.extend(found)
    return checks, alerts


def classify(slo=None, health=None, ai_status=None, hosts=None, thresholds=None):
    """All checks (in input order: health, slo, ai, hosts) and all alerts (most severe first)."""
    limits = validate_thresholds(thresholds)
    checks, alerts = [], []
    parts = [(classify_health, e) for e in health or []] + [(lambda e: classify_slo(e, limits), e) for e in slo or []]
    parts += [(classify_ai, e) for e in ai_status or []] + [(lambda e: classify_host(e, limits), e) for e in hosts or []]
    for func, entry in parts:
        if not isinstance(entry, dict) or not entry.get('name'):
            raise PolicyError('every measurement needs a name, got %r' % (entry,))
        found_checks, found_alerts = func(entry)
        checks.extend(found_checks)
        alerts.extend(found_alerts)
    return checks, sort_alerts(alerts)


def sort_alerts(alerts):
    """Most urgent first, then by check and rule (stable output)."""
    return sorted(alerts, key=lambda a: (severity_rank(a['severity']), a['check'], a['rule']))


def counts(alerts):
    """Alerts per severity."""
    out = {severity: 0 for severity in SEVERITIES}
    for alert in alerts:
        out[alert['severity']] += 1
    return out


def highest(alerts):
    """The most urgent severity among ``alerts``, or None."""
    return min((a['severity'] for a in alerts), key=severity_rank, default=None)


def route(alerts, routes, configured):
    """{channel: [alerts]} for the channels in ``configured`` that get at least one alert, and
    the channels the table asked for that are not configured (so the output can say so)."""
    table = validate_routes(routes)
    out, unconfigured = {}, []
    for channel in CHANNELS:
        wanted = [a for a in alerts if channel in table.get(a['severity'], [])]
        if not wanted:
            continue
        if channel in configured:
            out[channel] = sort_alerts(wanted)
        else:
            unconfigured.append(channel)
    return out, unconfigured


def render(source, alerts):
    """(subject, text) of one message carrying ``alerts`` (sorted, non-empty): the subject names the
    highest severity and the counts, the text has one line per alert with severity, check and message."""
    ordered = sort_alerts(alerts)
    per = counts(ordered)
    tally = ', '.join('%s x%d' % (sev, per[sev]) for sev in SEVERITIES if per[sev])
    subject = '[%s] %s: %d alert%s (%s)' % (highest(ordered), source, len(ordered), '' if len(ordered) == 1 else 's', tally)
    lines = [subject] + ['%s %s [%s] %s' % (a['severity'], a['check'], a['rule'], a['message']) for a in ordered]
    return subject, '\n'.join(lines)


def dedup_key(source, check):
    """The key one check's incident keeps from run to run (PagerDuty dedup_key, Opsgenie alias, at most 255)."""
    return ('auraflow.ops/%s/%s' % (source, check))[:255]


def by_check(alerts):
    """[(check, [alerts of that check, most severe first])], the most severe check first."""
    groups = {}
    for alert in sort_alerts(alerts):
        groups.setdefault(alert['check'], []).append(alert)
    return list(groups.items())


def _summary(source, check, alerts):
    return '[%s] %s %s: %s' % (alerts[0]['severity'], source, check, '; '.join('%s %s' % (a['rule'], a['message']) for a in alerts))


def pagerduty_events(routing_key, source, alerts, cleared=()):
    """PagerDuty Events API v2 bodies: a trigger per alerting check (the most severe alert's severity), a resolve per
    check in ``cleared`` (ok again). https://developer.pagerduty.com/docs/events-api-v2/trigger-events/"""
    events = []
    for check, group in by_check(alerts):
        events.append({'routing_key': routing_key, 'event_action': 'trigger', 'dedup_key': dedup_key(source, check),
                       'payload': {'summary': _summary(source, check, group)[:1024], 'source': source,
                                   'severity': PAGERDUTY_SEVERITY[group[0]['severity']], 'component': check,
                                   'class': group[0]['rule'],
                                   'custom_details': {'alerts': ['%s %s [%s] %s' % (a['severity'], a['check'], a['rule'], a['message'])
                                                                 for a in group]}}})
    for check in cleared:
        events.append({'routing_key': routing_key, 'event_action': 'resolve', 'dedup_key': dedup_key(source, check)})
    return events


def opsgenie_requests(source, alerts, cleared=()):
    """Opsgenie Alert API requests as (method, path, body): a create per alerting check (alias = the dedup key, so a
    repeat adds to the same alert), a close per check in ``cleared``. https://docs.opsgenie.com/docs/alert-api"""
    out = []
    for check, group in by_check(alerts):
        out.append(('POST', '/v2/alerts', {
            'message': _summary(source, check, group)[:130], 'alias': dedup_key(source, check),
            'description': '\n'.join('%s %s [%s] %s' % (a['severity'], a['check'], a['rule'], a['message']) for a in group)[:15000],
            'priority': OPSGENIE_PRIORITY[group[0]['severity']], 'source': source, 'entity': check,
            'tags': ['auraflow.ops', group[0]['severity']]}))
    for check in cleared:
        out.append(('POST', '/v2/alerts/%s/close?identifierType=alias' % quote(dedup_key(source, check), safe=''),
                    {'source': source, 'note': '%s is ok again' % check}))
    return out


def sms_text(source, alerts):
    """One SMS body: the subject line and as many alert lines as fit in SMS_MAX characters."""
    subject, text = render(source, alerts)
    lines = text.splitlines()
    out = lines[0]
    for line in lines[1:]:
        if len(out) + 1 + len(line) > SMS_MAX:
            break
        out += '\n' + line
    return out


def cleared_checks(checks, routes, channel):
    """The checks that are ok now and whose class the routing table pages ``channel`` for: an incident opened by
    an earlier run for them is resolved (PagerDuty accepts a resolve for a key it does not know)."""
    return [c['name'] for c in checks if c.get('ok') and channel in routes.get(c.get('severity'), [])]
