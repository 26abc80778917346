#!/usr/bin/env bash
# The three-node API test (a stage of scripts/test.sh; docs/distributed.md): `cluster.sh up 3`
# with build/sextant, a standalone reference Sextant inside node 1's namespace, and the official
# Python client (scripts/cluster_api_check.py, run inside node 1's namespace):
#   load      a collection with shard_number 6, replication_factor 2 through node 1 (a second
#             create through node 2 answers "already exists"); 3000 points upserted through all
#             three nodes (wait=true), deletes and payload updates
#   check     search / query / scroll / count / retrieve through each node equal the reference
#   kill 3    kill -9 of node 3 (NATS and Sextant); 600 more points through nodes 1 and 2
#   start 3   node 3 restarts on its stores; every shard's two replicas reach the same count and
#             reads through each node (node 3's own replicas first) equal the reference again
# Env: SEXTANT_PYTHON (default .venv/bin/python: a Python with qdrant-client).
# Exits 0 when all passed, 77 (skipped, saying why) without root or `ip netns`, 1 otherwise.
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
python=${SEXTANT_PYTHON:-$root/.venv/bin/python}  # scripts/setup-python.sh makes it

if [[ $(id -u) -ne 0 ]]; then
  echo "cluster API test skipped: network namespaces need root"
  exit 77
fi
if ! command -v ip >/dev/null || ! ip netns list >/dev/null 2>&1; then
  echo "cluster API test skipped: 'ip netns' is not available (apt-get install -y iproute2)"
  exit 77
fi
if [[ ! -x $root/build/sextant ]]; then
  echo "cluster API test skipped: build/sextant is not built"
  exit 77
fi
if ! "$python" -c 'import qdrant_client, httpx' 2>/dev/null; then
  echo "cluster API test skipped: no Python with qdrant-client ($python)"
  exit 77
fi

export SEXTANT_CLUSTER_DIR=${SEXTANT_CLUSTER_DIR:-/tmp/sextant-cluster-api}
cluster=$root/scripts/cluster.sh
reference_dir=$(mktemp -d /tmp/sextant-cluster-reference.XXXXXX)
reference_pid=
cleanup() {
  [[ -n $reference_pid ]] && kill "$reference_pid" 2>/dev/null && wait "$reference_pid" 2>/dev/null
  "$cluster" down >/dev/null 2>&1
  rm -rf "$reference_dir"
}
trap cleanup EXIT

started=$(date +%s)
if ! urls=$("$cluster" up 3 --binary "$root/build/sextant"); then
  echo "FAIL: scripts/cluster.sh up 3"
  exit 1
fi
mapfile -t nodes <<<"$urls"
reference=http://10.231.77.1:6390
(
  cd "$reference_dir"
  QDRANT__SERVICE__HOST=10.231.77.1 QDRANT__SERVICE__HTTP_PORT=6390 \
    QDRANT__SERVICE__GRPC_PORT=6391 QDRANT__STORAGE__STORAGE_PATH="$reference_dir/storage" \
    QDRANT__STORAGE__SNAPSHOTS_PATH="$reference_dir/snapshots" QDRANT__TELEMETRY_DISABLED=true \
    exec ip netns exec sxt-n1 "$root/build/sextant" >"$reference_dir/sextant.log" 2>&1
) &
reference_pid=$!
for _ in $(seq 1 100); do
  "$cluster" exec 1 curl -sf -m 1 "$reference/healthz" >/dev/null && break
  sleep 0.1
done

driver() { "$cluster" exec 1 "$python" "$root/scripts/cluster_api_check.py" "$@"; }
fail() {
  echo "FAIL: $1"
  kept=$(mktemp -d /tmp/sextant-cluster-failed.XXXXXX)
  for node in 1 2 3; do
    mkdir -p "$kept/n$node"
    cp "$SEXTANT_CLUSTER_DIR/n$node/"*.log "$kept/n$node/" 2>/dev/null
    echo "-- node $node, last lines of sextant.log"
    tail -n 15 "$SEXTANT_CLUSTER_DIR/n$node/sextant.log"
  done
  echo "the nodes' logs are kept in $kept"
  exit 1
}
driver load "${nodes[@]}" "$reference" || fail "load"
driver check "${nodes[@]}" "$reference" || fail "reads through each node"
"$cluster" kill 3 >/dev/null || fail "kill 3"
echo "node 3 killed (kill -9 of its NATS server and Sextant)"
driver more "${nodes[0]}" "${nodes[1]}" "$reference" || fail "writes with node 3 down"
"$cluster" start 3 >/dev/null || fail "start 3"
echo "node 3 started again on its stores"
driver converge "${nodes[@]}" "$reference" || fail "convergence after the restart"
echo "cluster API test passed in $(($(date +%s) - started)) s"
