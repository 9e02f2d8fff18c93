#!/usr/bin/env bash
# Same-run comparison of CivicGrid.Water and EPANET 2.3.5 (epanet-js) on one network:
#   bench/peers/water/compare.sh NET.inp [REPEATS]
# Prints CivicGrid's summary (elapsed_ms = compile + symbolic factorisation + full EPS, parse excluded) and the
# peer's (cpu_ms_min = openH + full EPS, parse excluded). Both are minima over REPEATS runs in one process; keep
# REPEATS at 30 or more so that .NET's tiered JIT has reached optimised code (a fastest-of-3 measures the JIT).
# Needs `npm install` here and a Release build of the CLI:
#   dotnet build src/CivicGrid.Cli -c Release --artifacts-path /tmp/art-water-rel
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
cli="${CIVICGRID_CLI:-/tmp/art-water-rel/bin/CivicGrid.Cli/release/civicgrid.dll}"
inp="$1"; repeats="${2:-30}"
best=""
for _ in 1; do
  out=$( { /usr/bin/time -f "%M" dotnet "$cli" water simulate "$inp" --repeat "$repeats" --json > /tmp/cg-water-run.json; } 2>&1 | tail -1)
  ms=$(grep -o '"elapsed_ms": [0-9.]*' /tmp/cg-water-run.json | awk '{print $2}')
  echo "civicgrid: elapsed_ms=$ms peak_rss_kb=$out $(grep -o '"steps": [0-9]*\|"iterations": [0-9]*' /tmp/cg-water-run.json | tr '\n' ' ')"
done
node "$here/epanet-peer.mjs" bench "$inp" "$repeats"
