"""The rules conftest.py and pytest.ini enforce on the test tiers, checked on throwaway test files
run with a copy of both (no lab needed): a lab fixture without the lab mark and a lab module
missing from LAB_ORDER are collection errors; under CI a skip fails and names its reason, outside
CI it is reported with the reason; an unknown mark is an error; an xfail that passes fails."""

import os
import shutil
import subprocess
import sys

import pytest

from conftest import ROOT

HERE = os.path.dirname(os.path.abspath(__file__))


def pytest_in(tmp_path, name, text, ci=False):
    shutil.copy(os.path.join(HERE, 'conftest.py'), tmp_path / 'conftest.py')
    shutil.copy(os.path.join(ROOT, 'pytest.ini'), tmp_path / 'pytest.ini')
    (tmp_path / name).write_text(text)
    env = {k: v for k, v in os.environ.items() if k != 'CI'}
    if ci:
        env['CI'] = 'true'
    result = subprocess.run([sys.executable, '-m', 'pytest', '-p', 'no:cacheprovider', '-p', 'no:xdist', '-o',
                             'testpaths=.', name], cwd=tmp_path, env=env, capture_output=True, text=True,
                            check=False, timeout=120)
    return result.returncode, result.stdout + result.stderr


def test_a_lab_fixture_without_the_mark_is_a_collection_error(tmp_path):
    rc, out = pytest_in(tmp_path, 'test_sneaky.py', 'def test_uses_the_lab(deployed_lab):\n    pass\n')
    assert rc == 4, out  # usage error: nothing ran
    assert 'test_sneaky.py::test_uses_the_lab uses a lab fixture without @pytest.mark.lab' in out


def test_a_lab_module_missing_from_the_order_is_a_collection_error(tmp_path):
    rc, out = pytest_in(tmp_path, 'test_unplaced.py', 'import pytest\n\n@pytest.mark.lab\ndef test_x():\n    pass\n')
    assert rc == 4 and 'missing from conftest.LAB_ORDER' in out, out


@pytest.mark.parametrize('ci', [False, True])
def test_a_missing_prerequisite_skips_outside_ci_and_fails_under_ci(tmp_path, ci):
    text = ('import pytest\nfrom conftest import require\n\n'
            'def test_needs_a_tool():\n    require("frobnicator not installed")\n\n'
            'def test_plain_skip():\n    pytest.skip("no reason to run")\n')
    rc, out = pytest_in(tmp_path, 'test_prereq.py', text, ci=ci)
    if ci:
        assert rc == 1 and '2 failed' in out, out
        assert 'missing prerequisite (CI does not skip): frobnicator not installed' in out
        assert 'skipped under CI, which does not skip' in out
    else:
        assert rc == 0 and '2 skipped' in out, out
        assert 'missing prerequisite: frobnicator not installed' in out and 'no reason to run' in out


def test_unknown_marks_and_passing_xfails_fail(tmp_path):
    rc, out = pytest_in(tmp_path, 'test_marks.py', 'import pytest\n\n@pytest.mark.labb\ndef test_typo():\n    pass\n')
    assert rc != 0 and "'labb' not found in `markers`" in out, out
    rc, out = pytest_in(tmp_path, 'test_xfail.py', 'import pytest\n\n@pytest.mark.xfail(reason="r")\ndef test_x():\n    pass\n')
    assert rc == 1 and 'XPASS(strict)' in out, out
