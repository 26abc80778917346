"""Update-heavy collections: many overwrites and deletes of the same points, with the optimizer's
vacuum thresholds low so segments (Sextant: the offset space) are rewritten while the writes go
on. Every point must come out with its last vector and payload, counts and facets must match,
and nearest-neighbour queries through the index must still find each point by its own vector.
"""

import random
import time

DIM = 16
POINTS = 300
ROUNDS = 15


def vector_of(point_id: int, round_no: int) -> list[float]:
    rng = random.Random(point_id * 1_000_003 + round_no)
    return [round(rng.uniform(-10, 10), 3) for _ in range(DIM)]


def _wait_green(api, name: str, timeout_s: float = 120) -> dict:
    deadline = time.monotonic() + timeout_s
    while True:
        info = api.get(f"/collections/{name}").expect(200).result
        if info["status"] == "green" or time.monotonic() > deadline:
            return info
        time.sleep(0.2)


def test_overwrites_and_deletes_keep_the_last_write_of_every_point(api, collection_factory):
    name = collection_factory({
        "vectors": {"size": DIM, "distance": "Euclid"},
        "optimizers_config": {"indexing_threshold": 10, "vacuum_min_vector_number": 100,
                              "deleted_threshold": 0.2},
    })
    api.put(f"/collections/{name}/index", params={"wait": "true"},
            json={"field_name": "parity", "field_schema": "keyword"}).expect(200)
    deleted: set[int] = set()
    for round_no in range(1, ROUNDS + 1):
        for first in range(0, POINTS, 100):
            points = [{"id": pid, "vector": vector_of(pid, round_no),
                       "payload": {"round": round_no, "parity": "odd" if pid % 2 else "even"}}
                      for pid in range(first, first + 100) if pid not in deleted]
            api.put(f"/collections/{name}/points", params={"wait": "true"},
                    json={"points": points}).expect(200)
        if round_no == 10:
            deleted = set(range(0, POINTS, 10))
            api.post(f"/collections/{name}/points/delete", params={"wait": "true"},
                     json={"points": sorted(deleted)}).expect(200)

    info = _wait_green(api, name)
    assert info["points_count"] == POINTS - len(deleted)
    count = api.post(f"/collections/{name}/points/count", json={"exact": True}).expect(200)
    assert count.result["count"] == POINTS - len(deleted)

    records = api.post(f"/collections/{name}/points", json={
        "ids": list(range(POINTS)), "with_payload": True, "with_vector": True}).expect(200).result
    assert {r["id"] for r in records} == set(range(POINTS)) - deleted
    for record in records:
        assert record["payload"]["round"] == ROUNDS
        assert record["vector"] == vector_of(record["id"], ROUNDS)

    facet = api.post(f"/collections/{name}/facet", json={"key": "parity"}).expect(200).result
    counts = {hit["value"]: hit["count"] for hit in facet["hits"]}
    # Deleted ids are the multiples of 10: all even.
    assert counts == {"even": POINTS // 2 - len(deleted), "odd": POINTS // 2}

    rng = random.Random(7)
    found = 0
    probes = rng.sample(sorted(set(range(POINTS)) - deleted), 40)
    for pid in probes:
        hits = api.post(f"/collections/{name}/points/query", json={
            "query": vector_of(pid, ROUNDS), "limit": 1,
            "params": {"hnsw_ef": 128}}).expect(200).result["points"]
        found += bool(hits) and hits[0]["id"] == pid
    assert found == len(probes)
    filtered = api.post(f"/collections/{name}/points/query", json={
        "query": vector_of(probes[0], ROUNDS), "limit": 5,
        "filter": {"must": [{"key": "parity", "match": {"value": "odd" if probes[0] % 2 else "even"}}]},
    }).expect(200).result["points"]
    assert filtered[0]["id"] == probes[0]
