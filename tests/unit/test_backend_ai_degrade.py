"""The backend role's ai_degrade entry point persists the setting on the host, and the next render of .env the way
main does it (tasks/state.yml, then templates/env.j2 - what every deploy runs) keeps it: a deploy after
`respond.yml ai_degrade` no longer reverts it. Runs the role on localhost (connection local) in a temporary
directory, in two ansible-playbook runs (the render in a run of its own, as a later deploy): no service is
touched (backend_defer_restart only marks the restart)."""

import json
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PLAYBOOK = os.path.join(ROOT, '.venv', 'bin', 'ansible-playbook')

VARS = """
    backend_root: {tmp}/root
    backend_group: root
    backend_fact_path: {tmp}/facts
    backend_database_url: postgres://aura:secret@db:5432/aura_flow
    backend_redis_url: redis://:secret@cache:6379
    backend_jwt_secret: 0123456789abcdef0123456789abcdef
    backend_defer_restart: true
"""

SWITCH = """
    - name: The entry point respond.yml calls ({name})
      ansible.builtin.include_role:
        name: auraflow.ops.backend
        tasks_from: ai_degrade
      vars:
        backend_ai_degraded: {state}
"""

# What main does for .env: read the persisted settings (the hook, tasks/state.yml), then the
# comparison with the same template; {override}: a backend_ai_degraded set by the inventory.
RENDER = """
    - name: The hook main imports before the .env (tasks/state.yml) ({name})
      ansible.builtin.include_role:
        name: auraflow.ops.backend
        tasks_from: state
        public: true

    - name: Read the .env the way main does (one auraflow.ops.file_state step) ({name})
      auraflow.ops.file_state:
        paths: ["{{{{ backend_root }}}}/shared/.env"]
      register: env_state

    - name: Find out whether the .env changes (main's comparison with the rendered template) ({name})
      ansible.builtin.set_fact:
        probe_changed: >-
          {{{{ [{{'path': backend_root ~ '/shared/.env', 'content': lookup('ansible.builtin.template', '{root}/roles/backend/templates/env.j2')}}]
             | auraflow.ops.files_to_write(env_state.files) | length > 0 }}}}
      vars:{override}

    - name: Say it ({name})
      ansible.builtin.debug:
        msg: "PROBE {name} changed={{{{ probe_changed }}}} env={{{{ env is search('^AI_DEGRADED=', multiline=True) }}}}"
      vars:
        env: "{{{{ lookup('ansible.builtin.file', backend_root ~ '/shared/.env') }}}}"
"""


def run(tmp_path, *steps):
    text = '- name: test\n  hosts: localhost\n  connection: local\n  gather_facts: false\n  vars:%s  tasks:' % VARS.format(tmp=tmp_path)
    for kind, name, arg in steps:
        if kind == 'switch':
            text += SWITCH.format(name=name, state=arg)
        else:
            text += RENDER.format(name=name, root=ROOT, override=arg or ' {}')
    path = tmp_path / 'play.yml'
    path.write_text(text)
    env = dict(os.environ, ANSIBLE_CONFIG=os.path.join(ROOT, 'ansible.cfg'), ANSIBLE_NOCOLOR='1')
    result = subprocess.run([PLAYBOOK, '-i', 'localhost,', '-e', 'ansible_python_interpreter=' + sys.executable, str(path)],
                            cwd=ROOT, env=env, capture_output=True, text=True, timeout=300, check=False)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    return dict(line.split('PROBE ', 1)[1].rstrip('"').split(' ', 1) for line in result.stdout.splitlines() if 'PROBE ' in line)


def test_a_deploy_after_ai_degrade_keeps_it_and_off_removes_it(tmp_path):
    (tmp_path / 'root' / 'shared').mkdir(parents=True)
    run(tmp_path, ('switch', 'on', 'true'))
    env = (tmp_path / 'root' / 'shared' / '.env').read_text().splitlines()
    assert 'AI_DEGRADED="true"' in env and 'PORT="3001"' in env
    assert json.loads((tmp_path / 'facts' / 'aura_flow_backend.fact').read_text()) == {'ai_degraded': True}

    # A later run (a deploy) renders .env as main does: nothing changes, the degradation stays; an inventory's
    # backend_ai_degraded wins over the persisted setting; off removes the line, and the next render keeps it off.
    probes = run(tmp_path, ('render', 'deploy', ''), ('render', 'inventory_false', '\n        backend_ai_degraded: false'),
                 ('switch', 'off', 'false'), ('render', 'deploy_after_off', ''))
    assert probes == {'deploy': 'changed=False env=True', 'inventory_false': 'changed=True env=True',
                      'deploy_after_off': 'changed=False env=False'}, probes
    assert json.loads((tmp_path / 'facts' / 'aura_flow_backend.fact').read_text()) == {'ai_degraded': False}
