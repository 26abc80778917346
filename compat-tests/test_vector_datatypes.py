"""Vector datatypes (`datatype: uint8 | float16`) as Qdrant 1.19 stores and scores them.

Oracle (Qdrant's lib/segment, data_types/primitive.rs and spaces/metric_*):
- float16: a vector is preprocessed in float32 (Cosine: unit length), then rounded to the nearest
  IEEE half; values read back are those halves.
- uint8: each value becomes `x as u8` (truncation toward zero, clamped to 0..255, NaN to 0); no
  normalisation, Cosine is computed on the integers (0 when either side is all zeros). A query is
  converted the same way before scoring.
Scores are then the usual ones on the converted values (Euclid reported as the distance).
"""

from __future__ import annotations

import numpy as np
import pytest
from qdrant_client import models

from support.points import upsert

DIM = 6
DISTANCES = ["Cosine", "Dot", "Euclid", "Manhattan"]


def _vectors(seed: int, count: int, low: float, high: float) -> list[list[float]]:
    rng = np.random.default_rng(seed)
    return np.round(rng.uniform(low, high, size=(count, DIM)), 2).tolist()


def stored(values, datatype, distance):
    v = np.asarray(values, dtype=np.float32)
    if datatype == "uint8":
        return np.clip(np.trunc(np.nan_to_num(v, nan=0.0)), 0, 255).astype(np.float32)
    if distance == "Cosine":
        norm = np.sqrt((v.astype(np.float64) ** 2).sum(axis=-1, keepdims=True))
        v = np.where(norm > 0, v / np.where(norm > 0, norm, 1), v).astype(np.float32)
    if datatype == "float16":
        v = v.astype(np.float16).astype(np.float32)
    return v


def score(query, point, datatype, distance):
    q, p = query.astype(np.float64), point.astype(np.float64)
    if distance == "Cosine" and datatype == "uint8":
        norms = float(np.dot(q, q) * np.dot(p, p))
        return 0.0 if norms == 0 else float(np.dot(q, p) / np.sqrt(norms))
    if distance in ("Cosine", "Dot"):
        return float(np.dot(q, p))
    if distance == "Euclid":
        return float(np.sqrt(((q - p) ** 2).sum()))
    return float(np.abs(q - p).sum())


def oracle_scores(query, points, datatype, distance):
    """The score of every point."""
    q = stored(query, datatype, distance)
    return {pid: score(q, stored(v, datatype, distance), datatype, distance)
            for pid, v in points.items()}


def oracle(query, points, datatype, distance, limit):
    scores = oracle_scores(query, points, datatype, distance)
    sign = -1 if distance in ("Cosine", "Dot") else 1
    ranked = sorted(scores, key=lambda pid: (sign * scores[pid], pid))[:limit]
    return [(pid, scores[pid]) for pid in ranked]


def assert_ranking(points, expected, scores=None):
    """The oracle's scores in its order; with `scores` (the oracle's score of every point), a tie
    at the cut-off may be any of the tied points (converted values often tie exactly)."""
    got = [(p["id"], p["score"]) if isinstance(p, dict) else (p.id, p.score) for p in points]
    assert len(got) == len(expected), (got, expected)
    expected_scores = dict(scores) if scores is not None else dict(expected)
    for (gid, gscore), (_, escore) in zip(got, expected):
        assert gscore == pytest.approx(escore, rel=1e-3, abs=1e-3), (got, expected)
        assert gid in expected_scores and gscore == pytest.approx(
            expected_scores[gid], rel=1e-3, abs=1e-3), (got, expected)


def _create(collection_factory, datatype, distance, multivector=False):
    params = {"size": DIM, "distance": distance, "datatype": datatype}
    if multivector:
        params["multivector_config"] = {"comparator": "max_sim"}
    return collection_factory({"vectors": params})


# --- conversion on write -----------------------------------------------------------------------

def test_uint8_truncates_and_clamps(api, collection_factory):
    name = _create(collection_factory, "uint8", "Dot")
    values = [256.19, -3.7, 3.9, 0.5, 254.999, 17.0]
    upsert(api, name, [{"id": 1, "vector": values}])
    got = api.get(f"/collections/{name}/points/1").result["vector"]
    assert got == stored(values, "uint8", "Dot").tolist() == [255.0, 0.0, 3.0, 0.0, 254.0, 17.0]


@pytest.mark.parametrize("distance", ["Dot", "Cosine"])
def test_float16_rounds_to_half(api, collection_factory, distance):
    name = _create(collection_factory, "float16", distance)
    values = [0.1, 1.0 / 3.0, 1000.7, -2.5e-3, 7.0, -0.6]
    upsert(api, name, [{"id": 1, "vector": values}])
    got = np.asarray(api.get(f"/collections/{name}/points/1").result["vector"], dtype=np.float32)
    assert got.tolist() == stored(values, "float16", distance).tolist()


@pytest.mark.parametrize("datatype", ["uint8", "float16"])
def test_multivector_datatype_conversion(api, collection_factory, datatype):
    name = _create(collection_factory, datatype, "Dot", multivector=True)
    rows = [[300.5, 1.25, -1.0, 0.7, 2.9, 65.4], [0.1, 0.2, 0.3, 9.99, 128.5, -0.0]]
    upsert(api, name, [{"id": 1, "vector": rows}])
    got = np.asarray(api.get(f"/collections/{name}/points/1").result["vector"], dtype=np.float32)
    assert got.tolist() == stored(rows, datatype, "Dot").tolist()


def test_datatype_reported_in_collection_info(api, collection_factory):
    name = collection_factory({"vectors": {
        "a": {"size": DIM, "distance": "Dot", "datatype": "uint8"},
        "b": {"size": DIM, "distance": "Cosine", "datatype": "float16"},
        "c": {"size": DIM, "distance": "Cosine", "datatype": "float32"}}})
    vectors = api.get(f"/collections/{name}").result["config"]["params"]["vectors"]
    assert vectors["a"]["datatype"] == "uint8"
    assert vectors["b"]["datatype"] == "float16"
    assert vectors["c"]["datatype"] == "float32"


# --- scoring -----------------------------------------------------------------------------------

@pytest.mark.parametrize("distance", DISTANCES)
@pytest.mark.parametrize("datatype", ["uint8", "float16"])
def test_search_scores_on_converted_values(api, collection_factory, datatype, distance):
    name = _create(collection_factory, datatype, distance)
    low, high = (0.0, 40.0) if datatype == "uint8" else (-2.0, 2.0)
    vectors = {i + 1: v for i, v in enumerate(_vectors(11, 30, low, high))}
    upsert(api, name, [{"id": pid, "vector": v} for pid, v in vectors.items()])
    query = [12.7, 3.2, 0.9, 25.5, 7.01, 19.99] if datatype == "uint8" else \
        [0.33, -1.2, 0.71, 0.05, -0.4, 1.9]
    for exact in (True, False):
        points = api.post(f"/collections/{name}/points/query", json={
            "query": query, "limit": 5, "params": {"exact": exact}}).result["points"]
        assert_ranking(points, oracle(query, vectors, datatype, distance, 5),
                       oracle_scores(query, vectors, datatype, distance))


@pytest.mark.parametrize("datatype", ["uint8", "float16"])
def test_indexed_search_on_datatypes(api, collection_factory, datatype):
    name = collection_factory({
        "vectors": {"size": DIM, "distance": "Euclid", "datatype": datatype},
        "hnsw_config": {"m": 16, "ef_construct": 100, "full_scan_threshold": 10},
        "optimizers_config": {"indexing_threshold": 10}})
    low, high = (0.0, 200.0) if datatype == "uint8" else (-3.0, 3.0)
    vectors = {i + 1: v for i, v in enumerate(_vectors(5, 600, low, high))}
    for start in range(0, 600, 200):
        upsert(api, name, [{"id": pid, "vector": vectors[pid]}
                           for pid in range(start + 1, start + 201)])
    query = vectors[17]
    expected = oracle(query, vectors, datatype, "Euclid", 5)
    points = api.post(f"/collections/{name}/points/query", json={
        "query": query, "limit": 5, "params": {"hnsw_ef": 256}}).result["points"]
    assert_ranking(points, expected, oracle_scores(query, vectors, datatype, "Euclid"))


# --- the official Python client ----------------------------------------------------------------

@pytest.fixture
def client(make_qdrant_client):
    qdrant = make_qdrant_client(timeout=30)
    yield qdrant
    qdrant.close()


def test_python_client_uint8_and_float16(client, collection_name):
    client.create_collection(collection_name, vectors_config={
        "bytes": models.VectorParams(size=DIM, distance=models.Distance.DOT,
                                     datatype=models.Datatype.UINT8),
        "halves": models.VectorParams(size=DIM, distance=models.Distance.COSINE,
                                      datatype=models.Datatype.FLOAT16)})
    byte_values = [256.19, 2.5, 0.99, 100.0, 7.7, -1.0]
    half_values = [0.1, 0.2, 0.3, -0.4, 0.5, 0.6]
    client.upsert(collection_name, wait=True, points=[models.PointStruct(
        id=1, vector={"bytes": byte_values, "halves": half_values})])
    record = client.retrieve(collection_name, [1], with_vectors=True)[0]
    assert record.vector["bytes"] == stored(byte_values, "uint8", "Dot").tolist()
    assert np.asarray(record.vector["halves"], dtype=np.float32).tolist() == \
        stored(half_values, "float16", "Cosine").tolist()
    info = client.get_collection(collection_name)
    assert info.config.params.vectors["bytes"].datatype == models.Datatype.UINT8
    assert info.config.params.vectors["halves"].datatype == models.Datatype.FLOAT16
