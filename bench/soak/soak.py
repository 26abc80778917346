"""Soak: minutes of mixed upsert / search / scroll / delete from two clients, results checked.

Two client processes share one collection (each owns its own id range): every step picks an
operation at random (upsert a batch with wait=true, query by vector, query with a payload filter,
scroll a page, delete a few of its points by id or by filter). The driver samples the server's
VmRSS every --sample-s seconds and prints the series, the operation counts, and every non-2xx
answer or broken connection as an error. The index threshold is set low, so the HNSW index keeps
growing and repairing while the load runs.

Each client keeps a ledger of its own points as its acknowledged writes and deletes left them
(only it writes its id range, every write is wait=true, so the ledger is exactly what the server
must hold), and every --check-s seconds checks the server against it (SoakChecker):
- exact search (params.exact, filtered to the client's points) against a brute force over the
  ledger: the returned scores must equal the top scores exactly and each returned id must have
  the returned score. Vectors have integer components k/256 with sum(k^2) = 256^2, so they are
  unit length exactly, Cosine normalisation leaves them unchanged and every score is a multiple
  of 2^-16 that float32 holds exactly;
- the same search on the HNSW index (--check-ef as hnsw_ef): recall@10 against the brute force
  must reach --min-recall in every check and --min-mean-recall on average, and every returned
  score must still be exact. full_scan_threshold is set to 10 KB so that searches (the load's
  and the checks') go through the graph, not a scan;
- read-back of a sample of ids the client has written (payload and vector, with_vector): a
  live point must equal its last acknowledged write bit for bit, a deleted one must be absent.
Any mismatch is printed and fails the run, as any error does.

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
sys.path.insert(0, str(Path(__file__).resolve().parent))
from server_launch import launch  # noqa: E402
from soak_checks import SoakChecker, vector_json  # noqa: E402
from wire import Connection, HttpError, json_request  # noqa: E402

COLLECTION = "soak"
DIM = 128
ID_RANGE = 200_000  # default ids per client; ids recycle, so upserts also overwrite


def client(args) -> dict:
    port, client_index, seconds, seed, id_range, check_s, min_recall, check_ef = args
    rng = random.Random(seed)
    conn = Connection("127.0.0.1", port)
    base_id = client_index * id_range
    checker = SoakChecker(COLLECTION, DIM, client_index, base_id, id_range, min_recall,
                          check_ef, random.Random(seed + 1000))
    counts = {"upsert": 0, "search": 0, "filtered_search": 0, "scroll": 0, "delete": 0}
    errors: list[str] = []
    deadline = time.monotonic() + seconds
    next_check = time.monotonic() + check_s
    next_id = 0
    while time.monotonic() < deadline:
        if time.monotonic() >= next_check:
            try:
                checker.check(conn)
            except HttpError as error:
                errors.append(f"check: connection error {error}")
            next_check = time.monotonic() + check_s
        op = rng.choices(list(counts), weights=[30, 35, 15, 12, 8])[0]
        prefix = f"/collections/{COLLECTION}/points"
        written = None  # what the ledger learns if this request is acknowledged
        if op == "upsert":
            points = []
            for _ in range(50):
                pid = base_id + next_id % id_range
                next_id += 1
                points.append({"id": pid, "vector": vector_json(checker.unit_vector(rng)),
                               "payload": {"client": client_index, "group": rng.randrange(20),
                                           "tags": [f"t{rng.randrange(50)}" for _ in range(3)]}})
            raw = json_request("PUT", f"{prefix}?wait=true", {"points": points})
            written = ("upsert", points)
        elif op == "search":
            raw = json_request("POST", f"{prefix}/query",
                               {"query": vector_json(checker.unit_vector(rng)), "limit": 10,
                                "with_payload": True})
        elif op == "filtered_search":
            raw = json_request("POST", f"{prefix}/query", {
                "query": vector_json(checker.unit_vector(rng)), "limit": 10,
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
                written = ("delete_ids", ids)
            else:
                group, tag = rng.randrange(20), f"t{rng.randrange(50)}"
                raw = json_request("POST", f"{prefix}/delete?wait=true", {"filter": {"must": [
                    {"key": "client", "match": {"value": client_index}},
                    {"key": "group", "match": {"value": group}},
                    {"key": "tags", "match": {"any": [tag]}}]}})
                written = ("delete_filter", (group, tag))
        try:
            status, body = conn.send(raw)
        except HttpError as error:
            errors.append(f"{op}: connection error {error}")
            if written:
                checker.lose_track(f"{op} broke the connection")
            if len(errors) > 50:
                break
            continue
        counts[op] += 1
        if not 200 <= status < 300:
            errors.append(f"{op}: HTTP {status} {body[:200]!r}")
            if written:
                checker.lose_track(f"{op} answered {status}")
        elif written:
            checker.apply(*written)
    try:
        checker.check(conn)  # a last check after the final write
    except HttpError as error:
        errors.append(f"check: connection error {error}")
    conn.close()
    return {"counts": counts, "errors": errors, "checks": checker.report()}


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
    parser.add_argument("--check-s", type=float, default=5,
                        help="seconds between a client's result checks (exact search, HNSW "
                             "recall, read-back)")
    parser.add_argument("--min-recall", type=float, default=0.7,
                        help="an HNSW search whose recall@10 against the brute force is below "
                             "this counts as a mismatch")
    parser.add_argument("--min-mean-recall", type=float, default=0.95,
                        help="mean recall@10 of all HNSW checks below this fails the run")
    parser.add_argument("--check-ef", type=int, default=256, help="hnsw_ef of the HNSW checks")
    args = parser.parse_args()

    server = launch(args.binary)
    pid = server.process.pid
    try:
        status, reply = Connection("127.0.0.1", server.http_port).call(
            "PUT", f"/collections/{COLLECTION}", {
                "vectors": {"size": DIM, "distance": "Cosine"},
                "hnsw_config": {"full_scan_threshold": 10},
                "optimizers_config": {"indexing_threshold": 1000}})
        if status != 200:
            raise SystemExit(f"create collection failed: {status} {reply}")
        seconds = args.minutes * 60
        pool = multiprocessing.Pool(args.clients)
        pending = pool.map_async(client, [(server.http_port, c, seconds, args.seed + c,
                                           args.id_range, args.check_s, args.min_recall,
                                           args.check_ef)
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
    checks = SoakChecker.merge([result["checks"] for result in results])
    for result in results:
        for op, n in result["counts"].items():
            totals[op] = totals.get(op, 0) + n
        errors += result["errors"]
    for error in errors[:20]:
        print(f"error: {error}")
    for mismatch in checks["messages"][:20]:
        print(f"mismatch: {mismatch}")
    print(f"soak checks: exact_searches={checks['exact_searches']} "
          f"exact_mismatches={checks['exact_mismatches']} "
          f"hnsw_searches={checks['hnsw_searches']} "
          f"hnsw_below_recall={checks['hnsw_below_recall']} (min_recall={args.min_recall}, "
          f"hnsw_ef={args.check_ef}) "
          f"hnsw_wrong_scores={checks['hnsw_wrong_scores']} "
          f"recall_mean={checks['recall_mean']:.4f} (min_mean_recall={args.min_mean_recall}) "
          f"recall_min={checks['recall_min']:.2f} "
          f"readback_points={checks['readback_points']} "
          f"readback_mismatches={checks['readback_mismatches']} "
          f"checks_skipped={checks['skipped']} mismatches={checks['mismatches']}")
    later = [rss for t, rss in samples if t >= min(60.0, samples[-1][0] / 2)]
    print(f"soak summary: minutes={args.minutes} clients={args.clients} ops={totals} "
          f"total_ops={sum(totals.values())} errors={len(errors)} points_at_end={points} "
          f"rss_mb_start={samples[0][1]:.1f} rss_mb_min_after_warmup={min(later):.1f} "
          f"rss_mb_max_after_warmup={max(later):.1f} rss_mb_end={samples[-1][1]:.1f} "
          f"server_alive={alive}")
    low_mean = checks["recall_mean"] < args.min_mean_recall
    if low_mean:
        print(f"mismatch: mean HNSW recall {checks['recall_mean']:.4f} < {args.min_mean_recall}")
    return 1 if errors or checks["mismatches"] or low_mean or not alive else 0


if __name__ == "__main__":
    sys.exit(main())
