# -*- coding: utf-8 -*-
# Copyright: (c) 2026, auraflow.ops maintainers
# MIT License (see LICENSE)
"""CORS audit logic (pure): which hostile ``Origin`` values to send, and what the answers mean.

The module ``auraflow.ops.cors_audit`` sends the requests (module_utils/http_probe.py); this file
decides what to send and turns the answers into findings (module_utils/findings.py):

* ``parse_origin`` / ``normalize_origin`` validate the whitelist (``scheme://host[:port]``).
* ``hostile_origins`` crafts, from every allowed origin, the origins a sloppy matcher lets in:
  an unrelated origin, ``null``, the allowed origin followed by an attacker domain (prefix
  match; not for an origin written with a port, which only more port digits can extend), an
  attacker name ending in the allowed host or its parent domain (suffix match), each dot of the
  host replaced (unescaped dot in a regular expression), an unknown subdomain of the host and of
  its parent domains, and the ``http://`` twin of an https origin. ``as_preflights`` sends the
  same origins as preflights (the module sends each both ways).
* ``judge`` takes every answer and returns the findings, one per id (``allowed_origin_rejected``:
  one per rejected allowed origin). Overlapping evidence is attributed to the root cause: an
  arbitrary origin that is echoed explains every other accepted origin; a suffix match on the
  parent domain explains accepted subdomains; and so on (see ``_attribute``).

Severities (the "credentialed" column applies when the answer carries
``Access-Control-Allow-Credentials: true``)::

    id                         credentialed  without credentials
    origin_reflected           critical      medium
    null_origin_allowed        high          medium
    prefix_match               high          medium
    suffix_match               high          medium
    unescaped_dot              high          medium
    extra_origin_allowed       high          medium
    subdomain_trust            medium        low
    http_origin_on_https       medium        low
    wildcard_with_credentials  high          -
    wildcard_origin            -             medium (authenticated API), info (public resource)
    missing_vary_origin        medium
    preflight_too_broad        medium (echoes any method/header, or "*"), low (non-standard
                               methods), info (extra standard methods or static extra headers)
    allowed_origin_rejected    high (the outage: the real frontend is refused)
"""

from __future__ import annotations

import re

from ansible_collections.auraflow.ops.plugins.module_utils.findings import Finding, severity_rank, sort_findings

DEFAULT_PORTS = {'http': 80, 'https': 443}
PROBE_LABEL = 'auraflow-probe'
ATTACKER_DOMAIN = 'auraflow-probe.invalid'
STANDARD_METHODS = ('GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS')
SAFELISTED_METHODS = ('GET', 'HEAD', 'POST')
SAFELISTED_HEADERS = ('accept', 'accept-language', 'content-language')
CORS_HEADERS = (
    'access-control-allow-origin',
    'access-control-allow-credentials',
    'access-control-allow-methods',
    'access-control-allow-headers',
    'access-control-max-age',
    'access-control-expose-headers',
    'vary',
)

# (kind, finding id, severity with credentials, severity without, explanation)
ORIGIN_KINDS = (
    ('arbitrary', 'origin_reflected', 'critical', 'medium',
     'an arbitrary origin is echoed in Access-Control-Allow-Origin: any web site can read these responses'),
    ('null', 'null_origin_allowed', 'high', 'medium',
     'the "null" origin is allowed: sandboxed iframes and data: documents of any site send it'),
    ('prefix', 'prefix_match', 'high', 'medium',
     'an allowed origin followed by an attacker domain is accepted (prefix match): anyone can register such a name'),
    ('suffix', 'suffix_match', 'high', 'medium',
     'an attacker name that merely ends with an allowed host is accepted (suffix match): anyone can register it'),
    ('dot', 'unescaped_dot', 'high', 'medium',
     'a dot of an allowed host replaced by another character is accepted: an unescaped "." in a regular expression'),
    ('extra', 'extra_origin_allowed', 'high', 'medium',
     'an origin listed in extra_origins (must be refused) is allowed'),
    ('subdomain', 'subdomain_trust', 'medium', 'low',
     'an unknown subdomain is accepted: a takeover of, or XSS on, any subdomain reaches the API'),
    ('http_twin', 'http_origin_on_https', 'medium', 'low',
     'the http:// twin of an https origin is accepted: a network attacker can inject script on plain http'),
)
KIND_IDS = dict((kind, fid) for kind, fid, dummy1, dummy2, dummy3 in ORIGIN_KINDS)
FINDING_IDS = tuple(fid for dummy, fid, dummy2, dummy3, dummy4 in ORIGIN_KINDS) + (
    'wildcard_with_credentials', 'wildcard_origin', 'missing_vary_origin', 'preflight_too_broad', 'allowed_origin_rejected')

_HOST_RE = re.compile(r'^(?:[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?)(?:\.[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?)*$')
_TOKEN_RE = re.compile(r"^[!#$%&'*+.^_`|~0-9A-Za-z-]+$")


class OriginError(ValueError):
    """A value that is not a serialized origin."""


def parse_origin(text):
    """``(scheme, host, port)`` of ``scheme://host[:port]``; port is None when not written.

    The scheme and host are lowercased; no path, query, user info or trailing slash is allowed
    (browsers never send one in ``Origin``).
    """
    if not isinstance(text, str) or not text.strip():
        raise OriginError('an origin must be a non-empty string like https://app.example.com, got %r' % (text,))
    value = text.strip()
    match = re.match(r'^([A-Za-z][A-Za-z0-9+.-]*)://(\[[0-9A-Fa-f:.]+\]|[^/:?#@\[\]]+)(?::(\d{1,5}))?$', value)
    if not match:
        raise OriginError('not an origin: %r (expected scheme://host[:port], with no path or trailing slash)' % (text,))
    scheme = match.group(1).lower()
    host = match.group(2).lower()
    if scheme not in DEFAULT_PORTS:
        raise OriginError('not an origin: %r (the scheme must be http or https)' % (text,))
    if not host.startswith('[') and not _HOST_RE.match(host):
        raise OriginError('not an origin: %r (invalid host name)' % (text,))
    port = int(match.group(3)) if match.group(3) else None
    if port is not None and not 0 < port < 65536:
        raise OriginError('not an origin: %r (port out of range)' % (text,))
    return scheme, host, port


def serialize_origin(scheme, host, port=None):
    """The ASCII serialization browsers send: the default port is left out."""
    if port is None or DEFAULT_PORTS.get(scheme) == port:
        return '%s://%s' % (scheme, host)
    return '%s://%s:%d' % (scheme, host, port)


def normalize_origin(text):
    """``text`` as a browser would send it (lowercase scheme/host, no default port)."""
    return serialize_origin(*parse_origin(text))


def _is_ip(host):
    return host.startswith('[') or re.match(r'^\d+(?:\.\d+){3}$', host) is not None


def domain_suffixes(host):
    """The host and each parent domain with at least two labels (just the host for IPs, ``localhost``)."""
    if _is_ip(host):
        return [host]
    labels = host.split('.')
    out = ['.'.join(labels[i:]) for i in range(0, max(1, len(labels) - 1))]
    return out


class Probe:
    """One crafted ``Origin`` value: ``kind`` (see ORIGIN_KINDS), ``origin``, the allowed ``base`` and a ``detail``."""

    __slots__ = ('kind', 'origin', 'base', 'detail', 'method')

    def __init__(self, kind, origin, base=None, detail=None, method='GET'):
        self.kind = kind
        self.origin = origin
        self.base = base
        self.detail = detail
        self.method = method

    def __repr__(self):
        return 'Probe(%r, %r)' % (self.kind, self.origin)


def hostile_origins(allowed_origins, extra_origins=(), nonce='x1'):
    """The crafted origins for ``allowed_origins`` (normalized), deduplicated, none of them allowed.

    ``nonce`` makes the unrelated origin unique per run (a cache cannot answer it).
    """
    allowed = [normalize_origin(o) for o in allowed_origins]
    allowed_set = set(allowed)
    probes = [Probe('arbitrary', 'https://%s-%s.example' % (PROBE_LABEL, nonce), None, 'unrelated origin'),
              Probe('null', 'null', None, 'opaque origin')]
    for base in allowed:
        scheme, host, port = parse_origin(base)
        # the allowed origin followed by more: https://app.example.com.attacker.tld. An origin written with a port
        # can only be extended by more digits (another port of the same host, or none at all): no one can register
        # that, and a browser never sends "https://app.example.com:8443.attacker.tld".
        if port is None or DEFAULT_PORTS.get(scheme) == port:
            probes.append(Probe('prefix', '%s.%s' % (base, ATTACKER_DOMAIN), base, 'allowed origin + ".%s"' % ATTACKER_DOMAIN))
        if host.startswith('['):
            suffixes = [host]
        else:
            suffixes = domain_suffixes(host)
            for tail in suffixes:
                # an attacker-registrable name ending with the allowed host or its parent domain
                probes.append(Probe('suffix', serialize_origin(scheme, 'evil' + tail, port), base, tail))
            labels = host.split('.')
            if not _is_ip(host):
                for i in range(len(labels) - 1):
                    dotted = '.'.join(labels[:i + 1]) + '-' + '.'.join(labels[i + 1:])
                    probes.append(Probe('dot', serialize_origin(scheme, dotted, port), base, 'dot %d replaced by "-"' % (i + 1)))
            else:
                for i in range(3):
                    dotted = '.'.join(labels[:i + 1]) + 'x' + '.'.join(labels[i + 1:])
                    probes.append(Probe('dot', serialize_origin(scheme, dotted, port), base, 'dot %d replaced by "x"' % (i + 1)))
            for parent in (suffixes if not _is_ip(host) else []):
                probes.append(Probe('subdomain', serialize_origin(scheme, '%s-%s.%s' % (PROBE_LABEL, nonce, parent), port), base, parent))
        if scheme == 'https':
            probes.append(Probe('http_twin', serialize_origin('http', host, port), base, 'http:// twin'))
    for extra in extra_origins or ():
        probes.append(Probe('extra', normalize_origin(extra) if extra.strip().lower() != 'null' else 'null', None, 'extra_origins'))
    seen = set()
    out = []
    for probe in probes:
        if probe.origin in allowed_set or probe.origin in seen:
            continue
        seen.add(probe.origin)
        out.append(probe)
    return out


def as_preflights(probes):
    """The same crafted origins as preflights (``method`` OPTIONS): loose matching can live in the OPTIONS handler
    alone, and a granted preflight lets a browser send the state-changing request with credentials."""
    return [Probe(p.kind, p.origin, p.base, p.detail, method='OPTIONS') for p in probes]


class Answer:
    """The CORS-relevant part of one HTTP response."""

    __slots__ = ('status', 'headers')

    def __init__(self, status, headers):
        self.status = status
        self.headers = list(headers or [])

    def values(self, name):
        wanted = name.lower()
        return [v for k, v in self.headers if k.lower() == wanted]

    def joined(self, name):
        """All values of ``name`` joined with ", " (as a browser combines them), or None."""
        vals = self.values(name)
        return ', '.join(v.strip() for v in vals) if vals else None

    @property
    def acao(self):
        return self.joined('access-control-allow-origin')

    @property
    def credentials(self):
        value = self.joined('access-control-allow-credentials')
        return value is not None and value.strip().lower() == 'true'

    def tokens(self, name):
        """Comma-separated tokens of header ``name`` (every value), stripped, in order."""
        out = []
        for value in self.values(name):
            out.extend(t.strip() for t in value.split(',') if t.strip())
        return out

    def varies_on_origin(self):
        tokens = [t.lower() for t in self.tokens('vary')]
        return 'origin' in tokens or '*' in tokens

    def cors_headers(self):
        """The response's CORS headers (and Vary) as a dict, for evidence."""
        out = {}
        for name in CORS_HEADERS:
            value = self.joined(name)
            if value is not None:
                out[name] = value
        return out

    def evidence(self):
        return {'status': self.status, 'headers': self.cors_headers()}


def acceptance(answer, origin):
    """``'reflect'`` when ACAO is exactly ``origin``, ``'wildcard'`` for ``*``, else None."""
    acao = answer.acao
    if acao is None:
        return None
    if acao == '*':
        return 'wildcard'
    if acao == origin:
        return 'reflect'
    return None


def _severity(kind, credentialed):
    for k, dummy, with_creds, without, dummy2 in ORIGIN_KINDS:
        if k == kind:
            return with_creds if credentialed else without
    raise KeyError(kind)


def _explanation(kind):
    for k, dummy, dummy2, dummy3, text in ORIGIN_KINDS:
        if k == kind:
            return text
    raise KeyError(kind)


def _host_of(origin):
    try:
        return parse_origin(origin)[1]
    except OriginError:
        return origin


def _attribute(accepted):
    """Attribute accepted probes to root causes: ``{kind: [(probe, answer), ...]}`` and ``[(probe, explaining kind)]``.

    * an echoed unrelated origin explains everything else;
    * a subdomain-trust acceptance (``x.PARENT``) explains an accepted suffix probe ``evilHOST``
      when that name is itself a subdomain of PARENT;
    * a suffix match on tail T that is not explained so explains subdomain probes ending with T;
    * an unescaped-dot probe is explained when its host ends with such a tail T or is a subdomain
      of an accepted PARENT.
    """
    by_kind = {}
    for probe, answer in accepted:
        by_kind.setdefault(probe.kind, []).append((probe, answer))
    if by_kind.get('arbitrary'):
        subsumed = [(p, 'arbitrary') for kind, items in by_kind.items() if kind != 'arbitrary' for p, dummy in items]
        return {'arbitrary': by_kind['arbitrary']}, subsumed
    subsumed = []
    parents = set(p.detail for p, dummy in by_kind.get('subdomain', []))
    suffix_kept = []
    for probe, answer in by_kind.get('suffix', []):
        host = _host_of(probe.origin)
        if any(host.endswith('.' + parent) for parent in parents):
            subsumed.append((probe, 'subdomain'))
        else:
            suffix_kept.append((probe, answer))
    tails = set(p.detail for p, dummy in suffix_kept)
    sub_kept = []
    for probe, answer in by_kind.get('subdomain', []):
        if any(_host_of(probe.origin).endswith(tail) for tail in tails):
            subsumed.append((probe, 'suffix'))
        else:
            sub_kept.append((probe, answer))
    dot_kept = []
    for probe, answer in by_kind.get('dot', []):
        host = _host_of(probe.origin)
        if any(host.endswith(tail) for tail in tails):
            subsumed.append((probe, 'suffix'))
        elif any(host.endswith('.' + parent) for parent in parents):
            subsumed.append((probe, 'subdomain'))
        else:
            dot_kept.append((probe, answer))
    by_kind['suffix'] = suffix_kept
    by_kind['subdomain'] = sub_kept
    by_kind['dot'] = dot_kept
    kept = dict((k, v) for k, v in by_kind.items() if v)
    # a name explained by subdomain trust that is itself explained by a suffix match goes to the suffix match
    subsumed = [(p, 'suffix' if by == 'subdomain' and 'subdomain' not in kept and 'suffix' in kept else by) for p, by in subsumed]
    return kept, subsumed


def split_list(values):
    """A list of method/header names from a list or comma-separated strings, stripped, no empties."""
    out = []
    for value in values or ():
        out.extend(t.strip() for t in str(value).split(',') if t.strip())
    return out


class Preflight:
    """One preflight sent: the origin, the method and headers requested, and the answer."""

    __slots__ = ('origin', 'method', 'headers', 'answer')

    def __init__(self, origin, method, headers, answer):
        self.origin = origin
        self.method = method
        self.headers = list(headers)
        self.answer = answer


def preflight_problems(preflight):
    """Why a browser would refuse this preflight for its origin (list of strings; empty when it passes)."""
    answer = preflight.answer
    problems = []
    if not 200 <= answer.status <= 299:
        problems.append('preflight answered %d (a browser needs a 2xx status)' % answer.status)
    if acceptance(answer, preflight.origin) is None:
        acao = answer.acao
        problems.append('no Access-Control-Allow-Origin' if acao is None else 'Access-Control-Allow-Origin is %r' % acao)
    granted_methods = [m.upper() for m in answer.tokens('access-control-allow-methods')]
    method = preflight.method.upper()
    if method not in SAFELISTED_METHODS and method not in granted_methods and '*' not in granted_methods:
        problems.append('method %s not in Access-Control-Allow-Methods' % method)
    granted_headers = [h.lower() for h in answer.tokens('access-control-allow-headers')]
    for header in preflight.headers:
        name = header.lower()
        if name in SAFELISTED_HEADERS or name in granted_headers:
            continue
        if '*' in granted_headers and name != 'authorization':
            continue
        problems.append('header %s not in Access-Control-Allow-Headers' % header)
    return problems


def _vary_finding(gets):
    """missing_vary_origin: the ACAO differs between the answers and one of them lacks ``Vary: Origin``."""
    values = set(answer.acao for dummy, answer in gets)
    if len(values) <= 1:
        return None
    for origin, answer in gets:
        if not answer.varies_on_origin():
            evidence = {'origin': origin if origin is not None else '(no Origin header)'}
            evidence.update(answer.evidence())
            evidence['acao_values_seen'] = sorted('(none)' if v is None else v for v in values)
            return Finding('missing_vary_origin', 'medium',
                           'Access-Control-Allow-Origin depends on the Origin but the response has no "Vary: Origin": '
                           'a shared cache can serve one origin\'s answer to another (cache poisoning, or the real '
                           'frontend refused)', evidence)
    return None


def _preflight_breadth(preflights, broad, methods, request_headers):
    """preflight_too_broad, from the allowed origins' preflights and the probe with an unrequested method and header."""
    asked_methods = set(m.upper() for m in methods)
    asked_headers = set(h.lower() for h in request_headers)
    severity = None
    reasons = []
    evidence = {}

    def bump(level):
        nonlocal severity
        if severity is None or severity_rank(level) > severity_rank(severity):
            severity = level

    if broad is not None and broad.answer.status < 400 and acceptance(broad.answer, broad.origin) is not None:
        granted_m = [m.upper() for m in broad.answer.tokens('access-control-allow-methods')]
        granted_h = [h.lower() for h in broad.answer.tokens('access-control-allow-headers')]
        if broad.method.upper() in granted_m:
            bump('medium')
            reasons.append('grants whatever method is requested (%s)' % broad.method)
            evidence['reflected_method'] = broad.method
        if any(h.lower() in granted_h for h in broad.headers):
            bump('medium')
            reasons.append('grants whatever header is requested (%s)' % ', '.join(broad.headers))
            evidence['reflected_header'] = broad.headers[0]
        if reasons:
            evidence['origin'] = broad.origin
            evidence['probe'] = {'method': broad.method, 'headers': broad.headers}
            evidence.update(broad.answer.evidence())
    extra_std = set()
    extra_other = set()
    extra_headers = set()
    wildcard = set()
    for pf in preflights:
        answer = pf.answer
        if acceptance(answer, pf.origin) is None:
            continue
        for m in answer.tokens('access-control-allow-methods'):
            if m == '*':
                wildcard.add('Access-Control-Allow-Methods: *')
            elif m.upper() not in asked_methods and m.upper() not in ('OPTIONS', 'HEAD'):
                (extra_std if m.upper() in STANDARD_METHODS else extra_other).add(m.upper())
        for h in answer.tokens('access-control-allow-headers'):
            if h == '*':
                wildcard.add('Access-Control-Allow-Headers: *')
            elif h.lower() not in asked_headers and (broad is None or h.lower() not in [x.lower() for x in broad.headers]):
                extra_headers.add(h.lower())
        if 'headers' not in evidence and (wildcard or extra_std or extra_other or extra_headers):
            evidence.update(answer.evidence())
            evidence['origin'] = pf.origin
    if wildcard:
        bump('medium')
        reasons.append('grants any with %s' % ' and '.join(sorted(wildcard)))
        evidence['wildcard'] = sorted(wildcard)
    if extra_other:
        bump('low')
        reasons.append('grants non-standard methods not asked for: %s' % ', '.join(sorted(extra_other)))
    if extra_std:
        bump('info')
        reasons.append('grants methods beyond those asked: %s' % ', '.join(sorted(extra_std)))
    if extra_headers:
        bump('info')
        reasons.append('grants headers beyond those asked: %s' % ', '.join(sorted(extra_headers)))
    if severity is None:
        return None
    evidence['extra_methods'] = sorted(extra_std | extra_other)
    evidence['extra_headers'] = sorted(extra_headers)
    evidence['asked_methods'] = sorted(asked_methods)
    evidence['asked_headers'] = sorted(asked_headers)
    return Finding('preflight_too_broad', severity, 'preflight ' + '; '.join(reasons), evidence)


def judge(baseline, allowed_gets, hostile, preflights, broad=None, methods=(), request_headers=()):
    """All findings for one audited URL, most severe first.

    ``baseline``: Answer to a GET without ``Origin`` (or None). ``allowed_gets``: [(origin, Answer)]
    for every allowed origin. ``hostile``: [(Probe, Answer)] (GET, or a preflight of an unrelated
    origin). ``preflights``: [Preflight] of the allowed origins, one per method. ``broad``: the
    Preflight asking for an unrequested method and header (or None).
    """
    findings = []

    # 1. origins that must be refused
    accepted = [(p, a) for p, a in hostile if acceptance(a, p.origin) == 'reflect']
    by_kind, subsumed = _attribute(accepted)
    for kind, dummy_fid, dummy2, dummy3, dummy4 in ORIGIN_KINDS:
        items = by_kind.get(kind)
        if not items:
            continue
        creds = any(a.credentials for dummy, a in items)
        first_probe, first_answer = items[0]
        origins = []
        for probe, dummy in items:
            if probe.origin not in origins:
                origins.append(probe.origin)
        evidence = {'origin': first_probe.origin, 'method': first_probe.method, 'credentials': creds, 'origins': origins}
        if first_probe.base:
            evidence['allowed_origin'] = first_probe.base
        evidence.update(first_answer.evidence())
        also = sorted(set(p.origin for p, by in subsumed if by == kind))
        if also:
            evidence['also_accepted'] = also
        message = _explanation(kind) + ('; with credentials' if creds else '')
        findings.append(Finding(KIND_IDS[kind], _severity(kind, creds), message, evidence))

    # 2. wildcard
    wild = [(origin, a) for origin, a in list(allowed_gets) + [(p.origin, a) for p, a in hostile] + [(None, baseline)]
            if a is not None and a.acao == '*']
    if wild:
        origin, answer = wild[0]
        authenticated = _authenticated(baseline)
        evidence = {'origin': origin if origin is not None else '(no Origin header)', 'authenticated': authenticated}
        evidence.update(answer.evidence())
        creds = [a for dummy, a in wild if a.credentials]
        if creds:
            findings.append(Finding('wildcard_with_credentials', 'high',
                                    'Access-Control-Allow-Origin: * together with Access-Control-Allow-Credentials: true: '
                                    'the intent is to let any site in with credentials, and browsers refuse credentialed '
                                    'requests of the real frontend too', evidence))
        elif authenticated:
            findings.append(Finding('wildcard_origin', 'medium',
                                    'Access-Control-Allow-Origin: * on an authenticated API: any site can read what a '
                                    'request without cookies gets; list the frontend origins instead', evidence))
        else:
            findings.append(Finding('wildcard_origin', 'info',
                                    'Access-Control-Allow-Origin: * on a resource that needs no authentication', evidence))

    # 3. Vary
    gets = ([(None, baseline)] if baseline is not None else []) + list(allowed_gets) + \
        [(p.origin, a) for p, a in hostile if p.method == 'GET']
    vary = _vary_finding(gets)
    if vary is not None:
        findings.append(vary)

    # 4. preflight breadth
    breadth = _preflight_breadth(preflights, broad, methods, request_headers)
    if breadth is not None:
        findings.append(breadth)

    # 5. the outage: an allowed origin refused (simple request or any preflight)
    for origin, answer in allowed_gets:
        problems = []
        if acceptance(answer, origin) is None:
            acao = answer.acao
            problems.append('GET: ' + ('no Access-Control-Allow-Origin' if acao is None else 'Access-Control-Allow-Origin is %r' % acao))
        failed_pf = None
        for pf in preflights:
            if pf.origin != origin:
                continue
            pf_problems = preflight_problems(pf)
            if pf_problems:
                failed_pf = failed_pf or pf
                problems.extend('preflight %s: %s' % (pf.method, p) for p in pf_problems)
        if problems:
            evidence = {'origin': origin, 'problems': problems}
            evidence.update((failed_pf.answer if failed_pf is not None and acceptance(answer, origin) is not None else answer).evidence())
            if failed_pf is not None:
                evidence['preflight'] = {'method': failed_pf.method, 'headers': failed_pf.headers}
            findings.append(Finding('allowed_origin_rejected', 'high',
                                    'the allowed origin %s is refused (%s): the browser blocks the real frontend' % (origin, problems[0]),
                                    evidence))
    return sort_findings(findings)


def _authenticated(baseline):
    """Whether the URL looks authenticated: without credentials it answers 401/403 or asks for them (WWW-Authenticate)."""
    if baseline is None:
        return False
    return baseline.status in (401, 403) or bool(baseline.values('www-authenticate'))


def valid_token(value):
    """Whether ``value`` is an HTTP token (a method name)."""
    return bool(_TOKEN_RE.match(value or ''))
