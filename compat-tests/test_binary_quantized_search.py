"""Binary quantization: a collection configured with `quantization_config.binary` is searched on
its bit codes once indexed (Hamming distance), the best `limit * oversampling` candidates are
rescored on the original vectors (rescore is on by default), and `params.quantization` (ignore,
rescore, oversampling) steers the search as for scalar quantization.

Data: 2000 unit vectors of 128 dimensions drawn around 100 cluster centres (seeded). Sign bits
tell clusters apart but rank the members of one cluster poorly, so clusters are small (about 20
points): a query's neighbours are its cluster's members, as with real embeddings.
indexing_threshold is set low so the HNSW index is built.
"""

import time

import numpy as np
import pytest

from support.server_process import ServerProcess
from support.api_client import ApiClient

DIM = 128
POINTS = 2000
QUERIES = 20
CLUSTERS = 100
K = 10


def _dataset(seed: int = 17) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    centres = rng.normal(size=(CLUSTERS, DIM))
    base = centres[rng.integers(0, CLUSTERS, POINTS)] + 0.6 * rng.normal(size=(POINTS, DIM))
    queries = centres[rng.integers(0, CLUSTERS, QUERIES)] + 0.6 * rng.normal(size=(QUERIES, DIM))
    base /= np.linalg.norm(base, axis=1, keepdims=True)
    queries /= np.linalg.norm(queries, axis=1, keepdims=True)
    return base.astype(np.float32), queries.astype(np.float32)


def _collection_body(quantization: dict | None, distance: str = "Cosine") -> dict:
    body = {
        "vectors": {"size": DIM, "distance": distance},
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
def binary_collection(api, collection_factory, dataset):
    base, _ = dataset
    name = collection_factory(_collection_body({"binary": {"always_ram": True}}))
    _fill_and_wait_indexed(api, name, base)
    return name


def test_binary_quantization_is_reported_as_configured(api, collection_factory):
    config = {"binary": {"always_ram": False, "encoding": "two_bits",
                         "query_encoding": "scalar8bits"}}
    name = collection_factory(_collection_body(config))
    assert api.get(f"/collections/{name}").result["config"]["quantization_config"] == config


def test_binary_search_recall_against_exact(api, binary_collection, dataset):
    _, queries = dataset
    assert _recall(api, binary_collection, queries,
                   {"quantization": {"rescore": True, "oversampling": 3.0}}) >= 0.9
    assert _recall(api, binary_collection, queries,
                   {"quantization": {"ignore": True}, "hnsw_ef": 128}) >= 0.95


def test_rescoring_is_the_default_and_gives_the_original_cosine(api, binary_collection, dataset):
    base, queries = dataset
    for params in (None, {"quantization": {"oversampling": 2.0}}):
        for q in queries[:5]:
            hits = _query(api, binary_collection, q, params)
            assert len(hits) == K
            for hit in hits:
                assert hit["score"] == pytest.approx(float(base[hit["id"]] @ q), abs=1e-4)
            scores = [hit["score"] for hit in hits]
            assert scores == sorted(scores, reverse=True)


def test_oversampling_widens_the_rescored_candidates(api, binary_collection, dataset):
    _, queries = dataset
    narrow = _recall(api, binary_collection, queries,
                     {"quantization": {"rescore": True, "oversampling": 1.0}, "hnsw_ef": 10})
    wide = _recall(api, binary_collection, queries,
                   {"quantization": {"rescore": True, "oversampling": 4.0}, "hnsw_ef": 10})
    assert wide >= narrow
    assert wide >= 0.9


def test_without_rescoring_the_answer_still_has_the_limit(api, binary_collection, dataset):
    _, queries = dataset
    hits = _query(api, binary_collection, queries[0], {"quantization": {"rescore": False}})
    assert len(hits) == K
    assert len({hit["id"] for hit in hits}) == K


@pytest.mark.parametrize("binary", [
    {"encoding": "two_bits"},
    {"encoding": "one_and_half_bits"},
    {"encoding": "one_bit", "query_encoding": "scalar8bits"},
    {"query_encoding": "scalar4bits"},
    {"encoding": "two_bits", "query_encoding": "binary"},
])
def test_every_encoding_finds_the_neighbours(api, collection_factory, dataset, binary):
    base, queries = dataset
    name = collection_factory(_collection_body({"binary": binary}))
    _fill_and_wait_indexed(api, name, base)
    assert _recall(api, name, queries, {"quantization": {"oversampling": 3.0}}) >= 0.9


def test_binary_quantization_with_euclid(api, collection_factory, dataset):
    base, queries = dataset
    name = collection_factory(_collection_body({"binary": {}}, distance="Euclid"))
    _fill_and_wait_indexed(api, name, base)
    assert _recall(api, name, queries, {"quantization": {"oversampling": 3.0}}) >= 0.9
    hits = _query(api, name, queries[0], {"quantization": {"oversampling": 3.0}})
    for hit in hits:
        expected = float(np.linalg.norm(base[hit["id"]] - queries[0]))
        assert hit["score"] == pytest.approx(expected, abs=1e-4)


@pytest.mark.owns_server
def test_binary_index_answers_the_same_after_restart(dataset):
    base, queries = dataset
    process = ServerProcess().start()
    try:
        api = ApiClient(process.url)
        api.put("/collections/b", json=_collection_body(
            {"binary": {"encoding": "one_and_half_bits", "always_ram": False}})).expect(200)
        _fill_and_wait_indexed(api, "b", base)
        params = {"quantization": {"rescore": False}}
        before = [[p["id"] for p in _query(api, "b", q, params)] for q in queries]
        rescored = [_query(api, "b", q, {"quantization": {"oversampling": 3.0}}) for q in queries]
        process.restart()
        info = api.get("/collections/b").result
        assert info["indexed_vectors_count"] >= POINTS
        after = [[p["id"] for p in _query(api, "b", q, params)] for q in queries]
        assert after == before
        assert [_query(api, "b", q, {"quantization": {"oversampling": 3.0}})
                for q in queries] == rescored
    finally:
        process.cleanup()


@pytest.mark.owns_server
def test_switching_from_scalar_to_binary_takes_effect_after_restart(dataset):
    base, queries = dataset
    process = ServerProcess().start()
    try:
        api = ApiClient(process.url)
        api.put("/collections/s", json=_collection_body(
            {"scalar": {"type": "int8", "quantile": 0.99}})).expect(200)
        _fill_and_wait_indexed(api, "s", base)
        api.patch("/collections/s", json={
            "quantization_config": {"binary": {"encoding": "one_bit"}}}).expect(200)
        process.restart()
        _fill_and_wait_indexed(api, "s", base)
        config = api.get("/collections/s").result["config"]
        assert config["quantization_config"] == {"binary": {"encoding": "one_bit"}}
        assert _recall(api, "s", queries, {"quantization": {"oversampling": 3.0}}) >= 0.9
        # Unrescored scores are estimates from the bits, far coarser than int8 ones.
        hits = _query(api, "s", queries[0], {"quantization": {"rescore": False}})
        errors = [abs(hit["score"] - float(base[hit["id"]] @ queries[0])) for hit in hits]
        assert max(errors) > 0.02
    finally:
        process.cleanup()
