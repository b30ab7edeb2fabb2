# -*- coding: utf-8 -*-
# Test support only (not part of the collection): kill ansible-playbook the way an operator's
# SIGKILL, a lost controller or an OOM would - at a task boundary chosen by the test.
from __future__ import annotations

DOCUMENTATION = r"""
name: kill_at
type: aggregate
short_description: SIGKILL ansible-playbook when a named task starts (fault injection for tests)
description:
  - When a task whose name matches the regular expression in C($KILL_AT_TASK) starts (the first time),
    the ansible-playbook process kills itself with SIGKILL. Every task before it has finished, so the
    run dies exactly between two steps, leaving whatever those steps left.
  - Enable with ANSIBLE_CALLBACK_PLUGINS=tests/support/callback and ANSIBLE_CALLBACKS_ENABLED=kill_at.
"""

import os
import re
import signal
import sys

from ansible.plugins.callback import CallbackBase


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = 'aggregate'
    CALLBACK_NAME = 'kill_at'
    CALLBACK_NEEDS_ENABLED = True

    def __init__(self):
        super().__init__()
        self._pattern = os.environ.get('KILL_AT_TASK', '')

    def v2_playbook_on_task_start(self, task, is_conditional):
        if self._pattern and re.search(self._pattern, task.get_name()):
            sys.stdout.write('\nkill_at: SIGKILL at the start of task "%s"\n' % task.get_name())
            sys.stdout.flush()
            os.kill(os.getpid(), signal.SIGKILL)
