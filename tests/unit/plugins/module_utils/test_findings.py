"""Unit tests for plugins/module_utils/findings.py."""

import pytest

from ansible_collections.auraflow.ops.plugins.module_utils.findings import (
    SEVERITIES,
    Finding,
    failing,
    severity_rank,
    sort_findings,
    summarize,
)


def test_order_is_lowest_first():
    assert [severity_rank(s) for s in SEVERITIES] == list(range(len(SEVERITIES)))
    assert severity_rank('critical') > severity_rank('high') > severity_rank('info')


def test_unknown_severity_rejected():
    with pytest.raises(ValueError, match='unknown severity'):
        Finding('x', 'urgent', 'm')
    with pytest.raises(ValueError):
        failing([], fail_on='bad')


def test_threshold_and_summary():
    found = [Finding('a', 'low', 'm'), Finding('b', 'high', 'm', {'k': 1}), Finding('c', 'medium', 'm')]
    assert [f.id for f in failing(found, 'medium')] == ['b', 'c']
    assert failing(found, 'critical') == []
    summary = summarize(found, fail_on='high')
    assert summary['ok'] is False and summary['failed'] == 1 and summary['highest'] == 'high'
    assert summary['counts'] == {'info': 0, 'low': 1, 'medium': 1, 'high': 1, 'critical': 0}
    assert summarize(found, fail_on='critical')['ok'] is True


def test_empty_passes():
    assert summarize([]) == {'counts': dict.fromkeys(SEVERITIES, 0), 'highest': None, 'failed': 0,
                             'fail_on': 'high', 'ok': True}


def test_stable_order_and_dict():
    found = [Finding('z', 'low', 'm'), Finding('b', 'critical', 'm'), Finding('a', 'low', 'm')]
    assert [f.id for f in sort_findings(found)] == ['b', 'a', 'z']
    assert found[1].as_dict() == {'id': 'b', 'severity': 'critical', 'message': 'm', 'evidence': {}}
