"""API-key auth: a second server instance started with service.api_key and read_only_api_key.

Qdrant answers a missing or wrong key with a plain-text 401 (outside its own spec, hence
validate=False on those calls) and a write with the read-only key with a JSON 403.
"""

import pytest

from support.api_client import ApiClient
from support.server_process import ServerProcess

pytestmark = pytest.mark.owns_server

FULL_KEY = "compat-full-access-key"
READ_ONLY_KEY = "compat-read-only-key"
NEW_COLLECTION = {"vectors": {"size": 2, "distance": "Dot"}}


@pytest.fixture(scope="module")
def secured_server():
    process = ServerProcess(
        extra_env={
            "QDRANT__SERVICE__API_KEY": FULL_KEY,
            "QDRANT__SERVICE__READ_ONLY_API_KEY": READ_ONLY_KEY,
        }
    )
    process.start()
    try:
        yield process
    finally:
        process.cleanup()


@pytest.fixture(scope="module")
def admin(secured_server):
    client = ApiClient(secured_server.url, FULL_KEY)
    client.put("/collections/secured", json=NEW_COLLECTION).expect(200)
    return client


def test_request_without_key_is_401(secured_server, admin):
    anonymous = ApiClient(secured_server.url)
    response = anonymous.get("/collections", validate=False)
    assert response.status == 401
    assert response.text == "Must provide an API key or an Authorization bearer token"


def test_request_with_wrong_key_is_401(secured_server, admin):
    response = ApiClient(secured_server.url, "not-the-key").get("/collections", validate=False)
    assert response.status == 401
    assert response.text == "Invalid API key or JWT"


def test_full_key_via_api_key_header_reads_and_writes(admin):
    names = [c["name"] for c in admin.get("/collections").result["collections"]]
    assert "secured" in names
    admin.put("/collections/secured_writable", json=NEW_COLLECTION).expect(200)
    assert admin.delete("/collections/secured_writable").result is True


def test_full_key_via_bearer_token(secured_server, admin):
    client = ApiClient(secured_server.url)
    headers = {"Authorization": f"Bearer {FULL_KEY}"}
    assert client.get("/collections/secured", headers=headers).result["status"] == "green"


def test_read_only_key_reads(secured_server, admin):
    reader = ApiClient(secured_server.url, READ_ONLY_KEY)
    assert reader.get("/collections/secured").result["points_count"] == 0
    assert reader.post("/collections/secured/points/count", json={}).result == {"count": 0}


def test_read_only_key_cannot_create_collection(secured_server, admin):
    reader = ApiClient(secured_server.url, READ_ONLY_KEY)
    response = reader.put("/collections/secured_denied", json=NEW_COLLECTION).expect(403)
    assert response.error.startswith("Forbidden: ")
    assert admin.get("/collections/secured_denied/exists").result == {"exists": False}


def test_read_only_key_cannot_write_points(secured_server, admin):
    reader = ApiClient(secured_server.url, READ_ONLY_KEY)
    points = {"points": [{"id": 1, "vector": [1.0, 2.0]}]}
    response = reader.put("/collections/secured/points", json=points).expect(403)
    assert response.error.startswith("Forbidden: ")
    assert admin.post("/collections/secured/points/count", json={}).result == {"count": 0}


def test_read_only_key_cannot_delete_collection(secured_server, admin):
    reader = ApiClient(secured_server.url, READ_ONLY_KEY)
    reader.delete("/collections/secured").expect(403)
    admin.get("/collections/secured").expect(200)


@pytest.mark.parametrize("route", ["/", "/healthz", "/livez", "/readyz"])
def test_health_and_root_routes_need_no_key(secured_server, route):
    response = ApiClient(secured_server.url).get(route)
    assert response.status == 200
