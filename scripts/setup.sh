#!/usr/bin/env bash
# Installs what qwen-probe needs on a fresh Debian/Ubuntu machine: Debian's Chromium (for the browser
# recorder and the end-to-end tests), Xvfb (a display for the tests of headed login and interactive
# capture), redis-server (for `serve --redis` and its tests, which start their own on free ports),
# nginx (the test of docs/serve.md's load balancer runs its own, as this user, on a free port; on a
# machine with systemd Debian's package also starts its default site on port 80) and the npm
# dependencies (npm ci also builds dist/).
set -euo pipefail
cd "$(dirname "$0")/.."

chromium_path="${CHROMIUM_PATH:-/usr/bin/chromium}"
missing=()
[ -x "$chromium_path" ] || missing+=(chromium)
command -v Xvfb >/dev/null 2>&1 || missing+=(xvfb)
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
nginx_path="${NGINX_BIN:-/usr/sbin/nginx}" # /usr/sbin is not on every user's PATH
[ -x "$nginx_path" ] || missing+=(nginx)
if [ "${#missing[@]}" -gt 0 ]; then
  echo "[setup] installing Debian's ${missing[*]} (about a minute)"
  sudo_cmd=""
  if [ "$(id -u)" -ne 0 ]; then sudo_cmd="sudo"; fi
  export DEBIAN_FRONTEND=noninteractive
  $sudo_cmd apt-get update -qq
  $sudo_cmd apt-get install -y -qq "${missing[@]}" >/dev/null
fi
echo "[setup] $("$chromium_path" --version 2>/dev/null || echo "chromium at $chromium_path")"
echo "[setup] $(redis-server --version 2>/dev/null | cut -d' ' -f1-3)"
echo "[setup] $("$nginx_path" -v 2>&1)"

echo "[setup] npm ci"
# NPM_CI_LOG (set by .ci/run) keeps npm's output, so CI can check that a fresh install warns about nothing.
npm ci --no-audit --no-fund 2>&1 | tee "${NPM_CI_LOG:-/dev/null}"
