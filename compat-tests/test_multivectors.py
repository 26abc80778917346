"""Multi-vectors (`multivector_config: {comparator: max_sim}`) scored as Qdrant 1.19 scores them.

Expected scores come from a numpy oracle of Qdrant's formulas (lib/segment, query_scorer):
- each row of a query and of a stored multivector is preprocessed by the distance (Cosine: unit
  length per row), then max_sim = sum over the query rows of the best raw similarity to any
  stored row; raw similarities are dot(a, b) for Cosine and Dot, -sum (a-b)^2 for Euclid and
  -sum |a-b| for Manhattan (larger is more similar);
- a nearest search reports sqrt(|s|) for Euclid, |s| for Manhattan, s otherwise;
- recommend best_score / sum_scores, discover, context and relevance feedback apply their
  formulas to the raw max_sim of each example.
"""

from __future__ import annotations

import numpy as np
import pytest
from qdrant_client import models

from support.points import upsert

DIM = 4
DISTANCES = ["Cosine", "Dot", "Euclid", "Manhattan"]
SMALLER_IS_BETTER = {"Euclid", "Manhattan"}


def _multivectors(seed: int, count: int) -> list[list[list[float]]]:
    rng = np.random.default_rng(seed)
    out = []
    for _ in range(count):
        rows = int(rng.integers(1, 5))
        out.append(np.round(rng.uniform(-1.0, 1.0, size=(rows, DIM)), 3).tolist())
    return out


POINTS = _multivectors(7, 12)
QUERY = [[0.9, -0.2, 0.4, 0.1], [-0.3, 0.8, 0.05, -0.6], [0.2, 0.2, -0.7, 0.5]]


# --- oracle ------------------------------------------------------------------------------------

def _prep(rows, distance):
    a = np.asarray(rows, dtype=np.float32)
    if distance == "Cosine":
        norms = np.sqrt((a.astype(np.float64) ** 2).sum(axis=1, keepdims=True))
        a = np.where(norms > 0, a / np.where(norms > 0, norms, 1), a).astype(np.float32)
    return a


def _sim(a, b, distance):
    if distance in ("Cosine", "Dot"):
        return float(np.dot(a.astype(np.float64), b.astype(np.float64)))
    if distance == "Euclid":
        return -float(((a.astype(np.float64) - b) ** 2).sum())
    return -float(np.abs(a.astype(np.float64) - b).sum())


def max_sim(query, stored, distance):
    """Raw max_sim of prepared rows (larger is more similar)."""
    return sum(max(_sim(q, s, distance) for s in stored) for q in query)


def postprocess(score, distance):
    if distance == "Euclid":
        return float(np.sqrt(abs(score)))
    if distance == "Manhattan":
        return abs(score)
    return score


def nearest_oracle(query, points: dict, distance, limit):
    q = _prep(query, distance)
    raw = {pid: max_sim(q, _prep(rows, distance), distance) for pid, rows in points.items()}
    ranked = sorted(raw, key=lambda pid: (-raw[pid], pid))[:limit]
    return [(pid, postprocess(raw[pid], distance)) for pid in ranked]


def fast_sigmoid(x):
    return x / (1.0 + abs(x))


def scaled_fast_sigmoid(x):
    return 0.5 * (fast_sigmoid(x) + 1.0)


def assert_ranking(points, expected, scores=None):
    """Same scores as the oracle, in the oracle's order (ties may come in either order; with
    `scores`, the oracle's score of every candidate, a tie at the cut-off may be any of them)."""
    assert len(points) == len(expected), (points, expected)
    got = [(p["id"] if isinstance(p, dict) else p.id, p["score"] if isinstance(p, dict) else p.score)
           for p in points]
    for (gid, gscore), (eid, escore) in zip(got, expected):
        assert gscore == pytest.approx(escore, rel=1e-4, abs=1e-4), (got, expected)
    expected_scores = dict(scores) if scores is not None else dict(expected)
    for gid, gscore in got:
        assert gid in expected_scores, (got, expected)
        assert gscore == pytest.approx(expected_scores[gid], rel=1e-4, abs=1e-4), (got, expected)


# --- fixtures ----------------------------------------------------------------------------------

def _multi_collection(collection_factory, distance, extra_vectors=None):
    vectors = {"colbert": {"size": DIM, "distance": distance,
                           "multivector_config": {"comparator": "max_sim"}}}
    vectors.update(extra_vectors or {})
    return collection_factory({"vectors": vectors})


@pytest.fixture(params=DISTANCES)
def multi(request, api, collection_factory):
    distance = request.param
    name = _multi_collection(collection_factory, distance)
    upsert(api, name, [{"id": i + 1, "vector": {"colbert": rows}} for i, rows in enumerate(POINTS)])
    return name, distance


def _points_by_id():
    return {i + 1: rows for i, rows in enumerate(POINTS)}


def _query(api, name, body):
    return api.post(f"/collections/{name}/points/query", json=body).result["points"]


# --- plain search -----------------------------------------------------------------------------

def test_max_sim_search_scores(api, multi):
    name, distance = multi
    points = _query(api, name, {"query": QUERY, "using": "colbert", "limit": 5})
    assert_ranking(points, nearest_oracle(QUERY, _points_by_id(), distance, 5))


def test_max_sim_search_by_point_id(api, multi):
    name, distance = multi
    # Every other point (the query point itself is never returned).
    points = _query(api, name, {"query": 3, "using": "colbert", "limit": 20})
    others = {pid: rows for pid, rows in _points_by_id().items() if pid != 3}
    stored = _prep(POINTS[2], distance).tolist()
    assert_ranking(points, nearest_oracle(stored, others, distance, 20))


def test_max_sim_single_row_query(api, multi):
    name, distance = multi
    query = [[0.5, 0.5, -0.5, 0.25]]
    points = _query(api, name, {"query": query[0], "using": "colbert", "limit": 3})
    assert_ranking(points, nearest_oracle(query, _points_by_id(), distance, 3))


def test_multivector_read_back(api, multi):
    name, distance = multi
    record = api.get(f"/collections/{name}/points/2").result
    expected = _prep(POINTS[1], distance)
    got = np.asarray(record["vector"]["colbert"], dtype=np.float32)
    assert got.shape == expected.shape
    assert np.allclose(got, expected, rtol=1e-5, atol=1e-6)


# --- prefetch rescoring ------------------------------------------------------------------------

@pytest.mark.parametrize("distance", DISTANCES)
def test_dense_prefetch_then_multivector_rerank(api, collection_factory, distance):
    name = _multi_collection(collection_factory, distance,
                             {"dense": {"size": DIM, "distance": "Dot"}})
    dense = {i + 1: np.asarray(rows, dtype=np.float32).mean(axis=0).tolist()
             for i, rows in enumerate(POINTS)}
    upsert(api, name, [{"id": pid, "vector": {"colbert": POINTS[pid - 1], "dense": dense[pid]}}
                       for pid in dense])
    dense_query = [0.3, -0.1, 0.6, 0.2]
    dense_scores = {pid: float(np.dot(np.float32(v), np.float32(dense_query)))
                    for pid, v in dense.items()}
    candidates = sorted(dense_scores, key=lambda pid: (-dense_scores[pid], pid))[:6]
    body = {"prefetch": {"query": dense_query, "using": "dense", "limit": 6},
            "query": QUERY, "using": "colbert", "limit": 3}
    points = _query(api, name, body)
    expected = nearest_oracle(QUERY, {pid: POINTS[pid - 1] for pid in candidates}, distance, 3)
    assert_ranking(points, expected)


# --- examples: recommend / discover / context / relevance feedback -----------------------------

def _example_rows(example, distance):
    if isinstance(example, int):
        return _prep(POINTS[example - 1], distance)
    return _prep(example, distance)


def _custom_scores(score_of, distance, exclude):
    """`score_of(prepared stored rows)` of every point other than `exclude`."""
    return {pid: score_of(_prep(rows, distance))
            for pid, rows in _points_by_id().items() if pid not in exclude}


def _custom_oracle(score_of, distance, exclude, limit):
    """Points other than `exclude` ranked by `score_of(prepared stored rows)`, larger first."""
    scores = _custom_scores(score_of, distance, exclude)
    ranked = sorted(scores, key=lambda pid: (-scores[pid], pid))[:limit]
    return [(pid, scores[pid]) for pid in ranked]


NEG_EXAMPLE = [[-0.5, 0.1, 0.9, -0.2], [0.3, 0.3, 0.3, 0.3]]


@pytest.mark.parametrize("strategy", ["best_score", "sum_scores"])
def test_recommend_with_multivectors(api, multi, strategy):
    name, distance = multi
    positive, negative = [2, QUERY], [5, NEG_EXAMPLE]
    pos = [_example_rows(e, distance) for e in positive]
    neg = [_example_rows(e, distance) for e in negative]

    def score_of(stored):
        ps = [max_sim(e, stored, distance) for e in pos]
        ns = [max_sim(e, stored, distance) for e in neg]
        if strategy == "sum_scores":
            return sum(ps) - sum(ns)
        best_p, best_n = max(ps), max(ns)
        return scaled_fast_sigmoid(best_p) if best_p > best_n else -scaled_fast_sigmoid(best_n)

    body = {"query": {"recommend": {"positive": positive, "negative": negative,
                                    "strategy": strategy}},
            "using": "colbert", "limit": 4}
    points = _query(api, name, body)
    assert_ranking(points, _custom_oracle(score_of, distance, {2, 5}, 4))


def test_recommend_average_vector_with_multivectors(api, multi):
    name, distance = multi
    # Qdrant concatenates the positive rows and the negated negative rows into one query.
    positive, negative = [4, QUERY], [NEG_EXAMPLE]
    rows = [r for e in positive for r in _example_rows(e, distance).tolist()]
    rows += [(-np.asarray(r)).tolist() for e in negative for r in _example_rows(e, distance)]
    body = {"query": {"recommend": {"positive": positive, "negative": negative,
                                    "strategy": "average_vector"}},
            "using": "colbert", "limit": 3}
    points = _query(api, name, body)
    others = {pid: r for pid, r in _points_by_id().items() if pid != 4}
    assert_ranking(points, nearest_oracle(rows, others, distance, 3))


def test_discover_with_multivectors(api, multi):
    name, distance = multi
    target = QUERY
    pairs = [(1, 6), (NEG_EXAMPLE, 9)]

    def score_of(stored):
        rank = 0
        for p, n in pairs:
            ps = max_sim(_example_rows(p, distance), stored, distance)
            ns = max_sim(_example_rows(n, distance), stored, distance)
            rank += (ps > ns) - (ps < ns)
        return rank + scaled_fast_sigmoid(max_sim(_prep(target, distance), stored, distance))

    body = {"query": {"discover": {"target": target, "context": [
        {"positive": p, "negative": n} for p, n in pairs]}}, "using": "colbert", "limit": 4}
    points = _query(api, name, body)
    assert_ranking(points, _custom_oracle(score_of, distance, {1, 6, 9}, 4))


def test_context_with_multivectors(api, multi):
    name, distance = multi
    pairs = [(QUERY, 6), (2, NEG_EXAMPLE)]

    def score_of(stored):
        total = 0.0
        for p, n in pairs:
            ps = max_sim(_example_rows(p, distance), stored, distance)
            ns = max_sim(_example_rows(n, distance), stored, distance)
            total += fast_sigmoid(min(ps - ns - float(np.finfo(np.float32).eps), 0.0))
        return total

    body = {"query": {"context": [{"positive": p, "negative": n} for p, n in pairs]},
            "using": "colbert", "limit": 4}
    points = _query(api, name, body)
    # Context scores are capped at 0, so several points may tie at the cut-off.
    assert_ranking(points, _custom_oracle(score_of, distance, {6, 2}, 4),
                   _custom_scores(score_of, distance, {6, 2}))


def test_relevance_feedback_with_multivectors(api, multi):
    name, distance = multi
    feedback = [{"example": 3, "score": 0.9}, {"example": NEG_EXAMPLE, "score": 0.4},
                {"example": 8, "score": 0.1}]
    a, b, c = 1.0, 1.0, 0.5

    def score_of(stored):
        # Every ordered pair of feedback items whose score gap is positive contributes
        # gap^b * c * (sim(higher) - sim(lower)).
        score = a * max_sim(_prep(QUERY, distance), stored, distance)
        for higher in feedback:
            for lower in feedback:
                gap = higher["score"] - lower["score"]
                if higher is lower or gap <= 0:
                    continue
                delta = (max_sim(_example_rows(higher["example"], distance), stored, distance)
                         - max_sim(_example_rows(lower["example"], distance), stored, distance))
                score += gap ** b * c * delta
        return score

    body = {"query": {"relevance_feedback": {
        "target": QUERY, "feedback": feedback, "strategy": {"naive": {"a": a, "b": b, "c": c}}}},
        "using": "colbert", "limit": 4}
    points = _query(api, name, body)
    assert_ranking(points, _custom_oracle(score_of, distance, {3, 8}, 4))


# --- the official Python client ----------------------------------------------------------------

@pytest.fixture
def client(make_qdrant_client):
    qdrant = make_qdrant_client(timeout=30)
    yield qdrant
    qdrant.close()


def test_python_client_multivector_search_and_recommend(client, collection_name):
    distance = "Euclid"
    client.create_collection(collection_name, vectors_config={
        "colbert": models.VectorParams(
            size=DIM, distance=models.Distance.EUCLID,
            multivector_config=models.MultiVectorConfig(
                comparator=models.MultiVectorComparator.MAX_SIM))})
    client.upsert(collection_name, wait=True, points=[
        models.PointStruct(id=pid, vector={"colbert": rows})
        for pid, rows in _points_by_id().items()])
    hits = client.query_points(collection_name, query=QUERY, using="colbert", limit=4).points
    assert_ranking(hits, nearest_oracle(QUERY, _points_by_id(), distance, 4))

    pos = _example_rows(2, distance)
    neg = _example_rows(5, distance)
    hits = client.query_points(
        collection_name, using="colbert", limit=3,
        query=models.RecommendQuery(recommend=models.RecommendInput(
            positive=[2], negative=[5], strategy=models.RecommendStrategy.SUM_SCORES))).points
    expected = _custom_oracle(
        lambda stored: max_sim(pos, stored, distance) - max_sim(neg, stored, distance), distance,
        {2, 5}, 3)
    assert_ranking(hits, expected)

    info = client.get_collection(collection_name)
    params = info.config.params.vectors["colbert"]
    assert params.multivector_config.comparator == models.MultiVectorComparator.MAX_SIM
