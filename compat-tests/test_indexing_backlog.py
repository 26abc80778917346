"""Points streamed in faster than the HNSW graph takes them: every acknowledged point is searchable
at once, status is yellow while the graph lacks points and green once it holds them all, and a
restart in the middle of such a backlog loses nothing.

Sextant holds graph inserts back while upserts keep arriving (a bulk load) and inserts the backlog
when the stream pauses; the points the graph lacks are scanned exactly meanwhile. Qdrant indexes
its segments in the background the same way (a segment waits for the optimizer). So what a user
relies on holds for both: a search right after an acknowledged upsert finds the point, a filtered
search answers as the exact oracle, and the collection turns green with every vector indexed.

Data: unit vectors of 32 dimensions (seeded), uploaded in batches of 100 with wait=true;
indexing_threshold is set low so the collection is indexed.
"""

import time

import numpy as np
import pytest

from support.api_client import ApiClient
from support.server_process import ServerProcess

DIM = 32
BATCH = 100
BATCHES = 30


def _vectors(seed: int = 23) -> np.ndarray:
    rng = np.random.default_rng(seed)
    base = rng.normal(size=(BATCH * BATCHES, DIM))
    base /= np.linalg.norm(base, axis=1, keepdims=True)
    return base.astype(np.float32)


BODY = {
    "vectors": {"size": DIM, "distance": "Cosine"},
    "hnsw_config": {"m": 16, "ef_construct": 64},
    "optimizers_config": {"indexing_threshold": 10},
}


def _upsert_batch(api: ApiClient, name: str, base: np.ndarray, batch: int) -> None:
    start = batch * BATCH
    rows = base[start:start + BATCH]
    body = {"batch": {"ids": list(range(start, start + BATCH)), "vectors": rows.tolist(),
                      "payloads": [{"batch": batch} for _ in range(BATCH)]}}
    api.put(f"/collections/{name}/points", json=body, params={"wait": "true"}).expect(200)


def _query(api: ApiClient, name: str, vector: np.ndarray, limit: int, **extra) -> list:
    body = {"query": vector.tolist(), "limit": limit, **extra}
    return api.post(f"/collections/{name}/points/query", json=body).expect(200).result["points"]


def _wait_green(api: ApiClient, name: str, points: int, timeout_s: float = 120) -> dict:
    deadline = time.time() + timeout_s
    info = {}
    while time.time() < deadline:
        info = api.get(f"/collections/{name}").result
        assert info["status"] in ("green", "yellow")
        if info["status"] == "green" and info["indexed_vectors_count"] >= points:
            return info
        time.sleep(0.2)
    pytest.fail(f"collection not indexed in time: {info}")


def test_streamed_points_are_found_at_once_and_filtered_search_stays_exact(api,
                                                                          collection_factory):
    base = _vectors()
    name = collection_factory(BODY)
    rng = np.random.default_rng(5)
    for batch in range(BATCHES):
        _upsert_batch(api, name, base, batch)
        # A point of the batch just acknowledged is its own nearest neighbour.
        own = batch * BATCH + int(rng.integers(0, BATCH))
        hits = _query(api, name, base[own], 1)
        assert hits[0]["id"] == own
        assert hits[0]["score"] == pytest.approx(1.0, abs=1e-4)
        # A search restricted to that batch answers as the exact oracle does.
        query = rng.normal(size=DIM).astype(np.float32)
        query /= np.linalg.norm(query)
        rows = base[batch * BATCH:(batch + 1) * BATCH]
        expected = [batch * BATCH + int(i) for i in np.argsort(-(rows @ query))[:10]]
        condition = {"must": [{"key": "batch", "match": {"value": batch}}]}
        got = _query(api, name, query, 10, filter=condition)
        assert [p["id"] for p in got] == expected
    info = _wait_green(api, name, BATCH * BATCHES)
    assert info["points_count"] == BATCH * BATCHES
    assert info["indexed_vectors_count"] == BATCH * BATCHES
    # Once indexed, the same searches still find every point.
    for own in rng.integers(0, BATCH * BATCHES, 20):
        assert _query(api, name, base[int(own)], 1)[0]["id"] == int(own)


@pytest.mark.sextant_only
def test_status_is_yellow_while_the_graph_lacks_points_and_green_once_it_holds_them(
        api, collection_factory):
    base = _vectors()
    name = collection_factory(BODY)
    for batch in range(BATCHES):
        _upsert_batch(api, name, base, batch)
        info = api.get(f"/collections/{name}").result
        # Never green while indexed_vectors_count lags behind the points of an indexed collection.
        if info["indexed_vectors_count"] < info["points_count"]:
            assert info["status"] == "yellow", info
    info = _wait_green(api, name, BATCH * BATCHES)
    assert info["indexed_vectors_count"] == info["points_count"] == BATCH * BATCHES


@pytest.fixture
def own_server():
    process = ServerProcess().start()
    try:
        yield process
    finally:
        process.cleanup()


@pytest.mark.owns_server
@pytest.mark.parametrize("stop", ["graceful", "kill_9"])
def test_a_restart_mid_backlog_loses_no_point_and_the_graph_catches_up(own_server, stop):
    base = _vectors()
    api = ApiClient(own_server.url)
    api.put("/collections/backlog", json=BODY).expect(200)
    for batch in range(BATCHES):
        _upsert_batch(api, "backlog", base, batch)
    # Straight after the last acknowledged batch: the graph most likely lacks part of them.
    if stop == "graceful":
        own_server.restart()
    else:
        own_server.kill()
        own_server.start()
    info = _wait_green(api, "backlog", BATCH * BATCHES)
    assert info["points_count"] == BATCH * BATCHES
    assert info["indexed_vectors_count"] == BATCH * BATCHES
    for own in range(0, BATCH * BATCHES, 97):
        assert _query(api, "backlog", base[own], 1)[0]["id"] == own
