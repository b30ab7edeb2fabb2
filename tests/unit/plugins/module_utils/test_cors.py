"""Unit tests for plugins/module_utils/cors.py: crafted origins and the judgement of answers."""

import re

import pytest

from ansible_collections.auraflow.ops.plugins.module_utils.cors import (
    FINDING_IDS,
    Answer,
    OriginError,
    Preflight,
    Probe,
    acceptance,
    as_preflights,
    domain_suffixes,
    hostile_origins,
    judge,
    normalize_origin,
    parse_origin,
    preflight_problems,
    split_list,
)

ALLOWED = ['https://app.example.com', 'http://localhost:5173']
METHODS = ['GET', 'POST', 'PUT', 'DELETE']
HEADERS = ['Authorization', 'Content-Type']


# -- origins -----------------------------------------------------------------------------------

def test_parse_and_normalize():
    assert parse_origin('https://App.Example.COM') == ('https', 'app.example.com', None)
    assert parse_origin('http://localhost:5173') == ('http', 'localhost', 5173)
    assert normalize_origin('https://app.example.com:443') == 'https://app.example.com'
    assert normalize_origin('http://app.example.com:80') == 'http://app.example.com'
    assert normalize_origin('https://app.example.com:8443') == 'https://app.example.com:8443'
    assert normalize_origin(' http://127.0.0.1:3000 ') == 'http://127.0.0.1:3000'
    assert normalize_origin('http://[::1]:8080') == 'http://[::1]:8080'


@pytest.mark.parametrize('bad', ['', 'app.example.com', 'https://app.example.com/', 'https://app.example.com/path',
                                 'ftp://app.example.com', 'https://user@app.example.com', 'https://app.example.com:99999',
                                 'https://bad_host!.com', None, 'null'])
def test_bad_origins_rejected(bad):
    with pytest.raises(OriginError):
        parse_origin(bad)


def test_domain_suffixes():
    assert domain_suffixes('app.example.com') == ['app.example.com', 'example.com']
    assert domain_suffixes('a.b.example.co') == ['a.b.example.co', 'b.example.co', 'example.co']
    assert domain_suffixes('example.com') == ['example.com']
    assert domain_suffixes('localhost') == ['localhost']
    assert domain_suffixes('127.0.0.1') == ['127.0.0.1']


def test_hostile_origins_cover_every_kind():
    probes = hostile_origins(['https://app.example.com'], ['https://staging.example.com'], nonce='n1')
    by_kind = {}
    for probe in probes:
        by_kind.setdefault(probe.kind, []).append(probe.origin)
    assert by_kind == {
        'arbitrary': ['https://auraflow-probe-n1.example'],
        'null': ['null'],
        'prefix': ['https://app.example.com.auraflow-probe.invalid'],
        'suffix': ['https://evilapp.example.com', 'https://evilexample.com'],
        'dot': ['https://app-example.com', 'https://app.example-com'],
        'subdomain': ['https://auraflow-probe-n1.app.example.com', 'https://auraflow-probe-n1.example.com'],
        'http_twin': ['http://app.example.com'],
        'extra': ['https://staging.example.com'],
    }


def test_hostile_origins_never_include_an_allowed_one_and_keep_ports():
    allowed = ['https://app.example.com', 'http://app.example.com', 'https://example.com']
    probes = hostile_origins(allowed, nonce='n2')
    origins = [p.origin for p in probes]
    assert not set(origins) & set(allowed)
    assert len(origins) == len(set(origins))
    port = [p.origin for p in hostile_origins(['https://app.example.com:8443'], nonce='n3')]
    assert 'http://app.example.com:8443' in port and 'https://evilapp.example.com:8443' in port
    # only more port digits extend an origin with a port: no prefix probe (a browser never sends ":8443.tld")
    assert not any(p.kind == 'prefix' for p in hostile_origins(['https://app.example.com:8443'], nonce='n3'))
    assert not any(o.startswith('https://app.example.com:8443') for o in port)
    # a default port written out is no port at all
    assert 'https://app.example.com.auraflow-probe.invalid' in [p.origin for p in hostile_origins(['https://app.example.com:443'])]


def test_as_preflights_sends_every_crafted_origin_as_options():
    probes = hostile_origins(['https://app.example.com'], nonce='n5')
    preflights = as_preflights(probes)
    assert [(p.kind, p.origin, p.base) for p in preflights] == [(p.kind, p.origin, p.base) for p in probes]
    assert set(p.method for p in preflights) == {'OPTIONS'} and set(p.method for p in probes) == {'GET'}


def test_hostile_origins_for_ip_and_localhost():
    probes = hostile_origins(['http://127.0.0.1:3000', 'http://localhost:5173'], nonce='n4')
    origins = [p.origin for p in probes]
    assert 'http://127x0.0.1:3000' in origins and 'http://evil127.0.0.1:3000' in origins
    assert not any(p.kind == 'subdomain' and '127.0.0.1' in p.origin for p in probes)
    assert 'http://auraflow-probe-n4.localhost:5173' in origins
    assert not any(p.kind == 'http_twin' for p in probes)  # no https origin


def test_split_list():
    assert split_list(['GET, POST', ' PUT ', '']) == ['GET', 'POST', 'PUT']


# -- a small simulator: a policy answers every probe like a server would --------------------------

def simulate(allow, allowed=tuple(ALLOWED), credentials=True, vary=True, wildcard=False, methods='GET, POST, PUT, DELETE',
             headers='Authorization, Content-Type', reflect=False, auth=True, extra=(), static=None):
    """Run judge() on the answers a policy would give (the same requests the module sends)."""

    def answer(origin, method='GET', acrm=None, acrh=None):
        out = []
        if vary:
            out.append(('Vary', 'Origin'))
        ok = wildcard or (origin is not None and allow is not None and allow(origin))
        if static:
            ok = True
            out.append(('Access-Control-Allow-Origin', static))
        elif wildcard:
            out.append(('Access-Control-Allow-Origin', '*'))
        elif ok:
            out.append(('Access-Control-Allow-Origin', origin))
        if ok and credentials:
            out.append(('Access-Control-Allow-Credentials', 'true'))
        if method == 'OPTIONS':
            if ok:
                out.append(('Access-Control-Allow-Methods', acrm if reflect else methods))
                out.append(('Access-Control-Allow-Headers', (acrh or '') if reflect else headers))
            return Answer(204, out)
        return Answer(401 if auth else 200, out)

    allowed = [normalize_origin(o) for o in allowed]
    probes = hostile_origins(allowed, extra, nonce='t')
    hostile = [(p, answer(p.origin)) for p in probes]
    acrh = ', '.join(h.lower() for h in HEADERS)
    arb = Probe('arbitrary', probes[0].origin, method='OPTIONS')
    hostile.append((arb, answer(arb.origin, 'OPTIONS', 'GET', acrh)))
    preflights = [Preflight(o, m, HEADERS, answer(o, 'OPTIONS', m, acrh)) for o in allowed for m in METHODS]
    broad = Preflight(allowed[0], 'AURAFLOWPROBE', ['x-auraflow-probe-t'], answer(allowed[0], 'OPTIONS', 'AURAFLOWPROBE', 'x-auraflow-probe-t'))
    return judge(answer(None), [(o, answer(o)) for o in allowed], hostile, preflights, broad, METHODS, HEADERS)


def ids(findings, above_info=True):
    return sorted(f.id for f in findings if not above_info or f.severity != 'info')


def exact(origin):
    return origin in ALLOWED


def test_clean_policy_has_no_finding():
    assert simulate(exact) == []


def test_reference_backend_policy_only_info():
    found = simulate(exact, methods='GET, POST, PUT, PATCH, DELETE, OPTIONS')
    assert [(f.id, f.severity) for f in found] == [('preflight_too_broad', 'info')]
    assert found[0].evidence['extra_methods'] == ['PATCH']


@pytest.mark.parametrize('name, allow, kwargs, expected, severity', [
    ('reflect any', lambda o: True, {}, 'origin_reflected', 'critical'),
    ('reflect any, no credentials', lambda o: True, {'credentials': False}, 'origin_reflected', 'medium'),
    ('null', lambda o: exact(o) or o == 'null', {}, 'null_origin_allowed', 'high'),
    ('prefix', lambda o: any(o.startswith(a) for a in ALLOWED), {}, 'prefix_match', 'high'),
    ('suffix on the parent domain', lambda o: exact(o) or (o.startswith('https://') and o.endswith('example.com')), {},
     'suffix_match', 'high'),
    ('suffix on the host', lambda o: exact(o) or (o.startswith('https://') and o.endswith('app.example.com')), {},
     'suffix_match', 'high'),
    ('unescaped dot', lambda o: any(re.fullmatch(a, o) for a in ALLOWED), {}, 'unescaped_dot', 'high'),
    ('subdomains of the parent', lambda o: exact(o) or re.fullmatch(r'https://([a-z0-9-]+\.)+example\.com', o) is not None, {},
     'subdomain_trust', 'medium'),
    ('subdomains of the host', lambda o: exact(o) or o.endswith('.app.example.com'), {'credentials': False},
     'subdomain_trust', 'low'),
    ('scheme ignored', lambda o: o.split('://', 1)[-1] in [a.split('://')[1] for a in ALLOWED], {}, 'http_origin_on_https', 'medium'),
    ('wildcard and credentials', None, {'wildcard': True, 'vary': False}, 'wildcard_with_credentials', 'high'),
    ('wildcard on an authenticated API', None, {'wildcard': True, 'credentials': False, 'vary': False}, 'wildcard_origin', 'medium'),
    ('no Vary', exact, {'vary': False}, 'missing_vary_origin', 'medium'),
    ('preflight echoes', exact, {'reflect': True}, 'preflight_too_broad', 'medium'),
    ('preflight wildcard', exact, {'methods': '*'}, 'preflight_too_broad', 'medium'),
    ('trailing slash in the whitelist', lambda o: o in ('https://app.example.com/', 'http://localhost:5173'), {},
     'allowed_origin_rejected', 'high'),
    ('staging still allowed', lambda o: exact(o) or o == 'https://staging.example.com', {'extra': ['https://staging.example.com']},
     'extra_origin_allowed', 'high'),
])
def test_one_fault_one_finding(name, allow, kwargs, expected, severity):
    found = simulate(allow or (lambda o: True), **kwargs)
    assert ids(found) == [expected], name
    finding = [f for f in found if f.id == expected][0]
    assert finding.severity == severity, name
    assert 'headers' in finding.evidence and 'status' in finding.evidence
    assert expected in FINDING_IDS


def test_public_wildcard_is_info():
    found = simulate(None, wildcard=True, credentials=False, vary=False, auth=False)
    assert [(f.id, f.severity) for f in found] == [('wildcard_origin', 'info')]


def test_reflection_subsumes_the_rest():
    found = simulate(lambda o: True)
    reflected = found[0]
    assert reflected.evidence['origin'] == 'https://auraflow-probe-t.example'
    assert 'null' in reflected.evidence['also_accepted']
    assert 'http://app.example.com' in reflected.evidence['also_accepted']
    assert reflected.evidence['credentials'] is True


def test_two_faults_two_findings():
    both = simulate(lambda o: exact(o) or o == 'null' or o.startswith('https://app.example.com'), vary=False)
    assert ids(both) == ['missing_vary_origin', 'null_origin_allowed', 'prefix_match']


def test_non_standard_methods_are_low_and_static_headers_info():
    found = simulate(exact, methods='GET, POST, PUT, DELETE, TRACE', headers='Authorization, Content-Type, X-Requested-With')
    assert [(f.id, f.severity) for f in found] == [('preflight_too_broad', 'low')]
    assert found[0].evidence['extra_methods'] == ['TRACE'] and found[0].evidence['extra_headers'] == ['x-requested-with']


def test_missing_method_in_preflight_is_the_outage():
    found = simulate(exact, methods='GET, POST')
    assert [(f.id, f.severity) for f in found] == [('allowed_origin_rejected', 'high')] * 2
    problems = found[0].evidence['problems']
    assert 'preflight PUT: method PUT not in Access-Control-Allow-Methods' in problems
    assert 'preflight DELETE: method DELETE not in Access-Control-Allow-Methods' in problems


def test_preflight_problems():
    ok = Preflight('https://a.example', 'PUT', ['Authorization'], Answer(204, [
        ('Access-Control-Allow-Origin', 'https://a.example'), ('Access-Control-Allow-Methods', 'PUT'),
        ('Access-Control-Allow-Headers', 'authorization')]))
    assert preflight_problems(ok) == []
    star = Preflight('https://a.example', 'PUT', ['Authorization', 'X-Trace'], Answer(200, [
        ('Access-Control-Allow-Origin', '*'), ('Access-Control-Allow-Methods', '*'), ('Access-Control-Allow-Headers', '*')]))
    # "*" never covers Authorization (Fetch standard)
    assert preflight_problems(star) == ['header Authorization not in Access-Control-Allow-Headers']
    bad = Preflight('https://a.example', 'DELETE', [], Answer(405, [('Access-Control-Allow-Origin', 'https://b.example')]))
    assert preflight_problems(bad) == ['preflight answered 405 (a browser needs a 2xx status)',
                                       "Access-Control-Allow-Origin is 'https://b.example'",
                                       'method DELETE not in Access-Control-Allow-Methods']
    simple = Preflight('https://a.example', 'POST', ['Accept'], Answer(204, [('Access-Control-Allow-Origin', 'https://a.example')]))
    assert preflight_problems(simple) == []


def test_acceptance_and_duplicate_acao():
    assert acceptance(Answer(200, [('Access-Control-Allow-Origin', 'https://a.example')]), 'https://a.example') == 'reflect'
    assert acceptance(Answer(200, [('access-control-allow-origin', '*')]), 'https://a.example') == 'wildcard'
    assert acceptance(Answer(200, []), 'https://a.example') is None
    # two ACAO headers: a browser sees "a, b" and refuses
    two = Answer(200, [('Access-Control-Allow-Origin', 'https://a.example'), ('Access-Control-Allow-Origin', 'https://b.example')])
    assert acceptance(two, 'https://a.example') is None


def test_vary_star_counts_and_static_acao_needs_no_vary():
    answer = Answer(200, [('Vary', 'Accept-Encoding, *')])
    assert answer.varies_on_origin()
    # one fixed ACAO for everybody (a single-origin setup): cache-safe, no Vary needed
    found = simulate(None, allowed=['https://app.example.com'], vary=False, static='https://app.example.com')
    assert ids(found) == []
    # the same with two allowed origins: the second one is refused
    found = simulate(None, vary=False, static='https://app.example.com')
    assert ids(found) == ['allowed_origin_rejected'] and found[0].evidence['origin'] == 'http://localhost:5173'


def test_headers_wildcard_does_not_cover_authorization():
    found = simulate(exact, headers='*')
    assert ids(found) == ['allowed_origin_rejected', 'allowed_origin_rejected', 'preflight_too_broad']
    assert 'header Authorization not in Access-Control-Allow-Headers' in found[0].evidence['problems'][0]
