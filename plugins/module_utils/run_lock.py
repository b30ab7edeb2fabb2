# -*- coding: utf-8 -*-
# Copyright: (c) 2026, auraflow.ops maintainers
# MIT License (see LICENSE)
"""The stack lock: one changing run at a time.

A lock is one JSON file naming its holder (token, playbook, user, controller, pid, AWX job id,
start time). It is created atomically - written under a temporary name, then hard-linked to the
lock's name, which fails when a lock is there - so two runs can never both hold it, and a reader
never sees a half-written holder. Pure logic here; plugins/modules/run_lock.py does the I/O.
"""

from __future__ import annotations

import errno
import json
import os
import tempfile

HOLDER_KEYS = ('token', 'playbook', 'user', 'controller', 'pid', 'awx_job_id', 'started')


def clean_owner(owner):
    """The holder record written into the lock: the known keys, as strings."""
    owner = owner or {}
    record = {key: '' if owner.get(key) is None else str(owner.get(key)) for key in HOLDER_KEYS}
    if not record['token']:
        raise ValueError('owner.token is required: it is what tells this run\'s lock from another\'s')
    return record


def describe(holder):
    """One line naming a holder, for messages."""
    if not holder:
        return 'nobody'
    parts = ['%s by %s' % (holder.get('playbook') or '?', holder.get('user') or '?')]
    if holder.get('awx_job_id'):
        parts.append('AWX job %s' % holder['awx_job_id'])
    parts.append('on controller %s pid %s' % (holder.get('controller') or '?', holder.get('pid') or '?'))
    parts.append('since %s' % (holder.get('started') or '?'))
    return ', '.join(parts)


def read(path):
    """The holder in the lock at path, None when there is no lock; a damaged lock reads as a holder
    named 'unreadable' (it still blocks: it is not ours to ignore)."""
    try:
        with open(path, encoding='utf-8') as handle:
            text = handle.read()
    except FileNotFoundError:
        return None
    try:
        holder = json.loads(text)
        if not isinstance(holder, dict):
            raise ValueError('not an object')
    except ValueError:
        return {'token': '', 'playbook': 'unreadable lock file', 'user': '?', 'controller': '?', 'pid': '',
                'awx_job_id': '', 'started': '?'}
    return holder


def _write_temp(directory, record):
    fd, temp = tempfile.mkstemp(prefix='.run.lock.', dir=directory)
    try:
        with os.fdopen(fd, 'w', encoding='utf-8') as handle:
            json.dump(record, handle, indent=2, sort_keys=True)
            handle.write('\n')
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temp, 0o644)
    except BaseException:
        os.unlink(temp)
        raise
    return temp


def _fsync_dir(directory):
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def acquire(path, owner, break_lock=False):
    """Take the lock for owner. Returns (acquired, changed, holder, broken):
    acquired - this run holds the lock now; holder - who holds it (owner when acquired);
    broken - the holder replaced because break_lock was given (else None)."""
    record = clean_owner(owner)
    directory = os.path.dirname(path) or '.'
    os.makedirs(directory, mode=0o755, exist_ok=True)
    current = read(path)
    if current is not None and current.get('token') == record['token']:
        return True, False, current, None
    temp = _write_temp(directory, record)
    try:
        if current is not None:
            if not break_lock:
                return False, False, current, None
            os.rename(temp, path)  # replaces the stale holder atomically
            temp = None
            _fsync_dir(directory)
            return True, True, record, current
        try:
            os.link(temp, path)
        except OSError as err:
            if err.errno != errno.EEXIST:
                raise
            return False, False, read(path), None  # another run was faster
        _fsync_dir(directory)
        return True, True, record, None
    finally:
        if temp is not None:
            os.unlink(temp)


def release(path, token, break_lock=False):
    """Give the lock up. Returns (changed, holder): a lock held by another token stays (holder names
    it) unless break_lock."""
    current = read(path)
    if current is None:
        return False, None
    if current.get('token') != token and not break_lock:
        return False, current
    os.unlink(path)
    _fsync_dir(os.path.dirname(path) or '.')
    return True, current
