#!/usr/bin/env bash
# The event data path, end to end: `trailmap funnel` and `trailmap retention` against DuckDB SQL on the same store,
# each run a fresh process, interleaved, several rounds, with wall time and peak RSS (/usr/bin/time).
# Usage: bench/data-path-bench.sh [--events N] [--customers N] [--rounds R] [--import-rounds K]
#   defaults: 10,000,000 events, events/10 customers, 5 rounds, 1 import round (`trailmap import` of the CSV into a
#   new store against DuckDB's CREATE TABLE AS read_csv into a new file; 0 skips it). Data and stores are kept under
#   bench/.data/data-path-EVENTS-CUSTOMERS/ (git ignores it; delete the store to time the import again).
# The events come from DuckDB range() and hashes (bench/Trailmap.DataPathBench/Generator.cs), go through
# `trailmap import` into a store, and every query reads that store. Exits 1 when Trailmap's counts differ from
# the exact-semantics SQL. See docs/performance.md.
set -euo pipefail

command_line="bench/data-path-bench.sh $*"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
events=10000000
customers=""
rounds=5
import_rounds=1
while [[ $# -gt 0 ]]; do
  case "$1" in
    --events) events="$2"; shift 2 ;;
    --customers) customers="$2"; shift 2 ;;
    --rounds) rounds="$2"; shift 2 ;;
    --import-rounds) import_rounds="$2"; shift 2 ;;
    -h|--help) sed -n '2,10p' "$0"; exit 0 ;;
    *) echo "unknown option: $1 (see --help)" >&2; exit 2 ;;
  esac
done
customers="${customers:-$((events / 10))}"
for n in "$events" "$customers" "$rounds"; do
  [[ "$n" =~ ^[1-9][0-9]*$ ]] || { echo "--events, --customers and --rounds take positive whole numbers, not '$n'" >&2; exit 2; }
done
[[ "$import_rounds" =~ ^[0-9]+$ ]] || { echo "--import-rounds takes a whole number, not '$import_rounds'" >&2; exit 2; }
[[ -x /usr/bin/time ]] || { echo "needs GNU time at /usr/bin/time (Debian: apt-get install time)" >&2; exit 2; }

work="${BENCH_DIR:-$here/.data/data-path-$events-$customers}"
mkdir -p "$work"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

echo "building the trailmap CLI and bench/Trailmap.DataPathBench (Release)..." >&2
dotnet build "$root/src/Trailmap.Cli/Trailmap.Cli.csproj" -c Release -nologo -v quiet >&2
dotnet build "$here/Trailmap.DataPathBench/Trailmap.DataPathBench.csproj" -c Release -nologo -v quiet >&2
trailmap=(dotnet "$root/src/Trailmap.Cli/bin/Release/net10.0/trailmap.dll")
duck=(dotnet "$here/Trailmap.DataPathBench/bin/Release/net10.0/Trailmap.DataPathBench.dll")

csv="$work/events.csv"
store="$work/store.duckdb"
if [[ ! -s "$csv" ]]; then
  echo "generating $events events for $customers customers..." >&2
  "${duck[@]}" generate "$work" "$events" "$customers" >/dev/null
fi

# run NAME CMD...: one fresh process under /usr/bin/time; stdout to $work/NAME.out, "seconds kilobytes" appended to
# $work/NAME.times.
run() {
  local name="$1"; shift
  /usr/bin/time -f "%e %M" -o "$work/$name.time" "$@" >"$work/$name.out" 2>"$work/$name.err" || {
    echo "$name failed:" >&2; cat "$work/$name.err" >&2; exit 1; }
  cat "$work/$name.time" >>"$work/$name.times"
}

import_line="(store cached from an earlier run; delete $store to time the import)"
if [[ ! -f "$store" ]]; then
  echo "importing with trailmap import..." >&2
  rm -f "$work/import.times"
  run import "${trailmap[@]}" import "$csv" --db "$store"
  read -r s kb <"$work/import.time"
  import_line="trailmap import: ${s} s, peak RSS $((kb / 1024)) MB (once)"
fi

# Import throughput: each round a fresh `trailmap import` into a new store (snapshot included) and a fresh DuckDB
# CREATE TABLE AS read_csv into a new file, interleaved; the stores are deleted after each round.
for n in trailmap-import duckdb-load-csv; do rm -f "$work/$n.times"; done
for ((r = 1; r <= import_rounds; r++)); do
  echo "import round $r of $import_rounds..." >&2
  scratch="$work/import-scratch"
  rm -rf "$scratch"; mkdir -p "$scratch"
  run trailmap-import "${trailmap[@]}" import "$csv" --db "$scratch/store.duckdb"
  run duckdb-load-csv "${duck[@]}" load-csv "$csv" "$scratch/duckdb.duckdb"
  rm -rf "$scratch"
done

steps=(funnel --db "$store" --steps e1,e2,e3,e4,e5 --window 7d --format csv)
retention=(retention --db "$store" --start e1 --return any --period week --periods 8 --format csv)
names=(trailmap-funnel sql-funnel-first sql-funnel-exact trailmap-retention sql-retention)
for n in "${names[@]}"; do rm -f "$work/$n.times"; done
for ((r = 1; r <= rounds; r++)); do
  echo "round $r of $rounds..." >&2
  run trailmap-funnel "${trailmap[@]}" "${steps[@]}"
  run sql-funnel-first "${duck[@]}" funnel-first "$store"
  run sql-funnel-exact "${duck[@]}" funnel-exact "$store"
  run trailmap-retention "${trailmap[@]}" "${retention[@]}"
  run sql-retention "${duck[@]}" retention "$store"
done

# Counts: Trailmap's CSV rows with an empty breakdown, step customers in column 4; retention cohorts summed.
tm_funnel="$(awk -F, 'NR > 1 && $1 == "" { printf "%s%s", sep, $4; sep = " " }' "$work/trailmap-funnel.out")"
first_funnel="$(cat "$work/sql-funnel-first.out")"
exact_funnel="$(cat "$work/sql-funnel-exact.out")"
tm_retention="$(awk -F, 'NR > 1 { for (i = 2; i <= NF; i++) sum[i] += $i; n = NF }
  END { for (i = 2; i <= n; i++) printf "%s%d", (i > 2 ? " " : ""), sum[i] }' "$work/trailmap-retention.out")"
sql_retention="$(cat "$work/sql-retention.out")"

median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
secs() { awk '{ print $1 }' "$work/$1.times" | median; }
peak_mb() { awk '{ print $2 }' "$work/$1.times" | sort -n | tail -1 | awk '{ printf "%d", $1 / 1024 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2fx", a / b }'; }

echo "# Data path bench: $events events, $customers customers, $rounds rounds"
echo
echo "- date: $(date -u '+%Y-%m-%d %H:%M UTC'); command: $command_line"
echo "- machine: $(nproc) cores ($(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo)), $(awk '/MemTotal/ { printf "%d MB", $2 / 1024 }' /proc/meminfo) RAM, load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "- data: $csv ($(du -h "$csv" | cut -f1)), store $store ($(du -h "$store" | cut -f1))"
echo "- $import_line"
echo "- every figure is one fresh process (dotnet + the command): median wall time and the highest peak RSS of $rounds runs"
echo
echo "| What | Wall (median) | Peak RSS | Counts |"
echo "|---|---:|---:|---|"
for n in "${names[@]}"; do
  case "$n" in
    trailmap-funnel) counts="$tm_funnel" ;; sql-funnel-first) counts="$first_funnel" ;; sql-funnel-exact) counts="$exact_funnel" ;;
    trailmap-retention) counts="$tm_retention" ;; sql-retention) counts="$sql_retention" ;;
  esac
  echo "| $n | $(secs "$n") s | $(peak_mb "$n") MB | $counts |"
done
echo
faster_sql="$(printf '%s\n%s\n' "$(secs sql-funnel-first)" "$(secs sql-funnel-exact)" | sort -n | head -1)"
funnel_ratio="$(ratio "$(secs trailmap-funnel)" "$faster_sql")"
retention_ratio="$(ratio "$(secs trailmap-retention)" "$(secs sql-retention)")"
funnel_rss="$(peak_mb trailmap-funnel)"
echo "| Ratio | Value | Target |"
echo "|---|---:|---|"
echo "| trailmap funnel / faster funnel SQL (wall) | $funnel_ratio | <= 0.50x |"
echo "| trailmap funnel / first-visit SQL | $(ratio "$(secs trailmap-funnel)" "$(secs sql-funnel-first)") | |"
echo "| trailmap funnel / exact-semantics SQL | $(ratio "$(secs trailmap-funnel)" "$(secs sql-funnel-exact)") | |"
echo "| trailmap retention / retention SQL (wall) | $retention_ratio | <= 0.50x |"
echo "| trailmap funnel peak RSS / exact SQL peak RSS | $(ratio "$funnel_rss" "$(peak_mb sql-funnel-exact)") | |"
echo "| trailmap funnel peak RSS | ${funnel_rss} MB | <= 400 MB at 10M events, <= 4096 MB at 100M |"
if ((import_rounds > 0)); then
  echo "| trailmap import: $(secs trailmap-import) s, peak RSS $(peak_mb trailmap-import) MB; DuckDB read_csv: $(secs duckdb-load-csv) s, $(peak_mb duckdb-load-csv) MB | $(ratio "$(secs duckdb-load-csv)" "$(secs trailmap-import)") throughput | >= 0.80x; import <= 8192 MB at 100M |"
fi
echo
status=0
if [[ "$tm_funnel" == "$exact_funnel" ]]; then
  echo "Funnel counts equal the exact-semantics SQL's."
else
  echo "FUNNEL COUNTS DIFFER: trailmap '$tm_funnel', exact SQL '$exact_funnel'"; status=1
fi
if [[ "$tm_retention" == "$sql_retention" ]]; then
  echo "Retention counts (starts, weeks 0..8, summed over cohorts) equal the SQL's."
else
  echo "RETENTION COUNTS DIFFER: trailmap '$tm_retention', SQL '$sql_retention'"; status=1
fi
exit $status
