"""Benchmark (run it as bench/slo_probe): auraflow.ops.slo_check's request rate vs wrk, same endpoint, same concurrency, same run.

Starts the reference backend (tests/app/backend) on 127.0.0.1 with a throwaway PostgreSQL cluster
and redis-server (like tests/app/run-tests.sh), then measures GET /health, alternating
wrk, slo_check, slo_check, wrk, ... (ABBA, so drift hits both alike) for --rounds pairs, and an
open-loop slo_check at --rate req/s. Prints each run, the mean ratio slo_check/wrk (target >= 0.6)
and whether >= 1000 req/s was sustained. Everything it starts is stopped on exit.

    bench/slo_probe [--concurrency 16] [--duration 10] [--rounds 2] [--rate 1000] [--wrk-threads 1]
                    [--url http://127.0.0.1:PORT/path]   # bench an endpoint that is already running
                    [--json FILE]

Needs: node (Debian nodejs), PostgreSQL server binaries, redis-server, wrk, .venv (make setup).
Bounded: about 2 x rounds x duration + duration + 30 s (default: about 90 s); each step has a timeout.
Exit status 0 when the ratio of the means is >= 0.6 and >= 1000 req/s was sustained, else 1.
"""

import argparse
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BACKEND = os.path.join(ROOT, 'tests', 'app', 'backend')
ANSIBLE = os.path.join(ROOT, '.venv', 'bin', 'ansible')
TARGET_RATIO = 0.6
TARGET_RPS = 1000.0


def log(msg):
    print('slo_probe: %s' % msg, file=sys.stderr, flush=True)


def free_port():
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        return sock.getsockname()[1]


def run(cmd, timeout, **kwargs):
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, check=False, **kwargs)
    if proc.returncode != 0:
        raise RuntimeError('%s failed (rc %d):\n%s%s' % (' '.join(cmd), proc.returncode, proc.stdout, proc.stderr))
    return proc


def wait_http(url, seconds):
    deadline = time.monotonic() + seconds
    last = None
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as resp:  # one-off readiness check
                if resp.status == 200:
                    return
        except OSError as exc:
            last = exc
        time.sleep(0.2)
    raise RuntimeError('%s did not answer 200 within %ss: %s' % (url, seconds, last))


class Stack:
    """PostgreSQL + Redis + the reference backend on loopback, in a temp dir; stop() undoes all."""

    def __init__(self):
        self.tmp = tempfile.mkdtemp(prefix='slo-probe-')
        os.chmod(self.tmp, 0o755)
        self.pg_bin = None
        self.pg_started = False
        self.redis_pidfile = os.path.join(self.tmp, 'redis.pid')
        self.backend = None
        self.url = None

    def _as_pg(self):
        return ['runuser', '-u', 'postgres', '--'] if os.geteuid() == 0 else []

    def start(self):
        bins = sorted(d for d in (os.path.join('/usr/lib/postgresql', v, 'bin') for v in os.listdir('/usr/lib/postgresql'))
                      if os.path.exists(os.path.join(d, 'initdb'))) if os.path.isdir('/usr/lib/postgresql') else []
        if not bins:
            raise RuntimeError('PostgreSQL server binaries not found (apt-get install postgresql)')
        self.pg_bin = bins[-1]
        for tool in ('node', 'redis-server', 'wrk'):
            if not shutil.which(tool):
                raise RuntimeError('%s not found (make setup installs it)' % tool)
        if not os.path.isdir(os.path.join(BACKEND, 'node_modules')):
            raise RuntimeError('tests/app/backend/node_modules missing: run make app-deps')
        pg_dir, run_dir = os.path.join(self.tmp, 'pg'), os.path.join(self.tmp, 'run')
        os.makedirs(pg_dir)
        os.makedirs(run_dir)
        if os.geteuid() == 0:
            shutil.chown(pg_dir, 'postgres')
            shutil.chown(run_dir, 'postgres')
        pg_port, redis_port, app_port = free_port(), free_port(), free_port()
        run(self._as_pg() + [os.path.join(self.pg_bin, 'initdb'), '-D', pg_dir, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8',
                             '--no-locale', '--no-sync'], 120, cwd=self.tmp)
        run(self._as_pg() + [os.path.join(self.pg_bin, 'pg_ctl'), '-D', pg_dir, '-l', os.path.join(run_dir, 'pg.log'), '-w', '-t', '30',
                             '-o', '-c listen_addresses=127.0.0.1 -p %d -k %s -c fsync=off -c synchronous_commit=off' % (pg_port, run_dir),
                             'start'], 60, cwd=self.tmp)
        self.pg_started = True
        run(['redis-server', '--port', str(redis_port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no',
             '--daemonize', 'yes', '--pidfile', self.redis_pidfile, '--dir', self.tmp,
             '--logfile', os.path.join(self.tmp, 'redis.log')], 30)
        run(['psql', '-h', '127.0.0.1', '-p', str(pg_port), '-U', 'postgres', '-q', '-c', 'CREATE DATABASE aura_flow'], 30)
        env_file = os.path.join(self.tmp, 'empty.env')
        open(env_file, 'w').close()
        env = dict(os.environ, NODE_ENV='production', HOST='127.0.0.1', PORT=str(app_port), ENV_FILE=env_file,
                   DATABASE_URL='postgres://postgres@127.0.0.1:%d/aura_flow' % pg_port,
                   REDIS_URL='redis://127.0.0.1:%d' % redis_port, JWT_SECRET='slo-probe-bench-secret-0123456789abcdef',
                   LOG_DIR=os.path.join(self.tmp, 'logs'))
        run(['node', 'bin/migrate.js', 'up'], 60, cwd=BACKEND, env=env)
        self.backend = subprocess.Popen(['node', 'src/server.js'], cwd=BACKEND, env=env, stdout=subprocess.DEVNULL,
                                        stderr=open(os.path.join(self.tmp, 'backend.err'), 'w'))
        self.url = 'http://127.0.0.1:%d/health' % app_port
        wait_http(self.url, 20)
        log('reference backend pid %d on %s (PostgreSQL :%d, redis :%d)' % (self.backend.pid, self.url, pg_port, redis_port))

    def stop(self):
        if self.backend is not None and self.backend.poll() is None:
            self.backend.send_signal(signal.SIGTERM)
            try:
                self.backend.wait(15)
            except subprocess.TimeoutExpired:
                self.backend.kill()
                self.backend.wait(5)
        if os.path.exists(self.redis_pidfile):
            try:
                os.kill(int(open(self.redis_pidfile).read().strip()), signal.SIGTERM)
            except (OSError, ValueError):
                pass
        if self.pg_started:
            subprocess.run(self._as_pg() + [os.path.join(self.pg_bin, 'pg_ctl'), '-D', os.path.join(self.tmp, 'pg'), '-m', 'fast',
                                            '-w', 'stop'], cwd=self.tmp, capture_output=True, timeout=60, check=False)
        shutil.rmtree(self.tmp, ignore_errors=True)


def _ms(text):
    value, unit = re.match(r'([\d.]+)(us|ms|s)', text).groups()
    return float(value) * {'us': 0.001, 'ms': 1.0, 's': 1000.0}[unit]


def bench_wrk(url, concurrency, duration, threads):
    proc = run(['wrk', '-t%d' % threads, '-c%d' % concurrency, '-d%ds' % duration, '--latency', url], duration + 60)
    out = proc.stdout
    rps = float(re.search(r'Requests/sec:\s+([\d.]+)', out).group(1))
    total = int(re.search(r'(\d+) requests in', out).group(1))
    non2xx = re.search(r'Non-2xx or 3xx responses:\s+(\d+)', out)
    errors = re.search(r'Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)', out)
    pct = {p: _ms(v) for p, v in re.findall(r'^\s+(50|90|99)%\s+(\S+)', out, re.M)}
    return {'tool': 'wrk', 'rps': rps, 'requests': total,
            'errors': (int(non2xx.group(1)) if non2xx else 0) + (sum(int(g) for g in errors.groups()) if errors else 0),
            'p50_ms': pct.get('50'), 'p99_ms': pct.get('99')}


def bench_slo_check(url, concurrency, duration, rate=None):
    args = {'url': url, 'duration': duration, 'concurrency': concurrency, 'warmup': 1, 'fail_on_breach': False,
            'objectives': {'min_rps': TARGET_RPS}}
    if rate:
        args['rate'] = rate
    env = dict(os.environ, ANSIBLE_CONFIG=os.path.join(ROOT, 'ansible.cfg'), ANSIBLE_LOAD_CALLBACK_PLUGINS='1',
               ANSIBLE_STDOUT_CALLBACK='ansible.posix.json', ANSIBLE_NOCOLOR='1')
    proc = subprocess.run([ANSIBLE, 'localhost', '-c', 'local', '-m', 'auraflow.ops.slo_check', '-a', json.dumps(args)],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=duration + 120, check=False)
    try:
        res = json.loads(proc.stdout)['plays'][0]['tasks'][0]['hosts']['localhost']
    except (ValueError, KeyError, IndexError):
        raise RuntimeError('slo_check gave no result:\n%s\n%s' % (proc.stdout, proc.stderr)) from None
    if 'rps' not in res:
        raise RuntimeError('slo_check failed: %s' % res.get('msg'))
    return {'tool': 'slo_check' + (' rate=%g' % rate if rate else ''), 'rps': res['rps'], 'requests': res['requests'],
            'errors': res['errors'], 'p50_ms': res['latency_ms']['p50'], 'p99_ms': res['latency_ms']['p99'],
            'elapsed': res['elapsed']}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n', 1)[0])
    parser.add_argument('--concurrency', type=int, default=16)
    parser.add_argument('--duration', type=int, default=6, help='seconds per run')
    parser.add_argument('--rounds', type=int, default=4, help='wrk/slo_check pairs (ABBA order)')
    parser.add_argument('--rate', type=float, default=TARGET_RPS, help='open-loop slo_check run at this rate (0: skip)')
    parser.add_argument('--wrk-threads', type=int, default=1)
    parser.add_argument('--url', help='bench this running endpoint instead of starting the reference backend')
    parser.add_argument('--json', help='also write the results here')
    opts = parser.parse_args()

    stack = None
    runs = []
    try:
        if opts.url:
            url, endpoint = opts.url, 'given endpoint %s' % opts.url
        else:
            stack = Stack()
            try:
                stack.start()
            except RuntimeError as exc:  # a missing prerequisite: one clear line, no traceback
                sys.exit('slo_probe: cannot start the reference backend: %s (make setup app-deps prepares it)' % exc)
            url, endpoint = stack.url, 'reference backend GET /health (node, PostgreSQL + Redis check per request)'
        run(['wrk', '-t1', '-c%d' % opts.concurrency, '-d2s', url], 60)  # warm the backend (JIT, pools)
        for index in range(opts.rounds):
            order = (bench_wrk, bench_slo_check) if index % 2 == 0 else (bench_slo_check, bench_wrk)
            for func in order:
                if func is bench_wrk:
                    result = bench_wrk(url, opts.concurrency, opts.duration, opts.wrk_threads)
                else:
                    result = bench_slo_check(url, opts.concurrency, opts.duration)
                runs.append(result)
                log('%-20s %9.1f req/s  %7d requests  %d errors  p50 %s ms  p99 %s ms' % (
                    result['tool'], result['rps'], result['requests'], result['errors'], result['p50_ms'], result['p99_ms']))
        open_loop = None
        if opts.rate:
            open_loop = bench_slo_check(url, opts.concurrency, opts.duration, rate=opts.rate)
            log('%-20s %9.1f req/s  %7d requests  %d errors  p50 %s ms  p99 %s ms (from scheduled send times)' % (
                open_loop['tool'], open_loop['rps'], open_loop['requests'], open_loop['errors'], open_loop['p50_ms'],
                open_loop['p99_ms']))
    finally:
        if stack is not None:
            stack.stop()

    wrk_rps = [r['rps'] for r in runs if r['tool'] == 'wrk']
    slo_rps = [r['rps'] for r in runs if r['tool'] == 'slo_check']
    wrk_mean = sum(wrk_rps) / len(wrk_rps)
    slo_mean = sum(slo_rps) / len(slo_rps)
    ratio = slo_mean / wrk_mean if wrk_mean else 0.0
    pair_ratios = sorted(round(b / a, 3) for a, b in zip(wrk_rps, slo_rps))
    sustained = min(r['rps'] for r in runs if r['tool'] == 'slo_check') >= TARGET_RPS
    if open_loop is not None:
        sustained = sustained and open_loop['errors'] == 0 and open_loop['rps'] >= 0.98 * opts.rate
    summary = {
        'endpoint': endpoint, 'concurrency': opts.concurrency, 'duration_s': opts.duration, 'rounds': opts.rounds,
        'wrk_threads': opts.wrk_threads, 'wrk_rps': round(wrk_mean, 1), 'slo_check_rps': round(slo_mean, 1),
        'ratio': round(ratio, 3), 'pair_ratios': pair_ratios, 'ratio_target': TARGET_RATIO, 'ratio_met': ratio >= TARGET_RATIO,
        'sustained_1000_rps': sustained, 'runs': runs, 'open_loop': open_loop,
    }
    print('endpoint:        %s' % endpoint)
    print('concurrency:     %d connections, %d s per run, %d rounds (ABBA), wrk -t%d' % (
        opts.concurrency, opts.duration, opts.rounds, opts.wrk_threads))
    print('wrk:             %.1f req/s (mean)' % wrk_mean)
    print('slo_check:       %.1f req/s (mean)' % slo_mean)
    print('ratio:           %.3f of the means (target >= %.1f: %s); per pair: %s' % (
        ratio, TARGET_RATIO, 'met' if ratio >= TARGET_RATIO else 'NOT met', ', '.join('%.2f' % r for r in pair_ratios)))
    print('load average:    %s (other work on this machine makes single runs noisy; compare pairs)' % ' '.join(
        open('/proc/loadavg').read().split()[:3]))
    if open_loop is not None:
        print('open loop:       %.1f req/s at rate %g, %d errors, p99 %s ms' % (
            open_loop['rps'], opts.rate, open_loop['errors'], open_loop['p99_ms']))
    print('>= 1000 req/s:   %s' % ('sustained' if sustained else 'NOT sustained'))
    if opts.json:
        with open(opts.json, 'w') as handle:
            json.dump(summary, handle, indent=2)
    return 0 if ratio >= TARGET_RATIO and sustained else 1


if __name__ == '__main__':
    sys.exit(main())
