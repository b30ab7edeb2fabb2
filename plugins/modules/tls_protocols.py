#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, auraflow.ops maintainers
# MIT License (see LICENSE)

from __future__ import annotations

DOCUMENTATION = r'''
---
module: tls_protocols
short_description: Check which TLS protocol versions a server accepts
version_added: 0.1.0
description:
  - Connects to O(host):O(port) once per protocol version and tells whether the server accepts it.
  - Legacy versions (V(SSLv3), V(TLSv1), V(TLSv1.1)) are probed with a hand-built C(ClientHello) offering exactly that
    version; a C(ServerHello) with that version means accepted, an alert or a closed connection means refused. This
    does not depend on what the local OpenSSL is willing to send (OpenSSL 3 refuses to offer these versions by default,
    which would make every server look safe).
  - V(TLSv1.2) and V(TLSv1.3) are probed with a full handshake through Python's C(ssl) module pinned to that version
    (what a real client does). Certificates are not verified; only protocol versions are judged.
  - 'Finding ids and severities: V(protocol_accepted) high (critical for V(SSLv3)) - a version of O(refused) is
    accepted; V(protocol_refused) high - a version of O(accepted) is refused (clients that need it fail).'
  - A version that cannot be judged (connection failure, timeout, not a TLS server, the local OpenSSL cannot offer
    V(TLSv1.2) or V(TLSv1.3)) fails the task with the reason; nothing is guessed.
  - Read-only; runs where it is invoked (usually the controller, C(delegate_to=localhost)). The probes are also sent in
    check mode.
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
  host:
    description: Host name or address of the TLS server.
    type: str
    required: true
  port:
    description: TCP port of the TLS server.
    type: int
    default: 443
  server_name:
    description: Name sent as SNI; default O(host) unless it is an IP address (then no SNI is sent).
    type: str
  refused:
    description: Versions that must be refused. V(TLSv1.0) and V(1.0) style names are accepted too.
    type: list
    elements: str
    default: [SSLv3, TLSv1, TLSv1.1]
  accepted:
    description: Versions that must be accepted.
    type: list
    elements: str
    default: [TLSv1.2, TLSv1.3]
  timeout:
    description: Seconds to wait for a connection and an answer, per version.
    type: float
    default: 10
extends_documentation_fragment:
  - ansible.builtin.action_common_attributes
  - auraflow.ops.findings
seealso:
  - name: Mozilla server side TLS guidelines
    description: Which protocol versions a server should offer.
    link: https://wiki.mozilla.org/Security/Server_Side_TLS
'''

EXAMPLES = r'''
- name: TLS 1.0/1.1 refused, 1.2/1.3 accepted by the public endpoint
  auraflow.ops.tls_protocols:
    host: www.example.com
  delegate_to: localhost
  run_once: true

- name: Report only, for a table of checks
  auraflow.ops.tls_protocols:
    host: 127.0.0.1
    port: 8443
    server_name: aura-web1
    fail_on: none
  delegate_to: localhost
  register: tls

- name: Show what TLS 1.0 got
  ansible.builtin.debug:
    msg: "{{ tls.protocols['TLSv1'].detail }}"
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
  sample: 'TLS protocols of 127.0.0.1:8443: accepted TLSv1.2, TLSv1.3; refused SSLv3, TLSv1, TLSv1.1'
findings:
  description: The findings (C(evidence) with C(version) and C(detail)), most severe first.
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
  - id: protocol_accepted
    severity: high
    message: TLSv1 is accepted by 10.0.0.5:443; it must be refused (ServerHello TLSv1)
    evidence:
      version: TLSv1
      detail: ServerHello TLSv1
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
      info: 0
      low: 0
      medium: 0
      high: 0
      critical: 0
    highest: null
    failed: 0
    fail_on: high
protocols:
  description: Per version probed, whether the server accepted it, how it answered and how it was asked.
  returned: always
  type: dict
  sample:
    TLSv1:
      accepted: false
      detail: alert protocol_version (70)
      method: client_hello
      expected: refused
    TLSv1.2:
      accepted: true
      detail: handshake TLSv1.2 ECDHE-ECDSA-AES256-GCM-SHA384
      cipher: ECDHE-ECDSA-AES256-GCM-SHA384
      method: handshake
      expected: accepted
'''

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.auraflow.ops.plugins.module_utils.findings import verdict
from ansible_collections.auraflow.ops.plugins.module_utils.tls import TlsProbeError, judge, probe, version_name

ARGUMENT_SPEC = dict(
    host=dict(type='str', required=True),
    port=dict(type='int', default=443),
    server_name=dict(type='str'),
    refused=dict(type='list', elements='str', default=['SSLv3', 'TLSv1', 'TLSv1.1']),
    accepted=dict(type='list', elements='str', default=['TLSv1.2', 'TLSv1.3']),
    timeout=dict(type='float', default=10.0),
    fail_on=dict(type='str', default='high', choices=['none', 'low', 'medium', 'high', 'critical']),
)


def _versions(module, key):
    names = []
    for value in module.params[key]:
        try:
            name = version_name(value)
        except ValueError as exc:
            module.fail_json(msg='%s: %s' % (key, exc))
        if name not in names:
            names.append(name)
    return names


def run_module():
    module = AnsibleModule(argument_spec=ARGUMENT_SPEC, supports_check_mode=True)
    params = module.params
    refused = _versions(module, 'refused')
    accepted = _versions(module, 'accepted')
    both = [name for name in refused if name in accepted]
    if both:
        module.fail_json(msg='%s cannot be both refused and accepted' % ', '.join(both))
    if not refused and not accepted:
        module.fail_json(msg='give at least one version in refused or accepted')
    if not 0 < params['port'] < 65536 or params['timeout'] <= 0:
        module.fail_json(msg='port must be 1-65535 and timeout positive, got %s and %s' % (params['port'], params['timeout']))
    where = '%s:%d' % (params['host'], params['port'])
    results = {}
    for name in refused + accepted:
        try:
            result = probe(params['host'], params['port'], name, params['server_name'], params['timeout'])
        except TlsProbeError as exc:
            module.fail_json(msg='cannot judge %s of %s: %s' % (name, where, exc.message), ok=False, protocols=results,
                             findings=[])
        result['expected'] = 'refused' if name in refused else 'accepted'
        results[name] = result

    judged = verdict(judge(results, refused, accepted, where), params['fail_on'])
    said_yes = [name for name in results if results[name]['accepted']]
    said_no = [name for name in results if not results[name]['accepted']]
    msg = 'TLS protocols of %s: accepted %s; refused %s' % (where, ', '.join(said_yes) or 'none', ', '.join(said_no) or 'none')
    if judged.failed:
        msg += ' - failed: ' + '; '.join(f.message for f in judged.failed)
    judged.exit(module, msg, protocols=results)


def main():
    run_module()


if __name__ == '__main__':
    main()
