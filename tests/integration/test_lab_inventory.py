"""The lab inventories read only what is inventory: the lab CA that the first deploy makes where
aura_lab_ca_dir points (certificates and keys) is never parsed as an inventory source, so no run
warns about it (every ansible-playbook run on the lab printed 'Unable to parse .../ca.key')."""

import json
import os
import shutil

from conftest import ROOT, VENV_BIN, run

PEM = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n'


def test_the_lab_ca_is_not_read_as_inventory(tmp_path):
    inventories = tmp_path / 'inventories'
    for name in ('lab', 'lab-ssh'):
        shutil.copytree(os.path.join(ROOT, 'inventories', name), inventories / name,
                        ignore=lambda directory, names: [n for n in names if n in ('pki', '.pki', '.ssh')])
    shown = run([os.path.join(VENV_BIN, 'ansible'), '-i', str(inventories / 'lab'), 'aura-web1', '-o',
                 '-m', 'ansible.builtin.debug', '-a', 'var=aura_lab_ca_dir'])
    assert shown.returncode == 0, shown.stdout + shown.stderr
    ca_dir = os.path.normpath(json.loads(shown.stdout.split('=>', 1)[1])['aura_lab_ca_dir'])
    assert ca_dir.startswith(str(inventories)), ca_dir  # the lab's own, under the checkout's inventories
    os.makedirs(os.path.join(ca_dir, 'hosts'))
    for path in ('ca.crt', 'ca.key', 'hosts/aura-db1.crt', 'hosts/aura-db1.key'):
        with open(os.path.join(ca_dir, path), 'w', encoding='utf-8') as handle:
            handle.write(PEM)
    for name in ('lab', 'lab-ssh'):
        listed = run([os.path.join(VENV_BIN, 'ansible-inventory'), '-i', str(inventories / name), '--list'])
        assert listed.returncode == 0, listed.stderr
        assert 'aura-db1' in json.loads(listed.stdout)['_meta']['hostvars']
        assert 'Unable to parse' not in listed.stderr and 'WARNING' not in listed.stderr, listed.stderr
