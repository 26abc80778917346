"""Product quantization: a collection configured with `quantization_config.product` is searched
on its PQ codes once indexed, the best `limit * oversampling` candidates are rescored on the
original vectors (the default), and a restart answers the same.

Data: the clustered set of test_binary_quantized_search (2000 unit vectors, 128 dimensions).
"""

import pytest

from support.server_process import ServerProcess
from support.api_client import ApiClient
from test_binary_quantized_search import (K, POINTS, _collection_body, _dataset,
                                          _fill_and_wait_indexed, _query, _recall)


@pytest.fixture(scope="module")
def dataset():
    return _dataset()


def test_product_quantization_is_reported_as_configured(api, collection_factory):
    config = {"product": {"compression": "x32", "always_ram": True}}
    name = collection_factory(_collection_body(config))
    assert api.get(f"/collections/{name}").result["config"]["quantization_config"] == config


@pytest.mark.parametrize("compression", ["x8", "x16"])
def test_product_search_recall_and_rescored_scores(api, collection_factory, dataset, compression):
    base, queries = dataset
    name = collection_factory(_collection_body({"product": {"compression": compression}}))
    _fill_and_wait_indexed(api, name, base)
    # A floor both servers clear on this set (Qdrant 1.19 measured 0.895 for x8 and 0.75 for
    # x16, Sextant is higher); recall figures belong to bench/, not to this check.
    assert _recall(api, name, queries, {"quantization": {"oversampling": 3.0}}) >= 0.6
    for q in queries[:5]:
        # Asked for: Qdrant does not rescore product-quantized searches by default.
        hits = _query(api, name, q, {"quantization": {"oversampling": 2.0, "rescore": True}})
        assert len(hits) == K
        for hit in hits:
            assert hit["score"] == pytest.approx(float(base[hit["id"]] @ q), abs=1e-4)
    unrescored = _query(api, name, queries[0], {"quantization": {"rescore": False}})
    assert len(unrescored) == K


@pytest.mark.owns_server
def test_product_index_answers_the_same_after_restart(dataset):
    base, queries = dataset
    process = ServerProcess().start()
    try:
        api = ApiClient(process.url)
        api.put("/collections/p", json=_collection_body(
            {"product": {"compression": "x16"}})).expect(200)
        _fill_and_wait_indexed(api, "p", base)
        params = {"quantization": {"rescore": False}}
        before = [[p["id"] for p in _query(api, "p", q, params)] for q in queries]
        process.restart()
        assert api.get("/collections/p").result["indexed_vectors_count"] >= POINTS
        after = [[p["id"] for p in _query(api, "p", q, params)] for q in queries]
        assert after == before
    finally:
        process.cleanup()
