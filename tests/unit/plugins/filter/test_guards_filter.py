"""The guard filters: registered, reading role documents, and turning bad arguments into AnsibleFilterError."""

import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.auraflow.ops.plugins.filter.guards import FilterModule

FILTERS = FilterModule().filters()


def test_input_problems_reads_specs_and_defaults_as_known_names():
    specs = [{'argument_specs': {'main': {'options': {'rollback_toe': {}}}}}]
    assert FILTERS['input_problems'](['rollback_toe'], 'rollback', ['rollback_to']) != []
    # known from a role's spec or defaults: not a typo (and not a rollback_ prefix either: it is refused by prefix)
    assert FILTERS['input_problems'](['rollbak_to'], 'rollback', ['rollback_to'], defaults=[{'rollbak_to': 1}]) == []
    assert FILTERS['input_problems'](['rollbak_to'], 'rollback', ['rollback_to'], specs=specs) != []


def test_bad_arguments_are_filter_errors():
    with pytest.raises(AnsibleFilterError):
        FILTERS['input_problems'](['x'], '', [])
    with pytest.raises(AnsibleFilterError):
        FILTERS['input_problems'](['x'], 'deploy', [], similarity='close')
    with pytest.raises(AnsibleFilterError):
        FILTERS['block_ip_problems']('10.0.0.0/8', min_prefix_ipv4='wide')


def test_block_ip_and_clear_port():
    assert [p['rule'] for p in FILTERS['block_ip_problems']('0.0.0.0/0')] == ['respond_block_min_prefix_ipv4', 'respond_block_own']
    assert FILTERS['clear_port_problems']('users:(("node",pid=9,fd=3))', ['node']) == []
    assert FILTERS['clear_port_problems'](None) == []
