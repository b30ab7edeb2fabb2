# -*- coding: utf-8 -*-
# Copyright: (c) 2026, auraflow.ops maintainers
# MIT License (see LICENSE)
"""JWT configuration and behaviour checks (pure logic, stdlib only) for ``auraflow.ops.jwt_config_check``.

* HS256/HS384/HS512 tokens: ``encode``, ``decode`` (no verification), ``verify_signature``
  (constant-time), base64url without padding.
* Forged tokens for the live checks: ``forge_alg_none`` (``alg: none`` and its case variants,
  empty signature, or the original signature kept), ``forge_empty_signature`` (the token as issued
  without its signature), ``forge_tampered`` (a claim added, the original signature kept),
  ``forge_resigned`` (the server's claims re-signed with a given key: fresh, expired, or with a
  wrong key).
* ``crack`` tries a token against a list of candidate secrets (offline).
* Secret strength: ``secret_findings`` (missing, shorter than the minimum - never below the
  hash size, RFC 7518 3.2 -, low estimated entropy, in a wordlist), ``estimate_entropy``
  (character classes, Shannon entropy, repeated patterns, common words), ``wordlist_match``.
* Lifetimes: ``parse_lifetime`` (``15m``, ``24h``, ``7d``, ``2w``, seconds) and
  ``lifetime_findings``; ``parse_env`` reads a ``.env`` like the reference backend does.
* ``clock_skew`` compares a server's ``Date`` header with the local clock.
* ``judge_live`` turns the answers to the forged tokens into findings.

Nothing here returns or formats a secret or a whole token: findings and facts carry lengths,
algorithms, claim names and times only. Callers must keep it so.
"""

from __future__ import annotations

import base64
import binascii
import email.utils
import hashlib
import hmac
import json
import math
import os
import re

from ansible_collections.auraflow.ops.plugins.module_utils.durations import DurationError, parse_duration
from ansible_collections.auraflow.ops.plugins.module_utils.findings import Finding
from ansible_collections.auraflow.ops.plugins.module_utils.guessability import guess_bits
from ansible_collections.auraflow.ops.plugins.module_utils.jwt_wordlist import WEAK_SECRETS

HMAC_ALGORITHMS = {'HS256': hashlib.sha256, 'HS384': hashlib.sha384, 'HS512': hashlib.sha512}
NONE_VARIANTS = ('none', 'None', 'NONE', 'nOnE')
PROBE_CLAIM = 'x_auraflow_probe'
HOUR = 3600
TARGET_BITS = 128  # estimated entropy below this is secret_low_entropy
COMMON_WORDS = frozenset((
    'a', 'an', 'the', 'my', 'our', 'your', 'this', 'that', 'is', 'it', 'for', 'of', 'to', 'and', 'in', 'on', 'here',
    'please', 'replace', 'change', 'me', 'with', 'some', 'long', 'random', 'string', 'value', 'very', 'super', 'top',
    'secret', 'secrets', 'key', 'keys', 'jwt', 'token', 'tokens', 'auth', 'signing', 'sign', 'private', 'public',
    'password', 'pass', 'default', 'dev', 'development', 'prod', 'production', 'staging', 'test', 'testing', 'local',
    'insecure', 'secure', 'only', 'not', 'app', 'api', 'server', 'backend', 'node', 'express', 'access', 'refresh',
    'session', 'hmac', 'hs256', 'example', 'sample', 'demo', 'aura', 'flow', 'auraflow', 'admin', 'user', 'new',
    'strong', 'safe', 'hard', 'guess', 'cannot', 'can', 't', 'be', 'should', 'must', 'really', 'so', 'much',
))


class JwtError(ValueError):
    """A token, duration or option that cannot be used; the message never contains a secret or token."""


# -- encoding ------------------------------------------------------------------------------------

def b64url_encode(data):
    """base64url without padding (RFC 7515)."""
    return base64.urlsafe_b64encode(data).rstrip(b'=').decode('ascii')


def b64url_decode(text):
    """Bytes of unpadded base64url ``text``; JwtError when it is not base64url."""
    if not isinstance(text, str) or not re.match(r'^[A-Za-z0-9_-]*$', text) or len(text) % 4 == 1:
        raise JwtError('not base64url')
    try:
        return base64.urlsafe_b64decode(text + '=' * (-len(text) % 4))
    except (binascii.Error, ValueError):
        raise JwtError('not base64url') from None


def _json_b64(obj):
    return b64url_encode(json.dumps(obj, separators=(',', ':'), sort_keys=False).encode('utf-8'))


def to_key(secret):
    """The HMAC key bytes of a secret given as str (UTF-8, as Node's crypto uses it) or bytes."""
    if isinstance(secret, bytes):
        return secret
    if isinstance(secret, str):
        return secret.encode('utf-8')
    raise JwtError('a secret must be a string')


def _signature(signing_input, key, alg):
    digest = HMAC_ALGORITHMS.get(alg)
    if digest is None:
        raise JwtError('unsupported algorithm %r (HS256, HS384, HS512)' % (alg,))
    return hmac.new(to_key(key), signing_input.encode('ascii'), digest).digest()


def encode(payload, key, alg='HS256', header=None):
    """A signed compact JWS. ``header`` extra fields are merged after ``alg``/``typ``."""
    head = {'alg': alg, 'typ': 'JWT'}
    head.update(header or {})
    signing_input = '%s.%s' % (_json_b64(head), _json_b64(payload))
    return '%s.%s' % (signing_input, b64url_encode(_signature(signing_input, key, alg)))


class Token:
    """A decoded, unverified token. ``str()`` is deliberately not the token text."""

    __slots__ = ('header', 'payload', 'header_b64', 'payload_b64', 'signature_b64')

    def __init__(self, header, payload, header_b64, payload_b64, signature_b64):
        self.header = header
        self.payload = payload
        self.header_b64 = header_b64
        self.payload_b64 = payload_b64
        self.signature_b64 = signature_b64

    @property
    def alg(self):
        return self.header.get('alg')

    @property
    def signing_input(self):
        return '%s.%s' % (self.header_b64, self.payload_b64)

    def compact(self):
        return '%s.%s.%s' % (self.header_b64, self.payload_b64, self.signature_b64)

    def __repr__(self):
        return 'Token(alg=%r, claims=%r)' % (self.alg, sorted(self.payload))

    __str__ = __repr__


def decode(token):
    """Split and parse a compact JWS without verifying it; JwtError (without the token) when malformed."""
    if not isinstance(token, str):
        raise JwtError('the token must be a string')
    parts = token.strip().split('.')
    if len(parts) != 3:
        raise JwtError('the token is not a compact JWT (expected 3 dot-separated parts, found %d)' % len(parts))
    try:
        header = json.loads(b64url_decode(parts[0]).decode('utf-8'))
        payload = json.loads(b64url_decode(parts[1]).decode('utf-8'))
    except (JwtError, UnicodeDecodeError, ValueError):
        raise JwtError('the token header or payload is not base64url-encoded JSON') from None
    if not isinstance(header, dict) or not isinstance(payload, dict):
        raise JwtError('the token header and payload must be JSON objects')
    if parts[2] and not re.match(r'^[A-Za-z0-9_-]+$', parts[2]):
        raise JwtError('the token signature is not base64url')
    return Token(header, payload, parts[0], parts[1], parts[2])


def verify_signature(token, key):
    """Whether ``token`` (str or Token) carries a valid HS256/384/512 signature under ``key``."""
    tok = token if isinstance(token, Token) else decode(token)
    if tok.alg not in HMAC_ALGORITHMS:
        return False
    # compare the canonical base64url text: two encodings of one signature must not both pass
    expected = b64url_encode(_signature(tok.signing_input, key, tok.alg))
    return hmac.compare_digest(tok.signature_b64.encode('ascii'), expected.encode('ascii'))


# -- forging -------------------------------------------------------------------------------------

def forge_alg_none(token, variant='none', keep_signature=False):
    """The token's payload under its header with ``"alg": variant``, with an empty signature (or the original one
    kept: a library that refuses an empty signature part may still honour ``alg: none``)."""
    tok = token if isinstance(token, Token) else decode(token)
    header = dict(tok.header)
    header['alg'] = variant
    return '%s.%s.%s' % (_json_b64(header), tok.payload_b64, tok.signature_b64 if keep_signature else '')


def forge_empty_signature(token):
    """The token as issued (its ``alg`` kept) with the signature removed: ``header.payload.`` - must be rejected
    (a server that skips verification when there is no signature accepts it: the CVE-2020-28042 class)."""
    tok = token if isinstance(token, Token) else decode(token)
    return '%s.%s.' % (tok.header_b64, tok.payload_b64)


def forge_tampered(token, value='1'):
    """The payload with one extra claim (PROBE_CLAIM) and the ORIGINAL signature: must be rejected."""
    tok = token if isinstance(token, Token) else decode(token)
    payload = dict(tok.payload)
    payload[PROBE_CLAIM] = value
    return '%s.%s.%s' % (tok.header_b64, _json_b64(payload), tok.signature_b64)


def forge_resigned(token, key, now=None, lifetime=None, expired=False, alg=None):
    """The token's header and claims re-signed with ``key`` (HS*), with fresh or past times.

    Fresh: ``iat`` = now, ``exp`` = now + lifetime (default: the original's lifetime, capped to 15
    minutes, or 5 minutes). Expired: ``iat`` two hours and ``exp`` one hour in the past (far beyond
    any clock leeway), ``nbf`` removed. Without ``now`` the claims are kept as they are.
    """
    tok = token if isinstance(token, Token) else decode(token)
    alg = alg or (tok.alg if tok.alg in HMAC_ALGORITHMS else 'HS256')
    payload = dict(tok.payload)
    if now is not None:
        now = int(now)
        if expired:
            payload['iat'] = now - 2 * HOUR
            payload['exp'] = now - HOUR
            payload.pop('nbf', None)
        else:
            if lifetime is None:
                original = token_lifetime(tok)
                lifetime = min(original, 900) if original and original > 0 else 300
            payload['iat'] = now
            payload['exp'] = now + int(lifetime)
            if 'nbf' in payload:
                payload['nbf'] = now
    header = dict(tok.header)
    header['alg'] = alg
    signing_input = '%s.%s' % (_json_b64(header), _json_b64(payload))
    return '%s.%s' % (signing_input, b64url_encode(_signature(signing_input, key, alg)))


def random_key(size=32):
    return os.urandom(size)


def crack(token, candidates):
    """The first candidate secret the HS* ``token`` verifies with, or None. Never log the result."""
    tok = token if isinstance(token, Token) else decode(token)
    if tok.alg not in HMAC_ALGORITHMS:
        return None
    given = tok.signature_b64.encode('ascii')
    digest = HMAC_ALGORITHMS[tok.alg]
    data = tok.signing_input.encode('ascii')
    for candidate in candidates:
        if not isinstance(candidate, (str, bytes)):
            continue
        if hmac.compare_digest(given, b64url_encode(hmac.new(to_key(candidate), data, digest).digest()).encode('ascii')):
            return candidate
    return None


def candidate_secrets(extra=()):
    """The built-in wordlist, then ``extra``, each also with its first letter upper-cased and all upper-case."""
    seen = set()
    out = []
    for word in list(WEAK_SECRETS) + [w for w in (extra or ()) if isinstance(w, str)]:
        for variant in (word, word.capitalize(), word.upper()):
            if variant not in seen:
                seen.add(variant)
                out.append(variant)
    if '' not in seen:
        out.append('')
    return out


# -- token facts ---------------------------------------------------------------------------------

def token_lifetime(tok):
    """``exp - iat`` in seconds, or None when either is missing or not a number."""
    exp = tok.payload.get('exp')
    iat = tok.payload.get('iat')
    if isinstance(exp, bool) or isinstance(iat, bool) or not isinstance(exp, (int, float)) or not isinstance(iat, (int, float)):
        return None
    return int(exp - iat)


def token_facts(tok, now):
    """What may be reported about a token: algorithm, type, lifetime, time left, claim names (no values)."""
    exp = tok.payload.get('exp')
    has_exp = isinstance(exp, (int, float)) and not isinstance(exp, bool)
    return {
        'alg': tok.alg,
        'typ': tok.header.get('typ'),
        'has_exp': has_exp,
        'lifetime': token_lifetime(tok),
        'expires_in': int(exp - now) if has_exp else None,
        'claims': sorted(str(k) for k in tok.payload),
        'header_fields': sorted(str(k) for k in tok.header),
    }


# -- durations and .env --------------------------------------------------------------------------

def parse_lifetime(value):
    """Seconds of a token lifetime: ``15m``, ``24h``, ``7d``, ``2w``, ``1h30m`` or a number of seconds."""
    if isinstance(value, str):
        match = re.match(r'^\s*(\d+)\s*w\s*$', value, re.IGNORECASE)
        if match:
            return int(match.group(1)) * 7 * 86400
    try:
        seconds = parse_duration(value.strip() if isinstance(value, str) else value)
    except DurationError as exc:
        raise JwtError(str(exc)) from None
    if seconds <= 0:
        raise JwtError('a token lifetime must be positive, got %r' % (value,))
    return seconds


def parse_env(text):
    """``KEY=value`` pairs of a .env file, as the reference backend (src/config.js) reads them.

    ``#`` comments and blank lines are skipped, ``export`` is allowed, ``"..."`` and ``'...'`` are
    unquoted (``\\n`` and ``\\"`` expanded in double quotes), an unquoted value ends at `` #``.
    """
    out = {}
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith('#'):
            continue
        match = re.match(r'^(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$', line)
        if not match:
            continue
        value = match.group(2)
        quote = value[:1]
        if quote in ('"', "'") and len(value) >= 2 and value.endswith(quote):
            value = value[1:-1]
            if quote == '"':
                value = value.replace('\\n', '\n').replace('\\"', '"')
        else:
            value = re.sub(r'\s+#.*$', '', value).strip()
        out[match.group(1)] = value
    return out


def lifetime_findings(seconds, max_lifetime, source):
    """lifetime_too_long: above ``max_lifetime`` is medium, above one hour (and within it) low."""
    if seconds is None:
        return []
    evidence = {'source': source, 'lifetime': int(seconds), 'max_lifetime': int(max_lifetime)}
    if seconds > max_lifetime:
        return [Finding('lifetime_too_long', 'medium',
                        'token lifetime %s (%s) is above max_lifetime %s: a stolen token stays usable that long'
                        % (_human(seconds), source, _human(max_lifetime)), evidence)]
    if seconds > HOUR:
        return [Finding('lifetime_too_long', 'low',
                        'token lifetime %s (%s) is above one hour; prefer short access tokens with refresh'
                        % (_human(seconds), source), evidence)]
    return []


def _human(seconds):
    seconds = int(seconds)
    for unit, size in (('d', 86400), ('h', 3600), ('m', 60)):
        if seconds >= size * (2 if unit == 'd' else 1) and seconds % size == 0:
            return '%d%s' % (seconds // size, unit)
    return '%ds' % seconds


# -- secret strength -----------------------------------------------------------------------------

def _classes(text):
    classes = []
    if any(c.islower() and c.isascii() for c in text):
        classes.append('lower')
    if any(c.isupper() and c.isascii() for c in text):
        classes.append('upper')
    if any(c.isdigit() and c.isascii() for c in text):
        classes.append('digit')
    if any(not (c.isascii() and c.isalnum()) for c in text):
        classes.append('other')
    return classes


def shannon_bits_per_char(text):
    """Shannon entropy of the character distribution of ``text`` (bits per character)."""
    if not text:
        return 0.0
    counts = {}
    for char in text:
        counts[char] = counts.get(char, 0) + 1
    total = float(len(text))
    return -sum((n / total) * math.log2(n / total) for n in counts.values())


def _period(text):
    """The shortest p such that ``text`` is ``text[:p]`` repeated (at least twice, possibly cut), or None."""
    size = len(text)
    for p in range(1, size // 2 + 1):
        if all(text[i] == text[i % p] for i in range(size)):
            return p
    return None


def _common_words(text):
    """Whether ``text`` is only common words and digits (>= 2 tokens), like ``my-super-secret-jwt-key``."""
    tokens = [t for t in re.split(r'[^a-z0-9]+', re.sub(r'([a-z])([A-Z])', r'\1 \2', text).lower()) if t]
    if len(tokens) < 2:
        return False
    return all(t in COMMON_WORDS or t.isdigit() for t in tokens)


def estimate_entropy(secret, context=()):
    """An estimate of a secret's entropy in bits, and why: never above what its alphabet allows.

    Per character: log2 of the alphabet the character classes suggest (16 for hex digits, with
    ``-``/``_``/``:`` separators counted as nothing), lowered to the measured Shannon entropy when
    the characters are unevenly used; a repeated pattern counts once; a secret made only of common
    words and digits gets 12 bits per word. Lowered again to what an attacker who tries likely things
    first needs (module_utils/guessability.py: words, sequences, keyboard runs, repeats, years, with
    ``context`` and COMMON_WORDS tried first); ``patterns`` names the kinds found, never their text.
    """
    text = secret.decode('latin-1') if isinstance(secret, bytes) else secret
    reasons = []
    period = _period(text)
    unit = text[:period] if period else text
    if period:
        reasons.append('a pattern of %d characters repeated' % period)
    stripped = re.sub(r'[-_:]', '', unit)
    if stripped.isdigit() and stripped.isascii():
        alphabet = 10
        length = len(stripped)
        classes = ['digit']
    elif re.match(r'^(?:[0-9a-f]+|[0-9A-F]+)$', stripped):
        alphabet = 16
        length = len(stripped)
        classes = ['hex']
    else:
        stripped = unit
        classes = _classes(unit)
        alphabet = sum({'lower': 26, 'upper': 26, 'digit': 10, 'other': 33}[c] for c in classes) or 1
        length = len(unit)
    per_char = math.log2(alphabet) if alphabet > 1 else 0.0
    shannon = shannon_bits_per_char(stripped)
    expected = min(per_char, math.log2(length)) if length > 1 else 0.0
    if shannon < 0.75 * expected:
        reasons.append('characters unevenly used (%.1f bits/char)' % shannon)
        per_char = shannon
    bits = per_char * length
    words = _common_words(text)
    if words:
        count = len([t for t in re.split(r'[^A-Za-z0-9]+', text) if t])
        bits = min(bits, 12.0 * count)
        reasons.append('made of common words')
    guessed, patterns = guess_bits(text, COMMON_WORDS.union(context))
    if guessed < bits:
        bits = guessed
        reasons.append('guessable: ' + ', '.join(patterns))
    return {
        'bits': round(bits, 1),
        'patterns': patterns,
        'alphabet': alphabet,
        'classes': classes,
        'shannon_bits_per_char': round(shannon_bits_per_char(text), 2),
        'distinct_chars': len(set(text)),
        'repeated_pattern': bool(period),
        'common_words': words,
        'reasons': reasons,
    }


def wordlist_match(secret, entries):
    """How ``secret`` matches an entry: ``exact``, ``ignoring case`` or ``with affixes``; None when not."""
    if not isinstance(secret, str):
        return None
    value = secret.strip()
    lowered = value.lower()
    core = re.sub(r'^[\W\d_]+|[\W\d_]+$', '', lowered)
    found = None
    for entry in entries:
        if not isinstance(entry, str):
            continue
        if entry == value:
            return 'exact'
        if entry.lower() == lowered:
            found = 'ignoring case'
        elif found is None and len(entry) >= 4 and core and core == entry.lower():
            found = 'with affixes'
    return found


def min_bytes_for(alg, min_secret_bytes):
    """The required key length: ``min_secret_bytes``, never below the hash size of ``alg`` (RFC 7518 3.2)."""
    size = HMAC_ALGORITHMS[alg]().digest_size if alg in HMAC_ALGORITHMS else 0
    return max(int(min_secret_bytes), size)


def secret_findings(secret, min_secret_bytes=32, alg='HS256', wordlist=(), source='secret', context=()):
    """Findings about a configured secret (never containing it): missing, short, low entropy, in a wordlist."""
    if secret is None or secret == '' or (isinstance(secret, str) and not secret.strip()):
        return [Finding('secret_missing', 'critical', 'no JWT secret is configured (%s): the backend refuses to start in '
                        'production or signs with a development fallback' % source, {'source': source})]
    findings = []
    key = to_key(secret)
    required = min_bytes_for(alg, min_secret_bytes)
    if len(key) < required:
        findings.append(Finding('secret_too_short', 'high',
                                'the JWT secret (%s) is %d bytes; %s needs at least %d (%d bits) or it can be brute-forced offline '
                                'from any issued token' % (source, len(key), alg, required, required * 8),
                                {'source': source, 'length_bytes': len(key), 'min_bytes': required, 'alg': alg}))
    builtin = wordlist_match(secret, WEAK_SECRETS)
    extra = wordlist_match(secret, wordlist or ())
    if builtin or extra:
        findings.append(Finding('secret_in_wordlist', 'critical',
                                'the JWT secret (%s) is a well-known placeholder (%s match in the %s wordlist): anyone can '
                                'forge tokens' % (source, builtin or extra, 'built-in' if builtin else 'given'),
                                {'source': source, 'wordlist': 'built-in' if builtin else 'wordlist option', 'match': builtin or extra}))
    estimate = estimate_entropy(secret, context)
    if estimate['bits'] < TARGET_BITS:
        severity = 'high' if estimate['bits'] < 64 else 'medium'
        evidence = {'source': source, 'length_bytes': len(key)}
        evidence.update(estimate)
        why = (': ' + ', '.join(estimate['reasons'])) if estimate['reasons'] else ''
        findings.append(Finding('secret_low_entropy', severity,
                                'the JWT secret (%s) has an estimated %.0f bits of entropy (< %d)%s: use a random value, '
                                'e.g. openssl rand -base64 48' % (source, estimate['bits'], TARGET_BITS, why),
                                evidence))
    return findings


# -- clock ---------------------------------------------------------------------------------------

def clock_skew(date_header, sent, received):
    """Seconds the server's ``Date`` is off from the local clock (0 within the request's window), or None.

    ``sent``/``received``: local epoch seconds around the request. ``Date`` has one-second
    resolution, so a server in sync answers with a value in [floor(sent), received].
    """
    if not date_header:
        return None
    try:
        parsed = email.utils.parsedate_to_datetime(date_header)
    except (TypeError, ValueError, IndexError):
        return None
    if parsed is None or parsed.tzinfo is None:
        return None
    server = parsed.timestamp()
    if server < math.floor(sent) - 1:
        return round(server - sent, 1)
    if server > received + 1:
        return round(server - received, 1)
    return 0.0


# -- live judgement ------------------------------------------------------------------------------

class Outcome:
    """The answer to one token sent to the protected URL: ``accepted`` means a 2xx status."""

    __slots__ = ('name', 'status', 'detail')

    def __init__(self, name, status, detail=None):
        self.name = name
        self.status = status
        self.detail = detail

    @property
    def accepted(self):
        return self.status is not None and 200 <= self.status <= 299

    def evidence(self):
        out = {'probe': self.name, 'status': self.status}
        if self.detail:
            out['detail'] = self.detail
        return out


def judge_live(outcomes, key_source=None):
    """Findings from the outcomes (by name) of the forged tokens; see the module documentation.

    Names: ``control`` (the token as issued), ``none:<variant>`` (empty signature), ``none_signed`` (alg none, the
    signature kept), ``empty_signature`` (alg kept, no signature), ``tampered``, ``wrong_key:random``,
    ``wrong_key:empty``, ``fresh`` (re-signed with the known key), ``expired`` (idem, exp in the past).
    ``key_source``: where the known key came from (``secret``, ``env_file``, ``wordlist``) or None.
    """
    findings = []
    control = outcomes.get('control')
    if control is not None and not control.accepted:
        findings.append(Finding('valid_token_rejected', 'high',
                                'a freshly issued, valid token is rejected (%s): every user gets 401' % _status(control),
                                control.evidence()))
        return findings
    nones = [o for name, o in sorted(outcomes.items()) if name.startswith('none:') and o.accepted]
    empty = outcomes.get('empty_signature')
    skipped = empty is not None and empty.accepted
    signed_none = outcomes.get('none_signed')
    # alg none honoured although the signature is there: nothing but alg none explains it
    signed = signed_none is not None and signed_none.accepted
    if signed or (nones and not skipped):
        evidence = (nones[0] if nones else signed_none).evidence()
        evidence['variants'] = [o.name.split(':', 1)[1] for o in nones] + (['none (signature kept)'] if signed else [])
        findings.append(Finding('alg_none_accepted', 'critical',
                                'a token with "alg": "%s" is accepted %s: anyone can forge any identity'
                                % (evidence['variants'][0].split(' ')[0], 'without a signature' if nones else 'with its signature ignored'),
                                evidence))
    tampered = outcomes.get('tampered')
    not_verified = tampered is not None and tampered.accepted
    if not_verified:
        findings.append(Finding('signature_not_verified', 'critical',
                                'a token whose payload was changed after signing is accepted: signatures are not verified',
                                tampered.evidence()))
    elif skipped:
        # the unsigned alg-none tokens it let in are explained by the skipped verification (the fix is the same)
        evidence = empty.evidence()
        if nones:
            evidence['also_accepted'] = [o.name for o in nones]
        findings.append(Finding('signature_not_verified', 'critical',
                                'a token with its signature removed (its "alg" kept) is accepted: verification is skipped '
                                'when the signature is empty (the CVE-2020-28042 class), anyone can forge any identity',
                                evidence))
    wrong = [o for name, o in sorted(outcomes.items()) if name.startswith('wrong_key:') and o.accepted]
    if wrong and not not_verified:
        evidence = wrong[0].evidence()
        evidence['keys'] = [o.name.split(':', 1)[1] for o in wrong]
        findings.append(Finding('wrong_key_accepted', 'critical',
                                'a token signed with a key the server does not have (%s) is accepted' % ', '.join(evidence['keys']),
                                evidence))
    fresh = outcomes.get('fresh')
    if fresh is not None and not fresh.accepted:
        evidence = fresh.evidence()
        evidence['key_source'] = key_source
        findings.append(Finding('valid_token_rejected', 'high',
                                'a fresh token signed with the configured secret (%s) is rejected (%s): the server runs '
                                'with a different secret (a stale restart, or hosts with different .env files)'
                                % (key_source, _status(fresh)), evidence))
    expired = outcomes.get('expired')
    if expired is not None and expired.accepted and not not_verified:
        evidence = expired.evidence()
        evidence['key_source'] = key_source
        findings.append(Finding('expired_token_accepted', 'high',
                                'a correctly signed token that expired an hour ago is accepted: "exp" is not checked',
                                evidence))
    return findings


def _status(outcome):
    return 'no answer' if outcome.status is None else 'HTTP %d' % outcome.status
