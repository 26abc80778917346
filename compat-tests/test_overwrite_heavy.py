"""Update-heavy collections: many overwrites and deletes of the same points, with the optimizer's
vacuum thresholds low so segments (Sextant: the offset space) are rewritten while the writes go
on. Every point must come out with its last vector and payload, counts and facets must match,
and nearest-neighbour queries through the index must still find each point by its own vector.
"""

import random
import time

import pytest

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


@pytest.mark.parametrize("quantization", [None, {"scalar": {"type": "int8"}}],
                         ids=["float32", "int8"])
def test_overwrites_and_deletes_keep_the_last_write_of_every_point(api, collection_factory,
                                                                    quantization):
    body = {
        "vectors": {"size": DIM, "distance": "Euclid"},
        "optimizers_config": {"indexing_threshold": 10, "vacuum_min_vector_number": 100,
                              "deleted_threshold": 0.2},
    }
    if quantization:
        body["quantization_config"] = quantization
    name = collection_factory(body)
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


def test_named_sparse_and_multi_vectors_survive_many_overwrites(api, collection_factory):
    name = collection_factory({
        "vectors": {"dense": {"size": 4, "distance": "Dot"},
                    "multi": {"size": 2, "distance": "Cosine",
                              "multivector_config": {"comparator": "max_sim"}}},
        "sparse_vectors": {"text": {}},
        "optimizers_config": {"indexing_threshold": 10, "vacuum_min_vector_number": 100},
    })

    def point(pid: int, round_no: int) -> dict:
        vectors = {"dense": [float(pid), float(round_no), 1.0, 2.0],
                   "text": {"indices": [pid, 1000 + round_no], "values": [1.0, float(round_no)]}}
        if pid % 2 == 0:  # odd points carry no multivector
            vectors["multi"] = [[1.0, float(round_no)], [float(pid), 1.0]]
        return {"id": pid, "vector": vectors, "payload": {"round": round_no}}

    for round_no in range(1, 21):
        api.put(f"/collections/{name}/points", params={"wait": "true"},
                json={"points": [point(pid, round_no) for pid in range(150)]}).expect(200)
    _wait_green(api, name)
    records = api.post(f"/collections/{name}/points", json={
        "ids": list(range(150)), "with_payload": True, "with_vector": True}).expect(200).result
    assert len(records) == 150
    for record in records:
        expected = point(record["id"], 20)
        assert record["payload"] == {"round": 20}
        vector = record["vector"]
        assert vector["dense"] == expected["vector"]["dense"]
        assert vector["text"]["indices"] == expected["vector"]["text"]["indices"]
        assert vector["text"]["values"] == expected["vector"]["text"]["values"]
        if record["id"] % 2 == 0:
            # Cosine multivectors come back normalised: compare directions.
            rows = vector["multi"]
            for row, want in zip(rows, expected["vector"]["multi"]):
                norm = sum(x * x for x in want) ** 0.5
                assert [round(x, 5) for x in row] == [round(x / norm, 5) for x in want]
        else:
            assert "multi" not in vector
    hits = api.post(f"/collections/{name}/points/query", json={
        "query": {"indices": [42, 1020], "values": [1.0, 1.0]}, "using": "text", "limit": 1,
    }).expect(200).result["points"]
    assert hits[0]["id"] == 42
