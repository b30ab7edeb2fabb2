"""Pack an installed Ansible collection back into the tarball `ansible-galaxy collection install` takes.

    pack_collection.py <ansible_collections dir> <namespace.name> <output dir>

An installed collection keeps the MANIFEST.json and FILES.json of the tarball it came from; the
tarball is those two files plus the files FILES.json lists, each checked against its sha256 (a
changed file stops the packing). Files that appeared after the install (__pycache__) are left out.
The `ansible` package on PyPI ships its collections without their CI and test files, so entries
whose file is absent are dropped from FILES.json and MANIFEST.json's checksum of FILES.json is
updated to match: the tarball holds exactly the published content that is installed here.
Used by scripts/ee because Galaxy is unreachable here; prints the tarball's path.
"""
import gzip
import hashlib
import io
import json
import os
import sys
import tarfile


def main(root, fqcn, outdir):
    namespace, name = fqcn.split('.', 1)
    src = os.path.join(root, namespace, name)
    with open(os.path.join(src, 'MANIFEST.json'), encoding='utf-8') as f:
        manifest = json.load(f)
    with open(os.path.join(src, 'FILES.json'), encoding='utf-8') as f:
        files = json.load(f)['files']
    os.makedirs(outdir, exist_ok=True)
    out = os.path.join(outdir, '%s-%s.tar.gz' % (namespace, name))
    present = [e for e in files if e['name'] == '.' or os.path.lexists(os.path.join(src, e['name']))]
    files_json = json.dumps({'files': present, 'format': 1}, indent=4).encode()
    manifest['file_manifest_file']['chksum_sha256'] = hashlib.sha256(files_json).hexdigest()
    manifest_json = json.dumps(manifest, indent=4).encode()
    # gzip without a timestamp: the same content gives the same bytes (and Docker's build cache hits).
    with gzip.GzipFile(out + '.tmp', 'wb', mtime=0) as gz, tarfile.open(fileobj=gz, mode='w') as tar:
        for member, data in (('MANIFEST.json', manifest_json), ('FILES.json', files_json)):
            info = tarfile.TarInfo(member)
            info.size, info.mode = len(data), 0o644
            tar.addfile(info, io.BytesIO(data))
        for entry in present:
            path = os.path.join(src, entry['name'])
            if entry['ftype'] == 'file':
                with open(path, 'rb') as f:
                    digest = hashlib.sha256(f.read()).hexdigest()
                if digest != entry['chksum_sha256']:
                    sys.exit('pack_collection: %s changed since it was installed (sha256 mismatch); reinstall %s' % (path, fqcn))
            if entry['name'] != '.':
                tar.add(path, arcname=entry['name'], recursive=False)
    os.replace(out + '.tmp', out)
    print(out)
    return manifest['collection_info']['dependencies']


if __name__ == '__main__':
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    main(*sys.argv[1:])
