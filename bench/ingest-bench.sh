#!/usr/bin/env bash
# Ingestion throughput with durability on: runs `trailmap serve` as a child process on a loopback port and posts
# Segment batches to /v1/batch from concurrent clients; reports events/s, request latency, the pump's drain time
# and idle latency, and checks that every acknowledged event landed exactly once.
# Usage: bench/ingest-bench.sh [--seconds 15] [--clients 16] [--batch 100] [--warmup 3] [--dir DIR]
#        bench/ingest-bench.sh --micro [--batch 500] [--segments 6] [--segment-events 50000]   (request path and pump alone, CPU per event)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
proj="$here/Trailmap.IngestBench/Trailmap.IngestBench.csproj"
dotnet build "$proj" -c Release -v q -nologo >/dev/null
exec dotnet "$here/Trailmap.IngestBench/bin/Release/net10.0/Trailmap.IngestBench.dll" "$@"
