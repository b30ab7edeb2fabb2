"""Unit tests for plugins/action/report_write.py: where and how a report is written on the controller."""

import json
import os
import stat

import pytest

from ansible_collections.auraflow.ops.plugins.action.report_write import _mode, write_report

NOW = 1796026715  # 2026-11-30T08:18:35Z


def test_the_report_lands_as_kind_and_utc_time_with_owner_and_group_only(tmp_path):
    os.umask(0o022)
    target = tmp_path / 'reports' / 'nested'
    dest = write_report(str(target), 'deploy', {'passed': True, 'kind': 'deploy', 'checks': []}, now=NOW)
    assert dest == str(target / 'deploy-20261130T081835Z.json')
    assert json.loads(open(dest).read()) == {'passed': True, 'kind': 'deploy', 'checks': []}
    assert open(dest).read().startswith('{\n  "checks": []')  # sorted keys, two-space indent, as to_nice_json(indent=2)
    assert stat.S_IMODE(os.stat(dest).st_mode) == 0o640
    assert stat.S_IMODE(os.stat(target).st_mode) == 0o750
    assert os.listdir(target) == ['deploy-20261130T081835Z.json']  # no temporary file left


def test_an_existing_directory_keeps_its_mode(tmp_path):
    os.chmod(tmp_path, 0o755)
    write_report(str(tmp_path), 'slo', {}, now=NOW)
    assert stat.S_IMODE(os.stat(tmp_path).st_mode) == 0o755


@pytest.mark.parametrize('kind', ['', '../etc/passwd', '.hidden', 'a/b'])
def test_a_kind_that_is_not_a_plain_name_is_refused_before_anything_is_written(tmp_path, kind):
    with pytest.raises(ValueError, match='kind must be a plain name'):
        write_report(str(tmp_path / 'r'), kind, {}, now=NOW)
    assert not (tmp_path / 'r').exists()


def test_a_document_that_cannot_be_serialised_leaves_no_temporary_file(tmp_path):
    class Unprintable:
        def __str__(self):
            raise TypeError('no')
    with pytest.raises(TypeError):
        write_report(str(tmp_path), 'deploy', {'x': Unprintable()}, now=NOW)
    assert os.listdir(tmp_path) == []


def test_modes_are_octal_strings_or_numbers():
    assert _mode('0640', 'mode') == 0o640 and _mode(640, 'mode') == 0o640
    with pytest.raises(ValueError, match='mode must be an octal mode'):
        _mode('rw-r-----', 'mode')
    with pytest.raises(ValueError, match='directory_mode must be an octal mode'):
        _mode('99999', 'directory_mode')
