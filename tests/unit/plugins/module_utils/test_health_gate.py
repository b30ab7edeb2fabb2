"""Unit tests for plugins/module_utils/health_gate.py: the gate's rule on a fake clock and fake answers."""

import json

from ansible_collections.auraflow.ops.plugins.module_utils import health_gate as hg


class Fake:
    """Answers from a script; time advances only by the gate's sleeps (and 0.01 s per request)."""

    def __init__(self, *answers):
        self.answers, self.now, self.calls = list(answers), 0.0, 0

    def fetch(self, url, timeout):
        self.calls += 1
        self.now += 0.01
        return self.answers.pop(0) if len(self.answers) > 1 else self.answers[0]

    def clock(self):
        return self.now

    def sleep(self, seconds):
        self.now += seconds

    def gate(self, **kw):
        return hg.gate('http://127.0.0.1:3001/health', fetch=self.fetch, clock=self.clock, sleep=self.sleep, **kw)


def ok(version='1.1.0'):
    return 200, json.dumps({'status': 'ok', 'version': version}), None


REFUSED = (None, '', 'Connection refused')


def test_passes_after_n_consecutive_successes_with_the_version():
    fake = Fake(ok())
    result = fake.gate(expect_version='1.1.0', successes=3, interval=0.5)
    assert result['passed'] and result['probes'] == 3 and result['message'] == '3 consecutive successes'
    assert result['seconds'] == 1.03  # two intervals between three probes


def test_waits_for_the_first_answer_without_counting_it_as_failure():
    fake = Fake(REFUSED, REFUSED, REFUSED, REFUSED, REFUSED, ok())
    result = fake.gate(expect_version='1.1.0', successes=2, max_failures=0, interval=0.5)
    assert result['passed'] and result['probes'] == 7


def test_until_the_first_answer_it_asks_every_startup_poll_then_every_interval():
    fake = Fake(REFUSED, REFUSED, REFUSED, ok())
    result = fake.gate(expect_version='1.1.0', successes=3, interval=0.5)
    assert result['passed'] and result['probes'] == 6
    # three refused probes 0.05 s apart, then three answers 0.5 s apart (0.01 s per request)
    assert result['seconds'] == round(3 * hg.STARTUP_POLL + 2 * 0.5 + 6 * 0.01, 3)


def test_the_wrong_version_is_a_failure_and_more_than_max_fails():
    fake = Fake(ok('1.0.0'))
    result = fake.gate(expect_version='1.1.0', max_failures=3, interval=0.5)
    assert not result['passed'] and result['probes'] == 4
    assert result['message'] == '4 consecutive failures (more than 3): serving version 1.0.0, expected 1.1.0'
    assert result['last_status'] == 200


def test_a_failure_resets_the_successes():
    fake = Fake(ok(), ok(), (503, '{"status":"degraded"}', None), ok(), ok(), ok())
    result = fake.gate(expect_version='1.1.0', successes=3, interval=0.5)
    assert result['passed'] and result['probes'] == 6 and result['consecutive_failures'] == 0


def test_a_service_that_never_answers_fails_after_the_startup_timeout():
    fake = Fake(REFUSED)
    result = fake.gate(startup_timeout=2, timeout=60, interval=0.5)
    assert not result['passed'] and 'never answered within 2s (Connection refused)' in result['message']
    assert result['seconds'] < 3


def test_the_overall_timeout_ends_a_flapping_service():
    fake = Fake(ok(), (500, 'x', None))
    fake.answers = [ok(), (500, 'x', None)] * 100
    result = fake.gate(successes=3, max_failures=3, timeout=5, interval=0.5)
    assert not result['passed'] and result['message'] == 'no 3 consecutive successes within 5s'


def test_verdict_without_an_expected_version_and_with_a_body_that_is_not_json():
    assert hg.verdict(204, '', '') == (True, 'HTTP 204')
    assert hg.verdict(200, '<html>', '1.1.0') == (False, 'HTTP 200 but the body is not JSON')
    assert hg.verdict(200, '[1]', '1.1.0') == (False, 'HTTP 200 but the body is not JSON')
    assert hg.verdict(None, '', '1.1.0') == (False, 'no answer')


def test_problems_name_every_bad_number():
    assert hg.problems(3, 3, 0.5, 60, 30, 3) is None
    message = hg.problems(0, -1, -0.1, 0, 30, 3)
    for part in ('successes must be at least 1', 'max_failures must be 0 or more', 'interval must be 0 or more',
                 'timeout must be more than 0'):
        assert part in message


def test_probe_names_a_refused_connection():
    status, body, error = hg.probe('http://127.0.0.1:9/health', 1)
    assert status is None and body == '' and error


def test_gate_all_gates_every_url_at_once_and_keeps_their_order():
    answers = {'http://a/health': ok('1.0.0'), 'http://b/health': (503, '{"status": "down"}', None), 'http://c/health': REFUSED}
    started = []

    def fetch(url, timeout):
        started.append(url)
        return answers[url]

    verdicts = hg.gate_all(list(answers), '1.0.0', successes=1, max_failures=0, interval=0, timeout=5, startup_timeout=0.01,
                           request_timeout=1, fetch=fetch)
    assert [v['url'] for v in verdicts] == list(answers)
    assert [v['passed'] for v in verdicts] == [True, False, False]
    assert verdicts[1]['last_status'] == 503 and verdicts[2]['last_status'] is None
    assert 'never answered' in verdicts[2]['message']
    assert set(started) == set(answers)


def test_gate_all_runs_the_gates_side_by_side():
    """Three gates that each wait 0.3 s for their answer finish together, not one after another."""
    import threading
    import time

    inside, most = [0], [0]
    lock = threading.Lock()

    def fetch(url, timeout):
        with lock:
            inside[0] += 1
            most[0] = max(most[0], inside[0])
        time.sleep(0.3)
        with lock:
            inside[0] -= 1
        return ok()

    verdicts = hg.gate_all(['http://a/h', 'http://b/h', 'http://c/h'], successes=1, max_failures=0, interval=0, timeout=5,
                           startup_timeout=1, request_timeout=1, fetch=fetch)
    assert all(v['passed'] for v in verdicts)
    assert most[0] == 3


def test_gate_all_turns_a_broken_gate_into_its_own_failed_verdict():
    def fetch(url, timeout):
        if url.endswith('bad'):
            raise RuntimeError('boom')
        return ok()

    verdicts = hg.gate_all(['http://good', 'http://bad'], successes=1, max_failures=0, interval=0, timeout=5, startup_timeout=1,
                           request_timeout=1, fetch=fetch)
    assert verdicts[0]['passed'] is True
    assert verdicts[1]['passed'] is False and 'boom' in verdicts[1]['message']


def test_gate_all_of_nothing_is_nothing():
    assert not hg.gate_all([])
