"""auraflow.ops.file_state on a real file tree: what the module adds to plugins/module_utils/file_state.py (whose
rules tests/unit/plugins/filter/test_files_filter.py covers) - one run reads files, directories, links and missing
paths as the roles' converge sees them, never changes anything (also in check mode), and names bad input.

The module file is executed directly, as Ansible runs it on the target (fault_servers.run_direct); the real
``ansible localhost -c local -m auraflow.ops.file_state`` CLI runs check mode and the argument-spec error.
"""

import hashlib
import os

from fault_servers import run_ansible, run_direct


def tree(tmp_path):
    conf = tmp_path / 'nginx.conf'
    conf.write_text('worker_processes auto;\n')
    os.chmod(conf, 0o640)
    (tmp_path / 'releases').mkdir()
    os.chmod(tmp_path / 'releases', 0o755)
    os.symlink('releases', str(tmp_path / 'current'))
    return [str(tmp_path / n) for n in ('nginx.conf', 'releases', 'current', 'missing')]


def test_one_run_reads_every_path_and_changes_nothing(tmp_path):
    paths = tree(tmp_path)
    before = sorted((p.name, p.stat().st_mtime_ns) for p in tmp_path.iterdir())
    result, proc = run_direct('file_state', {'paths': paths})
    assert proc.returncode == 0 and result['changed'] is False, proc.stdout + proc.stderr
    files = result['files']
    assert files[paths[0]]['type'] == 'file' and files[paths[0]]['mode'] == '0640'
    assert files[paths[0]]['checksum'] == hashlib.sha1(b'worker_processes auto;\n').hexdigest()
    assert files[paths[1]]['type'] == 'directory' and files[paths[1]]['mode'] == '0755'
    assert files[paths[2]]['type'] == 'link' and files[paths[2]]['target'] == 'releases'
    assert files[paths[3]] == {'exists': False}
    # the filesystem each path is on (the postgres role compares the data directory's and the repository's)
    assert files[paths[0]]['device'] == files[paths[1]]['device'] == os.lstat(str(tmp_path)).st_dev
    if os.path.exists('/dev/shm') and os.stat('/dev/shm').st_dev != os.stat(str(tmp_path)).st_dev:
        other, dummy = run_direct('file_state', {'paths': ['/dev/shm']})
        assert other['files']['/dev/shm']['device'] != files[paths[0]]['device']
    assert sorted((p.name, p.stat().st_mtime_ns) for p in tmp_path.iterdir()) == before


def test_without_checksums_and_in_check_mode_through_ansible(tmp_path):
    paths = tree(tmp_path)
    result, _proc = run_ansible('file_state', {'paths': paths[:1], 'checksum': False}, check_mode=True)
    assert result['changed'] is False and 'checksum' not in result['files'][paths[0]]
    assert result['files'][paths[0]]['exists'] is True


def test_a_relative_path_is_refused_with_a_clear_message(tmp_path):
    result, proc = run_direct('file_state', {'paths': ['etc/nginx/nginx.conf', str(tmp_path)]})
    assert proc.returncode == 1 and result['failed'] and 'Traceback' not in proc.stderr
    assert result['msg'] == 'file_state: paths must be absolute: etc/nginx/nginx.conf'
    result, _proc = run_ansible('file_state', {'checksum': True})
    assert result['failed'] and result['msg'] == 'missing required arguments: paths'
