# -*- coding: utf-8 -*-
# Copyright: (c) 2026, auraflow.ops maintainers
# MIT License (see LICENSE)
"""``package_json | auraflow.ops.package_script('db:migrate:prod')``: a script of a release's package.json.

The backend role runs the app's package scripts (migrations, the demo seed) the way ``npm run`` does -
``sh -c`` with the script's text, in the release directory, its ``node_modules/.bin`` first on ``PATH`` -
so app hosts need Node.js only: Debian's ``npm`` package alone pulls in about 360 more packages (on the lab,
about 35 s and 25 CPU-s per host on bookworm, 57 s on trixie) for nothing else than launching these scripts.
"""

from __future__ import annotations

import json

from ansible.errors import AnsibleFilterError


def package_script(package_json, name, where='package.json'):
    """The command of script ``name`` in ``package_json`` (its text, or the parsed mapping).

    A missing script, or a file that is not a package.json, fails with what was found instead: a
    migration the role cannot find must stop the deploy, never pass as done."""
    data = package_json
    if isinstance(package_json, (str, bytes)):
        try:
            data = json.loads(package_json)
        except ValueError as exc:
            raise AnsibleFilterError('package_script: %s is not valid JSON (%s)' % (where, exc)) from None
    if not isinstance(data, dict):
        raise AnsibleFilterError('package_script: %s is not a JSON object' % where)
    scripts = data.get('scripts') or {}
    if not isinstance(scripts, dict):
        raise AnsibleFilterError('package_script: "scripts" in %s is not an object' % where)
    command = scripts.get(name)
    if not isinstance(command, str) or not command.strip():
        have = ', '.join(sorted(str(key) for key in scripts)) or 'none'
        raise AnsibleFilterError('package_script: %s has no script "%s" (its scripts: %s)' % (where, name, have))
    return command


class FilterModule:
    def filters(self):
        return {'package_script': package_script}
