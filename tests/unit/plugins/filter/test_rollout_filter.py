"""The rollback_plan filter: reads each backend's kept ledger out of hostvars; bad input as AnsibleFilterError."""

import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.auraflow.ops.plugins.filter.rollout import FilterModule

FILTERS = FilterModule().filters()


def test_rollback_plan_reads_the_ledger_and_the_running_release_each_backend_kept():
    ledger = {'active': '1.1.0', 'rollback_target': '1.0.0',
              'releases': [{'version': '1.0.0', 'status': 'replaced'}, {'version': '1.1.0', 'status': 'active'}]}
    hostvars = {'a1': {'backend_ledger': ledger, 'backend_running_release': '1.1.0'},
                'a2': {'backend_ledger': dict(ledger, active='1.0.0', rollback_target=''), 'backend_running_release': '1.0.0'},
                'web1': {}}
    out = FILTERS['rollback_plan'](hostvars, ['a1', 'a2'])
    assert out['target'] == '1.0.0' and out['resuming'] is True and out['switches'] == {'a1': True, 'a2': False}


def test_rollback_plan_refuses_a_host_without_its_ledger_and_input_that_is_not_hostvars():
    with pytest.raises(AnsibleFilterError, match='web1 keeps no backend_ledger'):
        FILTERS['rollback_plan']({'web1': {}}, ['web1'])
    with pytest.raises(AnsibleFilterError, match='must be hostvars'):
        FILTERS['rollback_plan']([], ['a1'])
    with pytest.raises(AnsibleFilterError, match='hosts must be a list'):
        FILTERS['rollback_plan']({}, 'a1')
