"""Query API score boosting (`formula`) and MMR re-ranking (`nearest` + `mmr`).

Expected values are computed here, independently of the server: formula values from the scores
of a plain nearest search and the payloads; MMR order with a small reference implementation of
Qdrant's greedy selection on cosine similarities.
"""

import itertools
import math
import warnings

import pytest
from qdrant_client import models

from support.points import upsert

POINTS = [
    {"id": 1, "vector": [1.0, 0.0],
     "payload": {"price": 10, "tag": "a", "loc": {"lat": 52.52, "lon": 13.40},
                 "at": "2024-01-01T00:00:00Z"}},
    {"id": 2, "vector": [0.99, 0.1],
     "payload": {"price": 20, "tag": "b", "loc": {"lat": 48.85, "lon": 2.35},
                 "at": "2024-01-02T00:00:00Z"}},
    {"id": 3, "vector": [0.7, 0.7],
     "payload": {"price": 5, "tag": "a", "loc": {"lat": 40.71, "lon": -74.0},
                 "at": "2024-01-03T00:00:00Z"}},
    {"id": 4, "vector": [0.0, 1.0],
     "payload": {"price": 1, "tag": "b", "loc": {"lat": 35.68, "lon": 139.69},
                 "at": "2024-01-04T00:00:00Z"}},
    {"id": 5, "vector": [-1.0, 0.0], "payload": {"tag": "c"}},
]
QUERY = [1.0, 0.3]


@pytest.fixture
def items(api, collection_factory):
    name = collection_factory({"vectors": {"size": 2, "distance": "Cosine"}})
    upsert(api, name, POINTS)
    return name


def _query(api, name, body):
    return api.post(f"/collections/{name}/points/query", json=body).result["points"]


def _nearest_scores(api, name):
    points = _query(api, name, {"query": QUERY, "limit": 10})
    return {p["id"]: p["score"] for p in points}


def _payloads():
    return {p["id"]: p["payload"] for p in POINTS}


def _unit(v):
    norm = math.sqrt(sum(x * x for x in v))
    return [x / norm for x in v]


def _reference_mmr(candidate_ids, diversity, limit):
    """Qdrant's greedy MMR on cosine similarity (dot product of unit vectors)."""
    vectors = {p["id"]: _unit(p["vector"]) for p in POINTS}
    query = _unit(QUERY)
    dot = lambda a, b: sum(x * y for x, y in zip(a, b))  # noqa: E731
    relevance = {i: dot(query, vectors[i]) for i in candidate_ids}
    picked = [max(candidate_ids, key=lambda i: relevance[i])]
    lam = 1.0 - diversity
    while len(picked) < min(limit, len(candidate_ids)):
        rest = [i for i in candidate_ids if i not in picked]
        best = max(rest, key=lambda i: lam * relevance[i]
                   - (1 - lam) * max(dot(vectors[i], vectors[j]) for j in picked))
        picked.append(best)
    return picked


# --- formula ---------------------------------------------------------------------------------

def test_formula_boosts_prefetch_scores_with_payload(api, items):
    scores = _nearest_scores(api, items)
    body = {"prefetch": {"query": QUERY, "limit": 4},
            "query": {"formula": {"sum": ["$score", {"mult": [0.01, "price"]}]}},
            "limit": 4}
    points = _query(api, items, body)
    payloads = _payloads()
    expected = {i: scores[i] + 0.01 * payloads[i]["price"] for i in (1, 2, 3, 4)}
    assert [p["id"] for p in points] == sorted(expected, key=lambda i: -expected[i])
    for p in points:
        assert p["score"] == pytest.approx(expected[p["id"]], rel=1e-5)


def test_formula_orders_by_value_descending_with_limit_and_offset(api, items):
    body = {"prefetch": {"query": QUERY, "limit": 4}, "query": {"formula": "price"},
            "limit": 2, "offset": 1}
    points = _query(api, items, body)
    assert [p["id"] for p in points] == [1, 3]  # prices 20, [10, 5], 1
    assert [p["score"] for p in points] == [10.0, 5.0]


def test_formula_condition_counts_as_one_or_zero(api, items):
    scores = _nearest_scores(api, items)
    condition = {"key": "tag", "match": {"value": "a"}}
    body = {"prefetch": {"query": QUERY, "limit": 5},
            "query": {"formula": {"sum": ["$score", condition]}}, "limit": 5}
    points = _query(api, items, body)
    tags = {p["id"]: p["payload"]["tag"] for p in POINTS}
    for p in points:
        bonus = 1.0 if tags[p["id"]] == "a" else 0.0
        assert p["score"] == pytest.approx(scores[p["id"]] + bonus, rel=1e-5)
    assert {p["id"] for p in points[:2]} == {1, 3}


def test_formula_missing_variable_is_an_error_unless_defaulted(api, items):
    body = {"prefetch": {"query": QUERY, "limit": 5}, "query": {"formula": "price"}}
    error = api.post(f"/collections/{items}/points/query", json=body).expect(400).error
    assert "price" in error and "No value found in a payload nor defaults" in error
    body["query"]["defaults"] = {"price": 7}
    points = _query(api, items, body)
    assert {p["id"]: p["score"] for p in points}[5] == 7.0


def test_formula_non_numeric_variable_is_an_error(api, items):
    body = {"prefetch": {"query": QUERY, "limit": 5}, "query": {"formula": "tag"}}
    error = api.post(f"/collections/{items}/points/query", json=body).expect(400).error
    assert "Expected number value for tag" in error


def test_formula_scores_of_each_prefetch(api, items):
    body = {"prefetch": [{"query": QUERY, "limit": 2},
                         {"query": [0.0, 1.0], "limit": 1}],
            "query": {"formula": {"sum": ["$score[0]", {"mult": [100, "$score[1]"]}]},
                      "defaults": {"$score[1]": 0}},
            "limit": 3}
    points = _query(api, items, body)
    assert points[0]["id"] == 4 and points[0]["score"] == pytest.approx(100.0, rel=1e-5)
    assert {p["id"] for p in points} == {1, 2, 4}


def test_formula_functions_and_decays(api, items):
    origin = {"lat": 52.52, "lon": 13.40}
    body = {"prefetch": {"query": QUERY, "limit": 4},
            "query": {"formula": {"gauss_decay": {
                "x": {"geo_distance": {"origin": origin, "to": "loc"}},
                "scale": 1_000_000}}},
            "limit": 4}
    points = _query(api, items, body)
    assert [p["id"] for p in points] == [1, 2, 3, 4]  # by distance from point 1's location
    assert points[0]["score"] == pytest.approx(1.0)
    assert all(0.0 <= p["score"] <= 1.0 for p in points)

    body["query"] = {"formula": {"div": {
        "left": {"sum": [{"datetime_key": "at"}, {"neg": {"datetime": "2024-01-01T00:00:00Z"}}]},
        "right": 86400}}}
    days = {p["id"]: p["score"] for p in _query(api, items, body)}
    assert days == {1: 0.0, 2: 1.0, 3: 2.0, 4: 3.0}

    body["query"] = {"formula": {"sum": [{"pow": {"base": 2, "exponent": 3}}, {"sqrt": 16},
                                         {"abs": -1}, {"log10": 100}, {"ln": 1}, {"exp": 0}]}}
    assert {p["score"] for p in _query(api, items, body)} == {16.0}


def test_formula_division_by_zero_default_and_error(api, items):
    body = {"prefetch": {"query": QUERY, "limit": 1},
            "query": {"formula": {"div": {"left": 1, "right": 0, "by_zero_default": 3}}}}
    assert _query(api, items, body)[0]["score"] == 3.0
    body["query"] = {"formula": {"div": {"left": 1, "right": 0}}}
    error = api.post(f"/collections/{items}/points/query", json=body).expect(400).error
    assert "produced a non-finite number" in error


def test_formula_requires_prefetch(api, items):
    body = {"query": {"formula": "$score"}}
    error = api.post(f"/collections/{items}/points/query", json=body).expect(400).error
    assert "cannot apply Formula without prefetches" in error


def test_formula_invalid_variable_and_decay_parameters(api, items):
    body = {"prefetch": {"query": QUERY, "limit": 2}, "query": {"formula": "$price"}}
    error = api.post(f"/collections/{items}/points/query", json=body).expect(400).error
    assert "$price" in error
    body["query"] = {"formula": {"lin_decay": {"x": 1, "midpoint": 1.5}}}
    error = api.post(f"/collections/{items}/points/query", json=body).expect(400).error
    assert "midpoint" in error


def test_formula_in_query_batch(api, items):
    searches = [{"prefetch": {"query": QUERY, "limit": 4}, "query": {"formula": "price"},
                 "limit": 1},
                {"query": QUERY, "limit": 1}]
    result = api.post(f"/collections/{items}/points/query/batch",
                      json={"searches": searches}).result
    assert [r["points"][0]["id"] for r in result] == [2, 2]
    assert result[0]["points"][0]["score"] == 20.0


# --- MMR -------------------------------------------------------------------------------------

@pytest.mark.parametrize("diversity", [0.0, 0.3, 0.5, 0.9])
def test_mmr_order_follows_reference_selection(api, items, diversity):
    body = {"query": {"nearest": QUERY, "mmr": {"diversity": diversity, "candidates_limit": 5}},
            "limit": 4}
    points = _query(api, items, body)
    assert [p["id"] for p in points] == _reference_mmr([1, 2, 3, 4, 5], diversity, 4)


def test_mmr_returns_original_similarity_scores(api, items):
    scores = _nearest_scores(api, items)
    body = {"query": {"nearest": QUERY, "mmr": {"diversity": 0.5, "candidates_limit": 5}},
            "limit": 3}
    points = _query(api, items, body)
    for p in points:
        assert p["score"] == pytest.approx(scores[p["id"]], rel=1e-5)


def test_mmr_candidates_limit_bounds_the_pool(api, items):
    body = {"query": {"nearest": QUERY, "mmr": {"diversity": 1.0, "candidates_limit": 2}},
            "limit": 5}
    points = _query(api, items, body)
    assert sorted(p["id"] for p in points) == [1, 2]


def test_mmr_without_candidates_limit_uses_limit(api, items):
    body = {"query": {"nearest": QUERY, "mmr": {"diversity": 0.9}}, "limit": 2}
    points = _query(api, items, body)
    assert [p["id"] for p in points] == _reference_mmr([1, 2], 0.9, 2)


def test_mmr_over_prefetch(api, items):
    body = {"prefetch": {"query": QUERY, "limit": 5},
            "query": {"nearest": QUERY, "mmr": {"diversity": 0.5, "candidates_limit": 5}},
            "limit": 3}
    points = _query(api, items, body)
    assert [p["id"] for p in points] == _reference_mmr([1, 2, 3, 4, 5], 0.5, 3)


def test_mmr_parameter_validation(api, items):
    for mmr in ({"diversity": 1.5}, {"diversity": -0.1}, {"candidates_limit": 20000}):
        body = {"query": {"nearest": QUERY, "mmr": mmr}}
        api.post(f"/collections/{items}/points/query", json=body).expect(422)


# --- the official client ---------------------------------------------------------------------

@pytest.fixture
def client(make_qdrant_client):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        qdrant = make_qdrant_client(timeout=30)
    yield qdrant
    qdrant.close()


def test_python_client_formula_and_mmr(client, api, items):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        boosted = client.query_points(
            items,
            prefetch=models.Prefetch(query=QUERY, limit=4),
            query=models.FormulaQuery(formula=models.SumExpression(sum=[
                "$score",
                models.MultExpression(mult=[
                    100, models.FieldCondition(key="tag", match=models.MatchValue(value="b"))]),
            ])),
            limit=2,
        ).points
        assert {p.id for p in boosted} == {2, 4}
        assert all(p.score > 100 for p in boosted)

        diverse = client.query_points(
            items,
            query=models.NearestQuery(nearest=QUERY,
                                      mmr=models.Mmr(diversity=0.5, candidates_limit=5)),
            limit=4,
        ).points
        assert [p.id for p in diverse] == _reference_mmr([1, 2, 3, 4, 5], 0.5, 4)


# --- relevance feedback ----------------------------------------------------------------------

def _reference_feedback_scores(target, feedback, a, b, c, candidates):
    """Qdrant's naive strategy on cosine similarity: every ordered pair of feedback items
    whose score gap is above zero (itertools' 2-permutations) adds gap^b * c * sim delta."""
    vectors = {p["id"]: _unit(p["vector"]) for p in POINTS}
    as_vector = lambda e: vectors[e] if isinstance(e, int) else _unit(e)  # noqa: E731
    dot = lambda u, v: sum(x * y for x, y in zip(u, v))  # noqa: E731
    pairs = [(pos, neg) for pos, neg in itertools.permutations(feedback, 2)
             if pos["score"] - neg["score"] > 0]
    scores = {}
    for point_id in candidates:
        v = vectors[point_id]
        score = a * dot(as_vector(target), v)
        for best, worst in pairs:
            weight = (best["score"] - worst["score"]) ** b * c
            score += weight * (dot(as_vector(best["example"]), v)
                               - dot(as_vector(worst["example"]), v))
        scores[point_id] = score
    return scores


def test_relevance_feedback_naive_strategy(api, items):
    feedback = [{"example": 1, "score": 0.9}, {"example": [0.0, 1.0], "score": 0.5},
                {"example": 3, "score": 0.1}]
    body = {"query": {"relevance_feedback": {
                "target": QUERY, "feedback": feedback,
                "strategy": {"naive": {"a": 1.0, "b": 1.0, "c": 2.0}}}},
            "limit": 5}
    points = _query(api, items, body)
    expected = _reference_feedback_scores(QUERY, feedback, 1.0, 1.0, 2.0, [2, 4, 5])
    assert [p["id"] for p in points] == sorted(expected, key=lambda i: -expected[i])
    for p in points:
        assert p["score"] == pytest.approx(expected[p["id"]], rel=1e-4, abs=1e-5)


def test_relevance_feedback_validation(api, items):
    body = {"query": {"relevance_feedback": {
        "target": QUERY, "feedback": [],
        "strategy": {"naive": {"a": 1.0, "b": -1.0, "c": 1.0}}}}}
    api.post(f"/collections/{items}/points/query", json=body).expect(422)
    del body["query"]["relevance_feedback"]["strategy"]
    api.post(f"/collections/{items}/points/query", json=body).expect(400)


def test_python_client_relevance_feedback(client, items):
    feedback = [{"example": [1.0, 0.0], "score": 1.0}, {"example": [0.0, 1.0], "score": 0.0}]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        points = client.query_points(
            items,
            query=models.RelevanceFeedbackQuery(relevance_feedback=models.RelevanceFeedbackInput(
                target=QUERY,
                feedback=[models.FeedbackItem(example=f["example"], score=f["score"])
                          for f in feedback],
                strategy=models.NaiveFeedbackStrategy(
                    naive=models.NaiveFeedbackStrategyParams(a=1.0, b=1.0, c=1.0)),
            )),
            limit=5,
        ).points
    expected = _reference_feedback_scores(QUERY, feedback, 1.0, 1.0, 1.0, [1, 2, 3, 4, 5])
    assert [p.id for p in points] == sorted(expected, key=lambda i: -expected[i])


def test_formula_score_threshold_keeps_equal_scores(api, items):
    body = {"prefetch": {"query": QUERY, "limit": 4}, "query": {"formula": "price"},
            "score_threshold": 10}
    points = _query(api, items, body)
    assert [(p["id"], p["score"]) for p in points] == [(2, 20.0), (1, 10.0)]


def test_formula_in_query_groups(api, items):
    # Prefetch limits grow with group_size, so point 5 (no price) takes part: it needs a default.
    body = {"prefetch": {"query": QUERY, "limit": 4},
            "query": {"formula": "price", "defaults": {"price": 0}},
            "group_by": "tag", "limit": 2, "group_size": 2}
    groups = api.post(f"/collections/{items}/points/query/groups", json=body).result["groups"]
    assert [g["id"] for g in groups] == ["b", "a"]
    assert [[h["id"] for h in g["hits"]] for g in groups] == [[2, 4], [1, 3]]
    assert groups[0]["hits"][0]["score"] == 20.0


def _greedy_mmr(relevance, similarity, diversity, limit):
    """Qdrant's greedy MMR over given relevance and pairwise similarity functions."""
    ids = list(relevance)
    picked = [max(ids, key=lambda i: relevance[i])]
    lam = 1.0 - diversity
    while len(picked) < min(limit, len(ids)):
        rest = [i for i in ids if i not in picked]
        picked.append(max(rest, key=lambda i: lam * relevance[i]
                          - (1 - lam) * max(similarity(i, j) for j in picked)))
    return picked


def test_mmr_euclid_uses_negative_squared_distance(api, collection_factory):
    vectors = {1: [0.0, 0.0], 2: [0.1, 0.0], 3: [1.0, 1.0], 4: [2.0, 0.0], 5: [0.0, 2.0]}
    name = collection_factory({"vectors": {"e": {"size": 2, "distance": "Euclid"}}})
    upsert(api, name, [{"id": i, "vector": {"e": v}} for i, v in vectors.items()])
    query = [0.3, 0.4]
    sq = lambda a, b: sum((x - y) ** 2 for x, y in zip(a, b))  # noqa: E731
    relevance = {i: -sq(query, v) for i, v in vectors.items()}
    expected = _greedy_mmr(relevance, lambda i, j: -sq(vectors[i], vectors[j]), 0.6, 4)
    body = {"query": {"nearest": query, "mmr": {"diversity": 0.6, "candidates_limit": 5}},
            "using": "e", "limit": 4}
    points = _query(api, name, body)
    assert [p["id"] for p in points] == expected
    for p in points:  # the plain Euclid distance, as a nearest search reports it
        assert p["score"] == pytest.approx(math.sqrt(sq(query, vectors[p["id"]])), rel=1e-5)


def test_mmr_sparse_uses_dot_product(api, collection_factory):
    vectors = {1: {"indices": [0, 1], "values": [1.0, 1.0]},
               2: {"indices": [0, 1], "values": [0.95, 0.9]},
               3: {"indices": [2], "values": [0.8]},
               4: {"indices": [1, 2], "values": [0.5, 0.5]}}
    name = collection_factory({"sparse_vectors": {"s": {}}})
    upsert(api, name, [{"id": i, "vector": {"s": v}} for i, v in vectors.items()])
    query = {"indices": [0, 2], "values": [1.0, 1.0]}
    as_map = lambda s: dict(zip(s["indices"], s["values"]))  # noqa: E731
    dot = lambda a, b: sum(x * as_map(b).get(k, 0.0) for k, x in as_map(a).items())  # noqa: E731
    relevance = {i: dot(query, v) for i, v in vectors.items() if dot(query, v) > 0}
    expected = _greedy_mmr(relevance, lambda i, j: dot(vectors[i], vectors[j]), 0.7, 3)
    body = {"query": {"nearest": query, "mmr": {"diversity": 0.7, "candidates_limit": 10}},
            "using": "s", "limit": 3}
    assert [p["id"] for p in _query(api, name, body)] == expected


def test_mmr_in_a_nested_prefetch_selects_from_its_prefetch(api, items):
    body = {"prefetch": {
                "prefetch": {"query": QUERY, "limit": 5},
                "query": {"nearest": QUERY, "mmr": {"diversity": 0.5, "candidates_limit": 5}},
                "limit": 3},
            "query": {"formula": "$score"}, "limit": 10}
    points = _query(api, items, body)
    assert {p["id"] for p in points} == set(_reference_mmr([1, 2, 3, 4, 5], 0.5, 3))
    scores = _nearest_scores(api, items)
    for p in points:
        assert p["score"] == pytest.approx(scores[p["id"]], rel=1e-5)


def test_relevance_feedback_over_prefetch_scores_only_its_points(api, items):
    feedback = [{"example": [1.0, 0.0], "score": 1.0}, {"example": [0.0, 1.0], "score": 0.0}]
    body = {"prefetch": {"query": [0.0, 1.0], "limit": 3},  # points 4, 3, 2
            "query": {"relevance_feedback": {
                "target": QUERY, "feedback": feedback,
                "strategy": {"naive": {"a": 1.0, "b": 1.0, "c": 1.0}}}},
            "limit": 5}
    points = _query(api, items, body)
    expected = _reference_feedback_scores(QUERY, feedback, 1.0, 1.0, 1.0, [2, 3, 4])
    assert [p["id"] for p in points] == sorted(expected, key=lambda i: -expected[i])
    for p in points:
        assert p["score"] == pytest.approx(expected[p["id"]], rel=1e-4, abs=1e-5)
