"""Upload points/s with wait=true, Sextant against a peer (Qdrant 1.19) in the same run.

What it measures (and prints; no pass/fail): for each batch size given, each server uploads
base.fvecs into a fresh Cosine collection (M / ef_construct as given) through
`PUT /collections/{c}/points?wait=true` with `{"batch": {"ids", "vectors", "payloads"}}` bodies
on one keep-alive connection (http_bench.upload: bodies are serialised before the clock starts),
then the seconds until GET collection reports status green and indexed_vectors_count ==
points_count (time to fully indexed, counted from the last acknowledged batch).
The servers alternate (run 1 Sextant first, run 2 the peer first, ...), each on a fresh storage
directory; every line carries the 1-minute load average (the machine is shared). At the end:
medians per server and batch size, and the ratio Sextant / peer.

Usage:
  .venv/bin/python bench/http/upload_bench.py --data /tmp/ann-100k --binary build/sextant \
      --peer-binary /path/to/qdrant [--batches 256,500 --runs 2]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from dataset import read_fvecs  # noqa: E402
from http_bench import COLLECTION, upload, wait_indexed  # noqa: E402
from server_launch import launch  # noqa: E402
from wire import Connection  # noqa: E402


def load_average() -> str:
    return Path("/proc/loadavg").read_text().split()[0]


def start_server(name: str, binary: str):
    """Sextant through the suite's launcher; the peer likewise, run from its storage directory
    (so it reads its own defaults, not this repository's config/)."""
    if name == "sextant":
        return launch(binary)
    previous = os.environ.get("COMPAT_SERVER_CWD")
    server = None
    try:
        from support.server_process import ServerProcess  # on sys.path through server_launch

        os.environ["COMPAT_SERVER_BIN"] = str(Path(binary).resolve())
        server = ServerProcess()
        os.environ["COMPAT_SERVER_CWD"] = str(server.root)
        return server.start()
    finally:
        if previous is None:
            os.environ.pop("COMPAT_SERVER_CWD", None)
        else:
            os.environ["COMPAT_SERVER_CWD"] = previous


def one_run(name: str, binary: str, base, batch: int, m: int, ef_construct: int,
            index_timeout_s: float) -> dict:
    server = start_server(name, binary)
    try:
        conn = Connection("127.0.0.1", server.http_port)
        config = {"vectors": {"size": int(base.shape[1]), "distance": "Cosine"},
                  "hnsw_config": {"m": m, "ef_construct": ef_construct}}
        status, reply = conn.call("PUT", f"/collections/{COLLECTION}", config)
        if status != 200:
            raise SystemExit(f"{name}: create collection failed: {status} {reply}")
        load_before = load_average()
        figures = upload(conn, base, batch)
        conn.close()
        indexed_s, info = wait_indexed("127.0.0.1", server.http_port, index_timeout_s)
        figures.update(name=name, batch=batch, indexed_s=indexed_s, load_before=load_before,
                       load_after=load_average(),
                       points_count=info.get("points_count"),
                       indexed_vectors_count=info.get("indexed_vectors_count"))
        print(f"{name:<8} batch={batch:<4} points={figures['points']} "
              f"upload_s={figures['seconds']:6.2f} points/s={figures['points_per_s']:7.0f} "
              f"to_fully_indexed_s={indexed_s:6.2f} "
              f"(points_count={figures['points_count']} "
              f"indexed_vectors_count={figures['indexed_vectors_count']}) "
              f"load1={load_before}->{figures['load_after']}", flush=True)
        return figures
    finally:
        server.cleanup()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", required=True, help="folder with base.fvecs")
    parser.add_argument("--binary", default="build/sextant")
    parser.add_argument("--peer-binary", help="a Qdrant binary; without it Sextant runs alone")
    parser.add_argument("--n", type=int, default=0, help="use only the first N base vectors")
    parser.add_argument("--batches", default="256,500", help="points per upsert request")
    parser.add_argument("--runs", type=int, default=2, help="runs per server and batch size")
    parser.add_argument("--m", type=int, default=16)
    parser.add_argument("--ef-construct", type=int, default=100)
    parser.add_argument("--index-timeout", type=float, default=900)
    args = parser.parse_args()

    base = read_fvecs(f"{args.data}/base.fvecs")
    if args.n:
        base = base[:args.n]
    servers = [("sextant", args.binary)]
    if args.peer_binary:
        servers.append(("qdrant", args.peer_binary))
        version = subprocess.run([args.peer_binary, "--version"], capture_output=True,
                                 text=True).stdout.strip()
        print(f"peer: {args.peer_binary} ({version})")
    print(f"data: {len(base)} x {base.shape[1]} Cosine, M={args.m} "
          f"ef_construct={args.ef_construct}, wait=true, cores={os.cpu_count()}, "
          f"load1={load_average()}", flush=True)

    results: dict[tuple[str, int], list[dict]] = {}
    batches = [int(x) for x in args.batches.split(",") if x]
    for run in range(args.runs):
        order = servers if run % 2 == 0 else list(reversed(servers))
        for batch in batches:
            for name, binary in order:
                figures = one_run(name, binary, base, batch, args.m, args.ef_construct,
                                  args.index_timeout)
                results.setdefault((name, batch), []).append(figures)

    print(f"medians over {args.runs} runs (load1 now {load_average()}):")
    for batch in batches:
        medians = {}
        for name, _ in servers:
            runs = results[(name, batch)]
            medians[name] = (statistics.median(r["points_per_s"] for r in runs),
                             statistics.median(r["indexed_s"] for r in runs))
            print(f"  {name:<8} batch={batch:<4} points/s={medians[name][0]:7.0f} "
                  f"to_fully_indexed_s={medians[name][1]:6.2f}", flush=True)
        if "qdrant" in medians:
            s, q = medians["sextant"], medians["qdrant"]
            print(f"  ratio    batch={batch:<4} points/s sextant/qdrant={s[0] / q[0]:.2f}x "
                  f"to_fully_indexed qdrant/sextant={q[1] / max(s[1], 1e-3):.1f}x", flush=True)


if __name__ == "__main__":
    main()
