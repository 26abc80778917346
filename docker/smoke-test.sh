#!/usr/bin/env bash
# Smoke test of the container image and the compose swap, with podman (no registry needed):
#   1. base images from debootstrap (scripts/docker-base-image.sh, cached), then `podman build`
#      of docker/Dockerfile, lending the host's compiler cache to the build stage;
#   2. `podman run` on a named volume: the compose healthcheck command answers, the image's
#      HEALTHCHECK passes, the server runs as a non-root user; create a collection, upsert,
#      search (POST /collections/{c}/points/query), check the bundled embedding model; stop,
#      start again on the same volume and find the same data and search results;
#   3. `podman-compose up` with docker/compose.yaml (service `qdrant`, published port, named
#      volume, QDRANT__SERVICE__API_KEY enforced); down and up again, data still there.
# Prints the time each phase takes.
#
# Exit status: 0 passed, 1 failed, 77 skipped (podman cannot run containers on this machine;
# the reason is printed). Needs root (podman 4.3 rootful with runc, see docker/containers.conf).
# Environment: SEXTANT_IMAGE (default localhost/sextant:latest), SEXTANT_SMOKE_SKIP_BUILD=1 to
# test an image that already exists, SEXTANT_BUILD_JOBS (default: number of cores),
# CCACHE_DIR (the compiler cache lent to the build, default ~/.cache/ccache).
set -uo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
IMAGE="${SEXTANT_IMAGE:-localhost/sextant:latest}"
export CONTAINERS_CONF="${CONTAINERS_CONF:-$ROOT/docker/containers.conf}"
RUN_ID="sextant-smoke-$$"
MODEL="sentence-transformers/all-MiniLM-L6-v2"
SKIPPED=77
TEST_START=$(date +%s.%N)

say() { echo "== $*"; }
fail() { echo "FAIL: $*" >&2; exit 1; }
skip() { echo "SKIPPED: $*" >&2; exit "$SKIPPED"; }
elapsed_since() { awk -v a="$1" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }'; }
TIMINGS=()
timed() {  # timed LABEL COMMAND...: runs the command, records and prints how long it took.
  local label="$1" start status
  shift
  start=$(date +%s.%N)
  "$@"
  status=$?
  TIMINGS+=("$(printf '%-38s %7ss' "$label" "$(elapsed_since "$start")")")
  echo "   ($label: $(elapsed_since "$start")s)"
  return $status
}

# --- Can podman run here? --------------------------------------------------------------------
[[ "$(uname -s)" == Linux ]] || skip "podman containers need Linux"
[[ "$(id -u)" == 0 ]] || skip "needs root (rootful podman 4.3 with runc)"
missing=()
for tool in podman runc podman-compose debootstrap curl python3; do
  command -v "$tool" >/dev/null || missing+=("$tool")
done
if [[ ${#missing[@]} -gt 0 ]]; then
  say "installing ${missing[*]}"
  apt-get install -y --no-install-recommends "${missing[@]}" >/tmp/"$RUN_ID"-apt.log 2>&1 ||
    skip "cannot install ${missing[*]} (see /tmp/$RUN_ID-apt.log)"
fi
podman info >/dev/null 2>/tmp/"$RUN_ID"-info.log ||
  skip "podman does not work here: $(tail -n 3 /tmp/"$RUN_ID"-info.log)"

CONTAINERS=()
VOLUMES=()
COMPOSE_PROJECT=""
cleanup() {
  for container in "${CONTAINERS[@]}"; do podman rm -f -v -t 5 "$container" >/dev/null 2>&1; done
  if [[ -n "$COMPOSE_PROJECT" ]]; then
    podman-compose -p "$COMPOSE_PROJECT" -f docker/compose.yaml down >/dev/null 2>&1
    VOLUMES+=("${COMPOSE_PROJECT}_qdrant_storage" "${COMPOSE_PROJECT}_qdrant_snapshots")
  fi
  for volume in "${VOLUMES[@]}"; do podman volume rm -f "$volume" >/dev/null 2>&1; done
}
trap cleanup EXIT

PODMAN_LOG="/tmp/$RUN_ID-podman.log"
quietly() { "$@" >>"$PODMAN_LOG" 2>&1; }

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# --- HTTP helpers ----------------------------------------------------------------------------
API_URL=""
API_KEY=""
BODY=""
STATUS=""
# api METHOD PATH [JSON]: sets STATUS and BODY.
api() {
  local args=(-sS -o /tmp/"$RUN_ID"-body -w '%{http_code}' -X "$1" "$API_URL$2"
    -H 'content-type: application/json' --max-time 60)
  [[ -n "$API_KEY" ]] && args+=(-H "api-key: $API_KEY")
  [[ $# -ge 3 ]] && args+=(--data-binary "$3")
  STATUS="$(curl "${args[@]}")" || STATUS="000"
  BODY="$(cat /tmp/"$RUN_ID"-body 2>/dev/null)"
}
expect_ok() {  # expect_ok WHAT: the last call answered 200 with status "ok".
  [[ "$STATUS" == 200 && "$BODY" == *'"status":"ok"'* ]] || fail "$1: HTTP $STATUS $BODY"
}
json() {  # json PYTHON_EXPRESSION: evaluates it with `r` bound to the last body's "result".
  python3 -c "import json,sys; r=json.loads(sys.argv[1])['result']; print($1)" "$BODY"
}

# Waits until `wget -qO- http://localhost:6333/healthz` (the usual compose healthcheck) succeeds
# inside the container, then until the API answers from the host.
wait_healthy() {
  local container="$1" deadline=$((SECONDS + 90))
  until podman exec "$container" wget -qO- http://localhost:6333/healthz >/dev/null 2>&1; do
    if [[ "$(podman inspect -f '{{.State.Running}}' "$container" 2>/dev/null)" != true ]]; then
      podman logs --tail 30 "$container" >&2
      fail "$container exited before becoming healthy"
    fi
    ((SECONDS < deadline)) || { podman logs --tail 30 "$container" >&2; fail "$container: no healthz in 90s"; }
    sleep 0.5
  done
  until curl -s -o /dev/null --max-time 2 "$API_URL/healthz"; do
    ((SECONDS < deadline)) || fail "$container: healthy inside but unreachable at $API_URL"
    sleep 0.5
  done
}

# Creates collection $1 (4-dim cosine) with four points and checks a search over it.
write_points() {
  local collection="$1"
  api PUT "/collections/$collection" '{"vectors":{"size":4,"distance":"Cosine"}}'
  expect_ok "create collection $collection"
  api PUT "/collections/$collection/points?wait=true" '{"points":[
    {"id":1,"vector":[0.9,0.1,0.0,0.0],"payload":{"city":"Berlin","rank":1}},
    {"id":2,"vector":[0.1,0.9,0.0,0.0],"payload":{"city":"London","rank":2}},
    {"id":3,"vector":[0.0,0.1,0.9,0.0],"payload":{"city":"Paris","rank":3}},
    {"id":"6f1d6a0c-8a3e-4b1e-9c55-2a3f0f1c9e01","vector":[0.0,0.0,0.1,0.9],
     "payload":{"city":"Rome","rank":4}}]}'
  expect_ok "upsert into $collection"
}

# Checks that $1 holds the four points and that searches rank them as their vectors say.
check_points() {
  local collection="$1" ids count payload
  api POST "/collections/$collection/points/query" \
    '{"query":[0.8,0.2,0.0,0.0],"limit":2,"with_payload":true}'
  expect_ok "query $collection"
  ids="$(json '[p["id"] for p in r["points"]]')"
  [[ "$ids" == "[1, 2]" ]] || fail "query $collection: expected ids [1, 2], got $ids ($BODY)"
  payload="$(json 'r["points"][0]["payload"]["city"]')"
  [[ "$payload" == Berlin ]] || fail "query $collection: payload of point 1 is $payload"
  api POST "/collections/$collection/points/query" \
    '{"query":[0.0,0.0,0.2,0.8],"limit":1,"filter":{"must":[{"key":"rank","range":{"gte":3}}]}}'
  expect_ok "filtered query $collection"
  ids="$(json '[p["id"] for p in r["points"]]')"
  [[ "$ids" == "['6f1d6a0c-8a3e-4b1e-9c55-2a3f0f1c9e01']" ]] ||
    fail "filtered query $collection: got $ids"
  api POST "/collections/$collection/points/count" '{"exact":true}'
  expect_ok "count $collection"
  count="$(json 'r["count"]')"
  [[ "$count" == 4 ]] || fail "count $collection: expected 4 points, got $count"
}

# The bundled model must be in the image; when this build serves Document inference, a
# semantic search through it must rank the related sentence first.
check_embedding_model() {
  local container="$1" ids
  podman exec "$container" test -s /qdrant/models/all-MiniLM-L6-v2/model.safetensors ||
    fail "the embedding model is missing from the image"
  api PUT /collections/smoke_docs '{"vectors":{"size":384,"distance":"Cosine"}}'
  expect_ok "create collection smoke_docs"
  api PUT "/collections/smoke_docs/points?wait=true" '{"points":[
    {"id":1,"vector":{"text":"Stock markets fell sharply today","model":"'"$MODEL"'"}},
    {"id":2,"vector":{"text":"The cat sat on the mat","model":"'"$MODEL"'"}},
    {"id":3,"vector":{"text":"Rain is expected over the weekend","model":"'"$MODEL"'"}}]}'
  if [[ "$STATUS" == 400 && "$BODY" == *"inference is not available"* ]]; then
    echo "   NOTE: this build of the server does not serve Document inference yet: $BODY"
    return 0
  fi
  expect_ok "upsert documents"
  api POST /collections/smoke_docs/points/query \
    '{"query":{"text":"a kitten resting on a rug","model":"'"$MODEL"'"},"limit":1}'
  expect_ok "query by document"
  ids="$(json '[p["id"] for p in r["points"]]')"
  [[ "$ids" == "[2]" ]] || fail "document query: expected [2], got $ids"
  echo "   bundled model $MODEL serves Document inference"
}

# --- 1. image ------------------------------------------------------------------------------
build_image() {
  "$ROOT/scripts/fetch-model.sh" >/dev/null || fail "scripts/fetch-model.sh failed"
  # No base image means no Debian mirror or debootstrap here: an environment limit, not a defect.
  "$ROOT/scripts/docker-base-image.sh" || skip "cannot make the Debian base image here (see above)"
  local ccache_dir="${CCACHE_DIR:-$HOME/.cache/ccache}"
  mkdir -p "$ccache_dir"
  podman build --network host --format docker --layers \
    -v "$ccache_dir:/ccache-host" --build-arg SEXTANT_BUILD_JOBS="${SEXTANT_BUILD_JOBS:-$(nproc)}" \
    -f docker/Dockerfile -t "$IMAGE" . >/tmp/"$RUN_ID"-build.log 2>&1 || {
    tail -n 40 /tmp/"$RUN_ID"-build.log >&2
    fail "podman build (log: /tmp/$RUN_ID-build.log)"
  }
  grep -h '^ccache hits:' /tmp/"$RUN_ID"-build.log | sed 's/^/   /'
}
if [[ "${SEXTANT_SMOKE_SKIP_BUILD:-0}" == 1 ]]; then
  say "using existing image $IMAGE"
else
  say "building $IMAGE"
  timed "image build (base + podman build)" build_image
fi
echo "   image size: $(podman image inspect -f '{{.Size}}' "$IMAGE" | awk '{ printf "%.0f MB", $1 / 1e6 }')"

# Can this machine run a container at all? If not, say why and skip (not a failure of ours).
if ! podman run --rm --network none "$IMAGE" true >/tmp/"$RUN_ID"-probe.log 2>&1; then
  skip "podman cannot start containers here: $(tail -n 3 /tmp/"$RUN_ID"-probe.log)"
fi

# --- 2. podman run on a named volume -------------------------------------------------------
run_phase() {
  local port container="$RUN_ID-run" volume="$RUN_ID-storage" user
  port="$(free_port)"
  API_URL="http://127.0.0.1:$port"
  podman volume create "$volume" >/dev/null || fail "volume create"
  VOLUMES+=("$volume")
  CONTAINERS+=("$container")
  # Podman's stderr goes to a log: without systemd it complains that it cannot schedule
  # periodic healthchecks (they are run on demand below).
  podman run -d --name "$container" -p "127.0.0.1:$port:6333" -v "$volume:/qdrant/storage" \
    "$IMAGE" >/dev/null 2>>"$PODMAN_LOG" || fail "podman run (log: $PODMAN_LOG)"
  timed "run: start to healthy" wait_healthy "$container"
  podman healthcheck run "$container" >/dev/null || fail "the image's HEALTHCHECK reports unhealthy"
  user="$(podman exec "$container" id -u)"
  [[ "$user" != 0 ]] || fail "the server runs as root inside the image"
  echo "   healthy; HEALTHCHECK passes; server runs as uid $user"
  write_points smoke
  check_points smoke
  check_embedding_model "$container"
  timed "run: graceful stop" quietly podman stop -t 30 "$container" || fail "podman stop"
  [[ "$(podman inspect -f '{{.State.ExitCode}}' "$container")" == 0 ]] ||
    fail "server exit status $(podman inspect -f '{{.State.ExitCode}}' "$container") on SIGTERM"
  quietly podman start "$container" || fail "podman start (log: $PODMAN_LOG)"
  timed "run: restart to healthy (same volume)" wait_healthy "$container"
  check_points smoke
  echo "   data survived the restart on volume $volume"
}
say "podman run (named volume, stop, start)"
timed "run phase total" run_phase

# --- 3. podman-compose with docker/compose.yaml --------------------------------------------
compose_up() {
  podman-compose -p "$COMPOSE_PROJECT" -f docker/compose.yaml up -d --no-build qdrant \
    >/tmp/"$RUN_ID"-compose.log 2>&1 || { tail -n 20 /tmp/"$RUN_ID"-compose.log >&2; fail "compose up"; }
  wait_healthy "${COMPOSE_PROJECT}_qdrant_1"
}
compose_phase() {
  COMPOSE_PROJECT="${RUN_ID//-/_}"
  local key="smoke-key-$RANDOM$RANDOM"
  export SEXTANT_IMAGE="$IMAGE" SEXTANT_HTTP_PORT SEXTANT_GRPC_PORT QDRANT__SERVICE__API_KEY="$key"
  SEXTANT_HTTP_PORT="$(free_port)"
  SEXTANT_GRPC_PORT="$(free_port)"
  API_URL="http://127.0.0.1:$SEXTANT_HTTP_PORT"
  timed "compose: up to healthy" compose_up
  API_KEY=""
  api GET /collections
  [[ "$STATUS" == 401 ]] || fail "compose: a request without the api key got HTTP $STATUS"
  API_KEY="wrong-$key"
  api GET /collections
  [[ "$STATUS" == 401 ]] || fail "compose: a wrong api key got HTTP $STATUS"
  API_KEY="$key"
  write_points compose_smoke
  check_points compose_smoke
  echo "   QDRANT__SERVICE__API_KEY enforced; collection written through service qdrant"
  podman-compose -p "$COMPOSE_PROJECT" -f docker/compose.yaml down >/dev/null 2>&1 ||
    fail "compose down"
  timed "compose: up again to healthy" compose_up
  check_points compose_smoke
  echo "   data survived compose down/up on volume ${COMPOSE_PROJECT}_qdrant_storage"
}
say "podman-compose (docker/compose.yaml)"
timed "compose phase total" compose_phase

say "timings"
printf '   %s\n' "${TIMINGS[@]}"
echo "   total: $(elapsed_since "$TEST_START")s"
say "docker smoke test passed"
