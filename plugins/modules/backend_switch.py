#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, auraflow.ops maintainers
# MIT License (see LICENSE)

from __future__ import annotations

DOCUMENTATION = r"""
---
module: backend_switch
short_description: Switch one backend to a release, restart it and gate it on /health, in one step
version_added: 0.9.0
description:
  - The per-host step of a zero-downtime rollout, as one module run on the backend host (the caller drains
    the backend in nginx before and puts it back after, see the role P(auraflow.ops.rollout#role)).
  - "O(op=activate): C(current) goes to O(version) (as M(auraflow.ops.release_ledger) with C(state=activate) does it).
    O(op=rollback): to O(version), or by the ledger's rule to the newest earlier release not marked failed
    or rolled_back; the release left is marked O(mark_replaced). Asked for the release already active, the
    ledger stays as it is. O(op=restart): the ledger stays as it is."
  - Then restarts O(service) when the link moved, when O(restart_pending), for O(op=restart), or when the
    running process does not answer O(url) with the active release (a run killed between the link swap
    and the restart).
  - Then gates on O(url) like M(auraflow.ops.health_gate) (O(successes) consecutive good answers carrying the
    active release). A failed gate marks that release failed (O(mark_failed)) and fails with the last answer;
    going back is the caller's decision.
  - In check mode it reports what it would change and neither restarts nor gates.
extends_documentation_fragment:
  - ansible.builtin.action_common_attributes
  - auraflow.ops.health_gate
author:
  - auraflow.ops maintainers (@auraflow)
attributes:
  check_mode:
    support: full
    details: Reports what would change (the link, the ledger, a restart) and changes nothing; the gate does not run.
  diff_mode:
    support: full
    details: The ledger and the C(current) link before and after.
  platform:
    platforms: posix
options:
  root:
    description: Application root holding C(releases/), C(current) and C(releases.json).
    type: path
    required: true
  op:
    description: What to switch to.
    type: str
    choices: [activate, rollback, restart]
    default: activate
  version:
    description:
      - The release for O(op=activate) (required); for O(op=rollback) the release to go to (empty for the ledger's rule).
    type: str
    default: ""
  mark_replaced:
    description: For O(op=rollback), what the release left is marked (a failed one stays failed).
    type: str
    choices: [failed, rolled_back]
    default: rolled_back
  reason:
    description: Stored in the ledger's history with a rollback or a failed mark.
    type: str
  actor:
    description: Who is named in the ledger's history (default the login behind sudo, else the user).
    type: str
  service:
    description: The systemd unit of the backend.
    type: str
    required: true
  restart_pending:
    description: Restart even when the release does not change (a new configuration waits for it).
    type: bool
    default: false
  url:
    description: The backend's health URL, seen from the backend host.
    type: str
    required: true
  mark_failed:
    description: Mark the release failed in the ledger when the gate fails.
    type: bool
    default: true
notes:
  - Runs C(systemctl restart) on the host; needs root (become).
seealso:
  - module: auraflow.ops.release_ledger
  - module: auraflow.ops.health_gate
"""

EXAMPLES = r"""
- name: Roll this backend back by the ledger's rule, restart and gate it
  auraflow.ops.backend_switch:
    root: /opt/aura-flow
    op: rollback
    service: aura-flow-backend.service
    url: http://127.0.0.1:3001/health

- name: Activate 1.1.0 (a new .env is waiting for a restart too)
  auraflow.ops.backend_switch:
    root: /opt/aura-flow
    op: activate
    version: 1.1.0
    restart_pending: true
    service: aura-flow-backend.service
    url: http://127.0.0.1:3001/health
"""

RETURN = r"""
active:
  description: The active release after the switch.
  returned: always
  type: str
  sample: 1.0.0
replaced:
  description: The release active before.
  returned: always
  type: str
  sample: 1.1.0
switched:
  description: Whether C(current) or the ledger changed (or would, in check mode).
  returned: always
  type: bool
restarted:
  description: Whether the service was restarted (or would be, in check mode).
  returned: always
  type: bool
running_before:
  description: The release the running process answered with before, when it was asked (empty otherwise or when nothing answered).
  returned: always
  type: str
gate:
  description: The health gate's verdict (as M(auraflow.ops.health_gate) returns it); empty in check mode.
  returned: always
  type: dict
  sample: {"passed": true, "message": "3 consecutive successes", "probes": 5, "seconds": 1.6}
message:
  description: One line saying what happened.
  returned: always
  type: str
  sample: "rolled back from 1.1.0 to 1.0.0, restarted, gate passed (3 consecutive successes)"
"""

import os

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.auraflow.ops.plugins.module_utils import health_gate as hg
from ansible_collections.auraflow.ops.plugins.module_utils import ledger as lg
from ansible_collections.auraflow.ops.plugins.module_utils.release_store import Layout, Lock, NotASymlink, default_actor, now, run, write_ledger


class LedgerCall:
    """What release_store.run() reads of a module: the ledger operation's parameters and the module's hooks."""

    def __init__(self, module, params):
        self.params = params
        self.check_mode = module.check_mode
        self._diff = module._diff
        self.fail_json = module.fail_json


def needs_restart(op, switched, restart_pending, running, active):
    """Whether the process must restart: a moved link, a waiting configuration, an explicit restart, or a
    process that does not serve the active release."""
    return op == 'restart' or switched or restart_pending or running != active


def main():
    module = AnsibleModule(
        argument_spec=dict(
            hg.GATE_OPTIONS,
            root=dict(type='path', required=True),
            op=dict(type='str', default='activate', choices=['activate', 'rollback', 'restart']),
            version=dict(type='str', default=''),
            mark_replaced=dict(type='str', default='rolled_back', choices=['failed', 'rolled_back']),
            reason=dict(type='str'),
            actor=dict(type='str'),
            service=dict(type='str', required=True),
            restart_pending=dict(type='bool', default=False),
            url=dict(type='str', required=True),
            mark_failed=dict(type='bool', default=True),
        ),
        required_if=[('op', 'activate', ('version',))],
        supports_check_mode=True,
    )
    p = module.params
    bad = hg.problems(p['successes'], p['max_failures'], p['interval'], p['timeout'], p['startup_timeout'], p['request_timeout'])
    if bad:
        module.fail_json(msg='backend_switch: %s' % bad, changed=False)
    layout = Layout(os.path.abspath(p['root']))
    if not os.path.isdir(layout.root):
        module.fail_json(msg='backend_switch: application root %s does not exist (the backend role creates it)' % layout.root, changed=False)
    actor = p['actor'] or default_actor()

    try:
        if p['version']:
            lg.check_version(p['version'])
        with Lock(layout, enabled=not module.check_mode):
            before = lg.parse(layout.read_ledger())
            if p['op'] == 'restart' or (p['op'] == 'rollback' and p['version'] and p['version'] == before['active']):
                ledger = dict(changed=False, message='%s stays active' % before['active'])
                active = before['active']
            else:
                state = 'activate' if p['op'] == 'activate' else 'rollback'
                ledger, dummy, after, dummy, dummy = run(LedgerCall(module, dict(
                    state=state, version=p['version'] or None, mark_replaced=p['mark_replaced'] if state == 'rollback' else None,
                    actor=actor, reason=p['reason'], sha256=None, status=None, keep=5)), layout)
                active = after['active']
    except lg.LedgerError as exc:
        module.fail_json(msg='backend_switch: %s' % exc, changed=False)
    except NotASymlink as exc:
        module.fail_json(msg='backend_switch: %s exists and is not a symlink: move it away and activate a release' % exc, changed=False)
    except OSError as exc:
        module.fail_json(msg='backend_switch: %s: %s' % (layout.root, exc), changed=False)

    switched = bool(ledger['changed'])
    running = ''
    if not (p['op'] == 'restart' or switched or p['restart_pending']):
        running = hg.running_version(p['url'], p['request_timeout'])
    restart = needs_restart(p['op'], switched, p['restart_pending'], running, active)
    result = dict(changed=switched or restart, active=active, replaced=before['active'], switched=switched,
                  restarted=restart, running_before=running, gate={})
    words = [ledger['message']]

    if module.check_mode:
        result['message'] = '; '.join(words + (['would restart %s' % p['service']] if restart else []))
        module.exit_json(**result)

    if restart:
        rc, out, err = module.run_command(['systemctl', 'restart', p['service']])
        if rc != 0:
            module.fail_json(msg='backend_switch: systemctl restart %s failed (%d): %s' % (p['service'], rc, (err or out).strip()), **result)
        words.append('restarted')

    verdict = hg.gate(p['url'], expect_version=active or '', successes=p['successes'], max_failures=p['max_failures'],
                      interval=p['interval'], timeout=p['timeout'], startup_timeout=p['startup_timeout'],
                      request_timeout=p['request_timeout'])
    result['gate'] = verdict
    if not verdict['passed']:
        if p['mark_failed'] and active:
            with Lock(layout, enabled=True):
                current = lg.parse(layout.read_ledger())
                marked, dummy = lg.mark(current, active, 'failed', now(), actor,
                                        'health gate on %s: %s' % (os.uname()[1], verdict['message']))
                write_ledger(layout, lg.dumps(marked))
            result['changed'] = True
        module.fail_json(msg='health gate failed for release %s on %s: %s; last response: %s %s' % (
            active, os.uname()[1], verdict['message'], verdict['last_status'] or 'none',
            (verdict['last_body'] or verdict['last_error'] or '')[:300]), **result)
    words.append('gate passed (%s)' % verdict['message'])
    result['message'] = ', '.join(words)
    module.exit_json(**result)


if __name__ == '__main__':
    main()
