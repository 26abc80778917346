"""The shard surface of one node: custom sharding with shard keys, the collection's cluster info.

A collection created with `sharding_method: custom` holds no shard until a key is created
(`PUT /collections/{c}/shards`); every point write names a key and lands in that key's shards,
reads may name keys (`shard_key` selector) and then see only their shards, and each point read
carries the key it was written with. `GET /collections/{c}/cluster` lists the local shards with
their point counts.

Against Qdrant these tests need a node with cluster mode enabled (a one-peer cluster): a
standalone Qdrant refuses to create shard keys ("Qdrant is running in standalone mode").
Expected values come from what each test wrote: which ids went to which key.
"""

import hashlib
import warnings

import pytest
from qdrant_client import models

CUSTOM = {"vectors": {"size": 2, "distance": "Dot"}, "sharding_method": "custom"}
KEY_A_IDS = [1, 2, 3, 4, 5]
KEY_7_IDS = [6, 7, 8]


def _point(point_id: int) -> dict:
    return {"id": point_id, "vector": [1.0, point_id / 10], "payload": {"n": point_id}}


def _create_key(api, name, key, **extra):
    assert api.put(f"/collections/{name}/shards", json={"shard_key": key, **extra}).result is True


def _upsert(api, name, ids, key):
    body = {"points": [_point(i) for i in ids], "shard_key": key}
    api.put(f"/collections/{name}/points?wait=true", json=body).expect(200)


@pytest.fixture(autouse=True)
def shard_keys_served(api, collection_factory):
    """Skips when the server is a standalone Qdrant, which serves no shard keys (405)."""
    probe = collection_factory(CUSTOM)
    response = api.put(f"/collections/{probe}/shards", json={"shard_key": "probe"}, validate=False)
    if response.status == 405 and "standalone mode" in response.text:
        pytest.skip("the server runs Qdrant in standalone mode: shard keys need cluster mode")


@pytest.fixture
def sharded(api, collection_factory):
    """A custom-sharded collection with key "a" (ids 1-5, two shards) and key 7 (ids 6-8)."""
    name = collection_factory(CUSTOM)
    _create_key(api, name, "a", shards_number=2)
    _create_key(api, name, 7)
    _upsert(api, name, KEY_A_IDS, "a")
    _upsert(api, name, KEY_7_IDS, 7)
    return name


def _key_of(point_id: int):
    return "a" if point_id in KEY_A_IDS else 7


def _scroll(api, name, **body):
    return api.post(f"/collections/{name}/points/scroll", json={"limit": 100, **body}).result


def _count(api, name, **body):
    return api.post(f"/collections/{name}/points/count", json={"exact": True, **body}).result[
        "count"
    ]


def test_custom_sharded_collection_starts_without_shards(api, collection_factory):
    name = collection_factory(CUSTOM)
    info = api.get(f"/collections/{name}").result
    assert info["config"]["params"]["sharding_method"] == "custom"
    cluster = api.get(f"/collections/{name}/cluster").result
    assert cluster["shard_count"] == 0
    assert cluster["local_shards"] == []
    assert api.get(f"/collections/{name}/shards").result == {"shard_keys": []}


def test_created_shard_keys_are_listed(api, collection_factory):
    name = collection_factory(CUSTOM)
    _create_key(api, name, "a")
    _create_key(api, name, 7, shards_number=2, replication_factor=1)
    keys = api.get(f"/collections/{name}/shards").result["shard_keys"]
    assert sorted(keys, key=str) == sorted([{"key": "a"}, {"key": 7}], key=str)


def test_creating_an_existing_shard_key_is_400(api, collection_factory):
    name = collection_factory(CUSTOM)
    _create_key(api, name, "a")
    response = api.put(f"/collections/{name}/shards", json={"shard_key": "a"}).expect(400)
    assert response.error == f'Bad request: Sharding key "a" already exists for collection {name}'


def test_auto_sharded_collection_has_no_shard_keys(api, collection_factory):
    name = collection_factory({"vectors": {"size": 2, "distance": "Dot"}})
    for path in ("/shards", "/shards/delete"):
        method = api.put if path == "/shards" else api.post
        response = method(f"/collections/{name}{path}", json={"shard_key": "a"}).expect(400)
        assert response.error == "Bad request: Shard Key cannot be created with Auto sharding method"
    assert api.get(f"/collections/{name}/shards").result == {}


@pytest.mark.parametrize(
    "body, text",
    [
        ({}, "missing field `shard_key`"),
        ({"shard_key": 1.5}, "data did not match any variant of untagged enum ShardKey"),
        ({"shard_key": "b", "shards_number": 0}, "invalid value: integer `0`, expected a nonzero u32"),
    ],
)
def test_create_shard_key_body_errors(api, collection_factory, body, text):
    name = collection_factory(CUSTOM)
    response = api.put(f"/collections/{name}/shards", json=body).expect(400)
    assert response.error.startswith("Format error in JSON body: " + text)


def test_placement_on_an_unknown_peer_is_400(api, collection_factory):
    name = collection_factory(CUSTOM)
    body = {"shard_key": "a", "placement": [123]}
    response = api.put(f"/collections/{name}/shards", json=body).expect(400)
    assert response.error == "Bad request: Peer 123 does not exist"


def test_shard_routes_of_a_missing_collection_are_404(api, collection_name):
    for response in (
        api.get(f"/collections/{collection_name}/shards"),
        api.put(f"/collections/{collection_name}/shards", json={"shard_key": "a"}),
        api.get(f"/collections/{collection_name}/cluster"),
    ):
        response.expect(404)
        assert response.error == f"Not found: Collection `{collection_name}` doesn't exist!"


def test_write_without_shard_key_is_refused(api, sharded):
    for path, body in (
        ("/points", {"points": [_point(9)]}),
        ("/points/payload", {"payload": {"x": 1}, "points": [1]}),
        ("/points/delete", {"points": [1]}),
    ):
        method = api.put if path == "/points" else api.post
        response = method(f"/collections/{sharded}{path}?wait=true", json=body).expect(400)
        assert response.error == "Wrong input: Shard key not specified"
    assert _count(api, sharded) == len(KEY_A_IDS) + len(KEY_7_IDS)


def test_write_to_unknown_shard_key_is_refused(api, sharded):
    body = {"points": [_point(9)], "shard_key": "zz"}
    response = api.put(f"/collections/{sharded}/points?wait=true", json=body).expect(400)
    assert response.error == 'Wrong input: Shard key "zz" not found'


def test_write_with_shard_key_to_auto_sharded_collection_is_refused(api, collection_factory):
    name = collection_factory({"vectors": {"size": 2, "distance": "Dot"}})
    body = {"points": [_point(1)], "shard_key": 3}
    response = api.put(f"/collections/{name}/points?wait=true", json=body).expect(400)
    assert response.error == "Wrong input: Shard key 3 not found"


def test_read_with_unknown_shard_key_is_400(api, sharded):
    response = api.post(f"/collections/{sharded}/points/scroll", json={"shard_key": "nope"})
    response.expect(400)
    assert response.error == 'Bad request: Shard key "nope" not found'


def test_points_carry_their_shard_key(api, sharded):
    points = _scroll(api, sharded)["points"]
    assert sorted(p["id"] for p in points) == KEY_A_IDS + KEY_7_IDS
    for point in points:
        assert point["shard_key"] == _key_of(point["id"])
    retrieved = api.post(f"/collections/{sharded}/points", json={"ids": [1, 6]}).result
    assert {p["id"]: p["shard_key"] for p in retrieved} == {1: "a", 6: 7}


@pytest.mark.parametrize(
    "selector, expected",
    [
        ("a", KEY_A_IDS),
        (7, KEY_7_IDS),
        (["a", 7], KEY_A_IDS + KEY_7_IDS),
        ({"target": "missing", "fallback": 7}, KEY_7_IDS),
        ({"target": "a", "fallback": 7}, KEY_A_IDS),
    ],
)
def test_reads_see_only_the_selected_shards(api, sharded, selector, expected):
    scrolled = _scroll(api, sharded, shard_key=selector)["points"]
    assert sorted(p["id"] for p in scrolled) == expected
    assert _count(api, sharded, shard_key=selector) == len(expected)
    query = {"query": [1.0, 0.0], "limit": 100, "shard_key": selector}
    found = api.post(f"/collections/{sharded}/points/query", json=query).result["points"]
    assert sorted(p["id"] for p in found) == expected
    for point in found:
        assert point["shard_key"] == _key_of(point["id"])
    retrieved = api.post(
        f"/collections/{sharded}/points", json={"ids": KEY_A_IDS + KEY_7_IDS, "shard_key": selector}
    ).result
    assert sorted(p["id"] for p in retrieved) == expected


def test_an_empty_selector_reads_no_shard(api, sharded):
    assert _scroll(api, sharded, shard_key=[])["points"] == []


def test_search_batch_takes_a_selector_per_search(api, sharded):
    searches = [
        {"vector": [1.0, 0.0], "limit": 100, "shard_key": "a"},
        {"vector": [1.0, 0.0], "limit": 100, "shard_key": 7},
        {"vector": [1.0, 0.0], "limit": 100},
    ]
    results = api.post(
        f"/collections/{sharded}/points/search/batch", json={"searches": searches}
    ).result
    assert [sorted(p["id"] for p in r) for r in results] == [
        KEY_A_IDS,
        KEY_7_IDS,
        KEY_A_IDS + KEY_7_IDS,
    ]


def test_facet_counts_only_the_selected_shards(api, sharded):
    index = {"field_name": "n", "field_schema": "integer"}
    api.put(f"/collections/{sharded}/index?wait=true", json=index).expect(200)
    hits = api.post(
        f"/collections/{sharded}/facet", json={"key": "n", "shard_key": 7, "exact": True}
    ).result["hits"]
    assert sorted(h["value"] for h in hits) == KEY_7_IDS
    assert all(h["count"] == 1 for h in hits)


def test_writes_reach_only_the_named_shard_key(api, sharded):
    # id 6 lives under key 7: under key "a" it does not exist.
    body = {"payload": {"x": 1}, "points": [6], "shard_key": "a"}
    response = api.post(f"/collections/{sharded}/points/payload?wait=true", json=body)
    response.expect(404)
    assert response.error == "Not found: No point with id 6 found"
    body = {"points": [6], "shard_key": "a"}
    api.post(f"/collections/{sharded}/points/delete?wait=true", json=body).expect(200)
    assert _count(api, sharded, shard_key=7) == len(KEY_7_IDS)
    body = {"payload": {"x": 1}, "filter": {}, "shard_key": 7}
    api.post(f"/collections/{sharded}/points/payload?wait=true", json=body).expect(200)
    points = _scroll(api, sharded, with_payload=True)["points"]
    assert sorted(p["id"] for p in points if "x" in p["payload"]) == KEY_7_IDS


def test_batch_operations_take_their_own_shard_key(api, sharded):
    body = {
        "operations": [
            {"upsert": {"points": [_point(20)], "shard_key": 7}},
            {"delete": {"points": [1], "shard_key": "a"}},
        ]
    }
    api.post(f"/collections/{sharded}/points/batch?wait=true", json=body).expect(200)
    assert sorted(p["id"] for p in _scroll(api, sharded, shard_key=7)["points"]) == KEY_7_IDS + [20]
    assert sorted(p["id"] for p in _scroll(api, sharded, shard_key="a")["points"]) == KEY_A_IDS[1:]


def _local_shards_by_key(cluster):
    shards = {}
    for shard in cluster["local_shards"]:
        assert shard["state"] == "Active"
        shards.setdefault(shard["shard_key"], []).append(shard)
    return shards


def test_cluster_lists_local_shards_with_their_points(api, sharded):
    cluster = api.get(f"/collections/{sharded}/cluster").result
    assert cluster["shard_count"] == 3  # two shards of "a", one of 7
    assert cluster["remote_shards"] == [] and cluster["shard_transfers"] == []
    shards = _local_shards_by_key(cluster)
    assert sorted(len(v) for v in shards.values()) == [1, 2] and len(shards["a"]) == 2
    assert sum(s["points_count"] for s in shards["a"]) == len(KEY_A_IDS)
    assert sum(s["points_count"] for s in shards[7]) == len(KEY_7_IDS)
    ids = [s["shard_id"] for s in cluster["local_shards"]]
    assert len(set(ids)) == len(ids)


def test_auto_sharded_collection_keeps_its_shard_number(api, collection_factory):
    name = collection_factory({"vectors": {"size": 2, "distance": "Dot"}, "shard_number": 3})
    ids = list(range(1, 31))
    body = {"points": [_point(i) for i in ids]}
    api.put(f"/collections/{name}/points?wait=true", json=body).expect(200)
    cluster = api.get(f"/collections/{name}/cluster").result
    assert cluster["shard_count"] == 3
    assert sorted(s["shard_id"] for s in cluster["local_shards"]) == [0, 1, 2]
    assert sum(s["points_count"] for s in cluster["local_shards"]) == len(ids)
    assert all("shard_key" not in s for s in cluster["local_shards"])


def test_deleting_a_shard_key_drops_its_points(api, sharded):
    before = {s["shard_id"] for s in api.get(f"/collections/{sharded}/cluster").result["local_shards"]}
    assert api.post(f"/collections/{sharded}/shards/delete", json={"shard_key": "a"}).result
    assert api.get(f"/collections/{sharded}/shards").result == {"shard_keys": [{"key": 7}]}
    assert sorted(p["id"] for p in _scroll(api, sharded)["points"]) == KEY_7_IDS
    cluster = api.get(f"/collections/{sharded}/cluster").result
    assert [s["shard_key"] for s in cluster["local_shards"]] == [7]
    response = api.post(f"/collections/{sharded}/shards/delete", json={"shard_key": "a"})
    response.expect(400)
    assert response.error == f'Bad request: Sharding key "a" does not exist for collection {sharded}'
    # Shard ids are not reused: a new key gets ids above every earlier one.
    _create_key(api, sharded, "b")
    cluster = api.get(f"/collections/{sharded}/cluster").result
    new_ids = [s["shard_id"] for s in cluster["local_shards"] if s["shard_key"] == "b"]
    assert min(new_ids) > max(before)


@pytest.fixture
def client(make_qdrant_client):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        qdrant = make_qdrant_client(timeout=30)
    yield qdrant
    qdrant.close()


def _client_points(ids):
    return [models.PointStruct(id=i, vector=[1.0, i / 10], payload={"n": i}) for i in ids]


def test_python_client_create_shard_key(client, collection_factory):
    name = collection_factory(CUSTOM)
    assert client.create_shard_key(name, "tenant_1") is True
    assert client.create_shard_key(name, 42, shards_number=2) is True
    cluster = client.http.distributed_api.collection_cluster_info(name).result
    keys = sorted(str(shard.shard_key) for shard in cluster.local_shards)
    assert keys == ["42", "42", "tenant_1"]


def test_python_client_upsert_with_shard_key_selector(client, collection_factory):
    name = collection_factory(CUSTOM)
    client.create_shard_key(name, "tenant_1")
    client.create_shard_key(name, "tenant_2")
    client.upsert(name, points=_client_points([1, 2]), shard_key_selector="tenant_1")
    client.upsert(name, points=_client_points([3]), shard_key_selector="tenant_2")
    assert client.count(name, shard_key_selector="tenant_1").count == 2
    assert client.count(name, shard_key_selector="tenant_2").count == 1


def test_python_client_query_points_with_shard_key_selector(client, collection_factory):
    name = collection_factory(CUSTOM)
    client.create_shard_key(name, "tenant_1")
    client.create_shard_key(name, "tenant_2")
    client.upsert(name, points=_client_points([1, 2]), shard_key_selector="tenant_1")
    client.upsert(name, points=_client_points([3, 4]), shard_key_selector="tenant_2")
    hits = client.query_points(name, query=[1.0, 0.0], shard_key_selector="tenant_2").points
    assert sorted(h.id for h in hits) == [3, 4]
    assert all(h.shard_key == "tenant_2" for h in hits)


def test_python_client_delete_shard_key(client, collection_factory):
    name = collection_factory(CUSTOM)
    client.create_shard_key(name, "tenant_1")
    client.create_shard_key(name, "tenant_2")
    client.upsert(name, points=_client_points([1, 2]), shard_key_selector="tenant_1")
    client.upsert(name, points=_client_points([3]), shard_key_selector="tenant_2")
    assert client.delete_shard_key(name, "tenant_1") is True
    assert client.count(name).count == 1
    assert [p.id for p in client.scroll(name)[0]] == [3]


def _shard_ids_of(api, name, key):
    cluster = api.get(f"/collections/{name}/cluster").result
    return [s["shard_id"] for s in cluster["local_shards"] if s["shard_key"] == key]


def _raw_get(api, path) -> bytes:
    headers = {"api-key": api.api_key} if api.api_key else {}
    raw = api._session.get(f"{api.base_url}{path}", headers=headers, timeout=30)
    assert raw.status_code == 200, raw.text[:300]
    return raw.content


def test_shard_snapshots_are_created_listed_downloaded_and_deleted(api, sharded):
    shard_id = _shard_ids_of(api, sharded, 7)[0]
    base = f"/collections/{sharded}/shards/{shard_id}/snapshots"
    created = api.post(base).result
    assert created["name"].endswith(".snapshot") and created["size"] > 0
    listed = api.get(base).result
    assert [s["name"] for s in listed] == [created["name"]]
    content = _raw_get(api, f"{base}/{created['name']}")
    assert len(content) == created["size"]
    assert hashlib.sha256(content).hexdigest() == listed[0]["checksum"]
    assert api.delete(f"{base}/{created['name']}").result is True
    assert api.get(base).result == []


def test_snapshot_of_a_missing_shard_is_404(api, sharded):
    for response in (
        api.get(f"/collections/{sharded}/shards/99/snapshots"),
        api.post(f"/collections/{sharded}/shards/99/snapshots"),
    ):
        response.expect(404)
        assert response.error == "Not found: shard 99 not found"


@pytest.mark.sextant_only
def test_shard_snapshot_holds_only_its_shard_points(api, sharded, collection_name):
    # A Sextant shard snapshot is a collection snapshot of one shard's points: uploaded as a
    # collection snapshot, it shows exactly what it holds.
    shard_id = _shard_ids_of(api, sharded, 7)[0]
    content = _raw_get(api, f"/collections/{sharded}/shards/{shard_id}/snapshot")
    boundary = "shardsnapshotboundary"
    body = (
        f"--{boundary}\r\nContent-Disposition: form-data; name=\"snapshot\"; "
        f"filename=\"shard.snapshot\"\r\nContent-Type: application/octet-stream\r\n\r\n"
    ).encode() + content + f"\r\n--{boundary}--\r\n".encode()
    api.post(
        f"/collections/{collection_name}/snapshots/upload",
        data=body,
        headers={"Content-Type": f"multipart/form-data; boundary={boundary}"},
    ).expect(200)
    points = _scroll(api, collection_name)["points"]
    assert sorted(p["id"] for p in points) == KEY_7_IDS
    assert all(p["shard_key"] == 7 for p in points)
