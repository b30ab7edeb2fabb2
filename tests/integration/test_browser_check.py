"""auraflow.ops.browser_check with Debian's chromium against a real local server on 127.0.0.1.

The server serves the reference frontend as `tests/app/frontend/build.js` builds it, plus a /health and a
login API with known behaviour: the right version and account pass; a missing asset, another backend
version, a refused login and a page that never renders a version are each named by their check.
The module file is executed directly, as Ansible runs it on the target (fault_servers.run_module); the
real ``ansible localhost -m`` CLI runs one passing and one failing check, an argument-spec error and the
no_log check of the password at -vvv.
"""

import base64
import json
import os
import shutil
import subprocess

import pytest

from conftest import ROOT, require
from fault_servers import LocalServer, free_port, run_module, run_verbose

EMAIL, PASSWORD = 'ops@example.com', 'correct horse battery staple'


@pytest.fixture(scope='module', autouse=True)
def prerequisites():
    """Chromium (the module finds it on PATH: Debian's /usr/bin/chromium) and node (builds the frontend)."""
    missing = [tool for tool in ('chromium', 'node') if not shutil.which(tool)]
    require('needs %s (make setup installs them)' % ' and '.join(missing) if missing else None)


@pytest.fixture(scope='module')
def site(tmp_path_factory):
    out = tmp_path_factory.mktemp('frontend')
    subprocess.run(['node', os.path.join(ROOT, 'tests', 'app', 'frontend', 'build.js'), str(out), '2.0.0'], check=True,
                   capture_output=True)
    return out


def frontend_app(root, version='2.0.0', missing=(), login_ok=True, health=True):
    """The built frontend from root; /health answers version; POST /api/auth/login accepts EMAIL/PASSWORD."""
    def app(req):
        if req.path == '/health':
            return (200, [], {'status': 'ok', 'version': version, 'db': 'ok', 'redis': 'ok'}) if health else (404, [], b'')
        if req.path == '/api/auth/login' and req.method == 'POST':
            body = json.loads(req.body or b'{}')
            if login_ok and body == {'email': EMAIL, 'password': PASSWORD}:
                return 200, [], {'token': 'tok'}
            return 401, [], {'error': 'invalid_credentials', 'message': 'Wrong e-mail or password.'}
        if req.path == '/api/me':
            return 200, [], {'id': 1, 'email': EMAIL}
        if req.path == '/api/items':
            return 200, [], {'items': []}
        name = 'index.html' if req.path == '/' else req.path.lstrip('/')
        path = os.path.join(str(root), name)
        if name in missing or not os.path.isfile(path):
            return 404, [], b'not found'
        kind = {'.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css'}[os.path.splitext(name)[1]]
        with open(path, 'rb') as handle:
            return 200, [('Content-Type', kind)], handle.read()
    return app


def asset(root, prefix):
    return 'assets/' + [n for n in os.listdir(os.path.join(str(root), 'assets')) if n.startswith(prefix)][0]


def checks_of(result):
    return {c['id']: c for c in result['checks']}


def test_working_frontend_passes_with_screenshot(site):
    with LocalServer(frontend_app(site)) as server:
        # the passing check through the CLI
        result, _unused = run_module('browser_check', {'url': server.url('/'), 'email': EMAIL, 'password': PASSWORD,
                                                       'expect_version': '2.0.0'}, via_ansible=True)
    assert result['ok'] is True and result['changed'] is False, result['msg']
    assert [c['id'] for c in result['checks']] == ['page_loaded', 'assets_loaded', 'backend_version', 'login']
    assert result['rendered_version'] == '2.0.0' and result['frontend_version'] == '2.0.0'
    assert base64.b64decode(result['screenshot_png_base64']).startswith(b'\x89PNG')


def test_missing_asset_wrong_version_and_refused_login_are_each_named(site):
    css = asset(site, 'style.')
    with LocalServer(frontend_app(site, version='1.9.9', missing=(css,), login_ok=False)) as server:
        # the failing check through the CLI
        result, proc = run_module('browser_check', {'url': server.url('/'), 'email': EMAIL, 'password': PASSWORD,
                                                    'expect_version': '2.0.0', 'screenshot': False, 'timeout': 5},
                                  via_ansible=True)
    assert result.get('checks'), result.get('msg')
    assert proc.returncode != 0 and result['failed'] is True and result['ok'] is False
    checks = checks_of(result)
    assert checks['page_loaded']['ok'] is True
    assert not checks['assets_loaded']['ok'] and css + ' (404)' in checks['assets_loaded']['detail']
    assert not checks['backend_version']['ok'] and 'renders backend 1.9.9, expected 2.0.0' in checks['backend_version']['detail']
    assert not checks['login']['ok'] and 'Wrong e-mail or password.' in checks['login']['detail']
    assert result['screenshot_png_base64'] == ''


def test_a_slow_browser_start_does_not_fail_a_short_check(site, tmp_path):
    """timeout is about the site: a Chromium that takes longer than it to start (a busy controller; here a
    wrapper that waits 4 s first) still checks the page, and the checks judge the site, not the start."""
    slow = tmp_path / 'slow-chromium'
    slow.write_text('#!/bin/sh\nsleep 4\nexec %s "$@"\n' % shutil.which('chromium'))
    slow.chmod(0o755)
    with LocalServer(frontend_app(site)) as server:
        result, proc = run_module('browser_check', {'url': server.url('/'), 'chromium_path': str(slow), 'timeout': 2,
                                                    'screenshot': False})
    assert result.get('checks'), result.get('msg')
    assert proc.returncode == 0 and result['ok'] is True, result['msg']
    assert result['rendered_version'] == '2.0.0'


def test_no_version_rendered_and_report_mode(site):
    with LocalServer(frontend_app(site, health=False)) as server:
        result, proc = run_module('browser_check', {'url': server.url('/'), 'fail_on_error': False, 'timeout': 3,
                                                    'screenshot': False})
    assert proc.returncode == 0 and result['ok'] is False
    checks = checks_of(result)
    assert not checks['backend_version']['ok'] and 'never rendered a backend version' in checks['backend_version']['detail']
    assert 'login' not in checks
    assert not checks['assets_loaded']['ok'] and '/health (404)' in checks['assets_loaded']['detail']


def test_nothing_listening_fails_page_loaded():
    result, proc = run_module('browser_check', {'url': 'http://127.0.0.1:%d/' % free_port(), 'timeout': 3})
    assert proc.returncode != 0
    assert 'ERR_CONNECTION_REFUSED' in checks_of(result)['page_loaded']['detail']


def test_bad_input_fails_clearly_and_password_is_not_logged(site):
    result, _unused = run_module('browser_check', {'url': 'ftp://x'})
    assert result['failed'] and 'url must start with http:// or https://' in result['msg']
    result, _unused = run_module('browser_check', {'url': 'http://127.0.0.1:1/', 'chromium_path': '/nonexistent/chromium'})
    assert result['failed'] and 'no Chromium found (/nonexistent/chromium)' in result['msg']
    # required_together (argument spec) as the user sees it, through the CLI
    result, _unused = run_module('browser_check', {'url': 'http://127.0.0.1:1/', 'email': EMAIL}, via_ansible=True)
    assert result['failed'] and 'password' in result['msg']
    with LocalServer(frontend_app(site)) as server:
        out, _unused = run_verbose('browser_check', {'url': server.url('/'), 'email': EMAIL, 'password': PASSWORD,
                                                     'screenshot': False}, verbosity='-vvv')
    assert PASSWORD not in out
