"""Request validation and collection info as Qdrant 1.19 answers them.

Each expected text is built from Qdrant's own rules: a `Validation error in JSON body` lists
`path: message`, the path naming the field from the body's root as Qdrant's request types nest
it (`internal.` for a query, `searches[i].` in a batch, `search_request.` for a search,
`prefetch[i].` inside a query, `?` for the entry of a named-vector map); range messages read
`value V invalid, must be 1 or larger` (or `from A to B`), floats shown as Rust prints an f64 (an
f32 field's value widened to f64 first).
"""

import struct

import pytest

from conftest import unique_name

VECTOR = {"size": 4, "distance": "Dot"}
BODY = "Validation error in JSON body: "


def _f32_as_f64_text(value: float) -> str:
    """An f32 field's value as Rust prints it widened to f64 (Python's repr is the same
    shortest round-trip text)."""
    widened = struct.unpack("f", struct.pack("f", value))[0]
    text = repr(widened)
    return text if "." in text or "e" in text else text + ".0"


def _create(api, name, body):
    """A create request; `collection_name` deletes whatever a wrong acceptance leaves."""
    return api.put(f"/collections/{name}", json=body)


# --- create collection -----------------------------------------------------------------------


@pytest.mark.parametrize("key", ["shard_number", "replication_factor", "write_consistency_factor"])
def test_zero_counts_of_a_new_collection_are_validation_errors(api, collection_name, key):
    response = _create(api, collection_name, {"vectors": VECTOR, key: 0}).expect(422)
    assert response.error == f"{BODY}[{key}: value 0 invalid, must be 1 or larger]"
    assert api.get(f"/collections/{collection_name}/exists").result == {"exists": False}


def test_collection_named_as_an_existing_alias_is_bad_input(
    api, collection_factory, collection_name, alias_cleanup
):
    target = collection_factory({"vectors": VECTOR})
    alias = unique_name("alias")
    alias_cleanup.append(alias)
    api.post(
        "/collections/aliases",
        json={"actions": [{"create_alias": {"collection_name": target, "alias_name": alias}}]},
    ).expect(200)
    response = _create(api, alias, {"vectors": VECTOR})
    if response.status == 200:
        api.delete(f"/collections/{alias}")
    response.expect(400)
    assert response.error == (
        f"Wrong input: Can't create collection with name {alias}. "
        "Alias with the same name already exists"
    )


@pytest.mark.parametrize(
    "method, suffix, body",
    [
        ("get", "", None),
        ("get", "/exists", None),
        ("delete", "", None),
        ("patch", "", {}),
        ("post", "/points/query", {}),
        ("post", "/points/scroll", {}),
        ("put", "/points", {"points": []}),
    ],
)
def test_over_long_collection_name_is_a_path_validation_error_on_every_route(
    api, method, suffix, body
):
    name = "x" * 256
    kwargs = {} if body is None else {"json": body}
    response = getattr(api, method)(f"/collections/{name}{suffix}", **kwargs).expect(422)
    assert response.error == (
        "Validation error in path parameters: "
        f'[collection_name: value "{name}" invalid, must be from 1 to 255 characters]'
    )


@pytest.mark.parametrize(
    "body, error",
    [
        (
            {"vectors": {**VECTOR, "memory": "pinned"}},
            "vectors.memory: `pinned` memory placement is not supported for dense vector storage",
        ),
        (
            {"vectors": {"image": {**VECTOR, "memory": "pinned"}}},
            "vectors.?.memory: `pinned` memory placement is not supported for dense vector storage",
        ),
        (
            {"vectors": VECTOR, "payload": {"memory": "pinned"}},
            "payload.memory: `pinned` memory placement is not supported for payload storage",
        ),
    ],
)
def test_pinned_placement_of_vectors_or_payload_is_refused(api, collection_name, body, error):
    response = _create(api, collection_name, body).expect(422)
    assert response.error == f"{BODY}[{error}]"
    assert api.get(f"/collections/{collection_name}/exists").result == {"exists": False}


def test_cold_and_cached_placements_are_kept(api, collection_factory):
    name = collection_factory(
        {"vectors": {**VECTOR, "memory": "cold"}, "payload": {"memory": "cached"}}
    )
    params = api.get(f"/collections/{name}").result["config"]["params"]
    assert params["vectors"]["memory"] == "cold"
    assert params["payload"] == {"memory": "cached"}


def test_pinned_placement_in_an_update_of_a_vector_is_refused(api, collection_factory):
    name = collection_factory({"vectors": {"image": VECTOR}})
    response = api.patch(f"/collections/{name}", json={"vectors": {"image": {"memory": "pinned"}}})
    response.expect(422)
    assert response.error == (
        f"{BODY}[vectors.?.memory: `pinned` memory placement is not supported for dense vector "
        "storage]"
    )


def test_dense_and_sparse_vectors_may_not_share_a_name(api, collection_name):
    body = {"vectors": {"text": VECTOR}, "sparse_vectors": {"text": {}}}
    response = _create(api, collection_name, body).expect(400)
    assert response.error == (
        "Wrong input: Dense and sparse vector names must be unique - duplicate found with 'text'"
    )
    assert api.get(f"/collections/{collection_name}/exists").result == {"exists": False}


def test_turbo4_datatype_is_accepted_and_reported(api, collection_factory):
    name = collection_factory({"vectors": {**VECTOR, "datatype": "turbo4"}})
    vectors = api.get(f"/collections/{name}").result["config"]["params"]["vectors"]
    assert vectors["datatype"] == "turbo4"
    api.put(
        f"/collections/{name}/points?wait=true",
        json={"points": [{"id": 1, "vector": [1, 0, 0, 0]}, {"id": 2, "vector": [0, 1, 0, 0]}]},
    ).expect(200)
    hits = api.post(f"/collections/{name}/points/query", json={"query": [1, 0, 0, 0]}).result
    assert hits["points"][0]["id"] == 1


def test_turbo4_datatype_of_a_sparse_vector_is_refused_with_its_place(api, collection_name):
    # Qdrant validates the sorted map of sparse vectors by position: "b" is the second
    body = {"vectors": VECTOR, "sparse_vectors": {"b": {"index": {"datatype": "turbo4"}}, "a": {}}}
    response = _create(api, collection_name, body).expect(422)
    assert response.error == (
        f"{BODY}[sparse_vectors[1].index.datatype: sparse vectors do not support the `turbo4` "
        "datatype]"
    )


def test_turbo4_datatype_in_a_sparse_vector_update_is_refused(api, collection_factory):
    name = collection_factory({"vectors": VECTOR, "sparse_vectors": {"text": {}}})
    body = {"sparse_vectors": {"text": {"index": {"datatype": "turbo4"}}}}
    response = api.patch(f"/collections/{name}", json=body).expect(422)
    assert response.error == (
        f"{BODY}[sparse_vectors.?.index.datatype: sparse vectors do not support the `turbo4` "
        "datatype]"
    )


@pytest.mark.parametrize("quantile", [0.3, 1.2])
def test_scalar_quantile_outside_half_to_one_is_refused(api, collection_name, quantile):
    body = {"vectors": VECTOR, "quantization_config": {"scalar": {"type": "int8", "quantile": quantile}}}
    response = _create(api, collection_name, body).expect(422)
    assert response.error == (
        f"{BODY}[quantization_config.scalar.quantile: value {_f32_as_f64_text(quantile)} invalid, "
        "must be from 0.5 to 1.0]"
    )


def test_max_segment_size_zero_is_refused(api, collection_name):
    body = {"vectors": VECTOR, "optimizers_config": {"max_segment_size": 0}}
    response = _create(api, collection_name, body).expect(422)
    assert response.error == (
        f"{BODY}[optimizers_config.max_segment_size: value 0 invalid, must be 1 or larger]"
    )


def test_deleted_threshold_range_is_written_with_float_bounds(api, collection_name):
    body = {"vectors": VECTOR, "optimizers_config": {"deleted_threshold": 1.5}}
    response = _create(api, collection_name, body).expect(422)
    assert response.error == (
        f"{BODY}[optimizers_config.deleted_threshold: value 1.5 invalid, must be from 0.0 to 1.0]"
    )


@pytest.mark.parametrize("key", ["replication_factor", "write_consistency_factor"])
def test_zero_counts_in_an_update_fail_to_parse(api, collection_factory, key):
    name = collection_factory({"vectors": VECTOR})
    response = api.patch(f"/collections/{name}", json={"params": {key: 0}}).expect(400)
    assert response.error.startswith(
        "Format error in JSON body: invalid value: integer `0`, expected a nonzero u32"
    )
    assert api.get(f"/collections/{name}").result["config"]["params"][key] == 1


# --- collection info ---------------------------------------------------------------------------


def _warnings(api, name):
    return [w["message"] for w in api.get(f"/collections/{name}").result.get("warnings", [])]


def _inline_warning(vector: str, reason: str) -> str:
    return f"The `hnsw_config.inline_storage` option for vector '{vector}' {reason} This option will be ignored."


def test_inline_storage_without_quantization_is_warned_about(api, collection_factory):
    name = collection_factory(
        {"vectors": {"image": VECTOR, "plain": VECTOR}, "hnsw_config": {"inline_storage": True}}
    )
    reason = "requires quantization to be enabled."
    assert sorted(_warnings(api, name)) == [
        _inline_warning("image", reason),
        _inline_warning("plain", reason),
    ]


def test_inline_storage_of_a_multivector_is_warned_about(api, collection_factory):
    name = collection_factory(
        {
            "vectors": {**VECTOR, "multivector_config": {"comparator": "max_sim"}},
            "hnsw_config": {"inline_storage": True},
            "quantization_config": {"binary": {}},
        }
    )
    assert _warnings(api, name) == [
        _inline_warning("", "is not compatible with multivectors.")
    ]


def test_inline_storage_with_quantization_has_no_warnings(api, collection_factory):
    name = collection_factory(
        {
            "vectors": {"image": {**VECTOR, "quantization_config": {"scalar": {"type": "int8"}}}},
            "hnsw_config": {"inline_storage": True},
        }
    )
    assert "warnings" not in api.get(f"/collections/{name}").result


def test_vector_quantization_is_reported_and_disabled_back_to_none(api, collection_factory):
    name = collection_factory({"vectors": {"image": VECTOR, "text": VECTOR}})
    api.patch(
        f"/collections/{name}",
        json={"vectors": {"image": {"quantization_config": {"binary": {}}}}},
    ).expect(200)
    vectors = api.get(f"/collections/{name}").result["config"]["params"]["vectors"]
    assert vectors["image"]["quantization_config"] == {"binary": {}}
    assert "quantization_config" not in vectors["text"]
    api.patch(
        f"/collections/{name}", json={"vectors": {"image": {"quantization_config": "Disabled"}}}
    ).expect(200)
    vectors = api.get(f"/collections/{name}").result["config"]["params"]["vectors"]
    assert vectors["image"].get("quantization_config") is None


# --- search and query parameters ---------------------------------------------------------------


@pytest.fixture(scope="module")
def searchable(api):
    name = unique_name("validation")
    body = {
        "vectors": {"dense": VECTOR, "colbert": {**VECTOR, "multivector_config": {"comparator": "max_sim"}}},
        "sparse_vectors": {"text": {}},
    }
    api.put(f"/collections/{name}", json=body).expect(200)
    points = [
        {
            "id": i,
            "vector": {
                "dense": [1, 2, 3, i],
                "colbert": [[1, 2, 3, i]],
                "text": {"indices": [1, i], "values": [1.0, 0.5]},
            },
            "payload": {"group": i % 2},
        }
        for i in range(2, 6)
    ]
    api.put(f"/collections/{name}/points?wait=true", json={"points": points}).expect(200)
    yield name
    api.delete(f"/collections/{name}")


NEAREST = {"query": [1, 2, 3, 4], "using": "dense"}
NO_EF = {"hnsw_ef": 0}
EF_ZERO = "params.hnsw_ef: value 0 invalid, must be 1 or larger"


@pytest.mark.parametrize(
    "route, body, path",
    [
        ("points/query", {**NEAREST, "params": NO_EF}, "internal."),
        (
            "points/query",
            {"prefetch": [{**NEAREST, "params": NO_EF}], "query": {"fusion": "rrf"}},
            "internal.prefetch[0].",
        ),
        (
            "points/query",
            {"prefetch": [{"prefetch": [{**NEAREST, "params": NO_EF}]}], "query": {"fusion": "rrf"}},
            "internal.prefetch[0].prefetch[0].",
        ),
        ("points/query/batch", {"searches": [NEAREST, {**NEAREST, "params": NO_EF}]}, "searches[1].internal."),
        ("points/query/groups", {**NEAREST, "group_by": "group", "params": NO_EF}, "search_group_request."),
        (
            "points/search",
            {"vector": {"name": "dense", "vector": [1, 2, 3, 4]}, "limit": 3, "params": NO_EF},
            "search_request.",
        ),
        (
            "points/search/batch",
            {"searches": [{"vector": {"name": "dense", "vector": [1, 2, 3, 4]}, "limit": 3, "params": NO_EF}]},
            "searches[0].search_request.",
        ),
        (
            "points/recommend",
            {"positive": [2], "using": "dense", "limit": 3, "params": NO_EF},
            "recommend_request.",
        ),
        (
            "points/discover",
            {"target": 2, "using": "dense", "limit": 3, "params": NO_EF},
            "discover_request.",
        ),
    ],
)
def test_hnsw_ef_zero_is_refused_with_its_place(api, searchable, route, body, path):
    response = api.post(f"/collections/{searchable}/{route}", json=body).expect(422)
    assert response.error == f"{BODY}[{path}{EF_ZERO}]"


DUPLICATE = {"indices": [1, 1], "values": [1.0, 2.0]}
UNIQUE = "indices: Validation error: must be unique [{}]"


@pytest.mark.parametrize(
    "route, body, path",
    [
        ("points/query", {"query": DUPLICATE, "using": "text"}, "internal.query."),
        ("points/query", {"query": {"nearest": DUPLICATE}, "using": "text"}, "internal.query.nearest."),
        (
            "points/query",
            {"prefetch": [{"query": DUPLICATE, "using": "text"}], "query": {"fusion": "rrf"}},
            "internal.prefetch[0].query.",
        ),
        (
            "points/query",
            {"query": {"recommend": {"positive": [DUPLICATE]}}, "using": "text"},
            "internal.query.recommend.",
        ),
        ("points/query/batch", {"searches": [{"query": DUPLICATE, "using": "text"}]}, "searches[0].internal.query."),
        (
            "points/search",
            {"vector": {"name": "text", "vector": DUPLICATE}, "limit": 3},
            "search_request.vector.vector.",
        ),
        (
            "points/search/batch",
            {"searches": [{"vector": {"name": "text", "vector": DUPLICATE}, "limit": 3}]},
            "searches[0].search_request.vector.vector.",
        ),
        (
            "points/recommend",
            {"positive": [DUPLICATE], "using": "text", "limit": 3},
            "recommend_request.positive[0].",
        ),
    ],
)
def test_sparse_query_vector_errors_name_their_place(api, searchable, route, body, path):
    response = api.post(f"/collections/{searchable}/{route}", json=body).expect(422)
    assert response.error == f"{BODY}[{path}{UNIQUE}]"


def test_oversampling_below_one_is_refused(api, searchable):
    body = {**NEAREST, "params": {"quantization": {"oversampling": 0.5}}}
    response = api.post(f"/collections/{searchable}/points/query", json=body).expect(422)
    assert response.error == (
        f"{BODY}[internal.params.quantization.oversampling: value 0.5 invalid, must be 1.0 or larger]"
    )


def test_mmr_diversity_outside_zero_to_one_is_refused(api, searchable):
    body = {"query": {"nearest": [1, 2, 3, 4], "mmr": {"diversity": 2}}, "using": "dense"}
    response = api.post(f"/collections/{searchable}/points/query", json=body).expect(422)
    assert response.error == (
        f"{BODY}[internal.query.mmr.diversity: value {_f32_as_f64_text(2)} invalid, "
        "must be from 0.0 to 1.0]"
    )


@pytest.mark.parametrize(
    "route, body, field",
    [
        ("points/query", {**NEAREST, "limit": 0}, "internal.limit"),
        ("points/scroll", {"limit": 0}, "scroll_request.limit"),
        ("facet", {"key": "group", "limit": 0}, "facet_request.limit"),
        ("points/search/matrix/pairs", {"sample": 2, "limit": 0, "using": "dense"}, "search_request.limit"),
    ],
)
def test_zero_limits_name_their_place(api, searchable, route, body, field):
    response = api.post(f"/collections/{searchable}/{route}", json=body).expect(422)
    assert response.error == f"{BODY}[{field}: value 0 invalid, must be 1 or larger]"


def test_recommend_without_positive_examples_is_refused(api, searchable):
    legacy = api.post(
        f"/collections/{searchable}/points/recommend",
        json={"negative": [2], "using": "dense", "limit": 3},
    ).expect(400)
    assert legacy.error == "Bad request: At least one positive vector ID required with this strategy"
    query = api.post(
        f"/collections/{searchable}/points/query",
        json={"query": {"recommend": {"negative": [2]}}, "using": "dense"},
    ).expect(400)
    assert query.error == "Wrong input: Positive vectors should not be empty with `average` strategy"


# --- vectors in writes -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "vector, error",
    [
        ([[1, 2, 3, 4], [1, 2, 3, 4], []], "points[0].vector.?.data: all vectors must be non-empty"),
        ([[]], "points[0].vector.?.data: all vectors must be non-empty"),
        (
            [[1, 2, 3, 4], [1, 2, 3], [1, 2, 3, 4]],
            "points[0].vector.?.data: all vectors must have the same dimension, found vector with dimension 3",
        ),
        ([], "points[0].vector.?.vector: dense vector must not be empty"),
    ],
)
def test_multivector_shapes_are_validated(api, searchable, vector, error):
    body = {"points": [{"id": 100, "vector": {"colbert": vector}}]}
    response = api.put(f"/collections/{searchable}/points?wait=true", json=body).expect(422)
    assert response.error == f"{BODY}[{error}]"


def test_empty_row_of_a_multivector_in_a_vector_update_or_batch_is_refused(api, searchable):
    update = api.put(
        f"/collections/{searchable}/points/vectors?wait=true",
        json={"points": [{"id": 2, "vector": {"colbert": [[]]}}]},
    ).expect(422)
    assert update.error == f"{BODY}[points[0].?.data: all vectors must be non-empty]"
    batch = api.put(
        f"/collections/{searchable}/points?wait=true",
        json={"batch": {"ids": [100], "vectors": {"colbert": [[[]]]}}},
    ).expect(422)
    assert batch.error == f"{BODY}[batch.?.data: all vectors must be non-empty]"


def test_two_rows_led_by_integers_are_read_as_a_sparse_vector(api, searchable):
    rows = [[1, 2, 3], [4, 5, 6]]
    refused = api.put(
        f"/collections/{searchable}/points?wait=true",
        json={"points": [{"id": 100, "vector": {"colbert": rows}}]},
    ).expect(400)
    assert refused.error == "Wrong input: Conversion between sparse and regular vectors failed"
    api.put(
        f"/collections/{searchable}/points?wait=true",
        json={"points": [{"id": 101, "vector": {"text": rows}}]},
    ).expect(200)
    record = api.get(f"/collections/{searchable}/points/101").result
    assert record["vector"]["text"] == {"indices": [1, 2, 3], "values": [4.0, 5.0, 6.0]}
    api.post(f"/collections/{searchable}/points/delete?wait=true", json={"points": [101]})


def test_integer_index_without_lookup_and_range_is_refused(api, searchable):
    body = {"field_name": "count", "field_schema": {"type": "integer", "lookup": False, "range": False}}
    response = api.put(f"/collections/{searchable}/index?wait=true", json=body).expect(422)
    assert response.error == (
        f"{BODY}[field_schema.lookup: Validation error: the 'lookup' and 'range' capabilities "
        "can't be both disabled [{}]]"
    )


@pytest.mark.parametrize("field", ["", "a..b"])
def test_index_on_an_invalid_key_is_a_format_error(api, searchable, field):
    body = {"field_name": field, "field_schema": "keyword"}
    response = api.put(f"/collections/{searchable}/index?wait=true", json=body).expect(400)
    assert response.error.startswith(f"Format error in JSON body: Invalid json path: '{field}'")


@pytest.mark.parametrize(
    "route, body, prefix",
    [
        ("points/query/groups", {**NEAREST, "group_by": "group", "group_size": 0}, "search_group_request."),
        (
            "points/search/groups",
            {"vector": {"name": "dense", "vector": [1, 2, 3, 4]}, "limit": 3, "group_by": "group", "group_size": 0},
            "search_group_request.",
        ),
    ],
)
def test_group_size_zero_names_the_group_request(api, searchable, route, body, prefix):
    response = api.post(f"/collections/{searchable}/{route}", json=body).expect(422)
    assert response.error == (
        f"{BODY}[{prefix}group_request.group_size: value 0 invalid, must be 1 or larger]"
    )


def test_vector_quantization_in_an_update_names_the_vector_as_an_entry(api, collection_factory):
    name = collection_factory({"vectors": {"image": VECTOR}})
    body = {"vectors": {"image": {"quantization_config": {"scalar": {"type": "int8", "quantile": 0.1}}}}}
    response = api.patch(f"/collections/{name}", json=body).expect(422)
    assert response.error == (
        f"{BODY}[vectors.?.quantization_config.scalar.quantile: value {_f32_as_f64_text(0.1)} "
        "invalid, must be from 0.5 to 1.0]"
    )


def test_empty_row_of_a_multivector_query_is_refused(api, searchable):
    body = {"query": [[]], "using": "colbert"}
    response = api.post(f"/collections/{searchable}/points/query", json=body).expect(422)
    assert response.error == f"{BODY}[internal.query.data: all vectors must be non-empty]"


def test_empty_dense_query_is_a_dimension_error(api, searchable):
    body = {"query": [], "using": "dense"}
    response = api.post(f"/collections/{searchable}/points/query", json=body).expect(400)
    assert response.error == "Wrong input: Vector dimension error: expected dim: 4, got 0"


@pytest.mark.parametrize(
    "route, body, prefix",
    [
        ("points/query", {**NEAREST}, "internal."),
        ("points/search", {"vector": {"name": "dense", "vector": [1, 2, 3, 4]}, "limit": 1}, "search_request."),
        ("points/scroll", {}, "scroll_request."),
        ("points/count", {}, "count_request."),
    ],
)
def test_filter_validation_errors_name_the_request(api, searchable, route, body, prefix):
    body = {**body, "filter": {"must": [{"slice": {"index": 3, "total": 3}}]}}
    response = api.post(f"/collections/{searchable}/{route}", json=body).expect(422)
    assert response.error == (
        f"{BODY}[{prefix}filter.must[0].__all__: Validation error: "
        "Slice index must be less than the total number of slices [{}]]"
    )
