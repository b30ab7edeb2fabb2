"""The report role's HTML twin (report_html: true): rendered from the JSON it wrote, self-contained.

Banner from `passed`, a timeline of measured.phases, targets vs measured (the verdict of the check named like
the target, else the numbers), the checks, backup/versions, the screenshot; values are HTML-escaped. Without
report_html nothing but the JSON is written.
"""

import json
import os
import re

from conftest import VENV_BIN, run

# A 1x1 PNG.
PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=='

PLAY = """
- hosts: localhost
  connection: local
  gather_facts: false
  vars:
    ansible_python_interpreter: "{{{{ ansible_playbook_python }}}}"
  roles:
    - role: auraflow.ops.report
      report_kind: drill_demo
      report_dir: {dir}
      report_html: {html}
      report_fail: false
      report_targets: {{rto_seconds: 1800, rpo_seconds: 3600, min_rps: 100}}
      report_measured:
        rto_seconds: 42.5
        rpo_seconds: {rpo}
        rps: 250
        phases: [{{name: find_backup, seconds: 0.5}}, {{name: restore, seconds: 30}}, {{name: verify, seconds: 12}}]
        backup: {{file: /var/backups/postgresql/aura_flow-20260131T020000Z.dump, size_bytes: 90443}}
        versions: {{postgresql: "15.20"}}
        note: "<script>alert(1)</script>"
        screenshot_png_base64: {png}
      report_checks:
        - {{name: restore, ok: true, severity: critical, detail: "restored <users> & items", seconds: 30}}
        - {{name: rto, ok: true, severity: critical, detail: 42.5 s <= 1800 s}}
        - {{name: rpo, ok: {rpo_ok}, severity: high, detail: backup age}}
"""


def play(tmp_path, rpo=120, rpo_ok=True, report_html=True):
    playbook = tmp_path / 'play.yml'
    playbook.write_text(PLAY.format(dir=tmp_path / 'reports', html=str(report_html).lower(), rpo=rpo,
                                    rpo_ok=str(rpo_ok).lower(), png=PNG))
    result = run([os.path.join(VENV_BIN, 'ansible-playbook'), '-i', 'localhost,', str(playbook)],
                 env={'ANSIBLE_SHOW_CUSTOM_STATS': '1'})
    assert result.returncode == 0, result.stdout + result.stderr
    reports = sorted((tmp_path / 'reports').glob('drill_demo-*.json'))
    assert len(reports) == 1
    pages = sorted((tmp_path / 'reports').glob('drill_demo-*.html'))
    return result, json.loads(reports[0].read_text()), reports[0], pages


def target_row(page, name):
    match = re.search(r'<tr class="target" data-target="%s">(.*?)</tr>' % name, page, re.S)
    assert match, 'no target row %s' % name
    return match.group(1)


def test_html_rendered_from_the_json(tmp_path):
    result, report, path, pages = play(tmp_path)
    assert pages == [path.with_suffix('.html')]
    page = pages[0].read_text()
    assert report['passed'] is True
    assert set(report) == {'kind', 'started', 'finished', 'inventory', 'release', 'checks', 'targets', 'measured', 'passed'}
    assert 'class="banner pass"' in page and 'drill_demo: PASSED' in page and '3 of 3 checks passed' in page
    assert report['started'] in page and report['finished'] in page
    assert 'most time: restore, 30.0 s of 42.5 s' in page
    # Timeline: one bar per phase, widths proportional to the seconds (30 of 42.5 s), the longest marked.
    timeline = page.split('id="timeline"', 1)[1].split('</table>', 1)[0]
    assert [n for n in ('find_backup', 'restore', 'verify') if n in timeline] == ['find_backup', 'restore', 'verify']
    assert 'width: 70.59%' in timeline and 'left: 1.18%' in timeline and 'fill longest' in timeline
    assert '42.5' in timeline
    # Targets: the verdict of the check named like the target, else the numbers.
    assert 'pass' in target_row(page, 'rto_seconds') and '42.5' in target_row(page, 'rto_seconds')
    assert 'pass' in target_row(page, 'rpo_seconds') and '&le; 3600' in target_row(page, 'rpo_seconds')
    assert 'pass' in target_row(page, 'min_rps') and '&ge; 100' in target_row(page, 'min_rps')
    # Checks, backup, versions, escaped values, the screenshot; nothing external.
    assert 'restored &lt;users&gt; &amp; items' in page
    assert '&lt;script&gt;alert(1)&lt;/script&gt;' in page and '<script' not in page
    assert 'aura_flow-20260131T020000Z.dump' in page and '15.20' in page
    assert 'src="data:image/png;base64,%s"' % PNG in page
    assert not re.search(r'(src|href)="(https?:)?//', page) and '<link' not in page
    assert 'html: %s' % pages[0] in result.stdout
    stats = result.stdout.split('CUSTOM STATS', 1)[1]
    assert 'html: %s' % pages[0] in stats


def test_failed_target_and_banner(tmp_path):
    _unused1, report, _unused2, pages = play(tmp_path, rpo=7200, rpo_ok=False)
    page = pages[0].read_text()
    assert report['passed'] is False
    assert 'class="banner fail"' in page and 'drill_demo: FAILED' in page and 'failed: rpo' in page
    assert 'FAIL' in target_row(page, 'rpo_seconds') and '7200 s' in target_row(page, 'rpo_seconds')
    assert '(120 min 00 s)' in target_row(page, 'rpo_seconds')
    assert 'pass' in target_row(page, 'rto_seconds')


def test_no_html_unless_asked(tmp_path):
    result, report, _unused1, pages = play(tmp_path, report_html=False)
    assert pages == [] and report['passed'] is True
    assert 'html:' not in result.stdout
