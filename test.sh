#!/usr/bin/env bash
# Runs every CivicGrid test. Provisions what the tests need when it is missing (a PostgreSQL server,
# Debian's Chromium for the browser tests), starts a throw-away PostgreSQL cluster on loopback, builds once
# and runs all test projects. Prints "N passed, N failed, N skipped" as its last line.
#
#   ./test.sh                  the default set (slow validation cases excluded unless CIVICGRID_FULL=1 or CI)
#   CIVICGRID_FULL=1 ./test.sh everything, including tests tagged Category=Slow
set -uo pipefail
cd "$(dirname "$0")"
repo=$(pwd)
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

log() { printf '[test.sh] %s\n' "$*" >&2; }
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else return 1; fi; }

apt_updated=0
apt_install() {
  if [ $apt_updated = 0 ]; then as_root apt-get update -qq >/dev/null 2>&1 || true; apt_updated=1; fi
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq "$@" >/dev/null 2>&1
}

# --- provisioning --------------------------------------------------------------------------------------
pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
if [ -z "$pg_bin" ] || [ ! -x "$pg_bin/initdb" ]; then
  log "installing PostgreSQL (Debian package postgresql)…"
  apt_install postgresql || log "could not install PostgreSQL: PostgreSQL tests will skip (or fail in CI)"
  pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
fi
if ! command -v chromium >/dev/null 2>&1; then
  log "installing Chromium (Debian packages chromium, fonts-noto-cjk)…"
  apt_install chromium fonts-noto-cjk || log "could not install Chromium: browser tests will skip (or fail in CI)"
fi
# epanet-js (EPANET 2.3.5 as WebAssembly) is the water engine's reference generator and peer.
if [ ! -d bench/peers/water/node_modules/epanet-js ]; then
  if command -v npm >/dev/null 2>&1; then
    log "installing epanet-js (npm) for the water validation…"
    (cd bench/peers/water && npm ci --no-audit --no-fund --silent >/dev/null 2>&1) || log "could not install epanet-js: the all-networks water comparison will skip"
  else
    log "npm not found: the all-networks water comparison will skip"
  fi
fi
if command -v chromium >/dev/null 2>&1; then export CIVICGRID_CHROMIUM=${CIVICGRID_CHROMIUM:-$(command -v chromium)}; fi

# --- a throw-away PostgreSQL cluster on loopback ----------------------------------------------------------
pg_data=""
stop_pg() {
  if [ -n "$pg_data" ] && [ -d "$pg_data" ]; then
    if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$pg_bin/pg_ctl" -D "$pg_data" -m immediate stop >/dev/null 2>&1
    else "$pg_bin/pg_ctl" -D "$pg_data" -m immediate stop >/dev/null 2>&1; fi
    rm -rf "$pg_data"
  fi
}
trap stop_pg EXIT
if [ -z "${CIVICGRID_TEST_POSTGRES:-}" ] && [ -n "$pg_bin" ] && [ -x "$pg_bin/initdb" ]; then
  pg_port=${CIVICGRID_TEST_PG_PORT:-55432}
  while (echo > /dev/tcp/127.0.0.1/$pg_port) >/dev/null 2>&1; do pg_port=$((pg_port + 1)); done
  pg_data=$(mktemp -d /tmp/civicgrid-pg.XXXXXX)
  run_pg=()
  if [ "$(id -u)" = 0 ]; then
    id postgres >/dev/null 2>&1 || useradd --system --home-dir /var/lib/postgresql postgres
    chown postgres "$pg_data"; run_pg=(runuser -u postgres --)
  fi
  if "${run_pg[@]}" "$pg_bin/initdb" -D "$pg_data" -A trust -U postgres >/dev/null 2>&1 \
     && "${run_pg[@]}" "$pg_bin/pg_ctl" -D "$pg_data" -w -t 60 -l "$pg_data/server.log" \
          -o "-p $pg_port -k $pg_data -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200" start >/dev/null 2>&1; then
    export CIVICGRID_TEST_POSTGRES="Host=127.0.0.1;Port=$pg_port;Username=postgres;Database=postgres;Pooling=true"
    log "PostgreSQL test server on 127.0.0.1:$pg_port"
  else
    log "could not start PostgreSQL: PostgreSQL tests will skip (or fail in CI)"
  fi
fi

# --- build and test --------------------------------------------------------------------------------------
config=${CONFIGURATION:-Release}
log "building ($config)…"
# One solution build with the shared compiler server: much cheaper than a cold compiler per project.
if ! dotnet build CivicGrid.slnx -c "$config" -nologo -clp:ErrorsOnly -p:UseSharedCompilation=true; then
  dotnet build-server shutdown >/dev/null 2>&1
  log "build failed"
  echo "0 passed, 1 failed"
  exit 1
fi

filter=()
if [ "${CIVICGRID_FULL:-0}" != 1 ] && [ "${CI:-}" != true ]; then
  filter=(--filter-not-trait "Category=Slow")
fi
results=$(mktemp -d /tmp/civicgrid-results.XXXXXX)
dotnet build-server shutdown >/dev/null 2>&1
log "running tests…"
dotnet test --solution CivicGrid.slnx -c "$config" --no-build --report-xunit-trx --results-directory "$results" \
  --ignore-exit-code 8 "${filter[@]}" "$@"
status=$?

passed=0; failed=0; skipped=0
for trx in "$results"/*.trx; do
  [ -f "$trx" ] || continue
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -n 1)
  total=$(sed -n 's/.* total="\([0-9]*\)".*/\1/p' <<<"$counters"); total=${total:-0}
  p=$(sed -n 's/.* passed="\([0-9]*\)".*/\1/p' <<<"$counters"); p=${p:-0}
  f=$(sed -n 's/.* failed="\([0-9]*\)".*/\1/p' <<<"$counters"); f=${f:-0}
  passed=$((passed + p)); failed=$((failed + f)); skipped=$((skipped + total - p - f))
done
rm -rf "$results"
if [ $status -ne 0 ] && [ $failed -eq 0 ]; then failed=1; log "the test run itself failed (exit $status)"; fi
echo "$passed passed, $failed failed, $skipped skipped"
[ $failed -eq 0 ]
