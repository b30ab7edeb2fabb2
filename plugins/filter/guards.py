# -*- coding: utf-8 -*-
# Copyright: (c) 2026, auraflow.ops maintainers
# MIT License (see LICENSE)
"""Jinja filters of the guards that refuse bad input before anything changes:
``names | auraflow.ops.input_problems(...)`` (roles/run_guard, entry point inputs),
``ip | auraflow.ops.block_ip_problems(...)`` and ``ss_output | auraflow.ops.clear_port_problems(...)`` (respond.yml)."""

from __future__ import annotations

from ansible.errors import AnsibleFilterError
from ansible_collections.auraflow.ops.plugins.module_utils import input_guard, respond_guard


def input_problems(names, playbook, options, play_vars=None, specs=None, defaults=None, allow=None, similarity=0.85):
    """Refusals for the defined variable names of a run of playbook (see module_utils/input_guard.py).

    specs: argument_specs documents (every playbook's and role's), defaults: role defaults mappings;
    their names are "known somewhere", so never taken for a typo."""
    if not playbook:
        raise AnsibleFilterError('input_problems: playbook is required')
    known = input_guard.spec_option_names(specs or [])
    for mapping in defaults or []:
        if isinstance(mapping, dict):
            known.update(mapping)
    try:
        similarity = float(similarity)
    except (TypeError, ValueError) as exc:
        raise AnsibleFilterError('input_problems: similarity must be a number between 0 and 1, got %r' % similarity) from exc
    return input_guard.input_problems(list(names or []), playbook, list(options or []), play_vars=list(play_vars or []),
                                      known=known, allow=list(allow or []), similarity=similarity)


def block_ip_problems(target, own=None, min_prefix_ipv4=16, min_prefix_ipv6=48, allow_own=False):
    try:
        return respond_guard.block_ip_problems(target, own=list(own or []), min_prefix_ipv4=int(min_prefix_ipv4),
                                               min_prefix_ipv6=int(min_prefix_ipv6), allow_own=bool(allow_own))
    except (TypeError, ValueError) as exc:
        raise AnsibleFilterError('block_ip_problems: %s' % exc) from exc


def clear_port_problems(ss_output, killable=('node', 'nodejs'), option='respond_clear_port_names'):
    return respond_guard.clear_port_problems(str(ss_output or ''), killable=list(killable or []), option=str(option))


class FilterModule:
    """Guard filters."""

    def filters(self):
        return {'input_problems': input_problems, 'block_ip_problems': block_ip_problems,
                'clear_port_problems': clear_port_problems}
