# -*- coding: utf-8 -*-
# Copyright: (c) 2026, auraflow.ops maintainers
# MIT License (see LICENSE)
"""Action plugin of auraflow.ops.report_write (documentation: plugins/modules/report_write.py).

Runs entirely on the controller, in the controller's own process: a report is the run's output
there, so it needs no module shipped to and run on any host (the report role writes one per run).
"""

from __future__ import annotations

import json
import os
import tempfile
import time

from ansible.module_utils.common.arg_spec import ArgumentSpecValidator
from ansible.plugins.action import ActionBase

ARGUMENT_SPEC = dict(
    directory=dict(type='path', required=True),
    kind=dict(type='str', required=True),
    document=dict(type='dict', required=True),
    directory_mode=dict(type='raw', default='0750'),
    mode=dict(type='raw', default='0640'),
)


def _mode(value, name):
    try:
        mode = int(str(value), 8)
    except ValueError:
        raise ValueError('%s must be an octal mode such as 0640, got %r' % (name, value)) from None
    if not 0 <= mode <= 0o7777:
        raise ValueError('%s must be an octal mode such as 0640, got %r' % (name, value))
    return mode


def write_report(directory, kind, document, directory_mode=0o750, mode=0o640, now=None):
    """Write ``<directory>/<kind>-<UTC>.json`` atomically (a temporary file renamed into place); return its path.

    The directory is created when missing (with ``directory_mode``); the file gets ``mode`` whatever
    the umask, since reports hold e-mail addresses and screenshots."""
    if not kind or '/' in kind or kind.startswith('.'):
        raise ValueError('kind must be a plain name such as deploy, got %r' % kind)
    os.makedirs(directory, mode=directory_mode, exist_ok=True)
    stamp = time.strftime('%Y%m%dT%H%M%SZ', time.gmtime(now))
    dest = os.path.join(directory, '%s-%s.json' % (kind, stamp))
    fd, tmp = tempfile.mkstemp(prefix='.%s-' % kind, suffix='.tmp', dir=directory)
    try:
        with os.fdopen(fd, 'w') as handle:
            handle.write(json.dumps(document, indent=2, sort_keys=True, separators=(',', ': '), default=str) + '\n')
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, dest)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
    return dest


class ActionModule(ActionBase):
    TRANSFERS_FILES = False
    _requires_connection = False

    def run(self, tmp=None, task_vars=None):
        result = super().run(tmp, task_vars)
        validation = ArgumentSpecValidator(ARGUMENT_SPEC).validate(self._task.args)
        if validation.error_messages:
            result.update(failed=True, msg='report_write: %s' % '; '.join(validation.error_messages))
            return result
        args = validation.validated_parameters
        try:
            dest = write_report(args['directory'], args['kind'], args['document'],
                                directory_mode=_mode(args['directory_mode'], 'directory_mode'),
                                mode=_mode(args['mode'], 'mode'))
        except (ValueError, OSError, TypeError) as exc:
            result.update(failed=True, msg='report_write: cannot write the %s report in %s: %s' % (args['kind'], args['directory'], exc))
            return result
        # the report is the run's own output on the controller, not a change to the stack
        result.update(changed=False, dest=dest)
        return result
