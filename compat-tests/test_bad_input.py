"""Hostile and malformed requests: a clear 4xx, no crash, nothing written.

Covers what fuzzing and limits are about at the HTTP level: bodies over max_request_size_mb,
JSON nested deeper than any parser limit, huge and negative `limit`, floats that overflow f32,
wrong JSON types for ids, vectors and parameters, truncated JSON, oversized vector dimensions.
After each rejected write the collection still holds exactly what it held before, and the
server still answers. Only status codes and messages Qdrant 1.19 itself gives are asserted;
what Qdrant does differently or undocumented is marked sextant_only.
"""

from __future__ import annotations

import json

import pytest

VECTOR = [0.1, 0.2, 0.3, 0.4]
DEFAULT_MAX_REQUEST_BYTES = 32 * 1024 * 1024  # service.max_request_size_mb default


@pytest.fixture
def seeded(api, collection_factory):
    name = collection_factory({"vectors": {"size": 4, "distance": "Cosine"}})
    api.put(f"/collections/{name}/points?wait=true", json={"points": [
        {"id": 1, "vector": VECTOR, "payload": {"city": "Oslo"}},
        {"id": 2, "vector": [0.4, 0.3, 0.2, 0.1], "payload": {"city": "Rome"}}]}).expect(200)
    return name


def stored_points(api, name):
    page = api.post(f"/collections/{name}/points/scroll",
                    json={"limit": 100, "with_payload": True, "with_vector": True}).result
    return page["points"]


def raw_post(api, method, path, text: str | bytes):
    return api.request(method, path, data=text, headers={"Content-Type": "application/json"},
                       validate=False)


def assert_alive(api):
    assert api.get("/healthz", validate=False).status == 200


def test_body_over_max_request_size_is_rejected_and_writes_nothing(api, seeded):
    before = stored_points(api, seeded)
    filler = "x" * (DEFAULT_MAX_REQUEST_BYTES + 1024)
    body = json.dumps({"points": [{"id": 3, "vector": VECTOR, "payload": {"blob": filler}}]})
    response = raw_post(api, "PUT", f"/collections/{seeded}/points?wait=true", body)
    assert response.status in (400, 413), response.text[:300]
    if response.status == 400:  # Qdrant: its JSON extractor's limit error
        assert "larger than allowed" in response.error or "exceeded limit" in response.error
    assert stored_points(api, seeded) == before
    assert_alive(api)


@pytest.mark.parametrize("depth", [300, 5000])
def test_deeply_nested_payload_is_rejected_and_writes_nothing(api, seeded, depth):
    before = stored_points(api, seeded)
    nested = '{"a":' * depth + "1" + "}" * depth
    body = ('{"points":[{"id":3,"vector":[0.1,0.2,0.3,0.4],"payload":{"deep":' + nested
            + "}}]}")
    response = raw_post(api, "PUT", f"/collections/{seeded}/points?wait=true", body)
    assert response.status == 400, response.text[:300]
    assert response.error.startswith("Format error in JSON body:")
    assert stored_points(api, seeded) == before
    assert_alive(api)


def test_deeply_nested_filter_is_rejected(api, seeded):
    depth = 400
    nested = '{"must":[' * depth + '{"key":"city","match":{"value":"Oslo"}}' + "]}" * depth
    response = raw_post(api, "POST", f"/collections/{seeded}/points/scroll",
                        '{"filter":' + nested + "}")
    assert response.status == 400, response.text[:300]
    assert response.error.startswith("Format error in JSON body:")
    assert_alive(api)


def test_deeply_nested_arrays_in_vector_are_rejected(api, seeded):
    before = stored_points(api, seeded)
    body = '{"points":[{"id":3,"vector":' + "[" * 10000 + "]" * 10000 + "}]}"
    response = raw_post(api, "PUT", f"/collections/{seeded}/points?wait=true", body)
    assert response.status == 400, response.text[:300]
    assert stored_points(api, seeded) == before
    assert_alive(api)


def test_huge_limit_returns_what_exists_or_is_refused(api, seeded):
    """A limit far beyond the data must neither crash nor allocate for the limit: either the
    points that exist come back, or a clear 4xx refuses the limit."""
    for path, body in [("points/query", {"query": VECTOR, "limit": 10**15}),
                       ("points/scroll", {"limit": 10**15}),
                       ("points/query", {"query": VECTOR, "limit": 10**15, "offset": 10**15})]:
        response = api.post(f"/collections/{seeded}/{path}", json=body, validate=False)
        assert response.status == 200 or 400 <= response.status < 500, response.text[:300]
        if response.status == 200:
            assert len(response.result["points"]) <= 2
        else:
            assert response.error
    assert_alive(api)


@pytest.mark.parametrize("limit", [-1, 2**64, "ten", 1.5, None])
def test_invalid_limit_is_a_format_error(api, seeded, limit):
    body = json.dumps({"query": VECTOR, "limit": limit}) if limit is not None else (
        '{"query":[0.1,0.2,0.3,0.4],"limit":}')
    response = raw_post(api, "POST", f"/collections/{seeded}/points/query", body)
    assert response.status == 400, response.text[:300]
    assert response.error.startswith("Format error in JSON body:")
    assert_alive(api)


@pytest.mark.parametrize("vector_text", ["[1e39,0.1,0.2,0.3]", "[0.1,-1e39,0.2,0.3]",
                                         "[0.1,0.2,0.3,1e400]"])
@pytest.mark.sextant_only
def test_float_overflowing_f32_is_rejected_and_writes_nothing(api, seeded, vector_text):
    before = stored_points(api, seeded)
    body = '{"points":[{"id":3,"vector":' + vector_text + "}]}"
    response = raw_post(api, "PUT", f"/collections/{seeded}/points?wait=true", body)
    assert 400 <= response.status < 500, response.text[:300]
    assert stored_points(api, seeded) == before
    query = raw_post(api, "POST", f"/collections/{seeded}/points/query",
                     '{"query":' + vector_text + "}")
    assert 400 <= query.status < 500, query.text[:300]
    assert_alive(api)


@pytest.mark.parametrize("literal", ["NaN", "Infinity", "-Infinity"])
def test_non_json_float_literals_are_a_format_error(api, seeded, literal):
    before = stored_points(api, seeded)
    body = '{"points":[{"id":3,"vector":[' + literal + ",0.1,0.2,0.3]}]}"
    response = raw_post(api, "PUT", f"/collections/{seeded}/points?wait=true", body)
    assert response.status == 400, response.text[:300]
    assert response.error.startswith("Format error in JSON body:")
    assert stored_points(api, seeded) == before


@pytest.mark.parametrize("point", [
    {"id": 1.5, "vector": VECTOR},
    {"id": -3, "vector": VECTOR},
    {"id": "not-a-uuid", "vector": VECTOR},
    {"id": True, "vector": VECTOR},
    {"id": 3, "vector": "0.1,0.2,0.3,0.4"},
    {"id": 3, "vector": [0.1, "0.2", 0.3, 0.4]},
    {"id": 3, "vector": VECTOR, "payload": [1, 2]},
    {"id": 3},
], ids=["float-id", "negative-id", "bad-uuid", "bool-id", "string-vector", "string-element",
        "array-payload", "missing-vector"])
def test_wrong_types_in_points_are_rejected_and_write_nothing(api, seeded, point):
    before = stored_points(api, seeded)
    good = {"id": 4, "vector": VECTOR}
    response = api.put(f"/collections/{seeded}/points?wait=true",
                       json={"points": [good, point]}, validate=False)
    assert 400 <= response.status < 500, response.text[:300]
    assert response.error
    assert stored_points(api, seeded) == before, "a rejected batch must not be half applied"


@pytest.mark.parametrize("vector", [[0.1, 0.2, 0.3], [0.1] * 5, []])
def test_wrong_dimension_is_rejected_and_writes_nothing(api, seeded, vector):
    before = stored_points(api, seeded)
    response = api.put(f"/collections/{seeded}/points?wait=true",
                       json={"points": [{"id": 4, "vector": VECTOR},
                                        {"id": 5, "vector": vector}]}, validate=False)
    assert 400 <= response.status < 500, response.text[:300]
    assert stored_points(api, seeded) == before


@pytest.mark.parametrize("text", ['{"points":[{"id":3,"vector":[0.1,0.2', "", "null", "[]",
                                  '{"points":[{"id":3,"vector":[0.1,0.2,0.3,0.4]}]}garbage',
                                  '\xff\xfe{"points"'])
def test_malformed_json_body_is_a_400(api, seeded, text):
    before = stored_points(api, seeded)
    response = raw_post(api, "PUT", f"/collections/{seeded}/points?wait=true",
                        text.encode("latin-1"))
    assert response.status == 400, response.text[:300]
    assert stored_points(api, seeded) == before
    assert_alive(api)


def test_wrong_filter_types_are_4xx(api, seeded):
    for flt in [{"must": {"key": "city"}}, {"must": [{"key": 5, "match": {"value": "x"}}]},
                {"must": [{"key": "n", "range": {"gt": "ten"}}]}, {"should": "everything"},
                {"must": [{"has_id": ["not-a-uuid"]}]}]:
        response = api.post(f"/collections/{seeded}/points/scroll", json={"filter": flt},
                            validate=False)
        assert 400 <= response.status < 500, (flt, response.text[:300])
    assert_alive(api)


def test_vector_size_over_65536_is_rejected(api, collection_name):
    response = api.put(f"/collections/{collection_name}",
                       json={"vectors": {"size": 65537, "distance": "Dot"}}, validate=False)
    assert 400 <= response.status < 500, response.text[:300]
    assert api.get(f"/collections/{collection_name}/exists").result == {"exists": False}


def test_query_vector_of_wrong_dimension_is_4xx(api, seeded):
    response = api.post(f"/collections/{seeded}/points/query", json={"query": [0.1] * 5},
                        validate=False)
    assert 400 <= response.status < 500, response.text[:300]
