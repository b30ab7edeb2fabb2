# -*- coding: utf-8 -*-
# Copyright: (c) 2026, auraflow.ops maintainers
# MIT License (see LICENSE)
"""Health gate for one backend: the rule, without Ansible (unit-tested in tests/unit/plugins/module_utils/test_health_gate.py).

Polls a URL every ``interval`` seconds. While the service has not answered yet (connection refused
just after a restart) it waits up to ``startup_timeout`` without counting, asking every STARTUP_POLL
seconds (at most ``interval``): the first answer is seen as soon as the service listens. From the first answer on:
a 2xx whose JSON "version" matches ``expect_version`` (when given) is a success, anything else a
failure. PASS after ``successes`` consecutive successes; FAIL after more than ``max_failures``
consecutive failures (the runbook's trigger: "health check fails more than 3 times in a row"), or
when ``timeout`` runs out.
"""

from __future__ import annotations

import http.client
import json
import ssl
import threading
import time
import urllib.parse


def probe(url, timeout):
    """(status or None, body text, error text) of one GET; a fresh connection each time (the gate
    must see a restarted service, not a kept-alive socket to the old one). HTTPS is not verified:
    the gate asks the backend on its own host, where the certificate names the public host."""
    parts = urllib.parse.urlsplit(url)
    if parts.scheme == 'https':
        conn = http.client.HTTPSConnection(parts.hostname, parts.port, timeout=timeout,
                                           context=ssl._create_unverified_context())  # pylint: disable=protected-access
    else:
        conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)
    try:
        conn.request('GET', (parts.path or '/') + ('?' + parts.query if parts.query else ''))
        response = conn.getresponse()
        return response.status, response.read(2048).decode('utf-8', 'replace'), None
    except (OSError, http.client.HTTPException) as exc:
        return None, '', str(exc) or type(exc).__name__
    finally:
        conn.close()


def verdict(status, body, expect_version):
    """(success, reason) of one answer."""
    if status is None:
        return False, 'no answer'
    if not 200 <= status < 300:
        return False, 'HTTP %d' % status
    if expect_version:
        try:
            version = json.loads(body).get('version')
        except (ValueError, AttributeError):
            return False, 'HTTP %d but the body is not JSON' % status
        if version != expect_version:
            return False, 'serving version %s, expected %s' % (version, expect_version)
    return True, 'HTTP %d' % status


def problems(successes, max_failures, interval, timeout, startup_timeout, request_timeout):
    """What is wrong with the gate's numbers (a message), or None."""
    bad = []
    if successes < 1:
        bad.append('successes must be at least 1 (got %s)' % successes)
    if max_failures < 0:
        bad.append('max_failures must be 0 or more (got %s)' % max_failures)
    if interval < 0:
        bad.append('interval must be 0 or more seconds (got %s)' % interval)
    for name, value in (('timeout', timeout), ('startup_timeout', startup_timeout), ('request_timeout', request_timeout)):
        if value <= 0:
            bad.append('%s must be more than 0 seconds (got %s)' % (name, value))
    return '; '.join(bad) or None


# The gate's options, as the modules that gate take them (documented by the doc fragment auraflow.ops.health_gate).
GATE_OPTIONS = dict(
    successes=dict(type='int', default=3),
    max_failures=dict(type='int', default=3),
    interval=dict(type='float', default=0.5),
    timeout=dict(type='float', default=60),
    startup_timeout=dict(type='float', default=30),
    request_timeout=dict(type='float', default=3),
)

# While nothing answers yet: a refused connection costs nothing, and nothing counts until the first answer.
STARTUP_POLL = 0.05


def gate(url, expect_version='', successes=3, max_failures=3, interval=1.0, timeout=60.0, startup_timeout=30.0,
         request_timeout=3.0, fetch=probe, clock=time.monotonic, sleep=time.sleep):
    """Run the gate; returns the verdict as a dict (``passed``, ``message``, counts and the last answer)."""
    started = clock()
    answered = False
    count = failures = probes = 0
    last = {'status': None, 'body': '', 'error': None, 'reason': None}
    while True:
        elapsed = clock() - started
        if elapsed > timeout:
            outcome, message = False, 'no %d consecutive successes within %ss' % (successes, timeout)
            break
        status, body, error = fetch(url, request_timeout)
        probes += 1
        if status is not None:
            answered = True
        ok, reason = verdict(status, body, expect_version)
        last = {'status': status, 'body': body, 'error': error, 'reason': reason}
        if not answered:
            if elapsed > startup_timeout:
                outcome, message = False, 'the service never answered within %ss (%s)' % (startup_timeout, error)
                break
        elif ok:
            count, failures = count + 1, 0
            if count >= successes:
                outcome, message = True, '%d consecutive successes' % count
                break
        else:
            count, failures = 0, failures + 1
            if failures > max_failures:
                outcome, message = False, '%d consecutive failures (more than %d): %s' % (failures, max_failures, reason)
                break
        sleep(interval if answered else min(interval, STARTUP_POLL))
    return {
        'passed': outcome, 'message': message, 'url': url, 'expect_version': expect_version,
        'probes': probes, 'consecutive_successes': count, 'consecutive_failures': failures,
        'seconds': round(clock() - started, 3), 'last_status': last['status'], 'last_body': last['body'],
        'last_error': last['error'], 'last_reason': last['reason'],
    }


def gate_all(urls, expect_version='', **options):
    """:func:`gate` on every URL at once (a thread each, the same rule and ``options``): the verdicts in the
    order of ``urls``. One run asks many backends in the time of the slowest; an unexpected error in one
    gate is that gate's failed verdict, never the others'."""
    verdicts = [None] * len(urls)

    def one(index, url):
        try:
            verdicts[index] = gate(url, expect_version, **options)
        except Exception as exc:  # pylint: disable=broad-except  # one broken gate must not lose the others' verdicts
            verdicts[index] = {
                'passed': False, 'message': 'the gate stopped: %s' % (str(exc) or type(exc).__name__), 'url': url,
                'expect_version': expect_version, 'probes': 0, 'consecutive_successes': 0, 'consecutive_failures': 0,
                'seconds': 0, 'last_status': None, 'last_body': '', 'last_error': str(exc), 'last_reason': None,
            }

    threads = [threading.Thread(target=one, args=(index, url), daemon=True) for index, url in enumerate(urls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return verdicts


def running_version(url, timeout, fetch=probe):
    """The release the running service answers with on its /health (``version``); '' when nothing answers or
    the answer names none (whatever ``current`` points to: a run killed after the link swap leaves them apart)."""
    status, body, dummy = fetch(url, timeout)
    if status is None:
        return ''
    try:
        return str((json.loads(body) or {}).get('version') or '')
    except (ValueError, AttributeError):
        return ''
