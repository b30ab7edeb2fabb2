"""Real HTTP servers on 127.0.0.1 with exactly one CORS or JWT fault each, and the reference backend.

For the cors_audit and jwt_config_check integration tests. Every server here is a
``http.server.ThreadingHTTPServer`` (HTTP/1.1 keep-alive) in a background thread; use them as
context managers and ``.url(path)``.

* ``cors_server(name)``: one of ``CORS_SERVERS`` - the clean policies (``clean``: exact whitelist
  with credentials, like the reference backend; ``clean_generous``: the same granting PATCH and
  OPTIONS too; ``clean_minimal``: granting only GET and POST; ``clean_port_prefix``: a prefix test on
  origins with a port; ``clean_public``: ``*`` on a public resource), one server per finding id with
  exactly that fault (see the table's comments), and ``preflight_<id>`` with the fault only in OPTIONS.
* ``jwt_server(name)``: one of ``JWT_SERVERS`` - ``clean`` and one server per live finding id.
  ``POST /login`` (JSON ``{"email", "password"}``) issues a token, ``GET /me`` needs it, ``GET /open``
  needs nothing. The JWT code here is written independently of plugins/module_utils/jwt.py on
  purpose (a shared bug would hide itself).
* ``ReferenceBackend``: tests/app/backend (node) with a throwaway PostgreSQL cluster and
  redis-server on loopback, migrated and seeded, as tests/app/run-tests.sh does.
"""

import base64
import hashlib
import hmac
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
import urllib.request
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BACKEND = os.path.join(ROOT, 'tests', 'app', 'backend')

ALLOWED = ('https://app.example.com', 'http://localhost:5173')
STAGING = 'https://staging.example.com'
ALLOWED_PORTS = ('https://app.example.com:8443', 'http://localhost:5173')
USER = {'email': 'ops@example.com', 'password': 'correct horse battery staple'}
STRONG_SECRET = 'q7N2v9Lk4xR8pT1wZ6cY3bH5mJ0sD8fG2aE4uW7iO9'  # fixed random-looking test value, 42 bytes


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(('127.0.0.1', 0))
        return sock.getsockname()[1]


class Request:
    """What an app sees: method, path, headers (case-insensitive get), body bytes."""

    def __init__(self, method, path, headers, body):
        self.method = method
        self.path = path
        self.headers = headers
        self.body = body

    def header(self, name):
        return self.headers.get(name)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = 'HTTP/1.1'
    server_version = 'fault-server/1'

    def log_message(self, *args):  # quiet
        pass

    def date_time_string(self, timestamp=None):
        return formatdate((timestamp or time.time()) + self.server.date_skew, usegmt=True)

    def _handle(self):
        length = int(self.headers.get('Content-Length') or 0)
        body = self.rfile.read(length) if length else b''
        req = Request(self.command, self.path.split('?', 1)[0], self.headers, body)
        self.server.seen.append((req.method, req.path, req.header('Origin')))
        status, headers, payload = self.server.app(req)
        if isinstance(payload, (dict, list)):
            payload = json.dumps(payload).encode()
            headers = list(headers) + [('Content-Type', 'application/json')]
        payload = payload or b''
        self.send_response(status)
        for name, value in headers:
            self.send_header(name, value)
        self.send_header('Content-Length', str(len(payload)))
        self.end_headers()
        if self.command != 'HEAD':
            self.wfile.write(payload)

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = do_OPTIONS = do_HEAD = _handle

    def handle_one_request(self):
        # any method (also made-up ones) goes to the app
        try:
            super().handle_one_request()
        except ConnectionError:
            self.close_connection = True

    def __getattr__(self, name):
        if name.startswith('do_'):
            return self._handle
        raise AttributeError(name)


class LocalServer:
    """``app(Request) -> (status, [(name, value)], body)`` served on 127.0.0.1:<free port>."""

    def __init__(self, app, date_skew=0.0):
        self.app = app
        self.date_skew = date_skew
        self.httpd = None
        self.thread = None

    def __enter__(self):
        self.httpd = ThreadingHTTPServer(('127.0.0.1', 0), _Handler)
        self.httpd.daemon_threads = True
        self.httpd.app = self.app
        self.httpd.date_skew = self.date_skew
        self.httpd.seen = []
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={'poll_interval': 0.05}, daemon=True)
        self.thread.start()
        return self

    def __exit__(self, *exc_info):
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(10)

    @property
    def port(self):
        return self.httpd.server_address[1]

    @property
    def seen(self):
        return self.httpd.seen

    def url(self, path='/'):
        return 'http://127.0.0.1:%d%s' % (self.port, path)


# ------------------------------------------------------------------------------------------------
# CORS
# ------------------------------------------------------------------------------------------------

def cors_app(allow, credentials=True, vary=True, wildcard=False, methods='GET, POST, PUT, DELETE',
             headers='Authorization, Content-Type', reflect_preflight=False, auth_required=True, preflight_allow=None):
    """A JSON API with a CORS policy: ``allow(origin) -> bool`` decides (``preflight_allow`` instead for
    OPTIONS when given: loose matching that lives only in the preflight handler); the options set the rest."""

    def app(req):
        origin = req.header('Origin')
        out = []
        if vary:
            out.append(('Vary', 'Origin'))
        decide = preflight_allow if req.method == 'OPTIONS' and preflight_allow is not None else allow
        allowed = wildcard or (origin is not None and decide(origin))
        if wildcard:
            out.append(('Access-Control-Allow-Origin', '*'))
        elif allowed:
            out.append(('Access-Control-Allow-Origin', origin))
        if allowed and credentials:
            out.append(('Access-Control-Allow-Credentials', 'true'))
        if req.method == 'OPTIONS':
            if allowed:
                if reflect_preflight:
                    asked_m = req.header('Access-Control-Request-Method') or 'GET'
                    asked_h = req.header('Access-Control-Request-Headers') or ''
                    out.append(('Access-Control-Allow-Methods', asked_m))
                    if asked_h:
                        out.append(('Access-Control-Allow-Headers', asked_h))
                else:
                    out.append(('Access-Control-Allow-Methods', methods))
                    out.append(('Access-Control-Allow-Headers', headers))
                out.append(('Access-Control-Max-Age', '600'))
            return 204, out, b''
        if auth_required and not req.header('Authorization'):
            return 401, out, {'error': 'unauthorized'}
        return 200, out, {'items': []}

    return app


def _exact(whitelist):
    return lambda origin: origin in whitelist


def _suffix(origin):
    # the classic bug: origin.endsWith('example.com'), scheme checked
    return origin in ALLOWED or (origin.startswith('https://') and origin.endswith('example.com'))


def _subdomains(origin):
    # "*.example.com" trusted (plus the exact whitelist)
    return origin in ALLOWED or re.fullmatch(r'https://([a-z0-9-]+\.)+example\.com', origin) is not None


def _no_scheme(origin):
    # compares host[:port] only: the http:// twin of an https origin passes
    return origin.split('://', 1)[-1] in [a.split('://', 1)[1] for a in ALLOWED]


CORS_SERVERS = {
    # clean policies: nothing above info
    'clean': dict(allow=_exact(ALLOWED)),
    # grants only the CORS-safelisted methods it serves: nothing the user declared is refused
    'clean_minimal': dict(allow=_exact(ALLOWED), methods='GET, POST'),
    # a prefix test on origins written with a port (^https://app\.example\.com:8443): no origin a browser can
    # send extends a port but with more digits, i.e. another port of the same host
    'clean_port_prefix': dict(allow=lambda o: any(o.startswith(a) for a in ALLOWED_PORTS)),
    'clean_generous': dict(allow=_exact(ALLOWED), methods='GET, POST, PUT, PATCH, DELETE, OPTIONS'),
    'clean_public': dict(allow=lambda o: True, wildcard=True, credentials=False, auth_required=False, vary=False),
    # one fault each
    'origin_reflected': dict(allow=lambda o: True),
    'null_origin_allowed': dict(allow=lambda o: o in ALLOWED or o == 'null'),
    'prefix_match': dict(allow=lambda o: any(o.startswith(a) for a in ALLOWED)),
    'suffix_match': dict(allow=_suffix),
    'unescaped_dot': dict(allow=lambda o: any(re.fullmatch(a, o) for a in ALLOWED)),
    'subdomain_trust': dict(allow=_subdomains),
    'http_origin_on_https': dict(allow=_no_scheme),
    'wildcard_with_credentials': dict(allow=lambda o: True, wildcard=True, credentials=True, vary=False),
    'wildcard_origin': dict(allow=lambda o: True, wildcard=True, credentials=False, vary=False),
    'missing_vary_origin': dict(allow=_exact(ALLOWED), vary=False),
    'preflight_too_broad': dict(allow=_exact(ALLOWED), reflect_preflight=True),
    # CORS_ORIGIN written with a trailing slash: the browser's Origin never has one
    'allowed_origin_rejected': dict(allow=_exact(('https://app.example.com/', 'http://localhost:5173'))),
    'extra_origin_allowed': dict(allow=_exact(ALLOWED + (STAGING,))),
}


# The same sloppy rules living only in the OPTIONS handler (the simple GETs are refused): a browser sends the
# hostile origin's preflight, gets the grant and then sends the state-changing request with credentials.
PREFLIGHT_ONLY = {
    'null_origin_allowed': 'preflight_null_origin_allowed',
    'prefix_match': 'preflight_prefix_match',
    'suffix_match': 'preflight_suffix_match',
    'unescaped_dot': 'preflight_unescaped_dot',
    'subdomain_trust': 'preflight_subdomain_trust',
    'http_origin_on_https': 'preflight_http_origin_on_https',
}
for _fid, _name in PREFLIGHT_ONLY.items():
    CORS_SERVERS[_name] = dict(allow=_exact(ALLOWED), preflight_allow=CORS_SERVERS[_fid]['allow'])


def cors_server(name):
    return LocalServer(cors_app(**CORS_SERVERS[name]))


# ------------------------------------------------------------------------------------------------
# JWT (an independent minimal HS256/384/512 implementation)
# ------------------------------------------------------------------------------------------------

_HASHES = {'HS256': hashlib.sha256, 'HS384': hashlib.sha384, 'HS512': hashlib.sha512}


def _b64(data):
    return base64.urlsafe_b64encode(data).rstrip(b'=').decode()


def _unb64(text):
    return base64.urlsafe_b64decode(text + '=' * (-len(text) % 4))


def issue(claims, secret, alg='HS256'):
    head = _b64(json.dumps({'alg': alg, 'typ': 'JWT'}).encode())
    body = _b64(json.dumps(claims).encode())
    sig = hmac.new(secret.encode(), ('%s.%s' % (head, body)).encode(), _HASHES[alg]).digest()
    return '%s.%s.%s' % (head, body, _b64(sig))


class JwtPolicy:
    """How a JWT server signs and verifies; the defaults are correct, each option is one fault."""

    def __init__(self, secret=STRONG_SECRET, verify_secret=None, alg='HS256', lifetime=900, with_exp=True,
                 accept_none=False, check_signature=True, check_exp=True, accept_empty_key=False, date_skew=0.0,
                 skip_empty_signature=False, reject_empty_signature=False):
        self.secret = secret
        self.verify_secret = verify_secret if verify_secret is not None else secret
        self.alg = alg
        self.lifetime = lifetime
        self.with_exp = with_exp
        self.accept_none = accept_none
        self.check_signature = check_signature
        self.check_exp = check_exp
        self.accept_empty_key = accept_empty_key
        self.date_skew = date_skew
        self.skip_empty_signature = skip_empty_signature
        self.reject_empty_signature = reject_empty_signature

    def token(self, sub='42'):
        now = int(time.time())
        claims = {'sub': sub, 'email': USER['email'], 'iat': now}
        if self.with_exp:
            claims['exp'] = now + self.lifetime
        return issue(claims, self.secret, self.alg)

    def verify(self, token):
        parts = token.split('.')
        if len(parts) != 3:
            return False
        try:
            header = json.loads(_unb64(parts[0]))
            claims = json.loads(_unb64(parts[1]))
        except ValueError:
            return False
        alg = header.get('alg')
        if parts[2] == '' and self.reject_empty_signature:
            return False  # a library that refuses an empty signature part as malformed
        if parts[2] == '' and self.skip_empty_signature:
            pass  # the fault (the CVE-2020-28042 class): no signature, nothing to verify, trusted whatever the alg
        elif self.accept_none and str(alg).lower() == 'none':
            pass  # the fault: an unsigned token is trusted
        elif alg != self.alg:
            return False
        elif self.check_signature:
            data = ('%s.%s' % (parts[0], parts[1])).encode()
            good = _b64(hmac.new(self.verify_secret.encode(), data, _HASHES[alg]).digest())
            if not hmac.compare_digest(good, parts[2]):
                empty = _b64(hmac.new(b'', data, _HASHES[alg]).digest())
                if not (self.accept_empty_key and hmac.compare_digest(empty, parts[2])):
                    return False
        exp = claims.get('exp')
        if self.check_exp and isinstance(exp, (int, float)) and exp <= time.time():
            return False
        return claims.get('sub') == '42'


def jwt_app(policy):
    def app(req):
        if req.method == 'POST' and req.path == '/login':
            try:
                body = json.loads(req.body or b'{}')
            except ValueError:
                return 400, [], {'error': 'invalid_json'}
            if body.get('email') != USER['email'] or body.get('password') != USER['password']:
                return 401, [], {'error': 'invalid_credentials'}
            return 200, [], {'token': policy.token(), 'expires_in': policy.lifetime, 'data': {'access_token': policy.token()}}
        if req.path == '/open':
            return 200, [], {'status': 'ok'}
        if req.path == '/me':
            match = re.match(r'^Bearer\s+(\S+)$', req.header('Authorization') or '', re.IGNORECASE)
            if not match or not policy.verify(match.group(1)):
                return 401, [], {'error': 'unauthorized'}
            return 200, [], {'id': 42, 'email': USER['email']}
        return 404, [], {'error': 'not_found'}

    return app


JWT_SERVERS = {
    'clean': dict(),
    'alg_none_accepted': dict(accept_none=True),
    'signature_not_verified': dict(check_signature=False),
    'weak_secret_signature': dict(secret='your-secret-key'),
    'expired_token_accepted': dict(check_exp=False),
    'wrong_key_accepted': dict(accept_empty_key=True),
    'clock_skew': dict(date_skew=180.0),
    # issues with one secret, verifies with another (two app hosts with different .env files)
    'valid_token_rejected': dict(verify_secret='another-' + STRONG_SECRET),
    'lifetime_too_long': dict(lifetime=7 * 86400),
    'lifetime_missing': dict(with_exp=False),
    'alg_not_allowed': dict(alg='HS512', secret=STRONG_SECRET + STRONG_SECRET),
}


# More servers with those faults, in other shapes: name -> the finding id (the root cause) to report.
JWT_VARIANTS = {
    # skips verification when the signature is empty: an unsigned "alg: none" token passes too, but the cause
    # (and the fix) is the skipped verification, not alg none
    'empty_signature_skipped': 'signature_not_verified',
    # honours "alg: none" but refuses an empty signature part: only alg none with a signature kept gets in
    'alg_none_with_signature': 'alg_none_accepted',
}
JWT_SERVERS['empty_signature_skipped'] = dict(skip_empty_signature=True)
JWT_SERVERS['alg_none_with_signature'] = dict(accept_none=True, reject_empty_signature=True)


def jwt_server(name):
    policy = JwtPolicy(**JWT_SERVERS[name])
    server = LocalServer(jwt_app(policy), date_skew=policy.date_skew)
    server.policy = policy
    return server


# ------------------------------------------------------------------------------------------------
# The reference backend (tests/app/backend) with throwaway PostgreSQL and Redis
# ------------------------------------------------------------------------------------------------

def _pg_bin():
    base = '/usr/lib/postgresql'
    if not os.path.isdir(base):
        return None
    versions = sorted((v for v in os.listdir(base) if os.path.isfile(os.path.join(base, v, 'bin', 'initdb'))),
                      key=lambda v: [int(x) for x in re.findall(r'\d+', v)])
    return os.path.join(base, versions[-1], 'bin') if versions else None


def backend_available():
    """Why the reference backend cannot run here, or None when it can."""
    if _pg_bin() is None:
        return 'PostgreSQL server binaries (initdb) not installed'
    for tool in ('redis-server', 'node'):
        if shutil.which(tool) is None:
            return '%s not installed' % tool
    if not os.path.isdir(os.path.join(BACKEND, 'node_modules', 'pg')):
        return 'tests/app/backend/node_modules missing (run tests/app/run-tests.sh once)'
    return None


class ReferenceBackend:
    """The real backend on 127.0.0.1 with its own PostgreSQL + Redis, configured through an .env file.

    ``env`` entries are written to ``self.env_file`` (JWT_SECRET, JWT_EXPIRES_IN, CORS_ORIGIN, ...).
    Processes started here are stopped by their PID on exit.
    """

    def __init__(self, env):
        self.env = dict(env)
        self.tmp = None
        self.env_file = None
        self.port = None
        self.procs = []
        self.pg_started = False
        self.redis_pid = None

    def _as_pg(self, cmd):
        if os.geteuid() == 0:
            return ['runuser', '-u', 'postgres', '--'] + cmd
        return cmd

    def __enter__(self):
        try:
            self._start()
        except BaseException:
            self.__exit__(None, None, None)
            raise
        return self

    def _start(self):
        pg_bin = _pg_bin()
        self.tmp = tempfile.mkdtemp(prefix='auraflow-jwtcors-')
        os.chmod(self.tmp, 0o755)
        pgdata = os.path.join(self.tmp, 'pg')
        run = os.path.join(self.tmp, 'run')
        os.makedirs(pgdata)
        os.makedirs(run)
        if os.geteuid() == 0:
            shutil.chown(pgdata, 'postgres')
            shutil.chown(run, 'postgres')
        pg_port = free_port()
        redis_port = free_port()
        subprocess.run(self._as_pg([os.path.join(pg_bin, 'initdb'), '-D', pgdata, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8',
                                    '--no-locale', '--no-sync']), cwd=self.tmp, check=True, capture_output=True)
        subprocess.run(self._as_pg([os.path.join(pg_bin, 'pg_ctl'), '-D', pgdata, '-l', os.path.join(run, 'pg.log'), '-w', '-t', '30',
                                    '-o', '-c listen_addresses=127.0.0.1 -p %d -k %s -c fsync=off' % (pg_port, run), 'start']),
                       cwd=self.tmp, check=True, capture_output=True)
        self.pg_started = True
        self._pg = (pg_bin, pgdata)
        pidfile = os.path.join(self.tmp, 'redis.pid')
        subprocess.run(['redis-server', '--port', str(redis_port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no',
                        '--daemonize', 'yes', '--pidfile', pidfile, '--dir', self.tmp,
                        '--logfile', os.path.join(self.tmp, 'redis.log')], check=True, capture_output=True)
        for dummy in range(100):
            if os.path.exists(pidfile):
                with open(pidfile) as handle:
                    self.redis_pid = int(handle.read().strip() or 0) or None
                if self.redis_pid:
                    break
            time.sleep(0.05)
        self.port = free_port()
        env = dict(self.env)
        env.setdefault('NODE_ENV', 'production')
        env.update(PORT=str(self.port), HOST='127.0.0.1', DATABASE_URL='postgres://postgres@127.0.0.1:%d/postgres' % pg_port,
                   REDIS_URL='redis://127.0.0.1:%d' % redis_port, LOG_DIR=os.path.join(self.tmp, 'logs'),
                   LOGIN_RATE_LIMIT='1000')
        self.env_file = os.path.join(self.tmp, '.env')
        with open(self.env_file, 'w') as handle:
            for key, value in env.items():
                handle.write('%s=%s\n' % (key, value))
        os.chmod(self.env_file, 0o600)
        proc_env = {'PATH': os.environ.get('PATH', '/usr/bin:/bin'), 'ENV_FILE': self.env_file}
        for tool in ('migrate.js', 'seed.js'):
            args = [os.path.join(BACKEND, 'bin', tool)] + (['up'] if tool == 'migrate.js' else [])
            done = subprocess.run(['node'] + args, cwd=BACKEND, env=proc_env, capture_output=True, text=True, timeout=120,
                                  check=False)
            if done.returncode != 0:
                raise RuntimeError('%s failed: %s %s' % (tool, done.stdout, done.stderr))
        log = open(os.path.join(self.tmp, 'backend.out'), 'w')
        proc = subprocess.Popen(['node', os.path.join(BACKEND, 'src', 'server.js')], cwd=BACKEND, env=proc_env,
                                stdout=log, stderr=subprocess.STDOUT)
        log.close()
        self.procs.append(proc)
        deadline = time.time() + 30
        while time.time() < deadline:
            if proc.poll() is not None:
                raise RuntimeError('backend exited: %s' % self.output())
            try:
                with urllib.request.urlopen(self.url('/health'), timeout=2) as resp:
                    if resp.status == 200:
                        return
            except OSError:
                pass
            time.sleep(0.2)
        raise RuntimeError('backend not healthy after 30 s: %s' % self.output())

    def output(self):
        try:
            with open(os.path.join(self.tmp, 'backend.out')) as handle:
                return handle.read()[-2000:]
        except OSError:
            return ''

    def url(self, path='/'):
        return 'http://127.0.0.1:%d%s' % (self.port, path)

    def __exit__(self, *exc_info):
        for proc in self.procs:
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
                try:
                    proc.wait(15)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait(5)
        if self.redis_pid:
            try:
                os.kill(self.redis_pid, signal.SIGTERM)
                for dummy in range(100):  # wait for it: it writes its log while exiting
                    os.kill(self.redis_pid, 0)
                    time.sleep(0.05)
            except ProcessLookupError:
                pass
        if self.pg_started:
            pg_bin, pgdata = self._pg
            subprocess.run(self._as_pg([os.path.join(pg_bin, 'pg_ctl'), '-D', pgdata, '-m', 'fast', '-w', 'stop']),
                           cwd=self.tmp, capture_output=True, check=False)
        if self.tmp:
            shutil.rmtree(self.tmp, ignore_errors=True)


# ------------------------------------------------------------------------------------------------
# Running a module: directly (as Ansible executes it on the target) or through the ansible CLI
# ------------------------------------------------------------------------------------------------

ANSIBLE = os.path.join(ROOT, '.venv', 'bin', 'ansible')
ANSIBLE_PLAYBOOK = os.path.join(ROOT, '.venv', 'bin', 'ansible-playbook')
PYTHON = os.path.join(ROOT, '.venv', 'bin', 'python')
COLLECTIONS = os.path.join(ROOT, 'collections')  # collections/ansible_collections/auraflow/ops -> the repository root
TRACEBACK = 'Traceback (most recent call last)'


def ansible_env(json_output=True):
    env = dict(os.environ, ANSIBLE_CONFIG=os.path.join(ROOT, 'ansible.cfg'), ANSIBLE_FORCE_COLOR='0', ANSIBLE_NOCOLOR='1')
    if json_output:
        env.update(ANSIBLE_LOAD_CALLBACK_PLUGINS='1', ANSIBLE_STDOUT_CALLBACK='ansible.posix.json')
    return env


def _ansible_version():
    from ansible.release import __version__  # pylint: disable=import-outside-toplevel
    return __version__


def internal_args(module, check_mode=False, diff=False, tmpdir=None):
    """The ``_ansible_*`` arguments ansible-core's action plugin (ActionBase._update_module_args) adds for
    ``ansible localhost -c local -m auraflow.ops.MODULE`` with this repository's ansible.cfg (defaults
    everywhere), with ``tmpdir`` as the task's private temporary directory."""
    from ansible.module_utils.common.parameters import PASS_VARS  # pylint: disable=import-outside-toplevel
    values = {
        'check_mode': check_mode,
        'no_log': False,
        'debug': False,
        'diff': diff,
        'verbosity': 0,
        'version': _ansible_version(),
        'module_name': 'auraflow.ops.' + module,
        'syslog_facility': 'LOG_USER',
        'selinux_special_fs': ['fuse', 'nfs', 'vboxsf', 'ramfs', '9p', 'vfat'],
        'shell_executable': '/bin/sh',
        'keep_remote_files': False,
        'tmpdir': tmpdir,
        'remote_tmp': tmpdir or '~/.ansible/tmp',
        'ignore_unknown_opts': False,
        'target_log_info': None,
        'tracebacks_for': [],
        'inject_invocation': False,
    }
    # AnsibleModule rejects an unknown _ansible_* key as an unsupported parameter: fail here, clearly,
    # if ansible-core ever drops one of these
    unknown = set(values) - set(PASS_VARS)
    assert not unknown, 'ansible-core no longer knows _ansible_%s' % ', _ansible_'.join(sorted(unknown))
    return {'_ansible_' + key: value for key, value in values.items()}


def _check_result(result, proc, failed_rc):
    """What every module run must satisfy: no crash, and a return code that agrees with ``failed``."""
    assert 'module_stderr' not in result and 'module_stdout' not in result, result
    assert TRACEBACK not in json.dumps(result) and TRACEBACK not in proc.stderr, (result, proc.stderr)
    assert proc.returncode == (failed_rc if result.get('failed') else 0), (proc.returncode, result)


def direct_command(module, args, workdir, check_mode=False, diff=False, python=PYTHON, pythonpath=(), env=None):
    """(argv, env) that execute plugins/modules/MODULE.py as Ansible does on the target, without the
    controller: ``python -m ansible_collections.auraflow.ops.plugins.modules.MODULE ARGS_FILE`` with
    ``PYTHONPATH=collections``, where ARGS_FILE (written into ``workdir``, which must be private to the
    run) holds ``{"ANSIBLE_MODULE_ARGS": {...args, ...internal_args()}}`` - ansible-core's
    basic._load_params reads it from the path in argv[1]. ``workdir/task`` is the task's tmpdir.
    ``pythonpath`` entries follow collections/ (another interpreter needs ansible's module_utils,
    which AnsiballZ would ship); ``env`` is added to the environment."""
    task_tmp = os.path.join(workdir, 'task')
    os.mkdir(task_tmp, 0o700)
    args_file = os.path.join(workdir, 'args.json')
    with open(args_file, 'w', encoding='utf-8') as handle:
        json.dump({'ANSIBLE_MODULE_ARGS': dict(args, **internal_args(module, check_mode, diff, task_tmp))}, handle)
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([COLLECTIONS] + list(pythonpath)), **(env or {}))
    return [python, '-m', 'ansible_collections.auraflow.ops.plugins.modules.' + module, args_file], env


def parse_direct(proc):
    """The one JSON document a directly executed module printed, made what the ansible CLI reports
    for it (``changed`` defaults to false, as in the task executor; warnings as their text), checked
    like every result."""
    try:
        result = json.loads(proc.stdout)
    except ValueError:
        raise AssertionError('no single JSON document from the module (rc %d):\n%s\n%s'
                             % (proc.returncode, proc.stdout, proc.stderr)) from None
    assert isinstance(result, dict), result
    assert not any(key.startswith('_ansible_') and key != '_ansible_no_log' for key in result), result
    assert 'deprecations' not in result, result['deprecations']
    # warnings travel to the controller as tagged WarningSummary objects; the CLI shows their text
    warnings = []
    for item in result.get('warnings', []):
        if isinstance(item, dict) and item.get('__ansible_type') == 'WarningSummary':
            assert not item['event'].get('chain'), item  # a warning with a cause: not expected here
            item = item['event']['msg']
        warnings.append(item)
    if warnings:
        result['warnings'] = warnings
    assert '__ansible_type' not in json.dumps(result), result
    result.setdefault('changed', False)
    _check_result(result, proc, failed_rc=1)
    return result


def run_direct(module, args, check_mode=False, diff=False, python=PYTHON, pythonpath=(), env=None, timeout=300):
    """Execute the module directly (``direct_command``) in a private temporary directory: (result, process).

    The module exits 0, or 1 after fail_json (the CLI: 2)."""
    tmp = tempfile.mkdtemp(prefix='auraflow-module-')
    try:
        cmd, full_env = direct_command(module, args, tmp, check_mode=check_mode, diff=diff, python=python, pythonpath=pythonpath,
                                       env=env)
        proc = subprocess.run(cmd, cwd=tmp, env=full_env, capture_output=True, text=True, timeout=timeout, check=False)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return parse_direct(proc), proc


def run_ansible(module, args, check_mode=False, extra=()):
    """``ansible localhost -c local -m auraflow.ops.MODULE -a JSON`` with JSON output: (result of localhost, process)."""
    cmd = [ANSIBLE, 'localhost', '-c', 'local', '-m', 'auraflow.ops.' + module, '-a', json.dumps(args)] + list(extra)
    if check_mode:
        cmd.append('--check')
    proc = subprocess.run(cmd, cwd=ROOT, env=ansible_env(), capture_output=True, text=True, timeout=300, check=False)
    try:
        out = json.loads(proc.stdout)
    except ValueError:
        raise AssertionError('no JSON from ansible (rc %d):\n%s\n%s' % (proc.returncode, proc.stdout, proc.stderr)) from None
    result = out['plays'][0]['tasks'][0]['hosts']['localhost']
    _check_result(result, proc, failed_rc=2)
    return result, proc


def run_module(module, args, check_mode=False, extra=(), via_ansible=None):
    """Run auraflow.ops.MODULE with args: (result, completed process).

    By default the module file is executed directly (``run_direct``: about 0.2 s plus the module's
    own work); with ``via_ansible=True`` through the real ``ansible localhost -m`` CLI (``run_ansible``:
    about 1.5 s more), for what only the wrapper shows: check mode (``check_mode=True`` means --check
    through the CLI unless ``via_ansible=False``), argument-spec errors as the user sees them, one
    passing and one failing run per module; ``extra`` CLI options imply the CLI. Either way a failed
    run has ``failed: true`` and a non-zero return code (1 direct, 2 from the CLI).
    """
    if via_ansible is None:
        via_ansible = check_mode or bool(extra)
    if via_ansible:
        return run_ansible(module, args, check_mode=check_mode, extra=extra)
    return run_direct(module, args, check_mode=check_mode)


def run_verbose(module, args, verbosity='-vvvvvv'):
    """The real CLI with the default (human) output at the given verbosity: stdout + stderr as text."""
    cmd = [ANSIBLE, 'localhost', verbosity, '-c', 'local', '-m', 'auraflow.ops.' + module, '-a', json.dumps(args)]
    proc = subprocess.run(cmd, cwd=ROOT, env=ansible_env(json_output=False), capture_output=True, text=True, timeout=300, check=False)
    return proc.stdout + proc.stderr, proc
