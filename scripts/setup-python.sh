#!/usr/bin/env bash
# Creates the project virtualenv (.venv) and installs compat-tests/requirements.txt into it.
# Idempotent: a stamp file records the requirements' hash, so a second run with unchanged
# requirements returns at once.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
venv="$root/.venv"
requirements="$root/compat-tests/requirements.txt"
stamp="$venv/.requirements.sha256"
wanted_hash=$(sha256sum "$requirements" | cut -d' ' -f1)

if [[ -x "$venv/bin/python" && -f "$stamp" && "$(cat "$stamp")" == "$wanted_hash" ]]; then
  exit 0
fi

python=${PYTHON:-python3}
if ! "$python" -c 'import venv, ensurepip' 2>/dev/null; then
  "$root/scripts/install-deps.sh"
fi
if [[ ! -x "$venv/bin/python" ]]; then
  "$python" -m venv "$venv"
fi
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r "$requirements"
echo "$wanted_hash" > "$stamp"
echo "Python test environment ready in $venv"
