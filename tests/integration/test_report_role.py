"""The report role: one JSON schema, a table, set_stats, and failure when a check failed."""

import json
import os

from conftest import VENV_BIN, run

PLAY = """
- hosts: localhost
  connection: local
  gather_facts: false
  vars:
    ansible_python_interpreter: "{{{{ ansible_playbook_python }}}}"
  roles:
    - role: auraflow.ops.report
      report_kind: demo
      report_release: 1.2.3
      report_dir: {dir}
      report_targets: {{p95_ms: 200}}
      report_measured: {{p95_ms: 12.5}}
      report_checks:
        - {{name: health, ok: true, severity: P0, detail: 200 from both backends, seconds: 0.4}}
        - {{name: p95, ok: {p95_ok}, severity: P1, detail: 12.5 ms, seconds: 3.1}}
"""


def play(tmp_path, p95_ok):
    playbook = tmp_path / 'play.yml'
    playbook.write_text(PLAY.format(dir=tmp_path / 'reports', p95_ok=str(p95_ok).lower()))
    env = {'ANSIBLE_SHOW_CUSTOM_STATS': '1'}
    result = run([os.path.join(VENV_BIN, 'ansible-playbook'), '-i', 'localhost,', str(playbook)], env=env)
    reports = sorted((tmp_path / 'reports').glob('demo-*.json'))
    assert len(reports) == 1
    return result, json.loads(reports[0].read_text())


def test_passing_report(tmp_path):
    result, report = play(tmp_path, True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert set(report) == {'kind', 'started', 'finished', 'inventory', 'release', 'checks', 'targets', 'measured', 'passed'}
    assert report['kind'] == 'demo' and report['release'] == '1.2.3' and report['passed'] is True
    assert [c['name'] for c in report['checks']] == ['health', 'p95']
    assert report['targets'] == {'p95_ms': 200} and report['measured'] == {'p95_ms': 12.5}
    assert 'ok     P0        health' in result.stdout
    stats = result.stdout.split('CUSTOM STATS', 1)[1]
    assert 'demo:' in stats and 'passed: true' in stats and 'failed_checks: []' in stats


def test_failing_check_fails_the_play_after_writing(tmp_path):
    result, report = play(tmp_path, False)
    assert result.returncode != 0
    assert report['passed'] is False
    assert 'FAIL   P1        p95' in result.stdout
    assert 'demo failed: p95' in result.stdout + result.stderr


def test_reports_are_private_whatever_the_umask(tmp_path):
    """JSON and HTML reports hold e-mail addresses and screenshots: 0600 or 0640 even under umask 000."""
    playbook = tmp_path / 'play.yml'
    playbook.write_text(PLAY.format(dir=tmp_path / 'reports', p95_ok='true').replace(
        '      report_release: 1.2.3', '      report_release: 1.2.3\n      report_html: true'))
    result = run(['sh', '-c', 'umask 000 && exec "$@"', 'sh', os.path.join(VENV_BIN, 'ansible-playbook'),
                  '-i', 'localhost,', str(playbook)])
    assert result.returncode == 0, result.stdout + result.stderr
    written = sorted((tmp_path / 'reports').glob('demo-*'))
    assert [p.suffix for p in written] == ['.html', '.json']
    modes = {p.name: oct(p.stat().st_mode & 0o777) for p in written}
    assert set(modes.values()) <= {'0o600', '0o640'}, modes
    assert (tmp_path / 'reports').stat().st_mode & 0o007 == 0, oct((tmp_path / 'reports').stat().st_mode)
