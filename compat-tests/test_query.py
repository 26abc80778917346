"""Query API (POST /points/query and /query/batch) and the legacy /points/search routes.

Vectors are small integers so expected scores can be worked out by hand.
"""

import math

import pytest

from support.points import query_ids, upsert

POINTS = [
    {"id": 1, "vector": {"v": [1, 0], "w": [0, 0, 1]}, "payload": {"group": "a", "n": 1}},
    {"id": 2, "vector": {"v": [2, 1], "w": [0, 1, 0]}, "payload": {"group": "b", "n": 2}},
    {"id": 3, "vector": {"v": [0, 3], "w": [1, 0, 0]}, "payload": {"group": "a", "n": 3}},
    {"id": 4, "vector": {"v": [-1, -1], "w": [1, 1, 1]}, "payload": {"group": "b", "n": 4}},
    {"id": 5, "vector": {"v": [4, 4], "w": [0, 2, 0]}, "payload": {"group": "a", "n": 5}},
]


@pytest.fixture
def named(api, collection_factory):
    name = collection_factory({"vectors": {"v": {"size": 2, "distance": "Dot"},
                                           "w": {"size": 3, "distance": "Euclid"}}})
    upsert(api, name, POINTS)
    return name


def _query(api, name, body):
    return api.post(f"/collections/{name}/points/query", json=body).result["points"]


def test_nearest_by_vector_orders_by_dot_score(api, named):
    points = _query(api, named, {"query": [1, 1], "using": "v", "limit": 3})
    assert points[0]["id"] == 5 and points[0]["score"] == 8.0
    assert {p["id"] for p in points[1:]} == {2, 3}  # tied at 3.0
    assert [p["score"] for p in points[1:]] == [3.0, 3.0]
    assert points[0]["version"] >= 0
    assert points[0].get("payload") is None and points[0].get("vector") is None


def test_nearest_explicit_form_and_euclid_scores_are_distances(api, named):
    points = _query(api, named, {"query": {"nearest": [0, 1, 0]}, "using": "w", "limit": 2})
    assert [p["id"] for p in points] == [2, 5]
    assert points[0]["score"] == pytest.approx(0.0)
    assert points[1]["score"] == pytest.approx(1.0)


def test_query_by_point_id_uses_its_vector_and_excludes_it(api, named):
    ids = query_ids(api, named, {"query": 2, "using": "w", "limit": 2})
    assert 2 not in ids
    assert ids[0] == 5  # [0,2,0] is the closest to point 2's [0,1,0]


def test_filter_limit_offset(api, named):
    body = {"query": [1, 1], "using": "v", "limit": 2, "offset": 1,
            "filter": {"must": [{"key": "group", "match": {"value": "a"}}]}}
    assert query_ids(api, named, body) == [3, 1]


def test_score_threshold_dot_keeps_scores_strictly_above(api, named):
    points = _query(api, named, {"query": [1, 1], "using": "v", "score_threshold": 3.0})
    assert sorted(p["id"] for p in points) == [5]  # 3.0 itself is excluded
    points = _query(api, named, {"query": [1, 1], "using": "v", "score_threshold": 2.5})
    assert sorted(p["id"] for p in points) == [2, 3, 5]


def test_score_threshold_euclid_keeps_distances_strictly_below(api, named):
    points = _query(api, named, {"query": [0, 1, 0], "using": "w", "score_threshold": 1.0})
    assert sorted(p["id"] for p in points) == [2]  # distance 1.0 itself is excluded
    points = _query(api, named, {"query": [0, 1, 0], "using": "w", "score_threshold": 1.2})
    assert sorted(p["id"] for p in points) == [2, 5]


def test_with_payload_and_with_vector_selectors(api, named):
    body = {"query": [1, 0], "using": "v", "limit": 1, "with_payload": ["n"], "with_vector": ["w"]}
    point = _query(api, named, body)[0]
    assert point["id"] == 5
    assert point["payload"] == {"n": 5}
    assert point["vector"] == {"w": [0.0, 2.0, 0.0]}


def test_exact_and_hnsw_ef_params_are_accepted(api, named):
    body = {"query": [1, 1], "using": "v", "limit": 1, "params": {"exact": True, "hnsw_ef": 64}}
    assert query_ids(api, named, body) == [5]


def test_query_without_query_returns_points_in_id_order(api, named):
    assert query_ids(api, named, {"limit": 3}) == [1, 2, 3]


def test_query_batch_answers_each_search_in_order(api, named):
    body = {"searches": [
        {"query": [1, 1], "using": "v", "limit": 1},
        {"query": [0.1, 0.1, 1], "using": "w", "limit": 2, "with_payload": True},
    ]}
    results = api.post(f"/collections/{named}/points/query/batch", json=body).result
    assert [[p["id"] for p in r["points"]] for r in results] == [[5], [1, 4]]
    assert results[1]["points"][0]["payload"] == {"group": "a", "n": 1}


def test_query_unknown_vector_name_is_400(api, named):
    response = api.post(f"/collections/{named}/points/query",
                        json={"query": [1, 1], "using": "nope"}).expect(400)
    assert response.error == "Wrong input: Not existing vector name error: nope"


def test_query_dimension_mismatch_is_400(api, named):
    response = api.post(f"/collections/{named}/points/query",
                        json={"query": [1, 1, 1], "using": "v"}).expect(400)
    assert response.error == "Wrong input: Vector dimension error: expected dim: 2, got 3"


@pytest.fixture
def single(api, collection_factory):
    name = collection_factory({"vectors": {"size": 2, "distance": "Cosine"}})
    upsert(api, name, [
        {"id": i, "vector": [math.cos(i / 4), math.sin(i / 4)], "payload": {"i": i}}
        for i in range(8)
    ])
    return name


def test_legacy_search_returns_scored_points(api, single):
    result = api.post(f"/collections/{single}/points/search",
                      json={"vector": [1, 0], "limit": 3, "with_payload": True}).result
    assert [p["id"] for p in result] == [0, 1, 2]
    assert result[0]["score"] == pytest.approx(1.0, abs=1e-5)
    assert result[1]["score"] == pytest.approx(math.cos(0.25), abs=1e-5)
    assert result[2]["payload"] == {"i": 2}


def test_legacy_search_with_filter_offset_and_threshold(api, single):
    body = {"vector": [1, 0], "limit": 10, "offset": 1, "score_threshold": math.cos(1.3),
            "filter": {"must_not": [{"key": "i", "match": {"value": 2}}]}}
    result = api.post(f"/collections/{single}/points/search", json=body).result
    assert [p["id"] for p in result] == [1, 3, 4, 5]


def test_legacy_search_named_vector(api, named):
    body = {"vector": {"name": "w", "vector": [1, 0, 0]}, "limit": 1}
    assert [p["id"] for p in api.post(f"/collections/{named}/points/search", json=body).result] == [3]


def test_legacy_search_batch(api, single):
    body = {"searches": [{"vector": [1, 0], "limit": 1}, {"vector": [0, 1], "limit": 2}]}
    result = api.post(f"/collections/{single}/points/search/batch", json=body).result
    assert [[p["id"] for p in r] for r in result] == [[0], [6, 7]]
