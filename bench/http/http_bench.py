"""HTTP latency, throughput and recall of a Qdrant-compatible server on an ANN data set.

What it measures (and prints; no pass/fail):
1. upload: batch upserts (wait=true) of base.fvecs into a fresh Cosine collection, points/s and
   MB/s of request bodies; then bytes on disk per point (du of the collection directory / points);
2. indexing: seconds until GET collection shows status green and indexed_vectors_count ==
   points_count;
3. latency: single-query p50/p99 over HTTP, one keep-alive connection, for exact search
   (params.exact=true) and for the default (HNSW) search, plus each hnsw_ef given;
4. QPS at concurrency 1 and 2 (one process per connection) with recall@10 against gt.ivecs;
5. with --wrk SECONDS, the same query mixes driven by `wrk` (Debian's package; C, so the client
   takes far less of the CPU the server shares with it) at 1 and 2 connections, one thread each.

With --quantization int8 the collection gets `quantization_config.scalar` (int8, quantile 0.99)
and every search sends params.quantization.oversampling (--oversampling), the same search the
in-process `sextant-ann` driver runs by default, so the two compare at the same recall.

Requests are serialised before the clock starts and responses are decoded after it stops, so the
figures are the server's (plus loopback), not the client's. Usage:

  .venv/bin/python bench/http/http_bench.py --data /tmp/ann-100k --binary build-rel/sextant
  .venv/bin/python bench/http/http_bench.py --data /tmp/ann-100k --url http://127.0.0.1:6333
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlparse

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from dataset import read_fvecs, read_ivecs  # noqa: E402
from wire import Connection, build_request, json_request  # noqa: E402

COLLECTION = "http_bench"
K = 10


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def upload(conn: Connection, base: np.ndarray, batch_size: int) -> dict:
    seconds = 0.0
    body_bytes = 0
    for start in range(0, len(base), batch_size):
        rows = base[start:start + batch_size]
        body = {"batch": {"ids": list(range(start, start + len(rows))),
                          "vectors": rows.tolist(),
                          "payloads": [{"row": start + i} for i in range(len(rows))]}}
        raw = json_request("PUT", f"/collections/{COLLECTION}/points?wait=true", body)
        began = time.perf_counter()
        status, reply = conn.send(raw)
        seconds += time.perf_counter() - began
        body_bytes += len(raw)
        if status != 200:
            raise SystemExit(f"upsert failed with {status}: {reply[:300]!r}")
    return {"points": len(base), "seconds": seconds, "points_per_s": len(base) / seconds,
            "request_mb_per_s": body_bytes / seconds / 1e6}


def wait_indexed(host: str, port: int, timeout_s: float) -> tuple[float, dict]:
    began = time.perf_counter()
    while True:
        status, info = Connection(host, port).call("GET", f"/collections/{COLLECTION}")
        result = info["result"]
        if (result.get("status") == "green"
                and result.get("indexed_vectors_count") == result.get("points_count")):
            return time.perf_counter() - began, result
        if time.perf_counter() - began > timeout_s:
            return float("nan"), result
        time.sleep(0.5)


def query_requests(queries: np.ndarray, params: dict | None) -> list[bytes]:
    requests = []
    for vector in queries:
        body = {"query": vector.tolist(), "limit": K}
        if params:
            body["params"] = params
        requests.append(json_request("POST", f"/collections/{COLLECTION}/points/query", body))
    return requests


def run_queries(host: str, port: int, requests: list[bytes]) -> tuple[list[float], list[bytes]]:
    """Sends each request once on one connection; returns per-request seconds and bodies."""
    conn = Connection(host, port)
    latencies, bodies = [], []
    for raw in requests:
        began = time.perf_counter()
        status, body = conn.send(raw)
        latencies.append(time.perf_counter() - began)
        if status != 200:
            raise RuntimeError(f"query failed with {status}: {body[:300]!r}")
        bodies.append(body)
    conn.close()
    return latencies, bodies


def _worker(args):
    host, port, requests = args
    began = time.perf_counter()
    latencies, bodies = run_queries(host, port, requests)
    return time.perf_counter() - began, latencies, bodies


def recall_at_k(bodies: list[bytes], truth: np.ndarray) -> float:
    found = 0
    for body, row in zip(bodies, truth):
        ids = {point["id"] for point in json.loads(body)["result"]["points"]}
        found += len(ids & set(int(x) for x in row[:K]))
    return found / (K * len(bodies))


def measure(host: str, port: int, label: str, requests: list[bytes], truth: np.ndarray,
            concurrency_levels: list[int], warmup: int) -> None:
    run_queries(host, port, requests[:warmup])
    for concurrency in concurrency_levels:
        shares = [requests[i::concurrency] for i in range(concurrency)]
        with multiprocessing.Pool(concurrency) as pool:
            began = time.perf_counter()
            results = pool.map(_worker, [(host, port, share) for share in shares])
            wall = time.perf_counter() - began
        latencies = [x for _, lat, _ in results for x in lat]
        # Re-interleave bodies to the original query order for recall.
        bodies = [None] * len(requests)
        for worker, (_, _, share_bodies) in enumerate(results):
            bodies[worker::concurrency] = share_bodies
        busy = max(seconds for seconds, _, _ in results)
        print(f"search {label:<22} concurrency={concurrency} queries={len(requests)} "
              f"qps={len(requests) / busy:8.1f} p50_ms={percentile(latencies, 0.50) * 1e3:7.3f} "
              f"p99_ms={percentile(latencies, 0.99) * 1e3:7.3f} "
              f"mean_ms={statistics.fmean(latencies) * 1e3:7.3f} "
              f"recall@10={recall_at_k(bodies, truth):.4f} wall_s={wall:.2f}", flush=True)


def measure_wrk(host: str, port: int, label: str, requests: list[bytes], seconds: float) -> None:
    """QPS and latency of the same request bodies driven by wrk at 1 and 2 connections."""
    if not shutil.which("wrk"):
        print(f"wrk {label}: skipped (wrk not installed: apt-get install wrk)", flush=True)
        return
    script = Path(__file__).resolve().parent / "wrk_queries.lua"
    path = f"/collections/{COLLECTION}/points/query"
    with tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False) as bodies:
        for raw in requests:
            bodies.write(raw.split(b"\r\n\r\n", 1)[1].decode() + "\n")
    for connections in (1, 2):
        out = subprocess.run(
            ["wrk", "-t", str(connections), "-c", str(connections), "-d", f"{max(1, round(seconds))}s",
             "--latency", "-s", str(script), f"http://{host}:{port}", "--", bodies.name, path],
            capture_output=True, text=True, check=True).stdout
        qps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
        p50 = re.search(r"50%\s+([\d.]+\w+)", out).group(1)
        p99 = re.search(r"99%\s+([\d.]+\w+)", out).group(1)
        errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
        print(f"wrk {label:<25} connections={connections} qps={qps:8.1f} p50={p50} p99={p99} "
              f"non2xx={errors.group(1) if errors else 0}", flush=True)
    Path(bodies.name).unlink()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", required=True, help="folder with base.fvecs query.fvecs gt.ivecs")
    parser.add_argument("--binary", default="build-rel/sextant")
    parser.add_argument("--url", help="use this running server instead of launching one")
    parser.add_argument("--n", type=int, default=0,
                        help="use only the first N base vectors (ground truth recomputed exactly)")
    parser.add_argument("--queries", type=int, default=0, help="use only the first Q queries")
    parser.add_argument("--batch", type=int, default=500, help="points per upsert request")
    parser.add_argument("--m", type=int, default=16)
    parser.add_argument("--ef-construct", type=int, default=100)
    parser.add_argument("--ef", default="64,128", help="extra hnsw_ef values to measure")
    parser.add_argument("--exact-queries", type=int, default=300)
    parser.add_argument("--index-timeout", type=float, default=1800)
    parser.add_argument("--quantization", choices=["none", "int8"], default="none")
    parser.add_argument("--oversampling", type=float, default=2.0,
                        help="params.quantization.oversampling with --quantization int8")
    parser.add_argument("--wrk", type=float, default=0,
                        help="also drive the HNSW query mixes with wrk for this many seconds")
    args = parser.parse_args()

    base = read_fvecs(f"{args.data}/base.fvecs")
    queries = read_fvecs(f"{args.data}/query.fvecs")
    truth = read_ivecs(f"{args.data}/gt.ivecs")
    if args.queries:
        queries, truth = queries[:args.queries], truth[:args.queries]
    if args.n and args.n < len(base):
        base = base[:args.n]
        scores = queries @ base.T  # vectors are L2-normalised: cosine = dot
        truth = np.argsort(-scores, axis=1)[:, :K].astype(np.int32)
    print(f"data: {len(base)} x {base.shape[1]} base, {len(queries)} queries", flush=True)

    server = None
    if args.url:
        url = urlparse(args.url)
        host, port = url.hostname, url.port or 6333
    else:
        from server_launch import launch
        server = launch(args.binary)
        host, port = "127.0.0.1", server.http_port
        print(f"server: {args.binary} on port {port}, storage {server.root / 'storage'}")
    try:
        conn = Connection(host, port)
        conn.call("DELETE", f"/collections/{COLLECTION}")
        config = {"vectors": {"size": int(base.shape[1]), "distance": "Cosine"},
                  "hnsw_config": {"m": args.m, "ef_construct": args.ef_construct}}
        if args.quantization == "int8":
            config["quantization_config"] = {
                "scalar": {"type": "int8", "quantile": 0.99, "always_ram": True}}
        status, reply = conn.call("PUT", f"/collections/{COLLECTION}", config)
        if status != 200:
            raise SystemExit(f"create collection failed: {status} {reply}")

        figures = upload(conn, base, args.batch)
        print(f"upload: {figures['points']} points in {figures['seconds']:.1f} s = "
              f"{figures['points_per_s']:.0f} points/s ({figures['request_mb_per_s']:.1f} MB/s of "
              f"JSON), batch={args.batch}, wait=true, reopened={conn.reopened}", flush=True)

        # Exact search before the index exists reads vectors only.
        exact = query_requests(queries[:args.exact_queries], {"exact": True})
        measure(host, port, "exact", exact, truth[:args.exact_queries], [1, 2], warmup=20)

        conn.close()
        seconds, info = wait_indexed(host, port, args.index_timeout)
        print(f"indexing: green with indexed_vectors_count={info.get('indexed_vectors_count')} "
              f"points_count={info.get('points_count')} after {seconds:.1f} s more", flush=True)
        if server is not None:
            collections = server.root / "storage" / "collections"
            from server_launch import collection_dir_bytes
            disk = collection_dir_bytes(collections)
            print(f"disk: {disk / 1e6:.1f} MB under {collections} = "
                  f"{disk / len(base):.0f} bytes/point (raw float32 vector {4 * base.shape[1]} B)",
                  flush=True)

        search_params = {}
        if args.quantization == "int8":
            search_params["quantization"] = {"rescore": True, "oversampling": args.oversampling}
        mixes = [("default(hnsw)", dict(search_params) or None)]
        for ef in [int(x) for x in args.ef.split(",") if x]:
            mixes.append((f"hnsw_ef={ef}", {**search_params, "hnsw_ef": ef}))
        for label, params in mixes:
            measure(host, port, label, query_requests(queries, params), truth, [1, 2], warmup=200)
            if args.wrk:
                measure_wrk(host, port, label, query_requests(queries, params), args.wrk)
        measure(host, port, "exact(indexed)", exact, truth[:args.exact_queries], [1, 2],
                warmup=20)
    finally:
        if server is not None:
            server.cleanup()


if __name__ == "__main__":
    main()
