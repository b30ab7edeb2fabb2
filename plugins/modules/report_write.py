#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, auraflow.ops maintainers
# MIT License (see LICENSE)

from __future__ import annotations

DOCUMENTATION = r"""
---
module: report_write
short_description: Write a run's JSON report on the controller
version_added: 0.9.0
description:
  - Writes O(document) as C(<directory>/<kind>-<UTC timestamp>.json) on the controller, atomically (a
    temporary file in the same directory, renamed into place), with O(mode) whatever the umask.
    Creates O(directory) with O(directory_mode) when it is missing.
  - An action that runs entirely on the controller - nothing is sent to a managed host. The role
    P(auraflow.ops.report#role) uses it once per run.
  - The report is the run's own output, not a change to the managed stack - C(changed) is always
    false, and it is written in check mode too.
author:
  - auraflow.ops maintainers (@auraflow)
options:
  directory:
    description: Controller directory of the report.
    type: path
    required: true
  kind:
    description: What the report is about (C(deploy), C(rollback), ...); the file name starts with it.
    type: str
    required: true
  document:
    description: The report.
    type: dict
    required: true
  directory_mode:
    description: Mode of O(directory) when it is created.
    type: raw
    default: "0750"
  mode:
    description: Mode of the report file.
    type: raw
    default: "0640"
extends_documentation_fragment:
  - ansible.builtin.action_common_attributes
attributes:
  action:
    description: Indicates this has a corresponding action plugin so some parts of the options can be executed on the controller.
    support: full
  check_mode:
    support: full
    details: The report is written in check mode too - it is the run's output, not a change of the managed hosts.
  diff_mode:
    support: none

  platform:
    platforms: posix"""

EXAMPLES = r"""
- name: Write the report
  auraflow.ops.report_write:
    directory: "{{ lookup('auraflow.ops.working_dir') }}/reports"
    kind: deploy
    document: {kind: deploy, passed: true, checks: []}
  register: report_file

- name: Say where it is
  ansible.builtin.debug:
    msg: "{{ report_file.dest }}"
"""

RETURN = r"""
dest:
  description: Path of the report written.
  returned: success
  type: str
  sample: /home/ops/reports/deploy-20261130T083007Z.json
"""
