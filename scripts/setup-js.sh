#!/usr/bin/env bash
# Installs the JS compatibility suite's pinned dependencies (compat-tests/js/package-lock.json)
# with `npm ci`. Idempotent: skipped when node_modules already matches the lockfile's hash.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
js_dir="$root/compat-tests/js"
stamp="$js_dir/node_modules/.package-lock.sha256"

if ! command -v npm >/dev/null 2>&1; then
  if [[ $(id -u) -eq 0 ]]; then
    DEBIAN_FRONTEND=noninteractive apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >/dev/null
  else
    echo "npm not found. Run as root: apt-get install -y nodejs npm" >&2
    exit 1
  fi
fi
wanted_hash=$(sha256sum "$js_dir/package-lock.json" | cut -d' ' -f1)
if [[ -f "$stamp" && "$(cat "$stamp")" == "$wanted_hash" ]]; then
  exit 0
fi
(cd "$js_dir" && npm ci --no-audit --no-fund --loglevel=error)
echo "$wanted_hash" > "$stamp"
echo "JS test environment ready in $js_dir/node_modules"
