"""The input guard of the changing playbooks (roles/run_guard, entry point inputs) and respond.yml's block_ip
guard, without the lab: the playbooks run against an inventory shaped like the lab's (its group_vars, dummy
secrets) whose hosts are Docker containers that do not exist. A refusal must come before any host is
contacted (neither UNREACHABLE nor Docker's "No such container" in the output); a legitimate run passes the
guard and goes on until it reaches for a host, which shows the guard let it through."""

import json
import os
import re
import shutil

import pytest
import yaml

from conftest import ROOT, VENV_BIN, require, run

CONTACTED = re.compile(r'UNREACHABLE|No such container')
HOSTS = {'aura_web': ('ghost-web1', '172.30.80.10'), 'aura_app': ('ghost-app1', '172.30.80.21'),
         'aura_db': ('ghost-db1', '172.30.80.31'), 'aura_cache': ('ghost-cache1', '172.30.80.41')}


@pytest.fixture(scope='module')
def ghost(tmp_path_factory):
    """An inventory with the lab's group_vars and hosts that cannot be reached (no such container)."""
    inv = tmp_path_factory.mktemp('ghost-inventory')
    shutil.copytree(os.path.join(ROOT, 'inventories', 'lab', 'group_vars'), str(inv / 'group_vars'),
                    ignore=shutil.ignore_patterns('secrets.yml', '*.tmp'))
    (inv / 'group_vars' / 'all' / 'secrets.yml').write_text(
        'aura_db_password: ghost-password-0123456789\naura_redis_password: ghost-password-0123456789\n'
        'aura_jwt_secret: ghost-jwt-secret-0123456789-0123456789-0123456789\n')
    children = {group: {'hosts': {name: {'aura_host_address': addr}}} for group, (name, addr) in HOSTS.items()}
    # reached like inventories/lab (its connection lives in its hosts.yml): containers that do not exist
    connection = {'ansible_connection': 'community.docker.docker', 'ansible_user': 'root'}
    (inv / 'hosts.yml').write_text(yaml.safe_dump({'aura': {'vars': connection, 'children': children}}))
    return str(inv / 'hosts.yml')


def play(ghost, tmp_path, name, *args):
    """ansible-playbook playbooks/<name>.yml on the ghost inventory; (return code, output)."""
    result = run([os.path.join(VENV_BIN, 'ansible-playbook'), '-i', ghost, 'playbooks/%s.yml' % name,
                  '-e', 'report_dir=%s' % tmp_path, '-e', 'aura_artifact_dir=%s' % os.path.join(ROOT, 'tests', 'app', 'dist')]
                 + list(args), timeout=300)
    return result.returncode, result.stdout + result.stderr


def refused(rc, out, *expected):
    """Refused with every expected text, and before any host was contacted."""
    flat = ' '.join(out.split())
    assert rc != 0, out[-3000:]
    for text in expected:
        assert text in flat, 'missing %r in:\n%s' % (text, out[-3000:])
    assert not CONTACTED.search(out), 'a host was contacted before the refusal:\n' + out[-3000:]
    assert 'Unable to find' not in out, out[-3000:]  # the guard read every role's spec and defaults
    assert 'Nothing was changed' in flat


def passed_the_guard(rc, out):
    """Not refused by the guard, and the run went on to contact a host (which does not exist)."""
    assert 'does not know the variable' not in out and 'Unable to find' not in out, out[-3000:]
    assert re.search(r'TASK \[[^\]]*Refuse unknown or mistyped input', out), out[-3000:]
    assert CONTACTED.search(out), out[-3000:]
    assert rc != 0


def test_mistyped_rollback_to_is_refused(ghost, tmp_path):
    rc, out = play(ghost, tmp_path, 'rollback', '-e', 'rollbak_to=1.0.0')
    refused(rc, out, "rollback.yml does not know the variable 'rollbak_to'", 'did you mean rollback_to?')


def test_restore_with_an_unknown_parameter_is_refused(ghost, tmp_path):
    rc, out = play(ghost, tmp_path, 'restore', '-e', 'confirm_restore=yes', '-e', 'restore_tset=true')
    refused(rc, out, "restore.yml does not know the variable 'restore_tset'", 'did you mean restore_test?')


def test_deploy_with_a_mistyped_deploy_variable_is_refused(ghost, tmp_path):
    rc, out = play(ghost, tmp_path, 'deploy', '-e', 'aura_release=1.1.0', '-e', 'deploy_relase=1.0.0')
    refused(rc, out, "deploy.yml does not know the variable 'deploy_relase'", 'did you mean aura_release?')


def test_a_confirm_flag_of_another_playbook_is_refused(ghost, tmp_path):
    rc, out = play(ghost, tmp_path, 'rollback', '-e', 'rollback_db=true', '-e', 'confirm_restore=yes')
    refused(rc, out, "rollback.yml does not know the variable 'confirm_restore'", 'did you mean confirm_db_rollback?')


@pytest.mark.parametrize('name,args', [
    ('rollback', ['-e', 'rollback_to=1.0.0', '-e', 'rollback_config=true']),
    ('restore', ['-e', 'restore_test=true', '-e', 'backup=latest']),
    ('backup', ['-e', 'backup_max_age=2h']),
    ('drill_db', ['-e', 'drill_db_rto_target=20m']),
    ('drill_full', []),
    ('drill_app', ['-e', 'drill_app_release=1.1.0']),
    ('respond', ['--check', '-e', 'respond_action=restart_db']),
], ids=lambda v: v if isinstance(v, str) else '')
def test_legitimate_runs_pass_the_guard(ghost, tmp_path, name, args):
    rc, out = play(ghost, tmp_path, name, *args)
    passed_the_guard(rc, out)


def test_deploy_with_its_own_input_passes_the_guard(ghost, tmp_path):
    """deploy.yml's first play is on the controller: the guard passed when the task after it ran."""
    rc, out = play(ghost, tmp_path, 'deploy', '-e', 'aura_release=1.1.0')
    assert 'does not know the variable' not in out and 'Unable to find' not in out, out[-3000:]
    assert re.search(r'TASK \[Note when the deploy started\]', out), out[-3000:]


def controller_address():
    """A global address of this machine (the controller) other than loopback."""
    result = run(['ip', '-j', 'addr', 'show'])
    addrs = [a['local'] for link in json.loads(result.stdout or '[]') for a in link.get('addr_info', [])
             if a.get('scope') == 'global'] if result.returncode == 0 else []
    require(None if addrs else 'a global address on the controller (ip -j addr show): %s' % result.stderr.strip())
    return addrs[0]


@pytest.mark.parametrize('address,rule', [
    ('0.0.0.0/0', 'respond_block_min_prefix_ipv4'),
    ('::/0', 'respond_block_min_prefix_ipv6'),
    ('127.0.0.1', 'loopback'),
    ('172.30.80.21', 'ghost-app1'),
    ('172.30.80.99', 'aura_lab_subnet'),
    ('controller', 'the controller'),
])
def test_block_ip_refuses_broad_ranges_and_own_addresses(ghost, tmp_path, address, rule):
    address = controller_address() if address == 'controller' else address
    rc, out = play(ghost, tmp_path, 'respond', '-e', 'respond_action=block_ip', '-e', 'respond_ip=' + address, '-e', 'confirm=yes')
    refused(rc, out, 'respond block_ip refused', rule)


@pytest.mark.parametrize('args', [
    ['-e', 'respond_ip=10.0.0.0/8', '-e', 'respond_block_min_prefix_ipv4=8'],
    ['-e', 'respond_ip=172.30.80.21', '-e', 'respond_block_own=yes'],
    ['-e', 'respond_ip=203.0.113.7'],
], ids=['wider-limit', 'own-forced', 'foreign-address'])
def test_block_ip_passes_the_guard_when_forced_or_foreign(ghost, tmp_path, args):
    rc, out = play(ghost, tmp_path, 'respond', '-e', 'respond_action=block_ip', '-e', 'confirm=yes', *args)
    assert 'respond block_ip refused' not in ' '.join(out.split()), out[-3000:]
    assert CONTACTED.search(out) and 'ghost-web1' in out, out[-3000:]
