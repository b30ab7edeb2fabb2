# -*- coding: utf-8 -*-
# Copyright: (c) 2026, auraflow.ops maintainers
# MIT License (see LICENSE)
"""What respond.yml refuses to block (block_ip) or to kill (clear_port): pure logic behind the filters
auraflow.ops.block_ip_problems and auraflow.ops.clear_port_problems.

block_ip: a range broader than the limit of its family (IPv4 shorter than /16, IPv6 shorter than /48 by
default) would lock out every client and the health checks; an address or range that covers one of our own
(loopback, the controller's addresses, the inventory hosts' addresses, the lab subnet) cuts the stack off
from itself. clear_port: PID 1 (the host's or the container's init), the system manager, sshd and
container runtimes are never stopped; anything else only when its name is in the killable set.
"""

from __future__ import annotations

import ipaddress
import re

LOOPBACK = (('127.0.0.0/8', 'loopback'), ('::1/128', 'loopback'))
NEVER_KILLED = frozenset(('init', 'systemd', 'sshd', 'sshd-session', 'tini', 'docker-init', 'dumb-init', 'containerd',
                          'containerd-shim', 'dockerd', 'runc', 'conmon', 's6-svscan', 'runsvdir'))


def _network(value):
    try:
        return ipaddress.ip_network(str(value).strip(), strict=False)
    except ValueError:
        return None


def _same_family(net):
    """net and, for an IPv4-mapped IPv6 address (::ffff:a.b.c.d), its IPv4 form."""
    nets = [net]
    if net.version == 6 and net.prefixlen >= 96 and net.network_address.ipv4_mapped:
        nets.append(ipaddress.ip_network('%s/%d' % (net.network_address.ipv4_mapped, net.prefixlen - 96)))
    return nets


def block_ip_problems(target, own=(), min_prefix_ipv4=16, min_prefix_ipv6=48, allow_own=False):
    """The refusals for blocking target; [] when it may be blocked.

    own: [{'net': address or CIDR, 'what': who it is}] - our own addresses (loopback is always added;
    entries that are not addresses, such as host names, are ignored). Each refusal is a dict rule, msg.
    """
    net = _network(target)
    if net is None:
        return [{'rule': 'address', 'msg': "'%s' is not an IPv4/IPv6 address or CIDR" % target}]
    problems = []
    limit = int(min_prefix_ipv4 if net.version == 4 else min_prefix_ipv6)
    if net.prefixlen < limit:
        option = 'respond_block_min_prefix_ipv%d' % net.version
        problems.append({'rule': option, 'msg': (
            '%s covers %s addresses, broader than /%d, the limit for IPv%d (rule %s=%d): it would lock out whole '
            'networks of clients. To block it deliberately: -e %s=%d'
            % (net, net.num_addresses, limit, net.version, option, limit, option, net.prefixlen))})
    hits = []
    for entry in list(LOOPBACK) + [(item.get('net'), item.get('what', '?')) for item in own or ()]:
        other = _network(entry[0])
        if other is None:
            continue
        if any(mine.version == other.version and mine.overlaps(other) for mine in _same_family(net)):
            hit = '%s (%s)' % (entry[1], other if other.num_addresses > 1 else other.network_address)
            if hit not in hits:
                hits.append(hit)
    if hits and not allow_own:
        problems.append({'rule': 'respond_block_own', 'msg': (
            '%s covers our own addresses: %s (rule: loopback, the controller, the inventory hosts and the lab subnet are '
            'never blocked - nginx would refuse the stack, the controller and their /health checks). To block it '
            'deliberately: -e respond_block_own=yes' % (net, ', '.join(hits)))})
    return problems


def port_owners(ss_output):
    """[{'name', 'pid'}] of the processes ss -p lists in ss_output (users:(("name",pid=N,fd=M),...))."""
    owners = []
    for name, pid in re.findall(r'\("([^"]+)",pid=(\d+)', ss_output or ''):
        owner = {'name': name, 'pid': int(pid)}
        if owner not in owners:
            owners.append(owner)
    return owners


def clear_port_problems(ss_output, killable=('node', 'nodejs'), option='respond_clear_port_names'):
    """The refusals for stopping the processes holding a port (ss -ltnpeH output); [] when they may be stopped.
    option names the variable that widens the killable set, as the caller's user sets it (the refusal says how)."""
    killable = [str(name) for name in killable or ()]
    problems = []
    for owner in port_owners(ss_output):
        name, pid = owner['name'], owner['pid']
        if pid == 1:
            problems.append({'rule': 'pid_1', 'msg': (
                '%s (pid 1) is the init of the host or container: stopping it takes everything on it down (rule: pid 1 is '
                'never stopped, there is no override - free the port by hand)' % name)})
        elif name in NEVER_KILLED or name.startswith('systemd'):
            problems.append({'rule': 'never_killed', 'msg': (
                '%s (pid %d) is a system service or container runtime (rule: %s are never stopped, there is no override - '
                'free the port by hand)' % (name, pid, ', '.join(sorted(NEVER_KILLED | {'systemd*'}))))})
        elif name not in killable:
            wider = '[%s]' % ', '.join('"%s"' % n for n in killable + [name])
            problems.append({'rule': option, 'msg': (
                '%s (pid %d) is not in the killable set %s (%s). To stop it deliberately: '
                "-e '{\"%s\": %s}'" % (name, pid, option, ', '.join(killable) or 'empty', option, wider))})
    return problems
