"""The lab contract: six systemd hosts on an explicit subnet, reachable by Ansible, cached image."""

import json
import os
import re

import pytest

from conftest import LAB_HOSTS, ROOT, VENV_BIN, run

pytestmark = pytest.mark.lab


def docker_json(*args):
    result = run(['docker', *args])
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_ansible_ping_every_host(lab):
    result = run([os.path.join(VENV_BIN, 'ansible'), '-i', 'inventories/lab', 'all',
                  '-m', 'ansible.builtin.ping', '-o'])
    assert result.returncode == 0, result.stdout + result.stderr
    for host in LAB_HOSTS:
        assert '%s | SUCCESS' % host in result.stdout


def test_lab_ssh_logs_in_as_deploy_and_becomes_root_with_sudo(lab):
    """inventories/lab-ssh: SSH as the unprivileged deploy account (host keys checked against the
    known_hosts scripts/lab up wrote), root only through sudo; root itself cannot log in."""
    ansible = [os.path.join(VENV_BIN, 'ansible'), '-i', 'inventories/lab-ssh', 'aura',
               '-m', 'ansible.builtin.command', '-a', 'id -un', '-o']
    became = run(ansible)
    assert became.returncode == 0, became.stdout + became.stderr
    plain = run(ansible + ['-e', 'ansible_become=false'])
    assert plain.returncode == 0, plain.stdout + plain.stderr
    for host in LAB_HOSTS:
        assert re.search(r'^%s \| CHANGED \| rc=0 \| \(stdout\) root$' % host, became.stdout, re.M), became.stdout
        assert re.search(r'^%s \| CHANGED \| rc=0 \| \(stdout\) deploy$' % host, plain.stdout, re.M), plain.stdout
    ssh_dir = os.path.join(ROOT, 'inventories', 'lab-ssh', '.ssh')
    root = run(['ssh', '-i', os.path.join(ssh_dir, 'id_ed25519'), '-o', 'IdentitiesOnly=yes', '-o', 'BatchMode=yes',
                '-o', 'UserKnownHostsFile=%s' % os.path.join(ssh_dir, 'known_hosts'), '-o', 'StrictHostKeyChecking=yes',
                'root@172.30.80.10', 'true'], timeout=60)
    assert root.returncode == 255 and 'Permission denied' in root.stderr, root.stderr
    with open(os.path.join(ssh_dir, 'known_hosts'), encoding='utf-8') as handle:
        keys = [line.split()[2] for line in handle if line.strip()]
    assert len(keys) == len(LAB_HOSTS) == len(set(keys)), 'every host has its own host key'


@pytest.mark.parametrize('host', LAB_HOSTS)
def test_systemd_is_up(lab, host):
    """A fresh lab host is 'running': 'degraded' means a unit failed, and the failed units are named."""
    result = run(['docker', 'exec', host, 'systemctl', 'is-system-running'])
    failed = run(['docker', 'exec', host, 'systemctl', '--failed', '--no-legend', '--plain']).stdout
    assert result.stdout.strip() == 'running', 'systemd is %r; failed units: %s' % (result.stdout.strip(), failed)


def test_network_has_explicit_subnet_and_fixed_addresses(lab):
    net = docker_json('network', 'inspect', 'aura-lab')[0]
    assert [c['Subnet'] for c in net['IPAM']['Config']] == ['172.30.80.0/24']
    addresses = {c['Name']: c['IPv4Address'] for c in net['Containers'].values()}
    assert addresses['aura-web1'] == '172.30.80.10/24'
    assert addresses['aura-db1'] == '172.30.80.31/24'


def test_web_publishes_only_on_loopback(lab):
    ports = docker_json('inspect', 'aura-web1')[0]['HostConfig']['PortBindings']
    assert ports == {
        '80/tcp': [{'HostIp': '127.0.0.1', 'HostPort': '8080'}],
        '443/tcp': [{'HostIp': '127.0.0.1', 'HostPort': '8443'}],
    }


IMAGES = ('auraflow/lab-debian12:bookworm', 'auraflow/lab-debian13:trixie')


def test_second_up_reuses_image_and_hosts(lab):
    images_before = run(['docker', 'image', 'inspect', '-f', '{{.Id}}', *IMAGES]).stdout
    ids_before = run(['docker', 'inspect', '-f', '{{.Id}}', *LAB_HOSTS]).stdout
    result = run([os.path.join(ROOT, 'scripts', 'lab'), 'up'], timeout=120)
    assert result.returncode == 0, result.stderr
    assert 'debootstrap' not in result.stdout
    assert run(['docker', 'image', 'inspect', '-f', '{{.Id}}', *IMAGES]).stdout == images_before
    assert run(['docker', 'inspect', '-f', '{{.Id}}', *LAB_HOSTS]).stdout == ids_before


def test_lab_mixes_debian_12_and_13(lab):
    """aura-app2 and aura-db1 run Debian 13 (trixie), the other hosts Debian 12 (bookworm)."""
    releases = {host: run(['docker', 'exec', host, 'sh', '-c', '. /etc/os-release && echo $VERSION_CODENAME']).stdout.strip()
                for host in LAB_HOSTS}
    assert releases == {'aura-web1': 'bookworm', 'aura-app1': 'bookworm', 'aura-app2': 'trixie',
                        'aura-db1': 'trixie', 'aura-cache1': 'bookworm', 'aura-mon1': 'bookworm'}, releases


def test_status_lists_every_host(lab):
    result = run([os.path.join(ROOT, 'scripts', 'lab'), 'status'])
    assert result.returncode == 0, result.stdout + result.stderr
    for host in LAB_HOSTS:
        assert any(line.startswith(host) and ' running' in line for line in result.stdout.splitlines())


def test_site_playbook_runs_on_the_lab(lab):
    result = run([os.path.join(VENV_BIN, 'ansible-playbook'), '-i', 'inventories/lab', 'playbooks/site.yml'])
    assert result.returncode == 0, result.stdout + result.stderr
    assert 'failed=0' in result.stdout and 'unreachable=0' in result.stdout


def app_hosts(inventory):
    result = run([os.path.join(VENV_BIN, 'ansible-inventory'), '-i', os.path.join(ROOT, 'inventories', inventory), '--list'])
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)['aura_app']['hosts']


def test_app_hosts_scale_out_and_back(lab):
    """`up --app-hosts N` adds aura-app3..N (own address, SSH access) and both inventories list them after
    aura-app1 and aura-app2; `up` without it goes back to two, removing the extra host; a bad N changes nothing."""
    lab_script = os.path.join(ROOT, 'scripts', 'lab')
    for bad in ('9', '1', 'three'):
        result = run([lab_script, 'up', '--app-hosts', bad])
        assert result.returncode != 0 and '--app-hosts must be a number from 2 to 8' in result.stderr, result.stderr
    assert app_hosts('lab') == ['aura-app1', 'aura-app2']
    result = run([lab_script, 'up', '--app-hosts', '3'], timeout=300)
    try:
        assert result.returncode == 0, result.stdout + result.stderr
        assert app_hosts('lab') == app_hosts('lab-ssh') == ['aura-app1', 'aura-app2', 'aura-app3']
        ip = docker_json('inspect', 'aura-app3')[0]['NetworkSettings']['Networks']['aura-lab']['IPAddress']
        assert ip == '172.30.80.23'
        ping = run([os.path.join(VENV_BIN, 'ansible'), '-i', os.path.join(ROOT, 'inventories', 'lab-ssh'), 'aura-app3',
                    '-m', 'ansible.builtin.command', '-a', 'whoami', '--become'], timeout=120)
        assert ping.returncode == 0 and 'root' in ping.stdout, ping.stdout + ping.stderr
        status = run([lab_script, 'status']).stdout
        assert any(line.startswith('aura-app3') and ' running' in line for line in status.splitlines()), status
    finally:
        back = run([lab_script, 'up'], timeout=300)
    assert back.returncode == 0, back.stdout + back.stderr
    assert app_hosts('lab') == app_hosts('lab-ssh') == ['aura-app1', 'aura-app2']
    assert run(['docker', 'inspect', 'aura-app3']).returncode != 0
