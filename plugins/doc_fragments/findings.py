# -*- coding: utf-8 -*-
# Copyright: (c) 2026, auraflow.ops maintainers
# MIT License (see LICENSE)

from __future__ import annotations


class ModuleDocFragment:
    """The O(fail_on) option of the modules that end with module_utils/findings.py ``verdict()`` (cors_audit,
    jwt_config_check, tls_protocols).

    Options only: ansible-core 2.19 (the lowest requires_ansible claims) merges no RETURN fragments - its
    ansible-doc fails on a module whose RETURN extends one - so each module writes its RV(ok), RV(msg),
    RV(findings) and RV(summary) out itself.
    """

    DOCUMENTATION = r'''
options:
  fail_on:
    description: The lowest finding severity that fails the task. V(none) never fails (C(ok) in the result still tells).
    type: str
    choices: [none, low, medium, high, critical]
    default: high
'''
