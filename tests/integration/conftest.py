"""Fixtures shared by the integration tests: the repository paths and the running lab."""

import os
import subprocess

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
VENV_BIN = os.path.join(ROOT, '.venv', 'bin')
LAB_HOSTS = ('aura-web1', 'aura-app1', 'aura-app2', 'aura-db1', 'aura-cache1')


def run(cmd, **kwargs):
    """Run a command from the repository root, capturing text output."""
    kwargs.setdefault('cwd', ROOT)
    env = dict(os.environ, ANSIBLE_CONFIG=os.path.join(ROOT, 'ansible.cfg'), ANSIBLE_FORCE_COLOR='0')
    env.update(kwargs.pop('env', {}))
    return subprocess.run(cmd, capture_output=True, text=True, env=env, check=False, **kwargs)


@pytest.fixture(scope='session')
def lab():
    """The five-host lab, brought up (idempotently) by the contract script."""
    result = run([os.path.join(ROOT, 'scripts', 'lab'), 'up'], timeout=900)
    assert result.returncode == 0, result.stdout + result.stderr
    return LAB_HOSTS
