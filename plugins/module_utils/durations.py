# -*- coding: utf-8 -*-
# Copyright: (c) 2026, auraflow.ops maintainers
# MIT License (see LICENSE)
"""Durations as operators write them: ``90s``, ``45m``, ``1h``, ``2d``, ``1h30m``, or plain seconds.

Pure functions, shared by modules (``max_age``, timeouts) and the ``to_seconds`` /
``to_duration`` filters.
"""

from __future__ import annotations

import re

UNITS = (('d', 86400), ('h', 3600), ('m', 60), ('s', 1))
_UNIT_SECONDS = dict(UNITS)
_PART = re.compile(r'(\d+(?:\.\d+)?)([dhms])')


class DurationError(ValueError):
    """A value that is not a duration."""


def parse_duration(value):
    """Return the number of seconds (int, or float when fractional) in ``value``.

    Accepts a non-negative int/float (seconds), a numeric string (seconds), or one or more
    ``<number><unit>`` parts with units d, h, m, s in that order, e.g. ``1h30m``.
    """
    if isinstance(value, bool):
        raise DurationError('a duration must be a number or a string like 90s, 45m, 1h, 2d; got a boolean')
    if isinstance(value, (int, float)):
        if value < 0:
            raise DurationError('a duration cannot be negative: %r' % (value,))
        return value
    if not isinstance(value, str):
        raise DurationError('a duration must be a number or a string like 90s, 45m, 1h, 2d; got %r' % (value,))
    text = value.strip().lower()
    if re.fullmatch(r'\d+(?:\.\d+)?', text):
        return _number(text)
    parts = _PART.findall(text)
    if not text or ''.join(n + u for n, u in parts) != text:
        raise DurationError('not a duration: %r (use e.g. 90s, 45m, 1h, 2d, 1h30m)' % (value,))
    units = [unit for dummy, unit in parts]
    order = [unit for unit, dummy in UNITS]
    if units != sorted(set(units), key=order.index):
        raise DurationError('not a duration: %r (each unit once, largest first)' % (value,))
    return sum(_number(n) * _UNIT_SECONDS[u] for n, u in parts)


def format_duration(seconds):
    """Return the shortest ``2d3h4m5s``-style text for a whole number of seconds (``0s`` for zero)."""
    if isinstance(seconds, bool) or not isinstance(seconds, (int, float)) or seconds < 0:
        raise DurationError('cannot format %r as a duration' % (seconds,))
    rest = int(round(seconds))
    out = []
    for unit, size in UNITS:
        count, rest = divmod(rest, size)
        if count:
            out.append('%d%s' % (count, unit))
    return ''.join(out) or '0s'


def _number(text):
    number = float(text)
    return int(number) if number.is_integer() else number
