"""Unit tests for plugins/module_utils/guessability.py (zxcvbn-style guess estimate)."""

import math
import secrets
import string

import pytest

from ansible_collections.auraflow.ops.plugins.module_utils.guessability import MAX_LENGTH, RANKS, alphabet_bits, guess_bits


@pytest.mark.parametrize('secret, kind', [
    ('abcdefgh', 'sequence'),
    ('98765432', 'sequence'),
    ('qwertyuiop', 'dictionary word'),  # the password list ranks it before the keyboard matcher can
    ('zxcvbn;lkj', 'keyboard run'),
    ('1987', 'year'),
    ('xQ7!xQ7!xQ7!', 'repeated pattern'),
    ('drowssap', 'dictionary word'),  # reversed
])
def test_each_kind_is_recognised(secret, kind):
    bits, kinds = guess_bits(secret)
    assert any(k.startswith(kind) for k in kinds), kinds
    assert bits < alphabet_bits(secret) * len(secret)


def test_ranks_and_capitals():
    assert RANKS['password'] == 2
    plain = guess_bits('password')[0]
    assert guess_bits('Password')[0] == plain + 1.0 and guess_bits('pAsSwOrD')[0] > plain + 1.0


def test_separator_is_chosen_once():
    one, dummy = guess_bits('alpha-bravo')
    many, kinds = guess_bits('alpha-bravo-delta-echo')
    assert 'separator x3' in kinds and many < one * 2.5


def test_random_strings_stay_brute_force():
    for dummy in range(20):
        text = ''.join(secrets.choice(string.ascii_letters + string.digits) for dummy2 in range(40))
        bits = guess_bits(text)[0]
        assert bits > 200 and bits <= 40 * math.log2(62) + 0.1


def test_long_input_counts_the_tail_as_brute_force():
    head = 'a' * MAX_LENGTH
    bits, kinds = guess_bits(head + 'Zx9')
    assert kinds == ['repeated pattern'] and bits == pytest.approx(guess_bits(head)[0] + 3 * alphabet_bits(head + 'Zx9'), abs=0.2)
    assert guess_bits(secrets.token_urlsafe(3000))[0] > 1000  # bounded work on a large value


def test_bytes_and_empty():
    assert guess_bits(b'password')[0] == guess_bits('password')[0]
    assert guess_bits('') == (0.0, [])
