"""Unit tests for plugins/module_utils/pg_backup.py (pure logic of pg_backup_verify)."""

import gzip
import hashlib
import os
import time

import pytest

from ansible_collections.auraflow.ops.plugins.module_utils.pg_backup import (
    CHECK_ORDER,
    CHECK_SEVERITY,
    BackupError,
    Checks,
    PlainScan,
    SqlRefused,
    backup_mtime,
    backup_size,
    classify_head,
    classify_sql,
    compare_directory_digests,
    detect_format,
    extension_schemas,
    list_without,
    toc_extension_lines,
    dump_expansion,
    human_bytes,
    space_needed,
    filter_plain_lines,
    gunzip_head,
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
    split_table_name,
    toc_created_epoch,
    validate_min_rows,
)

PLAIN = b"""--
-- PostgreSQL database dump
--

\\restrict AbC123

-- Dumped from database version 15.18 (Debian 15.18-0+deb12u1)
-- Dumped by pg_dump version 15.18 (Debian 15.18-0+deb12u1)

SET statement_timeout = 0;
SELECT pg_catalog.set_config('search_path', '', false);

CREATE SCHEMA app;

CREATE TABLE app."Odd Name" (
    x integer
);

CREATE UNLOGGED TABLE public.users (
    id integer NOT NULL,
    name text
);

COPY public.users (id, name) FROM stdin;
1\tann
\\N\tnull id
\\connect inside copy data is data
2\tbob
\\.

COPY app."Odd Name" (x) FROM stdin;
\\.

--
-- PostgreSQL database dump complete
--

\\unrestrict AbC123

"""

TOC = """;
; Archive created at 2026-01-31 02:00:04 UTC
;     dbname: shop
;     TOC Entries: 14
;     Compression: -1
;     Dump Version: 1.14-0
;     Format: CUSTOM
;     Integer: 4 bytes
;     Offset: 8 bytes
;     Dumped from database version: 15.18 (Debian 15.18-0+deb12u1)
;     Dumped by pg_dump version: 15.18 (Debian 15.18-0+deb12u1)
;
;
; Selected TOC Entries:
;
6; 2615 16394 SCHEMA - app postgres
217; 1259 16395 TABLE app Odd Name postgres
216; 1259 16386 TABLE public users postgres
215; 1259 16385 SEQUENCE public users_id_seq postgres
3349; 0 16395 TABLE DATA app Odd Name postgres
3348; 0 16386 TABLE DATA public users postgres
;3350; 0 16399 TABLE DATA public skipped postgres
3204; 2606 16393 CONSTRAINT public users users_pkey postgres
"""


# ------------------------------------------------------------------ format detection

def custom_head(minor=14):
    return b'PGDMP\x01' + bytes([minor]) + b'\x00\x04\x08\x01' + b'\x00' * 64


def tar_head():
    head = bytearray(1024)
    head[:8] = b'toc.dat\x00'
    head[257:263] = b'ustar\x00'
    return bytes(head)


@pytest.mark.parametrize('head, fmt', [
    (custom_head(), 'custom'),
    (tar_head(), 'tar'),
    (PLAIN, 'plain'),
    (b'-- my own script\nCREATE TABLE t (x int);\n', 'plain'),
    (b'/* header */\nINSERT INTO t VALUES (1);\n', 'plain'),
    (b'\\restrict key\nSET x = 1;\n', 'plain'),
    (b'--\n-- PostgreSQL database cluster dump\n--\n\\connect template1\n', 'plain'),
])
def test_classify_dumps(head, fmt):
    assert classify_head(head)[0] == fmt


def test_custom_detail_names_the_archive_version():
    assert '1.14-0' in classify_head(custom_head())[1]
    assert '1.99-0' in classify_head(custom_head(99))[1]


@pytest.mark.parametrize('head, words', [
    (b'', 'empty'),
    (b'\x89PNG\r\n\x1a\n' + bytes(range(256)), 'not a PostgreSQL dump'),
    (b'Dear operator,\nthis is not a backup.\n', 'not SQL'),
    (b'\x28\xb5\x2f\xfd' + b'\x00' * 20, 'zstd'),
    (b'BZh91AY&SY', 'bzip2'),
    (b'\xfd7zXZ\x00\x00', 'xz'),
    (b'{"json": true}', 'not SQL'),
    (b'SELECT 1;\x00\x00binary', 'binary'),
])
def test_classify_rejects(head, words):
    fmt, detail = classify_head(head)
    assert fmt is None and words in detail


def test_classify_gzip():
    sql = gzip.compress(PLAIN)
    assert classify_head(sql, gunzip_head(sql)) == ('plain_gz', 'gzip-compressed pg_dump plain SQL')
    custom = gzip.compress(custom_head())
    fmt, detail = classify_head(custom, gunzip_head(custom))
    assert fmt is None and 'decompress it first' in detail
    junk = gzip.compress(os.urandom(2000))
    assert classify_head(junk, gunzip_head(junk))[0] is None
    assert classify_head(b'\x1f\x8bgarbage', gunzip_head(b'\x1f\x8bgarbage'))[0] is None
    assert gunzip_head(b'\x1f\x8bgarbage') is None


def test_gunzip_head_of_a_truncated_stream_still_sniffs():
    data = gzip.compress(PLAIN * 50)
    assert gunzip_head(data[:200]).startswith(b'--\n-- PostgreSQL')


def test_classify_sql_kinds():
    assert classify_sql(PLAIN)[0] == 'pg_dump'
    assert classify_sql(b'--\n-- PostgreSQL database cluster dump\n')[0] == 'pg_dumpall'
    assert classify_sql(b'  \n-- comment\n\nBEGIN;\n')[0] == 'sql'
    assert classify_sql(b'hello world')[0] is None


def test_detect_format_by_content_not_name(tmp_path):
    (tmp_path / 'backup.sql').write_bytes(custom_head())
    assert detect_format(str(tmp_path / 'backup.sql'))[0] == 'custom'
    (tmp_path / 'backup.dump').write_bytes(gzip.compress(PLAIN))
    assert detect_format(str(tmp_path / 'backup.dump'))[0] == 'plain_gz'
    directory = tmp_path / 'dir'
    directory.mkdir()
    assert detect_format(str(directory))[0] is None
    (directory / 'toc.dat').write_bytes(b'not a toc')
    assert 'PGDMP' in detect_format(str(directory))[1]
    (directory / 'toc.dat').write_bytes(custom_head())
    assert detect_format(str(directory))[0] == 'directory'


def test_size_and_mtime(tmp_path):
    directory = tmp_path / 'd'
    directory.mkdir()
    (directory / 'toc.dat').write_bytes(b'x' * 10)
    (directory / '1.dat.gz').write_bytes(b'y' * 5)
    assert backup_size(str(directory)) == 15
    os.utime(str(directory / 'toc.dat'), (1000, 1000))
    assert backup_mtime(str(directory)) == 1000
    assert backup_size(str(directory / 'toc.dat')) == 10


# ------------------------------------------------------------------ checksums

DIGEST = 'a' * 64


@pytest.mark.parametrize('value', ['A' * 64, ' sha256:' + 'a' * 64, 'SHA256:' + 'a' * 64])
def test_normalize_sha256(value):
    assert normalize_sha256(value) == DIGEST


@pytest.mark.parametrize('bad', ['', 'abc', 'g' * 64, 'a' * 63, 'md5:' + 'a' * 32, None, 42])
def test_normalize_sha256_rejects(bad):
    with pytest.raises(BackupError):
        normalize_sha256(bad)


def test_parse_sidecar_styles():
    text = '# made by cron\n%s  shop.dump\n%s *other.dump\nSHA256 (bsd.dump) = %s\n\n%s\n' % ('a' * 64, 'b' * 64, 'C' * 64, 'd' * 64)
    assert parse_sidecar(text) == [('shop.dump', 'a' * 64), ('other.dump', 'b' * 64), ('bsd.dump', 'c' * 64), (None, 'd' * 64)]


@pytest.mark.parametrize('bad', ['', '# only a comment\n', 'not a checksum\n', 'abc  file\n'])
def test_parse_sidecar_rejects(bad):
    with pytest.raises(BackupError):
        parse_sidecar(bad)


def test_sidecar_digest_for_file():
    assert sidecar_digest_for_file([('whatever-name', DIGEST)], 'shop.dump') == DIGEST
    assert sidecar_digest_for_file([(None, DIGEST)], 'shop.dump') == DIGEST
    entries = [('/backups/shop.dump', DIGEST), ('./other.dump', 'b' * 64)]
    assert sidecar_digest_for_file(entries, 'shop.dump') == DIGEST
    assert sidecar_digest_for_file(entries, 'other.dump') == 'b' * 64
    with pytest.raises(BackupError, match='none for'):
        sidecar_digest_for_file(entries, 'third.dump')
    with pytest.raises(BackupError, match='more than once'):
        sidecar_digest_for_file([('a', DIGEST), ('a', 'b' * 64)], 'a')


def test_sidecar_digests_for_directory():
    entries = [('toc.dat', DIGEST), ('./shop.dir/3348.dat.gz', 'b' * 64), ('shop.dir/3349.dat.gz', 'c' * 64)]
    assert sidecar_digests_for_directory(entries, 'shop.dir') == {'toc.dat': DIGEST, '3348.dat.gz': 'b' * 64, '3349.dat.gz': 'c' * 64}
    with pytest.raises(BackupError, match='one'):
        sidecar_digests_for_directory([(None, DIGEST)], 'shop.dir')


def test_compare_directory_digests():
    assert compare_directory_digests({'a': '1', 'b': '2'}, {'a': '1', 'b': '2'}) == []
    problems = compare_directory_digests({'a': '1', 'b': '2'}, {'a': '9', 'c': '3'})
    assert len(problems) == 3
    assert problems[0].startswith('a: sha256 9') and 'missing' in problems[1] and 'not covered' in problems[2]


def test_sha256_file(tmp_path):
    path = tmp_path / 'f'
    path.write_bytes(b'hello' * 1000)
    assert sha256_file(str(path), chunk=7) == hashlib.sha256(b'hello' * 1000).hexdigest()


# ------------------------------------------------------------------ TOC

def test_parse_toc_listing():
    toc = parse_toc_listing(TOC)
    assert toc['created_at'] == '2026-01-31 02:00:04' and toc['created_tz'] == 'UTC'
    assert toc['header']['dbname'] == 'shop'
    assert toc['header']['Dumped by pg_dump version'] == '15.18 (Debian 15.18-0+deb12u1)'
    assert toc['header']['Format'] == 'CUSTOM'
    assert toc['entries'] == 7  # the commented-out entry does not count
    assert toc['tables'] == ['app.Odd Name', 'public.users']
    assert toc['table_data'] == ['app.Odd Name', 'public.users']
    assert toc['owners'] == ['postgres']
    listing = TOC + '2; 3079 16388 EXTENSION - pgcrypto \n7; 2615 16428 SCHEMA - app app\n'
    assert parse_toc_listing(listing)['owners'] == ['app', 'postgres']  # an extension has no owner


def test_parse_toc_listing_empty_and_garbage():
    toc = parse_toc_listing('')
    assert toc['entries'] == 0 and toc['created_at'] is None and toc['tables'] == []
    assert parse_toc_listing('random\ntext\n')['entries'] == 0


def test_toc_created_epoch_is_local_time():
    assert toc_created_epoch(None) is None
    expected = time.mktime((2026, 1, 31, 2, 0, 4, 0, 0, -1))
    assert toc_created_epoch('2026-01-31 02:00:04') == expected
    with pytest.raises(ValueError):
        toc_created_epoch('yesterday')


# ------------------------------------------------------------------ plain SQL

def scan(data):
    return scan_plain_lines(data.splitlines(True))


def test_scan_complete_pg_dump():
    result = scan(PLAIN)
    assert result.pg_dump_header and result.complete and not result.unterminated_copy
    assert result.dumped_by == '15.18 (Debian 15.18-0+deb12u1)'
    assert result.tables == ['app.Odd Name', 'public.users']
    assert result.problems() == [] and result.refusals() == []


def test_scan_truncated():
    result = scan(PLAIN[:PLAIN.index(b'2\tbob')])
    assert result.unterminated_copy
    assert any('COPY' in p for p in result.problems()) and any('footer' in p for p in result.problems())
    result = scan(PLAIN[:PLAIN.index(b'COPY app')])
    assert result.problems() == ["truncated: the pg_dump footer '-- PostgreSQL database dump complete' is missing"]


def test_scan_without_header_cannot_tell_completeness():
    result = scan(b'CREATE TABLE t (x int);\nINSERT INTO t VALUES (1);\n')
    assert not result.pg_dump_header and result.problems() == [] and result.tables == ['public.t']


@pytest.mark.parametrize('line, kind', [
    (b'\\connect postgres\n', 'meta'),
    (b'\\c other\n', 'meta'),
    (b'\\! rm -rf /\n', 'meta'),
    (b'\\i /etc/passwd\n', 'meta'),
    (b'CREATE DATABASE other;\n', 'cluster'),
    (b'DROP DATABASE shop;\n', 'cluster'),
    (b'CREATE ROLE intruder;\n', 'cluster'),
    (b'alter role postgres password null;\n', 'cluster'),
    (b'ALTER SYSTEM SET fsync = off;\n', 'cluster'),
    (b'  CREATE TABLESPACE t LOCATION \'/tmp\';\n', 'cluster'),
])
def test_scan_refuses_what_escapes_the_scratch_database(line, kind):
    data = PLAIN.replace(b'SET statement_timeout = 0;\n', b'SET statement_timeout = 0;\n' + line)
    result = scan(data)
    refusals = result.refusals()
    assert len(refusals) == 1 and ('meta-command' if kind == 'meta' else 'cluster-level') in refusals[0]
    assert refusals[0].startswith('line 11:')


def test_scan_pg_dumpall_is_refused():
    result = scan(b'--\n-- PostgreSQL database cluster dump\n--\n\nCREATE ROLE x;\n')
    assert result.pg_dumpall and 'pg_dumpall' in result.refusals()[0]


def test_scan_feed_counts_lines():
    result = PlainScan()
    for line in (b'SELECT 1;\n', b'SELECT 2;\n'):
        result.feed(line)
    assert result.finish().lines == 2


def lex(sql):
    """Refusals of a piece of SQL (report mode)."""
    return scan(sql.encode() if isinstance(sql, str) else sql).refusals()


def filtered(sql):
    return b''.join(filter_plain_lines((sql.encode() if isinstance(sql, str) else sql).splitlines(True)))


@pytest.mark.parametrize('sql', [
    'SELECT 1; \\! touch /tmp/x\n',                      # after a statement on the same line
    '   \\connect postgres\n',                           # indented
    'SELECT 1 \\g |sh\n',                                # inside a statement
    "SELECT 'a' \\! id\n",                              # right after a literal
    'SELECT $$x$$; \\o |sh\n',                           # after a dollar quote
    'SELECT /* c */ 1;\\! id\n',                         # after a block comment
    'SELECT "x\\"\\! id\n',                               # a backslash inside a quoted name is data; the next one is not
    "SELECT E'\\\\' \\! id\n",                             # E'\\' is one backslash: the literal ends there
    "SELECT 'a'\n'b' \\! id\n",                           # a literal continued on the next line
    'COPY t FROM stdin;\n1\n\\.\n\\! id\n',                  # after COPY data ends
    'COPY (SELECT 1) TO STDOUT;\n\\! id\n',              # COPY TO STDOUT is no COPY data block
    "COPY t FROM 'stdin';\n\\! id\n",                    # a file named stdin is no COPY data block either
    # psql does not end a CREATE FUNCTION ... BEGIN ATOMIC at the inner semicolons: no COPY block starts
    'CREATE FUNCTION f() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1;\nCOPY t FROM stdin;\n\\! id\nEND;\n',
    'SELECT (1;\nCOPY t FROM stdin;\n\\! id\n',           # nor inside parentheses
    '\\restrict AbC\n\\! id\n',
    '\\restrict AbC;\\! id\n',                            # only a plain \\restrict KEY line is pg_dump's
])
def test_lexer_finds_every_meta_command(sql):
    refusals = lex(sql)
    assert refusals and 'meta-command' in refusals[0], refusals
    with pytest.raises(SqlRefused):
        filtered(sql)


@pytest.mark.parametrize('sql', [
    "SELECT '\\! not a command';\n",
    'SELECT "\\! name";\n',
    'SELECT $$ \\! body $$;\n',
    'SELECT $fn$ $$ \\! $x$ $fn$;\n',
    "SELECT E'it\\'s \\\\ \\! fine';\n",
    'SELECT 1; -- \\! a comment\n',
    'SELECT /* outer /* \\! nested */ still \\! comment */ 1;\n',
    "SELECT 'multi\nline \\! literal';\n",
    "SELECT E'a'\n'\\' \\! continued as E'' ';\n",        # a continuation keeps E'' rules: \\' is a quote inside
    "SELECT U&'d\\0061t\\+000061';\n",
    "SELECT B'0101', X'ff';\n",
    'SELECT a$b$ FROM t;\n',                              # $ inside a name is no dollar quote
    'COPY t (a) FROM stdin;\n\\N\n\\! data\n\\.\n',
    'COPY t FROM STDIN WITH (FORMAT csv);\n"\\! x"\n\\.\n',
    'CREATE FUNCTION f() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1; SELECT 2; END;\nCOPY t FROM stdin;\n\\! data\n\\.\n',
    '\\restrict AbC123\nSELECT 1;\n\\unrestrict AbC123\n',
])
def test_lexer_leaves_data_alone(sql):
    assert lex(sql) == []
    filtered(sql)


def test_lexer_refuses_a_literal_whose_end_depends_on_standard_conforming_strings():
    # with standard_conforming_strings off psql reads \\' as a quote inside the literal and sees \\! as a command
    sql = "SET standard_conforming_strings = off;\nSELECT 'x\\'; \\! id; --';\n"
    refusals = lex("SELECT 'x\\' ; SELECT 2;\n")
    assert refusals and 'standard_conforming_strings' in refusals[0]
    assert lex(sql)
    assert lex("SELECT '^\\d+$', 'a\\\\';\n") == []  # an even run of backslashes ends the same either way


@pytest.mark.parametrize('sql', [
    'SELECT 1; CREATE ROLE x SUPERUSER;\n',
    'CREATE/**/ROLE x;\n',
    'create\n  user x;\n',
    'ALTER SYSTEM SET archive_command = $$sh$$;\n',
    'DROP DATABASE postgres;\n',
])
def test_lexer_refuses_cluster_statements_anywhere(sql):
    refusals = lex(sql)
    assert refusals and 'cluster-level' in refusals[0], refusals


def test_filter_leaves_out_ownership_and_privileges_and_names_the_owners():
    sql = ("CREATE TABLE public.t (x int);\nALTER TABLE public.t OWNER TO app;\n"
           'ALTER FUNCTION public.f() OWNER TO "Odd Owner";\n'
           "GRANT SELECT ON TABLE public.t TO reader;\nREVOKE ALL ON SCHEMA public FROM PUBLIC;\n"
           "ALTER DEFAULT PRIVILEGES FOR ROLE app GRANT SELECT ON TABLES TO reader;\n"
           "SET SESSION AUTHORIZATION 'builder';\nCOPY public.t (x) FROM stdin;\n1\n\\.\nSELECT 'OWNER TO x';\n")
    scan_ = PlainScan(strict=True)
    out = b''.join(filter_plain_lines(sql.encode().splitlines(True), scan_))
    assert out == b"CREATE TABLE public.t (x int);\nCOPY public.t (x) FROM stdin;\n1\n\\.\nSELECT 'OWNER TO x';\n"
    assert scan_.owner_roles == {'app', 'Odd Owner', 'builder'} and scan_.skipped_statements == 6


def test_filter_passes_a_real_dump_through():
    out = filtered(PLAIN)
    assert out == PLAIN  # nothing to leave out in it


def test_filter_stops_before_the_refused_line():
    lines = [b'CREATE TABLE t (x int);\n', b'SELECT 1; \\! id\n', b'SELECT 2;\n']
    got = []
    with pytest.raises(SqlRefused) as caught:
        for chunk in filter_plain_lines(lines):
            got.append(chunk)
    assert got == [b'CREATE TABLE t (x int);'] and 'line 2' in str(caught.value)  # psql never sees line 2


def test_extensions_in_a_toc_listing_and_in_sql():
    listing = ('; header\n2; 3079 16388 EXTENSION - pg_stat_statements \n3386; 0 0 COMMENT - EXTENSION pg_stat_statements \n'
               '3385; 0 0 COMMENT - SCHEMA public pg_database_owner\n216; 1259 16425 TABLE public t app\n')
    lines = toc_extension_lines(listing)
    assert lines == {'pg_stat_statements': ['2; 3079 16388 EXTENSION - pg_stat_statements ',
                                            '3386; 0 0 COMMENT - EXTENSION pg_stat_statements ']}
    assert list_without(listing, lines['pg_stat_statements']).splitlines() == [
        '; header', ';2; 3079 16388 EXTENSION - pg_stat_statements ', ';3386; 0 0 COMMENT - EXTENSION pg_stat_statements ',
        '3385; 0 0 COMMENT - SCHEMA public pg_database_owner', '216; 1259 16425 TABLE public t app']
    sql = 'CREATE EXTENSION IF NOT EXISTS pg_stat_statements WITH SCHEMA public;\nCREATE EXTENSION IF NOT EXISTS "x-y" WITH SCHEMA "My";\n'
    assert extension_schemas(sql) == {'pg_stat_statements': 'public', 'x-y': 'My'}


def test_plain_extensions_and_their_comments():
    sql = (b"CREATE EXTENSION IF NOT EXISTS pg_stat_statements WITH SCHEMA public;\n"
           b"COMMENT ON EXTENSION pg_stat_statements IS 'track';\nCREATE EXTENSION pgcrypto;\nCOMMENT ON EXTENSION pgcrypto IS 'c';\n")
    assert scan(sql).extensions == {'pg_stat_statements': 'public', 'pgcrypto': None}
    scan_ = PlainScan(strict=True)
    scan_.preinstalled = {'pg_stat_statements'}
    out = b''.join(filter_plain_lines(sql.splitlines(True), scan_))
    assert out == (b"CREATE EXTENSION IF NOT EXISTS pg_stat_statements WITH SCHEMA public;\nCREATE EXTENSION pgcrypto;\n"
                   b"COMMENT ON EXTENSION pgcrypto IS 'c';\n")


def test_copy_followed_by_more_on_its_line_is_refused():
    assert 'COPY' in lex('COPY t FROM stdin; SELECT 1;\n1\n\\.\n')[0]


# ------------------------------------------------------------------ tables

@pytest.mark.parametrize('name, parts', [
    ('users', ('public', 'users')),
    ('app.users', ('app', 'users')),
    ('app."Odd Name"', ('app', 'Odd Name')),
    ('"my.schema"."t"', ('my.schema', 't')),
    ('"say ""hi"""', ('public', 'say "hi"')),
    (' public.users ', ('public', 'users')),
    ('App.Users', ('app', 'users')),
    ('app."Users"', ('app', 'Users')),
])
def test_split_table_name(name, parts):
    assert split_table_name(name) == parts


@pytest.mark.parametrize('bad', ['', '  ', 'a.b.c', 'a.', '.b', '"unterminated', None, 3])
def test_split_table_name_rejects(bad):
    with pytest.raises(BackupError):
        split_table_name(bad)


def test_missing_tables_and_rows_below():
    present = {'public.users': 10, 'app.Odd Name': 0}
    assert missing_tables(['users', 'app."Odd Name"', 'orders'], present) == ['public.orders']
    assert qualify_table('users') == 'public.users'
    assert rows_below({'users': 10, 'app."Odd Name"': 1, 'orders': 1}, present) == [
        ('app.Odd Name', 0, 1), ('public.orders', None, 1)]
    assert rows_below({'users': 10}, present) == []


@pytest.mark.parametrize('value, clean', [(None, {}), ({}, {}), ({'users': 5}, {'users': 5}), ({'users': '7'}, {'users': 7})])
def test_validate_min_rows(value, clean):
    assert validate_min_rows(value) == clean


@pytest.mark.parametrize('bad', [['users'], {'users': -1}, {'users': 'many'}, {'users': 1.5}, {'users': True}, {'a.b.c': 1}])
def test_validate_min_rows_rejects(bad):
    with pytest.raises(BackupError):
        validate_min_rows(bad)


# ------------------------------------------------------------------ checks and verdict

def test_check_order_and_severities_are_the_contract():
    assert CHECK_ORDER == ('exists', 'non_empty', 'format', 'min_size', 'checksum', 'toc', 'age', 'disk_space', 'restore',
                           'expected_tables', 'min_rows')
    assert set(CHECK_SEVERITY) == set(CHECK_ORDER)
    assert all(severity in ('high', 'critical') for severity in CHECK_SEVERITY.values())


@pytest.mark.parametrize('fmt, compression, factor', [
    ('custom', '-1', 5), ('custom', '0', 2), ('directory', 'gzip', 5), ('directory', 'none', 2),
    ('tar', None, 2), ('plain', None, 2), ('plain_gz', 'gzip', 5),
])
def test_dump_expansion(fmt, compression, factor):
    assert dump_expansion(fmt, compression) == factor


def test_space_needed_and_human_bytes():
    assert space_needed(10 * 2 ** 30, 2.0, 1024 * 2 ** 20) == 21 * 2 ** 30
    assert space_needed(0, 2.0, 0) == 0
    assert human_bytes(512) == '512 B' and human_bytes(1536) == '1.5 KiB' and human_bytes(21 * 2 ** 30) == '21.0 GiB'


def test_checks_valid_with_warning():
    checks = Checks()
    checks.add('exists', True, 'ok')
    checks.add('checksum', True, 'not verified', warning=True)
    assert checks.valid() and checks.failed() == []
    assert [f.id for f in checks.findings()] == ['checksum'] and checks.findings()[0].severity == 'medium'
    assert checks.summary() == 'all 2 checks passed'


def test_checks_invalid_on_any_failure():
    checks = Checks()
    checks.add('exists', True, 'ok')
    checks.add('age', False, 'too old')
    checks.add('restore', False, 'broken')
    checks.skip('min_rows', 'the restore failed')
    assert not checks.valid()
    assert checks.failed() == ['age', 'restore']
    assert [f.id for f in checks.findings()] == ['restore', 'age']  # most severe first
    assert checks.summary().startswith('failed checks: age, restore (first: age: too old)')
    assert checks.items[1] == {'name': 'age', 'ok': False, 'detail': 'too old', 'severity': 'high'}
    assert checks.skipped == [{'name': 'min_rows', 'reason': 'the restore failed'}]
    assert checks.ok('exists') and not checks.ok('restore') and not checks.ok('toc')


def test_no_checks_is_not_valid():
    assert not Checks().valid()


def test_unknown_check_name_rejected():
    with pytest.raises(ValueError):
        Checks().add('vibes', True, '')
    with pytest.raises(ValueError):
        Checks().skip('vibes', '')
