"""Fixtures shared by the integration tests: the repository paths, the running lab and the rules
that keep the two tiers honest.

Tiers: tests marked ``lab`` need the Docker lab (scripts/lab) and run one at a time, modules in the
order of LAB_ORDER (fresh-lab tests first, destructive drills last); every other test needs only
local services and may run two at a time (pytest-xdist). A test that uses a lab fixture without the
``lab`` mark, or a lab module missing from LAB_ORDER, is a collection error. Under CI (``CI`` set) a
skipped test fails the run with its reason: a missing prerequisite is never silent there.
"""

import contextlib
import json
import os
import re
import ssl
import subprocess
import urllib.request

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
VENV_BIN = os.path.join(ROOT, '.venv', 'bin')
LAB_HOSTS = ('aura-web1', 'aura-app1', 'aura-app2', 'aura-db1', 'aura-cache1', 'aura-mon1')
LAB_FIXTURES = {'lab', 'deployed_lab'}
# Lab modules in the order they run: each starts from the state the one before leaves (checked by
# lab_state_check). 'fresh' modules need a lab where nothing is deployed yet; the rest need the stack
# deployed and healthy. Drills that destroy and rebuild come last.
LAB_ORDER = (
    ('test_lab.py', 'fresh'),
    ('test_deploy_rollback.py', 'fresh'),
    ('test_killed_runs.py', 'deployed'),
    ('test_backup_playbook.py', 'deployed'),
    ('test_restore_playbook.py', 'deployed'),
    ('test_pitr.py', 'deployed'),
    ('test_slo_playbook.py', 'deployed'),
    ('test_monitoring.py', 'deployed'),
    ('test_data_tier_tls.py', 'deployed'),
    ('test_security_audit_playbook.py', 'deployed'),
    ('test_diagnose_playbook.py', 'deployed'),
    ('test_respond_playbook.py', 'deployed'),
    ('test_ee.py', 'deployed'),
    ('test_drill_db_playbook.py', 'deployed'),
    ('test_drill_playbooks.py', 'deployed'),
)
IN_CI = bool(os.environ.get('CI'))
# The user's path: the same lab over SSH as the unprivileged `deploy` account with sudo
# (inventories/lab-ssh). Tests pass SSH to the runs they make over it, inside over_ssh().
SSH = ('-i', os.path.join(ROOT, 'inventories', 'lab-ssh'))


def require(missing):
    """Stop a test whose prerequisite is missing: ``missing`` is None (all there) or what is missing.
    Fails under CI (CI set), skips with the reason elsewhere (-ra prints it)."""
    if missing:
        if IN_CI:
            pytest.fail('missing prerequisite (CI does not skip): %s' % missing, pytrace=False)
        pytest.skip('missing prerequisite: %s' % missing)


def pytest_collection_modifyitems(config, items):
    """Refuse lab fixtures without the lab mark and unknown lab modules; order lab modules."""
    order = {name: i for i, (name, dummy) in enumerate(LAB_ORDER)}
    problems = []
    for item in items:
        module = os.path.basename(str(item.fspath))
        is_lab = item.get_closest_marker('lab') is not None
        if LAB_FIXTURES & set(getattr(item, 'fixturenames', ())) and not is_lab:
            problems.append('%s uses a lab fixture without @pytest.mark.lab' % item.nodeid)
        if is_lab and module not in order:
            problems.append('%s is a lab test in a module missing from conftest.LAB_ORDER' % item.nodeid)
    if problems:
        raise pytest.UsageError('\n'.join(problems))
    # stable sort: local tests first in their order, then lab modules in LAB_ORDER
    items.sort(key=lambda it: order.get(os.path.basename(str(it.fspath)), -1) if it.get_closest_marker('lab') else -1)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """Under CI a skip is a failure that names the missing prerequisite (xfail stays xfail)."""
    outcome = yield
    report = outcome.get_result()
    if IN_CI and report.skipped and not hasattr(report, 'wasxfail'):
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
        report.outcome = 'failed'
        report.longrepr = 'skipped under CI, which does not skip: %s' % reason


def run(cmd, **kwargs):
    """Run a command from the repository root, capturing text output."""
    kwargs.setdefault('cwd', ROOT)
    env = dict(os.environ, ANSIBLE_CONFIG=os.path.join(ROOT, 'ansible.cfg'), ANSIBLE_FORCE_COLOR='0')
    env.update(kwargs.pop('env', {}))
    return subprocess.run(cmd, capture_output=True, text=True, env=env, check=False, **kwargs)


@pytest.fixture(scope='session')
def lab():
    """The six-host lab, brought up (idempotently) by the contract script."""
    result = run([os.path.join(ROOT, 'scripts', 'lab'), 'up'], timeout=900)
    assert result.returncode == 0, result.stdout + result.stderr
    return LAB_HOSTS


def run_playbook(name, *args, timeout=1800):
    """Run playbooks/<name>.yml; (return code, output, the report it wrote or None, the report's path or None)."""
    result = run([os.path.join(VENV_BIN, 'ansible-playbook'), 'playbooks/%s.yml' % name] + list(args), timeout=timeout)
    out = result.stdout + result.stderr
    found = re.findall(r'report: (\S+/%s-\d{8}T\d{6}Z\.json)' % re.escape(name), out)
    if not found:
        return result.returncode, out, None, None
    with open(found[-1], encoding='utf-8') as handle:
        return result.returncode, out, json.load(handle), found[-1]


@pytest.fixture(scope='session')
def installed(tmp_path_factory):
    """The user's install: the built tarball installed with --no-deps into a directory of its own
    (dependencies come from the `ansible` package), and a working directory outside the checkout with
    a bare ansible.cfg. run_installed() runs `ansible-playbook auraflow.ops.<name>` there."""
    base = tmp_path_factory.mktemp('user')
    galaxy = os.path.join(VENV_BIN, 'ansible-galaxy')
    build = run([galaxy, 'collection', 'build', '--output-path', str(base)], timeout=300)
    assert build.returncode == 0, build.stdout + build.stderr
    tarballs = list(base.glob('auraflow-ops-*.tar.gz'))
    assert len(tarballs) == 1, tarballs
    tarball = tarballs[0]
    cfg = base / 'ansible.cfg'
    cfg.write_text('[defaults]\n')
    env = {'ANSIBLE_CONFIG': str(cfg)}
    install = run([galaxy, 'collection', 'install', '--no-deps', '-p', str(base / 'collections'), str(tarball)],
                  cwd=str(base), env=env, timeout=300)
    assert install.returncode == 0, install.stdout + install.stderr
    env['ANSIBLE_COLLECTIONS_PATH'] = str(base / 'collections')
    return {'cwd': str(base), 'env': env, 'tarball': str(tarball),
            'collection': str(base / 'collections' / 'ansible_collections' / 'auraflow' / 'ops')}


def run_installed(installed, name, *args, timeout=1800):
    """ansible-playbook auraflow.ops.<name> from the user's directory (installed); (rc, output)."""
    result = run([os.path.join(VENV_BIN, 'ansible-playbook'), 'auraflow.ops.%s' % name] + list(args),
                 cwd=installed['cwd'], env=installed['env'], timeout=timeout)
    return result.returncode, result.stdout + result.stderr


def sudo_runs(host):
    """How many commands `deploy` ran through sudo on host (its journal): the mark of a run over lab-ssh."""
    result = run(['docker', 'exec', host, 'sh', '-c', 'journalctl -q --no-pager _COMM=sudo | grep -c " deploy : " || true'],
                 timeout=60)
    return int(result.stdout.strip() or 0)


@contextlib.contextmanager
def over_ssh(*hosts):
    """Asserts that the runs inside came over SSH as `deploy` and became root with sudo on every host
    named - by default all six; name the hosts a playbook's plays run on (the Docker connection logs in
    as root and never calls sudo)."""
    hosts = hosts or LAB_HOSTS
    before = {host: sudo_runs(host) for host in hosts}
    yield
    after = {host: sudo_runs(host) for host in hosts}
    assert all(after[h] > before[h] for h in hosts), 'not every host was reached over SSH with sudo: %s -> %s' % (before, after)


def changed_counts(out):
    """The changed= counts of the last PLAY RECAP in out, one per host; an output without a PLAY RECAP
    (the run never reached a host) fails, so "nothing changed" cannot pass vacuously."""
    assert 'PLAY RECAP' in out, 'no PLAY RECAP in the output:\n' + out[-2000:]
    counts = [int(n) for n in re.findall(r'changed=(\d+)', out.split('PLAY RECAP')[-1])]
    assert counts, 'the PLAY RECAP lists no host:\n' + out[-2000:]
    return counts


@contextlib.contextmanager
def damaged_backup(path):
    """A cut-off copy (4000 bytes) of the newest dump on aura-db1 at path, removed afterwards."""
    made = run(['docker', 'exec', 'aura-db1', 'sh', '-c',
                'f=$(ls /var/backups/postgresql/aura_flow-*.dump | tail -n 1) && head -c 4000 "$f" > %s && chmod 644 %s'
                % (path, path)], timeout=60)
    assert made.returncode == 0, made.stderr
    try:
        yield path
    finally:
        run(['docker', 'exec', 'aura-db1', 'rm', '-f', path], timeout=60)


def answers(url):
    """True when url answers 200 (the lab's certificate is self-signed)."""
    try:
        with urllib.request.urlopen(url, context=ssl._create_unverified_context(), timeout=5) as resp:
            return resp.status == 200
    except OSError:
        return False


def lab_ledger(host):
    """The release ledger (releases.json) of an app host, or None when nothing was deployed there."""
    result = run(['docker', 'exec', host, 'cat', '/opt/aura-flow/releases.json'], timeout=60)
    if result.returncode != 0:
        if 'No such file' in result.stderr:
            return None
        raise AssertionError('cannot read the ledger on %s: %s' % (host, result.stderr.strip()))
    return json.loads(result.stdout)


def lab_exec(host, *cmd, ok=True, timeout=300):
    """A command in a lab container; with ok (default) it must succeed."""
    result = run(['docker', 'exec', host] + list(cmd), timeout=timeout)
    if ok:
        assert result.returncode == 0, '%s: %s%s' % (' '.join(cmd), result.stdout, result.stderr)
    return result


def lab_sql(query, db='aura_flow'):
    """One statement on aura-db1 as postgres (ON_ERROR_STOP): its rows as unaligned text."""
    return lab_exec('aura-db1', 'runuser', '-u', 'postgres', '--', 'psql', '-XAt', '-d', db, '-v', 'ON_ERROR_STOP=1', '-c',
                    query).stdout.strip()


def lab_pg_major():
    """The PostgreSQL major version on aura-db1 (its cluster under /etc/postgresql): what its Debian
    release ships (12: 15, 13: 17)."""
    result = run(['docker', 'exec', 'aura-db1', 'ls', '/etc/postgresql'], timeout=60)
    assert result.returncode == 0 and result.stdout.split(), result.stderr
    return result.stdout.split()[0]


def applied_migrations():
    """The versions in the application's schema_migrations table on aura-db1, in order."""
    result = run(['docker', 'exec', 'aura-db1', 'runuser', '-u', 'postgres', '--', 'psql', '-d', 'aura_flow', '-Atc',
                  'SELECT version FROM schema_migrations ORDER BY version'], timeout=60)
    assert result.returncode == 0, result.stderr
    return result.stdout.split()


def stack_problems():
    """What is wrong with the deployed lab stack (empty when healthy): nginx's /health, each backend's
    /health, PostgreSQL's pg_isready, a Redis answer on the cache host, and no stack lock left held."""
    problems = []
    if not answers('https://172.30.80.10/health'):
        problems.append('nginx on aura-web1 does not answer /health')
    for host in ('aura-app1', 'aura-app2'):
        result = run(['docker', 'exec', host, 'curl', '-fsS', '-m', '5', 'http://127.0.0.1:3001/health'], timeout=30)
        if result.returncode != 0:
            problems.append('the backend on %s does not answer /health (%s)' % (host, result.stderr.strip()))
    result = run(['docker', 'exec', 'aura-db1', 'pg_isready', '-q'], timeout=30)
    if result.returncode != 0:
        problems.append('PostgreSQL on aura-db1 is not ready (pg_isready rc %d)' % result.returncode)
    result = run(['docker', 'exec', 'aura-cache1', 'systemctl', 'is-active', 'redis-server'], timeout=30)
    if result.stdout.strip() != 'active':
        problems.append('Redis on aura-cache1 is %s' % (result.stdout.strip() or result.stderr.strip()))
    # every changing run gives the stack lock up on its way out, also when it fails or is refused
    result = run(['docker', 'exec', 'aura-web1', 'cat', '/var/lib/aura-flow/run.lock'], timeout=30)
    if result.returncode == 0:
        problems.append('the stack lock on aura-web1 is still held: %s' % ' '.join(result.stdout.split()))
    return problems


_LAB_TRAIL = []  # lab modules run so far in this session, to name the one that left the lab broken


@pytest.fixture(scope='module', autouse=True)
def lab_state_check(request):
    """Every lab module starts from a known, checked state (LAB_ORDER): 'fresh' = hosts up and nothing
    deployed; 'deployed' = the whole stack healthy. A failure names the module that ran before."""
    module = request.node
    if module.get_closest_marker('lab') is None:
        yield
        return
    name = os.path.basename(str(module.fspath))
    want = dict(LAB_ORDER)[name]
    before = _LAB_TRAIL[-1] if _LAB_TRAIL else 'nothing (first lab module of this run)'
    request.getfixturevalue('lab')
    if want == 'fresh':
        deployed = [h for h in ('aura-app1', 'aura-app2') if lab_ledger(h) is not None]
        assert not deployed, ('%s needs a fresh lab (nothing deployed) but %s hold releases; ran before: %s. '
                              'Run the lab tier on a fresh lab: scripts/lab down && scripts/lab up' % (name, deployed, before))
    else:
        request.getfixturevalue('deployed_lab')
        problems = stack_problems()
        assert not problems, '%s starts on a broken lab, left so by %s: %s' % (name, before, '; '.join(problems))
    _LAB_TRAIL.append(name)
    yield


@pytest.fixture(scope='session')
def deployed_lab(lab):
    """The lab serving 1.1.0 on both backends, by their release ledgers and the applied migrations (not by
    whether nginx happens to answer). When 1.1.0 is recorded on both and its schema is in place but
    another release is active, the switch back is ``rollback.yml -e rollback_to=1.1.0`` (what an
    operator runs); otherwise deploy.yml, which migrates."""
    ledgers = [lab_ledger(h) for h in ('aura-app1', 'aura-app2')]
    migrated = ledgers[0] is not None and applied_migrations() == ['0001', '0002']
    if not (migrated and all(led and led.get('active') == '1.1.0' for led in ledgers)):
        recorded = all(led and any(r['version'] == '1.1.0' and r['status'] != 'failed' for r in led['releases'])
                       for led in ledgers)
        # a switch only when 1.1.0's schema is there (rollback_db may have restored an older one)
        cmd = ['playbooks/rollback.yml', '-e', 'rollback_to=1.1.0'] if recorded and migrated else \
            ['playbooks/deploy.yml', '-e', 'aura_release=1.1.0']
        result = run([os.path.join(VENV_BIN, 'ansible-playbook')] + cmd, timeout=1800)
        assert result.returncode == 0, (result.stdout + result.stderr)[-3000:]
        assert [(lab_ledger(h) or {}).get('active') for h in ('aura-app1', 'aura-app2')] == ['1.1.0', '1.1.0']
    assert applied_migrations() == ['0001', '0002'], applied_migrations()
    return lab
