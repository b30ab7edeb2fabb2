# -*- coding: utf-8 -*-
# Copyright: (c) 2026, auraflow.ops maintainers
# MIT License (see LICENSE)
"""Whether a PostgreSQL server's roles, database and extensions are as a role wants them, from one read.

The postgres role reads the catalogs once (pg_authid, pg_database, pg_extension) and runs
community.postgresql's modules only for what differs. A role's password is compared with its stored
SCRAM-SHA-256 verifier (RFC 5802/7677) the way the server checks a login, so a changed password is applied
and an unchanged one costs no module run.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re

SCRAM = re.compile(r'^SCRAM-SHA-256\$(\d+):([A-Za-z0-9+/=]+)\$([A-Za-z0-9+/=]+):([A-Za-z0-9+/=]+)$')
ROLE_FLAGS = ('login', 'superuser', 'createrole', 'createdb', 'replication')


def scram_matches(password, verifier):
    """True when ``verifier`` (pg_authid.rolpassword) is a SCRAM-SHA-256 verifier of ``password``.

    An MD5 hash, a plain text or a missing verifier never matches: the role then gets its password set again.
    """
    match = SCRAM.match(verifier or '')
    if not match or not isinstance(password, str):
        return False
    iterations, salt, stored_key, server_key = match.groups()
    try:
        salted = hashlib.pbkdf2_hmac('sha256', password.encode('utf-8'), base64.b64decode(salt), int(iterations))
        stored = base64.b64decode(stored_key)
        server = base64.b64decode(server_key)
    except (ValueError, TypeError):
        return False
    client_key = hmac.new(salted, b'Client Key', hashlib.sha256).digest()
    server_key_now = hmac.new(salted, b'Server Key', hashlib.sha256).digest()
    return (hmac.compare_digest(hashlib.sha256(client_key).digest(), stored)
            and hmac.compare_digest(server_key_now, server))


def not_in_place(state, wanted):
    """What of ``wanted`` ``state`` does not show in place, as ids: ``role:<name>``, ``database``, ``extension:<name>``.

    A wanted role without ``password`` has its password not checked (a role that logs in by peer authentication);
    ``member_of`` lists roles it must be a member of.
    ``state``: ``{'roles': [{name, login, superuser, createrole, createdb, replication, password, member_of}], 'database':
    {name, owner, encoding} or None, 'extensions': [names]}`` (None for a server that could not be read: everything).
    ``wanted``: ``{'roles': [{name, password, <flags>}], 'database': {name, owner, encoding}, 'extensions': [names]}``.
    """
    ids = ['role:%s' % r['name'] for r in wanted.get('roles') or []]
    ids += ['database'] if wanted.get('database') else []
    ids += ['extension:%s' % e for e in wanted.get('extensions') or []]
    if not state:
        return ids
    have_roles = {r.get('name'): r for r in state.get('roles') or []}
    missing = []
    for role in wanted.get('roles') or []:
        have = have_roles.get(role['name'])
        if (have is None or any(bool(have.get(f)) != bool(role[f]) for f in ROLE_FLAGS if f in role)
                or ('password' in role and not scram_matches(role['password'], have.get('password')))
                or not set(role.get('member_of') or []) <= set(have.get('member_of') or [])):
            missing.append('role:%s' % role['name'])
    database, have_db = wanted.get('database'), state.get('database')
    if database and (not have_db or have_db.get('name') != database['name'] or have_db.get('owner') != database['owner']
                     or str(have_db.get('encoding', '')).upper().replace('-', '') != database['encoding'].upper().replace('-', '')):
        missing.append('database')
    have_ext = set(state.get('extensions') or [])
    missing += ['extension:%s' % e for e in wanted.get('extensions') or [] if e not in have_ext]
    return missing
