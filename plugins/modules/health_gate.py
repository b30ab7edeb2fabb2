#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, auraflow.ops maintainers
# MIT License (see LICENSE)

from __future__ import annotations

DOCUMENTATION = r"""
---
module: health_gate
short_description: Gate a freshly started backend on its /health (N consecutive good answers)
version_added: 0.3.0
description:
  - Polls O(url) on the managed host every O(interval) seconds. While nothing answers yet (the
    connection is refused just after a restart) it waits up to O(startup_timeout) without counting.
    From the first answer on, a 2xx whose JSON C(version) is the expected release is a success and
    anything else a failure.
  - Passes after O(successes) consecutive successes. Fails after more than O(max_failures)
    consecutive failures (the runbook's trigger, "health check fails more than 3 times in a row"),
    or when O(timeout) runs out.
  - The expected release is O(expect_version), or else the active release of the ledger under
    O(ledger_root) (the one C(current) was switched to).
  - A failed gate does not fail the task - RV(passed=false) with the last answer; marking the release
    failed and rolling back are the caller's decisions (the role P(auraflow.ops.backend#role) does both).
  - With O(urls) instead of O(url), every URL is gated at once by the same rule (a thread each, in the
    time of the slowest), so that one run asks many backends, e.g. from the web host, where nginx reaches them.
    RV(passed) is then true only when every gate passed, and RV(gates) holds each verdict.
  - Read-only; runs in check mode too and always reports C(changed=false).
extends_documentation_fragment:
  - ansible.builtin.action_common_attributes
  - auraflow.ops.health_gate
author:
  - auraflow.ops maintainers (@auraflow)
options:
  url:
    description:
      - The health URL, seen from the managed host.
      - Exactly one of O(url) and O(urls) is required.
    type: str
  urls:
    description:
      - Several health URLs, seen from the managed host, gated at once; the verdicts come back in RV(gates), in this order.
      - Exactly one of O(url) and O(urls) is required.
    type: list
    elements: str
  expect_version:
    description: The release the answers must carry in C(version); empty takes the ledger's active release, or accepts any version without O(ledger_root).
    type: str
    default: ""
  ledger_root:
    description: Application root holding the release ledger C(releases.json) (see M(auraflow.ops.release_ledger)).
    type: path
attributes:
  check_mode:
    support: full
    details: The gate only reads, so it runs in check mode as it does otherwise.
  diff_mode:
    support: none

  platform:
    platforms: posix"""

EXAMPLES = r"""
- name: Gate the backend on the release it was switched to
  auraflow.ops.health_gate:
    url: http://127.0.0.1:3001/health
    ledger_root: /opt/aura-flow
  register: gate

- name: Stop on a failed gate
  ansible.builtin.fail:
    msg: "{{ gate.message }}; last answer {{ gate.last_status }} {{ gate.last_body }}"
  when: not gate.passed

- name: From the web host, ask both backends for /health once (any release), side by side
  auraflow.ops.health_gate:
    urls:
      - http://10.0.0.21:3001/health
      - http://10.0.0.22:3001/health
    successes: 1
    max_failures: 0
    timeout: 5
    startup_timeout: 1
  register: answers
"""

RETURN = r"""
passed:
  description: Whether the gate passed.
  type: bool
  returned: always
ok:
  description: The same as RV(passed) (the collection's common verdict key).
  type: bool
  returned: always
message:
  description: Why it passed or failed (with O(urls), how many passed and which did not).
  type: str
  returned: always
  sample: 3 consecutive successes
gates:
  description: With O(urls), the verdict of each URL in the order given, with the keys RV(passed), RV(message), C(url),
    RV(expect_version), RV(probes), RV(seconds), RV(consecutive_successes), RV(consecutive_failures), RV(last_status),
    RV(last_body), RV(last_error) and RV(last_reason) of a single gate.
  type: list
  elements: dict
  returned: with O(urls)
  sample: [{"url": "http://10.0.0.21:3001/health", "passed": true, "message": "1 consecutive successes", "last_status": 200}]
expect_version:
  description: The release the answers had to carry (empty when any was accepted).
  type: str
  returned: with O(url)
probes:
  description: Requests made.
  type: int
  returned: with O(url)
seconds:
  description: How long the gate took.
  type: float
  returned: with O(url)
consecutive_successes:
  description: Good answers in a row at the end.
  type: int
  returned: with O(url)
consecutive_failures:
  description: Bad answers in a row at the end.
  type: int
  returned: with O(url)
last_status:
  description: HTTP status of the last answer (null when nothing answered).
  type: int
  returned: with O(url)
last_body:
  description: The first 2 KiB of the last answer's body.
  type: str
  returned: with O(url)
last_error:
  description: The connection error of the last request, if any.
  type: str
  returned: with O(url)
last_reason:
  description: Why the last answer counted as it did.
  type: str
  returned: with O(url)
"""

import os

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.auraflow.ops.plugins.module_utils import health_gate
from ansible_collections.auraflow.ops.plugins.module_utils import ledger as ledger_utils


def expected_release(module):
    """The version to expect: the explicit one, else the ledger's active release."""
    if module.params['expect_version'] or not module.params['ledger_root']:
        return module.params['expect_version']
    path = os.path.join(module.params['ledger_root'], 'releases.json')
    try:
        with open(path, encoding='utf-8') as handle:
            text = handle.read()
    except FileNotFoundError:
        module.fail_json(msg='health_gate: no release ledger at %s - nothing was deployed there, so no release to expect' % path)
    except OSError as exc:
        module.fail_json(msg='health_gate: cannot read %s: %s' % (path, exc))
    try:
        active = ledger_utils.parse(text)['active']
    except ledger_utils.LedgerError as exc:
        module.fail_json(msg='health_gate: %s: %s' % (path, exc))
    if not active:
        module.fail_json(msg='health_gate: the ledger %s has no active release to expect' % path)
    return active


def main():
    module = AnsibleModule(
        argument_spec=dict(
            health_gate.GATE_OPTIONS,
            url=dict(type='str'),
            urls=dict(type='list', elements='str'),
            expect_version=dict(type='str', default=''),
            ledger_root=dict(type='path'),
        ),
        mutually_exclusive=[('url', 'urls')],
        required_one_of=[('url', 'urls')],
        supports_check_mode=True,
    )
    p = module.params
    urls = p['urls'] if p['urls'] is not None else [p['url']]
    if not urls:
        module.fail_json(msg='health_gate: urls is empty - give at least one URL')
    for url in urls:
        if not url.startswith(('http://', 'https://')):
            module.fail_json(msg='health_gate: %s must be an http:// or https:// URL, got %r' % ('urls' if p['urls'] is not None else 'url', url))
    bad = health_gate.problems(p['successes'], p['max_failures'], p['interval'], p['timeout'], p['startup_timeout'],
                               p['request_timeout'])
    if bad:
        module.fail_json(msg='health_gate: %s' % bad)
    options = dict(successes=p['successes'], max_failures=p['max_failures'], interval=p['interval'], timeout=p['timeout'],
                   startup_timeout=p['startup_timeout'], request_timeout=p['request_timeout'])
    if p['urls'] is None:
        result = health_gate.gate(p['url'], expected_release(module), **options)
        module.exit_json(changed=False, ok=result['passed'], **result)
    gates = health_gate.gate_all(urls, expected_release(module), **options)
    failed = [g['url'] for g in gates if not g['passed']]
    passed = not failed
    message = '%d of %d passed%s' % (len(gates) - len(failed), len(gates), '' if passed else '; not: ' + ', '.join(
        '%s (%s)' % (g['url'], g['message']) for g in gates if not g['passed']))
    module.exit_json(changed=False, passed=passed, ok=passed, message=message, gates=gates)


if __name__ == '__main__':
    main()
