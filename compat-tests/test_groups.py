"""Search groups: POST /points/query/groups (1.19) and the legacy /points/search/groups and
/points/recommend/groups (1.18), through HTTP and through the official client.

The data is small and scored by hand. Vector "dot" (Dot) puts every point on the x axis, so a
query [1, 0] scores a point by its x; vector "l2" (Euclid) gives each point another distance
from [0, 0]. Payload key `doc` holds the group ids:

    id  dot x  l2 x  doc
     1   10     1    "a"
     2    9     2    "b"
     3    8     3    "a"
     4    7     4    7          (an integer group id)
     5    6     5    "b"
     6    5     6    "a"
     7    4     7    7
     8    3     0.5  -          (no `doc`: in no group)
     9    2     0.2  2.5        (a float cannot be a group id)
    10    1     8    ["b", 7]   (an array: in both groups)
    11    0.5   0.1  null       (null: in no group)
    12   11     0    true       (a bool cannot be a group id, although it scores best)
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import uuid
import warnings

import pytest
import requests
from qdrant_client import models

from support.points import upsert
from support.server_process import ServerProcess

OWNER_UUID = str(uuid.UUID(int=0xABCDEF))

ROWS = [
    (1, 10, 1, "a"), (2, 9, 2, "b"), (3, 8, 3, "a"), (4, 7, 4, 7), (5, 6, 5, "b"),
    (6, 5, 6, "a"), (7, 4, 7, 7), (8, 3, 0.5, None), (9, 2, 0.2, 2.5), (10, 1, 8, ["b", 7]),
    (11, 0.5, 0.1, None), (12, 11, 0, True),
]
NESTED = {1: {"lang": "en"}, 2: {"lang": "de"}, 3: {"lang": "en"}}
OWNERS = {1: OWNER_UUID, 2: OWNER_UUID, 3: 3}


def _point(point_id, dot_x, l2_x, doc):
    payload = {"n": point_id}
    if point_id == 11:
        payload["doc"] = None
    elif doc is not None:
        payload["doc"] = doc
    if point_id in NESTED:
        payload["meta"] = NESTED[point_id]
    if point_id in OWNERS:
        payload["owner"] = OWNERS[point_id]
    return {"id": point_id, "vector": {"dot": [dot_x, 0], "l2": [l2_x, 0]}, "payload": payload}


@pytest.fixture
def docs(api, collection_factory):
    name = collection_factory({"vectors": {"dot": {"size": 2, "distance": "Dot"},
                                           "l2": {"size": 2, "distance": "Euclid"}}})
    upsert(api, name, [_point(*row) for row in ROWS])
    return name


@pytest.fixture
def owners(api, collection_factory):
    """The lookup collection: points whose ids are group ids of `doc` and `owner`."""
    name = collection_factory({"vectors": {"size": 2, "distance": "Dot"}})
    upsert(api, name, [
        {"id": 7, "vector": [1, 1], "payload": {"title": "seven"}},
        {"id": 3, "vector": [0, 1], "payload": {"title": "three"}},
        {"id": OWNER_UUID, "vector": [1, 0], "payload": {"title": "uuid owner"}},
    ])
    return name


def _groups(api, name, body, route="query"):
    return api.post(f"/collections/{name}/points/{route}/groups", json=body).result["groups"]


def _shape(groups):
    """[(group id, [hit ids])] in answer order."""
    return [(g["id"], [h["id"] for h in g["hits"]]) for g in groups]


def _scores(groups):
    return [[h["score"] for h in g["hits"]] for g in groups]


DOT_QUERY = {"query": [1, 0], "using": "dot", "group_by": "doc"}


def test_groups_ordered_by_best_hit_with_hits_best_first(api, docs):
    groups = _groups(api, docs, {**DOT_QUERY, "limit": 3, "group_size": 2})
    assert _shape(groups) == [("a", [1, 3]), ("b", [2, 5]), (7, [4, 7])]
    assert _scores(groups) == [[10.0, 8.0], [9.0, 6.0], [7.0, 4.0]]
    hit = groups[0]["hits"][0]
    assert hit.get("payload") is None and hit.get("vector") is None  # defaults: neither
    assert "lookup" not in groups[0] or groups[0]["lookup"] is None


def test_limit_counts_groups_and_group_size_counts_hits(api, docs):
    assert _shape(_groups(api, docs, {**DOT_QUERY, "limit": 2, "group_size": 1})) == [
        ("a", [1]), ("b", [2])]
    # Point 10 (doc ["b", 7]) is in both of its groups; 8, 9, 11 and 12 are in none.
    groups = _groups(api, docs, {**DOT_QUERY, "limit": 10, "group_size": 3})
    assert _shape(groups) == [("a", [1, 3, 6]), ("b", [2, 5, 10]), (7, [4, 7, 10])]


def test_defaults_are_ten_groups_of_three(api, docs):
    groups = _groups(api, docs, DOT_QUERY)
    assert _shape(groups) == [("a", [1, 3, 6]), ("b", [2, 5, 10]), (7, [4, 7, 10])]


def test_euclid_groups_rank_smallest_distance_first(api, docs):
    body = {"query": [0, 0], "using": "l2", "group_by": "doc", "limit": 3, "group_size": 2}
    groups = _groups(api, docs, body)
    assert _shape(groups) == [("a", [1, 3]), ("b", [2, 5]), (7, [4, 7])]
    assert _scores(groups) == [[1.0, 3.0], [2.0, 5.0], [4.0, 7.0]]


def test_array_path_uses_each_element(api, docs):
    # `doc[]` reaches only array elements: point 10 alone, in groups "b" and 7.
    groups = _groups(api, docs, {**DOT_QUERY, "group_by": "doc[]", "limit": 5, "group_size": 2})
    assert sorted(_shape(groups), key=str) == sorted([("b", [10]), (7, [10])], key=str)


def test_dotted_key_path(api, docs):
    body = {**DOT_QUERY, "group_by": "meta.lang", "limit": 5, "group_size": 5,
            "with_payload": ["meta"]}
    groups = _groups(api, docs, body)
    assert _shape(groups) == [("en", [1, 3]), ("de", [2])]
    assert groups[0]["hits"][0]["payload"] == {"meta": {"lang": "en"}}


def test_missing_key_gives_no_groups(api, docs):
    assert _groups(api, docs, {**DOT_QUERY, "group_by": "no_such_key"}) == []


def test_filter_and_score_threshold_apply_to_the_hits(api, docs):
    body = {**DOT_QUERY, "limit": 3, "group_size": 2,
            "filter": {"must_not": [{"key": "doc", "match": {"value": "a"}}]}}
    assert _shape(_groups(api, docs, body)) == [("b", [2, 5]), (7, [4, 7])]
    body = {**DOT_QUERY, "limit": 3, "group_size": 2, "score_threshold": 6.5}
    assert _shape(_groups(api, docs, body)) == [("a", [1, 3]), ("b", [2]), (7, [4])]


def test_payload_and_vector_selectors_apply_to_hits(api, docs):
    body = {**DOT_QUERY, "limit": 2, "group_size": 1, "with_payload": ["doc"],
            "with_vector": ["dot"], "params": {"exact": True}}
    hit = _groups(api, docs, body)[0]["hits"][0]
    assert hit["id"] == 1
    assert hit["payload"] == {"doc": "a"}
    assert hit["vector"] == {"dot": [10.0, 0.0]}


def test_prefetch_candidates_are_grouped(api, docs):
    body = {"prefetch": {"query": [0, 0], "using": "l2", "limit": 4},
            "query": [1, 0], "using": "dot", "group_by": "doc", "limit": 3, "group_size": 2}
    assert _shape(_groups(api, docs, body)) == [("a", [1, 3]), ("b", [2, 5]), (7, [4, 7])]


def test_recommend_query_groups(api, docs):
    # average_vector of point 1 is [10, 0]; point 1 itself is not a result.
    body = {"query": {"recommend": {"positive": [1]}}, "using": "dot", "group_by": "doc",
            "limit": 3, "group_size": 2}
    groups = _groups(api, docs, body)
    assert _shape(groups) == [("b", [2, 5]), ("a", [3, 6]), (7, [4, 7])]


def test_huge_limits_end_with_every_group(api, docs):
    body = {**DOT_QUERY, "limit": 1000, "group_size": 1000}
    groups = _groups(api, docs, body)
    assert _shape(groups) == [("a", [1, 3, 6]), ("b", [2, 5, 10]), (7, [4, 7, 10])]


def test_lookup_by_collection_name(api, docs, owners):
    groups = _groups(api, docs, {**DOT_QUERY, "limit": 3, "group_size": 1,
                                 "with_lookup": owners})
    by_id = {g["id"]: g for g in groups}
    assert by_id[7]["lookup"]["id"] == 7
    assert by_id[7]["lookup"]["payload"] == {"title": "seven"}
    assert by_id[7]["lookup"].get("vector") is None
    # "a" and "b" are no point ids: no lookup.
    assert by_id["a"].get("lookup") is None and by_id["b"].get("lookup") is None


def test_lookup_with_selectors_and_uuid_group_ids(api, docs, owners):
    body = {**DOT_QUERY, "group_by": "owner", "limit": 5, "group_size": 5,
            "with_lookup": {"collection": owners, "with_payload": False, "with_vectors": True}}
    groups = _groups(api, docs, body)
    assert _shape(groups) == [(OWNER_UUID, [1, 2]), (3, [3])]
    assert groups[0]["lookup"]["id"] == OWNER_UUID
    assert groups[0]["lookup"].get("payload") is None
    assert groups[0]["lookup"]["vector"] == [1.0, 0.0]
    assert groups[1]["lookup"]["id"] == 3 and groups[1]["lookup"]["vector"] == [0.0, 1.0]


def test_lookup_in_unknown_collection_is_404(api, docs):
    response = api.post(f"/collections/{docs}/points/query/groups",
                        json={**DOT_QUERY, "with_lookup": "groups_no_such_lookup"}).expect(404)
    assert response.error == "Not found: Collection groups_no_such_lookup not found"


def test_legacy_search_groups(api, docs):
    body = {"vector": {"name": "dot", "vector": [1, 0]}, "group_by": "doc", "limit": 3,
            "group_size": 2, "with_payload": True}
    groups = _groups(api, docs, body, route="search")
    assert _shape(groups) == [("a", [1, 3]), ("b", [2, 5]), (7, [4, 7])]
    assert _scores(groups) == [[10.0, 8.0], [9.0, 6.0], [7.0, 4.0]]
    assert groups[2]["hits"][0]["payload"]["doc"] == 7


def test_legacy_recommend_groups_with_lookup(api, docs, owners):
    body = {"positive": [1], "using": "dot", "group_by": "doc", "limit": 3, "group_size": 2,
            "with_lookup": {"collection": owners}}
    groups = _groups(api, docs, body, route="recommend")
    assert _shape(groups) == [("b", [2, 5]), ("a", [3, 6]), (7, [4, 7])]
    assert groups[2]["lookup"]["payload"] == {"title": "seven"}


def test_missing_or_invalid_group_by_is_400(api, docs):
    response = api.post(f"/collections/{docs}/points/query/groups",
                        json={"query": [1, 0], "using": "dot"}).expect(400)
    assert response.error.startswith("Format error in JSON body: ")
    assert "missing field `group_by`" in response.error
    response = api.post(f"/collections/{docs}/points/query/groups",
                        json={**DOT_QUERY, "group_by": "doc["}).expect(400)
    assert "Invalid json path: 'doc['" in response.error


def test_zero_limit_or_group_size_is_422(api, docs):
    response = api.post(f"/collections/{docs}/points/query/groups",
                        json={**DOT_QUERY, "limit": 0}).expect(422)
    assert response.error.startswith("Validation error in JSON body: [")
    assert "limit: value 0 invalid, must be 1 or larger" in response.error
    body = {"vector": {"name": "dot", "vector": [1, 0]}, "group_by": "doc", "limit": 3,
            "group_size": 0}
    response = api.post(f"/collections/{docs}/points/search/groups", json=body).expect(422)
    assert "group_size: value 0 invalid, must be 1 or larger" in response.error


def test_legacy_recommend_groups_does_not_validate_the_counts(api, docs):
    # Qdrant validates limit/group_size >= 1 on query and search groups, not on recommend
    # groups: there a 0 simply finds no group.
    body = {"positive": [1], "using": "dot", "group_by": "doc", "limit": 0, "group_size": 2}
    assert _groups(api, docs, body, route="recommend") == []


def test_legacy_search_groups_requires_group_size(api, docs):
    body = {"vector": {"name": "dot", "vector": [1, 0]}, "group_by": "doc", "limit": 3}
    response = api.post(f"/collections/{docs}/points/search/groups", json=body).expect(400)
    assert "missing field `group_size`" in response.error


def test_unknown_collection_is_404(api):
    response = api.post("/collections/groups_no_such_collection/points/query/groups",
                        json={"query": [1, 0], "group_by": "doc"}).expect(404)
    assert "groups_no_such_collection" in response.error


def test_unknown_vector_name_is_400(api, docs):
    # The group driver asks the distance of the vector first (Qdrant's missing_vector_error).
    response = api.post(f"/collections/{docs}/points/query/groups",
                        json={**DOT_QUERY, "using": "nope"}).expect(400)
    # Grouping a raw vector query looks the name up in the configuration, which lists its names.
    assert response.error == ("Wrong input: Vector with name `nope` is not configured in this "
                              "collection, available names: dot, l2")
    response = api.post(f"/collections/{docs}/points/query/groups",
                        json={k: v for k, v in DOT_QUERY.items() if k != "using"}).expect(400)
    assert response.error == ("Wrong input: Collection requires specified vector name in the "
                              "request, available names: dot, l2")


@pytest.fixture
def client(make_qdrant_client):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        qdrant = make_qdrant_client(timeout=30)
    yield qdrant
    qdrant.close()


def test_python_client_query_points_groups(client, docs, owners):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        result = client.query_points_groups(docs, group_by="doc", query=[1.0, 0.0], using="dot",
                                            limit=3, group_size=2, with_lookup=owners)
    assert [(g.id, [h.id for h in g.hits]) for g in result.groups] == [
        ("a", [1, 3]), ("b", [2, 5]), (7, [4, 7])]
    assert result.groups[0].hits[0].payload == {"n": 1, "doc": "a", "meta": {"lang": "en"},
                                                "owner": OWNER_UUID}
    assert result.groups[2].lookup.payload == {"title": "seven"}
    assert result.groups[0].lookup is None


def test_python_client_query_points_groups_with_filter(client, docs):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        result = client.query_points_groups(
            docs, group_by="doc", query=[0.0, 0.0], using="l2", limit=2, group_size=3,
            query_filter=models.Filter(must_not=[
                models.FieldCondition(key="doc", match=models.MatchValue(value="a"))]),
            with_payload=False)
    assert [(g.id, [h.id for h in g.hits]) for g in result.groups] == [
        ("b", [2, 5, 10]), (7, [4, 7, 10])]
    assert result.groups[0].hits[0].payload is None


JWT_KEY = "groups-jwt-secret-key"


def _jwt(claims: dict) -> str:
    def b64(raw: bytes) -> str:
        return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()

    head = b64(json.dumps({"alg": "HS256", "typ": "JWT"}).encode())
    body = b64(json.dumps(claims).encode())
    signature = hmac.new(JWT_KEY.encode(), f"{head}.{body}".encode(), hashlib.sha256).digest()
    return f"{head}.{body}.{b64(signature)}"


@pytest.mark.owns_server
def test_lookup_collection_needs_jwt_access():
    process = ServerProcess(extra_env={"QDRANT__SERVICE__API_KEY": JWT_KEY,
                                       "QDRANT__SERVICE__JWT_RBAC": "true"}).start()
    try:
        def call(path, body, key=JWT_KEY):
            return requests.post(process.url + path, json=body, timeout=30,
                                 headers={"Authorization": f"Bearer {key}"})

        for name in ("groups_tenant", "groups_private"):
            assert requests.put(f"{process.url}/collections/{name}", timeout=30,
                                headers={"api-key": JWT_KEY},
                                json={"vectors": {"size": 2, "distance": "Dot"}}).ok
        token = _jwt({"access": [{"collection": "groups_tenant", "access": "r"}]})
        body = {"query": [1, 0], "group_by": "doc", "with_lookup": "groups_private"}
        response = call("/collections/groups_tenant/points/query/groups", body, token)
        assert response.status_code == 403
        assert response.json()["status"]["error"] == (
            "Forbidden: Access to collection groups_private is required")
        body["with_lookup"] = "groups_tenant"
        response = call("/collections/groups_tenant/points/query/groups", body, token)
        assert response.status_code == 200 and response.json()["result"] == {"groups": []}
    finally:
        process.cleanup()
