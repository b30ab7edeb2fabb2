# -*- coding: utf-8 -*-
# Copyright: (c) 2026, auraflow.ops maintainers
# MIT License (see LICENSE)
"""The verdict of the drill role's physical path (roles/drill/tasks/db_pitr.yml, drill_db_method pitr).

What it was given, all from Ansible (registered results and facts; a missing one is None):

- ``archive_query``: the postgresql_query result that read pg_stat_archiver and where the live WAL is -
  one row with last_archived_wal, last_archived_at, failing, last_failed_wal, current_lsn, unarchived_from,
  unarchived_bytes;
- ``waldump``: the pg_waldump result over the range no archived segment held (skipped when there was none);
- ``started``: the drill's start, the moment of the simulated loss (ISO 8601, UTC, ``...Z``);
- ``verify``: the postgres role's pitr_verify result (module pgbackrest_verify): valid, checks, timings,
  scratch;
- ``times``: epoch seconds ``t0`` (the drill's start), ``found`` (archive state read), ``verified`` (restore
  verified), ``compared`` (live counts compared);
- ``error``: what failed in the block, or None.

``judge()`` returns the measurements and checks db_pitr.yml used to compute in Jinja: the commits only pg_wal
held (``unarchived``), ``phases``, ``rto``, ``rpo`` and its ``rpo_detail``, ``checks`` and ``cleanup_note``.
"""

from __future__ import annotations

import datetime
import re

from ansible_collections.auraflow.ops.plugins.module_utils import verdicts

COMMIT = re.compile(r'desc: COMMIT ([0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2})')
# pg_waldump ends with one of these when it reaches the end of the WAL written so far: not an error.
END_OF_WAL = re.compile(r'could not find a valid record after|end of WAL')


def _ran(result):
    """A registered result of a task that ran (not None, not skipped)."""
    return isinstance(result, dict) and not result.get('skipped')


def archive_row(archive_query):
    """The one row of the archive-state query, {} when it did not run or failed."""
    if not _ran(archive_query) or archive_query.get('failed'):
        return {}
    rows = archive_query.get('query_result') or [{}]
    return rows[0] if isinstance(rows[0], dict) else {}


def unarchived_commits(archive_query, waldump):
    """Commit times (UTC, 'YYYY-MM-DD HH:MM:SS', sorted) in the WAL no archived segment held; [] when the
    archive held every record; None when that could not be read."""
    row = archive_row(archive_query)
    if not row or row.get('unarchived_bytes') is None:
        return None
    if not _ran(waldump):
        return []
    if waldump.get('rc') == 0 or END_OF_WAL.search(waldump.get('stderr') or ''):
        return sorted(COMMIT.findall(waldump.get('stdout') or ''))
    return None


def rpo_seconds(started, unarchived):
    """A loss at ``started`` loses the commits only pg_wal held then: the oldest one's age (never below 0)."""
    if unarchived is None:
        return None
    if not unarchived:
        return 0
    begin = datetime.datetime.strptime(started, verdicts.ISO)
    oldest = datetime.datetime.strptime(unarchived[0], '%Y-%m-%d %H:%M:%S')
    return max(int((begin - oldest).total_seconds()), 0)


def _archiving_check(archive_query, error):
    row = archive_row(archive_query)
    last = row.get('last_archived_wal')
    failing = row.get('failing', True)
    if isinstance(last, str):
        detail = 'WAL archived up to %s at %s, %s bytes of WAL from %s on not archived yet%s' % (
            last, row.get('last_archived_at'), row.get('unarchived_bytes', '?'), row.get('unarchived_from', '?'),
            (', archiving FAILS since %s' % row.get('last_failed_wal')) if row.get('failing', False) else '')
    elif row:
        detail = 'nothing was ever archived'
    else:
        detail = error or 'the archive state could not be read'
    return {'name': 'archiving', 'severity': 'critical', 'seconds': None, 'ok': isinstance(last, str) and not failing,
            'detail': detail}


def _rpo_detail(started, unarchived, rpo, row, waldump, error, target):
    if unarchived is None:
        why = error or 'pg_waldump failed: %s' % ((waldump or {}).get('stderr') or '').strip()
        head = 'the archive state could not be read: %s' % why
    elif not unarchived:
        head = 'no commit was only in pg_wal at %s: everything committed had reached the repository' % started
    else:
        head = '%d %s only in pg_wal at %s, the oldest from %s UTC: at most %s s of data lost' % (
            len(unarchived), 'commit was' if len(unarchived) == 1 else 'commits were', started, unarchived[0], rpo)
    return '%s (archived up to %s at %s; target %s s)' % (
        head, row.get('last_archived_wal') or 'nothing', row.get('last_archived_at') or '-', target)


def _cleanup_note(verify):
    scratch = verdicts.get(verify, 'scratch')
    if not isinstance(scratch, dict):
        return 'no scratch instance was created'
    fate = 'was removed' if scratch.get('removed') else 'may be LEFT: remove it by hand'
    return 'the scratch instance %s %s' % (scratch.get('path'), fate)


def judge(archive_query, waldump, started, verify, times, error=None, rpo_target=60):
    """The physical drill's measurements and checks (see the module's docstring)."""
    verify = verify if isinstance(verify, dict) else {}
    times = {k: verdicts.number(v) for k, v in (times or {}).items()}
    if verdicts.epoch(started) is None:
        raise ValueError('started must be UTC time as YYYY-MM-DDTHH:MM:SSZ, got %r' % (started,))
    t0, found, verified, compared = (times.get(k) for k in ('t0', 'found', 'verified', 'compared'))
    if t0 is None:
        raise ValueError('times needs t0, the drill start in epoch seconds')
    unarchived = unarchived_commits(archive_query, waldump)
    rpo = rpo_seconds(started, unarchived)
    phases = ([{'name': 'archive_state', 'seconds': round(found - t0, 2)}] if found is not None else []) \
        + [{'name': name, 'seconds': seconds} for name, seconds in (verify.get('timings') or {}).items()] \
        + ([{'name': 'compare', 'seconds': round(compared - verified, 2)}] if compared is not None and verified is not None else [])
    checks = ([_archiving_check(archive_query, error)] if archive_query is not None else []) \
        + list(verify.get('checks') or []) \
        + ([{'name': 'drill', 'severity': 'critical', 'ok': False, 'seconds': None, 'detail': error}] if error else [])
    return {
        'unarchived': unarchived,
        'phases': phases,
        # from the start of the drill to a restored instance that passed verification
        'rto': round(verified - t0, 2) if verify.get('valid') and verified is not None else None,
        'rpo': rpo,
        'rpo_detail': _rpo_detail(started, unarchived, rpo, archive_row(archive_query), waldump, error, rpo_target),
        'checks': checks,
        'cleanup_note': _cleanup_note(verify),
    }
