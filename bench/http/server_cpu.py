"""Server CPU time per search request over HTTP vs the in-process HNSW walk per query.

What it measures (and prints; no pass/fail), for each server given (Sextant launched from
--binary, and optionally a running peer such as Qdrant 1.19 by --peer-url/--peer-pid):
1. upload: base.fvecs into a fresh Cosine collection (M/ef_construct as given), batches of
   --batch with wait=true, points/s; then waits until the collection is green and fully indexed;
2. for each route of --routes (points/query with `query`, the legacy points/search with
   `vector`), a `wrk` run of --seconds at --connections connections POSTing a plain vector
   (limit 10, the default ef unless --ef), and the server's CPU time (utime + stime from
   /proc/PID/stat) over the run divided by the requests wrk completed: CPU microseconds per
   request, next to wrk's QPS and p50, and the recall@10 of one pass over the queries;
3. the in-process walk: `sextant-ann` at the same ef, for each quantization of --walks (int8: the
   walk on int8 codes with the best 2k rescored on float32; default: the same int8 walk doing the
   work a default collection's walk does in the server, its beam widened by ef / 8 and the whole
   beam rescored on float32 (storage/vector_index_search.cpp); none: the float32 walk), one
   thread, CPU microseconds per query (the CPU time of one more sweep over the queries, so
   loading and the machine's other load do not count);
4. the ratio server CPU per request / in-process walk per query, per route and walk.
The server's CPU is split into user and kernel time (utime/stime). With --baseline-binary a second
Sextant build (e.g. the commit before a change) is launched and measured alike in the same run.
Every figure is printed with the 1-minute load average beside it (the machine is shared).

Usage:
  .venv/bin/python bench/http/server_cpu.py --data /tmp/ann-100k --binary build/sextant \
      --ann build/bench/sextant-ann [--peer-url http://127.0.0.1:PORT --peer-pid PID]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlparse

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from dataset import read_fvecs, read_ivecs  # noqa: E402
from http_bench import COLLECTION, K, upload, wait_indexed  # noqa: E402
from wire import Connection  # noqa: E402

CLOCK_TICKS_PER_S = os.sysconf("SC_CLK_TCK")


def load_average() -> str:
    return Path("/proc/loadavg").read_text().split()[0]


def cpu_split_seconds(pid: int) -> tuple[float, float]:
    """(utime, stime) of a process (all its threads), in seconds."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return int(fields[11]) / CLOCK_TICKS_PER_S, int(fields[12]) / CLOCK_TICKS_PER_S


def cpu_seconds(pid: int) -> float:
    """utime + stime of a process (all its threads), in seconds."""
    return sum(cpu_split_seconds(pid))


# The in-process walks of --walks: (sextant-ann --quantization, how the beam and rescoring follow
# from ef). "default" is the walk a collection without a quantization config takes in the server:
# int8 codes, the beam widened by ef / 8 (kInternalBeamWidening), every candidate of the beam
# rescored on float32.
INTERNAL_BEAM_WIDENING = 8


def walk_setup(walk: str, ef: int) -> tuple[str, int, list[str]]:
    """(sextant-ann --quantization, the --ef to sweep, further options) of a walk at `ef`."""
    if walk == "default":
        beam = ef + max(1, ef // INTERNAL_BEAM_WIDENING)
        return "int8", beam, ["--oversampling", f"{beam / K:.6f}"]
    return walk, ef, []


# The body key of the plain query vector, per route.
ROUTE_VECTOR_KEYS = {"query": "query", "search": "vector"}


def query_bodies(queries: np.ndarray, ef: int | None, route: str = "query") -> list[str]:
    bodies = []
    for vector in queries:
        body = {ROUTE_VECTOR_KEYS[route]: vector.tolist(), "limit": K}
        if ef is not None:
            body["params"] = {"hnsw_ef": ef}
        bodies.append(json.dumps(body, separators=(",", ":")))
    return bodies


def recall(host: str, port: int, bodies: list[str], truth: np.ndarray,
           route: str = "query") -> float:
    conn = Connection(host, port)
    found = 0
    for body, row in zip(bodies, truth):
        status, reply = conn.call("POST", f"/collections/{COLLECTION}/points/{route}",
                                  json.loads(body))
        if status != 200:
            raise SystemExit(f"{route} failed with {status}: {str(reply)[:300]}")
        points = reply["result"]["points"] if route == "query" else reply["result"]
        ids = {point["id"] for point in points}
        found += len(ids & set(int(x) for x in row[:K]))
    conn.close()
    return found / (K * len(bodies))


def wrk_cpu(label: str, host: str, port: int, pid: int, bodies: list[str], seconds: float,
            connections: int, route: str = "query") -> tuple[float, float]:
    """The server's CPU microseconds per request over a wrk run, and wrk's QPS."""
    script = Path(__file__).resolve().parent / "wrk_queries.lua"
    path = f"/collections/{COLLECTION}/points/{route}"
    with tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False) as lines:
        lines.write("\n".join(bodies) + "\n")
    try:
        user_before, system_before = cpu_split_seconds(pid)
        out = subprocess.run(
            ["wrk", "-t", str(connections), "-c", str(connections), "-d", f"{round(seconds)}s",
             "--latency", "-s", str(script), f"http://{host}:{port}", "--", lines.name, path],
            capture_output=True, text=True, check=True).stdout
        user_after, system_after = cpu_split_seconds(pid)
        user, system = user_after - user_before, system_after - system_before
        cpu = user + system
    finally:
        Path(lines.name).unlink()
    requests = int(re.search(r"(\d+) requests in", out).group(1))
    qps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p50 = re.search(r"50%\s+([\d.]+\w+)", out).group(1)
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    print(f"wrk {label}: connections={connections} requests={requests} qps={qps:.1f} p50={p50} "
          f"non2xx={errors.group(1) if errors else 0} server_cpu_s={cpu:.2f} "
          f"cpu_us_per_request={cpu / requests * 1e6:.1f} "
          f"(utime {user / requests * 1e6:.1f} + stime {system / requests * 1e6:.1f}) "
          f"loadavg={load_average()}", flush=True)
    return cpu / requests * 1e6, qps


def prepare(label: str, host: str, port: int, base: np.ndarray, args) -> None:
    conn = Connection(host, port)
    conn.call("DELETE", f"/collections/{COLLECTION}")
    config = {"vectors": {"size": int(base.shape[1]), "distance": "Cosine"},
              "hnsw_config": {"m": args.m, "ef_construct": args.ef_construct}}
    if args.quantization == "int8":
        config["quantization_config"] = {
            "scalar": {"type": "int8", "quantile": 0.99, "always_ram": True}}
    status, reply = conn.call("PUT", f"/collections/{COLLECTION}", config)
    if status != 200:
        raise SystemExit(f"{label}: create collection failed: {status} {reply}")
    figures = upload(conn, base, args.batch)
    conn.close()
    print(f"upload {label}: {figures['points']} points in {figures['seconds']:.1f} s = "
          f"{figures['points_per_s']:.0f} points/s, batch={args.batch}, wait=true, "
          f"loadavg={load_average()}", flush=True)
    seconds, _ = wait_indexed(host, port, args.index_timeout)
    print(f"indexing {label}: green and fully indexed {seconds:.1f} s after the upload",
          flush=True)


def run_ann(command: list[str]) -> tuple[float, list[dict]]:
    """Runs sextant-ann; returns its CPU seconds (user + system, all threads) and JSON lines."""
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                               text=True)
    out = process.stdout.read()
    _, status, usage = os.wait4(process.pid, 0)
    if status != 0:
        raise SystemExit(f"sextant-ann failed: {command}")
    lines = [json.loads(line) for line in out.splitlines() if line.startswith("{")]
    return usage.ru_utime + usage.ru_stime, lines


def in_process_walk_us(args, ef: int, query_count: int, walk: str = "") -> float:
    """CPU microseconds per query of the in-process walk: sextant-ann runs once with one sweep at
    `ef` and once with two; the second sweep's CPU time (its 200 warm-up queries and every query
    once) over its query count is the walk's, free of loading and of the machine's other load."""
    walk = walk or args.quantization
    quantization, beam, options = walk_setup(walk, ef)
    command = [args.ann, "--base", f"{args.data}/base.fvecs", "--query",
               f"{args.data}/query.fvecs", "--gt", f"{args.data}/gt.ivecs", "--m", str(args.m),
               "--efc", str(args.ef_construct), "--threads", "2", "--quantization", quantization
               ] + options
    # The one-sweep and two-sweep runs must walk the same graph, loaded rather than built (a
    # build's CPU time would swamp the difference): without --graph-cache, a scratch cache is
    # built by the first run and removed afterwards.
    scratch = None if args.graph_cache else tempfile.mkdtemp(prefix="server-cpu-graph-")
    cache = args.graph_cache or f"{scratch}/graph"
    command += ["--graph-cache", f"{cache}.{quantization}"]
    try:
        return measure_walk(command, beam, query_count, walk)
    finally:
        if scratch:
            shutil.rmtree(scratch, ignore_errors=True)


def measure_walk(command: list[str], ef: int, query_count: int, walk: str) -> float:
    """The CPU microseconds per query of the second sweep of `command` (see in_process_walk_us)."""
    run_ann(command + ["--ef", str(ef)])  # builds the graph cache when there is none yet
    one_cpu, _ = run_ann(command + ["--ef", str(ef)])
    two_cpu, lines = run_ann(command + ["--ef", f"{ef},{ef}"])
    walk_us = (two_cpu - one_cpu) / (200 + query_count) * 1e6
    line = lines[-1]
    print(f"in-process {line['engine']} ({walk} walk): beam={ef} qps={line['qps']:.1f} "
          f"p50_ms={line['p50_ms']:.3f} recall@10={line['recall']:.4f} "
          f"cpu_us_per_query={walk_us:.1f} loadavg={load_average()}", flush=True)
    return walk_us


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", required=True)
    parser.add_argument("--binary", default="build/sextant")
    parser.add_argument("--ann", default="build/bench/sextant-ann")
    parser.add_argument("--graph-cache", default="",
                        help="sextant-ann --graph-cache: reuse a one-shot graph between runs")
    parser.add_argument("--peer-url", help="a running peer (e.g. Qdrant 1.19) measured alike")
    parser.add_argument("--peer-pid", type=int, help="the peer's process id, for its CPU time")
    parser.add_argument("--peer-loaded", action="store_true",
                        help="the peer already holds the collection, uploaded by an earlier run "
                        "with the same --data and settings: not uploaded again")
    parser.add_argument("--m", type=int, default=16)
    parser.add_argument("--ef-construct", type=int, default=100)
    parser.add_argument("--ef", type=int, default=0,
                        help="hnsw_ef to send (0: none, the server's default = ef_construct)")
    parser.add_argument("--quantization", choices=["none", "int8"], default="none",
                        help="the collection's quantization config (none: a default collection)")
    parser.add_argument("--routes", default="query,search",
                        help="search routes to load: query (points/query), search (points/search)")
    parser.add_argument("--walks", default="",
                        help="in-process walks to compare with, e.g. default,int8,none (default: "
                        "--quantization's)")
    parser.add_argument("--baseline-binary",
                        help="another Sextant build measured alike in the same run (before/after)")
    parser.add_argument("--batch", type=int, default=256)
    parser.add_argument("--seconds", type=float, default=15)
    parser.add_argument("--connections", type=int, default=2)
    parser.add_argument("--index-timeout", type=float, default=1800)
    parser.add_argument("--skip-ann", action="store_true")
    parser.add_argument("--ann-only", action="store_true",
                        help="measure only the in-process walk (no server)")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is needed (apt-get install wrk)")

    base = read_fvecs(f"{args.data}/base.fvecs")
    queries = read_fvecs(f"{args.data}/query.fvecs")
    truth = read_ivecs(f"{args.data}/gt.ivecs")
    routes = args.routes.split(",")
    bodies = {route: query_bodies(queries, args.ef or None, route) for route in routes}
    walk_ef = args.ef or args.ef_construct
    print(f"data: {len(base)} x {base.shape[1]}, {len(queries)} queries, ef={walk_ef}, "
          f"quantization={args.quantization}", flush=True)

    walks = args.walks.split(",") if args.walks else [args.quantization]
    if args.ann_only:
        for walk in walks:
            in_process_walk_us(args, walk_ef, len(queries), walk)
        return
    servers = []
    from server_launch import launch
    sextant = launch(args.binary)
    servers.append(("sextant", "127.0.0.1", sextant.http_port, sextant.process.pid))
    baseline = None
    if args.baseline_binary:
        baseline = launch(args.baseline_binary)
        servers.append(("sextant-baseline", "127.0.0.1", baseline.http_port,
                        baseline.process.pid))
    if args.peer_url:
        url = urlparse(args.peer_url)
        servers.append(("peer", url.hostname, url.port, args.peer_pid))
    cpu_us, qps = {}, {}
    try:
        for label, host, port, pid in servers:
            if label == "peer" and args.peer_loaded:
                print("upload peer: skipped (--peer-loaded)", flush=True)
                continue
            prepare(label, host, port, base, args)
        for route in routes:
            for label, host, port, pid in servers:
                figure = recall(host, port, bodies[route], truth, route)
                print(f"recall {label} points/{route}: recall@10={figure:.4f}", flush=True)
                cpu_us[f"{label} points/{route}"], qps[f"{label} points/{route}"] = wrk_cpu(
                    f"{label} points/{route}", host, port, pid, bodies[route], args.seconds,
                    args.connections, route)
    finally:
        sextant.cleanup()
        if baseline:
            baseline.cleanup()
    if not args.skip_ann:
        for walk in walks:
            walk_us = in_process_walk_us(args, walk_ef, len(queries), walk)
            # Two threads walking at walk_us of CPU per query each: the in-process QPS the
            # machine's 2 cores give when nothing else runs on them.
            two_thread_qps = 2 * 1e6 / walk_us
            for label, value in cpu_us.items():
                print(f"ratio {label}: server cpu per request / in-process {walk} walk per "
                      f"query = {value / walk_us:.2f}; http qps {qps[label]:.0f} / in-process "
                      f"2-thread qps {two_thread_qps:.0f} = {qps[label] / two_thread_qps:.2f}",
                      flush=True)


if __name__ == "__main__":
    main()
