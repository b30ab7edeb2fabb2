"""auraflow.ops.release_ledger against a temporary application root: what the module adds to
plugins/module_utils/ledger.py, whose rules (record, activate, rollback selection, mark, prune plan,
parsing) tests/unit/plugins/module_utils/test_ledger.py covers - reading and writing releases.json and
the current link on disk, the lock, check mode and --diff, argument errors, the shape of the result.

The module file is executed directly, as Ansible runs it on the target (fault_servers.run_direct); the
real ``ansible localhost -c local -m auraflow.ops.release_ledger`` CLI runs what only the wrapper shows:
check mode and --diff, argument-spec errors, one passing and one failing run.
"""

import json
import os
import subprocess
import threading

import pytest

from conftest import VENV_BIN, run
from fault_servers import direct_command, parse_direct, run_direct

SHA = {v: c * 64 for v, c in (('1.0.0', 'a'), ('1.1.0', 'b'), ('1.2.0', 'c'), ('1.3.0', 'd'), ('1.4.0', 'e'), ('broken', 'f'))}
JSON_ENV = {'ANSIBLE_LOAD_CALLBACK_PLUGINS': '1', 'ANSIBLE_STDOUT_CALLBACK': 'ansible.posix.json'}


def ledger(root, check=False, diff=False, via_ansible=None, **args):
    """Run the module once; return (rc, result dict, raw output).

    Directly by default (rc 1 on failure); through the CLI (rc 2) with check or diff, or via_ansible=True."""
    if via_ansible is None:
        via_ansible = check or diff
    if not via_ansible:
        result, proc = run_direct('release_ledger', dict(root=str(root), **args))
        return proc.returncode, result, proc.stdout + proc.stderr
    cmd = [os.path.join(VENV_BIN, 'ansible'), 'localhost', '-c', 'local', '-m', 'auraflow.ops.release_ledger',
           '-a', json.dumps(dict(root=str(root), **args))]
    if check:
        cmd.append('--check')
    if diff:
        cmd.append('--diff')
    proc = run(cmd, env=JSON_ENV)
    output = proc.stdout + proc.stderr
    try:
        result = json.loads(proc.stdout)['plays'][0]['tasks'][0]['hosts']['localhost']
    except (ValueError, KeyError, IndexError):
        result = {}
    return proc.returncode, result, output


def ok(root, via_ansible=None, **args):
    rc, result, output = ledger(root, via_ansible=via_ansible, **args)
    assert rc == 0, output
    return result


def unpack(root, version):
    path = root / 'releases' / version
    path.mkdir(parents=True)
    (path / 'package.json').write_text('{"version": "%s"}\n' % version)


def deploy(root, version):
    unpack(root, version)
    ok(root, state='record', version=version, sha256=SHA[version])
    return ok(root, state='activate', version=version)


def snapshot(root):
    """Everything the module may change: the ledger text, the link and the release directories."""
    ledger_file = root / 'releases.json'
    link = root / 'current'
    return (ledger_file.read_text() if ledger_file.exists() else None,
            os.readlink(link) if os.path.islink(link) else None,
            sorted(os.listdir(root / 'releases')) if (root / 'releases').exists() else None)


def statuses(result):
    return {r['version']: r['status'] for r in result['releases']}


@pytest.fixture
def root(tmp_path):
    app = tmp_path / 'aura-flow'
    (app / 'releases').mkdir(parents=True)
    return app


def test_record_writes_the_ledger_with_the_contract_fields(root):
    # one failing and one passing run through the CLI
    rc, result, output = ledger(root, state='record', version='1.0.0', sha256=SHA['1.0.0'], via_ansible=True)
    assert rc != 0 and 'releases/1.0.0 does not exist' in output, output
    assert result['failed'] is True and result['changed'] is False
    assert not (root / 'releases.json').exists()

    unpack(root, '1.0.0')
    result = ok(root, state='record', version='1.0.0', sha256=SHA['1.0.0'].upper(), actor='deployer', via_ansible=True)
    assert result['changed'] and result['active'] is None
    stored = json.loads((root / 'releases.json').read_text())
    entry = stored['releases'][0]
    assert {k: entry[k] for k in ('version', 'sha256', 'deployed_by', 'status')} == {
        'version': '1.0.0', 'sha256': SHA['1.0.0'], 'deployed_by': 'deployer', 'status': 'deployed'}
    assert entry['deployed_at'].endswith('Z')
    assert oct((root / 'releases.json').stat().st_mode & 0o777) == '0o644'
    assert not list(root.glob('.releases.json.*[!k]'))  # no temporary file left behind

    again = ok(root, state='record', version='1.0.0', sha256=SHA['1.0.0'])
    assert not again['changed']


def test_activate_switches_current_and_tracks_previous(root):
    first = deploy(root, '1.0.0')
    assert first['changed'] and first['active'] == '1.0.0'
    assert os.readlink(root / 'current') == str(root / 'releases' / '1.0.0')
    assert statuses(first) == {'1.0.0': 'active'}

    second = deploy(root, '1.1.0')
    assert second['replaced'] == '1.0.0'
    assert (second['active'], second['previous'], second['rollback_target']) == ('1.1.0', '1.0.0', '1.0.0')
    assert (root / 'current' / 'package.json').read_text() == '{"version": "1.1.0"}\n'
    assert statuses(second) == {'1.1.0': 'active', '1.0.0': 'previous'}
    assert second['ok'] and second['findings'] == []

    again = ok(root, state='activate', version='1.1.0')
    assert not again['changed']


def test_unknown_version_lists_what_exists(root):
    deploy(root, '1.0.0')
    rc, result, output = ledger(root, state='activate', version='9.9.9')
    assert rc != 0
    assert 'cannot activate 9.9.9' in output and 'releases on disk: 1.0.0' in output
    assert result['failed'] is True and result['changed'] is False


def test_check_mode_reports_and_writes_nothing(root):
    deploy(root, '1.0.0')
    deploy(root, '1.1.0')
    before = snapshot(root)
    result = ok(root, state='activate', version='1.0.0', check=True, diff=True)
    assert result['changed'] and result['active'] == '1.0.0' and result['current'] == str(root / 'releases' / '1.0.0')
    assert snapshot(root) == before
    result = ok(root, state='rollback', check=True)
    assert result['changed'] and result['target'] == '1.0.0'
    assert snapshot(root) == before
    unpack(root, '1.2.0')
    before = snapshot(root)
    result = ok(root, state='record', version='1.2.0', sha256=SHA['1.2.0'], check=True)
    assert result['changed'] and snapshot(root) == before
    result = ok(root, state='mark', version='1.1.0', status='failed', check=True)
    assert result['changed'] and snapshot(root) == before


def test_check_mode_diff_shows_ledger_and_link(root):
    deploy(root, '1.0.0')
    deploy(root, '1.1.0')
    proc = run([os.path.join(VENV_BIN, 'ansible'), 'localhost', '-c', 'local', '-m', 'auraflow.ops.release_ledger',
                '-a', json.dumps({'root': str(root), 'state': 'rollback'}), '--check', '--diff'])
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert '-  "active": "1.1.0",' in proc.stdout and '+  "active": "1.0.0",' in proc.stdout
    assert '+%s -> %s' % (root / 'current', root / 'releases' / '1.0.0') in proc.stdout


def test_rollback_marks_the_release_left_and_stops_when_nothing_is_earlier(root):
    deploy(root, '1.0.0')
    deploy(root, '1.1.0')
    result = ok(root, state='rollback', reason='drill')
    assert (result['target'], result['replaced'], result['active']) == ('1.0.0', '1.1.0', '1.0.0')
    assert os.readlink(root / 'current') == str(root / 'releases' / '1.0.0')
    assert statuses(result) == {'1.0.0': 'active', '1.1.0': 'rolled_back'}
    assert result['ledger']['history'][-1]['detail'].endswith(': drill')

    before = snapshot(root)
    rc, result, output = ledger(root, state='rollback')
    assert rc != 0 and result['failed'] is True
    assert result['msg'].startswith('no earlier release to roll back to: active 1.0.0')  # the wording: test_ledger
    assert result.get('changed') is False
    assert snapshot(root) == before


def test_missing_ok_leaves_a_root_without_that_release_or_already_on_it_alone(root):
    deploy(root, '1.0.0')
    deploy(root, '1.1.0')
    before = snapshot(root)
    for version in ('1.1.0', '0.9.0'):  # already active; never deployed here
        result = ok(root, state='rollback', version=version, missing_ok=True)
        assert result['changed'] is False and result['active'] == '1.1.0', result
        assert snapshot(root) == before
    # without it, both are refused, changing nothing
    for version in ('1.1.0', '0.9.0'):
        rc, result, output = ledger(root, state='rollback', version=version)
        assert rc != 0 and result.get('changed') is False, output
    # a release it has is rolled back to as ever
    result = ok(root, state='rollback', version='1.0.0', missing_ok=True)
    assert (result['active'], result['changed']) == ('1.0.0', True)
    assert statuses(result) == {'1.0.0': 'active', '1.1.0': 'rolled_back'}


def test_a_failed_release_is_never_chosen_and_keeps_its_mark(root):
    deploy(root, '1.0.0')
    deploy(root, '1.1.0')
    deploy(root, 'broken')
    marked = ok(root, state='mark', version='broken', status='failed', reason='/health 503 x4')
    assert statuses(marked)['broken'] == 'failed'
    assert {f['id'] for f in marked['findings']} == {'ledger.active_marked'}
    result = ok(root, state='rollback')
    assert result['target'] == '1.1.0' and result['replaced'] == 'broken'
    assert os.readlink(root / 'current') == str(root / 'releases' / '1.1.0')
    assert statuses(result) == {'broken': 'failed', '1.1.0': 'active', '1.0.0': 'previous'}
    explicit = ok(root, state='rollback', version='1.0.0')  # version is the explicit target
    assert explicit['active'] == '1.0.0' and statuses(explicit)['1.1.0'] == 'rolled_back'
    assert os.readlink(root / 'current') == str(root / 'releases' / '1.0.0')


def test_prune_keeps_n_and_never_the_active_or_previous(root):
    for version in ('1.0.0', '1.1.0', '1.2.0', '1.3.0', '1.4.0'):
        deploy(root, version)
    ok(root, state='activate', version='1.0.0')  # an old release is active again; 1.4.0 is previous
    result = ok(root, state='prune', keep=2, check=True)
    assert result['pruned'] == ['1.1.0', '1.2.0', '1.3.0']
    assert sorted(os.listdir(root / 'releases')) == ['1.0.0', '1.1.0', '1.2.0', '1.3.0', '1.4.0']
    result = ok(root, state='prune', keep=2)
    assert result['changed'] and result['pruned'] == ['1.1.0', '1.2.0', '1.3.0']
    assert sorted(os.listdir(root / 'releases')) == ['1.0.0', '1.4.0']
    assert [r['version'] for r in result['releases']] == ['1.0.0', '1.4.0']
    assert [e['event'] for e in result['ledger']['history'][-3:]] == ['prune'] * 3
    assert not ok(root, state='prune', keep=2)['changed']


def test_prune_spares_what_current_really_points_to(root):
    for version in ('1.0.0', '1.1.0', '1.2.0'):
        deploy(root, version)
    # someone repointed current by hand: the ledger says 1.2.0, the link says 1.0.0
    os.unlink(root / 'current')
    os.symlink(str(root / 'releases' / '1.0.0'), str(root / 'current'))
    query = ok(root)
    assert not query['ok'] and [f['id'] for f in query['findings']] == ['ledger.link_drift']
    result = ok(root, state='prune', keep=1)
    assert result['pruned'] == []  # 1.2.0 active, 1.1.0 previous, 1.0.0 under current
    repaired = ok(root, state='activate', version='1.2.0')
    assert repaired['changed'] and 'pointed' in repaired['message'] and repaired['ok']


def test_query_reports_drift_and_changes_nothing(root):
    deploy(root, '1.0.0')
    (root / 'releases' / 'stray').mkdir()
    (root / 'releases' / '.incoming-1.1.0').mkdir()
    before = snapshot(root)
    result = ok(root)
    assert not result['changed'] and result['ok']
    assert {f['id']: f['severity'] for f in result['findings']} == {
        'ledger.unrecorded_release_dir': 'low', 'ledger.no_rollback_target': 'info'}
    assert snapshot(root) == before
    os.unlink(root / 'current')
    assert [f['id'] for f in ok(root)['findings']][0] == 'ledger.link_drift'


def test_query_of_a_missing_root_is_empty(tmp_path):
    result = ok(tmp_path / 'nothing-here')
    assert not result['changed'] and result['active'] is None and result['releases'] == []


def test_current_as_a_real_directory_is_refused_clearly(root):
    unpack(root, '1.0.0')
    (root / 'current').mkdir()
    rc, dummy, output = ledger(root, state='record', version='1.0.0', sha256=SHA['1.0.0'])
    assert rc != 0 and 'exists and is not a symlink' in output and 'Traceback' not in output
    assert (root / 'current').is_dir()


@pytest.mark.parametrize('args, message', [
    ({'state': 'record', 'version': '../etc', 'sha256': 'a' * 64}, 'invalid release version'),
    ({'state': 'record', 'version': '1.0.0', 'sha256': 'abc'}, 'invalid sha256'),
    ({'state': 'record', 'version': '1.0.0'}, 'sha256'),
    ({'state': 'mark', 'version': '1.0.0', 'status': 'active'}, 'status'),
    ({'state': 'prune', 'keep': 0}, 'keep must be at least 1'),
    ({'state': 'launch'}, 'state'),
])
def test_bad_input_fails_with_a_message(root, args, message):
    # argument-spec errors (required_if, choices) as the user sees them, through the CLI; the module's own checks directly
    spec_error = args in ({'state': 'record', 'version': '1.0.0'}, {'state': 'mark', 'version': '1.0.0', 'status': 'active'},
                          {'state': 'launch'})
    rc, result, output = ledger(root, via_ansible=spec_error, **args)
    assert rc != 0 and result['failed'] is True
    assert message in result['msg']
    assert 'Traceback' not in output
    assert snapshot(root) == (None, None, [])


def test_a_corrupt_ledger_is_reported_not_overwritten(root):
    unpack(root, '1.0.0')
    (root / 'releases.json').write_text('{"releases": [')
    rc, dummy, output = ledger(root, state='record', version='1.0.0', sha256=SHA['1.0.0'])
    assert rc != 0 and 'not valid JSON' in output
    assert (root / 'releases.json').read_text() == '{"releases": ['


def test_the_switch_is_atomic_for_a_reader(root):
    """A reader resolving current while it flips back and forth never finds it missing."""
    deploy(root, '1.0.0')
    deploy(root, '1.1.0')
    current = str(root / 'current' / 'package.json')
    stop = threading.Event()
    seen = {'reads': 0, 'missing': 0, 'versions': set()}

    def reader():
        while not stop.is_set():
            try:
                with open(current) as handle:
                    seen['versions'].add(handle.read())
            except FileNotFoundError:
                seen['missing'] += 1
            seen['reads'] += 1

    thread = threading.Thread(target=reader)
    thread.start()
    try:
        for version in ('1.0.0', '1.1.0', '1.0.0', '1.1.0'):
            ok(root, state='activate', version=version)
    finally:
        stop.set()
        thread.join()
    assert seen['missing'] == 0, seen
    assert len(seen['versions']) == 2 and seen['reads'] > 100


def test_concurrent_writers_do_not_lose_records(root, tmp_path):
    """Six module processes (started directly, so they overlap closely) record at once: the lock serialises them."""
    versions = ['1.0.0', '1.1.0', '1.2.0', '1.3.0', '1.4.0', 'broken']
    procs = []
    for version in versions:
        unpack(root, version)
    for version in versions:
        workdir = tmp_path / ('run-' + version)
        workdir.mkdir()
        cmd, env = direct_command('release_ledger', {'root': str(root), 'state': 'record', 'version': version, 'sha256': SHA[version]},
                                  str(workdir))
        procs.append(subprocess.Popen(cmd, cwd=str(workdir), env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True))
    for proc in procs:
        out, err = proc.communicate(timeout=120)
        result = parse_direct(subprocess.CompletedProcess(proc.args, proc.returncode, out, err))
        assert proc.returncode == 0 and result['changed'] is True, result
    stored = json.loads((root / 'releases.json').read_text())
    assert sorted(e['version'] for e in stored['releases']) == sorted(versions)
    assert sorted(e['recorded_seq'] for e in stored['releases']) == list(range(1, len(versions) + 1))
