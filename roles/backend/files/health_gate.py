# -*- coding: utf-8 -*-
# Copyright: (c) 2026, auraflow.ops maintainers
# MIT License (see LICENSE)
"""Health gate for one backend, run on the backend host by the role (ansible.builtin.script).

Polls URL every INTERVAL seconds. While the service has not answered yet (connection refused
just after a restart) it waits up to STARTUP_TIMEOUT without counting. From the first answer on:
a 2xx whose JSON "version" matches EXPECT_VERSION (when given) is a success, anything else a
failure. PASS after SUCCESSES consecutive successes; FAIL after more than MAX_FAILURES consecutive
failures (the runbook's trigger: "health check fails more than 3 times in a row"), or when TIMEOUT
runs out. Prints one JSON object; exit status 0 = passed, 1 = failed, 2 = bad arguments.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import urllib.error
import urllib.request


def probe(url, timeout):
    """(status or None, body text, error text)."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status, response.read(2048).decode('utf-8', 'replace'), None
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read(2048).decode('utf-8', 'replace'), None
    except (urllib.error.URLError, OSError) as exc:
        return None, '', str(getattr(exc, 'reason', exc))


def verdict(status, body, expect_version):
    """(success, reason)."""
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


def gate(args, clock=time.monotonic, sleep=time.sleep):
    started = clock()
    answered = False
    successes = failures = probes = 0
    last = {'status': None, 'body': '', 'error': None, 'reason': None}
    while True:
        elapsed = clock() - started
        if elapsed > args.timeout:
            outcome, message = False, 'no %d consecutive successes within %ss' % (args.successes, args.timeout)
            break
        status, body, error = probe(args.url, args.request_timeout)
        probes += 1
        if status is not None:
            answered = True
        ok, reason = verdict(status, body, args.expect_version)
        last = {'status': status, 'body': body, 'error': error, 'reason': reason}
        if not answered:
            if elapsed > args.startup_timeout:
                outcome, message = False, 'the service never answered within %ss (%s)' % (args.startup_timeout, error)
                break
        elif ok:
            successes, failures = successes + 1, 0
            if successes >= args.successes:
                outcome, message = True, '%d consecutive successes' % successes
                break
        else:
            successes, failures = 0, failures + 1
            if failures > args.max_failures:
                outcome, message = False, '%d consecutive failures (more than %d): %s' % (failures, args.max_failures, reason)
                break
        sleep(args.interval)
    return {
        'passed': outcome, 'message': message, 'url': args.url, 'expect_version': args.expect_version,
        'probes': probes, 'consecutive_successes': successes, 'consecutive_failures': failures,
        'seconds': round(clock() - started, 3), 'last_status': last['status'], 'last_body': last['body'],
        'last_error': last['error'], 'last_reason': last['reason'],
    }


def parse(argv):
    parser = argparse.ArgumentParser(description=__doc__.split('\n', maxsplit=1)[0])
    parser.add_argument('--url', required=True)
    parser.add_argument('--expect-version', default='')
    parser.add_argument('--successes', type=int, default=3)
    parser.add_argument('--max-failures', type=int, default=3)
    parser.add_argument('--interval', type=float, default=1.0)
    parser.add_argument('--timeout', type=float, default=60.0)
    parser.add_argument('--startup-timeout', type=float, default=30.0)
    parser.add_argument('--request-timeout', type=float, default=3.0)
    args = parser.parse_args(argv)
    if args.successes < 1 or args.max_failures < 0 or args.interval < 0 or args.timeout <= 0:
        parser.error('successes >= 1, max-failures >= 0, interval >= 0 and timeout > 0 are required')
    return args


def main(argv=None):
    result = gate(parse(argv))
    print(json.dumps(result, sort_keys=True))
    return 0 if result['passed'] else 1


if __name__ == '__main__':
    sys.exit(main())
