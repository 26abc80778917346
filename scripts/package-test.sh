#!/usr/bin/env bash
# Checks the packaging in packaging/:
#   1. the NixOS module and the derivation parse (`nix-instantiate --parse`, Debian's nix-bin);
#   2. the Debian package builds from build/ (`cpack -G DEB`: binary, /etc/sextant/config.yaml as
#      a conffile, the model, the unit, Depends from dpkg-shlibdeps);
#   3. in a throw-away Debian 12 container with systemd as PID 1 (podman, base image from
#      scripts/docker-base-image.sh, no registry): `apt install ./sextant_<version>_amd64.deb`,
#      sextant.service enabled and running as the user `sextant` under the unit's sandbox, GET
#      /healthz, POST /embed with the packaged model, the start-up log naming it, a collection
#      stored in /var/lib/sextant; restart (data kept); `apt purge`, then binary, config, state,
#      unit and user all gone.
# The container gets CAP_SYS_ADMIN: systemd needs it to set up the unit's mount namespace
# (ProtectSystem=, PrivateTmp=, ...); without it the unit fails with 226/NAMESPACE.
# Prints the time each phase takes.
#
# Exit status: 0 passed, 1 failed, 77 container phase skipped (podman cannot run here; the reason
# is printed; the parse check and the package build still ran and passed).
# Needs build/sextant built (scripts/test.sh does) and models/all-MiniLM-L6-v2
# (scripts/fetch-model.sh). Environment: SEXTANT_BUILD_DIR (default build).
set -uo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
BUILD_DIR="${SEXTANT_BUILD_DIR:-build}"
export CONTAINERS_CONF="${CONTAINERS_CONF:-$ROOT/docker/containers.conf}"
IMAGE=localhost/sextant-systemd:bookworm
RUN_ID="sextant-package-$$"
MODEL="sentence-transformers/all-MiniLM-L6-v2"
SKIPPED=77

say() { echo "== $*"; }
fail() { echo "FAIL: $*" >&2; exit 1; }
skip() { echo "SKIPPED: $*" >&2; exit "$SKIPPED"; }
phase_started=$(date +%s)
phase_done() {
  local now
  now=$(date +%s)
  echo "   ($1: $((now - phase_started)) s)"
  phase_started=$now
}

# --- 1. Nix files parse ---------------------------------------------------------------------------
say "nix-instantiate --parse packaging/nix/*.nix"
command -v nix-instantiate >/dev/null || fail "nix-instantiate missing (Debian package nix-bin)"
for file in packaging/nix/module.nix packaging/nix/package.nix; do
  nix-instantiate --parse "$file" >/dev/null || fail "$file does not parse"
  echo "   $file parses"
done
phase_done "nix parse"

# --- 2. The Debian package --------------------------------------------------------------------------
say "cpack -G DEB in $BUILD_DIR"
[[ -x "$BUILD_DIR/sextant" ]] || fail "$BUILD_DIR/sextant is not built"
[[ -f models/all-MiniLM-L6-v2/config.json ]] || fail "no model in models/ (scripts/fetch-model.sh)"
rm -f "$BUILD_DIR"/sextant_*.deb
# Re-configure so the install rules see the current tree, then pack.
cmake -S . -B "$BUILD_DIR" >/dev/null 2>&1 || fail "cmake configure of $BUILD_DIR failed"
(cd "$BUILD_DIR" && cpack -G DEB >"/tmp/$RUN_ID-cpack.log" 2>&1) ||
  { tail -n 20 "/tmp/$RUN_ID-cpack.log"; fail "cpack failed"; }
DEB="$(ls "$BUILD_DIR"/sextant_*_amd64.deb 2>/dev/null | head -n1)"
[[ -n "$DEB" ]] || fail "cpack made no sextant_*_amd64.deb"
echo "   $(basename "$DEB"): $(du -h "$DEB" | cut -f1)"
depends="$(dpkg-deb -f "$DEB" Depends)"
echo "   Depends: $depends"
[[ "$depends" == *libc6* && "$depends" == *liblmdb0* ]] || fail "Depends lacks the shared libraries"
[[ "$(dpkg-deb --ctrl-tarfile "$DEB" | tar -xO ./conffiles)" == /etc/sextant/config.yaml ]] ||
  fail "/etc/sextant/config.yaml is not a conffile"
contents="$(dpkg-deb -c "$DEB")"
for path in ./usr/bin/sextant ./etc/sextant/config.yaml ./usr/lib/systemd/system/sextant.service \
  ./usr/lib/sysusers.d/sextant.conf ./usr/share/sextant/models/all-MiniLM-L6-v2/model.safetensors; do
  grep -q " $path\$" <<<"$contents" || fail "$path missing from the package"
done
phase_done "package build"

# --- 3. Install, run, purge in a container ---------------------------------------------------------
[[ "$(id -u)" == 0 ]] || skip "the container phase needs root (rootful podman 4.3 with runc)"
command -v podman >/dev/null || skip "podman is not installed"
command -v runc >/dev/null || skip "runc is not installed"
podman info >/dev/null 2>"/tmp/$RUN_ID-info.log" ||
  skip "podman does not work here: $(tail -n 3 "/tmp/$RUN_ID-info.log")"
"$ROOT/scripts/docker-base-image.sh" >"/tmp/$RUN_ID-base.log" 2>&1 ||
  { tail -n 5 "/tmp/$RUN_ID-base.log"; skip "cannot make the Debian base image here"; }
say "podman build $IMAGE (cached after the first run)"
podman build -q -t "$IMAGE" -f packaging/debian/Containerfile.systemd packaging/debian \
  >"/tmp/$RUN_ID-build.log" 2>&1 || { tail -n 20 "/tmp/$RUN_ID-build.log"; fail "image build failed"; }
phase_done "image"

CONTAINER=""
cleanup() {
  [[ -n "$CONTAINER" ]] && podman rm -f -t 5 "$CONTAINER" >/dev/null 2>&1
  rm -f /tmp/"$RUN_ID"-*.log
}
trap cleanup EXIT
in_container() { podman exec "$CONTAINER" "$@"; }

say "podman run (systemd as PID 1)"
CONTAINER="$(podman run -d --name "$RUN_ID" --systemd=always --cap-add SYS_ADMIN \
  -v "$(realpath "$DEB")":/tmp/"$(basename "$DEB")":ro "$IMAGE")" ||
  fail "the container did not start"
state=""
for _ in $(seq 60); do
  state="$(in_container systemctl is-system-running 2>/dev/null)"
  [[ "$state" == running || "$state" == degraded ]] && break
  sleep 0.5
done
[[ "$state" == running || "$state" == degraded ]] || fail "systemd in the container: '$state'"
echo "   systemd: $state"

say "apt install ./$(basename "$DEB")"
in_container sh -c "apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
  apt-get install -y -qq /tmp/$(basename "$DEB")" >"/tmp/$RUN_ID-install.log" 2>&1 ||
  { tail -n 20 "/tmp/$RUN_ID-install.log"; fail "apt install of the package failed"; }
echo "   installed: $(in_container dpkg-query -W -f='${Package} ${Version} ${Status}' sextant)"
echo "   sextant.service: $(in_container systemctl is-enabled sextant.service)," \
  "$(in_container systemctl is-active sextant.service)"
[[ "$(in_container systemctl is-enabled sextant.service)" == enabled ]] ||
  fail "sextant.service is not enabled to start on boot"
phase_done "install"

# wait_healthz: GET /healthz inside the container answers.
wait_healthz() {
  for _ in $(seq 120); do
    in_container curl -fs http://127.0.0.1:6333/healthz >/dev/null 2>&1 && return 0
    sleep 0.5
  done
  in_container systemctl status sextant.service --no-pager >&2
  in_container journalctl -u sextant.service --no-pager -n 30 >&2
  fail "no /healthz answer within 60 s"
}
wait_healthz
echo "   GET /healthz: $(in_container curl -fs http://127.0.0.1:6333/healthz)"
user="$(in_container ps -o user= -C sextant)"
echo "   running as: $user"
[[ "$user" == sextant ]] || fail "the server runs as '$user', not sextant"
embed="$(in_container curl -fs -X POST http://127.0.0.1:6333/embed \
  -H 'content-type: application/json' -d '{"text": "a quiet harbour"}')" ||
  fail "POST /embed failed"
echo "$embed" | python3 -c '
import json, math, sys
body = json.load(sys.stdin)
assert body["model"] == sys.argv[1], body["model"]
assert body["dim"] == len(body["embedding"]) == 384, body["dim"]
norm = math.sqrt(sum(x * x for x in body["embedding"]))
assert abs(norm - 1) < 1e-3, norm
model, dim = body["model"], body["dim"]
print(f"   POST /embed: model {model}, dim {dim}, norm {norm:.4f}")
' "$MODEL" || fail "POST /embed answered ${embed:0:300}"
served="$(in_container journalctl -u sextant.service --no-pager -o cat | grep 'Embedding model')"
echo "$served" | sed 's/^/   log: /'
[[ "$served" == *"served: dimension 384, directory /usr/share/sextant/models/all-MiniLM-L6-v2, loaded on first use (installation)"* ]] ||
  fail "the start-up log does not name the packaged model"
in_container curl -fs -X PUT http://127.0.0.1:6333/collections/kept \
  -H 'content-type: application/json' -d '{"vectors": {"size": 4, "distance": "Cosine"}}' \
  >/dev/null || fail "creating a collection failed"
in_container test -d /var/lib/sextant/storage || fail "no storage in /var/lib/sextant"
in_container systemctl restart sextant.service || fail "systemctl restart failed"
wait_healthz
in_container curl -fs http://127.0.0.1:6333/collections/kept >/dev/null ||
  fail "collection lost over a restart"
echo "   restart: collection kept"
phase_done "service"

say "apt purge sextant"
in_container sh -c "DEBIAN_FRONTEND=noninteractive apt-get purge -y -qq sextant" \
  >"/tmp/$RUN_ID-purge.log" 2>&1 || { tail -n 20 "/tmp/$RUN_ID-purge.log"; fail "apt purge failed"; }
for path in /usr/bin/sextant /etc/sextant /var/lib/sextant /usr/share/sextant \
  /usr/lib/systemd/system/sextant.service /usr/lib/sysusers.d/sextant.conf \
  /etc/systemd/system/multi-user.target.wants/sextant.service; do
  ! in_container test -e "$path" || fail "$path is still there after purge"
done
! in_container getent passwd sextant >/dev/null || fail "user sextant is still there after purge"
! in_container getent group sextant >/dev/null || fail "group sextant is still there after purge"
! in_container pgrep -x sextant >/dev/null || fail "sextant still runs after purge"
echo "   gone: binary, /etc/sextant, /var/lib/sextant, model, unit, user and group"
phase_done "purge"
echo "package test passed"
