"""scripts/awx-data: print awx/auraflow.yml as the JSON `awx import` reads, with the site's own URLs filled in.

    scripts/awx-data --scm-url https://git.example.com/ops/auraflow.git \\
                     --webhook-url https://hooks.example.com/services/... \\
                     --drill-inventory inventories/drill/hosts.yml | awx import

The file holds @SCM_URL@ (the project's git repository), @WEBHOOK_URL@ (the notification's
Slack-compatible webhook) and @DRILL_INVENTORY@ (the inventory file, in the project, of the hosts the
application and full drills may rebuild - never production's) instead of made-up values; this refuses,
printing nothing, while one is missing or malformed (a URL that is not http(s)/ssh/git, a path that is
absolute or leaves the project). Also from the environment: AURAFLOW_SCM_URL, AURAFLOW_WEBHOOK_URL,
AURAFLOW_DRILL_INVENTORY."""

import argparse
import json
import os
import re
import sys

import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PLACEHOLDERS = {'SCM_URL': ('--scm-url', 'AURAFLOW_SCM_URL', r'^(https?|ssh|git)://\S+$|^[\w.-]+@[\w.-]+:\S+$'),
                'WEBHOOK_URL': ('--webhook-url', 'AURAFLOW_WEBHOOK_URL', r'^https?://\S+$'),
                'DRILL_INVENTORY': ('--drill-inventory', 'AURAFLOW_DRILL_INVENTORY', r'^(?!/)(?!.*(^|/)\.\.(/|$))[\w.+-][\w./+-]*$')}


def fill(node, values):
    """node with every '@NAME@' string replaced by values[NAME]."""
    if isinstance(node, dict):
        return {key: fill(value, values) for key, value in node.items()}
    if isinstance(node, list):
        return [fill(value, values) for value in node]
    if isinstance(node, str):
        return re.sub(r'@([A-Z_]+)@', lambda m: values.get(m.group(1), m.group(0)), node)
    return node


def render(values, path=os.path.join(ROOT, 'awx', 'auraflow.yml')):
    """The controller objects with values filled in; ValueError naming what is missing or malformed."""
    problems = []
    for name, (flag, env, pattern) in PLACEHOLDERS.items():
        value = values.get(name)
        if not value:
            problems.append('%s (or %s) is required: it replaces @%s@' % (flag, env, name))
        elif not re.match(pattern, value):
            kind = 'a path inside the project' if name == 'DRILL_INVENTORY' else 'a URL of the expected kind'
            problems.append('%s %r is not %s' % (flag, value, kind))
        elif name == 'DRILL_INVENTORY' and os.path.normpath(value).split(os.sep)[:2] == ['inventories', 'production']:
            problems.append('%s %r is the production inventory: the drills rebuild the hosts they run on' % (flag, value))
    if problems:
        raise ValueError('awx-data: ' + '; '.join(problems) + '; nothing was printed')
    with open(path, encoding='utf-8') as handle:
        data = fill(yaml.safe_load(handle), values)
    left = sorted(set(re.findall(r'@[A-Z_]+@', json.dumps(data))))
    if left:
        raise ValueError('awx-data: %s has placeholders this script does not know: %s' % (path, ', '.join(left)))
    return data


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n', 1)[0])
    for name, (flag, env, dummy) in PLACEHOLDERS.items():
        parser.add_argument(flag, dest=name, default=os.environ.get(env, ''))
    args = parser.parse_args(argv)
    try:
        data = render(vars(args))
    except ValueError as exc:
        print(exc, file=sys.stderr)
        return 2
    json.dump(data, sys.stdout, indent=1)
    sys.stdout.write('\n')
    return 0


if __name__ == '__main__':
    sys.exit(main())
