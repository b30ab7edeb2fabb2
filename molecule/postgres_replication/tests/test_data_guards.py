"""The postgres role's destructive paths on real clusters (issue 18, items 1 and 2).

- A replica bootstrap empties the data directory: it must refuse, before changing anything, on a
  live primary (a replica role reaching the wrong host) and on a stale former primary (an inventory
  not updated after a failover), running or stopped; with -e postgres_replica_rebuild=true it backs
  the data directory up and checks the backup before emptying it.
- pg_dropcluster must not drop a cluster whose data directory is not where the role expects it (a
  moved data directory) nor one whose directory is empty (a volume not mounted yet) unless the
  operator asks with -e postgres_cluster_recreate=true.

Each case applies the role with ansible-playbook against the scenario's containers, as an operator
would. This module runs before test_postgres.py/test_replication.py and leaves both hosts as the
converge made them (the replica is rebuilt from the primary and streams again)."""

import json
import os
import pathlib
import re
import subprocess
import sys
import time

import pytest
import testinfra

PRIMARY = 'molecule-pg-primary'
REPLICA = 'molecule-pg-replica'
PRIMARY_ADDRESS = '172.30.96.21'


def _server_major():
    """The PostgreSQL major version of the scenario's image (Debian 12: 15, Debian 13: 17): its one cluster."""
    out = subprocess.run(['docker', 'exec', PRIMARY, 'ls', '/etc/postgresql'], capture_output=True, text=True, check=True)
    return out.stdout.split()[0]


VERSION = _server_major()
UNIT = 'postgresql@%s-main' % VERSION
DATA = '/var/lib/postgresql/%s/main' % VERSION
CONF = '/etc/postgresql/%s/main/postgresql.conf' % VERSION
REBUILD_DIR = '/var/backups/postgresql/replica-rebuild'
ROOT = pathlib.Path(__file__).resolve().parents[3]


@pytest.fixture(scope='module')
def inventory(request):
    return request.config.option.ansible_inventory


@pytest.fixture(scope='module')
def nodes(inventory):
    return {name: testinfra.get_host('ansible://%s?ansible_inventory=%s' % (name, inventory)) for name in (PRIMARY, REPLICA)}


@pytest.fixture(scope='module')
def ansible_playbook(inventory):
    """Run a playbook against the scenario's hosts as an operator would; returns (rc, output)."""
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=str(ROOT / 'collections'), ANSIBLE_FORCE_COLOR='0',
               ANSIBLE_NOCOLOR='1', ANSIBLE_CALLBACK_RESULT_FORMAT='json')  # json: messages never wrapped

    def run(playbook, *extra):
        args = [os.path.join(os.path.dirname(sys.executable), 'ansible-playbook'), '-i', inventory, str(playbook)]
        for item in extra:
            args += ['-e', item]
        proc = subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=600, check=False)
        out = proc.stdout + proc.stderr
        print(out[-6000:])
        return proc.returncode, out
    return run


@pytest.fixture(scope='module')
def apply_role(ansible_playbook, tmp_path_factory):
    """Run the role on one host with extra variables; returns (rc, output)."""
    playbook = tmp_path_factory.mktemp('guards') / 'apply.yml'
    playbook.write_text('- name: Apply the postgres role\n'
                        '  hosts: "{{ target }}"\n'
                        '  gather_facts: true\n'
                        '  tasks:\n'
                        '    - name: Apply the postgres role\n'
                        '      ansible.builtin.include_role:\n'
                        '        name: auraflow.ops.postgres\n')
    return lambda target, *extra: ansible_playbook(playbook, 'target=' + target, *extra)


def sql(host, query, db='postgres'):
    out = host.run('runuser -u postgres -- psql -XAtq -d %s -v ON_ERROR_STOP=1 -c %s', db, query)
    return out.stdout.strip() if out.rc == 0 else 'ERROR: ' + out.stderr.strip()


def wait_until(host, query, expected, seconds=30, db='postgres'):
    deadline = time.monotonic() + seconds
    while sql(host, query, db) != expected:
        assert time.monotonic() < deadline, '%s did not return %s within %d s' % (query, expected, seconds)
        time.sleep(0.3)


def fingerprint(host):
    """What must not change on a refused run: the cluster's identity, its files and the role's config."""
    return {
        'system_identifier': sql(host, 'SELECT system_identifier FROM pg_control_system()'),
        'pg_version': host.file(DATA + '/PG_VERSION').exists,
        'base': host.run('ls %s/base', DATA).stdout.split(),
        'conf': host.run('md5sum /etc/postgresql/%s/main/conf.d/10-auraflow.conf /etc/postgresql/%s/main/pg_hba.conf' % (VERSION, VERSION)).stdout,
        'active_since': host.run('systemctl show -P ActiveEnterTimestampMonotonic ' + UNIT).stdout.strip(),
    }


def test_what_drifted_behind_the_roles_back_is_put_back_and_then_nothing_changes(nodes, apply_role):
    """The role reads files, units and catalogs once and applies only what differs: each kind of drift must still be
    seen (a changed password is checked against its SCRAM verifier), and a converged host must report no change."""
    primary = nodes[PRIMARY]
    owner, password = 'aura_flow_user', 'molecule-db-password-0123456789'
    assert sql(primary, "ALTER ROLE %s PASSWORD 'changed-behind-the-roles-back' CREATEDB" % owner) == ''
    assert sql(primary, 'DROP EXTENSION pg_stat_statements', db='aura_flow') == ''
    assert primary.run('systemctl stop aura-pg-backup.timer').rc == 0

    rc, out = apply_role(PRIMARY)
    assert rc == 0, out[-3000:]
    login = primary.run("PGPASSWORD=%s psql -XAtw -h 127.0.0.1 -U %s -d aura_flow -c 'SELECT 1'", password, owner)
    assert login.stdout.strip() == '1', login.stderr
    assert sql(primary, "SELECT rolcreatedb FROM pg_roles WHERE rolname = '%s'" % owner) == 'f'
    assert sql(primary, "SELECT count(*) FROM pg_extension WHERE extname = 'pg_stat_statements'", db='aura_flow') == '1'
    assert primary.service('aura-pg-backup.timer').is_running

    rc, out = apply_role(PRIMARY)
    assert rc == 0 and re.search(PRIMARY + r' +: ok=\d+ +changed=0 ', out), out[-3000:]


def test_replica_role_on_the_live_primary_is_refused(nodes, apply_role):
    primary = nodes[PRIMARY]
    assert sql(primary, 'CREATE TABLE IF NOT EXISTS guard_marker (v text); '
                        "INSERT INTO guard_marker VALUES ('primary data')", db='aura_flow') == ''
    before = fingerprint(primary)

    rc, out = apply_role(PRIMARY, 'postgres_replication_role=replica',
                         'postgres_replication_primary_host=' + PRIMARY_ADDRESS)

    after = fingerprint(primary)
    assert after == before, 'the primary changed: %s -> %s' % (before, after)
    assert sql(primary, 'SELECT pg_is_in_recovery()') == 'f'
    assert sql(primary, 'SELECT DISTINCT v FROM guard_marker', db='aura_flow') == 'primary data'
    assert rc != 0
    assert 'REFUSED to bootstrap %s as a replica' % PRIMARY in out
    assert 'runs as a primary' in out and 'aura_flow' in out
    assert '-e postgres_replica_rebuild=true' in out
    assert 'Stop the local server' not in out


def test_stale_former_primary_is_refused_then_rebuilt_with_a_checked_backup(nodes, apply_role):
    primary, replica = nodes[PRIMARY], nodes[REPLICA]
    # A failover: the replica is promoted and takes a write; the inventory still calls it a replica.
    assert replica.run('pg_ctlcluster %s main promote' % VERSION).rc == 0
    wait_until(replica, 'SELECT pg_is_in_recovery()', 'f')
    assert not replica.file(DATA + '/standby.signal').exists
    assert sql(replica, "CREATE TABLE stale_write AS SELECT 'written after the failover'::text AS v", db='aura_flow') == ''
    before = fingerprint(replica)

    rc, out = apply_role(REPLICA)
    assert rc != 0 and 'REFUSED to bootstrap %s as a replica' % REPLICA in out, out[-3000:]
    assert fingerprint(replica) == before
    assert sql(replica, 'SELECT v FROM stale_write', db='aura_flow') == 'written after the failover'

    # Stopped, the server cannot be asked: still refused, and the directory is left as it was.
    assert replica.run('systemctl stop ' + UNIT).rc == 0
    rc, out = apply_role(REPLICA)
    assert rc != 0 and 'is not running' in out and '-e postgres_replica_rebuild=true' in out, out[-3000:]
    assert replica.run('ls %s/base', DATA).stdout.split() == before['base']
    assert replica.file(DATA + '/PG_VERSION').exists

    # Deliberately: the backup comes first and is checked, then the clone.
    assert replica.run('echo stale > %s/rebuild-marker && chown postgres: %s/rebuild-marker', DATA, DATA).rc == 0
    rc, out = apply_role(REPLICA, 'postgres_replica_rebuild=true')
    assert rc == 0, out[-3000:]
    assert out.index('Check the backup of the data directory') < out.index('Empty the local data directory')
    backups = replica.run('ls %s', REBUILD_DIR).stdout.split()
    assert len(backups) == 1 and backups[0].endswith('-pgdata.tar.gz'), backups
    backup = '%s/%s' % (REBUILD_DIR, backups[0])
    assert replica.file(backup).size > 0 and replica.file(backup).mode == 0o640
    listing = replica.run('tar -tzf %s', backup)
    assert listing.rc == 0
    assert {'./PG_VERSION', './global/pg_control', './rebuild-marker'} <= set(listing.stdout.split())
    # The rebuilt replica follows the primary again; the stale write is only in the backup.
    assert not replica.file(DATA + '/rebuild-marker').exists
    assert replica.file(DATA + '/standby.signal').exists
    wait_until(replica, 'SELECT pg_is_in_recovery()', 't')
    assert sql(replica, "SELECT to_regclass('stale_write') IS NULL", db='aura_flow') == 't'
    assert sql(replica, 'SELECT DISTINCT v FROM guard_marker', db='aura_flow') == 'primary data'
    wait_until(primary, 'SELECT count(*) FROM pg_stat_replication', '1')


@pytest.fixture()
def moved_replica_cluster(nodes):
    """The replica's cluster moved to /var/lib/postgresql/<version>/moved (its config says so)."""
    replica = nodes[REPLICA]
    moved = '/var/lib/postgresql/%s/moved' % VERSION
    assert replica.run('systemctl stop ' + UNIT).rc == 0
    assert replica.run('mv %s %s', DATA, moved).rc == 0
    assert replica.run("sed -i 's|^data_directory = .*|data_directory = '\"'\"'%s'\"'\"'|' %s", moved, CONF).rc == 0
    assert replica.run('systemctl start ' + UNIT).rc == 0
    yield moved
    replica.run('systemctl stop ' + UNIT)
    if replica.file(moved + '/PG_VERSION').exists:
        replica.run('rm -rf %s', DATA)
        replica.run('mv %s %s', moved, DATA)
    replica.run("sed -i 's|^data_directory = .*|data_directory = '\"'\"'%s'\"'\"'|' %s", DATA, CONF)
    replica.run('systemctl start ' + UNIT)


def test_moved_cluster_is_not_dropped(nodes, apply_role, moved_replica_cluster):
    replica = nodes[REPLICA]
    assert replica.run('pg_lsclusters -h %s main' % VERSION).stdout.split()[5] == moved_replica_cluster
    identifier = sql(replica, 'SELECT system_identifier FROM pg_control_system()')

    rc, out = apply_role(REPLICA)

    assert replica.file(moved_replica_cluster + '/PG_VERSION').exists, 'the moved cluster was dropped'
    assert sql(replica, 'SELECT system_identifier FROM pg_control_system()') == identifier
    assert sql(replica, 'SELECT pg_is_in_recovery()') == 't'
    assert rc != 0
    assert 'REFUSED' in out and 'data directory %s' % moved_replica_cluster in out
    assert 'pg_dropcluster' not in out.split('REFUSED')[0]


def test_empty_data_directory_is_recreated_only_when_asked(nodes, apply_role):
    """A volume not mounted yet: the cluster's directory is an empty mount point."""
    replica = nodes[REPLICA]
    aside = '/var/lib/postgresql/%s/unmounted' % VERSION
    assert replica.run('systemctl stop ' + UNIT).rc == 0
    assert replica.run('mv %s %s && install -d -o postgres -g postgres -m 0700 %s', DATA, aside, DATA).rc == 0
    try:
        rc, out = apply_role(REPLICA)
        assert replica.file(aside + '/PG_VERSION').exists
        assert replica.file(CONF).exists, 'the cluster was dropped'
        assert rc != 0 and 'REFUSED' in out and '-e postgres_cluster_recreate=true' in out, out[-3000:]
        assert 'is empty' in out
    finally:
        replica.run('systemctl stop ' + UNIT)
        if replica.file(aside + '/PG_VERSION').exists:
            replica.run('rm -rf %s && mv %s %s', DATA, aside, DATA)
        replica.run('systemctl start ' + UNIT)
    wait_until(replica, 'SELECT pg_is_in_recovery()', 't')
    wait_until(nodes[PRIMARY], 'SELECT count(*) FROM pg_stat_replication', '1')


@pytest.fixture(scope='module')
def drill_replicas(ansible_playbook, tmp_path_factory):
    """drill_full.yml's replica step (drill entry point full_replicas) on both hosts; returns (rc, output, the noted checks)."""
    work = tmp_path_factory.mktemp('drill')
    noted = work / 'replicas.json'
    playbook = work / 'replicas.yml'
    playbook.write_text('- name: The streaming replicas follow the recovered primary\n'
                        '  hosts: pg_primary:pg_replica\n'
                        '  gather_facts: false\n'
                        '  tasks:\n'
                        '    - name: Rebuild each replica (drill entry point full_replicas)\n'
                        '      ansible.builtin.include_role:\n'
                        '        name: auraflow.ops.drill\n'
                        '        tasks_from: full_replicas\n'
                        '    - name: Keep what the drill noted for its report\n'
                        '      ansible.builtin.copy:\n'
                        '        content: "{{ hostvars.localhost.drill_full_replicas | to_json }}"\n'
                        '        dest: %s\n'
                        '        mode: "0600"\n'
                        '      delegate_to: localhost\n'
                        '      run_once: true\n' % noted)

    def run():
        rc, out = ansible_playbook(playbook)
        return rc, out, json.loads(noted.read_text()) if noted.exists() else None
    return run


def test_after_a_recreated_primary_the_drill_rebuilds_the_replica_from_it(nodes, apply_role, drill_replicas):
    """drill_full.yml on the dump path: the primary's data directory is lost and a new cluster (a new system
    identifier) takes its place; the replica cannot follow it until the drill rebuilds it, archiving its data first."""
    primary, replica = nodes[PRIMARY], nodes[REPLICA]
    old_identifier = sql(primary, 'SELECT system_identifier FROM pg_control_system()')
    assert sql(replica, 'SELECT system_identifier FROM pg_control_system()') == old_identifier
    # Retention (postgres_replica_rebuild_keep 2): two older archives of this host and a .partial a killed run
    # left go once the rebuilt replica is back; another host's archive is never this host's to remove.
    planted = ['%s-2020010%dT000000Z-pgdata.tar.gz' % (REPLICA, day) for day in (1, 2)] + \
        ['%s-20200103T000000Z-pgdata.tar.gz.partial' % REPLICA, 'other-%s-20200101T000000Z-pgdata.tar.gz' % REPLICA]
    assert replica.run('mkdir -p %s && cd %s && touch' + ' %s' * len(planted), REBUILD_DIR, REBUILD_DIR, *planted).rc == 0
    archives_before = set(replica.run('ls %s', REBUILD_DIR).stdout.split())
    # The disaster as drill_full.yml makes it (entry point full_destroy), then the new cluster (full_recover_db, dump path).
    assert primary.run('systemctl stop ' + UNIT).rc == 0
    assert primary.run('rm -rf ' + DATA).rc == 0
    rc, out = apply_role(PRIMARY, 'postgres_cluster_recreate=true')
    assert rc == 0, out[-3000:]
    new_identifier = sql(primary, 'SELECT system_identifier FROM pg_control_system()')
    assert new_identifier != old_identifier
    wait_until(replica, "SELECT count(*) FROM pg_stat_wal_receiver WHERE status = 'streaming'", '0')

    rc, out, checks = drill_replicas()

    assert rc == 0, out[-3000:]
    assert checks == [{'name': 'replica ' + REPLICA, 'severity': 'high', 'seconds': None, 'ok': True,
                       'detail': 'rebuilt from %s: a standby, WAL receiver streaming, system identifier %s (the primary\'s)'
                                 % (PRIMARY, new_identifier)}], checks
    assert sql(replica, 'SELECT system_identifier FROM pg_control_system()') == new_identifier
    # The replica rules: its old data directory was archived and the archive checked before it was emptied.
    kept = set(replica.run('ls %s', REBUILD_DIR).stdout.split())
    archives = kept - archives_before
    assert len(archives) == 1, archives
    older = sorted(name for name in archives_before if name.startswith(REPLICA + '-') and name.endswith('.tar.gz'))
    assert kept == archives | {older[-1], planted[-1]}, kept  # the newest two of this host, and the other host's
    listing = replica.run('tar -tzf %s/%s', REBUILD_DIR, archives.pop())
    assert listing.rc == 0 and {'./PG_VERSION', './global/pg_control', './standby.signal'} <= set(listing.stdout.split())
    assert out.index('Check the backup of the data directory') < out.index('Empty the local data directory')
    # It follows the new primary.
    assert sql(primary, "CREATE TABLE after_recovery AS SELECT 'written after the recovery'::text AS v", db='aura_flow') == ''
    wait_until(replica, "SELECT count(*) FROM pg_class WHERE relname = 'after_recovery'", '1', db='aura_flow')
    assert sql(replica, 'SELECT v FROM after_recovery', db='aura_flow') == 'written after the recovery'
    wait_until(primary, 'SELECT count(*) FROM pg_stat_replication', '1')
