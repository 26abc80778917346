"""Payload and vector updates: set (with key paths), overwrite, delete keys, clear, vectors, batch."""

import pytest

from support.points import WAIT, retrieve, upsert


@pytest.fixture
def points(api, collection_factory):
    name = collection_factory({
        "vectors": {"a": {"size": 2, "distance": "Dot"}, "b": {"size": 2, "distance": "Dot"}}
    })
    upsert(api, name, [
        {"id": 1, "vector": {"a": [1, 0], "b": [0, 1]},
         "payload": {"name": "one", "meta": {"tags": ["x"], "rank": 1}, "drop": True}},
        {"id": 2, "vector": {"a": [0, 1], "b": [1, 0]},
         "payload": {"name": "two", "meta": {"rank": 2}}},
        {"id": 3, "vector": {"a": [1, 1]}, "payload": {"name": "three", "color": "red"}},
    ])
    return name


def _payloads(api, name, ids=(1, 2, 3)):
    return {i: r["payload"] for i, r in retrieve(api, name, list(ids), with_payload=True).items()}


def test_set_payload_merges_keys_by_ids(api, points):
    body = {"payload": {"name": "uno", "extra": 5}, "points": [1]}
    assert api.post(f"/collections/{points}/points/payload", json=body, params=WAIT).result[
        "status"] == "completed"
    assert _payloads(api, points)[1] == {
        "name": "uno", "extra": 5, "meta": {"tags": ["x"], "rank": 1}, "drop": True}


def test_set_payload_with_null_value_removes_that_key(api, points):
    body = {"payload": {"drop": None, "added": None, "name": "uno"}, "points": [1]}
    api.post(f"/collections/{points}/points/payload", json=body, params=WAIT).expect(200)
    assert _payloads(api, points)[1] == {"name": "uno", "meta": {"tags": ["x"], "rank": 1}}


def test_set_payload_by_filter(api, points):
    body = {"payload": {"flag": 1},
            "filter": {"must": [{"key": "name", "match": {"any": ["two", "three"]}}]}}
    api.post(f"/collections/{points}/points/payload", json=body, params=WAIT).expect(200)
    payloads = _payloads(api, points)
    assert "flag" not in payloads[1]
    assert payloads[2]["flag"] == 1 and payloads[3]["flag"] == 1


def test_set_payload_with_nested_key_path(api, points):
    body = {"payload": {"rank": 10, "new": "v"}, "points": [1, 2], "key": "meta"}
    api.post(f"/collections/{points}/points/payload", json=body, params=WAIT).expect(200)
    payloads = _payloads(api, points)
    assert payloads[1]["meta"] == {"tags": ["x"], "rank": 10, "new": "v"}
    assert payloads[2]["meta"] == {"rank": 10, "new": "v"}


def test_set_payload_key_path_creates_missing_object(api, points):
    body = {"payload": {"c": 1}, "points": [3], "key": "deep.inner"}
    api.post(f"/collections/{points}/points/payload", json=body, params=WAIT).expect(200)
    assert _payloads(api, points)[3]["deep"] == {"inner": {"c": 1}}


def test_overwrite_payload_replaces_everything(api, points):
    body = {"payload": {"only": "this"}, "points": [1]}
    api.put(f"/collections/{points}/points/payload", json=body, params=WAIT).expect(200)
    assert _payloads(api, points)[1] == {"only": "this"}


def test_delete_payload_keys_including_nested_path(api, points):
    body = {"keys": ["drop", "meta.rank"], "points": [1, 2]}
    api.post(f"/collections/{points}/points/payload/delete", json=body, params=WAIT).expect(200)
    payloads = _payloads(api, points)
    assert payloads[1] == {"name": "one", "meta": {"tags": ["x"]}}
    assert payloads[2] == {"name": "two", "meta": {}}


def test_clear_payload(api, points):
    body = {"points": [1, 3]}
    api.post(f"/collections/{points}/points/payload/clear", json=body, params=WAIT).expect(200)
    payloads = _payloads(api, points)
    assert payloads[1] == {} and payloads[3] == {}
    assert payloads[2]["name"] == "two"


def test_update_vectors_keeps_other_vectors_and_payload(api, points):
    body = {"points": [{"id": 3, "vector": {"b": [0.5, 0.25]}}]}
    api.put(f"/collections/{points}/points/vectors", json=body, params=WAIT).expect(200)
    record = api.get(f"/collections/{points}/points/3").result
    assert record["vector"] == {"a": [1.0, 1.0], "b": [0.5, 0.25]}
    assert record["payload"]["name"] == "three"


def test_delete_named_vector(api, points):
    body = {"points": [1], "vector": ["b"]}
    api.post(f"/collections/{points}/points/vectors/delete", json=body, params=WAIT).expect(200)
    record = api.get(f"/collections/{points}/points/1").result
    assert set(record["vector"]) == {"a"}
    assert record["payload"]["name"] == "one"


def test_batch_update_applies_operations_in_order(api, points):
    operations = [
        {"upsert": {"points": [{"id": 4, "vector": {"a": [2, 2]}, "payload": {"name": "four"}}]}},
        {"set_payload": {"payload": {"stage": 1}, "points": [4]}},
        {"overwrite_payload": {"payload": {"stage": 2}, "points": [1]}},
        {"delete_payload": {"keys": ["color"], "points": [3]}},
        {"update_vectors": {"points": [{"id": 4, "vector": {"b": [3, 3]}}]}},
        {"delete_vectors": {"points": [2], "vector": ["a"]}},
        {"delete": {"points": [2]}},
        {"clear_payload": {"points": [4]}},
        {"set_payload": {"payload": {"last": True}, "points": [4]}},
    ]
    results = api.post(f"/collections/{points}/points/batch", json={"operations": operations},
                       params=WAIT).result
    assert len(results) == len(operations)
    assert all(r["status"] == "completed" for r in results)
    records = retrieve(api, points, [1, 2, 3, 4], with_payload=True, with_vector=True)
    assert 2 not in records
    assert records[1]["payload"] == {"stage": 2}
    assert records[3]["payload"] == {"name": "three"}
    assert records[4]["payload"] == {"last": True}
    assert records[4]["vector"] == {"a": [2.0, 2.0], "b": [3.0, 3.0]}


def test_with_payload_selectors(api, points):
    include = retrieve(api, points, [1], with_payload={"include": ["name", "meta.rank"]})[1]
    assert include["payload"] == {"name": "one", "meta": {"rank": 1}}
    exclude = retrieve(api, points, [1], with_payload={"exclude": ["meta", "drop"]})[1]
    assert exclude["payload"] == {"name": "one"}
    keys = retrieve(api, points, [1], with_payload=["name"])[1]
    assert keys["payload"] == {"name": "one"}
    none = retrieve(api, points, [1], with_payload=False)[1]
    assert none.get("payload") is None
