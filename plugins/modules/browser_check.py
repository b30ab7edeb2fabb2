#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, auraflow.ops maintainers
# MIT License (see LICENSE)

from __future__ import annotations

DOCUMENTATION = r'''
---
module: browser_check
short_description: Load the frontend in headless Chromium, see the backend version rendered, log in
version_added: 0.1.0
description:
  - The browser end-to-end check of the runbook's recovery drills and smoke tests. A real headless Chromium (Debian's
    C(chromium), driven through Playwright) loads O(url), waits until the page renders the backend version it fetched
    from C(/health), and, with O(email) and O(password), fills in the sign-in form, submits it and waits for the
    signed-in view.
  - Every request the page makes is watched; a script, stylesheet or API call answering 4xx/5xx or not at all fails
    the V(assets_loaded) check (the runbook's "static assets 404").
  - 'Check ids and severities: V(page_loaded) critical, V(assets_loaded) high, V(backend_version) critical (also
    compared with O(expect_version)), V(login) critical (only with credentials).'
  - The selectors default to the reference Aura Flow frontend; set them for another frontend.
  - Read-only for the application except the login itself; runs where it is invoked (usually the controller,
    C(delegate_to=localhost)). It also runs in check mode.
author:
  - auraflow.ops maintainers (@auraflow)
requirements:
  - playwright (Python package; its bundled driver, not its browser downloads)
  - Chromium or Chrome installed on the host (Debian package C(chromium))
extends_documentation_fragment:
  - ansible.builtin.action_common_attributes
attributes:
  check_mode:
    support: full
    details: The browser runs in check mode too; it changes nothing but a login.
  diff_mode:
    support: none
  platform:
    platforms: posix
options:
  url:
    description: The frontend's public address (through nginx), C(http://) or C(https://).
    type: str
    required: true
  email:
    description: Account to sign in with. Without it there is no V(login) check.
    type: str
  password:
    description: Password of O(email).
    type: str
  expect_version:
    description: The backend version the page must render. Empty means any version.
    type: str
  validate_certs:
    description: Verify the server certificate. V(false) for the lab's self-signed one.
    type: bool
    default: true
  chromium_path:
    description: The browser executable. Empty means the first of C(chromium), C(chromium-browser),
      C(google-chrome) found on C(PATH).
    type: path
  timeout:
    description:
      - Seconds each step (load, version, login) may take.
      - Starting the browser itself may take at least 60 seconds, whatever this is (a slow start of Chromium on a
        busy controller says nothing about the site, so it must not fail a short check).
    type: float
    default: 20
  screenshot:
    description: Return a PNG screenshot of the page at the end (base64) in RV(screenshot_png_base64).
    type: bool
    default: true
  fail_on_error:
    description: Fail the task when a check failed. V(false) returns the checks for a report.
    type: bool
    default: true
  version_selector:
    description: CSS selector of the element that appears once the backend version is rendered.
    type: str
    default: '#health[data-version]:not([data-version=""])'
  version_attribute:
    description: Attribute of that element holding the version (empty means its text).
    type: str
    default: data-version
  email_selector:
    description: The e-mail input of the sign-in form.
    type: str
    default: '#email'
  password_selector:
    description: The password input of the sign-in form.
    type: str
    default: '#password'
  submit_selector:
    description: The submit button of the sign-in form.
    type: str
    default: '#login-form button[type=submit]'
  signed_in_selector:
    description: Element shown once signed in; its text must be the signed-in account.
    type: str
    default: '#app-view:not([hidden]) #who'
  login_error_selector:
    description: Element where the page shows a failed sign-in.
    type: str
    default: '#login-error'
'''

EXAMPLES = r'''
- name: Browser check of the frontend through nginx
  auraflow.ops.browser_check:
    url: https://127.0.0.1:8443/
    email: "{{ aura_checklist_user }}"
    password: "{{ aura_checklist_password }}"
    expect_version: 1.1.0
    validate_certs: false
  delegate_to: localhost
  register: browser

- name: Keep going, judge later (e.g. for a drill report)
  auraflow.ops.browser_check:
    url: "{{ aura_public_url }}/"
    fail_on_error: false
  delegate_to: localhost
  register: browser
'''

RETURN = r'''
ok:
  description: Every check passed.
  returned: always
  type: bool
  sample: true
msg:
  description: One-line summary.
  returned: always
  type: str
  sample: "browser check of https://127.0.0.1:8443/: backend 1.1.0 rendered, signed in (1.6 s)"
checks:
  description: The checks (id, name, ok, severity, detail, seconds), in the order they ran.
  returned: always
  type: list
  elements: dict
  sample: [{"id": "backend_version", "name": "browser_backend_version", "ok": true, "severity": "critical",
            "detail": "the page renders backend 1.1.0", "seconds": 0.12}]
rendered_version:
  description: The backend version the page rendered (null when it rendered none).
  returned: always
  type: str
  sample: 1.1.0
frontend_version:
  description: The frontend's own version (its C(aura-frontend-version) meta tag), when it has one.
  returned: always
  type: str
  sample: 1.1.0
browser_version:
  description: Version of the Chromium that ran.
  returned: when the browser started
  type: str
  sample: 156.0.8078.108
seconds:
  description: Wall time of the whole check, browser start included.
  returned: always
  type: float
  sample: 1.6
screenshot_png_base64:
  description: PNG screenshot of the page at the end, base64 (empty when O(screenshot=false) or no page).
  returned: always
  type: str
'''

import base64
import os
import shutil
import time
import traceback

from ansible.module_utils.basic import AnsibleModule, missing_required_lib

from ansible_collections.auraflow.ops.plugins.module_utils.browser import judge
from ansible_collections.auraflow.ops.plugins.module_utils.findings import conclude

try:
    from playwright.sync_api import Error as PlaywrightError
    from playwright.sync_api import sync_playwright
    HAS_PLAYWRIGHT = True
    PLAYWRIGHT_IMPORT_ERROR = None
except ImportError:
    HAS_PLAYWRIGHT = False
    PLAYWRIGHT_IMPORT_ERROR = traceback.format_exc()

ARGUMENT_SPEC = dict(
    url=dict(type='str', required=True),
    email=dict(type='str'),
    password=dict(type='str', no_log=True),
    expect_version=dict(type='str'),
    validate_certs=dict(type='bool', default=True),
    chromium_path=dict(type='path'),
    timeout=dict(type='float', default=20.0),
    screenshot=dict(type='bool', default=True),
    fail_on_error=dict(type='bool', default=True),
    version_selector=dict(type='str', no_log=False, default='#health[data-version]:not([data-version=""])'),
    version_attribute=dict(type='str', default='data-version'),
    email_selector=dict(type='str', no_log=False, default='#email'),
    password_selector=dict(type='str', no_log=False, default='#password'),
    submit_selector=dict(type='str', no_log=False, default='#login-form button[type=submit]'),
    signed_in_selector=dict(type='str', no_log=False, default='#app-view:not([hidden]) #who'),
    login_error_selector=dict(type='str', no_log=False, default='#login-error'),
)

# The floor of the browser start (ms): the timeout option is about the site, not about how busy the controller is.
LAUNCH_TIMEOUT_MS = 60000

CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
                 '--disable-dev-shm-usage']


def find_chromium(path):
    if path:
        return path if os.access(path, os.X_OK) else None
    for name in ('chromium', 'chromium-browser', 'google-chrome'):
        found = shutil.which(name)
        if found:
            return found
    return None


def drive(params, chromium, obs):
    """Run the browser; fill ``obs`` (see module_utils.browser) as far as it gets. Returns (png, browser_version)."""
    timeout_ms = params['timeout'] * 1000
    failed = obs['failed_requests']
    png, version = b'', None

    phase = {'login': False}

    def on_response(response):
        # A refused sign-in (401/403) is the login check's business, not a broken page.
        if response.status >= 400 and not (phase['login'] and response.status in (401, 403)):
            failed.append({'url': response.url, 'status': response.status})

    def on_failed(request):
        failed.append({'url': request.url, 'error': request.failure or 'failed'})

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS, timeout=max(timeout_ms, LAUNCH_TIMEOUT_MS))
        version = browser.version
        try:
            context = browser.new_context(ignore_https_errors=not params['validate_certs'])
            page = context.new_page()
            page.set_default_timeout(timeout_ms)
            page.on('response', on_response)
            page.on('requestfailed', on_failed)
            try:
                started = time.monotonic()
                response = page.goto(params['url'], wait_until='load', timeout=timeout_ms)
                obs['status'] = response.status if response is not None else None
                obs['seconds']['load'] = round(time.monotonic() - started, 3)
                meta = page.locator('meta[name="aura-frontend-version"]')
                obs['frontend_version'] = meta.first.get_attribute('content') if meta.count() else None

                started = time.monotonic()
                element = page.wait_for_selector(params['version_selector'], timeout=timeout_ms)
                attr = params['version_attribute']
                obs['rendered_version'] = (element.get_attribute(attr) if attr else element.text_content() or '').strip()
                obs['seconds']['version'] = round(time.monotonic() - started, 3)

                if obs['login_attempted']:
                    started = time.monotonic()
                    phase['login'] = True
                    page.fill(params['email_selector'], params['email'])
                    page.fill(params['password_selector'], params['password'])
                    page.click(params['submit_selector'])
                    try:
                        who = page.wait_for_selector(params['signed_in_selector'], timeout=timeout_ms)
                        page.wait_for_function('el => el.textContent.trim().length > 0', arg=who, timeout=timeout_ms)
                        obs['signed_in_as'] = who.text_content().strip()
                    except PlaywrightError:
                        shown = page.locator(params['login_error_selector'])
                        obs['login_error'] = (shown.first.text_content() or '').strip() if shown.count() else None
                        obs['login_error'] = obs['login_error'] or 'no signed-in view within %ss' % params['timeout']
                    obs['seconds']['login'] = round(time.monotonic() - started, 3)
                    page.wait_for_load_state('networkidle', timeout=timeout_ms)
            except PlaywrightError as exc:
                obs['error'] = str(exc).splitlines()[0]
            if params['screenshot']:
                try:
                    png = page.screenshot(full_page=True, timeout=timeout_ms)
                except PlaywrightError:
                    png = b''
        finally:
            browser.close()
    return png, version


def run_module():
    module = AnsibleModule(argument_spec=ARGUMENT_SPEC, supports_check_mode=True,
                           required_together=[('email', 'password')])
    params = module.params
    if not HAS_PLAYWRIGHT:
        module.fail_json(msg=missing_required_lib('playwright'), exception=PLAYWRIGHT_IMPORT_ERROR)
    if not params['url'].startswith(('http://', 'https://')):
        module.fail_json(msg='url must start with http:// or https://, got %r' % params['url'])
    if params['timeout'] <= 0:
        module.fail_json(msg='timeout must be positive, got %s' % params['timeout'])
    chromium = find_chromium(params['chromium_path'])
    if chromium is None:
        module.fail_json(msg='no Chromium found (%s); install the Debian package chromium or set chromium_path'
                         % (params['chromium_path'] or 'chromium, chromium-browser, google-chrome on PATH'))

    obs = {'status': None, 'failed_requests': [], 'rendered_version': None, 'frontend_version': None,
           'login_attempted': bool(params['email']), 'signed_in_as': None, 'seconds': {}}
    started = time.monotonic()
    try:
        png, browser_version = drive(params, chromium, obs)
    except PlaywrightError as exc:
        module.fail_json(msg='the browser could not run (%s): %s' % (chromium, str(exc).splitlines()[0]),
                         ok=False, checks=[])
    seconds = round(time.monotonic() - started, 3)

    checks = judge(obs, params['url'], params['expect_version'] or None, params['email'])
    ok = all(check['ok'] for check in checks)
    if ok:
        msg = 'browser check of %s: backend %s rendered%s (%.1f s)' % (
            params['url'], obs['rendered_version'], ', signed in' if obs['login_attempted'] else '', seconds)
    else:
        msg = 'browser check of %s failed: %s' % (
            params['url'], '; '.join('%s: %s' % (c['id'], c['detail']) for c in checks if not c['ok']))
    result = dict(changed=False, ok=ok, msg=msg, checks=checks, rendered_version=obs['rendered_version'],
                  frontend_version=obs['frontend_version'], browser_version=browser_version, seconds=seconds,
                  screenshot_png_base64=base64.b64encode(png).decode('ascii') if png else '')
    conclude(module, result, failed=not ok and params['fail_on_error'])


def main():
    run_module()


if __name__ == '__main__':
    main()
