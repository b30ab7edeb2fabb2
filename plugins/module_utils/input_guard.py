# -*- coding: utf-8 -*-
# Copyright: (c) 2026, auraflow.ops maintainers
# MIT License (see LICENSE)
"""Which variables of a run a changing playbook must refuse (pure logic of the run_guard role's inputs entry point).

A playbook's own namespaces ("prefixes") come from its file name and its argument spec's option names
(``rollback`` with ``rollback_to`` and ``confirm_db_rollback``: ``rollback_`` and ``confirm_``), except the
namespaces every inventory uses (``aura_``, ``ansible_``). Two rules:

1. a defined variable carrying one of the playbook's prefixes that is neither an option of its argument
   spec nor a variable its first play defines itself (``vars:``) nor explicitly allowed is refused, naming
   the closest option;
2. a variable known nowhere (no option of any playbook or role, no role default, no magic variable) that
   is very close to one of the playbook's options is refused as a typo of it (``rollbak_to``).
"""

from __future__ import annotations

import difflib

SHARED_NAMESPACES = ('aura_', 'ansible_')

# Variables Ansible itself defines in a task's context (ansible_* and _* are skipped wholesale).
MAGIC = frozenset((
    'environment', 'group_names', 'groups', 'hostvars', 'inventory_dir', 'inventory_file', 'inventory_hostname',
    'inventory_hostname_short', 'omit', 'play_hosts', 'playbook_dir', 'role_name', 'role_names', 'role_path',
    'role_uuid', 'vars',
))


def playbook_prefixes(playbook, options):
    """The namespaces of a playbook: its name and its first word, and the first word of each option."""
    heads = {playbook, playbook.split('_')[0]} | {name.split('_')[0] for name in options}
    return sorted(head + '_' for head in heads if head and head + '_' not in SHARED_NAMESPACES)


def closest(name, candidates):
    """The candidate most like name (difflib's ratio), or None when there is none."""
    best, best_ratio = None, -1.0
    for candidate in sorted(candidates):
        ratio = difflib.SequenceMatcher(None, name, candidate).ratio()
        if ratio > best_ratio:
            best, best_ratio = candidate, ratio
    return best


def spec_option_names(specs):
    """Every option name of argument_specs mappings ({entry: {options: {...}}}) or of documents holding one."""
    names = set()
    for spec in specs or ():
        if isinstance(spec, dict) and isinstance(spec.get('argument_specs'), dict):
            spec = spec['argument_specs']
        for entry in (spec or {}).values() if isinstance(spec, dict) else ():
            if isinstance(entry, dict) and isinstance(entry.get('options'), dict):
                names.update(entry['options'])
    return names


def input_problems(names, playbook, options, play_vars=(), known=(), allow=(), similarity=0.85):
    """The refusals for the defined variable names of a run of playbook; [] when there is none.

    Each is a dict: name, rule (``prefix`` or ``typo``), suggestion (the closest option or None), msg.
    """
    playbook = str(playbook)
    if playbook.endswith('.yml'):
        playbook = playbook[:-4]
    options = sorted(set(options or ()))
    own = set(options) | set(play_vars or ()) | set(allow or ())
    known_all = own | set(known or ()) | MAGIC
    prefixes = tuple(playbook_prefixes(playbook, options))
    inputs = ', '.join(options) or 'none'
    problems = []
    for name in sorted(set(names or ())):
        if name in own or name.startswith(('_', 'ansible_')):
            continue
        if name.startswith(prefixes):
            suggestion = closest(name, options)
            why = ("it carries the playbook's prefix %s but is not one of its inputs"
                   % next(p for p in prefixes if name.startswith(p)))
            rule = 'prefix'
        elif name not in known_all:
            matches = difflib.get_close_matches(name, options, n=1, cutoff=similarity)
            if not matches:
                continue
            suggestion = matches[0]
            why = 'it is known nowhere and looks like the input %s' % suggestion
            rule = 'typo'
        else:
            continue
        problems.append({
            'name': name, 'rule': rule, 'suggestion': suggestion,
            'msg': "%s.yml does not know the variable '%s'%s - %s (its inputs: %s)."
                   % (playbook, name, ' (did you mean %s?)' % suggestion if suggestion else '', why, inputs),
        })
    return problems
