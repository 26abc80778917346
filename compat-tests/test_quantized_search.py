"""Scalar (int8) quantization: a collection configured with `quantization_config.scalar` is
searched on its quantized index once indexed, with `params.quantization` (ignore, rescore,
oversampling) steering the search, and its answers stay close to exact search.

Data: 2000 unit vectors of 48 dimensions drawn around 20 cluster centres (seeded), so that
neighbourhoods are meaningful; indexing_threshold is set low so the HNSW index is built.
"""

import time

import numpy as np
import pytest

from support.server_process import ServerProcess
from support.api_client import ApiClient

DIM = 48
POINTS = 2000
QUERIES = 20
K = 10


def _dataset(seed: int = 11) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    centres = rng.normal(size=(20, DIM))
    base = centres[rng.integers(0, 20, POINTS)] + 0.6 * rng.normal(size=(POINTS, DIM))
    queries = centres[rng.integers(0, 20, QUERIES)] + 0.6 * rng.normal(size=(QUERIES, DIM))
    base /= np.linalg.norm(base, axis=1, keepdims=True)
    queries /= np.linalg.norm(queries, axis=1, keepdims=True)
    return base.astype(np.float32), queries.astype(np.float32)


def _collection_body(quantization: dict | None) -> dict:
    body = {
        "vectors": {"size": DIM, "distance": "Cosine"},
        "hnsw_config": {"m": 16, "ef_construct": 100},
        "optimizers_config": {"indexing_threshold": 10},
    }
    if quantization is not None:
        body["quantization_config"] = quantization
    return body


def _fill_and_wait_indexed(api: ApiClient, name: str, base: np.ndarray) -> None:
    for start in range(0, POINTS, 500):
        rows = base[start:start + 500]
        batch = {"ids": list(range(start, start + len(rows))), "vectors": rows.tolist()}
        api.put(f"/collections/{name}/points", json={"batch": batch},
                params={"wait": "true"}).expect(200)
    deadline = time.time() + 120
    while time.time() < deadline:
        info = api.get(f"/collections/{name}").result
        if info["status"] == "green" and info["indexed_vectors_count"] >= POINTS:
            return
        time.sleep(0.2)
    pytest.fail(f"collection not indexed in time: {info}")


def _query(api: ApiClient, name: str, vector: np.ndarray, params: dict | None = None) -> list:
    body = {"query": vector.tolist(), "limit": K}
    if params is not None:
        body["params"] = params
    return api.post(f"/collections/{name}/points/query", json=body).expect(200).result["points"]


def _recall(api: ApiClient, name: str, queries: np.ndarray, params: dict | None) -> float:
    found = 0
    for q in queries:
        exact = {p["id"] for p in _query(api, name, q, {"exact": True})}
        approx = {p["id"] for p in _query(api, name, q, params)}
        found += len(exact & approx)
    return found / (K * len(queries))


@pytest.fixture(scope="module")
def dataset():
    return _dataset()


@pytest.fixture
def quantized_collection(api, collection_factory, dataset):
    base, _ = dataset
    name = collection_factory(_collection_body(
        {"scalar": {"type": "int8", "quantile": 0.99, "always_ram": True}}))
    _fill_and_wait_indexed(api, name, base)
    return name


def test_scalar_quantization_is_reported_as_configured(api, quantized_collection):
    config = api.get(f"/collections/{quantized_collection}").result["config"]
    assert config["quantization_config"] == {
        "scalar": {"type": "int8", "quantile": 0.99, "always_ram": True}}


def test_quantized_search_recall_against_exact(api, quantized_collection, dataset):
    _, queries = dataset
    assert _recall(api, quantized_collection, queries, None) >= 0.85
    assert _recall(api, quantized_collection, queries,
                   {"quantization": {"rescore": True, "oversampling": 3.0}}) >= 0.95
    assert _recall(api, quantized_collection, queries,
                   {"quantization": {"ignore": True}, "hnsw_ef": 128}) >= 0.95


def test_rescored_scores_are_the_original_cosine(api, quantized_collection, dataset):
    base, queries = dataset
    for q in queries[:5]:
        hits = _query(api, quantized_collection, q,
                      {"quantization": {"rescore": True, "oversampling": 2.0}})
        assert len(hits) == K
        for hit in hits:
            assert hit["score"] == pytest.approx(float(base[hit["id"]] @ q), abs=1e-4)
        scores = [hit["score"] for hit in hits]
        assert scores == sorted(scores, reverse=True)


def test_oversampling_below_one_is_rejected(api, quantized_collection, dataset):
    _, queries = dataset
    body = {"query": queries[0].tolist(), "limit": K,
            "params": {"quantization": {"oversampling": 0.5}}}
    response = api.post(f"/collections/{quantized_collection}/points/query", json=body)
    response.expect(422)
    assert "oversampling" in response.error and "0.5" in response.error


def test_quantization_params_on_an_unquantized_collection_are_harmless(
        api, collection_factory, dataset):
    base, queries = dataset
    name = collection_factory(_collection_body(None))
    _fill_and_wait_indexed(api, name, base)
    assert _recall(api, name, queries[:5],
                   {"quantization": {"rescore": False, "oversampling": 2.0}}) >= 0.9


@pytest.mark.owns_server
def test_quantized_index_answers_the_same_after_restart(dataset):
    base, queries = dataset
    process = ServerProcess().start()
    try:
        api = ApiClient(process.url)
        api.put("/collections/q", json=_collection_body(
            {"scalar": {"type": "int8", "always_ram": False}})).expect(200)
        _fill_and_wait_indexed(api, "q", base)
        params = {"quantization": {"rescore": False}}
        before = [[p["id"] for p in _query(api, "q", q, params)] for q in queries]
        process.restart()
        info = api.get("/collections/q").result
        assert info["indexed_vectors_count"] >= POINTS
        after = [[p["id"] for p in _query(api, "q", q, params)] for q in queries]
        assert after == before
    finally:
        process.cleanup()
