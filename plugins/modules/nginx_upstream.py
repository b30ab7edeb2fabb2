#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, auraflow.ops maintainers
# MIT License (see LICENSE)

from __future__ import annotations

DOCUMENTATION = r"""
---
module: nginx_upstream
short_description: Drain backends of the Aura Flow nginx upstream (mark them down) or put them back, then reload
version_added: 0.1.0
description:
  - Marks exactly the backends in O(drained) C(down) in the upstream of an nginx site file and every other
    backend up, tests the new file, replaces the live one, reloads nginx and waits until only workers with the
    new configuration serve. An empty O(drained) puts every backend back.
  - A backend is a C(server) line of the site that ends in a C(# backend NAME) comment, as the role
    C(auraflow.ops.nginx) renders them. Only the C(down) flag before the C(;) of those lines changes; every other
    byte of the file stays as it is, so the result does not depend on who renders the rest of the site.
  - The drain list is checked before anything changes; it must name backends of the upstream and leave at least
    one in service.
  - The candidate file is written beside the live one and tested with O(validate). A candidate that fails the test
    is removed and the live file, and the running nginx, stay untouched. A candidate that passes replaces the live
    file atomically (rename), keeping its owner and mode.
  - After C(systemctl reload nginx), the module lists the serving workers (C(pgrep -f) on their process title,
    which a worker changes when it starts shutting down) every 0.05 s until none of the workers from before the reload serves any more,
    so the drain is in effect when the task returns.
  - One module run replaces reading the site, checking the list, one edit and test per backend, the reload and
    the wait (each a remote module execution before).
author:
  - auraflow.ops maintainers (@auraflow)
extends_documentation_fragment:
  - ansible.builtin.action_common_attributes
attributes:
  check_mode:
    support: full
    details: Reports whether the site file would change and touches nothing (no test, no reload).
  diff_mode:
    support: full
    details: The site file before and after.
  platform:
    platforms: posix
options:
  path:
    description:
      - The site file holding the upstream, for example C(/etc/nginx/conf.d/aura-flow.conf).
    type: path
    required: true
  drained:
    description:
      - Names of the backends (the C(# backend NAME) comments) to mark C(down); all others are marked up.
      - Empty puts every backend back in service.
    type: list
    elements: str
    default: []
  validate:
    description:
      - Command that tests the candidate file before it replaces the live one; C(%s) is replaced with the
        candidate's path and must appear. A non-zero exit status refuses the change.
      - For the role C(auraflow.ops.nginx), C(/usr/local/sbin/aura-nginx-validate /etc/nginx/conf.d/aura-flow.conf %s),
        which runs C(nginx -t) on a copy of C(/etc/nginx) with the candidate in place of the live file.
      - Required when the file has to change (also in check mode, which reports what the real run would do).
    type: str
  reload:
    description:
      - Reload nginx (C(systemctl reload nginx)) after a change and wait until only new workers serve.
      - V(false) only writes the file.
    type: bool
    default: true
  missing_ok:
    description:
      - A missing O(path) is not an error but a host where nginx serves nothing yet (before the first
        deploy has configured it) - the module changes nothing and returns RV(serving=false).
      - V(false) (the default) fails on a missing file.
    type: bool
    default: false
  unknown_ok:
    description:
      - Names in O(drained) that the upstream does not list (a backend host added to the inventory, which nginx
        learns of at its next C(main) run) take no traffic, so there is nothing to drain - they are left out and
        returned in RV(unknown) instead of failing the run.
      - V(false) (the default) refuses them (a mistyped name would drain nothing).
    type: bool
    default: false
  wait_timeout:
    description:
      - Seconds to wait after the reload for the old workers to stop serving before failing.
    type: int
    default: 50
notes:
  - Check mode reports whether the file would change, with the old and new file in C(diff) under C(--diff),
    and writes, tests and reloads nothing.
  - Nothing changes when the flags are already as asked (no test, no reload).
  - Needs C(pgrep) and C(systemctl) on the host when O(reload=true).
seealso:
  - module: ansible.builtin.replace
    description: What the role's upstream entry point used before, once per backend.
"""

EXAMPLES = r"""
- name: Drain aura-app1 before restarting it (delegated to the web host)
  auraflow.ops.nginx_upstream:
    path: /etc/nginx/conf.d/aura-flow.conf
    drained: [aura-app1]
    validate: /usr/local/sbin/aura-nginx-validate /etc/nginx/conf.d/aura-flow.conf %s
  delegate_to: aura-web1

- name: Put every backend back in service
  auraflow.ops.nginx_upstream:
    path: /etc/nginx/conf.d/aura-flow.conf
    drained: []
    validate: /usr/local/sbin/aura-nginx-validate /etc/nginx/conf.d/aura-flow.conf %s

- name: Only write the tested file; the next reload applies it
  auraflow.ops.nginx_upstream:
    path: /etc/nginx/conf.d/aura-flow.conf
    drained: [aura-app2]
    validate: /usr/local/sbin/aura-nginx-validate /etc/nginx/conf.d/aura-flow.conf %s
    reload: false
  register: upstream

- name: Show what serves
  ansible.builtin.debug:
    msg: "{{ upstream.in_service }} in service, {{ upstream.drained }} drained"
"""

RETURN = r"""
serving:
  description: Whether O(path) exists, that is, nginx serves through it (only V(false) with O(missing_ok)).
  returned: always
  type: bool
  sample: true
unknown:
  description: The names of O(drained) the upstream does not list, left out (only with O(unknown_ok)).
  returned: always
  type: list
  elements: str
  sample: [aura-app3]
backends:
  description: The backends of the upstream, in file order.
  returned: always
  type: list
  elements: str
  sample: [aura-app1, aura-app2]
drained:
  description: The backends marked C(down) after the run (what O(drained) asked for).
  returned: always
  type: list
  elements: str
  sample: [aura-app1]
in_service:
  description: The backends not marked C(down) after the run.
  returned: always
  type: list
  elements: str
  sample: [aura-app2]
changed:
  description: Whether the site file changed (in check mode, would change).
  returned: always
  type: bool
  sample: true
reloaded:
  description: Whether nginx was reloaded and its workers renewed.
  returned: always
  type: bool
  sample: true
workers:
  description: PIDs of the nginx workers serving when the module returned (after a reload, the new ones).
  returned: when nginx was reloaded
  type: list
  elements: int
  sample: [2311, 2312]
seconds:
  description: Time the module took, the test, the reload and the wait for new workers included.
  returned: always
  type: float
  sample: 0.41
message:
  description: One line saying what happened.
  returned: always
  type: str
  sample: "drained aura-app1 (in service: aura-app2), reloaded in 0.3 s"
diff:
  description: The site file before and after.
  returned: with C(--diff) when the file changed (or would)
  type: dict
  contains:
    before:
      description: The file before.
      type: str
    after:
      description: The file after.
      type: str
    before_header:
      description: The file's path.
      type: str
    after_header:
      description: The file's path.
      type: str
"""

import os
import shlex
import tempfile
import time

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.auraflow.ops.plugins.module_utils import nginx_upstream as nu

WORKER_PATTERN = '^nginx: worker process$'
POLL_SECONDS = 0.05


def read_text(module, path, missing_ok=False):
    """The site file's text; None when it is missing and missing_ok."""
    try:
        with open(path, 'rb') as handle:
            data = handle.read()
    except FileNotFoundError:
        if missing_ok:
            return None
        module.fail_json(msg='nginx site file %s does not exist (the role auraflow.ops.nginx writes it: run its main entry point first)' % path,
                         changed=False)
    except OSError as exc:
        module.fail_json(msg='cannot read the nginx site file %s: %s' % (path, exc.strerror or exc), changed=False)
    return data.decode('utf-8', errors='surrogateescape')


def workers(module, pgrep):
    """PIDs of the nginx workers that serve (not those shutting down after a reload)."""
    rc, out, err = module.run_command([pgrep, '-f', WORKER_PATTERN])
    if rc not in (0, 1):
        module.fail_json(msg='pgrep failed (rc %d): %s' % (rc, (err or out).strip()), changed=False)
    return sorted(int(pid) for pid in out.split() if pid.isdigit())


def summary(names, drained, in_service):
    if drained:
        return 'drained %s (in service: %s)' % (', '.join(drained), ', '.join(in_service))
    return 'every backend in service (%s)' % ', '.join(in_service)


def write_candidate(module, path, text):
    """The new text in a temporary file beside ``path`` (same file system, so the move is a rename). The name
    starts with a dot and does not end in .conf, so no nginx include glob ever picks it up."""
    directory = os.path.dirname(path) or '.'
    fd, candidate = tempfile.mkstemp(prefix='.%s.' % os.path.basename(path), suffix='.candidate', dir=directory)
    try:
        with os.fdopen(fd, 'wb') as handle:
            handle.write(text.encode('utf-8', errors='surrogateescape'))
            handle.flush()
            os.fsync(handle.fileno())
    except BaseException:
        remove(candidate)
        raise
    return candidate


def remove(path):
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass


def main():
    module = AnsibleModule(
        argument_spec=dict(
            path=dict(type='path', required=True),
            drained=dict(type='list', elements='str', default=[]),
            validate=dict(type='str'),
            reload=dict(type='bool', default=True),
            wait_timeout=dict(type='int', default=50),
            missing_ok=dict(type='bool', default=False),
            unknown_ok=dict(type='bool', default=False),
        ),
        supports_check_mode=True,
    )
    started = time.monotonic()
    params = module.params
    path = params['path']
    drained = list(params['drained'])
    validate = params['validate']

    if validate is not None and '%s' not in validate:
        module.fail_json(msg='validate must contain %%s (the candidate file): %s' % validate, changed=False)
    if params['wait_timeout'] < 1:
        module.fail_json(msg='wait_timeout must be at least 1 second, got %d' % params['wait_timeout'], changed=False)

    before = read_text(module, path, params['missing_ok'])
    if before is None:  # missing_ok: no site on this host yet (a first deploy), so nothing serves through it
        module.exit_json(changed=False, serving=False, backends=[], drained=[], in_service=[], reloaded=False, workers=[], unknown=[],
                         seconds=round(time.monotonic() - started, 3),
                         message='%s does not exist yet: nginx serves nothing through it, nothing to drain' % path)
    names = nu.backend_names(before)
    unknown = [name for name in drained if name not in names]
    if params['unknown_ok']:  # a backend nginx does not list yet (a new host) takes no traffic: nothing to drain
        drained = [name for name in drained if name in names]
    problem = nu.drain_problems(names, drained)
    if problem:
        module.fail_json(msg='%s: %s' % (path, problem), backends=names, changed=False)
    after = nu.mark(before, drained)
    serving = nu.in_service(names, drained)
    result = dict(changed=after != before, serving=True, backends=names, drained=[n for n in names if n in drained], in_service=serving,
                  reloaded=False, unknown=unknown if params['unknown_ok'] else [])

    if not result['changed']:
        result.update(seconds=round(time.monotonic() - started, 3), message='%s: nothing to change' % summary(names, drained, serving))
        module.exit_json(**result)

    if validate is None:
        module.fail_json(msg='%s must change (%s) but no validate command was given: a change is only written after a test'
                         % (path, summary(names, drained, serving)), changed=False, backends=names)
    if module._diff:
        result['diff'] = dict(before_header=path, after_header=path, before=before, after=after)
    if module.check_mode:
        result.update(seconds=round(time.monotonic() - started, 3),
                      message='would write %s: %s%s' % (path, summary(names, drained, serving), ' and reload nginx' if params['reload'] else ''))
        module.exit_json(**result)

    pgrep = systemctl = None
    if params['reload']:
        pgrep = module.get_bin_path('pgrep', required=True)
        systemctl = module.get_bin_path('systemctl', required=True)

    try:
        candidate = write_candidate(module, path, after)
    except OSError as exc:
        module.fail_json(msg='cannot write a candidate beside %s: %s' % (path, exc.strerror or exc), changed=False)
    try:
        command = validate.replace('%s', shlex.quote(candidate))
        rc, out, err = module.run_command(command)
        if rc != 0:
            remove(candidate)
            module.fail_json(msg='%s failed to validate (rc %d), the live file is unchanged: %s'
                             % (path, rc, (err.strip() or out.strip() or 'no output')),
                             rc=rc, stdout=out, stderr=err, validate=command, changed=False, backends=names)
        old_workers = workers(module, pgrep) if params['reload'] else []
        module.atomic_move(candidate, path)
    except BaseException:
        remove(candidate)
        raise

    if not params['reload']:
        result.update(seconds=round(time.monotonic() - started, 3),
                      message='wrote %s: %s (not reloaded)' % (path, summary(names, drained, serving)))
        module.exit_json(**result)

    rc, out, err = module.run_command([systemctl, 'reload', 'nginx'])
    if rc != 0:
        module.fail_json(msg='systemctl reload nginx failed (rc %d): %s; %s already holds the new flags (%s)'
                         % (rc, (err.strip() or out.strip() or 'no output'), path, summary(names, drained, serving)),
                         rc=rc, stdout=out, stderr=err, changed=True, backends=names)
    reloaded_at = time.monotonic()
    deadline = reloaded_at + params['wait_timeout']
    while True:
        now_workers = workers(module, pgrep)
        if nu.workers_renewed(old_workers, now_workers):
            break
        if time.monotonic() >= deadline:
            still = sorted(set(old_workers) & set(now_workers))
            if still:
                why = 'the old workers %s still serve' % ', '.join(str(pid) for pid in still)
            else:
                why = 'no nginx worker process is running'
            module.fail_json(msg='the nginx reload did not take effect within %d s: %s (%s is written: %s)'
                             % (params['wait_timeout'], why, path, summary(names, drained, serving)),
                             old_workers=old_workers, workers=now_workers, changed=True, backends=names)
        time.sleep(POLL_SECONDS)

    result.update(reloaded=True, workers=now_workers, seconds=round(time.monotonic() - started, 3),
                  message='%s, reloaded in %.1f s' % (summary(names, drained, serving), time.monotonic() - reloaded_at))
    module.exit_json(**result)


if __name__ == '__main__':
    main()
