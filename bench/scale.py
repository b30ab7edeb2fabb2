"""Scale benchmark on the lab: rollback.yml with 2 app hosts and with 8, side by side in one run.

For each size N (2, then 8): `scripts/lab up --app-hosts N`, 1.0.0 then 1.1.0 deployed on every app host
(untimed), then playbooks/rollback.yml with no variables timed under the >= 100 req/s probe through nginx.
Prints both wall times, the ratio (target <= 2.0, goal 1.5), failed requests (target 0) and whether any
answer still came from 1.1.0 after the playbook returned (target: none - no mixed-version window after
it). The backends switch in batches of rollout_batch (default a quarter, at least one).
Leaves the lab with two app hosts again (on 1.0.0).

    bench/scale [--rate 120] [--sizes 2 8] [--json FILE]
"""

import argparse
import json
import os
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)
sys.path.insert(0, os.path.join(ROOT, 'bench'))
from tests.support import probe  # noqa: E402  (the probe the zero-downtime tests use)
import rollout  # noqa: E402  (playbook(), the lab's nginx and demo account)

RATIO_TARGET = 2.0
RATIO_GOAL = 1.5
AFTER_SECONDS = 2.0  # probing after the playbook returned: every answer must be the new release


def log(msg):
    print('scale: %s' % msg, file=sys.stderr, flush=True)


def lab_up(size):
    log('scripts/lab up --app-hosts %d' % size)
    proc = subprocess.run([os.path.join(ROOT, 'scripts', 'lab'), 'up', '--app-hosts', str(size)], cwd=ROOT,
                          capture_output=True, text=True, timeout=900, check=False)
    if proc.returncode != 0:
        sys.exit('scale: scripts/lab up --app-hosts %d failed:\n%s' % (size, proc.stdout + proc.stderr))


def deploy(release):
    log('deploying %s on every app host (untimed)' % release)
    rc, out, dummy = rollout.playbook('deploy.yml', '-e', 'aura_release=%s' % release)
    if rc != 0:
        sys.exit('scale: could not deploy %s:\n%s' % (release, out[-3000:]))


def timed_rollback(rate):
    token = probe.login(rollout.CONNECT, *rollout.DEMO)
    with probe.Probe(rollout.CONNECT, token, rate=rate) as p:
        rc, out, seconds = rollout.playbook('rollback.yml')
        returned = time.monotonic()
        time.sleep(AFTER_SECONDS)
    if rc != 0:
        sys.exit('scale: rollback.yml failed:\n%s' % out[-3000:])
    late_old = sum(1 for t, v in p.versions if t > returned and v != '1.0.0')
    print(p.report('rollback', old='1.1.0', new='1.0.0', playbook_seconds=seconds))
    return {'seconds': round(seconds, 1), 'sent': p.sent, 'failed': p.failed, 'old_after_return': late_old,
            'errors': p.errors}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n', maxsplit=1)[0])
    parser.add_argument('--rate', type=float, default=120.0, help='probe requests per second (>= 100)')
    parser.add_argument('--sizes', type=int, nargs=2, default=[2, 8], metavar=('SMALL', 'LARGE'))
    parser.add_argument('--json', help='also write the numbers to this file')
    args = parser.parse_args()
    results = {}
    try:
        for size in args.sizes:
            lab_up(size)
            deploy('1.0.0')
            deploy('1.1.0')
            results[size] = timed_rollback(args.rate)
    finally:
        lab_up(2)
    small, large = (results[s] for s in args.sizes)
    ratio = large['seconds'] / small['seconds']
    ok = ratio <= RATIO_TARGET and all(r['failed'] == 0 and r['old_after_return'] == 0 for r in results.values())
    for size in args.sizes:
        r = results[size]
        print('scale: %d app hosts: rollback %.1fs, sent %d, failed %d, answers from 1.1.0 after it returned: %d'
              % (size, r['seconds'], r['sent'], r['failed'], r['old_after_return']))
    print('scale: ratio %d/%d hosts = %.2f (target <= %.1f, goal %.1f) -> %s'
          % (args.sizes[1], args.sizes[0], ratio, RATIO_TARGET, RATIO_GOAL, 'PASS' if ok else 'FAIL'))
    if args.json:
        with open(args.json, 'w') as handle:
            json.dump({'results': results, 'ratio': ratio, 'ok': ok}, handle, indent=2)
    return 0 if ok else 1


if __name__ == '__main__':
    sys.exit(main())
