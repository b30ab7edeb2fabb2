# -*- coding: utf-8 -*-
# Copyright: (c) 2026, auraflow.ops maintainers
# MIT License (see LICENSE)
"""``state | auraflow.ops.pg_not_in_place(wanted)``: the roles, database and extensions to apply."""

from __future__ import annotations

from collections.abc import Mapping

from ansible.errors import AnsibleFilterError
from ansible_collections.auraflow.ops.plugins.module_utils import pg_state


def pg_not_in_place(state, wanted):
    """The ids (``role:<name>``, ``database``, ``extension:<name>``) of what ``state`` does not show in place."""
    if state is not None and not isinstance(state, Mapping):
        raise AnsibleFilterError('pg_not_in_place: expected the catalog read (roles, database, extensions) or none, got %s'
                                 % type(state).__name__)
    if not isinstance(wanted, Mapping):
        raise AnsibleFilterError('pg_not_in_place: expected what is wanted (roles, database, extensions) as a mapping')
    roles = wanted.get('roles') or []
    if not all(isinstance(r, Mapping) and r.get('name') for r in roles):
        raise AnsibleFilterError('pg_not_in_place: every wanted role needs a name')
    return pg_state.not_in_place(state, wanted)


class FilterModule:
    def filters(self):
        return {'pg_not_in_place': pg_not_in_place}
