"""playbooks/monitoring.yml on the lab: Prometheus, the exporters and Alertmanager configured from the runbook's
alert policy, and a real fault seen end to end. The lab scales every window by monitoring_time_scale (1/120:
a 5-minute window is 2.5 s); Alertmanager's receivers point at scripts/lab-alert-sink on aura-mon1, the lab's
stand-in for the phone, SMS, chat and mail services (one JSON line per notification it receives)."""

import json
import os
import ssl
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

import pytest
import yaml

from conftest import LAB_HOSTS, ROOT, SSH, changed_counts, lab_exec, lab_ledger, lab_pg_major, over_ssh, require, run_playbook, stack_problems

pytestmark = pytest.mark.lab

PROMETHEUS = 'http://127.0.0.1:9090'
ALERTMANAGER = 'http://127.0.0.1:9093'
SINK = '/var/lib/alert-sink/received.jsonl'


def api(path):
    with urllib.request.urlopen(PROMETHEUS + path, timeout=10) as resp:
        return json.load(resp)['data']


def wait_for(what, check, seconds):
    """Poll check() every 0.5 s until it returns something true; that value, or fail naming what."""
    deadline = time.monotonic() + seconds
    while True:
        value = check()
        if value:
            return value
        assert time.monotonic() < deadline, 'not within %d s: %s' % (seconds, what)
        time.sleep(0.5)


def received():
    """What the sink received so far: one dict per notification."""
    out = lab_exec('aura-mon1', 'cat', SINK, ok=False).stdout
    return [json.loads(line) for line in out.splitlines() if line.strip()]


def clear_sink():
    lab_exec('aura-mon1', 'sh', '-c', ': > %s' % SINK)


def chat_titles(records, channel='chat'):
    return [a.get('title', '') for r in records if r['channel'] == channel and isinstance(r['body'], dict)
            for a in r['body'].get('attachments', [])]


def alertmanager_active():
    with urllib.request.urlopen(ALERTMANAGER + '/api/v2/alerts?active=true&silenced=false&inhibited=false', timeout=10) as resp:
        return json.load(resp)


def firing():
    return [a for a in api('/api/v1/alerts')['alerts'] if a['state'] == 'firing']


@pytest.fixture(scope='module')
def monitored(deployed_lab):
    with over_ssh(*LAB_HOSTS):
        rc, out, _report, _path = run_playbook('monitoring', *SSH)
    assert rc == 0, out[-4000:]

    def all_up():
        targets = api('/api/v1/targets')['activeTargets']
        return targets if targets and all(t['health'] == 'up' for t in targets) else None
    targets = wait_for('every scrape target up', all_up, 60)
    return out, targets


def test_every_host_and_service_is_watched(monitored):
    _out, targets = monitored
    jobs = {}
    for target in targets:
        jobs.setdefault(target['labels']['job'], set()).add(target['labels'].get('host') or target['labels']['instance'])
    assert jobs['aura_node'] == set(LAB_HOSTS)
    assert jobs['aura_backend'] == {'aura-app1', 'aura-app2'}
    assert jobs['aura_postgres'] == {'aura-db1'}
    assert jobs['aura_redis'] == {'aura-cache1'}
    assert jobs['aura_nginx'] == {'aura-web1'}
    assert jobs['aura_blackbox'] == {'https://172.30.80.10/health'}
    rules = [r for g in api('/api/v1/rules')['groups'] for r in g['rules'] if r['type'] == 'alerting']
    assert {r['name'] for r in rules} >= {'AuraAvailabilityLow', 'AuraDatabaseDown', 'AuraApiLatencyHigh',
                                          'AuraErrorRateHigh', 'AuraMemoryHigh', 'AuraDiskHigh', 'AuraErrorBudgetBurn'}


def query(expr):
    return {r['metric'].get('host'): float(r['value'][1]) for r in api('/api/v1/query?' + urllib.parse.urlencode({'query': expr}))['result']}


def test_the_exporters_read_what_they_need_and_no_more(monitored):
    """Redis' exporter logs in as an ACL user with the metrics commands only and was refused none of them; nginx's
    exporter reads stub_status, which only the monitoring allow-list gets."""
    assert query('redis_up') == {'aura-cache1': 1.0}
    assert query('redis_exporter_last_scrape_error') == {'aura-cache1': 0.0}
    assert query('nginx_up') == {'aura-web1': 1.0}
    assert query('pg_up') == {'aura-db1': 1.0}
    secrets = yaml.safe_load(open(os.path.join(ROOT, 'inventories', 'lab', 'group_vars', 'all', 'secrets.yml')))

    def admin(*args):
        return lab_exec('aura-cache1', 'env', 'REDISCLI_AUTH=%s' % secrets['aura_redis_admin_password'], 'redis-cli',
                        '--no-auth-warning', '-s', '/run/redis/redis-server.sock', '--user', 'admin', *args).stdout.strip()
    assert admin('ACL', 'DRYRUN', 'prometheus', 'INFO') == 'OK'
    for command in (['GET', 'session:1'], ['KEYS', '*'], ['CONFIG', 'SET', 'maxmemory', '1'], ['FLUSHALL'],
                    ['ACL', 'LIST'], ['CLIENT', 'KILL', 'ID', '1'], ['MONITOR']):
        assert 'no permissions' in admin('ACL', 'DRYRUN', 'prometheus', *command), command
    refused = [line for line in admin('ACL', 'LOG').splitlines() if 'prometheus' in line]
    assert refused == [], 'the exporter ran a command it may not: %s' % admin('ACL', 'LOG')
    # stub_status: the loopback (the exporter) is on the allow-list; another address is not
    assert 'Active connections' in lab_exec('aura-web1', 'curl', '-fsS', 'http://127.0.0.1:8081/stub_status').stdout
    assert lab_exec('aura-mon1', 'curl', '-sS', '-o', '/dev/null', '-w', '%{http_code}', '--max-time', '5',
                    'http://172.30.80.10:8081/stub_status', ok=False).stdout in ('', '000'), \
        'stub_status listens on the loopback only'


def test_a_healthy_stack_pages_nobody_and_a_second_run_changes_nothing(monitored):
    clear_sink()
    with over_ssh(*LAB_HOSTS):
        rc, out, _report, _path = run_playbook('monitoring', *SSH)
    assert rc == 0 and set(changed_counts(out)) == {0}, out[-3000:]
    time.sleep(4)   # several evaluations and group waits at the lab's scale
    assert firing() == []
    assert received() == []


def test_a_stopped_database_pages_p0_escalates_and_resolves(monitored):
    unit = 'postgresql@%s-main' % lab_pg_major()
    clear_sink()
    started = time.monotonic()
    lab_exec('aura-db1', 'systemctl', 'stop', unit)
    try:
        wait_for('a P0 AuraDatabaseDown on the chat channel',
                 lambda: any('[P0] AuraDatabaseDown' in t for t in chat_titles(received())), 30)
        seconds = time.monotonic() - started
        records = received()
        pages = [r['body'] for r in records if r['channel'] == 'pagerduty']
        assert pages and pages[0]['event_action'] == 'trigger' and pages[0]['payload']['severity'] == 'critical', pages
        sms = [r['body'] for r in records if r['channel'] == 'sms']
        assert sms and {a['labels']['severity'] for a in sms[0]['alerts']} == {'P0'}, sms
        assert not [r for r in records if r['channel'] == 'email'], 'P0 is phone, SMS and chat, not mail'
        print('database down: P0 on chat, SMS and the pager %.1f s after the stop' % seconds)
        # Unanswered for 15 minutes (7.5 s at the lab's scale): the tech lead is told.
        wait_for('the escalation to the tech lead',
                 lambda: any('escalated: tech_lead' in t for t in chat_titles(received(), 'escalation')), 40)
        noise = [t for t in chat_titles(received()) if 'AuraApiLatencyHigh' in t or 'AuraErrorRateHigh' in t]
        assert noise == [], 'symptoms of the outage paged as well (inhibition): %s' % noise
    finally:
        lab_exec('aura-db1', 'systemctl', 'start', unit)
    wait_for('the resolve on the chat channel',
             lambda: any(t.startswith('[resolved] AuraDatabaseDown') for t in chat_titles(received())), 40)
    assert any(r['body'].get('event_action') == 'resolve' for r in received() if r['channel'] == 'pagerduty')
    # Health probes are not user traffic: the outage left no error rate and no spent budget behind.
    wait_for('no alert firing after the resolve', lambda: firing() == [], 30)
    wait_for('no alert active in Alertmanager', lambda: alertmanager_active() == [], 30)
    time.sleep(3)   # a group interval at the lab's scale: the last resolves are sent
    wait_for('a healthy stack again', lambda: stack_problems() == [], 60)


def slow_requests(seconds, ms, workers=8):
    """User requests the backend answers slowly (the lab's test route /api/slow, through nginx) for some seconds."""
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    deadline = time.monotonic() + seconds
    statuses = []

    def worker():
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen('https://127.0.0.1:8443/api/slow?ms=%d' % ms, timeout=10, context=context) as resp:
                    statuses.append(resp.status)
            except urllib.error.HTTPError as exc:
                statuses.append(exc.code)
            except OSError as exc:   # a refused or timed-out request is a failed one too
                statuses.append(repr(exc))
    threads = [threading.Thread(target=worker) for unused in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return statuses


@pytest.mark.exhaustive
def test_a_slow_backend_pages_p1_on_sms_chat_and_mail_and_resolves(monitored):
    """API P95 > 500 ms for 5 minutes (2.5 s at the lab's scale) is P1: SMS, chat and mail, not the phone."""
    clear_sink()
    started = time.monotonic()
    found = {}

    def paged():
        records = received()
        if any('[P1] AuraApiLatencyHigh' in t for t in chat_titles(records)):
            found.setdefault('seconds', time.monotonic() - started)
            return records
        return None
    statuses = []
    runner = threading.Thread(target=lambda: statuses.extend(slow_requests(12, 700)))
    runner.start()
    try:
        records = wait_for('a P1 AuraApiLatencyHigh on the chat channel', paged, 40)
    finally:
        runner.join()
    assert statuses and set(statuses) == {200}, 'slow, not failing: %s' % sorted(set(map(str, statuses)))
    print('slow backend (%d requests of 700 ms): P1 on chat, SMS and mail %.1f s after the first'
          % (len(statuses), found['seconds']))
    sms = [r['body'] for r in records if r['channel'] == 'sms']
    assert sms and {a['labels']['alertname'] for a in sms[0]['alerts']} == {'AuraApiLatencyHigh'}, sms
    assert {a['labels']['severity'] for a in sms[0]['alerts']} == {'P1'}
    wait_for('the P1 mail', lambda: [r for r in received() if r['channel'] == 'email'
                                     and 'AuraApiLatencyHigh' in json.dumps(r)], 20)
    assert not [r for r in received() if r['channel'] in ('pagerduty', 'opsgenie')], 'P1 does not ring the phone'
    wait_for('the resolve on the chat channel',
             lambda: any(t.startswith('[resolved] AuraApiLatencyHigh') for t in chat_titles(received())), 40)
    wait_for('no alert firing after the resolve', lambda: firing() == [], 30)


@pytest.mark.exhaustive
def test_a_full_disk_pages_p2_on_chat_and_mail_and_resolves(monitored):
    """Disk > 85 % for 30 minutes (15 s at the lab's scale) is P2: chat and mail, no SMS, no phone. The disk is the
    lab's own small filesystem on aura-mon1 (scripts/lab), filled with a real file and emptied again."""
    require(None if lab_exec('aura-mon1', 'mountpoint', '-q', '/srv/lab-disk', ok=False).returncode == 0
            else 'aura-mon1 has no /srv/lab-disk (a lab made before it: make lab-fresh)')
    fill = '/srv/lab-disk/fill'
    clear_sink()
    size = int(lab_exec('aura-mon1', 'df', '--output=size', '-B1', '/srv/lab-disk').stdout.split()[-1])
    started = time.monotonic()
    lab_exec('aura-mon1', 'fallocate', '-l', str(int(size * 0.92)), fill)
    try:
        used = lab_exec('aura-mon1', 'df', '--output=pcent', '/srv/lab-disk').stdout.split()[-1]
        wait_for('a P2 AuraDiskHigh on the chat channel', lambda: any('[P2] AuraDiskHigh' in t for t in chat_titles(received())), 60)
        print('full disk (%s used): P2 on chat %.1f s after the fill' % (used, time.monotonic() - started))
        wait_for('the P2 mail', lambda: [r for r in received() if r['channel'] == 'email' and 'AuraDiskHigh' in json.dumps(r)], 20)
        records = received()
        assert not [r for r in records if r['channel'] in ('sms', 'pagerduty', 'opsgenie')], 'P2 is chat and mail only'
        alert = [a for a in alertmanager_active() if a['labels']['alertname'] == 'AuraDiskHigh']
        assert alert and alert[0]['labels']['host'] == 'aura-mon1' and alert[0]['labels']['mountpoint'] == '/srv/lab-disk', alert
    finally:
        lab_exec('aura-mon1', 'rm', '-f', fill)
    wait_for('the resolve on the chat channel',
             lambda: any(t.startswith('[resolved] AuraDiskHigh') for t in chat_titles(received())), 40)
    wait_for('no alert firing after the resolve', lambda: firing() == [], 30)


def test_a_rollback_and_the_way_back_page_nobody(monitored):
    """A drained backend is not an outage: the zero-downtime switch in both directions sends nothing."""
    require(None if all(any(r['version'] == '1.0.0' for r in (lab_ledger(h) or {}).get('releases', []))
                        for h in ('aura-app1', 'aura-app2'))
            else '1.0.0 is not on the app hosts to roll back to (test_deploy_rollback.py deploys it first)')
    clear_sink()
    for release in ('1.0.0', '1.1.0'):
        with over_ssh('aura-app1', 'aura-app2', 'aura-web1'):
            rc, out, _report, _path = run_playbook('rollback', *SSH, '-e', 'rollback_to=%s' % release)
        assert rc == 0, out[-3000:]
    time.sleep(6)   # longer than the lab's latency and error-rate windows plus a group wait
    pages = [r for r in received() if r['channel'] in ('chat', 'sms', 'pagerduty', 'opsgenie')
             and not any(t.startswith('[resolved]') for t in chat_titles([r]))
             and (r['body'] or {}).get('event_action', 'trigger') == 'trigger'
             and (r['body'] or {}).get('status', 'firing') == 'firing']
    assert pages == [], pages
