#!/usr/bin/env bash
# A throwaway PostgreSQL for the analytics oracle tests (test/Trailmap.Oracle.Tests).
#
#   eng/postgres.sh start   installs Debian's postgresql if no server binaries exist, creates a cluster in a temp
#                           dir, starts it on 127.0.0.1 and a free port, creates database trailmap_oracle and prints
#                           TRAILMAP_PG=Host=127.0.0.1;Port=...;Username=...;Database=trailmap_oracle
#                           (running it again while the server is up prints the same line and changes nothing)
#   eng/postgres.sh env     prints that line for the running server (exit 1 when none runs)
#   eng/postgres.sh stop    stops the server and deletes its temp dir
#
# Use:  export "$(eng/postgres.sh start)"
# Only the TRAILMAP_PG line goes to stdout; progress and errors go to stderr.
# The cluster is for tests only: it listens on 127.0.0.1 (and a unix socket in its temp dir), trusts every local
# connection and runs with fsync off.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# Where start remembers the temp dir so env and stop find it; one server per checkout.
state_file="${TRAILMAP_PG_STATE:-$root/artifacts/postgres/current}"
db_name="trailmap_oracle"
db_user="trailmap"

service="postgres.sh"
# shellcheck source=eng/service-lib.sh
source "$root/eng/service-lib.sh"

# Runs a server binary as the cluster's owner: initdb and postgres refuse to run as root.
as_owner() {
  if [[ $(id -u) -eq 0 ]]; then
    runuser -u "$owner" -- "$@"
  else
    "$@"
  fi
}

find_bin_dir() {
  local dir
  # Newest installed major version first.
  for dir in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -t/ -k4 -V -r); do
    if [[ -x "$dir/initdb" && -x "$dir/pg_ctl" ]]; then
      echo "$dir"
      return 0
    fi
  done
  if command -v pg_ctl >/dev/null 2>&1 && command -v initdb >/dev/null 2>&1; then
    dirname "$(readlink -f "$(command -v pg_ctl)")"
    return 0
  fi
  return 1
}

ensure_installed() {
  if bin="$(find_bin_dir)"; then
    return 0
  fi
  log "no PostgreSQL server binaries found; installing Debian's postgresql ..."
  apt_install postgresql
  bin="$(find_bin_dir)" || die "postgresql installed but no initdb/pg_ctl under /usr/lib/postgresql/*/bin"
}

# The unprivileged user that owns the cluster when we run as root.
choose_owner() {
  if [[ $(id -u) -ne 0 ]]; then
    owner="$(id -un)"
    return 0
  fi
  if id postgres >/dev/null 2>&1; then
    owner="postgres"
    return 0
  fi
  owner="trailmap-pg"
  if ! id "$owner" >/dev/null 2>&1; then
    log "creating system user $owner to own the test cluster"
    useradd --system --no-create-home --shell /usr/sbin/nologin "$owner" || die "cannot create user $owner"
  fi
}

# Reads the state file into dir/port; returns 1 when there is no live server.
read_state() {
  [[ -f "$state_file" ]] || return 1
  dir="$(sed -n 1p "$state_file")"
  port="$(sed -n 2p "$state_file")"
  bin="$(sed -n 3p "$state_file")"
  owner="$(sed -n 4p "$state_file")"
  [[ -n "$dir" && -d "$dir/data" && -n "$port" && -x "$bin/pg_ctl" ]] || return 1
  as_owner "$bin/pg_ctl" status -D "$dir/data" >/dev/null 2>&1
}

print_env() {
  echo "TRAILMAP_PG=Host=127.0.0.1;Port=$port;Username=$db_user;Database=$db_name"
}

start() {
  if read_state; then
    log "already running in $dir on port $port"
    print_env
    return 0
  fi
  # A state file whose server is gone (killed, rebooted): clean its leftovers before starting anew.
  if [[ -f "$state_file" ]]; then
    stop_quietly
  fi

  local started_at=$SECONDS
  ensure_installed
  choose_owner
  dir="$(mktemp -d -t trailmap-pg.XXXXXX)"
  chmod 700 "$dir"
  [[ $(id -u) -eq 0 ]] && chown "$owner" "$dir"
  mkdir -p "$(dirname "$state_file")"

  log "initdb in $dir/data (owner $owner, $bin)"
  if ! as_owner "$bin/initdb" -D "$dir/data" --username="$db_user" --auth-local=trust --auth-host=trust \
    --encoding=UTF8 --locale=C.UTF-8 --no-sync --no-instructions >"$dir/initdb.log" 2>&1; then
    cat "$dir/initdb.log" >&2
    rm -rf "$dir"
    die "initdb failed (log above)"
  fi

  # Tests only: durability is worthless here and fsync is the slow part.
  cat >>"$dir/data/postgresql.conf" <<EOF
listen_addresses = '127.0.0.1'
unix_socket_directories = '$dir'
fsync = off
synchronous_commit = off
full_page_writes = off
max_connections = 50
timezone = 'UTC'
EOF

  local attempt
  for attempt in 1 2 3 4 5; do
    port="$(pick_port)" || die "no free TCP port found on 127.0.0.1"
    printf '%s\n%s\n%s\n%s\n' "$dir" "$port" "$bin" "$owner" >"$state_file"
    if as_owner "$bin/pg_ctl" start -D "$dir/data" -l "$dir/server.log" -w -t 60 -o "-p $port" >/dev/null 2>&1; then
      break
    fi
    # Another process may have taken the port between the check and the bind: try another one.
    if grep -q "could not bind\|Address already in use" "$dir/server.log" 2>/dev/null && ((attempt < 5)); then
      log "port $port was taken, retrying"
      continue
    fi
    tail -n 20 "$dir/server.log" >&2 || true
    rm -f "$state_file"
    rm -rf "$dir"
    die "the server did not start (server log above)"
  done

  local waited=0
  until "$bin/pg_isready" -q -h 127.0.0.1 -p "$port" -U "$db_user"; do
    ((waited < 30)) || { tail -n 20 "$dir/server.log" >&2; die "server not ready after 30 s"; }
    sleep 0.2
    waited=$((waited + 1))
  done

  "$bin/psql" -q -h 127.0.0.1 -p "$port" -U "$db_user" -d postgres -v ON_ERROR_STOP=1 \
    -c "CREATE DATABASE $db_name" >/dev/null || die "could not create database $db_name"
  log "started in $((SECONDS - started_at)) s: $dir, port $port"
  print_env
}

stop_quietly() {
  dir="$(sed -n 1p "$state_file")"
  bin="$(sed -n 3p "$state_file")"
  owner="$(sed -n 4p "$state_file")"
  if [[ -n "$dir" && -d "$dir/data" && -x "$bin/pg_ctl" ]]; then
    as_owner "$bin/pg_ctl" stop -D "$dir/data" -m fast -w -t 30 >/dev/null 2>&1 \
      || as_owner "$bin/pg_ctl" stop -D "$dir/data" -m immediate >/dev/null 2>&1 || true
  fi
  # Only ever delete a dir this script made.
  if [[ -n "$dir" && "$(basename "$dir")" == trailmap-pg.* ]]; then
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
