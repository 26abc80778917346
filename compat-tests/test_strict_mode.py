"""Strict mode (`strict_mode_config`) enforced as Qdrant 1.19 enforces it.

Each limit is refused with Qdrant's status and text ("Bad request: <what>. Help: <solution>" for
the request checks, 429 "Rate limiting exceeded: ..." for the rate limits); nothing is enforced
while `enabled` is false, and a PATCH of the configuration applies at once. The official Python
client's strict-mode call works unchanged.
"""

import re

import pytest
from qdrant_client import models

from conftest import unique_name
from support.client_errors import client_refusal

VECTOR = [0.1, 0.2, 0.3, 0.4]


def _limit_text(value, limit, name):
    return (
        f'Bad request: Limit exceeded {value} > {limit} for "{name}". '
        f'Help: Reduce the "{name}" parameter to or below {limit}.'
    )


def _strict_collection(collection_factory, api, body=None, points=0, **strict):
    body = dict(body or {"vectors": {"size": 4, "distance": "Cosine"}})
    body["strict_mode_config"] = {"enabled": True, **strict}
    name = collection_factory(body)
    if points:
        api.put(
            f"/collections/{name}/points?wait=true",
            json={
                "points": [
                    {"id": i, "vector": VECTOR, "payload": {"city": "Berlin", "n": i}}
                    for i in range(1, points + 1)
                ]
            },
        ).expect(200)
    return name


def _query(api, name, url_params=None, **body):
    return api.post(f"/collections/{name}/points/query", json={"query": VECTOR, **body}, params=url_params)


def test_nothing_is_enforced_while_disabled(api, collection_factory):
    name = collection_factory(
        {
            "vectors": {"size": 4, "distance": "Cosine"},
            "strict_mode_config": {"enabled": False, "max_query_limit": 1, "search_allow_exact": False},
        }
    )
    _query(api, name, limit=5, params={"exact": True}).expect(200)
    api.post(f"/collections/{name}/points/scroll", json={"limit": 5}).expect(200)


def test_max_query_limit_on_query_search_and_scroll(api, collection_factory):
    name = _strict_collection(collection_factory, api, max_query_limit=2)
    _query(api, name, limit=2).expect(200)
    assert _query(api, name, limit=5).expect(400).error == _limit_text(5, 2, "limit")
    search = api.post(f"/collections/{name}/points/search", json={"vector": VECTOR, "limit": 3})
    assert search.expect(400).error == _limit_text(3, 2, "limit")
    scroll = api.post(f"/collections/{name}/points/scroll", json={"limit": 4})
    assert scroll.expect(400).error == _limit_text(4, 2, "limit")
    # A query without `limit` asks for Qdrant's default of 10.
    assert _query(api, name).expect(400).error == _limit_text(10, 2, "limit")


def test_max_query_limit_on_distance_matrix(api, collection_factory):
    # A matrix asks for limit x sample points.
    name = _strict_collection(collection_factory, api, points=3, max_query_limit=5)
    matrix = f"/collections/{name}/points/search/matrix/pairs"
    response = api.post(matrix, json={"sample": 3, "limit": 2})
    assert response.expect(400).error == _limit_text(6, 5, "limit")
    api.post(matrix, json={"sample": 2, "limit": 2}).expect(200)


def test_max_timeout(api, collection_factory):
    name = _strict_collection(collection_factory, api, max_timeout=5)
    _query(api, name, limit=1, url_params={"timeout": 5}).expect(200)
    response = _query(api, name, limit=1, url_params={"timeout": 10})
    assert response.expect(400).error == _limit_text(10, 5, "timeout")


def test_unindexed_filtering_retrieve(api, collection_factory):
    name = _strict_collection(collection_factory, api, points=2, unindexed_filtering_retrieve=False)
    city = {"must": [{"key": "city", "match": {"value": "Berlin"}}]}
    response = _query(api, name, limit=1, filter=city)
    assert response.expect(400).error == (
        'Bad request: Index required but not found for "city" of one of the following types: '
        "[keyword]. Help: Create an index for this key or use a different filter."
    )
    number = {"must": [{"key": "n", "range": {"gte": 1}}]}
    response = api.post(f"/collections/{name}/points/count", json={"filter": number, "exact": False})
    assert response.expect(400).error == (
        'Bad request: Index required but not found for "n" of one of the following types: '
        "[float, integer]. Help: Create an index for this key or use a different filter."
    )
    api.put(
        f"/collections/{name}/index?wait=true", json={"field_name": "city", "field_schema": "keyword"}
    ).expect(200)
    assert len(_query(api, name, limit=1, filter=city).expect(200).result["points"]) == 1


def test_unindexed_filtering_update(api, collection_factory):
    name = _strict_collection(collection_factory, api, points=2, unindexed_filtering_update=False)
    city = {"must": [{"key": "city", "match": {"value": "Berlin"}}]}
    response = api.post(f"/collections/{name}/points/delete?wait=true", json={"filter": city})
    assert response.expect(400).error == (
        'Bad request: Index required but not found for "city" of one of the following types: '
        "[keyword]. Help: Create an index for this key or use a different filter."
    )
    # Reads are not concerned by the update rule.
    _query(api, name, limit=1, filter=city).expect(200)


def test_search_max_hnsw_ef(api, collection_factory):
    name = _strict_collection(collection_factory, api, search_max_hnsw_ef=10)
    _query(api, name, limit=1, params={"hnsw_ef": 10}).expect(200)
    response = _query(api, name, limit=1, params={"hnsw_ef": 100})
    assert response.expect(400).error == _limit_text(100, 10, "hnsw_ef")


def test_search_allow_exact(api, collection_factory):
    name = _strict_collection(collection_factory, api, search_allow_exact=False)
    _query(api, name, limit=1, params={"exact": False}).expect(200)
    response = _query(api, name, limit=1, params={"exact": True})
    assert response.expect(400).error == "Bad request: Exact search disabled!. Help: Set exact=false."


def test_search_max_oversampling(api, collection_factory):
    name = _strict_collection(collection_factory, api, search_max_oversampling=2.0)
    response = _query(api, name, limit=1, params={"quantization": {"oversampling": 3.0}})
    assert response.expect(400).error == _limit_text(3, 2, "oversampling")
    response = _query(api, name, limit=1, params={"quantization": {"oversampling": 2.5}})
    assert response.expect(400).error == _limit_text(2.5, 2, "oversampling")


def test_search_max_batchsize(api, collection_factory):
    name = _strict_collection(collection_factory, api, search_max_batchsize=2)
    searches = [{"query": VECTOR, "limit": 1}] * 3
    response = api.post(f"/collections/{name}/points/query/batch", json={"searches": searches})
    assert response.expect(400).error == _limit_text(3, 2, "search batch size")
    api.post(f"/collections/{name}/points/query/batch", json={"searches": searches[:2]}).expect(200)


def test_upsert_max_batchsize(api, collection_factory):
    name = _strict_collection(collection_factory, api, upsert_max_batchsize=2)
    points = [{"id": i, "vector": VECTOR} for i in range(3)]
    response = api.put(f"/collections/{name}/points?wait=true", json={"points": points})
    assert response.expect(400).error == _limit_text(3, 2, "upsert limit")
    api.put(f"/collections/{name}/points?wait=true", json={"points": points[:2]}).expect(200)


def test_max_points_count(api, collection_factory):
    # Qdrant reads the points count from statistics it refreshes every few requests, so the
    # refusal may come a few upserts late: keep writing single points until it does.
    name = _strict_collection(collection_factory, api, max_points_count=2)
    refused = None
    for point_id in range(1, 80):
        response = api.put(
            f"/collections/{name}/points?wait=true", json={"points": [{"id": point_id, "vector": VECTOR}]}
        )
        if response.status != 200:
            refused = response
            break
    assert refused is not None, "max_points_count was never enforced"
    assert refused.expect(400).error == "Bad request: Max points count limit of 2 reached!"
    count = api.post(f"/collections/{name}/points/count", json={"exact": True}).result["count"]
    assert count >= 2


def test_max_collection_vector_size_bytes(api, collection_factory):
    # As with max_points_count, the size Qdrant compares is refreshed every few requests.
    name = _strict_collection(collection_factory, api, max_collection_vector_size_bytes=1)
    refused = None
    for point_id in range(1, 80):
        response = api.put(
            f"/collections/{name}/points?wait=true", json={"points": [{"id": point_id, "vector": VECTOR}]}
        )
        if response.status != 200:
            refused = response
            break
    assert refused is not None, "max_collection_vector_size_bytes was never enforced"
    # 1 byte in MB, as a 32-bit float printed in full.
    assert refused.expect(400).error == "Bad request: Max vector storage size limit of 0.0000009536743MB reached!"


PAYLOAD_LIMIT_PREFIX = "Bad request: Max payload storage size limit of "


def test_max_collection_payload_size_bytes_refuses_writes_once_reached(api, collection_factory):
    # Clearly over: a 1-byte limit. The size compared is the payload storage's (estimates differ
    # between engines, and Qdrant refreshes its figure every few requests), so the refusal may
    # come a few upserts late.
    name = _strict_collection(collection_factory, api, max_collection_payload_size_bytes=1)
    refused = None
    for point_id in range(1, 80):
        response = api.put(
            f"/collections/{name}/points?wait=true",
            json={"points": [{"id": point_id, "vector": VECTOR, "payload": {"text": "x" * 200}}]},
        )
        if response.status != 200:
            refused = response
            break
    assert refused is not None, "max_collection_payload_size_bytes was never enforced"
    error = refused.expect(400).error
    assert error.startswith(PAYLOAD_LIMIT_PREFIX), error
    # 1 byte in MB, as a 32-bit float printed in full.
    assert error == PAYLOAD_LIMIT_PREFIX + "0.0000009536743MB reached!"
    # Setting a payload is refused by the same limit.
    response = api.post(
        f"/collections/{name}/points/payload?wait=true", json={"payload": {"more": 1}, "points": [1]}
    )
    assert response.expect(400).error.startswith(PAYLOAD_LIMIT_PREFIX)


def test_max_collection_payload_size_bytes_lets_writes_under_it_through(api, collection_factory):
    # Clearly under: 256 MB for a few short payloads.
    name = _strict_collection(collection_factory, api, max_collection_payload_size_bytes=256 << 20)
    for point_id in range(1, 21):
        api.put(
            f"/collections/{name}/points?wait=true",
            json={"points": [{"id": point_id, "vector": VECTOR, "payload": {"city": "Berlin"}}]},
        ).expect(200)
    api.post(
        f"/collections/{name}/points/payload?wait=true", json={"payload": {"more": 1}, "points": [1]}
    ).expect(200)
    api.put(
        f"/collections/{name}/points/payload?wait=true", json={"payload": {"only": 1}, "points": [2]}
    ).expect(200)


def test_filter_max_conditions(api, collection_factory):
    name = _strict_collection(collection_factory, api, filter_max_conditions=2)
    conditions = [{"key": "n", "match": {"value": i}} for i in range(3)]
    nested = {"must": [conditions[0], {"must_not": conditions[1:]}]}
    response = _query(api, name, limit=1, filter=nested)
    assert response.expect(400).error == (
        "Bad request: Filter condition limit reached (3 > 2). "
        "Help: Reduce the amount of conditions of your filter."
    )
    _query(api, name, limit=1, filter={"should": conditions[:2]}).expect(200)


def test_condition_max_size(api, collection_factory):
    name = _strict_collection(collection_factory, api, condition_max_size=3)
    big = {"must": [{"key": "n", "match": {"any": [1, 2, 3, 4]}}]}
    response = api.post(f"/collections/{name}/points/scroll", json={"filter": big})
    assert response.expect(400).error == (
        "Bad request: Condition size limit reached (4 > 3). Help: Reduce the size of your condition."
    )
    small = {"must": [{"key": "n", "match": {"any": [1, 2, 3]}}]}
    api.post(f"/collections/{name}/points/scroll", json={"filter": small}).expect(200)


def test_multivector_config_max_vectors(api, collection_factory):
    body = {
        "vectors": {
            "colbert": {"size": 2, "distance": "Dot", "multivector_config": {"comparator": "max_sim"}}
        }
    }
    name = _strict_collection(
        collection_factory, api, body=body, multivector_config={"colbert": {"max_vectors": 2}}
    )
    rows = [[0.1, 0.2], [0.3, 0.4], [0.5, 0.6]]
    response = api.put(
        f"/collections/{name}/points?wait=true", json={"points": [{"id": 1, "vector": {"colbert": rows}}]}
    )
    assert response.expect(400).error == (
        "Bad request: Multivector 'colbert' has a limit of 2 vectors, but 3 were provided!"
    )
    api.put(
        f"/collections/{name}/points?wait=true",
        json={"points": [{"id": 1, "vector": {"colbert": rows[:2]}}]},
    ).expect(200)


def test_sparse_config_max_length(api, collection_factory):
    body = {"vectors": {}, "sparse_vectors": {"text": {}}}
    name = _strict_collection(collection_factory, api, body=body, sparse_config={"text": {"max_length": 2}})
    sparse = {"indices": [1, 2, 3], "values": [0.1, 0.2, 0.3]}
    response = api.put(
        f"/collections/{name}/points?wait=true", json={"points": [{"id": 1, "vector": {"text": sparse}}]}
    )
    assert response.expect(400).error == (
        "Bad request: Sparse vector 'text' has a limit of 2 indices, but 3 were provided!"
    )


def _header(response, lower_name):
    return next((v for k, v in response.headers.items() if k.lower() == lower_name), None)


def test_groups_limit_and_group_by_index(api, collection_factory):
    name = _strict_collection(
        collection_factory, api, points=2, max_query_limit=6, unindexed_filtering_retrieve=False
    )
    groups = f"/collections/{name}/points/query/groups"
    body = {"query": VECTOR, "group_by": "city", "limit": 2, "group_size": 3}
    response = api.post(groups, json=body)
    assert response.expect(400).error == (
        'Bad request: Index required but not found for "city". '
        "Help: Create an index supporting `match` for this key."
    )
    index = f"/collections/{name}/index?wait=true"
    api.put(index, json={"field_name": "city", "field_schema": "text"}).expect(200)
    assert api.post(groups, json=body).expect(400).error == (
        'Bad request: Index of type "Text" found for "city". '
        "Help: Create an index supporting `match` for this key."
    )
    api.put(index, json={"field_name": "city", "field_schema": "keyword"}).expect(200)
    api.post(groups, json=body).expect(200)
    # The limit a groups request asks for is groups x group_size.
    response = api.post(groups, json={**body, "limit": 3, "group_size": 3})
    assert response.expect(400).error == _limit_text(9, 6, "limit")


def test_facet_limit_and_exact(api, collection_factory):
    name = _strict_collection(collection_factory, api, max_query_limit=2, search_allow_exact=False)
    api.put(
        f"/collections/{name}/index?wait=true", json={"field_name": "city", "field_schema": "keyword"}
    ).expect(200)
    facet = f"/collections/{name}/facet"
    assert api.post(facet, json={"key": "city", "limit": 3}).expect(400).error == _limit_text(3, 2, "limit")
    response = api.post(facet, json={"key": "city", "exact": True})
    assert response.expect(400).error == "Bad request: Exact search disabled!. Help: Set exact=false."
    api.post(facet, json={"key": "city", "limit": 2}).expect(200)
    # count is exact unless told otherwise
    response = api.post(f"/collections/{name}/points/count", json={})
    assert response.expect(400).error == "Bad request: Exact search disabled!. Help: Set exact=false."


def test_search_allow_exact_refuses_full_scans_without_a_graph(api, collection_factory):
    body = {"vectors": {"size": 4, "distance": "Cosine"}, "hnsw_config": {"m": 0, "payload_m": 16}}
    name = _strict_collection(collection_factory, api, body=body, search_allow_exact=False)
    response = _query(api, name, limit=1)
    assert response.expect(400).error == (
        "Bad request: Request is forbidden because global vector indexing is disabled "
        "(hnsw_config.m = 0). Help: Use tenant-specific filter, enable global vector indexing or "
        "enable strict mode `search_allow_exact` option"
    )
    api.put(
        f"/collections/{name}/index?wait=true",
        json={"field_name": "tenant", "field_schema": {"type": "keyword", "is_tenant": True}},
    ).expect(200)
    tenant = {"must": [{"key": "tenant", "match": {"value": "a"}}]}
    _query(api, name, limit=1, filter=tenant).expect(200)
    # The legacy search route has no such rule.
    api.post(f"/collections/{name}/points/search", json={"vector": VECTOR, "limit": 1}).expect(200)


def test_max_payload_index_count(api, collection_factory):
    name = _strict_collection(collection_factory, api, max_payload_index_count=1)
    index = f"/collections/{name}/index?wait=true"
    api.put(index, json={"field_name": "city", "field_schema": "keyword"}).expect(200)
    response = api.put(index, json={"field_name": "n", "field_schema": "integer"})
    assert response.expect(400).error == (
        "Bad request: Collection already has the maximum number of payload indices (1). "
        "Help: Please delete an existing index before creating a new one."
    )
    api.delete(f"/collections/{name}/index/city?wait=true").expect(200)
    api.put(index, json={"field_name": "n", "field_schema": "integer"}).expect(200)


def test_nested_and_prefix_filters_need_capable_indexes(api, collection_factory):
    name = _strict_collection(collection_factory, api, unindexed_filtering_retrieve=False)
    index = f"/collections/{name}/index?wait=true"
    api.put(index, json={"field_name": "title", "field_schema": "keyword"}).expect(200)
    prefix = {"must": [{"key": "title", "match": {"prefix": "ab"}}]}
    response = api.post(f"/collections/{name}/points/scroll", json={"filter": prefix})
    assert response.expect(400).error == (
        'Bad request: Index required but not found for "title" of one of the following types: '
        "[keyword (with prefix: true)]. Help: Create an index for this key or use a different filter."
    )
    nested = {
        "must": [
            {"nested": {"key": "cities", "filter": {"must": [{"key": "size", "range": {"gt": 3}}]}}}
        ]
    }
    response = api.post(f"/collections/{name}/points/scroll", json={"filter": nested})
    assert response.expect(400).error == (
        'Bad request: Index required but not found for "cities[].size" of one of the following '
        "types: [float, integer]. Help: Create an index for this key or use a different filter."
    )
    api.put(index, json={"field_name": "cities[].size", "field_schema": "integer"}).expect(200)
    api.post(f"/collections/{name}/points/scroll", json={"filter": nested}).expect(200)


RATE_TEXT = re.compile(
    r"Rate limiting exceeded: (Read|Write) rate limit exceeded: Operation requires (\d+) tokens "
    r"but only (\d+\.\d) were available\. Retry after (\d+)s"
)


def test_read_rate_limit_answers_429(api, collection_factory):
    # A read costs one token per query vector plus one per filter condition (a scroll: 1 plus
    # its conditions); the bucket holds one minute of the limit.
    name = _strict_collection(collection_factory, api, read_rate_limit=10)
    two_conditions = {"must": [{"key": "a", "match": {"value": 1}}, {"key": "b", "match": {"value": 2}}]}
    _query(api, name, limit=1).expect(200)  # 1 token
    _query(api, name, limit=1, filter=two_conditions).expect(200)  # 3 tokens
    for _ in range(3):  # 2 tokens each
        api.post(f"/collections/{name}/points/scroll", json={"filter": {"must": two_conditions["must"][:1]}}).expect(200)
    refused = api.post(
        f"/collections/{name}/points/scroll", json={"filter": {"must": two_conditions["must"][:1]}}
    ).expect(429)
    match = RATE_TEXT.fullmatch(refused.error)
    assert match, refused.error
    assert match.group(1) == "Read" and match.group(2) == "2"
    # The wait is what the missing tokens take to come back at 10 a minute, in whole seconds.
    assert 1 <= int(match.group(4)) <= 12
    assert _header(refused, "retry-after") == match.group(4)


def test_write_rate_limit_answers_429_with_retry_after(api, collection_factory):
    # A write costs the points it touches; a collection's first write is taken twice.
    name = _strict_collection(collection_factory, api, write_rate_limit=10)
    one = [{"id": 1, "vector": VECTOR}]
    api.put(f"/collections/{name}/points?wait=true", json={"points": one}).expect(200)  # 2 tokens
    api.put(f"/collections/{name}/points?wait=true", json={"points": one}).expect(200)  # 1 token
    three = [{"id": i, "vector": VECTOR} for i in range(2, 5)]
    api.put(f"/collections/{name}/points?wait=true", json={"points": three}).expect(200)  # 3 tokens
    api.post(f"/collections/{name}/points/delete?wait=true", json={"points": [2, 3]}).expect(200)  # 2
    refused = api.put(
        f"/collections/{name}/points?wait=true", json={"points": three}
    ).expect(429)
    match = RATE_TEXT.fullmatch(refused.error)
    assert match and match.group(1) == "Write" and match.group(2) == "3", refused.error
    assert 1.9 <= float(match.group(3)) < 3.0, refused.error
    assert _header(refused, "retry-after") == match.group(4)
    count = api.post(f"/collections/{name}/points/count", json={"exact": True}).result["count"]
    assert count == 2  # the refused write changed nothing


def test_write_larger_than_the_bucket_is_refused_without_retry_after(api, collection_factory):
    name = _strict_collection(collection_factory, api, write_rate_limit=2)
    points = [{"id": i, "vector": VECTOR} for i in range(1, 4)]
    refused = api.put(f"/collections/{name}/points?wait=true", json={"points": points}).expect(429)
    assert refused.error == (
        "Rate limiting exceeded: Write rate limit exceeded, request larger than rate limiter "
        "capacity, please try to split your request"
    )
    assert _header(refused, "retry-after") is None


def test_patch_applies_at_once(api, collection_factory):
    name = collection_factory()
    _query(api, name, limit=5).expect(200)
    api.patch(
        f"/collections/{name}", json={"strict_mode_config": {"enabled": True, "max_query_limit": 2}}
    ).expect(200)
    assert _query(api, name, limit=5).expect(400).error == _limit_text(5, 2, "limit")
    api.patch(f"/collections/{name}", json={"strict_mode_config": {"enabled": False}}).expect(200)
    _query(api, name, limit=5).expect(200)


@pytest.fixture
def client(make_qdrant_client):
    qdrant = make_qdrant_client(timeout=30)
    yield qdrant
    qdrant.close()


def test_python_client_update_collection_strict_mode(client, client_wire):
    name = unique_name("pystrict")
    try:
        client.create_collection(name, vectors_config=models.VectorParams(size=4, distance=models.Distance.COSINE))
        assert client.update_collection(
            name, strict_mode_config=models.StrictModeConfig(enabled=True, max_query_limit=3)
        )
        strict = client.get_collection(name).config.strict_mode_config
        assert strict.enabled is True and strict.max_query_limit == 3
        client.query_points(name, query=VECTOR, limit=3)
        with client_refusal(client_wire, 400) as refused:
            client.query_points(name, query=VECTOR, limit=4)
        assert refused.message == _limit_text(4, 3, "limit")
    finally:
        client.delete_collection(name)
