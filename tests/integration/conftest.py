"""Fixtures shared by the integration tests: the repository paths and the running lab."""

import contextlib
import json
import os
import re
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


def run_playbook(name, *args, timeout=1800):
    """Run playbooks/<name>.yml; (return code, output, the report it wrote or None, the report's path or None)."""
    result = run([os.path.join(VENV_BIN, 'ansible-playbook'), 'playbooks/%s.yml' % name] + list(args), timeout=timeout)
    out = result.stdout + result.stderr
    found = re.findall(r'report: (\S+/%s-\d{8}T\d{6}Z\.json)' % re.escape(name), out)
    if not found:
        return result.returncode, out, None, None
    with open(found[-1], encoding='utf-8') as handle:
        return result.returncode, out, json.load(handle), found[-1]


def changed_counts(out):
    """The changed= counts of the last PLAY RECAP in out."""
    return [int(n) for n in re.findall(r'changed=(\d+)', out.split('PLAY RECAP')[-1])]


@contextlib.contextmanager
def damaged_backup(path):
    """A cut-off copy (4000 bytes) of the newest dump on aura-db1 at path, removed afterwards."""
    made = run(['docker', 'exec', 'aura-db1', 'sh', '-c',
                'f=$(ls /var/backups/postgresql/aura_flow-*.dump | tail -n 1) && head -c 4000 "$f" > %s && chmod 644 %s'
                % (path, path)], timeout=60)
    assert made.returncode == 0, made.stderr
    try:
        yield path
    finally:
        run(['docker', 'exec', 'aura-db1', 'rm', '-f', path], timeout=60)


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
