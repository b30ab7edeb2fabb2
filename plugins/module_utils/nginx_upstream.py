# -*- coding: utf-8 -*-
# Copyright: (c) 2026, auraflow.ops maintainers
# MIT License (see LICENSE)
"""Draining backends in the Aura Flow nginx site: which backends the upstream has, whether a drain
list is acceptable, the site text with exactly the drained backends marked ``down``, and whether
nginx's workers were renewed by a reload.

Pure functions over text and lists; the ``nginx_upstream`` module does the I/O (the temporary
candidate, the validate command, the atomic move, the reload and the wait).

The site file (roles/nginx/templates/aura-flow.conf.j2) names every backend in a comment at the
end of its server line::

    server 172.30.80.21:3001 max_fails=0 fail_timeout=10s down; # backend aura-app1

Only the ``down`` flag before the ``;`` is ever changed; every other byte stays as it was.
"""

from __future__ import annotations

import re

# The server lines of the upstream and the backend each one names (the same expression as the
# role's tasks used).
_SERVER = re.compile(r'^\s*server [^;]+;\s*# backend (\S+)$', re.MULTILINE)
# One backend's server line, without its " down" flag: group 1 up to the flag, group 2 the comment.
_LINE = r'^(\s*server [^;#]*?)(?: down)?;(\s*# backend %s)$'


def backend_names(text):
    """The backend names of the upstream's server lines, in file order, each once."""
    names = []
    for name in _SERVER.findall(text):
        if name not in names:
            names.append(name)
    return names


def drain_problems(names, drained):
    """None when ``drained`` names only backends of ``names`` and leaves at least one in service,
    else the message saying why the drain is refused."""
    unknown = [name for name in drained if name not in names]
    in_service = [name for name in names if name not in drained]
    if not names:
        return 'nginx upstream: no backend found (a server line ending in "; # backend NAME")'
    if unknown or not in_service:
        return ('nginx upstream: drained %s must name backends of the upstream (%s) and leave at least one in service'
                % (list(drained), ', '.join(names)))
    return None


def _flag(down):
    def replace(match):
        return match.group(1) + (' down' if down else '') + ';' + match.group(2)
    return replace


def mark(text, drained):
    """``text`` with the server lines of the backends in ``drained`` ending in `` down;`` and those of
    every other backend in ``;``. Nothing else changes; marking twice gives the same text."""
    drained = set(drained)
    for name in backend_names(text):
        line = re.compile(_LINE % re.escape(name), re.MULTILINE)
        text = line.sub(_flag(name in drained), text)
    return text


def in_service(names, drained):
    """The backends of ``names`` not in ``drained``, in order."""
    return [name for name in names if name not in set(drained)]


def workers_renewed(before, after):
    """True when nginx has workers (``after``) and none of them is one of the workers from before the
    reload (``before``): every request is now served with the new configuration."""
    after = set(after)
    return bool(after) and not (after & set(before))
