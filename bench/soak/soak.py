"""Soak: minutes of mixed upsert / search / scroll / delete from two clients, RSS sampled.

Two client processes share one collection (each owns its own id range): every step picks an
operation at random (upsert a batch with wait=true, query by vector, query with a payload filter,
scroll a page, delete a few of its points by id or by filter). The driver samples the server's
VmRSS every --sample-s seconds and prints the series, the operation counts, and every non-2xx
answer or broken connection as an error. The index threshold is set low, so the HNSW index keeps
growing and repairing while the load runs.

  .venv/bin/python bench/soak/soak.py --binary build-rel/sextant --minutes 10
"""

from __future__ import annotations

import argparse
import multiprocessing
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "http"))
from server_launch import launch  # noqa: E402
from wire import Connection, HttpError, json_request  # noqa: E402

COLLECTION = "soak"
DIM = 128
ID_RANGE = 200_000  # default ids per client; ids recycle, so upserts also overwrite


def random_vector(rng: random.Random) -> list[float]:
    return [rng.uniform(-1.0, 1.0) for _ in range(DIM)]


def client(args) -> dict:
    port, client_index, seconds, seed, id_range = args
    rng = random.Random(seed)
    conn = Connection("127.0.0.1", port)
    base_id = client_index * id_range
    counts = {"upsert": 0, "search": 0, "filtered_search": 0, "scroll": 0, "delete": 0}
    errors: list[str] = []
    deadline = time.monotonic() + seconds
    next_id = 0
    while time.monotonic() < deadline:
        op = rng.choices(list(counts), weights=[30, 35, 15, 12, 8])[0]
        prefix = f"/collections/{COLLECTION}/points"
        if op == "upsert":
            points = []
            for _ in range(50):
                pid = base_id + next_id % id_range
                next_id += 1
                points.append({"id": pid, "vector": random_vector(rng),
                               "payload": {"client": client_index, "group": rng.randrange(20),
                                           "tags": [f"t{rng.randrange(50)}" for _ in range(3)]}})
            raw = json_request("PUT", f"{prefix}?wait=true", {"points": points})
        elif op == "search":
            raw = json_request("POST", f"{prefix}/query",
                               {"query": random_vector(rng), "limit": 10, "with_payload": True})
        elif op == "filtered_search":
            raw = json_request("POST", f"{prefix}/query", {
                "query": random_vector(rng), "limit": 10,
                "filter": {"must": [{"key": "group", "match": {"value": rng.randrange(20)}}]}})
        elif op == "scroll":
            raw = json_request("POST", f"{prefix}/scroll", {
                "limit": 100, "offset": base_id + rng.randrange(max(1, min(next_id, id_range))),
                "with_payload": True,
                "filter": {"must": [{"key": "client", "match": {"value": client_index}}]}})
        else:
            if rng.random() < 0.5:
                ids = [base_id + rng.randrange(max(1, min(next_id, id_range))) for _ in range(20)]
                raw = json_request("POST", f"{prefix}/delete?wait=true", {"points": ids})
            else:
                raw = json_request("POST", f"{prefix}/delete?wait=true", {"filter": {"must": [
                    {"key": "client", "match": {"value": client_index}},
                    {"key": "group", "match": {"value": rng.randrange(20)}},
                    {"key": "tags", "match": {"any": [f"t{rng.randrange(50)}"]}}]}})
        try:
            status, body = conn.send(raw)
        except HttpError as error:
            errors.append(f"{op}: connection error {error}")
            if len(errors) > 50:
                break
            continue
        counts[op] += 1
        if not 200 <= status < 300:
            errors.append(f"{op}: HTTP {status} {body[:200]!r}")
    conn.close()
    return {"counts": counts, "errors": errors}


def rss_mb(pid: int) -> float:
    return memory_mb(pid)["VmRSS"]


def memory_mb(pid: int) -> dict[str, float]:
    """VmRSS and its parts: RssAnon (heap) and RssFile (mapped LMDB pages, binary)."""
    fields = {"VmRSS": float("nan"), "RssAnon": float("nan"), "RssFile": float("nan")}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key = line.split(":")[0]
        if key in fields:
            fields[key] = int(line.split()[1]) / 1024
    return fields


def data_file_mb(root: Path) -> float:
    return sum(f.stat().st_size for f in root.rglob("data.mdb")) / 2**20


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--binary", default="build-rel/sextant")
    parser.add_argument("--minutes", type=float, default=10)
    parser.add_argument("--clients", type=int, default=2)
    parser.add_argument("--sample-s", type=float, default=10)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--id-range", type=int, default=ID_RANGE,
                        help="ids per client: a small range keeps the point count constant once "
                             "filled (upserts overwrite), so RSS growth is not data growth")
    args = parser.parse_args()

    server = launch(args.binary)
    pid = server.process.pid
    try:
        status, reply = Connection("127.0.0.1", server.http_port).call(
            "PUT", f"/collections/{COLLECTION}", {
                "vectors": {"size": DIM, "distance": "Cosine"},
                "optimizers_config": {"indexing_threshold": 1000}})
        if status != 200:
            raise SystemExit(f"create collection failed: {status} {reply}")
        seconds = args.minutes * 60
        pool = multiprocessing.Pool(args.clients)
        pending = pool.map_async(client, [(server.http_port, c, seconds, args.seed + c, args.id_range)
                                          for c in range(args.clients)])
        samples = [(0.0, rss_mb(pid))]
        began = time.monotonic()
        print(f"t_s={0:6.0f} rss_mb={samples[0][1]:8.1f}", flush=True)
        while not pending.ready():
            pending.wait(timeout=args.sample_s)
            elapsed = time.monotonic() - began
            if server.process.poll() is not None:
                print(f"server exited with {server.process.returncode}")
                break
            memory = memory_mb(pid)
            samples.append((elapsed, memory["VmRSS"]))
            print(f"t_s={elapsed:6.0f} rss_mb={memory['VmRSS']:8.1f} "
                  f"anon_mb={memory['RssAnon']:8.1f} file_mb={memory['RssFile']:8.1f} "
                  f"data_mdb_mb={data_file_mb(server.root / 'storage'):8.1f}", flush=True)
        results = pending.get()
        pool.close()
        status, info = Connection("127.0.0.1", server.http_port).call(
            "GET", f"/collections/{COLLECTION}")
        points = info["result"]["points_count"] if status == 200 else None
    finally:
        alive = server.process.poll() is None
        server.cleanup()
    totals: dict[str, int] = {}
    errors: list[str] = []
    for result in results:
        for op, n in result["counts"].items():
            totals[op] = totals.get(op, 0) + n
        errors += result["errors"]
    for error in errors[:20]:
        print(f"error: {error}")
    later = [rss for t, rss in samples if t >= min(60.0, samples[-1][0] / 2)]
    print(f"soak summary: minutes={args.minutes} clients={args.clients} ops={totals} "
          f"total_ops={sum(totals.values())} errors={len(errors)} points_at_end={points} "
          f"rss_mb_start={samples[0][1]:.1f} rss_mb_min_after_warmup={min(later):.1f} "
          f"rss_mb_max_after_warmup={max(later):.1f} rss_mb_end={samples[-1][1]:.1f} "
          f"server_alive={alive}")
    return 1 if errors or not alive else 0


if __name__ == "__main__":
    sys.exit(main())
