"""kill -9 trials: acknowledged writes survive, unacknowledged batches are all or nothing.

Each trial: W writer threads upsert batches of new points with wait=true on keep-alive
connections (every point's payload carries its own id, its writer, batch and trial); after a
random delay the server gets SIGKILL; it is restarted on the same storage and checked:
- it starts (LMDB opens) and `mdb_stat` reads every collection's environment;
- every batch the server acknowledged ("status": "completed") is present in full, each point
  with the payload it was written with;
- every batch that was in flight at the kill is present in full or not at all;
- nothing else is present.
The collection accumulates over the trials, so later trials also re-check earlier writes.
Optionally (--indexing) the HNSW index builds in the background while the kills land.

  .venv/bin/python bench/crash/crash_trials.py --binary build-rel/sextant --trials 50
  .venv/bin/python bench/crash/crash_trials.py --binary build/sextant --trials 3   # quick
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
                   "vector": [float((pid * (d + 3)) % 17) + 0.5 for d in range(DIM)],
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


def scroll_all(port: int) -> dict[int, dict]:
    return {point["id"]: point["payload"] for point in scroll_points(port, COLLECTION)}


def mdb_stat_ok(storage: Path) -> tuple[bool, str]:
    for data_file in storage.rglob("data.mdb"):
        run = subprocess.run(["mdb_stat", "-e", str(data_file.parent)], capture_output=True,
                             text=True)
        if run.returncode != 0:
            return False, f"{data_file.parent}: {run.stderr.strip()}"
    return True, ""


def verify(port: int, ledger: Ledger) -> tuple[list, list, list]:
    stored = scroll_all(port)
    lost, partial, wrong_payload = [], [], []
    known_ids = set()
    for key, ids in ledger.batches.items():
        known_ids.update(ids)
        present = [pid for pid in ids if pid in stored]
        if key in ledger.acknowledged and len(present) != len(ids):
            lost.append(key)
        elif 0 < len(present) < len(ids):
            partial.append(key)
        for pid in present:
            payload = stored[pid]
            if (payload.get("id") != pid or payload.get("trial") != key[0]
                    or payload.get("writer") != key[1] or payload.get("batch") != key[2]):
                wrong_payload.append(pid)
    wrong_payload += [pid for pid in stored if pid not in known_ids]
    return lost, partial, wrong_payload


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
    parser.add_argument("--seed", type=int, default=None)
    args = parser.parse_args()
    rng = random.Random(args.seed)

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
    try:
        create = {"vectors": {"size": DIM, "distance": "Euclid"}}
        if args.indexing:
            create["optimizers_config"] = {"indexing_threshold": 10}
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
            lost, partial, wrong = verify(server.http_port, ledger)
            trial_acked = sum(1 for key in ledger.acknowledged if key[0] == trial)
            trial_sent = sum(1 for key in ledger.batches if key[0] == trial)
            ok = stat_ok and not lost and not partial and not wrong
            failures += 0 if ok else 1
            print(f"trial {trial:3d}: kill after {delay * 1e3:6.0f} ms, batches acked "
                  f"{trial_acked:4d} / sent {trial_sent:4d}, restart {restart_ms[-1]:6.0f} ms, "
                  f"lost {len(lost)}, partial {len(partial)}, wrong {len(wrong)}, "
                  f"mdb_stat {'ok' if stat_ok else 'FAILED ' + stat_error}", flush=True)
    finally:
        server.cleanup()
    acked_points = sum(len(ledger.batches[key]) for key in ledger.acknowledged)
    print(f"crash summary: trials={len(restart_ms)} failures={failures} "
          f"acknowledged_batches={len(ledger.acknowledged)} acknowledged_points={acked_points} "
          f"sent_batches={len(ledger.batches)} restart_ms_median="
          f"{statistics.median(restart_ms) if restart_ms else float('nan'):.0f} "
          f"restart_ms_max={max(restart_ms) if restart_ms else float('nan'):.0f}")
    return 1 if failures or len(restart_ms) < args.trials else 0


if __name__ == "__main__":
    sys.exit(main())
