# -*- coding: utf-8 -*-
# Copyright: (c) 2026, auraflow.ops maintainers
# MIT License (see LICENSE)
"""What the slo role measured, in the shapes ``auraflow.ops.alert_route`` takes.

``host_usage``: one host's disk (% used of /, as df counts it: used / (used + available)) and memory
(% used: MemTotal - MemAvailable) from its ``df -P -B1 /`` and ``/proc/meminfo`` (slurp) answers:
``{name, disk_percent, memory_percent}`` or ``{name, error}``.
``measurements``: everything gathered, ``{health, slo, ai_status, hosts}`` plus a per-backend summary
(``backends``) for the report. A host that never got as far as a measurement still appears, as not measured.
"""

from __future__ import annotations

import base64
import re

from ansible_collections.auraflow.ops.plugins.module_utils.verdicts import get

NOT_MEASURED = {'msg': 'not measured'}


def host_usage(name, df, meminfo):
    if get(df, 'unreachable', False) or get(meminfo, 'unreachable', False):
        return {'name': name, 'error': 'unreachable: %s' % get(df, 'msg', get(meminfo, 'msg', ''))}
    lines = get(df, 'stdout_lines') or []
    content = get(meminfo, 'content')
    if get(df, 'rc', 1) != 0 or content is None or not lines:
        why = str(get(df, 'stderr', get(df, 'msg', ''))).strip()
        return {'name': name, 'error': 'df: %s; /proc/meminfo: %s' % (why, get(meminfo, 'msg', 'read'))}
    try:
        cols = lines[-1].split()
        used, avail = int(cols[2]), int(cols[3])
        mem = base64.b64decode(content).decode('utf-8', 'replace')
        total = int(re.search(r'MemTotal:\s+(\d+)', mem).group(1))
        available = int(re.search(r'MemAvailable:\s+(\d+)', mem).group(1))
    except (IndexError, ValueError, AttributeError, TypeError) as exc:
        return {'name': name, 'error': 'cannot read df or /proc/meminfo: %s' % exc}
    return {'name': name, 'disk_percent': round(100.0 * used / max(used + avail, 1), 2),
            'memory_percent': round(100.0 * (total - available) / max(total, 1), 2)}


def _answer(name, scope, result):
    out = {'name': name, 'status': get(result, 'status', -1), 'body': get(result, 'json', {}), 'msg': get(result, 'msg', ''),
           'seconds': get(result, 'elapsed', 0)}
    if scope:
        out['scope'] = scope
    return out


def measurements(nginx_health, public_load, backends, hosts):
    """``backends``: app host -> ``{health, ai, load}`` (uri and slo_check results); ``hosts``: host -> its host_usage (or None)."""
    out = {'health': [dict(_answer('nginx', 'public', nginx_health or {}))], 'slo': [], 'ai_status': [], 'hosts': [], 'backends': {}}
    out['slo'].append({'name': 'nginx', 'scope': 'public', 'result': public_load or dict(NOT_MEASURED)})
    for app, answers in backends.items():
        out['health'].append(_answer(app, 'backend', get(answers, 'health') or dict(NOT_MEASURED)))
        out['ai_status'].append(_answer(app, None, get(answers, 'ai') or dict(NOT_MEASURED)))
        load = get(answers, 'load') or dict(NOT_MEASURED)
        out['slo'].append({'name': app, 'scope': 'backend', 'result': load})
        out['backends'][app] = {'requests': get(load, 'requests', 0), 'rps': get(load, 'rps'), 'error_rate': get(load, 'error_rate'),
                                'latency_ms': get(load, 'latency_ms', {}), 'server': get(load, 'server', {}), 'msg': get(load, 'msg', '')}
    for host, usage in hosts.items():
        out['hosts'].append(usage or {'name': host, 'error': 'not measured'})
    return out
