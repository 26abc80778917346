#!/usr/bin/env bash
# Quick start: install missing Debian packages, fetch the default embedding model (when the
# fetch script exists), build Sextant (Release, Ninja, into build/; incremental and ccache'd),
# then run it with storage in ./storage on 127.0.0.1:6333.
#
# Usage: scripts/start.sh [sextant flags...]      e.g. scripts/start.sh --config-path my.yaml
# Environment: QDRANT__* variables configure the server as they configure Qdrant;
#              SEXTANT_BUILD_JOBS sets the build parallelism (default: number of cores).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

"$ROOT/scripts/install-deps.sh"

if [[ -x "$ROOT/scripts/fetch-model.sh" ]]; then
  "$ROOT/scripts/fetch-model.sh" || echo "warning: the embedding model could not be fetched;" \
    "the server starts without it" >&2
fi

if [[ ! -f "$ROOT/build/build.ninja" ]]; then
  cmake -S "$ROOT" -B "$ROOT/build" -G Ninja -DCMAKE_BUILD_TYPE=Release \
    -DSEXTANT_BUILD_TESTS=OFF -DSEXTANT_BUILD_BENCH=OFF
fi
cmake --build "$ROOT/build" --target sextant -j "${SEXTANT_BUILD_JOBS:-$(nproc)}"

exec "$ROOT/build/sextant" "$@"
