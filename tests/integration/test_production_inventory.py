"""The production inventory the README and AWX use (inventories/production.example, copied and filled in as its
comments say): its secrets are inline !vault values, so the inventory parses without the vault password - as AWX
parses an SCM inventory source, which may carry no vault credential - and a play that uses a secret gets it
decrypted with the password. A whole-file vault, which the example used to ask for, does not parse there."""

import os
import re
import shutil

import yaml

from conftest import ROOT, VENV_BIN, run

PASSWORD = 'test-vault-password-not-a-secret'


def filled_in(tmp_path, whole_file=False):
    """inventories/production copied from the example, every CHANGE-ME replaced the way vault.yml says."""
    inventory = tmp_path / 'production'
    shutil.copytree(os.path.join(ROOT, 'inventories', 'production.example'), inventory)
    secret_file = tmp_path / 'vault-pass'
    secret_file.write_text(PASSWORD + '\n')
    vault = inventory / 'group_vars' / 'all' / 'vault.yml'
    text = vault.read_text()
    names = re.findall(r'^(vault_[a-z_]+): CHANGE-ME$', text, re.M)
    assert names, 'the example lists its secrets as "name: CHANGE-ME"'
    for name in names:
        value = 'value-of-%s-0123456789abcdef0123456789' % name
        if whole_file:
            text = text.replace('%s: CHANGE-ME' % name, '%s: %s' % (name, value))
            continue
        result = run([os.path.join(VENV_BIN, 'ansible-vault'), 'encrypt_string', '--vault-password-file', str(secret_file),
                      '--name', name, value])
        assert result.returncode == 0, result.stderr
        text = text.replace('%s: CHANGE-ME' % name, result.stdout.strip())
    vault.write_text(text)
    if whole_file:
        result = run([os.path.join(VENV_BIN, 'ansible-vault'), 'encrypt', '--vault-password-file', str(secret_file), str(vault)])
        assert result.returncode == 0, result.stderr
    assert 'CHANGE-ME' not in vault.read_text()
    return inventory, secret_file, names


def test_inline_vault_values_parse_without_the_password_and_decrypt_with_it(tmp_path):
    assert 'ANSIBLE_VAULT_PASSWORD_FILE' not in os.environ and 'ANSIBLE_VAULT_IDENTITY_LIST' not in os.environ
    inventory, secret_file, names = filled_in(tmp_path)
    # as AWX's SCM inventory source runs it: no vault password at all
    result = run([os.path.join(VENV_BIN, 'ansible-inventory'), '-i', str(inventory / 'hosts.yml'), '--list'])
    assert result.returncode == 0, result.stderr
    listed = yaml.safe_load(result.stdout)
    assert set(listed['aura_app']['hosts']) == {'app1.example.com', 'app2.example.com'}
    assert 'value-of-' not in result.stdout  # nothing decrypted
    # a job run with the vault password (AWX: the Vault credential) gets the values
    result = run([os.path.join(VENV_BIN, 'ansible'), 'app1.example.com', '-i', str(inventory / 'hosts.yml'), '-c', 'local',
                  '--vault-password-file', str(secret_file), '-m', 'ansible.builtin.debug',
                  '-a', 'msg={{ %s }}' % names[0]])
    assert result.returncode == 0, result.stdout + result.stderr
    assert 'value-of-%s-' % names[0] in result.stdout


def test_a_whole_file_vault_does_not_parse_without_the_password(tmp_path):
    inventory, dummy, dummy2 = filled_in(tmp_path, whole_file=True)
    result = run([os.path.join(VENV_BIN, 'ansible-inventory'), '-i', str(inventory / 'hosts.yml'), '--list'])
    out = result.stdout + result.stderr
    assert result.returncode != 0 or 'no vault secrets' in out.lower(), out
