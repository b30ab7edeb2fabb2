"""The execution environment's definition with plain ansible-builder, from a clean checkout (no container engine
needed): `ansible-builder create` on a copy of the files git knows about - nothing made by scripts/ee or an
earlier build - writes the build context, and the Containerfile it generates keeps the layer order: the system
packages of ee/bindep.txt, the Python packages of ee/requirements.txt and the community collections in the base
stage, and auraflow.ops, built from the sources in the context, in the last layers of the final stage, so a
change to the collection rebuilds only those."""

import os
import re
import subprocess
import tarfile

import pytest

from conftest import ROOT, VENV_BIN


@pytest.fixture(scope='module')
def containerfile(tmp_path_factory):
    """(the lines of the generated Containerfile, the context's _build directory), from a clean copy."""
    checkout = tmp_path_factory.mktemp('checkout')
    files = subprocess.run(['git', 'ls-files', '-z', '--cached', '--others', '--exclude-standard'], cwd=ROOT,
                           capture_output=True, check=True).stdout
    tar = subprocess.run(['tar', '--null', '--ignore-failed-read', '-T', '-', '-cf', '-'], cwd=ROOT, input=files,
                         capture_output=True, check=True).stdout
    subprocess.run(['tar', '-xf', '-'], cwd=checkout, input=tar, check=True)
    assert not (checkout / 'dist').exists()
    context = tmp_path_factory.mktemp('context')
    result = subprocess.run([os.path.join(VENV_BIN, 'ansible-builder'), 'create', '-f', 'execution-environment.yml',
                             '--context', str(context), '--output-filename', 'Containerfile'],
                            cwd=checkout, capture_output=True, text=True, check=False, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    return (context / 'Containerfile').read_text().splitlines(), context / '_build'


def test_a_clean_checkout_gives_the_whole_context(containerfile):
    dummy, build = containerfile
    for path in ('collection/galaxy.yml', 'collection/plugins/modules', 'collection/roles/backend/tasks/main.yml',
                 'collection/playbooks/rollback.yml', 'collection/meta/runtime.yml', 'collection/changelogs/changelog.yaml',
                 'collection/inventories/production.example/hosts.yml', 'configs/community_collections.py',
                 'configs/pkgmgr', 'ca/README'):
        assert (build / path).exists(), path
    # the collection's sources only: nothing the tarball's build_ignore leaves out, no secrets, no lab inventory
    assert not (build / 'collection' / 'tests').exists() and not (build / 'collection' / 'inventories' / 'lab').exists()


def test_packages_first_then_the_community_collections_and_auraflow_ops_last(containerfile):
    lines, dummy = containerfile
    final = lines.index('FROM base AS final')
    base = lines[:lines.index('FROM base AS builder')]
    steps = [i for i, line in enumerate(lines) if line.startswith(('RUN', 'COPY'))]
    with open(os.path.join(ROOT, 'ee', 'bindep.txt'), encoding='utf-8') as handle:
        system = re.findall(r'^([a-z0-9.+-]+) \[platform:dpkg\]', handle.read(), re.M)
    assert {'chromium', 'postgresql-client'} <= set(system)
    bindep = [i for i, line in enumerate(base) if 'ee-bindep.txt' in line and line.startswith('RUN') and 'pkgmgr install' in line]
    pip = [i for i, line in enumerate(base) if line.startswith('RUN') and 'ee-requirements.txt' in line]
    community = [i for i, line in enumerate(base) if line.startswith('RUN') and 'community_collections.py' in line]
    assert bindep and pip and community and max(bindep + pip) < community[0], base
    assert 'community.docker' in base[community[0]] and 'ansible==14.5.0' in base[community[0]]
    # auraflow.ops: copied and installed in the final stage, after everything that installs a package
    own = [i for i in steps if '/tmp/auraflow-ops' in lines[i]]
    assert len(own) == 2 and lines[own[0]].startswith('COPY _build/collection/') and own[0] > final, own
    assert 'ansible-galaxy collection build' in lines[own[1]] and 'ansible-galaxy collection install' in lines[own[1]]
    installs = [i for i in steps if re.search(r'pip install|pkgmgr install|install-from-bindep|\$PKGMGR install', lines[i])]
    assert installs and max(installs) < own[0], [lines[i] for i in installs if i > own[0]]
    later = [lines[i] for i in steps if i > own[1]]
    assert later == ['RUN rm -rf /output'], later
    assert not [line for line in base if 'collection' in line.lower() and line.startswith(('COPY', 'RUN'))
                and 'community_collections.py' not in line], base


def test_the_context_holds_what_the_collection_tarball_holds(containerfile, tmp_path):
    """The definition lists the collection's sources one by one: a new top-level directory of the tarball
    (galaxy.yml's build_ignore decides) that the list misses would be missing from the image."""
    dummy, build = containerfile
    result = subprocess.run([os.path.join(VENV_BIN, 'ansible-galaxy'), 'collection', 'build', '--output-path', str(tmp_path), ROOT],
                            capture_output=True, text=True, check=False, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    (tarball,) = tmp_path.glob('auraflow-ops-*.tar.gz')
    with tarfile.open(tarball) as tar:
        packed = {name.split('/')[0] for name in tar.getnames()} - {'MANIFEST.json', 'FILES.json'}
    assert packed == {p.name for p in (build / 'collection').iterdir()} - {'galaxy.yml'}  # it becomes MANIFEST.json
