"""respond.yml's refusals: block_ip never locks the stack or everyone out, clear_port never stops init or sshd."""

import pytest

from ansible_collections.auraflow.ops.plugins.module_utils.respond_guard import (
    block_ip_problems, clear_port_problems, port_owners)

OWN = [{'net': '172.30.80.1', 'what': 'the controller'}, {'net': '172.30.80.21', 'what': 'aura-app1 (aura_host_address)'},
       {'net': '172.30.80.0/24', 'what': 'the lab subnet aura_lab_subnet'}, {'net': 'db.example.com', 'what': 'a name'}]


@pytest.mark.parametrize('target, rules', [
    ('0.0.0.0/0', ['respond_block_min_prefix_ipv4', 'respond_block_own']),
    ('::/0', ['respond_block_min_prefix_ipv6', 'respond_block_own']),
    ('10.0.0.0/8', ['respond_block_min_prefix_ipv4']),
    ('2001:db8::/32', ['respond_block_min_prefix_ipv6']),
    ('127.0.0.1', ['respond_block_own']),
    ('::1', ['respond_block_own']),
    ('::ffff:127.0.0.1', ['respond_block_own']),
    ('172.30.80.21', ['respond_block_own']),
    ('172.30.80.99', ['respond_block_own']),
    ('172.30.0.0/16', ['respond_block_own']),
    ('not-an-ip', ['address']),
])
def test_refused_blocks(target, rules):
    assert [p['rule'] for p in block_ip_problems(target, OWN)] == rules


@pytest.mark.parametrize('target', ['203.0.113.7', '203.0.113.0/24', '10.1.0.0/16', '2001:db8:1::/48', '2001:db8::1'])
def test_foreign_addresses_may_be_blocked(target):
    assert block_ip_problems(target, OWN) == []


def test_overrides_name_themselves_and_work():
    broad, own = block_ip_problems('0.0.0.0/0', OWN)
    assert '-e respond_block_min_prefix_ipv4=0' in broad['msg'] and '-e respond_block_own=yes' in own['msg']
    assert 'the lab subnet aura_lab_subnet (172.30.80.0/24)' in own['msg'] and 'loopback (127.0.0.0/8)' in own['msg']
    assert block_ip_problems('10.0.0.0/8', OWN, min_prefix_ipv4=8) == []
    assert block_ip_problems('172.30.80.21', OWN, allow_own=True) == []


SS = {
    'node': 'LISTEN 0 511 *:3001 *:* users:(("node",pid=4242,fd=19),("node",pid=4243,fd=19)) ino:1 sk:2 cgroup:/user.slice',
    'python3': 'LISTEN 0 5 0.0.0.0:3001 0.0.0.0:* users:(("python3",pid=777,fd=3)) ino:1 sk:2 cgroup:/system.slice/x',
    'pid1': 'LISTEN 0 4096 *:3001 *:* users:(("systemd",pid=1,fd=51)) ino:1 sk:2 cgroup:/init.scope',
    'node-init': 'LISTEN 0 511 *:3001 *:* users:(("node",pid=1,fd=19))',
    'sshd': 'LISTEN 0 128 0.0.0.0:3001 0.0.0.0:* users:(("sshd",pid=312,fd=3))',
    'resolved': 'LISTEN 0 128 0.0.0.0:3001 0.0.0.0:* users:(("systemd-resolve",pid=99,fd=3))',
}


def test_port_owners():
    assert port_owners(SS['node']) == [{'name': 'node', 'pid': 4242}, {'name': 'node', 'pid': 4243}]
    assert port_owners('') == []


@pytest.mark.parametrize('case, rule', [('python3', 'respond_clear_port_names'), ('pid1', 'pid_1'), ('node-init', 'pid_1'),
                                        ('sshd', 'never_killed'), ('resolved', 'never_killed')])
def test_refused_kills(case, rule):
    assert [p['rule'] for p in clear_port_problems(SS[case])] == [rule]


def test_killable_names_and_their_override():
    assert clear_port_problems(SS['node']) == []
    [problem] = clear_port_problems(SS['python3'])
    assert 'python3 (pid 777) is not in the killable set respond_clear_port_names (node, nodejs)' in problem['msg']
    assert '-e \'{"respond_clear_port_names": ["node", "nodejs", "python3"]}\'' in problem['msg']
    assert clear_port_problems(SS['python3'], killable=['python3']) == []
    # PID 1 and sshd stay refused whatever the killable set says
    assert clear_port_problems(SS['pid1'], killable=['systemd']) and clear_port_problems(SS['sshd'], killable=['sshd'])


def test_the_refusal_names_the_callers_option():
    """The backend role's clear_port entry point is called by respond.yml, whose user widens respond_clear_port_names;
    another caller names its own variable."""
    [problem] = clear_port_problems(SS['python3'], option='backend_clear_port_names')
    assert problem['rule'] == 'backend_clear_port_names'
    assert 'not in the killable set backend_clear_port_names (node, nodejs)' in problem['msg']
    assert '-e \'{"backend_clear_port_names": ["node", "nodejs", "python3"]}\'' in problem['msg']
    assert 'respond_' not in problem['msg']
