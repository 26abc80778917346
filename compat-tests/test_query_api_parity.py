"""Query API kinds, fusion, lookup_from and scores as Qdrant 1.19 computes them.

Every expected score comes from an oracle in this file: Qdrant's formulas written in numpy
(float32 where Qdrant computes in f32), run on the same random points the server holds:
- nearest: Cosine/Dot the dot product (Cosine of unit vectors), Euclid the distance;
- example queries (recommend best_score / sum_scores, discover, context) score with the raw
  metric similarity (Euclid: minus the squared distance), reported as computed;
- RRF: the point at position p (from 0) of a list weighted w adds 1 / ((p + 1) / w + k - 1), k = 2
  by default; DBSF: each list normalised by mean +- 3 sample sigmas, then summed;
- scroll-like queries (sample, order_by) score every point 1.
Ties are allowed anywhere: results are checked as a top-k whose scores match the oracle.
"""

from __future__ import annotations

import itertools
import uuid

import numpy as np
import pytest

from conftest import unique_name
from support.points import upsert

DIM = 4
COUNT = 40
WAIT = {"wait": "true"}
EPSILON = np.float32(np.finfo(np.float32).eps)


def _vectors(seed: int) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed)
    return {name: rng.uniform(-1, 1, size=(COUNT, DIM)).astype(np.float32) for name in "ecd"}


VECTORS = _vectors(7)
OTHER_VECTORS = _vectors(11)
IDS = list(range(1, COUNT + 1))
DISTANCES = {"e": "Euclid", "c": "Cosine", "d": "Dot"}


def _unit(matrix: np.ndarray) -> np.ndarray:
    return (matrix / np.linalg.norm(matrix, axis=-1, keepdims=True)).astype(np.float32)


def _points(vectors: dict[str, np.ndarray]) -> list[dict]:
    return [
        {"id": point_id,
         "vector": {name: vectors[name][i].tolist() for name in "ecd"},
         "payload": {"n": point_id * 3 % 41, "g": point_id % 3}}
        for i, point_id in enumerate(IDS)
    ]


def _create(api, name: str, vectors: dict[str, np.ndarray]) -> None:
    body = {"vectors": {n: {"size": DIM, "distance": d} for n, d in DISTANCES.items()}}
    api.put(f"/collections/{name}", json=body).expect(200)
    upsert(api, name, _points(vectors))
    api.put(f"/collections/{name}/index", json={"field_name": "n", "field_schema": "integer"},
            params=WAIT).expect(200)


@pytest.fixture(scope="module")
def collections(api):
    """(main, other): the same layout, different vectors; deleted after the module."""
    main, other = unique_name("qparity"), unique_name("qparity_other")
    _create(api, main, VECTORS)
    _create(api, other, OTHER_VECTORS)
    yield main, other
    for name in (main, other):
        api.delete(f"/collections/{name}")


# ---- oracle -------------------------------------------------------------------------------------

def _stored(vectors: dict[str, np.ndarray], name: str) -> np.ndarray:
    return _unit(vectors[name]) if name == "c" else vectors[name]


def raw_similarity(name: str, query: np.ndarray, vectors=VECTORS) -> np.ndarray:
    """Qdrant's metric similarity of every stored point to `query` (float32)."""
    stored = _stored(vectors, name)
    query = np.asarray(query, dtype=np.float32)
    if name == "e":
        return -np.sum((stored - query) ** 2, axis=1, dtype=np.float32)
    if name == "c":
        query = _unit(query)
    return (stored @ query).astype(np.float32)


def nearest_scores(name: str, query, vectors=VECTORS) -> dict[int, float]:
    sims = raw_similarity(name, query, vectors)
    if name == "e":
        sims = np.sqrt(np.abs(sims))
    return dict(zip(IDS, sims.tolist()))


def top_ids(scores: dict[int, float], limit: int, higher_is_better=True) -> list[int]:
    ordered = sorted(scores, key=lambda i: -scores[i] if higher_is_better else scores[i])
    return ordered[:limit]


def fast_sigmoid(x):
    return x / (1.0 + np.abs(x))


def scaled_fast_sigmoid(x):
    return 0.5 * (fast_sigmoid(x) + 1.0)


def stored_vector(point_id: int, name: str, vectors=VECTORS) -> np.ndarray:
    return _stored(vectors, name)[IDS.index(point_id)]


def rrf(lists: list[list[int]], k: int = 2, weights: list[float] | None = None) -> dict[int, float]:
    fused: dict[int, float] = {}
    for index, ids in enumerate(lists):
        weight = 1.0 if weights is None else weights[index]
        for position, point_id in enumerate(ids):
            score = 0.0 if weight <= 0 else 1.0 / ((position + 1) / weight + k - 1)
            fused[point_id] = fused.get(point_id, 0.0) + score
    return fused


def dbsf(lists: list[list[tuple[int, float]]]) -> dict[int, float]:
    fused: dict[int, float] = {}
    for scored in lists:
        scores = np.array([s for _, s in scored], dtype=np.float64)
        if len(scored) == 1:
            normalised = [0.5]
        else:
            mean, sigma = scores.mean(), scores.std(ddof=1)
            low, high = mean - 3 * sigma, mean + 3 * sigma
            normalised = [0.5] * len(scored) if low == high else (scores - low) / (high - low)
        for (point_id, _), value in zip(scored, normalised):
            fused[point_id] = fused.get(point_id, 0.0) + float(value)
    return fused


def assert_top(points: list[dict], expected: dict[int, float], limit: int, higher_is_better=True,
               rel=1e-4, abs_=1e-5) -> None:
    """The points are a best-first top-`limit` of `expected`, each with its expected score."""
    assert len(points) == min(limit, len(expected)), points
    got = [p["score"] for p in points]
    for point in points:
        assert point["score"] == pytest.approx(expected[point["id"]], rel=rel, abs=abs_), point
    pairs = list(zip(got, got[1:]))
    if higher_is_better:
        assert all(a >= b - abs_ for a, b in pairs), got
    else:
        assert all(a <= b + abs_ for a, b in pairs), got
    returned = {p["id"] for p in points}
    worst = got[-1] if got else None
    for point_id, score in expected.items():
        if point_id not in returned and worst is not None:
            if higher_is_better:
                assert score <= worst + abs_ + rel * abs(worst), (point_id, score, worst)
            else:
                assert score >= worst - abs_ - rel * abs(worst), (point_id, score, worst)


def query(api, name: str, body: dict) -> list[dict]:
    return api.post(f"/collections/{name}/points/query", json=body).result["points"]


QUERY = [0.3, -0.2, 0.5, 0.1]


# ---- query by point id --------------------------------------------------------------------------

@pytest.mark.parametrize("using", ["e", "c", "d"])
def test_query_by_id_with_limit_one_returns_one_point(api, collections, using):
    main, _ = collections
    points = query(api, main, {"query": 5, "using": using, "limit": 1})
    expected = nearest_scores(using, stored_vector(5, using))
    del expected[5]
    assert_top(points, expected, 1, higher_is_better=using != "e")


def test_query_by_uuid_with_limit_one_returns_one_point(api, collection_factory):
    name = collection_factory({"vectors": {"size": 2, "distance": "Dot"}})
    ids = [str(uuid.UUID(int=i)) for i in range(1, 4)]
    upsert(api, name, [{"id": ids[0], "vector": [1, 0]}, {"id": ids[1], "vector": [2, 1]},
                       {"id": ids[2], "vector": [0, 1]}])
    points = query(api, name, {"query": ids[0], "limit": 1})
    assert [p["id"] for p in points] == [ids[1]] and points[0]["score"] == pytest.approx(2.0)


def test_query_by_id_with_offset_pages_without_the_query_point(api, collections):
    main, _ = collections
    expected = nearest_scores("d", stored_vector(9, "d"))
    del expected[9]
    order = top_ids(expected, 6)
    points = query(api, main, {"query": 9, "using": "d", "limit": 3, "offset": 3})
    assert [p["id"] for p in points] == order[3:6]


# ---- fusion -------------------------------------------------------------------------------------

def _prefetches() -> tuple[list[dict], list[list[int]], list[list[tuple[int, float]]]]:
    """Two exact prefetches (Dot and Euclid) and their oracle result lists."""
    dot_scores = nearest_scores("d", QUERY)
    euclid_scores = nearest_scores("e", QUERY)
    dot_ids = top_ids(dot_scores, 12)
    euclid_ids = top_ids(euclid_scores, 12, higher_is_better=False)
    prefetch = [
        {"query": QUERY, "using": "d", "limit": 12, "params": {"exact": True}},
        {"query": QUERY, "using": "e", "limit": 12, "params": {"exact": True}},
    ]
    scored = [[(i, dot_scores[i]) for i in dot_ids], [(i, euclid_scores[i]) for i in euclid_ids]]
    return prefetch, [dot_ids, euclid_ids], scored


@pytest.mark.parametrize("fusion", [{"fusion": "rrf"}, {"rrf": {}}, {"rrf": {"k": 5}},
                                    {"rrf": {"weights": [3.0, 1.0]}},
                                    {"rrf": {"k": 1, "weights": [0.5, 2.0]}}])
def test_rrf_scores_follow_qdrants_formula(api, collections, fusion):
    main, _ = collections
    prefetch, lists, _ = _prefetches()
    params = fusion.get("rrf", {})
    expected = rrf(lists, k=params.get("k", 2), weights=params.get("weights"))
    points = query(api, main, {"prefetch": prefetch, "query": fusion, "limit": 30})
    assert_top(points, expected, 30)


def test_rrf_top_point_of_one_list_scores_one_half(api, collections):
    main, _ = collections
    prefetch, lists, _ = _prefetches()
    points = query(api, main, {"prefetch": prefetch[:1], "query": {"fusion": "rrf"}, "limit": 1})
    assert points[0]["id"] == lists[0][0] and points[0]["score"] == pytest.approx(0.5)


def test_rrf_score_threshold_keeps_equal_scores(api, collections):
    main, _ = collections
    prefetch, lists, _ = _prefetches()
    expected = rrf(lists[:1])
    threshold = expected[lists[0][2]]  # 1/4, exactly representable
    points = query(api, main, {"prefetch": prefetch[:1], "query": {"fusion": "rrf"},
                               "score_threshold": threshold, "limit": 10})
    assert [p["id"] for p in points] == lists[0][:3]


def test_rrf_weights_must_match_the_prefetches(api, collections):
    main, _ = collections
    prefetch, _, _ = _prefetches()
    response = api.post(f"/collections/{main}/points/query",
                        json={"prefetch": prefetch, "query": {"rrf": {"weights": [1.0]}}})
    assert response.status == 400
    assert response.error == ("Wrong input: Validation failed: RRF weights length (1) does not "
                              "match number of prefetches (2)")


def test_rrf_k_must_be_at_least_one(api, collections):
    main, _ = collections
    prefetch, _, _ = _prefetches()
    response = api.post(f"/collections/{main}/points/query",
                        json={"prefetch": prefetch, "query": {"rrf": {"k": 0}}})
    assert response.status == 422
    assert "rrf.k: value 0 invalid, must be 1 or larger" in response.error


def test_root_filter_reaches_the_prefetches(api, collections):
    main, _ = collections
    in_groups = {"must": [{"key": "g", "match": {"any": [1, 2]}}]}
    scores = {i: s for i, s in nearest_scores("d", QUERY).items() if i % 3 != 0}
    body = {"prefetch": [{"query": QUERY, "using": "d", "limit": 5, "params": {"exact": True}}],
            "query": {"fusion": "rrf"}, "filter": in_groups, "limit": 10}
    assert_top(query(api, main, body), rrf([top_ids(scores, 5)]), 10)


def test_an_id_any_prefetch_refers_to_is_left_out_of_every_prefetch(api, collections):
    main, _ = collections
    vector = stored_vector(5, "d").tolist()
    body = {"prefetch": [{"query": 5, "using": "d", "limit": 6},
                         {"query": vector, "using": "d", "limit": 6, "params": {"exact": True}}],
            "query": {"fusion": "rrf"}, "limit": 20}
    scores = nearest_scores("d", vector)
    del scores[5]
    order = top_ids(scores, 6)
    assert_top(query(api, main, body), rrf([order, order]), 20)


def test_dbsf_scores_follow_qdrants_formula(api, collections):
    main, _ = collections
    prefetch, _, scored = _prefetches()
    expected = dbsf(scored)
    points = query(api, main, {"prefetch": prefetch, "query": {"fusion": "dbsf"}, "limit": 30})
    assert_top(points, expected, 30, rel=1e-3, abs_=1e-4)


@pytest.mark.parametrize("body,text", [
    ({"prefetch": [{"query": QUERY, "using": "d"}]},
     "A query is needed to merge the prefetches. Can't have prefetches without defining a query."),
    ({"query": {"order_by": "n"}, "score_threshold": 0.5},
     "Can't use score_threshold with an order_by query."),
    ({"score_threshold": 0.5},
     "A query is needed to use the score_threshold. Can't have score_threshold without defining a "
     "query."),
    ({"prefetch": [{"query": QUERY, "using": "d"}], "query": {"fusion": "rrf"}, "using": "d"},
     "Fusion queries cannot be combined with the 'using' field."),
    ({"prefetch": [{"prefetch": [{"query": QUERY, "using": "d"}]}], "query": {"fusion": "rrf"}},
     "A query is needed to merge the prefetches. Can't have prefetches without defining a query."),
])
def test_query_request_rules(api, collections, body, text):
    main, _ = collections
    response = api.post(f"/collections/{main}/points/query", json=body)
    assert response.status == 400
    assert response.error == f"Bad request: {text}"


# ---- scroll-like kinds --------------------------------------------------------------------------

def test_sample_random_scores_one(api, collections):
    main, _ = collections
    points = query(api, main, {"query": {"sample": "random"}, "limit": 7})
    assert len(points) == 7 and len({p["id"] for p in points}) == 7
    assert all(p["score"] == 1.0 for p in points)


def test_sample_random_over_prefetch_stays_in_the_prefetch(api, collections):
    main, _ = collections
    prefetch, lists, _ = _prefetches()
    points = query(api, main, {"prefetch": prefetch[:1], "query": {"sample": "random"},
                               "limit": 40})
    assert sorted(p["id"] for p in points) == sorted(lists[0])
    assert all(p["score"] == 1.0 for p in points)


def _n(point_id: int) -> int:
    return point_id * 3 % 41


def test_order_by_scores_one(api, collections):
    main, _ = collections
    points = query(api, main, {"query": {"order_by": "n"}, "limit": 5, "with_payload": True})
    assert [p["id"] for p in points] == sorted(IDS, key=_n)[:5]
    assert all(p["score"] == 1.0 for p in points)
    assert [p["order_value"] for p in points] == [_n(p["id"]) for p in points]
    assert all(isinstance(p["order_value"], int) for p in points)  # an integer index


def test_order_by_over_prefetch_orders_only_the_prefetched_points(api, collections):
    main, _ = collections
    prefetch, lists, _ = _prefetches()
    body = {"prefetch": prefetch[:1], "query": {"order_by": {"key": "n", "direction": "desc"}},
            "limit": 5}
    points = query(api, main, body)
    assert [p["id"] for p in points] == sorted(lists[0], key=_n, reverse=True)[:5]
    assert all(p["score"] == 1.0 for p in points)
    assert [p["order_value"] for p in points] == [_n(p["id"]) for p in points]


# ---- recommend / discover / context -------------------------------------------------------------

POSITIVE, NEGATIVE = [3, 17], [8, 30]


def _recommend_expected(using: str, strategy: str, positive=POSITIVE, negative=NEGATIVE,
                        vectors=VECTORS, exclude=True) -> dict[int, float]:
    pos = [raw_similarity(using, stored_vector(i, using, vectors)) for i in positive]
    neg = [raw_similarity(using, stored_vector(i, using, vectors)) for i in negative]
    if strategy == "best_score":
        best_pos = np.max(pos, axis=0) if pos else np.full(COUNT, -np.inf, np.float32)
        best_neg = np.max(neg, axis=0) if neg else np.full(COUNT, -np.inf, np.float32)
        scores = np.where(best_pos > best_neg, scaled_fast_sigmoid(best_pos),
                          -scaled_fast_sigmoid(best_neg))
    else:
        scores = np.sum(pos, axis=0) - (np.sum(neg, axis=0) if neg else 0)
    expected = dict(zip(IDS, scores.tolist()))
    if exclude:
        for i in positive + negative:
            expected.pop(i, None)
    return expected


@pytest.mark.parametrize("using", ["e", "c", "d"])
@pytest.mark.parametrize("strategy", ["best_score", "sum_scores"])
def test_recommend_scores_with_raw_similarity(api, collections, using, strategy):
    main, _ = collections
    body = {"query": {"recommend": {"positive": POSITIVE, "negative": NEGATIVE,
                                    "strategy": strategy}}, "using": using, "limit": 8}
    assert_top(query(api, main, body), _recommend_expected(using, strategy), 8)


@pytest.mark.parametrize("using", ["e", "d"])
def test_recommend_score_threshold_follows_the_distance_order(api, collections, using):
    """Qdrant checks the threshold of example-query scores as the distance orders its own
    scores: above it for Dot, and for Euclid the best-first list ends at the first score that is
    not below it."""
    main, _ = collections
    expected = _recommend_expected(using, "sum_scores")
    ranked = sorted(expected.values(), reverse=True)
    threshold = (ranked[3] + ranked[4]) / 2  # between the 4th and 5th best
    body = {"query": {"recommend": {"positive": POSITIVE, "negative": NEGATIVE,
                                    "strategy": "sum_scores"}},
            "using": using, "limit": 8, "score_threshold": threshold}
    points = query(api, main, body)
    if using == "d":
        assert_top(points, expected, 4)
    else:
        kept = [s for s in ranked[:8]]
        cut = next((i for i, s in enumerate(kept) if not s < threshold), len(kept))
        assert len(points) == cut  # 0: the best score is above the threshold
        low = {i: s for i, s in expected.items() if s < threshold}
        if cut:
            assert_top(points, low, cut)


@pytest.mark.parametrize("strategy", ["best_score", "sum_scores"])
def test_legacy_recommend_route_scores_the_same(api, collections, strategy):
    main, _ = collections
    body = {"positive": POSITIVE, "negative": NEGATIVE, "strategy": strategy, "using": "e",
            "limit": 8}
    points = api.post(f"/collections/{main}/points/recommend", json=body).result
    assert_top(points, _recommend_expected("e", strategy), 8)


def _discover_expected(using: str, target: int, pairs: list[tuple[int, int]], vectors=VECTORS,
                       exclude=True) -> dict[int, float]:
    rank = np.zeros(COUNT, dtype=np.float32)
    for p, n in pairs:
        ps = raw_similarity(using, stored_vector(p, using, vectors))
        ns = raw_similarity(using, stored_vector(n, using, vectors))
        rank += np.sign(ps - ns).astype(np.float32)
    scores = rank + scaled_fast_sigmoid(raw_similarity(using,
                                                       stored_vector(target, using, vectors)))
    expected = dict(zip(IDS, scores.tolist()))
    if exclude:
        for i in [target] + [x for pair in pairs for x in pair]:
            expected.pop(i, None)
    return expected


def _context_expected(using: str, pairs: list[tuple[int, int]]) -> dict[int, float]:
    total = np.zeros(COUNT, dtype=np.float32)
    for p, n in pairs:
        ps = raw_similarity(using, stored_vector(p, using))
        ns = raw_similarity(using, stored_vector(n, using))
        total += fast_sigmoid(np.minimum(ps - ns - EPSILON, np.float32(0)))
    expected = dict(zip(IDS, total.tolist()))
    for i in [x for pair in pairs for x in pair]:
        expected.pop(i, None)
    return expected


PAIRS = [(3, 8), (17, 30)]


def _pairs_json(pairs):
    return [{"positive": p, "negative": n} for p, n in pairs]


@pytest.mark.parametrize("using", ["e", "c", "d"])
def test_discover_scores_with_raw_similarity(api, collections, using):
    main, _ = collections
    body = {"query": {"discover": {"target": 21, "context": _pairs_json(PAIRS)}}, "using": using,
            "limit": 8}
    assert_top(query(api, main, body), _discover_expected(using, 21, PAIRS), 8)


@pytest.mark.parametrize("using", ["e", "c", "d"])
def test_context_scores_with_raw_similarity(api, collections, using):
    main, _ = collections
    body = {"query": {"context": _pairs_json(PAIRS)}, "using": using, "limit": 8}
    assert_top(query(api, main, body), _context_expected(using, PAIRS), 8)


def test_legacy_discover_route_scores_the_same(api, collections):
    main, _ = collections
    body = {"target": 21, "context": _pairs_json(PAIRS), "using": "e", "limit": 8}
    points = api.post(f"/collections/{main}/points/discover", json=body).result
    assert_top(points, _discover_expected("e", 21, PAIRS), 8)


def _only(expected: dict[int, float], ids: list[int]) -> dict[int, float]:
    return {i: s for i, s in expected.items() if i in ids}


@pytest.mark.parametrize("kind", ["best_score", "sum_scores", "average_vector", "discover",
                                  "context"])
def test_example_queries_rescore_only_their_prefetch(api, collections, kind):
    main, _ = collections
    prefetch, lists, _ = _prefetches()
    candidates = lists[0]
    if kind == "discover":
        body_query = {"discover": {"target": 21, "context": _pairs_json(PAIRS)}}
        expected = _discover_expected("e", 21, PAIRS)
    elif kind == "context":
        body_query = {"context": _pairs_json(PAIRS)}
        expected = _context_expected("e", PAIRS)
    elif kind == "average_vector":
        body_query = {"recommend": {"positive": POSITIVE, "negative": NEGATIVE}}
        pos = np.mean([stored_vector(i, "e") for i in POSITIVE], axis=0)
        neg = np.mean([stored_vector(i, "e") for i in NEGATIVE], axis=0)
        expected = nearest_scores("e", pos + pos - neg)
        for i in POSITIVE + NEGATIVE:
            expected.pop(i, None)
    else:
        body_query = {"recommend": {"positive": POSITIVE, "negative": NEGATIVE, "strategy": kind}}
        expected = _recommend_expected("e", kind)
    body = {"prefetch": prefetch[:1], "query": body_query, "using": "e", "limit": 5}
    points = query(api, main, body)
    assert {p["id"] for p in points} <= set(candidates)
    assert_top(points, _only(expected, candidates), 5, higher_is_better=kind != "average_vector")


# ---- lookup_from --------------------------------------------------------------------------------

def test_query_by_id_with_lookup_from_reads_the_other_collection(api, collections):
    main, other = collections
    body = {"query": 5, "using": "d", "lookup_from": {"collection": other}, "limit": 3}
    expected = nearest_scores("d", stored_vector(5, "d", OTHER_VECTORS))  # point 5 not excluded
    assert_top(query(api, main, body), expected, 3)


def test_lookup_from_vector_names_the_other_collections_vector(api, collections):
    main, other = collections
    body = {"query": 5, "using": "c", "lookup_from": {"collection": other, "vector": "d"},
            "limit": 3}
    expected = nearest_scores("c", stored_vector(5, "d", OTHER_VECTORS))
    assert_top(query(api, main, body), expected, 3)


@pytest.mark.parametrize("strategy", ["best_score", "sum_scores"])
def test_recommend_with_lookup_from(api, collections, strategy):
    main, other = collections
    body = {"query": {"recommend": {"positive": POSITIVE, "negative": NEGATIVE,
                                    "strategy": strategy}},
            "using": "e", "lookup_from": {"collection": other}, "limit": 8}
    pos = [raw_similarity("e", stored_vector(i, "e", OTHER_VECTORS)) for i in POSITIVE]
    neg = [raw_similarity("e", stored_vector(i, "e", OTHER_VECTORS)) for i in NEGATIVE]
    if strategy == "best_score":
        best_pos, best_neg = np.max(pos, axis=0), np.max(neg, axis=0)
        scores = np.where(best_pos > best_neg, scaled_fast_sigmoid(best_pos),
                          -scaled_fast_sigmoid(best_neg))
    else:
        scores = np.sum(pos, axis=0) - np.sum(neg, axis=0)
    assert_top(query(api, main, body), dict(zip(IDS, scores.tolist())), 8)


def test_legacy_recommend_with_lookup_from(api, collections):
    main, other = collections
    body = {"positive": [5], "using": "d", "lookup_from": {"collection": other, "vector": "d"},
            "limit": 3}
    points = api.post(f"/collections/{main}/points/recommend", json=body).result
    expected = nearest_scores("d", stored_vector(5, "d", OTHER_VECTORS))
    assert_top(points, expected, 3)


@pytest.mark.parametrize("route", ["recommend", "recommend/groups", "discover"])
def test_legacy_lookup_from_without_vector_reads_the_default_vector(api, collections, route):
    """The legacy routes read the lookup collection's default (unnamed) vector when
    lookup_from.vector is absent, not `using` as the Query API does; these collections have
    only named vectors."""
    main, other = collections
    body = {"using": "d", "lookup_from": {"collection": other}, "limit": 3}
    if route == "discover":
        body.update(target=5, context=[{"positive": 6, "negative": 7}])
    else:
        body.update(positive=[5])
    if route.endswith("groups"):
        body.update(group_by="g", group_size=1)
    response = api.post(f"/collections/{main}/points/{route}", json=body)
    assert response.status == 400
    assert response.error == "Wrong input: Not existing vector name error: "


def test_discover_with_lookup_from(api, collections):
    main, other = collections
    body = {"query": {"discover": {"target": 21, "context": _pairs_json(PAIRS)}}, "using": "e",
            "lookup_from": {"collection": other}, "limit": 8}
    expected = _discover_expected("e", 21, PAIRS, vectors=OTHER_VECTORS, exclude=False)
    assert_top(query(api, main, body), expected, 8)


def test_lookup_from_in_a_prefetch(api, collections):
    main, other = collections
    body = {"prefetch": [{"query": 5, "using": "d", "lookup_from": {"collection": other},
                          "limit": 6}],
            "query": {"fusion": "rrf"}, "limit": 6}
    expected = nearest_scores("d", stored_vector(5, "d", OTHER_VECTORS))
    order = top_ids(expected, 6)
    assert_top(query(api, main, body), rrf([order]), 6)


def test_query_batch_with_lookup_from(api, collections):
    main, other = collections
    searches = [{"query": 5, "using": "d", "lookup_from": {"collection": other}, "limit": 3},
                {"query": 5, "using": "d", "limit": 3}]
    results = api.post(f"/collections/{main}/points/query/batch",
                       json={"searches": searches}).result
    from_other = nearest_scores("d", stored_vector(5, "d", OTHER_VECTORS))
    own = nearest_scores("d", stored_vector(5, "d"))
    del own[5]
    assert_top(results[0]["points"], from_other, 3)
    assert_top(results[1]["points"], own, 3)


def test_lookup_from_the_queried_collection_still_leaves_the_example_out(api, collections):
    main, _ = collections
    body = {"query": 5, "using": "c", "lookup_from": {"collection": main, "vector": "d"},
            "limit": 40}
    expected = nearest_scores("c", stored_vector(5, "d"))
    del expected[5]
    assert_top(query(api, main, body), expected, 40)


def test_recommend_groups_with_lookup_from(api, collections):
    main, other = collections
    body = {"positive": [5], "strategy": "sum_scores", "using": "d",
            "lookup_from": {"collection": other, "vector": "d"}, "group_by": "g",
            "group_size": 2, "limit": 3}
    groups = api.post(f"/collections/{main}/points/recommend/groups", json=body).result["groups"]
    scores = raw_similarity("d", stored_vector(5, "d", OTHER_VECTORS))
    expected = dict(zip(IDS, scores.tolist()))
    assert sorted(g["id"] for g in groups) == [0, 1, 2]
    for group in groups:
        members = {i: s for i, s in expected.items() if i % 3 == group["id"]}
        assert_top(group["hits"], members, 2)


def test_missing_lookup_collection_is_not_found(api, collections):
    main, _ = collections
    missing = unique_name("missing")
    for body in ({"query": 5, "lookup_from": {"collection": missing}, "using": "d"},
                 {"prefetch": [{"query": {"recommend": {"positive": [5]}}, "using": "d",
                                "lookup_from": {"collection": missing}}],
                  "query": {"fusion": "rrf"}}):
        response = api.post(f"/collections/{main}/points/query", json=body)
        assert response.status == 404
        assert response.error == f"Not found: Collection {missing} not found"


def test_missing_lookup_collection_is_not_found_even_when_the_query_gives_only_vectors(
        api, collections):
    """Qdrant checks that every lookup_from collection of the request exists (any level)
    before it runs the query, whether or not a point id is looked up there."""
    main, _ = collections
    missing = unique_name("missing")
    for body in ({"query": QUERY, "using": "d", "lookup_from": {"collection": missing}},
                 {"prefetch": [{"prefetch": [{"query": QUERY, "using": "d",
                                              "lookup_from": {"collection": missing}}],
                                "query": QUERY, "using": "d"}],
                  "query": {"fusion": "rrf"}}):
        response = api.post(f"/collections/{main}/points/query", json=body)
        assert response.status == 404
        assert response.error == f"Not found: Collection {missing} not found"


def test_missing_point_in_lookup_collection_is_not_found(api, collections):
    main, other = collections
    body = {"query": 999, "using": "d", "lookup_from": {"collection": other}}
    response = api.post(f"/collections/{main}/points/query", json=body)
    assert response.status == 404
    assert "No point with id 999 found" in response.error


# ---- groups -------------------------------------------------------------------------------------

def test_groups_with_lookup_from_and_with_lookup(api, collections):
    main, other = collections
    body = {"query": 5, "using": "d", "lookup_from": {"collection": other}, "group_by": "g",
            "group_size": 2, "limit": 3, "with_lookup": {"collection": other,
                                                          "with_payload": True}}
    groups = api.post(f"/collections/{main}/points/query/groups", json=body).result["groups"]
    expected = nearest_scores("d", stored_vector(5, "d", OTHER_VECTORS))
    assert sorted(g["id"] for g in groups) == [0, 1, 2]
    for group in groups:
        members = {i: s for i, s in expected.items() if i % 3 == group["id"]}
        assert_top(group["hits"], members, 2)
        if group["id"] == 0:
            assert "lookup" not in group or group["lookup"] is None  # no point 0
        else:
            assert group["lookup"]["id"] == group["id"]
            assert group["lookup"]["payload"] == {"n": _n(group["id"]), "g": group["id"] % 3}


def test_groups_with_missing_lookup_collection_is_not_found(api, collections):
    main, _ = collections
    missing = unique_name("missing")
    body = {"query": QUERY, "using": "d", "group_by": "g", "limit": 3, "group_size": 1,
            "with_lookup": missing}
    response = api.post(f"/collections/{main}/points/query/groups", json=body)
    assert response.status == 404
    assert f"Collection {missing} not found" in response.error


NOT_CONFIGURED = ("Wrong input: Vector with name `nope` is not configured in this collection, "
                  "available names: c, d, e")
NOT_EXISTING = "Wrong input: Not existing vector name error: nope"


@pytest.mark.parametrize("route,body,error", [
    ("query/groups", {"query": QUERY, "using": "nope"}, NOT_CONFIGURED),
    ("query/groups", {"query": {"recommend": {"positive": [QUERY]}}, "using": "nope"},
     NOT_CONFIGURED),
    ("query/groups", {"query": QUERY},
     "Wrong input: Collection requires specified vector name in the request, available names: "
     "c, d, e"),
    ("search/groups", {"vector": {"name": "nope", "vector": QUERY}}, NOT_CONFIGURED),
    ("recommend/groups", {"positive": [QUERY], "using": "nope"}, NOT_CONFIGURED),
    # point ids are resolved before the distance is asked; best_score is not distance-scored
    ("query/groups", {"query": 5, "using": "nope"}, NOT_EXISTING),
    ("recommend/groups", {"positive": [5], "using": "nope"}, NOT_EXISTING),
])
def test_groups_with_an_unknown_vector_name(api, collections, route, body, error):
    main, _ = collections
    body = {**body, "group_by": "g", "limit": 3, "group_size": 1}
    response = api.post(f"/collections/{main}/points/{route}", json=body)
    assert response.status == 400
    assert response.error == error


def test_groups_lookup_pairs_uuid_group_ids_by_their_canonical_text(api, collection_factory):
    """Qdrant matches looked-up points to groups by the point id's canonical text: a group id
    holding the same UUID in capitals or without hyphens gets no lookup."""
    points_of = collection_factory({"vectors": {"size": 2, "distance": "Dot"}})
    lookup = collection_factory({"vectors": {"size": 2, "distance": "Dot"}})
    target = uuid.UUID(int=0xABCDEF)
    upsert(api, lookup, [{"id": str(target), "vector": [1, 0], "payload": {"name": "target"}}])
    spellings = [str(target), str(target).upper(), target.hex]
    upsert(api, points_of, [{"id": i + 1, "vector": [1, float(i)], "payload": {"ref": ref}}
                            for i, ref in enumerate(spellings)])
    body = {"query": [0, 1], "group_by": "ref", "limit": 3, "group_size": 1,
            "with_lookup": lookup}
    groups = api.post(f"/collections/{points_of}/points/query/groups", json=body).result["groups"]
    lookups = {g["id"]: g.get("lookup") for g in groups}
    assert set(lookups) == set(spellings)
    assert lookups[str(target)]["payload"] == {"name": "target"}
    assert lookups[str(target).upper()] is None and lookups[target.hex] is None


def _feedback_expected(using: str, target: int, feedback: list[tuple[int, float]], a: float,
                       b: float, c: float) -> dict[int, float]:
    """Qdrant's naive relevance feedback: a * sim(target) plus, for every ordered pair
    (pos, neg) of feedback items with pos.score - neg.score > 0 (itertools' 2-permutations),
    (score gap)^b * c * (sim(pos) - sim(neg)), in float32."""
    scores = np.float32(a) * raw_similarity(using, stored_vector(target, using))
    for pos, neg in itertools.permutations(feedback, 2):
        gap = np.float32(pos[1]) - np.float32(neg[1])
        if gap <= 0:
            continue
        weight = np.float32(gap) ** np.float32(b) * np.float32(c)
        scores = scores + weight * (raw_similarity(using, stored_vector(pos[0], using))
                                    - raw_similarity(using, stored_vector(neg[0], using)))
    expected = dict(zip(IDS, scores.tolist()))
    for i in [target] + [item[0] for item in feedback]:
        expected.pop(i, None)
    return expected


FEEDBACK = [(3, 0.9), (8, 0.1), (17, 0.7), (30, 0.2)]


def _feedback_body(using: str, **extra) -> dict:
    return {"query": {"relevance_feedback": {
        "target": 21, "feedback": [{"example": i, "score": s} for i, s in FEEDBACK],
        "strategy": {"naive": {"a": 1.0, "b": 1.0, "c": 0.5}}}}, "using": using, "limit": 8,
        **extra}


@pytest.mark.parametrize("using", ["e", "c", "d"])
def test_relevance_feedback_scores_with_raw_similarity(api, collections, using):
    main, _ = collections
    expected = _feedback_expected(using, 21, FEEDBACK, 1.0, 1.0, 0.5)
    assert_top(query(api, main, _feedback_body(using)), expected, 8)


def test_relevance_feedback_threshold_on_euclid_cuts_at_the_first_score_not_below(api,
                                                                                 collections):
    main, _ = collections
    expected = _feedback_expected("e", 21, FEEDBACK, 1.0, 1.0, 0.5)
    best = max(expected.values())
    above = query(api, main, _feedback_body("e", score_threshold=best - 1e-3))
    assert above == []  # the best score is not below the threshold
    below = query(api, main, _feedback_body("e", score_threshold=best + 1.0))
    assert_top(below, expected, 8)
