# -*- coding: utf-8 -*-
# Copyright: (c) 2026, auraflow.ops maintainers
# MIT License (see LICENSE)
"""Findings: what a check module reports, in one shape for AWX, ``when:`` and the reports.

A finding has a stable ``id`` (part of the module's contract), a ``severity`` from
``SEVERITIES`` (lowest first), a human ``message`` and optional ``evidence`` (a dict).
``fail_on`` is the lowest severity that makes a result fail.
"""

from __future__ import annotations

SEVERITIES = ('info', 'low', 'medium', 'high', 'critical')
_RANK = {name: rank for rank, name in enumerate(SEVERITIES)}


def severity_rank(severity):
    """Position of ``severity`` in SEVERITIES; ValueError for an unknown name."""
    try:
        return _RANK[severity]
    except KeyError:
        raise ValueError('unknown severity %r (one of: %s)' % (severity, ', '.join(SEVERITIES))) from None


class Finding:
    """One observation of a check."""

    __slots__ = ('id', 'severity', 'message', 'evidence')

    def __init__(self, finding_id, severity, message, evidence=None):
        severity_rank(severity)
        self.id = finding_id
        self.severity = severity
        self.message = message
        self.evidence = dict(evidence or {})

    def as_dict(self):
        return {'id': self.id, 'severity': self.severity, 'message': self.message, 'evidence': self.evidence}

    def __repr__(self):
        return 'Finding(%r, %r, %r)' % (self.id, self.severity, self.message)


def failing(findings, fail_on='high'):
    """The findings at or above ``fail_on``."""
    threshold = severity_rank(fail_on)
    return [f for f in findings if severity_rank(f.severity) >= threshold]


def summarize(findings, fail_on='high'):
    """Counts per severity, the highest severity seen, and whether the result passes."""
    counts = {name: 0 for name in SEVERITIES}
    for finding in findings:
        counts[finding.severity] += 1
    highest = max((f.severity for f in findings), key=severity_rank, default=None)
    return {
        'counts': counts,
        'highest': highest,
        'failed': len(failing(findings, fail_on)),
        'fail_on': fail_on,
        'ok': not failing(findings, fail_on),
    }


def sort_findings(findings):
    """Most severe first, then by id, so output is stable across runs."""
    return sorted(findings, key=lambda f: (-severity_rank(f.severity), f.id))
