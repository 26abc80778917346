"""Every route of the 1.19 API (plus the legacy 1.18 search routes) under API-key auth and JWT RBAC.

A second server runs with service.api_key, read_only_api_key and jwt_rbac. For each method and
path of the OpenAPI spec:
- no key            -> 401 "Must provide an API key or an Authorization bearer token";
- a wrong key       -> 401 "Invalid API key or JWT";
- the read-only key -> 403 on every write or management route (with a valid body, so the refusal
                       is the access check and not body validation), never 401/403 on a read route;
and nothing a refused request asked for happened. Only "/", /healthz, /livez and /readyz are open.

JWT RBAC (HS256 tokens signed with the api key, as Qdrant's service.jwt_rbac): a global "r" token
reads but cannot write; a per-collection token reads (or writes, with "rw") its own collection
only, so one tenant cannot see another's; expired or forged tokens are refused. Snapshot routes
answer each kind of token (per-collection r / rw / prw, global r / m) as Qdrant's access
requirements do.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import http.client
import json
import re
import time
from pathlib import Path

import pytest
import requests

from support.server_process import ServerProcess

pytestmark = pytest.mark.owns_server

FULL_KEY = "routes-full-access-key"
READ_ONLY_KEY = "routes-read-only-key"
TARGET = "auth_routes_target"
OTHER = "auth_routes_other"
SPEC_DIR = Path(__file__).resolve().parent / "specs"
OPEN_ROUTES = {"/", "/healthz", "/livez", "/readyz"}
NO_KEY_TEXT = "Must provide an API key or an Authorization bearer token"
WRONG_KEY_TEXT = "Invalid API key or JWT"

# Legacy read routes (1.18 spec) that existing applications still call.
LEGACY_READ_ROUTES = [
    ("POST", "/collections/{collection_name}/points/search"),
    ("POST", "/collections/{collection_name}/points/search/batch"),
    ("POST", "/collections/{collection_name}/points/search/groups"),
    ("POST", "/collections/{collection_name}/points/recommend"),
    ("POST", "/collections/{collection_name}/points/discover"),
]

# POST routes that only read; every other POST, and every PUT/PATCH/DELETE, writes or manages.
READ_POST_SUFFIXES = ("/points", "/points/scroll", "/points/count", "/facet", "/points/query",
                      "/points/query/batch", "/points/query/groups", "/points/search/matrix/pairs",
                      "/points/search/matrix/offsets", "/points/search", "/points/search/batch",
                      "/points/search/groups", "/points/recommend", "/points/discover")

# Distributed-mode routes (shards, peers, replicas, quotas). A single-node server may not serve
# them at all: for the read-only key a 404 is then as safe as Qdrant's 403 (nothing is done),
# and the no-key / wrong-key answers are still checked like every other route.
CLUSTER_ONLY = {
    ("PUT", "/collections/{collection_name}/shards"),
    ("POST", "/collections/{collection_name}/shards/delete"),
    ("POST", "/cluster/recover"),
    ("DELETE", "/cluster/peer/{peer_id}"),
    ("PUT", "/quotas"),
    ("POST", "/collections/{collection_name}/cluster"),
}

PATH_VALUES = {"collection_name": TARGET, "id": "1", "field_name": "city", "vector_name": "extra",
               "snapshot_name": "missing.snapshot", "shard_id": "0", "peer_id": "1"}

VECTOR = [0.1, 0.2]
# Valid bodies for write routes: a server that validates the body before checking access (as
# Qdrant's JSON extractors do) must still reach the access check.
WRITE_BODIES = {
    ("PUT", "/collections/{collection_name}"): {"vectors": {"size": 2, "distance": "Dot"}},
    ("PATCH", "/collections/{collection_name}"): {"optimizers_config": {"indexing_threshold": 1}},
    ("POST", "/collections/aliases"): {"actions": [
        {"create_alias": {"collection_name": TARGET, "alias_name": "auth_routes_alias"}}]},
    ("PUT", "/collections/{collection_name}/index"): {"field_name": "city",
                                                      "field_schema": "keyword"},
    ("PUT", "/collections/{collection_name}/vectors/{vector_name}"): {"size": 2,
                                                                      "distance": "Dot"},
    ("PUT", "/collections/{collection_name}/points"): {
        "points": [{"id": 99, "vector": VECTOR, "payload": {"city": "Oslo"}}]},
    ("POST", "/collections/{collection_name}/points/delete"): {"points": [1]},
    ("PUT", "/collections/{collection_name}/points/vectors"): {
        "points": [{"id": 1, "vector": VECTOR}]},
    ("POST", "/collections/{collection_name}/points/vectors/delete"): {"points": [1],
                                                                       "vector": [""]},
    ("POST", "/collections/{collection_name}/points/payload"): {"payload": {"city": "Rome"},
                                                                "points": [1]},
    ("PUT", "/collections/{collection_name}/points/payload"): {"payload": {"city": "Rome"},
                                                               "points": [1]},
    ("POST", "/collections/{collection_name}/points/payload/delete"): {"keys": ["city"],
                                                                       "points": [1]},
    ("POST", "/collections/{collection_name}/points/payload/clear"): {"points": [1]},
    ("POST", "/collections/{collection_name}/points/batch"): {"operations": [
        {"delete": {"points": [1]}}]},
    ("PUT", "/collections/{collection_name}/snapshots/recover"): {
        "location": "file:///nonexistent/missing.snapshot"},
    ("PUT", "/collections/{collection_name}/shards/{shard_id}/snapshots/recover"): {
        "location": "file:///nonexistent/missing.snapshot"},
    ("PUT", "/collections/{collection_name}/shards"): {"shard_key": "k"},
    ("POST", "/collections/{collection_name}/shards/delete"): {"shard_key": "k"},
    ("POST", "/collections/{collection_name}/cluster"): {"drop_replica": {"shard_id": 0,
                                                                          "peer_id": 1}},
    ("PUT", "/quotas"): {},
}
READ_BODIES = {
    "/points": {"ids": [1]},
    "/points/scroll": {"limit": 1},
    "/points/count": {},
    "/facet": {"key": "city"},
    "/points/query": {"query": VECTOR},
    "/points/query/batch": {"searches": [{"query": VECTOR}]},
    "/points/query/groups": {"query": VECTOR, "group_by": "city"},
    "/points/search/matrix/pairs": {"sample": 2, "limit": 1},
    "/points/search/matrix/offsets": {"sample": 2, "limit": 1},
    "/points/search": {"vector": VECTOR, "limit": 1},
    "/points/search/batch": {"searches": [{"vector": VECTOR, "limit": 1}]},
    "/points/search/groups": {"vector": VECTOR, "group_by": "city", "limit": 1},
    "/points/recommend": {"positive": [1], "limit": 1},
    "/points/discover": {"target": 1, "limit": 1},
}


def spec_routes() -> list[tuple[str, str]]:
    spec = json.loads((SPEC_DIR / "qdrant-openapi-v1.19.json").read_text())
    routes = [(method.upper(), path) for path, operations in spec["paths"].items()
              for method in operations if method in ("get", "post", "put", "patch", "delete")]
    return routes + LEGACY_READ_ROUTES


def is_write(method: str, pattern: str) -> bool:
    if method == "GET":
        return False
    if method == "POST":
        return not pattern.endswith(READ_POST_SUFFIXES) or pattern.endswith("/shards/delete")
    return True


def concrete(pattern: str) -> str:
    return re.sub(r"\{(\w+)\}", lambda m: PATH_VALUES[m.group(1)], pattern)


def body_for(method: str, pattern: str):
    if (method, pattern) in WRITE_BODIES:
        return WRITE_BODIES[(method, pattern)]
    if method == "POST" and not is_write(method, pattern):
        for suffix, body in READ_BODIES.items():
            if pattern.endswith(suffix):
                return body
    return None if method in ("GET", "DELETE") else {}


ROUTES = spec_routes()
PROTECTED = [route for route in ROUTES if route[1] not in OPEN_ROUTES]
WRITES = [route for route in PROTECTED if is_write(*route)]
READS = [route for route in PROTECTED if not is_write(*route)]


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def make_jwt(claims: dict, secret: str = FULL_KEY) -> str:
    header = _b64(json.dumps({"alg": "HS256", "typ": "JWT"}).encode())
    payload = _b64(json.dumps(claims).encode())
    signature = hmac.new(secret.encode(), f"{header}.{payload}".encode(), hashlib.sha256).digest()
    return f"{header}.{payload}.{_b64(signature)}"


@pytest.fixture(scope="module")
def secured():
    process = ServerProcess(extra_env={
        "QDRANT__SERVICE__API_KEY": FULL_KEY,
        "QDRANT__SERVICE__READ_ONLY_API_KEY": READ_ONLY_KEY,
        "QDRANT__SERVICE__JWT_RBAC": "true",
    }).start()
    try:
        for name in (TARGET, OTHER):
            call(process.url, "PUT", f"/collections/{name}", FULL_KEY,
                 {"vectors": {"size": 2, "distance": "Dot"}}).raise_for_status()
            call(process.url, "PUT", f"/collections/{name}/points?wait=true", FULL_KEY,
                 {"points": [{"id": 1, "vector": VECTOR, "payload": {"city": name}},
                             {"id": 2, "vector": [0.3, 0.4], "payload": {"city": "x"}}]},
                 ).raise_for_status()
        yield process
    finally:
        process.cleanup()


def call(url, method, path, key=None, body=None, bearer=False):
    headers = {}
    if key is not None:
        headers = {"Authorization": f"Bearer {key}"} if bearer else {"api-key": key}
    return requests.request(method, url + path, headers=headers, timeout=30,
                            json=body if body is not None else None)


def snapshot_state(url: str) -> dict:
    """What a refused write must not change: collections, aliases, points and payloads."""
    collections = sorted(c["name"] for c in call(url, "GET", "/collections", FULL_KEY)
                         .json()["result"]["collections"])
    aliases = call(url, "GET", "/aliases", FULL_KEY).json()["result"]["aliases"]
    points = {}
    for name in (TARGET, OTHER):
        page = call(url, "POST", f"/collections/{name}/points/scroll", FULL_KEY,
                    {"limit": 100, "with_payload": True, "with_vector": True}).json()["result"]
        points[name] = page["points"]
    return {"collections": collections, "aliases": aliases, "points": points}


@pytest.mark.parametrize("method,pattern", PROTECTED, ids=[f"{m} {p}" for m, p in PROTECTED])
def test_route_without_key_is_401(secured, method, pattern):
    response = call(secured.url, method, concrete(pattern), None, body_for(method, pattern))
    assert response.status_code == 401, response.text
    assert response.text == NO_KEY_TEXT


@pytest.mark.parametrize("method,pattern", PROTECTED, ids=[f"{m} {p}" for m, p in PROTECTED])
def test_route_with_wrong_key_is_401(secured, method, pattern):
    response = call(secured.url, method, concrete(pattern), "wrong-key", body_for(method, pattern))
    assert response.status_code == 401, response.text
    assert response.text == WRONG_KEY_TEXT


@pytest.mark.parametrize("method,pattern", WRITES, ids=[f"{m} {p}" for m, p in WRITES])
def test_write_route_with_read_only_key_is_403_and_changes_nothing(secured, method, pattern):
    before = snapshot_state(secured.url)
    response = call(secured.url, method, concrete(pattern), READ_ONLY_KEY,
                    body_for(method, pattern))
    allowed = {403, 404} if (method, pattern) in CLUSTER_ONLY else {403}
    assert response.status_code in allowed, response.text
    assert snapshot_state(secured.url) == before


@pytest.mark.parametrize("method,pattern", READS, ids=[f"{m} {p}" for m, p in READS])
def test_read_route_with_read_only_key_is_not_refused(secured, method, pattern):
    response = call(secured.url, method, concrete(pattern), READ_ONLY_KEY,
                    body_for(method, pattern))
    assert response.status_code not in (401, 403), response.text


@pytest.mark.parametrize("route", sorted(OPEN_ROUTES))
def test_open_routes_answer_without_key(secured, route):
    assert call(secured.url, "GET", route).status_code == 200


def test_read_only_key_reads_real_data(secured):
    response = call(secured.url, "POST", f"/collections/{TARGET}/points",
                    READ_ONLY_KEY, {"ids": [1], "with_payload": True})
    assert response.status_code == 200
    assert response.json()["result"][0]["payload"] == {"city": TARGET}


# --- JWT RBAC ---------------------------------------------------------------------------------

def test_jwt_global_read_token_reads_but_cannot_write(secured):
    token = make_jwt({"access": "r"})
    assert call(secured.url, "GET", f"/collections/{OTHER}", token, bearer=True).status_code == 200
    write = call(secured.url, "PUT", f"/collections/{TARGET}/points?wait=true", token,
                 {"points": [{"id": 5, "vector": VECTOR}]}, bearer=True)
    assert write.status_code == 403
    count = call(secured.url, "POST", f"/collections/{TARGET}/points/count", FULL_KEY, {})
    assert count.json()["result"]["count"] == 2


def test_jwt_manage_token_has_full_access(secured):
    token = make_jwt({"access": "m"})
    created = call(secured.url, "PUT", "/collections/auth_routes_jwt_m", token,
                   {"vectors": {"size": 2, "distance": "Dot"}})
    assert created.status_code == 200
    assert call(secured.url, "DELETE", "/collections/auth_routes_jwt_m", token).status_code == 200


def test_jwt_collection_read_token_sees_only_its_collection(secured):
    token = make_jwt({"access": [{"collection": TARGET, "access": "r"}]})
    own = call(secured.url, "POST", f"/collections/{TARGET}/points/query", token,
               {"query": VECTOR, "with_payload": True}, bearer=True)
    assert own.status_code == 200
    assert {p["payload"]["city"] for p in own.json()["result"]["points"]} == {TARGET, "x"}
    for method, path, body in [
            ("GET", f"/collections/{OTHER}", None),
            ("POST", f"/collections/{OTHER}/points/query", {"query": VECTOR}),
            ("POST", f"/collections/{OTHER}/points/scroll", {}),
            ("POST", f"/collections/{OTHER}/points", {"ids": [1]}),
            ("GET", f"/collections/{OTHER}/points/1", None)]:
        response = call(secured.url, method, path, token, body, bearer=True)
        assert response.status_code == 403, (method, path, response.text)
    write = call(secured.url, "PUT", f"/collections/{TARGET}/points?wait=true", token,
                 {"points": [{"id": 6, "vector": VECTOR}]}, bearer=True)
    assert write.status_code == 403
    listing = call(secured.url, "GET", "/collections", token, bearer=True)
    if listing.status_code == 200:  # Qdrant lists only the collections a token may see
        names = {c["name"] for c in listing.json()["result"]["collections"]}
        assert OTHER not in names


def test_jwt_collection_read_write_token_writes_only_its_collection(secured):
    token = make_jwt({"access": [{"collection": TARGET, "access": "rw"}]})
    own = call(secured.url, "PUT", f"/collections/{TARGET}/points?wait=true", token,
               {"points": [{"id": 7, "vector": VECTOR, "payload": {"city": "jwt"}}]}, bearer=True)
    assert own.status_code == 200, own.text
    other = call(secured.url, "PUT", f"/collections/{OTHER}/points?wait=true", token,
                 {"points": [{"id": 7, "vector": VECTOR}]}, bearer=True)
    assert other.status_code == 403
    assert call(secured.url, "DELETE", f"/collections/{TARGET}", token,
                bearer=True).status_code == 403
    counts = {name: call(secured.url, "POST", f"/collections/{name}/points/count", FULL_KEY, {})
              .json()["result"]["count"] for name in (TARGET, OTHER)}
    call(secured.url, "POST", f"/collections/{TARGET}/points/delete?wait=true", FULL_KEY,
         {"points": [7]})
    assert counts == {TARGET: 3, OTHER: 2}


def test_jwt_expired_token_is_refused(secured):
    token = make_jwt({"access": "m", "exp": int(time.time()) - 60})
    response = call(secured.url, "GET", "/collections", token, bearer=True)
    assert response.status_code in (401, 403)


def test_jwt_signed_with_another_secret_is_refused(secured):
    token = make_jwt({"access": "m"}, secret="someone-elses-secret")
    response = call(secured.url, "GET", "/collections", token, bearer=True)
    assert response.status_code in (401, 403)
    response = call(secured.url, "DELETE", f"/collections/{TARGET}", token, bearer=True)
    assert response.status_code in (401, 403)
    assert call(secured.url, "GET", f"/collections/{TARGET}", FULL_KEY).status_code == 200


def test_jwt_value_exists_claim_requires_the_point(secured):
    present = make_jwt({"access": "r", "value_exists": {
        "collection": TARGET, "matches": [{"key": "city", "value": TARGET}]}})
    absent = make_jwt({"access": "r", "value_exists": {
        "collection": TARGET, "matches": [{"key": "city", "value": "nowhere"}]}})
    assert call(secured.url, "GET", "/collections", present, bearer=True).status_code == 200
    assert call(secured.url, "GET", "/collections", absent, bearer=True).status_code in (401, 403)


# --- JWT RBAC on snapshot routes --------------------------------------------------------------
# Qdrant's access requirements: a collection's snapshots need access to the collection's
# "extras" (refused to "prw" tokens), and "rw" to create or delete one; recovering or uploading
# a snapshot replaces a collection and needs global manage access (checked before an upload's
# body is read); full-storage snapshots need global access, manage to create or delete them.

GLOBAL_REQUIRED = "Forbidden: Global access is required"
MANAGE_REQUIRED = "Forbidden: Global manage access is required"
WRITE_REQUIRED = f"Forbidden: Write access to collection {TARGET} is required"
POINTS_ONLY = f"Forbidden: Only points access is allowed for collection {TARGET}"
SNAPSHOT_OPERATIONS = ("list", "create", "download", "delete", "recover", "upload",
                       "full_list", "full_create", "full_download", "full_delete")
FULL_OPERATIONS = {"full_list": None, "full_create": GLOBAL_REQUIRED,
                   "full_download": None, "full_delete": GLOBAL_REQUIRED}

# Expected refusal per token and operation; None: allowed (neither 401 nor 403).
SNAPSHOT_ACCESS = {
    "collection r": {"list": None, "create": WRITE_REQUIRED, "download": None,
                     "delete": WRITE_REQUIRED, "recover": GLOBAL_REQUIRED,
                     "upload": GLOBAL_REQUIRED,
                     **{op: GLOBAL_REQUIRED for op in FULL_OPERATIONS}},
    "collection rw": {"list": None, "create": None, "download": None, "delete": None,
                      "recover": GLOBAL_REQUIRED, "upload": GLOBAL_REQUIRED,
                      **{op: GLOBAL_REQUIRED for op in FULL_OPERATIONS}},
    "collection prw": {"list": POINTS_ONLY, "create": POINTS_ONLY, "download": POINTS_ONLY,
                       "delete": POINTS_ONLY, "recover": GLOBAL_REQUIRED,
                       "upload": GLOBAL_REQUIRED,
                       **{op: GLOBAL_REQUIRED for op in FULL_OPERATIONS}},
    "global r": {"list": None, "create": MANAGE_REQUIRED, "download": None,
                 "delete": MANAGE_REQUIRED, "recover": MANAGE_REQUIRED,
                 "upload": MANAGE_REQUIRED, "full_list": None, "full_create": MANAGE_REQUIRED,
                 "full_download": None, "full_delete": MANAGE_REQUIRED},
    "global m": {op: None for op in SNAPSHOT_OPERATIONS},
}
TOKEN_CLAIMS = {
    "collection r": {"access": [{"collection": TARGET, "access": "r"}]},
    "collection rw": {"access": [{"collection": TARGET, "access": "rw"}]},
    "collection prw": {"access": [{"collection": TARGET, "access": "prw"}]},
    "global r": {"access": "r"},
    "global m": {"access": "m"},
}
ACCESS_CASES = [(token, op) for token in SNAPSHOT_ACCESS for op in SNAPSHOT_OPERATIONS]


@pytest.fixture(scope="module")
def existing_snapshots(secured):
    """A collection snapshot of TARGET and a full-storage snapshot, made with the full key."""
    collection = call(secured.url, "POST", f"/collections/{TARGET}/snapshots", FULL_KEY)
    full = call(secured.url, "POST", "/snapshots", FULL_KEY)
    assert collection.status_code == 200 and full.status_code == 200
    return {"collection": collection.json()["result"]["name"],
            "full": full.json()["result"]["name"]}


def snapshot_operation(url: str, operation: str, token: str, names: dict) -> requests.Response:
    """Runs one snapshot operation; destructive ones aim at snapshots that do not exist, or at
    a body that cannot be recovered, so an allowed call changes nothing either."""
    headers = {"Authorization": f"Bearer {token}"}
    base = f"{url}/collections/{TARGET}/snapshots"
    if operation == "upload":
        return requests.post(f"{base}/upload", headers=headers, timeout=30,
                             files={"snapshot": ("x.snapshot", b"not a snapshot")})
    method, target, body = {
        "list": ("GET", base, None),
        "create": ("POST", base, None),
        "download": ("GET", f"{base}/{names['collection']}", None),
        "delete": ("DELETE", f"{base}/missing.snapshot", None),
        "recover": ("PUT", f"{base}/recover", {"location": "file:///nonexistent/x.snapshot"}),
        "full_list": ("GET", f"{url}/snapshots", None),
        "full_create": ("POST", f"{url}/snapshots", None),
        "full_download": ("GET", f"{url}/snapshots/{names['full']}", None),
        "full_delete": ("DELETE", f"{url}/snapshots/missing.snapshot", None),
    }[operation]
    return requests.request(method, target, headers=headers, json=body, timeout=60)


@pytest.mark.parametrize("token_kind,operation", ACCESS_CASES,
                         ids=[f"{token} {op}" for token, op in ACCESS_CASES])
def test_jwt_snapshot_route_access(secured, existing_snapshots, token_kind, operation):
    before = snapshot_state(secured.url)
    response = snapshot_operation(secured.url, operation, make_jwt(TOKEN_CLAIMS[token_kind]),
                                  existing_snapshots)
    refusal = SNAPSHOT_ACCESS[token_kind][operation]
    if refusal is None:
        assert response.status_code not in (401, 403), response.text
    else:
        assert response.status_code == 403, response.text
        assert response.json()["status"]["error"] == refusal
    assert snapshot_state(secured.url) == before


def test_jwt_snapshot_routes_of_an_unlisted_collection_are_refused(secured):
    token = make_jwt({"access": [{"collection": TARGET, "access": "rw"}]})
    for method, path in [("GET", f"/collections/{OTHER}/snapshots"),
                         ("POST", f"/collections/{OTHER}/snapshots"),
                         ("GET", f"/collections/{OTHER}/snapshots/missing.snapshot"),
                         ("DELETE", f"/collections/{OTHER}/snapshots/missing.snapshot")]:
        response = call(secured.url, method, path, token, bearer=True)
        assert response.status_code == 403, (method, path, response.text)
        assert response.json()["status"]["error"] == \
            f"Forbidden: Access to collection {OTHER} is required"


def test_jwt_refused_upload_is_answered_before_its_body(secured):
    """A per-collection token's upload is refused from the request head alone: the server
    answers without waiting for a body announced as 10 GiB."""
    token = make_jwt({"access": [{"collection": TARGET, "access": "rw"}]})
    address = requests.utils.urlparse(secured.url)
    connection = http.client.HTTPConnection(address.hostname, address.port, timeout=10)
    try:
        connection.putrequest("POST", f"/collections/{TARGET}/snapshots/upload")
        connection.putheader("Authorization", f"Bearer {token}")
        connection.putheader("Content-Type", "multipart/form-data; boundary=b0undary")
        connection.putheader("Content-Length", str(10 << 30))
        connection.endheaders()
        response = connection.getresponse()
        assert response.status == 403
        assert json.loads(response.read())["status"]["error"] == GLOBAL_REQUIRED
    finally:
        connection.close()


def test_jwt_manage_token_uploads_a_snapshot(secured, existing_snapshots):
    token = make_jwt({"access": "m"})
    content = requests.get(f"{secured.url}/collections/{TARGET}/snapshots/"
                           f"{existing_snapshots['collection']}",
                           headers={"api-key": FULL_KEY}, timeout=30).content
    target = "auth_routes_uploaded"
    uploaded = requests.post(f"{secured.url}/collections/{target}/snapshots/upload",
                             headers={"Authorization": f"Bearer {token}"}, timeout=60,
                             files={"snapshot": ("copy.snapshot", content)})
    try:
        assert uploaded.status_code == 200, uploaded.text
        count = call(secured.url, "POST", f"/collections/{target}/points/count", FULL_KEY, {})
        assert count.json()["result"]["count"] == 2
    finally:
        call(secured.url, "DELETE", f"/collections/{target}", FULL_KEY)
