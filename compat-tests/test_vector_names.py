"""Named vector add/delete on an existing collection (PUT / DELETE /collections/{c}/vectors/{v}).

Qdrant 1.19: the body is {"dense": {size, distance, ...}} or {"sparse": {modifier?, ...}};
existing points gain no value for a new vector (they can be given one afterwards) and lose
theirs when a vector is deleted; the collection's configuration shows the change at once.
Adding an existing name with the same schema changes nothing, with another schema or as the
other kind it is a 400; deleting a name that does not exist changes nothing. Searches are
checked against a numpy oracle.
"""

import numpy as np
import pytest

from support.api_client import ApiClient
from support.points import WAIT, upsert
from support.server_process import ServerProcess

DIM = 4


def _rows(count, seed):
    return np.random.default_rng(seed).normal(size=(count, DIM)).astype(np.float32)


def _nearest_ids(vectors_by_id, query, distance, limit):
    def score(v):
        if distance == "Euclid":
            return -float(np.linalg.norm(v - query))
        if distance == "Cosine":
            return float(v @ query / (np.linalg.norm(v) * np.linalg.norm(query)))
        return float(v @ query)
    return sorted(vectors_by_id, key=lambda i: score(vectors_by_id[i]), reverse=True)[:limit]


def _query_ids(api, name, body):
    return [p["id"] for p in api.post(f"/collections/{name}/points/query", json=body)
            .result["points"]]


@pytest.fixture
def text_collection(api, collection_factory):
    name = collection_factory({"vectors": {"text": {"size": DIM, "distance": "Cosine"}}})
    text = _rows(20, 1)
    upsert(api, name, [{"id": i + 1, "vector": {"text": text[i].tolist()}, "payload": {"n": i}}
                       for i in range(20)])
    return name, {i + 1: text[i] for i in range(20)}


def _vector_config(api, name):
    return api.get(f"/collections/{name}").result["config"]["params"]


def test_added_vector_is_configured_and_empty_until_points_get_it(api, text_collection):
    name, text = text_collection
    api.put(f"/collections/{name}/vectors/image", json={"dense": {"size": DIM, "distance": "Euclid"}},
            params=WAIT).expect(200)
    vectors = _vector_config(api, name)["vectors"]
    assert set(vectors) == {"text", "image"}
    assert vectors["image"]["size"] == DIM and vectors["image"]["distance"] == "Euclid"
    point = api.post(f"/collections/{name}/points", json={"ids": [3], "with_vector": True}).result[0]
    assert set(point["vector"]) == {"text"}
    count = api.post(f"/collections/{name}/points/count",
                     json={"filter": {"must": [{"has_vector": "image"}]}, "exact": True}).result
    assert count["count"] == 0

    image = _rows(12, 2)
    api.put(f"/collections/{name}/points/vectors", params=WAIT, json={
        "points": [{"id": i + 1, "vector": {"image": image[i].tolist()}} for i in range(12)]
    }).expect(200)
    query = _rows(1, 3)[0]
    got = _query_ids(api, name, {"query": query.tolist(), "using": "image", "limit": 5})
    assert got == _nearest_ids({i + 1: image[i] for i in range(12)}, query, "Euclid", 5)
    # the old vector is untouched
    got = _query_ids(api, name, {"query": query.tolist(), "using": "text", "limit": 5})
    assert got == _nearest_ids(text, query, "Cosine", 5)
    # new points carry both
    upsert(api, name, [{"id": 99, "vector": {"text": [1, 0, 0, 0], "image": [0, 1, 0, 0]}}])
    point = api.post(f"/collections/{name}/points", json={"ids": [99], "with_vector": True}).result[0]
    assert point["vector"]["image"] == [0, 1, 0, 0]


def test_deleted_vector_leaves_points_and_other_vectors(api, text_collection):
    name, text = text_collection
    api.put(f"/collections/{name}/vectors/image", json={"dense": {"size": DIM, "distance": "Dot"}},
            params=WAIT).expect(200)
    image = _rows(20, 4)
    api.put(f"/collections/{name}/points/vectors", params=WAIT, json={
        "points": [{"id": i + 1, "vector": {"image": image[i].tolist()}} for i in range(20)]
    }).expect(200)
    api.delete(f"/collections/{name}/vectors/text", params=WAIT).expect(200)

    assert set(_vector_config(api, name)["vectors"]) == {"image"}
    info = api.get(f"/collections/{name}").result
    assert info["points_count"] == 20
    point = api.post(f"/collections/{name}/points",
                     json={"ids": [5], "with_vector": True, "with_payload": True}).result[0]
    assert set(point["vector"]) == {"image"}
    assert point["vector"]["image"] == pytest.approx(image[4].tolist(), rel=1e-6)
    assert point["payload"] == {"n": 4}
    query = _rows(1, 5)[0]
    got = _query_ids(api, name, {"query": query.tolist(), "using": "image", "limit": 6})
    assert got == _nearest_ids({i + 1: image[i] for i in range(20)}, query, "Dot", 6)
    response = api.post(f"/collections/{name}/points/query",
                        json={"query": query.tolist(), "using": "text"})
    assert response.status == 400
    assert "Not existing vector name error: text" in response.error


def test_same_schema_again_is_a_no_op_and_conflicts_are_refused(api, text_collection):
    name, _ = text_collection
    api.put(f"/collections/{name}/vectors/text", json={"dense": {"size": DIM, "distance": "Cosine"}},
            params=WAIT).expect(200)
    response = api.put(f"/collections/{name}/vectors/text",
                       json={"dense": {"size": DIM + 1, "distance": "Cosine"}}, params=WAIT)
    assert response.status == 400
    assert "Vector `text` already exists with a different configuration" in response.error
    response = api.put(f"/collections/{name}/vectors/text", json={"sparse": {}}, params=WAIT)
    assert response.status == 400
    assert "Vector `text` already exists as a dense vector" in response.error
    api.put(f"/collections/{name}/vectors/words", json={"sparse": {"modifier": "idf"}},
            params=WAIT).expect(200)
    response = api.put(f"/collections/{name}/vectors/words",
                       json={"dense": {"size": 2, "distance": "Dot"}}, params=WAIT)
    assert response.status == 400
    assert "Vector `words` already exists as a sparse vector" in response.error
    response = api.put(f"/collections/{name}/vectors/words", json={"sparse": {}}, params=WAIT)
    assert response.status == 400
    assert "Sparse vector `words` already exists with a different configuration" in response.error
    # deleting a name that does not exist changes nothing
    api.delete(f"/collections/{name}/vectors/missing", params=WAIT).expect(200)
    assert set(_vector_config(api, name)["vectors"]) == {"text"}


def test_missing_collection_is_404(api, collection_name):
    response = api.put(f"/collections/{collection_name}/vectors/v",
                       json={"dense": {"size": 2, "distance": "Dot"}}, params=WAIT)
    assert response.status == 404
    assert api.delete(f"/collections/{collection_name}/vectors/v", params=WAIT).status == 404


def test_sparse_vector_added_and_deleted(api, text_collection):
    name, _ = text_collection
    api.put(f"/collections/{name}/vectors/words", json={"sparse": {"modifier": "idf"}},
            params=WAIT).expect(200)
    sparse = _vector_config(api, name)["sparse_vectors"]
    assert sparse["words"]["modifier"] == "idf"
    api.put(f"/collections/{name}/points/vectors", params=WAIT, json={
        "points": [{"id": 2, "vector": {"words": {"indices": [1, 7], "values": [0.5, 2.0]}}}]
    }).expect(200)
    count = api.post(f"/collections/{name}/points/count",
                     json={"filter": {"must": [{"has_vector": "words"}]}, "exact": True}).result
    assert count["count"] == 1
    api.delete(f"/collections/{name}/vectors/words", params=WAIT).expect(200)
    assert not _vector_config(api, name).get("sparse_vectors")
    point = api.post(f"/collections/{name}/points", json={"ids": [2], "with_vector": True}).result[0]
    assert set(point["vector"]) == {"text"}


def test_the_last_vector_can_be_deleted(api, collection_factory):
    name = collection_factory({"vectors": {"only": {"size": 2, "distance": "Dot"}}})
    upsert(api, name, [{"id": 1, "vector": {"only": [1, 2]}, "payload": {"a": 1}}])
    api.delete(f"/collections/{name}/vectors/only", params=WAIT).expect(200)
    assert _vector_config(api, name)["vectors"] == {}
    point = api.post(f"/collections/{name}/points",
                     json={"ids": [1], "with_vector": True, "with_payload": True}).result[0]
    assert point["payload"] == {"a": 1}
    assert not point.get("vector")


def test_python_client_create_and_delete_vector_name(api, text_collection, make_qdrant_client):
    from qdrant_client import models

    name, text = text_collection
    client = make_qdrant_client()
    result = client.create_vector_name(name, "image", models.DenseVectorNameConfig(
        dense=models.DenseVectorConfig(size=DIM, distance=models.Distance.EUCLID)))
    assert result.status == models.UpdateStatus.COMPLETED
    assert set(client.get_collection(name).config.params.vectors) == {"text", "image"}
    client.delete_vector_name(name, "text")
    assert set(client.get_collection(name).config.params.vectors) == {"image"}
    records = client.retrieve(name, ids=[1], with_vectors=True)
    assert records[0].vector == {}


@pytest.mark.owns_server
def test_added_and_deleted_vectors_persist_across_restart():
    process = ServerProcess().start()
    try:
        api = ApiClient(process.url)
        api.put("/collections/kept", json={"vectors": {"a": {"size": DIM, "distance": "Euclid"},
                                                       "b": {"size": DIM, "distance": "Dot"}}})\
            .expect(200)
        a, b, c = _rows(30, 6), _rows(30, 7), _rows(30, 8)
        upsert(api, "kept", [{"id": i + 1, "vector": {"a": a[i].tolist(), "b": b[i].tolist()}}
                             for i in range(30)])
        api.put("/collections/kept/vectors/c", json={"dense": {"size": DIM, "distance": "Cosine"}},
                params=WAIT).expect(200)
        api.put("/collections/kept/points/vectors", params=WAIT, json={
            "points": [{"id": i + 1, "vector": {"c": c[i].tolist()}} for i in range(30)]
        }).expect(200)
        api.delete("/collections/kept/vectors/a", params=WAIT).expect(200)
        process.restart()
        assert set(api.get("/collections/kept").result["config"]["params"]["vectors"]) == {"b", "c"}
        query = _rows(1, 9)[0]
        for vector, rows, distance in (("b", b, "Dot"), ("c", c, "Cosine")):
            got = _query_ids(api, "kept", {"query": query.tolist(), "using": vector, "limit": 7})
            assert got == _nearest_ids({i + 1: rows[i] for i in range(30)}, query, distance, 7)
        point = api.post("/collections/kept/points", json={"ids": [4], "with_vector": True})\
            .result[0]
        assert set(point["vector"]) == {"b", "c"}
    finally:
        process.cleanup()


@pytest.mark.sextant_only
def test_added_vector_gets_its_own_hnsw_index(api, collection_factory):
    import time

    name = collection_factory({"vectors": {"a": {"size": DIM, "distance": "Dot"}},
                               "optimizers_config": {"indexing_threshold": 1}})
    a, b = _rows(200, 10), _rows(200, 11)
    upsert(api, name, [{"id": i + 1, "vector": {"a": a[i].tolist()}} for i in range(200)])
    api.put(f"/collections/{name}/vectors/b", json={"dense": {"size": DIM, "distance": "Euclid"}},
            params=WAIT).expect(200)
    api.put(f"/collections/{name}/points/vectors", params=WAIT, json={
        "points": [{"id": i + 1, "vector": {"b": b[i].tolist()}} for i in range(200)]
    }).expect(200)
    deadline = time.monotonic() + 60
    while api.get(f"/collections/{name}").result["indexed_vectors_count"] < 400:
        assert time.monotonic() < deadline, "the new vector was not indexed"
        time.sleep(0.2)
    query = _rows(1, 12)[0]
    got = _query_ids(api, name, {"query": query.tolist(), "using": "b", "limit": 5,
                                 "params": {"hnsw_ef": 200}})
    assert got == _nearest_ids({i + 1: b[i] for i in range(200)}, query, "Euclid", 5)
