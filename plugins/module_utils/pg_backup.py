# -*- coding: utf-8 -*-
# Copyright: (c) 2026, auraflow.ops maintainers
# MIT License (see LICENSE)
"""What a PostgreSQL backup is and whether it can be trusted: the pure part of ``pg_backup_verify``.

* format detection by content (magic bytes and SQL heuristics), never by file name;
* ``.sha256`` sidecar parsing (``sha256sum``, ``sha256sum --tag`` / BSD and bare-digest styles);
* ``pg_restore --list`` parsing (header, creation time, TABLE entries);
* a psql-compatible lexer for plain SQL (pg_dump header/footer, tables, psql meta-commands and
  cluster-level statements that would reach outside a scratch database);
* the ordered list of checks, their severities and the verdict (via ``findings.py``).

Nothing here talks to a server or runs a program.
"""

from __future__ import annotations

import hashlib
import os
import re
import time
import zlib

from ansible_collections.auraflow.ops.plugins.module_utils.findings import Finding, sort_findings, summarize

FORMATS = ('custom', 'directory', 'tar', 'plain', 'plain_gz')
ARCHIVE_FORMATS = ('custom', 'directory', 'tar')
PARALLEL_FORMATS = ('custom', 'directory')

# Check names (a contract), in the order the module runs them, and the severity of a failure.
CHECK_ORDER = ('exists', 'non_empty', 'format', 'min_size', 'checksum', 'toc', 'age', 'disk_space', 'restore',
               'expected_tables', 'min_rows')
CHECK_SEVERITY = {
    'disk_space': 'critical',
    'exists': 'critical',
    'non_empty': 'critical',
    'format': 'critical',
    'checksum': 'critical',
    'toc': 'critical',
    'restore': 'critical',
    'age': 'high',
    'min_size': 'high',
    'expected_tables': 'high',
    'min_rows': 'high',
}
WARNING_SEVERITY = 'medium'
FAIL_ON = 'high'

SNIFF_BYTES = 65536
PGDMP_MAGIC = b'PGDMP'
GZIP_MAGIC = b'\x1f\x8b'
OTHER_COMPRESSIONS = (
    (b'\x28\xb5\x2f\xfd', 'zstd'),
    (b'\xfd7zXZ\x00', 'xz'),
    (b'BZh', 'bzip2'),
    (b'\x04\x22\x4d\x18', 'lz4'),
)
PG_DUMP_HEADER = '-- PostgreSQL database dump'
PG_DUMPALL_HEADER = '-- PostgreSQL database cluster dump'
PG_DUMP_FOOTER = '-- PostgreSQL database dump complete'
SQL_FIRST_WORDS = frozenset((
    'set', 'select', 'create', 'insert', 'copy', 'begin', 'start', 'alter', 'drop', 'comment', 'grant',
    'revoke', 'update', 'delete', 'with', 'do', 'truncate', 'commit', 'reset', 'values', 'analyze', 'vacuum',
    '\\restrict', '\\connect', '\\set', '\\encoding',
))
CREATE_TABLE = re.compile(
    r'^CREATE\s+(?:(?:UNLOGGED|GLOBAL\s+TEMPORARY|TEMPORARY|TEMP)\s+)?TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?'
    r'((?:"(?:[^"]|"")+"|[^\s."(]+)(?:\.(?:"(?:[^"]|"")+"|[^\s."(]+))?)', re.IGNORECASE)
SHA256_HEX = re.compile(r'^[0-9a-fA-F]{64}$')


class BackupError(ValueError):
    """Bad input to the pure functions (not a verdict on a backup)."""


# --------------------------------------------------------------------------- format detection

def _looks_like_text(sample):
    if not sample or b'\x00' in sample:
        return False
    printable = sum(1 for byte in sample if byte >= 0x20 or byte in (0x09, 0x0a, 0x0d))
    return printable >= 0.98 * len(sample)


def _first_sql_word(text):
    """The first word of ``text`` outside ``--`` comments and blank lines, lower-cased."""
    in_block_comment = False
    for line in text.splitlines():
        stripped = line.strip()
        if in_block_comment:
            if '*/' in stripped:
                in_block_comment = False
                stripped = stripped.split('*/', 1)[1].strip()
            else:
                continue
        if stripped.startswith('/*'):
            if '*/' not in stripped:
                in_block_comment = True
                continue
            stripped = stripped.split('*/', 1)[1].strip()
        if not stripped or stripped.startswith('--'):
            continue
        return re.split(r'[\s;(]', stripped, maxsplit=1)[0].lower()
    return None


def classify_sql(sample):
    """Whether ``sample`` (bytes, the start of a file) is SQL text.

    Returns ``(kind, detail)`` with kind ``'pg_dump'`` (pg_dump's header), ``'pg_dumpall'``
    (a cluster dump), ``'sql'`` (SQL text without pg_dump's header) or ``None`` (not SQL).
    """
    if not _looks_like_text(sample):
        return None, 'binary content'
    text = sample.decode('utf-8', errors='replace')
    head = text[:4096]
    if PG_DUMPALL_HEADER in head:
        return 'pg_dumpall', 'pg_dumpall cluster dump'
    if PG_DUMP_HEADER in head:
        return 'pg_dump', 'pg_dump plain SQL'
    word = _first_sql_word(text)
    if word in SQL_FIRST_WORDS:
        return 'sql', 'SQL text without a pg_dump header (first statement: %s)' % word.upper()
    return None, 'text, but not SQL (first word: %r)' % (word,)


def classify_head(head, gunzipped=None):
    """Classify the first bytes of a file.

    ``gunzipped`` is the start of the decompressed stream when ``head`` is gzip (the caller
    decompresses; ``None`` when that failed). Returns ``(format or None, detail)``.
    """
    if not head:
        return None, 'empty file'
    if head.startswith(PGDMP_MAGIC):
        return 'custom', 'pg_dump custom archive (PGDMP, version %s)' % archive_version(head)
    if len(head) > 262 and head[257:262] == b'ustar' and head[:8] == b'toc.dat\x00':
        return 'tar', 'pg_dump tar archive'
    if head.startswith(GZIP_MAGIC):
        if gunzipped is None:
            return None, 'gzip data that does not decompress'
        if gunzipped.startswith(PGDMP_MAGIC):
            return None, 'a gzip-compressed custom archive: pg_restore cannot read it; decompress it first'
        kind, detail = classify_sql(gunzipped)
        if kind is None:
            return None, 'gzip-compressed, but the content is not SQL (%s)' % detail
        return 'plain_gz', 'gzip-compressed %s' % detail
    for magic, name in OTHER_COMPRESSIONS:
        if head.startswith(magic):
            return None, '%s-compressed data (supported: custom, directory, tar, plain SQL, gzip-compressed plain SQL)' % name
    kind, detail = classify_sql(head)
    if kind is None:
        return None, 'not a PostgreSQL dump (%s)' % detail
    return 'plain', detail


def archive_version(head):
    """``'1.14-0'`` from a PGDMP header (``?`` if too short)."""
    if len(head) < 8 or not head.startswith(PGDMP_MAGIC):
        return '?'
    return '%d.%d-%d' % (head[5], head[6], head[7])


def gunzip_head(head, limit=SNIFF_BYTES):
    """Decompress the start of a gzip stream; ``None`` if it is not valid gzip."""
    try:
        return zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(head, limit)
    except zlib.error:
        return None


def detect_format(path):
    """Return ``(format or None, detail)`` for a file or directory, by content."""
    if os.path.isdir(path):
        toc = os.path.join(path, 'toc.dat')
        if not os.path.isfile(toc):
            return None, 'a directory without toc.dat (not a pg_dump -Fd directory)'
        with open(toc, 'rb') as handle:
            head = handle.read(16)
        if not head.startswith(PGDMP_MAGIC):
            return None, 'toc.dat does not start with PGDMP'
        return 'directory', 'pg_dump directory archive (PGDMP, version %s)' % archive_version(head)
    with open(path, 'rb') as handle:
        head = handle.read(SNIFF_BYTES)
    gunzipped = gunzip_head(head) if head.startswith(GZIP_MAGIC) else None
    return classify_head(head, gunzipped)


def backup_size(path):
    """Bytes in a file, or in the regular files directly inside a directory."""
    if os.path.isdir(path):
        total = 0
        for entry in os.scandir(path):
            if entry.is_file(follow_symlinks=False):
                total += entry.stat(follow_symlinks=False).st_size
        return total
    return os.path.getsize(path)


def backup_mtime(path):
    """Modification time of the file, or of toc.dat (else the directory) for a directory."""
    if os.path.isdir(path):
        toc = os.path.join(path, 'toc.dat')
        return os.path.getmtime(toc if os.path.isfile(toc) else path)
    return os.path.getmtime(path)


# --------------------------------------------------------------------------- checksums

def normalize_sha256(value):
    """Lower-case hex digest from ``value`` (``sha256:`` prefix allowed); BackupError otherwise."""
    if not isinstance(value, str):
        raise BackupError('checksum must be a string of 64 hex digits, got %r' % (value,))
    text = value.strip()
    if text.lower().startswith('sha256:'):
        text = text[7:].strip()
    if not SHA256_HEX.match(text):
        raise BackupError('checksum must be a sha256 digest (64 hex digits, optionally prefixed sha256:), got %r' % (value,))
    return text.lower()


_BSD_LINE = re.compile(r'^SHA256\s*\((.*)\)\s*=\s*([0-9a-fA-F]{64})\s*$')
_GNU_LINE = re.compile(r'^\\?([0-9a-fA-F]{64})(?:\s+\*?(.*))?$')


def parse_sidecar(text):
    """Parse a ``.sha256`` sidecar into a list of ``(name or None, digest)``.

    Accepts ``sha256sum`` lines (``<hex>  name``, ``<hex> *name``), BSD/``--tag`` lines
    (``SHA256 (name) = <hex>``) and a bare digest. Blank lines and ``#`` comments are ignored.
    Raises BackupError when a line is none of these or no digest is found.
    """
    entries = []
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith('#'):
            continue
        match = _BSD_LINE.match(line)
        if match:
            entries.append((match.group(1), match.group(2).lower()))
            continue
        match = _GNU_LINE.match(line)
        if match:
            name = match.group(2).strip() if match.group(2) else None
            entries.append((name or None, match.group(1).lower()))
            continue
        raise BackupError('line %d is not a sha256 entry: %r' % (number, raw[:80]))
    if not entries:
        raise BackupError('no sha256 digest found')
    return entries


def _norm_name(name):
    name = name.replace('\\', '/')
    while name.startswith('./'):
        name = name[2:]
    return name


def sidecar_digest_for_file(entries, basename):
    """The digest a sidecar gives for the file ``basename``; BackupError if none fits.

    One entry (with any or no name) applies to the file it sits next to; among several,
    the one whose name's last component is ``basename``.
    """
    if len(entries) == 1:
        return entries[0][1]
    matches = [digest for name, digest in entries if name and _norm_name(name).rsplit('/', 1)[-1] == basename]
    if len(set(matches)) == 1:
        return matches[0]
    if matches:
        raise BackupError('the sidecar lists %s more than once with different digests' % basename)
    raise BackupError('the sidecar has %d entries and none for %s' % (len(entries), basename))


def sidecar_digests_for_directory(entries, dirname):
    """Map of file name (relative to the directory) to digest, from a sidecar for a directory."""
    out = {}
    for name, digest in entries:
        if not name:
            raise BackupError('a sidecar for a directory needs one "<sha256>  <file>" line per file')
        name = _norm_name(name)
        prefix = dirname.rstrip('/') + '/'
        if name.startswith(prefix):
            name = name[len(prefix):]
        if '/' in name:
            name = name.rsplit('/', 1)[-1]
        if out.get(name, digest) != digest:
            raise BackupError('the sidecar lists %s more than once with different digests' % name)
        out[name] = digest
    return out


def sha256_file(path, chunk=4 * 1024 * 1024):
    digest = hashlib.sha256()
    with open(path, 'rb') as handle:
        while True:
            block = handle.read(chunk)
            if not block:
                break
            digest.update(block)
    return digest.hexdigest()


def compare_directory_digests(expected, actual):
    """Problems between the sidecar's digests and the files found (both ``name -> digest``)."""
    problems = []
    for name in sorted(expected):
        if name not in actual:
            problems.append('%s: listed in the sidecar, missing from the directory' % name)
        elif actual[name] != expected[name]:
            problems.append('%s: sha256 %s, sidecar says %s' % (name, actual[name], expected[name]))
    for name in sorted(set(actual) - set(expected)):
        problems.append('%s: in the directory, not covered by the sidecar' % name)
    return problems


# --------------------------------------------------------------------------- pg_restore --list

_TOC_HEADER = re.compile(r'^;\s+([A-Za-z][A-Za-z_ ]*?):\s*(.*?)\s*$')
_TOC_CREATED = re.compile(r'^;\s*Archive created at (\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2})(?:\s+(\S.*?))?\s*$')
_TOC_ENTRY = re.compile(r'^(\d+);\s+(\d+)\s+(\d+)\s+(.*)$')
_TABLE_DESCS = (('TABLE DATA', 'table_data'), ('TABLE ATTACH', None), ('TABLE', 'table'),
                ('MATERIALIZED VIEW DATA', None), ('MATERIALIZED VIEW', None), ('FOREIGN TABLE', None))


_TOC_EXTENSION = re.compile(r'^\d+;\s+\d+\s+\d+\s+(EXTENSION|COMMENT) - (?:EXTENSION )?(\S+) ?$')
_CREATE_EXTENSION = re.compile(r'^CREATE EXTENSION IF NOT EXISTS ("(?:[^"]|"")+"|\S+) WITH SCHEMA ("(?:[^"]|"")+"|\S+);$', re.MULTILINE)


def toc_extension_lines(listing):
    """``{extension: [line, ...]}``: the EXTENSION and COMMENT ON EXTENSION lines of a ``pg_restore --list``."""
    out = {}
    for line in listing.splitlines():
        match = _TOC_EXTENSION.match(line)
        if match and (match.group(1) == 'EXTENSION' or ' EXTENSION ' in line):
            out.setdefault(match.group(2), []).append(line)
    return out


def extension_schemas(sql):
    """``{extension: schema}`` from pg_dump's ``CREATE EXTENSION IF NOT EXISTS x WITH SCHEMA y;`` lines."""
    return dict((_unquote_ident(match.group(1)), _unquote_ident(match.group(2))) for match in _CREATE_EXTENSION.finditer(sql))


def _unquote_ident(name):
    return name[1:-1].replace('""', '"') if name.startswith('"') else name


def list_without(listing, lines):
    """A ``pg_restore --use-list`` file: ``listing`` with ``lines`` commented out (not restored)."""
    drop = set(lines)
    return ''.join((';' + line if line in drop else line) + '\n' for line in listing.splitlines())


def parse_toc_listing(text):
    """Parse ``pg_restore --list`` output.

    Returns ``{'header': {key: value}, 'created_at': 'YYYY-MM-DD HH:MM:SS' or None,
    'created_tz': str or None, 'entries': int, 'tables': [schema.table], 'table_data': [schema.table]}``.
    """
    header = {}
    created_at = created_tz = None
    entries = 0
    tables = []
    table_data = []
    owners = set()
    in_header = True
    for line in text.splitlines():
        if in_header and line.startswith(';'):
            match = _TOC_CREATED.match(line)
            if match:
                created_at, created_tz = match.group(1), match.group(2)
                continue
            if line.strip() == '; Selected TOC Entries:':
                in_header = False
                continue
            match = _TOC_HEADER.match(line)
            if match:
                header[match.group(1).strip()] = match.group(2)
            continue
        if line.startswith(';'):
            continue  # a commented-out entry (pg_restore -L lists)
        match = _TOC_ENTRY.match(line)
        if not match:
            continue
        in_header = False
        entries += 1
        rest = match.group(4)
        if not rest.endswith(' ') and ' ' in rest:
            owners.add(rest.rsplit(' ', 1)[1])  # the owner is last (empty for an extension)
        for desc, kind in _TABLE_DESCS:
            if rest.startswith(desc + ' '):
                if kind:
                    name = _toc_table_name(rest[len(desc) + 1:])
                    if name:
                        (tables if kind == 'table' else table_data).append(name)
                break
    return {'header': header, 'created_at': created_at, 'created_tz': created_tz, 'entries': entries,
            'tables': tables, 'table_data': table_data, 'owners': sorted(owners)}


def _toc_table_name(rest):
    """``'public users postgres'`` -> ``'public.users'`` (the tag may contain spaces; the owner is last)."""
    parts = rest.split(' ')
    if len(parts) < 2:
        return None
    schema = parts[0]
    tag = ' '.join(parts[1:-1]) if len(parts) > 2 else parts[1]
    return '%s.%s' % (schema, tag)


def toc_created_epoch(created_at):
    """Epoch seconds for the TOC's ``Archive created at`` text.

    pg_dump stores its local wall-clock time without a zone and pg_restore prints it in its own
    local zone, so the text is read back in this process's local zone, the way pg_restore did.
    """
    if not created_at:
        return None
    return time.mktime(time.strptime(created_at, '%Y-%m-%d %H:%M:%S'))


# --------------------------------------------------------------------------- plain SQL

class SqlRefused(Exception):
    """Plain SQL that must not reach psql (raised by ``PlainScan.feed`` in strict mode)."""


_WS = frozenset(b' \t\r\n\f\v')
_WORD = re.compile(br'[A-Za-z_\x80-\xff][A-Za-z_\x80-\xff0-9$]*')
_NUMBER = re.compile(br'[0-9]+')
_DOLLAR_DELIM = re.compile(br'\$(?:[A-Za-z_\x80-\xff][A-Za-z_\x80-\xff0-9]*)?\$')
_PARAM = re.compile(br'\$[0-9]+')
_RESTRICT_LINE = re.compile(br'^\\(?:un)?restrict [A-Za-z0-9]+\r?\n?$')
_TOP, _XQ, _XE, _XUS, _XB, _XQS, _XD, _XDOLQ, _XC, _COPY = range(10)
_LITERAL_KINDS = (_XQ, _XE, _XUS, _XB)
_CREATE_FUNCTION_WORDS = ('create', 'function', 'procedure', 'or', 'replace')


class PlainScan:
    """A streaming lexer for plain SQL as ``psql`` reads it, fed one line (bytes) at a time.

    It follows psql's own lexer (``psqlscan.l``): string literals (standard, ``E''``, ``U&''``,
    ``B''``/``X''``, and the continuation of a literal on a following line), quoted identifiers,
    dollar quotes, ``--`` and nested ``/* */`` comments, parentheses and the ``BEGIN ... END`` of
    SQL-standard function bodies (which decide where psql ends a statement), and the data of a
    ``COPY ... FROM stdin`` (which psql passes to the server unread, up to a line ``\\.``).

    Found: a backslash anywhere outside literals, comments and COPY data (a psql meta-command such
    as ``\\!``, ``\\connect``, ``\\copy ... program``; only pg_dump's own ``\\restrict KEY`` and
    ``\\unrestrict KEY`` lines are allowed); statements that act on the cluster (CREATE/ALTER/DROP
    DATABASE/ROLE/USER/GROUP/TABLESPACE, ALTER SYSTEM); a standard string literal whose end
    depends on ``standard_conforming_strings`` (so psql could read the rest of the file
    differently); pg_dump's header and footer, and the tables created.

    With ``strict=True`` ``feed`` raises SqlRefused at the first refusal and returns the bytes to
    hand to psql: the input without ownership and privilege statements (``ALTER ... OWNER TO``,
    ``SET SESSION AUTHORIZATION``, ``GRANT``, ``REVOKE``, ``ALTER DEFAULT PRIVILEGES``), as
    ``pg_restore --no-owner --no-privileges`` would restore; the roles they name are collected
    in ``owner_roles``.
    """

    def __init__(self, strict=False):
        self.strict = strict
        self.lines = 0
        self.pg_dump_header = False
        self.pg_dumpall = False
        self.complete = False
        self.dumped_by = None
        self.tables = []
        self.meta_commands = []        # (line number, text) not written by pg_dump
        self.cluster_statements = []   # (line number, statement start)
        self.other_refusals = []       # (line number, why)
        self.owner_roles = set()
        self.skipped_statements = 0
        self.extensions = {}           # CREATE EXTENSION: name -> schema (None when not given)
        self.preinstalled = set()      # extensions made before the restore: their COMMENT ON EXTENSION is left out
        self.in_copy = False
        self.unterminated_copy = False
        self.state = _TOP
        self.literal_kind = None       # the literal an _XQS state may continue
        self.newline_seen = False
        self.backslashes = 0           # backslashes just before the current position in a standard literal
        self.dollar_tag = None
        self.comment_depth = 0
        self.quoted_from = None
        self._new_statement()

    # -- statements

    def _new_statement(self):
        self.raw = []                  # the statement's bytes (strict mode)
        self.tokens = []               # its first top-level tokens (words lower-cased, quoted names as written)
        self.last_tokens = []          # its last three
        self.head = None
        self.head_line = None
        self.paren_depth = 0
        self.begin_depth = 0
        self.identifiers = ['', '', '', '']
        self.identifier_count = 0
        self.copy_from_stdin = False

    def _token(self, token, line, pos, is_word):
        if self.head is None:
            self.head = line[pos:pos + 400].decode('utf-8', errors='replace')
            self.head_line = self.lines
        if len(self.tokens) < 6:
            self.tokens.append(token)
        self.last_tokens = (self.last_tokens + [token])[-3:]
        if self.paren_depth == 0 and self.tokens[0] == 'copy' and token == 'stdin' and len(self.last_tokens) > 1 \
                and self.last_tokens[-2] == 'from':
            self.copy_from_stdin = True
        if not is_word:
            return
        # psql's heuristic for CREATE [OR REPLACE] FUNCTION|PROCEDURE ... BEGIN ATOMIC ... END
        if self.identifier_count == 0:
            self.identifiers = ['', '', '', '']
        if token in _CREATE_FUNCTION_WORDS and self.identifier_count < 4:
            self.identifiers[self.identifier_count] = token[0]
        self.identifier_count += 1
        ids = self.identifiers
        if ids[0] == 'c' and (ids[1] in ('f', 'p') or (ids[1] == 'o' and ids[2] == 'r' and ids[3] in ('f', 'p'))) \
                and self.paren_depth == 0:
            if token == 'begin':
                self.begin_depth += 1
            elif token == 'case':
                if self.begin_depth >= 1:
                    self.begin_depth += 1
            elif token == 'end' and self.begin_depth > 0:
                self.begin_depth -= 1

    def _refuse(self, bucket, text, number=None):
        bucket.append((self.lines if number is None else number, text))
        if self.strict:
            raise SqlRefused(self.refusals()[0])

    def _end_statement(self):
        """Classify the statement that just ended; return its bytes to pass on (strict mode)."""
        tokens, out = self.tokens, b''.join(self.raw)
        first = tokens[0] if tokens else None
        second = tokens[1] if len(tokens) > 1 else None
        head = (self.head or '').strip()
        if (first in ('create', 'alter', 'drop') and second in ('database', 'role', 'user', 'group', 'tablespace')) or \
                (first == 'alter' and second == 'system'):
            self._refuse(self.cluster_statements, head.splitlines()[0][:80] if head else first, self.head_line)
        skip = False
        if first == 'alter' and second == 'default':
            skip = True
        elif first in ('grant', 'revoke'):
            skip = True
        elif first == 'alter' and len(self.last_tokens) == 3 and self.last_tokens[:2] == ['owner', 'to']:
            self.owner_roles.add(_unquote(self.last_tokens[2]))
            skip = True
        elif first in ('set', 'reset') and second == 'session' and len(tokens) > 2 and tokens[2] == 'authorization':
            if first == 'set' and len(tokens) > 3:
                self.owner_roles.add(_unquote(self.last_tokens[-1]))
            skip = True
        elif first == 'comment' and second == 'on' and len(tokens) > 3 and tokens[2] == 'extension' \
                and _unquote(tokens[3]) in self.preinstalled:
            skip = True
        elif first == 'create' and second == 'extension':
            name = tokens[5] if tokens[2:5] == ['if', 'not', 'exists'] and len(tokens) > 5 else tokens[2] if len(tokens) > 2 else ''
            schema = self.last_tokens[-1] if len(self.last_tokens) > 1 and self.last_tokens[-2] == 'schema' else None
            self.extensions[_unquote(name)] = _unquote(schema) if schema else None
        elif first == 'create' and head:
            match = CREATE_TABLE.match(head)
            if match:
                self.tables.append(qualify_table(match.group(1)))
        if skip:
            self.skipped_statements += 1
            out = b''
        self._new_statement()
        return out

    def _open_quoted(self, line, pos, body):
        if self.head is None:
            self.head = line[pos:pos + 400].decode('utf-8', errors='replace')
            self.head_line = self.lines
        self.quoted_from = (self.lines, body)

    def _close_quoted(self, line, pos, quote):
        """A literal or quoted name ended at ``pos``: a token of its text when it began on this line."""
        value = ''
        if self.quoted_from and self.quoted_from[0] == self.lines:
            text = line[self.quoted_from[1]:pos].replace(quote.encode() * 2, quote.encode())
            value = text.decode('utf-8', errors='replace')
        self.quoted_from = None
        self._token(quote + value, line, pos, False)

    # -- the lexer

    def feed(self, line):
        self.lines += 1
        out = []
        if self.in_copy:
            if line.rstrip(b'\r\n') == b'\\.':
                self.in_copy = False
            return line if self.strict else None
        if self.state == _TOP and not self.tokens and line.startswith(b'--'):
            self._comment(line)
        if self.state == _TOP and not self.tokens and _RESTRICT_LINE.match(line):
            out.append(b''.join(self.raw))
            self.raw = []
            out.append(line)
            return b''.join(out) if self.strict else None
        pos, end = 0, len(line)
        start = 0                       # start of the bytes not yet added to self.raw
        while pos < end:
            state = self.state
            char = line[pos]
            if state == _TOP:
                if char in _WS:
                    pos += 1
                elif char == 0x2d and line[pos + 1:pos + 2] == b'-':      # -- comment: the rest of the line
                    pos = end
                elif char == 0x2f and line[pos + 1:pos + 2] == b'*':      # /* comment
                    self.state, self.comment_depth = _XC, 1
                    pos += 2
                elif char == 0x5c:                                          # backslash: a psql meta-command
                    text = line[pos:pos + 80].decode('utf-8', errors='replace').rstrip()
                    self._refuse(self.meta_commands, text)
                    pos = end                                               # psql reads its arguments to the line end
                elif char == 0x27:                                          # '
                    self._open_quoted(line, pos, pos + 1)
                    self.state, self.backslashes = _XQ, 0
                    pos += 1
                elif char == 0x22:                                          # "
                    self._open_quoted(line, pos, pos + 1)
                    self.state = _XD
                    pos += 1
                elif char == 0x24:                                          # $
                    match = _DOLLAR_DELIM.match(line, pos)
                    if match:
                        self._token('$', line, pos, False)
                        self.state, self.dollar_tag = _XDOLQ, match.group(0)
                        pos = match.end()
                    else:
                        match = _PARAM.match(line, pos)
                        pos = match.end() if match else pos + 1
                elif char == 0x3b:                                          # ;
                    pos += 1
                    if self.paren_depth == 0 and self.begin_depth == 0:
                        if self.strict:
                            self.raw.append(line[start:pos])
                        start = pos
                        copy = self.copy_from_stdin
                        out.append(self._end_statement())
                        if copy:
                            if line[pos:].strip():
                                self._refuse(self.other_refusals, 'COPY ... FROM stdin followed by more on its line')
                            out.append(line[pos:])
                            self.in_copy = True
                            return b''.join(out) if self.strict else None
                elif char == 0x28:
                    self.paren_depth += 1
                    pos += 1
                elif char == 0x29:
                    if self.paren_depth > 0:
                        self.paren_depth -= 1
                    pos += 1
                else:
                    match = _WORD.match(line, pos)
                    if match:
                        word = match.group(0)
                        nxt = line[match.end():match.end() + 2]
                        if len(word) == 1 and nxt[:1] == b"'" and word in b'eEbBxX':
                            self._open_quoted(line, pos, match.end() + 1)
                            self.state = _XE if word in b'eE' else _XB
                            pos = match.end() + 1
                            continue
                        if len(word) == 1 and word in b'uU' and nxt in (b"&'", b'&"'):
                            self._open_quoted(line, pos, match.end() + 2)
                            self.state = _XUS if nxt == b"&'" else _XD
                            pos = match.end() + 2
                            continue
                        self._token(word.decode('utf-8', errors='replace').lower(), line, pos, True)
                        pos = match.end()
                        continue
                    match = _NUMBER.match(line, pos)
                    if match:
                        self._token(match.group(0).decode(), line, pos, False)
                        pos = match.end()
                        continue
                    self._token(chr(char), line, pos, False)               # an operator or other punctuation
                    pos += 1
            elif state == _XQ:
                if char == 0x5c:
                    self.backslashes += 1
                    pos += 1
                    continue
                if char == 0x27:
                    if self.backslashes % 2:
                        # E-string rules (standard_conforming_strings off) would read \' as a quote inside the
                        # literal: psql's reading of everything after it depends on a setting the SQL can change.
                        self._refuse(self.other_refusals, "a string literal with \\' whose end depends on "
                                     'standard_conforming_strings')
                    if line[pos + 1:pos + 2] == b"'":
                        pos += 2
                    else:
                        self._close_quoted(line, pos, "'")
                        self.state, self.literal_kind, self.newline_seen = _XQS, _XQ, False
                        pos += 1
                else:
                    pos += 1
                self.backslashes = 0
            elif state in (_XE, _XUS, _XB):
                if char == 0x5c and state == _XE:
                    pos += 2
                elif char == 0x27:
                    if state != _XB and line[pos + 1:pos + 2] == b"'":
                        pos += 2
                    else:
                        self._close_quoted(line, pos, "'")
                        self.state, self.literal_kind, self.newline_seen = _XQS, state, False
                        pos += 1
                else:
                    pos += 1
            elif state == _XQS:                                             # after a literal: may continue on a new line
                if char in _WS:
                    if char == 0x0a:
                        self.newline_seen = True
                    pos += 1
                elif char == 0x2d and line[pos + 1:pos + 2] == b'-':
                    pos = end
                elif char == 0x27 and self.newline_seen:
                    self.state, self.backslashes, self.quoted_from = self.literal_kind, 0, None
                    pos += 1
                else:
                    self.state = _TOP                                       # read this character again
            elif state == _XD:
                if char == 0x22:
                    if line[pos + 1:pos + 2] == b'"':
                        pos += 2
                    else:
                        self._close_quoted(line, pos, '"')
                        self.state = _TOP
                        pos += 1
                else:
                    pos += 1
            elif state == _XDOLQ:
                found = line.find(self.dollar_tag, pos)
                if found < 0:
                    pos = end
                else:
                    pos = found + len(self.dollar_tag)
                    self.state, self.dollar_tag = _TOP, None
            elif state == _XC:
                opening, closing = line.find(b'/*', pos), line.find(b'*/', pos)
                if closing < 0 and opening < 0:
                    pos = end
                elif opening >= 0 and (closing < 0 or opening < closing):
                    self.comment_depth += 1
                    pos = opening + 2
                else:
                    self.comment_depth -= 1
                    pos = closing + 2
                    if self.comment_depth == 0:
                        self.state = _TOP
        if self.strict:
            self.raw.append(line[start:])
        return b''.join(out) if self.strict else None

    def _comment(self, line):
        text = line.decode('utf-8', errors='replace').rstrip()
        if self.lines <= 10 and text == PG_DUMP_HEADER:
            self.pg_dump_header = True
        elif self.lines <= 10 and text == PG_DUMPALL_HEADER:
            self.pg_dumpall = True
            if self.strict:
                raise SqlRefused(self.refusals()[0])
        elif text == PG_DUMP_FOOTER:
            self.complete = True
        elif text.startswith('-- Dumped by pg_dump version '):
            self.dumped_by = text[len('-- Dumped by pg_dump version '):]

    def finish(self):
        """End of input: psql runs an unterminated last statement too. Returns the last bytes (strict mode)."""
        self.unterminated_copy = self.in_copy
        tail = b''
        if not self.in_copy:
            tail = self._end_statement() if self.tokens else b''.join(self.raw)
            self.raw = []
        return tail if self.strict else self

    def problems(self):
        """Why the file is not a complete dump (empty list when it looks complete)."""
        out = []
        if self.unterminated_copy:
            out.append('ends inside COPY data (truncated)')
        if (self.pg_dump_header or self.pg_dumpall) and not self.complete:
            out.append('truncated: the pg_dump footer %r is missing' % PG_DUMP_FOOTER)
        return out

    def refusals(self):
        """Why restoring this SQL into a scratch database would be unsafe (empty when it is safe)."""
        out = []
        if self.pg_dumpall:
            out.append('a pg_dumpall cluster dump (roles, several databases)')
        for number, text in self.meta_commands[:3]:
            out.append('line %d: psql meta-command %s (psql would run it on this host; refused outright)' % (number, text))
        for number, text in self.cluster_statements[:3]:
            out.append('line %d: cluster-level statement %s' % (number, text))
        for number, text in self.other_refusals[:3]:
            out.append('line %d: %s' % (number, text))
        return out


def _unquote(token):
    """A role name from a token: quoted names and literals as written, words lower-cased (as PlainScan keeps them)."""
    return token[1:] if token[:1] in ('"', "'") else token


def scan_plain_lines(lines):
    """Run PlainScan over an iterable of byte lines (report mode: every finding is collected)."""
    scan = PlainScan()
    for line in lines:
        scan.feed(line)
    return scan.finish()


def filter_plain_lines(lines, scan=None):
    """The bytes to pass to psql for an iterable of byte lines: PlainScan in strict mode.

    Raises SqlRefused before yielding anything unsafe (so a caller streaming this into psql can
    kill psql before it reads it); ownership and privilege statements are left out.
    """
    scan = scan or PlainScan(strict=True)
    for line in lines:
        chunk = scan.feed(line)
        if chunk:
            yield chunk
    tail = scan.finish()
    if tail:
        yield tail


# --------------------------------------------------------------------------- free space for a restore

# A restored database is bigger than its dump: indexes are not in a dump, and compressed formats
# shrink the data. Without a better estimate, the dump's size times this.
EXPANSION_COMPRESSED = 5
EXPANSION_UNCOMPRESSED = 2


def dump_expansion(fmt, compression=None):
    """The factor of ``estimate_restored_size`` for a dump format (and an archive's ``Compression`` header)."""
    if fmt in ('plain', 'tar'):
        return EXPANSION_UNCOMPRESSED
    if fmt in ('custom', 'directory') and str(compression).strip().lower() in ('0', 'none'):
        return EXPANSION_UNCOMPRESSED
    return EXPANSION_COMPRESSED


def space_needed(restored_bytes, factor, margin_bytes):
    """Bytes that must be free before a restore of ``restored_bytes``: factor x size + margin."""
    return int(factor * restored_bytes) + int(margin_bytes)


def human_bytes(count):
    """``1536`` -> ``'1.5 KiB'``."""
    value = float(count)
    for unit in ('B', 'KiB', 'MiB', 'GiB', 'TiB'):
        if abs(value) < 1024 or unit == 'TiB':
            return '%d B' % count if unit == 'B' else '%.1f %s' % (value, unit)
        value /= 1024.0
    return '%d B' % count


# --------------------------------------------------------------------------- tables

_IDENT = re.compile(r'"((?:[^"]|"")+)"|([^."]+)')


def split_table_name(name):
    """``'app."Odd Name"'`` -> ``('app', 'Odd Name')``; no schema -> ``('public', name)``.

    As in SQL, unquoted parts are folded to lower case and double quotes keep a name as written
    (pg_dump quotes every name that needs it, so its CREATE TABLE lines parse the same way).
    Raises BackupError for an empty or malformed name.
    """
    if not isinstance(name, str) or not name.strip():
        raise BackupError('a table name must be a non-empty string, got %r' % (name,))
    text = name.strip()
    parts = []
    pos = 0
    while pos < len(text):
        match = _IDENT.match(text, pos)
        if not match:
            raise BackupError('not a table name: %r' % (name,))
        parts.append(match.group(1).replace('""', '"') if match.group(1) is not None else match.group(2).strip().lower())
        pos = match.end()
        if pos < len(text):
            if text[pos] != '.':
                raise BackupError('not a table name: %r' % (name,))
            pos += 1
            if pos == len(text):
                raise BackupError('not a table name: %r' % (name,))
    if len(parts) == 1:
        return 'public', parts[0]
    if len(parts) == 2 and all(parts):
        return parts[0], parts[1]
    raise BackupError('not a table name: %r (use table or schema.table)' % (name,))


def qualify_table(name):
    """``schema.table`` text for a table name (``public`` when no schema is given)."""
    schema, table = split_table_name(name)
    return '%s.%s' % (schema, table)


def missing_tables(expected, present):
    """The expected tables (qualified) not in ``present`` (an iterable of qualified names)."""
    have = set(present)
    return [qualify_table(name) for name in expected if qualify_table(name) not in have]


def rows_below(min_rows, counts):
    """``[(table, count or None, minimum)]`` for each table under its minimum (None: table absent)."""
    out = []
    for name in sorted(min_rows):
        table = qualify_table(name)
        count = counts.get(table)
        if count is None or count < min_rows[name]:
            out.append((table, count, min_rows[name]))
    return out


def validate_min_rows(value):
    """Check ``expect_min_rows``: a dict of table name -> non-negative int. Returns a clean dict."""
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise BackupError('expect_min_rows must be a mapping of table name to a minimum row count')
    out = {}
    for name, minimum in value.items():
        qualify_table(name)
        if isinstance(minimum, bool):
            raise BackupError('expect_min_rows[%s] must be a whole number, got %r' % (name, minimum))
        try:
            number = int(minimum)
        except (TypeError, ValueError):
            raise BackupError('expect_min_rows[%s] must be a whole number, got %r' % (name, minimum)) from None
        if number < 0 or str(number) != str(minimum).strip():
            raise BackupError('expect_min_rows[%s] must be a whole number >= 0, got %r' % (name, minimum))
        out[name] = number
    return out


# --------------------------------------------------------------------------- checks and verdict

class Checks:
    """The ordered checks of one verification and the verdict.

    ``severity`` maps each known check name to the severity of its failure: pg_backup_verify's
    CHECK_SEVERITY by default; another verifier (pgbackrest_verify) passes its own names.
    """

    def __init__(self, severity=None):
        self.severity = CHECK_SEVERITY if severity is None else severity
        self.items = []
        self.skipped = []

    def add(self, name, ok, detail, warning=False):
        if name not in self.severity:
            raise ValueError('unknown check %r' % (name,))
        if ok:
            severity = WARNING_SEVERITY if warning else 'info'
        else:
            severity = self.severity[name]
        self.items.append({'name': name, 'ok': bool(ok), 'detail': detail, 'severity': severity})
        return bool(ok)

    def skip(self, name, reason):
        if name not in self.severity:
            raise ValueError('unknown check %r' % (name,))
        self.skipped.append({'name': name, 'reason': reason})

    def skip_rest(self, names, reason):
        for name in names:
            self.skip(name, reason)

    def ok(self, name):
        """True when ``name`` ran and passed."""
        return any(item['name'] == name and item['ok'] for item in self.items)

    def failed(self):
        return [item['name'] for item in self.items if not item['ok']]

    def findings(self):
        found = [Finding(item['name'], item['severity'], item['detail'])
                 for item in self.items if item['severity'] != 'info']
        return sort_findings(found)

    def valid(self):
        """No check failed (warnings do not count) and at least one check ran."""
        return bool(self.items) and summarize(self.findings(), FAIL_ON)['ok']

    def summary(self):
        failed = self.failed()
        if failed:
            first = [item for item in self.items if not item['ok']][0]
            return 'failed checks: %s (first: %s: %s)' % (', '.join(failed), first['name'], first['detail'])
        return 'all %d checks passed' % len(self.items)
