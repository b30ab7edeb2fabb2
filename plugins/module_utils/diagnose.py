# -*- coding: utf-8 -*-
# Copyright: (c) 2026, auraflow.ops maintainers
# MIT License (see LICENSE)
"""Pure logic of playbooks/diagnose.yml: the backend's JSON log over a time window, the .env key check.

The backend writes one JSON object per line (``{"time", "level", "msg", ...}``); access lines have
``msg == "request"`` with ``method``, ``path``, ``status``, ``responseTime`` (ms) and, when a user was
authenticated, ``userId``. This replaces the runbook's grep/awk recipes (慢请求, 统计请求类型, 查找错误日志)
with a parser that reads the fields instead of matching text.
"""

from __future__ import annotations

import datetime
import json
import re

from ansible_collections.auraflow.ops.plugins.module_utils.findings import Finding

# .env names whose value is a secret or carries one: never returned, whatever the caller asks.
SECRET_NAME = re.compile(r'SECRET|PASSWORD|PASSWD|TOKEN|KEY|DSN|_URL$|^DATABASE_URL$|CREDENTIAL', re.IGNORECASE)


def parse_time(value):
    """ISO 8601 (``2026-11-29T11:12:30.849Z``) -> epoch seconds; None when it is not one."""
    if not isinstance(value, str) or not value:
        return None
    text = value.strip()
    if text.endswith('Z'):
        text = text[:-1] + '+00:00'
    try:
        stamp = datetime.datetime.fromisoformat(text)
    except ValueError:
        return None
    if stamp.tzinfo is None:
        stamp = stamp.replace(tzinfo=datetime.timezone.utc)
    return stamp.timestamp()


def parse_lines(lines):
    """JSON objects of ``lines`` (bytes or str) with their epoch ``_t``; counts what was skipped."""
    entries, skipped = [], 0
    for line in lines:
        if isinstance(line, bytes):
            line = line.decode('utf-8', 'replace')
        line = line.strip()
        if not line:
            continue
        try:
            entry = json.loads(line)
        except ValueError:
            skipped += 1
            continue
        if not isinstance(entry, dict):
            skipped += 1
            continue
        stamp = parse_time(entry.get('time'))
        if stamp is None:
            skipped += 1
            continue
        entry['_t'] = stamp
        entries.append(entry)
    return entries, skipped


def _number(value, default=None):
    try:
        return float(value)
    except (TypeError, ValueError):
        return default


def _request(entry):
    return entry.get('msg') == 'request' and _number(entry.get('status')) is not None


def analyze(entries, since, until, slow_ms=500.0, top=5):
    """Statistics of the entries with ``since <= time <= until``.

    Returns ``requests``, ``errors_5xx`` (status >= 500), ``client_errors`` (4xx), ``error_rate``
    (5xx / requests, 0 without requests), ``slow`` (count over ``slow_ms``), ``slowest`` (the ``top``
    slowest requests over ``slow_ms``, slowest first), ``by_route`` (``"METHOD /path"`` -> status -> count),
    ``by_status``, ``top_error_users`` (``userId`` -> 5xx count, most first, ``top`` of them; requests
    without a user are counted under ``anonymous``), ``error_entries`` (lines with level ``error`` that
    are not access lines) and ``last_errors`` (the last ``top`` of them and of the 5xx requests).
    """
    result = {'requests': 0, 'errors_5xx': 0, 'client_errors': 0, 'slow': 0, 'by_route': {}, 'by_status': {},
              'error_entries': 0}
    slowest, users, errors = [], {}, []
    for entry in entries:
        stamp = entry.get('_t')
        if stamp is None or stamp < since or stamp > until:
            continue
        if not _request(entry):
            if entry.get('level') == 'error':
                result['error_entries'] += 1
                errors.append(entry)
            continue
        status = int(_number(entry.get('status')))
        result['requests'] += 1
        route = '%s %s' % (entry.get('method', '?'), entry.get('path', '?'))
        per_route = result['by_route'].setdefault(route, {})
        per_route[str(status)] = per_route.get(str(status), 0) + 1
        result['by_status'][str(status)] = result['by_status'].get(str(status), 0) + 1
        if status >= 500:
            result['errors_5xx'] += 1
            user = str(entry['userId']) if entry.get('userId') is not None else 'anonymous'
            users[user] = users.get(user, 0) + 1
            errors.append(entry)
        elif status >= 400:
            result['client_errors'] += 1
        elapsed = _number(entry.get('responseTime'), 0.0)
        if elapsed > slow_ms:
            result['slow'] += 1
            slowest.append(entry)
    slowest.sort(key=lambda e: (-_number(e.get('responseTime'), 0.0), e['_t']))
    result['slowest'] = [_brief(e) for e in slowest[:top]]
    result['error_rate'] = round(result['errors_5xx'] / result['requests'], 6) if result['requests'] else 0.0
    result['top_error_users'] = [{'userId': user, 'errors': count}
                                 for user, count in sorted(users.items(), key=lambda kv: (-kv[1], kv[0]))[:top]]
    errors.sort(key=lambda e: e['_t'])
    result['last_errors'] = [_brief(e) for e in errors[-top:]] if top else []
    return result


def _brief(entry):
    keep = ('time', 'level', 'msg', 'method', 'path', 'status', 'responseTime', 'userId', 'error')
    out = {key: entry[key] for key in keep if key in entry}
    if isinstance(out.get('error'), str):
        out['error'] = out['error'].splitlines()[0][:300] if out['error'] else ''
    return out


def parse_env(text):
    """``KEY=value`` lines of a .env file -> dict (comments, blanks and ``export`` prefixes handled, quotes stripped)."""
    values = {}
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith('#'):
            continue
        if line.startswith('export '):
            line = line[len('export '):].lstrip()
        key, sep, value = line.partition('=')
        key = key.strip()
        if not sep or not re.match(r'^[A-Za-z_][A-Za-z0-9_]*$', key):
            continue
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in '"\'':
            value = value[1:-1]
        values[key] = value
    return values


def check_env(text, required, show=()):
    """Which ``required`` keys are missing or empty in the .env ``text``, and the values of ``show``.

    Values are returned only for names in ``show`` that do not look secret (SECRET_NAME); asking for a
    secret one raises ValueError, so a caller cannot leak one by mistake.
    """
    for name in show:
        if SECRET_NAME.search(name):
            raise ValueError('refusing to return the value of %s: the name looks like a secret' % name)
    values = parse_env(text)
    missing = [key for key in required if key not in values]
    empty = [key for key in required if key in values and values[key] == '']
    return {
        'names': sorted(values),
        'missing': missing,
        'empty': empty,
        'shown': {name: values[name] for name in show if name in values},
    }


def origins(text):
    """A comma-separated origin list (CORS_ORIGIN) -> its origins, without trailing slashes."""
    return [item.strip().rstrip('/') for item in (text or '').split(',') if item.strip()]


def log_findings(stats, errors, error_rate_max=0.01, min_requests=20, slow_ms=500.0):
    """Findings of a log window: ``logs.error_rate`` (P1, high, over ``error_rate_max`` with at least
    ``min_requests`` requests), ``logs.slow_requests`` (medium when a request took over ``slow_ms``) and
    ``backend.error_log`` (medium when error.log has lines in the window). ``errors`` is analyze() of error.log."""
    out = []
    rate, requests = stats['error_rate'], stats['requests']
    users = ', '.join('%s (%d)' % (u['userId'], u['errors']) for u in stats['top_error_users']) or 'none'
    if requests >= min_requests and rate > error_rate_max:
        out.append(Finding('logs.error_rate', 'high',
                           'error rate %.2f%% over %d requests (max %.2f%%); 5xx by user: %s'
                           % (rate * 100, requests, error_rate_max * 100, users),
                           {'error_rate': rate, 'requests': requests, 'errors_5xx': stats['errors_5xx']}))
    else:
        out.append(Finding('logs.error_rate', 'info', 'error rate %.2f%% over %d requests (max %.2f%%%s)' % (
            rate * 100, requests, error_rate_max * 100,
            '' if requests >= min_requests else ', judged from %d requests' % min_requests),
            {'error_rate': rate, 'requests': requests, 'errors_5xx': stats['errors_5xx']}))
    if stats['slow']:
        worst = ', '.join('%s %s %sms' % (s.get('method'), s.get('path'), s.get('responseTime')) for s in stats['slowest'][:3])
        out.append(Finding('logs.slow_requests', 'medium', '%d request%s over %gms; slowest: %s'
                           % (stats['slow'], '' if stats['slow'] == 1 else 's', slow_ms, worst), {'slow': stats['slow']}))
    else:
        out.append(Finding('logs.slow_requests', 'info', 'no request over %gms' % slow_ms, {'slow': 0}))
    count = errors['requests'] + errors['error_entries']
    if count:
        last = errors['last_errors'][-1] if errors['last_errors'] else {}
        what = last.get('error') or ('%s %s %s' % (last.get('method'), last.get('path'), last.get('status')))
        out.append(Finding('backend.error_log', 'medium', '%d error.log line%s in the window; last: %s %s'
                           % (count, '' if count == 1 else 's', last.get('time', '?'), what), {'lines': count}))
    else:
        out.append(Finding('backend.error_log', 'info', 'no error.log line in the window', {'lines': 0}))
    return out
