"""Upsert and search throughput over gRPC vs REST, with the official Python client, same data.

What it measures (and prints as a table; no pass/fail), for a server given by its REST URL and
gRPC port:
1. upsert: POINTS random vectors (DIM-d, Cosine, a small payload) in batches of BATCH with
   wait=true, once per wire into a collection of its own: points/s;
2. search: QUERIES nearest-neighbour queries (`query_points`, limit 10) against ONE collection
   (the REST-loaded one, once it is green with its optimizations done, so both wires search the
   same index): queries/s sequentially from one client, and with CONCURRENCY clients at once (one
   process each, so the Python client's own CPU is not serialised by the GIL);
3. agreement: the ids of the first queries, asked over both wires, must match (else it says so).

The figures include the Python client's own work (pydantic models for REST, protobuf conversion
for gRPC), which is what a user of `QdrantClient(prefer_grpc=True)` gets; on a 2-core machine the
server and the clients share the cores. Collections are named `grpc_bench_*` and deleted at the
end. Usage:

  .venv/bin/python bench/grpc/grpc_vs_rest.py --url http://127.0.0.1:6333 --grpc-port 6334
  .venv/bin/python bench/grpc/grpc_vs_rest.py --url ... --points 20000 --dim 128 --queries 2000
"""

from __future__ import annotations

import argparse
import multiprocessing
import time
import uuid
from dataclasses import dataclass
from urllib.parse import urlparse

import numpy as np
from qdrant_client import QdrantClient, models

WIRES = ("rest", "grpc")
LIMIT = 10


@dataclass(frozen=True)
class Target:
    url: str
    grpc_port: int
    api_key: str | None

    def client(self, wire: str) -> QdrantClient:
        return QdrantClient(
            url=self.url,
            grpc_port=self.grpc_port,
            prefer_grpc=wire == "grpc",
            api_key=self.api_key,
            timeout=300,
        )


def make_data(points: int, dim: int, queries: int, seed: int):
    rng = np.random.default_rng(seed)
    vectors = rng.standard_normal((points, dim), dtype=np.float32)
    query_vectors = rng.standard_normal((queries, dim), dtype=np.float32)
    return vectors, query_vectors


def create_collection(client: QdrantClient, name: str, dim: int) -> None:
    client.create_collection(
        name, vectors_config=models.VectorParams(size=dim, distance=models.Distance.COSINE)
    )


def upsert_all(client: QdrantClient, name: str, vectors: np.ndarray, batch: int) -> float:
    """Seconds to upsert every vector in batches (wait=true); the batches are built beforehand."""
    batches = []
    for start in range(0, len(vectors), batch):
        ids = list(range(start, min(start + batch, len(vectors))))
        batches.append(
            models.Batch(
                ids=ids,
                vectors=vectors[start : start + len(ids)].tolist(),
                payloads=[{"group": i % 10, "tag": f"t{i % 7}"} for i in ids],
            )
        )
    started = time.perf_counter()
    for points in batches:
        client.upsert(name, points=points, wait=True)
    return time.perf_counter() - started


def wait_indexed(client: QdrantClient, name: str, points: int, timeout_s: float):
    """Waits until the collection holds every point and has stayed green for two polls a second
    apart (its optimizations done, the index as built as it will be); returns the seconds waited
    and the indexed vectors count."""
    started = time.perf_counter()
    green_polls = 0
    indexed = 0
    while time.perf_counter() - started < timeout_s and green_polls < 2:
        info = client.get_collection(name)
        indexed = info.indexed_vectors_count or 0
        done = info.status == models.CollectionStatus.GREEN and info.points_count == points
        green_polls = green_polls + 1 if done else 0
        time.sleep(1.0)
    return time.perf_counter() - started, indexed


def search_ids(client: QdrantClient, name: str, query_vectors: np.ndarray) -> list[list]:
    return [
        [hit.id for hit in client.query_points(name, query=q, limit=LIMIT).points]
        for q in query_vectors.tolist()
    ]


def _search_worker(args) -> float:
    """One client process: runs its share of queries, returns the seconds it took."""
    target, wire, name, query_vectors, start_barrier = args
    client = target.client(wire)
    queries = query_vectors.tolist()
    client.query_points(name, query=queries[0], limit=LIMIT)  # connect before the clock
    start_barrier.wait()
    started = time.perf_counter()
    for q in queries:
        client.query_points(name, query=q, limit=LIMIT)
    elapsed = time.perf_counter() - started
    client.close()
    return elapsed


def run_concurrent(target, wire, name, query_vectors, concurrency: int) -> float:
    """Queries/s with `concurrency` client processes splitting the queries between them (the
    slowest process's own clock: spawning and connecting happen before it starts)."""
    context = multiprocessing.get_context("spawn")
    with context.Manager() as manager:
        barrier = manager.Barrier(concurrency)
        shares = np.array_split(query_vectors, concurrency)
        with context.Pool(concurrency) as pool:
            elapsed = pool.map(_search_worker, [(target, wire, name, s, barrier) for s in shares])
    return len(query_vectors) / max(elapsed)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--url", default="http://127.0.0.1:6333", help="REST URL")
    parser.add_argument("--grpc-port", type=int, default=6334)
    parser.add_argument("--api-key", default=None)
    parser.add_argument("--points", type=int, default=20_000)
    parser.add_argument("--dim", type=int, default=128)
    parser.add_argument("--batch", type=int, default=256)
    parser.add_argument("--queries", type=int, default=2_000)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--index-timeout", type=float, default=300.0)
    options = parser.parse_args()

    target = Target(options.url.rstrip("/"), options.grpc_port, options.api_key)
    vectors, query_vectors = make_data(options.points, options.dim, options.queries, options.seed)
    suffix = uuid.uuid4().hex[:8]
    names = {wire: f"grpc_bench_{wire}_{suffix}" for wire in WIRES}
    clients = {wire: target.client(wire) for wire in WIRES}
    host = urlparse(target.url).hostname
    print(
        f"server {target.url} (gRPC {host}:{target.grpc_port}); {options.points} points x "
        f"{options.dim}-d, batches of {options.batch}; {options.queries} queries, limit {LIMIT}"
    )
    upsert_pps, sequential_qps, parallel_qps = {}, {}, {}
    try:
        for wire in WIRES:
            create_collection(clients[wire], names[wire], options.dim)
            seconds = upsert_all(clients[wire], names[wire], vectors, options.batch)
            upsert_pps[wire] = options.points / seconds
            print(f"  upsert over {wire}: {seconds:.2f} s")
        search_name = names["rest"]
        waited, indexed = wait_indexed(
            clients["rest"], search_name, options.points, options.index_timeout
        )
        print(f"  indexing wait: {waited:.1f} s ({indexed} vectors indexed)")
        for wire in WIRES:
            search_ids(clients[wire], search_name, query_vectors[:20])  # warm-up
            started = time.perf_counter()
            search_ids(clients[wire], search_name, query_vectors)
            sequential_qps[wire] = options.queries / (time.perf_counter() - started)
            parallel_qps[wire] = run_concurrent(
                target, wire, search_name, query_vectors, options.concurrency
            )
        probe = query_vectors[:50]
        same = search_ids(clients["rest"], search_name, probe) == search_ids(
            clients["grpc"], search_name, probe
        )
        print(f"  the two wires return the same ids for {len(probe)} queries: {same}")
    finally:
        for wire in WIRES:
            try:
                clients["rest"].delete_collection(names[wire])
            except Exception as error:  # noqa: BLE001 - cleanup reports and goes on
                print(f"  could not delete {names[wire]}: {error}")
        for client in clients.values():
            client.close()

    header = f"{'wire':<10}{'upsert points/s':>17}{'search q/s (1)':>16}"
    header += f"{f'search q/s ({options.concurrency})':>16}"
    print(header)
    for wire in WIRES:
        print(
            f"{wire:<10}{upsert_pps[wire]:>17.0f}{sequential_qps[wire]:>16.0f}"
            f"{parallel_qps[wire]:>16.0f}"
        )
    print(
        f"{'grpc/rest':<10}{upsert_pps['grpc'] / upsert_pps['rest']:>14.2f}x"
        f"{sequential_qps['grpc'] / sequential_qps['rest']:>15.2f}x"
        f"{parallel_qps['grpc'] / parallel_qps['rest']:>15.2f}x"
    )


if __name__ == "__main__":
    main()
