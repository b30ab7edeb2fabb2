#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, auraflow.ops maintainers
# MIT License (see LICENSE)

from __future__ import annotations

DOCUMENTATION = r'''
---
module: log_analyze
short_description: Analyse the Aura Flow backend's JSON logs over a time window
version_added: 0.1.0
description:
  - Reads the backend's JSON-lines access log (O(path), C(combined.log)) and error log (O(error_log)) on the
    host and reports, for the entries of the last O(window) (or since O(since)) - the slowest requests over
    O(slow_ms), request counts by route and status, the 5xx error rate, the users with the most 5xx answers,
    and the error.log lines of the window.
  - The runbook's grep/awk recipes (slow requests, request types, error lines) done on the fields instead of
    the text. Only the last O(max_bytes) of each file are read, so a large log costs a bounded time.
  - Findings C(logs.error_rate) (high over O(error_rate_max) with at least O(min_requests) requests),
    C(logs.slow_requests) (medium) and C(backend.error_log) (medium), with severity C(info) when clean.
  - Read-only, never changes anything; a missing file is a result (RV(missing)), not a failure.
author:
  - auraflow.ops maintainers (@auraflow)
extends_documentation_fragment:
  - ansible.builtin.action_common_attributes
attributes:
  check_mode:
    support: full
    details: Read-only; the same report in check mode.
  diff_mode:
    support: none
  platform:
    platforms: posix
options:
  path:
    description: The access log (JSON lines).
    type: path
    default: /opt/aura-flow/shared/logs/combined.log
  error_log:
    description: The error log (JSON lines).
    type: path
    default: /opt/aura-flow/shared/logs/error.log
  window:
    description: How far back to look, a duration like C(15m), C(1h) or seconds.
    type: str
    default: 15m
  since:
    description: Start of the window instead of O(window) (ISO 8601 time or epoch seconds).
    type: str
  slow_ms:
    description: A request slower than this many milliseconds is slow.
    type: float
    default: 500
  error_rate_max:
    description: Highest acceptable share of 5xx answers (the runbook alerts over 1%).
    type: float
    default: 0.01
  min_requests:
    description: Fewer requests than this in the window are too few to judge the error rate.
    type: int
    default: 20
  top:
    description: How many slowest requests, users and last errors to return.
    type: int
    default: 5
  max_bytes:
    description: Read at most this many bytes from the end of each file.
    type: int
    default: 67108864
notes:
  - Supports check mode (it only reads).
'''

EXAMPLES = r'''
- name: The last 15 minutes of the backend's logs
  auraflow.ops.log_analyze:
    window: 15m
    slow_ms: 500
  register: logs

- name: Everything since a deploy started
  auraflow.ops.log_analyze:
    since: "2026-11-29T11:00:00Z"
'''

RETURN = r'''
window:
  description: The window analysed, epoch seconds.
  returned: always
  type: dict
  sample: {since: 1796468400.0, until: 1796469300.0}
stats:
  description: >-
    Statistics of the access log - requests, errors_5xx, client_errors, error_rate, slow, slowest (list),
    by_route (C("METHOD /path") to status to count), by_status, top_error_users (C([{userId, errors}])),
    error_entries (non-access lines at level error), last_errors.
  returned: always
  type: dict
errors:
  description: The same statistics of the error log (its requests are the 5xx answers, error_entries the rest).
  returned: always
  type: dict
skipped_lines:
  description: Lines that were not JSON objects with a time, per file.
  returned: always
  type: dict
missing:
  description: Files that do not exist.
  returned: always
  type: list
  elements: str
findings:
  description: C({id, severity, message, evidence}) for logs.error_rate, logs.slow_requests and backend.error_log.
  returned: always
  type: list
  elements: dict
'''

import os
import time

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.auraflow.ops.plugins.module_utils.diagnose import analyze, log_findings, parse_lines, parse_time
from ansible_collections.auraflow.ops.plugins.module_utils.durations import DurationError, parse_duration


def read_tail(path, max_bytes):
    """The complete lines in the last ``max_bytes`` of ``path``."""
    with open(path, 'rb') as handle:
        handle.seek(0, os.SEEK_END)
        size = handle.tell()
        start = max(0, size - max_bytes)
        handle.seek(start)
        data = handle.read()
    lines = data.split(b'\n')
    if start > 0 and lines:
        lines = lines[1:]       # the first one is cut
    return lines


def run_module():
    module = AnsibleModule(
        argument_spec=dict(
            path=dict(type='path', default='/opt/aura-flow/shared/logs/combined.log'),
            error_log=dict(type='path', default='/opt/aura-flow/shared/logs/error.log'),
            window=dict(type='str', default='15m'),
            since=dict(type='str'),
            slow_ms=dict(type='float', default=500),
            error_rate_max=dict(type='float', default=0.01),
            min_requests=dict(type='int', default=20),
            top=dict(type='int', default=5),
            max_bytes=dict(type='int', default=64 * 1024 * 1024),
        ),
        supports_check_mode=True,
    )
    params = module.params
    until = time.time()
    if params['since']:
        try:
            since = float(params['since'])
        except ValueError:
            since = parse_time(params['since'])
        if since is None:
            module.fail_json(msg='since: not an ISO 8601 time or epoch seconds: %r' % params['since'])
    else:
        try:
            since = until - parse_duration(params['window'])
        except DurationError as exc:
            module.fail_json(msg='window: %s' % exc)
    if params['top'] < 0 or params['max_bytes'] < 1 or params['slow_ms'] < 0:
        module.fail_json(msg='top must be >= 0, max_bytes >= 1 and slow_ms >= 0')
    if not 0 <= params['error_rate_max'] <= 1:
        module.fail_json(msg='error_rate_max is a share between 0 and 1, got %s' % params['error_rate_max'])

    missing, skipped, results = [], {}, {}
    for key, path in (('stats', params['path']), ('errors', params['error_log'])):
        entries = []
        if path:
            try:
                entries, skipped[path] = parse_lines(read_tail(path, params['max_bytes']))
            except FileNotFoundError:
                missing.append(path)
            except OSError as exc:
                module.fail_json(msg='cannot read %s: %s' % (path, exc.strerror or exc))
        results[key] = analyze(entries, since, until, params['slow_ms'], params['top'])
    findings = log_findings(results['stats'], results['errors'], params['error_rate_max'], params['min_requests'],
                            params['slow_ms'])
    module.exit_json(changed=False, window={'since': since, 'until': until}, stats=results['stats'],
                     errors=results['errors'], skipped_lines=skipped, missing=missing,
                     findings=[f.as_dict() for f in findings])


def main():
    run_module()


if __name__ == '__main__':
    main()
