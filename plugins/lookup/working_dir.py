# -*- coding: utf-8 -*-
# Copyright: (c) 2026, auraflow.ops maintainers
# MIT License (see LICENSE)

from __future__ import annotations

DOCUMENTATION = r"""
name: working_dir
author: auraflow.ops maintainers (@auraflow)
version_added: 0.2.0
short_description: The directory C(ansible-playbook) runs in, on the controller
description:
  - Returns the controller's current working directory, the directory the user started
    C(ansible-playbook) in (or the project directory AWX / ansible-runner starts it in).
  - Unlike C(lookup('ansible.builtin.pipe', 'pwd')), which runs in the playbook's directory, and
    C(lookup('ansible.builtin.env', 'PWD')), which is only what a shell last set, this is the real
    working directory; the report role puts C(reports/) there, never inside an installed collection.
options: {}
"""

EXAMPLES = r"""
- name: Where reports go by default
  ansible.builtin.debug:
    msg: "{{ lookup('auraflow.ops.working_dir') }}/reports"
"""

RETURN = r"""
_raw:
  description: One absolute path, the controller's current working directory.
  type: list
  elements: path
"""

import os

from ansible.errors import AnsibleLookupError
from ansible.plugins.lookup import LookupBase


class LookupModule(LookupBase):

    def run(self, terms, variables=None, **kwargs):
        if terms:
            raise AnsibleLookupError('auraflow.ops.working_dir takes no terms, got %r' % (terms,))
        try:
            return [os.getcwd()]
        except OSError as exc:
            raise AnsibleLookupError('auraflow.ops.working_dir: the working directory is gone: %s' % exc) from None
