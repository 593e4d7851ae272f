#!/usr/bin/env bash
# One command from a fresh Debian / Raspberry Pi OS checkout to a running daemon or a finished test run:
#   scripts/dev.sh run    installs what the daemon needs, then runs it on its embedded defaults
#   scripts/dev.sh test   installs what the tests need too (mosquitto, chromium, ...), then runs every test
set -euo pipefail
cd "$(dirname "$0")/.."

mode="${1:-}"
case "$mode" in
  run|test) ;;
  *) echo "usage: scripts/dev.sh run|test" >&2; exit 64 ;;
esac

# Debian packages. Runtime: ffmpeg reads USB/IP cameras; openssl makes the admin panel's self-signed certificate; gpiod (libgpiod's tools) and python3-libgpiod (for libgpiod 1.6) drive GPIO where sysfs is gone. Tests add a real broker, a real browser,
# systemd-analyze for the unit, sqlite3 to look inside database files, and Jinja2 (what Home Assistant renders value templates with);
# socat, cmake and build-essential build libosdp's control panel (../shared/tools/osdp-cp) and pair it with facegate's OSDP PD over a pty.
runtime_pkgs=(ffmpeg ca-certificates openssl gpiod python3-libgpiod)
test_pkgs=(mosquitto mosquitto-clients chromium systemd sqlite3 python3 python3-jinja2 iproute2 util-linux faketime socat cmake build-essential)
pkgs=("${runtime_pkgs[@]}")
[ "$mode" = test ] && pkgs+=("${test_pkgs[@]}")

missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  sudo_cmd=()
  [ "$(id -u)" -ne 0 ] && sudo_cmd=(sudo)
  echo "installing Debian packages: ${missing[*]}" >&2
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
fi
# The broker is started by the tests themselves on free ports; the packaged service is not needed.
if [ "$mode" = test ] && command -v systemctl >/dev/null && systemctl is-active --quiet mosquitto 2>/dev/null; then
  systemctl stop mosquitto || true
fi

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-fund --no-audit >&2
fi

if [ "$mode" = run ]; then
  # The daemon as the unit runs it: compiled to dist/ (an edit afterwards runs through tsx until the next build).
  npm run --silent build >&2
  exec npm start
fi
exec npm test
