# -*- coding: utf-8 -*-
# Copyright: (c) 2026, auraflow.ops maintainers
# MIT License (see LICENSE)
"""Where a rollback takes the app tier, decided once for all backends (unit-tested in
tests/unit/plugins/module_utils/test_rollout_plan.py; the filter auraflow.ops.rollback_plan calls it).

Each backend brings its ledger's ``active`` release, its ``rollback_target`` (the ledger's rule: the newest
earlier release not marked failed/rolled_back, '' when there is none), its ``releases`` and the release its
running process serves (``running``). The target is ``to`` when given, else the ledger's rule. Backends on
different releases are a rollback cut short (killed, or stopped by a failure): its target is the release some
already run and the others' rule leads to, so a run again finishes it and never takes the backends already
there further back.
"""

from __future__ import annotations


def _nowhere(backend, target, to):
    """Why this backend cannot go to ``target``, as the refusal names it."""
    good = [r['version'] for r in backend['releases'] if r['version'] != backend['active'] and r['status'] not in ('failed', 'rolled_back')]
    return 'rollback: %s runs %s; %s (releases on the host: %s; good earlier ones: %s).' % (
        backend['name'], backend['active'] or 'nothing',
        ('release %s is not on this host or already active' % to) if to else 'there is no earlier release to roll back to',
        ', '.join(r['version'] for r in backend['releases']) or 'none', ', '.join(good) or 'none')


def _normal(backend):
    """The backend with '' for a missing release name and only the releases that are mappings."""
    return {'name': backend['name'], 'active': backend.get('active') or '', 'rule': backend.get('rollback_target') or '',
            'running': backend.get('running') or '',
            'releases': [{'version': r.get('version'), 'status': r.get('status')} for r in backend.get('releases') or []
                         if isinstance(r, dict)]}


def plan(backends, to=''):
    """``{target, from, resuming, switches: {name: bool}, error}`` for ``backends`` (``[{name, active,
    rollback_target, releases, running}]`` in play order). ``error`` ('' when the plan stands) says why
    nothing may change: no single target, or a backend with nowhere to go (each such backend named)."""
    to = to or ''
    backends = [_normal(backend) for backend in backends]
    actives = list(dict.fromkeys(b['active'] for b in backends))
    resumable = [active for active in actives if active in [b['rule'] for b in backends]]
    resuming = len(actives) > 1
    targets = list(dict.fromkeys(to or (resumable[0] if resuming and len(resumable) == 1 else b['rule']) for b in backends))
    result = {'target': '', 'from': '', 'resuming': resuming, 'switches': {}, 'error': ''}
    if len(targets) != 1:
        result['error'] = (
            'rollback: the backends run different releases (%s) and their ledgers lead to no single target; say where '
            'to go with -e rollback_to=<release>. Nothing was changed.'
            % ', '.join('%s: %s' % (b['name'], b['active'] or 'nothing') for b in backends))
        return result
    target = targets[0]
    result['target'] = target
    result['from'] = next((active for active in actives if active != target), '')
    problems = [_nowhere(b, target, to) for b in backends
                if not target or not (target != b['active'] or resuming or to)
                or target not in [r['version'] for r in b['releases']]]
    if problems:
        result['error'] = ' '.join(problems) + ' Nothing was changed.'
        return result
    result['switches'] = {b['name']: b['active'] != target or b['running'] != target for b in backends}
    return result
