"""Unit tests for plugins/filter/systemd.py: unit states from one run of systemctl show."""

import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.auraflow.ops.plugins.filter.systemd import unit_states

# As systemctl 252 (Debian 12) prints it for a running enabled service, a stopped timer and an unknown unit.
SHOWN = """Id=postgresql@15-main.service
LoadState=loaded
ActiveState=active
UnitFileState=enabled

Id=aura-pg-backup.timer
LoadState=loaded
ActiveState=inactive
UnitFileState=enabled

Id=nosuch.timer
LoadState=not-found
ActiveState=inactive
UnitFileState=
"""
NAMES = ['postgresql@15-main', 'aura-pg-backup.timer', 'nosuch.timer']


def test_each_name_gets_its_own_block_in_order():
    states = unit_states(SHOWN, NAMES)
    assert states['postgresql@15-main'] == {'loaded': True, 'enabled': True, 'active': True, 'ok': True}
    assert states['aura-pg-backup.timer'] == {'loaded': True, 'enabled': True, 'active': False, 'ok': False}
    assert states['nosuch.timer'] == {'loaded': False, 'enabled': False, 'active': False, 'ok': False}


@pytest.mark.parametrize('file_state, enabled', [('enabled', True), ('static', True), ('disabled', False),
                                                 ('masked', False), ('enabled-runtime', True), ('', False)])
def test_enabled_means_started_at_boot_or_needing_no_enabling(file_state, enabled):
    shown = 'Id=a.service\nLoadState=loaded\nActiveState=active\nUnitFileState=%s\n' % file_state
    assert unit_states(shown, ['a.service'])['a.service']['enabled'] is enabled


def test_a_block_count_other_than_the_names_fails():
    with pytest.raises(AnsibleFilterError, match='2 blocks for 3 units'):
        unit_states(SHOWN.rsplit('\n\n', 1)[0], NAMES)


def test_a_block_without_a_property_fails():
    with pytest.raises(AnsibleFilterError, match='no ActiveState for a.service'):
        unit_states('Id=a.service\nLoadState=loaded\nUnitFileState=enabled\n', ['a.service'])


@pytest.mark.parametrize('stdout, names', [(None, ['a']), ('Id=a', 'a'), ('Id=a', [1])])
def test_wrong_input_types_fail_clearly(stdout, names):
    with pytest.raises(AnsibleFilterError, match='unit_states: expected'):
        unit_states(stdout, names)
