"""The RETURN blocks the modules write out themselves, held to the code that makes those values.

ansible-core 2.19 (the lowest requires_ansible claims) merges no RETURN doc fragments, so the modules that
share a result shape each document it: the verdict modules (cors_audit, jwt_config_check, tls_protocols) the
ok/msg/findings/summary of module_utils/findings.py's ``Verdict.result()``, the backup verifiers
(pg_backup_verify, pgbackrest_verify) the checks/skipped_checks/findings of module_utils/pg_backup.py's
``Checks``. This test fails when one of those copies drifts from the other or from the code: a key the code
returns that the docs leave out, a documented key the code no longer returns, or a type or ``returned``
that differs between twins."""

import ast
import os

import pytest
import yaml

from ansible_collections.auraflow.ops.plugins.module_utils.findings import Finding, verdict
from ansible_collections.auraflow.ops.plugins.module_utils.pg_backup import CHECK_SEVERITY, Checks

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
VERDICT_MODULES = ('cors_audit', 'jwt_config_check', 'tls_protocols')
BACKUP_VERIFIERS = ('pg_backup_verify', 'pgbackrest_verify')
# Keys a module adds to the shared summary itself (documented there, not returned by Verdict)
SUMMARY_EXTRAS = {'jwt_config_check': {'ids'}}


def returns(module):
    with open(os.path.join(ROOT, 'plugins', 'modules', module + '.py'), encoding='utf-8') as handle:
        tree = ast.parse(handle.read())
    for node in tree.body:
        if isinstance(node, ast.Assign) and getattr(node.targets[0], 'id', None) == 'RETURN':
            return yaml.safe_load(node.value.value)
    raise AssertionError('%s has no RETURN' % module)


def shape(doc):
    """What must agree between twins: type, returned, elements and the same of every key it contains."""
    return {'type': doc.get('type'), 'returned': doc.get('returned'), 'elements': doc.get('elements'),
            'contains': {k: shape(v) for k, v in sorted((doc.get('contains') or {}).items())}}


def verdict_result():
    found = [Finding('a_high', 'high', 'high finding', {'where': 'x'}), Finding('b_low', 'low', 'low finding')]
    return verdict(found, 'high').result('msg')


@pytest.mark.parametrize('module', VERDICT_MODULES)
def test_the_verdict_keys_are_documented_as_the_code_returns_them(module):
    docs = returns(module)
    result = verdict_result()
    for key in ('ok', 'msg', 'findings', 'summary'):
        assert key in docs, '%s: RETURN leaves out %s, which Verdict.result() returns' % (module, key)
    assert set(docs['findings']['contains']) == set(result['findings'][0]), module
    documented = set(docs['summary']['contains'])
    returned = set(result['summary']) | SUMMARY_EXTRAS.get(module, set())
    assert documented == returned, '%s: summary documents %s, the code returns %s' % (module, sorted(documented), sorted(returned))


@pytest.mark.parametrize('key', ('ok', 'msg', 'findings'))
def test_the_verdict_twins_agree(key):
    shapes = {module: shape(returns(module)[key]) for module in VERDICT_MODULES}
    assert len({repr(s) for s in shapes.values()}) == 1, shapes


def test_the_verdict_summaries_agree_on_what_they_share():
    shared = set(verdict_result()['summary'])
    shapes = {m: {k: shape(v) for k, v in returns(m)['summary']['contains'].items() if k in shared} for m in VERDICT_MODULES}
    assert len({repr(sorted(s.items())) for s in shapes.values()}) == 1, shapes


def test_the_backup_verifiers_document_the_checks_as_checks_makes_them():
    checks = Checks()
    name = sorted(CHECK_SEVERITY)[0]
    checks.add(name, False, 'detail')
    checks.skip(sorted(CHECK_SEVERITY)[1], 'reason')
    for module in BACKUP_VERIFIERS:
        docs = returns(module)
        assert set(docs['checks']['contains']) == set(checks.items[0]), module
        assert set(docs['skipped_checks']['contains']) == set(checks.skipped[0]), module
        assert 'findings' in docs and 'valid' in docs, module
    for key in ('valid', 'checks', 'skipped_checks', 'findings'):
        shapes = {m: shape(returns(m)[key]) for m in BACKUP_VERIFIERS}
        assert len({repr(s) for s in shapes.values()}) == 1, (key, shapes)
