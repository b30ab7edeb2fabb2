"""deploy.yml and rollback.yml on the five-host lab, with a probe of >= 100 req/s through nginx
(aura-web1's 443 on the lab network, 172.30.80.10: docker's port publishing would add a proxy hop
that widens the race between nginx closing an idle keep-alive connection on reload and a client reusing it) counting failed requests during every deploy and
rollback. The tests run in file order and share the lab's release history:
1.0.0 -> 1.1.0 -> rollback -> broken (automatic rollback) -> rollback with nowhere to go ->
1.1.0 with a new .env -> rollback_config + rollback_db in one run -> 1.1.0 again (its migration re-applied).
Every run goes the user's way, over inventories/lab-ssh (SSH as `deploy`, sudo), as do the lab modules
after it; the Docker connection (inventories/lab, `make demo`'s default) is proven by test_lab.py's site.yml
and the EE module's rollback and deploy: one lab, both paths, no run doubled.
The module starts on a fresh lab (conftest.LAB_ORDER, checked by lab_state_check), so its 1.0.0 is
the real first deploy: data tier, migrations and all; the applied migrations are checked after every
deploy."""

import glob
import json
import os
import re
import socket
import subprocess
import threading
import time

import pytest

from conftest import LAB_HOSTS, ROOT, SSH, applied_migrations, changed_counts, over_ssh, run, run_installed
from tests.support import probe

CONNECT = probe.https_factory('172.30.80.10', 443)
DEMO = ('demo@aura-flow.local', 'aura-demo-2024')
RATE = 120
PLAYBOOK = os.path.join(ROOT, '.venv', 'bin', 'ansible-playbook')
# schema_migrations after a deploy of each release (migrations are not reverted by a rollback)
MIGRATIONS = {'1.0.0': ['0001'], '1.1.0': ['0001', '0002']}

pytestmark = pytest.mark.lab


def playbook(name, *args):
    """Every run of this module goes the user's way: SSH as deploy, sudo to root (inventories/lab-ssh)."""
    result = run([PLAYBOOK, *SSH, 'playbooks/%s' % name] + list(args), timeout=900)
    return result.returncode, result.stdout + result.stderr


def on(host, *cmd):
    result = run(['docker', 'exec', host] + list(cmd), timeout=60)
    assert result.returncode == 0, result.stderr
    return result.stdout


def ledger(host='aura-app1', root='/opt/aura-flow'):
    data = json.loads(on(host, 'cat', root + '/releases.json'))
    return {r['version']: r['status'] for r in data['releases']}


def active(host='aura-app1', root='/opt/aura-flow'):
    return os.path.basename(on(host, 'readlink', root + '/current').strip())


def drained_backends():
    """Backends nginx on aura-web1 has marked down in its upstream (empty when all are in service)."""
    site = on('aura-web1', 'cat', '/etc/nginx/conf.d/aura-flow.conf')
    lines = re.findall(r'^\s*server (\S+) [^;]*?( down)?; # backend (\S+)$', site, re.M)
    assert lines, 'no backend server lines in the nginx site'
    return [name for dummy, down, name in lines if down]


def served_version():
    conn = CONNECT()
    try:
        conn.request('GET', '/health')
        return json.loads(conn.getresponse().read())['version']
    finally:
        conn.close()


def newest_report(kind):
    return json.load(open(max(glob.glob(os.path.join(ROOT, 'reports', kind + '-*.json')), key=os.path.getmtime)))


def under_probe(label, name, *args, old=None, new=None):
    """Run a playbook while the probe runs; return (rc, output, probe)."""
    token = probe.login(CONNECT, *DEMO)
    with probe.Probe(CONNECT, token, rate=RATE) as p:
        started = time.monotonic()
        rc, out = playbook(name, *args)
        seconds = time.monotonic() - started
    print(p.report(label, old=old, new=new, playbook_seconds=seconds))
    assert p.sent >= 100 and p.sent / p.seconds >= 100, 'the probe did not reach 100 req/s'
    return rc, out, p


@pytest.fixture(scope='module', autouse=True)
def first_release(lab):
    """1.0.0 deployed (on a fresh lab this is the first deploy: data tier, backends, nginx)."""
    assert run(['docker', 'exec', 'aura-db1', 'test', '-e', '/var/lib/postgresql']).returncode != 0, \
        'PostgreSQL is already installed on aura-db1: this is not the first deploy'
    with over_ssh():  # the user's path: SSH as deploy, sudo to root (inventories/lab-ssh)
        rc, out = playbook('deploy.yml', '-e', 'aura_release=1.0.0')
        assert rc == 0, out[-3000:]
    assert served_version() == '1.0.0'
    assert applied_migrations() == MIGRATIONS['1.0.0']


def test_unknown_release_stops_in_preflight_listing_versions():
    rc, out = playbook('deploy.yml', '-e', 'aura_release=9.9.9')
    assert rc != 0
    assert re.search(r'no backend artifact for release 9\.9\.9 .*available versions: 1\.0\.0, 1\.1\.0, broken', out.replace('\n', ' '))
    assert active() == '1.0.0' and active('aura-app2') == '1.0.0'


def test_deploy_1_1_0_rolling_without_failed_requests():
    with over_ssh():  # the upgrade over SSH with sudo too
        rc, out, p = under_probe('deploy 1.1.0', 'deploy.yml', '-e', 'aura_release=1.1.0', old='1.0.0', new='1.1.0')
        assert rc == 0, out[-3000:]
    assert p.failed == 0, p.errors
    assert served_version() == '1.1.0'
    assert active() == active('aura-app2') == active('aura-web1', '/var/www/aura-flow') == '1.1.0'
    assert applied_migrations() == MIGRATIONS['1.1.0']  # 0002 ran under the probe
    assert out.count('TASK [auraflow.ops.backend : Run the migrations (') == 1, 'migrations must run once per deploy'
    assert {v for dummy, v in p.versions} == {'1.0.0', '1.1.0'}
    assert drained_backends() == []
    report = newest_report('deploy')
    assert report['passed'] and report['release'] == '1.1.0'
    assert {c['name'] for c in report['checks']} >= {'health_nginx', 'user_login', 'key_function_items', 'slo_sample'}


def rollback_point(release):
    """inode and mtime of rollback-points/<release>.dump on aura-db1 ('' when there is none)."""
    result = run(['docker', 'exec', 'aura-db1', 'stat', '-c', '%i %Y',
                  '/var/backups/postgresql/rollback-points/%s.dump' % release], timeout=60)
    return result.stdout.strip() if result.returncode == 0 else ''


LOCK = '/var/lib/aura-flow/run.lock'  # on aura-web1, the first web host (run_guard_lock_host)


def lock_holder():
    """The stack lock's holder on aura-web1, None when nobody holds it."""
    result = run(['docker', 'exec', 'aura-web1', 'cat', LOCK], timeout=60)
    return json.loads(result.stdout) if result.returncode == 0 else None


def plant_lock(**holder):
    record = dict({'token': 'planted', 'playbook': 'deploy.yml', 'user': 'someone', 'controller': socket.gethostname(),
                   'pid': '', 'awx_job_id': '', 'started': '2026-11-29T00:00:00Z'}, **holder)
    result = subprocess.run(['docker', 'exec', '-i', 'aura-web1', 'sh', '-c', 'mkdir -p %s && cat > %s' % (os.path.dirname(LOCK), LOCK)],
                            input=json.dumps(record), capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 0, result.stderr


def dead_pid():
    proc = subprocess.Popen(['true'])
    proc.wait()
    return str(proc.pid)


def test_a_lock_left_by_a_gone_run_is_named_and_only_broken_deliberately():
    """A run killed (or failed without giving the lock up) leaves the lock behind: the next changing run
    refuses before any change, naming the holder and saying it is gone; -e break_lock=yes proceeds."""
    before = ledger()
    plant_lock(playbook='rollback.yml', user='killed-run', pid=dead_pid())
    rc, out = playbook('deploy.yml', '-e', 'aura_release=1.1.0')
    flat = ' '.join(out.split())
    assert rc != 0, out[-3000:]
    assert 'deploy.yml refused, nothing was changed: the stack lock aura-web1:%s is held by rollback.yml by killed-run' % LOCK in flat
    assert 'That run is gone' in flat and '-e break_lock=yes' in flat
    assert ledger() == before and lock_holder()['user'] == 'killed-run'
    # a holder on another controller cannot be checked from here: the refusal says to wait
    plant_lock(playbook='restore.yml', user='elsewhere', controller='awx-task-7', pid='4242', awx_job_id='77')
    rc, out = playbook('rollback.yml', '-e', 'rollback_to=1.0.0')
    flat = ' '.join(out.split())
    assert rc != 0 and 'held by restore.yml by elsewhere, AWX job 77, controller awx-task-7 pid 4242' in flat, out[-3000:]
    assert 'Wait for it to finish' in flat and ledger() == before
    plant_lock(playbook='rollback.yml', user='killed-run', pid=dead_pid())


def test_deploy_again_changes_nothing(installed):
    """Run the way a user runs it: `ansible-playbook auraflow.ops.deploy` from a directory of their own with
    only the built tarball installed (--no-deps), over SSH with sudo (inventories/lab-ssh), the artifacts
    named with -e. Its report goes to reports/ there, never into the installed collection."""
    point = rollback_point('1.1.0')
    assert point, 'the deploy of 1.1.0 kept no rollback point'
    # the lock the previous test left is broken deliberately; taking and giving it up is no change
    with over_ssh():
        rc, out = run_installed(installed, 'deploy', *SSH, '-e', 'aura_release=1.1.0', '-e', 'break_lock=yes',
                                '-e', 'aura_artifact_dir=%s' % os.path.join(ROOT, 'tests', 'app', 'dist'))
        assert rc == 0, out[-3000:]
    assert len(glob.glob(os.path.join(installed['cwd'], 'reports', 'deploy-*.json'))) == 1
    assert not os.path.exists(os.path.join(installed['collection'], 'reports'))
    recap = out.split('PLAY RECAP')[-1]
    for host in LAB_HOSTS:  # the data tier too, not only the hosts that switch releases
        assert re.search(r'^%s\s*:.*changed=0 ' % host, recap, re.M), recap
    assert set(changed_counts(out)) == {0}  # localhost (the preflight) too
    # the rollback point is written once per release: a re-run must not replace it with a snapshot
    # that already holds 1.1.0's migrations
    assert rollback_point('1.1.0') == point
    assert 'taken after breaking the lock of rollback.yml by killed-run' in ' '.join(out.split())
    assert lock_holder() is None


class SecondRun(threading.Thread):
    """Starts a second changing playbook as soon as the first holds the stack lock."""

    def __init__(self, *args):
        super().__init__(daemon=True)
        self.args, self.rc, self.out, self.seconds, self.holder = args, None, '', None, None

    def run(self):
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and self.holder is None:
            self.holder = lock_holder()
            time.sleep(0.2)
        start = time.monotonic()
        self.rc, self.out = playbook(*self.args)
        self.seconds = time.monotonic() - start


def test_rollback_with_no_variables_goes_to_1_0_0_without_failed_requests():
    # A second changing run while it holds the lock must be refused: a rollback, whose lock comes right after its
    # short preflight (a deploy's long preflight could end after this rollback gave the lock up, and would then
    # rightly run). -e rollback_to keeps its plan valid at whatever point the first rollback is.
    second = SecondRun('rollback.yml', '-e', 'rollback_to=1.0.0')
    second.start()
    with over_ssh('aura-app1', 'aura-app2', 'aura-web1'):  # and the rollback under the probe
        rc, out, p = under_probe('rollback', 'rollback.yml', old='1.1.0', new='1.0.0')
    second.join(timeout=300)
    assert rc == 0, out[-3000:]
    assert second.holder and second.holder['playbook'] == 'rollback.yml', second.holder
    assert second.rc != 0 and 'rollback.yml refused, nothing was changed: the stack lock aura-web1:%s is held by rollback.yml by' % LOCK \
        in ' '.join(second.out.split()), second.out[-3000:]
    assert 'Wait for it to finish' in ' '.join(second.out.split())
    print('concurrent rollback.yml refused %.1f s after it started' % second.seconds)
    assert lock_holder() is None  # given up at the end
    assert p.failed == 0, p.errors
    assert served_version() == '1.0.0'
    assert active() == active('aura-app2') == active('aura-web1', '/var/www/aura-flow') == '1.0.0'
    assert ledger()['1.1.0'] == ledger('aura-app2')['1.1.0'] == 'rolled_back'
    assert drained_backends() == []
    report = newest_report('rollback')  # its wall time is bench/rollback's business, not a test's
    assert report['passed'] and report['release'] == '1.0.0'


def test_broken_release_is_rolled_back_automatically():
    rc, out, p = under_probe('deploy broken', 'deploy.yml', '-e', 'aura_release=broken')
    assert rc != 0
    assert 'rolled back to 1.0.0' in out
    assert p.failed == 0, p.errors
    assert served_version() == '1.0.0'
    assert active() == active('aura-app2') == active('aura-web1', '/var/www/aura-flow') == '1.0.0'
    assert ledger()['broken'] == 'failed'
    assert ledger('aura-app2')['broken'] == 'deployed'  # staged, never switched: the rollout stopped at app1
    assert {v for dummy, v in p.versions} == {'1.0.0'}  # the broken backend was drained throughout
    assert drained_backends() == []
    report = newest_report('deploy')
    assert not report['passed'] and report['measured']['rolled_back']
    assert all(c['ok'] for c in report['checks'] if c['name'].startswith('after_rollback_'))


def test_rollback_with_no_earlier_release_changes_nothing():
    before = on('aura-app1', 'cat', '/opt/aura-flow/releases.json')
    rc, out = playbook('rollback.yml')
    assert rc != 0
    assert 'there is no earlier release to roll back to' in out.replace('\n', ' ')
    assert 'Nothing was changed' in out.replace('\n', ' ')
    assert on('aura-app1', 'cat', '/opt/aura-flow/releases.json') == before
    assert served_version() == '1.0.0'


def test_rollback_to_an_unknown_version_changes_nothing():
    rc, out = playbook('rollback.yml', '-e', 'rollback_to=7.7.7')
    assert rc != 0 and 'release 7.7.7 is not on this host' in out.replace('\n', ' ')
    assert active() == '1.0.0'


def sql(query):
    return on('aura-db1', 'runuser', '-u', 'postgres', '--', 'psql', '-d', 'aura_flow', '-Atc', query).strip()


def test_full_rollback_restores_the_previous_env_and_the_database():
    """The runbook's full rollback in one run: code, configuration (rollback_config) and database
    (rollback_db). One deploy and one rollback prove both restores (CI budget): the .env of 1.0.0 comes
    back, and so does a row deleted after 1.1.0's rollback point, with 1.0.0's schema."""
    point = rollback_point('1.1.0')
    rc, out, p = under_probe('deploy 1.1.0 + new .env', 'deploy.yml', '-e', 'aura_release=1.1.0',
                             '-e', 'backend_daily_cost_limit=25', old='1.0.0', new='1.1.0')
    assert rc == 0, out[-3000:]
    assert p.failed == 0, p.errors
    assert applied_migrations() == MIGRATIONS['1.1.0']
    # the point is still the one taken before 1.1.0's first deploy (1.0.0 -> 1.1.0), not replaced
    assert rollback_point('1.1.0') == point and 'rollback point of 1.1.0 kept as it is' in out
    assert 'DAILY_COST_LIMIT="25"' in on('aura-app1', 'cat', '/opt/aura-flow/shared/.env')
    assert 'DAILY_COST_LIMIT="10"' in on('aura-app1', 'cat', '/opt/aura-flow/shared/.env.previous')
    row = sql('SELECT id, title FROM items ORDER BY id LIMIT 1')
    item_id = row.split('|')[0]
    sql('DELETE FROM items WHERE id = %s' % item_id)
    dumps_before = on('aura-db1', 'ls', '/var/backups/postgresql/').split()

    rc, out = playbook('rollback.yml', '-e', 'rollback_db=true', '-e', 'rollback_config=true')
    assert rc != 0 and 'add -e confirm_db_rollback=yes' in out.replace('\n', ' ')
    assert active() == '1.1.0' and sql('SELECT count(*) FROM items WHERE id = %s' % item_id) == '0'
    assert 'DAILY_COST_LIMIT="25"' in on('aura-app1', 'cat', '/opt/aura-flow/shared/.env')

    # not under the probe: a database rollback stops the backends while it restores (requests fail then)
    rc, out = playbook('rollback.yml', '-e', 'rollback_config=true', '-e', 'rollback_db=true', '-e', 'confirm_db_rollback=yes')
    assert rc == 0, out[-3000:]
    for host in ('aura-app1', 'aura-app2'):
        assert 'DAILY_COST_LIMIT="10"' in on(host, 'cat', '/opt/aura-flow/shared/.env')
        assert 'DAILY_COST_LIMIT="25"' in on(host, 'cat', '/opt/aura-flow/shared/.env.rolled_back')
        assert active(host) == '1.0.0'
    assert sql('SELECT id, title FROM items WHERE id = %s' % item_id) == row
    assert applied_migrations() == MIGRATIONS['1.0.0']  # the database as it was before 1.1.0 came
    safety = [d for d in on('aura-db1', 'ls', '/var/backups/postgresql/').split() if d.endswith('.dump') and d not in dumps_before]
    assert safety, 'no safety backup was taken before the restore'
    assert served_version() == '1.0.0'
    report = newest_report('rollback')
    assert report['passed'] and report['measured']['database_restored']
    # no secret in the output at the default verbosity
    secrets = open(os.path.join(ROOT, 'inventories', 'lab', 'group_vars', 'all', 'secrets.yml')).read()
    for value in re.findall(r'^aura_\w+: "?([^"\n]+)"?$', secrets, re.M):
        assert value not in out


def test_deploy_after_a_database_rollback_migrates_again_without_failed_requests():
    """After rollback_db the database is 1.0.0's: deploying 1.1.0 again runs its migration again (under
    the probe), keeps the rollback point written at 1.1.0's first deploy, and leaves the lab on 1.1.0
    for the modules after this one."""
    point = rollback_point('1.1.0')
    rc, out, p = under_probe('deploy 1.1.0 after rollback_db', 'deploy.yml', '-e', 'aura_release=1.1.0', old='1.0.0', new='1.1.0')
    assert rc == 0, out[-3000:]
    assert p.failed == 0, p.errors
    assert applied_migrations() == MIGRATIONS['1.1.0']
    assert out.count('TASK [auraflow.ops.backend : Run the migrations (') == 1
    assert served_version() == '1.1.0' and active() == active('aura-app2') == '1.1.0'
    assert rollback_point('1.1.0') == point
