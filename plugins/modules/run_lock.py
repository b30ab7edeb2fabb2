#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, auraflow.ops maintainers
# MIT License (see LICENSE)

from __future__ import annotations

DOCUMENTATION = r"""
---
module: run_lock
short_description: Take, give up or read the Aura Flow stack lock (one changing run at a time)
version_added: 0.2.0
description:
  - The stack lock is one file on one host that every controller reaches (the role
    P(auraflow.ops.run_guard#role) keeps it on the first web host). It names its holder - a token
    unique to the run, the playbook, the user, the controller and the C(ansible-playbook) PID there,
    the AWX job id when there is one, and the start time.
  - It is created atomically (written under a temporary name, then hard-linked to its name, which
    fails when a lock exists), so two runs never both hold it and a reader never sees half a holder.
  - V(present) takes the lock, or reports who holds it (RV(acquired=false)) without failing; the caller decides, because only the controller can tell
    whether the holder is still running.
    The same token taking it again is a no-op. With O(break_lock) a lock held by another run is
    replaced (RV(broken) names the holder that was replaced).
  - V(absent) gives up the lock of O(owner.token); a lock held by another token stays unless O(break_lock).
  - V(query) only reads it.
author:
  - auraflow.ops maintainers (@auraflow)
options:
  path:
    description: The lock file.
    type: path
    default: /var/lib/aura-flow/run.lock
  state:
    description: V(present) takes it, V(absent) gives it up, V(query) reads it.
    type: str
    choices: [present, absent, query]
    default: present
  owner:
    description:
      - Who takes or gives up the lock. O(owner.token) is required for V(present) and V(absent).
    type: dict
    default: {}
    suboptions:
      token:
        description: Unique to the run (for example controller, PID and start time).
        type: str
      playbook:
        description: The playbook.
        type: str
      user:
        description: Who runs it.
        type: str
      controller:
        description: The controller's host name.
        type: str
      pid:
        description: The C(ansible-playbook) process ID on the controller.
        type: str
      awx_job_id:
        description: The AWX / Automation Platform job id, when there is one.
        type: str
      started:
        description: When the run started (UTC, ISO 8601).
        type: str
  break_lock:
    description: Replace (V(present)) or remove (V(absent)) a lock another run holds. Only for a holder that is gone.
    type: bool
    default: false
extends_documentation_fragment:
  - ansible.builtin.action_common_attributes
attributes:
  check_mode:
    support: full
    details: In check mode nothing is written; RV(acquired) says whether the lock could be taken.
  diff_mode:
    support: none
  platform:
    platforms: posix
notes:
  - The lock does not expire by itself; a run that was killed leaves it behind, and the next run
    names it and refuses until it is broken deliberately.
"""

EXAMPLES = r"""
- name: Take the stack lock
  auraflow.ops.run_lock:
    owner:
      token: "ctl1:4242:2026-11-29T10:00:00Z"
      playbook: deploy.yml
      user: alice
      controller: ctl1
      pid: "4242"
      started: "2026-11-29T10:00:00Z"
  register: lock

- name: Give it up
  auraflow.ops.run_lock:
    state: absent
    owner:
      token: "ctl1:4242:2026-11-29T10:00:00Z"
"""

RETURN = r"""
acquired:
  description: This run holds the lock (V(present)); false when another run holds it.
  returned: state is present
  type: bool
held:
  description: A lock exists after the call.
  returned: always
  type: bool
holder:
  description: Who holds the lock (after the call); null when nobody does.
  returned: always
  type: dict
  sample: {token: "ctl1:4242:2026-11-29T10:00:00Z", playbook: deploy.yml, user: alice, controller: ctl1,
           pid: "4242", awx_job_id: "", started: "2026-11-29T10:00:00Z"}
broken:
  description: The holder replaced or removed because of O(break_lock); null otherwise.
  returned: always
  type: dict
message:
  description: One line saying what happened.
  returned: always
  type: str
"""


from ansible.module_utils.basic import AnsibleModule
from ansible_collections.auraflow.ops.plugins.module_utils import run_lock


def main():
    module = AnsibleModule(
        argument_spec=dict(
            path=dict(type='path', default='/var/lib/aura-flow/run.lock'),
            state=dict(type='str', choices=['present', 'absent', 'query'], default='present'),
            owner=dict(type='dict', default={}, options=dict(
                token=dict(type='str', no_log=False), playbook=dict(type='str'), user=dict(type='str'),
                controller=dict(type='str'), pid=dict(type='str'), awx_job_id=dict(type='str'),
                started=dict(type='str'))),
            break_lock=dict(type='bool', default=False),
        ),
        required_if=[('state', 'present', ('owner',)), ('state', 'absent', ('owner',))],
        supports_check_mode=True,
    )
    path = module.params['path']
    state = module.params['state']
    owner = module.params['owner'] or {}
    break_lock = module.params['break_lock']
    if state != 'query' and not owner.get('token'):
        module.fail_json(msg='run_lock: owner.token is required to take or give up the lock (state=%s)' % state)
    try:
        holder = run_lock.read(path)
        result = dict(changed=False, broken=None)
        if state == 'query':
            result.update(held=holder is not None, holder=holder,
                          message='held by %s' % run_lock.describe(holder) if holder else 'not held')
        elif state == 'present':
            if module.check_mode:
                ours = holder is None or holder.get('token') == owner['token']
                could = ours or break_lock
                what = 'could be taken' if could else 'is held by ' + run_lock.describe(holder)
                result.update(acquired=could, held=holder is not None, holder=holder,
                              changed=not (holder and holder.get('token') == owner['token']) and could,
                              message='check mode: the lock %s' % what)
            else:
                acquired, changed, now, broken = run_lock.acquire(path, owner, break_lock)
                result.update(acquired=acquired, changed=changed, held=True, holder=now, broken=broken,
                              message=('taken' if changed else 'already ours') if acquired
                              else 'held by %s' % run_lock.describe(now))
                if broken:
                    result['message'] = 'taken after breaking the lock of %s' % run_lock.describe(broken)
        else:
            if module.check_mode:
                mine = holder is not None and (holder.get('token') == owner['token'] or break_lock)
                result.update(changed=mine, held=holder is not None and not mine, holder=None if mine else holder,
                              message='check mode: the lock %s' % ('would be given up' if mine else 'stays as it is'))
            else:
                changed, before = run_lock.release(path, owner['token'], break_lock)
                other = before is not None and not changed
                result.update(changed=changed, held=other, holder=before if other else None,
                              broken=before if changed and before.get('token') != owner['token'] else None,
                              message='given up' if changed else ('held by %s, left alone' % run_lock.describe(before)
                                                                  if other else 'not held'))
    except (OSError, ValueError) as err:
        module.fail_json(msg='run_lock: %s: %s' % (path, err))
    module.exit_json(**result)


if __name__ == '__main__':
    main()
