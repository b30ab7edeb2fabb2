"""health_gate.running_version: the release a running service answers with (release_ledger health_url,
backend_switch's restart decision)."""
import json

from ansible_collections.auraflow.ops.plugins.module_utils import health_gate as hg


def fetch_of(status, body, error=None):
    return lambda url, timeout: (status, body, error)


def test_the_version_of_a_good_answer():
    assert hg.running_version('u', 3, fetch=fetch_of(200, json.dumps({'status': 'ok', 'version': '1.1.0'}))) == '1.1.0'


def test_an_unhealthy_answer_still_names_what_runs():
    assert hg.running_version('u', 3, fetch=fetch_of(503, json.dumps({'status': 'degraded', 'version': '1.0.0'}))) == '1.0.0'


def test_nothing_answering_is_empty():
    assert hg.running_version('u', 3, fetch=fetch_of(None, '', 'connection refused')) == ''


def test_an_answer_without_a_version_or_not_json_is_empty():
    assert hg.running_version('u', 3, fetch=fetch_of(200, json.dumps({'status': 'ok'}))) == ''
    assert hg.running_version('u', 3, fetch=fetch_of(200, '<html>bad gateway</html>')) == ''
    assert hg.running_version('u', 3, fetch=fetch_of(200, json.dumps([1, 2]))) == ''
