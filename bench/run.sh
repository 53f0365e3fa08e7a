#!/usr/bin/env bash
# Trailmap vs hand-written DuckDB SQL vs ClickHouse windowFunnel, in one run on the same generated events.
# Usage: bench/run.sh [--events N] [--customers N] [--100m] [--skip-clickhouse]
# Data (Parquet, TSV, DuckDB stores) is cached under bench/.data/, which git ignores. See docs/performance.md.
set -euo pipefail

command_line="bench/run.sh $*"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
args=()
skip_clickhouse=0
while [[ $# -gt 0 ]]; do
  case "$1" in
    --events|--customers) args+=("$1" "$2"); shift 2 ;;
    --100m) args+=("--100m"); shift ;;
    --skip-clickhouse) skip_clickhouse=1; shift ;;
    -h|--help) sed -n '2,4p' "$0"; exit 0 ;;
    *) echo "unknown option: $1" >&2; exit 2 ;;
  esac
done

# ClickHouse: Debian's clickhouse-server package (bookworm ships 18.16). Install it when missing and possible;
# otherwise the tool prints why the comparison is skipped. The tool itself checks that windowFunnel works.
if [[ $skip_clickhouse -eq 0 ]]; then
  if [[ ! -x /usr/sbin/clickhouse-server || ! -x /usr/bin/clickhouse-client ]]; then
    candidate="$(apt-cache policy clickhouse-server 2>/dev/null | awk '/Candidate:/ {print $2}')"
    if [[ -z "$candidate" || "$candidate" == "(none)" ]]; then
      args+=("--skip-reason" "apt has no clickhouse-server package (apt-cache policy: Candidate ${candidate:-missing})")
    elif [[ $(id -u) -ne 0 ]]; then
      args+=("--skip-reason" "clickhouse-server $candidate is not installed and installing it needs root: apt-get install clickhouse-server clickhouse-client")
    else
      echo "installing clickhouse-server $candidate from apt..." >&2
      if ! DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends clickhouse-server clickhouse-client >&2; then
        args+=("--skip-reason" "apt-get install clickhouse-server $candidate failed")
      fi
    fi
  fi
else
  args+=("--skip-clickhouse")
fi

echo "building bench/Trailmap.Bench (Release)..." >&2
dotnet build "$here/Trailmap.Bench/Trailmap.Bench.csproj" -c Release -nologo -v quiet >&2
echo "date: $(date -u '+%Y-%m-%d %H:%M UTC'); command: $command_line" >&2
exec "$here/Trailmap.Bench/bin/Release/net10.0/Trailmap.Bench" --data-dir "$here/.data" "${args[@]}"
