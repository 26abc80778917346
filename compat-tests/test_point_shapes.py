"""The JSON shape of points in answers, as Qdrant 1.19 writes them.

A Record (retrieve, scroll) is `id`, then `payload` and `vector` only when asked for; a
ScoredPoint (search, query, groups) is `id`, `version`, `score`, then the same optional parts.
Parts not asked for are left out rather than written as null, a requested payload of a point
without one is `{}`, and POST /points (retrieve by ids) leaves the payload out unless asked.
"""

import pytest

from support.points import WAIT, upsert


@pytest.fixture
def points(api, collection_factory):
    name = collection_factory({"vectors": {"size": 2, "distance": "Dot"}})
    upsert(api, name, [{"id": 1, "vector": [1.0, 2.0], "payload": {"a": 1}},
                       {"id": 2, "vector": [1.0, 0.0]}])
    return name


def test_retrieve_leaves_the_payload_out_unless_asked(api, points):
    plain = api.post(f"/collections/{points}/points", json={"ids": [1]}).result
    assert plain == [{"id": 1}]
    asked = api.post(f"/collections/{points}/points",
                     json={"ids": [1, 2], "with_payload": True, "with_vector": True}).result
    assert asked == [{"id": 1, "payload": {"a": 1}, "vector": [1.0, 2.0]},
                     {"id": 2, "payload": {}, "vector": [1.0, 0.0]}]


def test_get_point_by_id_has_payload_and_vector(api, points):
    point = api.get(f"/collections/{points}/points/2").result
    assert point == {"id": 2, "payload": {}, "vector": [1.0, 0.0]}


def test_scroll_records_carry_payload_by_default_and_no_nulls(api, points):
    records = api.post(f"/collections/{points}/points/scroll", json={}).result["points"]
    assert records == [{"id": 1, "payload": {"a": 1}}, {"id": 2, "payload": {}}]
    bare = api.post(f"/collections/{points}/points/scroll",
                    json={"with_payload": False}).result["points"]
    assert bare == [{"id": 1}, {"id": 2}]


def test_scored_points_list_id_version_score_then_what_was_asked(api, points):
    hits = api.post(f"/collections/{points}/points/query", json={"query": [1, 1]}).result["points"]
    assert [list(hit) for hit in hits] == [["id", "version", "score"]] * 2
    assert [(hit["id"], hit["score"]) for hit in hits] == [(1, 3.0), (2, 1.0)]
    full = api.post(f"/collections/{points}/points/query",
                    json={"query": [1, 1], "with_payload": ["zz"], "with_vector": True})
    assert [list(hit) for hit in full.result["points"]] == [
        ["id", "version", "score", "payload", "vector"]] * 2
    assert [hit["payload"] for hit in full.result["points"]] == [{}, {}]
    legacy = api.post(f"/collections/{points}/points/search",
                      json={"vector": [1, 1], "limit": 1}).result
    assert [list(hit) for hit in legacy] == [["id", "version", "score"]]


def test_unknown_write_ordering_is_refused(api, points):
    body = {"points": [{"id": 3, "vector": [0.0, 1.0]}]}
    response = api.put(f"/collections/{points}/points", json=body,
                       params={"wait": "true", "ordering": "bad"})
    assert response.status == 400
    assert response.error == ("Deserialize error in query parameters: unknown variant `bad`, "
                              "expected one of `weak`, `medium`, `strong`")
    for ordering in ("weak", "medium", "strong"):
        api.put(f"/collections/{points}/points", json=body,
                params={"wait": "true", "ordering": ordering}).expect(200)


READS = [("get", "/points/1", None), ("post", "/points", {"ids": [1]}),
         ("post", "/points/scroll", {}), ("post", "/points/count", {}),
         ("post", "/points/query", {"query": [1, 1]}),
         ("post", "/points/search", {"vector": [1, 1], "limit": 1}),
         ("post", "/facet", {"key": "a"})]


@pytest.mark.parametrize("method,route,body", READS)
def test_read_consistency_is_a_replica_count_or_a_named_level(api, points, method, route, body):
    for level in ("all", "majority", "quorum", "1", "3"):
        if route == "/facet":
            break  # a facet needs an index on its key; the bad values below need none
        response = getattr(api, method)(f"/collections/{points}{route}", json=body,
                                        params={"consistency": level})
        assert response.status == 200, (level, response.error)
    for bad in ("0", "-1", "bogus", "1.5"):
        response = getattr(api, method)(f"/collections/{points}{route}", json=body,
                                        params={"consistency": bad})
        assert response.status == 400
        assert response.error == ("Deserialize error in query parameters: failed to deserialize "
                                  f"read consistency query parameter value '{bad}'")


def test_writes_ignore_a_consistency_parameter(api, points):
    api.put(f"/collections/{points}/points", json={"points": [{"id": 5, "vector": [1.0, 1.0]}]},
            params={"wait": "true", "consistency": "bogus"}).expect(200)


@pytest.mark.parametrize("body", [{"points": []}, {"batch": {"ids": [], "vectors": []}}])
def test_empty_upsert_is_refused(api, points, body):
    response = api.put(f"/collections/{points}/points", json=body, params=WAIT)
    assert response.status == 400
    assert response.error == "Bad request: Empty update request"


@pytest.mark.parametrize("method, route, body", [
    ("post", "points/delete", {"points": []}),
    ("post", "points/payload", {"payload": {"a": 2}, "points": []}),
    ("put", "points/payload", {"payload": {"a": 2}, "points": []}),
    ("post", "points/payload/delete", {"keys": ["a"], "points": []}),
    ("post", "points/payload/clear", {"points": []}),
    ("post", "points/vectors/delete", {"points": [], "vector": [""]}),
])
def test_an_empty_list_of_points_is_refused(api, points, method, route, body):
    response = getattr(api, method)(f"/collections/{points}/{route}", json=body, params=WAIT)
    assert response.status == 400
    assert response.error == "Bad request: Empty update request"
    assert api.post(f"/collections/{points}/points/count", json={}).result["count"] == 2


def test_updating_vectors_of_no_points_is_a_validation_error(api, points):
    response = api.put(f"/collections/{points}/points/vectors", json={"points": []}, params=WAIT)
    assert response.status == 422
    assert response.error == "Validation error in JSON body: [points: must specify points to update]"


def test_a_filter_that_matches_nothing_is_still_a_request(api, points):
    nothing = {"must": [{"key": "a", "match": {"value": 99}}]}
    api.post(f"/collections/{points}/points/delete", json={"filter": nothing}, params=WAIT).expect(200)
    api.post(f"/collections/{points}/points/payload", json={"payload": {"b": 1}, "filter": nothing},
             params=WAIT).expect(200)


def test_faceting_an_unindexed_key_is_wrong_input(api, points):
    response = api.post(f"/collections/{points}/facet", json={"key": "a"})
    assert response.status == 400
    assert response.error.startswith("Wrong input: No appropriate index for faceting: `a`.")


@pytest.mark.parametrize("body", [{"limit": 3}, {"limit": 3, "context": []}])
def test_legacy_discover_needs_a_target_or_context(api, points, body):
    response = api.post(f"/collections/{points}/points/discover", json=body)
    assert response.status == 400
    assert response.error == "Bad request: target and/or context_pairs must be specified"
