#!/usr/bin/env bash
# The local cluster harness's smoke test (a stage of scripts/test.sh): `scripts/cluster.sh up 3`
# (with build/sextant when it exists), then checks through each node's NATS monitoring endpoint
# that the node has routes to both other nodes, JetStream enabled and a JetStream meta group of
# 3 with a leader, that each Sextant node answers and was given its NATS URLs; then `down`, and
# checks that no namespace or process of the cluster is left.
#
# Exits 0 when every check passed, 77 (skipped, with the reason) where network namespaces cannot
# be made (not root, no `ip netns`), 1 otherwise.
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
nodes=3
wait_seconds=20

if [[ $(id -u) -ne 0 ]]; then
  echo "cluster smoke test skipped: network namespaces need root"
  exit 77
fi
if ! command -v ip >/dev/null || ! ip netns list >/dev/null 2>&1; then
  echo "cluster smoke test skipped: 'ip netns' is not available (apt-get install -y iproute2)"
  exit 77
fi
probe=sxt-probe-$$
if ! ip netns add "$probe" 2>/dev/null; then
  echo "cluster smoke test skipped: this machine refuses to create a network namespace"
  exit 77
fi
ip netns delete "$probe"

binary_args=()
[[ -x $root/build/sextant ]] && binary_args=(--binary "$root/build/sextant")
started=$(date +%s%N)
if ! urls=$("$root/scripts/cluster.sh" up "$nodes" "${binary_args[@]}"); then
  echo "FAIL: scripts/cluster.sh up $nodes"
  "$root/scripts/cluster.sh" down
  exit 1
fi
echo "cluster up in $((($(date +%s%N) - started) / 1000000)) ms: $(echo "$urls" | tr '\n' ' ')"

# node_report I: one line on node I's NATS server, from its monitoring endpoint; fails unless it
# routes to every other node, has JetStream and sees a meta group of $nodes with a leader.
node_report() {
  local node=$1 address=10.231.77.$1
  local routez jsz
  routez=$("$root/scripts/cluster.sh" exec "$node" curl -sf -m 2 "http://$address:8222/routez") &&
    jsz=$("$root/scripts/cluster.sh" exec "$node" curl -sf -m 2 "http://$address:8222/jsz") ||
    return 1
  python3 - "$node" "$nodes" "$routez" "$jsz" <<'EOF'
import json, sys
node, nodes, routez, jsz = int(sys.argv[1]), int(sys.argv[2]), json.loads(sys.argv[3]), json.loads(sys.argv[4])
peers = sorted({r.get("remote_name", "") for r in routez.get("routes", [])})
expected = [f"n{i}" for i in range(1, nodes + 1) if i != node]
meta = jsz.get("meta_cluster") or {}
enabled = not jsz.get("disabled", False) and "config" in jsz
ok = peers == expected and enabled and meta.get("cluster_size") == nodes and meta.get("leader")
print(f"n{node}: routes to {', '.join(peers) or 'nobody'} ({routez.get('num_routes')} route "
      f"connections), JetStream {'enabled' if enabled else 'DISABLED'}, meta group of "
      f"{meta.get('cluster_size')} led by {meta.get('leader') or 'nobody'}")
sys.exit(0 if ok else 1)
EOF
}

failed=0
for ((node = 1; node <= nodes; node++)); do
  deadline=$((SECONDS + wait_seconds))
  until report=$(node_report "$node"); do
    if ((SECONDS >= deadline)); then break; fi
    sleep 0.5
  done
  if node_report "$node" >/dev/null; then
    echo "ok   $report"
  else
    echo "FAIL ${report:-n$node: monitoring endpoint did not answer}"
    failed=1
  fi
  dir=${SEXTANT_CLUSTER_DIR:-/tmp/sextant-cluster}/n$node
  if [[ -f $dir/sextant.pid ]]; then
    pid=$(cat "$dir/sextant.pid")
    nats_urls=$(tr '\0' '\n' <"/proc/$pid/environ" 2>/dev/null | grep '^SEXTANT_NATS_URLS=')
    if "$root/scripts/cluster.sh" exec "$node" curl -sf -m 2 "http://10.231.77.$node:6333/" \
        >/dev/null && [[ $nats_urls == SEXTANT_NATS_URLS=nats://10.231.77.$node:4222,* ]]; then
      echo "ok   n$node: Sextant answers on http://10.231.77.$node:6333, given $nats_urls"
    else
      echo "FAIL n$node: Sextant does not answer or has no SEXTANT_NATS_URLS (${nats_urls:-none})"
      failed=1
    fi
  fi
done

started=$(date +%s%N)
"$root/scripts/cluster.sh" down
echo "cluster down in $((($(date +%s%N) - started) / 1000000)) ms"
if ip netns list | grep -qE '^sxt-'; then
  echo "FAIL: namespaces left after down: $(ip netns list | grep -E '^sxt-' | tr '\n' ' ')"
  failed=1
fi
exit "$failed"
