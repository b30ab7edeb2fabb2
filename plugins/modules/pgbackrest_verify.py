#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, auraflow.ops maintainers
# MIT License (see LICENSE)

from __future__ import annotations

DOCUMENTATION = r'''
---
module: pgbackrest_verify
short_description: Prove a pgBackRest backup set (optionally a point in time) by restoring it into a scratch instance
version_added: 0.2.0
description:
  - A physical backup counts only once it was restored. C(pgbackrest verify) checks checksums, not data; this module
    restores a backup set of a pgBackRest stanza - to the end of the backup, or to O(target_time) by replaying the
    archived WAL - into a fresh scratch data directory, starts a temporary PostgreSQL instance on it, waits for the
    recovery to finish and the instance to leave recovery, runs the content checks of
    M(auraflow.ops.pg_backup_verify) (expected tables, minimum rows) and then B(always) stops the instance and
    removes the directory - also when a check or the restore fails, on O(restore_timeout) and when the module is
    interrupted by SIGINT, SIGTERM or SIGHUP.
  - Runs on the database host as the PostgreSQL OS user (C(become_user=postgres)); as root it refuses to run
    (C(pg_ctl) refuses root, and a data directory restored as root would not start).
  - The live cluster is never touched - no connection to it, no file of it written - and the scratch instance can
    neither archive WAL into the repository (C(--archive-mode=off) on the restore, C(archive_mode=off)), nor listen
    on the network (C(listen_addresses=''), a unix socket in its own mode 0700 directory), nor stream from a primary.
    The task reports C(changed=false).
  - 'The checks, in the order they run (their names are a stable contract): V(repository), V(target_in_range),
    V(pgbackrest_verify), V(disk_space), V(restore), V(instance_started), V(target_reached), V(expected_tables),
    V(min_rows), V(cleanup).'
  - V(repository) - C(pgbackrest info) knows the stanza and it holds at least one backup. An unknown stanza (or a
    missing repository) and an unknown O(set) fail the task with what the repository does hold.
  - V(target_in_range) - only with O(target_time) - the target is not in the future and not before the end of the
    chosen set (with O(set=latest), of the oldest backup); the detail names the oldest reachable moment. With
    O(set=latest) the set restored is the newest one that ended before the target.
  - V(pgbackrest_verify) - C(pgbackrest verify --output=text --verbose) finds the set's files and its WAL archive
    valid (with C(--set) where pgBackRest offers it there, 2.55; 2.45 verifies the whole repository and only the
    set's own result and its archive count, problems elsewhere warn). Its exit code alone is not trusted (2.45 exits
    0 on a corrupted repository). Off with O(verify_repo=false).
  - V(disk_space) - the filesystem of O(scratch_base) has the backup's original size (C(pgbackrest info)) +
    O(min_free_margin_mb) free. When it fails nothing is restored.
  - V(restore) - C(pgbackrest restore --set=LABEL --pg1-path=SCRATCH/data --archive-mode=off
    --tablespace-map-all=SCRATCH/tablespaces) with C(--type=immediate) (recovery stops as soon as the backup is
    consistent) or, with O(target_time), C(--type=time --target=... ); C(--target-action=promote) either way. A
    corrupted file in the repository fails here when V(pgbackrest_verify) did not already.
  - V(instance_started) - a minimal C(postgresql.conf), C(pg_hba.conf) (C(local all <OS user> peer)) and
    C(pg_ident.conf) are written into the scratch data directory (Debian keeps the real ones in /etc/postgresql, and
    the restored ones are the live cluster's), the instance is started with C(pg_ctl) (its settings also on the
    command line, where they win over the restored C(postgresql.auto.conf); C(hot_standby=off), C(fsync=off)), and
    the recovery must end with the instance out of recovery within O(restore_timeout).
  - V(target_reached) - only with O(target_time) - the recovery stopped at the target (its log says C(recovery
    stopping before/after commit)). When the WAL to reach it is not in the repository, PostgreSQL 13 and later
    stop with C(FATAL recovery ended before configured recovery target was reached), and this check fails with it.
  - V(expected_tables) and V(min_rows) - as in M(auraflow.ops.pg_backup_verify), in O(database) of the restored
    instance. Only when O(expect_tables) / O(expect_min_rows) are set.
  - V(cleanup) - the instance was stopped (C(pg_ctl stop -m fast), then C(-m immediate), then SIGKILL to the
    postmaster and to any process still working in the directory) and the scratch directory removed; fails when
    anything outlived the run.
  - A check that depends on one that failed does not run; it is listed in RV(skipped_checks) with the reason.
  - Each run works in a new directory C(auraflow-pitr-<UTC timestamp>-<pid>-<6 hex digits>) under O(scratch_base)
    (mode 0700), holding a lock on it while it runs. Only a SIGKILL (for example an C(async) timeout) can leave one
    behind; a later run removes such a directory once its name is older than O(stale_scratch_age) and no run holds
    its lock, after stopping any instance still running in it (RV(stale_scratch_removed)).
author:
  - auraflow.ops maintainers (@auraflow)
extends_documentation_fragment:
  - ansible.builtin.action_common_attributes
  - auraflow.ops.pgbackrest
  - auraflow.ops.backup_verify
options:
  set:
    description:
      - The backup set to restore, a label from C(pgbackrest info) (for example V(20261201-013000F)), or V(latest).
      - With V(latest) and O(target_time), the newest set that ended before the target; without a target, the newest
        set.
      - A label the stanza does not hold fails the task with the labels it does hold.
    type: str
    default: latest
  target_time:
    description:
      - Recover to this moment (point-in-time recovery), an ISO 8601 time with a zone, in UTC by convention, for example
        V(2026-12-01T23:05:00Z) (fractions of a second are kept; V(+00:00) and other offsets are accepted and
        converted). A time without a zone, a malformed one and one in the future fail the task.
      - Recovery needs a committed transaction after the target in the archived WAL to know it reached the target
        (PostgreSQL's rule); without one, V(target_reached) fails.
      - Without it the restore stops at the end of the backup set.
    type: str
  database:
    description:
      - The database of the restored instance in which the content checks run and whose tables RV(tables) counts.
    type: str
    default: postgres
  probe_sql:
    description:
      - A query run in O(database) of the restored instance before it is stopped; its rows are returned in RV(probe)
        (for example the rows written around O(target_time), to show which of them the recovery kept).
      - It runs as the restored cluster's superuser of the OS user's name, in an instance that is removed afterwards.
        It is not a check - an error in it is a warning and RV(probe_error).
    type: str
  scratch_base:
    description:
      - The directory under which each run makes its scratch directory (created, mode 0700, when missing). It needs room
        for a full copy of the backup (see V(disk_space)) and must be writable by the OS user the module runs as.
    type: path
    default: /var/lib/postgresql/auraflow-pitr-scratch
  stale_scratch_age:
    description:
      - A scratch directory left by an earlier, killed run is removed (its instance stopped first) once its name's
        timestamp is older than this and no run holds its lock. A duration such as V(90s), V(45m), V(1h), V(2d), or a
        number of seconds. A directory kept with O(keep_scratch=true) is removed after this long too.
    type: raw
    default: 1h
  port:
    description:
      - The scratch instance's port. It listens on no TCP address, only on a unix socket in its own directory, so the
        port only names that socket; V(0) picks one that nothing on the host uses.
      - A port in use on this host (a TCP listener, or a PostgreSQL socket in /var/run/postgresql or /tmp) fails the task.
    type: int
    default: 0
  bin_dir:
    description:
      - Directory of the PostgreSQL server programs (C(pg_ctl), C(postgres), C(psql)) to run the scratch instance with.
      - Default C(/usr/lib/postgresql/<major version of the backup>/bin) (Debian's layout).
    type: path
  verify_repo:
    description:
      - Run C(pgbackrest verify) before restoring (the V(pgbackrest_verify) check).
    type: bool
    default: true
  restore_timeout:
    description:
      - Give up when the restore and the recovery together take longer than this (a duration like
        O(stale_scratch_age)); V(restore) or V(instance_started) then fails and the scratch instance is stopped and
        removed. It also bounds C(pgbackrest verify).
    type: raw
    default: 30m
  min_free_margin_mb:
    description:
      - Megabytes (MiB) that must stay free in O(scratch_base)'s filesystem on top of the backup's original size.
    type: int
    default: 256
  keep_scratch:
    description:
      - For debugging only. Leave the scratch directory (the restored data directory, its log) in place; the instance is
        stopped all the same. Its path is in RV(scratch). A later run removes it after O(stale_scratch_age).
    type: bool
    default: false
attributes:
  check_mode:
    support: full
    details:
      - In check mode only the read-only checks run (V(repository), V(target_in_range)); nothing is verified, restored
        or started, no leftover is removed, and the other checks are listed in RV(skipped_checks).
  diff_mode:
    support: none
  platform:
    platforms: posix
notes:
  - The scratch instance's restore_command is pgBackRest's C(archive-get) with the same O(config); it reads the
    repository and writes nothing to it.
  - With O(target_time), a stanza whose database sees no commit after the target cannot prove the target reached. The
    role's C(pitr_verify) commits one (C(SELECT txid_current())) and runs C(pgbackrest check) first.
  - The disk needed is the database's size, not the repository's (compressed) size.
seealso:
  - module: auraflow.ops.pg_backup_verify
    description: The same proof for a C(pg_dump) backup.
'''

EXAMPLES = r'''
- name: Prove the newest backup set of stanza aura restores
  auraflow.ops.pgbackrest_verify:
    stanza: aura
    database: aura_flow
    expect_tables: [users, flows]
    expect_min_rows:
      users: 1
  become: true
  become_user: postgres

- name: Prove the archive reaches a point in time, and look at the rows written around it
  auraflow.ops.pgbackrest_verify:
    stanza: aura
    target_time: "2026-12-01T23:05:00Z"
    database: aura_flow
    probe_sql: SELECT id, created_at FROM audit_log ORDER BY id DESC LIMIT 3
    restore_timeout: 1h
    fail_on_invalid: false
  become: true
  become_user: postgres
  register: pitr

- name: Report
  ansible.builtin.debug:
    msg: "{{ pitr.checks | rejectattr('ok') | map(attribute='name') | list }} (recovered to {{ pitr.recovered_to }})"
  when: not pitr.valid

- name: Only read the repository (check mode)
  auraflow.ops.pgbackrest_verify:
    stanza: aura
    set: 20261201-013000F
  check_mode: true
  become: true
  become_user: postgres
'''

RETURN = r'''
valid:
  description: Whether every check that ran passed (warnings do not count).
  returned: always
  type: bool
  sample: true
checks:
  description:
  - The checks that ran, in order. C(name) is one of V(repository), V(target_in_range), V(pgbackrest_verify), V(disk_space),
    V(restore), V(instance_started), V(target_reached), V(expected_tables), V(min_rows), V(cleanup).
  - C(severity) is C(info) for a plain pass, C(medium) for a pass with a warning, C(critical) or C(high) for a failure.
  returned: always
  type: list
  elements: dict
  contains:
    name:
      description: The check's stable name (the module's description lists them).
      type: str
    ok:
      description: Whether it passed.
      type: bool
    detail:
      description: What it found, in one line.
      type: str
    severity:
      description: One of V(info), V(medium), V(high), V(critical).
      type: str
  sample:
  - name: repository
    ok: true
    detail: 'stanza aura: 2 backups (...)'
    severity: info
  - name: target_reached
    ok: false
    detail: 'recovery ended before target_time 2026-12-01T23:05:00Z was reached: ...'
    severity: critical
skipped_checks:
  description: Checks that did not run, with the reason (an earlier failure, check mode, an option), never also
    in C(checks).
  returned: always
  type: list
  elements: dict
  contains:
    name:
      description: The check's name.
      type: str
    reason:
      description: Why it did not run.
      type: str
  sample:
  - name: restore
    reason: 'check mode: nothing is verified, restored or started'
findings:
  description: The failed and warning checks as findings (C(id) = check name, C(severity), C(message), C(evidence)),
    most severe first.
  returned: always
  type: list
  elements: dict
summary:
  description: Counts of findings per severity, the highest severity, how many fail the verdict (C(failed)) and
    C(fail_on).
  returned: always
  type: dict
  sample:
    counts:
      info: 0
      low: 0
      medium: 0
      high: 0
      critical: 0
    highest: null
    failed: 0
    fail_on: high
msg:
  description: One line - the verdict and the first failed check.
  returned: always
  type: str
  sample: 'backup 20261201-013000F of stanza aura is valid: all 7 checks passed'
backup:
  description:
  - The backup set restored (or chosen, in check mode); null when none could be chosen.
  - C(label), C(type) (V(full), V(diff), V(incr)), C(start) and C(stop) (ISO 8601 UTC), C(size_bytes) (the database's
    size), C(repo_size_bytes) (its size in the repository), C(pg_version) (the PostgreSQL major version).
  returned: always
  type: dict
  sample:
    label: 20261201-013000F
    type: full
    start: '2026-12-01T01:30:00Z'
    stop: '2026-12-01T01:34:12Z'
    size_bytes: 1073741824
    repo_size_bytes: 201326592
    pg_version: '17'
target_time:
  description: O(target_time) as understood (ISO 8601 UTC), or null.
  returned: always
  type: str
  sample: '2026-12-01T23:05:00Z'
recovered_to:
  description:
  - The commit time of the last transaction the recovery replayed (ISO 8601 UTC), from C(pg_last_xact_replay_timestamp())
    or else the recovery's log line; null when none was replayed (a backup restored to its end in an idle database).
  returned: always
  type: str
  sample: '2026-12-01T23:04:59.874311Z'
restore_seconds:
  description: Seconds from the start of C(pgbackrest restore) until the instance accepted connections out of recovery
    (restore and recovery); until the failure when one of them failed; null when no restore ran.
  returned: always
  type: float
  sample: 84.2
timings:
  description: Seconds of the phases that ran - C(verify), C(restore) (C(pgbackrest restore)), C(recovery) (start
    of the instance until it left recovery), C(content) (the counts and checks), C(cleanup).
  returned: always
  type: dict
  sample:
    verify: 3.1
    restore: 61.0
    recovery: 23.2
    content: 1.4
    cleanup: 0.9
tables:
  description: Row count of every table of O(database) in the restored instance, keyed C(schema.table) (top-level
    tables).
  returned: always
  type: dict
  sample:
    public.users: 1200
    public.flows: 48211
probe:
  description: The rows of O(probe_sql), as a list of dictionaries; null without it or when it failed (then RV(probe_error)).
  returned: always
  type: list
  elements: dict
  sample:
  - id: 41
    note: before the target
probe_error:
  description: Why O(probe_sql) failed; null otherwise.
  returned: always
  type: str
scratch:
  description:
  - The scratch directory (C(path)), the instance's C(port) and unix socket directory (C(socket_dir)), and whether
    the directory was C(removed) (V(false) with O(keep_scratch=true) and when the cleanup failed). Null when none
    was made.
  returned: always
  type: dict
  sample:
    path: /var/lib/postgresql/auraflow-pitr-scratch/auraflow-pitr-20261201231502-4242-a1b2c3
    port: 41873
    socket_dir: /var/lib/postgresql/auraflow-pitr-scratch/auraflow-pitr-20261201231502-4242-a1b2c3/run
    removed: true
stale_scratch_removed:
  description: The scratch directories of earlier, killed runs this run removed.
  returned: always
  type: list
  elements: str
pgbackrest_version:
  description: The version C(pgbackrest version) printed.
  returned: always
  type: str
  sample: 2.55.1
'''

import binascii
import errno
import fcntl
import os
import pwd
import shutil
import signal
import socket
import time

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.auraflow.ops.plugins.module_utils.durations import DurationError, parse_duration
from ansible_collections.auraflow.ops.plugins.module_utils.findings import Verdict, conclude
from ansible_collections.auraflow.ops.plugins.module_utils.pg_backup import (
    FAIL_ON,
    BackupError,
    human_bytes,
    missing_tables,
    qualify_table,
    rows_below,
    space_needed,
    validate_min_rows,
)
from ansible_collections.auraflow.ops.plugins.module_utils.pgbackrest import (
    SCRATCH_NAME,
    SOCKET_PATH_MAX,
    PgbackrestError,
    backup_summary,
    choose_backup,
    classify_recovery_log,
    find_set,
    iso_utc,
    judge_repository,
    judge_target,
    judge_target_reached,
    judge_verify,
    new_checks,
    parse_info,
    parse_target_time,
    parse_time,
    parse_verify,
    parse_version,
    pg_hba_conf,
    pgbackrest_argument_spec,
    postgresql_conf,
    postmaster_status,
    remaining_checks,
    restore_args,
    scratch_dir_name,
    server_options,
    server_settings,
    socket_path,
    stale_scratch_names,
    stanza_missing,
    stanza_names,
    verify_supports_set,
)
from ansible_collections.auraflow.ops.plugins.module_utils.pgconn import (
    Interrupted,
    PgError,
    ProcessTimeout,
    Psql,
    SignalGuard,
    error_lines,
    run_process,
    signal_name,
)

# Where a PostgreSQL on this host may have its socket: a port "in use" by a cluster listening only there.
SOCKET_DIRS = ('/var/run/postgresql', '/run/postgresql', '/tmp')
INFO_TIMEOUT = 120
PG_CTL_TIMEOUT = 60
STOP_FAST_SECONDS = 30
STOP_IMMEDIATE_SECONDS = 15
POLL_SECONDS = 0.2
# an instance that is ready but refuses the module's queries this long is not going to answer
UNUSABLE_SECONDS = 30


def argument_spec():
    spec = pgbackrest_argument_spec()
    spec.update(
        set=dict(type='str', default='latest'),
        target_time=dict(type='str'),
        database=dict(type='str', default='postgres'),
        expect_tables=dict(type='list', elements='str', default=[]),
        expect_min_rows=dict(type='dict', default={}),
        probe_sql=dict(type='str'),
        scratch_base=dict(type='path', default='/var/lib/postgresql/auraflow-pitr-scratch'),
        stale_scratch_age=dict(type='raw', default='1h'),
        port=dict(type='int', default=0),
        bin_dir=dict(type='path'),
        verify_repo=dict(type='bool', default=True),
        restore_timeout=dict(type='raw', default='30m'),
        min_free_margin_mb=dict(type='int', default=256),
        keep_scratch=dict(type='bool', default=False),
        fail_on_invalid=dict(type='bool', default=True),
    )
    return spec


# --------------------------------------------------------------------------- processes and ports

def pid_alive(pid):
    """Whether ``pid`` is a running process (a zombie, exited and waiting for its parent to reap it, is not)."""
    if not pid:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass
    stat = read_text('/proc/%d/stat' % pid)
    # the state follows the command name in parentheses, which may itself hold ') '
    state = stat.rsplit(')', 1)[-1].split()[:1]
    return not state or state[0] not in ('Z', 'X')


def works_in(pid, path):
    """Whether process ``pid`` (one this user may inspect) has its working directory in ``path`` or below."""
    try:
        cwd = os.readlink('/proc/%d/cwd' % pid)
    except OSError:
        return False
    path = os.path.realpath(path)
    return cwd == path or cwd.startswith(path + '/')


def processes_in(path):
    """PIDs of the processes (this user may inspect) whose working directory is ``path`` or below it: every
    PostgreSQL process works in its data directory, and so do the restore_command programs it starts."""
    return sorted(int(entry) for entry in os.listdir('/proc')
                  if entry.isdigit() and int(entry) != os.getpid() and works_in(int(entry), path))


def kill_all(pids, wait=5.0):
    """SIGKILL ``pids`` and wait (briefly) until they are gone; returns those still there."""
    for pid in pids:
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass
    deadline = time.monotonic() + wait
    left = [pid for pid in pids if pid_alive(pid)]
    while left and time.monotonic() < deadline:
        time.sleep(0.1)
        left = [pid for pid in left if pid_alive(pid)]
    return left


def port_in_use(port):
    """Why ``port`` counts as in use on this host (a TCP listener, a PostgreSQL socket), or None."""
    for family, address in ((socket.AF_INET, '0.0.0.0'), (getattr(socket, 'AF_INET6', None), '::')):
        if family is None:
            continue
        try:
            sock = socket.socket(family, socket.SOCK_STREAM)
        except OSError:
            continue
        try:
            sock.bind((address, port))
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                return 'something listens on TCP port %d' % port
            if exc.errno in (errno.EACCES, errno.EPERM):
                return 'TCP port %d may not be bound by this user' % port
        finally:
            sock.close()
    for directory in SOCKET_DIRS:
        if os.path.exists(socket_path(directory, port)):
            return 'a PostgreSQL server has its socket %s' % socket_path(directory, port)
    return None


def free_port():
    """A port nothing on this host uses (TCP or a PostgreSQL socket)."""
    for dummy in range(50):
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
            sock.bind(('127.0.0.1', 0))
            port = sock.getsockname()[1]
        if port_in_use(port) is None:
            return port
    raise OSError('no free port found')


def read_text(path):
    try:
        with open(path, 'r', encoding='utf-8', errors='replace') as handle:
            return handle.read()
    except OSError:
        return ''


def log_tail(text, lines=6):
    picked = [line.strip() for line in (text or '').splitlines() if line.strip()][-lines:]
    return ' | '.join(line[:240] for line in picked)


# --------------------------------------------------------------------------- the scratch directory and instance

class Scratch:
    """One run's scratch directory: ``data`` (the restored cluster), ``run`` (its socket), ``tablespaces``, the
    instance's log and a lock this run holds while it lives."""

    def __init__(self, base, port):
        self.base = base
        self.port = port
        self.path = None
        self.lock_fd = None
        self.removed = False
        self.stop_detail = None
        self.remove_error = None

    @property
    def data(self):
        return os.path.join(self.path, 'data')

    @property
    def socket_dir(self):
        return os.path.join(self.path, 'run')

    @property
    def tablespaces(self):
        return os.path.join(self.path, 'tablespaces')

    @property
    def log(self):
        return os.path.join(self.path, 'postgres.log')

    def create(self):
        if not os.path.isdir(self.base):
            os.makedirs(self.base, 0o700)
            os.chmod(self.base, 0o700)
        name = scratch_dir_name(time.time(), os.getpid(), binascii.hexlify(os.urandom(3)).decode('ascii'))
        path = os.path.join(self.base, name)
        os.mkdir(path, 0o700)
        self.path = path
        os.chmod(path, 0o700)
        self.lock_fd = os.open(os.path.join(path, 'lock'), os.O_CREAT | os.O_RDWR, 0o600)
        fcntl.flock(self.lock_fd, fcntl.LOCK_EX)
        for directory in (self.data, self.socket_dir, self.tablespaces):
            os.mkdir(directory, 0o700)
            os.chmod(directory, 0o700)
        return self

    def postmaster(self):
        """``(pid, status)`` of the instance's postmaster.pid, or None."""
        return postmaster_status(read_text(os.path.join(self.data, 'postmaster.pid')))

    def release(self):
        if self.lock_fd is not None:
            try:
                os.close(self.lock_fd)
            except OSError:
                pass
            self.lock_fd = None


def stop_instance(pg_ctl, data, path):
    """Stop the instance of ``data``: pg_ctl fast, then immediate, then SIGKILL to the postmaster and to every
    process still working under ``path``. Returns ``(how, processes left)``."""
    status = postmaster_status(read_text(os.path.join(data, 'postmaster.pid')))
    # a postmaster.pid outlives a crash or a reboot, and its PID may since belong to another process (the live
    # cluster's, even): only a process working in this data directory is this instance
    pid = status[0] if status and pid_alive(status[0]) and works_in(status[0], data) else None
    steps = []
    if pid_alive(pid) and pg_ctl:
        for mode, seconds in (('fast', STOP_FAST_SECONDS), ('immediate', STOP_IMMEDIATE_SECONDS)):
            try:
                rc, dummy, err = run_process([pg_ctl, '-D', data, '-m', mode, '-w', '-t', str(seconds), 'stop'],
                                             timeout=seconds + 10)
            except ProcessTimeout:
                rc, err = None, 'pg_ctl did not return'
            steps.append('pg_ctl stop -m %s: %s' % (mode, 'done' if rc == 0 else (error_lines(err) or 'exit %s' % rc)))
            if not pid_alive(pid):
                break
    if pid_alive(pid):
        left = kill_all([pid])
        steps.append('SIGKILL to the postmaster %d%s' % (pid, '' if not left else ': still there'))
    others = processes_in(path)
    if others:
        left = kill_all(others)
        steps.append('SIGKILL to %d process(es) still working in the directory (%s)%s' % (
            len(others), ', '.join(str(p) for p in others), '' if not left else ': %s still there' % left))
    return '; '.join(steps) or 'no instance was running', processes_in(path)


# --------------------------------------------------------------------------- the verification

class Verifier:
    """One verification: runs the checks in order and fills ``self.result``."""

    def __init__(self, module, settings):
        self.module = module
        self.params = module.params
        self.settings = settings
        self.checks = new_checks()
        self.info = None
        self.backup = None
        self.pgbackrest = None
        self.programs = {}
        self.scratch = None
        self.phase = 'the repository checks'
        self.log_info = None
        self.started = None
        self.user = None
        self.result = dict(
            changed=False, valid=False, checks=[], skipped_checks=[], findings=[], summary=None, backup=None,
            target_time=iso_utc(settings['target']) if settings['target'] else None, recovered_to=None,
            restore_seconds=None, timings={}, tables={}, probe=None, probe_error=None, scratch=None,
            stale_scratch_removed=[], pgbackrest_version=None,
        )

    # ------------------------------------------------------------------ helpers

    def wanted(self, name):
        if name in ('target_in_range', 'target_reached'):
            return self.settings['target'] is not None
        if name == 'expected_tables':
            return bool(self.params['expect_tables'])
        if name == 'min_rows':
            return bool(self.settings['min_rows'])
        return True

    def skip_rest(self, after, reason):
        """Skip the wanted checks after ``after``; ``cleanup`` too unless a scratch directory is on its way (its
        cleanup then always runs and reports)."""
        names = remaining_checks(after, self.wanted)
        if self.scratch is not None:
            names = [name for name in names if name != 'cleanup']
        self.checks.skip_rest(names, reason)

    def finish(self):
        self.result['checks'] = self.checks.items
        self.result['skipped_checks'] = self.checks.skipped
        findings = self.checks.findings()
        self.result['findings'] = [finding.as_dict() for finding in findings]
        self.result['summary'] = Verdict(findings, FAIL_ON).summary
        self.result['valid'] = self.checks.valid()
        return self.result

    def fail(self, msg):
        """An error that is not a verdict on the backup: fail the task whatever fail_on_invalid says."""
        self.module.fail_json(msg=msg, **self.finish())

    def pgbackrest_cmd(self, *args):
        return [self.pgbackrest, '--config=%s' % self.params['config'], '--stanza=%s' % self.params['stanza']] + list(args)

    def repo_option(self):
        """``--repo=N`` when the stanza lives in more than one repository (the set's own), else nothing."""
        if self.info and len(self.info['repos']) > 1 and self.backup and self.backup.get('repo_key'):
            return ['--repo=%s' % self.backup['repo_key']]
        return []

    # ------------------------------------------------------------------ the checks

    def run(self):
        if not self.check_repository():
            return self.finish()
        if self.wanted('target_in_range'):
            self.check_target_in_range()
        if self.module.check_mode:
            self.skip_rest('target_in_range', 'check mode: nothing is verified, restored or started')
            return self.finish()
        if self.checks.failed():
            self.skip_rest('target_in_range', 'an earlier check failed (%s)' % ', '.join(self.checks.failed()))
            return self.finish()
        self.find_programs()
        self.remove_stale_scratch()
        if self.params['verify_repo']:
            if not self.check_verify():
                self.skip_rest('pgbackrest_verify', 'pgbackrest verify did not pass: nothing was restored')
                return self.finish()
        else:
            self.checks.skip('pgbackrest_verify', 'verify_repo=false')
        if not self.check_disk_space():
            self.skip_rest('disk_space', 'too little free space: nothing was restored')
            return self.finish()
        self.restore_and_check()
        return self.finish()

    def check_repository(self):
        self.pgbackrest = self.module.get_bin_path('pgbackrest')
        if not self.pgbackrest:
            self.fail('pgbackrest not found on PATH; install it (Debian: apt-get install pgbackrest)')
        rc, out, err = run_process([self.pgbackrest, 'version'], capture_stdout=True, timeout=INFO_TIMEOUT)
        self.result['pgbackrest_version'] = parse_version(out)
        stanza, config = self.params['stanza'], self.params['config']
        rc, out, err = run_process(self.pgbackrest_cmd('--output=json', 'info'), capture_stdout=True, timeout=INFO_TIMEOUT)
        if rc != 0:
            detail = 'pgbackrest info failed (exit %d): %s' % (rc, error_lines(err) or out.strip()[:300] or 'no error text')
            self.checks.add('repository', False, detail)
            self.fail('stanza %s (config %s): %s' % (stanza, config, detail))
        try:
            self.info = parse_info(out, stanza)
        except PgbackrestError as exc:
            self.checks.add('repository', False, str(exc))
            self.fail('stanza %s (config %s): %s' % (stanza, config, exc))
        if stanza_missing(self.info):
            known = self.known_stanzas()
            detail = ('stanza %s is not in the repository of %s (pgBackRest: %s); stanzas there: %s'
                      % (stanza, config, self.info['status_message'], known))
            self.checks.add('repository', False, detail)
            self.fail(detail + '. Check the stanza name, the repository (repo1-path) in the configuration, and that '
                      'stanza-create ran')
        ok, detail = judge_repository(self.info, stanza)
        if not ok:
            self.checks.add('repository', False, detail)
            self.skip_rest('repository', 'the repository check failed')
            return False
        backups = self.info['backups']
        try:
            if self.params['set'] not in ('', 'latest'):
                self.backup = find_set(backups, self.params['set'])
            elif self.settings['target'] is None:
                self.backup = choose_backup(backups, 'latest')
        except PgbackrestError as exc:
            self.checks.add('repository', True, detail)
            self.fail('stanza %s: %s' % (stanza, exc))
        if self.backup:
            detail += '; set %s chosen' % self.backup['label']
            self.result['backup'] = backup_summary(self.backup)
            if self.backup['error']:
                self.module.warn('pgBackRest flagged backup %s with errors (page checksum errors found while it was taken)'
                                 % self.backup['label'])
                return self.checks.add('repository', True, detail + '; pgBackRest flagged this set with errors (page '
                                       'checksums) while taking it', warning=True)
        return self.checks.add('repository', True, detail)

    def known_stanzas(self):
        try:
            rc, out, dummy = run_process([self.pgbackrest, '--config=%s' % self.params['config'], '--output=json', 'info'],
                                         capture_stdout=True, timeout=INFO_TIMEOUT)
            names = stanza_names(out) if rc == 0 else []
        except (PgbackrestError, ProcessTimeout):
            names = []
        return ', '.join(names) or 'none'

    def check_target_in_range(self):
        try:
            ok, detail, backup = judge_target(self.settings['target'], self.info['backups'], self.params['set'])
        except PgbackrestError as exc:
            self.fail(str(exc))
        if backup:
            self.backup = backup
            self.result['backup'] = backup_summary(backup)
        return self.checks.add('target_in_range', ok, detail)

    def find_programs(self):
        version = self.backup['pg_version']
        if not version and not self.params['bin_dir']:
            self.fail('pgbackrest info does not tell the PostgreSQL version of backup %s; set bin_dir' % self.backup['label'])
        bin_dir = self.params['bin_dir'] or '/usr/lib/postgresql/%s/bin' % version
        missing = [name for name in ('pg_ctl', 'postgres', 'psql') if not os.access(os.path.join(bin_dir, name), os.X_OK)]
        if missing:
            self.fail('the PostgreSQL server programs are not in %s (missing: %s); backup %s was taken from PostgreSQL %s: '
                      'install postgresql-%s or set bin_dir' % (bin_dir, ', '.join(missing), self.backup['label'], version, version))
        self.programs = dict((name, os.path.join(bin_dir, name)) for name in ('pg_ctl', 'postgres', 'psql'))

    def remove_stale_scratch(self):
        """Remove what a killed earlier run (SIGKILL, an async timeout) left: old scratch directories no run holds."""
        base, max_age = self.params['scratch_base'], self.settings['stale_scratch_age']
        try:
            names = os.listdir(base)
        except OSError:
            return
        removed, kept = [], []
        for name in stale_scratch_names(sorted(names), max_age):
            path = os.path.join(base, name)
            why = self.remove_one_stale(path)
            if why:
                kept.append('%s (%s)' % (path, why))
            else:
                removed.append(path)
        self.result['stale_scratch_removed'] = removed
        if removed:
            self.module.warn('removed the scratch directories of earlier, killed runs (older than stale_scratch_age %ss): %s'
                             % (max_age, ', '.join(removed)))
        for what in kept:
            self.module.warn('left in place: %s' % what)

    def remove_one_stale(self, path):
        """Stop the instance in a stale scratch directory and remove it; returns why not, or None."""
        if os.path.islink(path) or not os.path.isdir(path):
            return 'not a directory'
        if os.lstat(path).st_uid != os.geteuid():
            return 'owned by another user'
        fd = None
        try:
            fd = os.open(os.path.join(path, 'lock'), os.O_CREAT | os.O_RDWR, 0o600)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                return 'a running verification holds it'
            how, left = stop_instance(self.programs.get('pg_ctl'), os.path.join(path, 'data'), path)
            if left:
                return 'processes still running in it: %s (%s)' % (left, how)
            shutil.rmtree(path)
        except OSError as exc:
            return str(exc)
        finally:
            if fd is not None:
                os.close(fd)
        return None

    def check_verify(self):
        self.phase = 'pgbackrest verify'
        rc, help_text, dummy = run_process([self.pgbackrest, 'help', 'verify'], capture_stdout=True, timeout=INFO_TIMEOUT)
        with_set = verify_supports_set(help_text)
        args = ['--output=text', '--verbose'] + (['--set=%s' % self.backup['label']] if with_set else []) + self.repo_option()
        timeout = self.settings['restore_timeout']
        started = time.monotonic()
        try:
            rc, out, err = run_process(self.pgbackrest_cmd(*args + ['verify']), capture_stdout=True, timeout=timeout)
        except ProcessTimeout:
            self.result['timings']['verify'] = round(time.monotonic() - started, 3)
            return self.checks.add('pgbackrest_verify', False, 'pgbackrest verify ran longer than restore_timeout (%ss) and was '
                                   'stopped' % timeout)
        self.result['timings']['verify'] = round(time.monotonic() - started, 3)
        ok, detail, warning = judge_verify(parse_verify(out), rc, error_lines(err), self.backup)
        if not with_set:
            detail += ' (pgBackRest %s has no --set on verify: the whole repository was verified)' % (
                self.result['pgbackrest_version'] or '')
        if warning:
            self.module.warn('pgbackrest verify: %s' % detail)
        return self.checks.add('pgbackrest_verify', ok, detail, warning=warning)

    def check_disk_space(self):
        base = self.params['scratch_base']
        where = base
        while not os.path.exists(where) and os.path.dirname(where) != where:
            where = os.path.dirname(where)
        try:
            stat = os.statvfs(where)
        except OSError as exc:
            return self.checks.add('disk_space', False, 'not restored: the free space of %s cannot be read (%s)' % (where, exc))
        free = stat.f_bavail * stat.f_frsize
        size = int(self.backup['size_bytes'] or 0)
        margin = self.params['min_free_margin_mb']
        needed = space_needed(size, 1, margin * 1024 * 1024)
        numbers = '%s free on the filesystem of %s; needed %s = the backup\'s original size %s + min_free_margin_mb %d' % (
            human_bytes(free), where, human_bytes(needed), human_bytes(size), margin)
        if free < needed:
            return self.checks.add('disk_space', False, 'not restored: %s. Free space, or point scratch_base at a bigger '
                                   'filesystem' % numbers)
        return self.checks.add('disk_space', True, numbers)

    # ------------------------------------------------------------------ the scratch instance

    def restore_and_check(self):
        scratch = Scratch(self.params['scratch_base'], self.settings['port'])
        self.scratch = scratch
        guard = SignalGuard().install()  # a signal unwinds to the cleanup below
        interrupted = error = None
        try:
            scratch.port = scratch.port or free_port()
            scratch.create()
            self.result['scratch'] = {'path': scratch.path, 'port': scratch.port, 'socket_dir': scratch.socket_dir,
                                      'removed': False}
            deadline = time.monotonic() + self.settings['restore_timeout']
            self.phase = 'the restore'
            if not self.restore(scratch, deadline):
                self.skip_rest('restore', 'the restore failed')
            else:
                self.phase = 'the recovery'
                if self.start_instance(scratch, deadline):
                    self.phase = 'the content checks'
                    self.content_checks(scratch, deadline)
        except Interrupted as exc:
            interrupted = exc
        except OSError as exc:
            error = 'the scratch directory under %s: %s' % (self.params['scratch_base'], exc)
        finally:
            guard.defer()
            try:
                self.cleanup(scratch)
            finally:
                guard.restore()
        if interrupted is None and guard.pending is not None:
            interrupted = Interrupted(guard.pending)
        if interrupted is not None:
            self.fail_interrupted(interrupted)
        if error:
            self.fail(error)

    def restore(self, scratch, deadline):
        target = self.settings['target']
        repo = self.backup['repo_key'] if self.repo_option() else None
        args = restore_args(self.params['config'], self.params['stanza'], scratch.data, self.backup['label'], target,
                            scratch.tablespaces, repo)
        self.started = time.monotonic()
        try:
            rc, dummy, err = run_process([self.pgbackrest] + args, timeout=max(1.0, deadline - time.monotonic()))
        except ProcessTimeout:
            self.note_restore_time()
            return self.checks.add('restore', False, 'pgbackrest restore ran longer than restore_timeout (%ss) and was stopped'
                                   % self.settings['restore_timeout'])
        seconds = self.note_restore_time()
        self.result['timings']['restore'] = seconds
        what = 'backup %s (%s, %s)' % (self.backup['label'], self.backup['type'], human_bytes(int(self.backup['size_bytes'] or 0)))
        if rc != 0:
            return self.checks.add('restore', False, 'pgbackrest restore of %s failed (exit %d) after %.1fs: %s'
                                   % (what, rc, seconds, error_lines(err) or 'no error text'))
        to = 'to %s' % iso_utc(target) if target else 'to the end of the backup'
        return self.checks.add('restore', True, 'pgbackrest restored %s into %s in %.1fs (recovery %s, archive-mode off)'
                               % (what, scratch.data, seconds, to))

    def note_restore_time(self):
        seconds = round(time.monotonic() - self.started, 3)
        self.result['restore_seconds'] = seconds
        return seconds

    def write_config(self, scratch):
        settings = server_settings(scratch.port, scratch.socket_dir, scratch.data)
        user = pwd.getpwuid(os.geteuid()).pw_name
        for name, text in (('postgresql.conf', postgresql_conf(settings)), ('pg_hba.conf', pg_hba_conf(user)),
                           ('pg_ident.conf', '')):
            path = os.path.join(scratch.data, name)
            if os.path.lexists(path):
                os.unlink(path)
            fd = os.open(path, os.O_CREAT | os.O_WRONLY | os.O_EXCL, 0o600)
            with os.fdopen(fd, 'w', encoding='utf-8') as handle:
                handle.write(text)
        return settings, user

    def start_instance(self, scratch, deadline):
        settings, user = self.write_config(scratch)
        self.user = user
        recovery_started = time.monotonic()
        cmd = [self.programs['pg_ctl'], '-D', scratch.data, '-l', scratch.log, '-W', '-s', '-o', server_options(settings), 'start']
        try:
            rc, dummy, err = run_process(cmd, timeout=PG_CTL_TIMEOUT)
        except ProcessTimeout:
            rc, err = -1, 'pg_ctl start did not return within %ds' % PG_CTL_TIMEOUT
        if rc != 0:
            self.checks.add('instance_started', False, 'pg_ctl start failed (exit %d): %s; log: %s' % (
                rc, error_lines(err) or 'no error text', log_tail(read_text(scratch.log))))
            self.skip_rest('instance_started', 'the instance did not start')
            return False
        outcome, detail = self.wait_for_recovery(scratch, deadline)
        self.result['timings']['recovery'] = round(time.monotonic() - recovery_started, 3)
        self.note_restore_time()
        log = self.log_info
        target = self.settings['target']
        if outcome == 'ready':
            self.checks.add('instance_started', True, detail)
            if target is not None:
                ok, why = judge_target_reached(log, target, self.result['recovered_to'])
                self.checks.add('target_reached', ok, why)
            return True
        if target is not None and log and log['outcome'] in ('target_not_reached', 'before_consistency'):
            if log['consistent']:
                self.checks.add('instance_started', True, 'the instance started and replayed the archived WAL (consistent '
                                'at the end of the backup, last replayed commit %s), then stopped: the target was not '
                                'reached (see target_reached)' % (log['last_commit'] or 'none'))
            else:
                self.checks.add('instance_started', False, detail)
            ok, why = judge_target_reached(log, target, self.result['recovered_to'])
            self.checks.add('target_reached', ok, why)
            self.skip_rest('target_reached', 'the instance is not running: the target was not reached')
            return False
        self.checks.add('instance_started', False, detail)
        self.skip_rest('instance_started', 'the instance did not finish its recovery')
        return False

    def wait_for_recovery(self, scratch, deadline):
        """Wait until the instance accepts connections out of recovery (``ready``), stops (``exited``) or the
        deadline passes (``timeout``); returns ``(outcome, detail)``."""
        started = time.monotonic()
        seen_pid = unusable_since = None
        psql = Psql(self.programs['psql'], {'login_user': self.user, 'login_unix_socket': scratch.socket_dir,
                                            'login_port': scratch.port, 'connect_timeout': 5}, timeout=30)
        while True:
            status = scratch.postmaster()
            text = read_text(scratch.log)
            self.log_info = log = classify_recovery_log(text)
            self.result['recovered_to'] = log['last_commit']
            if status:
                seen_pid = status[0]
            if status and status[1] == 'ready' and pid_alive(status[0]):
                try:
                    state = psql.query_json("SELECT json_build_object('recovery', pg_is_in_recovery(), "
                                            "'replay', pg_last_xact_replay_timestamp())", dbname='postgres')
                except (PgError, ProcessTimeout) as exc:
                    state = {'error': str(exc)}
                if state.get('error'):
                    unusable_since = unusable_since or time.monotonic()
                    if time.monotonic() - unusable_since > UNUSABLE_SECONDS:
                        return 'unusable', ('the instance accepts connections but cannot be queried as %s on its socket '
                                            'for %ds: %s' % (self.user, UNUSABLE_SECONDS, state['error']))
                elif not state.get('recovery'):
                    if state.get('replay'):
                        try:
                            self.result['recovered_to'] = iso_utc(parse_time(state['replay'], 'the replay timestamp'))
                        except PgbackrestError:
                            pass
                    return 'ready', self.ready_detail(scratch, log, time.monotonic() - started)
            alive = pid_alive(seen_pid) if seen_pid else None
            if alive is False or (seen_pid is None and (log['fatal'] or time.monotonic() - started > PG_CTL_TIMEOUT)):
                text = read_text(scratch.log)
                self.log_info = log = classify_recovery_log(text)
                return 'exited', 'the instance stopped during its recovery%s; log: %s' % (
                    ': ' + '; '.join(log['fatal'][:3]) if log['fatal'] else '', log_tail(text))
            if time.monotonic() > deadline:
                return 'timeout', ('the recovery did not finish within restore_timeout (%ss, restore included); log: %s'
                                   % (self.settings['restore_timeout'], log_tail(text)))
            time.sleep(POLL_SECONDS)

    def ready_detail(self, scratch, log, seconds):
        parts = ['started on port %d (unix socket %s only) and out of recovery after %.1fs' % (
            scratch.port, scratch.socket_dir, seconds)]
        if log['stop'] == 'consistency':
            parts.append('recovery stopped at the end of the backup (consistent)')
        elif log['stop']:
            parts.append('recovery stopped %s the commit at %s' % (log['stop'], log['stop_time']))
        if log['timeline']:
            parts.append('promoted to timeline %d' % log['timeline'])
        parts.append('last replayed commit %s' % (self.result['recovered_to'] or 'none'))
        return '; '.join(parts)

    def content_checks(self, scratch, deadline):
        started = time.monotonic()
        database = self.params['database']
        psql = Psql(self.programs['psql'], {'login_user': self.user, 'login_unix_socket': scratch.socket_dir,
                                            'login_port': scratch.port, 'connect_timeout': 10}, timeout=60)
        content = [name for name in ('expected_tables', 'min_rows') if self.wanted(name)]
        try:
            counts = psql.table_counts(database, timeout=max(60.0, deadline - time.monotonic()))
        except (PgError, ProcessTimeout) as exc:
            counts = None
            problem = 'the tables of database %s in the restored instance cannot be counted: %s' % (database, exc)
            for name in content:
                self.checks.add(name, False, problem)
            if not content:
                self.module.warn(problem)
        if counts is not None:
            self.result['tables'] = dict(sorted(counts.items()))
            if 'expected_tables' in content:
                self.check_expected_tables(database)
            if 'min_rows' in content:
                self.check_min_rows()
        if self.params['probe_sql']:
            try:
                self.result['probe'] = psql.query_json(
                    "SELECT coalesce(json_agg(row_to_json(probe)), '[]'::json) FROM (%s) probe"
                    % self.params['probe_sql'].strip().rstrip(';'), dbname=database)
            except (PgError, ProcessTimeout) as exc:
                self.result['probe_error'] = str(exc)
                self.module.warn('probe_sql failed: %s' % exc)
        self.result['timings']['content'] = round(time.monotonic() - started, 3)

    def check_expected_tables(self, database):
        missing = missing_tables(self.params['expect_tables'], self.result['tables'])
        if missing:
            return self.checks.add('expected_tables', False, 'missing from database %s of the restored instance: %s'
                                   % (database, ', '.join(missing)))
        return self.checks.add('expected_tables', True, 'all %d expected tables are in database %s of the restored instance'
                               % (len(self.params['expect_tables']), database))

    def check_min_rows(self):
        low = rows_below(self.settings['min_rows'], self.result['tables'])
        if low:
            parts = ['%s: %s < %d' % (table, 'absent' if count is None else '%d rows' % count, minimum) for table, count, minimum in low]
            return self.checks.add('min_rows', False, '; '.join(parts))
        return self.checks.add('min_rows', True, ', '.join('%s: %d rows >= %d' % (
            qualify_table(name), self.result['tables'][qualify_table(name)], minimum)
            for name, minimum in sorted(self.settings['min_rows'].items())))

    def cleanup(self, scratch):
        """Stop the instance and remove the directory (signals are deferred meanwhile); the ``cleanup`` check."""
        if scratch.path is None:
            self.checks.skip('cleanup', 'no scratch directory was made')
            return
        started = time.monotonic()
        how, left = stop_instance(self.programs.get('pg_ctl'), scratch.data, scratch.path)
        scratch.stop_detail = how
        if self.params['keep_scratch']:
            scratch.release()
            detail = 'instance stopped (%s); directory %s kept (keep_scratch=true): remove it when done' % (how, scratch.path)
            if left:
                self.checks.add('cleanup', False, 'processes still running in %s: %s; %s' % (scratch.path, left, how))
            else:
                self.checks.add('cleanup', True, detail, warning=True)
        else:
            if not left:
                try:
                    shutil.rmtree(scratch.path)
                    scratch.removed = True
                except OSError as exc:
                    scratch.remove_error = str(exc)
            scratch.release()
            if scratch.removed:
                self.checks.add('cleanup', True, 'instance stopped (%s) and %s removed' % (how, scratch.path))
            else:
                self.checks.add('cleanup', False, '%s was not removed: %s (%s); stop what runs there and remove it by hand' % (
                    scratch.path, 'processes still running in it: %s' % left if left else scratch.remove_error, how))
        self.result['scratch']['removed'] = scratch.removed
        self.result['timings']['cleanup'] = round(time.monotonic() - started, 3)

    def fail_interrupted(self, exc):
        scratch = self.scratch
        if scratch is None or scratch.path is None:
            fate = 'no scratch directory had been made'
        elif scratch.removed:
            fate = 'its instance stopped and the scratch directory %s removed' % scratch.path
        elif self.params['keep_scratch']:
            fate = 'its instance stopped; the scratch directory %s kept (keep_scratch=true)' % scratch.path
        else:
            fate = 'the scratch directory %s NOT removed (%s); remove it by hand' % (
                scratch.path, scratch.remove_error or 'processes still running in it')
        self.module.fail_json(msg='interrupted by %s during %s; %s' % (signal_name(exc.signum), self.phase, fate), **self.finish())


def settings_from(module):
    """Validate the parameters that need more than the argument spec; fail_json on bad input."""
    params = module.params
    out = {}
    if os.geteuid() == 0:
        module.fail_json(msg='pgbackrest_verify runs as the PostgreSQL OS user, not as root (become_user: postgres): pg_ctl '
                         'refuses root, and a data directory restored as root would not start')
    config = params['config']
    if not os.path.exists(config):
        module.fail_json(msg='the pgBackRest configuration %s does not exist (config)' % config)
    if not os.path.isfile(config) or not os.access(config, os.R_OK):
        module.fail_json(msg='the pgBackRest configuration %s is not a file readable by %s (config)'
                         % (config, pwd.getpwuid(os.geteuid()).pw_name))
    if not params['stanza'] or not params['stanza'].strip():
        module.fail_json(msg='stanza must not be empty')
    try:
        out['target'] = None if params['target_time'] in (None, '') else parse_target_time(params['target_time'])
    except PgbackrestError as exc:
        module.fail_json(msg=str(exc))
    for name, minimum in (('restore_timeout', 1), ('stale_scratch_age', 1)):
        try:
            out[name] = parse_duration(params[name])
        except DurationError as exc:
            module.fail_json(msg='%s: %s' % (name, exc))
        if out[name] < minimum:
            module.fail_json(msg='%s must be at least %ds' % (name, minimum))
    try:
        out['min_rows'] = validate_min_rows(params['expect_min_rows'])
        for name in params['expect_tables']:
            qualify_table(name)
    except BackupError as exc:
        module.fail_json(msg=str(exc))
    if not params['database']:
        module.fail_json(msg='database must not be empty')
    if params['min_free_margin_mb'] < 0:
        module.fail_json(msg='min_free_margin_mb must be 0 or more')
    port = params['port']
    if port < 0 or port > 65535:
        module.fail_json(msg='port must be 0 (pick a free one) or 1-65535, got %d' % port)
    if port and not module.check_mode:
        why = port_in_use(port)
        if why:
            module.fail_json(msg='port %d is in use on this host: %s; give another port, or 0 to pick a free one' % (port, why))
    out['port'] = port
    base = params['scratch_base']
    longest = socket_path(os.path.join(base, scratch_dir_name(0, 4194304, 'ffffff'), 'run'), 65535)
    if len(longest.encode('utf-8')) > SOCKET_PATH_MAX:
        module.fail_json(msg='scratch_base %s is too long: the instance\'s unix socket %s would exceed %d bytes; choose a '
                         'shorter path' % (base, longest, SOCKET_PATH_MAX))
    if os.path.exists(base) and (not os.path.isdir(base) or not os.access(base, os.W_OK | os.X_OK)):
        module.fail_json(msg='scratch_base %s is not a directory writable by %s' % (base, pwd.getpwuid(os.geteuid()).pw_name))
    if not base.startswith('/') or SCRATCH_NAME.match(os.path.basename(base.rstrip('/'))):
        module.fail_json(msg='scratch_base must be an absolute path of its own, not a scratch directory: %s' % base)
    return out


def main():
    module = AnsibleModule(argument_spec=argument_spec(), supports_check_mode=True)
    settings = settings_from(module)
    verifier = Verifier(module, settings)
    guard = SignalGuard().install()  # a signal stops the pgbackrest programs too, and fails cleanly
    try:
        result = verifier.run()
    except Interrupted as exc:
        verifier.fail_interrupted(exc)
    finally:
        guard.restore()
    label = result['backup']['label'] if result['backup'] else '(none chosen)'
    what = 'backup %s of stanza %s%s' % (label, module.params['stanza'],
                                         ' recovered to %s' % result['target_time'] if result['target_time'] else '')
    if module.check_mode:
        result['msg'] = 'check mode: %s: %s (nothing restored)' % (what, verifier.checks.summary())
    else:
        result['msg'] = '%s is %s: %s' % (what, 'valid' if result['valid'] else 'not valid', verifier.checks.summary())
    conclude(module, result, failed=not result['valid'] and module.params['fail_on_invalid'])


if __name__ == '__main__':
    main()
