#!/usr/bin/env python3
"""Scale of distributed mode on one machine: upsert throughput and search QPS of a local cluster
of 1, 2 and 3 nodes (scripts/cluster.sh, network namespaces, as root) on the same data, with the
CPU each node's Sextant and NATS processes used in each phase.

On one machine the nodes share its cores, so more nodes do not add CPU: what the figures show is
the cost of distribution (publishing through JetStream, applying on every replica, scattering a
search to every shard and merging), not the gain a cluster of machines would see. The per-node CPU
columns say where the time went.

Per cluster size: a collection with --shards shards and --replication replicas (default 1 per
shard), the first --points vectors of --data/base.fvecs upserted in batches of --batch through
every node in turn (one uploading thread per node, wait=true); the time until every node reports
the collection green; then `wrk` (2 connections per node, one wrk per node, --seconds) POSTs
points/query with the first 1000 query vectors (limit 10, hnsw_ef --ef), and recall@10 of those
answers against exact answers from the cluster itself (`exact: true`, through node 1).

Usage (as root):
  bench/cluster/scale.py --binary build/sextant --data /tmp/ann-100k --points 50000
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "bench" / "http"))
from dataset import read_fvecs  # noqa: E402

CLUSTER = ROOT / "scripts" / "cluster.sh"
WRK_SCRIPT = ROOT / "bench" / "http" / "wrk_queries.lua"
BRIDGE_NAMESPACE = "sxt-br"
CLIENT_ADDRESS = "10.231.77.250/24"
COLLECTION = "scale"
TICKS = os.sysconf("SC_CLK_TCK")


def node_url(node: int) -> str:
    return f"http://10.231.77.{node}:6333"


def cluster_dir() -> Path:
    return Path(os.environ.get("SEXTANT_CLUSTER_DIR", "/tmp/sextant-cluster"))


def cpu_seconds(pid_file: Path) -> float:
    try:
        pid = pid_file.read_text().strip()
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / TICKS
    except (OSError, IndexError, ValueError):
        return float("nan")


def cpu_snapshot(nodes: int) -> dict[str, float]:
    snapshot = {}
    for node in range(1, nodes + 1):
        directory = cluster_dir() / f"n{node}"
        snapshot[f"sextant{node}"] = cpu_seconds(directory / "sextant.pid")
        snapshot[f"nats{node}"] = cpu_seconds(directory / "nats.pid")
    return snapshot


def cpu_used(before: dict[str, float], after: dict[str, float]) -> dict[str, float]:
    return {key: after[key] - before[key] for key in before}


def in_bridge(command: list[str], **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(["ip", "netns", "exec", BRIDGE_NAMESPACE, *command], **kwargs)


def run_size(args: argparse.Namespace, nodes: int) -> dict:
    print(subprocess.run([str(CLUSTER), "up", str(nodes), "--binary", args.binary], check=True,
                         capture_output=True, text=True).stdout, end="", flush=True)
    subprocess.run(["ip", "-n", BRIDGE_NAMESPACE, "addr", "replace", CLIENT_ADDRESS, "dev",
                    "sxt-br0"], check=True)
    # The HTTP work runs in the bridge's namespace: this process asks a helper there for each
    # phase, so that the timing and CPU snapshots stay here.
    helper = [sys.executable, __file__, "--phase"]
    config = json.dumps({"nodes": nodes, "shards": args.shards, "replication": args.replication,
                         "points": args.points, "batch": args.batch, "data": args.data,
                         "ef": args.ef, "seconds": args.seconds})
    result = {"nodes": nodes}
    for phase in ("create", "upload", "search"):
        before = cpu_snapshot(nodes)
        out = in_bridge([*helper, phase, config], check=True, capture_output=True, text=True)
        after = cpu_snapshot(nodes)
        result[phase] = json.loads(out.stdout.strip().splitlines()[-1])
        result[phase]["cpu"] = cpu_used(before, after)
    subprocess.run([str(CLUSTER), "down"], check=True, capture_output=True)
    return result


# ------------------------------------------------------------------ phases (in the namespace)

def phase_create(config: dict) -> dict:
    reply = requests.put(f"{node_url(1)}/collections/{COLLECTION}", json={
        "vectors": {"size": 384, "distance": "Cosine"},
        "shard_number": config["shards"], "replication_factor": config["replication"]},
        timeout=60)
    reply.raise_for_status()
    return {"status": reply.status_code}


def phase_upload(config: dict) -> dict:
    base = read_fvecs(str(Path(config["data"]) / "base.fvecs"))[: config["points"]]
    nodes, batch = config["nodes"], config["batch"]
    batches = [(start, base[start:start + batch]) for start in range(0, len(base), batch)]
    errors: list[str] = []

    def upload(node: int) -> None:
        session = requests.Session()
        for number, (start, vectors) in enumerate(batches):
            if number % nodes != node - 1:
                continue
            body = {"points": [{"id": start + i, "vector": v.tolist()} for i, v in enumerate(vectors)]}
            reply = session.put(f"{node_url(node)}/collections/{COLLECTION}/points",
                                params={"wait": "true"}, json=body, timeout=120)
            if reply.status_code != 200:
                errors.append(f"node {node}: {reply.status_code} {reply.text[:200]}")
                return

    started = time.monotonic()
    threads = [threading.Thread(target=upload, args=(n,)) for n in range(1, nodes + 1)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    upload_seconds = time.monotonic() - started
    if errors:
        raise SystemExit("; ".join(errors[:3]))
    while True:
        states = [requests.get(f"{node_url(n)}/collections/{COLLECTION}", timeout=10).json()
                  ["result"]["status"] for n in range(1, nodes + 1)]
        if all(s == "green" for s in states) or time.monotonic() - started > 3600:
            break
        time.sleep(0.5)
    count = requests.post(f"{node_url(1)}/collections/{COLLECTION}/points/count",
                          json={"exact": True}, timeout=60).json()["result"]["count"]
    return {"points": len(base), "counted": count, "upload_seconds": round(upload_seconds, 2),
            "points_per_second": round(len(base) / upload_seconds, 1),
            "seconds_to_green": round(time.monotonic() - started, 2)}


def phase_search(config: dict) -> dict:
    queries = read_fvecs(str(Path(config["data"]) / "query.fvecs"))[:1000]
    bodies = [json.dumps({"query": q.tolist(), "limit": 10, "params": {"hnsw_ef": config["ef"]}})
              for q in queries]
    exact = []
    approximate = []
    session = requests.Session()
    for q in queries[:200]:
        for target, params in ((exact, {"exact": True}), (approximate, {"hnsw_ef": config["ef"]})):
            reply = session.post(f"{node_url(1)}/collections/{COLLECTION}/points/query",
                                 json={"query": q.tolist(), "limit": 10, "params": params},
                                 timeout=60)
            reply.raise_for_status()
            target.append({p["id"] for p in reply.json()["result"]["points"]})
    recall = sum(len(a & e) for a, e in zip(approximate, exact)) / (10 * len(exact))
    with tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False) as lines:
        lines.write("\n".join(bodies) + "\n")
    procs = [subprocess.Popen(
        ["wrk", "-t", "2", "-c", "2", "-d", f"{config['seconds']}s", "-s", str(WRK_SCRIPT),
         node_url(n), "--", lines.name, f"/collections/{COLLECTION}/points/query"],
        stdout=subprocess.PIPE, text=True) for n in range(1, config["nodes"] + 1)]
    qps = 0.0
    non_2xx = 0
    for proc in procs:
        out = proc.communicate()[0]
        qps += float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
        errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
        non_2xx += int(errors.group(1)) if errors else 0
    os.unlink(lines.name)
    return {"qps": round(qps, 1), "recall_at_10": round(recall, 4), "non_2xx": non_2xx,
            "connections": 2 * config["nodes"]}


def main() -> int:
    if len(sys.argv) > 1 and sys.argv[1] == "--phase":
        phase, config = sys.argv[2], json.loads(sys.argv[3])
        result = {"create": phase_create, "upload": phase_upload, "search": phase_search}[phase](config)
        print(json.dumps(result))
        return 0
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--binary", default=str(ROOT / "build" / "sextant"))
    parser.add_argument("--data", default="/tmp/ann-100k")
    parser.add_argument("--points", type=int, default=50000)
    parser.add_argument("--sizes", default="1,2,3")
    parser.add_argument("--shards", type=int, default=6)
    parser.add_argument("--replication", type=int, default=1)
    parser.add_argument("--batch", type=int, default=256)
    parser.add_argument("--ef", type=int, default=64)
    parser.add_argument("--seconds", type=int, default=10)
    args = parser.parse_args()
    if os.geteuid() != 0:
        print("the scale bench needs root (network namespaces)", file=sys.stderr)
        return 77
    results = []
    for nodes in (int(n) for n in args.sizes.split(",")):
        load = os.getloadavg()[0]
        result = run_size(args, nodes)
        result["loadavg"] = round(load, 2)
        results.append(result)
        print(json.dumps(result), flush=True)
    print()
    print("| nodes | upsert points/s | s to green | search QPS | recall@10 | Sextant CPU s (upload / search) per node | NATS CPU s (upload) per node | load avg |")
    print("|---:|---:|---:|---:|---:|---|---|---:|")
    for r in results:
        n = r["nodes"]
        up, se = r["upload"], r["search"]
        sextant_cpu = ", ".join(f"{up['cpu'][f'sextant{i}']:.1f} / {se['cpu'][f'sextant{i}']:.1f}"
                                for i in range(1, n + 1))
        nats_cpu = ", ".join(f"{up['cpu'][f'nats{i}']:.1f}" for i in range(1, n + 1))
        print(f"| {n} | {up['points_per_second']:,.0f} | {up['seconds_to_green']} | "
              f"{se['qps']:,.0f} | {se['recall_at_10']} | {sextant_cpu} | {nats_cpu} | {r['loadavg']} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
