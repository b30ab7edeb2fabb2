# -*- coding: utf-8 -*-
# Copyright: (c) 2026, auraflow.ops maintainers
# MIT License (see LICENSE)
"""Jinja test ``x is auraflow.ops.release_version``: the release-version rule of module_utils/ledger.py,
the same one auraflow.ops.release_ledger applies, so the roles and playbooks never restate it."""

from __future__ import annotations

from ansible_collections.auraflow.ops.plugins.module_utils.ledger import is_version


def release_version(value):
    """True for a release version such as 1.2.0 or 2026.11.30+hotfix-1."""
    return is_version(value)


class TestModule:
    def tests(self):
        return {'release_version': release_version}
