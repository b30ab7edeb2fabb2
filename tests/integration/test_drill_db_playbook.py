"""playbooks/drill_db.yml on the lab: the monthly database recovery drill, measured against the runbook.

A fresh dump is taken first with playbooks/backup.yml (the postgres role's backup unit: it only adds a
dump). The drill must pass with changed=0 twice in a row, write reports/drill_db-<UTC>.json with passed,
measured.rto_seconds/rpo_seconds/phases and targets {rto_seconds: 1800, rpo_seconds: 3600}, and its HTML
twin with the banner and the target rows, and leave no scratch database behind (read from pg_database).
A backup that does not exist fails clearly, before anything is created; a damaged one (a cut-off copy
in /tmp on aura-db1, removed afterwards) fails verification before any scratch database is created.
"""

import os
import re

import pytest

from conftest import ROOT, SSH, changed_counts, damaged_backup, lab_pg_major, run, run_playbook

PLAYBOOK = os.path.join(ROOT, '.venv', 'bin', 'ansible-playbook')

pytestmark = pytest.mark.lab


def psql(sql):
    """Read-only query on aura-db1 as postgres; the rows as text."""
    result = run(['docker', 'exec', 'aura-db1', 'runuser', '-u', 'postgres', '--', 'psql', '-XAtc', sql], timeout=60)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def drill(*args):
    """Run the drill; (return code, output, the report it wrote or None, its path)."""
    return run_playbook('drill_db', *SSH, *args, timeout=900)


def scratch_of(report):
    match = re.search(r'(auraflow_verify_\w+)', report['measured'].get('drill_target') or '')
    assert match, report['measured']
    return match.group(1)


@pytest.fixture(scope='module')
def database(deployed_lab):
    assert psql("SELECT count(*) FROM pg_database WHERE datname = 'aura_flow'") == '1'
    # A fresh dump through the role's backup unit, which must pass its own verification too.
    result = run([PLAYBOOK, *SSH, 'playbooks/backup.yml'], timeout=900)
    assert result.returncode == 0, (result.stdout + result.stderr)[-3000:]
    dumps = run(['docker', 'exec', 'aura-db1', 'sh', '-c', 'ls /var/backups/postgresql/aura_flow-*.dump'], timeout=60)
    assert dumps.returncode == 0 and dumps.stdout.strip(), dumps.stderr
    return deployed_lab


@pytest.fixture(scope='module')
def first_run(database):
    return drill()


def test_drill_passes_and_measures_rto_and_rpo(first_run):
    rc, out, report, _unused1 = first_run
    assert report is not None, out[-3000:]
    assert rc == 0, out[-3000:]
    assert changed_counts(out) == [0], out.split('PLAY RECAP')[-1]
    assert report['kind'] == 'drill_db' and report['passed'] is True
    assert report['targets'] == {'rto_seconds': 1800, 'rpo_seconds': 3600}
    measured = report['measured']
    assert isinstance(measured['rto_seconds'], (int, float)) and 0 < measured['rto_seconds'] <= 1800
    assert isinstance(measured['rpo_seconds'], int) and 0 <= measured['rpo_seconds'] <= 3600
    assert [p['name'] for p in measured['phases']] == ['find_backup', 'restore', 'verify', 'compare']
    assert all(p['seconds'] >= 0 for p in measured['phases'])
    # RTO: find + restore + verify (to a verified restored database); compare comes after.
    assert abs(sum(p['seconds'] for p in measured['phases'][:3]) - measured['rto_seconds']) < 0.1
    assert re.match(r'/var/backups/postgresql/aura_flow-\d{8}T\d{6}Z\.dump$', measured['backup']['file'])
    assert measured['versions']['server'].startswith(lab_pg_major() + '.')  # 17 on the lab's trixie aura-db1
    assert set(measured['row_counts']) == {'users', 'items'}
    for counts in measured['row_counts'].values():
        assert isinstance(counts['restored'], int) and isinstance(counts['live'], int)
    names = [c['name'] for c in report['checks']]
    for name in ('find_backup', 'checksum', 'restore', 'rows users', 'rows items', 'rto', 'rpo', 'scratch_dropped'):
        assert name in names


def test_html_report_next_to_the_json(first_run):
    _unused1, _unused2, report, path = first_run
    page_path = path[:-len('.json')] + '.html'
    assert os.path.isfile(page_path)
    with open(page_path, encoding='utf-8') as handle:
        page = handle.read()
    assert 'class="banner pass"' in page and 'drill_db: PASSED' in page
    for target in ('rto_seconds', 'rpo_seconds'):
        row = re.search(r'<tr class="target" data-target="%s">(.*?)</tr>' % target, page, re.S)
        assert row and 'pass' in row.group(1)
    assert 'id="timeline"' in page and 'compare' in page
    assert report['measured']['backup']['file'] in page


def test_no_scratch_database_left(first_run):
    _unused1, _unused2, report, _unused3 = first_run
    scratch = scratch_of(report)
    assert psql("SELECT count(*) FROM pg_database WHERE datname = '%s'" % scratch) == '0'


def test_rerun_passes_unchanged(first_run):
    rc, out, report, _unused1 = drill()
    assert rc == 0 and report['passed'] is True, out[-3000:]
    assert changed_counts(out) == [0]
    assert psql("SELECT count(*) FROM pg_database WHERE datname = '%s'" % scratch_of(report)) == '0'


def test_missing_backup_fails_clearly_before_anything(database):
    rc, out, report, _unused1 = drill('-e', 'backup=/nonexistent.dump')
    assert rc != 0
    assert "backup '/nonexistent.dump' not found on aura-db1" in out and 'Nothing was changed' in out
    assert 'no scratch database was created' in out
    assert changed_counts(out) == [0]
    assert report['passed'] is False
    assert [c['name'] for c in report['checks'] if not c['ok']][0] == 'find_backup'
    assert report['measured']['rto_seconds'] is None and report['measured']['drill_target'] is None


def test_damaged_backup_fails_verification(database):
    with damaged_backup('/tmp/drill_db_test_cut.dump') as cut:
        rc, out, report, _unused1 = drill('-e', 'backup=' + cut)
    assert rc != 0 and report['passed'] is False, out[-3000:]
    failed = [c['name'] for c in report['checks'] if not c['ok']]
    assert 'toc' in failed and 'rto' in failed, failed
    assert report['measured']['rto_seconds'] is None
    assert report['measured']['drill_target'] is None  # refused before a scratch database was created
    assert changed_counts(out) == [0]


def test_physical_path_restores_the_stanza_to_the_drills_start_and_measures_rpo_from_the_wal(database):
    """-e drill_db_method=pitr: the pgBackRest stanza to the drill's start in a scratch instance. With archive_timeout
    off for the moment, a commit made seconds before the drill is only in pg_wal: the RPO is its age, read from the WAL."""
    assert psql("SELECT count(*) FROM pg_stat_archiver WHERE last_archived_wal IS NOT NULL") == '1'
    psql('ALTER SYSTEM SET archive_timeout = 0')
    try:
        psql('SELECT pg_reload_conf()')
        psql('SELECT pg_switch_wal() IS NOT NULL')  # whatever was written before is archived
        psql('SELECT txid_current()')
        written = psql("SELECT to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')")
        rc, out, report, _unused1 = drill('-e', 'drill_db_method=pitr')
    finally:
        psql('ALTER SYSTEM RESET archive_timeout')
        psql('SELECT pg_reload_conf()')
    assert rc == 0 and report['passed'] is True, out[-3000:]
    assert changed_counts(out) == [0]
    measured = report['measured']
    assert measured['method'] == 'pitr'
    names = [c['name'] for c in report['checks']]
    for name in ('archiving', 'repository', 'target_in_range', 'restore', 'target_reached', 'expected_tables', 'cleanup', 'rto', 'rpo'):
        assert name in names, names
    assert re.match(r'\d{8}-\d{6}F', measured['backup']['label']) and measured['backup']['stanza'] == 'aura'
    assert measured['target_time'] >= written
    # The commit above (and any the app made since) was only in pg_wal at the drill's start: the RPO is the oldest one's age.
    assert measured['archive']['unarchived_commits'] >= 1 and measured['archive']['unarchived_bytes'] > 0
    assert isinstance(measured['rpo_seconds'], int) and 0 <= measured['rpo_seconds'] <= 120
    rpo = [c for c in report['checks'] if c['name'] == 'rpo'][0]['detail']
    assert re.search(r'commits? (was|were) only in pg_wal at', rpo), rpo
    assert set(measured['row_counts']) == {'users', 'items'}
    for counts in measured['row_counts'].values():
        assert isinstance(counts['restored'], int) and isinstance(counts['live'], int)
    scratch = re.match(r'scratch instance (\S+) on port \d+ of aura-db1$', measured['drill_target'])
    assert scratch, measured['drill_target']
    assert run(['docker', 'exec', 'aura-db1', 'test', '-e', scratch.group(1)], timeout=60).returncode != 0


def test_physical_path_refuses_a_dump(database):
    rc, out, _unused1, _unused2 = drill('-e', 'drill_db_method=pitr', '-e', 'backup=/nonexistent.dump')
    assert rc != 0 and 'drill_db_method=pitr drills the pgBackRest stanza' in out and 'Nothing was changed' in out
    assert changed_counts(out) == [0]
