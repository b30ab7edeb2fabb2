#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, auraflow.ops maintainers
# MIT License (see LICENSE)

from __future__ import annotations

DOCUMENTATION = r"""
---
module: file_state
short_description: Read the type, owner, group, mode and checksum of many paths in one step
version_added: 0.10.0
description:
  - Reads each path without following a final symlink and returns what it is. Read-only; never changes anything.
  - The roles of this collection read every file and directory they manage with one run of this module and
    give M(ansible.builtin.template), M(ansible.builtin.copy) and M(ansible.builtin.file) only the entries that
    are not in place (filter P(auraflow.ops.files_to_write#filter)). On a converged host that is one remote
    step per role instead of one or two per file.
author:
  - auraflow.ops maintainers (@auraflow)
options:
  paths:
    description: Absolute paths to read.
    type: list
    elements: path
    required: true
  checksum:
    description: Compute the sha1 of regular files (the checksum M(ansible.builtin.stat) and M(ansible.builtin.copy) use).
    type: bool
    default: true
extends_documentation_fragment:
  - ansible.builtin.action_common_attributes
attributes:
  check_mode:
    support: full
    details: Read-only; the same result in check mode.
  diff_mode:
    support: none
  platform:
    support: full
    platforms: posix
seealso:
  - module: ansible.builtin.stat
"""

EXAMPLES = r"""
- name: Read the files the role manages
  auraflow.ops.file_state:
    paths: "{{ nginx_files | map(attribute='dest') }}"
  register: nginx_file_state

- name: Write the files that are not in place
  ansible.builtin.template:
    src: "{{ item.src }}"
    dest: "{{ item.dest }}"
    owner: root
    group: root
    mode: "{{ item.mode }}"
  loop: "{{ nginx_files | auraflow.ops.files_to_write(nginx_file_state.files) }}"
"""

RETURN = r"""
files:
  description:
    - Path -> what it holds. A missing path has only C(exists=false).
    - C(device) is the number of the filesystem the path is on (C(st_dev)); two paths on the same disk have the same one.
  returned: always
  type: dict
  sample:
    /etc/nginx/nginx.conf:
      exists: true
      type: file
      owner: root
      group: root
      mode: "0644"
      device: 2049
      checksum: 6a0f3c1e2b7d5f0b9c3a8e4d1f2a7b6c5d4e3f21
    /opt/aura-flow/current:
      exists: true
      type: link
      owner: root
      group: root
      mode: "0777"
      device: 2049
      target: /opt/aura-flow/releases/1.1.0
    /etc/missing:
      exists: false
"""

import os

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.auraflow.ops.plugins.module_utils import file_state


def main():
    module = AnsibleModule(
        argument_spec={
            'paths': {'type': 'list', 'elements': 'path', 'required': True},
            'checksum': {'type': 'bool', 'default': True},
        },
        supports_check_mode=True,
    )
    relative = [p for p in module.params['paths'] if not os.path.isabs(p)]
    if relative:
        module.fail_json(msg='file_state: paths must be absolute: %s' % ', '.join(relative))
    files = {}
    for path in module.params['paths']:
        try:
            files[path] = file_state.read(path, checksum=module.params['checksum'])
        except OSError as exc:
            module.fail_json(msg='file_state: cannot read %s: %s' % (path, exc))
    module.exit_json(changed=False, files=files)


if __name__ == '__main__':
    main()
