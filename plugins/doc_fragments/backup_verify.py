# -*- coding: utf-8 -*-
# Copyright: (c) 2026, auraflow.ops maintainers
# MIT License (see LICENSE)

from __future__ import annotations


class ModuleDocFragment:
    """The content-check options the two "a backup counts only once restored" modules share (pg_backup_verify
    for logical dumps, pgbackrest_verify for pgBackRest backup sets; the checks themselves are
    module_utils/pg_backup.py's).

    Options only: ansible-core 2.19 (the lowest requires_ansible claims) merges no RETURN fragments, so each
    module writes its C(valid), C(checks), C(skipped_checks) and C(findings) results out itself.
    """

    DOCUMENTATION = r'''
options:
  expect_tables:
    description:
      - Tables that must exist in the restored database, as V(table) (meaning V(public.table)) or V(schema.table). As in
        SQL, unquoted names are folded to lower case; double-quote names with capitals, spaces or dots, for example
        V(app."Audit Log").
      - The C(tables) result's keys are the names as stored, unquoted (V(app.Audit Log)).
    type: list
    elements: str
    default: []
  expect_min_rows:
    description:
      - Minimum row counts, a mapping of table name (as in O(expect_tables)) to a whole number of rows, counted in the
        restored database. A table that is absent fails the V(min_rows) check; a value that is not a whole number fails
        the task.
    type: dict
    default: {}
  fail_on_invalid:
    description:
      - Fail the task when the backup is not valid. With V(false) the module returns normally with C(valid=false) and
        the same details, so that a play can decide.
      - Errors that are not a verdict on the backup (bad parameters, missing programs, an unreachable server, an
        unknown stanza or set, a missing configuration, an interrupt) always fail.
    type: bool
    default: true
'''
