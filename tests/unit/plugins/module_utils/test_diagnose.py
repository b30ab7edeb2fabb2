"""Unit tests for plugins/module_utils/diagnose.py (log window analysis, .env check)."""

import json

import pytest

from ansible_collections.auraflow.ops.plugins.module_utils.diagnose import (
    analyze, check_env, log_findings, origins, parse_env, parse_lines, parse_time)

T0 = parse_time('2026-11-29T12:00:00Z')


def line(seconds, **fields):
    stamp = '2026-11-29T12:%02d:%02d.000Z' % divmod(seconds, 60)
    return json.dumps(dict({'time': stamp, 'level': 'info', 'msg': 'request'}, **fields))


def req(seconds, path='/api/items', status=200, ms=3.0, user=None, method='GET'):
    extra = {'userId': user} if user is not None else {}
    return line(seconds, method=method, path=path, status=status, responseTime=ms,
                level='error' if status >= 500 else 'info', **extra)


def test_parse_time_and_bad_lines():
    assert parse_time('2026-11-29T12:00:01.500Z') == T0 + 1.5
    assert parse_time('nope') is None and parse_time(None) is None
    entries, skipped = parse_lines([b'not json', '', '[1]', json.dumps({'msg': 'no time'}), req(1).encode()])
    assert skipped == 3 and len(entries) == 1 and entries[0]['_t'] == T0 + 1


def test_window_counts_routes_status_and_error_rate():
    lines = [req(0, status=500, user=7)]                                   # before the window
    lines += [req(10 + i) for i in range(7)]
    lines += [req(20, path='/health', status=503), req(21, method='POST', status=500, user=7),
              req(22, status=500, user=7), req(23, status=500, user=3), req(24, status=401)]
    lines += [line(25, level='error', msg='unhandled error', error='Error: boom\n  at x')]
    lines += [req(200)]                                                    # after the window
    entries, dummy = parse_lines(lines)
    stats = analyze(entries, T0 + 5, T0 + 100, slow_ms=500, top=2)
    assert stats['requests'] == 12 and stats['errors_5xx'] == 4 and stats['client_errors'] == 1
    assert stats['error_rate'] == round(4 / 12, 6)
    assert stats['by_route']['GET /api/items'] == {'200': 7, '500': 2, '401': 1}
    assert stats['by_route']['POST /api/items'] == {'500': 1}
    assert stats['by_status'] == {'200': 7, '503': 1, '500': 3, '401': 1}
    assert stats['top_error_users'] == [{'userId': '7', 'errors': 2}, {'userId': '3', 'errors': 1}]
    assert stats['error_entries'] == 1
    assert stats['last_errors'][-1]['error'] == 'Error: boom' and len(stats['last_errors']) == 2


def test_slowest_first_and_only_over_threshold():
    entries, dummy = parse_lines([req(1, ms=499.9), req(2, ms=800, path='/a'), req(3, ms=5000, path='/b'), req(4, ms=600)])
    stats = analyze(entries, T0, T0 + 60, slow_ms=500, top=2)
    assert stats['slow'] == 3
    assert [s['path'] for s in stats['slowest']] == ['/b', '/a']


def test_findings_judge_error_rate_slow_and_error_log():
    entries, dummy = parse_lines([req(i, status=500 if i < 3 else 200, user=9) for i in range(30)])
    stats = analyze(entries, T0, T0 + 60)
    errors = analyze(parse_lines([req(1, status=500)])[0], T0, T0 + 60)
    found = {f.id: f for f in log_findings(stats, errors, error_rate_max=0.01, min_requests=20)}
    assert found['logs.error_rate'].severity == 'high' and '9 (3)' in found['logs.error_rate'].message
    assert found['logs.slow_requests'].severity == 'info'
    assert found['backend.error_log'].severity == 'medium'
    # too few requests to judge, and a clean error log
    few = analyze(parse_lines([req(1, status=500)])[0], T0, T0 + 60)
    clean = analyze([], T0, T0 + 60)
    found = {f.id: f for f in log_findings(few, clean, min_requests=20)}
    assert found['logs.error_rate'].severity == 'info' and 'judged from 20' in found['logs.error_rate'].message
    assert found['backend.error_log'].severity == 'info'


def test_env_check_never_returns_secrets():
    text = '# c\nexport NODE_ENV=production\nJWT_SECRET="s3cret"\nCORS_ORIGIN=https://a, https://b/\nEMPTY=\nbad line\n'
    assert parse_env(text) == {'NODE_ENV': 'production', 'JWT_SECRET': 's3cret', 'CORS_ORIGIN': 'https://a, https://b/',
                               'EMPTY': ''}
    result = check_env(text, ['NODE_ENV', 'JWT_SECRET', 'EMPTY', 'DATABASE_URL'], ['CORS_ORIGIN'])
    assert result['missing'] == ['DATABASE_URL'] and result['empty'] == ['EMPTY']
    assert result['shown'] == {'CORS_ORIGIN': 'https://a, https://b/'}
    assert 's3cret' not in json.dumps(result)
    for name in ('JWT_SECRET', 'DATABASE_URL', 'REDIS_URL', 'SENTRY_DSN', 'API_KEY'):
        with pytest.raises(ValueError):
            check_env(text, [], [name])
    assert origins('https://a, https://b/,,') == ['https://a', 'https://b']
