# -*- coding: utf-8 -*-
# Copyright: (c) 2026, auraflow.ops maintainers
# MIT License (see LICENSE)
"""Sphinx extension for building the docsite offline (scripts/docs): the references our docs make to Ansible's
own docsite and to other collections' plugins resolve to their pages on docs.ansible.com without fetching an
intersphinx inventory (this machine reaches no documentation site). Only what exists resolves: a plugin of
another collection must be installed here (ansible-core or the ansible package's collections), and an
Ansible docsite label must be one of LABELS. Anything else stays a missing reference, which the build
(sphinx -W) fails on."""

from __future__ import annotations

import importlib.util
import os
import re

from docutils import nodes

BASE = 'https://docs.ansible.com/projects/ansible/devel/'
# Labels of Ansible's docsite that generated pages refer to, with their page and title.
LABELS = {
    'common_return_values': ('reference_appendices/common_return_values.html', 'Return Values'),
    'action_plugins': ('plugins/action.html', 'Action plugins'),
    'ansible_configuration_settings': ('reference_appendices/config.html', 'Ansible Configuration Settings'),
    'list_of_collections': ('collections/index.html', 'Collection Index'),
}
PLUGIN = re.compile(r'^ansible_collections\.([a-z0-9_]+)\.([a-z0-9_]+)\.([a-z0-9_]+)_([a-z]+)(?:__(.+))?$')


def _package_dir(name):
    """The directory of package ``name`` (a namespace package too, as the collections are), or None."""
    try:
        spec = importlib.util.find_spec(name)
    except ImportError:
        return None
    if spec is None:
        return None
    if spec.origin and spec.origin not in ('namespace', 'built-in'):
        return os.path.dirname(spec.origin)
    locations = list(spec.submodule_search_locations or [])
    return locations[0] if locations else None


def plugin_exists(namespace, collection, plugin, kind):
    """Whether plugin ``kind`` ``plugin`` of ``namespace.collection`` is installed here."""
    if (namespace, collection) == ('ansible', 'builtin'):
        base = _package_dir('ansible')
        folder = os.path.join(base, 'modules') if kind == 'module' else os.path.join(base, 'plugins', kind)
    else:
        roots = [p for p in (_package_dir('ansible_collections.%s.%s' % (namespace, collection)),) if p]
        if not roots:
            return False
        folder = os.path.join(roots[0], 'plugins', 'modules' if kind == 'module' else kind)
    return any(os.path.exists(os.path.join(folder, plugin + ext)) for ext in ('.py', '.yml', '.yaml', '.ps1'))


def resolve(target):
    """(url, title) for a reference this extension answers, else None."""
    if target in LABELS:
        page, title = LABELS[target]
        return BASE + page, title
    match = PLUGIN.match(target)
    if not match or match.group(1, 2) == ('auraflow', 'ops'):
        return None
    namespace, collection, plugin, kind, anchor = match.groups()
    if not plugin_exists(namespace, collection, plugin, kind):
        return None
    url = '%scollections/%s/%s/%s_%s.html' % (BASE, namespace, collection, plugin, kind)
    return (url + '#' + anchor if anchor else url), '%s.%s.%s' % (namespace, collection, plugin)


def missing_reference(app, env, node, contnode):  # pylint: disable=unused-argument
    if node.get('reftype') not in ('ref', 'any'):
        return None
    found = resolve(node.get('reftarget', ''))
    if not found:
        return None
    url, title = found
    text = contnode.astext() if contnode is not None else ''
    shown = contnode if contnode is not None and text and text != node.get('reftarget') else nodes.inline(title, title)
    reference = nodes.reference('', '', internal=False, refuri=url)
    reference.append(shown)
    return reference


def setup(app):
    app.connect('missing-reference', missing_reference)
    return {'parallel_read_safe': True, 'parallel_write_safe': True}
