# -*- coding: utf-8 -*-
# Copyright: (c) 2026, auraflow.ops maintainers
# MIT License (see LICENSE)
"""``wanted | auraflow.ops.packages_missing(dpkg_output)``: the packages a role still has to install.

The roles read what dpkg has (one ``dpkg-query`` command, a fraction of what opening the apt cache
costs) and run ``ansible.builtin.apt`` only when a package is missing: on a converged host ``apt``
``state: present`` would change nothing anyway.
"""

from __future__ import annotations

from ansible.errors import AnsibleFilterError

SEPARATOR = ';'
FORMAT = '--showformat=${Package} ${db:Status-Status}' + SEPARATOR


def packages_missing(wanted, dpkg_output=''):
    """The names of ``wanted`` that ``dpkg_output`` (``dpkg-query --show`` with FORMAT) does not list as installed.

    A name with a version or release pin (``=``, ``/``) or a wildcard is always missing: only apt can
    tell whether the installed version is the one asked for."""
    if isinstance(wanted, str):
        wanted = [wanted]
    if not isinstance(wanted, (list, tuple)):
        raise AnsibleFilterError('packages_missing: expected a list of package names, got %s' % type(wanted).__name__)
    installed = set()
    for entry in str(dpkg_output or '').split(SEPARATOR):
        parts = entry.split()
        if len(parts) == 2 and parts[1] == 'installed':
            installed.add(parts[0])
    return [str(name) for name in wanted if any(c in str(name) for c in '=/*?[') or str(name) not in installed]


class FilterModule:
    def filters(self):
        return {'packages_missing': packages_missing}
