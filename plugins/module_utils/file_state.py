# -*- coding: utf-8 -*-
# Copyright: (c) 2026, auraflow.ops maintainers
# MIT License (see LICENSE)
"""What a set of paths holds, read in one step, and which of the files a role manages differ from it.

A role's converge on a host where everything is in place costs two remote module runs per
``template``/``copy`` (``stat``, then ``file`` for the attributes) and one per directory. The roles read
every path they manage with one ``auraflow.ops.file_state`` run, and give ``template``/``copy``/``file``
only the entries that are not in place (``files_to_write`` in the ``auraflow.ops.files_to_write`` filter).
"""

from __future__ import annotations

import grp
import hashlib
import os
import pwd
import stat

TYPES = ('file', 'directory', 'link')


def _name(lookup, ident):
    try:
        return lookup(ident)[0]
    except KeyError:
        return str(ident)


def read(path, checksum=True):
    """The state of ``path`` (not following a final symlink): exists, type, owner, group, mode, device (st_dev: which
    filesystem), checksum, target."""
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        return {'exists': False}
    if stat.S_ISLNK(st.st_mode):
        kind = 'link'
    elif stat.S_ISDIR(st.st_mode):
        kind = 'directory'
    elif stat.S_ISREG(st.st_mode):
        kind = 'file'
    else:
        kind = 'other'
    result = {
        'exists': True,
        'type': kind,
        'owner': _name(pwd.getpwuid, st.st_uid),
        'group': _name(grp.getgrgid, st.st_gid),
        'mode': '%04o' % stat.S_IMODE(st.st_mode),
        'device': st.st_dev,
    }
    if kind == 'link':
        result['target'] = os.readlink(path)
    if kind == 'file' and checksum:
        digest = hashlib.sha1()
        with open(path, 'rb') as handle:
            for block in iter(lambda: handle.read(65536), b''):
                digest.update(block)
        result['checksum'] = digest.hexdigest()
    return result


def _mode(value):
    """'0644', '644', 0o644 (420) -> 420; None stays None. A symbolic mode cannot be compared: ValueError."""
    if value is None:
        return None
    if isinstance(value, int):
        return value
    return int(str(value), 8)


def content_checksum(content):
    """The sha1 a file holding ``content`` (str, written as UTF-8, or bytes) has."""
    if isinstance(content, str):
        content = content.encode('utf-8')
    return hashlib.sha1(content).hexdigest()


def differences(want, have):
    """Why ``have`` (``read()``'s result) is not what ``want`` describes; empty when it is in place.

    ``want``: ``path`` (or ``dest``), ``state`` (file, directory or link; default file), ``content`` (a file's
    whole text), ``src`` (a link's target), ``owner``, ``group``, ``mode`` - each compared only when given."""
    kind = want.get('state') or 'file'
    if kind not in TYPES:
        raise ValueError('state must be one of %s, got %r' % (', '.join(TYPES), kind))
    if not have or not have.get('exists'):
        return ['missing']
    reasons = []
    if have.get('type') != kind:
        return ['is a %s, not a %s' % (have.get('type'), kind)]
    if kind == 'file' and want.get('content') is not None:
        if have.get('checksum') != content_checksum(want['content']):
            reasons.append('content')
    if kind == 'link' and want.get('src') is not None and have.get('target') != str(want['src']):
        reasons.append('target')
    if kind != 'link':  # a link's own owner and mode are not what anyone reads
        for key in ('owner', 'group'):
            if want.get(key) is not None and str(want[key]) != have.get(key):
                reasons.append(key)
        if want.get('mode') is not None and _mode(want['mode']) != _mode(have.get('mode')):
            reasons.append('mode')
    return reasons


def to_write(wanted, state):
    """The entries of ``wanted`` whose paths ``state`` (path -> ``read()``) does not show in place, in order."""
    out = []
    for entry in wanted:
        path = entry.get('path') or entry.get('dest')
        if not path:
            raise ValueError('every entry needs a path (or dest): %r' % (entry,))
        if differences(entry, state.get(path)):
            out.append(entry)
    return out
