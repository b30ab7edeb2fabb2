# -*- coding: utf-8 -*-
# Copyright: (c) 2026, auraflow.ops maintainers
# MIT License (see LICENSE)
"""How many guesses a secret takes an attacker who tries likely things first (zxcvbn-style, pure).

``guess_bits(secret, context)`` splits the secret into the cheapest sequence of patterns an attacker
enumerates before brute force, and returns log2 of the guesses:

* ``dictionary``: a word of the ranked lists (module_utils/guess_words.py: common passwords, English
  words, film and TV words) costs log2 of its rank; a ``context`` word (the product, the vocabulary of
  JWT placeholders) costs log2 of the context list's size; capitals add a bit; a reversed word a bit.
* ``sequence``: a run of at least three characters stepping by one (``abcdef``, ``9876``):
  log2(start guesses x length), plus a bit when descending.
* ``keyboard``: a run of at least three neighbours along a keyboard row (``qwertyuiop``, ``asdf``,
  ``!@#$``): log2(keys x 4 directions x length).
* ``repeat``: a unit repeated (``!!``, ``abcabc``): the unit's own cost plus log2 of the count.
* ``year``: 1900-2099: log2 of the years around now an attacker tries (about 120).
* ``separator``: ``-``, ``_``, ``.``, ``:``, ``/``, ``+``, ``,``, ``|`` or a space between the parts: the
  separator is chosen once (log2(8)), its reuse costs nothing.
* anything else is brute force: log2 of the secret's alphabet per character (as a random string).

Each pattern used adds one bit (which kind comes next). The result never exceeds brute force, and it
names only the kinds of patterns found, never the parts of the secret.
"""

from __future__ import annotations

import math
import re

from ansible_collections.auraflow.ops.plugins.module_utils.guess_words import ENGLISH, PASSWORDS, TV_AND_FILM

MAX_LENGTH = 128  # beyond this the patterns of the first 128 characters count, the rest is brute force
SEPARATORS = '-_.:/+,| '
KEYBOARD_ROWS = ('`1234567890-=', 'qwertyuiop[]\\', "asdfghjkl;'", 'zxcvbnm,./', '~!@#$%^&*()_+', 'QWERTYUIOP{}|',
                 'ASDFGHJKL:"', 'ZXCVBNM<>?')
KEYS = 94
YEAR_GUESSES = 120
PATTERN_BIT = 1.0


def _ranks():
    ranks = {}
    for words in (PASSWORDS, ENGLISH, TV_AND_FILM):
        for rank, word in enumerate(words, 1):
            if word not in ranks or rank < ranks[word]:
                ranks[word] = rank
    return ranks


RANKS = _ranks()
_NEIGHBOURS = {}
for _row in KEYBOARD_ROWS:
    for _i, _char in enumerate(_row):
        _NEIGHBOURS.setdefault(_char, set()).update(_row[max(0, _i - 1):_i] + _row[_i + 1:_i + 2])


def alphabet_bits(text):
    """Bits per character of brute force over the alphabet ``text``'s character classes suggest."""
    size = 0
    if any(c.islower() and c.isascii() for c in text):
        size += 26
    if any(c.isupper() and c.isascii() for c in text):
        size += 26
    if any(c.isdigit() and c.isascii() for c in text):
        size += 10
    if any(not (c.isascii() and c.isalnum()) for c in text):
        size += 33
    return math.log2(size) if size > 1 else 1.0


def _case_bits(word):
    if word.islower() or not any(c.isalpha() for c in word):
        return 0.0
    if word[0].isupper() and word[1:].islower() or word.isupper():
        return 1.0
    uppers = sum(1 for c in word if c.isupper())
    return math.log2(sum(math.comb(len(word), k) for k in range(1, min(uppers, len(word) - uppers) + 1)) + 1)


def _dictionary(text, context, out):
    lower = text.lower()
    size = len(text)
    context_bits = math.log2(max(2, len(context)))
    for i in range(size):
        for j in range(i + 3, min(size, i + 24) + 1):
            part = lower[i:j]
            for word, extra in ((part, 0.0), (part[::-1], 1.0)):
                if word in context:
                    bits = context_bits
                elif word in RANKS:
                    bits = math.log2(RANKS[word])
                else:
                    continue
                out.append((i, j, bits + extra + _case_bits(text[i:j]), 'dictionary word'))
                break


def _sequences(text, out):
    size = len(text)
    i = 0
    while i < size - 2:
        step = ord(text[i + 1]) - ord(text[i])
        if step not in (1, -1) or _kind(text[i]) != _kind(text[i + 1]) or _kind(text[i]) is None:
            i += 1
            continue
        j = i + 1
        while j + 1 < size and ord(text[j + 1]) - ord(text[j]) == step and _kind(text[j + 1]) == _kind(text[i]):
            j += 1
        if j - i + 1 >= 3:
            start = 4 if text[i] in 'aAzZ019' else (10 if text[i].isdigit() else 26)
            for a in range(i, j - 1):
                for b in range(a + 3, j + 2):
                    out.append((a, b, math.log2(start * (b - a)) + (1.0 if step < 0 else 0.0), 'sequence'))
        i = j


def _kind(char):
    if char.isdigit():
        return 'digit'
    if char.isascii() and char.islower():
        return 'lower'
    if char.isascii() and char.isupper():
        return 'upper'
    return None


def _keyboard(text, out):
    size = len(text)
    i = 0
    while i < size - 2:
        j = i
        while j + 1 < size and text[j + 1] in _NEIGHBOURS.get(text[j], ()):
            j += 1
        if j - i + 1 >= 3:
            for a in range(i, j - 1):
                for b in range(a + 3, j + 2):
                    out.append((a, b, math.log2(KEYS * 4 * (b - a)), 'keyboard run'))
            i = j
        else:
            i += 1


def _years(text, out):
    for match in re.finditer(r'(?=((?:19|20)\d\d))', text):
        out.append((match.start(), match.start() + 4, math.log2(YEAR_GUESSES), 'year'))


def _repeats(text, context, out, memo):
    size = len(text)
    for i in range(size - 1):
        for unit in range(1, (size - i) // 2 + 1):
            base = text[i:i + unit]
            if text[i + unit:i + 2 * unit] != base:
                continue
            count = 2
            while text[i + count * unit:i + (count + 1) * unit] == base:
                count += 1
            if base not in memo:
                memo[base] = _segment(base, context, memo=memo)[0]
            out.append((i, i + count * unit, memo[base] + math.log2(count), 'repeated pattern'))


def _segment(text, context, per_char=None, memo=None):
    """(bits, kinds) of the cheapest split of ``text`` into patterns and brute-forced characters."""
    size = len(text)
    if per_char is None:
        per_char = alphabet_bits(text)
    matches = []
    _dictionary(text, context, matches)
    _sequences(text, matches)
    _keyboard(text, matches)
    _years(text, matches)
    _repeats(text, context, matches, {} if memo is None else memo)
    by_end = {}
    for start, end, bits, kind in matches:
        by_end.setdefault(end, []).append((start, bits, kind))
    seps = [c for c in SEPARATORS if text.count(c) >= 2]
    sep_bits = dict((c, math.log2(len(SEPARATORS)) / text.count(c)) for c in seps)
    best = [(0.0, ())] + [None] * size
    for end in range(1, size + 1):
        char = text[end - 1]
        prev_bits, prev_kinds = best[end - 1]
        if char in sep_bits:
            candidate = (prev_bits + sep_bits[char], prev_kinds + ('separator',))
        else:
            candidate = (prev_bits + per_char, prev_kinds)
        for start, bits, kind in by_end.get(end, ()):
            before_bits, before_kinds = best[start]
            total = before_bits + bits + PATTERN_BIT
            if total < candidate[0]:
                candidate = (total, before_kinds + (kind,))
        best[end] = candidate
    return best[size]


def guess_bits(secret, context=()):
    """log2 of the guesses ``secret`` takes, and the kinds of patterns that made it cheap (none of its text).

    ``context``: words an attacker of this system tries first (lowercase), e.g. the product's name.
    """
    text = secret.decode('latin-1') if isinstance(secret, bytes) else str(secret)
    vocabulary = frozenset(w.lower() for w in context if w and len(w) >= 2)
    head, tail = text[:MAX_LENGTH], text[MAX_LENGTH:]
    per_char = alphabet_bits(text)
    bits, kinds = _segment(head, vocabulary, per_char)
    bits += per_char * len(tail)
    counted = {}
    for kind in kinds:
        counted[kind] = counted.get(kind, 0) + 1
    found = ['%s%s' % (kind, ' x%d' % n if n > 1 else '') for kind, n in sorted(counted.items())]
    return round(min(bits, per_char * len(text)), 1), found
