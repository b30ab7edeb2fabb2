#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, auraflow.ops maintainers
# MIT License (see LICENSE)

from __future__ import annotations

DOCUMENTATION = r'''
---
module: cors_audit
short_description: Find CORS outages (the real frontend refused) and holes (anyone let in) of an HTTP API
version_added: 0.1.0
description:
  - Sends simple (C(GET)) and preflight (C(OPTIONS)) requests to O(url) with crafted C(Origin) headers and judges the
    C(Access-Control-*) and C(Vary) headers of the answers, as a browser would.
  - 'Origins sent: no C(Origin) at all (baseline); every allowed origin; an unrelated origin (unique per run); C(null);
    for every allowed origin C(https://app.example.com) the prefix probe C(https://app.example.com.auraflow-probe.invalid)
    (not for an origin written with a port such as C(https://app.example.com:8443): only more port digits extend it, that is
    another port of the same host, so no origin an outsider can register or a browser can send matches a prefix test),
    the suffix probes C(https://evilapp.example.com) and C(https://evilexample.com), each dot of the host replaced
    (C(https://app-example.com), C(https://app.example-com)), unknown subdomains of the host and of its parent domains,
    and the C(http://) twin of an https origin; every O(extra_origins) entry. Allowed origins are never used as probes.'
  - 'Preflights: one per O(methods) entry for every allowed origin, asking for O(request_headers); one asking for a
    made-up method and header (does the server grant whatever is asked?); and every crafted origin above again as a
    preflight (the last O(methods) entry with O(request_headers)), because loose matching can live in the C(OPTIONS)
    handler alone - a granted preflight lets a browser send the state-changing request with credentials. A finding''s
    C(method) evidence says which request was accepted.'
  - An origin is accepted when C(Access-Control-Allow-Origin) is that exact origin. C(*) is judged on its own
    (V(wildcard_with_credentials), V(wildcard_origin)).
  - Overlapping evidence is attributed to its root cause, so one fault gives one finding. An echoed unrelated origin
    (V(origin_reflected)) subsumes every other accepted origin (listed in its C(also_accepted) evidence); a suffix match
    on a parent domain subsumes the subdomains it accepts; a subdomain wildcard subsumes C(evilHOST) names that are
    its subdomains; the dot probes are not counted when a suffix match or subdomain trust already explains them.
  - 'Finding ids (stable) and severities. Where two severities are given, the first applies when the answer carries
    C(Access-Control-Allow-Credentials: true), the second without it.'
  - V(origin_reflected) critical / medium - an arbitrary origin is echoed.
  - V(null_origin_allowed) high / medium - the C(null) origin (sandboxed iframes, C(data:) documents) is allowed.
  - V(prefix_match) high / medium - C(https://app.example.com.attacker.tld) is accepted.
  - V(suffix_match) high / medium - C(https://evilexample.com) (or C(https://evilapp.example.com)) is accepted.
  - V(unescaped_dot) high / medium - a dot of an allowed host replaced by another character is accepted (an unescaped
    C(.) in a regular expression; C(appXexample.com) can be registered by anyone).
  - V(extra_origin_allowed) high / medium - an O(extra_origins) entry is allowed.
  - V(subdomain_trust) medium / low - an unknown subdomain of an allowed host or of its parent domain is accepted.
  - V(http_origin_on_https) medium / low - the C(http://) twin of an https origin is accepted.
  - 'V(wildcard_with_credentials) high - C(Access-Control-Allow-Origin: *) with C(Access-Control-Allow-Credentials:
    true).'
  - 'V(wildcard_origin) medium on an authenticated API (the request without credentials gets 401/403 or a
    C(WWW-Authenticate) header), info on a public resource (audit a protected URL to judge the API) -
    C(Access-Control-Allow-Origin: *).'
  - 'V(missing_vary_origin) medium - C(Access-Control-Allow-Origin) varies with the C(Origin) but an answer lacks
    C(Vary: Origin) (a shared cache serves the answer for one origin to another - cache poisoning, or the outage).'
  - V(preflight_too_broad) medium when the preflight grants whatever method or header is asked, or C(*) in
    C(Access-Control-Allow-Methods) / C(Access-Control-Allow-Headers); low when it grants non-standard methods not
    asked for (e.g. C(TRACE)); info when it grants standard methods (C(PATCH), C(OPTIONS), ...) or a fixed list of
    headers beyond those asked.
  - V(allowed_origin_rejected) high - an allowed origin gets no (or another) C(Access-Control-Allow-Origin) on the
    simple request, or a preflight a browser would refuse (non-2xx status, a method of O(methods) or a header of
    O(request_headers) not granted). This is the runbook's "CORS error" outage. One finding per rejected origin.
  - A correct configuration yields no finding above V(info).
  - Read-only; runs where it is invoked (usually the controller, C(delegate_to=localhost)). The requests are also
    sent in check mode.
author:
  - auraflow.ops maintainers (@auraflow)
attributes:
  check_mode:
    support: full
    details: Read-only; the probes are sent in check mode too.
  diff_mode:
    support: none
  platform:
    platforms: posix
options:
  url:
    description: The http or https URL of the API to audit (any path the CORS policy applies to, e.g. a protected endpoint).
    type: str
    required: true
  allowed_origins:
    description:
      - The intended whitelist, e.g. the value of C(CORS_ORIGIN) split at commas. Each entry is an origin
        C(scheme://host[:port]) without path or trailing slash; a string is split at commas.
    type: list
    elements: str
    required: true
  methods:
    description:
      - The methods the frontend uses; one preflight per method and allowed origin. A declared method the preflight does
        not grant is V(allowed_origin_rejected).
      - The default is the CORS-safelisted methods, which need no C(Access-Control-Allow-Methods) grant. Declare
        C(PUT), C(DELETE), C(PATCH) when the frontend sends them; a grant of methods beyond those declared is at most
        V(preflight_too_broad) info.
    type: list
    elements: str
    default: [GET, HEAD, POST]
  request_headers:
    description: The request headers the frontend sends (asked for in the preflights).
    type: list
    elements: str
    default: [Authorization, Content-Type]
  extra_origins:
    description:
      - More origins that must be refused (a retired domain, a staging frontend, a partner). An accepted one is
        V(extra_origin_allowed).
    type: list
    elements: str
    default: []
extends_documentation_fragment:
  - ansible.builtin.action_common_attributes
  - auraflow.ops.http_client
  - auraflow.ops.findings
notes:
  - Each request gets a full answer, 4xx and 5xx included; only a connection failure, timeout or TLS error stops the
    audit (the task fails with the reason).
  - Findings list the CORS response headers seen (C(Access-Control-*) and C(Vary)) and the origin sent.
seealso:
  - name: Fetch standard, CORS protocol
    description: How browsers check Access-Control-Allow-Origin, credentials and preflights.
    link: https://fetch.spec.whatwg.org/#http-cors-protocol
'''

EXAMPLES = r'''
- name: CORS gate after a deploy, through nginx (the whitelist is the backend's CORS_ORIGIN)
  auraflow.ops.cors_audit:
    url: https://127.0.0.1:8443/api/me
    allowed_origins: "{{ backend_cors_origin.split(',') }}"
    validate_certs: false
  delegate_to: localhost
  run_once: true

- name: Audit, report everything from low up without failing
  auraflow.ops.cors_audit:
    url: http://127.0.0.1:3001/api/items
    allowed_origins:
      - https://app.example.com
      - https://admin.example.com
    extra_origins:
      - https://staging.example.com
    methods: [GET, POST, PUT, DELETE]
    request_headers: [Authorization, Content-Type]
    fail_on: none
  delegate_to: localhost
  register: cors

- name: Show what was found
  ansible.builtin.debug:
    msg: "{{ cors.findings | selectattr('severity', 'in', ['high', 'critical']) | map(attribute='id') | list }}"
'''

RETURN = r'''
ok:
  description: No finding at or above O(fail_on); always V(true) with O(fail_on=none).
  returned: always
  type: bool
  sample: true
msg:
  description: One-line summary.
  returned: always
  type: str
  sample: 'CORS audit of http://127.0.0.1:3001/api/me: 31 probes, 0 findings above info'
findings:
  description:
  - The findings, most severe first.
  - 'C(evidence): C(origin) (the origin sent), C(status) and C(headers) (the CORS response headers of that answer),
    and per id C(method) (C(GET) or C(OPTIONS): the request that was accepted), C(origins) (every accepted probe),
    C(credentials), C(allowed_origin), C(also_accepted), C(problems), C(preflight), C(acao_values_seen), C(extra_methods),
    C(extra_headers), C(reflected_method), C(reflected_header), C(wildcard), C(authenticated).'
  returned: always
  type: list
  elements: dict
  contains:
    id:
      description: Stable finding id (see the description).
      type: str
    severity:
      description: One of V(info), V(low), V(medium), V(high), V(critical).
      type: str
    message:
      description: One-line explanation.
      type: str
    evidence:
      description: The values behind the finding; the keys depend on the id.
      type: dict
  sample:
  - id: origin_reflected
    severity: critical
    message: 'an arbitrary origin is echoed in Access-Control-Allow-Origin: any web site can read these responses;
      with credentials'
    evidence:
      origin: https://auraflow-probe-3f9c.example
      credentials: true
      status: 200
      headers:
        access-control-allow-origin: https://auraflow-probe-3f9c.example
        access-control-allow-credentials: 'true'
        vary: Origin
summary:
  description: Counts per severity, the highest severity, how many findings fail the task.
  returned: always
  type: dict
  contains:
    counts:
      description: Number of findings per severity.
      type: dict
    highest:
      description: The highest severity found (null when there is no finding).
      type: str
    failed:
      description: Number of findings at or above O(fail_on).
      type: int
    fail_on:
      description: The threshold used.
      type: str
  sample:
    counts:
      info: 1
      low: 0
      medium: 0
      high: 0
      critical: 0
    highest: info
    failed: 0
    fail_on: high
probes:
  description: Number of requests sent.
  returned: always
  type: int
  sample: 31
'''

import os

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.auraflow.ops.plugins.module_utils.cors import (
    Answer,
    OriginError,
    Preflight,
    as_preflights,
    hostile_origins,
    judge,
    normalize_origin,
    split_list,
    valid_token,
)
from ansible_collections.auraflow.ops.plugins.module_utils.findings import verdict
from ansible_collections.auraflow.ops.plugins.module_utils.http_probe import ProbeError, Session, Target

ARGUMENT_SPEC = dict(
    url=dict(type='str', required=True),
    allowed_origins=dict(type='list', elements='str', required=True),
    methods=dict(type='list', elements='str', default=['GET', 'HEAD', 'POST']),
    request_headers=dict(type='list', elements='str', default=['Authorization', 'Content-Type']),
    extra_origins=dict(type='list', elements='str', default=[]),
    timeout=dict(type='float', default=10.0),
    validate_certs=dict(type='bool', default=True),
    fail_on=dict(type='str', default='high', choices=['none', 'low', 'medium', 'high', 'critical']),
)


class Prober:
    """Sends the requests on one keep-alive session and counts them."""

    def __init__(self, url, timeout, validate_certs):
        self.url = url
        self.session = Session(timeout=timeout, validate_certs=validate_certs)
        self.count = 0

    def send(self, method, origin=None, extra=None):
        headers = {}
        if origin is not None:
            headers['Origin'] = origin
        headers.update(extra or {})
        self.count += 1
        resp = self.session.request(self.url, method=method, headers=headers)
        return Answer(resp.status, resp.headers)

    def close(self):
        self.session.close()


def _validated(module):
    params = module.params
    try:
        Target(params['url'])
    except ProbeError as exc:
        module.fail_json(msg='url: %s' % exc.message)
    allowed = []
    for entry in split_list(params['allowed_origins']):
        try:
            origin = normalize_origin(entry)
        except OriginError as exc:
            module.fail_json(msg='allowed_origins: %s' % exc)
        if origin not in allowed:
            allowed.append(origin)
    if not allowed:
        module.fail_json(msg='allowed_origins: give at least one origin, like https://app.example.com')
    extra = []
    for entry in split_list(params['extra_origins']):
        try:
            extra.append('null' if entry.strip().lower() == 'null' else normalize_origin(entry))
        except OriginError as exc:
            module.fail_json(msg='extra_origins: %s' % exc)
    clash = [o for o in extra if o in allowed]
    if clash:
        module.fail_json(msg='extra_origins: %s is also in allowed_origins' % ', '.join(clash))
    methods = [m.upper() for m in split_list(params['methods'])]
    bad = [m for m in methods if not valid_token(m)]
    if not methods or bad:
        module.fail_json(msg='methods: give HTTP method names like GET, POST; got %r' % (params['methods'],))
    headers = split_list(params['request_headers'])
    bad = [h for h in headers if not valid_token(h)]
    if bad:
        module.fail_json(msg='request_headers: not header names: %s' % ', '.join(bad))
    if params['timeout'] <= 0:
        module.fail_json(msg='timeout must be a positive number of seconds, got %s' % params['timeout'])
    return allowed, extra, methods, headers


def run_module():
    module = AnsibleModule(argument_spec=ARGUMENT_SPEC, supports_check_mode=True)
    params = module.params
    allowed, extra, methods, request_headers = _validated(module)
    nonce = os.urandom(4).hex()
    probes = hostile_origins(allowed, extra, nonce=nonce)
    prober = Prober(params['url'], params['timeout'], params['validate_certs'])
    acrh = ', '.join(h.lower() for h in request_headers)
    try:
        baseline = prober.send('GET')
        allowed_gets = [(origin, prober.send('GET', origin)) for origin in allowed]
        hostile = [(probe, prober.send('GET', probe.origin)) for probe in probes]
        asked = {'Access-Control-Request-Method': methods[-1]}
        if request_headers:
            asked['Access-Control-Request-Headers'] = acrh
        hostile.extend((probe, prober.send('OPTIONS', probe.origin, asked)) for probe in as_preflights(probes))
        preflights = []
        for origin in allowed:
            for method in methods:
                extra_headers = {'Access-Control-Request-Method': method}
                if request_headers:
                    extra_headers['Access-Control-Request-Headers'] = acrh
                preflights.append(Preflight(origin, method, request_headers, prober.send('OPTIONS', origin, extra_headers)))
        probe_method = 'AURAFLOWPROBE'
        probe_header = 'x-auraflow-probe-%s' % nonce
        broad = Preflight(allowed[0], probe_method, [probe_header], prober.send('OPTIONS', allowed[0], {
            'Access-Control-Request-Method': probe_method, 'Access-Control-Request-Headers': probe_header}))
    except ProbeError as exc:
        prober.close()
        module.fail_json(msg='cors_audit could not complete the probes of %s: %s' % (params['url'], exc.message),
                         ok=False, findings=[], probes=prober.count)
    prober.close()

    findings = judge(baseline, allowed_gets, hostile, preflights, broad, methods, request_headers)
    judged = verdict(findings, params['fail_on'])
    judged.exit(module, judged.line('CORS audit of %s' % params['url'], '%d probes' % prober.count), probes=prober.count)


def main():
    run_module()


if __name__ == '__main__':
    main()
