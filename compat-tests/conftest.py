"""Session wiring of the compatibility suite.

Role: decide which server the suite talks to and hand tests their tools.
- QDRANT_URL set   -> use that server as is (a real Qdrant 1.19 or a running Sextant);
                      QDRANT_API_KEY, if set, is sent with every request; its gRPC API is on
                      QDRANT_GRPC_PORT (6334 if unset), on the same host.
- QDRANT_URL unset -> start the built server (support/server_process.py) on a free port with a
                      temporary storage directory, and stop it at the end of the session.

Markers (declared in pytest.ini):
- sextant_only: behaviour only Sextant has; skipped when GET / carries no `x-sextant-version`
                header (Sextant's GET / body is exactly Qdrant's; its own version is in that
                header and in /telemetry's app.sextant).
- owns_server:  the test restarts or re-launches the server; skipped when QDRANT_URL is set.

Wires: a test that talks through the official Python client takes `make_qdrant_client` (or a
`client` fixture built on it) and so runs once per wire in COMPAT_CLIENT_WIRES ("rest,grpc" by
default): over REST, and over gRPC with `prefer_grpc=True` on the server's gRPC port.

Invariants: every collection a test creates through `collection_factory` is deleted afterwards,
so tests share one server without seeing each other's data.
"""

from __future__ import annotations

import os
import uuid
from dataclasses import dataclass

import pytest
import requests

from support.api_client import ApiClient
from support.server_process import ServerProcess


@dataclass
class ServerTarget:
    url: str
    api_key: str | None
    process: ServerProcess | None
    is_sextant: bool
    grpc_port: int = 6334


def _detect_sextant(url: str, api_key: str | None) -> bool:
    headers = {"api-key": api_key} if api_key else {}
    response = requests.get(url.rstrip("/") + "/", headers=headers, timeout=10)
    return bool(response.headers.get("x-sextant-version"))


@pytest.fixture(scope="session")
def server():
    url = os.environ.get("QDRANT_URL")
    api_key = os.environ.get("QDRANT_API_KEY") or None
    if url:
        grpc_port = int(os.environ.get("QDRANT_GRPC_PORT") or 6334)
        yield ServerTarget(url.rstrip("/"), api_key, None, _detect_sextant(url, api_key), grpc_port)
        return
    process = ServerProcess().start()
    try:
        yield ServerTarget(
            process.url, None, process, _detect_sextant(process.url, None), process.grpc_port
        )
    finally:
        process.cleanup()


@pytest.fixture(autouse=True)
def _apply_markers(request):
    if request.node.get_closest_marker("sextant_only"):
        if not request.getfixturevalue("server").is_sextant:
            pytest.skip("Sextant-only behaviour; the server under test is not Sextant")
    if request.node.get_closest_marker("owns_server") and os.environ.get("QDRANT_URL"):
        pytest.skip("needs to start its own server (QDRANT_URL is set)")


@pytest.fixture(scope="session")
def grpc_port(server) -> int:
    """The gRPC port of the server under test (same host as its REST URL)."""
    return server.grpc_port


@pytest.fixture(scope="session")
def api(server) -> ApiClient:
    return ApiClient(server.url, server.api_key)


def _client_wires() -> list[str]:
    wires = [w.strip() for w in os.environ.get("COMPAT_CLIENT_WIRES", "rest,grpc").split(",")]
    unknown = set(wires) - {"rest", "grpc"}
    if unknown or not wires:
        raise pytest.UsageError(f"COMPAT_CLIENT_WIRES: unknown wire(s) {sorted(unknown)}")
    return wires


@pytest.fixture(scope="session", params=_client_wires())
def client_wire(request) -> str:
    """The wire the official Python client speaks in this run: "rest" or "grpc"."""
    return request.param


@pytest.fixture(scope="session")
def make_qdrant_client(server, client_wire):
    """make(**options) -> QdrantClient speaking `client_wire` to the server under test."""
    from qdrant_client import QdrantClient

    def make(**options) -> QdrantClient:
        return QdrantClient(
            url=server.url,
            api_key=server.api_key,
            prefer_grpc=client_wire == "grpc",
            grpc_port=server.grpc_port,
            **options,
        )

    return make


def unique_name(prefix: str = "compat") -> str:
    return f"{prefix}_{uuid.uuid4().hex[:10]}"


@pytest.fixture
def collection_factory(api):
    """create(body, name=None) -> name; every collection created is deleted at teardown."""
    created: list[str] = []

    def create(body: dict | None = None, name: str | None = None) -> str:
        name = name or unique_name()
        body = body if body is not None else {"vectors": {"size": 4, "distance": "Cosine"}}
        api.put(f"/collections/{name}", json=body).expect(200)
        created.append(name)
        return name

    yield create
    for name in created:
        api.delete(f"/collections/{name}")


@pytest.fixture
def collection_name(api):
    """A fresh unused name; the collection (if a test creates it) is deleted at teardown."""
    name = unique_name()
    yield name
    api.delete(f"/collections/{name}")


@pytest.fixture
def alias_cleanup(api):
    """Register alias names to delete at teardown (aliases outlive their test otherwise)."""
    aliases: list[str] = []
    yield aliases
    actions = [{"delete_alias": {"alias_name": alias}} for alias in aliases]
    for action in actions:
        api.post("/collections/aliases", json={"actions": [action]})
