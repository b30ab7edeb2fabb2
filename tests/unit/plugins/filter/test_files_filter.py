"""Unit tests for module_utils/file_state.py and plugins/filter/files.py: what is in place, what to write."""

import os

import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.auraflow.ops.plugins.filter.files import files_to_write
from ansible_collections.auraflow.ops.plugins.module_utils import file_state


@pytest.fixture
def tree(tmp_path):
    conf = tmp_path / 'app.conf'
    conf.write_text('listen 80;\n')
    os.chmod(conf, 0o644)
    (tmp_path / 'shared').mkdir(mode=0o750)
    os.chmod(tmp_path / 'shared', 0o750)
    os.symlink(str(tmp_path / 'shared'), str(tmp_path / 'current'))
    paths = [str(tmp_path / n) for n in ('app.conf', 'shared', 'current', 'gone')]
    return tmp_path, {p: file_state.read(p) for p in paths}


def test_read_names_type_owner_mode_checksum_and_target(tree):
    root, state = tree
    conf = state[str(root / 'app.conf')]
    assert conf['type'] == 'file' and conf['mode'] == '0644' and conf['checksum'] == file_state.content_checksum('listen 80;\n')
    assert state[str(root / 'shared')]['type'] == 'directory' and state[str(root / 'shared')]['mode'] == '0750'
    assert state[str(root / 'current')]['type'] == 'link' and state[str(root / 'current')]['target'] == str(root / 'shared')
    assert state[str(root / 'gone')] == {'exists': False}
    assert 'checksum' not in file_state.read(str(root / 'app.conf'), checksum=False)


def test_entries_in_place_are_left_out(tree):
    root, state = tree
    me = file_state.read(str(root))
    wanted = [
        {'dest': str(root / 'app.conf'), 'content': 'listen 80;\n', 'owner': me['owner'], 'group': me['group'], 'mode': '644'},
        {'path': str(root / 'shared'), 'state': 'directory', 'mode': '0750'},
        {'path': str(root / 'current'), 'state': 'link', 'src': str(root / 'shared'), 'mode': '0644'},
    ]
    assert files_to_write(wanted, state) == []


def test_every_difference_is_written_in_the_order_given(tree):
    root, state = tree
    wanted = [
        {'dest': str(root / 'gone'), 'content': 'x'},
        {'dest': str(root / 'app.conf'), 'content': 'listen 81;\n', 'src': 'app.conf.j2'},
        {'dest': str(root / 'app.conf'), 'mode': '0600'},
        {'dest': str(root / 'app.conf'), 'owner': 'nobody-such-user'},
        {'path': str(root / 'shared'), 'state': 'directory', 'group': 'nobody-such-group'},
        {'path': str(root / 'shared'), 'state': 'file'},
        {'path': str(root / 'current'), 'state': 'link', 'src': '/elsewhere'},
    ]
    assert files_to_write(wanted, state) == wanted  # other keys (src of a template) kept
    assert file_state.differences(wanted[5], state[str(root / 'shared')]) == ['is a directory, not a file']
    assert file_state.differences(wanted[0], state[str(root / 'gone')]) == ['missing']
    assert file_state.differences(wanted[0], None) == ['missing']


def test_bad_input_is_named():
    with pytest.raises(AnsibleFilterError, match='expected a list of mappings'):
        files_to_write('/etc/x', {})
    with pytest.raises(AnsibleFilterError, match='expected the files result'):
        files_to_write([{'path': '/etc/x'}], None)
    with pytest.raises(AnsibleFilterError, match='needs a path'):
        files_to_write([{'mode': '0644'}], {})
    with pytest.raises(AnsibleFilterError, match='state must be one of'):
        files_to_write([{'path': '/etc/x', 'state': 'absent'}], {'/etc/x': {'exists': True, 'type': 'file'}})
