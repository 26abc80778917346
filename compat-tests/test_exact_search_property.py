"""Property test: exact search equals a numpy brute force for every distance, filtered or not.

Random float32 data with a fixed seed per distance; the reference ranks all points with Qdrant's
score conventions (Cosine and Dot: higher is better; Euclid and Manhattan: the distance itself,
lower is better). Near-ties may legitimately swap ids, so the check compares the score sequence
and then that every returned id really has the score it was returned with.
"""

import numpy as np
import pytest

from support.points import upsert

POINT_COUNT = 300
DIMENSION = 16
TOP_K = 10
QUERY_COUNT = 6
SEEDS = {"Cosine": 11, "Dot": 12, "Euclid": 13, "Manhattan": 14}


def reference_scores(distance: str, vectors: np.ndarray, query: np.ndarray) -> np.ndarray:
    vectors = vectors.astype(np.float64)
    query = query.astype(np.float64)
    if distance == "Cosine":
        vectors = vectors / np.linalg.norm(vectors, axis=1, keepdims=True)
        query = query / np.linalg.norm(query)
        return vectors @ query
    if distance == "Dot":
        return vectors @ query
    if distance == "Euclid":
        return np.sqrt(((vectors - query) ** 2).sum(axis=1))
    if distance == "Manhattan":
        return np.abs(vectors - query).sum(axis=1)
    raise ValueError(distance)


def higher_is_better(distance: str) -> bool:
    return distance in ("Cosine", "Dot")


def expected_top(distance, vectors, query, allowed_mask, limit):
    scores = reference_scores(distance, vectors, query)
    candidates = np.flatnonzero(allowed_mask)
    order = np.argsort(-scores[candidates] if higher_is_better(distance) else scores[candidates],
                       kind="stable")
    chosen = candidates[order[:limit]]
    return scores, [float(scores[i]) for i in chosen]


@pytest.fixture(params=["Cosine", "Dot", "Euclid", "Manhattan"])
def random_collection(request, api, collection_factory):
    distance = request.param
    rng = np.random.default_rng(SEEDS[distance])
    vectors = rng.normal(size=(POINT_COUNT, DIMENSION)).astype(np.float32)
    buckets = rng.integers(0, 5, size=POINT_COUNT)
    weights = rng.uniform(0, 100, size=POINT_COUNT).round(3)
    name = collection_factory({"vectors": {"size": DIMENSION, "distance": distance}})
    points = [{"id": i + 1, "vector": [float(x) for x in vectors[i]],
               "payload": {"bucket": int(buckets[i]), "weight": float(weights[i])}}
              for i in range(POINT_COUNT)]
    for start in range(0, POINT_COUNT, 100):
        upsert(api, name, points[start:start + 100])
    queries = rng.normal(size=(QUERY_COUNT, DIMENSION)).astype(np.float32)
    return distance, name, vectors, buckets, weights, queries


FILTERS = {
    "none": (None, lambda buckets, weights: np.ones(len(buckets), dtype=bool)),
    "bucket_any": ({"must": [{"key": "bucket", "match": {"any": [1, 3]}}]},
                   lambda buckets, weights: np.isin(buckets, [1, 3])),
    "range_and_not": ({"must": [{"key": "weight", "range": {"gte": 20.0, "lt": 70.0}}],
                       "must_not": [{"key": "bucket", "match": {"value": 0}}]},
                      lambda buckets, weights: (weights >= 20) & (weights < 70) & (buckets != 0)),
}


@pytest.mark.parametrize("filter_name", sorted(FILTERS))
def test_exact_search_matches_numpy_brute_force(api, random_collection, filter_name):
    distance, name, vectors, buckets, weights, queries = random_collection
    filter_, mask_of = FILTERS[filter_name]
    mask = mask_of(buckets, weights)
    searches = []
    for query in queries:
        search = {"query": [float(x) for x in query], "limit": TOP_K, "params": {"exact": True}}
        if filter_ is not None:
            search["filter"] = filter_
        searches.append(search)
    results = api.post(f"/collections/{name}/points/query/batch",
                       json={"searches": searches}).result
    assert len(results) == QUERY_COUNT
    tolerance = 1e-3 if distance in ("Euclid", "Manhattan", "Dot") else 1e-4
    for query, result in zip(queries, results):
        all_scores, expected_scores = expected_top(distance, vectors, query, mask, TOP_K)
        got_ids = [p["id"] for p in result["points"]]
        got_scores = [p["score"] for p in result["points"]]
        assert got_scores == pytest.approx(expected_scores, rel=tolerance, abs=tolerance)
        assert len(set(got_ids)) == len(got_ids)
        for point_id, score in zip(got_ids, got_scores):
            assert mask[point_id - 1], f"point {point_id} does not pass the filter"
            assert score == pytest.approx(all_scores[point_id - 1], rel=tolerance, abs=tolerance)


def test_exact_search_with_named_vector_and_offset(api, collection_factory):
    rng = np.random.default_rng(7)
    vectors = rng.normal(size=(120, 8)).astype(np.float32)
    name = collection_factory({"vectors": {"emb": {"size": 8, "distance": "Euclid"}}})
    upsert(api, name, [{"id": i + 1, "vector": {"emb": [float(x) for x in vectors[i]]}}
                       for i in range(120)])
    query = rng.normal(size=8).astype(np.float32)
    scores = reference_scores("Euclid", vectors, query)
    expected = [float(s) for s in np.sort(scores)[5:15]]
    body = {"query": [float(x) for x in query], "using": "emb", "limit": 10, "offset": 5,
            "params": {"exact": True}}
    got = api.post(f"/collections/{name}/points/query", json=body).result["points"]
    assert [p["score"] for p in got] == pytest.approx(expected, rel=1e-4, abs=1e-4)
