# -*- coding: utf-8 -*-
# Copyright: (c) 2026, auraflow.ops maintainers
# MIT License (see LICENSE)

from __future__ import annotations


class ModuleDocFragment:
    """What the two "a backup counts only once restored" modules share: the content-check options and the
    verdict's result shape (pg_backup_verify for logical dumps, pgbackrest_verify for pgBackRest backup sets;
    the checks themselves are module_utils/pg_backup.py's).

    RETURN entries merge one level deep: each module gives C(checks) its own description (its check names) and
    sample and keeps the rest from here. ansible-test validate-modules checks RV() references before it merges
    RETURN fragments, so the texts here and the modules' name these return values with C().
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

    RETURN = r'''
valid:
  description: Whether every check that ran passed (warnings do not count).
  returned: always
  type: bool
  sample: true
checks:
  description:
    - The checks that ran, in order.
    - C(severity) is C(info) for a plain pass, C(medium) for a pass with a warning, C(critical) or C(high) for a failure.
  returned: always
  type: list
  elements: dict
  contains:
    name:
      description: The check's stable name (the module's description lists them).
      type: str
    ok:
      description: Whether it passed.
      type: bool
    detail:
      description: What it found, in one line.
      type: str
    severity:
      description: One of V(info), V(medium), V(high), V(critical).
      type: str
skipped_checks:
  description: Checks that did not run, with the reason (an earlier failure, check mode, an option), never also in C(checks).
  returned: always
  type: list
  elements: dict
  contains:
    name:
      description: The check's name.
      type: str
    reason:
      description: Why it did not run.
      type: str
findings:
  description: The failed and warning checks as findings (C(id) = check name, C(severity), C(message), C(evidence)), most severe first.
  returned: always
  type: list
  elements: dict
'''
