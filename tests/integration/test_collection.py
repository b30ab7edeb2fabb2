"""The collection builds, installs from its tarball, and resolves by FQCN from this checkout."""

import os
import tarfile

from conftest import VENV_BIN, run


def test_build_and_install(tmp_path):
    build = run([os.path.join(VENV_BIN, 'ansible-galaxy'), 'collection', 'build', '--output-path', str(tmp_path)])
    assert build.returncode == 0, build.stdout + build.stderr
    tarballs = list(tmp_path.glob('auraflow-ops-*.tar.gz'))
    assert len(tarballs) == 1
    with tarfile.open(tarballs[0]) as tar:
        names = tar.getnames()
    assert not [n for n in names if n.startswith(('.venv', 'collections', 'tests/app/dist', '.git/')) or 'node_modules' in n]
    assert 'inventories/lab/group_vars/all/secrets.yml' not in names

    # Install as a user elsewhere would: without this checkout's ansible.cfg (which already
    # resolves auraflow.ops, so ansible-galaxy would find nothing to do).
    dest = tmp_path / 'installed'
    plain_cfg = tmp_path / 'ansible.cfg'
    plain_cfg.write_text('[defaults]\n')
    elsewhere = {'ANSIBLE_CONFIG': str(plain_cfg)}
    install = run([os.path.join(VENV_BIN, 'ansible-galaxy'), 'collection', 'install', '-p', str(dest), str(tarballs[0])],
                  cwd=str(tmp_path), env=elsewhere)
    assert install.returncode == 0, install.stdout + install.stderr
    installed = dest / 'ansible_collections' / 'auraflow' / 'ops'
    for part in ('roles/redis/meta/argument_specs.yml', 'plugins/module_utils', 'plugins/filter', 'playbooks/site.yml', 'meta/runtime.yml'):
        assert (installed / part).exists(), part

    # From a directory that knows nothing of this checkout, the playbook resolves by FQCN.
    env = dict(elsewhere, ANSIBLE_COLLECTIONS_PATH=str(dest))
    syntax = run([os.path.join(VENV_BIN, 'ansible-playbook'), '-i', 'localhost,', 'auraflow.ops.site', '--syntax-check'],
                 cwd=str(tmp_path), env=env)
    assert syntax.returncode == 0, syntax.stdout + syntax.stderr


def test_checkout_resolves_collection_without_install():
    result = run([os.path.join(VENV_BIN, 'ansible'), 'localhost', '-m', 'ansible.builtin.debug',
                  '-a', "msg={{ '1h30m' | auraflow.ops.to_seconds }}"])
    assert result.returncode == 0, result.stdout + result.stderr
    assert 'msg: 5400' in result.stdout or '"msg": 5400' in result.stdout
    doc = run([os.path.join(VENV_BIN, 'ansible-doc'), '-t', 'filter', 'auraflow.ops.to_seconds'])
    assert doc.returncode == 0 and 'to_seconds' in doc.stdout, doc.stderr
