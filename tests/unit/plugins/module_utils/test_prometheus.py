"""Unit tests for plugins/module_utils/prometheus.py: parsing, deltas, histogram quantiles."""

import math

import pytest

from ansible_collections.auraflow.ops.plugins.module_utils.prometheus import (
    MetricsError,
    bucket_delta,
    counter_delta,
    histogram_buckets,
    histogram_quantile,
    parse,
    series,
    server_view,
    status_is_error,
)

BOUNDS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10)


def exposition(requests, histograms):
    """Text in the reference backend's shape: requests {(method, route, status): n},
    histograms {(method, route): [per-bucket (non-cumulative) counts for BOUNDS + inf]}."""
    out = ['# HELP http_requests_total HTTP requests by method, route and status.', '# TYPE http_requests_total counter']
    for (method, route, status), count in requests.items():
        out.append('http_requests_total{method="%s",route="%s",status="%s"} %d' % (method, route, status, count))
    out.append('# TYPE http_request_duration_seconds histogram')
    for (method, route), counts in histograms.items():
        total = 0
        for bound, count in zip(BOUNDS + ('+Inf',), counts):
            total += count
            out.append('http_request_duration_seconds_bucket{method="%s",route="%s",le="%s"} %d' % (method, route, bound, total))
        out.append('http_request_duration_seconds_count{method="%s",route="%s"} %d' % (method, route, total))
    out.append('process_resident_memory_bytes 5.2e+07')
    out.append('app_info{version="1.1.0"} 1')
    return '\n'.join(out) + '\n'


def test_parse_names_labels_values_and_comments():
    text = '''# HELP x help text
# TYPE x counter
x 1
y{a="1",b="two words"} 2.5 1700000000000
z{path="/a\\"b\\\\c\\nd",} +Inf
w{} NaN
v -3e-2
'''
    samples = parse(text)
    assert samples[0] == ('x', {}, 1.0)
    assert samples[1] == ('y', {'a': '1', 'b': 'two words'}, 2.5)
    assert samples[2] == ('z', {'path': '/a"b\\c\nd'}, math.inf)
    assert samples[3][0] == 'w' and math.isnan(samples[3][2])
    assert samples[4] == ('v', {}, -0.03)


@pytest.mark.parametrize('line', ['x{a=1} 2', '{a="1"} 2', 'x{a="1"}', 'x abc', 'x 1 2 3'])
def test_parse_rejects_malformed(line):
    with pytest.raises(MetricsError):
        parse(line)


def test_counter_delta_and_reset():
    before = series(parse('c{s="200"} 10\nc{s="500"} 5\n'), 'c')
    after = series(parse('c{s="200"} 25\nc{s="500"} 2\nc{s="404"} 1\n'), 'c')
    got = {dict(k)['s']: v for k, v in counter_delta(before, after).items()}
    assert got == {'200': 15.0, '500': 2.0, '404': 1.0}


def test_status_is_error():
    assert [s for s in ('200', '302', '400', '404', '500', '503', '5xx', '4xx', '2xx', 'x') if status_is_error(s)] == [
        '400', '404', '500', '503', '5xx', '4xx']


def test_histogram_quantile_matches_prometheus_interpolation():
    buckets = [(0.1, 10.0), (0.2, 30.0), (0.5, 90.0), (1.0, 100.0), (math.inf, 100.0)]
    # rank 50 falls in (0.2, 0.5]: 0.2 + 0.3 * (50 - 30) / 60
    assert histogram_quantile(0.5, buckets) == pytest.approx(0.3)
    # rank 5 in the first bucket: from 0
    assert histogram_quantile(0.05, buckets) == pytest.approx(0.05)
    assert histogram_quantile(0.95, buckets) == pytest.approx(0.75)
    assert histogram_quantile(1.0, buckets) == pytest.approx(1.0)


def test_histogram_quantile_in_inf_bucket_is_highest_finite_bound():
    buckets = [(0.1, 1.0), (1.0, 2.0), (math.inf, 10.0)]
    assert histogram_quantile(0.99, buckets) == 1.0


def test_histogram_quantile_without_observations():
    assert histogram_quantile(0.5, [(0.1, 0.0), (math.inf, 0.0)]) is None
    assert histogram_quantile(0.5, []) is None
    assert histogram_quantile(0.5, [(0.1, 1.0)]) is None  # no +Inf bucket
    with pytest.raises(ValueError):
        histogram_quantile(1.5, [(math.inf, 1.0)])


def test_histogram_quantile_within_one_bucket_width_of_exact():
    # 1000 observations spread uniformly over 0..1 s: the estimate is exact for a uniform spread
    values = [(i + 0.5) / 1000.0 for i in range(1000)]
    bounds = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0]
    buckets = [(b, float(sum(1 for v in values if v <= b))) for b in bounds] + [(math.inf, 1000.0)]
    for q in (0.5, 0.9, 0.95, 0.99):
        assert histogram_quantile(q, buckets) == pytest.approx(q, abs=0.001)


def test_histogram_buckets_sum_series_and_delta():
    before = exposition({}, {('GET', '/a'): [1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0], ('GET', '/b'): [0, 1] + [0] * 10})
    after = exposition({}, {('GET', '/a'): [3, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1], ('GET', '/b'): [0, 1] + [0] * 10})
    b_all = histogram_buckets(parse(before), 'http_request_duration_seconds')
    a_all = histogram_buckets(parse(after), 'http_request_duration_seconds')
    assert b_all[0] == (0.005, 1.0) and b_all[-1] == (math.inf, 2.0)
    delta = bucket_delta(b_all, a_all)
    assert delta[0] == (0.005, 2.0) and delta[1] == (0.01, 3.0) and delta[-1] == (math.inf, 4.0)
    only_a = histogram_buckets(parse(after), 'http_request_duration_seconds', {'route': '/a'})
    assert only_a[-1] == (math.inf, 5.0)


def test_server_view_scopes_to_route_and_counts_errors():
    before = exposition({('GET', '/health', '200'): 100, ('GET', '/monitoring/metrics', '200'): 3},
                        {('GET', '/health'): [100] + [0] * 11})
    after = exposition({('GET', '/health', '200'): 1090, ('GET', '/health', '503'): 10,
                        ('GET', '/monitoring/metrics', '200'): 4, ('POST', '/api/items', '500'): 7},
                       {('GET', '/health'): [100 + 500, 300, 150, 40, 0, 0, 0, 0, 0, 0, 10, 0]})
    view = server_view(before, after, route='/health', method='GET')
    assert view['scope'] == 'method=GET, route=/health'
    assert view['requests'] == 1000
    assert view['errors'] == 10
    assert view['error_rate'] == pytest.approx(0.01)
    assert view['status_codes'] == {'200': 990, '503': 10}
    assert view['histogram_observations'] == 1000
    # rank 500 of 1000: all in the first bucket (0, 5 ms]
    assert view['latency_ms']['p50'] == pytest.approx(5.0)
    # rank 900: (10 ms, 25 ms], 100 of 150 in it
    assert view['latency_ms']['p90'] == pytest.approx(10 + 15 * 100 / 150.0, abs=0.001)
    # rank 990 is the top of (25 ms, 50 ms]: 950 below it, 40 in it
    assert view['latency_ms']['p99'] == pytest.approx(50.0)
    # the last 10 are in (5 s, 10 s]: rank 995 is half way
    assert server_view(before, after, route='/health', method='GET', quantiles=(0.995,))['latency_ms'] == {'p99.5': 7500.0}


def test_server_view_without_route_series_counts_everything():
    before = exposition({('GET', '/x', '200'): 1}, {})
    after = exposition({('GET', '/x', '200'): 5, ('GET', '/y', '404'): 2}, {})
    view = server_view(before, after, route='/health', method='GET')
    assert view['scope'] == 'all series'
    assert view['requests'] == 6 and view['errors'] == 2
    assert view['latency_ms'] == {'p50': None, 'p90': None, 'p95': None, 'p99': None}
