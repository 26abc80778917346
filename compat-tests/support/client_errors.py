"""What the official Python client raises when the server refuses a call, on either wire.

Role: tests that check a refusal through `QdrantClient` run over REST and over gRPC. Over REST the
client raises `UnexpectedResponse` (an HTTP status and Qdrant's JSON envelope); over gRPC it lets
`grpc.RpcError` through (a status code, and the error text as its details). `client_refusal`
catches the one its wire raises, checks the status, and hands the text back, so a test states
what it expects once for both wires.

Invariants: an HTTP status a test names maps to the gRPC code Qdrant sends for the same refusal
(GRPC_CODE_FOR_HTTP_STATUS); a call that is not refused fails the test.
"""

from __future__ import annotations

import contextlib
import json
from dataclasses import dataclass

import grpc
import pytest
from qdrant_client.http.exceptions import UnexpectedResponse

GRPC_CODE_FOR_HTTP_STATUS = {
    400: grpc.StatusCode.INVALID_ARGUMENT,
    401: grpc.StatusCode.UNAUTHENTICATED,
    403: grpc.StatusCode.PERMISSION_DENIED,
    404: grpc.StatusCode.NOT_FOUND,
    409: grpc.StatusCode.ALREADY_EXISTS,
    429: grpc.StatusCode.RESOURCE_EXHAUSTED,
    500: grpc.StatusCode.INTERNAL,
    503: grpc.StatusCode.UNAVAILABLE,
}


@dataclass
class Refusal:
    """Filled in when the call inside `client_refusal` is refused: the server's error text."""

    message: str = ""


@contextlib.contextmanager
def client_refusal(wire: str, http_status: int):
    """Expect the client call in the block to be refused with `http_status` (or its gRPC code)."""
    refusal = Refusal()
    try:
        yield refusal
    except UnexpectedResponse as error:
        assert wire == "rest", f"a REST error on the {wire} wire: {error}"
        assert error.status_code == http_status, error
        refusal.message = json.loads(error.content)["status"]["error"]
    except grpc.RpcError as error:
        assert wire == "grpc", f"a gRPC error on the {wire} wire: {error}"
        assert error.code() == GRPC_CODE_FOR_HTTP_STATUS[http_status], error
        refusal.message = error.details()
    else:
        pytest.fail(f"the call was not refused (expected {http_status} on the {wire} wire)")
