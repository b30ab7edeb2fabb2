#!/usr/bin/env bash
# Runs the reference app's tests (node --test) against a throwaway PostgreSQL
# cluster and redis-server started here on 127.0.0.1 and stopped on exit.
# Usage: tests/app/run-tests.sh [test files...]   (default: test/*.test.js)
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
cd "$HERE"

PG_BIN="${PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1)}"
[ -x "$PG_BIN/initdb" ] || { echo "run-tests: initdb not found; install postgresql" >&2; exit 1; }
command -v redis-server >/dev/null || { echo "run-tests: redis-server not found" >&2; exit 1; }
command -v node >/dev/null || { echo "run-tests: node not found" >&2; exit 1; }

# Dependencies from the lockfile, only when missing or out of date.
if [ ! -f backend/node_modules/.package-lock.json ] || [ backend/package-lock.json -nt backend/node_modules/.package-lock.json ]; then
  (cd backend && npm ci --no-audit --no-fund --prefer-offline)
fi

port_free() {
  node -e 'const s=require("net").createServer();s.once("error",()=>process.exit(1));s.listen(+process.argv[1],"127.0.0.1",()=>s.close(()=>process.exit(0)))' "$1"
}
pick_port() { local p=$1; while ! port_free "$p"; do p=$((p + 1)); done; echo "$p"; }

# As root, PostgreSQL must run as the postgres OS user.
AS_PG=()
if [ "$(id -u)" = 0 ]; then AS_PG=(runuser -u postgres --); fi

TMP="$(mktemp -d /tmp/aura-app-test.XXXXXX)"
chmod 755 "$TMP"
PG_STARTED=0
cleanup() {
  local rc=$?
  if [ "$PG_STARTED" = 1 ]; then
    (cd "$TMP" && "${AS_PG[@]}" "$PG_BIN/pg_ctl" -D "$TMP/pg" -m fast -w stop >/dev/null 2>&1) || true
  fi
  if [ -f "$TMP/redis.pid" ]; then kill "$(cat "$TMP/redis.pid")" 2>/dev/null || true; fi
  if [ "$rc" != 0 ] && [ -f "$TMP/run/pg.log" ]; then echo "--- postgres log (tail)"; tail -n 20 "$TMP/run/pg.log"; fi
  rm -rf "$TMP"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

PGPORT="$(pick_port "${TEST_PG_PORT:-55432}")"
REDISPORT="$(pick_port "${TEST_REDIS_PORT:-56379}")"

mkdir -p "$TMP/pg" "$TMP/run"
if [ "${#AS_PG[@]}" -gt 0 ]; then chown postgres "$TMP/pg" "$TMP/run"; fi
(cd "$TMP" && "${AS_PG[@]}" "$PG_BIN/initdb" -D "$TMP/pg" -U postgres -A trust -E UTF8 --no-locale --no-sync >"$TMP/initdb.log" 2>&1) \
  || { cat "$TMP/initdb.log"; exit 1; }
(cd "$TMP" && "${AS_PG[@]}" "$PG_BIN/pg_ctl" -D "$TMP/pg" -l "$TMP/run/pg.log" -w -t 30 \
  -o "-c listen_addresses=127.0.0.1 -p $PGPORT -k $TMP/run -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
  start >/dev/null)
PG_STARTED=1

redis-server --port "$REDISPORT" --bind 127.0.0.1 --save '' --appendonly no --daemonize yes \
  --pidfile "$TMP/redis.pid" --dir "$TMP" --logfile "$TMP/redis.log"
for _ in $(seq 50); do redis-cli -p "$REDISPORT" ping >/dev/null 2>&1 && break; sleep 0.1; done

export TEST_PG_URL="postgres://postgres@127.0.0.1:$PGPORT"
export TEST_REDIS_URL="redis://127.0.0.1:$REDISPORT"
export PG_BIN TEST_TMP="$TMP"
echo "run-tests: node $(node --version), PostgreSQL on 127.0.0.1:$PGPORT, redis on 127.0.0.1:$REDISPORT"

if [ "$#" -gt 0 ]; then FILES=("$@"); else FILES=(test/*.test.js); fi
node --test "${FILES[@]}"
