# -*- coding: utf-8 -*-
# Copyright: (c) 2026, auraflow.ops maintainers
# MIT License (see LICENSE)
"""The release ledger on disk: one application root's releases/, current and releases.json.

Shared by the modules that change it (release_ledger, backend_switch): the layout, the atomic ledger
write and link swap, the root's exclusive lock, and run() - one ledger operation (query, record,
activate, mark, rollback, prune) as the module's parameters say, honest in check mode.
"""

from __future__ import annotations

import datetime
import fcntl
import getpass
import os
import shutil
import tempfile

from ansible_collections.auraflow.ops.plugins.module_utils import ledger as lg

LEDGER = 'releases.json'
RELEASES = 'releases'
CURRENT = 'current'


class Layout:
    """The paths under one application root and what is on disk."""

    def __init__(self, root):
        self.root = root
        self.ledger = os.path.join(root, LEDGER)
        self.releases = os.path.join(root, RELEASES)
        self.current = os.path.join(root, CURRENT)
        self.lock = os.path.join(root, '.%s.lock' % LEDGER)

    def release(self, version):
        return os.path.join(self.releases, version)

    def available(self):
        """Versions with a release directory (hidden entries such as .incoming-* are not releases)."""
        try:
            names = os.listdir(self.releases)
        except FileNotFoundError:
            return set()
        return set(n for n in names if not n.startswith('.') and os.path.isdir(os.path.join(self.releases, n)))

    def read_ledger(self):
        try:
            with open(self.ledger, encoding='utf-8') as handle:
                return handle.read()
        except FileNotFoundError:
            return ''

    def link(self):
        """(target, version) of ``current``; (None, None) if absent. Raises if it is not a symlink."""
        if not os.path.lexists(self.current):
            return None, None
        if not os.path.islink(self.current):
            raise NotASymlink(self.current)
        target = os.readlink(self.current)
        absolute = os.path.normpath(os.path.join(self.root, target))
        version = os.path.basename(absolute) if os.path.dirname(absolute) == os.path.normpath(self.releases) else None
        return absolute, version


class NotASymlink(Exception):
    pass


def now():
    return datetime.datetime.now(datetime.timezone.utc).strftime('%Y-%m-%dT%H:%M:%SZ')


def default_actor():
    return os.environ.get('SUDO_USER') or getpass.getuser()


def fsync_dir(path):
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_ledger(layout, text):
    """Write the ledger through a temporary file and rename(2), keeping the owner of an existing file."""
    fd, tmp = tempfile.mkstemp(prefix='.%s.' % LEDGER, dir=layout.root)
    try:
        with os.fdopen(fd, 'w', encoding='utf-8') as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o644)
        try:
            st = os.stat(layout.ledger)
            os.chown(tmp, st.st_uid, st.st_gid)
        except FileNotFoundError:
            pass
        os.rename(tmp, layout.ledger)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
    fsync_dir(layout.root)


def swap_link(layout, version):
    """Point ``current`` at the release: a new symlink beside it, renamed over it (atomic)."""
    tmp = os.path.join(layout.root, '.%s.tmp-%d' % (CURRENT, os.getpid()))
    if os.path.lexists(tmp):
        os.unlink(tmp)
    os.symlink(layout.release(version), tmp)
    try:
        os.rename(tmp, layout.current)
    except BaseException:
        os.unlink(tmp)
        raise
    fsync_dir(layout.root)


class Lock:
    """An exclusive flock on the root's lock file; nothing at all in check mode."""

    def __init__(self, layout, enabled):
        self.path = layout.lock
        self.enabled = enabled
        self.fd = None

    def __enter__(self):
        if self.enabled:
            self.fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
            fcntl.flock(self.fd, fcntl.LOCK_EX)
        return self

    def __exit__(self, *exc):
        if self.fd is not None:
            fcntl.flock(self.fd, fcntl.LOCK_UN)
            os.close(self.fd)


def run(module, layout):
    params = module.params
    state = params['state']
    version = params['version']
    at = now()
    actor = params['actor'] or default_actor()
    check = module.check_mode

    if not os.path.isdir(layout.root):
        if state == 'query':
            return dict(changed=False, message='%s does not exist: no releases' % layout.root), lg.empty(), lg.empty(), set(), (None, None)
        module.fail_json(msg='application root %s does not exist (the role creates it)' % layout.root, changed=False)

    before = lg.parse(layout.read_ledger())
    available = layout.available()
    link_target, link_version = layout.link()
    link_before = link_target
    after = before
    result = dict(changed=False, pruned=[])
    want_link = None

    if state == 'query':
        result['message'] = 'active %s, previous %s' % (before['active'], before['previous'])

    elif state == 'record':
        if version not in available and not check:
            module.fail_json(msg='cannot record %s: %s does not exist (unpack the release first)' % (version, layout.release(version)), changed=False)
        after, dummy = lg.record(before, version, params['sha256'], at, actor)
        result['message'] = ('recorded %s' % version) if after is not before else ('%s already recorded' % version)

    elif state == 'activate':
        if version not in available and not check:
            module.fail_json(msg='cannot activate %s: %s does not exist; releases on disk: %s'
                             % (version, layout.release(version), ', '.join(sorted(available)) or 'none'), changed=False)
        after, dummy = lg.activate(before, version, at, actor, mark_replaced=params['mark_replaced'])
        result['replaced'] = before['active']
        want_link = version
        result['message'] = 'activated %s (was %s)' % (version, before['active']) if after is not before else '%s is active' % version

    elif state == 'mark':
        after, dummy = lg.mark(before, version, params['status'], at, actor, params['reason'])
        result['message'] = 'marked %s %s' % (version, params['status'])

    elif state == 'rollback' and version and params.get('missing_ok') and (version == before['active'] or lg.find(before, version) is None):
        result.update(target=version, replaced=before['active'])
        result['message'] = ('%s is active already' % version) if version == before['active'] else \
            ('%s was never deployed here: nothing to roll back to' % version)

    elif state == 'rollback':
        after, target = lg.rollback(before, at, actor, explicit=version, available=available,
                                    mark_replaced=params['mark_replaced'] or 'rolled_back')
        if params['reason']:
            after['history'][-1]['detail'] += ': %s' % params['reason']
        result.update(target=target, replaced=before['active'])
        want_link = target
        result['message'] = 'rolled back from %s to %s' % (before['active'], target)

    elif state == 'prune':
        protect = set([link_version]) if link_version else set()
        doomed = lg.prune_plan(before, params['keep'], protect=protect)
        after, dummy = lg.forget(before, doomed, at, actor)
        result['pruned'] = doomed
        result['message'] = ('pruned %s' % ', '.join(doomed)) if doomed else 'nothing to prune (keep %d)' % params['keep']

    ledger_changed = lg.dumps(after) != lg.dumps(before)
    link_changed = want_link is not None and link_version != want_link
    if link_changed and not ledger_changed:
        result['message'] = 'pointed %s back at %s (it pointed to %s)' % (layout.current, want_link, link_target)
    result['changed'] = ledger_changed or link_changed or bool(result['pruned'])

    if not check:
        if link_changed:
            swap_link(layout, want_link)
        for doomed in result['pruned']:
            if doomed in available:
                shutil.rmtree(layout.release(doomed))
        if ledger_changed:
            write_ledger(layout, lg.dumps(after))
        link_target, link_version = layout.link()
        available = layout.available()
    elif link_changed:
        link_target, link_version = layout.release(want_link), want_link
    if check:
        available = available - set(result['pruned'])

    if module._diff and result['changed']:
        result['diff'] = [
            dict(before_header=layout.ledger, after_header=layout.ledger, before=lg.dumps(before), after=lg.dumps(after)),
            dict(before_header=layout.current, after_header=layout.current,
                 before='%s -> %s\n' % (layout.current, link_before), after='%s -> %s\n' % (layout.current, link_target)),
        ]
    return result, before, after, available, (link_target, link_version)
