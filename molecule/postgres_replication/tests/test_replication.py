"""Verify primary + streaming replica: rows replicate within 5 s, the replica refuses writes, lag is visible."""

import re
import time

import pytest
import testinfra

PRIMARY = 'molecule-pg-primary'
REPLICA = 'molecule-pg-replica'


@pytest.fixture(scope='module')
def nodes(request):
    inventory = request.config.option.ansible_inventory
    return {name: testinfra.get_host('ansible://%s?ansible_inventory=%s' % (name, inventory)) for name in (PRIMARY, REPLICA)}


def sql(host, query):
    return host.run('runuser -u postgres -- psql -XAt -d aura_flow -v ON_ERROR_STOP=1 -c %s', query)


def test_roles_of_each_side(nodes):
    assert sql(nodes[PRIMARY], 'SELECT pg_is_in_recovery()').stdout.strip() == 'f'
    assert sql(nodes[REPLICA], 'SELECT pg_is_in_recovery()').stdout.strip() == 't'
    version = nodes[REPLICA].run('ls /etc/postgresql').stdout.split()[0]
    assert nodes[REPLICA].file('/var/lib/postgresql/%s/main/standby.signal' % version).exists
    assert not nodes[REPLICA].file('/etc/systemd/system/aura-pg-backup.timer').exists


def test_row_written_on_primary_is_seen_on_replica_within_5s(nodes):
    marker = 'row-%d' % time.time_ns()
    assert sql(nodes[PRIMARY], 'CREATE TABLE IF NOT EXISTS repl_check (v text)').rc == 0
    assert sql(nodes[PRIMARY], "INSERT INTO repl_check VALUES ('%s')" % marker).rc == 0
    deadline = time.monotonic() + 5
    seen = False
    while time.monotonic() < deadline and not seen:
        seen = sql(nodes[REPLICA], "SELECT count(*) FROM repl_check WHERE v = '%s'" % marker).stdout.strip() == '1'
        if not seen:
            time.sleep(0.2)
    assert seen, 'row not replicated within 5 s'


def test_replica_rejects_writes(nodes):
    out = sql(nodes[REPLICA], "INSERT INTO repl_check VALUES ('nope')")
    assert out.rc != 0 and 'read-only transaction' in out.stderr


def test_lag_is_visible_on_the_primary(nodes):
    rows = sql(nodes[PRIMARY], "SELECT client_addr, state FROM pg_stat_replication").stdout.strip()
    assert rows == '172.30.96.22|streaming'
    delay = sql(nodes[REPLICA], 'SELECT extract(epoch FROM now() - pg_last_xact_replay_timestamp()) IS NOT NULL')
    assert delay.stdout.strip() == 't'


def test_replication_runs_over_tls_verifying_the_primary(nodes):
    rows = sql(nodes[PRIMARY], "SELECT s.ssl FROM pg_stat_replication r JOIN pg_stat_ssl s USING (pid)").stdout.strip()
    assert rows == 't'
    conninfo = sql(nodes[REPLICA], 'SHOW primary_conninfo').stdout
    # libpq quotes values with characters beyond letters, digits and dots
    assert re.search(r"\bsslmode='?verify-full'?(\s|$)", conninfo) and re.search(r"\bsslrootcert='?/etc/postgresql/tls/ca\.crt'?(\s|$)", conninfo), conninfo
