"""The input guard's rules (roles/run_guard, entry point inputs): what a changing playbook refuses."""

import pytest

from ansible_collections.auraflow.ops.plugins.module_utils.input_guard import (
    closest, input_problems, playbook_prefixes, spec_option_names)

ROLLBACK = ['rollback_to', 'rollback_config', 'rollback_db', 'confirm_db_rollback', 'break_lock']
RESTORE = ['backup', 'restore_test', 'confirm_restore', 'break_lock']
INVENTORY = ['aura_environment', 'aura_lab_subnet', 'aura_public_url', 'aura_host_address', 'aura_artifact_dir',
             'ansible_connection', 'inventory_hostname', 'groups', 'hostvars', 'playbook_dir', 'omit', '_task', 'vars']


def test_prefixes_come_from_the_name_and_the_options_but_never_the_shared_namespaces():
    assert playbook_prefixes('rollback', ROLLBACK) == ['break_', 'confirm_', 'rollback_']
    assert playbook_prefixes('restore', RESTORE) == ['backup_', 'break_', 'confirm_', 'restore_']
    assert playbook_prefixes('drill_db', ['backup', 'drill_db_rto_target']) == ['backup_', 'drill_', 'drill_db_']
    assert playbook_prefixes('deploy', ['aura_release']) == ['deploy_']


def test_a_clean_run_has_no_problem():
    assert input_problems(INVENTORY + ['rollback_to', 'confirm_db_rollback'], 'rollback', ROLLBACK) == []


def test_a_typo_known_nowhere_names_the_option():
    [problem] = input_problems(INVENTORY + ['rollbak_to'], 'rollback', ROLLBACK)
    assert problem['rule'] == 'typo' and problem['suggestion'] == 'rollback_to'
    assert "rollback.yml does not know the variable 'rollbak_to' (did you mean rollback_to?)" in problem['msg']


def test_an_unknown_variable_with_the_playbooks_prefix_is_refused_naming_the_closest_option():
    [problem] = input_problems(['confirm_restore', 'restore_target_time'], 'restore.yml', RESTORE)
    assert problem['name'] == 'restore_target_time' and problem['rule'] == 'prefix'
    assert problem['suggestion'] == 'restore_test' and 'prefix restore_' in problem['msg']
    [problem] = input_problems(['confirm_restore'], 'rollback', ROLLBACK)
    assert problem['suggestion'] == 'confirm_db_rollback'


def test_play_vars_allowed_names_magic_and_ansible_variables_pass():
    names = ['drill_db_rto_target_seconds', 'backup_note', 'ansible_backup_x', '_drill_private']
    assert input_problems(names, 'drill_db', ['backup'], play_vars=['drill_db_rto_target_seconds'], allow=['backup_note']) == []


def test_a_name_known_elsewhere_is_not_a_typo_but_the_prefix_rule_still_applies():
    # backend_rollback_to is the backend role's; close to nothing here and known: never a typo
    assert input_problems(['backend_rollback_to', 'rollback_tos'], 'rollback', ROLLBACK,
                          known=['backend_rollback_to', 'rollback_tos'])[0]['name'] == 'rollback_tos'
    # known somewhere (another playbook's option) and not prefixed: accepted
    assert input_problems(['backup_max_agee'], 'rollback', ROLLBACK, known=['backup_max_agee']) == []


@pytest.mark.parametrize('similarity, refused', [(0.85, True), (0.99, False)])
def test_similarity_is_the_typo_threshold(similarity, refused):
    assert bool(input_problems(['rollbak_to'], 'rollback', ROLLBACK, similarity=similarity)) is refused


def test_closest_and_spec_option_names():
    assert closest('deploy_relase', ['aura_release', 'break_lock']) == 'aura_release'
    assert closest('x', []) is None
    doc = {'argument_specs': {'a': {'options': {'one': {}, 'two': {}}}, 'b': {'options': {'three': {}}}, 'c': {}}}
    assert spec_option_names([doc, doc['argument_specs'], None]) == {'one', 'two', 'three'}
