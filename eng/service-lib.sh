#!/usr/bin/env bash
# Shared by the scripts that start throwaway test servers (eng/postgres.sh, eng/smtp.sh): logging, installing a
# Debian package, and picking a free loopback port. Source it after setting `service` (the script's name in logs).

log() { echo "$service: $*" >&2; }
die() { log "error: $*"; exit 1; }

# apt_install PACKAGE [apt-get options...]: installs a Debian package, through sudo when not root.
apt_install() {
  local package="$1"
  shift
  command -v apt-get >/dev/null 2>&1 || die "$package is not installed and apt-get is unavailable; install $package yourself"
  local sudo=""
  if [[ $(id -u) -ne 0 ]]; then
    command -v sudo >/dev/null 2>&1 || die "installing $package needs root (or sudo)"
    sudo="sudo"
  fi
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq >&2 || die "apt-get update failed"
  $sudo apt-get install -y -qq "$@" "$package" >&2 || die "apt-get install $package failed"
}

# A successful connect means something listens there.
port_in_use() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

pick_port() {
  local candidate tries=0
  while ((tries < 50)); do
    candidate=$((20000 + RANDOM % 40000))
    if ! port_in_use "$candidate"; then
      echo "$candidate"
      return 0
    fi
    tries=$((tries + 1))
  done
  return 1
}

# service_main COMMAND: the start|stop|env dispatch every service script shares; the script defines start,
# stop, read_state and print_env.
service_main() {
  case "${1:-}" in
    start) start ;;
    stop) stop ;;
    env)
      read_state || die "no server running; run eng/$service start"
      print_env
      ;;
    *)
      echo "usage: eng/$service start|stop|env" >&2
      exit 2
      ;;
  esac
}
