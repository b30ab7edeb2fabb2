# -*- coding: utf-8 -*-
# Copyright: (c) 2026, auraflow.ops maintainers
# MIT License (see LICENSE)

from __future__ import annotations


class ModuleDocFragment:
    """The options that name a pgBackRest stanza and its configuration (module_utils/pgbackrest.py
    ``pgbackrest_argument_spec()``), for the modules that run the ``pgbackrest`` program."""

    DOCUMENTATION = r'''
options:
  stanza:
    description:
      - The pgBackRest stanza (C(--stanza)), as created by C(pgbackrest stanza-create).
      - A stanza the repository does not hold fails the task with the stanzas it does hold.
    type: str
    required: true
  config:
    description:
      - pgBackRest's configuration file, passed as C(--config) to every C(pgbackrest) call (the repository, its
        retention and cipher options come from there).
      - It must exist and be readable by the user the module runs as, else the task fails before anything runs.
    type: path
    default: /etc/pgbackrest/pgbackrest.conf
requirements:
  - pgBackRest (Debian package C(pgbackrest)) on the host the module runs on, as C(pgbackrest) on E(PATH).
'''
