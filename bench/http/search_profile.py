"""Where a search request's server CPU goes: `perf record` of a server under `wrk`, per stage.

What it measures (and prints; no pass/fail): for each search route asked for (points/query with
`query`, legacy points/search with `vector`; limit 10, payload off, the default ef unless --ef),
a `wrk` run of --seconds at --connections connections against a Sextant server while
`perf record` samples every thread of the server process; the server's CPU time over the run
(utime + stime from /proc/PID/stat) divided by the requests wrk completed is the CPU per
request, and each sampled function's share of the samples (its own time, not its callees')
splits it into stages (STAGES below, first match wins): the HNSW walk and distance kernels,
LMDB reads, HTTP parsing (Beast), body parsing (simdjson, boost::json), result JSON writing,
malloc/free, the kernel's socket I/O, futex and epoll, the rest of the kernel, everything else.
Every figure is printed with the 1-minute load average beside it (the machine is shared).

Needs `perf` (linux-perf) and `wrk`; perf must be allowed to sample the server's process.

Usage (a server it starts and loads with base.fvecs, or one already loaded with --url/--pid):
  .venv/bin/python bench/http/search_profile.py --data /tmp/ann-100k --binary build/sextant
  .venv/bin/python bench/http/search_profile.py --data /tmp/ann-100k --url http://127.0.0.1:P \
      --pid PID
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from urllib.parse import urlparse

sys.path.insert(0, str(Path(__file__).resolve().parent))
from dataset import read_fvecs  # noqa: E402
from http_bench import COLLECTION, K, upload, wait_indexed  # noqa: E402
from server_cpu import cpu_seconds, load_average  # noqa: E402
from wire import Connection  # noqa: E402

# (stage, pattern over "dso symbol"); the first pattern that matches a sample's function names
# its stage. Kernel functions are marked "[k]" by perf.
STAGES = [
    ("walk (hnsw, distances)", r"sextant::index::|sextant::storage::.*(Search|search|Code|code|"
     r"Scor|scor|Distance|distance)|dot_|l2_|cosine|_avx|_sse|simd_"),
    ("lmdb read", r"\bmdb_|liblmdb"),
    ("futex", r"\[k\].*futex"),
    ("epoll", r"\[k\].*(epoll|ep_poll|ep_send|ep_item)"),
    ("socket i/o (kernel)", r"\[k\].*(tcp_|inet_|sock_|skb|__dev_|net_rx|netif_|ip_|__sys_send"
     r"|__sys_recv|loopback|process_backlog|__napi|__netif|_copy_to_iter|_copy_from_iter"
     r"|copy_user|sendmsg|recvmsg)"),
    ("kernel other", r"\[k\]"),
    ("malloc/free", r"malloc|_int_free|\bfree\b|cfree|operator new|operator delete|"
     r"tcache|arena_|sysmalloc|_int_realloc|realloc"),
    ("http parse (beast)", r"boost::beast::http::(detail::)?basic_parser|basic_parser|"
     r"beast::http::detail::(parse|find|basic_parsed)"),
    ("body parse (simdjson)", r"simdjson|api::ondemand::|plain_vector_body"),
    ("body parse (boost::json)", r"boost::json::(basic_parser|detail::(parse|handler)|parse|"
     r"parser|value_stack|stream_parser)|parse_(search|query|nearest|legacy|filter|params)"),
    ("result json", r"boost::json::(serializer|detail::(write|format|ryu|dtoa|serialize))|"
     r"append_json|to_json_text|point_json|float_json|to_chars|ryu|__d2s|json::object|"
     r"json::array|json::value|ok_response"),
    ("http write/asio/beast", r"boost::asio|boost::beast"),
]
OTHER = "other"


def perf_report(data_file: str) -> list[tuple[float, str]]:
    """(percent, "dso [k|.] symbol") per function, from perf report's flat self-time listing."""
    out = subprocess.run(
        ["perf", "report", "-i", data_file, "--stdio", "--no-children", "-g", "none",
         "--sort", "dso,sym", "--percent-limit", "0"],
        capture_output=True, text=True, check=True).stdout
    rows = []
    for line in out.splitlines():
        match = re.match(r"\s*([\d.]+)%\s+(\S+)\s+(\[[k.]\])\s+(.*)", line)
        if match:
            rows.append((float(match.group(1)),
                         f"{match.group(2)} {match.group(3)} {match.group(4).strip()}"))
    return rows


def stage_of(function: str) -> str:
    for stage, pattern in STAGES:
        if re.search(pattern, function):
            return stage
    return OTHER


def profile_route(label: str, host: str, port: int, pid: int, path: str, bodies: list[str],
                  args) -> None:
    script = Path(__file__).resolve().parent / "wrk_queries.lua"
    with tempfile.TemporaryDirectory() as scratch:
        lines = Path(scratch) / "bodies.jsonl"
        lines.write_text("\n".join(bodies) + "\n")
        data_file = str(Path(scratch) / "perf.data")
        perf = subprocess.Popen(
            ["perf", "record", "-q", "-F", str(args.frequency), "-p", str(pid), "-o", data_file,
             "--", "sleep", str(round(args.seconds) + 1)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        cpu_before = cpu_seconds(pid)
        out = subprocess.run(
            ["wrk", "-t", str(args.connections), "-c", str(args.connections), "-d",
             f"{round(args.seconds)}s", "--latency", "-s", str(script), f"http://{host}:{port}",
             "--", str(lines), path], capture_output=True, text=True, check=True).stdout
        cpu = cpu_seconds(pid) - cpu_before
        perf.wait()
        rows = perf_report(data_file)
    requests = int(re.search(r"(\d+) requests in", out).group(1))
    qps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    per_request = cpu / requests * 1e6
    print(f"route {label}: requests={requests} qps={qps:.1f} "
          f"non2xx={errors.group(1) if errors else 0} cpu_us_per_request={per_request:.1f} "
          f"loadavg={load_average()}", flush=True)
    stages: dict[str, float] = {}
    top: dict[str, list[tuple[float, str]]] = {}
    for percent, function in rows:
        stage = stage_of(function)
        stages[stage] = stages.get(stage, 0.0) + percent
        top.setdefault(stage, []).append((percent, function))
    total = sum(stages.values()) or 1.0
    for stage, percent in sorted(stages.items(), key=lambda item: -item[1]):
        share = percent / total
        print(f"  {stage:28s} {share * 100:5.1f}%  {share * per_request:7.1f} us/request",
              flush=True)
        if args.top:
            for p, function in sorted(top[stage], reverse=True)[:args.top]:
                print(f"      {p / total * 100:5.2f}%  {function[:150]}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", required=True)
    parser.add_argument("--binary", default="build/sextant")
    parser.add_argument("--url", help="an already loaded server (skips the upload)")
    parser.add_argument("--pid", type=int, help="that server's process id")
    parser.add_argument("--routes", default="query,search")
    parser.add_argument("--ef", type=int, default=0)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--connections", type=int, default=2)
    parser.add_argument("--frequency", type=int, default=2999)
    parser.add_argument("--top", type=int, default=0, help="also list each stage's N top functions")
    parser.add_argument("--m", type=int, default=16)
    parser.add_argument("--ef-construct", type=int, default=100)
    parser.add_argument("--batch", type=int, default=256)
    args = parser.parse_args()
    for tool in ("perf", "wrk"):
        if not shutil.which(tool):
            raise SystemExit(f"{tool} is needed")

    queries = read_fvecs(f"{args.data}/query.fvecs")
    server = None
    if args.url:
        url = urlparse(args.url)
        host, port, pid = url.hostname, url.port, args.pid
    else:
        from server_launch import launch
        server = launch(args.binary)
        host, port, pid = "127.0.0.1", server.http_port, server.process.pid
    try:
        if server:
            base = read_fvecs(f"{args.data}/base.fvecs")
            conn = Connection(host, port)
            conn.call("PUT", f"/collections/{COLLECTION}",
                      {"vectors": {"size": int(base.shape[1]), "distance": "Cosine"},
                       "hnsw_config": {"m": args.m, "ef_construct": args.ef_construct}})
            upload(conn, base, args.batch)
            conn.close()
            wait_indexed(host, port, 1800)
        print(f"data: {len(queries)} queries x {queries.shape[1]}, ef="
              f"{args.ef or 'default'}, connections={args.connections}", flush=True)
        for route in args.routes.split(","):
            key = {"query": "query", "search": "vector"}[route]
            bodies = []
            for vector in queries:
                body = {key: vector.tolist(), "limit": K}
                if args.ef:
                    body["params"] = {"hnsw_ef": args.ef}
                bodies.append(json.dumps(body, separators=(",", ":")))
            profile_route(f"points/{route}", host, port, pid,
                          f"/collections/{COLLECTION}/points/{route}", bodies, args)
    finally:
        if server:
            server.cleanup()


if __name__ == "__main__":
    main()
