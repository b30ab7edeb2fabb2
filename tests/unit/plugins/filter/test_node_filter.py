"""Unit tests for plugins/filter/node.py: the app's package scripts, run without npm."""

import json

import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.auraflow.ops.plugins.filter.node import package_script

PACKAGE = {'name': 'aura-flow-backend', 'scripts': {'start': 'node src/server.js', 'db:migrate:prod': 'node bin/migrate.js up',
                                                    'db:seed': 'node bin/seed.js'}}


def test_the_script_of_the_text_or_the_mapping():
    assert package_script(json.dumps(PACKAGE), 'db:migrate:prod') == 'node bin/migrate.js up'
    assert package_script(json.dumps(PACKAGE).encode(), 'db:seed') == 'node bin/seed.js'
    assert package_script(PACKAGE, 'start') == 'node src/server.js'


def test_a_missing_script_names_the_ones_there():
    with pytest.raises(AnsibleFilterError, match=r'releases/1.2.0/package.json has no script "db:migrate" '
                                                 r'\(its scripts: db:migrate:prod, db:seed, start\)'):
        package_script(PACKAGE, 'db:migrate', 'releases/1.2.0/package.json')
    with pytest.raises(AnsibleFilterError, match=r'has no script "db:seed" \(its scripts: none\)'):
        package_script({'name': 'x'}, 'db:seed')
    with pytest.raises(AnsibleFilterError, match='has no script "start"'):
        package_script({'scripts': {'start': '  '}}, 'start')


def test_what_is_not_a_package_json():
    with pytest.raises(AnsibleFilterError, match='is not valid JSON'):
        package_script('{"scripts": ', 'start')
    with pytest.raises(AnsibleFilterError, match='is not a JSON object'):
        package_script('[1, 2]', 'start')
    with pytest.raises(AnsibleFilterError, match='"scripts" in package.json is not an object'):
        package_script({'scripts': ['node x']}, 'start')
