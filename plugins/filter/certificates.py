# -*- coding: utf-8 -*-
# Copyright: (c) 2026, auraflow.ops maintainers
# MIT License (see LICENSE)
"""``names | auraflow.ops.subject_alt_names``: host names and addresses as subjectAltName entries."""

from __future__ import annotations

import ipaddress

from ansible.errors import AnsibleFilterError


def subject_alt_names(names):
    """``IP:`` for each IPv4 or IPv6 address, ``DNS:`` for every other name, in the order given, without repeats."""
    if isinstance(names, (str, bytes)) or not isinstance(names, (list, tuple)):
        raise AnsibleFilterError('subject_alt_names: expected a list of host names and addresses, got %s' % type(names).__name__)
    out = []
    for name in names:
        if not isinstance(name, str) or not name.strip():
            raise AnsibleFilterError('subject_alt_names: every name must be a non-empty string, got %r' % (name,))
        name = name.strip()
        try:
            entry = 'IP:%s' % ipaddress.ip_address(name)
        except ValueError:
            entry = 'DNS:%s' % name
        if entry not in out:
            out.append(entry)
    return out


class FilterModule:
    def filters(self):
        return {'subject_alt_names': subject_alt_names}
