# -*- coding: utf-8 -*-
# Copyright: (c) 2026, auraflow.ops maintainers
# MIT License (see LICENSE)
"""The release ledger: which releases exist, which is active, which one a rollback goes to.

Pure functions over a dict that is stored as JSON (``/opt/aura-flow/releases.json`` and the
frontend's twin). Every operation returns a new ledger and never touches the file system; the
``release_ledger`` module does the I/O (locking, the atomic symlink swap, atomic writes).

A release entry::

    {"version": "1.1.0", "sha256": "...", "status": "active",
     "deployed_at": "2026-01-01T00:00:00Z", "deployed_by": "ops",
     "activated_at": "...", "activated_by": "...", "recorded_seq": 3, "activated_seq": 4}

``status`` is one of ``STATUSES``. ``failed`` and ``rolled_back`` are marks: they stay until the
release is activated or recorded again. The other statuses are derived by ``normalize``:
``active`` is the release ``current`` points to, ``previous`` the release a rollback would go to
now, ``inactive`` a release that was active once, ``deployed`` one that never was.

The rollback rule: the newest *earlier* release, i.e. among the releases other than the active
one that were activated at least once, are not marked failed or rolled_back, and still have their
directory, the one activated most recently. ``seq`` is a counter that orders records and
activations, so two events in the same second still have an order.
"""

from __future__ import annotations

import copy
import json
import re

SCHEMA_VERSION = 1
STATUSES = ('deployed', 'active', 'previous', 'inactive', 'failed', 'rolled_back')
MARKS = ('failed', 'rolled_back')
HISTORY_MAX = 100
_VERSION = re.compile(r'^[0-9A-Za-z][0-9A-Za-z._+-]{0,127}$')
_SHA256 = re.compile(r'^[0-9a-f]{64}$')


class LedgerError(ValueError):
    """A request the ledger cannot satisfy (unknown version, immutable artifact, bad file)."""


class NoRollbackTarget(LedgerError):
    """There is no release to roll back to."""


def empty():
    """A ledger with no releases."""
    return {'schema_version': SCHEMA_VERSION, 'seq': 0, 'active': None, 'previous': None, 'releases': [], 'history': []}


def is_version(version):
    """The one release-version rule: letters, digits and ``. _ + -``, starting with a letter or digit, at most
    128 characters - a safe directory name (no ``/``, never ``.`` or ``..``). The roles' argument checks and the
    deploy playbook's preflight use it too (the Jinja test ``auraflow.ops.release_version``)."""
    return isinstance(version, str) and bool(_VERSION.match(version)) and version not in ('.', '..')


def check_version(version):
    """Return ``version`` if it is a safe release name (see ``is_version``)."""
    if not is_version(version):
        raise LedgerError('invalid release version %r: use letters, digits and . _ + - (starting with a letter or digit)' % (version,))
    return version


def check_sha256(sha256):
    """Return the lower-case hex digest, or raise LedgerError."""
    value = str(sha256 or '').strip().lower()
    if not _SHA256.match(value):
        raise LedgerError('invalid sha256 %r: expected 64 hexadecimal characters' % (sha256,))
    return value


def parse(text):
    """Parse the ledger file's text (an empty text is an empty ledger)."""
    if text is None or not text.strip():
        return empty()
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise LedgerError('the ledger is not valid JSON: %s' % exc) from None
    if not isinstance(data, dict) or not isinstance(data.get('releases'), list):
        raise LedgerError('the ledger is not a release ledger (expected an object with a "releases" list)')
    if data.get('schema_version', SCHEMA_VERSION) != SCHEMA_VERSION:
        raise LedgerError('unsupported ledger schema_version %r (this module writes %d)' % (data.get('schema_version'), SCHEMA_VERSION))
    ledger = empty()
    ledger.update({k: data[k] for k in ('seq', 'active', 'previous', 'history') if k in data})
    seen = set()
    for entry in data['releases']:
        if not isinstance(entry, dict) or not isinstance(entry.get('version'), str):
            raise LedgerError('the ledger has a release entry without a version: %r' % (entry,))
        if entry['version'] in seen:
            raise LedgerError('the ledger lists release %s twice' % entry['version'])
        if entry.get('status') not in STATUSES:
            raise LedgerError('release %s has an unknown status %r' % (entry['version'], entry.get('status')))
        seen.add(entry['version'])
        ledger['releases'].append(dict(entry))
    if not isinstance(ledger['seq'], int) or isinstance(ledger['seq'], bool):
        raise LedgerError('the ledger seq must be an integer')
    if not isinstance(ledger['history'], list):
        ledger['history'] = []
    ledger['seq'] = max([ledger['seq']] + [_seq(e) for e in ledger['releases']])
    if ledger['active'] is not None and ledger['active'] not in seen:
        raise LedgerError('the ledger says %s is active but does not list it' % ledger['active'])
    return normalize(ledger)


def dumps(ledger):
    """The file text: stable key order, one trailing newline."""
    return json.dumps(ledger, indent=2, sort_keys=True) + '\n'


def find(ledger, version):
    """The entry of ``version``, or None."""
    for entry in ledger['releases']:
        if entry['version'] == version:
            return entry
    return None


def versions(ledger):
    """Recorded versions, newest first."""
    return [e['version'] for e in _by_recency(ledger)]


def describe(ledger):
    """``1.1.0 (active), 1.0.0 (previous)``: for error messages."""
    if not ledger['releases']:
        return 'none recorded'
    return ', '.join('%s (%s)' % (e['version'], e['status']) for e in _by_recency(ledger))


def record(ledger, version, sha256, at, by):
    """Record an unpacked release. Returns ``(ledger, changed)``.

    The same version with the same sha256 is a no-op, except that a failed or rolled-back
    release recorded again is a new attempt and loses its mark. Versions are immutable while
    active: a different artifact under the active version is refused. An inactive version with a
    different artifact is replaced (the caller replaced its directory).
    """
    check_version(version)
    sha256 = check_sha256(sha256)
    new = copy.deepcopy(ledger)
    entry = find(new, version)
    if entry is not None and entry.get('sha256') == sha256:
        if entry['status'] not in MARKS:
            return ledger, False
        entry['status'] = 'deployed'
        _event(new, at, by, 'retry', version, 'recorded again after being %s' % ledger_status(ledger, version))
        return normalize(new), True
    if entry is not None and new['active'] == version:
        raise LedgerError('release %s is active with sha256 %s; refusing to record a different artifact (%s) under the same version: '
                          'deploy it under a new version' % (version, entry.get('sha256'), sha256))
    new['seq'] += 1
    fresh = {
        'version': version, 'sha256': sha256, 'status': 'deployed', 'deployed_at': at, 'deployed_by': by,
        'activated_at': None, 'activated_by': None, 'recorded_seq': new['seq'], 'activated_seq': None,
    }
    if entry is None:
        new['releases'].append(fresh)
        _event(new, at, by, 'record', version, 'sha256 %s' % sha256)
    else:
        entry.clear()
        entry.update(fresh)
        _event(new, at, by, 'replace', version, 'new artifact, sha256 %s' % sha256)
    return normalize(new), True


def ledger_status(ledger, version):
    entry = find(ledger, version)
    return entry['status'] if entry else None


def activate(ledger, version, at, by, mark_replaced=None):
    """Make ``version`` the active release. Returns ``(ledger, changed)``.

    ``mark_replaced`` (``failed`` or ``rolled_back``) marks the release being replaced; a release
    already marked failed keeps that mark. Activating a marked release clears its mark (an
    operator's explicit choice; the health gate marks it again if it fails).
    """
    _check_mark(mark_replaced, allow_none=True)
    entry = find(ledger, version)
    if entry is None:
        raise LedgerError('release %s is not recorded; recorded releases: %s' % (version, describe(ledger)))
    if ledger['active'] == version and entry['status'] not in MARKS:
        return ledger, False
    new = copy.deepcopy(ledger)
    replaced = new['active']
    if replaced is not None and replaced != version and mark_replaced is not None:
        left = find(new, replaced)
        if left['status'] != 'failed':
            left['status'] = mark_replaced
    entry = find(new, version)
    new['seq'] += 1
    entry.update({'status': 'deployed', 'activated_at': at, 'activated_by': by, 'activated_seq': new['seq']})
    new['active'] = version
    detail = 'replacing %s' % replaced if replaced and replaced != version else 'first activation' if not replaced else 're-activated'
    if replaced and replaced != version and mark_replaced:
        detail += ' (marked %s)' % find(new, replaced)['status']
    _event(new, at, by, 'activate', version, detail)
    return normalize(new), True


def mark(ledger, version, status, at, by, reason=None):
    """Mark a release ``failed`` or ``rolled_back``. Returns ``(ledger, changed)``."""
    _check_mark(status)
    entry = find(ledger, version)
    if entry is None:
        raise LedgerError('release %s is not recorded; recorded releases: %s' % (version, describe(ledger)))
    if entry['status'] == status:
        return ledger, False
    new = copy.deepcopy(ledger)
    find(new, version)['status'] = status
    _event(new, at, by, 'mark', version, status + (': %s' % reason if reason else ''))
    return normalize(new), True


def rollback_target(ledger, explicit=None, available=None):
    """The version a rollback goes to; NoRollbackTarget with the reason when there is none.

    ``available`` is the set of versions whose directory exists (None: do not check).
    ``explicit`` picks a version: it must be recorded, not active, not failed, and present.
    """
    active = ledger['active']
    if explicit is not None:
        entry = find(ledger, explicit)
        if entry is None:
            raise NoRollbackTarget('cannot roll back to %s: it is not recorded; recorded releases: %s' % (explicit, describe(ledger)))
        if explicit == active:
            raise NoRollbackTarget('cannot roll back to %s: it is already the active release' % explicit)
        if entry['status'] == 'failed':
            raise NoRollbackTarget('cannot roll back to %s: it is marked failed; activate it explicitly if you really mean it' % explicit)
        if available is not None and explicit not in available:
            raise NoRollbackTarget('cannot roll back to %s: its release directory is gone (pruned?)' % explicit)
        return explicit
    candidates = [
        e for e in ledger['releases']
        if e['version'] != active and e.get('activated_seq') and e['status'] not in MARKS
        and (available is None or e['version'] in available)
    ]
    if not candidates:
        raise NoRollbackTarget('no earlier release to roll back to: active %s; releases: %s' % (active or 'none', describe(ledger)))
    return max(candidates, key=lambda e: e['activated_seq'])['version']


def rollback(ledger, at, by, explicit=None, available=None, mark_replaced='rolled_back'):
    """Choose the rollback target and activate it. Returns ``(ledger, target)``."""
    target = rollback_target(ledger, explicit, available)
    new, dummy = activate(ledger, target, at, by, mark_replaced=mark_replaced)
    return new, target


def prune_plan(ledger, keep, protect=()):
    """Versions to delete so that the ``keep`` newest remain, never the active or previous one.

    Newest means most recently recorded or activated. ``protect`` adds versions that must stay
    (e.g. the one ``current`` really points to, should it differ from the ledger).
    """
    if isinstance(keep, bool) or not isinstance(keep, int) or keep < 1:
        raise LedgerError('keep must be an integer of at least 1, got %r' % (keep,))
    keep_set = set(e['version'] for e in _by_recency(ledger)[:keep])
    keep_set.update(v for v in (ledger['active'], ledger['previous']) if v)
    keep_set.update(protect)
    return [e['version'] for e in reversed(_by_recency(ledger)) if e['version'] not in keep_set]


def forget(ledger, doomed, at, by):
    """Drop pruned versions from the ledger. Returns ``(ledger, changed)``."""
    doomed = [v for v in doomed if find(ledger, v) is not None]
    if not doomed:
        return ledger, False
    for version in doomed:
        if version in (ledger['active'], ledger['previous']):
            raise LedgerError('refusing to forget %s: it is the active or previous release' % version)
    new = copy.deepcopy(ledger)
    new['releases'] = [e for e in new['releases'] if e['version'] not in doomed]
    for version in doomed:
        _event(new, at, by, 'prune', version, None)
    return normalize(new), True


def normalize(ledger):
    """Derive ``previous`` and the statuses that are not marks (in place; returns the ledger)."""
    try:
        previous = rollback_target(ledger)
    except NoRollbackTarget:
        previous = None
    ledger['previous'] = previous
    for entry in ledger['releases']:
        if entry['status'] in MARKS:
            continue
        if entry['version'] == ledger['active']:
            entry['status'] = 'active'
        elif entry['version'] == previous:
            entry['status'] = 'previous'
        elif entry.get('activated_seq'):
            entry['status'] = 'inactive'
        else:
            entry['status'] = 'deployed'
    return ledger


def summary(ledger):
    """The releases newest first, with the fields people ask about."""
    fields = ('version', 'status', 'sha256', 'deployed_at', 'deployed_by', 'activated_at')
    return [dict((k, e.get(k)) for k in fields) for e in _by_recency(ledger)]


def _seq(entry):
    return max(entry.get('recorded_seq') or 0, entry.get('activated_seq') or 0)


def _by_recency(ledger):
    return sorted(ledger['releases'], key=_seq, reverse=True)


def _check_mark(status, allow_none=False):
    if status is None and allow_none:
        return
    if status not in MARKS:
        raise LedgerError('a release can be marked %s, not %r' % (' or '.join(MARKS), status))


def _event(ledger, at, by, event, version, detail):
    ledger['history'].append({'at': at, 'by': by, 'event': event, 'version': version, 'detail': detail, 'seq': ledger['seq']})
    del ledger['history'][:-HISTORY_MAX]
