#!/usr/bin/env bash
# Delivery latency: webhook messages enqueued at RATE a second for SECONDS into a fresh DuckDB outbox, delivered by
# the dispatcher loop to a loopback HTTP receiver; prints enqueue -> received percentiles. See docs/performance.md.
# Usage: bench/delivery-bench.sh [RATE=1000] [SECONDS=10] [PARALLELISM=64]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
dotnet build "$here/Trailmap.DeliveryBench" -c Release -v q -nologo >/dev/null
# TMPDIR decides the disk the outbox lives on: its fsync latency bounds the commits per second.
dotnet "$here/Trailmap.DeliveryBench/bin/Release/net10.0/Trailmap.DeliveryBench.dll" latency "${1:-1000}" "${2:-10}" "${3:-64}"
