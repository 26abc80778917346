"""gRPC test helpers shared by test_grpc_service.py and test_grpc_operations.py.

Role: a channel with the generated stubs that sends the server's api key with every call,
raw bytes-in/bytes-out calls for services without Python stubs (grpc.health.v1,
qdrant.ShardSnapshots) and the few protobuf encoders those need.
"""

from __future__ import annotations

import uuid
from urllib.parse import urlparse

import grpc
import pytest
from qdrant_client import grpc as pb


def unique(prefix: str) -> str:
    return f"{prefix}_{uuid.uuid4().hex[:10]}"


class Wire:
    """Channel and stubs for one server, sending its api key (if any) with every call."""

    def __init__(self, target: str, api_key: str | None = None, **channel_options):
        self.channel = grpc.insecure_channel(target, **channel_options)
        self.metadata = [("api-key", api_key)] if api_key else None
        self.collections = pb.CollectionsStub(self.channel)
        self.snapshots = pb.SnapshotsStub(self.channel)
        self.qdrant = pb.QdrantStub(self.channel)

    def raw(self, method: str):
        """A unary call of `method` with bytes in and bytes out (services without Python stubs)."""
        call = self.channel.unary_unary(
            method, request_serializer=lambda b: b, response_deserializer=lambda b: b
        )
        return lambda request: call(request, metadata=self.metadata)

    def close(self):
        self.channel.close()


def rpc_error(call) -> grpc.RpcError:
    with pytest.raises(grpc.RpcError) as caught:
        call()
    return caught.value


def grpc_target(url: str, port: int) -> str:
    return f"{urlparse(url).hostname}:{port}"


# ---- protobuf encoding for qdrant.ShardSnapshots (no Python stubs ship for it) ----


def varint(value: int) -> bytes:
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        out.append(byte | (0x80 if value else 0))
        if not value:
            return bytes(out)


def string_field(number: int, text: str) -> bytes:
    data = text.encode()
    return varint(number << 3 | 2) + varint(len(data)) + data


def uint_field(number: int, value: int) -> bytes:
    return varint(number << 3) + varint(value)


def create_request(name: str) -> pb.CreateCollection:
    """A CreateCollection for one unnamed 2-dimensional Dot vector."""
    return pb.CreateCollection(
        collection_name=name,
        vectors_config=pb.VectorsConfig(params=pb.VectorParams(size=2, distance=pb.Distance.Dot)),
    )
