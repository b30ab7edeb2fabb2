"""Benchmarks on the lab (run them as bench/zero_downtime and bench/rollback).

zero_downtime: with 1.0.0 active, deploy 1.1.0 (playbooks/deploy.yml: both backends switched one
at a time behind an nginx drain) while a probe sends --rate req/s through nginx; prints requests
sent, failed, the switch window (both versions answering) and the playbook's wall time.
rollback: with 1.1.0 active after 1.0.0, run playbooks/rollback.yml with no variables under the
same probe; prints the rollback wall time and the failed requests.

redeploy: with 1.1.0 active, run playbooks/deploy.yml for 1.1.0 again - once with the code of --baseline (a
git commit, checked out in a git worktree under the temporary directory; default: the last commit before issue 20's work) and once
with this checkout, alternately, each after an untimed run that converges the lab to that code; prints both
times, the ratio and whether every host reported changed=0.

Targets: 0 failed requests; rollback <= 12 s (two app hosts and the frontend, with the checklist); the no-op
re-run of deploy.yml at most half the baseline's time with changed=0 on every host.
Needs the lab (scripts/lab up) and the reference app's artifacts (make artifacts); it deploys what
it needs first (untimed). Bounded: each playbook has a 15-minute timeout; the probe stops with it.
Exit status 0 when the targets are met, else 1.

    bench/zero_downtime [--rate 150] [--inventory inventories/lab-ssh]
    bench/rollback [--rate 150] [--inventory inventories/lab-ssh]
    bench/redeploy [--baseline b012d92] [--repeat 1]
"""

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)
from tests.support import probe  # noqa: E402  (the probe the zero-downtime tests use)

PLAYBOOK = os.path.join(ROOT, '.venv', 'bin', 'ansible-playbook')
# nginx on aura-web1 over the lab network (docker's port publishing would add a proxy hop).
CONNECT = probe.https_factory('172.30.80.10', 443)
DEMO = ('demo@aura-flow.local', 'aura-demo-2024')
ROLLBACK_TARGET_SECONDS = 12.0  # issue 20 (the runbook allows far more: 15 min for application recovery)
REDEPLOY_TARGET_RATIO = 0.5  # issue 20: a no-op re-run of deploy.yml in at most half the time it took before
BASELINE = 'b012d92'  # the last commit before issue 20's work (the roles-own-procedures refactoring)


def log(msg):
    print('rollout: %s' % msg, file=sys.stderr, flush=True)


INVENTORY = ['-i', 'inventories/lab']  # --inventory: inventories/lab-ssh is the user's path (SSH as deploy, become)


def playbook(name, *args, cwd=ROOT):
    started = time.monotonic()
    proc = subprocess.run([PLAYBOOK, 'playbooks/%s' % name] + INVENTORY + list(args), cwd=cwd, capture_output=True, text=True,
                          timeout=900, check=False, env=dict(os.environ, ANSIBLE_FORCE_COLOR='0'))
    # the last run's output, for a look at where the time went (ANSIBLE_CALLBACKS_ENABLED=ansible.posix.profile_tasks)
    os.makedirs(os.path.join(ROOT, 'dist'), exist_ok=True)
    with open(os.path.join(ROOT, 'dist', 'bench-%s.log' % name.split('.')[0]), 'w') as handle:
        handle.write(proc.stdout + proc.stderr)
    return proc.returncode, proc.stdout + proc.stderr, time.monotonic() - started


def active():
    proc = subprocess.run(['docker', 'exec', 'aura-app1', 'readlink', '/opt/aura-flow/current'],
                          capture_output=True, text=True, check=False)
    return os.path.basename(proc.stdout.strip())


def ensure(release):
    if active() != release:
        log('deploying %s first (untimed)' % release)
        rc, out, _seconds = playbook('deploy.yml', '-e', 'aura_release=%s' % release)
        if rc != 0:
            sys.exit('rollout: could not deploy %s:\n%s' % (release, out[-2000:]))


def measured(label, rate, name, *args, old, new):
    token = probe.login(CONNECT, *DEMO)
    with probe.Probe(CONNECT, token, rate=rate) as p:
        rc, out, seconds = playbook(name, *args)
    if rc != 0:
        sys.exit('rollout: %s failed:\n%s' % (label, out[-2000:]))
    print(p.report(label, old=old, new=new, playbook_seconds=seconds))
    return p, seconds


def baseline_checkout(ref):
    """A git worktree of ``ref`` (outside the checkout: no linter sees it) with the lab's secrets and the artifacts of this checkout."""
    path = os.path.join(tempfile.gettempdir(), 'auraflow-bench-baseline-%s' % re.sub('[^A-Za-z0-9._-]', '_', ref))
    if not os.path.isdir(path):
        subprocess.run(['git', 'worktree', 'prune'], cwd=ROOT, check=True)
        subprocess.run(['git', 'worktree', 'add', '--detach', path, ref], cwd=ROOT, check=True, capture_output=True)
    secrets = os.path.join('inventories', 'lab', 'group_vars', 'all', 'secrets.yml')
    shutil.copyfile(os.path.join(ROOT, secrets), os.path.join(path, secrets))
    dist = os.path.join(path, 'tests', 'app', 'dist')
    if not os.path.islink(dist):
        shutil.rmtree(dist, ignore_errors=True)
        os.symlink(os.path.join(ROOT, 'tests', 'app', 'dist'), dist)
    return path


def changed_hosts(out):
    """The hosts whose PLAY RECAP line says changed=N > 0."""
    return sorted(m.group(1) for m in re.finditer(r'^(\S+)\s+: ok=\d+\s+changed=(\d+)', out, re.M) if int(m.group(2)) > 0)


def redeploy(cwd, label):
    """Converge the lab to the code in ``cwd`` (untimed), then time the no-op re-run."""
    for attempt in ('converge', 'timed'):
        rc, out, seconds = playbook('deploy.yml', '-e', 'aura_release=1.1.0', cwd=cwd)
        if rc != 0:
            sys.exit('rollout: %s deploy.yml (%s run) failed:\n%s' % (label, attempt, out[-2000:]))
    log('%s: no-op re-run %.1fs, changed on %s' % (label, seconds, ', '.join(changed_hosts(out)) or 'no host'))
    return seconds, changed_hosts(out)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n', maxsplit=1)[0])
    parser.add_argument('mode', choices=['zero_downtime', 'rollback', 'redeploy'])
    parser.add_argument('--baseline', default=BASELINE, help='redeploy: the git commit to compare with')
    parser.add_argument('--repeat', type=int, default=1, help='redeploy: measurements of each (the fastest counts)')
    parser.add_argument('--rate', type=float, default=150.0, help='probe requests per second (>= 100)')
    parser.add_argument('--json', help='also write the numbers to this file')
    parser.add_argument('--inventory', default='inventories/lab',
                        help='inventories/lab (docker connection, the default) or inventories/lab-ssh (SSH, become)')
    args = parser.parse_args()
    INVENTORY[1] = args.inventory

    if args.mode == 'zero_downtime':
        ensure('1.0.0')
        p, seconds = measured('deploy 1.1.0', args.rate, 'deploy.yml', '-e', 'aura_release=1.1.0', old='1.0.0', new='1.1.0')
        ok = p.failed == 0
        print('zero_downtime: sent %d, failed %d (target 0), switch window %.1fs, deploy %.1fs -> %s'
              % (p.sent, p.failed, p.switch_window('1.0.0', '1.1.0') or 0.0, seconds, 'PASS' if ok else 'FAIL'))
    elif args.mode == 'redeploy':
        ensure('1.1.0')
        old_dir = baseline_checkout(args.baseline)
        old, new, changed = [], [], set()
        for _round in range(max(1, args.repeat)):
            seconds, hosts = redeploy(old_dir, 'baseline %s' % args.baseline)
            old.append(seconds)
            changed.update('baseline:' + h for h in hosts)
            seconds, hosts = redeploy(ROOT, 'this checkout')
            new.append(seconds)
            changed.update(hosts)
        ratio = min(new) / min(old)
        ok = ratio <= REDEPLOY_TARGET_RATIO and not [h for h in changed if not h.startswith('baseline:')]
        print('redeploy: no-op deploy.yml re-run: baseline %s %.1fs, this checkout %.1fs, ratio %.2f (target <= %.2f); '
              'changed on %s -> %s' % (args.baseline, min(old), min(new), ratio, REDEPLOY_TARGET_RATIO,
                                       ', '.join(sorted(changed)) or 'no host', 'PASS' if ok else 'FAIL'))
        if args.json:
            with open(args.json, 'w') as handle:
                json.dump({'mode': args.mode, 'baseline': args.baseline, 'baseline_seconds': old, 'seconds': new,
                           'ratio': ratio, 'changed': sorted(changed), 'ok': ok}, handle, indent=2)
        return 0 if ok else 1
    else:
        ensure('1.0.0')
        ensure('1.1.0')
        p, seconds = measured('rollback', args.rate, 'rollback.yml', old='1.1.0', new='1.0.0')
        ok = p.failed == 0 and seconds <= ROLLBACK_TARGET_SECONDS
        print('rollback: %.1fs wall time (target <= %.0fs), sent %d, failed %d (target 0) -> %s'
              % (seconds, ROLLBACK_TARGET_SECONDS, p.sent, p.failed, 'PASS' if ok else 'FAIL'))
    if args.json:
        with open(args.json, 'w') as handle:
            json.dump({'mode': args.mode, 'sent': p.sent, 'failed': p.failed, 'seconds': seconds,
                       'errors': p.errors, 'ok': ok}, handle, indent=2)
    return 0 if ok else 1


if __name__ == '__main__':
    sys.exit(main())
