"""Sparse vectors as Qdrant 1.19 stores, scores and queries them.

Every expected score comes from the oracle below, which implements Qdrant's formulas: the dot
product over the dimensions both vectors carry (a point sharing none with the query is not a
result of a nearest search, and scores 0 as an example's similarity), and for a vector with the
`idf` modifier each query weight multiplied by ln((n - df + 0.5) / (df + 0.5) + 1), n the points
with a non-empty vector (in the `params.idf` corpus when one is given), df those carrying the
dimension. The same behaviours run through the official Python client at the end of the file.
"""

import math
import random

import pytest
from qdrant_client import models

from support.points import upsert

DIMENSIONS = 30


def _random_sparse(rng, low=3, high=8):
    indices = rng.sample(range(DIMENSIONS), rng.randint(low, high))
    return {"indices": indices, "values": [round(rng.uniform(0.1, 2.0), 3) for _ in indices]}


def _points(seed=7, count=40):
    rng = random.Random(seed)
    return [{"id": i, "vector": {"text": _random_sparse(rng)},
             "payload": {"group": "a" if i % 3 else "b"}} for i in range(1, count + 1)]


def _as_map(sparse):
    return dict(zip(sparse["indices"], sparse["values"]))


def _dot(query, vector):
    """Qdrant's score_vectors: None when the vectors share no dimension."""
    q, v = _as_map(query), _as_map(vector)
    shared = set(q) & set(v)
    return sum(q[i] * v[i] for i in shared) if shared else None


def _idf_weighted(query, vectors):
    """The query with Qdrant's IDF applied over `vectors` (the documents)."""
    documents = [v for v in vectors if v["indices"]]
    n = len(documents)
    values = []
    for index, value in zip(query["indices"], query["values"]):
        df = sum(1 for v in documents if index in v["indices"])
        values.append(value * math.log((n - df + 0.5) / (df + 0.5) + 1))
    return {"indices": list(query["indices"]), "values": values}


def _nearest_oracle(query, points):
    scores = {}
    for p in points:
        score = _dot(query, p["vector"]["text"])
        if score is not None:
            scores[p["id"]] = score
    return scores


def _assert_top(result, oracle, limit):
    """`result` holds the `limit` best oracle scores (ties in any order), each with its score."""
    expected = sorted(oracle.values(), reverse=True)[:limit]
    assert [p["score"] for p in result] == pytest.approx(expected, rel=1e-4, abs=1e-5)
    for p in result:
        assert p["score"] == pytest.approx(oracle[p["id"]], rel=1e-4, abs=1e-5)


def _query(api, name, body):
    return api.post(f"/collections/{name}/points/query", json=body).result["points"]


@pytest.fixture
def plain(api, collection_factory):
    name = collection_factory({"sparse_vectors": {"text": {}}})
    points = _points()
    upsert(api, name, points)
    return name, points


@pytest.fixture
def with_idf(api, collection_factory):
    name = collection_factory({"sparse_vectors": {"text": {"modifier": "idf"}}})
    points = _points(seed=11)
    upsert(api, name, points)
    return name, points


QUERY = {"indices": [4, 1, 17, 9, 23], "values": [0.7, 1.3, 0.4, 2.0, 0.9]}


def test_retrieved_sparse_vectors_have_sorted_indices(api, collection_factory):
    name = collection_factory({"sparse_vectors": {"text": {}}})
    upsert(api, name, [{"id": 1, "vector": {"text": {"indices": [9, 2, 5], "values": [0.9, 0.2, 0.5]}}}])
    record = api.post(f"/collections/{name}/points", json={"ids": [1], "with_vector": True}).result[0]
    assert record["vector"]["text"] == {"indices": [2, 5, 9], "values": [0.2, 0.5, 0.9]}


def test_duplicate_indices_are_rejected(api, collection_factory):
    name = collection_factory({"sparse_vectors": {"text": {}}})
    body = {"points": [{"id": 1, "vector": {"text": {"indices": [1, 1], "values": [0.1, 0.2]}}}]}
    response = api.put(f"/collections/{name}/points", json=body, params={"wait": "true"})
    response.expect(422)
    assert "points[0].vector.?.indices: Validation error: must be unique [{}]" in response.error


def test_nearest_scores_are_dot_products_over_shared_dimensions(api, plain):
    name, points = plain
    result = _query(api, name, {"query": QUERY, "using": "text", "limit": 10})
    _assert_top(result, _nearest_oracle(QUERY, points), 10)


def test_points_sharing_no_dimension_are_not_returned(api, plain):
    name, points = plain
    query = {"indices": [3], "values": [1.0]}
    oracle = _nearest_oracle(query, points)
    result = _query(api, name, {"query": query, "using": "text", "limit": 100})
    assert sorted(p["id"] for p in result) == sorted(oracle)
    _assert_top(result, oracle, 100)


def test_points_scoring_exactly_zero_are_returned_by_the_filtered_scan_only(api, collection_factory):
    # Qdrant's index search publishes non-zero scores only; its full scan of a small filtered set
    # returns every point sharing a dimension with the query, 0 included.
    name = collection_factory({"sparse_vectors": {"text": {}}})
    points = [
        {"id": 1, "vector": {"text": {"indices": [1, 7], "values": [0.0, 3.0]}}, "payload": {"g": 1}},
        {"id": 2, "vector": {"text": {"indices": [1, 2], "values": [2.0, 1.0]}}, "payload": {"g": 1}},
        {"id": 3, "vector": {"text": {"indices": [1, 4], "values": [1.0, -1.0]}}, "payload": {"g": 1}},
        {"id": 4, "vector": {"text": {"indices": [4], "values": [0.5]}}, "payload": {"g": 2}},
    ]
    upsert(api, name, points)
    query = {"indices": [1, 4], "values": [1.0, 1.0]}
    oracle = _nearest_oracle(query, points)
    result = _query(api, name, {"query": query, "using": "text", "limit": 10})
    assert sorted(p["id"] for p in result) == sorted(i for i, score in oracle.items() if score != 0)
    _assert_top(result, {i: score for i, score in oracle.items() if score != 0}, 10)
    body = {"query": query, "using": "text", "limit": 10,
            "filter": {"must": [{"key": "g", "match": {"value": 1}}]}}
    result = _query(api, name, body)
    in_group = _nearest_oracle(query, [p for p in points if p["payload"]["g"] == 1])
    assert sorted(p["id"] for p in result) == sorted(in_group)
    _assert_top(result, in_group, 10)


def test_score_threshold_keeps_scores_above_it(api, plain):
    name, points = plain
    scores = sorted(_nearest_oracle(QUERY, points).values(), reverse=True)
    threshold = (scores[2] + scores[3]) / 2
    result = _query(api, name, {"query": QUERY, "using": "text", "limit": 10,
                                "score_threshold": threshold})
    assert [p["score"] for p in result] == pytest.approx(scores[:3], rel=1e-4)


def test_scores_after_deleting_points(api, plain):
    name, points = plain
    deleted = [p["id"] for p in points[::2]]
    api.post(f"/collections/{name}/points/delete", json={"points": deleted},
             params={"wait": "true"}).expect(200)
    remaining = [p for p in points if p["id"] not in deleted]
    result = _query(api, name, {"query": QUERY, "using": "text", "limit": 10})
    _assert_top(result, _nearest_oracle(QUERY, remaining), 10)


def test_filtered_search(api, plain):
    name, points = plain
    body = {"query": QUERY, "using": "text", "limit": 5,
            "filter": {"must": [{"key": "group", "match": {"value": "b"}}]}}
    result = _query(api, name, body)
    in_group = [p for p in points if p["payload"]["group"] == "b"]
    _assert_top(result, _nearest_oracle(QUERY, in_group), 5)


def test_sparse_rescore_of_a_prefetch(api, plain):
    name, points = plain
    body = {"prefetch": {"query": POSITIVE, "using": "text", "limit": 20},
            "query": QUERY, "using": "text", "limit": 5}
    result = _query(api, name, body)
    prefetched = _nearest_oracle(POSITIVE, points)
    candidates = sorted(prefetched, key=lambda i: -prefetched[i])[:20]
    oracle = _nearest_oracle(QUERY, [p for p in points if p["id"] in candidates])
    _assert_top(result, oracle, 5)


def test_idf_modifier_weights_the_query(api, with_idf):
    name, points = with_idf
    vectors = [p["vector"]["text"] for p in points]
    result = _query(api, name, {"query": QUERY, "using": "text", "limit": 10})
    _assert_top(result, _nearest_oracle(_idf_weighted(QUERY, vectors), points), 10)


def test_idf_statistics_follow_upserts(api, with_idf):
    name, points = with_idf
    rng = random.Random(99)
    more = [{"id": 100 + i, "vector": {"text": _random_sparse(rng, 1, 3)}, "payload": {"group": "c"}}
            for i in range(25)]
    replaced = [{"id": 1, "vector": {"text": {"indices": [1, 4, 9], "values": [1.0, 1.0, 1.0]}},
                 "payload": {"group": "a"}}]
    upsert(api, name, more + replaced)
    current = [p for p in points if p["id"] != 1] + more + replaced
    vectors = [p["vector"]["text"] for p in current]
    result = _query(api, name, {"query": QUERY, "using": "text", "limit": 10})
    _assert_top(result, _nearest_oracle(_idf_weighted(QUERY, vectors), current), 10)


def test_idf_statistics_keep_deleted_vectors(api, with_idf):
    # Qdrant's index keeps the postings and the count of a vector removed by a point or vector
    # delete until the segment is vacuumed (far from it here), so the statistics still see it;
    # deleted points are no longer results.
    name, points = with_idf
    deleted = [p["id"] for p in points[::3]]
    api.post(f"/collections/{name}/points/delete", json={"points": deleted},
             params={"wait": "true"}).expect(200)
    api.post(f"/collections/{name}/points/vectors/delete",
             json={"points": [2, 5], "vector": ["text"]}, params={"wait": "true"}).expect(200)
    vectors = [p["vector"]["text"] for p in points]
    remaining = [p for p in points if p["id"] not in deleted and p["id"] not in (2, 5)]
    result = _query(api, name, {"query": QUERY, "using": "text", "limit": 10})
    _assert_top(result, _nearest_oracle(_idf_weighted(QUERY, vectors), remaining), 10)


def test_idf_corpus_counts_the_live_points_carrying_the_vector(api, collection_factory):
    # Over a corpus, the documents are the live points matching it that carry the vector, an
    # empty vector included; deleted points are not.
    name = collection_factory({"sparse_vectors": {"text": {"modifier": "idf"}}})
    rng = random.Random(5)
    points = [{"id": i, "vector": {"text": _random_sparse(rng)}, "payload": {"c": i % 2}}
              for i in range(1, 21)]
    points += [{"id": 21, "vector": {"text": {"indices": [], "values": []}}, "payload": {"c": 0}},
               {"id": 22, "vector": {}, "payload": {"c": 0}}]
    upsert(api, name, points)
    api.post(f"/collections/{name}/points/delete", json={"points": [2, 4]},
             params={"wait": "true"}).expect(200)
    live = [p for p in points if p["id"] not in (2, 4)]
    corpus = [p["vector"]["text"] for p in live if p["payload"]["c"] == 0 and "text" in p["vector"]]
    n = len(corpus)  # the empty vector of point 21 counts
    weighted = {"indices": list(QUERY["indices"]), "values": [
        value * math.log((n - df + 0.5) / (df + 0.5) + 1)
        for index, value in zip(QUERY["indices"], QUERY["values"])
        for df in [sum(1 for v in corpus if index in v["indices"])]]}
    body = {"query": QUERY, "using": "text", "limit": 10,
            "params": {"idf": {"corpus": {"must": [{"key": "c", "match": {"value": 0}}]}}}}
    result = _query(api, name, body)
    with_text = [p for p in live if "text" in p["vector"]]
    _assert_top(result, _nearest_oracle(weighted, with_text), 10)


def test_idf_corpus_filter_computes_statistics_over_its_points(api, with_idf):
    name, points = with_idf
    corpus = [p for p in points if p["payload"]["group"] == "b"]
    body = {"query": QUERY, "using": "text", "limit": 10,
            "params": {"idf": {"corpus": {"must": [{"key": "group", "match": {"value": "b"}}]}}}}
    result = _query(api, name, body)
    weighted = _idf_weighted(QUERY, [p["vector"]["text"] for p in corpus])
    _assert_top(result, _nearest_oracle(weighted, points), 10)
    body["params"]["idf"] = "global"
    result = _query(api, name, body)
    weighted = _idf_weighted(QUERY, [p["vector"]["text"] for p in points])
    _assert_top(result, _nearest_oracle(weighted, points), 10)


def test_idf_param_needs_the_idf_modifier(api, plain):
    name, _ = plain
    response = api.post(f"/collections/{name}/points/query",
                        json={"query": QUERY, "using": "text", "params": {"idf": "global"}})
    assert response.status == 400
    assert "requires a sparse vector with the `idf` modifier" in response.error


def test_dense_and_sparse_vectors_given_for_each_other_are_refused(api, collection_factory):
    name = collection_factory({"vectors": {"d": {"size": 2, "distance": "Dot"}},
                               "sparse_vectors": {"s": {}}})
    upsert(api, name, [{"id": 1, "vector": {"d": [1.0, 2.0], "s": {"indices": [1], "values": [1.0]}}}])
    dense, sparse = [1.0, 2.0], {"indices": [1], "values": [1.0]}
    requests = [
        ("query", {"query": dense, "using": "s"}),
        ("query", {"query": sparse, "using": "d"}),
        ("query", {"query": {"recommend": {"positive": [dense]}}, "using": "s"}),
        ("query", {"query": {"recommend": {"positive": [sparse]}}, "using": "d"}),
        ("search", {"vector": {"name": "s", "vector": dense}, "limit": 3}),
        ("search", {"vector": {"name": "d", "vector": sparse}, "limit": 3}),
    ]
    for path, body in requests:
        response = api.post(f"/collections/{name}/points/{path}", json=body)
        assert response.status == 400, body
        assert response.error == "Wrong input: Conversion between sparse and regular vectors failed"


def test_collection_info_reports_sparse_index_config(api, collection_factory):
    index = {"on_disk": True, "full_scan_threshold": 123, "datatype": "float16"}
    name = collection_factory({"sparse_vectors": {"text": {"index": index, "modifier": "idf"}}})
    params = api.get(f"/collections/{name}").result["config"]["params"]["sparse_vectors"]["text"]
    assert params["modifier"] == "idf"
    for key, value in index.items():
        assert params["index"][key] == value


# Example queries: similarity of an example and a point is their sparse dot product, 0 when
# they share no dimension; example points given by id are never returned.

def _similarity(example, vector):
    return _dot(example, vector) or 0.0


def _fast_sigmoid(x):
    return x / (1 + abs(x))


def _scaled_fast_sigmoid(x):
    return 0.5 * (_fast_sigmoid(x) + 1)


def _custom_oracle(points, score, excluded=()):
    return {p["id"]: score(p["vector"]["text"]) for p in points if p["id"] not in excluded}


POSITIVE = {"indices": [1, 9, 20], "values": [1.0, 0.5, 1.5]}
NEGATIVE = {"indices": [4, 17], "values": [1.2, 0.3]}


def test_recommend_best_score_with_sparse_examples(api, plain):
    name, points = plain
    by_id = {p["id"]: p["vector"]["text"] for p in points}
    positive = [POSITIVE, 5]
    body = {"query": {"recommend": {"positive": positive, "negative": [NEGATIVE],
                                    "strategy": "best_score"}}, "using": "text", "limit": 5}
    result = _query(api, name, body)
    examples = [POSITIVE, by_id[5]]

    def score(v):
        best_positive = max(_similarity(e, v) for e in examples)
        best_negative = _similarity(NEGATIVE, v)
        if best_positive > best_negative:
            return _scaled_fast_sigmoid(best_positive)
        return -_scaled_fast_sigmoid(best_negative)

    assert 5 not in [p["id"] for p in result]
    _assert_top(result, _custom_oracle(points, score, excluded=[5]), 5)


def test_recommend_sum_scores_with_sparse_examples(api, plain):
    name, points = plain
    body = {"query": {"recommend": {"positive": [POSITIVE], "negative": [NEGATIVE],
                                    "strategy": "sum_scores"}}, "using": "text", "limit": 5}
    result = _query(api, name, body)
    oracle = _custom_oracle(points, lambda v: _similarity(POSITIVE, v) - _similarity(NEGATIVE, v))
    _assert_top(result, oracle, 5)


def test_recommend_average_vector_with_sparse_examples(api, plain):
    name, points = plain
    body = {"query": {"recommend": {"positive": [POSITIVE], "negative": [NEGATIVE]}},
            "using": "text", "limit": 5}
    result = _query(api, name, body)
    p, n = _as_map(POSITIVE), _as_map(NEGATIVE)
    merged = {i: p.get(i, 0.0) + p.get(i, 0.0) - n.get(i, 0.0) for i in sorted(set(p) | set(n))}
    query = {"indices": list(merged), "values": list(merged.values())}
    _assert_top(result, _nearest_oracle(query, points), 5)


def test_discover_with_sparse_examples(api, plain):
    name, points = plain
    target = {"indices": [2, 9, 11], "values": [1.0, 0.8, 0.6]}
    context = [{"positive": POSITIVE, "negative": NEGATIVE}]
    body = {"query": {"discover": {"target": target, "context": context}},
            "using": "text", "limit": 5}
    result = _query(api, name, body)

    def score(v):
        ps, ns = _similarity(POSITIVE, v), _similarity(NEGATIVE, v)
        rank = 1 if ps > ns else (-1 if ps < ns else 0)
        return rank + _scaled_fast_sigmoid(_similarity(target, v))

    _assert_top(result, _custom_oracle(points, score), 5)


def test_context_with_sparse_examples_by_id(api, plain):
    name, points = plain
    by_id = {p["id"]: p["vector"]["text"] for p in points}
    body = {"query": {"context": [{"positive": 3, "negative": 8}]}, "using": "text", "limit": 5}
    result = _query(api, name, body)

    def score(v):
        diff = _similarity(by_id[3], v) - _similarity(by_id[8], v)
        return _fast_sigmoid(min(diff - 1.1920929e-07, 0.0))

    _assert_top(result, _custom_oracle(points, score, excluded=[3, 8]), 5)


def test_relevance_feedback_with_sparse_examples(api, plain):
    name, points = plain
    by_id = {p["id"]: p["vector"]["text"] for p in points}
    feedback = [{"example": 2, "score": 0.9}, {"example": NEGATIVE, "score": 0.2}]
    body = {"query": {"relevance_feedback": {
        "target": POSITIVE, "feedback": feedback,
        "strategy": {"naive": {"a": 1.0, "b": 1.0, "c": 2.0}}}}, "using": "text", "limit": 5}
    result = _query(api, name, body)
    weight = (0.9 - 0.2) ** 1.0 * 2.0

    def score(v):
        return (_similarity(POSITIVE, v)
                + weight * (_similarity(by_id[2], v) - _similarity(NEGATIVE, v)))

    _assert_top(result, _custom_oracle(points, score, excluded=[2]), 5)


def test_recommend_with_idf_weights_the_examples(api, with_idf):
    name, points = with_idf
    vectors = [p["vector"]["text"] for p in points]
    body = {"query": {"recommend": {"positive": [POSITIVE], "negative": [NEGATIVE],
                                    "strategy": "sum_scores"}}, "using": "text", "limit": 5}
    result = _query(api, name, body)
    positive, negative = _idf_weighted(POSITIVE, vectors), _idf_weighted(NEGATIVE, vectors)
    oracle = _custom_oracle(points, lambda v: _similarity(positive, v) - _similarity(negative, v))
    _assert_top(result, oracle, 5)


# The same behaviours through the official Python client.

@pytest.fixture
def client(make_qdrant_client):
    qdrant = make_qdrant_client(timeout=30)
    yield qdrant
    qdrant.close()


def _client_points(result):
    return [{"id": p.id, "score": p.score} for p in result.points]


def test_python_client_sparse_search_retrieve_and_idf(client, collection_name):
    client.create_collection(collection_name, vectors_config={}, sparse_vectors_config={
        "text": models.SparseVectorParams(modifier=models.Modifier.IDF)})
    points = _points(seed=5)
    client.upsert(collection_name, wait=True, points=[
        models.PointStruct(id=p["id"], payload=p["payload"], vector={"text": models.SparseVector(
            indices=list(reversed(p["vector"]["text"]["indices"])),
            values=list(reversed(p["vector"]["text"]["values"])))}) for p in points])
    record = client.retrieve(collection_name, [1], with_vectors=True)[0]
    assert record.vector["text"].indices == sorted(points[0]["vector"]["text"]["indices"])

    vectors = [p["vector"]["text"] for p in points]
    result = client.query_points(collection_name, query=models.SparseVector(**QUERY),
                                 using="text", limit=10)
    _assert_top(_client_points(result), _nearest_oracle(_idf_weighted(QUERY, vectors), points), 10)

    corpus_filter = models.Filter(must=[models.FieldCondition(
        key="group", match=models.MatchValue(value="b"))])
    result = client.query_points(
        collection_name, query=models.SparseVector(**QUERY), using="text", limit=10,
        search_params=models.SearchParams(idf=models.IdfCorpusParams(corpus=corpus_filter)))
    corpus = [p["vector"]["text"] for p in points if p["payload"]["group"] == "b"]
    _assert_top(_client_points(result), _nearest_oracle(_idf_weighted(QUERY, corpus), points), 10)


def test_python_client_sparse_examples(client, collection_name):
    client.create_collection(collection_name, vectors_config={},
                             sparse_vectors_config={"text": models.SparseVectorParams()})
    points = _points(seed=3)
    client.upsert(collection_name, wait=True, points=[
        models.PointStruct(id=p["id"], vector={"text": models.SparseVector(**p["vector"]["text"])})
        for p in points])
    result = client.query_points(
        collection_name, using="text", limit=5,
        query=models.RecommendQuery(recommend=models.RecommendInput(
            positive=[models.SparseVector(**POSITIVE)], negative=[models.SparseVector(**NEGATIVE)],
            strategy=models.RecommendStrategy.SUM_SCORES)))
    oracle = _custom_oracle(points, lambda v: _similarity(POSITIVE, v) - _similarity(NEGATIVE, v))
    _assert_top(_client_points(result), oracle, 5)

    by_id = {p["id"]: p["vector"]["text"] for p in points}
    result = client.query_points(
        collection_name, using="text", limit=5,
        query=models.DiscoverQuery(discover=models.DiscoverInput(
            target=4, context=[models.ContextPair(positive=6, negative=7)])))

    def score(v):
        ps, ns = _similarity(by_id[6], v), _similarity(by_id[7], v)
        rank = 1 if ps > ns else (-1 if ps < ns else 0)
        return rank + _scaled_fast_sigmoid(_similarity(by_id[4], v))

    _assert_top(_client_points(result), _custom_oracle(points, score, excluded=[4, 6, 7]), 5)


@pytest.mark.owns_server
def test_inverted_index_is_rebuilt_at_start_up():
    """The inverted index lives in memory; a restarted server rebuilds it from the stored vectors."""
    from support.api_client import ApiClient
    from support.server_process import ServerProcess

    process = ServerProcess().start()
    try:
        api = ApiClient(process.url)
        api.put("/collections/sparse_restart",
                json={"sparse_vectors": {"text": {"modifier": "idf"}}}).expect(200)
        points = _points(seed=21)
        upsert(api, "sparse_restart", points)
        api.post("/collections/sparse_restart/points/delete", json={"points": [1, 2, 3]},
                 params={"wait": "true"}).expect(200)
        current = [p for p in points if p["id"] > 3]
        vectors = [p["vector"]["text"] for p in current]
        oracle = _nearest_oracle(_idf_weighted(QUERY, vectors), current)
        process.restart()
        result = _query(api, "sparse_restart", {"query": QUERY, "using": "text", "limit": 10})
        _assert_top(result, oracle, 10)
    finally:
        process.cleanup()
