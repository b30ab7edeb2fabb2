#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, auraflow.ops maintainers
# MIT License (see LICENSE)

from __future__ import annotations

DOCUMENTATION = r'''
---
module: env_check
short_description: Check that a .env file has every required key, without showing secret values
version_added: 0.1.0
description:
  - Parses a C(KEY=value) environment file (the backend's C(/opt/aura-flow/shared/.env)) and reports which
    O(required) keys are missing or empty. Values are never returned, except those named in O(show), and a name
    that looks secret (C(SECRET), C(PASSWORD), C(TOKEN), C(KEY), C(DSN), C(*_URL)...) cannot be shown.
  - Read-only. A missing file is a result (RV(exists=false)), not a failure.
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
    description: The environment file.
    type: path
    default: /opt/aura-flow/shared/.env
  required:
    description: Keys that must be present with a value.
    type: list
    elements: str
    default: [NODE_ENV, PORT, DATABASE_URL, REDIS_URL, JWT_SECRET, JWT_EXPIRES_IN, CORS_ORIGIN, DAILY_COST_LIMIT, LOG_DIR]
  show:
    description: Non-secret keys whose values to return in RV(shown).
    type: list
    elements: str
    default: []
notes:
  - Supports check mode (it only reads).
'''

EXAMPLES = r'''
- name: Check the backend's .env
  auraflow.ops.env_check:
    show: [CORS_ORIGIN, DAILY_COST_LIMIT, AI_DEGRADED]
  become: true
  register: env
'''

RETURN = r'''
exists:
  description: Whether the file exists.
  returned: always
  type: bool
names:
  description: Every key in the file (names only).
  returned: always
  type: list
  elements: str
missing:
  description: Required keys that are absent.
  returned: always
  type: list
  elements: str
empty:
  description: Required keys present with an empty value.
  returned: always
  type: list
  elements: str
shown:
  description: The values of the O(show) keys present in the file.
  returned: always
  type: dict
  sample: {CORS_ORIGIN: "https://app.example.com"}
'''

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.auraflow.ops.plugins.module_utils.diagnose import check_env


def run_module():
    module = AnsibleModule(
        argument_spec=dict(
            path=dict(type='path', default='/opt/aura-flow/shared/.env'),
            required=dict(type='list', elements='str',
                          default=['NODE_ENV', 'PORT', 'DATABASE_URL', 'REDIS_URL', 'JWT_SECRET', 'JWT_EXPIRES_IN',
                                   'CORS_ORIGIN', 'DAILY_COST_LIMIT', 'LOG_DIR']),
            show=dict(type='list', elements='str', default=[]),
        ),
        supports_check_mode=True,
    )
    params = module.params
    try:
        with open(params['path'], encoding='utf-8', errors='replace') as handle:
            text = handle.read()
    except FileNotFoundError:
        module.exit_json(changed=False, exists=False, names=[], missing=list(params['required']), empty=[], shown={},
                         msg='%s does not exist' % params['path'])
    except OSError as exc:
        module.fail_json(msg='cannot read %s: %s' % (params['path'], exc.strerror or exc))
    try:
        result = check_env(text, params['required'], params['show'])
    except ValueError as exc:
        module.fail_json(msg=str(exc))
    module.exit_json(changed=False, exists=True, msg='%d keys, missing: %s, empty: %s' % (
        len(result['names']), ', '.join(result['missing']) or 'none', ', '.join(result['empty']) or 'none'), **result)


def main():
    run_module()


if __name__ == '__main__':
    main()
