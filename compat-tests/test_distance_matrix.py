"""The distance matrix API (POST /points/search/matrix/pairs and /offsets) against an oracle.

Qdrant samples `sample` points (default 10) among those passing the filter that hold the vector
`using`, sorts them by id, and for each finds its `limit` (default 3) nearest among the sample,
itself excluded, scored as a nearest query on that vector: cosine similarity, dot product, or
the Euclid / Manhattan distance (smaller first). The oracle recomputes every row with numpy from
the ids the server sampled.
"""

import uuid

import numpy as np
import pytest

from support.points import WAIT, upsert

DIM = 6


def _vectors(count, seed):
    rng = np.random.default_rng(seed)
    return rng.normal(size=(count, DIM)).astype(np.float32)


def _score(distance, a, b):
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    if distance == "Cosine":
        return float(a @ b / (np.linalg.norm(a) * np.linalg.norm(b)))
    if distance == "Dot":
        return float(a @ b)
    if distance == "Euclid":
        return float(np.linalg.norm(a - b))
    return float(np.abs(a - b).sum())


def _oracle_rows(ids, vectors_by_id, distance, limit):
    """For each sampled id (in the given order): [(neighbour id, score)] best first."""
    smaller_first = distance in ("Euclid", "Manhattan")
    rows = []
    for a in ids:
        scored = [(b, _score(distance, vectors_by_id[a], vectors_by_id[b])) for b in ids if b != a]
        scored.sort(key=lambda pair: pair[1], reverse=not smaller_first)
        rows.append(scored[:limit])
    return rows


def _id_key(point_id):
    return (1, uuid.UUID(point_id).bytes) if isinstance(point_id, str) else (0, point_id)


def _check_pairs(pairs, ids, vectors_by_id, distance, limit):
    expected = [(a, b, s) for a, row in zip(ids, _oracle_rows(ids, vectors_by_id, distance, limit))
                for b, s in row]
    assert [(p["a"], p["b"]) for p in pairs] == [(a, b) for a, b, _ in expected]
    for pair, (_, _, score) in zip(pairs, expected):
        assert pair["score"] == pytest.approx(score, rel=1e-4, abs=1e-5)


def _sampled_ids_of_pairs(pairs):
    return sorted({p["a"] for p in pairs}, key=_id_key)


def _make(api, collection_factory, distance, count, seed=1, ids=None):
    name = collection_factory({"vectors": {"size": DIM, "distance": distance}})
    vectors = _vectors(count, seed)
    ids = ids or list(range(1, count + 1))
    upsert(api, name, [{"id": i, "vector": v.tolist(), "payload": {"group": k % 3}}
                       for k, (i, v) in enumerate(zip(ids, vectors))])
    return name, dict(zip(ids, vectors))


@pytest.mark.parametrize("distance", ["Cosine", "Dot", "Euclid", "Manhattan"])
def test_pairs_of_whole_collection_match_oracle(api, collection_factory, distance):
    name, vectors = _make(api, collection_factory, distance, 25, seed=3)
    result = api.post(f"/collections/{name}/points/search/matrix/pairs",
                      json={"sample": 25, "limit": 4}).result
    ids = sorted(vectors)
    assert _sampled_ids_of_pairs(result["pairs"]) == ids
    _check_pairs(result["pairs"], ids, vectors, distance, 4)


def test_offsets_of_whole_collection_match_oracle(api, collection_factory):
    name, vectors = _make(api, collection_factory, "Euclid", 15, seed=5)
    result = api.post(f"/collections/{name}/points/search/matrix/offsets",
                      json={"sample": 100, "limit": 2}).result
    ids = sorted(vectors)
    assert result["ids"] == ids
    rows = _oracle_rows(ids, vectors, "Euclid", 2)
    assert result["offsets_row"] == [r for r, row in enumerate(rows) for _ in row]
    assert result["offsets_col"] == [ids.index(b) for row in rows for b, _ in row]
    assert result["scores"] == pytest.approx([s for row in rows for _, s in row], rel=1e-4)


def test_defaults_sample_ten_and_three_neighbours(api, collection_factory):
    name, vectors = _make(api, collection_factory, "Cosine", 30, seed=7)
    result = api.post(f"/collections/{name}/points/search/matrix/offsets", json={}).result
    ids = result["ids"]
    assert len(ids) == 10 and ids == sorted(ids) and set(ids) <= set(vectors)
    assert len(result["scores"]) == 30
    rows = _oracle_rows(ids, vectors, "Cosine", 3)
    assert result["offsets_col"] == [ids.index(b) for row in rows for b, _ in row]
    assert result["scores"] == pytest.approx([s for row in rows for _, s in row], rel=1e-4)


def test_sample_is_taken_among_filtered_points(api, collection_factory):
    name, vectors = _make(api, collection_factory, "Dot", 30, seed=9)
    group_one = {i for k, i in enumerate(sorted(vectors)) if k % 3 == 1}
    body = {"sample": 6, "limit": 2, "filter": {"must": [{"key": "group", "match": {"value": 1}}]}}
    pairs = api.post(f"/collections/{name}/points/search/matrix/pairs", json=body).result["pairs"]
    ids = _sampled_ids_of_pairs(pairs)
    assert len(ids) == 6 and set(ids) <= group_one
    _check_pairs(pairs, ids, vectors, "Dot", 2)


def test_using_names_a_vector_and_skips_points_without_it(api, collection_factory):
    name = collection_factory({"vectors": {"text": {"size": DIM, "distance": "Cosine"},
                                           "image": {"size": DIM, "distance": "Euclid"}}})
    text, image = _vectors(12, 11), _vectors(12, 12)
    points = [{"id": i + 1, "vector": {"text": text[i].tolist(), "image": image[i].tolist()}}
              for i in range(8)]
    points += [{"id": i + 1, "vector": {"text": text[i].tolist()}} for i in range(8, 12)]
    upsert(api, name, points)
    pairs = api.post(f"/collections/{name}/points/search/matrix/pairs",
                     json={"sample": 50, "limit": 3, "using": "image"}).result["pairs"]
    ids = list(range(1, 9))
    assert _sampled_ids_of_pairs(pairs) == ids
    _check_pairs(pairs, ids, {i + 1: image[i] for i in range(8)}, "Euclid", 3)


def test_uuid_and_integer_ids_are_sorted_numbers_first(api, collection_factory):
    ids = [7, str(uuid.UUID(int=5)), 3, str(uuid.UUID(int=2 ** 100)), 11]
    name, vectors = _make(api, collection_factory, "Cosine", 5, seed=13, ids=ids)
    result = api.post(f"/collections/{name}/points/search/matrix/offsets",
                      json={"sample": 5, "limit": 4}).result
    expected = sorted(ids, key=_id_key)
    assert result["ids"] == expected
    rows = _oracle_rows(expected, vectors, "Cosine", 4)
    assert result["offsets_col"] == [expected.index(b) for row in rows for b, _ in row]


def test_limit_larger_than_sample_gives_every_other_point(api, collection_factory):
    name, vectors = _make(api, collection_factory, "Cosine", 4, seed=17)
    pairs = api.post(f"/collections/{name}/points/search/matrix/pairs",
                     json={"sample": 4, "limit": 10}).result["pairs"]
    assert len(pairs) == 12
    _check_pairs(pairs, sorted(vectors), vectors, "Cosine", 10)


def test_fewer_than_two_points_give_an_empty_matrix(api, collection_factory):
    name, _ = _make(api, collection_factory, "Cosine", 1, seed=19)
    pairs = api.post(f"/collections/{name}/points/search/matrix/pairs", json={}).result
    assert pairs == {"pairs": []}
    offsets = api.post(f"/collections/{name}/points/search/matrix/offsets", json={}).result
    assert offsets == {"offsets_row": [], "offsets_col": [], "scores": [], "ids": []}


@pytest.mark.parametrize("body, field", [({"sample": 1}, "sample"), ({"limit": 0}, "limit")])
def test_sample_and_limit_bounds_are_validated(api, collection_factory, body, field):
    name, _ = _make(api, collection_factory, "Cosine", 3)
    for shape in ("pairs", "offsets"):
        response = api.post(f"/collections/{name}/points/search/matrix/{shape}", json=body)
        assert response.status == 422
        assert field in response.error


def test_unknown_vector_and_missing_collection(api, collection_factory):
    name, _ = _make(api, collection_factory, "Cosine", 3)
    response = api.post(f"/collections/{name}/points/search/matrix/pairs", json={"using": "nope"})
    assert response.status == 400
    # The matrix looks the name up in the configuration: Qdrant's wording for a collection of
    # the one unnamed vector.
    assert response.error == "Wrong input: Vector with name nope is not configured in this collection"
    response = api.post(f"/collections/{name}_missing/points/search/matrix/offsets", json={})
    assert response.status == 404


def test_python_client_matrix_pairs_and_offsets(api, collection_factory, make_qdrant_client):
    from qdrant_client import models

    name, vectors = _make(api, collection_factory, "Dot", 12, seed=23)
    client = make_qdrant_client()
    pairs = client.search_matrix_pairs(name, sample=12, limit=2).pairs
    ids = sorted(vectors)
    _check_pairs([{"a": p.a, "b": p.b, "score": p.score} for p in pairs], ids, vectors, "Dot", 2)
    offsets = client.search_matrix_offsets(
        name, sample=5, limit=1,
        query_filter=models.Filter(must=[models.FieldCondition(
            key="group", match=models.MatchValue(value=0))]))
    assert len(offsets.ids) == 4  # ids 1, 4, 7, 10 are in group 0
    rows = _oracle_rows(offsets.ids, vectors, "Dot", 1)
    assert offsets.offsets_col == [offsets.ids.index(b) for row in rows for b, _ in row]
    assert offsets.scores == pytest.approx([s for row in rows for _, s in row], rel=1e-4)


def test_sparse_vector_matrix_scores_are_dot_products(api, collection_factory):
    name = collection_factory({"sparse_vectors": {"words": {}}})
    rng = np.random.default_rng(29)
    sparse = {}
    for point_id in range(1, 9):
        # index 0 in every point: every pair overlaps, so every score is positive
        indices = [0] + sorted((rng.choice(11, size=3, replace=False) + 1).tolist())
        sparse[point_id] = dict(zip(indices, rng.uniform(0.1, 2.0, size=4).round(3).tolist()))
    upsert(api, name, [{"id": i, "vector": {"words": {"indices": list(v), "values": list(v.values())}}}
                       for i, v in sparse.items()])
    dense = {i: np.array([v.get(k, 0.0) for k in range(12)]) for i, v in sparse.items()}
    pairs = api.post(f"/collections/{name}/points/search/matrix/pairs",
                     json={"sample": 8, "limit": 2, "using": "words"}).result["pairs"]
    ids = sorted(sparse)
    expected = list(zip(ids, _oracle_rows(ids, dense, "Dot", 2)))
    assert [(p["a"], p["b"]) for p in pairs] == [(a, b) for a, row in expected for b, _ in row]
    scores = [s for _, row in expected for _, s in row]
    assert [p["score"] for p in pairs] == pytest.approx(scores, rel=1e-4)
