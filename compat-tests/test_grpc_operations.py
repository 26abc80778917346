"""The gRPC server's operations surface, over the wire.

Role: on the shared server, gzip-compressed calls and the gRPC series of `/metrics` and
`/telemetry`; on servers of their own (owns_server): api-key, read-only key and JWT rules
(UNAUTHENTICATED / PERMISSION_DENIED with Qdrant's texts, health checks exempt), TLS with the
REST side's config keys, the receive limit (service.max_request_size_mb) and `grpc_port: null`.

Invariants: the shared-server tests hold for Sextant and a real Qdrant 1.19 alike; each server
started here is stopped and its directory removed.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import re
import subprocess
import time
from urllib.parse import urlparse

import grpc
import pytest
import requests
from qdrant_client import grpc as pb

from support.grpc_channels import (
    CompressionProbe,
    Wire,
    create_request,
    grpc_target,
    rpc_error,
    unique,
)
from support.server_process import ServerProcess


@pytest.fixture(scope="module")
def wire(server, grpc_port):
    connection = Wire(grpc_target(server.url, grpc_port), server.api_key)
    yield connection
    connection.close()


@pytest.fixture
def collection(wire):
    name = unique("grpc_ops")
    wire.collections.Create(create_request(name), metadata=wire.metadata)
    yield name
    wire.collections.Delete(pb.DeleteCollection(collection_name=name), metadata=wire.metadata)



def test_gzip_compressed_calls(server, grpc_port, collection):
    compressed = Wire(
        grpc_target(server.url, grpc_port), server.api_key, compression=grpc.Compression.Gzip
    )
    try:
        info = compressed.collections.Get(
            pb.GetCollectionInfoRequest(collection_name=collection), metadata=compressed.metadata
        )
        assert info.result.config.params.vectors_config.params.size == 2
        names = compressed.collections.List(
            pb.ListCollectionsRequest(), metadata=compressed.metadata
        )
        assert collection in [c.name for c in names.collections]
    finally:
        compressed.close()


def test_answers_are_gzip_compressed_for_clients_accepting_gzip(server, grpc_port):
    """A large answer comes gzip-compressed: Python's client accepts gzip on every call."""
    name = unique("grpc_ops")
    probe = CompressionProbe(urlparse(server.url).hostname, grpc_port)
    wire = Wire(probe.address, server.api_key)
    try:
        request = create_request(name)
        request.metadata["notes"].string_value = "compressible " * 1000
        wire.collections.Create(request, metadata=wire.metadata)
        info = wire.collections.Get(
            pb.GetCollectionInfoRequest(collection_name=name), metadata=wire.metadata
        )
        assert info.result.config.metadata["notes"].string_value.startswith("compressible")
        assert True in probe.compressed_by_stream.values()
    finally:
        wire.collections.Delete(pb.DeleteCollection(collection_name=name), metadata=wire.metadata)
        wire.close()
        probe.close()


def test_grpc_calls_appear_in_metrics_and_telemetry(server, wire, collection):
    points = pb.PointsStub(wire.channel)
    for _ in range(2):
        points.Count(pb.CountPoints(collection_name=collection, exact=True), metadata=wire.metadata)
    headers = {"api-key": server.api_key} if server.api_key else {}
    metrics = requests.get(server.url + "/metrics", headers=headers, timeout=10).text
    total = re.search(
        r'^grpc_responses_total\{endpoint="/qdrant.Points/Count",status="0"\} (\d+)$',
        metrics,
        re.MULTILINE,
    )
    assert total and int(total.group(1)) >= 2
    for family in ("avg", "min", "max"):
        assert f"grpc_responses_{family}_duration_seconds{{" in metrics
    assert "grpc_responses_duration_seconds_bucket{" in metrics

    telemetry = requests.get(
        server.url + "/telemetry?details_level=1", headers=headers, timeout=10
    ).json()["result"]
    responses = telemetry["requests"]["grpc"]["responses"]
    assert responses["/qdrant.Points/Count"]["0"]["count"] >= 2
    assert responses["/qdrant.Collections/Create"]["0"]["count"] >= 1


# ---- servers of their own ----

FULL_KEY = "grpc-full-access-key"
READ_ONLY_KEY = "grpc-read-only-key"


def make_jwt(claims: dict, secret: str) -> str:
    def encode(part: bytes) -> str:
        return base64.urlsafe_b64encode(part).rstrip(b"=").decode()

    header = encode(json.dumps({"alg": "HS256", "typ": "JWT"}).encode())
    payload = encode(json.dumps(claims).encode())
    signature = hmac.new(secret.encode(), f"{header}.{payload}".encode(), hashlib.sha256).digest()
    return f"{header}.{payload}.{encode(signature)}"


@pytest.fixture(scope="module")
def secured_wire():
    if os.environ.get("QDRANT_URL"):
        pytest.skip("needs to start its own server (QDRANT_URL is set)")
    process = ServerProcess(
        extra_env={
            "QDRANT__SERVICE__API_KEY": FULL_KEY,
            "QDRANT__SERVICE__READ_ONLY_API_KEY": READ_ONLY_KEY,
            "QDRANT__SERVICE__JWT_RBAC": "true",
        }
    ).start()
    connection = Wire(f"127.0.0.1:{process.grpc_port}")
    try:
        yield connection
    finally:
        connection.close()
        process.cleanup()


@pytest.mark.owns_server
def test_missing_and_wrong_keys_are_unauthenticated(secured_wire):
    listing = secured_wire.collections.List
    error = rpc_error(lambda: listing(pb.ListCollectionsRequest()))
    assert error.code() == grpc.StatusCode.UNAUTHENTICATED
    assert error.details() == "Must provide an API key or an Authorization bearer token"
    error = rpc_error(lambda: listing(pb.ListCollectionsRequest(), metadata=[("api-key", "wrong")]))
    assert error.code() == grpc.StatusCode.UNAUTHENTICATED
    assert error.details() == "Invalid API key or JWT"


@pytest.mark.owns_server
def test_health_checks_need_no_key(secured_wire):
    assert secured_wire.qdrant.HealthCheck(pb.HealthCheckRequest()).title
    assert secured_wire.raw("/grpc.health.v1.Health/Check")(b"") == b"\x08\x01"


@pytest.mark.owns_server
def test_full_key_as_api_key_or_bearer_token_writes(secured_wire):
    name = unique("grpc_secured")
    for metadata in ([("api-key", FULL_KEY)], [("authorization", f"Bearer {FULL_KEY}")]):
        assert secured_wire.collections.Create(create_request(name), metadata=metadata).result
        assert secured_wire.collections.Delete(
            pb.DeleteCollection(collection_name=name), metadata=metadata
        ).result


@pytest.mark.owns_server
def test_read_only_key_reads_but_cannot_write(secured_wire):
    for metadata in ([("api-key", READ_ONLY_KEY)], [("authorization", f"Bearer {READ_ONLY_KEY}")]):
        secured_wire.collections.List(pb.ListCollectionsRequest(), metadata=metadata)
        error = rpc_error(
            lambda: secured_wire.collections.Create(
                create_request(unique("grpc_secured")), metadata=metadata
            )
        )
        assert error.code() == grpc.StatusCode.PERMISSION_DENIED
        assert error.details() == "Forbidden: Global manage access is required"
        error = rpc_error(
            lambda: secured_wire.snapshots.CreateFull(
                pb.CreateFullSnapshotRequest(), metadata=metadata
            )
        )
        assert error.code() == grpc.StatusCode.PERMISSION_DENIED


@pytest.mark.owns_server
def test_jwt_read_token_reads_but_cannot_write(secured_wire):
    token = make_jwt({"access": "r"}, FULL_KEY)
    metadata = [("authorization", f"Bearer {token}")]
    secured_wire.collections.List(pb.ListCollectionsRequest(), metadata=metadata)
    error = rpc_error(
        lambda: secured_wire.collections.Create(create_request(unique("grpc_jwt")), metadata=metadata)
    )
    assert error.code() == grpc.StatusCode.PERMISSION_DENIED


@pytest.mark.owns_server
def test_jwt_scoped_to_another_collection_is_denied(secured_wire):
    name = unique("grpc_jwt")
    admin = [("api-key", FULL_KEY)]
    secured_wire.collections.Create(create_request(name), metadata=admin)
    try:
        token = make_jwt({"access": [{"collection": "someone_else", "access": "rw"}]}, FULL_KEY)
        error = rpc_error(
            lambda: secured_wire.collections.Get(
                pb.GetCollectionInfoRequest(collection_name=name),
                metadata=[("authorization", f"Bearer {token}")],
            )
        )
        assert error.code() == grpc.StatusCode.PERMISSION_DENIED
    finally:
        secured_wire.collections.Delete(pb.DeleteCollection(collection_name=name), metadata=admin)


class TlsServerProcess(ServerProcess):
    """A server with TLS on both wires: ready when its gRPC port answers a TLS health check."""

    def __init__(self, cert_path, key_path):
        super().__init__(
            extra_env={
                "QDRANT__SERVICE__ENABLE_TLS": "true",
                "QDRANT__TLS__CERT": str(cert_path),
                "QDRANT__TLS__KEY": str(key_path),
            }
        )
        self.certificate = cert_path.read_bytes()

    def secure_channel(self) -> grpc.Channel:
        credentials = grpc.ssl_channel_credentials(root_certificates=self.certificate)
        return grpc.secure_channel(f"127.0.0.1:{self.grpc_port}", credentials)

    def _wait_ready(self) -> None:
        deadline = time.monotonic() + self.startup_timeout_s
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError("server exited during start-up:\n" + self.log_tail())
            try:
                requests.get(f"https://127.0.0.1:{self.http_port}/readyz", verify=False, timeout=1)
                return
            except requests.RequestException:
                time.sleep(0.1)
        self.kill()
        raise RuntimeError("TLS server not ready:\n" + self.log_tail())


@pytest.mark.owns_server
def test_tls(tmp_path):
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
         "-subj", "/CN=localhost", "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
         "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True,
    )  # fmt: skip
    process = TlsServerProcess(cert, key).start()
    try:
        channel = process.secure_channel()
        try:
            reply = pb.QdrantStub(channel).HealthCheck(pb.HealthCheckRequest(), timeout=10)
            assert reply.title == "qdrant - vector search engine"
            listed = pb.CollectionsStub(channel).List(pb.ListCollectionsRequest(), timeout=10)
            assert list(listed.collections) == []
        finally:
            channel.close()
        plain = grpc.insecure_channel(f"127.0.0.1:{process.grpc_port}")
        try:
            error = rpc_error(lambda: pb.QdrantStub(plain).HealthCheck(pb.HealthCheckRequest(), timeout=5))
            assert error.code() == grpc.StatusCode.UNAVAILABLE
        finally:
            plain.close()
    finally:
        process.cleanup()


@pytest.mark.owns_server
@pytest.mark.sextant_only
def test_message_over_max_request_size_is_resource_exhausted(server):
    process = ServerProcess(extra_env={"QDRANT__SERVICE__MAX_REQUEST_SIZE_MB": "1"}).start()
    connection = Wire(f"127.0.0.1:{process.grpc_port}")
    try:
        oversized = create_request(unique("grpc_big"))
        oversized.metadata["blob"].string_value = "x" * (2 << 20)
        error = rpc_error(lambda: connection.collections.Create(oversized))
        assert error.code() == grpc.StatusCode.RESOURCE_EXHAUSTED
        # The server goes on serving.
        assert list(connection.collections.List(pb.ListCollectionsRequest()).collections) == []
        assert process.process.poll() is None
    finally:
        connection.close()
        process.cleanup()


class NoGrpcServerProcess(ServerProcess):
    """A server whose config file sets `service.grpc_port: null` (environment values cannot
    be null, so the port is given in a file passed with --config-path)."""

    def __init__(self):
        super().__init__()
        config = self.root / "no-grpc.yaml"
        config.write_text("service:\n  grpc_port: null\n")
        launcher = self.root / "launch.sh"
        launcher.write_text(f'#!/bin/sh\nexec "{self.binary}" --config-path "{config}"\n')
        launcher.chmod(0o755)
        self.binary = launcher

    def _environment(self) -> dict[str, str]:
        env = super()._environment()
        env.pop("QDRANT__SERVICE__GRPC_PORT")
        return env


@pytest.mark.owns_server
@pytest.mark.sextant_only
def test_grpc_port_null_disables_grpc(server):
    process = NoGrpcServerProcess().start()
    try:
        assert "gRPC disabled" in process.log_path.read_text(errors="replace")
        channel = grpc.insecure_channel(f"127.0.0.1:{process.grpc_port}")
        try:
            error = rpc_error(
                lambda: pb.QdrantStub(channel).HealthCheck(pb.HealthCheckRequest(), timeout=3)
            )
            assert error.code() == grpc.StatusCode.UNAVAILABLE
        finally:
            channel.close()
    finally:
        process.cleanup()


def openssl(*args: str) -> None:
    subprocess.run(["openssl", *args], check=True, capture_output=True)


def signed_certificate(directory, name: str, ca_cert, ca_key, extensions: str):
    """A key and a certificate for `name`, signed by the CA; returns (cert, key) paths."""
    key, request, cert = (directory / f"{name}.{ext}" for ext in ("key", "csr", "pem"))
    ext_file = directory / f"{name}.ext"
    ext_file.write_text(extensions + "\n")
    openssl("req", "-newkey", "rsa:2048", "-nodes", "-subj", f"/CN={name}",
            "-keyout", str(key), "-out", str(request))  # fmt: skip
    openssl("x509", "-req", "-in", str(request), "-CA", str(ca_cert), "-CAkey", str(ca_key),
            "-CAcreateserial", "-days", "1", "-extfile", str(ext_file), "-out", str(cert))  # fmt: skip
    return cert, key


class ClientCertServerProcess(TlsServerProcess):
    """TLS with service.verify_https_client_certificate: ready when it answers a client that
    presents its certificate."""

    def __init__(self, cert_path, key_path, ca_path, client_cert, client_key):
        super().__init__(cert_path, key_path)
        self.extra_env.update(
            {
                "QDRANT__TLS__CA_CERT": str(ca_path),
                "QDRANT__SERVICE__VERIFY_HTTPS_CLIENT_CERTIFICATE": "true",
            }
        )
        self.certificate = ca_path.read_bytes()
        self.client = (str(client_cert), str(client_key))

    def _wait_ready(self) -> None:
        deadline = time.monotonic() + self.startup_timeout_s
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError("server exited during start-up:\n" + self.log_tail())
            try:
                requests.get(
                    f"https://127.0.0.1:{self.http_port}/readyz",
                    verify=False,
                    cert=self.client,
                    timeout=1,
                )
                return
            except requests.RequestException:
                time.sleep(0.1)
        self.kill()
        raise RuntimeError("TLS server not ready:\n" + self.log_tail())


@pytest.mark.owns_server
def test_client_certificates_are_required_when_verification_is_on(tmp_path):
    ca_cert, ca_key = tmp_path / "ca.pem", tmp_path / "ca.key"
    openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=test-ca",
            "-keyout", str(ca_key), "-out", str(ca_cert))  # fmt: skip
    server_cert, server_key = signed_certificate(
        tmp_path, "localhost", ca_cert, ca_key, "subjectAltName=IP:127.0.0.1,DNS:localhost"
    )
    client_cert, client_key = signed_certificate(
        tmp_path, "client", ca_cert, ca_key, "extendedKeyUsage=clientAuth"
    )
    process = ClientCertServerProcess(server_cert, server_key, ca_cert, client_cert, client_key)
    process.start()
    try:
        target = f"127.0.0.1:{process.grpc_port}"
        with_certificate = grpc.secure_channel(
            target,
            grpc.ssl_channel_credentials(
                root_certificates=ca_cert.read_bytes(),
                private_key=client_key.read_bytes(),
                certificate_chain=client_cert.read_bytes(),
            ),
        )
        without_certificate = grpc.secure_channel(
            target, grpc.ssl_channel_credentials(root_certificates=ca_cert.read_bytes())
        )
        try:
            listed = pb.CollectionsStub(with_certificate).List(pb.ListCollectionsRequest(), timeout=10)
            assert list(listed.collections) == []
            error = rpc_error(
                lambda: pb.CollectionsStub(without_certificate).List(
                    pb.ListCollectionsRequest(), timeout=5
                )
            )
            assert error.code() == grpc.StatusCode.UNAVAILABLE
        finally:
            with_certificate.close()
            without_certificate.close()
        with pytest.raises(requests.RequestException):
            requests.get(f"https://127.0.0.1:{process.http_port}/collections", verify=False, timeout=5)
        rest = requests.get(
            f"https://127.0.0.1:{process.http_port}/collections",
            verify=str(ca_cert),
            cert=process.client,
            timeout=5,
        )
        assert rest.status_code == 200
    finally:
        process.cleanup()
