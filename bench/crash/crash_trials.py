"""kill -9 trials: acknowledged writes survive, unacknowledged batches are all or nothing.

Each trial: W writer threads upsert batches of new points with wait=true on keep-alive
connections (every point's payload carries its own id, its writer, batch and trial); after a
random delay the server gets SIGKILL; it is restarted on the same storage and checked:
- it starts (LMDB opens) and `mdb_stat` reads every collection's environment;
- every batch the server acknowledged ("status": "completed") is present in full, each point
  with the payload and the vector it was written with (read back with with_vector, compared
  bit for bit: the vectors are multiples of 1/256, exact in float32);
- every batch that was in flight at the kill is present in full or not at all;
- nothing else is present;
- a search with the vector of each of a sample of stored points (--search-sample) returns that
  point first, at distance 0 (result_checks.self_search): this goes through the HNSW graph image
  the server reopened, and with --quantization int8 through its int8 codes too (a second search
  per point on the codes alone, no rescoring).
The collection accumulates over the trials, so later trials also re-check earlier writes.
Optionally (--indexing) the HNSW index builds in the background while the kills land.

  .venv/bin/python bench/crash/crash_trials.py --binary build-rel/sextant --trials 50
  .venv/bin/python bench/crash/crash_trials.py --binary build/sextant --trials 3   # quick
  .venv/bin/python bench/crash/crash_trials.py --binary build/sextant --trials 50 --indexing \
      --quantization int8                       # graph image and int8 codes exercised
Prints one line per trial and a summary line; exits 1 if any check failed.
"""

from __future__ import annotations

import argparse
import random
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "http"))
sys.path.insert(0, str(Path(__file__).resolve().parent))
from result_checks import (SCALAR_INT8, collection_counts, exact_vector,  # noqa: E402
                           self_search, vectors_equal)
from server_launch import launch  # noqa: E402
from wire import Connection, HttpError, json_request  # noqa: E402

COLLECTION = "crash"
DIM = 8


class Ledger:
    """What the writers sent and what the server acknowledged, keyed by (trial, writer, batch)."""

    def __init__(self):
        self.lock = threading.Lock()
        self.batches: dict[tuple[int, int, int], list[int]] = {}  # key -> point ids
        self.acknowledged: set[tuple[int, int, int]] = set()

    def sent(self, key, ids):
        with self.lock:
            self.batches[key] = ids

    def acked(self, key):
        with self.lock:
            self.acknowledged.add(key)


def writer(port: int, trial: int, writer_index: int, batch_size: int, next_id, ledger: Ledger,
           stop: threading.Event) -> None:
    conn = Connection("127.0.0.1", port, timeout_s=30)
    batch = 0
    while not stop.is_set():
        ids = [next_id() for _ in range(batch_size)]
        key = (trial, writer_index, batch)
        points = [{"id": pid,
                   "vector": exact_vector(pid, DIM),
                   "payload": {"id": pid, "trial": trial, "writer": writer_index,
                               "batch": batch, "text": f"point {pid}"}} for pid in ids]
        raw = json_request("PUT", f"/collections/{COLLECTION}/points?wait=true",
                           {"points": points})
        ledger.sent(key, ids)
        try:
            status, body = conn.send(raw)
        except HttpError:
            return  # the server is gone
        if status == 200 and b'"completed"' in body:
            ledger.acked(key)
        batch += 1


def scroll_points(port: int, collection: str, with_vector: bool = False) -> list[dict]:
    """Every point of `collection`, page by page (payloads, and vectors when asked)."""
    conn = Connection("127.0.0.1", port)
    points: list[dict] = []
    offset = None
    while True:
        body = {"limit": 2000, "with_payload": True, "with_vector": with_vector}
        if offset is not None:
            body["offset"] = offset
        status, reply = conn.call("POST", f"/collections/{collection}/points/scroll", body)
        if status != 200:
            raise RuntimeError(f"scroll failed with {status}: {reply}")
        points += reply["result"]["points"]
        offset = reply["result"]["next_page_offset"]
        if offset is None:
            conn.close()
            return points


def scroll_all(port: int) -> dict[int, tuple[dict, list[float]]]:
    """id -> (payload, vector) of every stored point."""
    return {point["id"]: (point["payload"], point["vector"])
            for point in scroll_points(port, COLLECTION, with_vector=True)}


def mdb_stat_ok(storage: Path) -> tuple[bool, str]:
    for data_file in storage.rglob("data.mdb"):
        run = subprocess.run(["mdb_stat", "-e", str(data_file.parent)], capture_output=True,
                             text=True)
        if run.returncode != 0:
            return False, f"{data_file.parent}: {run.stderr.strip()}"
    return True, ""


class Verdict:
    """What one post-restart check found: problem lists and the figures it checked."""

    def __init__(self):
        self.lost: list = []           # acknowledged batches not present in full
        self.partial: list = []        # in-flight batches applied to some points only
        self.wrong_payload: list = []  # ids whose payload is not the one written (or unknown ids)
        self.wrong_vector: list = []   # ids whose vector is not the one written
        self.points_read = 0
        self.searches = 0
        self.search_problems: list[str] = []

    def ok(self) -> bool:
        return not (self.lost or self.partial or self.wrong_payload or self.wrong_vector
                    or self.search_problems)


def verify(port: int, ledger: Ledger, search_sample: int, quantized: bool,
           rng: random.Random) -> Verdict:
    stored = scroll_all(port)
    verdict = Verdict()
    verdict.points_read = len(stored)
    lost, partial, wrong_payload = verdict.lost, verdict.partial, verdict.wrong_payload
    known_ids = set()
    for key, ids in ledger.batches.items():
        known_ids.update(ids)
        present = [pid for pid in ids if pid in stored]
        if key in ledger.acknowledged and len(present) != len(ids):
            lost.append(key)
        elif 0 < len(present) < len(ids):
            partial.append(key)
        for pid in present:
            payload, vector = stored[pid]
            if (payload.get("id") != pid or payload.get("trial") != key[0]
                    or payload.get("writer") != key[1] or payload.get("batch") != key[2]):
                wrong_payload.append(pid)
            if not vectors_equal(vector, exact_vector(pid, DIM)):
                verdict.wrong_vector.append(pid)
    wrong_payload += [pid for pid in stored if pid not in known_ids]
    expected = {pid: exact_vector(pid, DIM) for pid in stored if pid in known_ids}
    verdict.searches, verdict.search_problems = self_search(
        port, COLLECTION, expected, search_sample, rng, quantized)
    return verdict


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--binary", default="build-rel/sextant")
    parser.add_argument("--trials", type=int, default=50)
    parser.add_argument("--writers", type=int, default=2)
    parser.add_argument("--batch", type=int, default=16, help="points per upsert")
    parser.add_argument("--min-delay", type=float, default=0.05, help="seconds before the kill")
    parser.add_argument("--max-delay", type=float, default=1.5)
    parser.add_argument("--indexing", action="store_true",
                        help="low indexing_threshold: kills also land during HNSW builds")
    parser.add_argument("--quantization", choices=["none", "int8"], default="none",
                        help="int8: the collection has scalar int8 quantization, so the "
                             "post-restart searches also run on the stored codes")
    parser.add_argument("--search-sample", type=int, default=100,
                        help="stored points searched with their own vector after each restart")
    parser.add_argument("--seed", type=int, default=None)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    check_rng = random.Random(rng.random())
    quantized = args.quantization == "int8"

    server = launch(args.binary)
    storage = server.root / "storage"
    ledger = Ledger()
    counter = [0]
    counter_lock = threading.Lock()

    def next_id() -> int:
        with counter_lock:
            counter[0] += 1
            return counter[0]

    failures = 0
    restart_ms: list[float] = []
    points_read = searches = 0
    problem_counts = {"lost": 0, "partial": 0, "payload": 0, "vector": 0, "search": 0}
    try:
        create = {"vectors": {"size": DIM, "distance": "Euclid"}}
        if args.indexing:
            create["optimizers_config"] = {"indexing_threshold": 10}
        if quantized:
            create["quantization_config"] = SCALAR_INT8
        status, reply = Connection("127.0.0.1", server.http_port).call(
            "PUT", f"/collections/{COLLECTION}", create)
        if status != 200:
            raise SystemExit(f"create collection failed: {status} {reply}")
        for trial in range(args.trials):
            stop = threading.Event()
            threads = [threading.Thread(target=writer, args=(
                server.http_port, trial, w, args.batch, next_id, ledger, stop))
                for w in range(args.writers)]
            for thread in threads:
                thread.start()
            delay = rng.uniform(args.min_delay, args.max_delay)
            time.sleep(delay)
            server.kill()
            stop.set()
            for thread in threads:
                thread.join(timeout=60)
            began = time.perf_counter()
            try:
                server.start()
            except RuntimeError as error:
                print(f"trial {trial}: restart FAILED: {error}")
                failures += 1
                break
            restart_ms.append((time.perf_counter() - began) * 1e3)
            stat_ok, stat_error = mdb_stat_ok(storage)
            verdict = verify(server.http_port, ledger, args.search_sample, quantized, check_rng)
            counts = collection_counts(server.http_port, COLLECTION)
            trial_acked = sum(1 for key in ledger.acknowledged if key[0] == trial)
            trial_sent = sum(1 for key in ledger.batches if key[0] == trial)
            ok = stat_ok and verdict.ok()
            failures += 0 if ok else 1
            points_read += verdict.points_read
            searches += verdict.searches
            for name, found in (("lost", verdict.lost), ("partial", verdict.partial),
                                ("payload", verdict.wrong_payload),
                                ("vector", verdict.wrong_vector),
                                ("search", verdict.search_problems)):
                problem_counts[name] += len(found)
            print(f"trial {trial:3d}: kill after {delay * 1e3:6.0f} ms, batches acked "
                  f"{trial_acked:4d} / sent {trial_sent:4d}, restart {restart_ms[-1]:6.0f} ms, "
                  f"lost {len(verdict.lost)}, partial {len(verdict.partial)}, "
                  f"wrong payload {len(verdict.wrong_payload)}, "
                  f"wrong vector {len(verdict.wrong_vector)}, points read {verdict.points_read} "
                  f"(indexed {counts['indexed_vectors_count']}), self-searches "
                  f"{verdict.searches} failed {len(verdict.search_problems)}, "
                  f"mdb_stat {'ok' if stat_ok else 'FAILED ' + stat_error}", flush=True)
            for pid in verdict.wrong_payload[:3]:
                print(f"  id {pid}: payload is not the one written")
            for pid in verdict.wrong_vector[:3]:
                print(f"  id {pid}: vector is not the one written")
            for problem in verdict.search_problems[:5]:
                print(f"  {problem}")
    finally:
        server.cleanup()
    acked_points = sum(len(ledger.batches[key]) for key in ledger.acknowledged)
    print(f"crash summary: trials={len(restart_ms)} failures={failures} "
          f"acknowledged_batches={len(ledger.acknowledged)} acknowledged_points={acked_points} "
          f"sent_batches={len(ledger.batches)} points_read_back={points_read} "
          f"self_searches={searches} quantization={args.quantization} "
          f"problems={problem_counts} restart_ms_median="
          f"{statistics.median(restart_ms) if restart_ms else float('nan'):.0f} "
          f"restart_ms_max={max(restart_ms) if restart_ms else float('nan'):.0f}")
    return 1 if failures or len(restart_ms) < args.trials else 0


if __name__ == "__main__":
    sys.exit(main())
