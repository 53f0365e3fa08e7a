#!/usr/bin/env bash
# Event-to-action latency: runs `trailmap serve` as a child process with one webhook intervention
# (`when: { event: Bench Ping }`), posts Bench Ping events to /v1/track at RATE a second, and times each event from
# the moment before its POST until its signed webhook reaches a receiver in the bench process. See
# docs/performance.md, "Event to action".
# Usage: bench/action-bench.sh [--rate 1000] [--seconds 60] [--warmup 5] [--history-customers 0] [--dir DIR]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
proj="$here/Trailmap.IngestBench/Trailmap.IngestBench.csproj"
dotnet build "$proj" -c Release -v q -nologo >/dev/null
exec dotnet "$here/Trailmap.IngestBench/bin/Release/net10.0/Trailmap.IngestBench.dll" --action "$@"
