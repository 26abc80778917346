"""`sextant migrate` against guarded ends: API keys, TLS with a self-signed certificate, a target
that fails for a while (retries), and a storage directory written directly (--to-storage).

The servers are the suite's server binary (with COMPAT_SERVER_BIN pointing at a Qdrant build this
checks Qdrant -> Qdrant, Qdrant -> storage) started by each test; the certificates are made by the
test with openssl. The oracle is the source: after a migration the target's configuration,
payload schema, aliases and every point are compared with the source's (test_migrate's checks).
"""

from __future__ import annotations

import http.client
import http.server
import json
import shutil
import signal
import subprocess
import tempfile
import threading
import time
from pathlib import Path

import pytest
import requests

from support.api_client import ApiClient
from support.server_process import REPO_ROOT, ServerProcess
from test_migrate import MIGRATE_BIN, _assert_same_collections, _seed

pytestmark = pytest.mark.owns_server

KEY = "migrate-test-key"
READ_ONLY_KEY = "migrate-test-read-only-key"


def _make_certificate(directory: Path, name: str) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 (it is its own CA); returns (cert, key)."""
    cert, key = directory / f"{name}.pem", directory / f"{name}.key"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
         "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
         "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True, timeout=60,
    )
    return cert, key


class GuardedServer(ServerProcess):
    """A server with `service.api_key` (and a read-only key) and, given a certificate, TLS."""

    def __init__(self, cert: Path | None = None, key: Path | None = None, read_only_key: bool = False):
        env = {"QDRANT__SERVICE__API_KEY": KEY}
        if read_only_key:
            env["QDRANT__SERVICE__READ_ONLY_API_KEY"] = READ_ONLY_KEY
        if cert is not None:
            env.update({"QDRANT__SERVICE__ENABLE_TLS": "true", "QDRANT__TLS__CERT": str(cert),
                        "QDRANT__TLS__KEY": str(key)})
        super().__init__(extra_env=env)
        self.cert = cert

    @property
    def url(self) -> str:
        return f"{'https' if self.cert else 'http'}://127.0.0.1:{self.http_port}"

    def session(self) -> requests.Session:
        session = requests.Session()
        session.trust_env = False  # REQUESTS_CA_BUNDLE would replace `verify`
        session.headers["api-key"] = KEY
        if self.cert:
            session.verify = str(self.cert)
        return session

    def _wait_ready(self) -> None:
        deadline = time.monotonic() + self.startup_timeout_s
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"server exited with code {self.process.returncode}:\n" + self.log_tail())
            try:
                if self.session().get(self.url + "/readyz", timeout=1).status_code == 200:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.1)
        self.kill()
        raise RuntimeError("server not ready:\n" + self.log_tail())


def _api(server: GuardedServer) -> ApiClient:
    api = ApiClient(server.url, KEY)
    if server.cert:
        api._session.trust_env = False  # REQUESTS_CA_BUNDLE would replace `verify`
        api._session.verify = str(server.cert)
    return api


def _run(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([str(MIGRATE_BIN), "migrate", *args], capture_output=True, text=True,
                          timeout=300, env=env)


@pytest.fixture
def work():
    directory = Path(tempfile.mkdtemp(prefix="sextant-migrate-ends-"))
    started: list[ServerProcess] = []
    try:
        yield directory, started
    finally:
        for server in started:
            server.cleanup()
        shutil.rmtree(directory, ignore_errors=True)


def _collection_names(api: ApiClient) -> list[str]:
    return [c["name"] for c in api.get("/collections").result["collections"]]


def test_migrate_with_api_keys_and_tls_on_both_ends(work, monkeypatch):
    directory, started = work
    source_cert, source_key = _make_certificate(directory, "source")
    target_cert, target_key = _make_certificate(directory, "target")
    stranger_cert, _ = _make_certificate(directory, "stranger")
    source = GuardedServer(source_cert, source_key, read_only_key=True)
    started.append(source.start())
    target = GuardedServer(target_cert, target_key, read_only_key=True)
    started.append(target.start())
    source_api, target_api = _api(source), _api(target)
    collections = _seed(source_api, main_points=600)
    state = str(directory / "state.json")
    common = ["--from", source.url, "--to", target.url, "--state", state,
              "--from-ca-file", str(source_cert), "--to-ca-file", str(target_cert)]

    # A target whose certificate is not trusted: the handshake fails once, not retried.
    started_at = time.monotonic()
    untrusted = _run(*common, "--to-ca-file", str(stranger_cert), "--from-api-key", READ_ONLY_KEY,
                     "--to-api-key", KEY)
    assert untrusted.returncode == 1, untrusted.stdout + untrusted.stderr
    assert f"sextant migrate: {target.url}: the TLS handshake failed: certificate verify failed" in untrusted.stderr
    assert untrusted.stdout == ""
    assert time.monotonic() - started_at < 30
    # The system store does not trust a self-signed source either.
    system_store = _run("--from", source.url, "--to", target.url, "--state", state)
    assert system_store.returncode == 1
    assert f"{source.url}: the TLS handshake failed: certificate verify failed" in system_store.stderr
    # No key for the target: its 401 is the error.
    keyless = _run(*common, "--from-api-key", READ_ONLY_KEY)
    assert keyless.returncode == 1
    assert f"{target.url}: GET /collections/" in keyless.stderr and "answered 401" in keyless.stderr
    # The read-only key cannot write: it is refused at the target.
    read_only_target = _run(*common, "--from-api-key", READ_ONLY_KEY, "--to-api-key", READ_ONLY_KEY)
    assert read_only_target.returncode == 1
    assert f"{target.url}: PUT /collections/" in read_only_target.stderr and "answered 403" in read_only_target.stderr
    assert _collection_names(target_api) == []

    # The source's read-only key (from the environment) is all a migration needs there.
    env = {"SEXTANT_MIGRATE_FROM_API_KEY": READ_ONLY_KEY, "PATH": "/usr/bin:/bin"}
    run = _run(*common, "--to-api-key", KEY, "--batch-size", "100", env=env)
    assert run.returncode == 0, run.stdout + run.stderr
    assert f"from {source.url} to {target.url}" in run.stdout
    assert "verify mig_main: points 600/600, sample 100/100 equal" in run.stdout
    _assert_same_collections(source_api, target_api, collections)



def test_migrate_over_grpcs_with_api_keys_on_both_ends(work):
    """Both ends over gRPC with TLS (grpcs://, the certificates as --from/--to-ca-file) and API
    keys as `api-key` metadata: an untrusted certificate, a missing key (401) and a read-only key
    at the target (403) fail with exit 1 and leave the target empty; then the copy is exact."""
    directory, started = work
    source_cert, source_key = _make_certificate(directory, "source")
    target_cert, target_key = _make_certificate(directory, "target")
    stranger_cert, _ = _make_certificate(directory, "stranger")
    source = GuardedServer(source_cert, source_key, read_only_key=True)
    started.append(source.start())
    target = GuardedServer(target_cert, target_key, read_only_key=True)
    started.append(target.start())
    source_api, target_api = _api(source), _api(target)
    collections = _seed(source_api, main_points=600)
    source_url, target_url = (f"grpcs://127.0.0.1:{s.grpc_port}" for s in (source, target))
    state = str(directory / "state.json")
    common = ["--from", source_url, "--to", target_url, "--state", state, "--retries", "0",
              "--from-ca-file", str(source_cert), "--to-ca-file", str(target_cert)]

    untrusted = _run(*common, "--to-ca-file", str(stranger_cert), "--from-api-key", READ_ONLY_KEY,
                     "--to-api-key", KEY)
    assert untrusted.returncode == 1, untrusted.stdout + untrusted.stderr
    assert f"sextant migrate: {target_url}: GET /collections/" in untrusted.stderr
    assert "answered 503" in untrusted.stderr
    keyless = _run(*common, "--from-api-key", READ_ONLY_KEY)
    assert keyless.returncode == 1
    assert f"{target_url}: GET /collections/" in keyless.stderr and "answered 401" in keyless.stderr
    read_only_target = _run(*common, "--from-api-key", READ_ONLY_KEY, "--to-api-key", READ_ONLY_KEY)
    assert read_only_target.returncode == 1
    assert f"{target_url}: PUT /collections/" in read_only_target.stderr and "answered 403" in read_only_target.stderr
    assert _collection_names(target_api) == []

    run = _run(*common, "--from-api-key", READ_ONLY_KEY, "--to-api-key", KEY, "--batch-size", "100")
    assert run.returncode == 0, run.stdout + run.stderr
    assert f"from {source_url} to {target_url}" in run.stdout
    assert "verify mig_main: points 600/600, sample 100/100 equal" in run.stdout
    _assert_same_collections(source_api, target_api, collections)

class FlakyProxy:
    """An HTTP proxy in front of the target that fails the first `failures` upserts of points:
    alternately a 503 answer and a connection dropped without an answer."""

    def __init__(self, upstream_port: int, failures: int):
        self.upstream_port = upstream_port
        self.failures_left = failures
        self.failed = 0
        self.lock = threading.Lock()
        proxy = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def _forward(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                if self.command == "PUT" and self.path.split("?")[0].endswith("/points"):
                    with proxy.lock:
                        fail = proxy.failures_left > 0
                        if fail:
                            proxy.failures_left -= 1
                            proxy.failed += 1
                            drop = proxy.failed % 2 == 0
                    if fail and drop:
                        self.close_connection = True
                        return
                    if fail:
                        answer = b'{"status":{"error":"Service unavailable: test proxy"},"time":0}'
                        self.send_response(503)
                        self.send_header("Content-Type", "application/json")
                        self.send_header("Content-Length", str(len(answer)))
                        self.end_headers()
                        self.wfile.write(answer)
                        return
                upstream = http.client.HTTPConnection("127.0.0.1", proxy.upstream_port, timeout=60)
                headers = {k: v for k, v in self.headers.items() if k.lower() in {"content-type", "api-key"}}
                upstream.request(self.command, self.path, body=body or None, headers=headers)
                response = upstream.getresponse()
                data = response.read()
                upstream.close()
                self.send_response(response.status)
                self.send_header("Content-Type", response.getheader("Content-Type", "application/json"))
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_PUT = do_POST = do_DELETE = _forward

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=10)


def test_migrate_retries_a_failing_target_with_backoff_and_copies_exactly(work):
    directory, started = work
    source, target = ServerProcess(), ServerProcess()
    started.append(source.start())
    started.append(target.start())
    source_api, target_api = ApiClient(source.url), ApiClient(target.url)
    collections = _seed(source_api, main_points=1000, seed=5)

    with FlakyProxy(target.http_port, failures=4) as proxy:
        started_at = time.monotonic()
        run = _run("--from", source.url, "--to", proxy.url, "--state", str(directory / "state.json"),
                   "--batch-size", "100", "--parallel", "1", "--parallel-batches", "1", "--retries", "5")
        elapsed = time.monotonic() - started_at
    assert run.returncode == 0, run.stdout + run.stderr
    assert proxy.failed == 4
    # Four failed attempts of one upsert wait 0.5 + 1 + 2 + 4 s before the fifth succeeds.
    assert elapsed >= 7.5
    assert "verify mig_main: points 1000/1000, sample 100/100 equal" in run.stdout
    _assert_same_collections(source_api, target_api, collections)

    # Fewer retries than failures: the migration stops with the target's answer, exit 1.
    other = ServerProcess()
    started.append(other.start())
    with FlakyProxy(other.http_port, failures=3) as proxy:
        run = _run("--from", source.url, "--to", proxy.url, "--state", str(directory / "state2.json"),
                   "--parallel", "1", "--parallel-batches", "1", "--retries", "1")
    # The request's two attempts met a 503 and then a dropped connection: the last is the error.
    assert run.returncode == 1
    assert proxy.failed == 2
    assert f"sextant migrate: {proxy.url}: sending the request failed" in run.stderr


def _sextant_on(storage: Path) -> ServerProcess:
    return ServerProcess(binary=REPO_ROOT / "build" / "sextant", cwd=REPO_ROOT,
                         extra_env={"QDRANT__STORAGE__STORAGE_PATH": str(storage)})


def test_migrate_to_storage_writes_what_a_server_then_serves(work):
    directory, started = work
    source = ServerProcess()
    started.append(source.start())
    source_api = ApiClient(source.url)
    collections = _seed(source_api, main_points=3000, seed=3)
    total = 3000 + (200 if "mig_sharded" in collections else 0)
    storage, state = directory / "storage", directory / "state.json"

    # Killed mid-run with three batches in flight, then resumed from the state file.
    process = subprocess.Popen(
        [str(MIGRATE_BIN), "migrate", "--from", source.url, "--to-storage", str(storage),
         "--state", str(state), "--batch-size", "10", "--parallel", "1", "--parallel-batches", "3"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    copied_before_kill = 0
    deadline = time.monotonic() + 120
    try:
        while time.monotonic() < deadline and process.poll() is None:
            try:
                cursors = json.loads(state.read_text())["collections"]
            except (OSError, ValueError):
                cursors = {}
            copied_before_kill = sum(c.get("points_copied", 0) for c in cursors.values())
            if copied_before_kill >= 300:
                break
            time.sleep(0.01)
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait()
    assert process.returncode == -signal.SIGKILL, "the migration ended before it could be killed"
    assert 300 <= copied_before_kill < total

    resumed = _run("--from", source.url, "--to-storage", str(storage), "--state", str(state))
    assert resumed.returncode == 0, resumed.stdout + resumed.stderr
    assert "resuming from" in resumed.stderr
    assert f"to storage:{storage}" in resumed.stdout
    assert "verify mig_main: points 3000/3000, sample 100/100 equal" in resumed.stdout
    assert "MISMATCH" not in resumed.stdout

    # A server started on the directory serves exactly the source's collections.
    server = _sextant_on(storage)
    started.append(server.start())
    target_api = ApiClient(server.url)
    _assert_same_collections(source_api, target_api, collections)
    probe = source_api.post("/collections/mig_main/points/scroll", json={"limit": 3, "with_vector": True}).result
    for point in probe["points"]:
        body = {"query": point["vector"]["dense"], "using": "dense", "limit": 10, "params": {"exact": True}}
        ids = lambda api: [p["id"] for p in api.post("/collections/mig_main/points/query", json=body).result["points"]]  # noqa: E731
        assert ids(target_api) == ids(source_api)

    # While that server holds the directory, --to-storage refuses it and writes nothing.
    refused = _run("--from", source.url, "--to-storage", str(storage), "--state", str(directory / "other.json"))
    assert refused.returncode == 1
    assert f"sextant migrate: cannot open storage {storage}: storage directory {storage} is in use by another process" in refused.stderr
    assert refused.stdout == ""
    assert not (directory / "other.json").exists()
    assert target_api.post("/collections/mig_main/points/count", json={"exact": True}).result["count"] == 3000
