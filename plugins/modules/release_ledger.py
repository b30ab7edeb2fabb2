#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, auraflow.ops maintainers
# MIT License (see LICENSE)

from __future__ import annotations

DOCUMENTATION = r"""
---
module: release_ledger
short_description: Record, activate, mark, roll back and prune Aura Flow releases
version_added: 0.1.0
description:
  - Keeps the release ledger of one application root, for example C(/opt/aura-flow) (backend) or
    C(/var/www/aura-flow) (frontend). The root holds C(releases/<version>/) directories, the
    C(current) symlink to the active one and the ledger C(releases.json).
  - The ledger lists every release with its C(version), C(sha256), C(deployed_at), C(deployed_by)
    and C(status) (V(active), V(previous), V(inactive), V(deployed), V(failed), V(rolled_back)),
    and keeps a short history of events.
  - C(current) is switched atomically, by creating a temporary symlink beside it and renaming it over
    C(current) with rename(2), so a reader sees the old or the new release, never nothing.
  - The rollback rule, shared by deploy, rollback and drills, picks the release that was active most
    recently before the active one, skipping releases marked V(failed) or V(rolled_back), releases
    that were never active and releases whose directory is gone.
  - Writes take an exclusive lock (C(<root>/.releases.json.lock)) and replace the ledger atomically.
author:
  - auraflow.ops maintainers (@auraflow)
extends_documentation_fragment:
  - ansible.builtin.action_common_attributes
attributes:
  check_mode:
    support: full
    details: Reports what would change, with the ledger and the link in C(diff), and writes nothing.
  diff_mode:
    support: full
    details: The ledger and the C(current) link before and after.
  platform:
    platforms: posix
options:
  root:
    description:
      - Application root holding C(releases/), C(current) and C(releases.json).
    type: path
    required: true
  state:
    description:
      - V(query) reads the ledger and reports drift between it and the file system; it never changes anything.
      - V(record) adds an unpacked release (O(version), O(sha256)); the same artifact again is a no-op, a
        V(failed) or V(rolled_back) release recorded again is a retry, and a different artifact under the
        active version is refused.
      - V(activate) points C(current) at O(version) and makes it the active release.
      - V(mark) marks O(version) with O(status).
      - V(rollback) activates O(version) if given, else the rollback target, and marks the release it
        replaces with O(mark_replaced). Fails, changing nothing, when there is no release to go back to.
      - V(prune) deletes release directories beyond the O(keep) newest, never the active or previous
        release, nor the one C(current) points to.
    type: str
    choices: [query, record, activate, mark, rollback, prune]
    default: query
  version:
    description:
      - Release version, also its directory name under C(releases/). Letters, digits and C(. _ + -).
      - Required for O(state=record), O(state=activate) and O(state=mark); optional for O(state=rollback).
    type: str
  sha256:
    description:
      - SHA-256 of the release artifact (64 hexadecimal characters). Required for O(state=record).
    type: str
  status:
    description:
      - The mark for O(state=mark).
    type: str
    choices: [failed, rolled_back]
  mark_replaced:
    description:
      - With O(state=activate) or O(state=rollback), mark the release being replaced. A release already
        marked V(failed) keeps that mark.
      - Defaults to V(rolled_back) for O(state=rollback) and to no mark for O(state=activate).
    type: str
    choices: [failed, rolled_back]
  keep:
    description:
      - With O(state=prune), how many of the newest releases (most recently recorded or activated) to keep.
    type: int
    default: 5
  actor:
    description:
      - Who made the change, stored as C(deployed_by)/C(activated_by) and in the history.
      - Defaults to C($SUDO_USER), else the remote user.
    type: str
  reason:
    description:
      - Free text stored in the history with O(state=mark) and O(state=rollback), for example the last health response.
    type: str
  missing_ok:
    description:
      - With O(state=rollback) and O(version), a release already active or never recorded under this root changes nothing
        instead of failing (the frontend follows the backends' rollback only where it has that release).
    type: bool
    default: false
  health_url:
    description:
      - With O(state=query), also ask the service there (one request, 3 s) which release its running process serves,
        returned as RV(running) - what it serves, whatever C(current) points to (a run killed between the link swap
        and the restart leaves them apart).
    type: str
notes:
  - Check mode reports what would change, with the ledger and the link in C(diff), and writes nothing.
  - The release directories are created by the caller (the backend and frontend roles unpack into
    C(releases/.incoming-<version>) and rename), so a directory under C(releases/) is always complete.
seealso:
  - module: ansible.builtin.file
    description: The symlink swap here is atomic (temporary link + rename); C(state=link) replaces in place.
"""

EXAMPLES = r"""
- name: Record the unpacked release
  auraflow.ops.release_ledger:
    root: /opt/aura-flow
    state: record
    version: 1.1.0
    sha256: "{{ artifact_sha256 }}"

- name: Switch current to it
  auraflow.ops.release_ledger:
    root: /opt/aura-flow
    state: activate
    version: 1.1.0

- name: The health gate failed
  auraflow.ops.release_ledger:
    root: /opt/aura-flow
    state: mark
    version: 1.1.0
    status: failed
    reason: "/health answered 503 four times in a row"

- name: Go back to the previous good release (marks the one left rolled_back)
  auraflow.ops.release_ledger:
    root: /opt/aura-flow
    state: rollback

- name: What is active, and where would a rollback go?
  auraflow.ops.release_ledger:
    root: /var/www/aura-flow
  register: frontend_ledger

- name: Keep the five newest releases
  auraflow.ops.release_ledger:
    root: /opt/aura-flow
    state: prune
    keep: 5
"""

RETURN = r"""
ok:
  description: No finding of severity high or above (drift between the ledger and C(current), C(current) not a symlink).
  returned: always
  type: bool
  sample: true
active:
  description: The active release after the operation (C(null) when none).
  returned: always
  type: str
  sample: 1.1.0
previous:
  description: The release a rollback would go to now (C(null) when none).
  returned: always
  type: str
  sample: 1.0.0
rollback_target:
  description: Same as RV(previous), but only counting releases whose directory exists.
  returned: always
  type: str
  sample: 1.0.0
target:
  description: The release O(state=rollback) activated.
  returned: when O(state=rollback) succeeded
  type: str
  sample: 1.0.0
replaced:
  description: The release that was active before O(state=activate) or O(state=rollback).
  returned: when O(state=activate) or O(state=rollback)
  type: str
  sample: 1.1.0
current:
  description: Where C(current) points after the operation (C(null) when it does not exist).
  returned: always
  type: str
  sample: /opt/aura-flow/releases/1.1.0
releases:
  description: The releases, newest first.
  returned: always
  type: list
  elements: dict
  sample: [{"version": "1.1.0", "status": "active", "sha256": "9f2c...", "deployed_at": "2026-01-02T03:04:05Z",
            "deployed_by": "ops", "activated_at": "2026-01-02T03:04:09Z"}]
pruned:
  description: Versions deleted (or, in check mode, that would be) by O(state=prune).
  returned: always
  type: list
  elements: str
  sample: ["0.9.0"]
ledger:
  description: The whole ledger after the operation, as stored in C(releases.json).
  returned: always
  type: dict
findings:
  description: Drift between the ledger and the file system, most severe first.
  returned: always
  type: list
  elements: dict
  contains:
    id:
      description: >-
        Stable id, one of C(ledger.current_not_symlink), C(ledger.link_drift), C(ledger.active_marked),
        C(ledger.release_dir_missing), C(ledger.unrecorded_release_dir), C(ledger.no_rollback_target).
      type: str
    severity:
      description: info, low, medium, high or critical.
      type: str
    message:
      description: What was found.
      type: str
    evidence:
      description: The values behind it.
      type: dict
  sample: [{"id": "ledger.no_rollback_target", "severity": "info", "message": "no earlier release to roll back to", "evidence": {}}]
running:
  description: With O(health_url), the C(version) the running service answers with; empty when nothing answers.
  returned: when O(health_url) is given
  type: str
  sample: 1.1.0
message:
  description: One line saying what happened.
  returned: always
  type: str
  sample: activated 1.1.0 (was 1.0.0)
"""

import os

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.auraflow.ops.plugins.module_utils import health_gate as hg
from ansible_collections.auraflow.ops.plugins.module_utils import ledger as lg
from ansible_collections.auraflow.ops.plugins.module_utils.findings import Finding, sort_findings, verdict
from ansible_collections.auraflow.ops.plugins.module_utils.release_store import Layout, Lock, NotASymlink, run


def findings_for(ledger, layout, available, link_version, link_target):
    found = []
    active = ledger['active']
    if link_target is not None and link_version != active:
        found.append(Finding('ledger.link_drift', 'high', '%s points to %s but the ledger says the active release is %s'
                             % (layout.current, link_target, active), {'current': link_target, 'ledger_active': active}))
    elif link_target is None and active is not None:
        found.append(Finding('ledger.link_drift', 'high', '%s is missing but the ledger says %s is active' % (layout.current, active),
                             {'current': None, 'ledger_active': active}))
    if active is not None and lg.find(ledger, active)['status'] in lg.MARKS:
        found.append(Finding('ledger.active_marked', 'medium', 'the active release %s is marked %s' % (active, lg.find(ledger, active)['status']),
                             {'version': active, 'status': lg.find(ledger, active)['status']}))
    recorded = set(e['version'] for e in ledger['releases'])
    for version in sorted(recorded - available):
        found.append(Finding('ledger.release_dir_missing', 'medium', 'release %s is recorded but %s does not exist' % (version, layout.release(version)),
                             {'version': version}))
    for version in sorted(available - recorded):
        found.append(Finding('ledger.unrecorded_release_dir', 'low', '%s is not recorded in the ledger' % layout.release(version), {'version': version}))
    try:
        lg.rollback_target(ledger, available=available)
    except lg.NoRollbackTarget as exc:
        found.append(Finding('ledger.no_rollback_target', 'info', str(exc), {}))
    return sort_findings(found)


def main():
    module = AnsibleModule(
        argument_spec=dict(
            root=dict(type='path', required=True),
            state=dict(type='str', default='query', choices=['query', 'record', 'activate', 'mark', 'rollback', 'prune']),
            version=dict(type='str'),
            sha256=dict(type='str'),
            status=dict(type='str', choices=['failed', 'rolled_back']),
            mark_replaced=dict(type='str', choices=['failed', 'rolled_back']),
            keep=dict(type='int', default=5),
            actor=dict(type='str'),
            reason=dict(type='str'),
            missing_ok=dict(type='bool', default=False),
            health_url=dict(type='str'),
        ),
        required_if=[
            ('state', 'record', ('version', 'sha256')),
            ('state', 'activate', ('version',)),
            ('state', 'mark', ('version', 'status')),
        ],
        supports_check_mode=True,
    )
    params = module.params
    layout = Layout(os.path.abspath(params['root']))
    try:
        if params['version'] is not None:
            lg.check_version(params['version'])
        if params['sha256'] is not None:
            params['sha256'] = lg.check_sha256(params['sha256'])
        if params['keep'] < 1:
            raise lg.LedgerError('keep must be at least 1, got %d' % params['keep'])
        mutating = params['state'] != 'query'
        with Lock(layout, enabled=mutating and not module.check_mode and os.path.isdir(layout.root)):
            result, dummy, after, available, link = run(module, layout)
    except lg.LedgerError as exc:
        module.fail_json(msg=str(exc), changed=False)
    except NotASymlink as exc:
        module.fail_json(msg='%s exists and is not a symlink: move it away (it may be a release installed by hand) and activate a release'
                         % exc, changed=False)
    except OSError as exc:
        module.fail_json(msg='%s: %s' % (layout.root, exc), changed=False)

    findings = findings_for(after, layout, available, link[1], link[0])
    try:
        rollback_target = lg.rollback_target(after, available=available)
    except lg.NoRollbackTarget:
        rollback_target = None
    result.update(
        ok=verdict(findings, 'high').ok,
        active=after['active'],
        previous=after['previous'],
        rollback_target=rollback_target,
        current=link[0],
        releases=lg.summary(after),
        ledger=after,
        findings=[f.as_dict() for f in findings],
    )
    if params['health_url'] and params['state'] == 'query':
        result['running'] = hg.running_version(params['health_url'], 3.0)
    module.exit_json(**result)


if __name__ == '__main__':
    main()
