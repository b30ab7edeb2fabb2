"""Install collections from the `ansible` package's wheel, in the execution environment's galaxy stage.

    community_collections.py <ansible wheel> <collections dir> <namespace.name>...

Galaxy is unreachable here, so the community collections auraflow.ops needs come from the `ansible`
package on PyPI (the wheel `pip download` fetched): each <namespace>/<name> tree of the wheel's
ansible_collections/ is written under <collections dir>/ansible_collections/, as ansible-galaxy installs it
(MANIFEST.json, FILES.json and the files). Every file FILES.json lists and the wheel holds is checked against
its sha256; a collection the wheel does not carry, or a file that does not match, stops the build.
Prints each collection installed with its version.
"""
import hashlib
import json
import os
import sys
import zipfile


def install(wheel, dest, fqcn):
    namespace, name = fqcn.split('.', 1)
    prefix = 'ansible_collections/%s/%s/' % (namespace, name)
    members = [m for m in wheel.infolist() if m.filename.startswith(prefix) and not m.is_dir()]
    if not any(m.filename == prefix + 'MANIFEST.json' for m in members):
        sys.exit('community_collections: %s is not in %s' % (fqcn, wheel.filename))
    files = json.loads(wheel.read(prefix + 'FILES.json'))['files']
    expected = {e['name']: e['chksum_sha256'] for e in files if e['ftype'] == 'file'}
    for member in members:
        relative = member.filename[len(prefix):]
        data = wheel.read(member)
        if relative in expected and hashlib.sha256(data).hexdigest() != expected[relative]:
            sys.exit('community_collections: %s of %s does not match its FILES.json sha256' % (relative, fqcn))
        path = os.path.join(dest, 'ansible_collections', namespace, name, relative)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, 'wb') as handle:
            handle.write(data)
    manifest = json.loads(wheel.read(prefix + 'MANIFEST.json'))
    print('%s %s' % (fqcn, manifest['collection_info']['version']))


def main(argv):
    if len(argv) < 3:
        sys.exit(__doc__)
    with zipfile.ZipFile(argv[0]) as wheel:
        for fqcn in argv[2:]:
            install(wheel, argv[1], fqcn)


if __name__ == '__main__':
    main(sys.argv[1:])
