#!/usr/bin/env python3
"""Fault trials for distributed mode: writes through every node of a local cluster while one node
is killed (-9), partitioned, or kept down and brought back; then checks the history of
acknowledged writes against the final state of every node (bench/cluster/history.py: lost,
phantom, corrupt, divergent) and prints one line per trial and a summary per fault.

The cluster is scripts/cluster.sh's (network namespaces, as root). The workload runs inside the
bridge namespace (sxt-br, given an address on the bridge), so it reaches every node the way an
outside client would, and a partitioned node is cut off from it too.

Per trial: a fresh collection (--shards, --replication, Dot distance, --dim), --writers threads
(writer w sends to node w mod N and owns its own point ids, each written with versions 1, 2, ...
with wait=true); at 30% of --seconds the fault hits a random node, at 60% it heals (kill: the
node's processes are started again; partition: the link comes back), except `down-return`, where
the node stays down until the writes stop. A reader counts through every node during the trial
(availability per phase). Then the trial waits for every node to answer the same state (bounded
by --converge-seconds) and reads every point through every node, and, when every node holds a
replica of every shard (--replication equal to the node count), each node's own replica too.

Usage (as root):
  bench/cluster/fault_trials.py --binary build/sextant --fault kill --trials 20
  bench/cluster/fault_trials.py --fault partition,kill,down-return --trials 20 --reuse
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import subprocess
import tempfile
import sys
import threading
import time
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent))
from history import FAIL, MAYBE, OK, PointState, Write, check, vector_for  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
CLUSTER = ROOT / "scripts" / "cluster.sh"
BRIDGE_NAMESPACE = "sxt-br"
BRIDGE_DEVICE = "sxt-br0"
CLIENT_ADDRESS = "10.231.77.250/24"


def node_url(node: int) -> str:
    return f"http://10.231.77.{node}:6333"


def cluster(*args: str) -> str:
    return subprocess.run(
        [str(CLUSTER), *args], check=True, capture_output=True, text=True
    ).stdout


def classify(error: Exception) -> str:
    """A request that never reached the server certainly did nothing; any other failure may have
    been applied."""
    if isinstance(error, (requests.ConnectTimeout,)):
        return FAIL
    if isinstance(error, requests.ConnectionError):
        text = str(error)
        if "NewConnectionError" in text or "Connection refused" in text:
            return FAIL
    return MAYBE


class Trial:
    def __init__(self, args: argparse.Namespace, fault: str, number: int, rng: random.Random):
        self.args = args
        self.fault = fault
        self.number = number
        self.rng = rng
        self.collection = f"fault_{fault.replace('-', '_')}_{number}_{int(time.time())}"
        self.history: list[Write] = []
        self.history_lock = threading.Lock()
        self.stop = threading.Event()
        self.phase = "before"
        self.reads: dict[str, list[int]] = {}  # phase -> [answered, asked]
        self.victim = rng.randint(1, args.nodes)

    # -- workload ------------------------------------------------------------------------
    def writer(self, writer: int) -> None:
        node = writer % self.args.nodes + 1
        session = requests.Session()
        ids = list(range(writer * self.args.ids_per_writer, (writer + 1) * self.args.ids_per_writer))
        versions = {point_id: 0 for point_id in ids}
        turn = 0
        while not self.stop.is_set():
            point_id = ids[turn % len(ids)]
            turn += 1
            versions[point_id] += 1
            version = versions[point_id]
            body = {
                "points": [
                    {
                        "id": point_id,
                        "vector": vector_for(point_id, version, self.args.dim),
                        "payload": {"version": version, "writer": writer},
                    }
                ]
            }
            invoked = time.monotonic()
            detail = ""
            try:
                reply = session.put(
                    f"{node_url(node)}/collections/{self.collection}/points",
                    params={"wait": "true"},
                    json=body,
                    timeout=(1.0, self.args.request_timeout),
                )
                if reply.status_code == 200:
                    outcome = OK
                elif 400 <= reply.status_code < 500:
                    outcome, detail = FAIL, f"{reply.status_code} {reply.text[:120]}"
                else:
                    outcome, detail = MAYBE, f"{reply.status_code} {reply.text[:120]}"
            except requests.RequestException as error:
                outcome, detail = classify(error), type(error).__name__
            completed = time.monotonic()
            with self.history_lock:
                self.history.append(
                    Write(writer, point_id, version, invoked, completed, outcome, str(node), detail)
                )
            if outcome != OK:
                time.sleep(0.05)

    def reader(self) -> None:
        session = requests.Session()
        while not self.stop.is_set():
            for node in range(1, self.args.nodes + 1):
                tally = self.reads.setdefault(self.phase, [0, 0])
                tally[1] += 1
                try:
                    reply = session.post(
                        f"{node_url(node)}/collections/{self.collection}/points/count",
                        json={"exact": True},
                        timeout=(0.5, 2.0),
                    )
                    if reply.status_code == 200:
                        tally[0] += 1
                except requests.RequestException:
                    pass
            time.sleep(0.1)

    # -- faults --------------------------------------------------------------------------
    def inject(self) -> None:
        if self.fault in ("kill", "down-return"):
            cluster("kill", str(self.victim))
        elif self.fault == "partition":
            cluster("partition", str(self.victim))
        else:
            raise ValueError(self.fault)

    def heal(self) -> None:
        if self.fault in ("kill", "down-return"):
            cluster("start", str(self.victim))
        else:
            cluster("heal", str(self.victim))

    # -- final state ---------------------------------------------------------------------
    def read_state(self, node: int, local: bool = False) -> dict[int, PointState]:
        """Every point as read through `node` (the cluster's answer), or with `local` as the
        node's own replica holds it (the header peers use between themselves)."""
        headers = {"x-sextant-local-read": "1"} if local else {}
        state: dict[int, PointState] = {}
        offset = None
        while True:
            body = {"limit": 1000, "with_payload": ["version"], "with_vector": True}
            if offset is not None:
                body["offset"] = offset
            reply = requests.post(
                f"{node_url(node)}/collections/{self.collection}/points/scroll",
                json=body,
                headers=headers,
                timeout=10,
            )
            reply.raise_for_status()
            result = reply.json()["result"]
            for point in result["points"]:
                state[int(point["id"])] = PointState(int(point["payload"]["version"]), point["vector"])
            offset = result.get("next_page_offset")
            if offset is None:
                return state

    def converge(self) -> tuple[float, dict[str, dict[int, PointState]] | None]:
        """Seconds until every node answered the same state, and those states; None for the
        states when some node could not be read completely within --converge-seconds (the
        trial then fails: a final state nobody can read is not a consistent one)."""
        started = time.monotonic()
        states: dict[str, dict[int, PointState]] | None = None
        while True:
            try:
                nodes = range(1, self.args.nodes + 1)
                states = {f"via-n{node}": self.read_state(node) for node in nodes}
                if self.args.replication >= self.args.nodes:
                    # Every node holds a replica of every shard: compare the replicas themselves.
                    states.update({f"local-n{n}": self.read_state(n, local=True) for n in nodes})
                versions = [{k: v.version for k, v in s.items()} for s in states.values()]
                if all(v == versions[0] for v in versions):
                    return time.monotonic() - started, states
            except requests.RequestException:
                states = None
            if time.monotonic() - started > self.args.converge_seconds:
                return time.monotonic() - started, states
            time.sleep(0.5)

    def keep_evidence(self) -> str:
        """Copies what a failed trial leaves to look at into a directory of its own and returns
        its path: each node's view of the collection's shards, its stored applied sequences, its
        NATS server's stream and consumer state, and both processes' logs."""
        kept = Path(tempfile.mkdtemp(prefix=f"sextant-fault-{self.fault}-{self.number}-"))
        cluster_dir = Path(os.environ.get("SEXTANT_CLUSTER_DIR", "/tmp/sextant-cluster"))
        for node in range(1, self.args.nodes + 1):
            out = kept / f"n{node}"
            out.mkdir()
            for name, url in (
                ("cluster.json", f"{node_url(node)}/collections/{self.collection}/cluster"),
                ("jsz.json", f"http://10.231.77.{node}:8222/jsz?streams=true&consumers=true"),
            ):
                try:
                    (out / name).write_text(requests.get(url, timeout=5).text)
                except requests.RequestException as error:
                    (out / name).write_text(f"unreadable: {error}")
            node_dir = cluster_dir / f"n{node}"
            applied = node_dir / "storage" / "cluster_applied"
            if applied.is_dir():
                lines = [f"{f.name} {f.read_text()}" for f in sorted(applied.iterdir())]
                (out / "applied.txt").write_text("\n".join(lines) + "\n")
            for log in ("sextant.log", "nats.log"):
                if (node_dir / log).exists():
                    shutil.copy(node_dir / log, out / log)
        return str(kept)

    def run(self) -> dict:
        create = requests.put(
            f"{node_url(1)}/collections/{self.collection}",
            json={
                "vectors": {"size": self.args.dim, "distance": "Dot"},
                "shard_number": self.args.shards,
                "replication_factor": self.args.replication,
            },
            timeout=30,
        )
        create.raise_for_status()
        threads = [threading.Thread(target=self.writer, args=(w,)) for w in range(self.args.writers)]
        threads.append(threading.Thread(target=self.reader))
        for thread in threads:
            thread.start()
        seconds = self.args.seconds
        time.sleep(seconds * 0.3)
        self.phase = "fault"
        self.inject()
        if self.fault != "down-return":
            time.sleep(seconds * 0.3)
            self.heal()
            self.phase = "healed"
            time.sleep(seconds * 0.4)
        else:
            time.sleep(seconds * 0.7)
        self.stop.set()
        for thread in threads:
            thread.join()
        if self.fault == "down-return":
            self.heal()
            self.phase = "healed"
        converge_seconds, states = self.converge()
        unreadable = states is None
        verdict = check(self.history, states or {}, self.args.dim, cosine=False)
        if unreadable:
            verdict.divergent.append(
                f"a node could not be read completely within {self.args.converge_seconds} s"
            )
        kept = None if verdict.passed else self.keep_evidence()
        requests.delete(f"{node_url(1)}/collections/{self.collection}", timeout=30)
        availability = {
            phase: (answered / asked if asked else None) for phase, (answered, asked) in self.reads.items()
        }
        return {
            "fault": self.fault,
            "trial": self.number,
            "victim": self.victim,
            "passed": verdict.passed,
            "summary": verdict.summary(),
            "evidence": kept,
            "acknowledged": verdict.acknowledged,
            "indeterminate": verdict.indeterminate,
            "failed": verdict.failed,
            "lost": verdict.lost,
            "phantom": verdict.phantom,
            "corrupt": verdict.corrupt,
            "divergent": verdict.divergent,
            "converge_seconds": round(converge_seconds, 2),
            "read_availability": availability,
            "reads_answered_asked": self.reads,
        }


def inside(args: argparse.Namespace) -> int:
    rng = random.Random(args.seed)
    results = []
    for fault in args.fault.split(","):
        for number in range(1, args.trials + 1):
            result = Trial(args, fault, number, rng).run()
            results.append(result)
            print(json.dumps(result), flush=True)
    failed = 0
    print()
    print("| fault | trials | passed | acked writes | maybe | failed | lost | phantom | divergent | converge s (median) |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for fault in args.fault.split(","):
        rows = [r for r in results if r["fault"] == fault]
        passed = sum(r["passed"] for r in rows)
        failed += len(rows) - passed
        print(
            f"| {fault} | {len(rows)} | {passed} | {sum(r['acknowledged'] for r in rows)} | "
            f"{sum(r['indeterminate'] for r in rows)} | {sum(r['failed'] for r in rows)} | "
            f"{sum(len(r['lost']) for r in rows)} | {sum(len(r['phantom']) for r in rows)} | "
            f"{sum(len(r['divergent']) for r in rows)} | "
            f"{statistics.median(r['converge_seconds'] for r in rows):.1f} |"
        )
    return 1 if failed else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--binary", default=str(ROOT / "build" / "sextant"))
    parser.add_argument("--fault", default="kill,partition,down-return")
    parser.add_argument("--trials", type=int, default=20)
    parser.add_argument("--nodes", type=int, default=3)
    parser.add_argument("--shards", type=int, default=6)
    parser.add_argument("--replication", type=int, default=3)
    parser.add_argument("--writers", type=int, default=6)
    parser.add_argument("--ids-per-writer", type=int, default=50)
    parser.add_argument("--dim", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=8.0)
    parser.add_argument("--request-timeout", type=float, default=10.0)
    parser.add_argument("--converge-seconds", type=float, default=60.0)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--reuse", action="store_true", help="use the cluster that is up")
    parser.add_argument("--keep", action="store_true", help="leave the cluster up at the end")
    parser.add_argument("--inside", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.inside:
        return inside(args)
    if os.geteuid() != 0:
        print("fault trials need root (network namespaces)", file=sys.stderr)
        return 77
    if subprocess.run(["ip", "netns", "list"], capture_output=True).returncode != 0:
        print("fault trials need `ip netns` (apt-get install -y iproute2)", file=sys.stderr)
        return 77
    if not args.reuse:
        print(cluster("up", str(args.nodes), "--binary", args.binary), end="", flush=True)
    subprocess.run(
        ["ip", "-n", BRIDGE_NAMESPACE, "addr", "replace", CLIENT_ADDRESS, "dev", BRIDGE_DEVICE],
        check=True,
    )
    argv = [a for a in sys.argv[1:] if a not in ("--reuse", "--keep")]
    rc = subprocess.run(
        ["ip", "netns", "exec", BRIDGE_NAMESPACE, sys.executable, __file__, "--inside", *argv]
    ).returncode
    if not args.keep:
        cluster("down")
    return rc


if __name__ == "__main__":
    sys.exit(main())
