#!/usr/bin/env bash
# Journey page latency on a large store: generates CUSTOMERS customers of TEMPLATE (about 10 events each),
# imports them into a fresh store, then serves it and times GET /journeys/{slug} (cold once, then warm REQUESTS).
# With INGEST_RATE (events/s), it then posts /v1/batch at that rate for INGEST_SECONDS while timing the page, so the
# page is measured on the stale-while-revalidate path (numbers from the last measurement, a new one in the background).
# Usage: bench/page-bench.sh [CUSTOMERS=1000000] [TEMPLATE=saas-trial] [REQUESTS=200] [INGEST_RATE=0] [INGEST_SECONDS=120]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/.." && pwd)"
customers="${1:-1000000}"
template="${2:-saas-trial}"
requests="${3:-200}"
ingest_rate="${4:-0}"
ingest_seconds="${5:-120}"
work="${BENCH_DIR:-${TMPDIR:-/tmp}/trailmap-page-bench}"
mkdir -p "$work"
dotnet build "$root/src/Trailmap.Cli" -c Release -v q -nologo >/dev/null
dotnet build "$here/Trailmap.PageBench" -c Release -v q -nologo >/dev/null
trailmap=(dotnet "$root/src/Trailmap.Cli/bin/Release/net10.0/trailmap.dll")
events="$work/$template-$customers.jsonl"
store="$work/$template-$customers.duckdb"
if [ ! -s "$store" ]; then
  [ -s "$events" ] || "${trailmap[@]}" generate --template "$template" --customers "$customers" -o "$events"
  rm -f "$store" "$store.wal"
  "${trailmap[@]}" import "$events" --db "$store"
fi
"${trailmap[@]}" status --db "$store" | head -n 3
# A copy per run: the bench adds a member and a journey to the store it serves. The snapshot beside the store is
# copied too, as a restarted server finds it (without it the cold load would include rebuilding it).
cp "$store" "$work/run.duckdb"
if [ -f "$store.snapshot" ]; then cp "$store.snapshot" "$work/run.duckdb.snapshot"; fi
dotnet "$here/Trailmap.PageBench/bin/Release/net10.0/Trailmap.PageBench.dll" "$work/run.duckdb" "$template" "$requests" "$ingest_rate" "$ingest_seconds"
rm -rf "$work/run.duckdb" "$work/run.duckdb.wal" "$work/run.duckdb.ingest" "$work/run.duckdb.snapshot"
