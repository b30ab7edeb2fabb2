"""The filters turn duration errors into AnsibleFilterError (a clear task failure, not a traceback)."""

import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.auraflow.ops.plugins.filter.durations import FilterModule


def test_filters_registered():
    filters = FilterModule().filters()
    assert filters['to_seconds']('2d') == 172800
    assert filters['to_duration'](5400) == '1h30m'


@pytest.mark.parametrize('name, bad', [('to_seconds', '1y'), ('to_duration', -3)])
def test_filter_error(name, bad):
    with pytest.raises(AnsibleFilterError):
        FilterModule().filters()[name](bad)
