# -*- coding: utf-8 -*-
# Copyright: (c) 2026, auraflow.ops maintainers
# MIT License (see LICENSE)
"""What a pgBackRest stanza holds and whether a restore of it can be trusted: the pure part of ``pgbackrest_verify``.

* ``pgbackrest info --output=json`` parsing (the stanza's status, its backups, the archive);
* the backup set for a target time, and whether a target time is reachable;
* target times (ISO 8601, UTC) parsed, checked and written as pgBackRest and PostgreSQL read them;
* ``pgbackrest verify --output=text`` parsing (its exit code says nothing in 2.45) and the verdict on one set;
* the scratch instance's recovery log, classified (consistent, stopped at the target, target not reached, failed);
* the scratch instance's settings, the restore's arguments, the scratch directory names;
* the ordered checks and their severities (the verdict itself: ``pg_backup.Checks`` and ``findings``).

Nothing here talks to a server or runs a program.
"""

from __future__ import annotations

import calendar
import datetime
import json
import re
import shlex
import time

from ansible_collections.auraflow.ops.plugins.module_utils import pgconn
from ansible_collections.auraflow.ops.plugins.module_utils.pg_backup import Checks

# Check names (a contract), in the order the module runs them, and the severity of a failure.
CHECK_ORDER = ('repository', 'target_in_range', 'pgbackrest_verify', 'disk_space', 'restore', 'instance_started',
               'target_reached', 'expected_tables', 'min_rows', 'cleanup')
CHECK_SEVERITY = {
    'repository': 'critical',
    'target_in_range': 'critical',
    'pgbackrest_verify': 'critical',
    'disk_space': 'critical',
    'restore': 'critical',
    'instance_started': 'critical',
    'target_reached': 'critical',
    'expected_tables': 'high',
    'min_rows': 'high',
    'cleanup': 'high',
}
# The checks that read only (the repository's metadata): all that check mode runs.
READ_ONLY_CHECKS = ('repository', 'target_in_range')

# pgBackRest's info status codes (info.c): the stanza's state in the repository.
INFO_STATUS = {
    0: 'ok',
    1: 'missing stanza path',
    2: 'no valid backups',
    3: 'missing stanza data',
    4: 'different across repos',
    5: 'database mismatch across repos',
    6: 'requested backup not found',
    99: 'other',
}

DEFAULT_CONFIG = '/etc/pgbackrest/pgbackrest.conf'
SCRATCH_PREFIX = 'auraflow-pitr-'
SCRATCH_NAME = re.compile(r'^%s(\d{14})-(\d+)-([0-9a-f]{6})$' % re.escape(SCRATCH_PREFIX))
# A unix socket path holds at most 107 bytes (sun_path); PostgreSQL's socket is DIR/.s.PGSQL.PORT.
SOCKET_PATH_MAX = 107


class PgbackrestError(ValueError):
    """Bad input (an unknown set, a malformed target time, unreadable output): not a verdict on a backup."""


def pgbackrest_argument_spec():
    """The options of doc fragment ``auraflow.ops.pgbackrest``: the stanza and pgBackRest's configuration file."""
    return dict(
        stanza=dict(type='str', required=True),
        config=dict(type='path', default=DEFAULT_CONFIG),
    )


def new_checks():
    """A ``pg_backup.Checks`` that knows this module's check names and severities."""
    return Checks(CHECK_SEVERITY)


def remaining_checks(after, wanted=None):
    """The check names after ``after`` in CHECK_ORDER (those ``wanted(name)`` accepts)."""
    names = CHECK_ORDER[CHECK_ORDER.index(after) + 1:]
    return [name for name in names if wanted is None or wanted(name)]


# --------------------------------------------------------------------------- time

_ISO_TIME = re.compile(
    r'^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?\s*'
    r'(?:(Z|z|UTC)|([+-])(\d{2})(?::?(\d{2}))?)?$')


def parse_time(text, what='target_time'):
    """An aware UTC ``datetime`` from ISO 8601 text with a zone (``Z``, ``+00``, ``+00:00``, another offset).

    Also reads PostgreSQL's own ``2026-12-01 23:05:00.123456+00``. Text without a zone is refused:
    its meaning would depend on the clock of the host that reads it.
    """
    if not isinstance(text, str) or not text.strip():
        raise PgbackrestError('%s must be an ISO 8601 time in UTC, e.g. 2026-12-01T23:05:00Z; got %r' % (what, text))
    match = _ISO_TIME.match(text.strip())
    if not match:
        raise PgbackrestError('%s is not an ISO 8601 time: %r (write it in UTC, e.g. 2026-12-01T23:05:00Z)' % (what, text))
    year, month, day, hour, minute, second, fraction, utc, sign, off_h, off_m = match.groups()
    if not utc and not sign:
        raise PgbackrestError('%s has no time zone: %r; write it in UTC with a trailing Z, e.g. %sZ'
                              % (what, text, text.strip().replace(' ', 'T')))
    micro = int((fraction or '0')[:6].ljust(6, '0'))
    try:
        moment = datetime.datetime(int(year), int(month), int(day), int(hour), int(minute), int(second or 0), micro,
                                   tzinfo=datetime.timezone.utc)
    except ValueError as exc:
        raise PgbackrestError('%s is not a valid time: %r (%s)' % (what, text, exc)) from None
    if sign:
        offset = datetime.timedelta(hours=int(off_h), minutes=int(off_m or 0))
        if offset >= datetime.timedelta(hours=24):
            raise PgbackrestError('%s has an impossible UTC offset: %r' % (what, text))
        moment = moment - offset if sign == '+' else moment + offset
    return moment


def epoch_of(moment):
    """Seconds since the epoch (float) of an aware datetime."""
    return calendar.timegm(moment.utctimetuple()) + moment.microsecond / 1e6


def from_epoch(seconds):
    return datetime.datetime.fromtimestamp(seconds, datetime.timezone.utc)


def iso_utc(moment):
    """``2026-12-01T23:05:00Z`` (with ``.ffffff`` when there are microseconds) for a datetime or epoch seconds."""
    if moment is None:
        return None
    if not isinstance(moment, datetime.datetime):
        moment = from_epoch(moment)
    moment = moment.astimezone(datetime.timezone.utc)
    text = moment.strftime('%Y-%m-%dT%H:%M:%S')
    if moment.microsecond:
        text += '.%06d' % moment.microsecond
    return text + 'Z'


def pg_time(moment):
    """A time as PostgreSQL's ``recovery_target_time`` reads it unambiguously: ``2026-12-01 23:05:00.5+00``."""
    moment = moment.astimezone(datetime.timezone.utc)
    text = moment.strftime('%Y-%m-%d %H:%M:%S')
    if moment.microsecond:
        text += '.%06d' % moment.microsecond
    return text + '+00'


def parse_target_time(text, now=None):
    """``target_time`` as an aware UTC datetime; PgbackrestError when malformed or in the future."""
    target = parse_time(text)
    now = time.time() if now is None else now
    if epoch_of(target) > now:
        raise PgbackrestError('target_time %s is in the future (now %s on this host): nothing can be recovered to it yet'
                              % (iso_utc(target), iso_utc(int(now))))
    return target


# --------------------------------------------------------------------------- pgbackrest info

def _load_json(text, what):
    try:
        return json.loads(text)
    except (TypeError, ValueError):
        raise PgbackrestError('%s did not print JSON: %r' % (what, (text or '')[:200])) from None


def stanza_names(text):
    """The stanza names of ``pgbackrest info --output=json`` (without --stanza)."""
    data = _load_json(text, 'pgbackrest info')
    if not isinstance(data, list):
        raise PgbackrestError('pgbackrest info printed %s, not a list of stanzas' % type(data).__name__)
    return sorted(str(item.get('name')) for item in data if isinstance(item, dict) and item.get('name'))


def parse_info(text, stanza):
    """The stanza's entry of ``pgbackrest info --stanza=S --output=json``.

    Returns ``{'name', 'status_code', 'status_message', 'backups': [...] (oldest first), 'archive': [...],
    'repos': [repo keys], 'db': {id: version}}``; each backup is ``{'label', 'type', 'start', 'stop'
    (epoch seconds), 'size_bytes', 'repo_size_bytes', 'pg_version', 'archive_id', 'db_id', 'repo_key',
    'error', 'prior', 'archive_start', 'archive_stop'}``.
    """
    data = _load_json(text, 'pgbackrest info')
    entries = [item for item in data if isinstance(item, dict) and item.get('name') == stanza] if isinstance(data, list) else []
    if not entries:
        raise PgbackrestError('pgbackrest info listed no stanza %r' % stanza)
    entry = entries[0]
    status = entry.get('status') or {}
    dbs = {}
    for db in entry.get('db') or []:
        dbs[(db.get('id'), db.get('repo-key', 1))] = str(db.get('version'))
    backups = []
    for item in entry.get('backup') or []:
        database = item.get('database') or {}
        key = (database.get('id'), database.get('repo-key', 1))
        version = dbs.get(key) or next((v for (db_id, dummy), v in dbs.items() if db_id == database.get('id')), None)
        stamp = item.get('timestamp') or {}
        info = item.get('info') or {}
        archive = item.get('archive') or {}
        backups.append({
            'label': item.get('label'),
            'type': item.get('type'),
            'start': stamp.get('start'),
            'stop': stamp.get('stop'),
            'size_bytes': info.get('size'),
            'repo_size_bytes': (info.get('repository') or {}).get('size'),
            'pg_version': version,
            'archive_id': '%s-%s' % (version, database.get('id')) if version and database.get('id') is not None else None,
            'db_id': database.get('id'),
            'repo_key': database.get('repo-key', 1),
            'error': bool(item.get('error')),
            'prior': item.get('prior'),
            'archive_start': archive.get('start'),
            'archive_stop': archive.get('stop'),
        })
    backups.sort(key=lambda b: (b['stop'] or 0, b['label'] or ''))
    return {
        'name': entry.get('name'),
        'status_code': status.get('code'),
        'status_message': status.get('message') or INFO_STATUS.get(status.get('code'), ''),
        'backups': backups,
        'archive': [{'id': a.get('id'), 'min': a.get('min'), 'max': a.get('max')} for a in entry.get('archive') or []],
        'repos': [repo.get('key') for repo in entry.get('repo') or [] if isinstance(repo, dict)],
        'db': dict(('%s-%s' % (v, k[0]), v) for k, v in dbs.items()),
    }


def stanza_missing(info):
    """True when pgBackRest knows no such stanza in the repository (status 1: missing stanza path)."""
    return info['status_code'] == 1


def judge_repository(info, stanza):
    """``(ok, detail)`` for the ``repository`` check: the stanza is in the repository and holds a backup."""
    code, message = info['status_code'], info['status_message']
    backups = info['backups']
    if code == 2 or (code == 0 and not backups):
        return False, 'stanza %s holds no backup (pgBackRest: %s): there is nothing to restore' % (stanza, message or 'no valid backups')
    if code not in (0, None):
        return False, 'stanza %s is not usable: pgBackRest info status %s (%s)' % (stanza, code, message)
    newest = backups[-1]
    archive = ', '.join('%s %s..%s' % (a['id'], a['min'], a['max']) for a in info['archive'] if a['min']) or 'no WAL archived'
    return True, 'stanza %s: %d backup%s (oldest %s, newest %s ended %s); WAL archive %s' % (
        stanza, len(backups), '' if len(backups) == 1 else 's', backups[0]['label'], newest['label'],
        iso_utc(newest['stop']), archive)


def backup_labels(backups):
    return [b['label'] for b in backups]


def find_set(backups, label):
    """The backup labelled ``label``; PgbackrestError listing the labels when there is none."""
    for backup in backups:
        if backup['label'] == label:
            return backup
    raise PgbackrestError('backup set %r is not in the repository; its backups: %s' % (
        label, ', '.join(backup_labels(backups)) or 'none'))


def choose_backup(backups, set_label='latest', target=None):
    """The backup set to restore: ``set_label``, else (``latest``) the newest one ending at or before
    ``target`` (a datetime) or, without a target, the newest. None when no backup ends before the target."""
    if set_label not in (None, '', 'latest'):
        return find_set(backups, set_label)
    if not backups:
        return None
    if target is None:
        return backups[-1]
    reachable = [b for b in backups if b['stop'] is not None and b['stop'] <= epoch_of(target)]
    return reachable[-1] if reachable else None


def judge_target(target, backups, set_label='latest', now=None):
    """``(ok, detail, backup or None)`` for ``target_in_range``: not in the future, not before the end of
    the chosen set (or, for ``latest``, of the oldest backup) - the oldest moment a restore can reach."""
    now = time.time() if now is None else now
    when = epoch_of(target)
    if when > now:
        return False, 'target_time %s is in the future (now %s)' % (iso_utc(target), iso_utc(int(now))), None
    if not backups:
        return False, 'no backup to recover from', None
    if set_label not in (None, '', 'latest'):
        backup = find_set(backups, set_label)
        if backup['stop'] > when:
            return False, ('target_time %s is before the end of backup %s (%s): the oldest moment it can be recovered to is '
                           '%s' % (iso_utc(target), backup['label'], iso_utc(backup['stop']), iso_utc(backup['stop']))), backup
    else:
        backup = choose_backup(backups, 'latest', target)
        if backup is None:
            oldest = backups[0]
            return False, ('target_time %s is before the oldest backup ended: the oldest reachable moment is %s (the end of '
                           'backup %s)' % (iso_utc(target), iso_utc(oldest['stop']), oldest['label'])), None
    return True, ('target_time %s is %s after the end of backup %s (%s); recovery replays the archived WAL up to it'
                  % (iso_utc(target), human_seconds(when - backup['stop']), backup['label'], iso_utc(backup['stop']))), backup


def human_seconds(seconds):
    seconds = max(0, int(round(seconds)))
    if seconds < 120:
        return '%ds' % seconds
    if seconds < 7200:
        return '%dm%02ds' % divmod(seconds, 60)
    hours, rest = divmod(seconds, 3600)
    return '%dh%02dm' % (hours, rest // 60)


def backup_summary(backup):
    """The ``backup`` result: label, type, start and stop (ISO UTC), sizes, PostgreSQL version."""
    if not backup:
        return None
    return {
        'label': backup['label'],
        'type': backup['type'],
        'start': iso_utc(backup['start']) if backup['start'] is not None else None,
        'stop': iso_utc(backup['stop']) if backup['stop'] is not None else None,
        'size_bytes': backup['size_bytes'],
        'repo_size_bytes': backup['repo_size_bytes'],
        'pg_version': backup['pg_version'],
    }


# --------------------------------------------------------------------------- pgbackrest verify

def parse_version(text):
    """``'2.45'`` from ``pgbackrest version`` (``pgBackRest 2.45``); None when absent."""
    match = re.search(r'pgBackRest\s+(\d+\.\d+(?:\.\d+)?)', text or '')
    return match.group(1) if match else None


def verify_supports_set(help_text):
    """Whether ``pgbackrest help verify`` lists ``--set`` among its options (2.55 does; 2.45 accepts the
    option but ignores it and verifies the whole repository)."""
    return bool(re.search(r'^\s+--set\s', help_text or '', re.MULTILINE))


_VERIFY_STATUS = re.compile(r'^\s*status:\s*(\S+)\s*$', re.IGNORECASE)
_VERIFY_ARCHIVE = re.compile(r'^\s*archiveId:\s*(\S+),\s*total WAL checked:\s*(\d+),\s*total valid WAL:\s*(\d+)', re.IGNORECASE)
_VERIFY_BACKUP = re.compile(r'^\s*backup:\s*([^,\s]+),\s*status:\s*([^,\s]+)(?:,\s*total files checked:\s*(\d+),\s*'
                            r'total valid files:\s*(\d+))?', re.IGNORECASE)
_VERIFY_COUNTS = re.compile(r'(missing|checksum invalid|size invalid|other):\s*(\d+)', re.IGNORECASE)


def parse_verify(text):
    """``pgbackrest verify --output=text [--verbose]`` as ``{'status': 'ok'|'error'|None, 'archives': [...],
    'backups': [...]}``; each archive ``{'id', 'checked', 'valid', 'problems'}``, each backup ``{'label',
    'status', 'checked', 'valid', 'problems'}``, ``problems`` the non-zero counts (``{'checksum invalid': 1}``)."""
    out = {'status': None, 'archives': [], 'backups': []}
    last = None
    for line in (text or '').splitlines():
        match = _VERIFY_ARCHIVE.match(line)
        if match:
            last = {'id': match.group(1), 'checked': int(match.group(2)), 'valid': int(match.group(3)), 'problems': {}}
            out['archives'].append(last)
            continue
        match = _VERIFY_BACKUP.match(line)
        if match:
            last = {'label': match.group(1), 'status': match.group(2).lower(),
                    'checked': int(match.group(3)) if match.group(3) else None,
                    'valid': int(match.group(4)) if match.group(4) else None, 'problems': {}}
            out['backups'].append(last)
            continue
        match = _VERIFY_STATUS.match(line)
        if match and out['status'] is None:
            out['status'] = match.group(1).lower()
            continue
        counts = _VERIFY_COUNTS.findall(line)
        if counts and last is not None:
            for name, number in counts:
                if int(number):
                    last['problems'][name.lower()] = int(number)
    return out


def _problems(item):
    return ', '.join('%s %d' % (name, count) for name, count in sorted(item['problems'].items()))


def judge_verify(parsed, rc, stderr, backup):
    """``(ok, detail, warning)`` for the ``pgbackrest_verify`` check of one backup set.

    Fails on a non-zero exit, on the set's own status (anything but valid, or not checked at all) and on
    invalid WAL of the set's archive id. Problems of other sets or other archive ids only warn.
    """
    label = backup['label']
    if rc != 0:
        return False, 'pgbackrest verify failed (exit %d): %s' % (rc, stderr or 'no error text'), False
    mine = [b for b in parsed['backups'] if b['label'] == label]
    others = [b for b in parsed['backups'] if b['label'] != label and b['status'] != 'valid']
    wal_bad = [a for a in parsed['archives'] if a['valid'] < a['checked']]
    wal_mine = [a for a in wal_bad if backup.get('archive_id') in (None, a['id'])]
    wal_other = [a for a in wal_bad if a not in wal_mine]
    problems = []
    if not mine:
        problems.append('backup %s was not verified (pgbackrest verify%s)' % (
            label, ' reported status %s' % parsed['status'] if parsed['status'] else ' printed nothing for it'))
    for item in mine:
        if item['status'] != 'valid':
            counted = ' of %d files: %d valid' % (item['checked'], item['valid']) if item['checked'] is not None else ''
            problems.append('backup %s is %s%s%s' % (label, item['status'], counted,
                                                     ' (%s)' % _problems(item) if item['problems'] else ''))
    for item in wal_mine:
        problems.append('WAL archive %s: %d of %d segments invalid%s' % (
            item['id'], item['checked'] - item['valid'], item['checked'], ' (%s)' % _problems(item) if item['problems'] else ''))
    if problems:
        return False, '; '.join(problems), False
    counted = ['%d of %d files valid' % (b['valid'], b['checked']) if b['checked'] is not None else b['status'] for b in mine]
    detail = 'backup %s: %s' % (label, ', '.join(counted))
    checked_wal = [a for a in parsed['archives'] if backup.get('archive_id') in (None, a['id'])]
    if checked_wal:
        detail += '; WAL %s' % ', '.join('%s: %d of %d segments valid' % (a['id'], a['valid'], a['checked']) for a in checked_wal)
    warnings = ['backup %s is %s' % (b['label'], b['status']) for b in others]
    warnings += ['WAL archive %s: %d of %d segments invalid' % (a['id'], a['checked'] - a['valid'], a['checked']) for a in wal_other]
    if warnings:
        return True, detail + '; elsewhere in the repository: ' + '; '.join(warnings), True
    return True, detail, False


# --------------------------------------------------------------------------- the scratch instance's recovery log

_LOG_PREFIX = re.compile(r'^.*?\b(LOG|FATAL|PANIC|ERROR|WARNING):\s+(.*)$')
_STOPPING = re.compile(r'^recovery stopping (before|after) (commit|abort) of transaction (\d+), time (.+)$')
_LAST_COMMIT = re.compile(r'^last completed transaction was at log time (.+)$')
_CONSISTENT = re.compile(r'^consistent recovery state reached at (\S+)')
_TIMELINE = re.compile(r'^selected new timeline ID: (\d+)')
_PGBACKREST_ERROR = re.compile(r'^(?:\S+\s+\S+\s+P\d+\s+)?ERROR:\s*\[\d+\]:\s*(.*)$')
TARGET_NOT_REACHED = 'recovery ended before configured recovery target was reached'
BEFORE_CONSISTENCY = 'requested recovery stop point is before consistent recovery point'


def _log_time(text):
    try:
        return iso_utc(parse_time(text.strip(), 'a log time'))
    except PgbackrestError:
        return None


def classify_recovery_log(text):
    """What the scratch instance's server log says about its recovery.

    Returns ``{'outcome', 'consistent', 'stop', 'stop_time', 'last_commit', 'timeline', 'promoted', 'ready',
    'fatal', 'errors'}``: ``outcome`` is V(ready) (accepting connections), V(target_not_reached) (PostgreSQL >= 13
    ends recovery with a FATAL when the WAL runs out before the target), V(before_consistency) (the target lies
    before the backup's consistent point), V(failed) (another FATAL or PANIC) or V(running) (none of these yet);
    ``stop`` is V(before)/V(after) (stopped at a time target, with ``stop_time`` the first commit not replayed or
    the last one replayed) or V(consistency) (stopped at the end of the backup); ``last_commit`` the time of the
    last replayed transaction (ISO UTC).
    """
    out = {'outcome': 'running', 'consistent': False, 'stop': None, 'stop_time': None, 'last_commit': None,
           'timeline': None, 'promoted': False, 'ready': False, 'fatal': [], 'errors': []}
    for raw in (text or '').splitlines():
        line = raw.strip()
        match = _PGBACKREST_ERROR.match(line)
        if match:
            out['errors'].append(line[:300])
            continue
        match = _LOG_PREFIX.match(line)
        if not match:
            continue
        level, message = match.group(1), match.group(2).strip()
        if level in ('FATAL', 'PANIC'):
            out['fatal'].append(message[:300])
            if message.startswith(TARGET_NOT_REACHED):
                out['outcome'] = 'target_not_reached'
            elif message.startswith(BEFORE_CONSISTENCY):
                out['outcome'] = 'before_consistency'
            elif out['outcome'] == 'running' and not out['ready']:
                out['outcome'] = 'failed'
            continue
        if level == 'ERROR':
            out['errors'].append(message[:300])
            continue
        if _CONSISTENT.match(message):
            out['consistent'] = True
            continue
        match = _STOPPING.match(message)
        if match:
            out['stop'], out['stop_time'] = match.group(1), _log_time(match.group(4))
            continue
        if message.startswith('recovery stopping after reaching consistency'):
            out['stop'] = 'consistency'
            continue
        match = _LAST_COMMIT.match(message)
        if match:
            out['last_commit'] = _log_time(match.group(1))
            continue
        match = _TIMELINE.match(message)
        if match:
            out['timeline'] = int(match.group(1))
            out['promoted'] = True
            continue
        if message.startswith('archive recovery complete'):
            out['promoted'] = True
            continue
        if message.startswith('database system is ready to accept connections') and out['outcome'] == 'running':
            out['ready'] = True
            out['outcome'] = 'ready'
    return out


def judge_target_reached(log, target, recovered_to=None):
    """``(ok, detail)`` for ``target_reached``: recovery stopped at the target time, not at the end of the WAL."""
    last = recovered_to or log.get('last_commit')
    if log['outcome'] == 'target_not_reached':
        return False, ('recovery ended before target_time %s was reached: the WAL in the repository ends %s. PostgreSQL: "%s". '
                       'Archive the WAL after the target (a commit after it, then pgbackrest check) or choose an earlier '
                       'target' % (iso_utc(target), 'after the last commit at %s' % last if last else 'before any commit after the backup',
                                   TARGET_NOT_REACHED))
    if log['outcome'] == 'before_consistency':
        return False, ('target_time %s is before the restored backup became consistent: PostgreSQL: "%s"'
                       % (iso_utc(target), BEFORE_CONSISTENCY))
    if log['stop'] in ('before', 'after'):
        return True, ('recovery stopped at target_time %s: %s the commit at %s; last replayed commit %s' % (
            iso_utc(target), 'before' if log['stop'] == 'before' else 'after', log['stop_time'], last or 'none'))
    return False, ('recovery ended without reaching target_time %s (no "recovery stopping" line in the log; last replayed '
                   'commit %s): the WAL after the target is not in the repository' % (iso_utc(target), last or 'none'))


# --------------------------------------------------------------------------- the scratch instance

def scratch_dir_name(now=None, pid=0, random_hex='000000'):
    """``auraflow-pitr-<UTC YYYYmmddHHMMSS>-<pid>-<6 hex>``: the one form of name a later run may remove."""
    stamp = time.strftime('%Y%m%d%H%M%S', time.gmtime(time.time() if now is None else now))
    return '%s%s-%d-%s' % (SCRATCH_PREFIX, stamp, pid, random_hex)


def scratch_created_epoch(name):
    """The UTC creation time in a scratch directory's name, or None for any other name."""
    return pgconn.scratch_created_epoch(name, SCRATCH_NAME)


def stale_scratch_names(names, max_age, now=None):
    """The names (in order) of scratch directories older than ``max_age`` seconds; never any other name."""
    return pgconn.stale_scratch_names(names, max_age, now, SCRATCH_NAME)


def socket_path(socket_dir, port):
    return '%s/.s.PGSQL.%d' % (socket_dir.rstrip('/'), port)


def server_settings(port, socket_dir, data_dir):
    """``[(name, value)]``: what the scratch instance runs with, whatever the restored data directory holds.

    Written into its ``postgresql.conf`` and passed on the command line as well, where they win over the
    ``postgresql.auto.conf`` restored from the live cluster (``ALTER SYSTEM``) - except the recovery settings
    pgBackRest wrote there. No TCP (unix socket in its own directory only), no archiving, no streaming, no
    commands run at the end of recovery, no hot standby (connections only once recovery is over), small memory.
    """
    return [
        ('listen_addresses', ''),
        ('port', str(port)),
        ('unix_socket_directories', socket_dir),
        ('unix_socket_permissions', '0700'),
        ('hba_file', '%s/pg_hba.conf' % data_dir),
        ('ident_file', '%s/pg_ident.conf' % data_dir),
        ('external_pid_file', ''),
        ('cluster_name', 'auraflow-pitr-scratch'),
        ('hot_standby', 'off'),
        ('archive_mode', 'off'),
        ('archive_command', ''),
        ('archive_cleanup_command', ''),
        ('recovery_end_command', ''),
        ('primary_conninfo', ''),
        ('primary_slot_name', ''),
        ('synchronous_standby_names', ''),
        ('ssl', 'off'),
        ('shared_buffers', '128MB'),
        ('huge_pages', 'off'),
        ('fsync', 'off'),
        ('synchronous_commit', 'off'),
        ('autovacuum', 'off'),
        ('logging_collector', 'off'),
        ('log_destination', 'stderr'),
        ('log_min_messages', 'warning'),
        ('log_line_prefix', '%m [%p] '),
        ('lc_messages', 'C'),
        ('timezone', 'UTC'),
        ('log_timezone', 'UTC'),
    ]


def _conf_value(value):
    return "'%s'" % value.replace('\\', '\\\\').replace("'", "''")


def postgresql_conf(settings):
    """A ``postgresql.conf`` holding ``settings`` (Debian keeps the real one in /etc/postgresql)."""
    lines = ['# Written by auraflow.ops.pgbackrest_verify for a scratch instance: removed at the end of the run.']
    lines += ['%s = %s' % (name, _conf_value(value)) for name, value in settings]
    return '\n'.join(lines) + '\n'


def pg_hba_conf(user):
    """Only ``user`` (the OS user running the module), only over the instance's own unix socket, by peer."""
    return ('# Written by auraflow.ops.pgbackrest_verify: the scratch instance answers only its OS user, on its own socket.\n'
            'local all %s peer\n' % user)


def server_options(settings):
    """The settings as ``postgres`` command-line options for ``pg_ctl -o``, which hands them to a shell: one
    string of ``-c 'name=value'`` items, each quoted for ``/bin/sh``."""
    return ' '.join('-c %s' % shlex.quote('%s=%s' % (name, value)) for name, value in settings)


def restore_args(config, stanza, data_dir, label, target=None, tablespace_dir=None, repo=None):
    """The ``pgbackrest`` arguments that restore ``label`` (to its end, or to ``target``) into ``data_dir``.

    ``--archive-mode=off``: the scratch instance never pushes WAL into the repository. Without a target
    the recovery stops as soon as the backup is consistent (``--type=immediate``); with one, at the
    target (``--type=time``). Either way the instance is promoted at the end. Tablespaces are restored
    under ``tablespace_dir``, never to their original (live) places.
    """
    args = ['--config=%s' % config, '--stanza=%s' % stanza, '--pg1-path=%s' % data_dir, '--archive-mode=off', '--set=%s' % label]
    if repo is not None:
        args.append('--repo=%s' % repo)
    if target is not None:
        args += ['--type=time', '--target=%s' % pg_time(target), '--target-action=promote']
    else:
        args += ['--type=immediate', '--target-action=promote']
    if tablespace_dir:
        args.append('--tablespace-map-all=%s' % tablespace_dir)
    args.append('restore')
    return args


def postmaster_status(text):
    """``(pid, status)`` from a ``postmaster.pid``'s text (status: V(starting), V(ready), V(stopping), V(standby)
    or None when not written yet); None when there is no pid."""
    lines = (text or '').splitlines()
    try:
        pid = int(lines[0].strip())
    except (IndexError, ValueError):
        return None
    status = lines[7].strip() if len(lines) > 7 and lines[7].strip() else None
    return pid, status
