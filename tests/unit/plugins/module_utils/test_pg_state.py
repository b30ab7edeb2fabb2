"""Unit tests for module_utils/pg_state.py and plugins/filter/postgres.py: roles, database and extensions in place."""

import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.auraflow.ops.plugins.filter.postgres import pg_not_in_place
from ansible_collections.auraflow.ops.plugins.module_utils import pg_state

# Made by PostgreSQL 17 (CREATE ROLE ... PASSWORD 'correct horse battery staple'; SELECT rolpassword FROM pg_authid).
VERIFIER = ('SCRAM-SHA-256$4096:KekKOqNtOWR9Pp6st6Kd8Q==$u6Em6ydpRSILtnjaETTpw6AXm3+yqX5gbmG55WOCQ8s='
            ':ecMuDX+xOiU/cOGsZ4RTI8PqdaIm1Zwv9tsudr+5z7o=')
PASSWORD = 'correct horse battery staple'
FLAGS = {'login': True, 'superuser': False, 'createrole': False, 'createdb': False, 'replication': False}
WANTED = {'roles': [dict(name='aura', password=PASSWORD, **FLAGS)],
          'database': {'name': 'aura_flow', 'owner': 'aura', 'encoding': 'UTF-8'},
          'extensions': ['pg_stat_statements']}


def converged():
    return {'roles': [dict(name='aura', password=VERIFIER, **FLAGS)],
            'database': {'name': 'aura_flow', 'owner': 'aura', 'encoding': 'UTF8'},
            'extensions': ['plpgsql', 'pg_stat_statements']}


def test_the_servers_own_verifier_matches_its_password_only():
    assert pg_state.scram_matches(PASSWORD, VERIFIER)
    assert not pg_state.scram_matches(PASSWORD + ' ', VERIFIER)
    assert not pg_state.scram_matches('', VERIFIER)


@pytest.mark.parametrize('stored', [None, '', 'md5' + '0' * 32, PASSWORD, VERIFIER.replace('4096', 'x'),
                                    VERIFIER[:-8] + '!!!!!!!!'])
def test_md5_plain_missing_or_malformed_verifiers_never_match(stored):
    assert not pg_state.scram_matches(PASSWORD, stored)


def test_a_converged_server_needs_nothing():
    assert pg_not_in_place(converged(), WANTED) == []


def test_an_unreadable_server_gets_everything():
    assert pg_not_in_place(None, WANTED) == ['role:aura', 'database', 'extension:pg_stat_statements']


def test_another_password_a_flag_an_owner_an_encoding_or_a_missing_extension_is_named():
    state = converged()
    state['roles'][0]['password'] = VERIFIER.replace('KekK', 'AekK')
    assert pg_not_in_place(state, WANTED) == ['role:aura']
    state = converged()
    state['roles'][0]['superuser'] = True
    assert pg_not_in_place(state, WANTED) == ['role:aura']
    state = converged()
    state['database']['owner'] = 'postgres'
    assert pg_not_in_place(state, WANTED) == ['database']
    state = converged()
    state['database']['encoding'] = 'SQL_ASCII'
    assert pg_not_in_place(state, WANTED) == ['database']
    state = converged()
    state['extensions'] = ['plpgsql']
    assert pg_not_in_place(state, WANTED) == ['extension:pg_stat_statements']


def test_missing_role_and_database_are_named():
    state = {'roles': None, 'database': None, 'extensions': None}
    assert pg_not_in_place(state, WANTED) == ['role:aura', 'database', 'extension:pg_stat_statements']


@pytest.mark.parametrize('state, wanted', [('x', WANTED), ({}, 'x'), ({}, {'roles': [{'password': 'p'}]})])
def test_bad_input_fails_clearly(state, wanted):
    with pytest.raises(AnsibleFilterError, match='pg_not_in_place: '):
        pg_not_in_place(state, wanted)


def test_a_peer_role_has_no_password_checked_but_its_membership():
    monitor = dict(name='prometheus', member_of=['pg_monitor'], **FLAGS)
    wanted = {'roles': [monitor]}
    have = {'roles': [dict(name='prometheus', password=None, member_of=['pg_monitor'], **FLAGS)]}
    assert pg_not_in_place(have, wanted) == []
    have['roles'][0]['member_of'] = []
    assert pg_not_in_place(have, wanted) == ['role:prometheus']
