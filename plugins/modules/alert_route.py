#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, auraflow.ops maintainers
# MIT License (see LICENSE)

# Why a module and not a filter plugin: classifying is pure (module_utils/alerts.py, unit-tested),
# but delivering is not. A filter runs while a template is rendered, so it would send on every
# evaluation of the variable, ignore check mode, could not mark the task changed, and could not
# keep the webhook URL and SMTP password out of the output (no_log). A module does all four.

from __future__ import annotations

DOCUMENTATION = r'''
---
module: alert_route
short_description: Classify SLO and health measurements into P0-P3 alerts and route them by severity
version_added: 0.1.0
description:
  - Applies the runbook's alert policy (告警策略) to what C(playbooks/slo.yml) measured and sends
    the resulting alerts to the channels the routing table names for their severity.
  - "P0: system availability below O(thresholds.min_availability) (99 %) through the public entry
    (an SLO load, or its C(/health) not answering healthy), or a database connection failure
    (a C(/health) answer whose C(db) is not C(ok))."
  - "P1: P95 above O(thresholds.p95_ms) (500 ms), error rate above O(thresholds.max_error_rate)
    (1 %), memory used above O(thresholds.memory_percent) (90 %), the AI service's quota exceeded,
    one backend unhealthy or below the availability threshold (the others still serve, so not P0)."
  - "P2: disk used above O(thresholds.disk_percent) (85 %), the AI service in degraded mode, a host
    that could not be measured."
  - "P3: any other target missed (the C(breaches) of an M(auraflow.ops.slo_check) result that no higher
    alert on the same check already covers), an unreadable monitoring endpoint."
  - Alert thresholds are strict (C(> 500 ms) alerts, exactly 500 ms does not), as the runbook writes them.
  - One message per channel and run carries every alert routed to it, most urgent first; its first
    line (the e-mail subject) names the highest severity and the counts.
  - 'The webhook gets an HTTP POST of C({"text": ...}) (Slack-compatible); e-mail goes over SMTP.'
  - A channel that is not configured (no O(webhook_url); no O(smtp_host) or O(smtp_to)) is skipped
    and listed in RV(unconfigured); with no channel the alerts are only in the result.
  - A failed delivery is a warning and an entry in RV(deliveries), not a failure of the task.
  - The task never fails because of alerts; RV(failing) tells the playbook whether to.
author:
  - auraflow.ops maintainers (@auraflow)
attributes:
  check_mode:
    description: Can run in check_mode and return changed status prediction without modifying target.
    support: full
    details: Classifies and routes, but sends nothing; the task's C(changed) tells whether a message would have been sent.
  diff_mode:
    description: Will return details on what has changed (or possibly needs changing in check_mode), when in diff mode.
    support: none
options:
  health:
    description: C(/health) answers.
    type: list
    elements: dict
    default: []
    suboptions:
      name:
        description: Names the checks C(health_<name>) and C(db_connection_<name>) (the latter when the body has C(db)).
        type: str
        required: true
      scope:
        description: V(public) is the entry users reach (nginx), V(backend) one backend.
        type: str
        choices: [public, backend]
        default: public
      status:
        description: HTTP status; V(-1) or none when nothing answered.
        type: int
      body:
        description: The JSON body, C({status, version, db, redis}).
        type: raw
      msg:
        description: Why there was no answer.
        type: str
      seconds:
        description: How long it took.
        type: float
  slo:
    description: Registered M(auraflow.ops.slo_check) results. With a C(server) view, a check C(metrics_<name>) too.
    type: list
    elements: dict
    default: []
    suboptions:
      name:
        description: Names the check C(slo_<name>).
        type: str
        required: true
      scope:
        description: V(public) or V(backend), as for O(health).
        type: str
        choices: [public, backend]
        default: public
      result:
        description: The registered result (C(availability), C(error_rate), C(latency_ms), C(breaches), C(server), ...).
        type: dict
        required: true
  ai_status:
    description: C(/monitoring/ai-status) answers, C({status, daily_cost, limit}) bodies.
    type: list
    elements: dict
    default: []
    suboptions:
      name:
        description: Names the check C(ai_status_<name>).
        type: str
        required: true
      status:
        description: HTTP status; V(-1) or none when nothing answered.
        type: int
      body:
        description: The JSON body.
        type: raw
      msg:
        description: Why there was no answer.
        type: str
      seconds:
        description: How long it took.
        type: float
  hosts:
    description: Disk and memory use of each host.
    type: list
    elements: dict
    default: []
    suboptions:
      name:
        description: Names the checks C(disk_<name>) and C(memory_<name>) (or C(host_<name>) with O(hosts[].error)).
        type: str
        required: true
      disk_percent:
        description: Percent used of C(/).
        type: float
      memory_percent:
        description: Percent of memory in use (C(MemTotal - MemAvailable)).
        type: float
      error:
        description: Why the host could not be measured.
        type: str
  thresholds:
    description: The alert thresholds (not the SLO targets, which O(slo) results were already judged against).
    type: dict
    default: {}
    suboptions:
      min_availability:
        description: P0 (public) or P1 (backend) below this fraction.
        type: float
        default: 0.99
      p95_ms:
        description: P1 above this P95 in milliseconds.
        type: float
        default: 500
      max_error_rate:
        description: P1 above this fraction of errors.
        type: float
        default: 0.01
      memory_percent:
        description: P1 above this percentage of memory used.
        type: float
        default: 90
      disk_percent:
        description: P2 above this percentage of C(/) used.
        type: float
        default: 85
  routes:
    description:
      - The routing table, severity to channels (V(webhook), V(email); V(all) for both).
        Severities left out keep the default; an empty list routes nowhere.
      - "Default, from the runbook's 告警渠道 without SMS and phone: C({P0: [webhook, email], P1: [webhook, email],
        P2: [webhook, email], P3: [email]})."
    type: dict
    default: {}
  fail_on:
    description: The least urgent severity that makes RV(failing) true; V(none) never.
    type: str
    choices: [P0, P1, P2, P3, none]
    default: P1
  source:
    description: Names what raised the alerts in every message (e.g. the playbook and inventory).
    type: str
    default: auraflow.ops slo
  webhook_url:
    description: 'A Slack-compatible incoming webhook (HTTP POST of C({"text": ...})). Kept out of the output.'
    type: str
  webhook_timeout:
    description: Seconds to wait for the webhook.
    type: float
    default: 10
  validate_certs:
    description: Verify the webhook's TLS certificate.
    type: bool
    default: true
  smtp_host:
    description: SMTP server for the V(email) channel.
    type: str
  smtp_port:
    description: SMTP port.
    type: int
    default: 25
  smtp_secure:
    description:
      - V(try) uses STARTTLS when the server offers it, V(starttls) requires it, V(ssl) is implicit TLS
        (usually port 465), V(never) sends in clear (a local relay).
    type: str
    choices: [try, starttls, ssl, never]
    default: try
  smtp_username:
    description: Login for the SMTP server (none without it).
    type: str
  smtp_password:
    description: Password for O(smtp_username). Kept out of the output.
    type: str
  smtp_from:
    description: Sender address.
    type: str
    default: auraflow-ops@localhost
  smtp_to:
    description: Recipients.
    type: list
    elements: str
    default: []
  smtp_timeout:
    description: Seconds to wait for the SMTP server.
    type: float
    default: 10
seealso:
  - module: auraflow.ops.slo_check
notes:
  - Runs on the controller (delegate it to C(localhost)); it needs to reach the channels, not the hosts.
'''

EXAMPLES = r'''
- name: Route what slo.yml measured
  auraflow.ops.alert_route:
    health:
      - {name: nginx, scope: public, status: "{{ nginx_health.status }}", body: "{{ nginx_health.json | default({}) }}"}
    slo:
      - {name: nginx, scope: public, result: "{{ public_slo }}"}
    hosts:
      - {name: aura-db1, disk_percent: 87.5, memory_percent: 41.0}
    webhook_url: "{{ vault_slack_webhook }}"
    smtp_host: smtp.example.internal
    smtp_to: [ops@auraflow.com]
  delegate_to: localhost
  register: alerts

- name: Only P0 pages Slack, everything else is mail; never fail
  auraflow.ops.alert_route:
    slo:
      - {name: nginx, result: "{{ public_slo }}"}
    routes:
      P0: all
      P1: [email]
      P2: [email]
      P3: [email]
    fail_on: none
    smtp_host: 127.0.0.1
    smtp_secure: never
    smtp_to: [oncall@example.internal]
'''

RETURN = r'''
alerts:
  description: Every alert, most urgent first, with the channels it went (or would go) to.
  returned: always
  type: list
  elements: dict
  contains:
    check:
      description: The check that raised it, e.g. C(slo_nginx), C(disk_aura-db1).
      type: str
    rule:
      description: The policy rule, e.g. C(availability), C(db_connection), C(p95_ms), C(error_rate), C(memory_percent),
        C(disk_percent), C(ai_quota_exceeded), C(ai_degraded), C(target_<objective>), C(monitoring).
      type: str
    severity:
      description: V(P0) to V(P3).
      type: str
    message:
      description: What happened, with the value and the limit.
      type: str
    value:
      description: The measured value, when there is one.
      type: raw
    threshold:
      description: The limit it crossed, when there is one.
      type: raw
    channels:
      description: Configured channels the routing table sends it to.
      type: list
      elements: str
  sample: [{"check": "disk_aura-db1", "rule": "disk_percent", "severity": "P2", "message": "disk used 87.5 % > 85 %",
            "value": 87.5, "threshold": 85.0, "channels": ["webhook", "email"]}]
checks:
  description: One entry per check in the report role's shape C({name, ok, severity, detail, seconds}); an ok check has
    the severity it would raise at worst, a failed one the most urgent severity it raised.
  returned: always
  type: list
  elements: dict
  sample: [{"name": "health_nginx", "ok": true, "severity": "P0", "detail": "HTTP 200 db=ok redis=ok status=ok version=1.1.0", "seconds": 0.01}]
lines:
  description: One line per alert, most urgent first, with the channels it went to.
  returned: always
  type: list
  elements: str
  sample: ["P2 disk_aura-db1 [disk_percent] disk used 87.5 % > 85 % -> webhook, email"]
counts:
  description: Alerts per severity.
  returned: always
  type: dict
  sample: {"P0": 0, "P1": 0, "P2": 1, "P3": 2}
highest:
  description: The most urgent severity raised, null without alerts.
  returned: always
  type: str
  sample: P2
failing:
  description: Whether an alert at or above O(fail_on) was raised.
  returned: always
  type: bool
  sample: false
routes:
  description: The routing table in force.
  returned: always
  type: dict
  sample: {"P0": ["webhook", "email"], "P1": ["webhook", "email"], "P2": ["webhook", "email"], "P3": ["email"]}
thresholds:
  description: The alert thresholds in force.
  returned: always
  type: dict
  sample: {"min_availability": 0.99, "p95_ms": 500.0, "max_error_rate": 0.01, "memory_percent": 90.0, "disk_percent": 85.0}
deliveries:
  description: One entry per configured channel that had alerts to carry.
  returned: always
  type: list
  elements: dict
  contains:
    channel:
      description: V(webhook) or V(email).
      type: str
    alerts:
      description: How many alerts the message carried.
      type: int
    highest:
      description: Most urgent severity in it.
      type: str
    subject:
      description: The message's first line (the e-mail subject).
      type: str
    sent:
      description: Whether it was delivered (false in check mode and on errors).
      type: bool
    error:
      description: Why the delivery failed.
      type: str
  sample: [{"channel": "email", "alerts": 3, "highest": "P2", "subject": "[P2] auraflow.ops slo (lab): 3 alerts (P2 x1, P3 x2)", "sent": true}]
unconfigured:
  description: Channels the routing table asked for but that are not configured (their alerts are only in the output).
  returned: always
  type: list
  elements: str
  sample: [webhook]
'''

import json
import smtplib
import ssl
import traceback
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from ansible.module_utils.basic import AnsibleModule
from ansible.module_utils.common.text.converters import to_native
from ansible.module_utils.urls import open_url

from ansible_collections.auraflow.ops.plugins.module_utils.alerts import (
    CHANNELS,
    SEVERITIES,
    PolicyError,
    at_or_above,
    classify,
    counts,
    highest,
    render,
    route,
    validate_routes,
    validate_thresholds,
)

_ANSWER = dict(name=dict(type='str', required=True), status=dict(type='int'), body=dict(type='raw'),
               msg=dict(type='str'), seconds=dict(type='float'))
_SCOPE = dict(type='str', choices=['public', 'backend'], default='public')

ARGUMENT_SPEC = dict(
    health=dict(type='list', elements='dict', default=[], options=dict(_ANSWER, scope=_SCOPE)),
    slo=dict(type='list', elements='dict', default=[], options=dict(
        name=dict(type='str', required=True), scope=_SCOPE, result=dict(type='dict', required=True))),
    ai_status=dict(type='list', elements='dict', default=[], options=_ANSWER),
    hosts=dict(type='list', elements='dict', default=[], options=dict(
        name=dict(type='str', required=True), disk_percent=dict(type='float'), memory_percent=dict(type='float'),
        error=dict(type='str'))),
    thresholds=dict(type='dict', default={}, options=dict(
        min_availability=dict(type='float', default=0.99), p95_ms=dict(type='float', default=500.0),
        max_error_rate=dict(type='float', default=0.01), memory_percent=dict(type='float', default=90.0),
        disk_percent=dict(type='float', default=85.0))),
    routes=dict(type='dict', default={}),
    fail_on=dict(type='str', choices=list(SEVERITIES) + ['none'], default='P1'),
    source=dict(type='str', default='auraflow.ops slo'),
    webhook_url=dict(type='str', no_log=True),
    webhook_timeout=dict(type='float', default=10.0),
    validate_certs=dict(type='bool', default=True),
    smtp_host=dict(type='str'),
    smtp_port=dict(type='int', default=25),
    smtp_secure=dict(type='str', choices=['try', 'starttls', 'ssl', 'never'], default='try'),
    smtp_username=dict(type='str'),
    smtp_password=dict(type='str', no_log=True),
    smtp_from=dict(type='str', default='auraflow-ops@localhost'),
    smtp_to=dict(type='list', elements='str', default=[]),
    smtp_timeout=dict(type='float', default=10.0),
)


def send_webhook(params, text):
    """POST {"text": text}; raises on a connection error or a status >= 400."""
    resp = open_url(params['webhook_url'], data=json.dumps({'text': text}).encode('utf-8'), method='POST',
                    headers={'Content-Type': 'application/json'}, timeout=params['webhook_timeout'],
                    validate_certs=params['validate_certs'], http_agent='auraflow.ops alert_route')
    resp.read()


def send_email(params, subject, text):
    """One message to every recipient in smtp_to."""
    msg = EmailMessage()
    msg['Subject'] = subject
    msg['From'] = params['smtp_from']
    msg['To'] = ', '.join(params['smtp_to'])
    msg['Date'] = formatdate(localtime=True)
    msg['Message-ID'] = make_msgid(domain='auraflow.ops')
    msg.set_content(text + '\n')
    secure, host, port, timeout = params['smtp_secure'], params['smtp_host'], params['smtp_port'], params['smtp_timeout']
    if secure == 'ssl':
        client = smtplib.SMTP_SSL(host, port, timeout=timeout, context=ssl.create_default_context())
    else:
        client = smtplib.SMTP(host, port, timeout=timeout)
    try:
        client.ehlo()
        if secure == 'starttls' or (secure == 'try' and client.has_extn('starttls')):
            client.starttls(context=ssl.create_default_context())
            client.ehlo()
        if params['smtp_username']:
            client.login(params['smtp_username'], params['smtp_password'] or '')
        client.send_message(msg)
    finally:
        try:
            client.quit()
        except (smtplib.SMTPException, OSError):
            client.close()


def configured_channels(params):
    out = []
    if params['webhook_url']:
        out.append('webhook')
    if params['smtp_host'] and params['smtp_to']:
        out.append('email')
    return out


def run_module():
    module = AnsibleModule(argument_spec=ARGUMENT_SPEC, supports_check_mode=True)
    params = module.params
    try:
        thresholds = validate_thresholds(params['thresholds'])
        table = validate_routes(params['routes'] or None)
        checks, alerts = classify(slo=params['slo'], health=params['health'], ai_status=params['ai_status'],
                                  hosts=params['hosts'], thresholds=thresholds)
        per_channel, unconfigured = route(alerts, table, configured_channels(params))
    except PolicyError as exc:
        module.fail_json(msg=str(exc))

    for alert in alerts:
        alert['channels'] = [c for c in CHANNELS if alert in per_channel.get(c, [])]

    deliveries = []
    senders = {'webhook': lambda subject, text: send_webhook(params, text),
               'email': lambda subject, text: send_email(params, subject, text)}
    for channel in CHANNELS:
        carried = per_channel.get(channel)
        if not carried:
            continue
        subject, text = render(params['source'], carried)
        entry = dict(channel=channel, alerts=len(carried), highest=highest(carried), subject=subject, sent=False)
        if not module.check_mode:
            try:
                senders[channel](subject, text)
                entry['sent'] = True
            except Exception as exc:  # any delivery problem is reported, never a crash of the check
                entry['error'] = '%s: %s' % (type(exc).__name__, to_native(exc))
                module.warn('alert_route: %s delivery failed: %s' % (channel, entry['error']))
                module.debug(traceback.format_exc())
        deliveries.append(entry)

    worst = highest(alerts)
    failing = worst is not None and at_or_above(worst, params['fail_on'])
    changed = any(d['sent'] for d in deliveries) or (module.check_mode and bool(deliveries))
    if alerts:
        msg = '%d alert%s (%s), highest %s; sent: %s' % (
            len(alerts), '' if len(alerts) == 1 else 's', ', '.join('%s x%d' % (s, n) for s, n in counts(alerts).items() if n), worst,
            ', '.join(d['channel'] for d in deliveries if d['sent']) or 'nothing')
    else:
        msg = 'no alerts'
    lines = ['%s %s [%s] %s -> %s' % (a['severity'], a['check'], a['rule'], a['message'], ', '.join(a['channels']) or 'output only')
             for a in alerts]
    module.exit_json(changed=changed, msg=msg, alerts=alerts, lines=lines, checks=checks, counts=counts(alerts), highest=worst, failing=failing,
                     routes=table, thresholds=thresholds, deliveries=deliveries, unconfigured=unconfigured)


def main():
    run_module()


if __name__ == '__main__':
    main()
