"""Fixtures shared by the integration tests: the repository paths and the running lab."""

import os
import ssl
import subprocess
import urllib.request

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


def answers(url):
    """True when url answers 200 (the lab's certificate is self-signed)."""
    try:
        with urllib.request.urlopen(url, context=ssl._create_unverified_context(), timeout=5) as resp:
            return resp.status == 200
    except OSError:
        return False


@pytest.fixture(scope='session')
def deployed_lab(lab):
    """The lab with Aura Flow deployed: runs playbooks/deploy.yml (1.1.0) when nginx does not answer."""
    if not answers('https://172.30.80.10/health'):
        result = run([os.path.join(VENV_BIN, 'ansible-playbook'), 'playbooks/deploy.yml', '-e', 'aura_release=1.1.0'],
                     timeout=1800)
        assert result.returncode == 0, (result.stdout + result.stderr)[-3000:]
    return lab
