"""auraflow.ops.pki on the controller itself (ansible -c local): the CA and a host certificate made from
nothing, check mode that changes no host file, a second run that changes nothing, a certificate the CA's
certificate verifies for every name asked, the key readable by its owner only, and two hosts of one
free-strategy play sharing one CA (throttle 1: none makes a CA of its own)."""

import json
import os
import subprocess
import sys

from conftest import VENV_BIN, changed_counts, run

PLAY = """
- hosts: all
  gather_facts: false
  strategy: ansible.builtin.free
  tasks:
    - ansible.builtin.include_role:
        name: auraflow.ops.pki
      vars:
        pki_ca_dir: {ca}
        pki_names: [localhost, 127.0.0.1, "{{{{ inventory_hostname }}}}.test"]
        pki_certificate: {out}/{{{{ inventory_hostname }}}}/server.crt
        pki_private_key: {out}/{{{{ inventory_hostname }}}}/server.key
        pki_ca_certificate: {out}/{{{{ inventory_hostname }}}}/ca.crt
    - ansible.builtin.debug:
        msg: "pki_changed={{{{ pki_changed }}}}"
"""

HOSTS = ('h1', 'h2')  # two hosts racing in one free play are enough to show one CA is made


def play(tmp_path, *args):
    path = tmp_path / 'play.yml'
    path.write_text(PLAY.format(ca=tmp_path / 'ca', out=tmp_path / 'hosts'))
    inventory = tmp_path / 'inventory.ini'
    inventory.write_text('\n'.join('%s ansible_connection=local ansible_python_interpreter=%s' % (h, sys.executable) for h in HOSTS) + '\n')
    return run([os.path.join(VENV_BIN, 'ansible-playbook'), '-i', str(inventory), str(path)] + list(args), timeout=300)


def openssl(*args):
    return subprocess.run(['openssl'] + list(args), capture_output=True, text=True, check=False)


def test_check_mode_then_a_real_run_then_nothing(tmp_path):
    checked = play(tmp_path, '--check')
    assert checked.returncode == 0, checked.stdout[-3000:] + checked.stderr[-3000:]
    assert not (tmp_path / 'hosts').exists(), 'check mode wrote on the hosts'
    assert (tmp_path / 'ca' / 'ca.crt').exists()  # the controller's CA is made even in check mode

    first = play(tmp_path)
    assert first.returncode == 0, first.stdout[-3000:]
    assert first.stdout.count('pki_changed=True') == len(HOSTS)
    ca = str(tmp_path / 'ca' / 'ca.crt')
    for host in HOSTS:
        cert, key = tmp_path / 'hosts' / host / 'server.crt', tmp_path / 'hosts' / host / 'server.key'
        assert openssl('verify', '-CAfile', ca, str(cert)).returncode == 0
        assert (tmp_path / 'hosts' / host / 'ca.crt').read_text() == (tmp_path / 'ca' / 'ca.crt').read_text()
        names = openssl('x509', '-in', str(cert), '-noout', '-ext', 'subjectAltName').stdout
        assert 'DNS:localhost' in names and 'IP Address:127.0.0.1' in names and 'DNS:%s.test' % host in names, names
        assert oct(key.stat().st_mode & 0o777) == '0o600'
    assert sorted(os.listdir(tmp_path / 'ca')) == ['ca.crt', 'ca.key', 'hosts']  # one CA for both hosts

    again = play(tmp_path)
    assert again.returncode == 0 and set(changed_counts(again.stdout)) == {0}, again.stdout.split('PLAY RECAP')[-1]
    assert again.stdout.count('pki_changed=False') == len(HOSTS)


def test_a_missing_argument_stops_before_anything(tmp_path):
    path = tmp_path / 'play.yml'
    path.write_text(json.dumps([{'hosts': 'localhost', 'gather_facts': False, 'tasks': [
        {'ansible.builtin.include_role': {'name': 'auraflow.ops.pki'}, 'vars': {'pki_ca_dir': str(tmp_path / 'ca')}}]}]))
    result = run([os.path.join(VENV_BIN, 'ansible-playbook'), '-i', 'localhost,', '-c', 'local',
                  '-e', 'ansible_python_interpreter=%s' % sys.executable, str(path)], timeout=120)
    assert result.returncode != 0
    assert 'pki_certificate' in result.stdout and 'required' in result.stdout, result.stdout[-2000:]
    assert not (tmp_path / 'ca').exists()
