#!/usr/bin/env bash
# Installs facegate on a Raspberry Pi or a Jetson (Debian / Raspberry Pi OS / Ubuntu L4T):
# Debian packages, the facegate user and its groups, the app under /opt/facegate, a first config,
# the device key as an encrypted systemd credential, and the hardened unit. Safe to run again:
# it never overwrites a config, a key or data that is already there.
#
#   sudo scripts/install.sh [--board pi|jetson|generic] [--no-start] [--dry-run]
set -euo pipefail

SRC="$(cd "$(dirname "$0")/.." && pwd)"
PREFIX="${FACEGATE_INSTALL_PREFIX:-/opt/facegate}"
ETC="${FACEGATE_INSTALL_ETC:-/etc/facegate}"
UNIT=/etc/systemd/system/facegate.service
DRY=0
START=1
BOARD=""

usage() { sed -n '2,8p' "$0" | sed 's/^# \{0,1\}//'; }
while [ $# -gt 0 ]; do
  case "$1" in
    --dry-run) DRY=1 ;;
    --no-start) START=0 ;;
    --board) BOARD="${2:-}"; shift ;;
    --board=*) BOARD="${1#--board=}" ;;
    -h|--help) usage; exit 0 ;;
    *) echo "install.sh: unknown option $1" >&2; usage >&2; exit 64 ;;
  esac
  shift
done

# Every change goes through run: in --dry-run it is printed, not done.
run() {
  if [ "$DRY" = 1 ]; then printf 'would run: %s\n' "$*"; else "$@"; fi
}
note() { printf '%s\n' "$*"; }

if [ -z "$BOARD" ]; then
  if grep -qi 'raspberry pi' /proc/device-tree/model 2>/dev/null; then BOARD=pi
  elif [ -f /etc/nv_tegra_release ]; then BOARD=jetson
  else BOARD=generic; fi
fi
case "$BOARD" in pi|jetson|generic) ;; *) echo "install.sh: --board must be pi, jetson or generic" >&2; exit 64 ;; esac
note "facegate install: board $BOARD, from $SRC to $PREFIX$([ "$DRY" = 1 ] && echo ' (dry run: nothing is changed)')"

if [ "$DRY" = 0 ] && [ "$(id -u)" -ne 0 ]; then
  echo "install.sh: run as root (sudo), or with --dry-run to see what it would do" >&2
  exit 77
fi

# 1. Debian packages. Node.js 20 or newer is required; Debian 12's own nodejs is 18.
pkgs=(ffmpeg ca-certificates gpiod python3-libgpiod)  # libgpiod's tools and Python binding: GPIO where sysfs is gone (driver gpiod)
case "$BOARD" in
  pi) pkgs+=(rpicam-apps) ;;
  jetson) pkgs+=(gstreamer1.0-tools gstreamer1.0-plugins-good) ;;
esac
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  run apt-get update -qq
  run env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}"
else
  note "Debian packages: all present"
fi
node_major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
if [ "$node_major" -lt 20 ]; then
  echo "install.sh: facegate needs Node.js 20 or newer (found: $(node --version 2>/dev/null || echo none)). Install it from your distribution's backports or nodejs.org's packages, then run this again." >&2
  [ "$DRY" = 1 ] || exit 69
fi

# 2. The service user and its device groups (dialout: the serial port of an OSDP reader).
for g in gpio video dialout; do
  getent group "$g" >/dev/null || run groupadd --system "$g"
done
if ! id facegate >/dev/null 2>&1; then
  run useradd --system --no-create-home --home-dir /var/lib/facegate --shell /usr/sbin/nologin --groups gpio,video,dialout facegate
else
  run usermod -a -G gpio,video,dialout facegate
fi

# 3. The application: the checkout's files (not its data, git or dev modules) and production
# packages, root-owned and not writable by the service user.
if [ "$DRY" = 1 ]; then bash "$SRC/scripts/install-app.sh" --dry-run "$SRC" "$PREFIX"; else bash "$SRC/scripts/install-app.sh" "$SRC" "$PREFIX"; fi

# 4. A first config (kept if present), and the device key as an encrypted credential.
run mkdir -p "$ETC/credentials"
run chmod 0700 "$ETC/credentials"
if [ ! -f "$ETC/config.yaml" ]; then
  example="$SRC/config/default.yaml"
  [ "$BOARD" = pi ] && example="$SRC/config/pi.yaml"
  [ "$BOARD" = jetson ] && example="$SRC/config/jetson.yaml"
  run install -m 0640 -g facegate "$example" "$ETC/config.yaml"
else
  note "config: $ETC/config.yaml kept"
fi
if [ ! -f "$ETC/credentials/device.key.cred" ]; then
  # --with-key=auto binds the key to the TPM2 where the board has one, else to the host key.
  run sh -c "head -c 32 /dev/urandom | systemd-creds encrypt --name=device.key --with-key=auto - '$ETC/credentials/device.key.cred'"
else
  note "device key: kept (erasing it makes every enrolled template unreadable)"
fi

# 5. The unit.
run install -m 0644 "$SRC/systemd/facegate.service" "$UNIT"
run systemctl daemon-reload
if [ "$START" = 1 ]; then
  run systemctl enable --now facegate.service
  note "facegate is starting: journalctl -u facegate -f shows the one-time setup code for the admin page"
else
  run systemctl enable facegate.service
fi
note "done"
