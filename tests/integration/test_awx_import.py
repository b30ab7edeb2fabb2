"""awx/auraflow.yml through awxkit's own import code path, offline: the JSON scripts/awx-data prints, handed to
awxkit's ApiV2.import_assets (what `awx import` runs) against tests/support/fake_awx.py, a local stand-in for
AWX's /api/v2/ that accepts the fields AWX's serializers accept and refuses what AWX refuses.

It fails on what a real import would get wrong: a field AWX does not know (awxkit drops it without a word), a
natural key that resolves to nothing (awxkit sends null, or cannot attach), a required field missing, a choice
AWX does not offer, a survey AWX would refuse, or any error awxkit records while importing. A second import of
the same file must create nothing new (awxkit updates what exists). No AWX, no lab: local tier."""

import json
import os
import subprocess

import pytest
from awxkit import exceptions as exc
from awxkit.api import client
from awxkit.api.pages.api import Api

from conftest import ROOT, VENV_BIN
from tests.support.awx_schema import POST_FIELDS
from tests.support.fake_awx import ROOT as LISTS, FakeAWX


IGNORED = {'natural_key', 'related'}


@pytest.fixture(scope='module')
def data():
    """What `scripts/awx-data ... | awx import` reads, with example values for the site's placeholders."""
    result = subprocess.run([os.path.join(VENV_BIN, 'python'), os.path.join(ROOT, 'scripts', 'awx_data.py'),
                             '--scm-url', 'https://git.example.com/ops/auraflow.git',
                             '--webhook-url', 'https://hooks.example.com/services/T0/B0/x',
                             '--drill-inventory', 'inventories/drill/hosts.yml'],
                            capture_output=True, text=True, check=False, timeout=60)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def import_into(fake, data):
    """awxkit's import, as `awx import` runs it after logging in (a token here)."""
    connection = client.Connection(fake.url)
    connection.login(None, None, token='offline-test')
    v2 = Api(connection, endpoint='/api/').get().available_versions.v2.get()
    v2.import_assets(json.loads(json.dumps(data)))
    return v2


def unknown_fields(collection, asset):
    return sorted(set(asset) - set(POST_FIELDS[collection]) - IGNORED)


def test_every_field_is_one_awx_accepts(data):
    """awxkit posts only the fields the server lists and drops the rest silently: a misspelt or outdated field
    in the file would simply not arrive."""
    dropped = []
    for key, assets in data.items():
        collection = LISTS[key]
        for asset in assets:
            dropped += ['%s %r: %s' % (key, asset.get('name'), f) for f in unknown_fields(collection, asset)]
            for name, related in (asset.get('related') or {}).items():
                if name == 'schedules':
                    dropped += ['schedule %r: %s' % (s['name'], f) for s in related for f in unknown_fields('schedules', s)]
                if name == 'workflow_nodes':
                    dropped += ['node %r: %s' % (n['identifier'], f) for n in related
                                for f in unknown_fields('workflow_job_template_nodes', n)]
    assert dropped == []


def test_awxkit_imports_the_file_without_an_error_and_everything_arrives(data):
    with FakeAWX() as fake:
        v2 = import_into(fake, data)
        assert fake.errors == [] and not getattr(v2, '_has_error', False), fake.errors
        for key, assets in data.items():
            collection = LISTS[key]
            names = sorted(o['name'] for o in fake.objects[collection].values())
            assert names == sorted(a['name'] for a in assets), (collection, names)
        templates = {o['name']: o for o in fake.objects['job_templates'].values()}
        for asset in data['job_templates']:
            stored = templates[asset['name']]
            for fk in ('project', 'execution_environment') + (() if asset.get('ask_inventory_on_launch') else ('inventory',)):
                assert fake.holder(POST_FIELDS['job_templates'][fk][1], stored.get(fk)), (asset['name'], fk)
            related = asset.get('related', {})
            if related.get('survey_spec'):
                assert fake.surveys[('job_templates', stored['id'])] == related['survey_spec'], asset['name']
            for name in ('credentials', 'notification_templates_success', 'notification_templates_error'):
                assert len(fake.links.get(('job_templates', stored['id'], name), ())) == len(related.get(name, [])), (asset['name'], name)
        schedules = sum(len(a.get('related', {}).get('schedules', [])) for a in data['job_templates'])
        assert len(fake.objects['schedules']) == schedules > 0
        nodes = {o['identifier']: o for o in fake.objects['workflow_job_template_nodes'].values()}
        workflow = data['workflow_job_templates'][0]['related']['workflow_nodes']
        assert sorted(nodes) == sorted(n['identifier'] for n in workflow)
        for node in workflow:
            for kind in ('success_nodes', 'failure_nodes', 'always_nodes'):
                linked = fake.links.get(('workflow_job_template_nodes', nodes[node['identifier']]['id'], kind), set())
                assert sorted(fake.objects['workflow_job_template_nodes'][i]['identifier'] for i in linked) == \
                    sorted(n['identifier'] for n in node['related'].get(kind, [])), (node['identifier'], kind)
            if 'create_approval_template' in node.get('related', {}):
                assert nodes[node['identifier']].get('unified_job_template') in fake.objects['workflow_approval_templates']
            else:
                assert nodes[node['identifier']].get('unified_job_template') in fake.objects['job_templates'], node['identifier']

        # the same file again: awxkit finds every object by its natural key and updates it; nothing new - but for
        # the approval node's template, which AWX makes anew at every create_approval_template (the node then points
        # at the new one; awx/main/models/workflow.py), so a re-import leaves the old one behind in AWX too
        counts = {collection: len(objects) for collection, objects in fake.objects.items()}
        v2 = import_into(fake, data)
        assert fake.errors == [] and not getattr(v2, '_has_error', False), fake.errors
        again = {collection: len(objects) for collection, objects in fake.objects.items()}
        approvals = again.pop('workflow_approval_templates') - counts.pop('workflow_approval_templates')
        assert again == counts and approvals == 1


def test_the_stand_in_refuses_what_awx_refuses(data):
    """The fake is only worth something if it says no: an unknown natural key and a bad choice are refused and
    awxkit records the error; a survey AWX would refuse stops awxkit's import with AWX's answer."""
    broken = json.loads(json.dumps(data))
    template = broken['job_templates'][0]
    template['project'] = dict(template['project'], name='no such project')
    broken['notification_templates'][0]['notification_type'] = 'carrier-pigeon'
    with FakeAWX() as fake:
        v2 = import_into(fake, broken)
        assert getattr(v2, '_has_error', False)
        text = '\n'.join(fake.errors)
        assert 'project: may not be null' in text and "'carrier-pigeon' is not a valid choice" in text, text
    broken = json.loads(json.dumps(data))
    survey = next(t['related']['survey_spec'] for t in broken['job_templates'] if t.get('related', {}).get('survey_spec'))
    survey['spec'].append(dict(survey['spec'][0]))  # the same variable twice
    with FakeAWX() as fake, pytest.raises(exc.BadRequest, match='duplicated in survey question'):
        import_into(fake, broken)
