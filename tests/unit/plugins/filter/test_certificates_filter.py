"""Unit tests for plugins/filter/certificates.py: names -> subjectAltName entries."""

import pytest

from ansible.errors import AnsibleFilterError
from ansible_collections.auraflow.ops.plugins.filter.certificates import subject_alt_names


def test_addresses_are_ip_entries_and_names_dns_entries_in_order_without_repeats():
    names = ['aura-db1', '172.30.80.31', 'localhost', '127.0.0.1', 'aura-db1', '::1', 'fe80::1', '2001:db8::a', 'db.example.com']
    assert subject_alt_names(names) == ['DNS:aura-db1', 'IP:172.30.80.31', 'DNS:localhost', 'IP:127.0.0.1', 'IP:::1',
                                        'IP:fe80::1', 'IP:2001:db8::a', 'DNS:db.example.com']


def test_a_name_of_digits_and_dots_that_is_no_address_is_a_dns_name():
    # the pattern both roles used before ('^[0-9.:]+$') made 'IP:1.2.3' of it, and missed IPv6 with letters
    assert subject_alt_names(['1.2.3', 'cafe::1']) == ['DNS:1.2.3', 'IP:cafe::1']


@pytest.mark.parametrize('bad', ['aura-db1', None, ['ok', ''], ['ok', 5]])
def test_bad_input_is_a_clear_error(bad):
    with pytest.raises(AnsibleFilterError, match='subject_alt_names'):
        subject_alt_names(bad)
