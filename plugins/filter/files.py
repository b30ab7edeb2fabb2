# -*- coding: utf-8 -*-
# Copyright: (c) 2026, auraflow.ops maintainers
# MIT License (see LICENSE)
"""``wanted | auraflow.ops.files_to_write(file_state.files)``: the managed files and directories not in place."""

from __future__ import annotations

from collections.abc import Mapping

from ansible.errors import AnsibleFilterError
from ansible_collections.auraflow.ops.plugins.module_utils import file_state


def files_to_write(wanted, state):
    """The entries of ``wanted`` that ``state`` (auraflow.ops.file_state's ``files``) does not show in place."""
    if not isinstance(wanted, (list, tuple)) or not all(isinstance(e, Mapping) for e in wanted):
        raise AnsibleFilterError('files_to_write: expected a list of mappings (path or dest, state, content, src, owner, group, mode)')
    if not isinstance(state, Mapping):
        raise AnsibleFilterError('files_to_write: expected the files result of auraflow.ops.file_state, got %s' % type(state).__name__)
    try:
        return file_state.to_write([dict(e) for e in wanted], state)
    except ValueError as exc:
        raise AnsibleFilterError('files_to_write: %s' % exc) from exc


class FilterModule:
    def filters(self):
        return {'files_to_write': files_to_write}
