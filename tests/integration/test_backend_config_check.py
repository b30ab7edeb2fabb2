"""The backend role's config_check entry point (deploy.yml's preflight) on two app hosts, locally (no lab):
every host's JWT secret is audited and all must agree; a guessable secret stops the run; no secret is shown."""

import json
import os

import pytest

from conftest import VENV_BIN, run

STRONG = 'q7N2v9Lk4xR8pT1wZ6cY3bH5mJ0sD8fG2aE4uW7iO9'
OTHER = 'Hx3m8Qz1Lw6Tn4Rb9Kc2Vf7Pd5Gs0Jy8Ae3Uo6Ti1'


def preflight(tmp_path, secrets):
    inventory = tmp_path / 'hosts.json'
    inventory.write_text(json.dumps({'aura_app': {'hosts': dict(
        (name, {'ansible_connection': 'local', 'backend_jwt_secret': secret, 'backend_jwt_expires_in': '15m',
                'backend_cors_origins': ['https://app.example.com'], 'ansible_python_interpreter': '{{ ansible_playbook_python }}'})
        for name, secret in secrets.items())}}))
    playbook = tmp_path / 'preflight.yml'
    playbook.write_text(json.dumps([{'hosts': 'aura_app', 'gather_facts': False, 'tasks': [
        {'ansible.builtin.include_role': {'name': 'auraflow.ops.backend', 'tasks_from': 'config_check'}}]}]))
    result = run([os.path.join(VENV_BIN, 'ansible-playbook'), '-vvv', '-i', str(inventory), str(playbook)])
    return result.returncode, result.stdout + result.stderr


def test_the_same_strong_secret_everywhere_passes(tmp_path):
    rc, out = preflight(tmp_path, {'app1': STRONG, 'app2': STRONG})
    assert rc == 0, out
    assert STRONG not in out


def test_backends_with_different_secrets_are_refused(tmp_path):
    # both strong, but a token app1 issues is refused by app2: 401 for every other request behind the balancer
    rc, out = preflight(tmp_path, {'app1': STRONG, 'app2': OTHER, 'app3': STRONG})
    assert rc != 0
    assert 'app2 would get another JWT secret than app1' in out, out
    assert STRONG not in out and OTHER not in out


@pytest.mark.parametrize('secret', ['aura-flow-production-2024-jwt-secret!!', 'qwertyuiopasdfghjklzxcvbnm123456'])
def test_a_guessable_secret_stops_the_run_on_every_host(tmp_path, secret):
    rc, out = preflight(tmp_path, {'app1': secret, 'app2': secret})
    assert rc != 0
    assert out.count('secret_low_entropy (high)') >= 2, out  # audited on each app host, not only the first
    assert secret not in out
