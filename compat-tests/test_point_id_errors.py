"""Point ids that are neither an unsigned integer nor a UUID, wherever a body carries one.

Qdrant 1.19 answers 400 with "value <v> is not a valid point ID, valid values are either an
unsigned integer or a UUID" (the text users search for), and a bad id in the path of
GET /points/{id} with 400 "Can not recognize "<id>" as point id".
"""

import pytest

from support.client_errors import client_refusal
from support.points import WAIT, upsert

TEXT = "is not a valid point ID, valid values are either an unsigned integer or a UUID"


@pytest.fixture
def small(api, collection_factory):
    name = collection_factory({"vectors": {"size": 2, "distance": "Dot"}})
    upsert(api, name, [{"id": 1, "vector": [1.0, 0.0]}])
    return name


@pytest.mark.parametrize("bad_id, shown", [("abc123", "abc123"), (-5, "-5"), (1.5, "1.5")])
def test_upsert_with_invalid_id(api, small, bad_id, shown):
    body = {"points": [{"id": bad_id, "vector": [1.0, 0.0]}]}
    response = api.put(f"/collections/{small}/points", json=body, params=WAIT)
    assert response.status == 400
    assert f"value {shown} {TEXT}" in response.error


@pytest.mark.parametrize("method, route, body", [
    ("post", "points", {"ids": [1, "abc123"]}),
    ("post", "points/scroll", {"offset": "abc123"}),
    ("post", "points/vectors/delete", {"points": ["abc123"], "vector": [""]}),
    ("post", "points/payload", {"payload": {"a": 1}, "points": ["abc123"]}),
])
def test_invalid_id_in_request_bodies(api, small, method, route, body):
    response = getattr(api, method)(f"/collections/{small}/{route}", json=body, params=WAIT)
    assert response.status == 400
    assert f"value abc123 {TEXT}" in response.error


@pytest.mark.parametrize("route", ["points/delete", "points/payload/clear"])
def test_invalid_id_in_a_points_selector_names_the_selector(api, small, route):
    # The selector is {points} or {filter}; an id that is not one fails both forms.
    response = api.post(f"/collections/{small}/{route}", json={"points": ["abc123"]}, params=WAIT)
    assert response.status == 400
    assert response.error == ("Format error in JSON body: data did not match any variant of "
                              "untagged enum PointsSelector")


def test_invalid_id_in_path(api, small):
    response = api.get(f"/collections/{small}/points/abc123")
    assert response.status == 400
    assert 'Can not recognize "abc123" as point id' in response.error


def test_python_client_sees_the_text(api, small, make_qdrant_client, client_wire):
    client = make_qdrant_client()
    with client_refusal(client_wire, 400) as refusal:
        client.retrieve(small, ids=["abc123"])
    # gRPC carries a string id as a UUID field, so there the text is the UUID parser's.
    expected = TEXT if client_wire == "rest" else "Unable to parse UUID: abc123"
    assert expected in refusal.message
