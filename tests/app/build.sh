#!/usr/bin/env bash
# Builds reproducible release artifacts of the reference Aura Flow app:
#   dist/aura-flow-{backend,frontend}-VERSION.tar.gz (+ .sha256, + .manifest.json)
# Usage: build.sh VERSION... | build.sh all        (all = 1.0.0 1.1.0 broken)
#
# Source variants: backend/ is the 1.0.0 baseline. Each releases/X.Y.Z/ directory
# is an overlay copied over it for every release version >= X.Y.Z (1.1.0 adds
# migration 0002). A build name that is not X.Y.Z (e.g. "broken") gets all
# X.Y.Z overlays plus releases/<name>/ if present (broken adds build-flags.json,
# which makes /health answer 503).
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
DIST="${DIST_DIR:-$HERE/dist}"

if [ "$#" -eq 0 ]; then echo "usage: $0 VERSION... | all" >&2; exit 2; fi
if [ "$1" = all ]; then set -- 1.0.0 1.1.0 broken; fi

if [ -z "${SOURCE_DATE_EPOCH:-}" ]; then
  # The last commit that changed the app, not HEAD: a commit elsewhere in the repository must not
  # change the artifacts (a deployed version is immutable; the same version must keep its sha256).
  SOURCE_DATE_EPOCH="$(git -C "$HERE" log -1 --format=%ct -- . 2>/dev/null || true)"
  SOURCE_DATE_EPOCH="${SOURCE_DATE_EPOCH:-1704067200}" # 2024-01-01T00:00:00Z
fi
export SOURCE_DATE_EPOCH
GIT_REV="$(git -C "$HERE" log -1 --format=%H -- . 2>/dev/null || true)"
GIT_REV="${GIT_REV:-unknown}"
BUILD_TIME="$(date -u -d "@$SOURCE_DATE_EPOCH" +%Y-%m-%dT%H:%M:%SZ)"

WORK="$(mktemp -d /tmp/aura-build.XXXXXX)"
trap 'rm -rf "$WORK"' EXIT
mkdir -p "$DIST"

is_release() { [[ $1 =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]]; }
version_ge() { [ "$(printf '%s\n%s\n' "$1" "$2" | sort -V | head -n1)" = "$2" ]; } # $1 >= $2

overlays_for() {
  local v=$1 name
  for name in $(cd "$HERE/releases" && ls -d -- */ 2>/dev/null | tr -d / | sort -V); do
    if is_release "$name" && { ! is_release "$v" || version_ge "$v" "$name"; }; then echo "$name"; fi
  done
  if ! is_release "$v" && [ -d "$HERE/releases/$v" ]; then echo "$v"; fi
}

write_manifest() { # NAME VERSION OVERLAYS(space-separated) FILE
  node -e '
    const [name, version, rev, time, epoch, overlays, file] = process.argv.slice(1);
    const m = { name, version, git_revision: rev, build_time: time, source_date_epoch: Number(epoch),
      overlays: overlays.split(" ").filter(Boolean) };
    require("fs").writeFileSync(file, JSON.stringify(m, null, 2) + "\n");
  ' "$1" "$2" "$GIT_REV" "$BUILD_TIME" "$SOURCE_DATE_EPOCH" "$3" "$4"
}

pack() { # SRC_DIR NAME  -> $DIST/NAME.tar.gz (+ .sha256); files at the archive root
  (cd "$1" && find . -mindepth 1 -maxdepth 1 -printf '%P\n' | LC_ALL=C sort \
    | tar --sort=name --mtime="@$SOURCE_DATE_EPOCH" --owner=0 --group=0 --numeric-owner \
        --mode='u+rwX,go+rX,go-w' --format=gnu -cf - -T -) | gzip -n -9 >"$DIST/$2.tar.gz"
  (cd "$DIST" && sha256sum "$2.tar.gz" >"$2.tar.gz.sha256")
  cp "$1/manifest.json" "$DIST/$2.manifest.json"
}

build_backend() {
  local v=$1 overlays=$2 stage="$WORK/backend-$1" o
  mkdir -p "$stage"
  cp -R "$HERE/backend/package.json" "$HERE/backend/package-lock.json" "$HERE/backend/.npmrc" \
    "$HERE/backend/src" "$HERE/backend/bin" "$HERE/backend/migrations" "$stage/"
  for o in $overlays; do cp -R "$HERE/releases/$o/." "$stage/"; done
  (cd "$stage" && npm ci --omit=dev --ignore-scripts --no-audit --no-fund --prefer-offline --loglevel=error)
  rm -f "$stage/.npmrc"
  node -e '
    const fs = require("fs");
    const [dir, version] = process.argv.slice(1);
    for (const f of ["package.json", "package-lock.json"]) {
      const p = JSON.parse(fs.readFileSync(`${dir}/${f}`, "utf8"));
      p.version = version;
      if (p.packages && p.packages[""]) p.packages[""].version = version;
      fs.writeFileSync(`${dir}/${f}`, JSON.stringify(p, null, 2) + "\n");
    }
  ' "$stage" "$v"
  write_manifest aura-flow-backend "$v" "$overlays" "$stage/manifest.json"
  pack "$stage" "aura-flow-backend-$v"
}

build_frontend() {
  local v=$1 stage="$WORK/frontend-$1"
  node "$HERE/frontend/build.js" "$stage" "$v" >/dev/null
  write_manifest aura-flow-frontend "$v" "" "$stage/manifest.json"
  pack "$stage" "aura-flow-frontend-$v"
}

for v in "$@"; do
  if ! [[ $v =~ ^[0-9A-Za-z][0-9A-Za-z._-]*$ ]]; then echo "build: bad version '$v'" >&2; exit 2; fi
  overlays="$(overlays_for "$v" | xargs)"
  echo "build: $v (overlays: ${overlays:-none})"
  build_backend "$v" "$overlays"
  build_frontend "$v"
  (cd "$DIST" && cat "aura-flow-backend-$v.tar.gz.sha256" "aura-flow-frontend-$v.tar.gz.sha256")
done
