# -*- coding: utf-8 -*-
# Copyright: (c) 2026, auraflow.ops maintainers
# MIT License (see LICENSE)
"""The runbook's alert policy as Prometheus rules and Alertmanager configuration (module_utils/alert_policy.py)."""

from __future__ import annotations

from collections.abc import Mapping

from ansible.errors import AnsibleFilterError
from ansible_collections.auraflow.ops.plugins.module_utils import alert_policy, alerts


def prometheus_rules(selectors, time_scale=1.0, min_range_s=60, thresholds=None):
    """``selectors | auraflow.ops.prometheus_rules(time_scale, min_range_s, thresholds)``: the rule file as a mapping."""
    if selectors is not None and not isinstance(selectors, Mapping):
        raise AnsibleFilterError('prometheus_rules: expected the label selectors as a mapping, got %s' % type(selectors).__name__)
    if thresholds is not None and not isinstance(thresholds, Mapping):
        raise AnsibleFilterError('prometheus_rules: expected the thresholds as a mapping, got %s' % type(thresholds).__name__)
    try:
        # the checks slo_check's classification makes of the same values (numbers, in range, known ids)
        values = alerts.validate_thresholds(dict(thresholds or {}))
        return alert_policy.prometheus_rules(float(time_scale), float(min_range_s), dict(selectors or {}), threshold_values=values)
    except (TypeError, ValueError) as exc:
        raise AnsibleFilterError('prometheus_rules: %s' % exc) from exc


def alertmanager_config(channels, escalation=None, time_scale=1.0, smtp=None):
    """``channels | auraflow.ops.alertmanager_config(escalation, time_scale, smtp)``: alertmanager.yml as a mapping."""
    for name, value in (('channels', channels), ('escalation', escalation), ('smtp', smtp)):
        if value is not None and not isinstance(value, Mapping):
            raise AnsibleFilterError('alertmanager_config: %s must be a mapping, got %s' % (name, type(value).__name__))
    try:
        return alert_policy.alertmanager_config(dict(channels or {}), {k: dict(v or {}) for k, v in (escalation or {}).items()},
                                                float(time_scale), dict(smtp or {}))
    except (TypeError, ValueError) as exc:
        raise AnsibleFilterError('alertmanager_config: %s' % exc) from exc


class FilterModule:
    def filters(self):
        return {'prometheus_rules': prometheus_rules, 'alertmanager_config': alertmanager_config}
