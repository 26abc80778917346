#!/usr/bin/env bash
# A local N-node Sextant cluster on this machine, for distributed mode's tests and benches and for
# anyone who wants one (docs/distributed.md). Each node is a network namespace sxt-n<i> with
# address 10.231.77.<i>/24 on a veth pair whose other end sits on a bridge inside a namespace of
# its own (sxt-br): the host's interfaces and routes are not touched, and traffic flows only
# between the namespaces this script creates. In each node it starts a NATS server (JetStream on,
# clustered with the others) and, given a Sextant binary, a Sextant node in cluster mode
# (QDRANT__CLUSTER__ENABLED=true) that finds its NATS servers in SEXTANT_NATS_URLS (its own first).
#
# Usage (as root; needs `ip netns`):
#   scripts/cluster.sh up N [--binary PATH]   start N nodes (1..9); prints one node URL per line
#                                             (Sextant's http://10.231.77.<i>:6333, or the NATS
#                                             URL without --binary) once all are ready
#   scripts/cluster.sh down                   stop everything it started, remove the namespaces
#                                             and the cluster directory
#   scripts/cluster.sh kill I                 kill -9 node I's processes (NATS and Sextant)
#   scripts/cluster.sh start I                start node I's processes again on the same stores
#   scripts/cluster.sh partition I            take node I's link down (it keeps running)
#   scripts/cluster.sh heal I                 bring node I's link up again
#   scripts/cluster.sh exec I CMD...          run CMD inside node I's namespace
#   scripts/cluster.sh status                 the nodes, their pids and links
# Env: SEXTANT_CLUSTER_DIR (default /tmp/sextant-cluster: configs, logs, pid files, JetStream and
#      Sextant stores), SEXTANT_NATS_SERVER (default: what scripts/install-nats.sh installs),
#      SEXTANT_CLUSTER_READY_SECONDS (default 30: the bound on every wait).
# `up` tears down a previous cluster first, and `down` on nothing is a no-op: both are safe to
# rerun. Processes are stopped only through the pid files this script wrote.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cluster_dir=${SEXTANT_CLUSTER_DIR:-/tmp/sextant-cluster}
ready_seconds=${SEXTANT_CLUSTER_READY_SECONDS:-30}
subnet_prefix=10.231.77
bridge_namespace=sxt-br
nats_client_port=4222
nats_route_port=6222
nats_monitor_port=8222
sextant_http_port=6333
sextant_grpc_port=6334

die() {
  echo "cluster.sh: $*" >&2
  exit 1
}
node_namespace() { echo "sxt-n$1"; }
node_address() { echo "$subnet_prefix.$1"; }
node_dir() { echo "$cluster_dir/n$1"; }
node_count() { cat "$cluster_dir/node-count" 2>/dev/null || echo 0; }
in_node() {
  local node=$1
  shift
  ip netns exec "$(node_namespace "$node")" "$@"
}

require_namespaces() {
  [[ $(id -u) -eq 0 ]] || die "needs root (network namespaces)"
  command -v ip >/dev/null || die "needs ip (apt-get install -y iproute2)"
  ip netns list >/dev/null 2>&1 || die "ip netns does not work here"
}

# kill_from_pid_file FILE SIGNAL: signals the process a pid file names, if it is still the
# program that wrote it (a reused pid is left alone); removes the file after a KILL.
kill_from_pid_file() {
  local file=$1 signal=$2 pid
  [[ -f $file ]] || return 0
  pid=$(cat "$file")
  if [[ -n $pid ]] && grep -qaE 'nats-server|sextant' "/proc/$pid/cmdline" 2>/dev/null; then
    kill "-$signal" "$pid" 2>/dev/null || true
  fi
  [[ $signal == KILL ]] && rm -f "$file"
  return 0
}

# wait_gone FILE...: waits (bounded) until the processes of the pid files have exited.
wait_gone() {
  local deadline=$((SECONDS + ready_seconds)) file pid
  for file in "$@"; do
    [[ -f $file ]] || continue
    pid=$(cat "$file")
    while kill -0 "$pid" 2>/dev/null && ((SECONDS < deadline)); do sleep 0.1; done
  done
}

nats_binary() {
  if [[ -n ${SEXTANT_NATS_SERVER:-} ]]; then
    echo "$SEXTANT_NATS_SERVER"
  else
    "$root/scripts/install-nats.sh"
  fi
}

write_nats_config() {
  local node=$1 count=$2 address routes="" peer
  address=$(node_address "$node")
  for ((peer = 1; peer <= count; peer++)); do
    [[ $peer == "$node" ]] && continue
    routes+="    nats://$(node_address "$peer"):$nats_route_port\n"
  done
  {
    echo "server_name: n$node"
    echo "listen: $address:$nats_client_port"
    echo "http: $address:$nats_monitor_port"
    echo "jetstream { store_dir: \"$(node_dir "$node")/jetstream\" }"
    if ((count > 1)); then
      echo "cluster {"
      echo "  name: sextant"
      echo "  listen: $address:$nats_route_port"
      echo "  routes: ["
      printf "%b" "$routes"
      echo "  ]"
      echo "}"
    fi
  } >"$(node_dir "$node")/nats.conf"
}

# The node's NATS URLs, its own first (the client tries them in order).
nats_urls_for() {
  local node=$1 count peer urls
  count=$(node_count)
  urls="nats://$(node_address "$node"):$nats_client_port"
  for ((peer = 1; peer <= count; peer++)); do
    [[ $peer == "$node" ]] || urls+=",nats://$(node_address "$peer"):$nats_client_port"
  done
  echo "$urls"
}

start_node() {
  local node=$1 dir binary
  dir=$(node_dir "$node")
  binary=$(cat "$cluster_dir/nats-binary")
  # setsid: the servers outlive this script; their output goes to the node's logs.
  # Started directly (not through a shell function) so that $! is the server's own pid: neither
  # `ip netns exec` nor setsid (run by a process that leads no group) forks.
  ip netns exec "$(node_namespace "$node")" setsid "$binary" -c "$dir/nats.conf" \
    -l "$dir/nats.log" </dev/null >/dev/null 2>&1 &
  echo $! >"$dir/nats.pid"
  if [[ -f $cluster_dir/sextant-binary ]]; then
    (
      cd "$dir"
      SEXTANT_NATS_URLS=$(nats_urls_for "$node") \
        QDRANT__CLUSTER__ENABLED=true \
        QDRANT__SERVICE__HOST=$(node_address "$node") \
        QDRANT__SERVICE__HTTP_PORT=$sextant_http_port \
        QDRANT__SERVICE__GRPC_PORT=$sextant_grpc_port \
        QDRANT__STORAGE__STORAGE_PATH="$dir/storage" \
        QDRANT__STORAGE__SNAPSHOTS_PATH="$dir/snapshots" \
        QDRANT__TELEMETRY_DISABLED=true \
        ip netns exec "$(node_namespace "$node")" setsid "$(cat "$cluster_dir/sextant-binary")" \
        </dev/null >>"$dir/sextant.log" 2>&1 &
      echo $! >"$dir/sextant.pid"
    )
  fi
}

# node_ready I: NATS answers healthz (JetStream included) and, if started, Sextant its healthz.
node_ready() {
  local node=$1 address
  address=$(node_address "$node")
  in_node "$node" curl -sf -m 2 "http://$address:$nats_monitor_port/healthz" >/dev/null || return 1
  if [[ -f $(node_dir "$node")/sextant.pid ]]; then
    in_node "$node" curl -sf -m 2 "http://$address:$sextant_http_port/healthz" >/dev/null ||
      return 1
  fi
}

wait_ready() {
  local deadline=$((SECONDS + ready_seconds)) node
  for node in "$@"; do
    until node_ready "$node"; do
      if ((SECONDS >= deadline)); then
        echo "cluster.sh: node $node not ready after ${ready_seconds} s; its logs:" >&2
        tail -n 20 "$(node_dir "$node")"/*.log >&2 || true
        return 1
      fi
      sleep 0.2
    done
  done
}

node_url() {
  if [[ -f $cluster_dir/sextant-binary ]]; then
    echo "http://$(node_address "$1"):$sextant_http_port"
  else
    echo "nats://$(node_address "$1"):$nats_client_port"
  fi
}

create_network() {
  local count=$1 node namespace
  ip netns add "$bridge_namespace"
  ip -n "$bridge_namespace" link add sxt-br0 type bridge
  ip -n "$bridge_namespace" link set sxt-br0 up
  for ((node = 1; node <= count; node++)); do
    namespace=$(node_namespace "$node")
    ip netns add "$namespace"
    ip -n "$namespace" link set lo up
    # Both ends are made inside the node's namespace, then one moves to the bridge's: nothing
    # ever appears among the host's interfaces.
    ip -n "$namespace" link add eth0 type veth peer name "n$node"
    ip -n "$namespace" link set "n$node" netns "$bridge_namespace"
    ip -n "$namespace" addr add "$(node_address "$node")/24" dev eth0
    ip -n "$namespace" link set eth0 up
    ip -n "$bridge_namespace" link set "n$node" master sxt-br0
    ip -n "$bridge_namespace" link set "n$node" up
  done
}

cmd_down() {
  require_namespaces
  local dir namespace
  # Sextant nodes first, while their NATS servers still answer: a node in cluster mode leaves
  # the cluster on the way out (its membership key), which waits on NATS when it is gone.
  for dir in "$cluster_dir"/n*; do
    [[ -d $dir ]] || continue
    kill_from_pid_file "$dir/sextant.pid" TERM
  done
  for dir in "$cluster_dir"/n*; do
    [[ -d $dir ]] || continue
    wait_gone "$dir/sextant.pid"
    kill_from_pid_file "$dir/nats.pid" TERM
  done
  for dir in "$cluster_dir"/n*; do
    [[ -d $dir ]] || continue
    wait_gone "$dir/sextant.pid" "$dir/nats.pid"
    kill_from_pid_file "$dir/sextant.pid" KILL
    kill_from_pid_file "$dir/nats.pid" KILL
  done
  for namespace in $(ip netns list | awk '{print $1}' | grep -E '^sxt-(n[0-9]+|br)$' || true); do
    ip netns delete "$namespace"
  done
  rm -rf "$cluster_dir"
}

cmd_up() {
  local count=${1:-} binary="" node
  [[ $count =~ ^[1-9]$ ]] || die "usage: cluster.sh up N [--binary PATH]   (N from 1 to 9)"
  shift
  while [[ $# -gt 0 ]]; do
    case $1 in
      --binary)
        binary=$(realpath "${2:?--binary needs a path}")
        shift 2
        ;;
      *) die "unknown option $1" ;;
    esac
  done
  [[ -z $binary || -x $binary ]] || die "$binary is not an executable"
  require_namespaces
  command -v curl >/dev/null || die "needs curl (apt-get install -y curl)"
  local nats
  nats=$(nats_binary | tail -n 1) || die "nats-server could not be installed"
  [[ -x $nats ]] || die "nats-server not found at $nats"
  cmd_down
  mkdir -p "$cluster_dir"
  echo "$count" >"$cluster_dir/node-count"
  echo "$nats" >"$cluster_dir/nats-binary"
  [[ -n $binary ]] && echo "$binary" >"$cluster_dir/sextant-binary"
  create_network "$count"
  for ((node = 1; node <= count; node++)); do
    mkdir -p "$(node_dir "$node")"
    write_nats_config "$node" "$count"
  done
  for ((node = 1; node <= count; node++)); do start_node "$node"; done
  wait_ready $(seq 1 "$count") || exit 1
  for ((node = 1; node <= count; node++)); do node_url "$node"; done
}

node_argument() {
  local node=${1:-}
  [[ $node =~ ^[1-9]$ && $node -le $(node_count) ]] ||
    die "no node '${node}' in the cluster (it has $(node_count))"
  echo "$node"
}

cmd_kill() {
  local node dir
  node=$(node_argument "${1:-}")
  dir=$(node_dir "$node")
  kill_from_pid_file "$dir/sextant.pid" KILL
  kill_from_pid_file "$dir/nats.pid" KILL
}

cmd_start() {
  local node
  node=$(node_argument "${1:-}")
  cmd_kill "$node"
  start_node "$node"
  wait_ready "$node"
  node_url "$node"
}

cmd_status() {
  local count node dir
  count=$(node_count)
  echo "nodes: $count (dir $cluster_dir)"
  for ((node = 1; node <= count; node++)); do
    dir=$(node_dir "$node")
    echo "n$node $(node_url "$node") nats pid $(cat "$dir/nats.pid" 2>/dev/null || echo -)" \
      "sextant pid $(cat "$dir/sextant.pid" 2>/dev/null || echo -)" \
      "link $(ip -n "$(node_namespace "$node")" -br link show eth0 2>/dev/null | awk '{print $2}')"
  done
}

command=${1:-}
shift || true
case $command in
  up) cmd_up "$@" ;;
  down) cmd_down ;;
  kill) cmd_kill "$@" ;;
  start) cmd_start "$@" ;;
  partition) in_node "$(node_argument "${1:-}")" ip link set eth0 down ;;
  heal) in_node "$(node_argument "${1:-}")" ip link set eth0 up ;;
  exec)
    node=$(node_argument "${1:-}")
    shift
    in_node "$node" "$@"
    ;;
  status) cmd_status ;;
  *) die "usage: cluster.sh up N [--binary PATH] | down | kill I | start I | partition I | heal I | exec I CMD... | status" ;;
esac
