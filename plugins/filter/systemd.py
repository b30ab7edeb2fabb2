# -*- coding: utf-8 -*-
# Copyright: (c) 2026, auraflow.ops maintainers
# MIT License (see LICENSE)
"""``systemctl_show.stdout | auraflow.ops.unit_states(names)``: the enabled/active state of units, read in one step."""

from __future__ import annotations

from ansible.errors import AnsibleFilterError

# UnitFileState values that start the unit at boot (or that need no enabling: static, generated, linked in /run).
ENABLED = ('enabled', 'enabled-runtime', 'static', 'generated', 'alias', 'indirect')


def unit_states(stdout, names):
    """Map each of ``names`` to its state from ``systemctl show --property=Id,LoadState,UnitFileState,ActiveState``.

    systemctl prints one block of ``Key=value`` lines per unit, in the order the units were given, separated by an
    empty line. Each name gets ``loaded``, ``enabled``, ``active`` (booleans) and ``ok`` (all three).
    """
    if not isinstance(stdout, str):
        raise AnsibleFilterError('unit_states: expected the stdout of systemctl show, got %s' % type(stdout).__name__)
    if not isinstance(names, (list, tuple)) or not all(isinstance(n, str) for n in names):
        raise AnsibleFilterError('unit_states: expected the list of unit names given to systemctl show')
    blocks = [b for b in stdout.strip().split('\n\n') if b.strip()]
    if len(blocks) != len(names):
        raise AnsibleFilterError('unit_states: systemctl show printed %d blocks for %d units (%s)'
                                 % (len(blocks), len(names), ', '.join(names)))
    states = {}
    for name, block in zip(names, blocks):
        props = dict(line.split('=', 1) for line in block.strip().splitlines() if '=' in line)
        missing = [p for p in ('LoadState', 'UnitFileState', 'ActiveState') if p not in props]
        if missing:
            raise AnsibleFilterError('unit_states: no %s for %s in the output of systemctl show' % (', '.join(missing), name))
        loaded = props['LoadState'] == 'loaded'
        enabled = props['UnitFileState'] in ENABLED
        active = props['ActiveState'] == 'active'
        states[name] = {'loaded': loaded, 'enabled': enabled, 'active': active, 'ok': loaded and enabled and active}
    return states


class FilterModule:
    def filters(self):
        return {'unit_states': unit_states}
