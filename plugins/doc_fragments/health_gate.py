# -*- coding: utf-8 -*-
# Copyright: (c) 2026, auraflow.ops maintainers
# MIT License (see LICENSE)

from __future__ import annotations


class ModuleDocFragment:
    """The gate's options, shared by the modules that gate a backend on its /health with
    module_utils/health_gate.py (health_gate, backend_switch); their argument spec is GATE_OPTIONS there."""

    DOCUMENTATION = r'''
options:
  successes:
    description: Consecutive good answers that pass the gate.
    type: int
    default: 3
  max_failures:
    description: Consecutive bad answers tolerated; one more fails the gate.
    type: int
    default: 3
  interval:
    description: Seconds between two requests once the service answers (until then it is asked every 0.05 s).
    type: float
    default: 0.5
  timeout:
    description: Seconds the whole gate may take.
    type: float
    default: 60
  startup_timeout:
    description: Seconds to wait for the first answer of any kind (after a restart).
    type: float
    default: 30
  request_timeout:
    description: Seconds one request may take.
    type: float
    default: 3
'''
