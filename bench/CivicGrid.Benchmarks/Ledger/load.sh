#!/usr/bin/env bash
# Load test of durable appends through the real CLI: N lines are piped into
# `civicgrid ledger append DIR --lines`, which prints each line only after it is fsynced (group commit).
# Reports acknowledged appends per second (wall clock, including process start) and peak RSS, then
# verifies the resulting tiles log end to end.
#   usage: bench/CivicGrid.Benchmarks/Ledger/load.sh [N] ; CIVICGRID_CLI overrides the command.
set -euo pipefail
N=${1:-100000}
CLI=${CIVICGRID_CLI:-"dotnet run -c Release --project src/CivicGrid.Cli --"}
DIR=$(mktemp -d)
trap 'rm -rf "$DIR"' EXIT
$CLI ledger init "$DIR/log" --origin civicgrid.bench/load > /dev/null
seq 1 "$N" | sed 's/^/{"kind":"curtailment","reason":"thermal limit","region":"north","seq":/; s/$/}/' > "$DIR/input"
start=$(date +%s.%N)
/usr/bin/time -f "%M" -o "$DIR/rss" $CLI ledger append "$DIR/log" --lines < "$DIR/input" > "$DIR/acks"
end=$(date +%s.%N)
acks=$(wc -l < "$DIR/acks")
rss_kb=$(tail -1 "$DIR/rss")
valid=$($CLI ledger verify --tiles "$DIR/log" --vkey "$DIR/log/log.vkey" --json | grep -c '"valid": true' || true)
awk -v n="$acks" -v s="$start" -v e="$end" -v rss="$rss_kb" -v ok="$valid" 'BEGIN {
  printf "acknowledged %d appends in %.2f s: %.0f appends/s; peak RSS %.0f MiB; tiles verify: %s\n", n, e - s, n / (e - s), rss / 1024, (ok == 1 ? "valid" : "INVALID") }'
