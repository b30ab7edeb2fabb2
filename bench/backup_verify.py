"""Benchmark (run it as bench/backup_verify): pg_backup_verify's full verification against a bare parallel restore.

In one run, on a throwaway PostgreSQL cluster (127.0.0.1, removed afterwards):
  1. builds a database of about --size-mb MB of realistic, poorly compressible rows
     (uuids, random base64 text, jsonb with random fields, timestamps, plus indexes);
  2. times `pg_dump -Fc` of it (and writes a .sha256 sidecar, untimed);
  3. times a bare `pg_restore -j2` into an empty database;
  4. times `ansible localhost -m auraflow.ops.pg_backup_verify` (jobs=2, sidecar checksum,
     max_age, expected tables and minimum rows: every check) - the whole task, ansible included;
  5. prints the ratio verify / bare restore (target <= 1.25).

Usage: bench/backup_verify [--size-mb 1024] [--step-timeout 1800] [--keep-dir]
Needs the PostgreSQL server package (initdb) and the repository's .venv (ansible).
"""

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BYTES_PER_ROW = 500  # heap + indexes + TOAST per events row (about 490 B measured); sizes the data set

sys.path.insert(0, os.path.join(ROOT, 'tests', 'integration'))
from pg_server import PgCluster  # noqa: E402  pylint: disable=wrong-import-position


class Interrupted(Exception):
    pass


def on_signal(signum, frame):
    raise Interrupted('interrupted by signal %d' % signum)


def timed(label, cmd, env, timeout):
    started = time.monotonic()
    result = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=timeout, check=False)
    seconds = time.monotonic() - started
    if result.returncode != 0:
        raise RuntimeError('%s failed (exit %d): %s%s' % (label, result.returncode, result.stdout[-2000:], result.stderr[-2000:]))
    return seconds, result


def human(size):
    for unit in ('B', 'KB', 'MB', 'GB'):
        if size < 1024 or unit == 'GB':
            return '%.1f %s' % (size, unit) if unit != 'B' else '%d B' % size
        size /= 1024.0
    return str(size)


def build(cluster, rows, timeout):
    cluster.psql('CREATE DATABASE bench_src')
    cluster.psql("""
CREATE EXTENSION pgcrypto;
CREATE TABLE accounts (id uuid PRIMARY KEY, n int NOT NULL UNIQUE, email text NOT NULL, created timestamptz NOT NULL, profile jsonb NOT NULL);
CREATE TABLE events (
  id bigint PRIMARY KEY,
  account_id uuid NOT NULL,
  created timestamptz NOT NULL,
  kind text NOT NULL,
  payload jsonb NOT NULL,
  note text NOT NULL
);
""", db='bench_src')
    accounts = max(1000, rows // 100)
    cluster.psql("""
INSERT INTO accounts
SELECT gen_random_uuid(), i, encode(gen_random_bytes(9), 'hex') || '@example.test', now() - random() * interval '3 years',
       jsonb_build_object('name', encode(gen_random_bytes(12), 'base64'), 'plan', (ARRAY['free', 'team', 'business'])[1 + (i %% 3)],
                          'settings', jsonb_build_object('tz', 'UTC', 'token', encode(gen_random_bytes(24), 'base64')))
FROM generate_series(1, %d) i;
""" % accounts, db='bench_src')
    batch = 250000
    deadline = time.monotonic() + timeout
    for start in range(0, rows, batch):
        if time.monotonic() > deadline:
            raise RuntimeError('building the data set took longer than %ss' % timeout)
        stop = min(rows, start + batch)
        cluster.psql("""
INSERT INTO events
SELECT i, a.id, now() - random() * interval '365 days', (ARRAY['view', 'click', 'login', 'purchase', 'export'])[1 + (i %% 5)],
       jsonb_build_object('session', gen_random_uuid(), 'ip', concat_ws('.', i %% 223, (i / 7) %% 255, (i / 13) %% 255, i %% 251),
                          'ua', encode(gen_random_bytes(30), 'base64'), 'amount', round((random() * 10000)::numeric, 2),
                          'tags', jsonb_build_array(encode(gen_random_bytes(6), 'hex'), encode(gen_random_bytes(6), 'hex'))),
       encode(gen_random_bytes(120), 'base64')
FROM generate_series(%d, %d) i
JOIN accounts a ON a.n = 1 + i %% %d;
""" % (start + 1, stop, accounts), db='bench_src')
    cluster.psql('CREATE INDEX events_account ON events (account_id); CREATE INDEX events_created ON events (created); '
                 'ALTER TABLE events ADD FOREIGN KEY (account_id) REFERENCES accounts', db='bench_src')
    cluster.psql('VACUUM ANALYZE', db='bench_src')
    return accounts


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--size-mb', type=int, default=1024, help='target database size in MB (default 1024)')
    parser.add_argument('--step-timeout', type=int, default=1800, help='seconds allowed for each step (default 1800)')
    parser.add_argument('--keep-dir', action='store_true', help='keep the work directory (dump, logs) for inspection')
    args = parser.parse_args()

    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, on_signal)
    rows = max(10000, args.size_mb * 1024 * 1024 // BYTES_PER_ROW)
    cluster = PgCluster(settings={'shared_buffers': '256MB', 'maintenance_work_mem': '256MB', 'max_wal_size': '4GB',
                                  'checkpoint_timeout': '30min', 'autovacuum': 'off'})
    work = cluster.base
    try:
        cluster.start()
        env = cluster.env()
        print('backup_verify bench: PostgreSQL %s on 127.0.0.1:%d, %d CPUs, work dir %s'
              % (cluster.psql('SHOW server_version'), cluster.port, os.cpu_count(), work), flush=True)

        started = time.monotonic()
        accounts = build(cluster, rows, args.step_timeout)
        db_size = int(cluster.psql("SELECT pg_database_size('bench_src')"))
        print('data set            : %d events + %d accounts, database %s, built in %.1fs'
              % (rows, accounts, human(db_size), time.monotonic() - started), flush=True)

        dump = os.path.join(work, 'bench_src.dump')
        seconds_dump, dummy = timed('pg_dump -Fc', [cluster.tool('pg_dump'), '-Fc', '-d', 'bench_src', '-f', dump], env, args.step_timeout)
        with open(dump + '.sha256', 'w', encoding='utf-8') as sidecar:
            subprocess.run(['sha256sum', 'bench_src.dump'], cwd=work, stdout=sidecar, check=True)
        print('pg_dump -Fc         : %7.1fs  (%s archive)' % (seconds_dump, human(os.path.getsize(dump))), flush=True)

        cluster.psql('CHECKPOINT')
        cluster.psql('CREATE DATABASE bare_restore TEMPLATE template0')
        seconds_bare, dummy = timed('pg_restore -j2', [cluster.tool('pg_restore'), '-j', '2', '--exit-on-error', '-d', 'bare_restore', dump],
                                    env, args.step_timeout)
        print('bare pg_restore -j2 : %7.1fs' % seconds_bare, flush=True)
        cluster.psql('DROP DATABASE bare_restore')
        cluster.psql('CHECKPOINT')

        module_args = {'path': dump, 'login_host': cluster.host, 'login_port': cluster.port, 'jobs': 2, 'max_age': '1d',
                       'min_size': '1M', 'expect_tables': ['accounts', 'events'],
                       'expect_min_rows': {'events': rows, 'accounts': accounts}}
        venv_bin = os.path.join(ROOT, '.venv', 'bin')
        ansible_env = dict(os.environ, ANSIBLE_CONFIG=os.path.join(ROOT, 'ansible.cfg'), ANSIBLE_LOAD_CALLBACK_PLUGINS='1',
                           ANSIBLE_STDOUT_CALLBACK='ansible.builtin.json', PATH=venv_bin + os.pathsep + os.environ.get('PATH', ''))
        seconds_verify, result = timed('pg_backup_verify', [
            os.path.join(venv_bin, 'ansible'), 'localhost', '-i', 'localhost,', '-c', 'local', '-e',
            'ansible_python_interpreter=/usr/bin/python3', '-m', 'auraflow.ops.pg_backup_verify', '-a', json.dumps(module_args)],
            ansible_env, args.step_timeout)
        host = json.loads(result.stdout)['plays'][0]['tasks'][0]['hosts']['localhost']
        if not host.get('valid'):
            raise RuntimeError('the verification did not pass: %s' % host.get('msg'))
        leftovers = cluster.scratch_databases()
        print('pg_backup_verify    : %7.1fs  (whole ansible task; inside it the restore took %.1fs; checks: %s)'
              % (seconds_verify, host['restore_seconds'], ', '.join(c['name'] for c in host['checks'])), flush=True)
        print('scratch databases left: %d' % len(leftovers))
        ratio = seconds_verify / seconds_bare
        print('ratio verify / bare restore = %.2f (target <= 1.25: %s)' % (ratio, 'met' if ratio <= 1.25 else 'NOT met'))
        return 0 if not leftovers else 1
    except (Interrupted, RuntimeError, subprocess.TimeoutExpired) as exc:
        print('backup_verify bench: %s' % exc, file=sys.stderr)
        return 1
    finally:
        for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            signal.signal(signum, signal.SIG_IGN)
        if args.keep_dir:
            cluster.own_base = False
        cluster.stop()
        if args.keep_dir:
            print('work directory kept: %s' % work)
        elif os.path.isdir(work):
            shutil.rmtree(work, ignore_errors=True)


if __name__ == '__main__':
    sys.exit(main())
