"""Checks the crash programs run after every restart: read-back and self-search.

Role: given what a crash driver knows each point must hold (its vector and the payload fields
written with it), compare it with what the restarted server returns, and search with a sample of
the stored vectors, each of which must come back as its own nearest neighbour. The searches go
through whatever the collection serves from after the restart - the HNSW graph image, and with
int8 quantization the stored codes (once with rescoring, once on the codes alone) - so a damaged
graph or code chunk fails the check even when start-up succeeds.

Invariants:
- Vectors are compared exactly: the drivers write values that float32 represents exactly
  (multiples of 1/256 well inside the float32 range), so the read-back must be bit-identical.
- A search for vector v (Euclid) must return first a point whose stored vector is v, at distance
  0 (on the codes alone only the id is checked: those distances are approximate); any other
  answer is reported with the id, what was returned and the search kind.
- Nothing here writes to the server.
"""

from __future__ import annotations

import random
import struct

from wire import Connection

SCALAR_INT8 = {"scalar": {"type": "int8", "quantile": 0.99, "always_ram": True}}


def exact_vector(seed: int, dim: int) -> list[float]:
    """A pseudo-random vector fixed by `seed`, every component a multiple of 1/256 in
    [-128, 128): exactly representable as float32, and practically never shared by two seeds."""
    rng = random.Random(seed)
    return [rng.randrange(-32768, 32768) / 256.0 for _ in range(dim)]


def as_float32(value: float) -> float:
    return struct.unpack("f", struct.pack("f", value))[0]


def vectors_equal(stored, expected) -> bool:
    """Bit-exact comparison after the float32 rounding the server stores."""
    if not isinstance(stored, list) or len(stored) != len(expected):
        return False
    return all(as_float32(a) == as_float32(b) for a, b in zip(stored, expected))


def collection_counts(port: int, collection: str) -> dict:
    """points_count and indexed_vectors_count as GET /collections/{name} reports them."""
    status, reply = Connection("127.0.0.1", port).call("GET", f"/collections/{collection}")
    if status != 200:
        return {"points_count": None, "indexed_vectors_count": None}
    result = reply["result"]
    return {"points_count": result.get("points_count"),
            "indexed_vectors_count": result.get("indexed_vectors_count")}


def search_kinds(quantized: bool) -> list[tuple[str, dict]]:
    """The searches run per sampled point: the default path, and with int8 codes also a search
    on the codes alone (no rescoring with the original vectors)."""
    kinds = [("default", {})]
    if quantized:
        kinds.append(("codes-only", {"quantization": {"rescore": False}}))
    return kinds


def self_search(port: int, collection: str, stored_vectors: dict[int, list[float]],
                sample_size: int, rng: random.Random, quantized: bool,
                batch: int = 64) -> tuple[int, list[str]]:
    """Searches with the vectors of `sample_size` stored points (chosen with `rng`); each must
    come back first, at distance 0. Returns (searches run, problems)."""
    if not stored_vectors:
        return 0, []
    ids = rng.sample(sorted(stored_vectors), min(sample_size, len(stored_vectors)))
    by_vector: dict[tuple, set[int]] = {}
    for pid in ids:
        by_vector.setdefault(tuple(stored_vectors[pid]), set())
    for pid, vector in stored_vectors.items():
        key = tuple(vector)
        if key in by_vector:
            by_vector[key].add(pid)
    conn = Connection("127.0.0.1", port, timeout_s=60)
    searches_run, problems = 0, []
    for kind, params in search_kinds(quantized):
        exact_scores = "quantization" not in params  # codes-only scores are approximate
        for begin in range(0, len(ids), batch):
            chunk = ids[begin:begin + batch]
            body = {"searches": [{"query": stored_vectors[pid], "limit": 1, "params": params}
                                 for pid in chunk]}
            status, reply = conn.call("POST", f"/collections/{collection}/points/query/batch",
                                      body)
            if status != 200:
                problems.append(f"{kind} search batch answered {status}: {reply}")
                continue
            for pid, answer in zip(chunk, reply["result"]):
                searches_run += 1
                hits = answer.get("points", [])
                twins = by_vector[tuple(stored_vectors[pid])]
                if not hits:
                    problems.append(f"{kind} search with the vector of id {pid}: no result")
                elif hits[0]["id"] not in twins or (exact_scores and hits[0]["score"] != 0.0):
                    problems.append(f"{kind} search with the vector of id {pid}: first result "
                                    f"id {hits[0]['id']} score {hits[0]['score']}, "
                                    f"expected id {pid} score 0; "
                                    f"{diagnose(conn, collection, stored_vectors[pid], quantized)}")
    conn.close()
    return searches_run, problems


def diagnose(conn: Connection, collection: str, vector: list[float], quantized: bool) -> str:
    """Which search paths do find the point: exact (a scan of the stored vectors), the graph
    walked on the float32 vectors, and the graph on the codes - names the damaged part."""
    paths = [("exact", {"exact": True})]
    if quantized:
        paths.append(("graph on float32", {"quantization": {"ignore": True}}))
    paths.append(("graph, hnsw_ef 1000", {"hnsw_ef": 1000}))
    found = []
    for name, params in paths:
        status, reply = conn.call("POST", f"/collections/{collection}/points/query",
                                  {"query": vector, "limit": 1, "params": params})
        hits = reply["result"]["points"] if status == 200 else []
        first = f"id {hits[0]['id']} score {hits[0]['score']}" if hits else f"HTTP {status}"
        found.append(f"{name}: {first}")
    return "; ".join(found)
