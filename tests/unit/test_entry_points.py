"""Every role entry point a playbook calls exists and has its own argument spec.

Playbooks call procedures as auraflow.ops.<role> with tasks_from: <entry>; the role's
meta/argument_specs.yml must have an entry of that name (so bad variables fail before any change),
and the task file must exist. The drill and postgres entry points are also checked the other way:
each entry point file of those roles has its argument spec.
"""
import pathlib
import re

import pytest
import yaml

ROOT = pathlib.Path(__file__).resolve().parents[2]
CALL = re.compile(r'name:\s*auraflow\.ops\.([a-z_]+)\s*\n\s*tasks_from:\s*([a-z_]+)')


def specs(role):
    path = ROOT / 'roles' / role / 'meta' / 'argument_specs.yml'
    return yaml.safe_load(path.read_text())['argument_specs']


def calls():
    found = set()
    for path in sorted((ROOT / 'playbooks').rglob('*.yml')):
        for role, entry in CALL.findall(path.read_text()):
            found.add((path.name, role, entry))
    return sorted(found)


def test_the_playbooks_call_entry_points():
    assert ('drill_full.yml', 'drill', 'full_backup') in calls()
    assert ('deploy.yml', 'postgres', 'rollback_point') in calls()


@pytest.mark.parametrize('playbook,role,entry', calls())
def test_each_called_entry_point_has_a_task_file_and_an_argument_spec(playbook, role, entry):
    assert (ROOT / 'roles' / role / 'tasks' / (entry + '.yml')).is_file(), (playbook, role, entry)
    assert entry in specs(role), '%s calls %s/%s, which has no argument spec' % (playbook, role, entry)


# Task files of these roles that are included by other task files only, not entry points.
INTERNAL = {'postgres': {'state', 'cluster', 'install', 'tls', 'config', 'database', 'replica', 'replica_guard', 'backup_timer', 'pitr', 'pgbackrest_check'},
            'drill': {'db_dump', 'db_pitr', 'db_live_counts'}}


@pytest.mark.parametrize('role', ['drill', 'postgres'])
def test_every_entry_point_file_has_an_argument_spec(role):
    files = {p.stem for p in (ROOT / 'roles' / role / 'tasks').glob('*.yml')} - INTERNAL.get(role, set())
    assert files - set(specs(role)) == set()


def test_no_playbook_includes_loose_task_files_of_the_moved_procedures():
    for name in ('rollback_point', 'drill_guard', 'drill_smoke'):
        assert not (ROOT / 'playbooks' / 'tasks' / (name + '.yml')).exists()
    for path in (ROOT / 'playbooks').glob('*.yml'):
        assert not re.search(r'tasks/(rollback_point|drill_guard|drill_smoke)\.yml', path.read_text()), path.name
