"""Unit tests for plugins/module_utils/jwt.py and jwt_wordlist.py."""

import base64
import hashlib
import hmac
import json
import re
import secrets
import string
import uuid

import pytest

from ansible_collections.auraflow.ops.plugins.module_utils.jwt import (
    NONE_VARIANTS,
    PROBE_CLAIM,
    JwtError,
    Outcome,
    b64url_decode,
    b64url_encode,
    candidate_secrets,
    clock_skew,
    crack,
    decode,
    encode,
    estimate_entropy,
    forge_alg_none,
    forge_empty_signature,
    forge_resigned,
    forge_tampered,
    judge_live,
    lifetime_findings,
    min_bytes_for,
    parse_env,
    parse_lifetime,
    secret_findings,
    token_facts,
    verify_signature,
    wordlist_match,
)
from ansible_collections.auraflow.ops.plugins.module_utils.jwt_wordlist import WEAK_SECRETS

# The example token of jwt.io (RFC 7519 style), signed with HS256 and "your-256-bit-secret".
JWT_IO = ('eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ'
          '.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c')
STRONG = 'q7N2v9Lk4xR8pT1wZ6cY3bH5mJ0sD8fG2aE4uW7iO9'


def ids(findings):
    return sorted(f.id for f in findings)


# -- encoding, signing, verifying --------------------------------------------------------------

def test_b64url_roundtrip_and_strictness():
    for size in range(0, 40):
        data = bytes(range(size))
        text = b64url_encode(data)
        assert '=' not in text and '+' not in text and '/' not in text
        assert b64url_decode(text) == data
    for bad in ('a+b', 'ab=c', 'a', 'abcde', 'é'):
        with pytest.raises(JwtError):
            b64url_decode(bad)


def test_known_vector_verifies_and_decodes():
    tok = decode(JWT_IO)
    assert tok.header == {'alg': 'HS256', 'typ': 'JWT'}
    assert tok.payload == {'sub': '1234567890', 'name': 'John Doe', 'iat': 1516239022}
    assert verify_signature(JWT_IO, 'your-256-bit-secret')
    assert not verify_signature(JWT_IO, 'your-256-bit-secreT')
    assert not verify_signature(JWT_IO[:-1] + 'd', 'your-256-bit-secret')
    assert tok.compact() == JWT_IO


@pytest.mark.parametrize('alg, digest', [('HS256', hashlib.sha256), ('HS384', hashlib.sha384), ('HS512', hashlib.sha512)])
def test_encode_matches_an_independent_hmac(alg, digest):
    token = encode({'sub': '7', 'exp': 2000000000}, STRONG, alg)
    head, body, sig = token.split('.')
    expected = base64.urlsafe_b64encode(hmac.new(STRONG.encode(), ('%s.%s' % (head, body)).encode(), digest).digest()).rstrip(b'=')
    assert sig == expected.decode()
    assert json.loads(base64.urlsafe_b64decode(head + '==')) == {'alg': alg, 'typ': 'JWT'}
    assert verify_signature(token, STRONG) and not verify_signature(token, STRONG + 'x')


@pytest.mark.parametrize('bad', ['', 'a.b', 'a.b.c.d', '!!.e30.x', 'e30.bm90IGpzb24.x', 'W10.e30.x', 'e30.e30.a+b', 42])
def test_malformed_tokens(bad):
    with pytest.raises(JwtError) as err:
        decode(bad)
    assert 'e30' not in str(err.value)  # the message never quotes the token


def test_token_repr_hides_the_token():
    tok = decode(JWT_IO)
    assert JWT_IO not in repr(tok) and tok.signature_b64 not in str(tok)
    assert 'HS256' in repr(tok)


# -- forging -----------------------------------------------------------------------------------

def test_forge_alg_none_variants():
    for variant in NONE_VARIANTS:
        forged = forge_alg_none(JWT_IO, variant)
        assert forged.endswith('.')
        tok = decode(forged)
        assert tok.alg == variant and tok.payload == decode(JWT_IO).payload and tok.signature_b64 == ''
        assert not verify_signature(forged, 'your-256-bit-secret')


def test_forge_empty_signature_and_alg_none_with_the_signature_kept():
    forged = forge_empty_signature(JWT_IO)
    assert forged == JWT_IO.rsplit('.', 1)[0] + '.' and decode(forged).alg == 'HS256'
    kept = decode(forge_alg_none(JWT_IO, 'none', keep_signature=True))
    assert kept.alg == 'none' and kept.signature_b64 == JWT_IO.rsplit('.', 1)[1] and kept.payload == decode(JWT_IO).payload


def test_forge_tampered_keeps_the_signature():
    forged = forge_tampered(JWT_IO, 'v1')
    tok = decode(forged)
    assert tok.payload[PROBE_CLAIM] == 'v1' and tok.payload['sub'] == '1234567890'
    assert tok.signature_b64 == decode(JWT_IO).signature_b64
    assert not verify_signature(forged, 'your-256-bit-secret')


def test_forge_resigned_fresh_expired_and_as_is():
    now = 1700000000
    base = encode({'sub': '1', 'iat': now - 100, 'exp': now - 100 + 600, 'nbf': now - 100}, STRONG)
    fresh = decode(forge_resigned(base, STRONG, now=now))
    assert fresh.payload['iat'] == now and fresh.payload['exp'] == now + 600 and fresh.payload['nbf'] == now
    assert verify_signature(fresh, STRONG)
    expired = decode(forge_resigned(base, STRONG, now=now, expired=True))
    assert expired.payload['exp'] == now - 3600 and expired.payload['iat'] == now - 7200 and 'nbf' not in expired.payload
    assert verify_signature(expired, STRONG)
    long_lived = encode({'sub': '1', 'iat': now, 'exp': now + 86400}, STRONG)
    assert decode(forge_resigned(long_lived, STRONG, now=now)).payload['exp'] == now + 900  # capped
    same = decode(forge_resigned(base, b'other-key'))
    assert same.payload == decode(base).payload
    assert verify_signature(same, b'other-key') and not verify_signature(same, STRONG)
    empty = forge_resigned(base, b'')
    assert verify_signature(empty, b'')


def test_crack_with_the_wordlist():
    assert 'your-256-bit-secret' in WEAK_SECRETS
    assert crack(JWT_IO, candidate_secrets()) == 'your-256-bit-secret'
    assert crack(encode({'sub': '1'}, STRONG), candidate_secrets()) is None
    assert crack(encode({'sub': '1'}, 'Changeme'), candidate_secrets()) == 'Changeme'  # capitalized variant
    assert crack(encode({'sub': '1'}, 'leaked-in-2023'), candidate_secrets(['leaked-in-2023'])) == 'leaked-in-2023'
    assert crack(encode({'sub': '1'}, ''), candidate_secrets()) == ''
    assert crack(forge_alg_none(JWT_IO), candidate_secrets()) is None


def test_wordlist_has_the_placeholders():
    for word in ('changeme', 'secret', 'your-secret-key', 'jwt_secret', 'change-me-to-a-long-random-string', 'dev-only-insecure-secret'):
        assert word in WEAK_SECRETS
    assert len(set(WEAK_SECRETS)) == len(WEAK_SECRETS)


# -- secret strength ---------------------------------------------------------------------------

@pytest.mark.parametrize('secret', [
    secrets.token_hex(32), secrets.token_hex(16), base64.b64encode(secrets.token_bytes(32)).decode(), secrets.token_urlsafe(32),
    ''.join(secrets.choice(string.ascii_letters + string.digits) for dummy in range(40)), str(uuid.uuid4()) + str(uuid.uuid4()),
    STRONG,
])
def test_random_secrets_pass(secret):
    assert secret_findings(secret) == []


@pytest.mark.parametrize('secret, expected', [
    ('changeme', ['secret_in_wordlist', 'secret_low_entropy', 'secret_too_short']),
    ('Your-Secret-Key', ['secret_in_wordlist', 'secret_low_entropy', 'secret_too_short']),
    ('secret123!', ['secret_in_wordlist', 'secret_low_entropy', 'secret_too_short']),
    ('change-me-to-a-long-random-string', ['secret_in_wordlist', 'secret_low_entropy']),
    ('a' * 40, ['secret_low_entropy']),
    ('abc' * 14, ['secret_low_entropy']),
    ('12345678901234567890123456789012', ['secret_low_entropy']),
    ('my-super-secret-jwt-key-for-production', ['secret_low_entropy']),
    ('Xk9#mP2$vL5@nQ8&', ['secret_low_entropy', 'secret_too_short']),  # 16 characters: about 105 bits
    ('', ['secret_missing']),
    ('   ', ['secret_missing']),
    (None, ['secret_missing']),
])
def test_weak_secrets(secret, expected):
    found = secret_findings(secret, source='env_file')
    assert ids(found) == expected
    for finding in found:
        if secret and secret.strip():
            assert secret not in finding.message and secret not in json.dumps(finding.evidence)


def test_severities_and_extra_wordlist():
    found = dict((f.id, f) for f in secret_findings('changeme'))
    assert found['secret_in_wordlist'].severity == 'critical'
    assert found['secret_too_short'].severity == 'high'
    assert found['secret_low_entropy'].severity == 'high'
    assert secret_findings('', source='x')[0].severity == 'critical'
    assert ids(secret_findings('company-leaked-' + STRONG)) == []
    custom = secret_findings('company-leaked-' + STRONG, wordlist=['company-leaked-' + STRONG])
    assert ids(custom) == ['secret_in_wordlist'] and custom[0].evidence['wordlist'] == 'wordlist option'
    assert ids(secret_findings('my-super-secret-jwt-key-for-production')) == ['secret_low_entropy']
    # placeholder words an attacker tries first (was medium: 12 bits a word, 84 bits)
    assert secret_findings('my-super-secret-jwt-key-for-production')[0].severity == 'high'


def test_min_bytes_follow_the_hash_size():
    assert min_bytes_for('HS256', 32) == 32 and min_bytes_for('HS384', 32) == 48 and min_bytes_for('HS512', 32) == 64
    assert min_bytes_for('HS256', 40) == 40
    found = secret_findings(STRONG, alg='HS512')
    assert ids(found) == ['secret_too_short'] and found[0].evidence == {
        'source': 'secret', 'length_bytes': 42, 'min_bytes': 64, 'alg': 'HS512'}
    assert ids(secret_findings('é' * 20, min_secret_bytes=40)) == ['secret_low_entropy']  # 40 UTF-8 bytes


def test_estimate_entropy_explains_itself():
    assert estimate_entropy(secrets.token_hex(32))['bits'] == 256.0
    assert estimate_entropy(secrets.token_hex(32))['classes'] == ['hex']
    rep = estimate_entropy('password' * 4)
    assert rep['repeated_pattern'] and rep['bits'] < 64
    words = estimate_entropy('my-super-secret-jwt-key')
    assert words['common_words'] and words['bits'] < 60.0 and 'guessable: dictionary word x4, separator x4' in words['reasons']


@pytest.mark.parametrize('secret', [
    'abcdefghijklmnopqrstuvwxyz012345',  # alphabet x length said 165 bits: two sequences
    'qwertyuiopasdfghjklzxcvbnm123456',  # keyboard rows and the commonest password
    'aura-flow-production-2024-jwt-secret!!',  # was medium (and passed the deploy preflight): words, a year, a repeat
    'Summer2024!Summer2024!',
    'zyxwvutsrqponmlkjihgfedcba9876543210',
    '!@#$%^&*()qwertyuiop1qaz2wsx',
])
def test_guessable_secrets_are_high(secret):
    found = dict((f.id, f) for f in secret_findings(secret, source='env_file'))
    low = found['secret_low_entropy']
    assert low.severity == 'high' and low.evidence['bits'] < 64 and low.evidence['patterns'], low.evidence
    # the kinds of patterns are named, never the parts of the secret
    evidence = json.dumps(low.evidence).lower()
    assert secret not in low.message and not any(part in evidence for part in re.split(r'[^a-z]+', secret.lower()) if len(part) >= 4)


def test_context_words_are_tried_first():
    plain = estimate_entropy('nimbus-ledger-7734-Gq')['bits']
    known = estimate_entropy('nimbus-ledger-7734-Gq', ['nimbus', 'ledger'])['bits']
    assert known < plain - 10


def test_wordlist_match_kinds():
    assert wordlist_match('changeme', WEAK_SECRETS) == 'exact'
    assert wordlist_match('ChangeMe', WEAK_SECRETS) == 'ignoring case'
    assert wordlist_match('changeme2024!', WEAK_SECRETS) == 'with affixes'
    assert wordlist_match('changemeplease', WEAK_SECRETS) is None
    assert wordlist_match('dev1', WEAK_SECRETS) is None  # affixes only around entries of 4+ characters
    assert wordlist_match(STRONG, WEAK_SECRETS) is None


# -- lifetimes and .env ------------------------------------------------------------------------

@pytest.mark.parametrize('text, seconds', [('15m', 900), ('24h', 86400), ('7d', 604800), ('2w', 1209600), ('3600', 3600),
                                           (3600, 3600), ('1h30m', 5400), (' 90s ', 90)])
def test_parse_lifetime(text, seconds):
    assert parse_lifetime(text) == seconds


@pytest.mark.parametrize('bad', ['soon', '', '0', '-5m', '1y', True])
def test_parse_lifetime_rejects(bad):
    with pytest.raises(JwtError):
        parse_lifetime(bad)


def test_lifetime_findings():
    assert lifetime_findings(900, 86400, 'x') == []
    assert lifetime_findings(3600, 86400, 'x') == []
    low = lifetime_findings(86400, 86400, 'JWT_EXPIRES_IN')
    assert [(f.id, f.severity) for f in low] == [('lifetime_too_long', 'low')] and '24h' in low[0].message
    high = lifetime_findings(7 * 86400, 86400, 'token')
    assert [(f.id, f.severity) for f in high] == [('lifetime_too_long', 'medium')] and '7d' in high[0].message
    assert lifetime_findings(None, 86400, 'x') == []


def test_parse_env_like_the_backend():
    text = '\n'.join([
        '# comment', '', 'export JWT_SECRET="quoted value # not a comment"', "JWT_EXPIRES_IN='15m'",
        'CORS_ORIGIN=https://a.example,https://b.example   # trailing comment', 'EMPTY=', 'not a line',
        'ESCAPED="a\\nb \\"c\\""', '  SPACED  =  x  ',
    ])
    assert parse_env(text) == {
        'JWT_SECRET': 'quoted value # not a comment', 'JWT_EXPIRES_IN': '15m', 'CORS_ORIGIN': 'https://a.example,https://b.example',
        'EMPTY': '', 'ESCAPED': 'a\nb "c"', 'SPACED': 'x',
    }


# -- facts, clock, live judgement --------------------------------------------------------------

def test_token_facts_have_no_values():
    token = encode({'sub': 'user-secret-id', 'email': 'x@example.com', 'iat': 1000, 'exp': 1900}, STRONG)
    facts = token_facts(decode(token), now=1500)
    assert facts == {'alg': 'HS256', 'typ': 'JWT', 'has_exp': True, 'lifetime': 900, 'expires_in': 400,
                     'claims': ['email', 'exp', 'iat', 'sub'], 'header_fields': ['alg', 'typ']}
    assert 'user-secret-id' not in json.dumps(facts)
    no_exp = token_facts(decode(encode({'sub': '1'}, STRONG)), now=0)
    assert no_exp['has_exp'] is False and no_exp['lifetime'] is None and no_exp['expires_in'] is None


def test_clock_skew():
    assert clock_skew('Tue, 14 Nov 2023 22:13:20 GMT', 1700000000.4, 1700000000.6) == 0.0
    assert clock_skew('Tue, 14 Nov 2023 22:13:20 GMT', 1700000000.9, 1700000001.2) == 0.0  # Date is truncated
    assert clock_skew('Tue, 14 Nov 2023 22:16:20 GMT', 1700000000.0, 1700000000.5) == 179.5
    assert clock_skew('Tue, 14 Nov 2023 22:12:20 GMT', 1700000000.0, 1700000000.5) == -60.0
    assert clock_skew(None, 0, 1) is None and clock_skew('yesterday', 0, 1) is None


def outcomes(**statuses):
    return dict((name.replace('__', ':'), Outcome(name.replace('__', ':'), status)) for name, status in statuses.items())


CLEAN = dict(control=200, none__none=401, none__None=401, none__NONE=401, none__nOnE=401, none_signed=401, empty_signature=401,
             tampered=401, wrong_key__random=401, wrong_key__empty=401, fresh=200, expired=401)


def test_judge_live_clean():
    assert judge_live(outcomes(**CLEAN), 'env_file') == []


@pytest.mark.parametrize('changes, expected', [
    ({'none__None': 200}, ['alg_none_accepted']),
    ({'tampered': 200, 'wrong_key__random': 200, 'wrong_key__empty': 200}, ['signature_not_verified']),
    ({'wrong_key__empty': 200}, ['wrong_key_accepted']),
    # verification skipped for an empty signature: the unsigned alg-none tokens pass for that reason only
    ({'empty_signature': 200, 'none__none': 200, 'none__None': 200, 'none__NONE': 200, 'none__nOnE': 200}, ['signature_not_verified']),
    ({'empty_signature': 200}, ['signature_not_verified']),
    # alg none honoured with the signature kept (an empty signature refused as malformed)
    ({'none_signed': 200}, ['alg_none_accepted']),
    ({'empty_signature': 200, 'none_signed': 200, 'none__none': 200}, ['alg_none_accepted', 'signature_not_verified']),
    ({'expired': 200}, ['expired_token_accepted']),
    ({'fresh': 401, 'expired': None}, ['valid_token_rejected']),
    ({'control': 401}, ['valid_token_rejected']),
    ({'control': 500}, ['valid_token_rejected']),
])
def test_judge_live_faults(changes, expected):
    statuses = dict(CLEAN)
    statuses.update(changes)
    statuses = dict((k, v) for k, v in statuses.items() if v is not None)
    found = judge_live(outcomes(**statuses), 'secret')
    assert ids(found) == expected


def test_judge_live_evidence():
    statuses = dict(CLEAN)
    statuses.update(none__NONE=204, none__nOnE=200)
    found = judge_live(outcomes(**statuses), None)
    assert found[0].evidence['variants'] == ['NONE', 'nOnE'] and found[0].severity == 'critical'
