# -*- coding: utf-8 -*-
# Copyright: (c) 2026, auraflow.ops maintainers
# MIT License (see LICENSE)
"""Judging a browser end-to-end check: what a headless browser observed -> checks.

The browser driving lives in the ``browser_check`` module; this file only turns its
observations into the checks list (stable ids, severities) so the rules are unit-tested.

Observations (a dict; missing keys mean "not observed"):
  status            HTTP status of the page itself (None: no answer)
  error             why the page could not be loaded or driven (str)
  failed_requests   [{"url", "status" or "error"}] sub-resources that failed (4xx/5xx or no answer)
  rendered_version  the backend version the page rendered (None: never rendered)
  login_attempted   whether credentials were given
  signed_in_as      the account the page shows after the login (None: not signed in)
  login_error       the message the page showed instead
  seconds           {"load", "version", "login"} time each step took
"""

from __future__ import annotations

CHECK_IDS = ('page_loaded', 'assets_loaded', 'backend_version', 'login')


def _check(check_id, ok, severity, detail, seconds=None):
    return {'id': check_id, 'name': 'browser_' + check_id, 'ok': bool(ok), 'severity': severity,
            'detail': detail, 'seconds': seconds}


def judge(obs, url, expect_version=None, email=None):
    """The checks for ``obs``; ``expect_version``/``email`` None skip those comparisons."""
    seconds = obs.get('seconds') or {}
    status = obs.get('status')
    error = obs.get('error')
    loaded = status is not None and 200 <= status < 400
    if loaded:
        detail = '%s answered %s' % (url, status)
    elif status is not None:
        detail = '%s answered %s' % (url, status)
    else:
        detail = '%s did not load: %s' % (url, error or 'no answer')
    checks = [_check('page_loaded', loaded, 'critical', detail, seconds.get('load'))]

    failed = obs.get('failed_requests') or []
    if not loaded:
        checks.append(_check('assets_loaded', False, 'high', 'not checked: the page did not load'))
    elif failed:
        listed = ', '.join('%s (%s)' % (f.get('url'), f.get('status') or f.get('error') or 'failed') for f in failed[:5])
        more = ' and %d more' % (len(failed) - 5) if len(failed) > 5 else ''
        checks.append(_check('assets_loaded', False, 'high', '%d request(s) failed: %s%s' % (len(failed), listed, more)))
    else:
        checks.append(_check('assets_loaded', True, 'high', 'every script, stylesheet and API call the page made answered'))

    rendered = obs.get('rendered_version')
    if rendered is None:
        detail = 'the page never rendered a backend version' + (': %s' % error if error and loaded else '')
        checks.append(_check('backend_version', False, 'critical', detail, seconds.get('version')))
    elif expect_version and rendered != expect_version:
        checks.append(_check('backend_version', False, 'critical',
                             'the page renders backend %s, expected %s' % (rendered, expect_version), seconds.get('version')))
    else:
        checks.append(_check('backend_version', True, 'critical', 'the page renders backend %s' % rendered,
                             seconds.get('version')))

    if obs.get('login_attempted'):
        who = obs.get('signed_in_as')
        if who is None:
            why = obs.get('login_error') or (error if loaded else 'the page did not load')
            checks.append(_check('login', False, 'critical', 'not signed in: %s' % (why or 'no signed-in view'),
                                 seconds.get('login')))
        elif email and who.strip().lower() != email.strip().lower():
            checks.append(_check('login', False, 'critical', 'signed in as %s, expected %s' % (who, email), seconds.get('login')))
        else:
            checks.append(_check('login', True, 'critical', 'signed in as %s through the page' % who, seconds.get('login')))
    return checks
