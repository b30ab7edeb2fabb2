"""Unit tests for plugins/module_utils/slo.py: exact percentiles, error counting, objectives."""

import random

import pytest

from ansible_collections.auraflow.ops.plugins.module_utils.slo import (
    OBJECTIVES,
    ObjectiveError,
    count_errors,
    describe_breach,
    error_rate,
    evaluate,
    is_error_status,
    latency_summary,
    measured_values,
    percentile,
    validate_objectives,
)


def test_percentile_nearest_rank_on_1_to_100():
    values = list(range(1, 101))
    assert percentile(values, 50) == 50
    assert percentile(values, 90) == 90
    assert percentile(values, 95) == 95
    assert percentile(values, 99) == 99
    assert percentile(values, 100) == 100
    assert percentile(values, 0.5) == 1


def test_percentile_small_sets_are_real_samples():
    assert percentile([7.5], 99) == 7.5
    assert percentile([1, 2], 50) == 1
    assert percentile([1, 2], 51) == 2
    assert percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 1000], 90) == 9
    assert percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 1000], 91) == 1000
    assert percentile([], 50) is None


@pytest.mark.parametrize('p', [0, -1, 100.5])
def test_percentile_rejects_out_of_range(p):
    with pytest.raises(ValueError):
        percentile([1, 2, 3], p)


def test_percentile_matches_definition_on_random_data():
    rng = random.Random(7)
    for size in (1, 2, 3, 10, 99, 100, 101, 1000, 1234):
        values = sorted(rng.expovariate(1.0) for dummy in range(size))
        for p in (50, 90, 95, 99, 99.9):
            got = percentile(values, p)
            # the smallest sample with at least p % of the samples at or below it
            at_or_below = sum(1 for v in values if v <= got)
            assert at_or_below * 100 >= p * size
            below = sum(1 for v in values if v < got)
            assert below * 100 < p * size


def test_latency_summary_exact():
    samples = [float(v) for v in range(1000, 0, -1)]  # unsorted input
    summary = latency_summary(samples)
    assert summary == {'min': 1.0, 'mean': 500.5, 'p50': 500.0, 'p90': 900.0, 'p95': 950.0, 'p99': 990.0, 'max': 1000.0}


def test_latency_summary_empty():
    assert latency_summary([]) == dict.fromkeys(('min', 'mean', 'p50', 'p90', 'p95', 'p99', 'max'))


def test_error_rules_count_4xx_and_5xx_and_failures():
    assert not is_error_status(200)
    assert not is_error_status(304)
    assert is_error_status(400)
    assert is_error_status(404)
    assert is_error_status(503)
    codes = {200: 90, 301: 2, 404: 3, '500': 5}
    assert count_errors(codes) == 8
    assert count_errors(codes, {'connect': 1, 'timeout': 2, 'protocol': 0}) == 11
    assert error_rate(8, 100) == 0.08
    assert error_rate(0, 0) == 0.0


def test_validate_objectives_accepts_known_names_and_numbers():
    got = validate_objectives({'p95_ms': 200, 'p99_ms': '500', 'max_error_rate': 0.001, 'min_availability': 0.99,
                               'min_rps': 1000, 'p50_ms': None})
    assert got == {'p95_ms': 200.0, 'p99_ms': 500.0, 'max_error_rate': 0.001, 'min_availability': 0.99, 'min_rps': 1000.0}
    assert validate_objectives(None) == {}


def test_validate_objectives_rejects_unknown_names_clearly():
    with pytest.raises(ObjectiveError) as err:
        validate_objectives({'p90_ms': 100, 'p95_ms': 1, 'latency': 3})
    text = str(err.value)
    assert 'unknown objectives: latency, p90_ms' in text
    for name in OBJECTIVES:
        assert name in text


@pytest.mark.parametrize('objectives, words', [
    ({'p95_ms': -1}, 'non-negative'),
    ({'p95_ms': 'fast'}, 'must be a number'),
    ({'p95_ms': True}, 'boolean'),
    ({'max_error_rate': 1.5}, 'fraction'),
    ({'min_availability': 99}, 'fraction'),
    ([('p95_ms', 1)], 'dictionary'),
])
def test_validate_objectives_rejects_bad_values(objectives, words):
    with pytest.raises(ObjectiveError, match=words):
        validate_objectives(objectives)


def _measured(p50=10.0, p95=100.0, p99=300.0, err=0.0005, rps=1200.0):
    return measured_values({'p50': p50, 'p95': p95, 'p99': p99}, err, rps)


def test_evaluate_all_met_limits_are_inclusive():
    objectives = validate_objectives({'p50_ms': 10, 'p95_ms': 200, 'p99_ms': 300, 'max_error_rate': 0.001,
                                      'min_availability': 0.999, 'min_rps': 1200})
    assert evaluate(objectives, _measured()) == []


def test_evaluate_reports_each_breach_with_target_and_actual():
    objectives = validate_objectives({'p95_ms': 50, 'p99_ms': 500, 'max_error_rate': 0.0001,
                                      'min_availability': 0.99999, 'min_rps': 5000})
    breaches = evaluate(objectives, _measured())
    assert [b['objective'] for b in breaches] == ['p95_ms', 'max_error_rate', 'min_availability', 'min_rps']
    assert breaches[0] == {'objective': 'p95_ms', 'target': 50.0, 'actual': 100.0}
    assert breaches[2]['actual'] == pytest.approx(0.9995)
    assert describe_breach(breaches[0]) == 'p95_ms: 100 > 50'
    assert describe_breach(breaches[3]) == 'min_rps: 1200 < 5000'


def test_evaluate_missing_latency_is_a_breach():
    breaches = evaluate({'p95_ms': 200.0}, measured_values({'p95': None}, 1.0, 0.0))
    assert breaches == [{'objective': 'p95_ms', 'target': 200.0, 'actual': None}]
    assert 'no measurement' in describe_breach(breaches[0])


def test_evaluate_unreachable_breaches_error_and_availability():
    breaches = evaluate({'max_error_rate': 0.001, 'min_availability': 0.99}, measured_values({}, 1.0, 0.0))
    assert [(b['objective'], b['actual']) for b in breaches] == [('max_error_rate', 1.0), ('min_availability', 0.0)]
