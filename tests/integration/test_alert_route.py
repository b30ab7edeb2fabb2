"""alert_route pages by severity as the runbook says (P0: phone + SMS + chat; P1: SMS + chat + mail), delivering for
real to local sinks on 127.0.0.1 that stand in for PagerDuty's Events API v2, Opsgenie's Alert API, a Twilio-style
SMS API and a Slack webhook. Each payload is checked as the services document it; secrets never appear in the
result; a channel that fails is reported and does not stop the others; check mode sends nothing."""

import base64
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, unquote

import pytest

from fault_servers import run_module

ROUTING_KEY = 'R0123456789abcdef0123456789abcdef'
GENIE_KEY = 'genie-key-0123456789-not-a-secret'
SMS_TOKEN = 'sms-token-0123456789-not-a-secret'
SOURCE = 'auraflow.ops slo (test)'

# the public entry answers 503 (P0, availability); backend aura-app1 answers but its database is down (P0 db_connection,
# P1 backend_down); aura-app2 is healthy (ok checks: health_aura-app2 of class P1, db_connection_aura-app2 of class P0)
HEALTH = [{'name': 'nginx', 'scope': 'public', 'status': 503, 'body': {'status': 'error'}},
          {'name': 'aura-app1', 'scope': 'backend', 'status': 503, 'body': {'status': 'error', 'db': 'error', 'redis': 'ok'}},
          {'name': 'aura-app2', 'scope': 'backend', 'status': 200, 'body': {'status': 'ok', 'db': 'ok', 'redis': 'ok'}}]


class Sink(ThreadingHTTPServer):
    """Records every request; answers as the service would (PagerDuty 202, Opsgenie 202 / 404 for closing an alert it
    does not have, Twilio 201, Slack 200) - or 500 under /broken/."""

    def __init__(self):
        super().__init__(('127.0.0.1', 0), SinkHandler)
        self.requests = []
        self.open_aliases = set()
        self.thread = threading.Thread(target=self.serve_forever, daemon=True)

    @property
    def url(self):
        return 'http://127.0.0.1:%d' % self.server_address[1]

    def of(self, prefix):
        return [r for r in self.requests if r['path'].startswith(prefix)]


class SinkHandler(BaseHTTPRequestHandler):
    def log_message(self, *args):  # quiet
        pass

    def do_POST(self):  # noqa: N802 (http.server's naming)
        raw = self.rfile.read(int(self.headers.get('Content-Length') or 0)).decode('utf-8')
        ctype = self.headers.get('Content-Type', '')
        body = json.loads(raw) if ctype.startswith('application/json') else {k: v[0] for k, v in parse_qs(raw).items()}
        self.server.requests.append({'path': self.path, 'headers': dict(self.headers), 'content_type': ctype, 'body': body})
        status, answer = 200, {}
        if self.path.startswith('/broken/'):
            status, answer = 500, {'message': 'down for the test'}
        elif self.path == '/v2/enqueue':
            status, answer = 202, {'status': 'success', 'message': 'Event processed', 'dedup_key': body.get('dedup_key')}
        elif self.path == '/v2/alerts':
            self.server.open_aliases.add(body['alias'])
            status, answer = 202, {'result': 'Request will be processed', 'requestId': 'r1'}
        elif self.path.startswith('/v2/alerts/'):
            alias = unquote(self.path.split('/')[3].split('?')[0])
            status, answer = (202, {'result': 'Request will be processed'}) if alias in self.server.open_aliases \
                else (404, {'message': 'Alert does not exist'})
        elif self.path.endswith('/Messages.json'):
            status, answer = 201, {'sid': 'SM1', 'status': 'queued', 'to': body.get('To')}
        data = json.dumps(answer).encode()
        self.send_response(status)
        self.send_header('Content-Type', 'application/json')
        self.send_header('Content-Length', str(len(data)))
        self.end_headers()
        self.wfile.write(data)


@pytest.fixture()
def sink():
    server = Sink()
    server.thread.start()
    yield server
    server.shutdown()
    server.server_close()


def channels(sink, broken=()):
    def base(name):
        return sink.url + ('/broken' if name in broken else '')
    return {'pagerduty_routing_key': ROUTING_KEY, 'pagerduty_url': base('pagerduty') + '/v2/enqueue',
            'opsgenie_api_key': GENIE_KEY, 'opsgenie_url': base('opsgenie'),
            'sms_url': base('sms') + '/2010-04-01', 'sms_account_sid': 'AC0123', 'sms_auth_token': SMS_TOKEN,
            'sms_from': '+15005550006', 'sms_to': ['+15005550001', '+15005550002'],
            'webhook_url': base('webhook') + '/services/T0/B0/x', 'source': SOURCE}


def test_p0_pages_by_phone_sms_and_chat_as_each_service_documents(sink):
    result, proc = run_module('alert_route', dict(channels(sink), health=HEALTH))
    assert not result.get('failed'), result
    assert result['highest'] == 'P0' and result['changed'] is True
    assert {d['channel']: d['sent'] for d in result['deliveries']} == {'pagerduty': True, 'opsgenie': True, 'sms': True, 'webhook': True}
    for secret in (ROUTING_KEY, GENIE_KEY, SMS_TOKEN):
        assert secret not in json.dumps(result) and secret not in proc.stdout.replace(json.dumps(result), '')

    # PagerDuty Events API v2: one trigger per alerting check, keyed so that the next run updates it; a resolve for the
    # check of a paging class that is ok (db_connection_aura-app2)
    events = [r['body'] for r in sink.of('/v2/enqueue')]
    triggers = {e['dedup_key']: e for e in events if e['event_action'] == 'trigger'}
    assert set(triggers) == {'auraflow.ops/%s/%s' % (SOURCE, c) for c in ('health_nginx', 'db_connection_aura-app1')}
    for event in triggers.values():
        assert event['routing_key'] == ROUTING_KEY
        assert event['payload']['severity'] == 'critical' and event['payload']['source'] == SOURCE
        assert event['payload']['summary'].startswith('[P0] ') and len(event['payload']['summary']) <= 1024
    assert [e['dedup_key'] for e in events if e['event_action'] == 'resolve'] == ['auraflow.ops/%s/db_connection_aura-app2' % SOURCE]
    assert all(r['content_type'] == 'application/json' for r in sink.of('/v2/enqueue'))

    # Opsgenie Alert API: GenieKey authorization, alias = the dedup key, priority P1 for P0; closing an alert it does
    # not have (404) is not a failure
    created = sink.of('/v2/alerts')
    creates = [r for r in created if r['path'] == '/v2/alerts']
    assert {r['body']['alias'] for r in creates} == set(triggers)
    for request in creates:
        assert request['headers']['Authorization'] == 'GenieKey ' + GENIE_KEY
        assert request['body']['priority'] == 'P1' and len(request['body']['message']) <= 130
    closes = [r for r in created if '/close' in r['path']]
    assert len(closes) == 1 and closes[0]['path'].endswith('/close?identifierType=alias')

    # SMS, Twilio-style: a form POST per number with basic auth of the account
    sms = sink.of('/2010-04-01/Accounts/AC0123/Messages.json')
    assert [r['body']['To'] for r in sms] == ['+15005550001', '+15005550002']
    for request in sms:
        assert request['content_type'] == 'application/x-www-form-urlencoded'
        assert request['headers']['Authorization'] == 'Basic ' + base64.b64encode(('AC0123:' + SMS_TOKEN).encode()).decode()
        assert request['body']['From'] == '+15005550006' and request['body']['Body'].startswith('[P0] %s: ' % SOURCE)
        assert len(request['body']['Body']) <= 1600

    # chat: P0 and P1 (the backend down) in one message; e-mail is not P0's channel and not configured here
    (hook,) = sink.of('/services/')
    assert hook['body']['text'].startswith('[P0] ') and 'P1 health_aura-app1 [backend_down]' in hook['body']['text']
    assert result['unconfigured'] == ['email']


def test_a_failing_channel_is_reported_and_the_others_still_go(sink):
    result, dummy = run_module('alert_route', dict(channels(sink, broken=('pagerduty',)), health=HEALTH))
    deliveries = {d['channel']: d for d in result['deliveries']}
    assert deliveries['pagerduty']['sent'] is False and 'HTTP Error 500' in deliveries['pagerduty']['error']
    assert all(deliveries[c]['sent'] for c in ('opsgenie', 'sms', 'webhook'))
    assert any('pagerduty delivery failed' in w for w in result.get('warnings', []))
    assert sink.of('/v2/alerts') and sink.of('/services/')


def test_when_everything_is_ok_the_open_incidents_resolve_and_nothing_else_is_sent(sink):
    healthy = [dict(h, status=200, body={'status': 'ok', 'db': 'ok', 'redis': 'ok'}) for h in HEALTH]
    result, dummy = run_module('alert_route', dict(channels(sink), health=healthy))
    assert result['highest'] is None and result['changed'] is False
    resolves = [r['body'] for r in sink.of('/v2/enqueue')]
    assert {e['event_action'] for e in resolves} == {'resolve'}
    resolved = {e['dedup_key'].rsplit('/', 1)[1] for e in resolves}
    assert resolved == {'health_nginx', 'db_connection_nginx', 'db_connection_aura-app1', 'db_connection_aura-app2'}
    assert not sink.of('/2010-04-01') and not sink.of('/services/') and not [r for r in sink.of('/v2/alerts') if r['path'] == '/v2/alerts']


def test_check_mode_routes_but_sends_nothing(sink):
    result, dummy = run_module('alert_route', dict(channels(sink), health=HEALTH), check_mode=True)
    assert result['changed'] is True and sink.requests == []
    assert {d['channel'] for d in result['deliveries']} == {'pagerduty', 'opsgenie', 'sms', 'webhook'}
    assert not any(d['sent'] for d in result['deliveries'])
