# -*- coding: utf-8 -*-
# Copyright: (c) 2026, auraflow.ops maintainers
# MIT License (see LICENSE)
"""Findings: what a check module reports, in one shape for AWX, ``when:`` and the reports.

A finding has a stable ``id`` (part of the module's contract), a ``severity`` from
``SEVERITIES`` (lowest first), a human ``message`` and optional ``evidence`` (a dict).
``fail_on`` is the lowest severity that makes a result fail.
"""

from __future__ import annotations

from ansible.module_utils.common.parameters import remove_values

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


def listing(findings, sep=', '):
    """``id (severity)`` of each finding, joined: the way a check's ``msg`` names its findings."""
    return sep.join('%s (%s)' % (f.id, f.severity) for f in findings)


class Verdict:
    """The judgement of a check's findings under ``fail_on``, and the result the module returns.

    ``fail_on`` is a severity or ``none`` (never fails; the counts are still reported).
    ``failed``: the findings at or above ``fail_on``. ``summary``: counts per severity, the
    highest severity, ``failed`` (how many fail) and ``fail_on`` - the verdict itself is the
    result's top-level ``ok``. A module may add keys to ``summary`` before it exits.
    """

    def __init__(self, findings, fail_on='high'):
        self.findings = list(findings)
        self.fail_on = fail_on
        self.failed = [] if fail_on == 'none' else failing(self.findings, fail_on)
        self.summary = summarize(self.findings, 'critical' if fail_on == 'none' else fail_on)
        del self.summary['ok']
        self.summary['failed'] = len(self.failed)
        self.summary['fail_on'] = fail_on

    @property
    def ok(self):
        return not self.failed

    def line(self, subject, done):
        """The one-line ``msg``: ``<subject> failed: id (sev); ...`` or
        ``<subject>: <done>, N findings above info[: id (sev), ...]``."""
        if self.failed:
            return '%s failed: %s' % (subject, listing(self.failed, '; '))
        above_info = [f for f in self.findings if f.severity != 'info']
        return '%s: %s, %d finding%s above info%s' % (
            subject, done, len(above_info), '' if len(above_info) == 1 else 's',
            (': ' + listing(above_info)) if above_info else '')

    def result(self, msg, **extra):
        """A read-only check's result: changed (false), ok, msg, findings, the ``extra`` keys, summary."""
        result = dict(changed=False, ok=self.ok, msg=msg, findings=[f.as_dict() for f in self.findings])
        result.update(extra)
        result['summary'] = self.summary
        return result

    def exit(self, module, msg, **extra):
        """End the module with ``result(msg, **extra)``: fail_json when a finding fails, else exit_json."""
        conclude(module, self.result(msg, **extra), failed=not self.ok)

    def exit_masked(self, module, msg, **extra):
        """``exit``, with the module's no_log values masked by ``masked_result`` (finding ids and messages intact)."""
        result = masked_result(self.result(msg, **extra), module.no_log_values)
        result['invocation'] = {'module_args': remove_values(module.params, module.no_log_values)}
        # masked already: Ansible's own pass over the result would mask a common-word secret inside the fixed texts
        module.no_log_values.clear()
        conclude(module, result, failed=not self.ok)


def verdict(findings, fail_on='high'):
    """``Verdict(findings, fail_on)``."""
    return Verdict(findings, fail_on)


def conclude(module, result, failed):
    """The last step of every check module: fail_json(**result) when ``failed``, else exit_json(**result)."""
    if failed:
        module.fail_json(**result)
    module.exit_json(**result)


def masked_result(result, values):
    """``result`` with every occurrence of the sensitive ``values`` masked as Ansible's no_log does - except the texts
    a check writes from fixed templates and never fills with a secret: ``msg``, ``summary`` and each finding's ``id``,
    ``severity`` and ``message`` (with the messages of findings merged into its ``also`` evidence).

    Ansible masks every occurrence of a no_log value, also inside words: a secret that is a common word (``secret``)
    turned ``weak_secret_signature`` into ``weak_********_signature``, an id no ``fail_on``, ``when:`` or AWX rule
    matches. The secret itself stays masked wherever a value could carry it (evidence, facts, the invocation).
    """
    values = set(v for v in values if v)
    if not values:
        return dict(result)
    out = {}
    for key, value in result.items():
        if key in ('msg', 'summary') or isinstance(value, bool) or value is None:
            out[key] = value
        elif key == 'findings':
            out[key] = [_masked_finding(finding, values) for finding in value]
        else:
            out[key] = remove_values(value, values)
    return out


def _masked_finding(finding, values):
    evidence = dict(finding.get('evidence') or {})
    also = evidence.pop('also', None)
    kept = dict((k, finding[k]) for k in ('id', 'severity', 'message') if k in finding)
    kept['evidence'] = remove_values(evidence, values)
    if also is not None:
        kept['evidence']['also'] = [dict(item, **remove_values(dict((k, v) for k, v in item.items() if k not in ('message', 'severity')),
                                                               values)) for item in also]
    return kept
