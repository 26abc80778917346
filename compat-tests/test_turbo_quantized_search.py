"""TurboQuant: a collection configured with `quantization_config.turbo` is searched on its
rotated scalar codes once indexed, the best `limit * oversampling` candidates are rescored on the
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


@pytest.mark.parametrize("config", [
    {"turbo": {"bits": "bits1"}},
    {"turbo": {"bits": "bits1_5", "always_ram": True}},
    {"turbo": {"bits": "bits2", "always_ram": False}},
    {"turbo": {"bits": "bits4"}},
])
def test_turbo_quantization_is_reported_as_configured(api, collection_factory, config):
    name = collection_factory(_collection_body(config))
    assert api.get(f"/collections/{name}").result["config"]["quantization_config"] == config


@pytest.mark.parametrize("bits,oversampling", [("bits4", 3.0), ("bits2", 3.0)])
def test_turbo_search_recall_and_rescored_scores(api, collection_factory, dataset, bits,
                                                 oversampling):
    base, queries = dataset
    name = collection_factory(_collection_body({"turbo": {"bits": bits}}))
    _fill_and_wait_indexed(api, name, base)
    params = {"quantization": {"oversampling": oversampling}}
    assert _recall(api, name, queries, params) >= 0.9
    # Rescoring is asked for: Qdrant rescores 4-bit codes only when asked (its default is to
    # rescore the 1-, 1.5- and 2-bit ones).
    for q in queries[:5]:
        hits = _query(api, name, q, {"quantization": {"oversampling": 2.0, "rescore": True}})
        assert len(hits) == K
        for hit in hits:
            assert hit["score"] == pytest.approx(float(base[hit["id"]] @ q), abs=1e-4)
    # Without rescoring the scores are the codes' estimates, not the exact products.
    unrescored = _query(api, name, queries[0], {"quantization": {"rescore": False}})
    assert len(unrescored) == K
    assert any(abs(hit["score"] - float(base[hit["id"]] @ queries[0])) > 1e-6
               for hit in unrescored)


def test_turbo_search_with_euclid_rescores_exact_distances(api, collection_factory, dataset):
    base, queries = dataset
    name = collection_factory(_collection_body({"turbo": {"bits": "bits4"}}, distance="Euclid"))
    _fill_and_wait_indexed(api, name, base)
    for q in queries[:5]:
        hits = _query(api, name, q, {"quantization": {"oversampling": 3.0, "rescore": True}})
        assert len(hits) == K
        for hit in hits:
            expected = float(((base[hit["id"]] - q) ** 2).sum() ** 0.5)
            assert hit["score"] == pytest.approx(expected, abs=1e-4)


@pytest.mark.owns_server
def test_turbo_index_answers_the_same_after_restart(dataset):
    base, queries = dataset
    process = ServerProcess().start()
    try:
        api = ApiClient(process.url)
        api.put("/collections/t", json=_collection_body({"turbo": {"bits": "bits2"}})).expect(200)
        _fill_and_wait_indexed(api, "t", base)
        params = {"quantization": {"rescore": False}}
        before = [[p["id"] for p in _query(api, "t", q, params)] for q in queries]
        process.restart()
        assert api.get("/collections/t").result["indexed_vectors_count"] >= POINTS
        after = [[p["id"] for p in _query(api, "t", q, params)] for q in queries]
        assert after == before
    finally:
        process.cleanup()
