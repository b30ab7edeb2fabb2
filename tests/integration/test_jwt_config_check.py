"""auraflow.ops.jwt_config_check against real JWT servers on 127.0.0.1 and against the reference backend.

Every live finding id has a server in fault_servers.JWT_SERVERS with exactly that fault; the config
findings come from real .env files. Clean setups must report nothing above info. The secret, the
tokens and the login password must never appear in the output, at any verbosity.

The module file is executed directly, as Ansible runs it on the target (fault_servers.run_module); the
real ansible CLI runs what only the wrapper shows: check mode, the no_log masking at high verbosity
(and in a playbook), argument-spec errors, one passing and one failing check.
"""

import json
import subprocess

import pytest

from conftest import require
from fault_servers import (
    ANSIBLE_PLAYBOOK,
    JWT_SERVERS,
    JWT_VARIANTS,
    ROOT,
    STRONG_SECRET,
    USER,
    ReferenceBackend,
    ansible_env,
    backend_available,
    free_port,
    issue,
    jwt_server,
    run_module,
    run_verbose,
)

EXPECTED = {
    'alg_none_accepted': 'critical',
    'signature_not_verified': 'critical',
    'weak_secret_signature': 'critical',
    'expired_token_accepted': 'high',
    'wrong_key_accepted': 'critical',
    'clock_skew': 'medium',
    'valid_token_rejected': 'high',
    'lifetime_too_long': 'medium',
    'lifetime_missing': 'high',
    'alg_not_allowed': 'high',
}


def check(check_mode=False, via_ansible=None, **args):
    return run_module('jwt_config_check', args, check_mode=check_mode, via_ansible=via_ansible)


def live(srv, via_ansible=None, **args):
    params = {'url': srv.url('/me'), 'login_url': srv.url('/login'), 'login_body': USER}
    params.update(args)
    return check(via_ansible=via_ansible, **params)


def above_info(result):
    return sorted(f['id'] for f in result['findings'] if f['severity'] != 'info')


def env_file(tmp_path, **values):
    path = tmp_path / '.env'
    path.write_text(''.join('%s=%s\n' % item for item in values.items()))
    path.chmod(0o600)
    return str(path)


# -- live checks, one fault per server -----------------------------------------------------------

def test_every_live_finding_id_has_a_fault_server():
    assert set(EXPECTED) == set(JWT_SERVERS) - {'clean'} - set(JWT_VARIANTS)


@pytest.mark.parametrize('name', sorted(JWT_VARIANTS))
def test_the_root_cause_is_named(name):
    with jwt_server(name) as srv:
        res, dummy = live(srv, fail_on='none')
    assert above_info(res) == [JWT_VARIANTS[name]], res['findings']
    evidence = res['findings'][0]['evidence']
    if name == 'empty_signature_skipped':
        # the unsigned alg-none tokens it let in too are explained by the skipped verification
        assert evidence['probe'] == 'empty_signature' and evidence['also_accepted'] == ['none:NONE', 'none:None', 'none:nOnE', 'none:none']
    else:
        assert evidence['probe'] == 'none_signed' and evidence['variants'] == ['none (signature kept)']


def test_a_cracked_common_word_secret_keeps_the_ids_intact(tmp_path):
    # "secret" is a wordlist word and a no_log value: Ansible's masking used to turn the finding id into
    # weak_********_signature, which fail_on, when: and AWX cannot match
    with jwt_server('clean') as srv:
        srv.policy.secret = srv.policy.verify_secret = 'secret'
        res, proc = live(srv, via_ansible=True)
        assert proc.returncode != 0
        assert 'weak_secret_signature' in [f['id'] for f in res['findings']]
        assert res['summary']['ids']['weak_secret_signature'] == 'critical' and 'weak_secret_signature (critical)' in res['msg']
        out, dummy = run_verbose('jwt_config_check', {'url': srv.url('/me'), 'login_url': srv.url('/login'), 'login_body': USER,
                                                      'fail_on': 'none'})
        assert 'weak_secret_signature' in out and 'weak_********' not in out
    res, dummy = check(env_file=env_file(tmp_path, JWT_SECRET='secret', JWT_EXPIRES_IN='15m'), fail_on='none', via_ansible=True)
    assert sorted(f['id'] for f in res['findings']) == ['secret_in_wordlist', 'secret_low_entropy', 'secret_too_short']
    res, dummy = check(secret='secret', expires_in='15m', fail_on='none', via_ansible=True)
    assert sorted(f['id'] for f in res['findings']) == ['secret_in_wordlist', 'secret_low_entropy', 'secret_too_short']
    assert all('********' not in f['message'] for f in res['findings'])


def test_a_cracked_secret_is_never_printed(tmp_path):
    unique = 'Quokka-Marmalade-4711'
    with jwt_server('clean') as srv:
        srv.policy.secret = srv.policy.verify_secret = unique
        out, proc = run_verbose('jwt_config_check', {'url': srv.url('/me'), 'login_url': srv.url('/login'), 'login_body': USER,
                                                     'wordlist': ['nothing', unique], 'fail_on': 'none'})
    assert proc.returncode == 0 and 'weak_secret_signature' in out
    # the wordlist option carries it too: shown masked like any value the module knows is secret
    assert_no_leak(out, unique, USER['password'])


@pytest.mark.parametrize('fault', sorted(EXPECTED))
def test_one_fault_is_found_and_nothing_else(fault):
    with jwt_server(fault) as srv:
        # the expired-token check needs the secret (to sign a token that is valid but for "exp")
        extra = {'secret': srv.policy.secret, 'expires_in': '15m'} if fault == 'expired_token_accepted' else {}
        res, proc = live(srv, via_ansible=fault == 'alg_none_accepted', **extra)  # one failing check through the CLI
        seen = list(srv.seen)
    assert above_info(res) == [fault], res['findings']
    finding = res['findings'][0]
    assert finding['severity'] == EXPECTED[fault] and finding['message'] and isinstance(finding['evidence'], dict)
    assert res['changed'] is False
    failing = EXPECTED[fault] in ('high', 'critical')
    assert res['ok'] is not failing and (proc.returncode != 0) is failing
    assert res['probes'] == len([s for s in seen if s[1] == '/me'])
    assert res['token']['alg'] in ('HS256', 'HS512') and res['token']['source'] == 'login'


def test_fault_details():
    with jwt_server('alg_none_accepted') as srv:
        res, dummy = live(srv, fail_on='none')
    assert res['findings'][0]['evidence']['variants'] == ['NONE', 'None', 'nOnE', 'none', 'none (signature kept)']
    with jwt_server('wrong_key_accepted') as srv:
        res, dummy = live(srv, fail_on='none')
    assert res['findings'][0]['evidence']['keys'] == ['empty']
    with jwt_server('clock_skew') as srv:
        res, dummy = live(srv, fail_on='none')
    assert 175 <= res['clock_skew'] <= 181 and res['findings'][0]['evidence']['max_clock_skew'] == 30
    with jwt_server('clock_skew') as srv:
        res, dummy = live(srv, max_clock_skew='5m')
    assert above_info(res) == [] and 175 <= res['clock_skew'] <= 181
    with jwt_server('valid_token_rejected') as srv:
        res, dummy = live(srv, fail_on='none')
    assert res['probes'] == 2 and any('forged tokens' in n for n in res['not_run'])
    with jwt_server('weak_secret_signature') as srv:
        res, dummy = live(srv, fail_on='none')
    # cracked: the secret is then known, so the expired-token check ran too (and passed)
    assert res['not_run'] == [] and res['probes'] == 13


def test_clean_server_login_only():
    with jwt_server('clean') as srv:
        res, proc = live(srv, via_ansible=True)  # the passing check through the CLI
    assert proc.returncode == 0 and res['ok'] is True and res['findings'] == []
    assert res['token'] == {'alg': 'HS256', 'typ': 'JWT', 'has_exp': True, 'lifetime': 900, 'expires_in': res['token']['expires_in'],
                            'claims': ['email', 'exp', 'iat', 'sub'], 'header_fields': ['alg', 'typ'], 'source': 'login'}
    assert 890 <= res['token']['expires_in'] <= 900
    assert res['not_run'] == ['expired_token_accepted: the secret is unknown (give secret or env_file)']
    assert res['clock_skew'] == 0.0 and res['config'] == {}


def test_clean_server_with_secret_token_and_check_mode():
    with jwt_server('clean') as srv:
        token = srv.policy.token()
        res, proc = check(check_mode=True, url=srv.url('/me'), token=token, secret=srv.policy.secret, expires_in='15m')
    assert proc.returncode == 0 and res['findings'] == [] and res['not_run'] == [] and res['changed'] is False
    assert res['token']['source'] == 'parameter' and res['token']['verifies_with_configured_secret'] is True
    assert res['config'] == {'source': 'secret', 'alg': 'HS256', 'secret_length_bytes': len(STRONG_SECRET), 'lifetime': 900}


def test_token_field_with_a_dotted_path():
    with jwt_server('clean') as srv:
        res, proc = live(srv, token_field='data.access_token')
        assert proc.returncode == 0 and res['findings'] == []
        res, proc = live(srv, token_field='nope')
    assert proc.returncode != 0 and "no string field 'nope'" in res['msg']


def test_configured_secret_differs_from_the_servers():
    # .env changed but the backend was not restarted (or another host has another .env)
    with jwt_server('clean') as srv:
        res, proc = live(srv, secret='another-' + STRONG_SECRET, expires_in='15m')
    assert proc.returncode != 0 and above_info(res) == ['valid_token_rejected']
    assert res['findings'][0]['evidence']['key_source'] == 'secret'
    assert res['token']['verifies_with_configured_secret'] is False


def test_expired_check_needs_the_secret():
    with jwt_server('expired_token_accepted') as srv:
        res, proc = live(srv)
    assert proc.returncode == 0 and above_info(res) == []
    assert res['not_run'] == ['expired_token_accepted: the secret is unknown (give secret or env_file)']


# -- config checks from a real .env file ---------------------------------------------------------

@pytest.mark.parametrize('values, expected', [
    ({'JWT_SECRET': STRONG_SECRET, 'JWT_EXPIRES_IN': '15m'}, []),
    ({'JWT_SECRET': STRONG_SECRET, 'JWT_EXPIRES_IN': '1h', 'JWT_ALGORITHM': 'HS256'}, []),
    ({'JWT_EXPIRES_IN': '15m'}, [('secret_missing', 'critical')]),
    ({'JWT_SECRET': '', 'JWT_EXPIRES_IN': '15m'}, [('secret_missing', 'critical')]),
    ({'JWT_SECRET': 'changeme', 'JWT_EXPIRES_IN': '15m'},
     [('secret_in_wordlist', 'critical'), ('secret_low_entropy', 'high'), ('secret_too_short', 'high')]),
    # words an attacker tries first (it was medium: 12 bits a word)
    ({'JWT_SECRET': 'change-me-to-a-long-random-string', 'JWT_EXPIRES_IN': '15m'},
     [('secret_in_wordlist', 'critical'), ('secret_low_entropy', 'high')]),
    ({'JWT_SECRET': STRONG_SECRET[:20], 'JWT_EXPIRES_IN': '15m'}, [('secret_too_short', 'high'), ('secret_low_entropy', 'medium')]),
    ({'JWT_SECRET': STRONG_SECRET[:31], 'JWT_EXPIRES_IN': '15m'}, [('secret_too_short', 'high')]),
    ({'JWT_SECRET': 'ab' * 24, 'JWT_EXPIRES_IN': '15m'}, [('secret_low_entropy', 'high')]),
    ({'JWT_SECRET': STRONG_SECRET}, [('lifetime_missing', 'medium')]),
    ({'JWT_SECRET': STRONG_SECRET, 'JWT_EXPIRES_IN': 'soon'}, [('lifetime_missing', 'high')]),
    ({'JWT_SECRET': STRONG_SECRET, 'JWT_EXPIRES_IN': '24h'}, [('lifetime_too_long', 'low')]),
    ({'JWT_SECRET': STRONG_SECRET, 'JWT_EXPIRES_IN': '7d'}, [('lifetime_too_long', 'medium')]),
    ({'JWT_SECRET': STRONG_SECRET + STRONG_SECRET, 'JWT_EXPIRES_IN': '15m', 'JWT_ALGORITHM': 'HS512'}, [('alg_not_allowed', 'high')]),
    ({'JWT_SECRET': STRONG_SECRET, 'JWT_EXPIRES_IN': '15m', 'JWT_ALGORITHM': 'none'}, [('alg_not_allowed', 'critical')]),
])
def test_env_file_findings(tmp_path, values, expected):
    res, proc = check(env_file=env_file(tmp_path, **values), fail_on='none')
    assert proc.returncode == 0 and res['changed'] is False
    assert sorted((f['id'], f['severity']) for f in res['findings']) == sorted(expected), res['findings']
    assert res['config']['source'] == 'env_file' and res['token'] == {} and res['probes'] == 0


def test_env_file_fails_the_gate_and_quoted_values(tmp_path):
    res, proc = check(env_file=env_file(tmp_path, JWT_SECRET='"your-secret-key"', JWT_EXPIRES_IN='15m'))
    assert proc.returncode != 0 and res['failed'] is True and res['ok'] is False
    assert 'secret_in_wordlist (critical)' in res['msg']
    # HS512 allowed: the key must then be 64 bytes
    res, proc = check(env_file=env_file(tmp_path, JWT_SECRET=STRONG_SECRET, JWT_EXPIRES_IN='15m', JWT_ALGORITHM='HS512'),
                      algorithms=['HS256', 'HS512'])
    assert above_info(res) == ['secret_too_short'] and res['findings'][0]['evidence']['min_bytes'] == 64


def test_expires_in_parameter_and_wordlist(tmp_path):
    res, dummy = check(env_file=env_file(tmp_path, JWT_SECRET=STRONG_SECRET), expires_in='30m')
    assert res['findings'] == [] and res['config']['lifetime'] == 1800
    res, dummy = check(env_file=env_file(tmp_path, JWT_SECRET=STRONG_SECRET, JWT_EXPIRES_IN='15m'), expires_in='7d')
    assert res['findings'] == []  # the file wins
    res, dummy = check(secret=STRONG_SECRET, expires_in='15m', wordlist=[STRONG_SECRET], fail_on='none')
    assert above_info(res) == ['secret_in_wordlist'] and res['findings'][0]['evidence']['wordlist'] == 'wordlist option'
    res, dummy = check(secret=STRONG_SECRET, expires_in='2h', max_lifetime='1h', fail_on='none')
    assert [(f['id'], f['severity']) for f in res['findings']] == [('lifetime_too_long', 'medium')]


@pytest.mark.parametrize('args, message', [
    ({'fail_on': 'high'}, 'give secret or env_file'),
    ({'url': 'http://127.0.0.1:9/me'}, 'url needs token or login_url'),
    ({'secret': STRONG_SECRET, 'env_file': '/nonexistent/.env'}, 'mutually exclusive: secret|env_file'),
    ({'env_file': '/nonexistent/.env'}, 'env_file: /nonexistent/.env does not exist'),
    ({'secret': STRONG_SECRET, 'expires_in': 'soon'}, 'expires_in: not a duration'),
    ({'secret': STRONG_SECRET, 'max_lifetime': 'forever'}, 'max_lifetime: not a duration'),
    ({'url': 'http://127.0.0.1:9/me', 'token': 'not-a-jwt'}, 'token: the token is not a compact JWT'),
    ({'url': 'http://127.0.0.1:9/me', 'login_url': 'http://127.0.0.1:9/login'}, 'login_body'),
    ({'url': 'gopher://x/me', 'token': 'a.b.c'}, 'url: invalid URL'),
])
def test_bad_input_fails_cleanly(args, message):
    # argument-spec errors (mutually_exclusive, required_together) as the user sees them, through the CLI
    res, proc = check(via_ansible=message in ('mutually exclusive: secret|env_file', 'login_body'), **args)
    assert proc.returncode != 0 and res['failed'] is True
    assert message in res['msg'], res['msg']


def test_live_preconditions():
    with jwt_server('clean') as srv:
        res, proc = live(srv, login_body={'email': USER['email'], 'password': 'wrong'})
        assert proc.returncode != 0 and 'login_url answered 401' in res['msg']
        res, proc = live(srv, url=srv.url('/open'))
        assert proc.returncode != 0 and 'not a protected endpoint' in res['msg']
        old = issue({'sub': '42', 'iat': 1000, 'exp': 2000}, srv.policy.secret)
        res, proc = check(url=srv.url('/me'), token=old)
        assert proc.returncode != 0 and 'the given token expired' in res['msg']
    res, proc = check(url='http://127.0.0.1:%d/me' % free_port(), login_url='http://127.0.0.1:9/login', login_body=USER)
    assert proc.returncode != 0 and 'login_url: connection refused' in res['msg']


# -- no secret, token or password in any output --------------------------------------------------

def assert_no_leak(text, *values):
    for value in values:
        assert value not in text, 'leaked a sensitive value in the output'


def test_vvvvvv_leaks_nothing(tmp_path):
    password = USER['password']
    with jwt_server('clean') as srv:
        token = srv.policy.token()
        payload = token.split('.')[1]
        out, proc = run_verbose('jwt_config_check', {'url': srv.url('/me'), 'token': token, 'secret': STRONG_SECRET, 'expires_in': '15m'})
        assert proc.returncode == 0 and 'verifies_with_configured_secret' in out
        assert_no_leak(out, STRONG_SECRET, token, payload, token.split('.')[2])
        path = env_file(tmp_path, JWT_SECRET=STRONG_SECRET, JWT_EXPIRES_IN='15m')
        out, proc = run_verbose('jwt_config_check', {'url': srv.url('/me'), 'login_url': srv.url('/login'), 'login_body': USER,
                                                     'env_file': path})
        assert proc.returncode == 0 and 'secret_length_bytes' in out
        assert_no_leak(out, STRONG_SECRET, password, payload)
        # a failing run (wrong secret: findings, fail_json) and a broken one (unreachable URL)
        out, proc = run_verbose('jwt_config_check', {'url': srv.url('/me'), 'token': token, 'secret': 'other-' + STRONG_SECRET,
                                                     'expires_in': '15m'})
        assert proc.returncode != 0 and 'valid_token_rejected' in out
        assert_no_leak(out, STRONG_SECRET, token, payload)
    out, proc = run_verbose('jwt_config_check', {'url': 'http://127.0.0.1:%d/me' % free_port(), 'token': token, 'env_file': path})
    assert proc.returncode != 0 and 'connection refused' in out
    assert_no_leak(out, STRONG_SECRET, token, payload)


def test_weak_secret_from_env_file_is_masked_too(tmp_path):
    # read on the target, not a module parameter: the module registers it as a no_log value itself
    weak = 'Changeme2024!'
    out, proc = run_verbose('jwt_config_check', {'env_file': env_file(tmp_path, JWT_SECRET=weak, JWT_EXPIRES_IN='15m'), 'fail_on': 'none'})
    assert proc.returncode == 0 and 'secret_in_wordlist' in out and 'with affixes' in out
    assert_no_leak(out, weak, 'changeme2024', 'Changeme')


def test_playbook_vvvv_with_invocation_leaks_nothing(tmp_path):
    with jwt_server('weak_secret_signature') as srv:
        playbook = tmp_path / 'jwt.yml'
        playbook.write_text(json.dumps([{
            'name': 'jwt', 'hosts': 'localhost', 'connection': 'local', 'gather_facts': False,
            'vars': {'jwt_secret': STRONG_SECRET, 'login_password': USER['password'],
                     'ansible_python_interpreter': '{{ ansible_playbook_python }}'},
            'tasks': [{'name': 'check', 'auraflow.ops.jwt_config_check': {
                'url': srv.url('/me'), 'login_url': srv.url('/login'), 'secret': '{{ jwt_secret }}', 'expires_in': '15m',
                'login_body': {'email': USER['email'], 'password': '{{ login_password }}'}, 'fail_on': 'none'}}],
        }]))
        # INJECT_INVOCATION puts the module arguments into the result, the JSON callback shows everything
        env = dict(ansible_env(json_output=True), ANSIBLE_INJECT_INVOCATION='1')
        proc = subprocess.run([ANSIBLE_PLAYBOOK, '-vvvv', '-i', 'localhost,', str(playbook)], cwd=ROOT, env=env,
                              capture_output=True, text=True, timeout=300, check=False)
    out = proc.stdout + proc.stderr
    assert proc.returncode == 0, out
    assert 'weak_secret_signature' in out and 'VALUE_SPECIFIED_IN_NO_LOG_PARAMETER' in out  # the invocation is shown, masked
    # the server's real secret is a wordlist entry (cracked); neither it nor the given one may show
    assert_no_leak(out, STRONG_SECRET, USER['password'], 'your-secret-key')


# -- the real reference backend ------------------------------------------------------------------

BACKEND_SECRET = 'Rb7-fQ2xLm9Tz4Wc8Kv1Hn6Ps3Dy0Ga5Ej' + 'U2oI8'
DEMO = {'email': 'demo@aura-flow.local', 'password': 'aura-demo-2024'}


def _backend(env):
    reason = backend_available()
    require(reason and 'reference backend cannot run here: %s' % reason)
    return ReferenceBackend(env)


@pytest.fixture(scope='module')
def backend():
    with _backend({'JWT_SECRET': BACKEND_SECRET, 'JWT_EXPIRES_IN': '15m', 'CORS_ORIGIN': 'https://app.aura-flow.test'}) as srv:
        yield srv


def test_reference_backend_is_clean(backend):
    res, proc = check(env_file=backend.env_file, url=backend.url('/api/me'), login_url=backend.url('/api/auth/login'), login_body=DEMO)
    assert proc.returncode == 0 and res['ok'] is True and res['findings'] == [], res
    assert res['not_run'] == [] and res['probes'] == 13  # two more forged tokens: the empty signature, alg none with the signature kept
    assert res['token']['alg'] == 'HS256' and res['token']['lifetime'] == 900 and res['token']['verifies_with_configured_secret'] is True
    assert res['config']['lifetime'] == 900 and abs(res['clock_skew']) <= 1


def test_reference_backend_live_only_and_config_only(backend):
    res, proc = check(url=backend.url('/api/me'), login_url=backend.url('/api/auth/login'), login_body=DEMO)
    assert proc.returncode == 0 and res['findings'] == [] and res['probes'] == 11
    res, proc = check(env_file=backend.env_file)
    assert proc.returncode == 0 and res['findings'] == [] and res['probes'] == 0


def test_reference_backend_with_a_stale_secret(backend, tmp_path):
    # the .env on disk was changed, the running backend still uses the old secret
    text = open(backend.env_file).read().replace(BACKEND_SECRET, 'New-' + BACKEND_SECRET)
    stale = tmp_path / '.env'
    stale.write_text(text)
    res, proc = check(env_file=str(stale), url=backend.url('/api/me'), login_url=backend.url('/api/auth/login'), login_body=DEMO)
    assert proc.returncode != 0 and above_info(res) == ['valid_token_rejected']
    assert res['token']['verifies_with_configured_secret'] is False


def test_reference_backend_with_a_weak_setup():
    with _backend({'JWT_SECRET': 'changeme', 'JWT_EXPIRES_IN': '7d', 'CORS_ORIGIN': 'https://app.aura-flow.test'}) as weak:
        res, proc = check(url=weak.url('/api/me'), login_url=weak.url('/api/auth/login'), login_body=DEMO)
        assert proc.returncode != 0
        assert [(f['id'], f['severity']) for f in res['findings']] == [('weak_secret_signature', 'critical'),
                                                                       ('lifetime_too_long', 'medium')]
        assert res['not_run'] == []  # cracked, so the expired-token check ran (the backend refuses expired tokens)
        res, proc = check(env_file=weak.env_file, url=weak.url('/api/me'), login_url=weak.url('/api/auth/login'), login_body=DEMO,
                          fail_on='none')
        assert above_info(res) == ['lifetime_too_long', 'secret_in_wordlist', 'secret_low_entropy', 'secret_too_short',
                                   'weak_secret_signature']
        merged = [f for f in res['findings'] if f['id'] == 'lifetime_too_long'][0]
        assert merged['evidence']['source'] in ('JWT_EXPIRES_IN', 'token') and len(merged['evidence']['also']) == 1
        assert 'changeme' not in json.dumps(res)
