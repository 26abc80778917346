"""Collections: create (every CreateCollection section), inspect, list, exist, update, delete.

What a user relies on: the config they send comes back from GET /collections/{name} with Qdrant's
defaults filled in for what they left out, and the lifecycle routes answer as Qdrant does.
"""

import pytest

DEFAULT_HNSW = {
    "m": 16,
    "ef_construct": 100,
    "full_scan_threshold": 10000,
    "max_indexing_threads": 0,
    "on_disk": False,
}


def test_create_minimal_collection_and_read_back_defaults(api, collection_name):
    created = api.put(
        f"/collections/{collection_name}", json={"vectors": {"size": 4, "distance": "Dot"}}
    )
    assert created.result is True
    info = api.get(f"/collections/{collection_name}").result
    assert info["status"] == "green"
    assert info["optimizer_status"] == "ok"
    assert info["points_count"] == 0
    assert info["indexed_vectors_count"] == 0
    assert info["segments_count"] >= 1
    assert info["payload_schema"] == {}
    config = info["config"]
    assert config["params"]["vectors"]["size"] == 4
    assert config["params"]["vectors"]["distance"] == "Dot"
    assert config["params"]["shard_number"] == 1
    assert config["params"]["replication_factor"] == 1
    assert config["params"]["write_consistency_factor"] == 1
    assert config["params"]["on_disk_payload"] is True
    for key, value in DEFAULT_HNSW.items():
        assert config["hnsw_config"][key] == value, key
    optimizer = config["optimizer_config"]
    assert optimizer["deleted_threshold"] == 0.2
    assert optimizer["vacuum_min_vector_number"] == 1000
    assert isinstance(optimizer["default_segment_number"], int)  # 0 = auto; shown resolved
    assert optimizer["flush_interval_sec"] == 5
    assert config["wal_config"]["wal_capacity_mb"] == 32
    assert config["wal_config"]["wal_segments_ahead"] == 0
    assert config.get("quantization_config") is None
    assert "strict_mode_config" not in config  # none unless the collection asks for it


@pytest.mark.parametrize("distance", ["Cosine", "Euclid", "Dot", "Manhattan"])
def test_every_distance_is_accepted_and_reported(api, collection_factory, distance):
    name = collection_factory({"vectors": {"size": 3, "distance": distance}})
    info = api.get(f"/collections/{name}").result
    assert info["config"]["params"]["vectors"]["distance"] == distance


def test_named_dense_sparse_and_multivector_config_round_trips(api, collection_factory):
    body = {
        "vectors": {
            "image": {"size": 8, "distance": "Euclid", "on_disk": True},
            "text": {
                "size": 4,
                "distance": "Cosine",
                "datatype": "float16",
                "hnsw_config": {"m": 32, "ef_construct": 64},
                "quantization_config": {"scalar": {"type": "int8", "always_ram": True}},
            },
            "colbert": {
                "size": 2,
                "distance": "Dot",
                "multivector_config": {"comparator": "max_sim"},
            },
        },
        "sparse_vectors": {"keywords": {}, "bm25": {"modifier": "idf"}},
    }
    name = collection_factory(body)
    params = api.get(f"/collections/{name}").result["config"]["params"]
    vectors = params["vectors"]
    assert set(vectors) == {"image", "text", "colbert"}
    assert vectors["image"]["size"] == 8 and vectors["image"]["distance"] == "Euclid"
    assert vectors["image"]["on_disk"] is True
    assert vectors["text"]["datatype"] == "float16"
    assert vectors["text"]["hnsw_config"]["m"] == 32
    assert vectors["text"]["hnsw_config"]["ef_construct"] == 64
    assert vectors["text"]["quantization_config"] == {"scalar": {"type": "int8", "always_ram": True}}
    assert vectors["colbert"]["multivector_config"] == {"comparator": "max_sim"}
    assert set(params["sparse_vectors"]) == {"keywords", "bm25"}
    assert params["sparse_vectors"]["bm25"]["modifier"] == "idf"


def test_named_vectors_are_reported_in_name_order(api, collection_factory):
    body = {"vectors": {n: {"size": 2, "distance": "Dot"} for n in ("zeta", "alpha", "Mid")},
            "sparse_vectors": {"zs": {}, "as": {}}}
    name = collection_factory(body)
    params = api.get(f"/collections/{name}").result["config"]["params"]
    assert list(params["vectors"]) == ["Mid", "alpha", "zeta"]  # byte order: upper case first
    assert list(params["sparse_vectors"]) == ["as", "zs"]


def test_every_top_level_section_round_trips(api, collection_factory):
    body = {
        "vectors": {"size": 16, "distance": "Cosine"},
        "shard_number": 1,
        "replication_factor": 1,
        "write_consistency_factor": 1,
        "on_disk_payload": False,
        "hnsw_config": {"m": 24, "ef_construct": 200, "full_scan_threshold": 5000, "on_disk": True},
        "optimizers_config": {
            "deleted_threshold": 0.3,
            "vacuum_min_vector_number": 500,
            "default_segment_number": 2,
            "indexing_threshold": 20000,
            "flush_interval_sec": 10,
        },
        "wal_config": {"wal_capacity_mb": 64, "wal_segments_ahead": 1},
        "quantization_config": {"scalar": {"type": "int8", "quantile": 0.99, "always_ram": False}},
        "strict_mode_config": {"enabled": True, "max_query_limit": 100},
        "metadata": {"team": "search", "revision": 3},
    }
    name = collection_factory(body)
    config = api.get(f"/collections/{name}").result["config"]
    assert config["params"]["on_disk_payload"] is False
    assert config["hnsw_config"]["m"] == 24
    assert config["hnsw_config"]["ef_construct"] == 200
    assert config["hnsw_config"]["full_scan_threshold"] == 5000
    assert config["hnsw_config"]["on_disk"] is True
    optimizer = config["optimizer_config"]
    assert optimizer["deleted_threshold"] == 0.3
    assert optimizer["vacuum_min_vector_number"] == 500
    assert optimizer["default_segment_number"] == 2
    assert optimizer["indexing_threshold"] == 20000
    assert optimizer["flush_interval_sec"] == 10
    assert config["wal_config"]["wal_capacity_mb"] == 64
    assert config["wal_config"]["wal_segments_ahead"] == 1
    assert config["quantization_config"]["scalar"]["type"] == "int8"
    assert config["quantization_config"]["scalar"]["quantile"] == 0.99
    assert config["strict_mode_config"]["enabled"] is True
    assert config["strict_mode_config"]["max_query_limit"] == 100
    assert config["metadata"] == {"team": "search", "revision": 3}


def test_list_collections_contains_created_names(api, collection_factory):
    first = collection_factory()
    second = collection_factory()
    names = [entry["name"] for entry in api.get("/collections").result["collections"]]
    assert first in names and second in names


def test_exists_reports_true_then_false_after_delete(api, collection_name):
    assert api.get(f"/collections/{collection_name}/exists").result == {"exists": False}
    api.put(f"/collections/{collection_name}", json={"vectors": {"size": 2, "distance": "Dot"}})
    assert api.get(f"/collections/{collection_name}/exists").result == {"exists": True}
    assert api.delete(f"/collections/{collection_name}").result is True
    assert api.get(f"/collections/{collection_name}/exists").result == {"exists": False}


def test_delete_removes_collection_and_missing_delete_is_false(api, collection_factory):
    name = collection_factory()
    assert api.delete(f"/collections/{name}").result is True
    api.get(f"/collections/{name}").expect(404)
    assert api.delete(f"/collections/{name}").result is False


def test_patch_updates_optimizers_hnsw_params_and_metadata(api, collection_factory):
    name = collection_factory({"vectors": {"size": 4, "distance": "Cosine"}, "metadata": {"a": 1}})
    patch = {
        "optimizers_config": {"indexing_threshold": 5000, "deleted_threshold": 0.5},
        "hnsw_config": {"m": 8, "ef_construct": 50},
        "params": {"on_disk_payload": False},
        "metadata": {"b": 2},
    }
    assert api.patch(f"/collections/{name}", json=patch).result is True
    config = api.get(f"/collections/{name}").result["config"]
    assert config["optimizer_config"]["indexing_threshold"] == 5000
    assert config["optimizer_config"]["deleted_threshold"] == 0.5
    assert config["hnsw_config"]["m"] == 8
    assert config["hnsw_config"]["ef_construct"] == 50
    assert config["hnsw_config"]["full_scan_threshold"] == 10000  # untouched keys stay
    assert config["params"]["on_disk_payload"] is False
    assert config["metadata"] == {"a": 1, "b": 2}


def test_patch_updates_per_vector_params(api, collection_factory):
    name = collection_factory({"vectors": {"dense": {"size": 4, "distance": "Cosine"}}})
    patch = {"vectors": {"dense": {"on_disk": True, "hnsw_config": {"m": 20}}}}
    assert api.patch(f"/collections/{name}", json=patch).result is True
    dense = api.get(f"/collections/{name}").result["config"]["params"]["vectors"]["dense"]
    assert dense["on_disk"] is True
    assert dense["hnsw_config"]["m"] == 20
    assert dense["size"] == 4


def test_patch_missing_collection_is_404(api):
    response = api.patch("/collections/compat_missing_patch", json={"optimizers_config": {}})
    response.expect(404)
    assert response.error == "Not found: Collection `compat_missing_patch` doesn't exist!"


def test_get_missing_collection_is_404_with_qdrant_message(api):
    response = api.get("/collections/compat_missing_get").expect(404)
    assert response.error == "Not found: Collection `compat_missing_get` doesn't exist!"


def test_creating_an_existing_collection_is_409(api, collection_factory):
    name = collection_factory()
    response = api.put(f"/collections/{name}", json={"vectors": {"size": 4, "distance": "Dot"}})
    response.expect(409)
    assert response.error == f"Wrong input: Collection `{name}` already exists!"
    info = api.get(f"/collections/{name}").result
    assert info["config"]["params"]["vectors"]["distance"] == "Cosine"  # original untouched


def test_payload_index_params_are_reported_canonically(api, collection_name):
    """payload_schema reports an index's params as Qdrant keeps them: the request's object
    deserialised into the index type's params (unknown members dropped, the always-written
    optional members present as null, text's tokenizer defaulted), not an echo of the request."""
    api.put(f"/collections/{collection_name}", json={"vectors": {"size": 4, "distance": "Dot"}})
    schemas = {
        "i": {"type": "integer", "lookup": True, "range": False},
        "f": {"type": "float"},
        "d": {"type": "datetime", "is_principal": True},
        "k": {"type": "keyword", "is_tenant": True, "on_disk": None, "not_a_member": 1},
        "t": {"type": "text", "lowercase": None},
        "plain": "integer",
    }
    for field, schema in schemas.items():
        api.put(
            f"/collections/{collection_name}/index",
            params={"wait": "true"},
            json={"field_name": field, "field_schema": schema},
        )
    reported = api.get(f"/collections/{collection_name}").result["payload_schema"]
    assert reported["i"]["params"] == {
        "type": "integer",
        "lookup": True,
        "range": False,
        "is_principal": None,
    }
    assert reported["f"]["params"] == {"type": "float", "is_principal": None}
    assert reported["d"]["params"] == {"type": "datetime", "is_principal": True}
    assert reported["k"]["params"] == {"type": "keyword", "is_tenant": True}
    assert reported["t"]["params"] == {"type": "text", "tokenizer": "word"}
    assert "params" not in reported["plain"]
    assert reported["plain"]["data_type"] == "integer"
