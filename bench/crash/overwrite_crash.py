"""kill -9 trials under overwrites: offset compactions rewrite the collection while kills land.

Writers overwrite a fixed set of ids round after round (upserts of `--batch` points with
wait=true; a point's payload names its round and its vector is derived from (id, round)), so
dead offsets pile up and the collection is compacted again and again. After each SIGKILL the
server is restarted on the same storage and checked:
- it starts and `mdb_stat` reads every environment;
- every id ever acknowledged is present, at a round no older than its last acknowledged write
  and no newer than its last sent one;
- each point's vector (read back with with_vector, compared bit for bit) is the one written
  with its payload's round (no mix of two writes);
- a batch in flight at the kill is applied to all of its points or to none;
- nothing else is present; the data file stays bounded (reported);
- a search with the vector of each of a sample of stored points (--search-sample) returns that
  point first, at distance 0 (result_checks.self_search): through the graph image the server
  reopened, and with --quantization int8 through its int8 codes too.

  .venv/bin/python bench/crash/overwrite_crash.py --binary build/sextant --trials 20
  .venv/bin/python bench/crash/overwrite_crash.py --binary build/sextant --trials 50 \
      --quantization int8
Prints one line per trial and a summary line; exits 1 if any check failed.
"""

from __future__ import annotations

import argparse
import random
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "http"))
sys.path.insert(0, str(Path(__file__).resolve().parent))
from crash_trials import mdb_stat_ok, scroll_points  # noqa: E402
from result_checks import SCALAR_INT8, collection_counts, exact_vector  # noqa: E402
from result_checks import self_search, vectors_equal  # noqa: E402
from server_launch import launch  # noqa: E402
from wire import Connection, HttpError, json_request  # noqa: E402

COLLECTION = "overwrite"
DIM = 8


def vector_of(point_id: int, round_no: int) -> list[float]:
    """Fixed by (id, round), exact in float32, and different for every pair in practice, so a
    point's own vector finds it first in a search."""
    return exact_vector(point_id * 1_000_003 + round_no, DIM)


class Ledger:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.acked: dict[int, int] = {}      # id -> last acknowledged round
        self.sent: dict[int, int] = {}       # id -> last sent round
        self.in_flight: list[tuple[list[int], int]] = []  # batches sent, not acknowledged


def writer(port: int, ids: list[int], batch: int, start_round: int, ledger: Ledger,
           stop: threading.Event) -> None:
    conn = Connection("127.0.0.1", port, timeout_s=30)
    round_no = start_round
    try:
        while not stop.is_set():
            round_no += 1
            for begin in range(0, len(ids), batch):
                chunk = ids[begin:begin + batch]
                points = [{"id": pid, "vector": vector_of(pid, round_no),
                           "payload": {"round": round_no}} for pid in chunk]
                with ledger.lock:
                    for pid in chunk:
                        ledger.sent[pid] = round_no
                    ledger.in_flight.append((chunk, round_no))
                raw = json_request("PUT", f"/collections/{COLLECTION}/points?wait=true",
                                   {"points": points})
                status, body = conn.send(raw)
                if status == 200 and b'"completed"' in body:
                    with ledger.lock:
                        for pid in chunk:
                            ledger.acked[pid] = round_no
                        ledger.in_flight.remove((chunk, round_no))
                if stop.is_set():
                    return
    except (HttpError, OSError):
        return
    finally:
        conn.close()


def scroll_all(port: int) -> dict[int, tuple[int, list[float]]]:
    return {point["id"]: (point["payload"].get("round"), point["vector"])
            for point in scroll_points(port, COLLECTION, with_vector=True)}


def verify(port: int, ledger: Ledger, search_sample: int, quantized: bool,
           rng: random.Random) -> tuple[list[str], dict]:
    """Returns (problems, figures): figures counts points read back and self-searches run."""
    stored = scroll_all(port)
    problems = []
    for pid, acked in ledger.acked.items():
        if pid not in stored:
            problems.append(f"id {pid} acknowledged at round {acked} is missing")
            continue
        round_no, vector = stored[pid]
        if not acked <= round_no <= ledger.sent[pid]:
            problems.append(f"id {pid} at round {round_no}, acked {acked}, sent {ledger.sent[pid]}")
        if not vectors_equal(vector, vector_of(pid, round_no)):
            problems.append(f"id {pid}: vector is not round {round_no}'s")
    for pid in stored:
        if pid not in ledger.sent:
            problems.append(f"id {pid} was never written")
    for chunk, round_no in ledger.in_flight:
        applied = [pid for pid in chunk if pid in stored and stored[pid][0] == round_no]
        if 0 < len(applied) < len(chunk):
            problems.append(f"batch of round {round_no} applied to {len(applied)}/{len(chunk)}")
    # In-flight batches are settled now: what is stored is the new truth.
    for chunk, _ in ledger.in_flight:
        for pid in chunk:
            if pid in stored:
                ledger.acked[pid] = stored[pid][0]
    ledger.in_flight.clear()
    searchable = {pid: vector_of(pid, round_no) for pid, (round_no, _) in stored.items()
                  if isinstance(round_no, int)}
    searches, search_problems = self_search(port, COLLECTION, searchable, search_sample, rng,
                                            quantized)
    problems += search_problems
    return problems, {"points_read": len(stored), "searches": searches,
                      "search_failures": len(search_problems)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--binary", default="build/sextant")
    parser.add_argument("--trials", type=int, default=20)
    parser.add_argument("--writers", type=int, default=2)
    parser.add_argument("--points", type=int, default=1000, help="ids overwritten, all writers")
    parser.add_argument("--batch", type=int, default=50)
    parser.add_argument("--min-delay", type=float, default=0.3)
    parser.add_argument("--max-delay", type=float, default=3.0)
    parser.add_argument("--quantization", choices=["none", "int8"], default="none",
                        help="int8: the collection has scalar int8 quantization, so the "
                             "post-restart searches also run on the stored codes")
    parser.add_argument("--search-sample", type=int, default=100,
                        help="stored points searched with their own vector after each restart")
    parser.add_argument("--seed", type=int, default=None)
    args = parser.parse_args()
    rng = random.Random(args.seed)

    server = launch(args.binary)
    storage = server.root / "storage"
    ledger = Ledger()
    check_rng = random.Random(rng.random())
    quantized = args.quantization == "int8"
    totals = {"points_read": 0, "searches": 0, "search_failures": 0}
    failures = 0
    trials_done = 0
    rounds_base = 0
    try:
        create = {"vectors": {"size": DIM, "distance": "Euclid"},
                  "optimizers_config": {"indexing_threshold": 10, "vacuum_min_vector_number": 100}}
        if quantized:
            create["quantization_config"] = SCALAR_INT8
        status, reply = Connection("127.0.0.1", server.http_port).call(
            "PUT", f"/collections/{COLLECTION}", create)
        if status != 200:
            raise SystemExit(f"create collection failed: {status} {reply}")
        share = args.points // args.writers
        for trial in range(args.trials):
            stop = threading.Event()
            threads = [threading.Thread(target=writer, args=(
                server.http_port, list(range(w * share, (w + 1) * share)), args.batch,
                rounds_base, ledger, stop)) for w in range(args.writers)]
            for thread in threads:
                thread.start()
            delay = rng.uniform(args.min_delay, args.max_delay)
            time.sleep(delay)
            server.kill()
            stop.set()
            for thread in threads:
                thread.join(timeout=60)
            rounds_base = max(ledger.sent.values(), default=0)
            try:
                server.start()
            except RuntimeError as error:
                print(f"trial {trial}: restart FAILED: {error}")
                failures += 1
                break
            trials_done += 1
            stat_ok, stat_error = mdb_stat_ok(storage)
            problems, figures = verify(server.http_port, ledger, args.search_sample, quantized,
                                       check_rng)
            for name in totals:
                totals[name] += figures[name]
            counts = collection_counts(server.http_port, COLLECTION)
            data_mb = sum(f.stat().st_size for f in storage.rglob("data.mdb")) / 2**20
            ok = stat_ok and not problems
            failures += 0 if ok else 1
            print(f"trial {trial:3d}: kill after {delay * 1e3:6.0f} ms, rounds sent "
                  f"{rounds_base:5d}, problems {len(problems)}, points read "
                  f"{figures['points_read']} (indexed {counts['indexed_vectors_count']}), "
                  f"self-searches {figures['searches']} failed {figures['search_failures']}, "
                  f"data.mdb {data_mb:6.1f} MB, "
                  f"mdb_stat {'ok' if stat_ok else 'FAILED ' + stat_error}", flush=True)
            for problem in problems[:5]:
                print(f"  {problem}")
    finally:
        server.cleanup()
    print(f"overwrite crash summary: trials={trials_done} failures={failures} "
          f"points={len(ledger.acked)} point_writes_sent~={rounds_base * args.points} "
          f"points_read_back={totals['points_read']} self_searches={totals['searches']} "
          f"self_search_failures={totals['search_failures']} "
          f"quantization={args.quantization}")
    return 1 if failures or trials_done < args.trials else 0


if __name__ == "__main__":
    sys.exit(main())
