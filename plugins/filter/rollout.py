# -*- coding: utf-8 -*-
# Copyright: (c) 2026, auraflow.ops maintainers
# MIT License (see LICENSE)
"""``hostvars | auraflow.ops.rollback_plan(hosts, to)``: where a rollback takes the app tier (roles/rollout, entry
point plan). The logic is in module_utils/rollout_plan.py, unit-tested there."""

from __future__ import annotations

from collections.abc import Mapping

from ansible.errors import AnsibleFilterError
from ansible_collections.auraflow.ops.plugins.module_utils import rollout_plan


def rollback_plan(hostvars, hosts, to=''):
    """The plan for the backends ``hosts``, from the ``backend_ledger`` and ``backend_running_release`` each keeps."""
    if not isinstance(hostvars, Mapping):
        raise AnsibleFilterError('rollback_plan: the input must be hostvars (a mapping of host names to their variables)')
    if not isinstance(hosts, (list, tuple)):
        raise AnsibleFilterError('rollback_plan: hosts must be a list of backend host names')
    backends = []
    for host in hosts:
        host_vars = hostvars[host] if host in hostvars else {}
        ledger = host_vars.get('backend_ledger') if isinstance(host_vars, Mapping) else None
        if not isinstance(ledger, Mapping):
            raise AnsibleFilterError('rollback_plan: %s keeps no backend_ledger (run the backend role\'s release entry point first)' % host)
        backends.append({'name': str(host), 'active': ledger.get('active') or '', 'rollback_target': ledger.get('rollback_target') or '',
                         'releases': list(ledger.get('releases') or []), 'running': host_vars.get('backend_running_release') or ''})
    return rollout_plan.plan(backends, to or '')


class FilterModule:
    def filters(self):
        return {'rollback_plan': rollback_plan}
