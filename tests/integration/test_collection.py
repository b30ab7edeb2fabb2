"""The collection builds, installs from its tarball, and resolves by FQCN from this checkout."""

import json
import os
import tarfile

from conftest import VENV_BIN, run


def test_build_and_install(installed):
    """The tarball conftest.installed built and installed (--no-deps, a bare ansible.cfg, a directory of its own)."""
    with tarfile.open(installed['tarball']) as tar:
        names = tar.getnames()
        manifest = json.load(tar.extractfile('MANIFEST.json'))
        texts = [tar.extractfile(m).read() for m in tar.getmembers() if m.isfile()]
    # what users run, and nothing of the lab, molecule, tests, scripts, benches or CI
    assert not [n for n in names if n.startswith(('.venv', 'collections', 'tests', '.git/', 'molecule', 'scripts', 'bench',
                                                  'inventories/lab', '.ci', 'requirements', 'dist', 'awx', 'ee'))
                or 'node_modules' in n or n in ('Makefile', 'ansible.cfg', 'pytest.ini')], names
    for part in ('playbooks/deploy.yml', 'roles/backend/meta/argument_specs.yml', 'plugins/modules/release_ledger.py',
                 'plugins/lookup/working_dir.py', 'inventories/production.example/hosts.yml', 'meta/runtime.yml', 'README.md'):
        assert part in names, part
    assert os.path.getsize(installed['tarball']) < 1024 * 1024, os.path.getsize(installed['tarball'])  # README: about 0.3 MB
    # every collection the content calls is declared (an install without the full ansible package fails otherwise)
    assert set(manifest['collection_info']['dependencies']) == {'community.postgresql', 'community.crypto'}
    assert not [t for t in texts if b'example.invalid' in t]

    # Installed as a user elsewhere would: without this checkout's ansible.cfg (which already
    # resolves auraflow.ops, so ansible-galaxy would find nothing to do).
    for part in ('roles/redis/meta/argument_specs.yml', 'plugins/module_utils', 'plugins/filter', 'playbooks/site.yml', 'meta/runtime.yml'):
        assert os.path.exists(os.path.join(installed['collection'], part)), part

    # From a directory that knows nothing of this checkout, the playbook resolves by FQCN.
    syntax = run([os.path.join(VENV_BIN, 'ansible-playbook'), '-i', 'localhost,', 'auraflow.ops.site', '--syntax-check'],
                 cwd=installed['cwd'], env=installed['env'])
    assert syntax.returncode == 0, syntax.stdout + syntax.stderr


def test_checkout_resolves_collection_without_install():
    result = run([os.path.join(VENV_BIN, 'ansible'), 'localhost', '-m', 'ansible.builtin.debug',
                  '-a', "msg={{ '1h30m' | auraflow.ops.to_seconds }}"])
    assert result.returncode == 0, result.stdout + result.stderr
    assert 'msg: 5400' in result.stdout or '"msg": 5400' in result.stdout
    doc = run([os.path.join(VENV_BIN, 'ansible-doc'), '-t', 'filter', 'auraflow.ops.to_seconds'])
    assert doc.returncode == 0 and 'to_seconds' in doc.stdout, doc.stderr
