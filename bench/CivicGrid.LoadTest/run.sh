#!/usr/bin/env bash
# Sustained telemetry ingestion against a real server process on loopback.
#   bench/CivicGrid.LoadTest/run.sh                     60 s on SQLite
#   bench/CivicGrid.LoadTest/run.sh --seconds 600       the ten-minute case
#   bench/CivicGrid.LoadTest/run.sh --postgres "Host=127.0.0.1;Port=5432;Username=postgres;Database=civicgrid_load"
# Builds the server and the tool in Release under $ARTIFACTS (default /tmp/civicgrid-loadtest-artifacts) and prints
# a JSON report (readings/s, p50/p99 batch latency, 503 refusals, errors, server peak RSS) on stdout.
set -euo pipefail
cd "$(dirname "$0")/../.."
artifacts=${ARTIFACTS:-/tmp/civicgrid-loadtest-artifacts}
dotnet build src/CivicGrid.Server -c Release --artifacts-path "$artifacts" -nologo -v quiet >&2
dotnet build bench/CivicGrid.LoadTest -c Release --artifacts-path "$artifacts" -nologo -v quiet >&2
exec dotnet "$artifacts/bin/CivicGrid.LoadTest/release/CivicGrid.LoadTest.dll" \
  --server "$artifacts/bin/CivicGrid.Server/release/CivicGrid.Server.dll" "$@"
