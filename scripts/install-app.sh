#!/usr/bin/env bash
# Installs facegate's application files from a checkout into a prefix (step 3 of install.sh):
# the checkout's files without its data, git, tests, dev modules or old build, the production
# packages, then the daemon compiled into PREFIX/dist (what bin/facegate.js and the unit run).
# The result is root-owned and writable by no one else, so the service user cannot change the
# code it runs nor the fail-safe that ExecStopPost runs after it.
#
#   scripts/install-app.sh [--dry-run] SRC PREFIX
set -euo pipefail

DRY=0
if [ "${1:-}" = --dry-run ]; then DRY=1; shift; fi
if [ $# -ne 2 ]; then sed -n '7p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 64; fi
SRC="$1"
PREFIX="$2"

run() {
  if [ "$DRY" = 1 ]; then printf 'would run: %s\n' "$*"; else "$@"; fi
}

run mkdir -p "$PREFIX"
run tar -C "$SRC" --exclude=./node_modules --exclude=./.git --exclude=./data --exclude=./test --exclude=./dist -cf "$PREFIX.tar" .
# Run as root, tar would keep the archive's owners (the checkout's user) and its group-write bits.
run tar --no-same-owner --no-same-permissions -C "$PREFIX" -xf "$PREFIX.tar"
run rm -f "$PREFIX.tar"
run sh -c "cd '$PREFIX' && npm ci --omit=dev --no-audit --no-fund"
# The compiler is a devDependency: the checkout's (after npm ci there) builds, the prefix gets none.
# Without it the install still works: the daemon runs its TypeScript through tsx, started slower.
if [ -d "$SRC/node_modules/typescript" ]; then
  run sh -c "cd '$SRC' && npm run --silent build -- --out '$PREFIX/dist'"
else
  echo "install-app.sh: $SRC has no node_modules/typescript (npm ci there), so no compiled build: the daemon will run through tsx" >&2
  run rm -rf "$PREFIX/dist"
fi
# Also covers files an older install left behind and what npm ci wrote.
run chown -R root:root "$PREFIX"
run chmod -R u+rwX,go+rX,go-w "$PREFIX"
