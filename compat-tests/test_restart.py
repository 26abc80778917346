"""Persistence: collections, aliases and acknowledged points survive a restart and a kill -9.

Each test runs its own server process (not the session's), so stopping it disturbs no other test.
"""

import time

import pytest

from support.api_client import ApiClient
from support.server_process import ServerProcess

pytestmark = pytest.mark.owns_server

COLLECTION_BODY = {
    "vectors": {"dense": {"size": 3, "distance": "Euclid"}},
    "sparse_vectors": {"keywords": {}},
    "hnsw_config": {"m": 12},
    "optimizers_config": {"indexing_threshold": 3000},
    "on_disk_payload": False,
    "metadata": {"owner": "restart-test"},
}


@pytest.fixture
def own_server():
    process = ServerProcess().start()
    try:
        yield process
    finally:
        process.cleanup()


def _seed(api: ApiClient) -> None:
    api.put("/collections/kept", json=COLLECTION_BODY).expect(200)
    api.put("/collections/other", json={"vectors": {"size": 2, "distance": "Dot"}}).expect(200)
    actions = [
        {"create_alias": {"collection_name": "kept", "alias_name": "kept_alias"}},
        {"create_alias": {"collection_name": "other", "alias_name": "other_alias"}},
    ]
    api.post("/collections/aliases", json={"actions": actions}).expect(200)
    points = {
        "points": [
            {"id": i, "vector": {"dense": [float(i), 0.5, -1.0]}, "payload": {"n": i}}
            for i in range(1, 51)
        ]
    }
    api.put("/collections/kept/points", json=points, params={"wait": "true"}).expect(200)


def _check_seeded_state(api: ApiClient) -> None:
    names = {c["name"] for c in api.get("/collections").result["collections"]}
    assert {"kept", "other"} <= names
    info = api.get("/collections/kept").result
    assert info["points_count"] == 50
    config = info["config"]
    assert config["params"]["vectors"]["dense"]["size"] == 3
    assert config["params"]["vectors"]["dense"]["distance"] == "Euclid"
    assert "keywords" in config["params"]["sparse_vectors"]
    assert config["hnsw_config"]["m"] == 12
    assert config["optimizer_config"]["indexing_threshold"] == 3000
    assert config["params"]["on_disk_payload"] is False
    assert config["metadata"] == {"owner": "restart-test"}
    aliases = {a["alias_name"]: a["collection_name"] for a in api.get("/aliases").result["aliases"]}
    assert aliases == {"kept_alias": "kept", "other_alias": "other"}
    point = api.get("/collections/kept_alias/points/42").result
    assert point["payload"] == {"n": 42}


def test_graceful_restart_keeps_collections_aliases_and_points(own_server):
    api = ApiClient(own_server.url)
    _seed(api)
    own_server.restart()
    _check_seeded_state(api)


def test_kill_9_keeps_every_acknowledged_write(own_server):
    api = ApiClient(own_server.url)
    _seed(api)
    api.delete("/collections/other").expect(200)
    api.post(
        "/collections/kept/points/payload",
        json={"payload": {"flag": True}, "points": [7]},
        params={"wait": "true"},
    ).expect(200)
    own_server.kill()
    own_server.start()
    names = {c["name"] for c in api.get("/collections").result["collections"]}
    assert "kept" in names and "other" not in names
    assert api.get("/aliases").result["aliases"] == [
        {"alias_name": "kept_alias", "collection_name": "kept"}
    ]
    assert api.post("/collections/kept/points/count", json={"exact": True}).result == {"count": 50}
    assert api.get("/collections/kept/points/7").result["payload"] == {"n": 7, "flag": True}


def test_deleted_collection_stays_deleted_after_restart(own_server):
    api = ApiClient(own_server.url)
    api.put("/collections/gone", json={"vectors": {"size": 2, "distance": "Dot"}}).expect(200)
    api.delete("/collections/gone").expect(200)
    own_server.restart()
    api.get("/collections/gone").expect(404)
    api.put("/collections/gone", json={"vectors": {"size": 5, "distance": "Dot"}}).expect(200)
    assert api.get("/collections/gone").result["config"]["params"]["vectors"]["size"] == 5


@pytest.mark.sextant_only
def test_graph_answers_right_after_restart_while_its_copy_loads(own_server):
    """The stored graph answers in place from the first request after a restart (before the
    collection reports its vectors indexed again), with the answers it gave before."""
    import numpy as np

    api = ApiClient(own_server.url)
    rng = np.random.default_rng(5)
    base = rng.normal(size=(3000, 32)).astype(np.float32)
    queries = rng.normal(size=(10, 32)).astype(np.float32)
    api.put("/collections/graph_first", json={
        "vectors": {"size": 32, "distance": "Cosine"},
        "optimizers_config": {"indexing_threshold": 10}}).expect(200)
    for start in range(0, len(base), 1000):
        batch = {"ids": list(range(start, start + 1000)),
                 "vectors": base[start:start + 1000].tolist()}
        api.put("/collections/graph_first/points", json={"batch": batch},
                params={"wait": "true"}).expect(200)
    deadline = time.time() + 60
    while api.get("/collections/graph_first").result["indexed_vectors_count"] < len(base):
        assert time.time() < deadline
        time.sleep(0.1)
    time.sleep(1.5)  # the indexing thread persists the image once updates pause

    def answers():
        return [[p["id"] for p in api.post("/collections/graph_first/points/query", json={
            "query": q.tolist(), "limit": 5, "params": {"hnsw_ef": 16}}).expect(200)
            .result["points"]] for q in queries]

    before = answers()
    own_server.restart()
    assert answers() == before
    exact = [[p["id"] for p in api.post("/collections/graph_first/points/query", json={
        "query": q.tolist(), "limit": 5, "params": {"exact": True}}).result["points"]]
        for q in queries]
    assert sum(len(set(a) & set(e)) for a, e in zip(before, exact)) >= 0.8 * 5 * len(queries)
