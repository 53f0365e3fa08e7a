#!/usr/bin/env bash
# Installs what the tests need from Debian's packages, only what is missing, so running it twice is cheap.
set -euo pipefail

need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
# Fonts so rendered maps and screenshots have real glyphs.
dpkg -s fonts-dejavu-core >/dev/null 2>&1 || need+=(fonts-dejavu-core)
dpkg -s fonts-liberation >/dev/null 2>&1 || need+=(fonts-liberation)
# Colour emoji: journey documents write feelings as emoji, which would print as empty boxes without it.
dpkg -s fonts-noto-color-emoji >/dev/null 2>&1 || need+=(fonts-noto-color-emoji)
# The SMTP server the delivery tests send to (eng/smtp.sh runs it with Debian's /usr/bin/python3).
dpkg -s python3-aiosmtpd >/dev/null 2>&1 || need+=(python3-aiosmtpd)

if ((${#need[@]} == 0)); then
  echo "test dependencies present"
  exit 0
fi

sudo=""
if [[ $(id -u) -ne 0 ]]; then
  command -v sudo >/dev/null 2>&1 || { echo "installing ${need[*]} needs root (or sudo)" >&2; exit 1; }
  sudo="sudo"
fi

echo "installing ${need[*]} ..."
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
echo "installed ${need[*]}"
