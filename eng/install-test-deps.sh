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
# pdftoppm (poppler) rasterises exported PDFs, so a test can see the emoji are drawn in colour.
command -v pdftoppm >/dev/null 2>&1 || need+=(poppler-utils)
# The SMTP server the delivery tests send to (eng/smtp.sh runs it with Debian's /usr/bin/python3).
dpkg -s python3-aiosmtpd >/dev/null 2>&1 || need+=(python3-aiosmtpd)
# Node and npm: the browser tests' accessibility checker (axe-core) comes from npm, and so do CodeMirror and esbuild,
# which the build needs when the editor's sources (src/Trailmap.Web/Editing/Client) are newer than their bundle.
command -v node >/dev/null 2>&1 || need+=(nodejs)
command -v npm >/dev/null 2>&1 || need+=(npm)

if ((${#need[@]} == 0)); then
  echo "test dependencies present"
else
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
fi

# The npm packages the browser tests inject into pages, as package-lock.json pins them.
tools="$(cd "$(dirname "$0")/.." && pwd)/test/Trailmap.Web.Tests"
if [[ ! -f "$tools/node_modules/axe-core/axe.min.js" || "$tools/package-lock.json" -nt "$tools/node_modules/.package-lock.json" ]]; then
  npm ci --prefix "$tools" --no-audit --no-fund --loglevel=error
fi
