"""Consistency of the AWX controller objects (awx/auraflow.yml) with the playbooks they run.

Every job template's playbook exists and checks its input against its entry in
playbooks/vars/argument_specs.yml; every survey variable is an option of that entry, with an answer
the option accepts; every foreign key (project, inventory, credential, execution environment,
notification, schedule template, workflow node) names an object defined in the file. Fast: no AWX,
no lab."""

import importlib.util
import os
import re

import pytest
import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def load(*path):
    with open(os.path.join(ROOT, *path), encoding='utf-8') as handle:
        return yaml.safe_load(handle)


AWX = load('awx', 'auraflow.yml')
SPECS = load('playbooks', 'vars', 'argument_specs.yml')['argument_specs']
# Written in another branch at the same time (issue 12's notes); checked here as soon as they exist.
# The AWX-managed credential types the credentials use (not exported, they exist in every AWX).
MANAGED_TYPES = [{'name': 'Machine', 'kind': 'ssh', 'type': 'credential_type'},
                 {'name': 'Vault', 'kind': 'vault', 'type': 'credential_type'}]

TEMPLATES = AWX['job_templates']
WORKFLOWS = AWX['workflow_job_templates']
SURVEYED = TEMPLATES + WORKFLOWS


def keys(resource):
    return [obj['natural_key'] for obj in AWX.get(resource, [])]


def spec_of(playbook):
    return SPECS[os.path.basename(playbook)[:-len('.yml')]]['options']


def playbook_text(playbook):
    path = os.path.join(ROOT, playbook)
    if not os.path.exists(path):
        pytest.fail('%s does not exist' % playbook)
    with open(path, encoding='utf-8') as handle:
        return handle.read()


def survey(template):
    return template['related']['survey_spec']['spec'] if template.get('survey_enabled') else []


def test_the_templates_the_issue_names_are_there():
    names = {t['name'] for t in TEMPLATES}
    assert names == {'Deploy', 'Rollback', 'Backup', 'Restore', 'DB drill', 'App drill', 'Full drill',
                     'SLO check', 'Security audit'}


@pytest.mark.parametrize('template', TEMPLATES, ids=lambda t: t['name'])
def test_playbook_exists_and_validates_its_input(template):
    text = playbook_text(template['playbook'])
    name = os.path.basename(template['playbook'])[:-len('.yml')]
    assert name in SPECS, 'playbooks/vars/argument_specs.yml has no entry %s' % name
    assert 'ansible.builtin.validate_argument_spec' in text and '.argument_specs.%s.options' % name in text, \
        '%s does not check its input against argument_specs.%s' % (template['playbook'], name)


@pytest.mark.parametrize('template', TEMPLATES, ids=lambda t: t['name'])
def test_every_survey_variable_is_a_documented_option(template):
    options = spec_of(template['playbook'])
    for question in survey(template):
        var = question['variable']
        assert var in options, '%s asks for %s, which %s does not document' % (template['name'], var, template['playbook'])
        option = options[var]
        answers = question.get('choices') or [question.get('default')]
        if question['type'] == 'integer':
            assert option['type'] == 'int', '%s: %s is an integer question for a %s option' % (template['name'], var, option['type'])
        for answer in answers:
            if option['type'] == 'bool':
                assert str(answer).lower() in ('true', 'false'), '%s: %r is no boolean for %s' % (template['name'], answer, var)
            if option.get('choices') and answer not in ('', None):
                assert answer in option['choices'], '%s: %s may be %r, not in %s' % (template['name'], var, answer, option['choices'])
        if question['type'] == 'multiplechoice':
            assert question['default'] in question['choices']
        if option.get('required'):
            assert question['required'], '%s: %s is required by the playbook' % (template['name'], var)


def test_workflow_survey_feeds_the_deploy_template():
    deploy_vars = {q['variable'] for t in TEMPLATES if t['name'] == 'Deploy' for q in survey(t)}
    for workflow in WORKFLOWS:
        for question in survey(workflow):
            assert question['variable'] in deploy_vars


def test_spec_defaults_match_the_playbooks_own():
    """A default in argument_specs.yml is the one the playbook's first play sets, when it sets one."""
    for name, entry in SPECS.items():
        path = os.path.join(ROOT, 'playbooks', name + '.yml')
        if not os.path.exists(path):
            continue
        play_vars = load(path)[0].get('vars') or {}
        for var, option in entry['options'].items():
            if var in play_vars and 'default' in option:
                assert str(play_vars[var]) == str(option['default']), \
                    '%s: %s defaults to %r in the playbook, %r in the spec' % (name, var, play_vars[var], option['default'])


def test_every_foreign_key_resolves():
    orgs, projects, inventories = keys('organizations'), keys('projects'), keys('inventory')
    credentials, ees, notifications = keys('credentials'), keys('execution_environments'), keys('notification_templates')
    for cred in AWX['credentials']:
        assert cred['organization'] in orgs and cred['credential_type'] in MANAGED_TYPES
    for project in AWX['projects']:
        assert project['default_environment'] in ees
        assert not os.path.isabs(project.get('local_path', ''))
    for source in AWX['inventory_sources']:
        assert source['inventory'] in inventories and source['source_project'] in projects
        src = source['source_path']
        # the site's own files: production's is copied from the example, the drill hosts' is an import parameter
        assert os.path.exists(os.path.join(ROOT, src)) or src in ('inventories/production/hosts.yml', '@DRILL_INVENTORY@'), src
    for template in SURVEYED:
        assert template['natural_key']['organization'] in orgs
        if template in TEMPLATES:  # AWX reads a job template's organization from its project (read-only field)
            assert 'organization' not in template and template['natural_key']['organization'] == template['project']['organization']
        else:
            assert template['organization'] in orgs
        assert template['natural_key']['name'] == template['name']
        for key in ('project', 'inventory'):
            if key in template:
                assert template[key] in (projects if key == 'project' else inventories), (template['name'], key)
        if 'execution_environment' in template:
            assert template['execution_environment'] in ees
        for cred in template.get('related', {}).get('credentials', []):
            assert cred in credentials
        for rel, value in template.get('related', {}).items():
            if rel.startswith('notification_templates_'):
                assert all(n in notifications for n in value)


@pytest.mark.parametrize('name', ['App drill', 'Full drill'])
def test_drills_that_rebuild_run_on_the_drill_inventory_only(name):
    drill = next(t for t in TEMPLATES if t['name'] == name)
    assert drill['inventory']['name'] == 'Aura Flow drill' and not drill['ask_inventory_on_launch']
    inventory = next(i for i in AWX['inventory'] if i['natural_key'] == drill['inventory'])
    assert yaml.safe_load(inventory['variables']) == {'aura_drill_target': True}


def test_every_schedule_runs_an_existing_template_per_the_runbook():
    template_keys = [t['natural_key'] for t in SURVEYED]
    schedules = {}
    for template in SURVEYED:
        for schedule in template.get('related', {}).get('schedules', []):
            assert schedule['unified_job_template'] in template_keys
            assert schedule['unified_job_template'] == template['natural_key']
            assert schedule['natural_key']['unified_job_template'] == template['natural_key']
            assert re.match(r'^DTSTART;TZID=UTC:\d{8}T\d{6} RRULE:FREQ=[A-Z]+(;[A-Z]+=[0-9A-Z,-]+)*$', schedule['rrule'])
            schedules[schedule['name']] = (template['name'], schedule['rrule'].split('RRULE:')[1])
    assert schedules['Hourly backup verify'] == ('Backup', 'FREQ=HOURLY;INTERVAL=1')
    assert schedules['Monthly DB drill'][0] == 'DB drill' and 'FREQ=MONTHLY' in schedules['Monthly DB drill'][1]
    assert schedules['Quarterly app drill'] == ('App drill', 'FREQ=MONTHLY;INTERVAL=3;BYMONTHDAY=15')
    assert schedules['Yearly full drill'] == ('Full drill', 'FREQ=YEARLY;INTERVAL=1')


def test_workflow_deploy_then_on_failure_rollback():
    template_keys = {t['natural_key']['name']: t['natural_key'] for t in TEMPLATES}
    (workflow,) = WORKFLOWS
    nodes = {n['identifier']: n for n in workflow['related']['workflow_nodes']}
    for node in nodes.values():
        assert node['natural_key'] == {'workflow_job_template': workflow['natural_key'], 'identifier': node['identifier'],
                                       'type': 'workflow_job_template_node'}
        if 'unified_job_template' in node:
            assert node['unified_job_template'] in template_keys.values()
        for edge in ('success_nodes', 'failure_nodes', 'always_nodes'):
            for target in node['related'][edge]:
                assert target['identifier'] in nodes and target['workflow_job_template'] == workflow['natural_key']

    def then(identifier, edge):
        return [t['identifier'] for t in nodes[identifier]['related'][edge]]

    assert nodes['deploy']['unified_job_template'] == template_keys['Deploy']
    assert then('deploy', 'success_nodes') == [] and then('deploy', 'failure_nodes') == ['approve_rollback']
    assert then('approve_rollback', 'success_nodes') == ['rollback']
    assert nodes['rollback']['unified_job_template'] == template_keys['Rollback']
    assert workflow['related']['notification_templates_error'] and workflow['related']['notification_templates_success']


def awx_data():
    """scripts/awx_data.py (behind scripts/awx-data) as a module."""
    spec = importlib.util.spec_from_file_location('awx_data', os.path.join(ROOT, 'scripts', 'awx_data.py'))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_site_urls_are_placeholders_filled_by_awx_data_not_made_up_addresses():
    with open(os.path.join(ROOT, 'awx', 'auraflow.yml'), encoding='utf-8') as handle:
        text = handle.read()
    assert 'example.invalid' not in text
    assert AWX['projects'][0]['scm_url'] == '@SCM_URL@'
    assert AWX['notification_templates'][0]['notification_configuration']['url'] == '@WEBHOOK_URL@'
    drill_source = [s for s in AWX['inventory_sources'] if s['name'] == 'drill from project'][0]
    assert drill_source['source_path'] == '@DRILL_INVENTORY@'
    data = awx_data().render({'SCM_URL': 'git@git.corp.test:ops/auraflow.git', 'WEBHOOK_URL': 'https://hooks.corp.test/T1',
                              'DRILL_INVENTORY': 'inventories/drill/hosts.yml'})
    assert data['projects'][0]['scm_url'] == 'git@git.corp.test:ops/auraflow.git'
    assert data['notification_templates'][0]['notification_configuration']['url'] == 'https://hooks.corp.test/T1'
    assert [s for s in data['inventory_sources'] if s['name'] == 'drill from project'][0]['source_path'] == 'inventories/drill/hosts.yml'
    assert '@' not in str(data).replace('git@git', '')  # no placeholder left anywhere
    assert data['job_templates'] == TEMPLATES  # nothing else touched


SITE = {'SCM_URL': 'https://git.corp.test/ops.git', 'WEBHOOK_URL': 'https://hooks.corp.test/T1',
        'DRILL_INVENTORY': 'inventories/drill/hosts.yml'}


@pytest.mark.parametrize('values,named', [
    ({}, '--scm-url (or AURAFLOW_SCM_URL) is required'),
    ({'SCM_URL': 'https://git.corp.test/ops.git'}, '--webhook-url (or AURAFLOW_WEBHOOK_URL) is required'),
    ({'SCM_URL': 'not a url', 'WEBHOOK_URL': 'https://hooks.corp.test/T1'}, "--scm-url 'not a url' is not a URL"),
    ({k: v for k, v in SITE.items() if k != 'DRILL_INVENTORY'}, '--drill-inventory (or AURAFLOW_DRILL_INVENTORY) is required'),
    (dict(SITE, DRILL_INVENTORY='/etc/ansible/hosts'), "--drill-inventory '/etc/ansible/hosts' is not a path inside the project"),
    (dict(SITE, DRILL_INVENTORY='inventories/../../hosts.yml'), 'is not a path inside the project'),
    (dict(SITE, DRILL_INVENTORY='inventories/production/hosts.yml'), 'is the production inventory'),
    (dict(SITE, DRILL_INVENTORY='./inventories/production'), 'is the production inventory'),
])
def test_awx_data_refuses_without_the_site_urls_and_prints_nothing(values, named, capsys, monkeypatch):
    monkeypatch.delenv('AURAFLOW_SCM_URL', raising=False)
    monkeypatch.delenv('AURAFLOW_WEBHOOK_URL', raising=False)
    monkeypatch.delenv('AURAFLOW_DRILL_INVENTORY', raising=False)
    module = awx_data()
    with pytest.raises(ValueError, match='nothing was printed') as refused:
        module.render(values)
    assert named in str(refused.value)
    argv = [arg for name, (flag, dummy, dummy2) in module.PLACEHOLDERS.items() if name in values
            for arg in (flag, values[name])]
    assert module.main(argv) == 2
    out, err = capsys.readouterr()
    assert out == '' and named in err


# What AWX gives a notification's message templates (awx/main/models/notifications.py, JobNotificationMixin):
# the job's fields, its friendly name and its URL; AWX renders them in a sandbox.
NOTIFY_CONTEXT = {'job': {'id': 42, 'name': 'Deploy', 'status': 'failed', 'url': '/#/jobs/playbook/42'},
                  'job_friendly_name': 'Job', 'url': 'https://awx.example.test/#/jobs/playbook/42'}


@pytest.mark.parametrize('template', AWX['notification_templates'], ids=lambda t: t['name'])
def test_webhook_notifications_carry_the_text_chat_services_need(template):
    """A Slack incoming webhook refuses a body without "text" (AWX's default webhook body is the job as JSON):
    every event's body renders, with AWX's context, to a JSON object with a non-empty text that names the job."""
    import json

    from jinja2 import StrictUndefined
    from jinja2.sandbox import ImmutableSandboxedEnvironment

    assert template['notification_type'] == 'webhook'
    messages = template.get('messages') or {}
    assert set(messages) >= {'started', 'success', 'error'}, messages
    env = ImmutableSandboxedEnvironment(undefined=StrictUndefined)
    for event, parts in messages.items():
        body = json.loads(env.from_string(parts['body']).render(**NOTIFY_CONTEXT))
        assert isinstance(body, dict) and body.get('text'), (event, body)
        assert '#42' in body['text'] and 'Deploy' in body['text'] and NOTIFY_CONTEXT['url'] in body['text'], (event, body)
        assert env.from_string(parts['message']).render(**NOTIFY_CONTEXT).strip(), event
