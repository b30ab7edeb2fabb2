# -*- coding: utf-8 -*-
# Copyright: (c) 2026, auraflow.ops maintainers
# MIT License (see LICENSE)

from __future__ import annotations


class ModuleDocFragment:
    """The O(fail_on) option and the RV(ok), RV(msg), RV(findings), RV(summary) results of the modules
    that end with module_utils/findings.py ``verdict()`` (cors_audit, jwt_config_check, tls_protocols).

    RETURN entries merge one level deep: a module that lists ``findings`` in its own RETURN (with
    ``extends_documentation_fragment: [auraflow.ops.findings]`` in that RETURN) replaces the keys it
    gives (usually ``description`` and ``sample``) and keeps the others from here; a ``contains`` it
    gives replaces the whole ``contains``.

    ansible-test validate-modules checks RV() references before it merges RETURN fragments, so the
    DOCUMENTATION here and the modules' texts cannot point at a return value that only this fragment
    documents with RV(); they name it with C().
    """

    DOCUMENTATION = r'''
options:
  fail_on:
    description: The lowest finding severity that fails the task. V(none) never fails (C(ok) in the result still tells).
    type: str
    choices: [none, low, medium, high, critical]
    default: high
'''

    RETURN = r'''
ok:
  description: No finding at or above O(fail_on); always V(true) with O(fail_on=none).
  returned: always
  type: bool
  sample: true
msg:
  description: One-line summary.
  returned: always
  type: str
findings:
  description: The findings, most severe first.
  returned: always
  type: list
  elements: dict
  contains:
    id:
      description: Stable finding id (see the description).
      type: str
    severity:
      description: One of V(info), V(low), V(medium), V(high), V(critical).
      type: str
    message:
      description: One-line explanation.
      type: str
    evidence:
      description: The values behind the finding; the keys depend on the id.
      type: dict
summary:
  description: Counts per severity, the highest severity, how many findings fail the task.
  returned: always
  type: dict
  contains:
    counts:
      description: Number of findings per severity.
      type: dict
    highest:
      description: The highest severity found (null when there is no finding).
      type: str
    failed:
      description: Number of findings at or above O(fail_on).
      type: int
    fail_on:
      description: The threshold used.
      type: str
  sample: {"counts": {"info": 0, "low": 0, "medium": 0, "high": 0, "critical": 0}, "highest": null, "failed": 0, "fail_on": "high"}
'''
