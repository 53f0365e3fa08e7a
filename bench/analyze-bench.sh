#!/usr/bin/env bash
# `trailmap analyze` of a template's journey end to end: a fresh process per round, wall time and peak RSS
# (/usr/bin/time), on a store of the template's customers with their traits (identify messages).
# Usage: bench/analyze-bench.sh [--template NAME] [--customers N] [--rounds R]
#   defaults: saas-trial, 2,000,000 customers (about 10M events and 2M customers' traits), 3 rounds.
# Data and store are kept under bench/.data/analyze-TEMPLATE-N/ (BENCH_DIR overrides; git ignores it; delete the
# store to time the import again). The issue's goal for saas-trial at this size: at most 5 s and 1.5 GB.
# TRAILMAP_BIN=DIR runs the trailmap.dll in DIR instead of building the CLI. See docs/performance.md.
set -euo pipefail

command_line="bench/analyze-bench.sh $*"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
template=saas-trial
customers=2000000
rounds=3
while [[ $# -gt 0 ]]; do
  case "$1" in
    --template) template="$2"; shift 2 ;;
    --customers) customers="$2"; shift 2 ;;
    --rounds) rounds="$2"; shift 2 ;;
    -h|--help) sed -n '2,9p' "$0"; exit 0 ;;
    *) echo "unknown option: $1 (see --help)" >&2; exit 2 ;;
  esac
done
for n in "$customers" "$rounds"; do
  [[ "$n" =~ ^[1-9][0-9]*$ ]] || { echo "--customers and --rounds take positive whole numbers, not '$n'" >&2; exit 2; }
done
[[ "$template" =~ ^[a-z0-9-]+$ ]] || { echo "--template takes a template name such as saas-trial (see 'trailmap templates')" >&2; exit 2; }
[[ -x /usr/bin/time ]] || { echo "needs GNU time at /usr/bin/time (Debian: apt-get install time)" >&2; exit 2; }
journey="$root/src/Trailmap.Journeys/Templates/$template.yaml"
[[ -f "$journey" ]] || { echo "no template '$template' (see 'trailmap templates')" >&2; exit 2; }

work="${BENCH_DIR:-$here/.data/analyze-$template-$customers}"
mkdir -p "$work"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
if [[ -z "${TRAILMAP_BIN:-}" ]]; then
  echo "building the trailmap CLI (Release)..." >&2
  dotnet build "$root/src/Trailmap.Cli/Trailmap.Cli.csproj" -c Release -nologo -v quiet >&2
fi
trailmap=(dotnet "${TRAILMAP_BIN:-$root/src/Trailmap.Cli/bin/Release/net10.0}/trailmap.dll")

events="$work/events.jsonl"
store="$work/store.duckdb"
if [[ ! -s "$events" ]]; then
  echo "generating $customers customers of $template..." >&2
  "${trailmap[@]}" generate --template "$template" --customers "$customers" --seed 7 --output "$events" >/dev/null 2>&1
fi

run() {
  local name="$1"; shift
  /usr/bin/time -f "%e %M" -o "$work/$name.time" "$@" >"$work/$name.out" 2>"$work/$name.err" || {
    echo "$name failed:" >&2; tail -5 "$work/$name.err" >&2; exit 1; }
  cat "$work/$name.time" >>"$work/$name.times"
}

import_line="(store cached from an earlier run; delete $store to time the import)"
if [[ ! -f "$store" ]]; then
  echo "importing..." >&2
  rm -f "$work/import.times"
  run import "${trailmap[@]}" import "$events" --db "$store"
  read -r s kb <"$work/import.time"
  import_line="trailmap import of the JSONL: ${s} s, peak RSS $((kb / 1024)) MB (once)"
fi

rm -f "$work/analyze.times"
for ((r = 1; r <= rounds; r++)); do
  echo "round $r of $rounds..." >&2
  run analyze "${trailmap[@]}" analyze "$journey" --db "$store" --format json
done

median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
wall="$(awk '{ print $1 }' "$work/analyze.times" | median)"
peak="$(awk '{ print $2 }' "$work/analyze.times" | sort -n | tail -1 | awk '{ printf "%d", $1 / 1024 }')"
echo "# Analyze bench: $template, $customers customers, $rounds rounds"
echo
echo "- date: $(date -u '+%Y-%m-%d %H:%M UTC'); command: $command_line"
echo "- machine: $(nproc) cores, $(awk '/MemTotal/ { printf "%d MB", $2 / 1024 }' /proc/meminfo) RAM, load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "- data: $events ($(du -h "$events" | cut -f1)), store $store ($(du -h "$store" | cut -f1))"
echo "- $import_line"
echo
echo "| What | Wall (median) | Peak RSS | Goal |"
echo "|---|---:|---:|---|"
echo "| trailmap analyze (fresh process) | $wall s | $peak MB | <= 5 s, <= 1536 MB |"
