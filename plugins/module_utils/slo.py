# -*- coding: utf-8 -*-
# Copyright: (c) 2026, auraflow.ops maintainers
# MIT License (see LICENSE)
"""Service-level objectives: exact percentiles, error counting and objective evaluation.

Pure functions used by ``slo_check``:

* ``percentile(sorted_values, p)`` is the nearest-rank percentile: the smallest recorded value
  with at least ``p`` % of the values at or below it (always a real sample, no interpolation).
* A request is an error when it could not connect, timed out, broke off, or was answered with a
  status >= 400 (the runbook counts 4xx and 5xx). ``availability = 1 - error_rate``.
* Objectives are inclusive limits: ``p95_ms: 200`` holds while p95 <= 200 ms,
  ``max_error_rate: 0.001`` while error_rate <= 0.001, ``min_availability`` and ``min_rps``
  while the measured value is >= the target. A latency objective with no samples is breached.
"""

from __future__ import annotations

import math

# objective name -> (kind, what it limits)
OBJECTIVES = {
    'p50_ms': ('max', 'latency_p50'),
    'p95_ms': ('max', 'latency_p95'),
    'p99_ms': ('max', 'latency_p99'),
    'max_error_rate': ('max', 'error_rate'),
    'min_availability': ('min', 'availability'),
    'min_rps': ('min', 'rps'),
}
FRACTIONS = ('max_error_rate', 'min_availability')
LATENCY_KEYS = ('min', 'mean', 'p50', 'p90', 'p95', 'p99', 'max')
ERROR_KINDS = ('connect', 'timeout', 'protocol', 'http')


class ObjectiveError(ValueError):
    """Objectives that cannot be evaluated (unknown name, not a number, out of range)."""


def percentile(sorted_values, p):
    """Nearest-rank ``p``-th percentile (0 < p <= 100) of an ascending sequence; None when empty."""
    if not 0 < p <= 100:
        raise ValueError('percentile must be in (0, 100], got %r' % (p,))
    count = len(sorted_values)
    if not count:
        return None
    rank = int(math.ceil(p / 100.0 * count - 1e-9))
    return sorted_values[min(count, max(1, rank)) - 1]


def latency_summary(samples, digits=3):
    """``min``, ``mean``, ``p50``, ``p90``, ``p95``, ``p99``, ``max`` of ``samples`` (ms), exact; Nones when empty."""
    values = sorted(samples)
    if not values:
        return dict.fromkeys(LATENCY_KEYS)
    out = {
        'min': values[0],
        'mean': math.fsum(values) / len(values),
        'p50': percentile(values, 50),
        'p90': percentile(values, 90),
        'p95': percentile(values, 95),
        'p99': percentile(values, 99),
        'max': values[-1],
    }
    return {key: round(value, digits) for key, value in out.items()}


def is_error_status(status):
    """The runbook's rule: a 4xx or 5xx answer is an error."""
    return status >= 400


def count_errors(status_codes, failures=None):
    """Errors among answered requests (``status_codes``: status -> count) plus ``failures``
    (kind -> count of requests that got no answer: connect, timeout, protocol)."""
    answered = sum(count for status, count in status_codes.items() if is_error_status(int(status)))
    return answered + sum((failures or {}).values())


def error_rate(errors, requests):
    """Fraction of requests that failed; 0.0 for no requests."""
    return float(errors) / requests if requests else 0.0


def validate_objectives(objectives):
    """Return ``objectives`` with float targets (None values dropped); ObjectiveError when invalid."""
    if objectives is None:
        return {}
    if not isinstance(objectives, dict):
        raise ObjectiveError('objectives must be a dictionary, got %s' % type(objectives).__name__)
    unknown = sorted(set(objectives) - set(OBJECTIVES))
    if unknown:
        raise ObjectiveError('unknown objective%s: %s (known: %s)' % (
            's' if len(unknown) > 1 else '', ', '.join(unknown), ', '.join(sorted(OBJECTIVES))))
    out = {}
    for name, target in objectives.items():
        if target is None:
            continue
        if isinstance(target, bool):
            raise ObjectiveError('objective %s must be a number, got a boolean' % name)
        try:
            value = float(target)
        except (TypeError, ValueError):
            raise ObjectiveError('objective %s must be a number, got %r' % (name, target)) from None
        if math.isnan(value) or value < 0:
            raise ObjectiveError('objective %s must be a non-negative number, got %r' % (name, target))
        if name in FRACTIONS and value > 1:
            raise ObjectiveError('objective %s is a fraction between 0 and 1 (0.001 = 0.1 %%), got %r' % (name, target))
        out[name] = value
    return out


def measured_values(latency_ms, err_rate, rps):
    """The values objectives are compared with, by what they limit."""
    return {
        'latency_p50': latency_ms.get('p50'),
        'latency_p95': latency_ms.get('p95'),
        'latency_p99': latency_ms.get('p99'),
        'error_rate': err_rate,
        'availability': None if err_rate is None else 1.0 - err_rate,
        'rps': rps,
    }


def evaluate(objectives, measured):
    """Breaches of ``objectives`` (validated) against ``measured`` (see ``measured_values``).

    Returns ``[{objective, target, actual}]`` in the order of OBJECTIVES; a missing measurement
    (``None``, e.g. no latency sample because nothing answered) is a breach.
    """
    breaches = []
    for name, (kind, key) in OBJECTIVES.items():
        if name not in objectives:
            continue
        target = objectives[name]
        actual = measured.get(key)
        if actual is None:
            held = False
        elif kind == 'max':
            held = actual <= target
        else:
            held = actual >= target
        if not held:
            breaches.append({'objective': name, 'target': target, 'actual': actual})
    return breaches


def describe_breach(breach):
    """One line for a breach, e.g. ``p95_ms: 312.5 > 200``."""
    kind = OBJECTIVES[breach['objective']][0]
    actual = breach['actual']
    if actual is None:
        return '%s: no measurement (target %s)' % (breach['objective'], _num(breach['target']))
    return '%s: %s %s %s' % (breach['objective'], _num(actual), '>' if kind == 'max' else '<', _num(breach['target']))


def _num(value):
    return ('%.6g' % value) if isinstance(value, float) else str(value)
