"""Verify auraflow.ops.redis on the molecule host with testinfra."""

APP = ('aura', 'molecule-app-password-0123456789')
ADMIN = ('admin', 'molecule-admin-password-0123456789')


CA = '/etc/redis/tls/ca.crt'
SOCKET = '/run/redis/redis-server.sock'


def cli(host, *args, user=None, address='127.0.0.1', tls=True):
    """redis-cli over TLS (verifying the server with the scenario's CA), in plain text with tls=False, or on the unix
    socket with address=None."""
    auth = ''
    if user:
        auth = 'REDISCLI_AUTH=%s ' % user[1]
        args = ('--user', user[0], '--no-auth-warning') + args
    where = '-s %s' % SOCKET if address is None else '-h %s -p 6379%s' % (address, ' --tls --cacert %s' % CA if tls else '')
    return host.run(auth + 'redis-cli %s %s' % (where, ' '.join(args)))


def test_service_enabled_and_running(host):
    service = host.service('redis-server')
    assert service.is_enabled
    assert service.is_running


def test_listens_only_where_configured(host):
    listening = {str(s) for s in host.socket.get_listening_sockets() if s.startswith('tcp://') and s.endswith(':6379')}
    assert listening == {'tcp://127.0.0.1:6379', 'tcp://172.30.90.11:6379'}


def test_tls_only_on_the_network_and_the_socket_for_the_host(host):
    for address in ('127.0.0.1', '172.30.90.11'):
        plain = cli(host, 'ping', user=APP, address=address, tls=False)
        assert 'PONG' not in plain.stdout and 'NOAUTH' not in plain.stdout + plain.stderr, plain.stdout + plain.stderr
    assert cli(host, 'ping', user=APP, address=None).stdout.strip() == 'PONG'
    socket = host.file(SOCKET)
    assert socket.is_socket and socket.mode == 0o770 and socket.group == 'redis'
    key = host.file('/etc/redis/tls/server.key')
    assert (key.user, key.mode) == ('redis', 0o600)
    # the certificate's chain verifies against the CA on the network address too
    assert cli(host, 'ping', user=APP, address='172.30.90.11').stdout.strip() == 'PONG'


def test_unauthenticated_access_refused(host):
    out = cli(host, 'ping')
    assert 'PONG' not in out.stdout
    assert 'NOAUTH' in out.stdout + out.stderr
    wrong = cli(host, 'ping', user=('aura', 'not-the-password'))
    assert 'PONG' not in wrong.stdout
    default = cli(host, 'ping', user=('default', ''))
    assert 'PONG' not in default.stdout


def test_app_credentials_work_on_every_address(host):
    for address in ('127.0.0.1', '172.30.90.11'):
        assert cli(host, 'ping', user=APP, address=address).stdout.strip() == 'PONG'
    assert cli(host, 'set', 'molecule:key', 'v1', user=APP).stdout.strip() == 'OK'
    assert cli(host, 'get', 'molecule:key', user=APP).stdout.strip() == 'v1'


def test_dangerous_commands_denied_to_app(host):
    # the runbook's list, and what a compromised app could give itself rights, replicate the data away, watch every
    # command or run scripts with (the role's default categories -@dangerous -@admin -@scripting and commands)
    for command in ('flushall', 'flushdb', 'config get maxmemory', 'debug sleep 0', "keys '*'", 'shutdown nosave',
                    'acl setuser probe on', 'acl whoami', 'replicaof no one', 'client kill id 1', 'client list', 'monitor',
                    'migrate 127.0.0.1 1 k 0 1', 'script flush', "eval 'return 1' 0", 'info'):
        verdict = cli(host, 'acl dryrun aura', command, user=ADMIN)
        assert 'no permissions' in verdict.stdout, (command, verdict.stdout)
    assert cli(host, 'acl dryrun aura get x', user=ADMIN).stdout.strip() == 'OK'
    for command in ('flushall', "keys '*'", 'shutdown nosave', 'acl setuser probe on', 'config set maxmemory 1'):
        out = cli(host, command, user=APP)
        assert 'NOPERM' in out.stdout + out.stderr, command
    assert cli(host, 'get', 'molecule:key', user=APP).stdout.strip() == 'v1'
    assert host.service('redis-server').is_running


def test_limits_and_persistence(host):
    def config(name):
        return cli(host, 'config', 'get', name, user=ADMIN).stdout.split()

    assert config('maxmemory') == ['maxmemory', str(256 * 1024 * 1024)]
    assert config('maxmemory-policy') == ['maxmemory-policy', 'allkeys-lru']
    assert config('appendonly') == ['appendonly', 'yes']
    assert config('appendfsync') == ['appendfsync', 'everysec']
    assert config('protected-mode') == ['protected-mode', 'yes']


def test_secrets_files_are_private(host):
    acl = host.file('/etc/redis/users.acl')
    assert acl.mode == 0o640 and acl.user == 'redis'
    assert 'molecule-app-password' not in acl.content_string
    assert 'molecule-app-password' not in host.file('/etc/redis/redis.conf').content_string
