# -*- coding: utf-8 -*-
# Copyright: (c) 2026, auraflow.ops maintainers
# MIT License (see LICENSE)
"""The verdicts of the audit role (playbooks/security_audit.yml): every answer becomes a check
``{name, ok, severity, detail, seconds}``. Module findings (cors_audit, jwt_config_check) keep their
id as the name and their severity; a finding above info is a failed check.

The answers: ``public`` (through nginx, from the controller: ``cors``, ``cors_seconds``,
``cors_origins``, ``tls``, ``tls_seconds``, ``headers`` - the uri results, one per path), ``app``
(host -> ``env`` stat, ``exposure``, ``jwt``, ``jwt_seconds``, ``group``), ``redis`` (the PING results
asked from ``prober``), ``redis_rights`` (host -> the ACL DRYRUN answers about the app user, asked from
``prober``), ``web`` (host -> ``nginx_config``, the output of ``nginx -T``), ``cache`` (the Redis hosts), ``db``
(host -> ``hba``, ``role``, ``role_name``).
"""

from __future__ import annotations

import json
import ipaddress
import re

from ansible_collections.auraflow.ops.plugins.module_utils.verdicts import check, dig, get, number

TLS_NAMES = {'SSLv3': 'tls_ssl3', 'TLSv1': 'tls_1.0', 'TLSv1.1': 'tls_1.1', 'TLSv1.2': 'tls_1.2', 'TLSv1.3': 'tls_1.3'}
HEADERS = ('header_hsts', 'header_nosniff', 'header_referrer_policy', 'header_frame_options', 'header_permissions_policy',
           'server_tokens_off')
HEADER_SEVERITY = {'header_hsts': 'medium', 'header_nosniff': 'low', 'header_referrer_policy': 'low',
                   'header_frame_options': 'medium', 'header_permissions_policy': 'low', 'server_tokens_off': 'low'}
WEAK_METHODS = ('trust', 'md5', 'password')
REDIS_REFUSES = re.compile(r'-(NOAUTH|WRONGPASS|DENIED)')
EXPOSURE = re.compile(r'Overall exposure level for \S+: ([0-9.]+)')


def _seconds(value):
    return number(value, 0.0)


def cors_checks(cors, seconds=0, origins=()):
    ran = get(cors, 'summary') is not None
    out = [check('cors_audit', ran, 'high', '%s (allowed origins: %s)' % (get(cors, 'msg', 'did not run'), ', '.join(origins or []) or 'none'),
                 _seconds(seconds))]
    for f in (get(cors, 'findings', []) or []) if ran else []:
        origin = dig(f, 'evidence', 'origin', default='')
        out.append(check(get(f, 'id'), get(f, 'severity') == 'info', get(f, 'severity'),
                         get(f, 'message', '') + ((' (origin %s)' % origin) if origin else '')))
    return out


def tls_checks(tls, seconds=0):
    protocols = get(tls, 'protocols')
    if get(tls, 'summary') is None or not isinstance(protocols, dict):
        return [check('tls_protocols', False, 'high', get(tls, 'msg', 'did not run'), _seconds(seconds))]
    each = round(_seconds(seconds) / max(len(protocols), 1), 2)
    out = []
    for version, result in protocols.items():
        want, accepted = get(result, 'expected'), get(result, 'accepted')
        out.append(check('%s_%s' % (TLS_NAMES.get(version, version), want), accepted == (want == 'accepted'),
                         'critical' if version == 'SSLv3' and want == 'refused' else 'high',
                         '%s %s, must be %s: %s' % (version, 'accepted' if accepted else 'refused', want, get(result, 'detail', '')), each))
    return out


def header_checks(answers, hsts_min_age=31536000, path_key='audit_path'):
    """Security headers and server_tokens on every answer (uri results with the path under ``path_key``)."""
    bad = {key: [] for key in HEADERS}
    seen = {}
    for answer in answers:
        where = get(answer, path_key, '?')
        if number(get(answer, 'status'), -1) < 0:
            for key in HEADERS:
                bad[key].append('%s (no answer: %s)' % (where, get(answer, 'msg', '')))
            continue
        hsts = get(answer, 'strict_transport_security', '') or ''
        age = re.search(r'max-age="?([0-9]+)', hsts)
        if (int(age.group(1)) if age else -1) < hsts_min_age:
            bad['header_hsts'].append('%s (%s)' % (where, hsts or 'absent'))
        if (get(answer, 'x_content_type_options', '') or '').lower().strip() != 'nosniff':
            bad['header_nosniff'].append('%s (%s)' % (where, get(answer, 'x_content_type_options', 'absent')))
        referrer = (get(answer, 'referrer_policy', '') or '').lower()
        if not referrer or 'unsafe-url' in referrer:
            bad['header_referrer_policy'].append('%s (%s)' % (where, referrer or 'absent'))
        frame = (get(answer, 'x_frame_options', '') or '').upper().strip()
        if frame not in ('DENY', 'SAMEORIGIN') and 'frame-ancestors' not in (get(answer, 'content_security_policy', '') or '').lower():
            bad['header_frame_options'].append(where + ' (no X-Frame-Options DENY/SAMEORIGIN nor CSP frame-ancestors)')
        permissions = (get(answer, 'permissions_policy', '') or '').strip()
        if not permissions:
            bad['header_permissions_policy'].append('%s (absent)' % where)
        server = get(answer, 'server', '') or ''
        if re.search('[0-9]', server):
            bad['server_tokens_off'].append('%s (Server: %s)' % (where, server))
        seen = {'hsts': hsts, 'server': server or 'absent', 'referrer': referrer, 'frame': frame or 'CSP frame-ancestors',
                'permissions': permissions}
    good = {'header_hsts': 'Strict-Transport-Security %s (min max-age %d)' % (seen.get('hsts', ''), hsts_min_age),
            'header_nosniff': 'X-Content-Type-Options nosniff',
            'header_referrer_policy': 'Referrer-Policy %s' % seen.get('referrer', ''),
            'header_frame_options': 'framing denied (%s)' % seen.get('frame', ''),
            'header_permissions_policy': 'Permissions-Policy %s' % seen.get('permissions', ''),
            'server_tokens_off': 'Server: %s (no version)' % seen.get('server', '')}
    seconds = round(sum(_seconds(get(a, 'elapsed', 0)) for a in answers), 2)
    paths = ', '.join(str(get(a, path_key, '?')) for a in answers)
    out = []
    for number_, key in enumerate(HEADERS):
        if not answers:
            detail = 'no path was asked'
        elif bad[key]:
            detail = 'wrong on ' + '; '.join(bad[key])
        else:
            detail = '%s on %s' % (good[key], paths)
        out.append(check(key, answers and not bad[key], HEADER_SEVERITY[key], detail, seconds if number_ == 0 else 0))
    return out


def _delta_seconds(delta):
    parts = str(delta or '0:00:00').split(':')
    try:
        return round(int(parts[0]) * 3600 + int(parts[1]) * 60 + float(parts[2]), 2)
    except (IndexError, ValueError):
        return 0.0


def backend_checks(host, answers, max_exposure=2.5):
    """The .env's mode and owner, the unit's systemd exposure, the JWT setup (with its findings)."""
    out = []
    group = get(answers, 'group', 'aura-flow')
    env = get(answers, 'env', {})
    stat = get(env, 'stat')
    if get(stat, 'exists'):
        out.append(check('env_file_mode_' + host,
                         get(stat, 'mode') == '0640' and get(stat, 'pw_name') == 'root' and get(stat, 'gr_name') == group, 'high',
                         '%s mode %s owner %s:%s (want 0640 root:%s)' % (get(stat, 'path'), get(stat, 'mode'), get(stat, 'pw_name'),
                                                                         get(stat, 'gr_name'), group)))
    else:
        out.append(check('env_file_mode_' + host, False, 'high', 'no .env found' if stat is not None
                         else 'no answer from %s: %s' % (host, get(env, 'msg', 'not audited'))))
    exposure = get(answers, 'exposure', {})
    score = EXPOSURE.search(get(exposure, 'stdout', '') or '')
    seconds = _delta_seconds(get(exposure, 'delta'))
    if score:
        out.append(check('unit_exposure_' + host, float(score.group(1)) <= max_exposure, 'medium',
                         'systemd-analyze security: exposure %s (max %s)' % (score.group(1), '%g' % max_exposure), seconds))
    else:
        why = get(exposure, 'stderr', '') or get(exposure, 'msg', 'not audited')
        out.append(check('unit_exposure_' + host, False, 'medium', 'no exposure score: %s' % _truncate(why, 200), seconds))
    jwt = get(answers, 'jwt', {})
    ran = get(jwt, 'summary') is not None
    not_run = get(jwt, 'not_run', []) or []
    out.append(check('jwt_config_check_' + host, ran, 'high',
                     str(get(jwt, 'msg', 'did not run')) + (('; not run: ' + '; '.join(not_run)) if not_run else ''),
                     _seconds(get(answers, 'jwt_seconds', 0))))
    for f in (get(jwt, 'findings', []) or []) if ran else []:
        out.append(check(get(f, 'id'), get(f, 'severity') == 'info', get(f, 'severity'), '%s: %s' % (host, get(f, 'message', ''))))
    return out


def _truncate(text, length):
    """As Jinja's truncate: at most ``length`` characters, cut at a word, ending with '...'."""
    text = str(text)
    if len(text) <= length + 5:
        return text
    return text[:length - 3].rsplit(' ', 1)[0] + '...'


RESP_REPLY = re.compile(r'^[-+:$*]')


def _redis_answer(answers, host):
    """What the Redis probe printed for ``host`` (JSON), as a dict; None when it printed nothing usable."""
    raw = get(answers or {}, host)
    try:
        answer = json.loads(raw) if isinstance(raw, str) and raw.strip() else None
    except ValueError:
        answer = None
    return answer if isinstance(answer, dict) else None


def redis_checks(cache_hosts, prober, answers):
    """Each Redis host must refuse PING without credentials, and speak TLS only: ``answers`` maps each host to what
    the probe printed from ``prober``, JSON ``{"target", "plain", "tls", "ping"}`` - the answer to a plain-text PING,
    the TLS handshake verified against the CA (``verified (<version>)`` or ``failed: <why>``), the PING over TLS."""
    out = []
    for host in cache_hosts:
        answer = _redis_answer(answers, host)
        if answer is None:
            why = 'not asked: no answer from %s (%s)' % (prober or 'the first backend', _truncate(get(answers or {}, host) or 'not asked', 120))
            out.append(check('redis_requires_auth_' + host, False, 'critical', why))
            out.append(check('redis_tls_only_' + host, False, 'high', why))
            continue
        target, plain, tls = answer.get('target', host), answer.get('plain', ''), answer.get('tls', '')
        over_tls = 'ping' in answer
        reply = (answer['ping'] if over_tls else plain) or ''
        out.append(check('redis_requires_auth_' + host, REDIS_REFUSES.match(reply), 'critical',
                         'PING without credentials from %s to %s (%s) answered: %s' % (prober, target, 'TLS' if over_tls else 'plain text', reply)))
        problems = []
        if RESP_REPLY.match(plain or ''):
            problems.append('a plain-text PING answered %s' % _truncate(plain, 80))
        if not tls.startswith('verified'):
            problems.append('TLS %s' % _truncate(tls or 'not tried', 160))
        out.append(check('redis_tls_only_' + host, not problems, 'high', ('%s: %s' % (target, '; '.join(problems))) if problems
                         else 'TLS %s on %s; a plain-text PING got no answer (%s)' % (tls, target, plain)))
    return out


REDIS_DENIED = re.compile(r"no permissions to run the '([^']+)' command", re.IGNORECASE)


def redis_rights_checks(cache_hosts, prober, rights):
    """The Redis application user may run none of the forbidden commands: ``rights`` maps each host to what the probe
    printed, JSON ``{"auth", "replies": {command: ACL DRYRUN answer}}`` or ``{"error"}``. A command counts as refused only
    when the answer says the user has no permissions; allowed (``+OK``) or unclear answers fail the check."""
    out = []
    for host in cache_hosts:
        name = 'redis_app_least_privilege_' + host
        answer = _redis_answer(rights, host)
        if answer is None:
            out.append(check(name, False, 'high', 'not checked: no answer from %s (%s)'
                             % (prober or 'the first backend', _truncate(get(rights or {}, host) or 'not asked', 120))))
            continue
        if 'error' in answer or answer.get('auth') != '+OK':
            why = answer.get('error') or ('the operator account was refused: %s' % answer['auth'] if 'auth' in answer
                                          else 'no TLS connection (%s)' % answer.get('tls', 'not tried'))
            out.append(check(name, False, 'high', 'not checked: %s' % _truncate(why, 200)))
            continue
        replies = answer.get('replies') or {}
        allowed = [c for c, reply in replies.items() if reply == '+OK']
        unclear = ['%s (%s)' % (c, _truncate(reply, 60)) for c, reply in replies.items() if reply != '+OK' and not REDIS_DENIED.search(reply or '')]
        if allowed or unclear or not replies:
            parts = []
            if allowed:
                parts.append('the application user may run %s' % ', '.join(allowed))
            if unclear:
                parts.append('unclear answers: %s' % '; '.join(unclear))
            out.append(check(name, False, 'high', '; '.join(parts) or 'no command was asked'))
        else:
            out.append(check(name, True, 'high', 'the application user is refused all %d: %s' % (len(replies), ', '.join(replies))))
    return out


_NGINX_TIME = re.compile(r'(\d+)(ms|s|m|h|d|w|M|y)?')
_NGINX_UNITS = {'ms': 0.001, 's': 1, 'm': 60, 'h': 3600, 'd': 86400, 'w': 604800, 'M': 2592000, 'y': 31536000, None: 1}


def nginx_seconds(text):
    """Seconds of an nginx time (``10s``, ``1m30s``, ``500ms``, ``60``); None when it is not one."""
    value = str(text or '').strip()
    if not value or _NGINX_TIME.sub('', value):
        return None
    return sum(int(n) * _NGINX_UNITS[unit or None] for n, unit in _NGINX_TIME.findall(value))


def _api_locations(config):
    """(path, body) of every ``location`` block for /api in the text of ``nginx -T`` (blocks without nested blocks)."""
    return [(m.group(1), m.group(2)) for m in re.finditer(r'^\s*location\s+(?:[=^~]+\s*)?(/api\S*)\s*\{([^{}]*)\}', config, re.M)]


def _directive(text, name):
    """The values of directive ``name`` (not commented out) in ``text``."""
    return [m.group(1).strip() for m in re.finditer(r'^[^#\n]*?\b%s\s+([^;]*);' % re.escape(name), text, re.M)]


PROXIES = ('proxy_pass', 'fastcgi_pass', 'uwsgi_pass', 'scgi_pass', 'grpc_pass')
CLIENT_ADDRESS = ('$remote_addr', '$binary_remote_addr', '$realip_remote_addr')


def _uncommented(config):
    """The text of ``nginx -T`` without comments, every quoted string emptied (a brace or '#' in one counts for nothing)."""
    out, quote, previous = [], None, '\n'
    index = 0
    while index < len(config):
        char = config[index]
        if quote:
            if char == '\\':
                index += 2
                continue
            if char == quote:
                quote = None
                out.append(char)
        elif char in '\'"':
            quote = char
            out.append(char)
        elif char == '#' and (previous.isspace() or previous in ';{}'):
            end = config.find('\n', index)
            index = len(config) if end < 0 else end
            continue
        else:
            out.append(char)
        previous = char
        index += 1
    return ''.join(out)


def _top_level(body):
    """A block's body without its nested blocks (an ``if``'s directives are not the location's)."""
    previous = None
    while previous != body:
        previous, body = body, re.sub(r'\{[^{}]*\}', ';', body)
    return body


def _locations(text):
    """Every ``location`` block of uncommented text: {modifier, path, body (with nested blocks), top (without)}."""
    out = []
    for m in re.finditer(r'(?:^|[;{}\s])location\s+(?:(=|\^~|~\*?)\s*)?([^\s{]+)\s*\{', text):
        depth, index = 1, m.end()
        while index < len(text) and depth:
            depth += {'{': 1, '}': -1}.get(text[index], 0)
            index += 1
        body = text[m.end():index - 1]
        out.append({'modifier': m.group(1) or '', 'path': m.group(2), 'body': body, 'top': _top_level(body)})
    return out


def _location_for(locations, uri):
    """The location nginx picks for ``uri`` among exact, prefix and named ones (regular expressions are not evaluated)."""
    if uri.startswith('@'):
        return next((loc for loc in locations if loc['path'] == uri), None)
    exact = [loc for loc in locations if loc['modifier'] == '=' and loc['path'] == uri]
    if exact:
        return exact[0]
    prefixes = [loc for loc in locations if loc['modifier'] in ('', '^~') and uri.startswith(loc['path'])]
    return max(prefixes, key=lambda loc: len(loc['path'])) if prefixes else None


def _name(loc):
    return 'location %s%s' % (loc['modifier'] + ' ' if loc['modifier'] else '', loc['path'])


def _proxying(locations, loc, seen=()):
    """The locations that pass an upstream's answer on when a request ends in ``loc``: ``loc`` itself and those its
    try_files and error_page go on to (an auth_request subrequest's answer is never passed on)."""
    if loc is None or loc['path'] in seen:
        return []
    found = [_name(loc)] if any(_directive(loc['top'], name) for name in PROXIES) else []
    onward = [v.split()[-1] for v in _directive(loc['top'], 'try_files') + _directive(loc['top'], 'error_page')]
    for uri in onward:
        if uri.startswith(('@', '/')):
            found += _proxying(locations, _location_for(locations, uri), tuple(seen) + (loc['path'],))
    return _unique(found)


def _health_check(name, severity, config):
    """/health through nginx passes the backend's answer (version, db, redis) only to the monitoring allow-list: the
    location of /health proxies nobody but clients let through by ``allow``/``deny all``, or by an ``if`` on the client's
    address (a ``geo`` variable, $remote_addr) that sends the others elsewhere - to a location (rewrite) or an error_page
    (return) that does not proxy. Which way the ``if``'s condition points is the detail's to show, not judged here."""
    text = _uncommented(config)
    locations = _locations(text)
    health = _location_for(locations, '/health')
    if health is None:
        return check(name, True, severity, 'no location serves /health')
    where = _name(health)
    if not any(_directive(health['top'], proxy) for proxy in PROXIES):
        return check(name, True, severity, '%s does not proxy to a backend' % where)
    if 'all' in [v.strip() for v in _directive(health['top'], 'deny')]:
        return check(name, True, severity, '%s proxies only for its allow rules (deny all)' % where)
    addresses = ['$' + v for v in re.findall(r'(?:^|[;{}\s])geo\s+(?:\$\w+\s+)?\$(\w+)\s*\{', text)] + list(CLIENT_ADDRESS)
    errors = {}
    for value in _directive(health['top'], 'error_page'):
        words = value.split()
        for code in words[:-1]:
            errors[code] = words[-1]
    for m in re.finditer(r'\bif\s*\((.*?)\)\s*\{([^{}]*)\}', health['body']):
        condition, body = m.group(1).strip(), m.group(2)
        if not any(re.search(re.escape(a) + r'\b', condition) for a in addresses):
            continue
        targets = [v.split()[1] for v in _directive(body, 'rewrite') if len(v.split()) > 1]
        targets += [errors[v.split()[0]] for v in _directive(body, 'return') if v.split()[0] in errors]
        if not targets and _directive(body, 'return'):
            return check(name, True, severity, '%s proxies except where (%s): return %s' % (where, condition, _directive(body, 'return')[0]))
        for target in targets:
            passed = _proxying(locations, _location_for(locations, target))
            if passed:
                return check(name, False, severity, '%s sends the clients where (%s) to %s, and %s proxies the backend\'s answer to them'
                             % (where, condition, target, ', '.join(passed)))
        if targets:
            return check(name, True, severity, '%s proxies except where (%s): %s, no backend answer passed on'
                         % (where, condition, ', '.join(targets)))
    return check(name, False, severity, '%s proxies the backend\'s /health (version, db, redis) to every client: gate it on the monitoring '
                 'allow-list (nginx_monitoring_allow)' % where)


def nginx_checks(host, answers, max_client_timeout='30s'):
    """The nginx configuration a web host runs with (``nginx -T``): every /api location limits requests and
    connections per client (limit_req, limit_conn) and is not gzipped (BREACH: its JSON carries tokens), and slow
    clients are cut off (client_header_timeout, client_body_timeout set and at most ``max_client_timeout``); /health
    passes the backend's detail (version, db, redis) only to the monitoring allow-list."""
    config = get(answers, 'nginx_config', '') or ''
    names = ('nginx_api_limits_' + host, 'nginx_api_no_gzip_' + host, 'nginx_client_timeouts_' + host, 'nginx_health_public_minimal_' + host)
    severities = ('medium', 'medium', 'low', 'medium')
    if not config.strip():
        why = 'no configuration read: %s' % _truncate(get(answers, 'nginx_error', '') or get(answers, 'msg', 'not audited'), 160)
        return [check(name, False, severity, why) for name, severity in zip(names, severities)]
    locations = _api_locations(config)
    out = []
    unlimited = [path for path, body in locations if not _directive(body, 'limit_req') or not _directive(body, 'limit_conn')]
    if not locations:
        out.append(check(names[0], False, severities[0], 'no location for /api found'))
    elif unlimited:
        out.append(check(names[0], False, severities[0], 'no limit_req and limit_conn in location %s' % ', '.join(unlimited)))
    else:
        out.append(check(names[0], True, severities[0], 'limit_req and limit_conn in location %s' % ', '.join(p for p, dummy in locations)))
    gzip_everywhere = 'on' in [v.lower() for v in _directive(config, 'gzip')]
    gzipped = [path for path, body in locations if gzip_everywhere and 'off' not in [v.lower() for v in _directive(body, 'gzip')]]
    if gzipped:
        out.append(check(names[1], False, severities[1], 'gzip on for location %s: compressed tokens over TLS leak by size (BREACH)'
                         % ', '.join(gzipped)))
    else:
        out.append(check(names[1], bool(locations), severities[1], 'no gzip on /api' if locations else 'no location for /api found'))
    limit = nginx_seconds(max_client_timeout)
    limit = 30 if limit is None else limit
    timeouts = dict((name, _directive(config, name)) for name in ('client_header_timeout', 'client_body_timeout'))
    problems = []
    for name, values in timeouts.items():
        if not values:
            problems.append('%s not set (nginx default 60s)' % name)
        elif any(s is None or s > limit for s in (nginx_seconds(v) for v in values)):
            problems.append('%s %s' % (name, ', '.join(values)))
    out.append(check(names[2], not problems, severities[2],
                     ('slow clients may hold a connection: %s (max %s)' % ('; '.join(problems), max_client_timeout)) if problems
                     else '%s (max %s)' % (', '.join('%s %s' % (n, ', '.join(v)) for n, v in timeouts.items()), max_client_timeout)))
    out.append(_health_check(names[3], severities[3], config))
    return out


def _ms(result):
    return round(sum(number(v, 0.0) for v in get(result, 'execution_time_ms', [0]) or [0]) / 1000, 3)


def database_checks(host, answers):
    """pg_hba: no trust/md5/password for network clients, no local trust; the app role neither superuser nor more."""
    out = []
    hba = get(answers, 'hba', {})
    rows = get(hba, 'query_result')
    if rows is not None:
        network = [r for r in rows if get(r, 'type') != 'local']
        weak = [r for r in network if get(r, 'auth_method') in WEAK_METHODS]
        lines = ['line %s: %s %s %s %s %s%s' % (get(r, 'line_number'), get(r, 'type'), ','.join(get(r, 'database') or []),
                                                ','.join(get(r, 'user_name') or []), get(r, 'address') or '', get(r, 'auth_method') or '',
                                                (' error: %s' % r['error']) if get(r, 'error') else '')
                 for r in weak + [r for r in rows if get(r, 'error')]]
        methods = ', '.join(_unique(get(r, 'auth_method') for r in network)) or 'none'
        out.append(check('pg_hba_scram_only_' + host, not lines,
                         'critical' if any(get(r, 'auth_method') == 'trust' for r in weak) else 'high',
                         '; '.join(lines) if lines else '%d network rules, methods: %s' % (len(network), methods), _ms(hba)))
        local = [r for r in rows if get(r, 'type') == 'local']
        trust = [r for r in local if get(r, 'auth_method') == 'trust']
        out.append(check('pg_hba_no_local_trust_' + host, not trust, 'medium',
                         'local trust on line(s) %s: any local OS user connects as any role'
                         % ', '.join(str(get(r, 'line_number')) for r in trust) if trust
                         else 'local rules: %s' % (', '.join(_unique(get(r, 'auth_method') for r in local)) or 'none')))
    else:
        out.append(check('pg_hba_scram_only_' + host, False, 'high', _hba_unread(hba)))
    if 'hba' in answers:
        out.append(_hba_tls_check(host, hba))
    if 'connections' in answers:
        out.append(_connections_tls_check(host, get(answers, 'connections', {})))
    answer = get(answers, 'role', {})
    name = get(answers, 'role_name', 'aura_flow_user')
    found = get(answer, 'query_result') or []
    role = found[0] if found else None
    if role:
        superuser = [attr[3:] for attr in ('rolsuper', 'rolbypassrls') if get(role, attr)]
        extra = [attr[3:] for attr in ('rolcreaterole', 'rolcreatedb', 'rolreplication') if get(role, attr)]
        out.append(check('pg_app_role_not_superuser_' + host, not superuser, 'critical', 'role %s: %s'
                         % (name, ('has ' + ', '.join(superuser)) if superuser else 'no superuser, no bypassrls'), _ms(answer)))
        out.append(check('pg_app_role_least_privilege_' + host, not extra, 'high', 'role %s: %s'
                         % (name, ('has ' + ', '.join(extra)) if extra else 'no createrole, no createdb, no replication')))
    else:
        why = ('role %s does not exist' % name) if get(answer, 'query_result') is not None \
            else 'cannot read pg_roles: %s' % get(answer, 'msg', 'not audited')
        out.append(check('pg_app_role_not_superuser_' + host, False, 'critical', why))
        out.append(check('pg_app_role_least_privilege_' + host, False, 'high', why))
    return out


ENCRYPTED_RULES = ('hostssl', 'hostgssenc')


def _hba_unread(hba):
    """Why the pg_hba checks have nothing to judge: the query's error."""
    return 'cannot read pg_hba_file_rules: %s' % get(hba, 'msg', 'not audited')


def _loopback(address, netmask):
    """True when an hba rule's address matches only the loopback (or the server itself: samehost)."""
    if address in ('samehost', 'localhost'):
        return True
    try:
        prefix = '/%d' % bin(int(ipaddress.ip_address(netmask))).count('1') if netmask else ''
        net = ipaddress.ip_network('%s%s' % (address, prefix), strict=False)
    except (TypeError, ValueError):
        return False  # all, samenet, a host name
    return net.subnet_of(ipaddress.ip_network('127.0.0.0/8')) if net.version == 4 else net.subnet_of(ipaddress.ip_network('::1/128'))


def _hba_tls_check(host, hba):
    """pg_hba: every rule the network can match (not local, not loopback, not reject) requires TLS."""
    name = 'pg_hba_tls_only_' + host
    rows = get(hba, 'query_result')
    if rows is None:
        return check(name, False, 'high', _hba_unread(hba))
    network = [r for r in rows if get(r, 'type') != 'local' and get(r, 'auth_method') != 'reject'
               and not _loopback(get(r, 'address'), get(r, 'netmask'))]
    plain = [r for r in network if get(r, 'type') not in ENCRYPTED_RULES]
    if plain:
        return check(name, False, 'high', 'without TLS: ' + '; '.join(
            'line %s: %s %s %s %s' % (get(r, 'line_number'), get(r, 'type'), ','.join(get(r, 'database') or []), ','.join(get(r, 'user_name') or []),
                                      '/'.join(str(v) for v in (get(r, 'address'), get(r, 'netmask')) if v)) for r in plain), _ms(hba))
    return check(name, True, 'high', '%d network rules, all %s (loopback and local rules need no TLS)'
                 % (len(network), ' or '.join(_unique(get(r, 'type') for r in network)) or 'hostssl'), _ms(hba))


def _connections_tls_check(host, answer):
    """pg_stat_ssl: every live connection from the network (not the loopback) uses TLS."""
    name = 'pg_connections_tls_' + host
    rows = get(answer, 'query_result')
    if rows is None:
        return check(name, False, 'high', 'cannot read pg_stat_ssl: %s' % get(answer, 'msg', 'not audited'))
    local = [r for r in rows if _loopback(get(r, 'client_addr'), None)]
    network = [r for r in rows if r not in local]
    plain = [r for r in network if not get(r, 'ssl')]
    if plain:
        return check(name, False, 'high', 'without TLS: ' + '; '.join(
            '%s from %s (pid %s, %s)' % (get(r, 'usename'), get(r, 'client_addr'), get(r, 'pid'), get(r, 'backend_type')) for r in plain), _ms(answer))
    if not network:
        return check(name, True, 'high', 'no network connections', _ms(answer))
    return check(name, True, 'high', '%d network connections, all over TLS (%s)%s'
                 % (len(network), ', '.join(sorted(_unique(get(r, 'version') for r in network))),
                    ('; %d on the loopback' % len(local)) if local else ''), _ms(answer))


def _unique(values):
    out = []
    for value in values:
        if value not in out:
            out.append(value)
    return [str(v) for v in out]


def audit_checks(public, app, db, cache_hosts=(), prober='', hsts_min_age=31536000, max_exposure=2.5, redis_rights=None,
                 web=None, max_client_timeout='30s'):
    """Every check of a security audit, in the report's order (through nginx, backends, Redis, PostgreSQL)."""
    checks = cors_checks(get(public, 'cors', {}), get(public, 'cors_seconds', 0), get(public, 'cors_origins', []))
    checks += tls_checks(get(public, 'tls', {}), get(public, 'tls_seconds', 0))
    headers = dig(public, 'headers', 'results', default=[]) or []
    key = get(headers[0], 'ansible_loop_var', 'item') if headers else 'item'
    checks += header_checks(headers, int(hsts_min_age), path_key=key)
    for host, answers in app.items():
        checks += backend_checks(host, answers, float(max_exposure))
    checks += redis_checks(cache_hosts, prober, redis_rights or {})
    checks += redis_rights_checks(cache_hosts, prober, redis_rights or {})
    for host, answers in (web or {}).items():
        checks += nginx_checks(host, answers, max_client_timeout)
    for host, answers in db.items():
        checks += database_checks(host, answers)
    return checks
