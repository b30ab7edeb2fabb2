# -*- coding: utf-8 -*-
# Copyright: (c) 2026, auraflow.ops maintainers
# MIT License (see LICENSE)
"""Jinja filters of the judging roles: the answers their probes kept become the report's checks.

``hostvars | auraflow.ops.diagnose_checks(db, app, web, public, settings)`` (roles/diagnose),
``hostvars | auraflow.ops.audit_checks(app, db, cache, public, settings, web=)`` (roles/audit),
``hostvars | auraflow.ops.slo_measurements(app, hosts, nginx_health, public_load)`` (roles/slo),
``checks | auraflow.ops.failing_checks(fail_on)``, ``archive_query | auraflow.ops.pitr_drill(waldump, started,
verify, times, error, rpo_target)`` (roles/drill, the physical path). The logic is in module_utils (diagnose_checks,
audit_checks, slo_report, verdicts, pitr_drill), unit-tested there."""

from __future__ import annotations

from collections.abc import Mapping

from ansible.errors import AnsibleFilterError
from ansible_collections.auraflow.ops.plugins.module_utils import audit_checks as audit
from ansible_collections.auraflow.ops.plugins.module_utils import diagnose_checks as diagnose
from ansible_collections.auraflow.ops.plugins.module_utils import pitr_drill as pitr
from ansible_collections.auraflow.ops.plugins.module_utils import slo_report, verdicts


def _answers(hostvars, hosts, fact):
    """host -> the mapping ``fact`` that host kept ({} for a host that kept none), in the order of ``hosts``."""
    if not isinstance(hostvars, Mapping):
        raise AnsibleFilterError('the input must be hostvars (a mapping of host names to their variables)')
    out = {}
    for host in hosts or []:
        host_vars = hostvars[host] if host in hostvars else {}
        out[host] = verdicts.get(host_vars, fact, {}) or {}
    return out


def diagnose_checks(hostvars, db, app, web, public=None, settings=None, monitor=None):
    try:
        return diagnose.diagnose_checks(_answers(hostvars, db, 'diagnose_db_answers'), _answers(hostvars, app, 'diagnose_app_answers'),
                                        _answers(hostvars, web, 'diagnose_web_answers'), public or {}, dict(settings or {}),
                                        _answers(hostvars, monitor or [], 'diagnose_monitor_answers'))
    except (TypeError, ValueError) as exc:
        raise AnsibleFilterError('diagnose_checks: %s' % exc) from exc


def audit_checks(hostvars, app, db, cache=None, public=None, settings=None, web=None):
    settings = dict(settings or {})
    app_answers = _answers(hostvars, app, 'audit_answers')
    prober = (list(app or []) or [''])[0]
    try:
        return audit.audit_checks(public or {}, app_answers, _answers(hostvars, db, 'audit_answers'), cache_hosts=list(cache or []),
                                  prober=prober,
                                  redis_rights=verdicts.get(app_answers.get(prober, {}), 'redis_rights', {}),
                                  hsts_min_age=int(settings.get('hsts_min_age', 31536000)),
                                  max_exposure=float(settings.get('max_exposure', 2.5)),
                                  web=_answers(hostvars, web, 'audit_answers'),
                                  max_client_timeout=settings.get('max_client_timeout', '30s'))
    except (TypeError, ValueError) as exc:
        raise AnsibleFilterError('audit_checks: %s' % exc) from exc


def slo_measurements(hostvars, app, hosts, nginx_health=None, public_load=None):
    usage = {}
    for host, answers in _answers(hostvars, hosts, 'slo_host_answers').items():
        usage[host] = slo_report.host_usage(host, verdicts.get(answers, 'df', {}), verdicts.get(answers, 'meminfo', {})) if answers else None
    return slo_report.measurements(nginx_health, public_load, _answers(hostvars, app, 'slo_backend_answers'), usage)


def failing_checks(checks, fail_on='high'):
    try:
        return verdicts.failing(list(checks or []), fail_on)
    except ValueError as exc:
        raise AnsibleFilterError('failing_checks: %s' % exc) from exc


def pitr_drill(archive_query, waldump, started, verify, times, error=None, rpo_target=60):
    try:
        return pitr.judge(archive_query, waldump, started, verify, times, error=error or None, rpo_target=rpo_target)
    except (TypeError, ValueError) as exc:
        raise AnsibleFilterError('pitr_drill: %s' % exc) from exc


class FilterModule:
    """Verdict filters."""

    def filters(self):
        return {'diagnose_checks': diagnose_checks, 'audit_checks': audit_checks, 'slo_measurements': slo_measurements,
                'failing_checks': failing_checks, 'pitr_drill': pitr_drill}
