"""Shape of the collection (issue 20): where the tasks live and how often playbooks reach into roles.

Prints, from the checkout, side by side:
  tasks in playbooks/ against tasks in roles/ (target: playbooks hold at most a third),
  role defaults restated in playbooks as `<role>_x | default(...)` (target 0),
  PostgreSQL unit literals in playbooks (target 0),
  per-playbook lookups of the first app host (target 0: one fact),
  lines of verdict templates (target < 150).
Exit status 1 when a target is missed. Static: needs no lab.
"""
import os
import re
import sys

import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TASK_KEYS = ('tasks', 'pre_tasks', 'post_tasks', 'handlers')
BLOCK_KEYS = ('block', 'rescue', 'always')


def count_tasks(items):
    n = 0
    for item in items or []:
        if not isinstance(item, dict):
            continue
        if 'block' in item:
            for key in BLOCK_KEYS:
                n += count_tasks(item.get(key))
        else:
            n += 1
    return n


def yaml_files(top):
    for base, _dirs, files in os.walk(top):
        for name in sorted(files):
            if name.endswith(('.yml', '.yaml')):
                yield os.path.join(base, name)


def load(path):
    with open(path) as handle:
        return yaml.safe_load(handle)


def playbook_tasks():
    per_file = {}
    for path in yaml_files(os.path.join(ROOT, 'playbooks')):
        rel = os.path.relpath(path, ROOT)
        if '/vars/' in rel:
            continue
        data = load(path)
        if not isinstance(data, list):
            continue
        if rel.startswith('playbooks/tasks/'):
            per_file[rel] = count_tasks(data)
        else:
            per_file[rel] = sum(count_tasks(play.get(key)) for play in data if isinstance(play, dict) for key in TASK_KEYS)
    return per_file


def role_tasks():
    per_role = {}
    roles = os.path.join(ROOT, 'roles')
    for role in sorted(os.listdir(roles)):
        n = 0
        for sub in ('tasks', 'handlers'):
            top = os.path.join(roles, role, sub)
            if os.path.isdir(top):
                n += sum(count_tasks(load(p)) for p in yaml_files(top))
        per_role[role] = n
    return per_role


def role_defaults():
    """The variable names every role sets in defaults/main.yml (what a playbook must not restate)."""
    names = set()
    roles = os.path.join(ROOT, 'roles')
    for role in os.listdir(roles):
        path = os.path.join(roles, role, 'defaults', 'main.yml')
        if os.path.exists(path):
            names.update((load(path) or {}).keys())
    return names


def grep(pattern, top, suffixes=('.yml', '.yaml', '.j2')):
    hits = []
    rx = re.compile(pattern)
    for base, _dirs, files in os.walk(os.path.join(ROOT, top)):
        for name in files:
            if not name.endswith(suffixes):
                continue
            path = os.path.join(base, name)
            with open(path) as handle:
                for number, line in enumerate(handle, 1):
                    for match in rx.finditer(line):
                        hits.append('%s:%d: %s' % (os.path.relpath(path, ROOT), number, match.group(0)))
    return hits


def main():
    verbose = '-v' in sys.argv
    roles = sorted(os.listdir(os.path.join(ROOT, 'roles')))
    plays = playbook_tasks()
    in_roles = role_tasks()
    p, r = sum(plays.values()), sum(in_roles.values())
    share = p / float(p + r)
    restated = grep(r'\b(?:%s)\s*\|\s*default\(' % '|'.join(sorted(role_defaults(), key=len, reverse=True)), 'playbooks')
    units = grep(r'postgresql@[0-9]+-main|/var/lib/postgresql/[0-9]+', 'playbooks')
    first_app = grep(r"groups\[['\"]aura_app['\"]\]\s*\[0\]|groups\.aura_app\[0\]|groups\[['\"]aura_app['\"]\]\s*\|\s*first", 'playbooks')
    templates = [os.path.join('playbooks/templates', t) for t in sorted(os.listdir(os.path.join(ROOT, 'playbooks/templates')))] \
        if os.path.isdir(os.path.join(ROOT, 'playbooks/templates')) else []
    verdict_lines = 0
    for rel in templates:
        with open(os.path.join(ROOT, rel)) as handle:
            verdict_lines += len(handle.readlines())
    rows = [
        ('tasks in playbooks / all tasks', '%d / %d = %.0f %%' % (p, p + r, 100 * share), share <= 1 / 3.0, '<= 33 %'),
        ('role defaults restated in playbooks', str(len(restated)), not restated, '0'),
        ('PostgreSQL unit/path literals in playbooks', str(len(units)), not units, '0'),
        ('lookups of the first app host in playbooks', str(len(first_app)), not first_app, '0'),
        ('lines of playbook templates', str(verdict_lines), verdict_lines < 150, '< 150'),
    ]
    for name, value, ok, target in rows:
        print('%-44s %-20s target %-8s %s' % (name, value, target, 'PASS' if ok else 'FAIL'))
    print('playbooks: ' + ', '.join('%s %d' % (os.path.basename(k), v) for k, v in sorted(plays.items(), key=lambda kv: -kv[1])))
    print('roles:     ' + ', '.join('%s %d' % kv for kv in sorted(in_roles.items(), key=lambda kv: -kv[1])))
    if verbose:
        for hit in restated + units + first_app:
            print('  ' + hit)
    return 0 if all(ok for _n, _v, ok, _t in rows) else 1


if __name__ == '__main__':
    sys.exit(main())
