"""Sextant against a real Qdrant through HTTP on one ANN data set: the side-by-side table.

What it measures (and prints; no pass/fail). Each server (a given Sextant binary and a given
Qdrant binary, never built or downloaded here) runs alone, one after the other in the order of
--order, each on a fresh storage directory and free ports on 127.0.0.1, and gets the same work:
1. a default collection (Cosine, hnsw_config m / ef_construct, no quantization config: what a user
   creates) and the upload of base.fvecs in batches of --batch points with wait=true (payload
   {"row": i} per point); points/s counts only the time requests spend on the wire and in the
   server: the request bodies are serialised once, before any server starts, into a cache file
   that every server and every later run reads;
2. seconds until GET collection shows status green and indexed_vectors_count == points_count,
   after the last upsert returned; "to fully indexed" adds the upload's seconds;
3. RSS (VmRSS of the server process, and its anonymous part RssAnon: the rest is pages of mapped
   files, which the kernel may drop and read again) after indexing and after the search sweep; disk (allocated
   blocks under the storage directory, as du counts them) after indexing;
4. exact search (params.exact=true) p50 over --exact-queries queries on one connection;
5. for each hnsw_ef of --ef: recall@10 against gt.ivecs from one pass over the queries (Python,
   one connection), then QPS at concurrency 2 from `wrk` (a C client, 2 threads, 2 connections,
   cycling the same bodies, --seconds per ef); QPS is interpolated at recall 0.90 and 0.95 over
   the sweep (bench/ab/ab_compare.py's qps_at_recall) and the table says when a server never
   reaches the recall;
6. once per server at the lowest ef, the Python driver's own concurrency-2 QPS next to wrk's, so
   the header can say whether the Python client would have been the bottleneck.
Every figure is printed with the 1-minute load average beside it (the machine may be shared);
the table gives Sextant/Qdrant ratios. Run it twice with the order swapped and compare.

Usage:
  .venv/bin/python bench/http/versus_qdrant.py --data /tmp/ann-100k --sextant build/sextant \
      --qdrant /tmp/qd/qdrant/target/release/qdrant [--order qdrant,sextant]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import multiprocessing
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
REPO_ROOT = HERE.parents[1]
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "ab"))
sys.path.insert(0, str(REPO_ROOT / "compat-tests"))
from ab_compare import qps_at_recall  # noqa: E402
from dataset import read_fvecs, read_ivecs  # noqa: E402
from http_bench import COLLECTION, K, percentile, recall_at_k, run_queries  # noqa: E402
from http_bench import query_requests, wait_indexed, _worker  # noqa: E402
from server_launch import collection_dir_bytes  # noqa: E402
from support.server_process import ServerProcess  # noqa: E402
from wire import Connection, build_request  # noqa: E402

TARGETS = (0.90, 0.95)


def load_average() -> float:
    return float(Path("/proc/loadavg").read_text().split()[0])


def status_mb(pid: int, field: str) -> float:
    """A memory line of /proc/PID/status ("VmRSS", "RssAnon", ...) in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return float("nan")


def vm_rss_mb(pid: int) -> float:
    return status_mb(pid, "VmRSS")


# ---------------------------------------------------------------------------- upload bodies


def _batch_body(job: tuple[str, int, int]) -> str:
    path, start, end = job
    rows = _BASE[start:end]
    return json.dumps({"batch": {"ids": list(range(start, end)), "vectors": rows.tolist(),
                                 "payloads": [{"row": i} for i in range(start, end)]}},
                      separators=(",", ":"))


_BASE = None


def _init_worker(path: str) -> None:
    global _BASE
    _BASE = read_fvecs(path)


def upload_bodies(base_path: str, n: int, batch: int, cache_dir: Path) -> Path:
    """The upsert bodies, one JSON document a line, serialised once into a cache file."""
    stat = os.stat(base_path)
    key = hashlib.sha1(f"{os.path.abspath(base_path)}|{stat.st_size}|{stat.st_mtime}|{n}|{batch}"
                       .encode()).hexdigest()[:12]
    target = cache_dir / f"versus-qdrant-upload-{key}.jsonl"
    if target.exists():
        return target
    began = time.perf_counter()
    jobs = [(base_path, start, min(n, start + batch)) for start in range(0, n, batch)]
    partial = target.with_suffix(".partial")
    with multiprocessing.Pool(2, initializer=_init_worker, initargs=(base_path,)) as pool, \
            open(partial, "w") as out:
        for body in pool.imap(_batch_body, jobs, chunksize=8):
            out.write(body + "\n")
    partial.rename(target)
    print(f"# serialised {len(jobs)} upsert bodies into {target} in "
          f"{time.perf_counter() - began:.0f} s (before any server started)", flush=True)
    return target


def upload(conn: Connection, bodies: Path, points: int) -> float:
    """Sends every cached body (`points` in all) with wait=true; returns seconds on the wire."""
    path = f"/collections/{COLLECTION}/points?wait=true"
    seconds = 0.0
    with open(bodies, "rb") as lines:
        for line in lines:
            raw = build_request("PUT", path, line.rstrip(b"\n"))
            began = time.perf_counter()
            status, reply = conn.send(raw)
            seconds += time.perf_counter() - began
            if status != 200:
                raise SystemExit(f"upsert failed with {status}: {reply[:300]!r}")
    return seconds


# ---------------------------------------------------------------------------- search


def wrk_qps(host: str, port: int, requests: list[bytes], seconds: float,
            connections: int) -> tuple[float, str, int]:
    """QPS, p50 and non-2xx count of wrk POSTing the bodies of `requests` in turn."""
    script = HERE / "wrk_queries.lua"
    with tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False) as lines:
        for raw in requests:
            lines.write(raw.split(b"\r\n\r\n", 1)[1].decode() + "\n")
    try:
        out = subprocess.run(
            ["wrk", "-t", str(connections), "-c", str(connections), "-d",
             f"{max(1, round(seconds))}s", "--latency", "-s", str(script),
             f"http://{host}:{port}", "--", lines.name, f"/collections/{COLLECTION}/points/query"],
            capture_output=True, text=True, check=True).stdout
    finally:
        Path(lines.name).unlink()
    qps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p50 = re.search(r"50%\s+([\d.]+\w+)", out).group(1)
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return qps, p50, int(errors.group(1)) if errors else 0


def python_qps(host: str, port: int, requests: list[bytes], concurrency: int) -> float:
    """QPS of the Python driver (one process per connection) over every request once."""
    shares = [requests[i::concurrency] for i in range(concurrency)]
    with multiprocessing.Pool(concurrency) as pool:
        results = pool.map(_worker, [(host, port, share) for share in shares])
    return len(requests) / max(seconds for seconds, _, _ in results)


# ---------------------------------------------------------------------------- one server


def commit_of(host: str, port: int) -> str:
    _, info = Connection(host, port).call("GET", "/")
    info = info or {}
    return f"{info.get('version', '?')} {str(info.get('commit', '?'))[:12]}"


def measure_server(name: str, binary: str, cwd: Path, args, bodies: Path, queries: np.ndarray,
                   truth: np.ndarray, dim: int) -> dict:
    os.environ["COMPAT_SERVER_BIN"] = str(Path(binary).resolve())
    os.environ["COMPAT_SERVER_CWD"] = str(cwd)
    server = ServerProcess(startup_timeout_s=120).start()
    host, port, pid = "127.0.0.1", server.http_port, server.process.pid
    out: dict = {"name": name}
    try:
        out["commit"] = commit_of(host, port)
        print(f"{name}: {binary} pid {pid} port {port} storage {server.root / 'storage'} "
              f"({out['commit']})", flush=True)
        conn = Connection(host, port)
        config = {"vectors": {"size": dim, "distance": "Cosine"},
                  "hnsw_config": {"m": args.m, "ef_construct": args.ef_construct}}
        status, reply = conn.call("PUT", f"/collections/{COLLECTION}", config)
        if status != 200:
            raise SystemExit(f"{name}: create collection failed: {status} {reply}")

        points = args.point_count
        seconds = upload(conn, bodies, points)
        conn.close()
        out["upload_pps"] = points / seconds
        out["upload_load"] = load_average()
        print(f"{name} upload: {points} points in {seconds:.1f} s = {out['upload_pps']:.0f} "
              f"points/s, batch={args.batch}, wait=true, loadavg={out['upload_load']}",
              flush=True)

        after, info = wait_indexed(host, port, args.index_timeout)
        out["indexed_after_s"], out["indexed_total_s"] = after, seconds + after
        out["indexed_load"] = load_average()
        print(f"{name} indexing: green, indexed_vectors_count={info.get('indexed_vectors_count')} "
              f"points_count={info.get('points_count')}, {after:.1f} s after the upload, "
              f"{seconds + after:.1f} s from its start, loadavg={out['indexed_load']}", flush=True)
        out["rss_loaded_mb"] = vm_rss_mb(pid)
        out["anon_loaded_mb"] = status_mb(pid, "RssAnon")
        out["disk_mb"] = collection_dir_bytes(server.root / "storage") / 1e6
        print(f"{name} memory: VmRSS {out['rss_loaded_mb']:.0f} MB (RssAnon "
              f"{out['anon_loaded_mb']:.0f} MB) after indexing; disk "
              f"{out['disk_mb']:.0f} MB under the storage directory, loadavg={load_average()}",
              flush=True)

        exact = query_requests(queries[:args.exact_queries], {"exact": True})
        run_queries(host, port, exact[:10])
        latencies, _ = run_queries(host, port, exact)
        out["exact_p50_ms"] = percentile(latencies, 0.5) * 1e3
        out["exact_load"] = load_average()
        print(f"{name} exact: p50 {out['exact_p50_ms']:.2f} ms p99 "
              f"{percentile(latencies, 0.99) * 1e3:.2f} ms over {len(exact)} queries, "
              f"concurrency 1, loadavg={out['exact_load']}", flush=True)

        sweep = []
        for ef in [int(x) for x in args.ef.split(",") if x]:
            requests = query_requests(queries, {"hnsw_ef": ef})
            run_queries(host, port, requests[:args.warmup])
            _, replies = run_queries(host, port, requests)
            recall = recall_at_k(replies, truth)
            qps, p50, non2xx = wrk_qps(host, port, requests, args.seconds, 2)
            load = load_average()
            sweep.append({"ef": ef, "recall": recall, "qps": qps, "p50": p50, "load": load})
            print(f"{name} search: hnsw_ef={ef} recall@10={recall:.4f} wrk concurrency=2 "
                  f"qps={qps:.1f} p50={p50} non2xx={non2xx} loadavg={load}", flush=True)
            if non2xx:
                raise SystemExit(f"{name}: {non2xx} failed searches at hnsw_ef={ef}")
            if ef == min(int(x) for x in args.ef.split(",") if x) and not args.skip_client_check:
                py = python_qps(host, port, requests, 2)
                out["client_check"] = (ef, qps, py)
                print(f"{name} client check: hnsw_ef={ef} concurrency=2 wrk {qps:.1f} QPS, "
                      f"Python driver {py:.1f} QPS ({py / qps:.2f} of wrk), loadavg="
                      f"{load_average()}", flush=True)
        out["sweep"] = sweep
        out["sweep_load"] = load_average()
        points_at = [(s["recall"], s["qps"]) for s in sweep]
        for target in TARGETS:
            out[f"qps@{target}"] = qps_at_recall(points_at, target)
        out["max_recall"] = max(sweep, key=lambda s: s["recall"]) if sweep else None
        out["rss_swept_mb"] = vm_rss_mb(pid)
        out["anon_swept_mb"] = status_mb(pid, "RssAnon")
        print(f"{name} memory: VmRSS {out['rss_swept_mb']:.0f} MB (RssAnon "
              f"{out['anon_swept_mb']:.0f} MB) after the sweep, "
              f"loadavg={load_average()}", flush=True)
    finally:
        server.cleanup()
    return out


# ---------------------------------------------------------------------------- table


def cell(value, digits: int = 1) -> str:
    if value is None:
        return "not reached"
    if value != value:
        return "timed out"
    return f"{value:,.{digits}f}"


def ratio(a, b) -> str:
    if a is None or b is None or not b or a != a or b != b:
        return "-"
    return f"{a / b:.2f}x"


def print_table(results: dict, args, base_shape, client_note: str) -> None:
    s, q = results["sextant"], results["qdrant"]
    print()
    print(f"## Sextant vs Qdrant through HTTP, {base_shape[0]:,} x {base_shape[1]} Cosine, "
          f"M {args.m}, ef_construct {args.ef_construct}, default collection "
          f"({time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())})")
    print()
    print(f"Sextant {s['commit']} ({args.sextant}); Qdrant {q['commit']} ({args.qdrant}); "
          f"order {args.order}; upload batches of {args.batch} with wait=true; search QPS from "
          f"wrk (C client) at 2 connections, {args.seconds:.0f} s per hnsw_ef, recall@10 over "
          f"{args.query_count} queries; {client_note}; {os.cpu_count()} cores.")
    print()
    print("| figure | Sextant | Qdrant | Sextant/Qdrant | load avg (S / Q) |")
    print("|---|---:|---:|---:|---:|")

    loads = lambda a, b: f"{a:.2f} / {b:.2f}"  # noqa: E731
    table = [
        ("upload points/s (wait=true)", "upload_pps", 0, loads(s["upload_load"], q["upload_load"])),
        ("s to fully indexed after the upload", "indexed_after_s", 1,
         loads(s["indexed_load"], q["indexed_load"])),
        ("s to fully indexed from the upload's start", "indexed_total_s", 1,
         loads(s["indexed_load"], q["indexed_load"])),
        ("RSS after load (MB)", "rss_loaded_mb", 0, loads(s["indexed_load"], q["indexed_load"])),
        ("RSS after the sweep (MB)", "rss_swept_mb", 0, loads(s["sweep_load"], q["sweep_load"])),
        ("RssAnon after load (MB)", "anon_loaded_mb", 0, loads(s["indexed_load"], q["indexed_load"])),
        ("RssAnon after the sweep (MB)", "anon_swept_mb", 0, loads(s["sweep_load"], q["sweep_load"])),
        ("disk (MB)", "disk_mb", 0, loads(s["indexed_load"], q["indexed_load"])),
        ("exact search p50 (ms)", "exact_p50_ms", 2, loads(s["exact_load"], q["exact_load"])),
    ] + [(f"search QPS c=2 at recall {t:.2f}", f"qps@{t}", 0,
          loads(s["sweep_load"], q["sweep_load"])) for t in TARGETS]
    for label, key, digits, load in table:
        print(f"| {label} | {cell(s.get(key), digits)} | {cell(q.get(key), digits)} | "
              f"{ratio(s.get(key), q.get(key))} | {load} |")
    for t in TARGETS:
        for r in (s, q):
            if r.get(f"qps@{t}") is None and r["max_recall"]:
                best = r["max_recall"]
                print(f"\n{r['name']} does not reach recall {t:.2f}: best {best['recall']:.4f} "
                      f"at hnsw_ef {best['ef']}.")
            elif r["sweep"] and r["sweep"][0]["recall"] >= t:
                print(f"\n{r['name']} is above recall {t:.2f} already at the lowest hnsw_ef "
                      f"({r['sweep'][0]['ef']}: {r['sweep'][0]['recall']:.4f}); its QPS there is "
                      f"given.")
    print()
    print("| hnsw_ef | Sextant recall@10 | Sextant QPS | Qdrant recall@10 | Qdrant QPS | "
          "QPS S/Q | load avg (S / Q) |")
    print("|---:|---:|---:|---:|---:|---:|---:|")
    for a, b in zip(s["sweep"], q["sweep"]):
        print(f"| {a['ef']} | {a['recall']:.4f} | {a['qps']:,.0f} | {b['recall']:.4f} | "
              f"{b['qps']:,.0f} | {a['qps'] / b['qps']:.2f}x | {a['load']:.2f} / "
              f"{b['load']:.2f} |")
    print(flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", required=True, help="folder with base.fvecs query.fvecs gt.ivecs")
    parser.add_argument("--sextant", required=True, help="the Sextant server binary")
    parser.add_argument("--qdrant", required=True, help="a Qdrant 1.19 server binary")
    parser.add_argument("--sextant-cwd", default=str(REPO_ROOT),
                        help="working directory of Sextant (it reads config/ from there)")
    parser.add_argument("--order", default="sextant,qdrant",
                        choices=["sextant,qdrant", "qdrant,sextant"])
    parser.add_argument("--batch", type=int, default=256)
    parser.add_argument("--m", type=int, default=16)
    parser.add_argument("--ef-construct", type=int, default=100)
    parser.add_argument("--ef", default="16,24,32,48,64,96,128,192,256,384,512")
    parser.add_argument("--queries", type=int, default=0, help="use only the first Q queries")
    parser.add_argument("--exact-queries", type=int, default=200)
    parser.add_argument("--warmup", type=int, default=100)
    parser.add_argument("--seconds", type=float, default=5, help="wrk seconds per hnsw_ef")
    parser.add_argument("--index-timeout", type=float, default=3600)
    parser.add_argument("--cache-dir", default=tempfile.gettempdir(),
                        help="where the serialised upsert bodies are kept between runs")
    parser.add_argument("--skip-client-check", action="store_true")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is needed (apt-get install wrk)")

    base_path = f"{args.data}/base.fvecs"
    base = read_fvecs(base_path)
    base_shape = base.shape
    del base
    queries = read_fvecs(f"{args.data}/query.fvecs")
    truth = read_ivecs(f"{args.data}/gt.ivecs")
    if args.queries:
        queries, truth = queries[:args.queries], truth[:args.queries]
    args.query_count, args.point_count = len(queries), int(base_shape[0])
    print(f"# data: {base_shape[0]} x {base_shape[1]} base, {len(queries)} queries; "
          f"loadavg={load_average()}", flush=True)
    bodies = upload_bodies(base_path, base_shape[0], args.batch, Path(args.cache_dir))

    results = {}
    qdrant_cwd = Path(tempfile.mkdtemp(prefix="versus-qdrant-cwd-"))
    try:
        for name in args.order.split(","):
            binary, cwd = ((args.sextant, Path(args.sextant_cwd)) if name == "sextant"
                           else (args.qdrant, qdrant_cwd))
            results[name] = measure_server(name, binary, cwd, args, bodies, queries, truth,
                                           int(base_shape[1]))
    finally:
        shutil.rmtree(qdrant_cwd, ignore_errors=True)

    notes = []
    for name in ("sextant", "qdrant"):
        check = results[name].get("client_check")
        if check:
            ef, wrk, py = check
            bound = "Python would be client-bound" if py < 0.9 * wrk else "Python not client-bound"
            notes.append(f"{name} at hnsw_ef {ef}: Python driver {py:,.0f} vs wrk {wrk:,.0f} QPS "
                         f"({bound})")
    print_table(results, args, base_shape,
                "client check " + "; ".join(notes) if notes else "no client check")


if __name__ == "__main__":
    main()
