#!/usr/bin/env bash
# Makes the base images docker/Dockerfile starts FROM, without any container registry:
# Debian 12 (bookworm) is bootstrapped with `debootstrap --variant=minbase` from the apt mirror
# this machine already uses, and imported into podman under the exact names the Dockerfile's FROM
# lines use (debian:bookworm for the build stage, debian:bookworm-slim for the runtime stage; both
# are the same minbase tree, which is smaller than Docker Hub's slim image).
#
# The tarball is cached under $SEXTANT_CACHE_DIR (default /var/cache/sextant when root, else
# ~/.cache/sextant), keyed by this script's content hash: editing the script makes a fresh base,
# re-running it is a few seconds. When the tags already exist in podman with the same key, nothing
# is done.
#
# Usage: scripts/docker-base-image.sh            (root, or a user podman and debootstrap accept)
# Environment: SEXTANT_DEBIAN_MIRROR (default: the first http(s) mirror in /etc/apt),
#              SEXTANT_CACHE_DIR, CONTAINERS_CONF (honoured by podman).
# Exit status: 0 ready, 1 failure.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SCRIPT_HASH="$(sha256sum "${BASH_SOURCE[0]}" | cut -c1-16)"
# Fully qualified, so that FROM debian:bookworm finds them locally and never asks a registry.
BASE_TAGS=(docker.io/library/debian:bookworm docker.io/library/debian:bookworm-slim)
SUITE=bookworm

if [[ -z "${SEXTANT_CACHE_DIR:-}" ]]; then
  if [[ "$(id -u)" == 0 ]]; then SEXTANT_CACHE_DIR=/var/cache/sextant; else
    SEXTANT_CACHE_DIR="${XDG_CACHE_HOME:-$HOME/.cache}/sextant"
  fi
fi
TARBALL="$SEXTANT_CACHE_DIR/debian-$SUITE-minbase-$SCRIPT_HASH.tar"

# The Debian mirror apt already uses (deb822 "URIs:" or one-line "deb URL suite" entries).
default_mirror() {
  local found
  found="$(grep -hoE '^(URIs:[[:space:]]*|deb[[:space:]]+)https?://[^[:space:]]+/debian/?' \
    /etc/apt/sources.list /etc/apt/sources.list.d/* 2>/dev/null | head -n1 |
    grep -oE 'https?://[^[:space:]]+')" || true
  echo "${found:-http://deb.debian.org/debian}"
}
MIRROR="${SEXTANT_DEBIAN_MIRROR:-$(default_mirror)}"

image_is_current() {
  local tag="$1" label
  label="$(podman image inspect --format '{{ index .Labels "org.sextant.base-key" }}' "$tag" \
    2>/dev/null)" || return 1
  [[ "$label" == "$SCRIPT_HASH" ]]
}

all_current=1
for tag in "${BASE_TAGS[@]}"; do image_is_current "$tag" || all_current=0; done
if [[ "$all_current" == 1 ]]; then
  echo "base images up to date (${BASE_TAGS[*]}, key $SCRIPT_HASH)"
  exit 0
fi

if [[ ! -f "$TARBALL" ]]; then
  command -v debootstrap >/dev/null || { echo "error: debootstrap is not installed" >&2; exit 1; }
  mkdir -p "$SEXTANT_CACHE_DIR"
  rootfs="$(mktemp -d "$SEXTANT_CACHE_DIR/rootfs.XXXXXX")"
  trap 'rm -rf "$rootfs"' EXIT
  echo "debootstrap --variant=minbase $SUITE from $MIRROR (a few minutes, once)"
  debootstrap --variant=minbase "$SUITE" "$rootfs" "$MIRROR" >"$rootfs.log" 2>&1 || {
    tail -n 30 "$rootfs.log" >&2
    echo "error: debootstrap failed (log: $rootfs.log)" >&2
    exit 1
  }
  rm -f "$rootfs.log"
  # Security and point-release updates, as Docker Hub's debian images have them.
  security_mirror="${MIRROR%/debian*}/debian-security"
  cat >"$rootfs/etc/apt/sources.list" <<EOF
deb $MIRROR $SUITE main
deb $MIRROR $SUITE-updates main
deb $security_mirror $SUITE-security main
EOF
  # Keep images small: no apt caches, docs or man pages (the same settings Docker Hub's use).
  cat >"$rootfs/etc/apt/apt.conf.d/docker-clean" <<'EOF'
DPkg::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
APT::Update::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
Dir::Cache::pkgcache ""; Dir::Cache::srcpkgcache "";
APT::Install-Recommends "false";
EOF
  rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/*
  tar --numeric-owner -C "$rootfs" -cf "$TARBALL.partial" .
  mv "$TARBALL.partial" "$TARBALL"
  rm -rf "$rootfs"
  trap - EXIT
  # Older keys are of no further use.
  find "$SEXTANT_CACHE_DIR" -maxdepth 1 -name "debian-$SUITE-minbase-*.tar" ! -name "$(basename "$TARBALL")" -delete
fi

for tag in "${BASE_TAGS[@]}"; do
  podman import \
    --change 'CMD ["bash"]' \
    --change "LABEL org.sextant.base-key=$SCRIPT_HASH" \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    "$TARBALL" "$tag" >/dev/null
  echo "imported $tag (key $SCRIPT_HASH) from $TARBALL"
done
