#!/usr/bin/env bash
# CSV import throughput: Trailmap's import vs DuckDB's own
#   CREATE TABLE t AS SELECT * FROM read_csv('file')
# on the same generated 1M-row REES46-like file, same DuckDB engine (DuckDB.NET), alternating runs, median of REPS.
# Usage: bench/import-bench.sh [ROWS=1000000] [REPS=3]     (TRAILMAP_IMPORT_TRACE=1 adds per-stage timings)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
rows="${1:-1000000}"
reps="${2:-3}"
work="${BENCH_DIR:-${TMPDIR:-/tmp}/trailmap-import-bench}"
mkdir -p "$work"
proj="$here/Trailmap.ImportBench/Trailmap.ImportBench.csproj"
dotnet build "$proj" -c Release -v q -nologo >/dev/null
tool=(dotnet "$here/Trailmap.ImportBench/bin/Release/net10.0/Trailmap.ImportBench.dll")
csv="$work/events-$rows.csv"
if [ ! -s "$csv" ]; then
  "${tool[@]}" generate "$csv.tmp" "$rows"
  mv "$csv.tmp" "$csv"
fi
echo "file: $csv ($(wc -l <"$csv") lines, $(du -h "$csv" | cut -f1))"
"${tool[@]}" compare "$csv" "$work" "$reps"
