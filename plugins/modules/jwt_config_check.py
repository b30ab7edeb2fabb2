#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, auraflow.ops maintainers
# MIT License (see LICENSE)

from __future__ import annotations

DOCUMENTATION = r'''
---
module: jwt_config_check
short_description: Check a JWT setup - the secret and lifetime it is configured with, and how the live API treats forged tokens
version_added: 0.1.0
description:
  - B(Config checks) run when O(secret) or O(env_file) is given. O(env_file) is a C(.env) file B(on the target host)
    (the module runs where the file is), read like the reference backend reads it; it provides C(JWT_SECRET),
    C(JWT_EXPIRES_IN) and optionally C(JWT_ALGORITHM).
  - B(Live checks) run when O(url) (an endpoint that requires a Bearer token) is given with O(token) or with
    O(login_url) and O(login_body) (a fresh token is requested). At least one of the two sets is required.
  - 'Live checks, in order: the URL without a token must be refused (else the task fails: it is not a protected
    endpoint); the token as issued must be accepted (the control); then forged tokens are sent, each of which must be
    refused: C(alg) V(none) (also V(None), V(NONE), V(nOnE)) without signature, and V(none) with the original signature
    kept; the token as issued with its signature removed (C(header.payload.), its C(alg) kept); a claim added to the
    payload with the original signature kept; the claims re-signed with a random key and with an empty key; and, when the secret is
    known (given, read from O(env_file), or cracked from the wordlist), the claims re-signed with it, fresh (must be
    accepted) and expired one hour ago (must be refused). The issued token is tried offline against the built-in
    wordlist and O(wordlist). The server''s C(Date) header is compared with the local clock.'
  - A token is accepted when the answer is 2xx.
  - 'Finding ids (stable) and severities:'
  - V(secret_missing) critical - no (or an empty) C(JWT_SECRET) / O(secret).
  - V(secret_too_short) high - fewer bytes than O(min_secret_bytes), and never fewer than the hash size of the
    algorithm (32 for HS256, 48 for HS384, 64 for HS512; RFC 7518 section 3.2).
  - V(secret_low_entropy) high below an estimated 64 bits, medium below 128. The estimate is the lower of brute force
    over the secret's alphabet (character classes, Shannon entropy, repeated patterns) and the guesses of an attacker
    who tries likely things first (zxcvbn-style) - common passwords and words (ranked), the vocabulary of placeholder
    secrets (C(jwt), C(secret), C(production), the product's name), alphabet and digit sequences, keyboard runs,
    repeats, years, a separator reused between the parts. The evidence names the kinds of patterns found
    (C(patterns)), never the parts of the secret.
  - V(secret_in_wordlist) critical - the secret is a known placeholder (built-in list or O(wordlist); compared
    ignoring case and digits or punctuation appended).
  - V(lifetime_missing) medium when the lifetime is not configured (neither C(JWT_EXPIRES_IN) nor O(expires_in));
    high when C(JWT_EXPIRES_IN) is not a duration or the issued token has no C(exp) (it never expires).
  - V(lifetime_too_long) medium above O(max_lifetime), low above one hour (configured or issued lifetime).
  - V(alg_not_allowed) high (critical for V(none)) - the configured C(JWT_ALGORITHM) or the issued token's C(alg) is
    not in O(algorithms).
  - V(alg_none_accepted) critical - a token with C(alg) V(none) is accepted, unsigned or with its signature ignored.
  - V(signature_not_verified) critical - a tampered payload is accepted (implies, and replaces, V(wrong_key_accepted)),
    or the token with its signature removed and its C(alg) kept is accepted (verification skipped for an empty
    signature, the CVE-2020-28042 class; the unsigned C(alg) V(none) tokens such a server also accepts are explained by
    it and listed in C(also_accepted), not reported as V(alg_none_accepted)).
  - V(weak_secret_signature) critical - the server's own token verifies with a wordlist secret (cracked offline,
    no secret needed).
  - V(expired_token_accepted) high - a correctly signed token whose C(exp) is an hour in the past is accepted (needs
    the secret, given, from O(env_file), or cracked).
  - V(wrong_key_accepted) critical - a token signed with a random or an empty key is accepted.
  - V(clock_skew) medium when the server's C(Date) differs from the local clock by more than O(max_clock_skew),
    high above five minutes (C(iat)/C(nbf)/C(exp) checks fail across hosts).
  - V(valid_token_rejected) high - the control fails (the freshly issued token is refused, every user gets 401), or a
    fresh token signed with the configured secret is refused (the server runs with another secret - a missed restart,
    or hosts with different C(.env) files). When the control fails, the forged-token checks are skipped.
  - The secret, the given or issued token and O(login_body) never appear in the result, in the diff, in warnings or
    error messages, at any verbosity. Findings and RV(token) carry lengths, algorithms, claim names and times only.
    A secret read from O(env_file), a cracked secret and the issued token are masked like no_log values too.
  - Read-only; supports check mode (the live requests are sent in check mode too).
author:
  - auraflow.ops maintainers (@auraflow)
attributes:
  check_mode:
    support: full
    details: Read-only; every check runs in check mode too.
  diff_mode:
    support: none
  platform:
    platforms: posix
options:
  secret:
    description: The JWT signing secret (HMAC key) to check. Mutually exclusive with O(env_file).
    type: str
  env_file:
    description:
      - Path of a C(.env) file on the target host with C(JWT_SECRET), C(JWT_EXPIRES_IN) and optionally
        C(JWT_ALGORITHM). Mutually exclusive with O(secret).
    type: path
  expires_in:
    description:
      - The configured token lifetime when it is not in O(env_file) (C(15m), C(24h), C(7d), C(2w) or seconds).
    type: str
  url:
    description: An http(s) URL that requires a Bearer token (e.g. C(/api/me)); enables the live checks.
    type: str
    required: false
  token:
    description: A valid, unexpired token issued by the server. Mutually exclusive with O(login_url).
    type: str
  login_url:
    description: URL to POST O(login_body) to (as JSON) for a fresh token. Mutually exclusive with O(token).
    type: str
  login_body:
    description: The JSON body of the login request (e.g. the keys C(email) and C(password)). Required with O(login_url).
    type: dict
  token_field:
    description: Field of the login answer that holds the token; a dotted path (C(data.access_token)) reaches into objects.
    type: str
    default: token
  algorithms:
    description: The allowed algorithms. The first one is the expected algorithm of a secret without C(JWT_ALGORITHM).
    type: list
    elements: str
    default: [HS256]
  min_secret_bytes:
    description: Minimum secret length in bytes (UTF-8); 32 bytes is 256 bits, the HS256 hash size.
    type: int
    default: 32
  max_lifetime:
    description: Longest acceptable token lifetime (a duration like C(24h) or seconds). Above one hour is already low.
    type: str
    default: 24h
  wordlist:
    description: More weak secrets, in addition to the built-in list of placeholders (C(changeme), C(secret), C(your-secret-key), ...).
    type: list
    elements: str
    default: []
  max_clock_skew:
    description: Largest acceptable difference between the server's C(Date) and the local clock (a duration or seconds).
    type: str
    default: 30s
extends_documentation_fragment:
  - ansible.builtin.action_common_attributes
  - auraflow.ops.http_client
  - auraflow.ops.findings
notes:
  - Ansible replaces every occurrence of a no_log value in a result with C(********), also inside words, which would
    turn the finding id C(weak_secret_signature) into C(weak_********_signature) when the secret is the word
    C(secret). The module therefore masks its result itself - the evidence, the facts, the invocation - and leaves the
    texts it writes from fixed templates intact - RV(msg), RV(summary) and each finding's C(id), C(severity) and
    C(message), which never contain a secret.
  - The live checks send about a dozen requests to O(url) and, with O(login_url), one login.
seealso:
  - name: RFC 7519 JSON Web Token
    description: Claims (exp, iat, nbf).
    link: https://www.rfc-editor.org/rfc/rfc7519
  - name: RFC 7518 section 3.2
    description: HMAC key sizes.
    link: https://www.rfc-editor.org/rfc/rfc7518#section-3.2
'''

EXAMPLES = r'''
- name: Config gate before a deploy (runs on the app host, where the .env is)
  auraflow.ops.jwt_config_check:
    env_file: /opt/aura-flow/shared/.env
    max_lifetime: 24h

- name: Live checks against the API, with a fresh login (from the controller)
  auraflow.ops.jwt_config_check:
    url: https://127.0.0.1:8443/api/me
    login_url: https://127.0.0.1:8443/api/auth/login
    login_body:
      email: demo@aura-flow.local
      password: "{{ demo_password }}"
    validate_certs: false
  delegate_to: localhost
  run_once: true

- name: Both at once on an app host, report without failing
  auraflow.ops.jwt_config_check:
    env_file: /opt/aura-flow/shared/.env
    url: http://127.0.0.1:3001/api/me
    login_url: http://127.0.0.1:3001/api/auth/login
    login_body: {email: demo@aura-flow.local, password: "{{ demo_password }}"}
    wordlist: "{{ known_leaked_secrets }}"
    fail_on: none
  register: jwt
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
  sample: 'JWT check: config and live checks ran, 0 findings above info'
findings:
  description: The findings, most severe first; never the secret or a token.
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
  - id: lifetime_too_long
    severity: low
    message: token lifetime 24h (JWT_EXPIRES_IN) is above one hour; ...
    evidence:
      source: JWT_EXPIRES_IN
      lifetime: 86400
      max_lifetime: 86400
summary:
  description: Counts per severity, the highest severity, how many findings fail the task, and the ids found.
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
    ids:
      description: Finding id to severity.
      type: dict
  sample:
    counts:
      info: 0
      low: 1
      medium: 0
      high: 0
      critical: 0
    highest: low
    failed: 0
    fail_on: high
    ids:
      lifetime_too_long: low
token:
  description: Facts about the token the server issued (or O(token)); empty without live checks.
  returned: always
  type: dict
  contains:
    alg:
      description: The C(alg) header.
      type: str
    typ:
      description: The C(typ) header.
      type: str
    has_exp:
      description: Whether the token has an C(exp) claim.
      type: bool
    lifetime:
      description: C(exp - iat) in seconds (null when either is missing).
      type: int
    expires_in:
      description: Seconds until C(exp) at the time of the check.
      type: int
    claims:
      description: Names of the claims (not their values).
      type: list
    header_fields:
      description: Names of the header fields.
      type: list
    source:
      description: V(login) or V(parameter).
      type: str
    verifies_with_configured_secret:
      description: Whether the token's signature verifies with the configured secret (only when both are known).
      type: bool
  sample:
    alg: HS256
    typ: JWT
    has_exp: true
    lifetime: 900
    expires_in: 899
    claims:
    - email
    - exp
    - iat
    - sub
    header_fields:
    - alg
    - typ
    source: login
    verifies_with_configured_secret: true
config:
  description: Facts about the configuration checked (never the secret); empty without config checks.
  returned: always
  type: dict
  sample:
    source: env_file
    secret_length_bytes: 48
    alg: HS256
    lifetime: 900
clock_skew:
  description: Seconds the server's C(Date) is ahead (positive) or behind; null without live checks or C(Date).
  returned: always
  type: float
  sample: 0.0
probes:
  description: Requests sent to O(url) (the login not included).
  returned: always
  type: int
  sample: 10
not_run:
  description: Checks that did not run, with the reason.
  returned: always
  type: list
  elements: str
  sample:
  - 'expired_token_accepted: the secret is unknown (give secret or env_file)'
'''

import os
import time

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.auraflow.ops.plugins.module_utils.durations import DurationError, parse_duration
from ansible_collections.auraflow.ops.plugins.module_utils.findings import Finding, severity_rank, sort_findings, verdict
from ansible_collections.auraflow.ops.plugins.module_utils.http_probe import ProbeError, Session, Target
from ansible_collections.auraflow.ops.plugins.module_utils.jwt import (
    HMAC_ALGORITHMS,
    NONE_VARIANTS,
    JwtError,
    Outcome,
    candidate_secrets,
    clock_skew,
    crack,
    decode,
    forge_alg_none,
    forge_empty_signature,
    forge_resigned,
    forge_tampered,
    judge_live,
    lifetime_findings,
    parse_env,
    parse_lifetime,
    random_key,
    secret_findings,
    token_facts,
    verify_signature,
)

ARGUMENT_SPEC = dict(
    secret=dict(type='str', no_log=True),
    env_file=dict(type='path'),
    expires_in=dict(type='str'),
    url=dict(type='str'),
    token=dict(type='str', no_log=True),
    login_url=dict(type='str'),
    login_body=dict(type='dict', no_log=True),
    token_field=dict(type='str', default='token', no_log=False),
    algorithms=dict(type='list', elements='str', default=['HS256']),
    min_secret_bytes=dict(type='int', default=32, no_log=False),
    max_lifetime=dict(type='str', default='24h'),
    wordlist=dict(type='list', elements='str', default=[], no_log=False),
    max_clock_skew=dict(type='str', default='30s'),
    timeout=dict(type='float', default=10.0),
    validate_certs=dict(type='bool', default=True),
    fail_on=dict(type='str', default='high', choices=['none', 'low', 'medium', 'high', 'critical']),
)
SKEW_HIGH = 300


class Checker:
    """State of one run: findings, facts, and the secret/token kept out of every output."""

    def __init__(self, module):
        self.module = module
        self.params = module.params
        self.findings = []
        self.not_run = []
        self.config = {}
        self.token = {}
        self.skew = None
        self.probes = 0
        self.known_key = None
        self.key_source = None
        self.session = None

    def hide(self, value):
        """Register a sensitive value so that Ansible masks it in anything the module returns."""
        if isinstance(value, str) and value:
            self.module.no_log_values.add(value)

    def fail(self, msg, **extra):
        if self.session is not None:
            self.session.close()
        self.module.fail_json(msg=msg, ok=False, findings=[f.as_dict() for f in sort_findings(self.findings)], **extra)

    def seconds(self, name):
        try:
            value = parse_duration(self.params[name])
        except DurationError as exc:
            self.fail('%s: %s' % (name, exc))
        return value

    # -- config checks
    def check_config(self, algorithms, max_lifetime):
        params = self.params
        if params['env_file'] is not None:
            path = params['env_file']
            if not os.path.isfile(path):
                self.fail('env_file: %s does not exist or is not a file' % path)
            try:
                with open(path, 'rb') as handle:
                    raw = handle.read()
            except OSError as exc:
                self.fail('env_file: cannot read %s: %s' % (path, exc.strerror or type(exc).__name__))
            try:
                text = raw.decode('utf-8')
            except UnicodeDecodeError:
                self.fail('env_file: %s is not UTF-8 text' % path)
            env = parse_env(text)
            secret = env.get('JWT_SECRET')
            self.hide(secret)
            source = 'env_file'
            lifetime_raw, lifetime_source = env.get('JWT_EXPIRES_IN') or None, 'JWT_EXPIRES_IN'
            if lifetime_raw is None and params['expires_in'] is not None:
                lifetime_raw, lifetime_source = params['expires_in'], 'expires_in'
            alg = env.get('JWT_ALGORITHM') or None
            alg_source = 'JWT_ALGORITHM'
            self.config['env_file'] = path
        else:
            secret = params['secret']
            source = 'secret'
            lifetime_raw, lifetime_source = params['expires_in'], 'expires_in'
            alg, alg_source = None, None
        if alg is None:
            alg = algorithms[0] if algorithms[0] in HMAC_ALGORITHMS else 'HS256'
        elif alg not in algorithms:
            self.findings.append(Finding('alg_not_allowed', 'critical' if alg.lower() == 'none' else 'high',
                                         'the configured algorithm %s (%s) is not in the allowed algorithms %s'
                                         % (alg, alg_source, ', '.join(algorithms)),
                                         {'source': alg_source, 'alg': alg, 'algorithms': algorithms}))
        self.config.update(source=source, alg=alg, secret_length_bytes=len(secret.encode('utf-8')) if secret else 0)
        self.findings.extend(secret_findings(secret, params['min_secret_bytes'], alg, params['wordlist'], source))
        if lifetime_raw is None or not str(lifetime_raw).strip():
            self.findings.append(Finding('lifetime_missing', 'medium',
                                         'no token lifetime is configured (JWT_EXPIRES_IN, or expires_in): the application '
                                         'default applies, whatever it is', {'source': source}))
            self.config['lifetime'] = None
        else:
            try:
                lifetime = parse_lifetime(lifetime_raw)
            except JwtError as exc:
                if lifetime_source == 'expires_in':
                    self.fail('expires_in: %s' % exc)
                self.findings.append(Finding('lifetime_missing', 'high',
                                             'JWT_EXPIRES_IN is not a duration (%s): issuing tokens fails' % exc,
                                             {'source': lifetime_source}))
                lifetime = None
            self.config['lifetime'] = lifetime
            if lifetime is not None:
                self.findings.extend(lifetime_findings(lifetime, max_lifetime, lifetime_source))
        if secret:
            self.known_key = secret
            self.key_source = source

    # -- live checks
    def send(self, token=None):
        headers = {}
        if token is not None:
            headers['Authorization'] = 'Bearer ' + token
        self.probes += 1
        try:
            return self.session.request(self.params['url'], method='GET', headers=headers)
        except ProbeError as exc:
            self.fail('url: %s' % exc.message, probes=self.probes)

    def obtain_token(self):
        params = self.params
        if params['token'] is not None:
            self.hide(params['token'])
            return params['token'], 'parameter'
        try:
            resp = self.session.request(params['login_url'], method='POST', body=params['login_body'] or {})
        except ProbeError as exc:
            self.fail('login_url: %s' % exc.message)
        if not 200 <= resp.status <= 299:
            self.fail('login_url answered %d %s: cannot get a token to check (are login_body and the user right?)'
                      % (resp.status, resp.reason))
        try:
            data = resp.json()
        except ProbeError:
            self.fail('login_url: the answer is not JSON')
        value = data
        for part in params['token_field'].split('.'):
            value = value.get(part) if isinstance(value, dict) else None
        if not isinstance(value, str) or not value:
            self.fail('login_url: the answer has no string field %r (set token_field)' % params['token_field'])
        self.hide(value)
        return value, 'login'

    def check_live(self, algorithms, max_lifetime, max_skew):
        params = self.params
        token, source = self.obtain_token()
        try:
            tok = decode(token)
        except JwtError as exc:
            self.fail('token: %s' % exc)
        now = time.time()
        facts = token_facts(tok, now)
        facts['source'] = source
        self.token = facts
        if source == 'parameter' and facts['expires_in'] is not None and facts['expires_in'] <= 0:
            self.fail('token: the given token expired %d seconds ago; give a fresh one or use login_url' % -facts['expires_in'])
        if tok.alg not in algorithms:
            self.findings.append(Finding('alg_not_allowed', 'critical' if str(tok.alg).lower() == 'none' else 'high',
                                         'the server issues %s tokens, not in the allowed algorithms %s' % (tok.alg, ', '.join(algorithms)),
                                         {'source': 'token', 'alg': tok.alg, 'algorithms': algorithms}))
        if not facts['has_exp']:
            self.findings.append(Finding('lifetime_missing', 'high', 'the issued token has no "exp" claim: it never expires',
                                         {'source': 'token', 'claims': facts['claims']}))
        else:
            self.findings.extend(lifetime_findings(facts['lifetime'], max_lifetime, 'token'))
        hmac_alg = tok.alg in HMAC_ALGORITHMS
        cracked = None
        if hmac_alg:
            cracked = crack(tok, candidate_secrets(params['wordlist']))
            if cracked is not None:
                self.hide(cracked)
                self.findings.append(Finding('weak_secret_signature', 'critical',
                                             'the token issued by the server verifies with a secret from the wordlist: '
                                             'it was cracked offline, anyone can forge tokens',
                                             {'alg': tok.alg, 'wordlist': 'built-in and wordlist option', 'empty_key': cracked == ''}))
                if self.known_key is None:
                    self.known_key, self.key_source = cracked, 'wordlist'
            if self.known_key is not None and self.key_source != 'wordlist':
                facts['verifies_with_configured_secret'] = verify_signature(tok, self.known_key)
        else:
            self.not_run.append('weak_secret_signature: the token is %s, not HS256/384/512' % tok.alg)

        unauth = self.send()
        if 200 <= unauth.status <= 299:
            self.fail('url %s answered %d without a token: it is not a protected endpoint, the live checks would be meaningless'
                      % (params['url'], unauth.status), probes=self.probes)
        sent = time.time()
        control = self.send(token)
        received = time.time()
        self.skew = clock_skew(control.header('date'), sent, received)
        outcomes = {'control': Outcome('control', control.status)}
        if self.skew is None:
            self.not_run.append('clock_skew: the server sent no valid Date header')
        elif abs(self.skew) > max_skew:
            self.findings.append(Finding('clock_skew', 'high' if abs(self.skew) > SKEW_HIGH else 'medium',
                                         'the server clock is %+.0f s off (Date header vs this host; more than %g s): '
                                         'tokens are "not yet valid" or expire early on other hosts' % (self.skew, max_skew),
                                         {'skew_seconds': self.skew, 'max_clock_skew': max_skew, 'date': control.header('date')}))
        if outcomes['control'].accepted:
            for variant in NONE_VARIANTS:
                outcomes['none:' + variant] = Outcome('none:' + variant, self.send(forge_alg_none(tok, variant)).status)
            outcomes['none_signed'] = Outcome('none_signed', self.send(forge_alg_none(tok, 'none', keep_signature=True)).status)
            outcomes['empty_signature'] = Outcome('empty_signature', self.send(forge_empty_signature(tok)).status)
            outcomes['tampered'] = Outcome('tampered', self.send(forge_tampered(tok, os.urandom(4).hex())).status)
            if hmac_alg:
                outcomes['wrong_key:random'] = Outcome('wrong_key:random', self.send(forge_resigned(tok, random_key())).status)
                if self.known_key != '' and cracked != '':
                    outcomes['wrong_key:empty'] = Outcome('wrong_key:empty', self.send(forge_resigned(tok, b'')).status)
            else:
                self.not_run.append('wrong_key_accepted: the token is %s, not HS256/384/512' % tok.alg)
            if self.known_key is not None and hmac_alg:
                fresh = self.send(forge_resigned(tok, self.known_key, now=time.time()))
                outcomes['fresh'] = Outcome('fresh', fresh.status, 'claims re-signed with the %s' % self.key_source)
                if outcomes['fresh'].accepted:
                    expired = self.send(forge_resigned(tok, self.known_key, now=time.time(), expired=True))
                    outcomes['expired'] = Outcome('expired', expired.status, 'exp one hour ago')
                else:
                    self.not_run.append('expired_token_accepted: a token signed with the known secret is refused anyway')
            elif self.known_key is None:
                self.not_run.append('expired_token_accepted: the secret is unknown (give secret or env_file)')
            else:
                self.not_run.append('expired_token_accepted: the token is %s, not HS256/384/512' % tok.alg)
        else:
            self.not_run.append('forged tokens (alg none, tampered, wrong key, expired): the valid token is refused')
        self.findings.extend(judge_live(outcomes, self.key_source))


def merge(findings):
    """One finding per id (the most severe; the others' sources noted), valid_token_rejected kept apart."""
    kept = {}
    order = []
    for finding in findings:
        current = kept.get(finding.id)
        if current is None or finding.id == 'valid_token_rejected':
            key = finding.id if current is None else '%s#%d' % (finding.id, len(order))
            kept[key] = finding
            order.append(key)
            continue
        worse, other = (finding, current) if severity_rank(finding.severity) > severity_rank(current.severity) else (current, finding)
        worse.evidence.setdefault('also', []).append({'severity': other.severity, 'message': other.message})
        kept[finding.id] = worse
    return sort_findings([kept[k] for k in order])


def run_module():
    module = AnsibleModule(
        argument_spec=ARGUMENT_SPEC,
        mutually_exclusive=[('secret', 'env_file'), ('token', 'login_url')],
        required_together=[('login_url', 'login_body')],
        required_by={'token': 'url', 'login_url': 'url'},
        supports_check_mode=True,
    )
    params = module.params
    config_set = params['secret'] is not None or params['env_file'] is not None
    live_set = params['url'] is not None
    if not config_set and not live_set:
        module.fail_json(msg='give secret or env_file (config checks), and/or url with token or login_url (live checks)')
    if live_set and params['token'] is None and params['login_url'] is None:
        module.fail_json(msg='url needs token or login_url and login_body (a token to start from)')
    algorithms = [a.strip() for a in params['algorithms'] if a and a.strip()]
    if not algorithms:
        module.fail_json(msg='algorithms: give at least one algorithm, like HS256')
    if params['min_secret_bytes'] < 1:
        module.fail_json(msg='min_secret_bytes must be at least 1')
    if params['timeout'] <= 0:
        module.fail_json(msg='timeout must be a positive number of seconds, got %s' % params['timeout'])
    checker = Checker(module)
    max_lifetime = checker.seconds('max_lifetime')
    max_skew = checker.seconds('max_clock_skew')
    for name in ('url', 'login_url'):
        if params[name] is not None:
            try:
                Target(params[name])
            except ProbeError as exc:
                module.fail_json(msg='%s: %s' % (name, exc.message))
    try:
        if config_set:
            checker.check_config(algorithms, max_lifetime)
        if live_set:
            checker.session = Session(timeout=params['timeout'], validate_certs=params['validate_certs'])
            try:
                checker.check_live(algorithms, max_lifetime, max_skew)
            finally:
                checker.session.close()
    except Exception as exc:  # pylint: disable=broad-except
        # never a traceback: it could carry a secret or a token in a repr
        module.fail_json(msg='jwt_config_check failed unexpectedly (%s)' % type(exc).__name__, ok=False, findings=[])

    judged = verdict(merge(checker.findings), params['fail_on'])
    judged.summary['ids'] = dict((f.id, f.severity) for f in reversed(judged.findings))
    ran = ' and '.join(name for name, flag in (('config', config_set), ('live', live_set)) if flag)
    judged.exit_masked(module, judged.line('JWT check', '%s checks ran' % ran), token=checker.token, config=checker.config,
                       clock_skew=checker.skew, probes=checker.probes, not_run=checker.not_run)


def main():
    run_module()


if __name__ == '__main__':
    main()
