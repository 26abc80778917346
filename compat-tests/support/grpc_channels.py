"""gRPC test helpers shared by test_grpc_service.py and test_grpc_operations.py.

Role: a channel with the generated stubs that sends the server's api key with every call,
raw bytes-in/bytes-out calls for services without Python stubs (grpc.health.v1,
qdrant.ShardSnapshots) and the few protobuf encoders those need.
"""

from __future__ import annotations

import socket
import threading
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


class CompressionProbe:
    """A TCP relay in front of a gRPC port that notes, for each response stream, whether the
    server sent its message compressed (the gRPC frame's compressed-flag byte).

    Reads the server's HTTP/2 frames as they pass: the first DATA frame of a stream starts with
    that flag (after the pad length when the frame is PADDED). Plain-text HTTP/2 only.
    """

    def __init__(self, target_host: str, target_port: int):
        self.target = (target_host, target_port)
        self.compressed_by_stream: dict[int, bool] = {}
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.address = f"127.0.0.1:{self.listener.getsockname()[1]}"
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            upstream = socket.create_connection(self.target)
            threading.Thread(target=self._relay, args=(client, upstream, False), daemon=True).start()
            threading.Thread(target=self._relay, args=(upstream, client, True), daemon=True).start()

    def _relay(self, source, destination, from_server):
        pending = b""
        try:
            while data := source.recv(65536):
                destination.sendall(data)
                if from_server:
                    pending = self._read_frames(pending + data)
        except OSError:
            pass
        finally:
            destination.close()

    def _read_frames(self, buffer: bytes) -> bytes:
        while len(buffer) >= 9:
            length = int.from_bytes(buffer[:3], "big")
            if len(buffer) < 9 + length:
                break
            frame_type, flags = buffer[3], buffer[4]
            stream = int.from_bytes(buffer[5:9], "big") & 0x7FFFFFFF
            payload = buffer[9 : 9 + length]
            if frame_type == 0 and payload and stream not in self.compressed_by_stream:
                start = 1 if flags & 0x8 else 0
                if len(payload) > start:
                    self.compressed_by_stream[stream] = payload[start] == 1
            buffer = buffer[9 + length :]
        return buffer

    def close(self):
        self.listener.close()
