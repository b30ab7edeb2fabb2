"""Unit tests for plugins/filter/packages.py: which packages a role still has to install."""

import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.auraflow.ops.plugins.filter.packages import FORMAT, packages_missing


def test_installed_packages_are_not_missing():
    out = 'nodejs installed;npm installed;logrotate installed;acl installed;'
    assert packages_missing(['nodejs', 'npm', 'logrotate', 'acl'], out) == []


def test_absent_removed_and_unknown_packages_are_missing_in_the_order_given():
    # dpkg-query lists a removed package with its config files as config-files, and prints nothing for an unknown one
    out = 'nodejs installed;npm not-installed;logrotate config-files;'
    assert packages_missing(['acl', 'nodejs', 'npm', 'logrotate'], out) == ['acl', 'npm', 'logrotate']
    assert packages_missing(['nginx'], '') == ['nginx'] and packages_missing(['nginx'], None) == ['nginx']


def test_a_pinned_or_wildcard_name_is_always_left_to_apt():
    out = 'nginx installed;'
    assert packages_missing(['nginx=1.22.1-9', 'nginx/bookworm-backports', 'postgresql-1*'], out) == [
        'nginx=1.22.1-9', 'nginx/bookworm-backports', 'postgresql-1*']


def test_a_single_name_and_bad_input():
    assert packages_missing('redis-server', 'redis-server installed;') == []
    with pytest.raises(AnsibleFilterError, match='expected a list of package names'):
        packages_missing(42, '')


def test_the_format_the_roles_use_is_the_one_parsed():
    assert FORMAT == '--showformat=${Package} ${db:Status-Status};'
