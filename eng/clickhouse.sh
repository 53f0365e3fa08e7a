#!/usr/bin/env bash
# A throwaway two-shard ClickHouse cluster for the ClickHouse engine's tests (test/Trailmap.Events.Tests/ClickHouse).
#
#   eng/clickhouse.sh start   installs Debian's clickhouse-server if it is missing, starts two servers on 127.0.0.1
#                             with data in a temp dir, both knowing a cluster "trailmap" of two shards (one per
#                             server), and prints, as its last line, the cluster's URL clickhouse://127.0.0.1:PORT
#                             (the first server's HTTP port; running it again while both are up prints the same line)
#   eng/clickhouse.sh env     prints that URL for the running cluster (exit 1 when none runs)
#   eng/clickhouse.sh stop    stops both servers and deletes the temp dir
#
# Use:  export TRAILMAP_CLICKHOUSE="$(eng/clickhouse.sh start)"   (the variable the tests read)
# Only the URL goes to stdout; progress and errors go to stderr.
# Each server declares its HTTP address in the macro trailmap_http, which is how Trailmap finds every shard's HTTP
# endpoint to create its tables on (docs/clickhouse.md). The cluster is for tests: no password, loopback only.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
state_file="${TRAILMAP_CLICKHOUSE_STATE:-$root/artifacts/clickhouse/current}"
cluster="trailmap"
shards=2

service="clickhouse.sh"
# shellcheck source=eng/service-lib.sh
source "$root/eng/service-lib.sh"

ensure_installed() {
  if command -v clickhouse-server >/dev/null 2>&1; then
    return 0
  fi
  log "clickhouse-server not found; installing Debian's clickhouse-server ..."
  # The package's own service is not wanted (it would listen on 8123/9000); policy-rc.d or no init keeps it off.
  apt_install clickhouse-server
  command -v clickhouse-server >/dev/null 2>&1 || die "clickhouse-server installed but not on PATH"
}

# Reads the state file into dir and the ports; returns 1 when not every server answers.
read_state() {
  [[ -f "$state_file" ]] || return 1
  dir="$(sed -n 1p "$state_file")"
  read -r -a http_ports <<<"$(sed -n 2p "$state_file")"
  read -r -a pids <<<"$(sed -n 3p "$state_file")"
  [[ -n "$dir" && -d "$dir" && ${#http_ports[@]} -eq $shards && ${#pids[@]} -eq $shards ]] || return 1
  local i
  for ((i = 0; i < shards; i++)); do
    kill -0 "${pids[$i]}" 2>/dev/null || return 1
    answers "${http_ports[$i]}" || return 1
  done
}

answers() {
  [[ "$(curl -s --max-time 2 "http://127.0.0.1:$1/?query=SELECT%201" 2>/dev/null)" == "1" ]]
}

print_env() {
  echo "clickhouse://127.0.0.1:${http_ports[0]}"
}

# write_config SHARD: the server's config.xml, with the cluster of every shard's TCP port.
write_config() {
  local i="$1" s
  local home="$dir/shard$i"
  {
    cat <<EOF
<?xml version="1.0"?>
<yandex>
    <logger>
        <level>warning</level>
        <log>$home/server.log</log>
        <errorlog>$home/server.err.log</errorlog>
        <size>10M</size>
        <count>1</count>
    </logger>
    <listen_host>127.0.0.1</listen_host>
    <http_port>${http_ports[$i]}</http_port>
    <tcp_port>${tcp_ports[$i]}</tcp_port>
    <interserver_http_port>${inter_ports[$i]}</interserver_http_port>
    <interserver_http_host>127.0.0.1</interserver_http_host>
    <max_concurrent_queries>100</max_concurrent_queries>
    <uncompressed_cache_size>268435456</uncompressed_cache_size>
    <mark_cache_size>268435456</mark_cache_size>
    <path>$home/data/</path>
    <tmp_path>$home/tmp/</tmp_path>
    <user_files_path>$home/user_files/</user_files_path>
    <format_schema_path>$home/format_schemas/</format_schema_path>
    <users_config>$home/users.xml</users_config>
    <default_profile>default</default_profile>
    <default_database>default</default_database>
    <timezone>UTC</timezone>
    <mlock_executable>false</mlock_executable>
    <macros>
        <trailmap_http>127.0.0.1:${http_ports[$i]}</trailmap_http>
    </macros>
    <remote_servers>
        <$cluster>
EOF
    for ((s = 0; s < shards; s++)); do
      cat <<EOF
            <shard>
                <replica>
                    <host>127.0.0.1</host>
                    <port>${tcp_ports[$s]}</port>
                </replica>
            </shard>
EOF
    done
    cat <<EOF
        </$cluster>
    </remote_servers>
</yandex>
EOF
  } >"$home/config.xml"

  cat >"$home/users.xml" <<EOF
<?xml version="1.0"?>
<yandex>
    <profiles>
        <default>
            <max_memory_usage>4000000000</max_memory_usage>
            <max_threads>2</max_threads>
        </default>
    </profiles>
    <users>
        <default>
            <password></password>
            <networks><ip>127.0.0.1</ip><ip>::1</ip></networks>
            <profile>default</profile>
            <quota>default</quota>
        </default>
    </users>
    <quotas>
        <default>
            <interval>
                <duration>3600</duration>
                <queries>0</queries>
                <errors>0</errors>
                <result_rows>0</result_rows>
                <read_rows>0</read_rows>
                <execution_time>0</execution_time>
            </interval>
        </default>
    </quotas>
</yandex>
EOF
}

pick_distinct_ports() {
  local count=$((3 * shards)) picked=() p
  while ((${#picked[@]} < count)); do
    p="$(pick_port)" || die "no free TCP port found on 127.0.0.1"
    [[ " ${picked[*]} " == *" $p "* ]] || picked+=("$p")
  done
  http_ports=("${picked[@]:0:shards}")
  tcp_ports=("${picked[@]:shards:shards}")
  inter_ports=("${picked[@]:$((2 * shards)):shards}")
}

start() {
  if read_state; then
    log "already running in $dir on HTTP ports ${http_ports[*]}"
    print_env
    return 0
  fi
  if [[ -f "$state_file" ]]; then
    stop_quietly
  fi

  local started_at=$SECONDS i attempt
  ensure_installed
  command -v curl >/dev/null 2>&1 || apt_install curl
  mkdir -p "$(dirname "$state_file")"

  for attempt in 1 2 3; do
    dir="$(mktemp -d -t trailmap-ch.XXXXXX)"
    pick_distinct_ports
    pids=()
    for ((i = 0; i < shards; i++)); do
      mkdir -p "$dir/shard$i/data" "$dir/shard$i/tmp" "$dir/shard$i/user_files" "$dir/shard$i/format_schemas"
      write_config "$i"
    done
    for ((i = 0; i < shards; i++)); do
      # Started from its own folder: the server writes status files and preprocessed configs beside its config.
      (cd "$dir/shard$i" && exec clickhouse-server --config-file="$dir/shard$i/config.xml" >"$dir/shard$i/stdout.log" 2>&1) &
      pids+=("$!")
    done
    printf '%s\n%s\n%s\n' "$dir" "${http_ports[*]}" "${pids[*]}" >"$state_file"

    local waited=0 up=0
    while ((waited < 150)); do
      up=0
      for ((i = 0; i < shards; i++)); do
        answers "${http_ports[$i]}" && up=$((up + 1))
      done
      ((up == shards)) && break
      # A server that died (a port taken between the check and the bind) will not come up: retry on new ports.
      for ((i = 0; i < shards; i++)); do
        kill -0 "${pids[$i]}" 2>/dev/null || break 2
      done
      sleep 0.2
      waited=$((waited + 1))
    done
    if ((up == shards)); then
      log "started in $((SECONDS - started_at)) s: $dir, HTTP ports ${http_ports[*]}, TCP ports ${tcp_ports[*]}"
      print_env
      return 0
    fi
    for ((i = 0; i < shards; i++)); do
      tail -n 5 "$dir/shard$i/server.err.log" "$dir/shard$i/stdout.log" >&2 2>/dev/null || true
    done
    stop_quietly
    log "attempt $attempt failed (logs above)"
  done
  die "the cluster did not start"
}

stop_quietly() {
  dir="$(sed -n 1p "$state_file")"
  read -r -a pids <<<"$(sed -n 3p "$state_file")"
  local pid waited
  for pid in "${pids[@]}"; do
    kill "$pid" 2>/dev/null || true
  done
  for pid in "${pids[@]}"; do
    waited=0
    while kill -0 "$pid" 2>/dev/null && ((waited < 100)); do
      sleep 0.1
      waited=$((waited + 1))
    done
    kill -9 "$pid" 2>/dev/null || true
  done
  # Only ever delete a dir this script made.
  if [[ -n "$dir" && "$(basename "$dir")" == trailmap-ch.* ]]; then
    rm -rf "$dir"
  fi
  rm -f "$state_file"
}

stop() {
  if [[ ! -f "$state_file" ]]; then
    log "not running"
    return 0
  fi
  stop_quietly
  log "stopped and removed $dir"
}

service_main "$@"
