"""The execution environment's layer order, read from the Containerfile ansible-builder generates
(no container engine needed): the system packages of ee/bindep.txt and the Python packages of
ee/requirements.txt are installed in the base stage, before any collection enters the build, so a
change to auraflow.ops rebuilds only the layers from the galaxy stage on."""

import os
import re
import subprocess

from conftest import ROOT, VENV_BIN


def test_system_and_python_packages_come_before_the_collections(tmp_path):
    os.makedirs(os.path.join(ROOT, 'dist', 'ee', 'collections'), exist_ok=True)
    os.makedirs(os.path.join(ROOT, 'dist', 'ee', 'ca'), exist_ok=True)
    result = subprocess.run([os.path.join(VENV_BIN, 'ansible-builder'), 'create', '-f', 'execution-environment.yml',
                             '--context', str(tmp_path), '--output-filename', 'Containerfile'],
                            cwd=ROOT, capture_output=True, text=True, check=False, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    lines = (tmp_path / 'Containerfile').read_text().splitlines()
    galaxy = lines.index('FROM base AS galaxy')
    base = lines[:galaxy]
    with open(os.path.join(ROOT, 'ee', 'bindep.txt'), encoding='utf-8') as handle:
        system = re.findall(r'^([a-z0-9.+-]+) \[platform:dpkg\]', handle.read(), re.M)
    assert {'chromium', 'postgresql-client'} <= set(system)
    assert any('ee-bindep.txt' in line and line.startswith('RUN') and 'pkgmgr install' in line for line in base), base
    assert any(line.startswith('RUN') and 'ee-requirements.txt' in line for line in base), base
    assert not any('collection' in line.lower() and line.startswith(('COPY', 'RUN')) for line in base), base
