from ansible_collections.auraflow.ops.plugins.module_utils.browser import judge

URL = 'https://127.0.0.1:8443/'
GOOD = {'status': 200, 'failed_requests': [], 'rendered_version': '1.1.0', 'login_attempted': True,
        'signed_in_as': 'demo@aura-flow.local', 'seconds': {'load': 0.2, 'version': 0.1, 'login': 0.3}}


def by_id(checks):
    return {c['id']: c for c in checks}


def test_all_good():
    checks = judge(GOOD, URL, '1.1.0', 'Demo@aura-flow.local')
    assert [c['id'] for c in checks] == ['page_loaded', 'assets_loaded', 'backend_version', 'login']
    assert all(c['ok'] for c in checks)
    assert by_id(checks)['login']['seconds'] == 0.3


def test_no_login_when_not_attempted():
    checks = judge(dict(GOOD, login_attempted=False), URL)
    assert 'login' not in by_id(checks)


def test_page_not_loaded_fails_everything_with_reason():
    checks = by_id(judge({'error': 'net::ERR_CONNECTION_REFUSED', 'login_attempted': True}, URL, '1.1.0', 'a@b'))
    assert not checks['page_loaded']['ok']
    assert 'ERR_CONNECTION_REFUSED' in checks['page_loaded']['detail']
    assert not checks['assets_loaded']['ok'] and not checks['backend_version']['ok'] and not checks['login']['ok']


def test_error_status_is_not_loaded():
    checks = by_id(judge(dict(GOOD, status=502), URL))
    assert not checks['page_loaded']['ok'] and '502' in checks['page_loaded']['detail']


def test_failed_asset_named():
    failed = [{'url': URL + 'assets/app.1.js', 'status': 404}]
    checks = by_id(judge(dict(GOOD, failed_requests=failed), URL))
    assert not checks['assets_loaded']['ok']
    assert 'assets/app.1.js (404)' in checks['assets_loaded']['detail']


def test_many_failed_requests_are_summarised():
    failed = [{'url': 'u%d' % i, 'error': 'net::ERR_FAILED'} for i in range(8)]
    detail = by_id(judge(dict(GOOD, failed_requests=failed), URL))['assets_loaded']['detail']
    assert detail.startswith('8 request(s) failed') and 'and 3 more' in detail


def test_wrong_or_missing_version():
    assert not by_id(judge(dict(GOOD, rendered_version='1.0.0'), URL, '1.1.0'))['backend_version']['ok']
    assert 'expected 1.1.0' in by_id(judge(dict(GOOD, rendered_version='1.0.0'), URL, '1.1.0'))['backend_version']['detail']
    assert not by_id(judge(dict(GOOD, rendered_version=None), URL))['backend_version']['ok']
    assert by_id(judge(dict(GOOD, rendered_version='1.0.0'), URL))['backend_version']['ok']


def test_login_failed_or_wrong_account():
    failed = by_id(judge(dict(GOOD, signed_in_as=None, login_error='invalid credentials'), URL, None, 'a@b'))['login']
    assert not failed['ok'] and 'invalid credentials' in failed['detail']
    other = by_id(judge(GOOD, URL, None, 'other@aura-flow.local'))['login']
    assert not other['ok'] and 'expected other@aura-flow.local' in other['detail']
