#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, auraflow.ops maintainers
# MIT License (see LICENSE)

from __future__ import annotations

DOCUMENTATION = r'''
---
module: pg_backup_verify
short_description: Tell whether a PostgreSQL backup can be trusted, by restoring it into a scratch database
version_added: 0.1.0
description:
  - Checks a C(pg_dump) backup (custom C(-Fc), directory C(-Fd), tar C(-Ft), plain SQL or gzip-compressed plain SQL)
    and, by default, restores it into a freshly created scratch database on the given server, counts the rows of every
    restored table, runs the content checks and then B(always) drops the scratch database - also when a check or the
    restore fails and when the module is interrupted by SIGINT, SIGTERM or SIGHUP.
  - 'The backup is treated as untrusted: it is restored B(only as an unprivileged role). Each run creates a throwaway
    login role (NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS, a member of no role, so without
    C(pg_execute_server_program) or C(pg_read_server_files); a random password sent as a SCRAM verifier) that owns the
    scratch database, and C(pg_restore) / C(psql) connect as that role, never as O(login_user). Whatever the backup
    contains - C(COPY ... TO PROGRAM), C(CREATE ROLE ... SUPERUSER), C(ALTER SYSTEM), a function or CHECK constraint
    doing such things while the data load - fails by privilege, in every format. The role is dropped with the database.'
  - A backup counts as valid only when every check that ran passed. A readable table of contents is not enough - the
    data must restore.
  - 'The checks, in the order they run (their names are a stable contract): V(exists), V(non_empty), V(format),
    V(min_size), V(checksum), V(toc), V(age), V(disk_space), V(restore), V(expected_tables), V(min_rows).'
  - V(exists) - the path exists. When it fails nothing else runs.
  - V(non_empty) - the file (or the directory's files) holds at least one byte. When it fails nothing else runs.
  - V(format) - the content is a dump in a supported format (detected by magic bytes and SQL heuristics, never by the
    file name), and the one requested by O(format) when that is not V(auto).
  - V(min_size) - at least O(min_size) bytes. Only when O(min_size) is set.
  - V(checksum) - the sha256 equals O(checksum), or else the one in the sidecar C(PATH.sha256) (C(sha256sum) or
    C(sha256sum --tag) format; for a directory, one line per file, and every file must be listed). Without either,
    the check passes with severity C(medium) and a warning, as unverified.
  - V(toc) - the archive is readable. For custom, directory and tar archives C(pg_restore --list) must succeed; when
    no restore runs (O(restore_test=false) or check mode) C(pg_restore --file=/dev/null) additionally reads and
    decompresses all the data. For plain SQL the whole file is read (gzip CRC included), and a file with pg_dump's
    header must end with pg_dump's C(-- PostgreSQL database dump complete) footer (a cut-off file does not).
  - V(age) - the backup is not older than O(max_age). Only when O(max_age) is set; RV(age_seconds) is always returned.
  - V(disk_space) - before anything is restored, the filesystem of the server's data directory (C(SHOW data_directory),
    measured with C(statvfs) on the host the module runs on, so run it on the database host) has at least
    O(min_free_factor) x the estimated restored size + O(min_free_margin_mb) free. The estimate is O(restored_size) when
    given, else the size of the live database the archive was dumped from (its C(dbname)) when that exists on the server,
    else the dump's size x 5 (for the compressed custom, directory and gzip formats) or x 2 (plain SQL, tar,
    uncompressed archives). When
    it fails nothing is restored. O(min_free_factor=0) together with O(min_free_margin_mb=0) turns it off (a warning).
  - V(restore) - the backup restores without any error into a scratch database, as the scratch database's unprivileged
    role (C(pg_restore --exit-on-error --no-owner --no-privileges --no-subscriptions), with C(-j) O(jobs) for custom and
    directory archives; C(psql -X -v ON_ERROR_STOP=1 --single-transaction) for plain SQL). Ownership and privileges are
    not restored, as with C(--no-owner --no-privileges) (for plain SQL the C(ALTER ... OWNER TO), C(SET SESSION
    AUTHORIZATION), C(GRANT), C(REVOKE) and C(ALTER DEFAULT PRIVILEGES) statements are left out); unless O(no_owner=true),
    a role the dump makes an owner that does not exist on the server fails this check, as a real restore would.
    Extensions of the dump that only a superuser may create (for example C(pg_stat_statements)) and that go into schema
    C(public) are created first by O(login_user) in the still empty scratch database, from the server's own scripts;
    the dump's C(CREATE EXTENSION) and C(COMMENT ON EXTENSION) for them are left out. Trusted extensions are created by
    the role itself; others fail by privilege.
  - Plain SQL is read by a lexer that follows psql's own (quotes, C(E'') and continued literals, quoted names, dollar
    quotes, nested comments, parentheses and C(BEGIN ATOMIC) bodies, C(COPY ... FROM stdin) data). It is not restored,
    and fails this check, when it holds a psql meta-command (a backslash anywhere outside literals, comments and COPY
    data - C(\!), C(\connect), C(\copy), C(\o), C(\g), ...; only pg_dump's own C(\restrict KEY) / C(\unrestrict KEY)
    lines are allowed), a statement acting on the cluster (CREATE/ALTER/DROP DATABASE/ROLE/USER/GROUP/TABLESPACE, ALTER
    SYSTEM), a standard string literal whose end depends on C(standard_conforming_strings) (a backslash before its closing
    quote), C(COPY ... FROM stdin) followed by more on its line, or is a pg_dumpall file. The same lexer filters the SQL on
    its way to psql, so a file changed after the V(toc) check is stopped before psql reads a refused line.
  - V(expected_tables) - every table of O(expect_tables) exists (in the restored database; without a restore, in the
    archive's table of contents or the plain SQL's CREATE TABLE statements). Only when O(expect_tables) is set.
  - V(min_rows) - each table of O(expect_min_rows) has at least that many rows in the restored database. Only when
    O(expect_min_rows) is set.
  - V(restore) runs only when every earlier check passed; V(expected_tables) and V(min_rows) need a successful
    restore when one runs; V(toc) needs V(format). A check that did not run is listed in RV(skipped_checks) with the reason,
    never in RV(checks).
  - The restore uses the PostgreSQL client programs (C(psql), C(pg_restore); Debian package C(postgresql-client)) on
    the host the module runs on; no Python driver is needed. C(pg_restore) must be as new as the C(pg_dump) that made
    the archive.
  - The scratch database and its role are both named C(auraflow_verify_<UTC timestamp>_<pid>_<6 hex digits>); the
    database is created from C(template0). Only a SIGKILL (for example an C(async) timeout) can leave them behind. Before
    its restore, each run drops the databases, then the roles, with exactly that form of name whose timestamp is older
    than O(stale_scratch_age), that nobody is connected to (and roles that own no database and are no superuser; a role
    owning no database is removed once a minute old, as after a O(keep_scratch) database was dropped by hand) - never
    any other name; RV(stale_scratch_dropped) lists them and the task then reports C(changed).
author:
  - auraflow.ops maintainers (@auraflow)
requirements:
  - The PostgreSQL client programs on the host the module runs on, C(psql) and C(pg_restore) (Debian package
    C(postgresql-client)), no older than the server for a custom-format or directory dump; C(pg_restore) is only
    used for archive formats (custom, directory, tar), plain SQL goes through C(psql).
  - A PostgreSQL server it can reach as a superuser or a role with C(CREATEDB) and C(CREATEROLE), for the scratch
    database and role the backup is restored into.
extends_documentation_fragment:
  - ansible.builtin.action_common_attributes
  - auraflow.ops.backup_verify
options:
  path:
    description:
      - The backup file, or the directory of a directory-format (C(pg_dump -Fd)) archive.
    type: path
    required: true
  format:
    description:
      - The expected format. V(auto) detects it by content.
      - Any other value makes the V(format) check fail when the content is something else.
    type: str
    default: auto
    choices: [auto, custom, directory, tar, plain, plain_gz]
  checksum:
    description:
      - The expected sha256 of the file (64 hex digits, optionally prefixed C(sha256:)).
      - When omitted, the sidecar C(PATH.sha256) is used if present; a missing sidecar is a warning-level check, not a
        failure.
      - Not accepted for a directory archive; use a sidecar C(DIR.sha256) listing every file instead.
    type: str
  max_age:
    description:
      - The recovery point objective. A backup older than this fails the V(age) check.
      - A duration such as V(90s), V(45m), V(1h), V(2d), V(1h30m), or a number of seconds.
      - Age is measured from the backup's own creation time - for custom, directory and tar archives the time pg_dump
        started, as recorded in the archive header (C(pg_restore --list) prints it as C(Archive created at)); for plain
        SQL, gzip-compressed SQL and unreadable archives the file's modification time (for a directory, that of
        C(toc.dat)). The archive records pg_dump's local wall-clock time without a zone; it is read in the local time
        zone of the host the module runs on, as C(pg_restore) does.
    type: raw
  min_size:
    description:
      - Minimum size of the backup in bytes (a directory counts its files). Suffixes such as V(10M) or V(1G) are accepted.
    type: bytes
  restore_test:
    description:
      - Restore into a scratch database on the server and run the content checks there, then drop the database.
      - With V(false) no server is contacted; the archive's data are still read end to end (see the V(toc) check) and
        O(expect_tables) is checked against the table of contents, but O(expect_min_rows) cannot be checked and is
        refused.
    type: bool
    default: true
  keep_scratch:
    description:
      - Leave the scratch database (and its owner role of the same name) in place after the checks (for debugging);
        its name is returned in RV(scratch_db). Drop both when done (C(DROP DATABASE), then C(DROP ROLE)); a later run
        removes them after O(stale_scratch_age). This option does not make the task report a change.
      - Connect to a kept database as its own role, or read it without running its code. It holds whatever the backup
        defined (functions, views, triggers), which a superuser session would run with full privileges.
    type: bool
    default: false
  jobs:
    description:
      - Parallel restore jobs (C(pg_restore -j)) for custom and directory archives. Plain SQL and tar archives restore
        in one session.
    type: int
    default: 1
  no_owner:
    description:
      - Verify a dump whose owning roles do not exist on this server (for example when verifying on another server).
      - The restore never keeps ownership or privileges (it runs as an unprivileged role, see V(restore)); by default a
        role the dump makes an owner (in the archive's table of contents, or named by C(OWNER TO) / C(SET SESSION
        AUTHORIZATION) in plain SQL) must exist on the server, as a real restore would need it.
    type: bool
    default: false
  restore_timeout:
    description:
      - Give up the restore after this long (a duration like O(max_age)); the V(restore) check then fails and the
        scratch database is dropped. No limit by default.
    type: raw
  stale_scratch_age:
    description:
      - Scratch databases and roles left by earlier, killed runs are dropped before the restore when their name's
        timestamp is older than this (a duration like O(max_age)) and nobody is connected to them. A database kept with
        O(keep_scratch=true) is removed by a later run after this long too.
      - Default O(restore_timeout) + 10 minutes when O(restore_timeout) is set, else 6 hours.
    type: raw
  min_free_factor:
    description:
      - The V(disk_space) check needs this many times the estimated restored size free (plus O(min_free_margin_mb)) on the
        filesystem of the server's data directory before restoring.
      - V(0) together with O(min_free_margin_mb=0) turns the check off.
    type: float
    default: 2.0
  min_free_margin_mb:
    description:
      - Megabytes (MiB) that must stay free on top of O(min_free_factor) x the estimated restored size.
    type: int
    default: 1024
  restored_size:
    description:
      - The expected size of the restored database (for example the live database's size or the size a backup manifest
        records), for the V(disk_space) check. Suffixes such as V(500M) or V(20G) are accepted.
      - Without it the live database the archive was dumped from is measured when it exists on the server, else the dump's
        size is multiplied (see V(disk_space)).
    type: bytes
  bin_dir:
    description:
      - Directory holding C(psql) and C(pg_restore). By default they are looked up on E(PATH), then in the newest
        C(/usr/lib/postgresql/*/bin).
    type: path
  login_user:
    description:
      - The role to connect as to create (and drop) the scratch database and its unprivileged role, to measure free
        space and to clean up leftovers. A superuser, or a role with C(CREATEDB), C(CREATEROLE) and C(pg_read_all_settings)
        (to read C(data_directory)). Nothing from the backup runs as this role.
    type: str
    default: postgres
    aliases: [login]
  login_password:
    description:
      - The password of O(login_user). Passed to the client programs in their environment, never on a command line.
    type: str
    default: ''
  login_host:
    description:
      - Host name or address of the server. Empty (or V(localhost) together with O(login_unix_socket)) uses the unix
        socket.
    type: str
    default: ''
    aliases: [host]
  login_port:
    description:
      - Port of the server.
    type: int
    default: 5432
    aliases: [port]
  login_unix_socket:
    description:
      - Directory of the server's unix socket.
    type: str
    default: ''
    aliases: [unix_socket]
  maintenance_db:
    description:
      - The database to connect to in order to create and drop the scratch database.
    type: str
    default: postgres
  ssl_mode:
    description:
      - libpq's C(sslmode).
    type: str
    default: prefer
    choices: [allow, disable, prefer, require, verify-ca, verify-full]
  ca_cert:
    description:
      - A file of trusted certificate authorities (libpq's C(sslrootcert)).
    type: str
    aliases: [ssl_rootcert]
  connect_timeout:
    description:
      - Seconds to wait for a connection.
    type: int
    default: 10
attributes:
  check_mode:
    support: full
    details:
      - In check mode every check that only reads the backup file runs (V(exists), V(non_empty), V(format),
        V(min_size), V(checksum), V(toc) including the full data read, V(age)) and V(expected_tables) is checked against
        the table of contents. The restore is not run, because it creates (and drops) a database on the server, so
        V(disk_space), V(restore) and V(min_rows) are listed in RV(skipped_checks), no server is contacted and no leftover
        is removed.
  diff_mode:
    support: none
  platform:
    platforms: posix
notes:
  - The module changes nothing lasting and reports C(changed=false), except when it removed what an earlier, killed
    run left behind (RV(stale_scratch_dropped)).
  - The backup's SQL runs only as the scratch database's own unprivileged role, in that database. It can still use
    the server's CPU, memory, disk (bounded by the V(disk_space) check, not by a quota) and time (see
    O(restore_timeout)), and it can read what C(PUBLIC) may read in other databases' shared catalogs.
  - Without a checksum, damage inside data that pg_dump did not compress (C(-Z0), plain SQL) can restore without an
    error; the content checks catch only what they check. Keep a C(.sha256) sidecar next to every backup.
  - When connecting as C(postgres) through the unix socket with peer authentication, run the task with
    C(become_user=postgres).
seealso:
  - module: community.postgresql.postgresql_db
    description: Dumps and restores databases (C(state=dump), C(state=restore)).
'''

EXAMPLES = r'''
- name: Verify last night's backup on the database host (restore test included)
  auraflow.ops.pg_backup_verify:
    path: /var/backups/postgresql/aura_flow-latest.dump
    max_age: 26h
    min_size: 1M
    jobs: 2
    expect_tables: [users, flows, app."Audit Log"]
    expect_min_rows:
      users: 1
  become: true
  become_user: postgres

- name: Verify over TCP, keep going when the backup is bad, and decide in the play
  auraflow.ops.pg_backup_verify:
    path: /srv/backups/aura_flow.sql.gz
    checksum: "sha256:{{ expected_digest }}"
    login_host: 127.0.0.1
    login_user: backup_verifier
    login_password: "{{ vault_backup_verifier_password }}"
    no_owner: true
    fail_on_invalid: false
  register: backup_check

- name: Report
  ansible.builtin.debug:
    msg: "{{ backup_check.checks | rejectattr('ok') | map(attribute='name') | list }}"
  when: not backup_check.valid

- name: Only read the archive (no server needed)
  auraflow.ops.pg_backup_verify:
    path: /var/backups/postgresql/aura_flow.dir
    restore_test: false
'''

RETURN = r'''
valid:
  description: Whether every check that ran passed (warnings do not count).
  returned: always
  type: bool
  sample: true
checks:
  description:
  - The checks that ran, in order. C(name) is one of V(exists), V(non_empty), V(format), V(min_size), V(checksum),
    V(toc), V(age), V(disk_space), V(restore), V(expected_tables), V(min_rows).
  - C(severity) is C(info) for a plain pass, C(medium) for a pass with a warning (an unverified checksum), and C(critical)
    or C(high) for a failure.
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
  - name: exists
    ok: true
    detail: /var/backups/db.dump
    severity: info
  - name: restore
    ok: false
    detail: 'pg_restore: error: could not read from input file: end of file'
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
  - name: min_rows
    reason: 'check mode: no restore'
findings:
  description: The failed and warning checks as findings (C(id) = check name, C(severity), C(message), C(evidence)),
    most severe first.
  returned: always
  type: list
  elements: dict
format:
  description: The detected format, or null when it is not a dump.
  returned: always
  type: str
  sample: custom
size_bytes:
  description: Size of the file, or of the files in the directory.
  returned: when the path exists
  type: int
  sample: 1073741824
sha256:
  description: The sha256 of the file (null for a directory archive, whose files are checked one by one).
  returned: when the path is a non-empty file
  type: str
  sample: 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08
checksum_source:
  description: Where the expected digest came from - V(parameter), V(sidecar), or null when there was none.
  returned: always
  type: str
  sample: sidecar
age_seconds:
  description: Seconds since the backup's creation time (see O(max_age) for what that is).
  returned: when the path exists
  type: int
  sample: 3600
age_source:
  description: What the age was measured from - V(toc) (the archive header) or V(mtime).
  returned: when the path exists
  type: str
  sample: toc
created_at:
  description: The creation time the age is measured from, in UTC (ISO 8601).
  returned: when the path exists
  type: str
  sample: '2026-01-31T02:00:04Z'
archive:
  description: Header facts from the table of contents (archives) or the SQL header (plain), when readable.
  returned: when the V(toc) check ran
  type: dict
  sample:
    dbname: aura_flow
    dumped_by: '15.18'
    dumped_from: '15.18'
    entries: 42
    tables: 7
restore_seconds:
  description: Wall-clock seconds of the restore itself (null when none ran).
  returned: always
  type: float
  sample: 12.84
tables:
  description:
  - Row count of every restored table, keyed C(schema.table) (top-level tables; a partitioned table counts its partitions).
  - Without a restore, the tables found in the table of contents with null counts.
  returned: always
  type: dict
  sample:
    public.users: 1200
    public.flows: 48211
disk:
  description:
  - The V(disk_space) check's numbers; null when it did not measure.
  - C(path) (the data directory), C(free_bytes), C(needed_bytes), C(estimated_restored_bytes), C(estimate_source)
    (V(restored_size), the live database measured, or the dump size and its factor), C(min_free_factor), C(min_free_margin_mb).
  returned: always
  type: dict
  sample:
    path: /var/lib/postgresql/15/main
    free_bytes: 53687091200
    needed_bytes: 3221225472
    estimated_restored_bytes: 1073741824
    estimate_source: the size of the live database aura_flow
    min_free_factor: 2.0
    min_free_margin_mb: 1024
stale_scratch_dropped:
  description: What this run removed that earlier, killed runs left (V(database NAME), V(role NAME)).
  returned: always
  type: list
  elements: str
  sample:
  - database auraflow_verify_20260131020512_4242_a1b2c3
  - role auraflow_verify_20260131020512_4242_a1b2c3
scratch_db:
  description:
  - Name of the scratch database used, and of its unprivileged owner role (both dropped unless O(keep_scratch=true));
    null when no restore ran.
  returned: always
  type: str
  sample: auraflow_verify_20260131020512_4242_a1b2c3
server_version:
  description: The server's C(server_version) setting; null when no server was contacted.
  returned: always
  type: str
  sample: 15.18 (Debian 15.18-0+deb12u1)
'''

import datetime
import gzip
import os
import tempfile
import time
import zlib

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.auraflow.ops.plugins.module_utils.durations import DurationError, parse_duration
from ansible_collections.auraflow.ops.plugins.module_utils.findings import conclude
from ansible_collections.auraflow.ops.plugins.module_utils.pg_backup import (
    ARCHIVE_FORMATS,
    CHECK_ORDER,
    PARALLEL_FORMATS,
    BackupError,
    Checks,
    backup_mtime,
    backup_size,
    compare_directory_digests,
    PlainScan,
    SqlRefused,
    detect_format,
    dump_expansion,
    extension_schemas,
    filter_plain_lines,
    human_bytes,
    list_without,
    missing_tables,
    normalize_sha256,
    parse_sidecar,
    parse_toc_listing,
    qualify_table,
    rows_below,
    scan_plain_lines,
    sha256_file,
    sidecar_digest_for_file,
    sidecar_digests_for_directory,
    space_needed,
    toc_created_epoch,
    toc_extension_lines,
    validate_min_rows,
)
from ansible_collections.auraflow.ops.plugins.module_utils.pgconn import (
    Interrupted,
    PgError,
    ProcessTimeout,
    Psql,
    ScratchDatabase,
    SignalGuard,
    connection_argument_spec,
    describe_target,
    drop_stale_scratch,
    error_lines,
    find_pg_program,
    libpq_env,
    quote_ident,
    quote_literal,
    run_process,
    signal_name,
)


def argument_spec():
    spec = dict(
        path=dict(type='path', required=True),
        format=dict(type='str', default='auto', choices=['auto', 'custom', 'directory', 'tar', 'plain', 'plain_gz']),
        checksum=dict(type='str'),
        max_age=dict(type='raw'),
        min_size=dict(type='bytes'),
        restore_test=dict(type='bool', default=True),
        keep_scratch=dict(type='bool', default=False),
        jobs=dict(type='int', default=1),
        no_owner=dict(type='bool', default=False),
        restore_timeout=dict(type='raw'),
        expect_tables=dict(type='list', elements='str', default=[]),
        expect_min_rows=dict(type='dict', default={}),
        fail_on_invalid=dict(type='bool', default=True),
        bin_dir=dict(type='path'),
        min_free_factor=dict(type='float', default=2.0),
        min_free_margin_mb=dict(type='int', default=1024),
        restored_size=dict(type='bytes'),
        stale_scratch_age=dict(type='raw'),
    )
    spec.update(connection_argument_spec())
    return spec


class Verifier:
    """One verification: runs the checks in order and fills ``self.result``."""

    def __init__(self, module, settings):
        self.module = module
        self.params = module.params
        self.settings = settings
        self.path = self.params['path']
        self.checks = Checks()
        self.fmt = None
        self.toc = None
        self.toc_text = ''
        self.plain = None
        self.size = 0
        self.result = dict(
            changed=False, valid=False, checks=[], skipped_checks=[], findings=[], format=None, size_bytes=None,
            sha256=None, checksum_source=None, age_seconds=None, age_source=None, created_at=None, archive=None,
            restore_seconds=None, tables={}, scratch_db=None, server_version=None, disk=None, stale_scratch_dropped=[],
        )

    # ------------------------------------------------------------------ helpers

    def program(self, name):
        found = find_pg_program(name, self.params['bin_dir'], self.module.get_bin_path)
        if not found:
            where = 'in %s' % self.params['bin_dir'] if self.params['bin_dir'] else 'on PATH or in /usr/lib/postgresql/*/bin'
            self.module.fail_json(msg='%s not found %s; install the PostgreSQL client (Debian: postgresql-client) or set bin_dir'
                                  % (name, where), **self.finish())
        return found

    def remaining(self, after):
        return [name for name in CHECK_ORDER[CHECK_ORDER.index(after) + 1:] if self.wanted(name)]

    def wanted(self, name):
        if name == 'min_size':
            return self.params['min_size'] is not None
        if name == 'age':
            return self.settings['max_age'] is not None
        if name == 'expected_tables':
            return bool(self.params['expect_tables'])
        if name == 'min_rows':
            return bool(self.settings['min_rows'])
        return True

    def finish(self):
        self.result['checks'] = self.checks.items
        self.result['skipped_checks'] = self.checks.skipped
        self.result['findings'] = [finding.as_dict() for finding in self.checks.findings()]
        self.result['valid'] = self.checks.valid()
        return self.result

    # ------------------------------------------------------------------ the checks

    def run(self):
        if not self.check_exists():
            return self.finish()
        if not self.check_non_empty():
            return self.finish()
        self.check_format()
        if self.wanted('min_size'):
            self.check_min_size()
        self.check_checksum()
        if self.fmt:
            self.check_toc()
        else:
            self.checks.skip('toc', 'the format check failed')
        self.measure_age()
        self.restore_and_content()
        return self.finish()

    def check_exists(self):
        if os.path.isdir(self.path) or os.path.isfile(self.path):
            return self.checks.add('exists', True, self.path)
        what = 'exists but is neither a file nor a directory' if os.path.lexists(self.path) else 'does not exist'
        self.checks.add('exists', False, '%s %s' % (self.path, what))
        self.checks.skip_rest(self.remaining('exists'), 'the backup does not exist')
        return False

    def check_non_empty(self):
        try:
            size = backup_size(self.path)
        except OSError as exc:
            self.checks.add('non_empty', False, 'cannot read the backup: %s' % exc)
            self.checks.skip_rest(self.remaining('non_empty'), 'the backup cannot be read')
            return False
        self.size = size
        self.result['size_bytes'] = size
        if size > 0:
            return self.checks.add('non_empty', True, '%d bytes' % size)
        self.checks.add('non_empty', False, 'the backup is empty (0 bytes)')
        self.checks.skip_rest(self.remaining('non_empty'), 'the backup is empty')
        return False

    def check_format(self):
        try:
            fmt, detail = detect_format(self.path)
        except OSError as exc:
            fmt, detail = None, 'cannot read: %s' % exc
        requested = self.params['format']
        if fmt and requested not in ('auto', fmt):
            self.checks.add('format', False, 'expected %s, but the content is %s: %s' % (requested, fmt, detail))
            self.result['format'] = fmt
            return
        self.result['format'] = fmt
        if fmt:
            self.fmt = fmt
            self.checks.add('format', True, '%s: %s' % (fmt, detail))
        else:
            self.checks.add('format', False, detail)

    def check_min_size(self):
        size, minimum = self.size, int(self.params['min_size'])
        self.checks.add('min_size', size >= minimum, '%d bytes %s the minimum %d' % (size, '>=' if size >= minimum else '<', minimum))

    def check_checksum(self):
        if os.path.isdir(self.path):
            return self._checksum_directory()
        try:
            actual = sha256_file(self.path)
        except OSError as exc:
            return self.checks.add('checksum', False, 'cannot read the file: %s' % exc)
        self.result['sha256'] = actual
        sidecar = self.path + '.sha256'
        if self.settings['checksum']:
            expected, source = self.settings['checksum'], 'parameter'
        elif os.path.isfile(sidecar):
            source = 'sidecar'
            try:
                with open(sidecar, 'r', encoding='utf-8', errors='replace') as handle:
                    expected = sidecar_digest_for_file(parse_sidecar(handle.read()), os.path.basename(self.path))
            except (OSError, BackupError) as exc:
                self.result['checksum_source'] = source
                return self.checks.add('checksum', False, 'unusable sidecar %s: %s' % (sidecar, exc))
        else:
            self.module.warn('no checksum given and no sidecar %s: the backup file cannot be proven unaltered' % sidecar)
            return self.checks.add('checksum', True, 'not verified: no checksum parameter and no sidecar %s (sha256 %s)'
                                   % (sidecar, actual), warning=True)
        self.result['checksum_source'] = source
        if actual == expected:
            return self.checks.add('checksum', True, 'sha256 %s matches the %s' % (actual, source))
        return self.checks.add('checksum', False, 'sha256 %s, but the %s says %s' % (actual, source, expected))

    def _checksum_directory(self):
        sidecar = self.path.rstrip('/') + '.sha256'
        if not os.path.isfile(sidecar):
            self.module.warn('no sidecar %s: the archive files cannot be proven unaltered' % sidecar)
            return self.checks.add('checksum', True, 'not verified: no sidecar %s' % sidecar, warning=True)
        self.result['checksum_source'] = 'sidecar'
        try:
            with open(sidecar, 'r', encoding='utf-8', errors='replace') as handle:
                expected = sidecar_digests_for_directory(parse_sidecar(handle.read()), os.path.basename(self.path.rstrip('/')))
            actual = {}
            for entry in sorted(os.listdir(self.path)):
                full = os.path.join(self.path, entry)
                if os.path.isfile(full):
                    actual[entry] = sha256_file(full)
        except (OSError, BackupError) as exc:
            return self.checks.add('checksum', False, 'unusable sidecar %s: %s' % (sidecar, exc))
        problems = compare_directory_digests(expected, actual)
        if problems:
            return self.checks.add('checksum', False, '; '.join(problems[:5]))
        return self.checks.add('checksum', True, 'sha256 of all %d files match the sidecar' % len(actual))

    def check_toc(self):
        if self.fmt in ARCHIVE_FORMATS:
            return self._toc_archive()
        return self._toc_plain()

    def _toc_archive(self):
        pg_restore = self.program('pg_restore')
        rc, out, err = run_process([pg_restore, '--list', self.path], env=libpq_env({}), capture_stdout=True)
        if rc != 0:
            return self.checks.add('toc', False, 'pg_restore --list failed: %s' % (error_lines(err) or 'exit %d' % rc))
        self.toc = parse_toc_listing(out)
        self.toc_text = out
        header = self.toc['header']
        self.result['archive'] = {
            'dbname': header.get('dbname'),
            'dumped_by': header.get('Dumped by pg_dump version'),
            'dumped_from': header.get('Dumped from database version'),
            'format': header.get('Format'),
            'compression': header.get('Compression'),
            'entries': self.toc['entries'],
            'tables': len(self.toc['tables']),
        }
        self.result['tables'] = dict((name, None) for name in self.toc['tables'])
        if self.toc['entries'] == 0:
            return self.checks.add('toc', False, 'the table of contents lists no entries')
        detail = '%d entries, %d tables, %d table data items, made by pg_dump %s' % (
            self.toc['entries'], len(self.toc['tables']), len(self.toc['table_data']), header.get('Dumped by pg_dump version', '?'))
        if not self.will_restore():
            # No restore will prove the data: read and decompress all of it instead.
            rc, dummy, err = run_process([pg_restore, '--file=/dev/null', self.path], env=libpq_env({}))
            if rc != 0:
                return self.checks.add('toc', False, 'table of contents readable (%s), but the data are not: %s'
                                       % (detail, error_lines(err) or 'exit %d' % rc))
            detail += '; all data read and decompressed'
        return self.checks.add('toc', True, detail)

    def _plain_lines(self):
        if self.fmt == 'plain_gz':
            with gzip.open(self.path, 'rb') as handle:
                yield from handle
        else:
            with open(self.path, 'rb') as handle:
                yield from handle

    def _toc_plain(self):
        try:
            self.plain = scan_plain_lines(self._plain_lines())
        except (OSError, EOFError, zlib.error) as exc:
            return self.checks.add('toc', False, 'the gzip stream is damaged: %s' % exc if self.fmt == 'plain_gz'
                                   else 'cannot read the file: %s' % exc)
        scan = self.plain
        self.result['archive'] = {
            'dbname': None, 'dumped_by': scan.dumped_by, 'dumped_from': None, 'format': self.fmt.upper(),
            'compression': 'gzip' if self.fmt == 'plain_gz' else None, 'entries': scan.lines, 'tables': len(scan.tables),
        }
        self.result['tables'] = dict((name, None) for name in scan.tables)
        problems = scan.problems()
        if problems:
            return self.checks.add('toc', False, '; '.join(problems))
        if scan.pg_dump_header or scan.pg_dumpall:
            detail = 'complete pg_dump SQL: %d lines, %d CREATE TABLE' % (scan.lines, len(scan.tables))
        else:
            detail = 'SQL without a pg_dump header (completeness cannot be verified): %d lines, %d CREATE TABLE' % (
                scan.lines, len(scan.tables))
        return self.checks.add('toc', True, detail)

    def measure_age(self):
        created, source = None, None
        if self.toc and self.toc.get('created_at'):
            try:
                created, source = toc_created_epoch(self.toc['created_at']), 'toc'
            except (ValueError, OverflowError):
                created = None
        if created is None:
            try:
                created, source = backup_mtime(self.path), 'mtime'
            except OSError:
                created = None
        age = None
        if created is not None:
            age = int(round(time.time() - created))
            self.result['age_seconds'] = age
            self.result['age_source'] = source
            self.result['created_at'] = datetime.datetime.fromtimestamp(created, datetime.timezone.utc).strftime('%Y-%m-%dT%H:%M:%SZ')
        if not self.wanted('age'):
            return
        max_age = self.settings['max_age']
        if age is None:
            return self.checks.add('age', False, 'the creation time cannot be read')
        what = 'archive header' if source == 'toc' else 'file modification time'
        return self.checks.add('age', age <= max_age, 'created %s (%s), %ds ago; max_age %ss'
                               % (self.result['created_at'], what, age, max_age))

    def will_restore(self):
        return self.params['restore_test'] and not self.module.check_mode

    def restore_and_content(self):
        content = [name for name in ('expected_tables', 'min_rows') if self.wanted(name)]
        if not self.will_restore():
            reason = 'check mode: no restore' if self.module.check_mode else 'restore_test=false'
            self.checks.skip('disk_space', reason)
            self.checks.skip('restore', reason)
            if 'expected_tables' in content:
                if self.checks.ok('toc'):
                    self.check_expected_tables(source='the table of contents' if self.toc else 'the CREATE TABLE statements')
                else:
                    self.checks.skip('expected_tables', 'the toc check did not pass')
            if 'min_rows' in content:
                self.checks.skip('min_rows', reason)
            return
        failed = self.checks.failed()
        if failed:
            self.checks.skip_rest(['disk_space', 'restore'] + content, 'an earlier check failed (%s)' % ', '.join(failed))
            return
        if not self.restore():
            self.checks.skip_rest(content, 'the restore failed' if self.checks.ok('disk_space') else 'nothing was restored')
            return
        if 'expected_tables' in content:
            self.check_expected_tables(source='the restored database')
        if 'min_rows' in content:
            self.check_min_rows()

    def check_expected_tables(self, source):
        missing = missing_tables(self.params['expect_tables'], self.result['tables'])
        expected = len(self.params['expect_tables'])
        if missing:
            return self.checks.add('expected_tables', False, 'missing from %s: %s' % (source, ', '.join(missing)))
        return self.checks.add('expected_tables', True, 'all %d expected tables are in %s' % (expected, source))

    def check_min_rows(self):
        low = rows_below(self.settings['min_rows'], self.result['tables'])
        if low:
            parts = ['%s: %s < %d' % (table, 'absent' if count is None else '%d rows' % count, minimum) for table, count, minimum in low]
            return self.checks.add('min_rows', False, '; '.join(parts))
        return self.checks.add('min_rows', True, ', '.join('%s: %d rows >= %d' % (
            qualify_table(name), self.result['tables'][qualify_table(name)], minimum) for name, minimum in sorted(self.settings['min_rows'].items())))

    # ------------------------------------------------------------------ the restore

    def restore(self):
        psql_bin = self.program('psql')
        pg_restore = self.program('pg_restore') if self.fmt in ARCHIVE_FORMATS else None
        if self.fmt not in ARCHIVE_FORMATS:
            refusals = self.plain.refusals()
            if refusals:
                self.checks.skip('disk_space', 'the SQL was refused')
                self.checks.add('restore', False, 'not restored: the SQL would reach outside a scratch database: %s' % '; '.join(refusals))
                return False
        psql = Psql(psql_bin, self.params, timeout=max(60, self.params['connect_timeout'] * 3))
        target = describe_target(self.params)
        try:
            version = psql.server_version()
            me = psql.query_json("SELECT json_build_object('super', rolsuper, 'createdb', rolcreatedb, 'createrole', rolcreaterole) "
                                 "FROM pg_roles WHERE rolname = current_user")
        except (PgError, ProcessTimeout) as exc:
            self.module.fail_json(msg='cannot connect to PostgreSQL as %s: %s' % (target, exc), **self.finish())
        self.result['server_version'] = version['text']
        missing = [] if me['super'] else [name.upper() for name in ('createdb', 'createrole') if not me[name]]
        if missing:
            self.module.fail_json(msg='cannot create a scratch database as %s: the backup is restored into a new database owned '
                                  'by a new unprivileged role, which needs a superuser or a role with CREATEDB and CREATEROLE '
                                  '(missing: %s)' % (target, ', '.join(missing)), **self.finish())
        self.remove_stale_scratch(psql)
        if not self.check_disk_space(psql):
            self.checks.skip('restore', 'the disk_space check failed: nothing was restored')
            return False
        if not self.check_owners(psql):
            return False
        scratch = ScratchDatabase(psql, keep=self.params['keep_scratch'], server_version_num=version['num'],
                                  owner_role=True, superuser=me['super'], connection_limit=self.params['jobs'] + 3)
        try:
            with scratch:
                self.result['scratch_db'] = scratch.name
                with tempfile.TemporaryDirectory(prefix='pg_backup_verify-') as tmp:
                    preinstalled, use_list = self.preinstall_extensions(psql, scratch, pg_restore, tmp)
                    ok = self._restore_into(scratch, psql_bin, pg_restore, preinstalled, use_list)
        except Interrupted as exc:
            self.fail_interrupted(exc, scratch)
        except (PgError, ProcessTimeout) as exc:
            if not scratch.created:
                self.module.fail_json(msg='cannot create a scratch database as %s: %s' % (target, exc), **self.finish())
            raise
        if scratch.name:
            self.result['scratch_db'] = scratch.name
        if scratch.drop_error:
            self.module.fail_json(msg='the scratch database and role %s could not be dropped: %s; drop them by hand'
                                  % (scratch.name, scratch.drop_error), **self.finish())
        return ok

    def preinstall_extensions(self, psql, scratch, pg_restore, tmp):
        """Create, as login_user, the extensions of the dump only a superuser may create, before anything is restored.

        Their scripts come from the server's installation, not from the backup, and run in the new, still empty
        database (schema public only). The backup's own CREATE EXTENSION and COMMENT ON EXTENSION for them are
        then left out (pg_restore --use-list; for plain SQL by the filter). Returns ``(names, list file or None)``.
        """
        if self.fmt in ARCHIVE_FORMATS:
            lines = toc_extension_lines(self.toc_text)
            if not lines:
                return [], None
            only = os.path.join(tmp, 'extensions.list')
            with open(only, 'w', encoding='utf-8') as handle:
                handle.write(''.join(entries[0] + '\n' for entries in lines.values()))
            rc, out, err = run_process([pg_restore, '--file=-', '--use-list=%s' % only, self.path], env=libpq_env({}),
                                       capture_stdout=True)
            schemas = extension_schemas(out) if rc == 0 else {}
        else:
            lines, schemas = {}, dict(self.plain.extensions)
        if not schemas:
            return [], None
        needs_superuser = psql.query_json(
            "SELECT coalesce(json_object_agg(e.name, v.superuser AND NOT v.trusted), '{}') FROM pg_available_extensions e "
            "JOIN pg_available_extension_versions v ON v.name = e.name AND v.version = e.default_version "
            "WHERE e.name IN (%s)" % ', '.join(quote_literal(name) for name in sorted(schemas))) or {}
        made = []
        for name in sorted(schemas):
            if needs_superuser.get(name) and schemas[name] in ('public', None):
                psql.execute('CREATE EXTENSION IF NOT EXISTS %s WITH SCHEMA public' % quote_ident(name), dbname=scratch.name)
                made.append(name)
        if not made or self.fmt not in ARCHIVE_FORMATS:
            return made, None
        use_list = os.path.join(tmp, 'restore.list')
        with open(use_list, 'w', encoding='utf-8') as handle:
            handle.write(list_without(self.toc_text, [line for name in made for line in lines.get(name, [])]))
        return made, use_list

    def remove_stale_scratch(self, psql):
        """Drop what a killed earlier run (SIGKILL, an async timeout) left: scratch databases and roles older than the limit."""
        max_age = self.settings['stale_scratch_age']
        try:
            dropped, kept = drop_stale_scratch(psql, max_age)
        except (PgError, ProcessTimeout) as exc:
            self.module.warn('could not look for scratch databases left by earlier runs: %s' % exc)
            return
        self.result['stale_scratch_dropped'] = dropped
        if dropped:
            self.result['changed'] = True
            self.module.warn('dropped what earlier runs left behind (killed runs older than stale_scratch_age %ss, roles '
                             'without their database): %s' % (max_age, ', '.join(dropped)))
        for what, why in kept:
            self.module.warn('left in place: %s, a leftover older than stale_scratch_age %ss (%s)' % (what, max_age, why))

    def check_disk_space(self, psql):
        factor, margin = self.params['min_free_factor'], self.params['min_free_margin_mb'] * 1024 * 1024
        if factor == 0 and margin == 0:
            self.module.warn('free space not checked before the restore (min_free_factor=0 and min_free_margin_mb=0)')
            return self.checks.add('disk_space', True, 'not checked (min_free_factor=0 and min_free_margin_mb=0)', warning=True)
        size, source = self.estimate_restored_size(psql)
        needed = space_needed(size, factor, margin)
        try:
            data_dir = psql.query_json("SELECT to_json(current_setting('data_directory'))")
        except (PgError, ProcessTimeout) as exc:
            return self.checks.add('disk_space', False, 'not restored: the server data directory cannot be read (%s); '
                                   'a superuser or pg_read_all_settings can read it; min_free_factor=0 and '
                                   'min_free_margin_mb=0 restore without this check' % exc)
        try:
            stat = os.statvfs(data_dir)
        except OSError as exc:
            return self.checks.add('disk_space', False, 'not restored: the data directory %s is not visible on this host (%s); '
                                   'run the module on the database host, or set min_free_factor=0 and min_free_margin_mb=0 '
                                   'to restore without this check' % (data_dir, exc.strerror or exc))
        free = stat.f_bavail * stat.f_frsize
        self.result['disk'] = {'path': data_dir, 'free_bytes': free, 'needed_bytes': needed, 'estimated_restored_bytes': size,
                               'estimate_source': source, 'min_free_factor': factor, 'min_free_margin_mb': self.params['min_free_margin_mb']}
        numbers = '%s free on the filesystem of %s; needed %s = min_free_factor %s x %s (%s) + min_free_margin_mb %d' % (
            human_bytes(free), data_dir, human_bytes(needed), factor, human_bytes(size), source, self.params['min_free_margin_mb'])
        if free < needed:
            return self.checks.add('disk_space', False, 'not restored: a full copy next to the live data could fill the disk: %s. '
                                   'Free space, pass a better estimate in restored_size, or lower min_free_factor / '
                                   'min_free_margin_mb to restore anyway' % numbers)
        return self.checks.add('disk_space', True, numbers)

    def estimate_restored_size(self, psql):
        """``(bytes, where the number comes from)``: restored_size, else the live database of that name, else the dump."""
        if self.params['restored_size'] is not None:
            return int(self.params['restored_size']), 'restored_size'
        dbname = (self.result.get('archive') or {}).get('dbname')
        if dbname:
            try:
                size = psql.query_json("SELECT to_json(pg_database_size(datname)) FROM pg_database WHERE datname = %s"
                                       % quote_literal(dbname))
            except (PgError, ProcessTimeout):
                size = None
            if size is not None:
                return int(size), 'the size of the live database %s' % dbname
        compression = (self.result.get('archive') or {}).get('compression')
        expansion = dump_expansion(self.fmt, compression)
        return self.size * expansion, 'the dump size %s x %d' % (human_bytes(self.size), expansion)

    def check_owners(self, psql):
        """A real restore fails when a role owning objects in the dump is missing; so does this one, unless no_owner."""
        if self.params['no_owner']:
            return True
        owners = sorted(self.toc['owners'] if self.toc else self.plain.owner_roles)
        if not owners:
            return True
        try:
            present = psql.query_json("SELECT coalesce(json_agg(rolname), '[]') FROM pg_roles WHERE rolname IN (%s)"
                                      % ', '.join(quote_literal(name) for name in owners)) or []
        except (PgError, ProcessTimeout) as exc:
            self.checks.add('restore', False, 'not restored: the owners of the dump could not be looked up: %s' % exc)
            return False
        missing = [name for name in owners if name not in present]
        if missing:
            self.checks.add('restore', False, 'not restored: %s (the dump makes them owners; a real restore would fail; '
                            'no_owner=true verifies without them)' % '; '.join('role "%s" does not exist' % name for name in missing))
            return False
        return True

    def fail_interrupted(self, exc, scratch):
        if scratch.keep and scratch.created:
            fate = 'kept (keep_scratch=true)'
        elif scratch.dropped:
            fate = 'dropped'
        elif scratch.drop_error:
            fate = 'NOT dropped (%s); drop it by hand' % scratch.drop_error
        else:
            fate = 'not created'
        self.result['scratch_db'] = scratch.name
        self.module.fail_json(msg='interrupted by %s during the restore test; scratch database %s %s'
                              % (signal_name(exc.signum), scratch.name, fate), **self.finish())

    def _restore_into(self, scratch, psql_bin, pg_restore, preinstalled=(), use_list=None):
        dbname = scratch.name
        # Everything from the backup runs as the scratch database's own role: no superuser, no
        # CREATEDB/CREATEROLE, no pg_execute_server_program, member of nothing.
        as_role = dict(self.params, login_user=scratch.name, login_password=scratch.role_password)
        env = libpq_env(as_role, dbname)
        timeout = self.settings['restore_timeout']
        jobs = self.params['jobs']
        if self.fmt in ARCHIVE_FORMATS:
            cmd = [pg_restore, '--exit-on-error', '--no-owner', '--no-privileges', '--no-subscriptions', '--dbname=%s' % dbname]
            if self.fmt in PARALLEL_FORMATS and jobs > 1:
                cmd.append('--jobs=%d' % jobs)
            if use_list:
                cmd.append('--use-list=%s' % use_list)
            cmd.append(self.path)
            how = 'pg_restore%s' % (' -j %d' % jobs if '--jobs=%d' % jobs in cmd else '')
            stdin = None
        else:
            # The SQL goes through the lexer again on its way to psql: a file changed since the toc check
            # is stopped (and psql killed) before psql reads a refused line.
            cmd = [psql_bin, '-X', '-q', '-v', 'ON_ERROR_STOP=1', '--single-transaction', '--dbname=%s' % dbname, '--file=-']
            scan = PlainScan(strict=True)
            scan.preinstalled = set(preinstalled)
            stdin = filter_plain_lines(self._plain_lines(), scan)
            how = 'psql'
        started = time.monotonic()
        try:
            rc, dummy, err = run_process(cmd, env=env, stdin_chunks=stdin, timeout=timeout)
        except ProcessTimeout:
            self.result['restore_seconds'] = round(time.monotonic() - started, 3)
            self.checks.add('restore', False, 'the restore ran longer than restore_timeout (%ss) and was stopped' % timeout)
            return False
        except SqlRefused as exc:
            self.result['restore_seconds'] = round(time.monotonic() - started, 3)
            self.checks.add('restore', False, 'stopped: the file changed during the restore and the SQL would reach outside a '
                            'scratch database: %s' % exc)
            return False
        except (OSError, EOFError, zlib.error) as exc:
            self.result['restore_seconds'] = round(time.monotonic() - started, 3)
            self.checks.add('restore', False, 'reading the backup failed during the restore: %s' % exc)
            return False
        seconds = round(time.monotonic() - started, 3)
        self.result['restore_seconds'] = seconds
        if rc != 0:
            self.checks.add('restore', False, '%s into %s (as its unprivileged role) failed (exit %d) after %.1fs: %s'
                            % (how, dbname, rc, seconds, error_lines(err) or 'no error text'))
            return False
        try:
            counts = Psql(psql_bin, as_role, timeout=max(60, self.params['connect_timeout'] * 3)).table_counts(dbname, timeout=timeout)
        except (PgError, ProcessTimeout) as exc:
            self.checks.add('restore', False, 'restored, but the tables could not be counted: %s' % exc)
            return False
        self.result['tables'] = dict(sorted(counts.items()))
        made = '; extensions created first by %s: %s' % (self.params['login_user'], ', '.join(preinstalled)) if preinstalled else ''
        return self.checks.add('restore', True, 'restored with %s into scratch database %s as its unprivileged role in %.1fs: '
                               '%d tables, %d rows%s' % (how, dbname, seconds, len(counts), sum(counts.values()), made))


def settings_from(module):
    """Validate the parameters that need more than the argument spec; fail_json on bad input."""
    params = module.params
    out = {}
    try:
        out['max_age'] = None if params['max_age'] in (None, '') else parse_duration(params['max_age'])
    except DurationError as exc:
        module.fail_json(msg='max_age: %s' % exc)
    try:
        out['restore_timeout'] = None if params['restore_timeout'] in (None, '') else parse_duration(params['restore_timeout'])
    except DurationError as exc:
        module.fail_json(msg='restore_timeout: %s' % exc)
    if out['restore_timeout'] == 0:
        module.fail_json(msg='restore_timeout must be more than 0 seconds')
    try:
        if params['stale_scratch_age'] in (None, ''):
            out['stale_scratch_age'] = out['restore_timeout'] + 600 if out['restore_timeout'] else 6 * 3600
        else:
            out['stale_scratch_age'] = parse_duration(params['stale_scratch_age'])
    except DurationError as exc:
        module.fail_json(msg='stale_scratch_age: %s' % exc)
    if out['stale_scratch_age'] <= 0:
        module.fail_json(msg='stale_scratch_age must be more than 0 seconds')
    if params['min_free_factor'] < 0 or params['min_free_margin_mb'] < 0:
        module.fail_json(msg='min_free_factor and min_free_margin_mb must be 0 or more (both 0 turns the disk_space check off)')
    if params['restored_size'] is not None and params['restored_size'] < 0:
        module.fail_json(msg='restored_size must be 0 or more bytes')
    try:
        out['checksum'] = None if params['checksum'] in (None, '') else normalize_sha256(params['checksum'])
        out['min_rows'] = validate_min_rows(params['expect_min_rows'])
        for name in params['expect_tables']:
            qualify_table(name)
    except BackupError as exc:
        module.fail_json(msg=str(exc))
    if out['checksum'] and os.path.isdir(params['path']):
        module.fail_json(msg='checksum applies to a single file; for a directory archive put a sidecar %s.sha256 listing '
                         'every file (cd DIR && sha256sum * > ../DIR.sha256)' % params['path'].rstrip('/'))
    if params['min_size'] is not None and params['min_size'] < 0:
        module.fail_json(msg='min_size must be 0 or more bytes')
    if params['jobs'] < 1:
        module.fail_json(msg='jobs must be 1 or more, got %d' % params['jobs'])
    if out['min_rows'] and not params['restore_test']:
        module.fail_json(msg='expect_min_rows needs restore_test=true: rows can only be counted in a restored database')
    if params['keep_scratch'] and not params['restore_test']:
        module.warn('keep_scratch has no effect with restore_test=false')
    return out


def main():
    module = AnsibleModule(argument_spec=argument_spec(), supports_check_mode=True)
    settings = settings_from(module)
    verifier = Verifier(module, settings)
    guard = SignalGuard().install()  # a signal stops the client programs too, and fails cleanly
    try:
        result = verifier.run()
    except Interrupted as exc:
        module.fail_json(msg='interrupted by %s before any scratch database existed' % signal_name(exc.signum), **verifier.finish())
    finally:
        guard.restore()
    result['msg'] = 'backup %s is %s: %s' % (module.params['path'], 'valid' if result['valid'] else 'not valid', verifier.checks.summary())
    conclude(module, result, failed=not result['valid'] and module.params['fail_on_invalid'])


if __name__ == '__main__':
    main()
