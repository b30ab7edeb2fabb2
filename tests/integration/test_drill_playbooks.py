"""playbooks/drill_full.yml and playbooks/drill_app.yml on the lab (a drill target: aura_drill_target).

Refusals first, each proven harmless by the cluster's system identifier (a new data directory gets a
new one), nginx still answering and changed=0: a run with aura_drill_target=false, a backup that does
not exist, and a damaged one (a cut-off copy in /tmp on aura-db1) that fails verification.
Then the real disaster, recovered on the lab's default path (pitr: the pgBackRest stanza and its archived
WAL): an item written before a fresh backup and one written after it both come back, and so does the
disaster marker written just before the stack stops; the data directory was really deleted (its inode is
new) while the cluster keeps its system identifier (the stanza's), and the report must carry passed,
measured.rto_seconds/rpo_seconds (RPO from the restored data: at most archive_timeout, 60 s), targets,
the phases and the browser screenshot (a PNG) in its HTML twin. The dump path (drill_full_method=dump,
a new cluster from pg_dump) is refused in the same way before anything is destroyed.
Finally the application drill: the active release redeployed, smoke and browser checks green.
"""

import base64
import json
import re
import ssl
import urllib.request
import uuid

import pytest

from conftest import SSH, answers, changed_counts, damaged_backup, run, run_playbook

URL = 'https://172.30.80.10'
USER = ('demo@aura-flow.local', 'aura-demo-2024')

pytestmark = pytest.mark.lab


def psql(sql):
    result = run(['docker', 'exec', 'aura-db1', 'runuser', '-u', 'postgres', '--', 'psql', '-d', 'aura_flow', '-XAtc', sql],
                 timeout=60)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def system_identifier():
    return psql('SELECT system_identifier FROM pg_control_system()')


def api(path, body=None, token=None):
    headers = {'Content-Type': 'application/json'}
    if token:
        headers['Authorization'] = 'Bearer ' + token
    request = urllib.request.Request(URL + path, data=json.dumps(body).encode() if body is not None else None,
                                     headers=headers, method='POST' if body is not None else 'GET')
    with urllib.request.urlopen(request, context=ssl._create_unverified_context(), timeout=10) as resp:
        return json.load(resp)


def new_item(prefix):
    token = api('/api/auth/login', {'email': USER[0], 'password': USER[1]})['token']
    title = '%s %s' % (prefix, uuid.uuid4().hex[:12])
    api('/api/items', {'title': title}, token)
    return title


@pytest.fixture(scope='module')
def stack(deployed_lab):
    assert answers(URL + '/health')
    return system_identifier()


def assert_untouched(out, identifier):
    assert set(changed_counts(out)) == {0}, out.split('PLAY RECAP')[-1]
    assert system_identifier() == identifier
    assert answers(URL + '/health')


def test_refused_on_a_host_that_is_not_a_drill_target(stack):
    rc, out, report, _unused = run_playbook('drill_full', *SSH, '-e', 'aura_drill_target=false')
    assert rc != 0 and report is None
    assert 'drill_full REFUSED: not marked as drill targets (aura_drill_target: true): aura-web1' in out
    assert 'Nothing was changed' in out
    assert_untouched(out, stack)


def test_missing_backup_stops_before_anything_is_destroyed(stack):
    rc, out, report, _unused = run_playbook('drill_full', *SSH, '-e', 'backup=/nonexistent.dump', '-e', 'drill_full_method=dump')
    assert rc != 0 and report is None
    assert "backup '/nonexistent.dump' not found on aura-db1" in out
    assert_untouched(out, stack)


def test_damaged_backup_stops_before_the_destructive_step(stack):
    with damaged_backup('/tmp/drill_full_test_cut.dump') as cut:
        rc, out, _unused1, _unused2 = run_playbook('drill_full', *SSH, '-e', 'backup=' + cut, '-e', 'drill_full_method=dump')
    assert rc != 0
    assert 'drill_full STOPPED before the destructive step: the backup %s failed verification' % cut in out
    assert 'Nothing was destroyed' in out
    assert_untouched(out, stack)


@pytest.fixture(scope='module')
def disaster(stack):
    kept = new_item('drill_full before the backup')
    backup = run_playbook('backup', *SSH, timeout=900)
    assert backup[0] == 0, backup[1][-3000:]
    after = new_item('drill_full after the backup')
    kept_at = psql("SELECT extract(epoch FROM created_at) FROM items WHERE title = '%s'" % kept)
    after_at = psql("SELECT extract(epoch FROM created_at) FROM items WHERE title = '%s'" % after)
    inode = run(['docker', 'exec', 'aura-db1', 'sh', '-c', 'stat -c %i /var/lib/postgresql/*/main'], timeout=60).stdout.strip()
    rc, out, report, path = run_playbook('drill_full', *SSH)
    return {'rc': rc, 'out': out, 'report': report, 'path': path, 'kept': kept, 'after': after,
            'kept_at': float(kept_at), 'after_at': float(after_at), 'before': stack, 'inode': inode}


def test_full_drill_recovers_and_measures(disaster):
    report, out = disaster['report'], disaster['out']
    assert report is not None, out[-3000:]
    assert disaster['rc'] == 0 and report['passed'] is True, out[-3000:]
    assert report['kind'] == 'drill_full'
    assert report['targets'] == {'path': 'pitr', 'rto_seconds': 3600, 'rpo_seconds': 3600}
    measured = report['measured']
    assert isinstance(measured['rto_seconds'], float) and measured['rto_seconds'] > 0
    assert [p['name'].split(' ')[0] for p in measured['phases']] == ['preflight', 'disaster', 'new', 'pgBackRest', 'redis,', 'smoke']
    names = [c['name'] for c in report['checks']]
    for name in ('backup', 'smoke_health_nginx', 'smoke_user_login', 'browser_backend_version', 'browser_login', 'rto', 'rpo'):
        assert name in names


def test_the_database_was_really_destroyed_and_restored(disaster):
    inode = run(['docker', 'exec', 'aura-db1', 'sh', '-c', 'stat -c %i /var/lib/postgresql/*/main'], timeout=60).stdout.strip()
    assert inode != disaster['inode'], 'the data directory was not deleted'
    assert system_identifier() == disaster['before']  # restored from the stanza, not a new cluster
    assert psql("SELECT count(*) FROM items WHERE title = '%s'" % disaster['kept']) == '1'
    assert psql("SELECT count(*) FROM items WHERE title = '%s'" % disaster['after']) == '1'
    assert answers(URL + '/health')


def test_rpo_comes_from_the_restored_data(disaster):
    measured = disaster['report']['measured']
    disaster_at = float(psql("SELECT extract(epoch FROM '%s'::timestamptz)" % measured['disaster_at']))
    last_write = float(psql("SELECT extract(epoch FROM '%s'::timestamptz)" % measured['last_restored_write']))
    # The newest restored write is the disaster marker itself: WAL brought everything back.
    assert disaster['kept_at'] < disaster['after_at'] <= last_write <= disaster_at
    assert abs(measured['rpo_seconds'] - (disaster_at - last_write)) < 0.01
    assert measured['rpo_seconds'] <= 60, measured
    rpo = [c for c in disaster['report']['checks'] if c['name'] == 'rpo'][0]
    assert 'the disaster marker was restored' in rpo['detail']


def test_html_report_shows_the_screenshot(disaster):
    screenshot = base64.b64decode(disaster['report']['measured']['screenshot_png_base64'])
    assert screenshot.startswith(b'\x89PNG\r\n\x1a\n')
    with open(disaster['path'][:-len('.json')] + '.html', encoding='utf-8') as handle:
        page = handle.read()
    assert 'class="banner pass"' in page and 'drill_full: PASSED' in page
    assert 'data:image/png;base64,' in page
    for target in ('rto_seconds', 'rpo_seconds'):
        row = re.search(r'<tr class="target" data-target="%s">(.*?)</tr>' % target, page, re.S)
        assert row and 'pass' in row.group(1)


def test_app_drill_redeploys_and_passes_the_browser_check(disaster):
    rc, out, report, _unused = run_playbook('drill_app', *SSH)
    assert report is not None, out[-3000:]
    assert rc == 0 and report['passed'] is True, out[-3000:]
    measured = report['measured']
    assert report['targets'] == {'rto_seconds': 900}
    assert measured['versions']['rendered_backend'] == measured['versions']['release'] == report['release']
    assert [p['name'] for p in measured['phases']] == ['deploy', 'smoke_and_browser']
    assert base64.b64decode(measured['screenshot_png_base64']).startswith(b'\x89PNG')
    assert {'browser_page_loaded', 'browser_assets_loaded', 'browser_login', 'smoke_key_function_items', 'rto'} <= {
        c['name'] for c in report['checks']}


def test_app_drill_refused_on_a_host_that_is_not_a_drill_target(stack):
    rc, out, report, _unused = run_playbook('drill_app', *SSH, '-e', 'aura_drill_target=false')
    assert rc != 0 and report is None
    assert 'drill_app REFUSED' in out and 'Nothing was changed' in out
    assert set(changed_counts(out)) == {0}
