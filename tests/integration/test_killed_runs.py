"""A killed run is finished by running it again (issue 18, item 9).

deploy.yml and rollback.yml are killed with SIGKILL (tests/support/callback/kill_at.py: the
ansible-playbook process kills itself when a chosen task starts, so the run dies exactly between two
steps) at each phase of the first backend's switch:
  after the drain, after the link swap (before the restart), after the restart (before the health
  gate), before the undrain.
The link swap, the restart and the gate are one module run on the backend host (auraflow.ops.backend_switch),
so there is no task boundary between them: a run killed inside it is the run killed when that task starts,
plus what the module had done on the host by then - the link swapped (and the ledger written) by
release_ledger, and for after_restart the service restarted too. The test does those steps on the host
with the same tools before running again.
The killed run leaves the stack lock behind; the operator runs the same playbook again with
-e break_lock=yes, and that run must end with every backend actually RUNNING (its /health, not
only its current link) the requested release, nothing drained in nginx, the ledger true, and the
lock given up. The targets alternate between 1.0.0 and 1.1.0 so every run really switches."""

import json
import os
import re

import pytest

from conftest import ROOT, SSH, lab_ledger, run

pytestmark = pytest.mark.lab

PLAYBOOK = os.path.join(ROOT, '.venv', 'bin', 'ansible-playbook')
APPS = ('aura-app1', 'aura-app2')
# The task that starts right after each phase (the first batch's: one backend of two): the include_role steps of
# the rollout role's switch entry point (an include_role task's name carries no role prefix), and the backend
# role's restart inside it.
PHASES = {
    'after_drain': r'^Switch, restart and gate on /health \(',
    'after_link_swap': r'^Switch, restart and gate on /health \(',
    'after_restart': r'^Switch, restart and gate on /health \(',
    'before_undrain': r'^Put the batch back',
}


def killed_inside_the_switch(phase, target):
    """What the one-step switch of aura-app1 (the first batch) had done on the host when the run died inside it."""
    if phase not in ('after_link_swap', 'after_restart'):
        return
    result = run(['.venv/bin/ansible', *SSH, 'aura-app1', '-m', 'auraflow.ops.release_ledger',
                  '-a', 'root=/opt/aura-flow state=activate version=%s' % target], timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    if phase == 'after_restart':
        assert run(['docker', 'exec', 'aura-app1', 'systemctl', 'restart', 'aura-flow-backend'], timeout=60).returncode == 0


def playbook(name, *args, kill_at=None):
    env = {}
    if kill_at:
        env = {'ANSIBLE_CALLBACK_PLUGINS': os.path.join(ROOT, 'tests', 'support', 'callback'),
               'ANSIBLE_CALLBACKS_ENABLED': 'kill_at', 'KILL_AT_TASK': kill_at}
    result = run([PLAYBOOK, *SSH, 'playbooks/%s' % name] + list(args), timeout=900, env=env)
    return result.returncode, result.stdout + result.stderr


def on(host, *cmd):
    result = run(['docker', 'exec', host] + list(cmd), timeout=60)
    return result.stdout if result.returncode == 0 else ''


def running(host):
    """The release the backend process answers with (its /health), not what current links to."""
    try:
        return json.loads(on(host, 'curl', '-fsS', '--max-time', '5', 'http://127.0.0.1:3001/health'))['version']
    except ValueError:
        return None


def drained():
    site = on('aura-web1', 'cat', '/etc/nginx/conf.d/aura-flow.conf')
    return re.findall(r'^\s*server \S+ [^;]*? down; # backend (\S+)$', site, re.M)


def lock_held():
    return on('aura-web1', 'cat', '/var/lib/aura-flow/run.lock') != ''


def converged(target):
    problems = []
    for host in APPS:
        ledger = lab_ledger(host)
        if ledger.get('active') != target:
            problems.append('%s ledger active %s' % (host, ledger.get('active')))
        if running(host) != target:
            problems.append('%s runs %s' % (host, running(host)))
        statuses = {r['version']: r['status'] for r in ledger.get('releases', [])}
        if statuses.get(target) != 'active':
            problems.append('%s ledger says %s is %s' % (host, target, statuses.get(target)))
    if drained():
        problems.append('drained in nginx: %s' % drained())
    if lock_held():
        problems.append('the stack lock is still held')
    return problems


def other(release):
    return '1.0.0' if release == '1.1.0' else '1.1.0'


@pytest.fixture(scope='module', autouse=True)
def back_on_1_1_0(deployed_lab):
    """The later modules expect the lab as deployed_lab made it: 1.1.0 on every backend."""
    yield
    if lab_ledger('aura-app1')['active'] != '1.1.0' or lab_ledger('aura-app2')['active'] != '1.1.0':
        rc, out = playbook('rollback.yml', '-e', 'rollback_to=1.1.0')
        assert rc == 0, out[-3000:]
    assert converged('1.1.0') == []


# The link swap (current swapped, the old process still serving: the gap) of both playbooks runs in CI;
# the other phases (about 40 s each for rollback.yml, 2 min for deploy.yml) are marked exhaustive
# (make integration-exhaustive) to keep CI within its 30 minutes.
CASES = [pytest.param(pb, phase, id='%s-%s' % (pb.split('.', maxsplit=1)[0], phase),
                      marks=[] if phase == 'after_link_swap' else [pytest.mark.exhaustive])
         for pb in ('rollback.yml', 'deploy.yml') for phase in PHASES]


@pytest.mark.parametrize('name,phase', CASES)
def test_a_run_killed_between_two_steps_is_finished_by_running_it_again(deployed_lab, name, phase):
    start = lab_ledger('aura-app1')['active']
    target = other(start)
    args = ['-e', 'aura_release=%s' % target] if name == 'deploy.yml' else ['-e', 'rollback_to=%s' % target]
    rc, out = playbook(name, *args, kill_at=PHASES[phase])
    assert rc == -9 or 'kill_at: SIGKILL' in out, 'the run was not killed at %s:\n%s' % (phase, out[-3000:])
    assert lock_held(), 'a killed run leaves its lock behind'
    killed_inside_the_switch(phase, target)
    rc, out = playbook(name, *args, '-e', 'break_lock=yes')
    assert rc == 0, out[-4000:]
    assert converged(target) == [], out[-2000:]
