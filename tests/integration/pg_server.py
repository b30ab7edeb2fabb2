"""A throwaway PostgreSQL cluster on 127.0.0.1 for tests and benchmarks.

``PgCluster`` runs initdb into a temporary directory and starts the server on a free port
(as the ``postgres`` OS user when run as root), and stops it by ``pg_ctl`` (then by the
postmaster's PID) when done. The ``pg_cluster`` session fixture wraps it for pytest; import it
explicitly into a test module (``from pg_server import pg_cluster``).

Authentication: trust for everyone on the socket and 127.0.0.1, except the role ``verifier``
over TCP, which must give its password (scram-sha-256) - so password handling is exercised.
"""

import glob
import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time

import pytest

VERIFIER = 'verifier'
VERIFIER_PASSWORD = 'Vrf-9d1c7e2b-pw'


def pg_bin_dir():
    """The newest /usr/lib/postgresql/<major>/bin (Debian layout), or None."""
    found = []
    for directory in glob.glob('/usr/lib/postgresql/*/bin'):
        match = re.search(r'/postgresql/(\d+)/bin$', directory)
        if match and os.access(os.path.join(directory, 'initdb'), os.X_OK):
            found.append((int(match.group(1)), directory))
    return max(found)[1] if found else None


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(('127.0.0.1', 0))
        return sock.getsockname()[1]


class PgCluster:
    """One PostgreSQL server in its own directory; clients connect as ``postgres`` over TCP."""

    def __init__(self, base_dir=None, port=None, settings=None):
        self.bin_dir = pg_bin_dir()
        if not self.bin_dir:
            raise RuntimeError('PostgreSQL server binaries not found under /usr/lib/postgresql/*/bin (apt-get install postgresql)')
        self.base = base_dir or tempfile.mkdtemp(prefix='auraflow-pg-')
        self.own_base = base_dir is None
        self.data = os.path.join(self.base, 'data')
        self.run_dir = os.path.join(self.base, 'run')
        self.log = os.path.join(self.base, 'postgres.log')
        self.port = port or free_port()
        self.host = '127.0.0.1'
        self.settings = dict(settings or {})
        self.started = False
        self.as_pg = ['runuser', '-u', 'postgres', '--'] if os.geteuid() == 0 else []

    # -- lifecycle

    def _server_cmd(self, *args):
        return subprocess.run(self.as_pg + list(args), cwd=self.base, capture_output=True, text=True, check=False)

    def start(self):
        os.makedirs(self.data, exist_ok=True)
        os.makedirs(self.run_dir, exist_ok=True)
        os.chmod(self.base, 0o755)
        if self.as_pg:
            shutil.chown(self.data, 'postgres')
            shutil.chown(self.run_dir, 'postgres')
        init = self._server_cmd(os.path.join(self.bin_dir, 'initdb'), '-D', self.data, '-U', 'postgres', '-A', 'trust',
                                '-E', 'UTF8', '--no-locale', '--no-sync')
        if init.returncode != 0:
            raise RuntimeError('initdb failed: %s%s' % (init.stdout, init.stderr))
        with open(os.path.join(self.data, 'pg_hba.conf'), 'w', encoding='utf-8') as hba:
            hba.write('local all all trust\n'
                      'host all %s 127.0.0.1/32 scram-sha-256\n'
                      'host all all 127.0.0.1/32 trust\n' % VERIFIER)
        options = {'listen_addresses': '127.0.0.1', 'port': str(self.port), 'unix_socket_directories': self.run_dir,
                   'fsync': 'off', 'synchronous_commit': 'off', 'full_page_writes': 'off', 'max_connections': '50'}
        options.update(self.settings)
        opts = ' '.join('-c %s=%s' % (key, value) for key, value in options.items())
        if self.as_pg:
            with open(self.log, 'a', encoding='utf-8'):
                pass
            shutil.chown(self.log, 'postgres')
        start = self._server_cmd(os.path.join(self.bin_dir, 'pg_ctl'), '-D', self.data, '-l', self.log, '-w', '-t', '60',
                                 '-o', opts, 'start')
        if start.returncode != 0:
            raise RuntimeError('pg_ctl start failed: %s%s\n%s' % (start.stdout, start.stderr, self.log_tail()))
        self.started = True
        self.psql("CREATE ROLE %s LOGIN CREATEDB PASSWORD '%s'" % (VERIFIER, VERIFIER_PASSWORD))
        return self

    def postmaster_pid(self):
        try:
            with open(os.path.join(self.data, 'postmaster.pid'), encoding='utf-8') as handle:
                return int(handle.readline().strip())
        except (OSError, ValueError):
            return None

    def stop(self):
        if self.started:
            pid = self.postmaster_pid()
            stop = self._server_cmd(os.path.join(self.bin_dir, 'pg_ctl'), '-D', self.data, '-m', 'fast', '-w', '-t', '30', 'stop')
            if stop.returncode != 0 and pid:
                try:
                    os.kill(pid, signal.SIGQUIT)
                except OSError:
                    pass
            self.started = False
        if self.own_base:
            shutil.rmtree(self.base, ignore_errors=True)

    def log_tail(self, lines=20):
        try:
            with open(self.log, encoding='utf-8', errors='replace') as handle:
                return ''.join(handle.readlines()[-lines:])
        except OSError:
            return ''

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    # -- clients

    def env(self, **extra):
        env = {key: value for key, value in os.environ.items() if not key.startswith('PG')}
        env.update(PGHOST=self.host, PGPORT=str(self.port), PGUSER='postgres', PGDATABASE='postgres', LC_MESSAGES='C')
        env.update(extra)
        return env

    def tool(self, name):
        return os.path.join(self.bin_dir, name)

    def psql(self, sql, db='postgres'):
        """Run SQL (ON_ERROR_STOP); return stdout (unaligned, tuples only)."""
        result = subprocess.run([self.tool('psql'), '-X', '-q', '-A', '-t', '-v', 'ON_ERROR_STOP=1', '-d', db, '-c', sql],
                                env=self.env(), capture_output=True, text=True, check=False)
        if result.returncode != 0:
            raise RuntimeError('psql failed: %s\nSQL: %s' % (result.stderr, sql[:500]))
        return result.stdout.strip()

    def psql_file(self, path, db='postgres'):
        result = subprocess.run([self.tool('psql'), '-X', '-q', '-v', 'ON_ERROR_STOP=1', '-d', db, '-f', path],
                                env=self.env(), capture_output=True, text=True, check=False)
        if result.returncode != 0:
            raise RuntimeError('psql -f %s failed: %s' % (path, result.stderr))

    def pg_dump(self, db, *args):
        result = subprocess.run([self.tool('pg_dump'), '-d', db] + list(args), env=self.env(), capture_output=True, check=False)
        if result.returncode != 0:
            raise RuntimeError('pg_dump failed: %s' % result.stderr.decode('utf-8', 'replace'))
        return result.stdout

    def databases(self, like='%'):
        out = self.psql("SELECT datname FROM pg_database WHERE datname LIKE '%s' ORDER BY 1" % like.replace("'", "''"))
        return [line for line in out.splitlines() if line]

    def scratch_databases(self):
        return self.databases('auraflow\\_verify\\_%')

    def scratch_roles(self):
        """The scratch roles pg_backup_verify makes (named like its scratch databases), comma-joined; '' for none."""
        return self.psql("SELECT string_agg(rolname, ',' ORDER BY rolname) FROM pg_roles WHERE rolname LIKE 'auraflow\\_verify\\_%'")

    def wait_for(self, predicate, timeout=30.0, step=0.2):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            value = predicate()
            if value:
                return value
            time.sleep(step)
        return predicate()


@pytest.fixture(scope='session')
def pg_cluster():
    """A running throwaway PostgreSQL (stopped, and its directory removed, at the end of the session).

    Its directory is made under /tmp by mkdtemp (pytest's tmp dirs are private to root, and
    the server runs as ``postgres``).
    """
    cluster = PgCluster()
    try:
        cluster.start()
    except Exception:
        cluster.stop()
        raise
    yield cluster
    cluster.stop()
