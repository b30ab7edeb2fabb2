"""Every module documents the attributes users look for (ansible-doc's ATTRIBUTES): check_mode, diff_mode and
platform, and what it says about check mode is what its AnsibleModule (or its action plugin) declares."""

import ast
import glob
import os
import re

import pytest
import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
MODULES = sorted(glob.glob(os.path.join(ROOT, 'plugins', 'modules', '*.py')))


def parsed(path):
    with open(path, encoding='utf-8') as handle:
        tree = ast.parse(handle.read())
    doc = next(yaml.safe_load(node.value.value) for node in tree.body
               if isinstance(node, ast.Assign) and getattr(node.targets[0], 'id', None) == 'DOCUMENTATION')
    checks = [kw.value.value for node in ast.walk(tree) if isinstance(node, ast.Call)
              for kw in node.keywords if kw.arg == 'supports_check_mode' and isinstance(kw.value, ast.Constant)]
    return doc, checks


@pytest.mark.parametrize('path', MODULES, ids=lambda p: os.path.basename(p)[:-3])
def test_check_mode_diff_mode_and_platform_are_documented_as_the_code_does(path):
    doc, checks = parsed(path)
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


def requirements(doc):
    """The module's requirements with those of its own doc fragments (auraflow.ops.X)."""
    found = list(doc.get('requirements') or [])
    for fragment in doc.get('extends_documentation_fragment') or []:
        if fragment.startswith('auraflow.ops.'):
            path = os.path.join(ROOT, 'plugins', 'doc_fragments', fragment.split('.')[-1] + '.py')
            with open(path, encoding='utf-8') as handle:
                tree = ast.parse(handle.read())
            for node in ast.walk(tree):
                if isinstance(node, ast.Assign) and getattr(node.targets[0], 'id', None) == 'DOCUMENTATION':
                    found += yaml.safe_load(node.value.value).get('requirements') or []
    return ' '.join(found)


@pytest.mark.parametrize('path', MODULES, ids=lambda p: os.path.basename(p)[:-3])
def test_the_programs_a_module_runs_are_listed_in_its_requirements(path):
    with open(path, encoding='utf-8') as handle:
        source = handle.read()
    programs = set(re.findall(r"(?:\.program|get_bin_path)\('([\w-]+)'", source)) - BASE_SYSTEM
    listed = requirements(parsed(path)[0])
    assert [p for p in sorted(programs) if 'C(%s)' % p not in listed and p not in listed.split()] == [], listed
