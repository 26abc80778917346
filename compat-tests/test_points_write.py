"""Points: upsert (list and batch forms, named/sparse/multi vectors, UUID ids), retrieve, delete."""

import pytest

from support.points import WAIT, count, retrieve, scroll_ids, upsert


@pytest.fixture
def plain(collection_factory):
    return collection_factory({"vectors": {"size": 3, "distance": "Dot"}})


def test_upsert_list_form_then_retrieve_with_payload_and_vector(api, plain):
    result = upsert(api, plain, [
        {"id": 1, "vector": [1.0, 2.0, 3.0], "payload": {"city": "Berlin", "n": [1, 2]}},
        {"id": 2, "vector": [0.5, 0.5, 0.5]},
    ])
    assert isinstance(result["operation_id"], int)
    records = retrieve(api, plain, [1, 2, 3], with_payload=True, with_vector=True)
    assert set(records) == {1, 2}
    assert records[1]["payload"] == {"city": "Berlin", "n": [1, 2]}
    assert records[1]["vector"] == [1.0, 2.0, 3.0]
    assert records[2]["payload"] == {}


def test_upsert_replaces_whole_point(api, plain):
    upsert(api, plain, [{"id": 5, "vector": [1, 1, 1], "payload": {"a": 1, "b": 2}}])
    upsert(api, plain, [{"id": 5, "vector": [2, 2, 2], "payload": {"c": 3}}])
    record = api.get(f"/collections/{plain}/points/5").result
    assert record["payload"] == {"c": 3}
    assert record["vector"] == [2.0, 2.0, 2.0]
    assert count(api, plain) == 1


def test_upsert_batch_form(api, plain):
    batch = {
        "ids": [10, 11, 12],
        "vectors": [[1, 0, 0], [0, 1, 0], [0, 0, 1]],
        "payloads": [{"k": "a"}, {"k": "b"}, None],
    }
    api.put(f"/collections/{plain}/points", json={"batch": batch}, params=WAIT).expect(200)
    records = retrieve(api, plain, [10, 11, 12], with_payload=True)
    assert records[10]["payload"] == {"k": "a"}
    assert records[11]["payload"] == {"k": "b"}
    assert records[12]["payload"] == {}


def test_uuid_ids_any_text_form_come_back_lowercase_hyphenated(api, plain):
    upsert(api, plain, [
        {"id": "5C56C793-69F3-4FBF-87E6-C4BF54C28C26", "vector": [1, 0, 0]},
        {"id": "936dA01f9abd4d9d80c702af85c822a8", "vector": [0, 1, 0]},
        {"id": 7, "vector": [0, 0, 1]},
    ])
    ids = scroll_ids(api, plain)
    assert "5c56c793-69f3-4fbf-87e6-c4bf54c28c26" in ids
    assert "936da01f-9abd-4d9d-80c7-02af85c822a8" in ids
    assert 7 in ids and len(ids) == 3
    record = api.get(f"/collections/{plain}/points/936da01f-9abd-4d9d-80c7-02af85c822a8").result
    assert record["id"] == "936da01f-9abd-4d9d-80c7-02af85c822a8"


def test_named_sparse_and_multivectors_round_trip(api, collection_factory):
    name = collection_factory({
        "vectors": {
            "image": {"size": 2, "distance": "Euclid"},
            "tokens": {"size": 2, "distance": "Dot", "multivector_config": {"comparator": "max_sim"}},
        },
        "sparse_vectors": {"words": {}},
    })
    upsert(api, name, [{
        "id": 1,
        "vector": {
            "image": [0.25, 0.75],
            "tokens": [[1, 0], [0, 1], [0.5, 0.5]],
            "words": {"indices": [7, 2], "values": [0.5, 1.5]},
        },
    }])
    vector = api.get(f"/collections/{name}/points/1").result["vector"]
    assert vector["image"] == [0.25, 0.75]
    assert vector["tokens"] == [[1.0, 0.0], [0.0, 1.0], [0.5, 0.5]]
    words = dict(zip(vector["words"]["indices"], vector["words"]["values"]))
    assert words == {2: 1.5, 7: 0.5}
    only_image = retrieve(api, name, [1], with_vector=["image"])[1]["vector"]
    assert set(only_image) == {"image"}


def test_cosine_vectors_are_normalised_on_write(api, collection_factory):
    name = collection_factory({"vectors": {"size": 2, "distance": "Cosine"}})
    upsert(api, name, [{"id": 1, "vector": [3.0, 4.0]}])
    assert api.get(f"/collections/{name}/points/1").result["vector"] == pytest.approx([0.6, 0.8])


def test_get_missing_point_is_404(api, plain):
    response = api.get(f"/collections/{plain}/points/424242").expect(404)
    assert response.error == "Not found: Point with id 424242 does not exists!"


def test_points_in_missing_collection_is_404(api):
    response = api.put("/collections/compat_missing_pts/points",
                       json={"points": [{"id": 1, "vector": [1.0]}]})
    response.expect(404)
    assert response.error == "Not found: Collection `compat_missing_pts` doesn't exist!"


def test_delete_by_ids_and_by_filter(api, plain):
    upsert(api, plain, [
        {"id": i, "vector": [i, 1, 1], "payload": {"color": "red" if i % 2 else "blue"}}
        for i in range(1, 11)
    ])
    deleted = api.post(f"/collections/{plain}/points/delete", json={"points": [1, 2]},
                       params=WAIT).result
    assert deleted["status"] == "completed"
    assert count(api, plain) == 8
    by_filter = {"filter": {"must": [{"key": "color", "match": {"value": "red"}}]}}
    api.post(f"/collections/{plain}/points/delete", json=by_filter, params=WAIT).expect(200)
    assert sorted(scroll_ids(api, plain)) == [4, 6, 8, 10]


def test_insert_only_mode_keeps_existing_points(api, plain):
    upsert(api, plain, [{"id": 1, "vector": [1, 1, 1], "payload": {"v": "old"}}])
    body = {"points": [{"id": 1, "vector": [2, 2, 2], "payload": {"v": "new"}},
                       {"id": 2, "vector": [3, 3, 3], "payload": {"v": "new"}}],
            "update_mode": "insert_only"}
    api.put(f"/collections/{plain}/points", json=body, params=WAIT).expect(200)
    records = retrieve(api, plain, [1, 2], with_payload=True)
    assert records[1]["payload"] == {"v": "old"}
    assert records[2]["payload"] == {"v": "new"}


def test_update_only_mode_skips_new_points(api, plain):
    upsert(api, plain, [{"id": 1, "vector": [1, 1, 1], "payload": {"v": "old"}}])
    body = {"points": [{"id": 1, "vector": [2, 2, 2], "payload": {"v": "new"}},
                       {"id": 2, "vector": [3, 3, 3], "payload": {"v": "new"}}],
            "update_mode": "update_only"}
    api.put(f"/collections/{plain}/points", json=body, params=WAIT).expect(200)
    records = retrieve(api, plain, [1, 2], with_payload=True)
    assert records[1]["payload"] == {"v": "new"}
    assert 2 not in records


def test_update_filter_only_overwrites_matching_existing_points(api, plain):
    upsert(api, plain, [
        {"id": 1, "vector": [1, 1, 1], "payload": {"version": 1}},
        {"id": 2, "vector": [1, 1, 1], "payload": {"version": 5}},
    ])
    body = {
        "points": [{"id": 1, "vector": [2, 2, 2], "payload": {"version": 3}},
                   {"id": 2, "vector": [2, 2, 2], "payload": {"version": 3}}],
        "update_filter": {"must": [{"key": "version", "range": {"lt": 3}}]},
    }
    api.put(f"/collections/{plain}/points", json=body, params=WAIT).expect(200)
    records = retrieve(api, plain, [1, 2], with_payload=True)
    assert records[1]["payload"] == {"version": 3}
    assert records[2]["payload"] == {"version": 5}


def test_wait_false_acknowledges_then_applies(api, plain):
    body = {"points": [{"id": 1, "vector": [1, 2, 3]}]}
    result = api.put(f"/collections/{plain}/points", json=body, params={"wait": "false"}).result
    assert result["status"] in ("acknowledged", "completed")
    api.put(f"/collections/{plain}/points", json={"points": [{"id": 2, "vector": [1, 2, 3]}]},
            params=WAIT).expect(200)
    assert count(api, plain) == 2  # ordered: the earlier unawaited write is applied first
