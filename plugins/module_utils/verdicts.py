# -*- coding: utf-8 -*-
# Copyright: (c) 2026, auraflow.ops maintainers
# MIT License (see LICENSE)
"""What the judging roles (diagnose, audit) share when they turn answers into checks.

A check is ``{name, ok, severity, detail, seconds}`` (the report role's row); ``failing`` picks the
names of the failed checks at or above a threshold, the way a judging playbook decides to fail.
The answers come from Ansible (registered results, hostvars): every reader here takes a missing key,
``None`` or a non-mapping as "no answer" instead of raising.
"""

from __future__ import annotations

import datetime
import json
import time
from collections.abc import Mapping

from ansible_collections.auraflow.ops.plugins.module_utils.findings import SEVERITIES

ISO = '%Y-%m-%dT%H:%M:%SZ'


def get(mapping, key, default=None):
    """``mapping[key]``, or ``default`` when mapping is no mapping or lacks the key."""
    if isinstance(mapping, Mapping) and key in mapping:
        return mapping[key]
    return default


def dig(mapping, *keys, default=None):
    """``mapping[k1][k2]...``, ``default`` as soon as a level is missing."""
    for key in keys:
        if isinstance(key, int):
            if not isinstance(mapping, (list, tuple)) or len(mapping) <= key:
                return default
            mapping = mapping[key]
        elif isinstance(mapping, Mapping) and key in mapping:
            mapping = mapping[key]
        else:
            return default
    return mapping


def number(value, default=None):
    """``value`` as a float (not a bool), ``default`` when it is none."""
    if isinstance(value, bool):
        return default
    try:
        return float(value)
    except (TypeError, ValueError):
        return default


def is_number(value):
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def to_json(value):
    """As Ansible's to_json writes it (default separators, no key sorting)."""
    return json.dumps(value, default=str)


def utc(epoch, fmt=ISO):
    """Epoch seconds as UTC text."""
    return time.strftime(fmt, time.gmtime(float(epoch)))


def epoch(text, fmt=ISO):
    """UTC text (ISO 8601 with Z) as epoch seconds; None when it is not one."""
    try:
        return datetime.datetime.strptime(str(text), fmt).replace(tzinfo=datetime.timezone.utc).timestamp()
    except ValueError:
        return None


def rank(severity, default=3):
    """Position of ``severity`` in SEVERITIES (``default``, high, for an unknown one)."""
    return SEVERITIES.index(severity) if severity in SEVERITIES else default


def worst(findings, default='high'):
    """The most severe severity of ``findings`` (dicts with ``severity``); ``default`` when there is none."""
    ranks = [rank(get(f, 'severity')) for f in findings]
    return SEVERITIES[max(ranks)] if ranks else default


def check(name, ok, severity, detail, seconds=0):
    return {'name': name, 'ok': bool(ok), 'severity': severity, 'detail': detail, 'seconds': seconds}


def failing(checks, fail_on='high'):
    """Names of the failed ``checks`` whose severity is ``fail_on`` or above, in order; none for ``none``."""
    if fail_on == 'none':
        return []
    if fail_on not in SEVERITIES:
        raise ValueError('fail_on must be one of none, %s; got %r' % (', '.join(SEVERITIES), fail_on))
    least = SEVERITIES.index(fail_on)
    return [get(c, 'name') for c in checks if not get(c, 'ok') and rank(get(c, 'severity'), -1) >= least]


def failed_by_severity(checks):
    """How many checks failed at each severity (every severity present, 0 included)."""
    counts = dict.fromkeys(SEVERITIES, 0)
    for item in checks:
        if not get(item, 'ok') and get(item, 'severity') in counts:
            counts[item['severity']] += 1
    return counts
