"""Unit tests for plugins/module_utils/durations.py."""

import pytest

from ansible_collections.auraflow.ops.plugins.module_utils.durations import (
    DurationError,
    format_duration,
    parse_duration,
)


@pytest.mark.parametrize('text, seconds', [
    ('90s', 90), ('45m', 2700), ('1h', 3600), ('2d', 172800), ('1h30m', 5400),
    ('1d2h3m4s', 93784), (' 2H ', 7200), ('0s', 0), ('1.5h', 5400), ('0.5s', 0.5),
    ('600', 600), (600, 600), (1.25, 1.25),
])
def test_parse(text, seconds):
    assert parse_duration(text) == seconds


@pytest.mark.parametrize('bad', ['', 'h', '1x', '1h 30m', '30m1h', '1h1h', '-5s', -1, True, None, [1], '1h-'])
def test_parse_rejects(bad):
    with pytest.raises(DurationError):
        parse_duration(bad)


@pytest.mark.parametrize('seconds, text', [(0, '0s'), (59, '59s'), (90, '1m30s'), (3600, '1h'), (93784, '1d2h3m4s'), (89.6, '1m30s')])
def test_format(seconds, text):
    assert format_duration(seconds) == text


@pytest.mark.parametrize('seconds', [0, 1, 59, 61, 3599, 3601, 86399, 86401, 10 ** 7])
def test_round_trip(seconds):
    assert parse_duration(format_duration(seconds)) == seconds


@pytest.mark.parametrize('bad', [-1, 'x', None, True])
def test_format_rejects(bad):
    with pytest.raises(DurationError):
        format_duration(bad)
