"""Unit tests for plugins/module_utils/findings.py."""

import pytest

from ansible_collections.auraflow.ops.plugins.module_utils.findings import (
    SEVERITIES,
    Finding,
    conclude,
    failing,
    masked_result,
    severity_rank,
    sort_findings,
    summarize,
    verdict,
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


class Ended(Exception):
    """Raised by Module where AnsibleModule would exit the process."""


class Module:
    """Records how a module ended; stands in for AnsibleModule, whose exit_json/fail_json never return."""

    def __init__(self):
        self.ended = None

    def exit_json(self, **result):
        self.ended = ('exit_json', result)
        raise Ended()

    def fail_json(self, **result):
        self.ended = ('fail_json', result)
        raise Ended()


MIXED = [Finding('lo', 'low', 'm'), Finding('hi', 'high', 'm'), Finding('info', 'info', 'm'), Finding('med', 'medium', 'm')]


@pytest.mark.parametrize('fail_on, failed_ids', [
    ('none', []), ('low', ['lo', 'hi', 'med']), ('medium', ['hi', 'med']), ('high', ['hi']), ('critical', []),
])
def test_verdict_applies_fail_on(fail_on, failed_ids):
    judged = verdict(MIXED, fail_on)
    assert [f.id for f in judged.failed] == failed_ids
    assert judged.ok is (not failed_ids)
    assert judged.summary == {'counts': {'info': 1, 'low': 1, 'medium': 1, 'high': 1, 'critical': 0}, 'highest': 'high',
                              'failed': len(failed_ids), 'fail_on': fail_on}
    assert list(judged.summary) == ['counts', 'highest', 'failed', 'fail_on']  # 'ok' is the result's, not the summary's


def test_verdict_none_never_fails_even_on_critical():
    judged = verdict([Finding('x', 'critical', 'm')], 'none')
    assert judged.ok and judged.summary['failed'] == 0 and judged.summary['highest'] == 'critical'
    with pytest.raises(ValueError):
        verdict([], 'urgent')


def test_verdict_line():
    assert verdict(MIXED, 'medium').line('CORS audit of u', '3 probes') == 'CORS audit of u failed: hi (high); med (medium)'
    assert verdict(MIXED, 'critical').line('JWT check', 'config checks ran') == (
        'JWT check: config checks ran, 3 findings above info: lo (low), hi (high), med (medium)')
    assert verdict([Finding('a', 'low', 'm')], 'high').line('S', 'done') == 'S: done, 1 finding above info: a (low)'
    assert verdict([Finding('i', 'info', 'm')], 'high').line('S', 'done') == 'S: done, 0 findings above info'


def test_verdict_result_shape():
    judged = verdict(MIXED[:1], 'high')
    result = judged.result('m', probes=3, token={})
    assert result == {'changed': False, 'ok': True, 'msg': 'm', 'probes': 3, 'token': {}, 'summary': judged.summary,
                      'findings': [{'id': 'lo', 'severity': 'low', 'message': 'm', 'evidence': {}}]}
    assert list(result)[-1] == 'summary'
    judged.summary['ids'] = {'lo': 'low'}  # a module may add to the summary before it exits
    assert judged.result('m')['summary']['ids'] == {'lo': 'low'}


@pytest.mark.parametrize('fail_on, how', [('high', 'fail_json'), ('critical', 'exit_json'), ('none', 'exit_json')])
def test_verdict_exit_fails_only_on_failing_findings(fail_on, how):
    module = Module()
    judged = verdict(MIXED, fail_on)
    with pytest.raises(Ended):
        judged.exit(module, 'the msg', probes=1)
    assert module.ended == (how, judged.result('the msg', probes=1))
    assert module.ended[1]['ok'] is (how == 'exit_json') and module.ended[1]['changed'] is False


@pytest.mark.parametrize('failed, how', [(True, 'fail_json'), (False, 'exit_json')])
def test_conclude(failed, how):
    module = Module()
    with pytest.raises(Ended):
        conclude(module, {'changed': False, 'ok': not failed, 'msg': 'x'}, failed=failed)
    assert module.ended == (how, {'changed': False, 'ok': not failed, 'msg': 'x'})


def test_masked_result_keeps_the_fixed_texts_and_masks_the_values():
    # a secret that is a common word: Ansible's masking would garble the id and the messages
    also = [{'severity': 'high', 'message': 'the JWT secret is short', 'source': 'secret'}]
    result = {
        'changed': False, 'ok': False, 'msg': 'JWT check failed: weak_secret_signature (critical)',
        'findings': [{'id': 'weak_secret_signature', 'severity': 'critical', 'message': 'cracked: the secret is in the wordlist',
                      'evidence': {'alg': 'HS256', 'hint': 'secret', 'also': also}}],
        'config': {'env_file': '/etc/secret/.env', 'length': 6},
        'summary': {'ids': {'weak_secret_signature': 'critical'}, 'failed': 1},
    }
    out = masked_result(result, {'secret', ''})
    finding = out['findings'][0]
    assert finding['id'] == 'weak_secret_signature' and finding['message'] == 'cracked: the secret is in the wordlist'
    assert out['msg'] == result['msg'] and out['summary'] == result['summary'] and out['ok'] is False
    assert finding['evidence']['hint'] == 'VALUE_SPECIFIED_IN_NO_LOG_PARAMETER' and finding['evidence']['alg'] == 'HS256'
    assert finding['evidence']['also'] == [{'severity': 'high', 'message': 'the JWT secret is short', 'source': 'VALUE_SPECIFIED_IN_NO_LOG_PARAMETER'}]
    assert out['config'] == {'env_file': '/etc/********/.env', 'length': 6}
    assert masked_result(result, set()) == result
