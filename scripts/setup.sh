#!/usr/bin/env bash
# Installs what qwen-probe needs on a fresh Debian/Ubuntu machine: Debian's Chromium (for the browser
# recorder and the end-to-end tests) and the npm dependencies (npm ci also builds dist/).
set -euo pipefail
cd "$(dirname "$0")/.."

chromium_path="${CHROMIUM_PATH:-/usr/bin/chromium}"
if [ ! -x "$chromium_path" ]; then
  echo "[setup] installing Debian's chromium (about a minute)"
  sudo_cmd=""
  if [ "$(id -u)" -ne 0 ]; then sudo_cmd="sudo"; fi
  export DEBIAN_FRONTEND=noninteractive
  $sudo_cmd apt-get update -qq
  $sudo_cmd apt-get install -y -qq chromium >/dev/null
fi
echo "[setup] $("$chromium_path" --version 2>/dev/null || echo "chromium at $chromium_path")"

echo "[setup] npm ci"
npm ci --no-audit --no-fund
