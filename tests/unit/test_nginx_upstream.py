"""auraflow.ops.nginx_upstream: the drain rules of plugins/module_utils/nginx_upstream.py (names, the drain
list check, marking, worker renewal), and the module itself run directly against a temporary site file
(tests/integration/fault_servers.run_direct, as Ansible runs it on the target) with a fake validate
command and, for the reload and the wait, fake pgrep and systemctl first in PATH."""

import os
import stat

import pytest

from ansible_collections.auraflow.ops.plugins.module_utils import nginx_upstream as nu
from tests.integration.fault_servers import run_direct

# As roles/nginx/templates/aura-flow.conf.j2 renders it, with a third backend whose name is a prefix
# of another's, a drained one, and look-alike lines that are not backends.
SITE = """\
# Ansible managed
# Draining a backend (tasks_from: upstream) only toggles "down" on its server line below, found by the "# backend NAME" comment.
upstream aura_backend {
    zone aura_backend 64k;
    server 172.30.80.21:3001 max_fails=0 fail_timeout=10s; # backend aura-app1
    server 172.30.80.22:3001 max_fails=0 fail_timeout=10s down; # backend aura-app2
    server 172.30.80.23:3001 max_fails=0 fail_timeout=10s;  # backend aura-app10
    keepalive 32;
}
# server 10.0.0.1:3001; # backend not-a-line (a comment, not a server line)
server {
    listen 443 ssl;
    server_name _;   # down; is not a flag here
    location /api/ { proxy_pass http://aura_backend; }
}
"""
NAMES = ['aura-app1', 'aura-app2', 'aura-app10']


def flags(text):
    """{name: down?} of the server lines."""
    out = {}
    for line in text.splitlines():
        if line.lstrip().startswith('server ') and '# backend ' in line:
            out[line.rsplit('# backend ', 1)[1]] = ' down;' in line
    return out


def other_lines(text):
    return [line for line in text.splitlines(True) if '# backend ' not in line or not line.lstrip().startswith('server ')]


# --- backend_names ---------------------------------------------------------------------

def test_backend_names_in_file_order():
    assert nu.backend_names(SITE) == NAMES


def test_backend_names_of_a_site_without_backends():
    assert nu.backend_names('upstream aura_backend {\n    server 10.0.0.1:3001;\n}\n') == []
    assert nu.backend_names('') == []


# --- drain_problems --------------------------------------------------------------------

@pytest.mark.parametrize('drained', [[], ['aura-app1'], ['aura-app1', 'aura-app10'], ['aura-app2']])
def test_acceptable_drain_lists(drained):
    assert nu.drain_problems(NAMES, drained) is None


def test_draining_every_backend_is_refused():
    message = nu.drain_problems(NAMES, list(NAMES))
    assert 'leave at least one in service' in message
    assert "['aura-app1', 'aura-app2', 'aura-app10']" in message and '(aura-app1, aura-app2, aura-app10)' in message


@pytest.mark.parametrize('drained', [['aura-app9'], ['aura-app1', 'aura-app'], ['AURA-APP1']])
def test_unknown_names_are_refused(drained):
    message = nu.drain_problems(NAMES, drained)
    assert message.startswith('nginx upstream: drained %s must name backends of the upstream (aura-app1, aura-app2, aura-app10)' % drained)


def test_a_site_without_backends_is_refused():
    assert 'no backend found' in nu.drain_problems([], [])


def test_in_service():
    assert nu.in_service(NAMES, ['aura-app2']) == ['aura-app1', 'aura-app10']


# --- mark ------------------------------------------------------------------------------

@pytest.mark.parametrize('drained', [[], ['aura-app1'], ['aura-app2'], ['aura-app10'], ['aura-app1', 'aura-app2']])
def test_mark_sets_exactly_the_drained_flags(drained):
    marked = nu.mark(SITE, drained)
    assert flags(marked) == {name: name in drained for name in NAMES}


@pytest.mark.parametrize('drained', [[], ['aura-app1'], ['aura-app10'], ['aura-app1', 'aura-app2']])
def test_mark_is_idempotent(drained):
    once = nu.mark(SITE, drained)
    assert nu.mark(once, drained) == once


def test_mark_keeps_every_other_byte():
    marked = nu.mark(SITE, ['aura-app1'])
    assert other_lines(marked) == other_lines(SITE)
    assert len(marked.splitlines(True)) == len(SITE.splitlines(True))
    # only the two flags differ: app1 gains one, app2 loses one; app10's double space stays
    assert marked == SITE.replace('10s; # backend aura-app1', '10s down; # backend aura-app1').replace(
        '10s down; # backend aura-app2', '10s; # backend aura-app2')


def test_mark_does_not_touch_a_prefix_named_backend():
    marked = nu.mark(SITE, ['aura-app1'])
    assert '    server 172.30.80.23:3001 max_fails=0 fail_timeout=10s;  # backend aura-app10\n' in marked


def test_mark_with_the_current_flags_returns_the_same_text():
    assert nu.mark(SITE, ['aura-app2']) == SITE


def test_mark_a_last_line_without_a_newline():
    text = 'upstream u {\n    server 10.0.0.1:3001; # backend a\n    server 10.0.0.2:3001; # backend b'
    assert nu.mark(text, ['b']) == text[:-len('; # backend b')] + ' down; # backend b'


# --- workers_renewed -------------------------------------------------------------------

@pytest.mark.parametrize('before, after, renewed', [
    ([10, 11], [20, 21], True),
    ([], [20], True),
    ([10, 11], [11, 20], False),   # one old worker still serves
    ([10, 11], [10, 11], False),   # the reload has not happened yet
    ([10, 11], [], False),         # no worker at all
    ([], [], False),
])
def test_workers_renewed(before, after, renewed):
    assert nu.workers_renewed(before, after) is renewed


# --- the module, run directly ----------------------------------------------------------

@pytest.fixture
def site(tmp_path):
    conf = tmp_path / 'conf.d'
    conf.mkdir()
    path = conf / 'aura-flow.conf'
    path.write_text(SITE)
    path.chmod(0o640)
    return path


def upstream(site, check_mode=False, diff=False, env=None, **args):
    args.setdefault('reload', False)
    result, dummy = run_direct('nginx_upstream', dict(path=str(site), **args), check_mode=check_mode, diff=diff, env=env)
    return result


def leftovers(site):
    return sorted(name for name in os.listdir(site.parent) if name != site.name)


def test_a_failing_validate_leaves_the_live_file_untouched(site):
    result = upstream(site, drained=['aura-app1'], validate='/bin/false %s')
    assert result['failed'] and 'failed to validate (rc 1), the live file is unchanged' in result['msg'], result
    assert site.read_text() == SITE
    assert leftovers(site) == []


def test_validate_output_is_in_the_failure(site):
    result = upstream(site, drained=['aura-app1'], validate='sh -c "echo emerg: bad directive >&2; exit 1" %s')
    assert result['failed'] and 'emerg: bad directive' in result['msg'] and result['rc'] == 1, result
    assert site.read_text() == SITE and leftovers(site) == []


def test_a_passing_validate_writes_the_file_keeping_its_mode(site, tmp_path):
    seen = tmp_path / 'seen'
    result = upstream(site, drained=['aura-app1'], validate='sh -c "cp \\"$0\\" %s" %%s' % seen)
    assert not result.get('failed') and result['changed'], result
    assert result['backends'] == NAMES and result['drained'] == ['aura-app1'] and result['in_service'] == ['aura-app2', 'aura-app10']
    assert result['reloaded'] is False and isinstance(result['seconds'], float)
    assert site.read_text() == nu.mark(SITE, ['aura-app1'])
    assert seen.read_text() == site.read_text()   # the validate command saw the candidate
    assert stat.S_IMODE(site.stat().st_mode) == 0o640
    assert leftovers(site) == []


def test_with_true_as_validate_and_no_reload(site):
    result = upstream(site, drained=[], validate='/bin/true %s')
    assert result['changed'] and flags(site.read_text()) == {name: False for name in NAMES}
    again = upstream(site, drained=[], validate='/bin/true %s')
    assert again['changed'] is False and 'nothing to change' in again['message']


def test_no_change_needs_no_validate(site):
    result = upstream(site, drained=['aura-app2'])
    assert not result.get('failed') and result['changed'] is False, result
    assert result['in_service'] == ['aura-app1', 'aura-app10']


def test_a_change_without_validate_is_refused(site):
    result = upstream(site, drained=['aura-app1'])
    assert result['failed'] and 'no validate command' in result['msg']
    assert site.read_text() == SITE


def test_check_mode_reports_the_change_with_a_diff_and_writes_nothing(site):
    result = upstream(site, check_mode=True, diff=True, drained=['aura-app1'], validate='/bin/false %s', reload=True)
    assert not result.get('failed') and result['changed'], result
    assert result['diff']['before'] == SITE and result['diff']['after'] == nu.mark(SITE, ['aura-app1'])
    assert result['diff']['before_header'] == str(site)
    assert site.read_text() == SITE and leftovers(site) == []


@pytest.mark.parametrize('drained, message', [
    (['aura-app1', 'aura-app2', 'aura-app10'], 'leave at least one in service'),
    (['aura-app9'], 'must name backends of the upstream (aura-app1, aura-app2, aura-app10)'),
])
def test_drain_problems_fail_before_anything_changes(site, drained, message):
    result = upstream(site, drained=drained, validate='/bin/true %s')
    assert result['failed'] and message in result['msg'] and result['changed'] is False, result
    assert site.read_text() == SITE and leftovers(site) == []


def test_a_missing_site_file_fails_clearly(tmp_path):
    result = upstream(tmp_path / 'absent.conf', drained=[])
    assert result['failed'] and 'absent.conf does not exist' in result['msg']


def test_validate_must_name_the_candidate(site):
    result = upstream(site, drained=['aura-app1'], validate='/bin/true')
    assert result['failed'] and 'validate must contain %s' in result['msg']
    assert site.read_text() == SITE


# The reload: pgrep prints the PIDs in workers.txt; systemctl "reloads" by writing new PIDs there
# (or, for the stuck case, by doing nothing).
FAKE_PGREP = '#!/bin/sh\n[ "$2" = "^nginx: worker process\\$" ] || exit 3\ncat "$FAKE_NGINX/workers.txt"\n'
FAKE_SYSTEMCTL = '#!/bin/sh\necho "$*" >> "$FAKE_NGINX/systemctl.log"\n%s\n'


def fake_nginx(tmp_path, renew):
    bin_dir = tmp_path / 'bin'
    bin_dir.mkdir()
    (bin_dir / 'pgrep').write_text(FAKE_PGREP)
    (bin_dir / 'systemctl').write_text(FAKE_SYSTEMCTL % ('printf "201\\n202\\n" > "$FAKE_NGINX/workers.txt"' if renew else 'true'))
    for name in ('pgrep', 'systemctl'):
        (bin_dir / name).chmod(0o755)
    (tmp_path / 'workers.txt').write_text('101\n102\n')
    return {'PATH': '%s:%s' % (bin_dir, os.environ['PATH']), 'FAKE_NGINX': str(tmp_path)}


def test_reload_waits_for_new_workers(site, tmp_path):
    env = fake_nginx(tmp_path, renew=True)
    result = upstream(site, env=env, drained=['aura-app1'], validate='/bin/true %s', reload=True)
    assert not result.get('failed') and result['changed'] and result['reloaded'], result
    assert result['workers'] == [201, 202]
    assert (tmp_path / 'systemctl.log').read_text() == 'reload nginx\n'
    assert flags(site.read_text())['aura-app1'] is True


def test_a_reload_that_does_not_renew_the_workers_fails_naming_them(site, tmp_path):
    env = fake_nginx(tmp_path, renew=False)
    result = upstream(site, env=env, drained=['aura-app1'], validate='/bin/true %s', reload=True, wait_timeout=1)
    assert result['failed'] and 'did not take effect within 1 s' in result['msg'] and 'old workers 101, 102 still serve' in result['msg'], result
    assert result['changed'] is True   # the file was replaced
    assert flags(site.read_text())['aura-app1'] is True


def test_no_reload_when_nothing_changes(site, tmp_path):
    env = fake_nginx(tmp_path, renew=True)
    result = upstream(site, env=env, drained=['aura-app2'], validate='/bin/true %s', reload=True)
    assert result['changed'] is False and result['reloaded'] is False
    assert not (tmp_path / 'systemctl.log').exists()
