"""Every module documents the attributes users look for (ansible-doc's ATTRIBUTES): check_mode, diff_mode and
platform, and what it says about check mode is what its AnsibleModule (or its action plugin) declares. The
documentation is read as ansible-doc renders it, doc fragments merged (the attributes' descriptions come from
ansible.builtin.action_common_attributes, some requirements from the collection's own fragments)."""

import ast
import glob
import json
import os
import re
import subprocess

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
MODULES = sorted(glob.glob(os.path.join(ROOT, 'plugins', 'modules', '*.py')))


def name_of(path):
    return 'auraflow.ops.' + os.path.basename(path)[:-3]


@pytest.fixture(scope='module')
def rendered():
    """ansible-doc --json of every module at once: name -> its documentation with the fragments merged."""
    result = subprocess.run([os.path.join(ROOT, '.venv', 'bin', 'ansible-doc'), '--json'] + [name_of(p) for p in MODULES],
                            capture_output=True, text=True, check=False, timeout=120,
                            env=dict(os.environ, ANSIBLE_CONFIG=os.path.join(ROOT, 'ansible.cfg')))
    assert result.returncode == 0, result.stderr
    return {name: entry['doc'] for name, entry in json.loads(result.stdout).items()}


def parsed(path, rendered):
    with open(path, encoding='utf-8') as handle:
        tree = ast.parse(handle.read())
    checks = [kw.value.value for node in ast.walk(tree) if isinstance(node, ast.Call)
              for kw in node.keywords if kw.arg == 'supports_check_mode' and isinstance(kw.value, ast.Constant)]
    return rendered[name_of(path)], checks


@pytest.mark.parametrize('path', MODULES, ids=lambda p: os.path.basename(p)[:-3])
def test_check_mode_diff_mode_and_platform_are_documented_as_the_code_does(path, rendered):
    doc, checks = parsed(path, rendered)
    attributes = doc.get('attributes') or {}
    assert {'check_mode', 'diff_mode', 'platform'} <= set(attributes), sorted(attributes)
    for name in ('check_mode', 'diff_mode', 'platform'):
        assert attributes[name].get('description') and attributes[name].get('support') in ('full', 'partial', 'none', 'N/A'), name
    assert attributes['platform'].get('platforms') == 'posix'
    action = os.path.join(ROOT, 'plugins', 'action', os.path.basename(path))
    if os.path.exists(action):  # the work is the action plugin's: ActionBase runs in check mode unless it says not
        with open(action, encoding='utf-8') as handle:
            declared = '_supports_check_mode = False' not in handle.read()
    else:
        declared = bool(checks and checks[0])
    assert (attributes['check_mode']['support'] != 'none') == declared, (attributes['check_mode'], checks)


BASE_SYSTEM = {'systemctl', 'pgrep'}  # on every systemd host the collection supports


@pytest.mark.parametrize('path', MODULES, ids=lambda p: os.path.basename(p)[:-3])
def test_the_programs_a_module_runs_are_listed_in_its_requirements(path, rendered):
    with open(path, encoding='utf-8') as handle:
        source = handle.read()
    programs = set(re.findall(r"(?:\.program|get_bin_path)\('([\w-]+)'", source)) - BASE_SYSTEM
    listed = ' '.join(parsed(path, rendered)[0].get('requirements') or [])
    assert [p for p in sorted(programs) if 'C(%s)' % p not in listed and p not in listed.split()] == [], listed
