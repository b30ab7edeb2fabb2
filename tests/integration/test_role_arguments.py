"""Bad role variables stop the run at argument validation, naming the variable, before any change."""

import os

import pytest

from conftest import VENV_BIN, run


@pytest.mark.parametrize('extra, named', [
    ('redis_maxmemory_policy=bogus', 'redis_maxmemory_policy'),
    ('redis_appendfsync=sometimes', 'redis_appendfsync'),
    ('{"redis_port": "not-a-port"}', 'redis_port'),
    ('{"redis_bind_addresses": {"a": 1}}', 'redis_bind_addresses'),
])
def test_redis_rejects_bad_variables(extra, named):
    # The only host is localhost over a local connection: a task that got past validation
    # would install packages here, so the recap must show nothing changed and one failure.
    args = ['-e', 'redis_app_password=a-long-enough-password-123', '-e', extra]
    result = run([os.path.join(VENV_BIN, 'ansible'), 'localhost', '-c', 'local',
                  '-m', 'ansible.builtin.include_role', '-a', 'name=auraflow.ops.redis', *args])
    assert result.returncode != 0
    output = result.stdout + result.stderr
    assert named in output
    assert 'argument' in output.lower()
    assert 'a-long-enough-password-123' not in output
    assert 'changed: true' not in output and '"changed": true' not in output


def test_redis_requires_app_password():
    result = run([os.path.join(VENV_BIN, 'ansible'), 'localhost', '-c', 'local',
                  '-m', 'ansible.builtin.include_role', '-a', 'name=auraflow.ops.redis'])
    assert result.returncode != 0
    assert 'redis_app_password' in result.stdout + result.stderr


@pytest.mark.parametrize('extra, named', [
    ('{"postgres_version": "fifteen"}', 'postgres_version'),
    ('{"postgres_backup_keep_count": "many"}', 'postgres_backup_keep_count'),
    ('{"postgres_backup_key_tables": {"a": 1}}', 'postgres_backup_key_tables'),
])
def test_postgres_rejects_bad_variables(extra, named):
    args = ['-e', 'postgres_db_password=a-long-enough-password-123', '-e', extra]
    result = run([os.path.join(VENV_BIN, 'ansible'), 'localhost', '-c', 'local',
                  '-m', 'ansible.builtin.include_role', '-a', 'name=auraflow.ops.postgres', *args])
    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert named in output and 'argument' in output.lower()
    assert 'a-long-enough-password-123' not in output
    assert 'changed: true' not in output
