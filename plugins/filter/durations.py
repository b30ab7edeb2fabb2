# -*- coding: utf-8 -*-
# Copyright: (c) 2026, auraflow.ops maintainers
# MIT License (see LICENSE)
"""Jinja filters for durations: ``'1h' | auraflow.ops.to_seconds`` and ``3600 | auraflow.ops.to_duration``."""

from __future__ import annotations

from ansible.errors import AnsibleFilterError
from ansible_collections.auraflow.ops.plugins.module_utils.durations import (
    DurationError,
    format_duration,
    parse_duration,
)


def to_seconds(value):
    try:
        return parse_duration(value)
    except DurationError as exc:
        raise AnsibleFilterError(str(exc)) from exc


def to_duration(value):
    try:
        return format_duration(value)
    except DurationError as exc:
        raise AnsibleFilterError(str(exc)) from exc


class FilterModule:
    """Duration filters."""

    def filters(self):
        return {'to_seconds': to_seconds, 'to_duration': to_duration}
