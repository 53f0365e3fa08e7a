#!/usr/bin/env bash
# Trailmap's funnel on a ClickHouse cluster against a hand-written windowFunnel query on the same cluster.
# Usage: bench/clickhouse-bench.sh [--events N] [--customers N] [--rounds R]
#   defaults: 10,000,000 events, events/10 customers, 3 rounds. The cluster is TRAILMAP_CLICKHOUSE when set, else a
#   two-shard one started by eng/clickhouse.sh (and stopped at the end). The events are generated inside ClickHouse
#   (INSERT ... SELECT FROM numbers) into the database bench_EVENTS, which is kept for the next run on that cluster.
# Both queries run from one process over HTTP (bench/Trailmap.ClickHouseBench), alternating which goes first; the
# result is a Markdown table for docs/performance.md. Exits 1 when the two disagree on a step count.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
events=10000000
customers=""
rounds=3
while [[ $# -gt 0 ]]; do
  case "$1" in
    --events) events="$2"; shift 2 ;;
    --customers) customers="$2"; shift 2 ;;
    --rounds) rounds="$2"; shift 2 ;;
    -h|--help) sed -n '2,9p' "$0"; exit 0 ;;
    *) echo "unknown option: $1 (see --help)" >&2; exit 2 ;;
  esac
done
for n in "$events" "${customers:-1}" "$rounds"; do
  [[ "$n" =~ ^[1-9][0-9]*$ ]] || { echo "--events, --customers and --rounds take positive whole numbers, not '$n'" >&2; exit 2; }
done
customers="${customers:-$((events / 10))}"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

started=0
if [[ -z "${TRAILMAP_CLICKHOUSE:-}" ]]; then
  TRAILMAP_CLICKHOUSE="$("$root/eng/clickhouse.sh" start | tail -n 1)"
  started=1
fi
cleanup() {
  if ((started)); then
    "$root/eng/clickhouse.sh" stop >/dev/null 2>&1 || true
  fi
}
trap cleanup EXIT

out="$root/artifacts/clickhouse-bench"
dotnet build "$here/Trailmap.ClickHouseBench/Trailmap.ClickHouseBench.csproj" -c Release -o "$out" -nologo -v quiet >&2
echo "cluster ${TRAILMAP_CLICKHOUSE}, load average $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) cores" >&2
dotnet "$out/Trailmap.ClickHouseBench.dll" "${TRAILMAP_CLICKHOUSE%/}/bench_$events" "$events" "$customers" "$rounds"
