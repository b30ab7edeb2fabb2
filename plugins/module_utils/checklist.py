# -*- coding: utf-8 -*-
# Copyright: (c) 2026, auraflow.ops maintainers
# MIT License (see LICENSE)
"""The runbook's verification checklist (回滚验证清单): the verdicts, from the answers collected.

``judge`` turns what the checklist asked (each backend's /health on its own host, /health through
nginx, login, /api/me, an item created and read back, a short latency/error sample) into one check
per runbook line: ``{name, ok, severity, detail, seconds}``, in a stable order. The names are part of
the reports' contract (``health_backend_<host>``, ``release_backend_<host>``, ``health_nginx``,
``db_connection``, ``user_login``, ``key_function_me``, ``key_function_items``, ``slo_sample``), with
an optional prefix (``after_rollback_``, ``smoke_``). Pure: no I/O, unit-tested.
"""

from __future__ import annotations

import json

CRITICAL = 'critical'
HIGH = 'high'


def _status(answer):
    try:
        return int((answer or {}).get('status', -1))
    except (TypeError, ValueError):
        return -1


def _body(answer):
    body = (answer or {}).get('json')
    return body if isinstance(body, dict) else {}


def _seconds(answer):
    try:
        return round(float((answer or {}).get('seconds') or 0), 3)
    except (TypeError, ValueError):
        return 0


def _http_detail(answer):
    body = _body(answer)
    what = json.dumps(body, sort_keys=True) if body else str((answer or {}).get('error') or '')
    return ('HTTP %s %s' % (_status(answer), what)).strip()


def _check(prefix, name, ok, severity, detail, seconds=0):
    return {'name': prefix + name, 'ok': bool(ok), 'severity': severity, 'detail': detail, 'seconds': seconds}


def backend_checks(release, backends, prefix=''):
    """/health and the release of every backend, asked on its own host.

    ``backends``: ``[{name, status, json, error, seconds}]`` (status -1 when nothing answered)."""
    checks = []
    for answer in backends or []:
        body = _body(answer)
        name = answer.get('name', '?')
        checks.append(_check(prefix, 'health_backend_%s' % name, _status(answer) == 200 and body.get('status') == 'ok',
                             CRITICAL, _http_detail(answer), _seconds(answer)))
        checks.append(_check(prefix, 'release_backend_%s' % name, body.get('version') == release, CRITICAL,
                             'answers %s, expected %s' % (body.get('version') or 'nothing', release)))
    return checks


def _db_check(prefix, backends, nbody):
    """The database (and Redis) as the backends report them on their own /health. nginx's /health carries no db or
    redis for a client outside its monitoring allow-list, so it counts only when no backend told."""
    told = [(answer.get('name', '?'), _body(answer)) for answer in backends or [] if 'db' in _body(answer)]
    if not told and 'db' in nbody:
        told = [('nginx', nbody)]
    states = _unique_states(told)
    ok = bool(told) and all(body.get('db') == 'ok' for dummy, body in told)
    if len(states) <= 1:
        detail = '%s (as the backends report it)' % (states[0] if states else 'db unknown, redis unknown')
    else:
        detail = '; '.join('%s: %s' % (name, _state(body)) for name, body in told)
    return _check(prefix, 'db_connection', ok, CRITICAL, detail)


def _state(body):
    return 'db %s, redis %s' % (body.get('db') or 'unknown', body.get('redis') or 'unknown')


def _unique_states(told):
    states = []
    for dummy, body in told:
        if _state(body) not in states:
            states.append(_state(body))
    return states


def items_of(body):
    """The items of a GET /api/items answer: a list, or ``{"items": [...]}``."""
    if isinstance(body, dict):
        body = body.get('items', [])
    return body if isinstance(body, list) else []


def judge(release, user, backends, nginx, login, me, item, slo, prefix=''):
    """Every check of the checklist, in the runbook's order.

    ``nginx``, ``me``: ``{status, json, error, seconds}``; ``login``: ``{status, token, seconds}``
    (``token`` true when one came back); ``item``: ``{created_status, title, read_json, seconds}``, or
    ``{skipped: reason}`` (check mode writes nothing); ``slo``: ``{ok, requests, p95_ms, error_rate,
    seconds, targets: {p95_ms, max_error_rate}, unreachable}``.
    """
    checks = backend_checks(release, backends, prefix)
    nbody = _body(nginx)
    checks.append(_check(prefix, 'health_nginx', _status(nginx) == 200 and nbody.get('status') == 'ok', CRITICAL,
                         _http_detail(nginx), _seconds(nginx)))
    checks.append(_db_check(prefix, backends, nbody))
    login_status = _status(login)
    checks.append(_check(prefix, 'user_login', login_status == 200 and bool((login or {}).get('token')), CRITICAL,
                         'POST /api/auth/login as %s: HTTP %s' % (user, login_status), _seconds(login)))
    checks.append(_check(prefix, 'key_function_me', _status(me) == 200 and _body(me).get('email') == user, HIGH,
                         'GET /api/me: HTTP %s' % _status(me), _seconds(me)))
    item = item or {}
    if item.get('skipped'):
        checks.append(_check(prefix, 'key_function_items', True, HIGH, 'not written: %s' % item['skipped']))
    else:
        created = _status({'status': item.get('created_status', -1)})
        titles = [entry.get('title') for entry in items_of(item.get('read_json')) if isinstance(entry, dict)]
        found = item.get('title') in titles
        checks.append(_check(prefix, 'key_function_items', created == 201 and found, HIGH,
                             'POST /api/items: HTTP %s, read back: %s' % (created, 'found' if found else 'missing'),
                             _seconds(item)))
    slo = slo or {}
    targets = slo.get('targets') or {}
    if slo.get('unreachable'):
        sample = '%s requests: unreachable (%s)' % (slo.get('requests', 0), slo['unreachable'])
    else:
        sample = '%s requests: p95 %s ms (target %s), errors %s (max %s)' % (
            slo.get('requests', 0), '-' if slo.get('p95_ms') is None else slo['p95_ms'], targets.get('p95_ms', '-'),
            '-' if slo.get('error_rate') is None else slo['error_rate'], targets.get('max_error_rate', '-'))
    checks.append(_check(prefix, 'slo_sample', slo.get('ok', False), HIGH, sample, _seconds(slo)))
    return checks


def failed_names(checks):
    """Names of the checks that did not pass, in order."""
    return [check['name'] for check in checks if not check['ok']]
