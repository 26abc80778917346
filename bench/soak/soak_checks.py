"""Result checks for the soak: one client's ledger of its points, compared with the server.

Role: a soak client records here every write the server acknowledged (upserts, deletes by id,
deletes by filter, applied to the ledger as the server applies them) and calls `check` at
intervals, which compares exact search, HNSW search and point read-back with the ledger.

Invariants:
- Only the owning client writes its id range and every write is wait=true, so between two of
  its requests the ledger is exactly what the server holds for that range. A write that failed
  or broke the connection leaves the range unknown: `lose_track` stops the checks (the failure
  is an error of the run already).
- Vectors are integer vectors k with sum(k^2) == SCALE^2, sent as k / SCALE: unit length exactly,
  so Cosine normalisation is the identity, and a dot product of two of them is a multiple of
  SCALE^-2 bounded by 1 in every partial sum, exact in float32 and float64 whatever the
  summation order. Scores are therefore compared for equality, not within a tolerance.
- Ties: exact search may return any of equally scored points, so it is the list of scores that
  must equal the brute force's top scores, and each returned id must have its returned score.
"""

from __future__ import annotations

import math
import random
import struct

import numpy as np

from wire import Connection

SCALE = 256
TOP = 10
READBACK_SAMPLE = 20


def vector_json(components: list[int]) -> list[float]:
    return [k / SCALE for k in components]


def as_float32(value: float) -> float:
    return struct.unpack("f", struct.pack("f", value))[0]


def four_squares(n: int) -> list[int]:
    """a, b, c, d with a^2 + b^2 + c^2 + d^2 == n (Lagrange: always exists)."""
    for a in range(math.isqrt(n), -1, -1):
        r1 = n - a * a
        for b in range(min(a, math.isqrt(r1)), -1, -1):
            r2 = r1 - b * b
            for c in range(min(b, math.isqrt(r2)), -1, -1):
                r3 = r2 - c * c
                d = math.isqrt(r3)
                if d * d == r3 and d <= c:
                    return [a, b, c, d]
    raise AssertionError(f"no four squares for {n}")


class SoakChecker:
    """The ledger of one client's id range and the checks run against it."""

    def __init__(self, collection: str, dim: int, client_index: int, base_id: int,
                 id_range: int, min_recall: float, hnsw_ef: int, rng: random.Random):
        self.collection, self.dim = collection, dim
        self.client_index, self.base_id, self.id_range = client_index, base_id, id_range
        self.min_recall, self.hnsw_ef, self.rng = min_recall, hnsw_ef, rng
        self.vectors = np.zeros((0, dim), dtype=np.float32)  # row = id - base_id
        self.alive = np.zeros(0, dtype=bool)
        self.payloads: dict[int, dict] = {}  # live ids only
        self.touched: set[int] = set()
        self.tracking = True
        self.stats = {"exact_searches": 0, "exact_mismatches": 0, "hnsw_searches": 0,
                      "hnsw_below_recall": 0, "hnsw_wrong_scores": 0, "recall_sum": 0.0,
                      "recall_min": 1.0, "readback_points": 0, "readback_mismatches": 0,
                      "skipped": 0}
        self.messages: list[str] = []

    # -- vectors ------------------------------------------------------------------------------

    def unit_vector(self, rng: random.Random) -> list[int]:
        """Integer components with sum of squares SCALE^2, direction close to uniform: a
        Gaussian direction rounded on dim - 4 components to a norm a little below SCALE, the
        remainder made up exactly by four squares at random places with random signs."""
        target = SCALE * SCALE
        while True:
            gauss = [rng.gauss(0.0, 1.0) for _ in range(self.dim - 4)]
            factor = math.sqrt(target - 2 * self.dim) / math.sqrt(sum(g * g for g in gauss))
            head = [round(g * factor) for g in gauss]
            rest = target - sum(k * k for k in head)
            if rest >= 0:
                break
        for k in four_squares(rest):
            head.insert(rng.randrange(len(head) + 1), k if rng.random() < 0.5 else -k)
        return head

    # -- ledger -------------------------------------------------------------------------------

    def _row(self, pid: int) -> int:
        row = pid - self.base_id
        if row >= len(self.alive):
            size = min(self.id_range, max(row + 1, 2 * len(self.alive), 1024))
            vectors = np.zeros((size, self.dim), dtype=np.float32)
            vectors[:len(self.alive)] = self.vectors
            alive = np.zeros(size, dtype=bool)
            alive[:len(self.alive)] = self.alive
            self.vectors, self.alive = vectors, alive
        return row

    def apply(self, kind: str, what) -> None:
        """Records an acknowledged write."""
        if kind == "upsert":
            for point in what:
                row = self._row(point["id"])
                self.vectors[row] = point["vector"]
                self.alive[row] = True
                self.payloads[point["id"]] = point["payload"]
                self.touched.add(point["id"])
        elif kind == "delete_ids":
            for pid in what:
                self._forget(pid)
        elif kind == "delete_filter":
            group, tag = what
            doomed = [pid for pid, payload in self.payloads.items()
                      if payload["client"] == self.client_index and payload["group"] == group
                      and tag in payload["tags"]]
            for pid in doomed:
                self._forget(pid)

    def _forget(self, pid: int) -> None:
        if pid in self.payloads:
            self.alive[pid - self.base_id] = False
            del self.payloads[pid]

    def lose_track(self, why: str) -> None:
        if self.tracking:
            self.messages.append(f"client {self.client_index}: ledger unknown after {why}; "
                                 f"checks stop")
        self.tracking = False

    # -- checks -------------------------------------------------------------------------------

    def check(self, conn: Connection) -> None:
        if not self.tracking:
            self.stats["skipped"] += 1
            return
        query = vector_json(self.unit_vector(self.rng))
        self._check_search(conn, query, exact=True)
        self._check_search(conn, query, exact=False)
        self._check_readback(conn)

    def _mismatch(self, counter: str, text: str) -> None:
        self.stats[counter] += 1
        self.messages.append(f"client {self.client_index}: {text}")

    def _brute_force(self, query: list[float]) -> tuple[np.ndarray, np.ndarray]:
        """Scores (in units of SCALE^-2, exact integers) of all live points, and their ids."""
        rows = np.flatnonzero(self.alive)
        scores = self.vectors[rows] @ np.asarray(query, dtype=np.float32)
        return np.rint(scores.astype(np.float64) * SCALE * SCALE).astype(np.int64), \
            rows + self.base_id

    def _check_search(self, conn: Connection, query: list[float], exact: bool) -> None:
        kind = "exact" if exact else "hnsw"
        self.stats[f"{kind}_searches"] += 1
        status, reply = conn.call("POST", f"/collections/{self.collection}/points/query", {
            "query": query, "limit": TOP,
            "params": {"exact": True} if exact else {"hnsw_ef": self.hnsw_ef},
            "filter": {"must": [{"key": "client", "match": {"value": self.client_index}}]}})
        if status != 200:
            self._mismatch(f"{kind}_mismatches" if exact else "hnsw_wrong_scores",
                           f"{kind} search answered {status}: {reply}")
            return
        hits = reply["result"]["points"]
        scores, ids = self._brute_force(query)
        score_of = dict(zip(ids.tolist(), scores.tolist()))
        best = sorted(scores.tolist(), reverse=True)[:TOP]
        returned = []
        wrong = []
        for hit in hits:
            units = as_float32(hit["score"]) * SCALE * SCALE
            returned.append(units)
            if score_of.get(hit["id"]) != units:
                ledger = score_of[hit["id"]] / SCALE**2 if hit["id"] in score_of else "absent"
                wrong.append(f"id {hit['id']} score {hit['score']} (ledger: {ledger})")
        if exact:
            if wrong or returned != best:
                self._mismatch("exact_mismatches",
                               f"exact search: scores {[s / SCALE**2 for s in returned]} "
                               f"expected {[s / SCALE**2 for s in best]}; wrong ids: {wrong}")
            return
        if wrong:
            self._mismatch("hnsw_wrong_scores", f"hnsw search returned wrong scores: {wrong}")
        if not best:
            return
        cutoff = best[-1]
        found = sum(1 for hit in hits if score_of.get(hit["id"], cutoff - 1) >= cutoff)
        recall = min(found, len(best)) / len(best)
        self.stats["recall_sum"] += recall
        self.stats["recall_min"] = min(self.stats["recall_min"], recall)
        if recall < self.min_recall:
            self._mismatch("hnsw_below_recall",
                           f"hnsw search recall@{TOP} {recall:.2f} < {self.min_recall} "
                           f"over {len(ids)} points")

    def _check_readback(self, conn: Connection) -> None:
        if not self.touched:
            return
        ids = self.rng.sample(sorted(self.touched), min(READBACK_SAMPLE, len(self.touched)))
        status, reply = conn.call("POST", f"/collections/{self.collection}/points", {
            "ids": ids, "with_payload": True, "with_vector": True})
        if status != 200:
            self._mismatch("readback_mismatches", f"read-back answered {status}: {reply}")
            return
        got = {point["id"]: point for point in reply["result"]}
        for pid in ids:
            self.stats["readback_points"] += 1
            point = got.get(pid)
            if pid not in self.payloads:
                if point is not None:
                    self._mismatch("readback_mismatches", f"id {pid} was deleted but reads back")
                continue
            if point is None:
                self._mismatch("readback_mismatches", f"id {pid} is missing")
                continue
            expected = self.vectors[pid - self.base_id].tolist()
            vector = point.get("vector")
            if point.get("payload") != self.payloads[pid]:
                self._mismatch("readback_mismatches",
                               f"id {pid}: payload {point.get('payload')} expected "
                               f"{self.payloads[pid]}")
            if (not isinstance(vector, list) or len(vector) != len(expected)
                    or any(as_float32(a) != b for a, b in zip(vector, expected))):
                self._mismatch("readback_mismatches",
                               f"id {pid}: vector differs from the last acknowledged write")

    # -- report -------------------------------------------------------------------------------

    def report(self) -> dict:
        return {**self.stats, "messages": self.messages}

    @staticmethod
    def merge(reports: list[dict]) -> dict:
        merged = {"messages": [], "recall_min": 1.0}
        for report in reports:
            for key, value in report.items():
                if key == "messages":
                    merged["messages"] += value
                elif key == "recall_min":
                    merged["recall_min"] = min(merged["recall_min"], value)
                else:
                    merged[key] = merged.get(key, 0) + value
        searches = merged.get("hnsw_searches", 0)
        merged["recall_mean"] = merged.get("recall_sum", 0.0) / searches if searches else 1.0
        merged["mismatches"] = sum(merged.get(key, 0) for key in (
            "exact_mismatches", "hnsw_below_recall", "hnsw_wrong_scores", "readback_mismatches"))
        return merged
