"""Fault-injection trials: the server under random file I/O failures loses no acknowledged write.

Modelled on SQLite's I/O-error tests. Each trial starts the server with the LD_PRELOAD library
build/bench/libsextant_io_faults.so (bench/crash/io_fault_shim.cpp): once the collection exists,
the POSIX calls LMDB makes on its files (open, pread, pwrite, write, writev, fsync, fdatasync,
ftruncate) fail with EIO or ENOSPC at the given rate (1% by default). Two clients then drive a
mixed load for a few seconds on ids of their own: upserts of batches with wait=true (each point's
payload and vector new every time), deletes with wait=true, and searches. Every reply is
recorded: an acknowledged write ("status": "completed") fixes the state of its ids; a failed one
(any error status, a dropped connection) leaves them in the state before it or after it.
Then failures are switched off, the server must still answer (no crash, no hang) and take a write
with wait=true again with no restart (an environment LMDB gave up on after a failed meta-page
write, MDB_PANIC, is reopened by the server: telemetry's storage.environment_reopens counts it),
it is stopped and started again without the library, and every point is read back:
- every id is in one of the states its history allows: the payload and vector of its last
  acknowledged write (absent after an acknowledged delete), or those of a later write that
  failed; an id with an acknowledged write found in any other state is a lost point;
- a sample of the present points each find themselves as their own nearest neighbour.
Figures: injected failures (counted by the library, one log line each), writes acknowledged and
failed, acknowledged points verified, points lost (must be 0), crashes and hangs (must be 0),
trials whose write after the faults was taken (must be all) and environment reopens.

  .venv/bin/python bench/crash/fault_injection.py --trials 20
  .venv/bin/python bench/crash/fault_injection.py --trials 3 --seconds 2   # quick
Prints one line per trial and a summary; exits 1 if any check failed.
"""

from __future__ import annotations

import argparse
import collections
import random
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "http"))
from server_launch import REPO_ROOT, launch  # noqa: E402
from wire import Connection, HttpError  # noqa: E402

COLLECTION = "faults"
DIM = 8
IDS_PER_CLIENT = 300
BATCH = 10
CLIENTS = 2
REQUEST_TIMEOUT_S = 20
ABSENT = ("absent",)
RECOVERY_ID = CLIENTS * IDS_PER_CLIENT + 1  # written once the faults stop


def shim_path(binary: Path) -> Path:
    return binary.resolve().parent / "bench" / "libsextant_io_faults.so"


class Ledger:
    """Per id, the states its history allows (a set of ABSENT or (version, vector) tuples), and
    the state of its last acknowledged write, if any. An acknowledged write fixes the allowed set
    to its state; a failed one adds its state to the set (it may or may not have been applied)."""

    def __init__(self):
        self.lock = threading.Lock()
        self.allowed: dict[int, set] = {}
        self.acked_state: dict[int, tuple] = {}
        self.replies = collections.Counter()

    def record(self, ids, states, acked: bool, reply: str) -> None:
        with self.lock:
            self.replies[reply] += 1
            for point_id, state in zip(ids, states):
                before = self.allowed.get(point_id, {ABSENT})
                self.allowed[point_id] = {state} if acked else before | {state}
                if acked:
                    self.acked_state[point_id] = state


def _reply_of(status: int, body) -> tuple[bool, str]:
    if status == 200 and isinstance(body, dict) and body.get("result", {}).get("status") == \
            "completed":
        return True, "200 completed"
    error = body.get("status", {}).get("error", "") if isinstance(body, dict) else ""
    return False, f"{status} {error[:90]}"


def client(port: int, index: int, seconds: float, seed: int, ledger: Ledger, counts) -> None:
    rng = random.Random(seed * 100 + index)
    conn = Connection("127.0.0.1", port, timeout_s=REQUEST_TIMEOUT_S)
    first_id = index * IDS_PER_CLIENT + 1
    version = 0
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        kind = rng.random()
        try:
            if kind < 0.6:
                ids = rng.sample(range(first_id, first_id + IDS_PER_CLIENT), BATCH)
                points, states = [], []
                for point_id in ids:
                    version += 1
                    vector = [round(rng.uniform(-1, 1), 4) for _ in range(DIM)]
                    points.append({"id": point_id, "vector": vector,
                                   "payload": {"version": version, "client": index}})
                    states.append((version, tuple(vector)))
                status, body = conn.call("PUT", f"/collections/{COLLECTION}/points?wait=true",
                                         {"points": points})
                acked, reply = _reply_of(status, body)
                ledger.record(ids, states, acked, "upsert " + reply)
            elif kind < 0.8:
                ids = rng.sample(range(first_id, first_id + IDS_PER_CLIENT), 3)
                status, body = conn.call(
                    "POST", f"/collections/{COLLECTION}/points/delete?wait=true", {"points": ids})
                acked, reply = _reply_of(status, body)
                ledger.record(ids, [ABSENT] * len(ids), acked, "delete " + reply)
            else:
                query = [rng.uniform(-1, 1) for _ in range(DIM)]
                status, _ = conn.call("POST", f"/collections/{COLLECTION}/points/query",
                                      {"query": query, "limit": 5})
                counts[f"search {status}"] += 1
        except HttpError as error:
            # The reply was lost: the write may or may not have been applied.
            if kind < 0.8:
                ledger.record(ids, states if kind < 0.6 else [ABSENT] * len(ids), False,
                              f"connection error {str(error)[:60]}")
            else:
                counts["search connection error"] += 1
    conn.close()


def read_back(port: int) -> dict[int, tuple]:
    conn = Connection("127.0.0.1", port, timeout_s=60)
    stored, offset = {}, None
    while True:
        body = {"limit": 500, "with_payload": True, "with_vector": True}
        if offset is not None:
            body["offset"] = offset
        status, page = conn.call("POST", f"/collections/{COLLECTION}/points/scroll", body)
        if status != 200:
            raise RuntimeError(f"scroll answered {status}: {page}")
        for point in page["result"]["points"]:
            stored[point["id"]] = (point["payload"]["version"], tuple(point["vector"]))
        offset = page["result"]["next_page_offset"]
        if offset is None:
            break
    conn.close()
    return stored


def same_state(stored, expected) -> bool:
    if expected == ABSENT or stored is None:
        return expected == ABSENT and stored is None
    return stored[0] == expected[0] and all(abs(a - b) < 1e-4 for a, b in zip(stored[1],
                                                                               expected[1]))


def run_trial(binary: Path, trial: int, seconds: float, probability: float) -> dict:
    work = Path(tempfile.mkdtemp(prefix="sextant-faults-"))
    switch, fault_log = work / "inject", work / "injected.log"
    env = {"LD_PRELOAD": str(shim_path(binary)), "SEXTANT_FAULT_PROBABILITY": str(probability),
           "SEXTANT_FAULT_SWITCH": str(switch), "SEXTANT_FAULT_LOG": str(fault_log),
           "SEXTANT_FAULT_SEED": str(trial + 1)}
    server = launch(str(binary), extra_env=env)
    result = {"trial": trial, "crashed": False, "hung": False, "lost": 0, "verified": 0,
              "mismatched": 0, "exact": 0, "injected": 0, "self_found": 0, "self_sampled": 0,
              "write_after_faults": False, "reopens": 0}
    try:
        conn = Connection("127.0.0.1", server.http_port, timeout_s=30)
        status, body = conn.call("PUT", f"/collections/{COLLECTION}",
                                 {"vectors": {"size": DIM, "distance": "Euclid"},
                                  "optimizers_config": {"indexing_threshold": 1}})
        assert status == 200, body
        conn.close()
        ledger, counts = Ledger(), collections.Counter()
        switch.touch()
        threads = [threading.Thread(target=client, args=(server.http_port, c, seconds, trial,
                                                         ledger, counts))
                   for c in range(CLIENTS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=seconds + 4 * REQUEST_TIMEOUT_S)
        switch.unlink()
        time.sleep(0.1)
        result["hung"] = any(thread.is_alive() for thread in threads)
        result["injected"] = (len(fault_log.read_text().splitlines())
                              if fault_log.exists() else 0)
        if server.process.poll() is not None:
            result["crashed"] = True
            result["log"] = server.log_tail()
            return result
        try:  # still answering once the faults stop, and taking writes again with no restart
            probe = Connection("127.0.0.1", server.http_port, timeout_s=REQUEST_TIMEOUT_S)
            status, _ = probe.call("GET", f"/collections/{COLLECTION}")
            vector = [0.5] * DIM
            status, body = probe.call("PUT", f"/collections/{COLLECTION}/points?wait=true",
                                      {"points": [{"id": RECOVERY_ID, "vector": vector,
                                                   "payload": {"version": 0}}]})
            acked, reply = _reply_of(status, body)
            ledger.record([RECOVERY_ID], [(0, tuple(vector))], acked, "after faults " + reply)
            result["write_after_faults"] = acked
            _, telemetry = probe.call("GET", "/telemetry?details_level=1")
            for entry in telemetry["result"]["collections"]["collections"]:
                if entry.get("id") == COLLECTION:
                    result["reopens"] = entry["storage"].get("environment_reopens", 0)
            probe.close()
        except HttpError:
            result["hung"] = True
        stop_started = time.monotonic()
        server.stop(timeout_s=30)
        result["stop_s"] = time.monotonic() - stop_started
        if result["stop_s"] >= 29:
            result["hung"] = True
        result["exit_code"] = server.process.returncode
        # Start again on the same storage, without the library.
        for name in env:
            server.extra_env.pop(name, None)
        server.start()
        stored = read_back(server.http_port)
        for point_id, allowed in ledger.allowed.items():
            actual = stored.get(point_id)
            acked = ledger.acked_state.get(point_id)
            if not any(same_state(actual, state) for state in allowed):
                result["mismatched"] += 1
                result["lost"] += acked is not None
            elif acked is not None:
                result["verified"] += 1
                result["exact"] += same_state(actual, acked)
        present = [pid for pid in stored if pid in ledger.allowed]
        sample = random.Random(trial).sample(present, min(20, len(present)))
        conn = Connection("127.0.0.1", server.http_port, timeout_s=30)
        for point_id in sample:
            status, body = conn.call("POST", f"/collections/{COLLECTION}/points/query",
                                     {"query": list(stored[point_id][1]), "limit": 1})
            result["self_sampled"] += 1
            result["self_found"] += status == 200 and body["result"]["points"][0]["id"] == \
                point_id
        conn.close()
        result["replies"] = ledger.replies
        result["searches"] = counts
        return result
    finally:
        server.cleanup()
        for path in (switch, fault_log):
            path.unlink(missing_ok=True)
        work.rmdir()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--binary", default=str(REPO_ROOT / "build" / "sextant"))
    parser.add_argument("--trials", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=4.0, help="load per trial")
    parser.add_argument("--probability", type=float, default=0.01)
    args = parser.parse_args()
    binary = Path(args.binary)
    if not shim_path(binary).exists():
        print(f"{shim_path(binary)} is missing: build the sextant_io_faults target")
        return 2
    totals = collections.Counter()
    replies = collections.Counter()
    failed = False
    started = time.monotonic()
    for trial in range(args.trials):
        r = run_trial(binary, trial, args.seconds, args.probability)
        ok = (not r["crashed"] and not r["hung"] and r["lost"] == 0 and r["mismatched"] == 0
              and r["self_found"] == r["self_sampled"] and r["write_after_faults"])
        failed |= not ok
        for key in ("injected", "verified", "exact", "lost", "mismatched", "self_found", "self_sampled"):
            totals[key] += r[key]
        totals["crashed"] += r["crashed"]
        totals["hung"] += r["hung"]
        totals["written_after_faults"] += r["write_after_faults"]
        totals["reopens"] += r["reopens"]
        replies.update(r.get("replies", {}))
        acked = sum(n for k, n in r.get("replies", {}).items() if "200 completed" in k)
        print(f"trial {trial:2d}: injected {r['injected']:4d}  writes acked {acked:4d} "
              f"failed {sum(r.get('replies', {}).values()) - acked:4d}  "
              f"acked points verified {r['verified']:4d} (exact {r['exact']:4d})  "
              f"lost {r['lost']}  "
              f"other mismatches {r['mismatched'] - r['lost']}  "
              f"self-search {r['self_found']}/{r['self_sampled']}  "
              f"write after faults {'ok' if r['write_after_faults'] else 'FAILED'} "
              f"(environment reopens {r['reopens']})  "
              f"crashed {r['crashed']} hung {r['hung']}  {'ok' if ok else 'FAILED'}", flush=True)
        if r["crashed"]:
            print(r["log"])
    print(f"summary: {args.trials} trials in {time.monotonic() - started:.0f} s, "
          f"injected failures {totals['injected']}, acknowledged points verified "
          f"{totals['verified']} ({totals['exact']} in the acknowledged state itself, the rest "
          f"in that of a later write that failed), lost {totals['lost']}, other mismatches "
          f"{totals['mismatched'] - totals['lost']}, self-search "
          f"{totals['self_found']}/{totals['self_sampled']}, crashes {totals['crashed']}, "
          f"hangs {totals['hung']}, writes taken after the faults stopped (no restart) "
          f"{totals['written_after_faults']}/{args.trials}, environment reopens "
          f"{totals['reopens']}")
    print("replies: " + "; ".join(f"{n} x {k}" for k, n in replies.most_common()))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
