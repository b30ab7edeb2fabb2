"""Full recovery drill on the lab with a database of a realistic size (default >= 1 GiB).

  bench/drill [--size-gib 1.0] [--rto-target 60s] [--methods pitr,dump] [--keep]

1 seeds the lab's aura_flow database (items of a bench user of its own, so the demo user the checks
  sign in as keeps its short item list; 200-byte titles of hex digests, which compress about as well
  as real text) until pg_database_size >= --size-gib;
2 takes a backup with playbooks/backup.yml (the postgres role's backup unit, verified by it) and a full
  pgBackRest backup (the postgres role's unit aura-pgbackrest@full), as the nightly timers would;
3 runs playbooks/drill_full.yml once per method, in one run: the data directory is deleted and the stack
  recovered - pitr: the stanza's backup and the archived WAL; dump: the pg_dump into a new cluster;
4 prints each drill's measured RTO and RPO, its phases, the ratio RTO / target, and pitr / dump side by side;
5 unless --keep, deletes the bench user and its rows (VACUUM FULL) and takes a small backup again, so
  the lab's newest backup is small for the test suite.
Needs `scripts/lab up` and a deployed lab (make demo). Sends nothing outside the lab.
"""

import argparse
import json
import os
import re
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PLAYBOOK = os.path.join(ROOT, '.venv', 'bin', 'ansible-playbook')
SEED_USER = 'bench-drill@aura-flow.local'
BATCH = 1_000_000


def psql(sql, timeout=3600):
    cmd = ['docker', 'exec', 'aura-db1', 'runuser', '-u', 'postgres', '--', 'psql', '-d', 'aura_flow', '-XAtq',
           '-v', 'ON_ERROR_STOP=1', '-c', sql]
    result = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, check=False)
    if result.returncode != 0:
        sys.exit('drill bench: psql failed: %s' % result.stderr.strip())
    return result.stdout.strip()


def playbook(name, *args):
    env = dict(os.environ, ANSIBLE_CONFIG=os.path.join(ROOT, 'ansible.cfg'))
    started = time.monotonic()
    result = subprocess.run([PLAYBOOK, 'playbooks/%s.yml' % name] + list(args), cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=7200, check=False)
    seconds = time.monotonic() - started
    out = result.stdout + result.stderr
    found = re.findall(r'report: (\S+/%s-\d{8}T\d{6}Z\.json)' % name, out)
    report = None
    if found:
        with open(found[-1], encoding='utf-8') as handle:
            report = json.load(handle)
    return result.returncode, out, report, seconds, found[-1] if found else None


def size_bytes():
    return int(psql("SELECT pg_database_size('aura_flow')"))


def seed(target):
    # No password hash that any password matches: nobody can sign in as this user.
    psql("INSERT INTO users (email, name, password_hash) VALUES ('%s', 'bench drill', '!') "
         "ON CONFLICT (lower(email)) DO NOTHING" % SEED_USER)
    user = psql("SELECT id FROM users WHERE email = '%s'" % SEED_USER)
    started = time.monotonic()
    rows = 0
    while size_bytes() < target:
        psql("INSERT INTO items (user_id, title) SELECT %s, 'bench drill ' || i || ' ' || repeat(md5(i::text), 6) "
             "FROM generate_series(%d, %d) AS i" % (int(user), rows + 1, rows + BATCH))
        rows += BATCH
        print('  seeded %d rows, database %.2f GiB' % (rows, size_bytes() / 2**30), flush=True)
    psql('ANALYZE items')
    return rows, time.monotonic() - started


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n', maxsplit=1)[0])
    parser.add_argument('--size-gib', type=float, default=1.0, help='database size to reach before the backup')
    parser.add_argument('--rto-target', default='60s', help='RTO goal for this run (issue 22: 60 s)')
    parser.add_argument('--methods', default='pitr,dump', help='drill_full_method values to run, in order')
    parser.add_argument('--keep', action='store_true', help='keep the seeded rows afterwards')
    args = parser.parse_args()

    target = int(args.size_gib * 2**30)
    print('drill bench: database %.2f GiB, target %.2f GiB' % (size_bytes() / 2**30, args.size_gib), flush=True)
    rows, seed_seconds = seed(target)
    db_size = size_bytes()
    print('  seeding: %d rows in %.0f s; database %.2f GiB' % (rows, seed_seconds, db_size / 2**30), flush=True)

    rc, out, _unused, backup_seconds, _unused2 = playbook('backup')
    if rc != 0:
        sys.exit('drill bench: backup.yml failed:\n' + out[-3000:])
    print('  backup.yml: %.0f s' % backup_seconds, flush=True)
    started = time.monotonic()
    full = subprocess.run(['docker', 'exec', 'aura-db1', 'systemctl', 'start', 'aura-pgbackrest@full.service'],
                          capture_output=True, text=True, timeout=7200, check=False)
    if full.returncode != 0:
        sys.exit('drill bench: the pgBackRest full backup failed: ' + (full.stdout + full.stderr)[-2000:])
    print('  pgBackRest full backup: %.0f s' % (time.monotonic() - started), flush=True)

    results = {}
    try:
        for method in [m.strip() for m in args.methods.split(',') if m.strip()]:
            results[method] = drill(method, args.rto_target, db_size)
        if 'pitr' in results and 'dump' in results and results['pitr'] and results['dump']:
            print('\nside by side: RTO pitr %.1f s, dump %.1f s: ratio pitr/dump %.2f; RPO pitr %s s, dump %s s'
                  % (results['pitr']['rto'], results['dump']['rto'], results['pitr']['rto'] / results['dump']['rto'],
                     results['pitr']['rpo'], results['dump']['rpo']))
    finally:
        if not args.keep:
            started = time.monotonic()
            psql("DELETE FROM users WHERE email = '%s'" % SEED_USER)
            psql('VACUUM FULL items')
            rc_clean, out_clean, _u1, _u2, _u3 = playbook('backup')
            print('cleanup: bench user and its rows deleted, VACUUM FULL, new small backup (%s) in %.0f s'
                  % ('ok' if rc_clean == 0 else 'backup FAILED', time.monotonic() - started))
    return 0 if results and all(r and r['passed'] for r in results.values()) else 1


def drill(method, rto_target, db_size):
    """One drill_full.yml run by ``method``; prints its figures and returns rto, rpo, passed (None: no report)."""
    rc, out, report, drill_seconds, path = playbook('drill_full', '-e', 'drill_full_rto_target=' + rto_target,
                                                    '-e', 'drill_full_method=' + method)
    if report is None:
        print('drill bench: drill_full.yml (%s) wrote no report (rc %d):\n%s' % (method, rc, out[-3000:]))
        return None
    measured = report['measured']
    rto, rpo = measured['rto_seconds'], measured['rpo_seconds']
    target_seconds = report['targets']['rto_seconds']
    print('\ndrill_full %s on a %.2f GiB database (backup %.0f MiB): %s, playbook %.0f s, report %s'
          % (method, db_size / 2**30, measured['backup']['size_bytes'] / 2**20, 'PASSED' if report['passed'] else 'FAILED',
             drill_seconds, path))
    for phase in measured['phases']:
        print('  %-62s %8s s' % (phase['name'], phase['seconds']))
    database = sum(p['seconds'] or 0 for p in measured['phases'][2:4])
    if rto is not None:
        print('RTO %.1f s (goal %d s): ratio RTO/goal %.2f; database (cluster + restore) / RTO %.2f'
              % (rto, target_seconds, rto / target_seconds, database / rto))
    else:
        print('RTO: not recovered')
    print('RPO %s s (target %d s), newest restored write %s, disaster %s'
          % (rpo, report['targets']['rpo_seconds'], measured['last_restored_write'], measured['disaster_at']))
    for check in report['checks']:
        if not check['ok']:
            print('  FAILED %s: %s' % (check['name'], check['detail']))
    return {'rto': rto if rto is not None else float('nan'), 'rpo': rpo, 'passed': report['passed']}


if __name__ == '__main__':
    sys.exit(main())
