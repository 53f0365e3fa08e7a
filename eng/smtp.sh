#!/usr/bin/env bash
# A throwaway SMTP server for the delivery tests (test/Trailmap.Delivery.Tests): Debian's python3-aiosmtpd, storing
# every message in a Maildir (eng/smtp_policy.py adds refusals for a few reserved .test domains).
#
#   eng/smtp.sh start   installs python3-aiosmtpd if missing, starts the server on 127.0.0.1 and a free port with a
#                       Maildir in a temp dir, and prints
#                         TRAILMAP_SMTP=127.0.0.1:PORT
#                         TRAILMAP_MAILDIR=/tmp/trailmap-smtp.XXXXXX/maildir
#                       (running it again while the server is up prints the same lines and changes nothing)
#   eng/smtp.sh env     prints those lines for the running server (exit 1 when none runs)
#   eng/smtp.sh stop    stops the server and deletes its temp dir
#
# Use:  while read -r line; do export "$line"; done < <(eng/smtp.sh start)
# Only the two lines go to stdout; progress and errors go to stderr. No TLS, no auth: loopback and tests only.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
state_file="${TRAILMAP_SMTP_STATE:-$root/artifacts/smtp/current}"
# Debian's interpreter, where python3-aiosmtpd installs: a pyenv or venv python3 earlier on PATH would not see it.
python="/usr/bin/python3"

service="smtp.sh"
# shellcheck source=eng/service-lib.sh
source "$root/eng/service-lib.sh"

ensure_installed() {
  if [[ -x "$python" ]] && "$python" -c "import aiosmtpd" 2>/dev/null; then
    return 0
  fi
  log "python3-aiosmtpd is not installed; installing Debian's package ..."
  apt_install python3-aiosmtpd --no-install-recommends
  "$python" -c "import aiosmtpd" || die "python3-aiosmtpd installed but $python cannot import aiosmtpd"
}

# True when the pid in the state file is our server (not a recycled pid of something else).
is_our_server() {
  [[ -n "${pid:-}" && -r "/proc/$pid/cmdline" ]] || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q -- "aiosmtpd .*$dir/maildir"
}

read_state() {
  [[ -f "$state_file" ]] || return 1
  dir="$(sed -n 1p "$state_file")"
  port="$(sed -n 2p "$state_file")"
  pid="$(sed -n 3p "$state_file")"
  [[ -n "$dir" && -d "$dir/maildir" && -n "$port" ]] || return 1
  is_our_server && port_in_use "$port"
}

print_env() {
  echo "TRAILMAP_SMTP=127.0.0.1:$port"
  echo "TRAILMAP_MAILDIR=$dir/maildir"
}

start() {
  if read_state; then
    log "already running (pid $pid) on port $port, Maildir $dir/maildir"
    print_env
    return 0
  fi
  if [[ -f "$state_file" ]]; then
    stop_quietly
  fi

  ensure_installed
  dir="$(mktemp -d -t trailmap-smtp.XXXXXX)"
  # A Maildir is three folders; Python creates them only when the Maildir itself does not exist yet.
  mkdir -p "$dir/maildir/cur" "$dir/maildir/new" "$dir/maildir/tmp" "$(dirname "$state_file")"
  local attempt
  for attempt in 1 2 3 4 5; do
    port="$(pick_port)" || die "no free TCP port found on 127.0.0.1"
    # setsid: the server outlives this script and the caller's terminal; stop kills it by pid.
    PYTHONPATH="$root/eng" setsid "$python" -m aiosmtpd -n -l "127.0.0.1:$port" \
      -c smtp_policy.PolicyMailbox "$dir/maildir" >"$dir/server.log" 2>&1 </dev/null &
    pid=$!
    printf '%s\n%s\n%s\n' "$dir" "$port" "$pid" >"$state_file"
    local waited=0
    while ((waited < 100)); do
      if port_in_use "$port"; then
        log "started (pid $pid) on 127.0.0.1:$port, Maildir $dir/maildir"
        print_env
        return 0
      fi
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
      waited=$((waited + 1))
    done
    kill "$pid" 2>/dev/null || true
    if grep -q "Address already in use" "$dir/server.log" 2>/dev/null && ((attempt < 5)); then
      log "port $port was taken, retrying"
      continue
    fi
    cat "$dir/server.log" >&2 || true
    rm -f "$state_file"
    rm -rf "$dir"
    die "the SMTP server did not start (log above)"
  done
}

stop_quietly() {
  dir="$(sed -n 1p "$state_file")"
  port="$(sed -n 2p "$state_file")"
  pid="$(sed -n 3p "$state_file")"
  if is_our_server; then
    kill "$pid" 2>/dev/null || true
    local waited=0
    while kill -0 "$pid" 2>/dev/null && ((waited < 50)); do
      sleep 0.1
      waited=$((waited + 1))
    done
  fi
  # Only ever delete a dir this script made.
  if [[ -n "$dir" && "$(basename "$dir")" == trailmap-smtp.* ]]; then
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
