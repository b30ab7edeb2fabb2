# -*- coding: utf-8 -*-
# Copyright: (c) 2026, auraflow.ops maintainers
# MIT License (see LICENSE)
"""PostgreSQL connections for modules that drive the client programs (psql, pg_restore).

* ``connection_argument_spec()``: the connection options, named as in community.postgresql;
* ``libpq_env()``: those options as a libpq environment (the password never on a command line);
* ``run_process()``: run a program in its own process group, killing it (group) when the caller
  is interrupted or times out;
* ``Psql``: one-shot SQL through ``psql`` (JSON results);
* ``ScratchDatabase``: a context manager that creates a uniquely named database (owned, on
  request, by a throwaway unprivileged login role of the same name) and always drops it (and
  the role) on the way out, on success, on error and on SIGINT/SIGTERM/SIGHUP (turned into
  an ``Interrupted`` exception so that ``finally`` blocks run), unless asked to keep it;
* ``stale_scratch_names()`` / ``drop_stale_scratch()``: the leftovers of a killed run (SIGKILL),
  found by their name (prefix, UTC time, pid, random hex) and dropped once older than a limit.

The client programs are used rather than psycopg2 so that nothing beyond the PostgreSQL
client package is needed on the target host.
"""

from __future__ import annotations

import base64
import binascii
import calendar
import glob
import hashlib
import hmac
import json
import os
import re
import signal
import subprocess
import tempfile
import time

SCRATCH_PREFIX = 'auraflow_verify_'
APPLICATION_NAME = 'auraflow.ops'
SSL_MODES = ('allow', 'disable', 'prefer', 'require', 'verify-ca', 'verify-full')
HANDLED_SIGNALS = tuple(getattr(signal, name) for name in ('SIGINT', 'SIGTERM', 'SIGHUP') if hasattr(signal, name))


def connection_argument_spec():
    """Connection options with community.postgresql's names, defaults and aliases."""
    return dict(
        login_user=dict(type='str', default='postgres', aliases=['login']),
        login_password=dict(type='str', default='', no_log=True),
        login_host=dict(type='str', default='', aliases=['host']),
        login_port=dict(type='int', default=5432, aliases=['port']),
        login_unix_socket=dict(type='str', default='', aliases=['unix_socket']),
        maintenance_db=dict(type='str', default='postgres'),
        ssl_mode=dict(type='str', default='prefer', choices=list(SSL_MODES)),
        ca_cert=dict(type='str', aliases=['ssl_rootcert']),
        connect_timeout=dict(type='int', default=10),
    )


def libpq_host(params):
    """The host (or socket directory) libpq should use, community.postgresql's way.

    A unix socket directory wins when no host (or ``localhost``) is given.
    """
    host = params.get('login_host') or ''
    socket_dir = params.get('login_unix_socket') or ''
    if socket_dir and host in ('', 'localhost'):
        return socket_dir
    return host


def libpq_env(params, dbname=None, base=None):
    """An environment for psql/pg_restore from the connection options.

    Inherited ``PG*`` variables are removed so that only the module's options apply.
    """
    env = dict(os.environ if base is None else base)
    for key in list(env):
        if key.startswith('PG'):
            del env[key]
    host = libpq_host(params)
    if host:
        env['PGHOST'] = host
    env['PGPORT'] = str(params.get('login_port') or 5432)
    if params.get('login_user'):
        env['PGUSER'] = params['login_user']
    if params.get('login_password'):
        env['PGPASSWORD'] = params['login_password']
    if params.get('ssl_mode'):
        env['PGSSLMODE'] = params['ssl_mode']
    if params.get('ca_cert'):
        env['PGSSLROOTCERT'] = params['ca_cert']
    if params.get('connect_timeout'):
        env['PGCONNECT_TIMEOUT'] = str(params['connect_timeout'])
    env['PGAPPNAME'] = APPLICATION_NAME
    env['PGDATABASE'] = dbname or params.get('maintenance_db') or 'postgres'
    env['LC_MESSAGES'] = 'C'
    return env


def describe_target(params):
    """``user@host:port`` for messages (never the password)."""
    host = libpq_host(params) or '(default socket)'
    return '%s@%s:%s' % (params.get('login_user') or '', host, params.get('login_port') or 5432)


def find_pg_program(name, bin_dir=None, path_lookup=None):
    """Path of a PostgreSQL client program, or None.

    ``bin_dir`` when given; else ``path_lookup(name)`` (e.g. AnsibleModule.get_bin_path);
    else the newest ``/usr/lib/postgresql/*/bin`` (Debian's layout).
    """
    if bin_dir:
        candidate = os.path.join(bin_dir, name)
        return candidate if os.access(candidate, os.X_OK) else None
    if path_lookup:
        found = path_lookup(name)
        if found:
            return found
    versions = []
    for directory in glob.glob('/usr/lib/postgresql/*/bin'):
        match = re.search(r'/postgresql/(\d+)(?:\.(\d+))?/bin$', directory)
        if match and os.access(os.path.join(directory, name), os.X_OK):
            versions.append(((int(match.group(1)), int(match.group(2) or 0)), directory))
    if versions:
        return os.path.join(max(versions)[1], name)
    return None


# --------------------------------------------------------------------------- processes and signals

class Interrupted(Exception):
    """A handled signal arrived (SIGINT, SIGTERM, SIGHUP)."""

    def __init__(self, signum):
        self.signum = signum
        super().__init__('interrupted by %s' % signal_name(signum))


class ProcessTimeout(Exception):
    """A program ran longer than allowed and was killed."""


class PgError(Exception):
    """psql reported an error."""


def signal_name(signum):
    try:
        return signal.Signals(signum).name
    except ValueError:
        return 'signal %d' % signum


class SignalGuard:
    """Turn SIGINT/SIGTERM/SIGHUP into ``Interrupted`` while active; ``defer()`` them during cleanup.

    Deferred signals are remembered in ``pending`` (the first one) instead of raising, so a
    cleanup step cannot itself be interrupted; ``restore()`` puts the previous handlers back.
    Only usable from the main thread (as modules are).
    """

    def __init__(self, signals=HANDLED_SIGNALS):
        self.signals = signals
        self.previous = {}
        self.deferring = False
        self.pending = None

    def _handler(self, signum, frame):
        if self.deferring:
            if self.pending is None:
                self.pending = signum
            return
        raise Interrupted(signum)

    def install(self):
        for signum in self.signals:
            self.previous[signum] = signal.signal(signum, self._handler)
        return self

    def defer(self):
        self.deferring = True

    def restore(self):
        for signum, handler in self.previous.items():
            signal.signal(signum, handler)
        self.previous = {}


def _kill_group(proc, grace=5.0):
    """Terminate the process group of ``proc`` (its workers too), then kill it if needed."""
    if proc.poll() is not None:
        return
    for sig, wait in ((signal.SIGTERM, grace), (signal.SIGKILL, grace)):
        try:
            os.killpg(proc.pid, sig)
        except OSError:
            pass
        try:
            proc.wait(timeout=wait)
            return
        except subprocess.TimeoutExpired:
            continue


def run_process(cmd, env=None, stdin_chunks=None, timeout=None, capture_stdout=False, cwd=None):
    """Run ``cmd``; return ``(rc, stdout_text, stderr_text)``.

    The program runs in its own session (process group) with stderr in a temporary file (no
    pipe to fill up). ``stdin_chunks`` (an iterable of bytes) is streamed to its stdin. When
    the caller is interrupted (any exception, e.g. ``Interrupted`` from SignalGuard) the
    whole group is terminated before the exception goes on. ``timeout`` (seconds) raises
    ProcessTimeout after killing the group.
    """
    deadline = None if timeout is None else time.monotonic() + timeout
    with tempfile.TemporaryFile() as err_file, tempfile.TemporaryFile() as out_file:
        # Not AnsibleModule.run_command: this needs its own process group (to stop pg_restore's
        # workers too), stdin streamed from a generator and a kill when the caller is interrupted.
        proc = subprocess.Popen(  # pylint: disable=ansible-bad-function
            cmd, env=env, cwd=cwd, start_new_session=True,
            stdin=subprocess.PIPE if stdin_chunks is not None else subprocess.DEVNULL,
            stdout=out_file if capture_stdout else subprocess.DEVNULL, stderr=err_file)
        try:
            if stdin_chunks is not None:
                try:
                    for chunk in stdin_chunks:
                        proc.stdin.write(chunk)
                        if deadline is not None and time.monotonic() > deadline:
                            raise ProcessTimeout('%s ran longer than %ss' % (os.path.basename(cmd[0]), timeout))
                except BrokenPipeError:
                    pass  # the program stopped reading (it failed); its exit code says why
                finally:
                    try:
                        proc.stdin.close()
                    except BrokenPipeError:
                        pass
            try:
                rc = proc.wait(timeout=None if deadline is None else max(0.0, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                raise ProcessTimeout('%s ran longer than %ss' % (os.path.basename(cmd[0]), timeout)) from None
        except BaseException:
            _kill_group(proc)
            raise
        err_file.seek(0)
        stderr = err_file.read().decode('utf-8', errors='replace')
        stdout = ''
        if capture_stdout:
            out_file.seek(0)
            stdout = out_file.read().decode('utf-8', errors='replace')
    return rc, stdout, stderr


def error_lines(stderr, limit=5, width=300):
    """The most telling lines of a client program's stderr: errors first, then the rest."""
    lines = [line.strip() for line in stderr.splitlines() if line.strip()]
    errors = [line for line in lines if re.search(r'\b(error|fatal|panic)\b', line, re.IGNORECASE)]
    picked = (errors or lines)[:limit]
    return '; '.join(line[:width] for line in picked)


# --------------------------------------------------------------------------- psql

def quote_ident(name):
    return '"%s"' % name.replace('"', '""')


class Psql:
    """SQL through the psql program with the module's connection options."""

    def __init__(self, psql_bin, params, timeout=None):
        self.psql_bin = psql_bin
        self.params = params
        self.timeout = timeout

    def env(self, dbname=None):
        return libpq_env(self.params, dbname)

    def _run(self, sql, dbname, capture, timeout, stdin=False):
        cmd = [self.psql_bin, '-X', '-q', '-A', '-t', '-v', 'ON_ERROR_STOP=1']
        # stdin=True keeps the SQL (e.g. a password verifier) off the command line, which others can read
        cmd += ['-f', '-'] if stdin else ['-c', sql]
        rc, out, err = run_process(cmd, env=self.env(dbname), capture_stdout=capture,
                                   stdin_chunks=[sql.encode('utf-8')] if stdin else None,
                                   timeout=timeout if timeout is not None else self.timeout)
        if rc != 0:
            raise PgError(error_lines(err) or 'psql exited with %d' % rc)
        return out

    def execute(self, sql, dbname=None, timeout=None, stdin=False):
        self._run(sql, dbname, False, timeout, stdin=stdin)

    def query_json(self, sql, dbname=None, timeout=None):
        """Run a query returning one JSON value (e.g. ``SELECT json_agg(...)``) and parse it."""
        out = self._run(sql, dbname, True, timeout).strip()
        try:
            return json.loads(out) if out else None
        except ValueError:
            raise PgError('unexpected psql output: %r' % out[:200]) from None

    def server_version(self):
        """``{'num': 150018, 'text': '15.18 (Debian ...)'}`` of the server."""
        return self.query_json("SELECT json_build_object('num', current_setting('server_version_num')::int, "
                               "'text', current_setting('server_version'))")

    def table_counts(self, dbname, timeout=None):
        """Exact row counts of the ordinary and partitioned (top-level) tables: ``{schema.table: rows}``."""
        sql = (
            "SELECT coalesce(json_object_agg(n.nspname || '.' || c.relname, "
            "(xpath('/row/c/text()', query_to_xml(format('SELECT count(*) AS c FROM %I.%I', n.nspname, c.relname), "
            "false, true, '')))[1]::text::bigint), '{}'::json) "
            "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition "
            "AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_toast%' "
            "AND n.nspname NOT LIKE 'pg\\_temp\\_%'"
        )
        return self.query_json(sql, dbname=dbname, timeout=timeout) or {}


def quote_literal(text):
    return "'%s'" % text.replace("'", "''")


def scram_sha256_verifier(password, salt=None, iterations=4096):
    """The SCRAM-SHA-256 verifier PostgreSQL stores for ``password`` (so the password itself is never sent)."""
    salt = salt if salt is not None else os.urandom(16)
    salted = hashlib.pbkdf2_hmac('sha256', password.encode('utf-8'), salt, iterations)
    client_key = hmac.new(salted, b'Client Key', hashlib.sha256).digest()
    stored_key = hashlib.sha256(client_key).digest()
    server_key = hmac.new(salted, b'Server Key', hashlib.sha256).digest()
    return 'SCRAM-SHA-256$%d:%s$%s:%s' % (iterations, _b64(salt), _b64(stored_key), _b64(server_key))


def _b64(data):
    return base64.b64encode(data).decode('ascii')


SCRATCH_NAME = re.compile(r'^%s(\d{14})_(\d+)_([0-9a-f]{6})$' % re.escape(SCRATCH_PREFIX))
# The same pattern for PostgreSQL's ~ operator (POSIX regular expressions).
SCRATCH_NAME_SQL = '^%s[0-9]{14}_[0-9]+_[0-9a-f]{6}$' % SCRATCH_PREFIX


def scratch_created_epoch(name, pattern=None):
    """The UTC creation time encoded in a scratch name (``scratch_name()``), or None for any other name.
    ``pattern``: another verifier's names (a regex whose group 1 is the UTC stamp YYYYmmddHHMMSS)."""
    match = (pattern or SCRATCH_NAME).match(name or '')
    if not match:
        return None
    try:
        return calendar.timegm(time.strptime(match.group(1), '%Y%m%d%H%M%S'))
    except ValueError:
        return None


def stale_scratch_names(names, max_age, now=None, pattern=None):
    """The names (in order) that are scratch names older than ``max_age`` seconds; nothing else ever."""
    now = time.time() if now is None else now
    out = []
    for name in names:
        created = scratch_created_epoch(name, pattern)
        if created is not None and now - created > max_age:
            out.append(name)
    return out


ORPHAN_ROLE_AGE = 60


def drop_stale_scratch(psql, max_age, now=None, timeout=120):
    """Drop the scratch databases, then the scratch roles, older than ``max_age`` seconds.

    A scratch role that owns no database is dropped once older than ORPHAN_ROLE_AGE seconds.

    Only names of ``scratch_name()``'s exact form qualify; a database anyone is connected to (an
    orphaned restore still running), a role with sessions, that owns a database or is a superuser
    is kept. Returns ``(dropped, kept)``: lists of ``'database x'``/``'role x'`` and of
    ``(that, why)``.
    """
    dropped, kept = [], []
    dbs = psql.query_json(
        "SELECT coalesce(json_agg(json_build_object('name', d.datname, 'sessions', "
        "(SELECT count(*) FROM pg_stat_activity a WHERE a.datid = d.oid)) ORDER BY d.datname), '[]') "
        "FROM pg_database d WHERE d.datname ~ %s" % quote_literal(SCRATCH_NAME_SQL)) or []
    sessions = dict((row['name'], row['sessions']) for row in dbs)
    for name in stale_scratch_names([row['name'] for row in dbs], max_age, now):
        if sessions[name]:
            kept.append(('database %s' % name, '%d session(s) connected' % sessions[name]))
            continue
        try:
            psql.execute('DROP DATABASE IF EXISTS %s' % quote_ident(name), timeout=timeout)
            dropped.append('database %s' % name)
        except (PgError, ProcessTimeout) as exc:
            kept.append(('database %s' % name, str(exc)))
    roles = psql.query_json(
        "SELECT coalesce(json_agg(json_build_object('name', r.rolname, 'super', r.rolsuper, "
        "'sessions', (SELECT count(*) FROM pg_stat_activity a WHERE a.usesysid = r.oid), "
        "'owns', EXISTS (SELECT 1 FROM pg_database d WHERE d.datdba = r.oid)) ORDER BY r.rolname), '[]') "
        "FROM pg_roles r WHERE r.rolname ~ %s" % quote_literal(SCRATCH_NAME_SQL)) or []
    info = dict((row['name'], row) for row in roles)
    # A run creates its database right after its role and drops the role right after the database: a scratch
    # role without a database for a minute is an orphan (e.g. its keep_scratch database dropped by hand).
    orphans = set(name for name in stale_scratch_names([row['name'] for row in roles], ORPHAN_ROLE_AGE, now)
                  if not info[name]['owns'])
    for name in [row['name'] for row in roles]:
        if name not in orphans and name not in stale_scratch_names([name], max_age, now):
            continue
        row = info[name]
        why = ('a superuser (not made by this module)' if row['super'] else
               '%d session(s) connected' % row['sessions'] if row['sessions'] else
               'owns a database' if row['owns'] else None)
        if why:
            kept.append(('role %s' % name, why))
            continue
        try:
            psql.execute('DROP ROLE IF EXISTS %s' % quote_ident(name), timeout=timeout)
            dropped.append('role %s' % name)
        except (PgError, ProcessTimeout) as exc:
            kept.append(('role %s' % name, str(exc)))
    return dropped, kept


def scratch_name(prefix=SCRATCH_PREFIX):
    """A unique, valid database name: prefix + UTC time + pid + random hex (< 64 bytes)."""
    stamp = time.strftime('%Y%m%d%H%M%S', time.gmtime())
    return '%s%s_%d_%s' % (prefix, stamp, os.getpid(), binascii.hexlify(os.urandom(3)).decode('ascii'))


class ScratchDatabase:
    """``with ScratchDatabase(psql) as scratch:`` creates ``scratch.name`` and always drops it.

    Signals SIGINT/SIGTERM/SIGHUP raise ``Interrupted`` inside the block (so it unwinds) and
    are deferred while dropping; a deferred signal is raised again after the drop. With
    ``keep=True`` the database is left in place. ``dropped`` and ``drop_error`` tell what
    happened; a failed drop never hides the exception that ended the block.
    """

    def __init__(self, psql, keep=False, server_version_num=None, prefix=SCRATCH_PREFIX, drop_timeout=120,
                 owner_role=False, superuser=True, connection_limit=8):
        self.psql = psql
        self.keep = keep
        # owner_role: the database belongs to a new login role of the same name with no privileges
        # (NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS, member of nothing) and a
        # random password (role_password), so that whatever is restored as it can do no more
        # than that role can.
        self.owner_role = owner_role
        self.superuser = superuser
        self.connection_limit = connection_limit
        self.role_password = None
        self.role_created = False
        self._role_may_exist = False
        self.server_version_num = server_version_num
        self.prefix = prefix
        self.drop_timeout = drop_timeout
        self.name = None
        self.created = False
        self.dropped = False
        self.drop_error = None
        self.guard = None
        self._may_exist = False

    def __enter__(self):
        self.guard = SignalGuard().install()
        self.name = scratch_name(self.prefix)
        try:
            owner = ''
            if self.owner_role:
                self.role_password = binascii.hexlify(os.urandom(24)).decode('ascii')
                self._role_may_exist = True
                try:
                    self.psql.execute(
                        'CREATE ROLE %s LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE INHERIT NOREPLICATION NOBYPASSRLS '
                        'CONNECTION LIMIT %d PASSWORD %s' % (quote_ident(self.name), self.connection_limit,
                                                             quote_literal(scram_sha256_verifier(self.role_password))),
                        stdin=True)
                except PgError:
                    self._role_may_exist = False  # not created (a role of that name is someone else's)
                    raise
                self.role_created = True
                if not self.superuser:
                    # CREATE DATABASE ... OWNER needs a non-superuser to be a member of the owner
                    self.psql.execute('GRANT %s TO CURRENT_USER' % quote_ident(self.name))
                owner = ' OWNER %s' % quote_ident(self.name)
            self._may_exist = True
            self.psql.execute('CREATE DATABASE %s%s TEMPLATE template0' % (quote_ident(self.name), owner))
            self.created = True
        except PgError:
            # psql answered with an error: nothing was created (and if the name was taken,
            # that database is someone else's: never drop it).
            self._may_exist = False
            self._cleanup()
            raise
        except BaseException:
            self._cleanup()
            raise
        return self

    def __exit__(self, exc_type, exc, tb):
        self._cleanup()
        if exc_type is None and self.guard.pending is not None:
            raise Interrupted(self.guard.pending)
        return False

    def _cleanup(self):
        self.guard.defer()
        try:
            if (self._may_exist or self._role_may_exist) and not self.keep:
                self.drop()
        finally:
            self.guard.restore()

    def drop(self):
        """Drop the scratch database, disconnecting anyone still in it; retries briefly."""
        name = quote_ident(self.name)
        statements = []
        if self._may_exist:
            if self.server_version_num is None or self.server_version_num >= 130000:
                statements = ['DROP DATABASE IF EXISTS %s WITH (FORCE)' % name]
            else:
                statements = [
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '%s'" % self.name.replace("'", "''"),
                    'DROP DATABASE IF EXISTS %s' % name,
                ]
        if self._role_may_exist:
            statements.append('DROP ROLE IF EXISTS %s' % name)
        last = None
        for attempt in range(3):
            try:
                for sql in statements:
                    self.psql.execute(sql, timeout=self.drop_timeout)
                self.dropped = True
                self.drop_error = None
                return True
            except (PgError, ProcessTimeout, OSError) as exc:
                last = exc
                time.sleep(1 + attempt)
        self.drop_error = str(last)
        return False
