"""Time to first answer after a restart, for a large indexed collection.

What it measures (and prints; no pass/fail):
1. load: batch upserts (wait=true) of base.fvecs into a fresh Cosine collection and the seconds
   until the HNSW index covers every point (skipped with --reuse when the storage directory
   already holds the indexed collection from an earlier run);
2. for each restart kind (graceful SIGTERM, then kill -9), `--trials` times: stop the server,
   start the binary again on the same storage and send one search (POST /points/query, limit 10)
   every 5 ms from the moment the process is spawned. Prints the seconds from spawn to the first
   200 answer, that answer's recall@10 against gt.ivecs, and the seconds until
   GET /collections/{name} reports indexed_vectors_count == points_count again (the graph is
   serving, not a fallback scan); then recall@10 of the first --recall-queries queries through
   the graph, to show the restored graph answers as well as before the restart;
3. with --drop-caches (root), the page cache is dropped before each start: a cold start that
   reads the graph image and vectors from disk.

Usage:
  .venv/bin/python bench/http/restart_bench.py --data /tmp/ann-1m --binary build/sextant \
      --storage /tmp/restart-1m --quantization int8
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import time
import json
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from dataset import read_fvecs, read_ivecs  # noqa: E402
from wire import Connection, HttpError, json_request  # noqa: E402

COLLECTION = "restart_bench"
K = 10


def server_env(storage: Path, port: int) -> dict[str, str]:
    env = dict(os.environ)
    env.update({
        "QDRANT__SERVICE__HOST": "127.0.0.1",
        "QDRANT__SERVICE__HTTP_PORT": str(port),
        "QDRANT__SERVICE__GRPC_PORT": str(port + 1),
        "QDRANT__STORAGE__STORAGE_PATH": str(storage / "storage"),
        "QDRANT__STORAGE__SNAPSHOTS_PATH": str(storage / "snapshots"),
        "QDRANT__TELEMETRY_DISABLED": "true",
    })
    return env


def spawn(binary: str, storage: Path, port: int) -> subprocess.Popen:
    log = open(storage / "server.log", "ab")
    return subprocess.Popen([binary], env=server_env(storage, port), stdout=log,
                            stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)


def call(port: int, method: str, path: str, body=None) -> tuple[int, dict]:
    conn = Connection("127.0.0.1", port, timeout_s=600)
    try:
        status, reply = conn.send(json_request(method, path, body))
        try:
            return status, json.loads(reply)
        except ValueError:  # /readyz and friends answer plain text
            return status, {}
    finally:
        conn.close()


def wait_indexed(port: int, points: int, timeout_s: float) -> float:
    began = time.perf_counter()
    while time.perf_counter() - began < timeout_s:
        try:
            status, info = call(port, "GET", f"/collections/{COLLECTION}")
            result = info.get("result", {})
            if status == 200 and result.get("indexed_vectors_count") == points \
                    and result.get("status") == "green":
                return time.perf_counter() - began
        except (HttpError, OSError):
            pass
        time.sleep(0.05)
    return float("nan")


def load(port: int, base: np.ndarray, quantization: str, batch: int) -> None:
    call(port, "DELETE", f"/collections/{COLLECTION}")
    config = {"vectors": {"size": int(base.shape[1]), "distance": "Cosine"},
              "hnsw_config": {"m": 16, "ef_construct": 100}}
    if quantization == "int8":
        config["quantization_config"] = {"scalar": {"type": "int8", "quantile": 0.99,
                                                    "always_ram": True}}
    status, reply = call(port, "PUT", f"/collections/{COLLECTION}", config)
    if status != 200:
        raise SystemExit(f"create failed: {status} {reply}")
    conn = Connection("127.0.0.1", port, timeout_s=600)
    began = time.perf_counter()
    for start in range(0, len(base), batch):
        rows = base[start:start + batch]
        body = {"batch": {"ids": list(range(start, start + len(rows))), "vectors": rows.tolist()}}
        status, reply = conn.send(json_request(
            "PUT", f"/collections/{COLLECTION}/points?wait=true", body))
        if status != 200:
            raise SystemExit(f"upsert failed: {status} {reply[:300]!r}")
    upload_s = time.perf_counter() - began
    conn.close()
    print(f"load: {len(base)} points in {upload_s:.1f} s = {len(base) / upload_s:.0f} points/s",
          flush=True)
    index_s = wait_indexed(port, len(base), 7200)
    print(f"load: index covers every point {index_s:.1f} s after the last upsert", flush=True)


def first_answer(binary: str, storage: Path, port: int, query: list[float]) -> tuple:
    request = json_request("POST", f"/collections/{COLLECTION}/points/query",
                           {"query": query, "limit": K})
    began = time.perf_counter()
    process = spawn(binary, storage, port)
    while True:
        if process.poll() is not None:
            raise SystemExit(f"server exited with {process.returncode}; see {storage}/server.log")
        try:
            conn = Connection("127.0.0.1", port, timeout_s=600)
            status, reply = conn.send(request)
            conn.close()
            if status == 200:
                return process, time.perf_counter() - began, json.loads(reply)
        except (HttpError, OSError):
            pass
        time.sleep(0.005)


def recall_through_graph(port: int, queries: np.ndarray, truth: np.ndarray, count: int) -> float:
    found = 0
    for q in range(count):
        status, reply = call(port, "POST", f"/collections/{COLLECTION}/points/query",
                             {"query": queries[q].tolist(), "limit": K})
        ids = {p["id"] for p in reply["result"]["points"]}
        found += len(ids & set(int(x) for x in truth[q][:K]))
    return found / (K * count)


def drop_caches() -> None:
    os.sync()
    Path("/proc/sys/vm/drop_caches").write_text("3\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", required=True)
    parser.add_argument("--binary", default="build/sextant")
    parser.add_argument("--storage", required=True, help="directory kept between runs")
    parser.add_argument("--reuse", action="store_true",
                        help="the storage already holds the indexed collection: skip loading")
    parser.add_argument("--quantization", choices=["none", "int8"], default="int8")
    parser.add_argument("--batch", type=int, default=1000)
    parser.add_argument("--trials", type=int, default=3)
    parser.add_argument("--port", type=int, default=6433)
    parser.add_argument("--drop-caches", action="store_true")
    parser.add_argument("--recall-queries", type=int, default=100)
    args = parser.parse_args()

    base = read_fvecs(f"{args.data}/base.fvecs")
    queries = read_fvecs(f"{args.data}/query.fvecs")
    truth = read_ivecs(f"{args.data}/gt.ivecs")
    storage = Path(args.storage)
    storage.mkdir(parents=True, exist_ok=True)
    binary = str(Path(args.binary).resolve())
    print(f"data: {len(base)} x {base.shape[1]}; storage {storage}", flush=True)

    process = spawn(binary, storage, args.port)
    try:
        time.sleep(0.5)
        if not args.reuse:
            while True:
                try:
                    call(args.port, "GET", "/readyz")
                    break
                except (HttpError, OSError):
                    time.sleep(0.1)
            load(args.port, base, args.quantization, args.batch)
        for kind in ("graceful", "kill -9"):
            for trial in range(args.trials):
                if kind == "graceful":
                    process.send_signal(signal.SIGTERM)
                else:
                    process.kill()
                process.wait()
                if args.drop_caches:
                    drop_caches()
                q = trial % len(queries)
                process, seconds, reply = first_answer(binary, storage, args.port,
                                                       queries[q].tolist())
                ids = {p["id"] for p in reply["result"]["points"]}
                recall = len(ids & set(int(x) for x in truth[q][:K])) / K
                indexed_s = wait_indexed(args.port, len(base), 600)
                graph_recall = recall_through_graph(args.port, queries, truth, args.recall_queries)
                print(f"restart ({kind}{', cold cache' if args.drop_caches else ''}) trial {trial}: "
                      f"first answer {seconds * 1e3:.0f} ms after spawn (recall@10 {recall:.1f}); "
                      f"graph serving after {seconds + indexed_s:.2f} s; graph recall@10 over "
                      f"{args.recall_queries} queries {graph_recall:.3f}", flush=True)
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            process.wait()


if __name__ == "__main__":
    main()
