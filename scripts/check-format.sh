#!/usr/bin/env bash
# Fails when a tracked C++ file differs from what clang-format (Debian 12's clang-format 14, the
# root's .clang-format) would write. Lists the files that differ; `--fix` rewrites them instead.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
formatter=$(command -v clang-format-14 || command -v clang-format || true)
if [[ -z "$formatter" ]]; then
  echo "clang-format is not installed: apt-get install -y clang-format" >&2
  exit 1
fi
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  mapfile -t files < <(git ls-files '*.cpp' '*.hpp' '*.h' '*.cc')
else
  mapfile -t files < <(find . -path ./build -prune -o -path ./.venv -prune -o \
    \( -name '*.cpp' -o -name '*.hpp' -o -name '*.h' -o -name '*.cc' \) -print | sed 's|^\./||')
fi
if [[ "${1:-}" == "--fix" ]]; then
  "$formatter" -i "${files[@]}"
  exit 0
fi
differing=()
for file in "${files[@]}"; do
  [[ -f "$file" ]] || continue
  "$formatter" --dry-run --Werror "$file" >/dev/null 2>&1 || differing+=("$file")
done
if [[ ${#differing[@]} -gt 0 ]]; then
  printf '%s\n' "${differing[@]}" >&2
  echo "${#differing[@]} of ${#files[@]} C++ files differ from clang-format (scripts/check-format.sh --fix)" >&2
  exit 1
fi
echo "clang-format: ${#files[@]} C++ files formatted"
