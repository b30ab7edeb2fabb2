"""Unit tests for plugins/module_utils/run_lock.py: one holder at a time, atomically, on real files."""

import json
import multiprocessing
import os

import pytest

from ansible_collections.auraflow.ops.plugins.module_utils import run_lock as rl


def owner(token, **extra):
    return dict({'token': token, 'playbook': 'deploy.yml', 'user': 'alice', 'controller': 'ctl1', 'pid': '42',
                 'started': '2026-11-29T10:00:00Z'}, **extra)


def test_take_then_again_is_a_no_op_and_the_holder_is_complete(tmp_path):
    path = str(tmp_path / 'lock' / 'run.lock')
    assert rl.acquire(path, owner('a')) == (True, True, rl.clean_owner(owner('a')), None)
    acquired, changed, holder, broken = rl.acquire(path, owner('a'))
    assert (acquired, changed, broken) == (True, False, None) and holder['token'] == 'a'
    with open(path, encoding='utf-8') as handle:
        assert json.load(handle) == rl.clean_owner(owner('a'))
    assert [name for name in os.listdir(os.path.dirname(path)) if name != 'run.lock'] == []


def test_a_second_run_is_refused_and_told_who_holds_it(tmp_path):
    path = str(tmp_path / 'run.lock')
    rl.acquire(path, owner('a', awx_job_id=77))
    acquired, changed, holder, broken = rl.acquire(path, owner('b'))
    assert (acquired, changed, broken) == (False, False, None)
    assert holder['token'] == 'a'
    assert rl.describe(holder) == 'deploy.yml by alice, AWX job 77, on controller ctl1 pid 42, since 2026-11-29T10:00:00Z'
    assert os.listdir(str(tmp_path)) == ['run.lock']


def test_break_lock_replaces_the_holder_and_names_it(tmp_path):
    path = str(tmp_path / 'run.lock')
    rl.acquire(path, owner('a'))
    acquired, changed, holder, broken = rl.acquire(path, owner('b'), break_lock=True)
    assert (acquired, changed, holder['token'], broken['token']) == (True, True, 'b', 'a')
    assert rl.read(path)['token'] == 'b'


def test_release_only_by_its_holder_unless_broken(tmp_path):
    path = str(tmp_path / 'run.lock')
    assert rl.release(path, 'a') == (False, None)
    rl.acquire(path, owner('a'))
    changed, holder = rl.release(path, 'b')
    assert not changed and holder['token'] == 'a' and os.path.exists(path)
    assert rl.release(path, 'a')[0] and not os.path.exists(path)
    rl.acquire(path, owner('a'))
    assert rl.release(path, 'b', break_lock=True)[0] and not os.path.exists(path)


def test_a_damaged_lock_still_blocks(tmp_path):
    path = tmp_path / 'run.lock'
    path.write_text('{half', encoding='utf-8')
    acquired, dummy, holder, dummy = rl.acquire(str(path), owner('a'))
    assert not acquired and holder['playbook'] == 'unreadable lock file'


def test_a_token_is_required(tmp_path):
    with pytest.raises(ValueError, match='token is required'):
        rl.acquire(str(tmp_path / 'run.lock'), {'playbook': 'x'})


def _race(path, token, start, results):
    start.wait()
    results.put((token, rl.acquire(path, owner(token))[0]))


def test_of_many_runs_started_together_exactly_one_holds_it(tmp_path):
    path = str(tmp_path / 'run.lock')
    ctx = multiprocessing.get_context('fork')
    start, results = ctx.Event(), ctx.Queue()
    procs = [ctx.Process(target=_race, args=(path, 't%d' % i, start, results)) for i in range(8)]
    for proc in procs:
        proc.start()
    start.set()
    outcome = dict(results.get(timeout=30) for dummy in procs)
    for proc in procs:
        proc.join(timeout=30)
    winners = [token for token, won in outcome.items() if won]
    assert len(winners) == 1 and rl.read(path)['token'] == winners[0]
