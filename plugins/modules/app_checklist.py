#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, auraflow.ops maintainers
# MIT License (see LICENSE)

from __future__ import annotations

DOCUMENTATION = r"""
---
module: app_checklist
short_description: The runbook's verification checklist through the public entry, in one call
version_added: 0.9.0
description:
  - Runs the verification checklist of the runbook (回滚验证清单) against the public URL O(url) (nginx),
    in one module run on the controller, and judges every answer - C(/health) through nginx (its C(status)
    only - nginx gives the detail only to its monitoring allow-list), the database and Redis as the backends'
    own C(/health) (O(backends)) report them, a login as O(user), C(/api/me) with the token, an item created and read back,
    and a short closed-loop latency/error sample of C(/health) against O(p95_ms) and O(max_error_rate).
  - Each backend's own C(/health), asked where the backend port is reachable (the web host, or the backend
    host itself - the controller may not reach it), comes in as O(backends); every backend must answer
    C(status=ok) with the release O(release).
  - Never fails for a failed check - RV(ok=false) and RV(failed_checks) names them; the caller decides (the role
    P(auraflow.ops.rollout#role) reports them, C(deploy.yml) rolls back). Fails only on bad input.
  - The item it creates is test data of the application, not a change of the managed system, so the
    module reports C(changed=false). In check mode it writes nothing and asks only the read-only questions.
author:
  - auraflow.ops maintainers (@auraflow)
options:
  url:
    description: The public base URL (scheme, host, port; no trailing path), e.g. C(https://aura-flow.example.com).
    type: str
    required: true
  release:
    description: The version every backend must answer with.
    type: str
    required: true
  user:
    description: The checklist account's e-mail address.
    type: str
    required: true
  password:
    description: The checklist account's password. Never returned or logged.
    type: str
    required: true
  backends:
    description:
      - The answers of every backend's C(/health) on its own host, as an M(ansible.builtin.uri) loop over
        the backends registers them (C(results)); each result's loop item is the backend's name.
      - Keys read from each result - the loop item (its name is in C(ansible_loop_var)), C(status)
        (-1 when nothing answered), C(json), C(msg), C(elapsed).
      - Or verdicts of M(auraflow.ops.health_gate) (one run's RV(auraflow.ops.health_gate#module:gates) with O(auraflow.ops.health_gate#module:urls), or
        one run per backend), each with the backend's C(name) added - C(last_status), C(last_body), C(last_error), C(seconds).
    type: list
    elements: dict
    default: []
  prefix:
    description: Put before every check name, e.g. C(after_rollback_) or C(smoke_).
    type: str
    default: ""
  item_title:
    description: Title of the item created and read back; empty makes a unique one.
    type: str
    default: ""
  timeout:
    description: Seconds one request may take.
    type: float
    default: 5
  slo_requests:
    description: Requests of the latency/error sample.
    type: int
    default: 300
  slo_concurrency:
    description: Requests in flight at once during the sample.
    type: int
    default: 8
  p95_ms:
    description: The sample's 95th percentile latency target in milliseconds.
    type: float
    default: 200
  max_error_rate:
    description: The largest fraction of failed requests the sample tolerates (0.01 = 1 %).
    type: float
    default: 0.01
extends_documentation_fragment:
  - ansible.builtin.action_common_attributes
  - auraflow.ops.http_client
attributes:
  check_mode:
    support: full
    details: In check mode no item is created; C(key_function_items) then says so.
  diff_mode:
    support: none
  platform:
    platforms: posix
notes:
  - The check names are stable (reports and AWX rely on them) - C(health_backend_<host>),
    C(release_backend_<host>), C(health_nginx), C(db_connection), C(user_login), C(key_function_me),
    C(key_function_items), C(slo_sample), each after O(prefix).
seealso:
  - module: auraflow.ops.slo_check
  - module: auraflow.ops.health_gate
"""

EXAMPLES = r"""
- name: Ask every backend on its own host
  ansible.builtin.uri:
    url: http://127.0.0.1:3001/health
    return_content: true
    status_code: [-1, 200, 503]
  delegate_to: "{{ item }}"
  loop: "{{ groups['aura_app'] }}"
  register: backend_health
  failed_when: false

- name: Run the checklist through nginx
  auraflow.ops.app_checklist:
    url: https://aura-flow.example.com
    release: 1.1.0
    user: checklist@aura-flow.example.com
    password: "{{ aura_checklist_password }}"
    backends: "{{ backend_health.results }}"
  register: checklist
  delegate_to: localhost

- name: Stop on a failed check
  ansible.builtin.fail:
    msg: "checklist: {{ checklist.failed_checks | join(', ') }}"
  when: not checklist.ok
"""

RETURN = r"""
ok:
  description: Every check passed.
  returned: always
  type: bool
checks:
  description: One entry per check, in the runbook's order.
  returned: always
  type: list
  elements: dict
  contains:
    name:
      description: Stable check name (with O(prefix)).
      type: str
    ok:
      description: The check passed.
      type: bool
    severity:
      description: C(critical) or C(high).
      type: str
    detail:
      description: What was seen.
      type: str
    seconds:
      description: Time the requests of the check took.
      type: float
  sample:
    - name: health_nginx
      ok: true
      severity: critical
      detail: 'HTTP 200 {"db": "ok", "redis": "ok", "status": "ok", "version": "1.1.0"}'
      seconds: 0.004
failed_checks:
  description: Names of the checks that did not pass.
  returned: always
  type: list
  elements: str
objectives:
  description: The sample's targets as applied.
  returned: always
  type: dict
  sample: {p95_ms: 200.0, max_error_rate: 0.01}
msg:
  description: One line - all passed, or which checks failed.
  returned: always
  type: str
"""

import json
import time
import traceback

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.auraflow.ops.plugins.module_utils.checklist import failed_names, judge
from ansible_collections.auraflow.ops.plugins.module_utils.http_load import LoadSpec, run_load
from ansible_collections.auraflow.ops.plugins.module_utils.http_probe import ProbeError, Session
from ansible_collections.auraflow.ops.plugins.module_utils.slo import (
    ObjectiveError, error_rate, evaluate, latency_summary, measured_values, validate_objectives)

ARGUMENT_SPEC = dict(
    url=dict(type='str', required=True),
    release=dict(type='str', required=True),
    user=dict(type='str', required=True),
    password=dict(type='str', required=True, no_log=True),
    backends=dict(type='list', elements='dict', default=[]),
    prefix=dict(type='str', default=''),
    item_title=dict(type='str', default=''),
    timeout=dict(type='float', default=5.0),
    slo_requests=dict(type='int', default=300),
    slo_concurrency=dict(type='int', default=8),
    p95_ms=dict(type='float', default=200.0),
    max_error_rate=dict(type='float', default=0.01),
    validate_certs=dict(type='bool', default=True),
)


def backend_answers(results):
    """``{name, status, json, error, seconds}`` from the results of a uri loop over the backends, or of
    M(auraflow.ops.health_gate) runs on them (``last_status``, ``last_body``; each with its ``name``)."""
    answers = []
    for result in results:
        loop_var = result.get('ansible_loop_var') or 'item'
        name = result.get(loop_var, result.get('name', '?'))
        if 'last_status' in result:
            try:
                body = json.loads(result.get('last_body') or '')
            except ValueError:
                body = None
            answers.append({'name': str(name), 'status': result['last_status'] or -1, 'json': body,
                            'error': result.get('last_error') or '', 'seconds': result.get('seconds', 0)})
            continue
        answers.append({'name': str(name), 'status': result.get('status', -1), 'json': result.get('json'),
                        'error': result.get('msg', ''), 'seconds': result.get('elapsed', 0)})
    return answers


class Asker:
    """The checklist's requests through one keep-alive session; an unanswered request is status -1."""

    def __init__(self, base, session):
        self.base = base.rstrip('/')
        self.session = session

    def ask(self, path, method='GET', body=None, token=None):
        headers = {'Authorization': 'Bearer %s' % token} if token else None
        started = time.monotonic()
        try:
            resp = self.session.request(self.base + path, method=method, headers=headers, body=body)
        except ProbeError as exc:
            return {'status': -1, 'json': None, 'error': str(exc), 'seconds': time.monotonic() - started}
        try:
            data = resp.json()
        except ProbeError:
            data = None
        return {'status': resp.status, 'json': data, 'error': '' if data is not None else resp.text()[:200],
                'seconds': time.monotonic() - started}


def sample(module, url, objectives):
    """The closed-loop latency/error sample of url, judged against objectives."""
    params = module.params
    spec = LoadSpec(url, timeout=params['timeout'], validate_certs=params['validate_certs'],
                    concurrency=params['slo_concurrency'], requests=params['slo_requests'])
    load = run_load(spec)
    latency = latency_summary(load.samples)
    rate = 1.0 if load.unreachable else error_rate(load.errors, load.requests)
    rps = round(load.requests / load.elapsed, 1) if load.elapsed > 0 else 0.0
    breaches = evaluate(objectives, measured_values(latency, rate, rps))
    return {'ok': not load.unreachable and not breaches, 'requests': load.requests, 'p95_ms': latency['p95'],
            'error_rate': round(rate, 6), 'seconds': round(load.elapsed, 3), 'targets': objectives,
            'unreachable': load.unreachable}


def run_module():
    module = AnsibleModule(argument_spec=ARGUMENT_SPEC, supports_check_mode=True)
    params = module.params
    base = params['url'].rstrip('/')
    if not base.startswith(('http://', 'https://')):
        module.fail_json(msg='url must start with http:// or https://, got %r' % params['url'])
    for name in ('slo_requests', 'slo_concurrency'):
        if params[name] < 1:
            module.fail_json(msg='%s must be at least 1, got %s' % (name, params[name]))
    if params['timeout'] <= 0:
        module.fail_json(msg='timeout must be positive, got %s' % params['timeout'])
    try:
        objectives = validate_objectives({'p95_ms': params['p95_ms'], 'max_error_rate': params['max_error_rate']})
    except ObjectiveError as exc:
        module.fail_json(msg=str(exc))
    title = params['item_title'] or 'checklist %s %d' % (time.strftime('%Y%m%dT%H%M%S', time.gmtime()), int(time.time() * 1000) % 1000000)

    try:
        with Session(timeout=params['timeout'], validate_certs=params['validate_certs']) as session:
            asker = Asker(base, session)
            nginx = asker.ask('/health')
            answer = asker.ask('/api/auth/login', 'POST', {'email': params['user'], 'password': params['password']})
            token = (answer['json'] or {}).get('token') if isinstance(answer['json'], dict) else None
            login = {'status': answer['status'], 'token': bool(token), 'seconds': answer['seconds']}
            me = asker.ask('/api/me', token=token)
            if module.check_mode:
                item = {'skipped': 'check mode creates no item'}
            else:
                created = asker.ask('/api/items', 'POST', {'title': title}, token=token)
                read = asker.ask('/api/items', token=token)
                item = {'created_status': created['status'], 'title': title, 'read_json': read['json'],
                        'seconds': created['seconds'] + read['seconds']}
        slo = sample(module, base + '/health', objectives)
    except (ValueError, OSError) as exc:
        module.fail_json(msg='app_checklist could not run: %s' % exc)
    except Exception as exc:  # a bug must still end as a clear task failure
        module.fail_json(msg='app_checklist failed unexpectedly: %s: %s' % (type(exc).__name__, exc),
                         exception=traceback.format_exc())

    checks = judge(params['release'], params['user'], backend_answers(params['backends']), nginx, login, me, item, slo,
                   prefix=params['prefix'])
    names = failed_names(checks)
    msg = ('checklist passed: %d checks' % len(checks)) if not names else 'checklist failed: %s' % ', '.join(names)
    module.exit_json(changed=False, ok=not names, checks=checks, failed_checks=names, objectives=objectives, msg=msg)


def main():
    run_module()


if __name__ == '__main__':
    main()
