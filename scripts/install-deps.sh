#!/usr/bin/env bash
# Installs the Debian packages listed in scripts/apt-packages.txt (or in the list file named as
# the first argument, relative to scripts/) that are missing.
# As root it runs apt-get; otherwise it prints the apt-get line to run and fails.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
list="$here/${1:-apt-packages.txt}"
mapfile -t wanted < <(grep -vE '^\s*(#|$)' "$list")
missing=()
for pkg in "${wanted[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$pkg")
  fi
done
[[ ${#missing[@]} -eq 0 ]] && exit 0
if [[ $(id -u) -ne 0 ]]; then
  echo "Missing Debian packages. Run as root:" >&2
  echo "  apt-get install -y ${missing[*]}" >&2
  exit 1
fi
echo "Installing: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq "${missing[@]}" >/dev/null
