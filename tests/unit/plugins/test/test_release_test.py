"""Unit tests for plugins/test/release.py: one release-version rule for the ledger, the roles and deploy.yml."""

import pytest

from ansible_collections.auraflow.ops.plugins.module_utils.ledger import LedgerError, check_version
from ansible_collections.auraflow.ops.plugins.test import release as release_plugin
from ansible_collections.auraflow.ops.plugins.test.release import release_version


@pytest.mark.parametrize('version', ['1.0.0', '1.1.0', 'broken', '2026.11.30+hotfix-1', 'v2_rc1', 'a' * 128])
def test_versions_the_ledger_accepts(version):
    assert release_version(version) and check_version(version) == version


@pytest.mark.parametrize('version', ['', '.', '..', '../etc', '-1.0', '.hidden', '1.0/x', '1.0 0', 'a' * 129, None, 1.0])
def test_versions_the_ledger_refuses_are_refused_here_too(version):
    assert not release_version(version)
    with pytest.raises(LedgerError):
        check_version(version)


def test_the_test_is_registered_under_its_name():
    assert release_plugin.TestModule().tests() == {'release_version': release_version}
