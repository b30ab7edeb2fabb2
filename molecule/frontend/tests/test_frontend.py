"""Verify auraflow.ops.frontend: the converged layout, then the release lifecycle through the role's
entry points (lifecycle.yml). The tests run in file order."""

import hashlib
import io
import json
import os
import re
import subprocess
import sys
import tarfile
import tempfile

ROOT = '/var/www/aura-flow'
DIST = os.path.join(os.environ.get('MOLECULE_PROJECT_DIRECTORY', '.'), 'tests', 'app', 'dist')


def playbook(**extra):
    cmd = [os.path.join(os.path.dirname(sys.executable), 'ansible-playbook'), '-i', os.environ['MOLECULE_INVENTORY_FILE'],
           os.path.join(os.environ['MOLECULE_SCENARIO_DIRECTORY'], 'lifecycle.yml'), '-e', json.dumps(extra)]
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False, env=dict(os.environ, ANSIBLE_FORCE_COLOR='0'))
    return proc.returncode, proc.stdout + proc.stderr


def changed(output):
    return int(re.search(r'molecule-frontend\s*:\s*ok=\d+\s+changed=(\d+)', output).group(1))


def current(host):
    return host.file(ROOT + '/current').linked_to


def ledger(host):
    return json.loads(host.file(ROOT + '/releases.json').content_string)


def statuses(host):
    return {r['version']: r['status'] for r in ledger(host)['releases']}


def served_version(host):
    return re.search(r'name="aura-frontend-version" content="([^"]+)"', host.file(ROOT + '/current/index.html').content_string).group(1)


def make_artifacts(versions):
    """Small frontend artifacts (index.html naming the version) with their .sha256 files."""
    directory = tempfile.mkdtemp(prefix='frontend-artifacts-')
    for version in versions:
        page = ('<!doctype html><meta name="aura-frontend-version" content="%s">' % version).encode()
        buffer = io.BytesIO()
        with tarfile.open(fileobj=buffer, mode='w:gz') as archive:
            info = tarfile.TarInfo('index.html')
            info.size, info.mode = len(page), 0o644
            archive.addfile(info, io.BytesIO(page))
        name = 'aura-flow-frontend-%s.tar.gz' % version
        with open(os.path.join(directory, name), 'wb') as handle:
            handle.write(buffer.getvalue())
        with open(os.path.join(directory, name + '.sha256'), 'w') as handle:
            handle.write('%s  %s\n' % (hashlib.sha256(buffer.getvalue()).hexdigest(), name))
    return directory


def test_layout_and_first_release(host):
    for path in (ROOT, ROOT + '/releases', ROOT + '/releases/1.0.0'):
        f = host.file(path)
        assert (f.user, f.group, f.mode) == ('root', 'root', 0o755), path
    assert current(host) == ROOT + '/releases/1.0.0'
    assert host.file(ROOT + '/current/index.html').mode == 0o644
    assert served_version(host) == '1.0.0'
    assert host.file(ROOT + '/current/assets').is_directory
    with open(os.path.join(DIST, 'aura-flow-frontend-1.0.0.tar.gz.sha256')) as handle:
        sha = handle.read().split()[0]
    entry = ledger(host)['releases'][0]
    assert (entry['version'], entry['sha256'], entry['status'], entry['deployed_by']) == ('1.0.0', sha, 'active', 'molecule')
    assert not host.file(ROOT + '/artifacts/aura-flow-frontend-1.0.0.tar.gz').exists


def test_bad_input_fails_at_argument_validation(host):
    for extra, name in (({'step': 'deploy', 'versions': ['1.1.0'], 'frontend_keep_releases': 'many'}, 'frontend_keep_releases'),
                        ({'step': 'deploy', 'versions': ['1.1.0'], 'frontend_deploy_activate': 'perhaps'}, 'frontend_deploy_activate'),
                        ({'step': 'deploy'}, 'frontend_release'),
                        ({'step': 'activate'}, 'frontend_release')):
        rc, output = playbook(**extra)
        assert rc != 0, extra
        assert name in output and 'argument' in output.lower(), output
        assert changed(output) == 0
    assert current(host) == ROOT + '/releases/1.0.0'


def test_wrong_sha256_stops_before_unpacking(host):
    before = host.file(ROOT + '/releases.json').content_string
    rc, output = playbook(step='deploy', versions=['1.1.0'], frontend_artifact_sha256='f' * 64)
    assert rc != 0 and 'refusing to unpack it; nothing was changed' in output
    assert changed(output) == 0
    assert not host.file(ROOT + '/releases/1.1.0').exists
    assert host.file(ROOT + '/releases.json').content_string == before


def test_unknown_version_lists_the_available_ones(host):
    rc, output = playbook(step='deploy', versions=['2.0.0'])
    assert rc != 0 and 'available versions: 1.0.0, 1.1.0, broken' in output


def test_deploy_1_1_0_switches_current(host):
    rc, output = playbook(step='deploy', versions=['1.1.0'])
    assert rc == 0, output
    assert current(host) == ROOT + '/releases/1.1.0' and served_version(host) == '1.1.0'
    assert statuses(host) == {'1.0.0': 'previous', '1.1.0': 'active'}
    rc, output = playbook(step='deploy', versions=['1.1.0'])
    assert rc == 0 and changed(output) == 0, output


def test_rollback_and_then_nothing_earlier(host):
    rc, output = playbook(step='rollback')
    assert rc == 0, output
    assert current(host) == ROOT + '/releases/1.0.0' and served_version(host) == '1.0.0'
    assert statuses(host) == {'1.0.0': 'active', '1.1.0': 'rolled_back'}
    rc, output = playbook(step='rollback')
    assert rc != 0 and 'no earlier release to roll back to: active 1.0.0' in output
    assert current(host) == ROOT + '/releases/1.0.0'


def test_retention_keeps_n_and_never_active_or_previous(host):
    versions = ['1.2.0', '1.3.0', '1.4.0', '1.5.0', '1.6.0', '1.7.0', '1.8.0']
    artifacts = make_artifacts(versions)
    rc, output = playbook(step='deploy', versions=versions[:-1], frontend_artifact_dir=artifacts)
    assert rc == 0, output
    # keep 5 (the default): the five newest stay, 1.0.0 and 1.1.0 go
    assert sorted(host.file(ROOT + '/releases').listdir()) == ['1.3.0', '1.4.0', '1.5.0', '1.6.0', '1.7.0']
    assert (ledger(host)['active'], ledger(host)['previous']) == ('1.7.0', '1.6.0')

    rc, output = playbook(step='rollback', frontend_rollback_to='1.3.0')
    assert rc == 0, output
    rc, output = playbook(step='deploy', versions=['1.8.0'], frontend_artifact_dir=artifacts, frontend_keep_releases=1)
    assert rc == 0, output
    # keep 1: the active 1.8.0, plus the previous (what ran before it, 1.3.0) though it is not among the newest
    assert sorted(host.file(ROOT + '/releases').listdir()) == ['1.3.0', '1.8.0']
    assert statuses(host) == {'1.3.0': 'previous', '1.8.0': 'active'}
    assert served_version(host) == '1.8.0'
