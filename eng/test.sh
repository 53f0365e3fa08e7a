#!/usr/bin/env bash
# Runs every test of Trailmap: installs what the tests need, builds, runs each test project and the format check,
# and ends with one line "N passed, N failed, N skipped" counted over all of them.
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
# Every in-memory test server watches its config files; with inotify that is one instance each, and the default
# limit (128 per user) runs out when the web tests start many servers at once. Polling needs no instance.
export DOTNET_USE_POLLING_FILE_WATCHER=1

results="$(mktemp -d -t trailmap-tests.XXXXXX)"
started_pg=0
started_smtp=0
started_ch=0
# Quiet on success: the summary line must stay the last line this script prints.
cleanup() {
  rm -rf "$results"
  if ((started_pg)); then
    "$root/eng/postgres.sh" stop >/dev/null 2>&1 || echo "warning: could not stop the test PostgreSQL" >&2
  fi
  if ((started_ch)); then
    "$root/eng/clickhouse.sh" stop >/dev/null 2>&1 || echo "warning: could not stop the test ClickHouse cluster" >&2
  fi
  if ((started_smtp)); then
    "$root/eng/smtp.sh" stop >/dev/null 2>&1 || echo "warning: could not stop the test SMTP server" >&2
  fi
}
trap cleanup EXIT

"$root/eng/install-test-deps.sh" || { echo "could not install test dependencies"; echo "0 passed, 1 failed"; exit 1; }
export TRAILMAP_CHROMIUM="${TRAILMAP_CHROMIUM:-$(command -v chromium)}"
# Screenshots and other artifacts the tests keep for people to look at.
export TRAILMAP_TEST_ARTIFACTS="${TRAILMAP_TEST_ARTIFACTS:-$root/artifacts/test}"
mkdir -p "$TRAILMAP_TEST_ARTIFACTS"

# A throwaway PostgreSQL for the analytics oracle (test/Trailmap.Oracle.Tests) and the state on PostgreSQL
# (docs/postgres-state.md: the outbox and rules tests), unless one is already configured.
if [[ -z "${TRAILMAP_PG:-}" ]]; then
  echo "== PostgreSQL for the oracle tests"
  if pg_line="$("$root/eng/postgres.sh" start)"; then
    started_pg=1
    export "$pg_line"
  else
    echo "could not start PostgreSQL: the oracle tests will skip (or fail where CI is set)"
  fi
fi

# A throwaway two-shard ClickHouse cluster for the ClickHouse engine's tests, unless one is already configured.
if [[ -z "${TRAILMAP_CLICKHOUSE:-}" ]]; then
  echo "== ClickHouse cluster (2 shards) for the ClickHouse engine tests"
  if ch_url="$("$root/eng/clickhouse.sh" start | tail -n 1)"; then
    started_ch=1
    export TRAILMAP_CLICKHOUSE="$ch_url"
  else
    echo "could not start ClickHouse: the ClickHouse engine tests will skip (or fail where CI is set)"
  fi
fi

# A throwaway SMTP server with a Maildir for the delivery tests (test/Trailmap.Delivery.Tests), unless configured.
if [[ -z "${TRAILMAP_SMTP:-}" || -z "${TRAILMAP_MAILDIR:-}" ]]; then
  echo "== SMTP server for the delivery tests"
  if smtp_lines="$("$root/eng/smtp.sh" start)"; then
    started_smtp=1
    while read -r line; do
      export "$line"
    done <<<"$smtp_lines"
  else
    echo "could not start the SMTP server: the email tests will skip (or fail where CI is set)"
  fi
fi

extra_failed=0
extra_passed=0

echo "== build"
if ! dotnet build Trailmap.slnx -c Release -nologo -v quiet; then
  echo "build failed"
  echo "0 passed, 1 failed"
  exit 1
fi

for project in test/*/*.csproj; do
  name="$(basename "$project" .csproj)"
  echo "== $name"
  log="$results/$name.log"
  dotnet test "$project" -c Release --no-build -nologo \
    --logger "trx;LogFileName=$name.trx" --results-directory "$results" \
    --logger "console;verbosity=minimal" 2>&1 | tee "$log" || true
  # A test host that dies (a stack overflow, exit 134) ends the run early, and its trx counts only the tests that had
  # finished, all passed: count the crash itself as a failure so that the summary cannot read green.
  if grep -q -E "Catastrophic failure|Test Run Aborted|Test host process crashed" "$log"; then
    echo "$name: the test process crashed before every test ran"
    extra_failed=$((extra_failed + 1))
  fi
done

echo "== the CLI packs and installs as a .NET tool"
if dotnet pack src/Trailmap.Cli -c Release -o "$results/pkg" -nologo -v quiet >/dev/null \
  && dotnet tool install --tool-path "$results/tool" Trailmap --add-source "$results/pkg" >/dev/null \
  && "$results/tool/trailmap" templates --format json >/dev/null; then
  extra_passed=$((extra_passed + 1))
else
  echo "packing or installing the trailmap tool failed"
  extra_failed=$((extra_failed + 1))
fi

echo "== dotnet format --verify-no-changes"
if dotnet format Trailmap.slnx --verify-no-changes -v quiet; then
  extra_passed=$((extra_passed + 1))
else
  echo "code style check failed: run 'dotnet format Trailmap.slnx'"
  extra_failed=$((extra_failed + 1))
fi

passed=0 failed=0 skipped=0 projects=0
for trx in "$results"/*.trx; do
  [[ -f "$trx" ]] || continue
  projects=$((projects + 1))
  counters="$(grep -o '<Counters [^>]*>' "$trx" | head -n 1)"
  get() { sed -n "s/.* $1=\"\([0-9]*\)\".*/\1/p" <<<"$counters"; }
  p=$(get passed); f=$(get failed); t=$(get total); e=$(get executed); err=$(get error)
  passed=$((passed + ${p:-0}))
  failed=$((failed + ${f:-0} + ${err:-0}))
  skipped=$((skipped + ${t:-0} - ${e:-0}))
done

expected=$(ls test/*/*.csproj | wc -l)
if ((projects < expected)); then
  echo "only $projects of $expected test projects reported results"
  failed=$((failed + expected - projects))
fi

passed=$((passed + extra_passed))
failed=$((failed + extra_failed))
echo "$passed passed, $failed failed, $skipped skipped"
((failed == 0 && passed > 0))
