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
  - "Channels, as the runbook pages (告警渠道): P0 by phone, SMS and chat - V(pagerduty) (PagerDuty Events API v2) and
    V(opsgenie) (Opsgenie Alert API), which call and text the on-call engineer, V(sms) (a Twilio-style Messages
    endpoint) and V(webhook) (Slack); P1 by SMS, chat and V(email); P2 chat and e-mail; P3 e-mail (O(routes))."
  - The V(webhook), V(email) and V(sms) channels get one message per run carrying every alert routed to them, most
    urgent first; its first line (the e-mail subject) names the highest severity and the counts.
  - 'The webhook gets an HTTP POST of C({"text": ...}) (Slack-compatible); e-mail goes over SMTP (STARTTLS, implicit
    TLS, login); an SMS is one message per number in O(sms_to) (form fields C(To), C(From), C(Body), basic auth).'
  - The paging channels get one event per alerting check, keyed by C(auraflow.ops/<source>/<check>) (PagerDuty's
    C(dedup_key), Opsgenie's C(alias)), so that the next run updates the same incident instead of opening another;
    with O(resolve_cleared), each check that is ok now and would page there resolves (PagerDuty) or closes (Opsgenie)
    its incident - the service ignores one it does not know.
  - A channel that is not configured (no O(webhook_url); no O(smtp_host) or O(smtp_to); no O(pagerduty_routing_key);
    no O(opsgenie_api_key); no O(sms_url), O(sms_account_sid), O(sms_from) or O(sms_to)) is skipped and listed in
    RV(unconfigured); with no channel the alerts are only in the result.
  - A failed delivery is a warning and an entry in RV(deliveries), not a failure of the task; the other channels
    are still tried.
  - The task never fails because of alerts; RV(failing) tells the playbook whether to.
author:
  - auraflow.ops maintainers (@auraflow)
extends_documentation_fragment:
  - ansible.builtin.action_common_attributes
attributes:
  check_mode:
    support: full
    details: Classifies and routes, but sends nothing; the task's C(changed) tells whether a message would have been sent.
  diff_mode:
    support: none
  platform:
    platforms: posix
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
      - The routing table, severity to channels (V(pagerduty), V(opsgenie), V(sms), V(webhook), V(email); V(all) for
        every one). Severities left out keep the default; an empty list routes nowhere.
      - "Default, from the runbook's 告警渠道: C({P0: [pagerduty, opsgenie, sms, webhook], P1: [sms, webhook, email],
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
  pagerduty_routing_key:
    description: The integration (routing) key of a PagerDuty service (Events API v2). Kept out of the output.
    type: str
  pagerduty_url:
    description: The Events API v2 endpoint.
    type: str
    default: https://events.pagerduty.com/v2/enqueue
  opsgenie_api_key:
    description: An Opsgenie API integration key, sent as the C(Authorization) header C(GenieKey <key>). Kept out of the output.
    type: str
  opsgenie_url:
    description: The Opsgenie API (V(https://api.eu.opsgenie.com) for the EU instance).
    type: str
    default: https://api.opsgenie.com
  sms_url:
    description:
      - The base URL of a Twilio-style SMS API; a message is a POST to C(<sms_url>/Accounts/<sms_account_sid>/Messages.json),
        for example V(https://api.twilio.com/2010-04-01).
    type: str
  sms_account_sid:
    description: The account that sends (the user of the basic authentication, and part of the URL).
    type: str
  sms_auth_token:
    description: The account's token (the password of the basic authentication). Kept out of the output.
    type: str
  sms_from:
    description: The sending number (E.164, for example V(+15005550006)).
    type: str
  sms_to:
    description: The numbers that get the message (E.164).
    type: list
    elements: str
    default: []
  paging_timeout:
    description: Seconds to wait for PagerDuty, Opsgenie or the SMS API, per request.
    type: float
    default: 10
  resolve_cleared:
    description:
      - Resolve (PagerDuty) or close (Opsgenie) the incident of every check that is ok now and whose class pages
        there, so that an incident an earlier run opened ends when the fault clears.
    type: bool
    default: true
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
  description: One entry per configured channel that had alerts to carry (or, for a paging channel, incidents to resolve).
  returned: always
  type: list
  elements: dict
  contains:
    channel:
      description: V(pagerduty), V(opsgenie), V(sms), V(webhook) or V(email).
      type: str
    alerts:
      description: How many alerts the message (or the paging events) carried.
      type: int
    resolved:
      description: Paging channels only - how many checks that are ok were resolved or closed (O(resolve_cleared)).
      type: int
    highest:
      description: Most urgent severity in it.
      type: str
    subject:
      description: The message's first line (the e-mail subject).
      type: str
    sent:
      description: Whether it was delivered - every event or message of the channel (false in check mode and on errors).
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
from urllib.error import HTTPError
from urllib.parse import quote, urlencode

from ansible.module_utils.basic import AnsibleModule
from ansible.module_utils.common.text.converters import to_native
from ansible.module_utils.urls import open_url

from ansible_collections.auraflow.ops.plugins.module_utils.alerts import (
    CHANNELS,
    PAGING,
    SEVERITIES,
    PolicyError,
    at_or_above,
    classify,
    cleared_checks,
    counts,
    highest,
    opsgenie_requests,
    pagerduty_events,
    render,
    route,
    sms_text,
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
    pagerduty_routing_key=dict(type='str', no_log=True),
    pagerduty_url=dict(type='str', default='https://events.pagerduty.com/v2/enqueue'),
    opsgenie_api_key=dict(type='str', no_log=True),
    opsgenie_url=dict(type='str', default='https://api.opsgenie.com'),
    sms_url=dict(type='str'),
    sms_account_sid=dict(type='str'),
    sms_auth_token=dict(type='str', no_log=True),
    sms_from=dict(type='str'),
    sms_to=dict(type='list', elements='str', default=[]),
    paging_timeout=dict(type='float', default=10.0),
    resolve_cleared=dict(type='bool', default=True),
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


def _post(params, url, body, headers=None, form=False, **kwargs):
    """POST body (JSON, or form fields) to url; raises on a connection error or a status >= 400."""
    data = urlencode(body) if form else json.dumps(body)
    headers = dict(headers or {}, **{'Content-Type': 'application/x-www-form-urlencoded' if form else 'application/json'})
    resp = open_url(url, data=data.encode('utf-8'), method='POST', headers=headers, timeout=params['paging_timeout'],
                    validate_certs=params['validate_certs'], http_agent='auraflow.ops alert_route', **kwargs)
    resp.read()


def send_pagerduty(params, alerts, cleared):
    """An Events API v2 event per alerting check, a resolve per cleared one."""
    for event in pagerduty_events(params['pagerduty_routing_key'], params['source'], alerts, cleared):
        _post(params, params['pagerduty_url'], event)


def send_opsgenie(params, alerts, cleared):
    """An Opsgenie alert per alerting check (alias = its dedup key), a close per cleared one (404: none was open)."""
    headers = {'Authorization': 'GenieKey %s' % params['opsgenie_api_key']}
    for dummy, path, body in opsgenie_requests(params['source'], alerts, cleared):
        try:
            _post(params, params['opsgenie_url'].rstrip('/') + path, body, headers=headers)
        except HTTPError as exc:
            if not (exc.code == 404 and '/close' in path):
                raise


def send_sms(params, alerts):
    """One message per number in sms_to."""
    url = '%s/Accounts/%s/Messages.json' % (params['sms_url'].rstrip('/'), quote(params['sms_account_sid'], safe=''))
    body = sms_text(params['source'], alerts)
    for number in params['sms_to']:
        _post(params, url, {'To': number, 'From': params['sms_from'], 'Body': body}, form=True,
              url_username=params['sms_account_sid'], url_password=params['sms_auth_token'] or '', force_basic_auth=True)


def configured_channels(params):
    out = []
    if params['pagerduty_routing_key']:
        out.append('pagerduty')
    if params['opsgenie_api_key']:
        out.append('opsgenie')
    if params['sms_url'] and params['sms_account_sid'] and params['sms_from'] and params['sms_to']:
        out.append('sms')
    if params['webhook_url']:
        out.append('webhook')
    if params['smtp_host'] and params['smtp_to']:
        out.append('email')
    return out


def run_module():
    module = AnsibleModule(argument_spec=ARGUMENT_SPEC, supports_check_mode=True)
    params = module.params
    configured = configured_channels(params)
    try:
        thresholds = validate_thresholds(params['thresholds'])
        table = validate_routes(params['routes'] or None)
        checks, alerts = classify(slo=params['slo'], health=params['health'], ai_status=params['ai_status'],
                                  hosts=params['hosts'], thresholds=thresholds)
        per_channel, unconfigured = route(alerts, table, configured)
    except PolicyError as exc:
        module.fail_json(msg=str(exc))

    for alert in alerts:
        alert['channels'] = [c for c in CHANNELS if alert in per_channel.get(c, [])]

    deliveries = []
    cleared = dict((c, cleared_checks(checks, table, c) if params['resolve_cleared'] and c in configured else []) for c in PAGING)
    senders = {'pagerduty': lambda carried, subject, text: send_pagerduty(params, carried, cleared['pagerduty']),
               'opsgenie': lambda carried, subject, text: send_opsgenie(params, carried, cleared['opsgenie']),
               'sms': lambda carried, subject, text: send_sms(params, carried),
               'webhook': lambda carried, subject, text: send_webhook(params, text),
               'email': lambda carried, subject, text: send_email(params, subject, text)}
    for channel in CHANNELS:
        carried = per_channel.get(channel, [])
        if not carried and not cleared.get(channel):
            continue
        subject, text = render(params['source'], carried) if carried else ('', '')
        entry = dict(channel=channel, alerts=len(carried), highest=highest(carried), subject=subject, sent=False)
        if channel in PAGING:
            entry['resolved'] = len(cleared[channel])
        if not module.check_mode:
            try:
                senders[channel](carried, subject, text)
                entry['sent'] = True
            except Exception as exc:  # any delivery problem is reported, never a crash of the check
                entry['error'] = '%s: %s' % (type(exc).__name__, to_native(exc))
                module.warn('alert_route: %s delivery failed: %s' % (channel, entry['error']))
                module.debug(traceback.format_exc())
        deliveries.append(entry)

    worst = highest(alerts)
    failing = worst is not None and at_or_above(worst, params['fail_on'])
    # a message with alerts changes something; resolving checks that are ok (stateless: the paging service ignores
    # a key it has no open incident for) does not
    changed = any(d['sent'] and d['alerts'] for d in deliveries) or (module.check_mode and any(d['alerts'] for d in deliveries))
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
