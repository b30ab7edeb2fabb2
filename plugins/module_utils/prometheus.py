# -*- coding: utf-8 -*-
# Copyright: (c) 2026, auraflow.ops maintainers
# MIT License (see LICENSE)
"""Prometheus text exposition (format 0.0.4): parsing, counter deltas, histogram quantiles.

Pure functions used by ``slo_check`` to read a service's own view of a load run from two scrapes
(before and after): the requests and errors it counted and the quantiles of its latency
histogram over the run (``histogram_quantile`` as Prometheus computes it: linear interpolation
inside the bucket, the highest finite bound when the quantile falls in the +Inf bucket).
"""

from __future__ import annotations

import math
import re

REQUESTS_METRIC = 'http_requests_total'
DURATION_METRIC = 'http_request_duration_seconds'

_NAME = re.compile(r'[a-zA-Z_:][a-zA-Z0-9_:]*')
_LABEL = re.compile(r'\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*=\s*"((?:[^"\\]|\\.)*)"\s*(,|\})')
_ESCAPES = {'\\\\': '\\', '\\"': '"', '\\n': '\n'}


class MetricsError(ValueError):
    """Text that is not the Prometheus exposition format."""


def _value(text, lineno):
    text = text.strip()
    special = {'+inf': math.inf, 'inf': math.inf, '-inf': -math.inf, 'nan': math.nan}
    if text.lower() in special:
        return special[text.lower()]
    try:
        return float(text)
    except ValueError:
        raise MetricsError('line %d: %r is not a sample value' % (lineno, text)) from None


def parse(text):
    """Samples in ``text`` as ``[(name, {label: value}, float)]``, in order. Comments are skipped;
    a timestamp after the value is ignored."""
    samples = []
    for lineno, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith('#'):
            continue
        match = _NAME.match(line)
        if not match:
            raise MetricsError('line %d: no metric name in %r' % (lineno, raw))
        name = match.group(0)
        rest = line[match.end():]
        labels = {}
        if rest.startswith('{'):
            pos = 1
            if rest[1:].lstrip().startswith('}'):
                pos = rest.index('}') + 1
            else:
                while True:
                    label = _LABEL.match(rest, pos)
                    if not label:
                        raise MetricsError('line %d: bad labels in %r' % (lineno, raw))
                    labels[label.group(1)] = re.sub(r'\\[\\"n]', lambda m: _ESCAPES[m.group(0)], label.group(2))
                    pos = label.end()
                    if label.group(3) == '}':
                        break
                    if rest[pos:].lstrip().startswith('}'):  # trailing comma
                        pos = rest.index('}', pos) + 1
                        break
            rest = rest[pos:]
        if not rest[:1].isspace():
            raise MetricsError('line %d: no value in %r' % (lineno, raw))
        fields = rest.split()
        if not fields or len(fields) > 2:
            raise MetricsError('line %d: expected a value and an optional timestamp in %r' % (lineno, raw))
        samples.append((name, labels, _value(fields[0], lineno)))
    return samples


def _matches(labels, match):
    return all(labels.get(key) == value for key, value in (match or {}).items())


def series(samples, name, match=None):
    """``{frozenset(labels): value}`` of metric ``name`` whose labels include ``match``."""
    return {frozenset(labels.items()): value for n, labels, value in samples if n == name and _matches(labels, match)}


def counter_delta(before, after):
    """Per-series increase from ``before`` to ``after`` (both from ``series``); a series that went
    down was reset, so its whole ``after`` value is the increase; a new series counts from 0."""
    out = {}
    for key, value in after.items():
        old = before.get(key, 0.0)
        out[key] = value - old if value >= old else value
    return out


def status_is_error(status):
    """A ``status`` label that means 4xx/5xx (``500``, ``5xx``, ``404``)."""
    status = str(status).strip().lower()
    return len(status) == 3 and status[0] in '45' and (status[1:].isdigit() or status[1:] == 'xx')


def histogram_buckets(samples, name, match=None):
    """Cumulative buckets ``[(upper_bound, count)]`` of histogram ``name`` summed over its series."""
    totals = {}
    for n, labels, value in samples:
        if n != name + '_bucket' or not _matches(labels, match) or 'le' not in labels:
            continue
        bound = _value(labels['le'], 0)
        totals[bound] = totals.get(bound, 0.0) + value
    return sorted(totals.items())


def bucket_delta(before, after):
    """``after - before`` per bound (cumulative buckets); a reset (any bucket down) uses ``after``."""
    old = dict(before)
    if any(count < old.get(bound, 0.0) for bound, count in after):
        return list(after)
    return [(bound, count - old.get(bound, 0.0)) for bound, count in after]


def histogram_quantile(q, buckets):
    """Prometheus' ``histogram_quantile``: ``q`` (0..1) of cumulative ``buckets`` [(le, count)].

    None when there are no observations. Linear interpolation inside the bucket the rank falls in,
    from 0 (or the previous bound) to its upper bound; the highest finite bound when it falls in
    the +Inf bucket.
    """
    if not 0 <= q <= 1:
        raise ValueError('quantile must be between 0 and 1, got %r' % (q,))
    buckets = sorted(buckets)
    if not buckets or buckets[-1][0] != math.inf:
        return None
    total = buckets[-1][1]
    if total <= 0:
        return None
    rank = q * total
    finite = len(buckets) - 1
    index = next((i for i in range(finite) if buckets[i][1] >= rank), finite)
    if index == finite:
        return buckets[-2][0] if finite else None
    bound, count = buckets[index]
    if index == 0 and bound <= 0:
        return bound
    start = 0.0
    if index > 0:
        start = buckets[index - 1][0]
        count -= buckets[index - 1][1]
        rank -= buckets[index - 1][1]
    if count <= 0:
        return start
    return start + (bound - start) * rank / count


def server_view(before_text, after_text, route=None, method=None, quantiles=(0.5, 0.9, 0.95, 0.99)):
    """What the service counted between two scrapes.

    Restricted to the series labelled ``route`` (and ``method``) when the scrapes have such series,
    else over every series (``scope`` says which). Returns ``requests``, ``errors``, ``error_rate``,
    ``status_codes`` (status label -> increase) and ``latency_ms`` (``p50`` ... from the duration
    histogram, None without observations).
    """
    before, after = parse(before_text), parse(after_text)
    match = {}
    if route is not None and any(labels.get('route') == route for n, labels, dummy in after if n == REQUESTS_METRIC):
        match['route'] = route
        if method is not None and any(labels.get('route') == route and labels.get('method') == method
                                      for n, labels, dummy in after if n == REQUESTS_METRIC):
            match['method'] = method
    deltas = counter_delta(series(before, REQUESTS_METRIC, match), series(after, REQUESTS_METRIC, match))
    codes = {}
    for key, value in deltas.items():
        status = dict(key).get('status', 'unknown')
        codes[status] = codes.get(status, 0) + int(round(value))
    requests = sum(codes.values())
    errors = sum(count for status, count in codes.items() if status_is_error(status))
    buckets = bucket_delta(histogram_buckets(before, DURATION_METRIC, match), histogram_buckets(after, DURATION_METRIC, match))
    latency = {}
    for q in quantiles:
        value = histogram_quantile(q, buckets)
        latency['p%g' % (q * 100)] = None if value is None else round(value * 1000.0, 3)
    return {
        'scope': ', '.join('%s=%s' % item for item in sorted(match.items())) or 'all series',
        'requests': requests,
        'errors': errors,
        'error_rate': float(errors) / requests if requests else 0.0,
        'status_codes': {status: codes[status] for status in sorted(codes) if codes[status]},
        'latency_ms': latency,
        'histogram_observations': int(buckets[-1][1]) if buckets else 0,
    }
