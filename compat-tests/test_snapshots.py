"""Collection and full-storage snapshots: create -> list -> download -> delete the collection ->
upload / recover -> identical search results, through plain HTTP and the official Python client;
plus the security rules (locations confined to the snapshots directory, checksums verified,
failed recoveries change nothing), uploads streamed past the request size limit, and
`--snapshot PATH:COLLECTION` / `--storage-snapshot PATH` at start-up.

Tests that read or place files on the server's disk need a server this suite started."""

from __future__ import annotations

import hashlib
import http.server
import json
import secrets
import shutil
import socket
import subprocess
import threading
import time
import uuid
import warnings
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from qdrant_client import models

from conftest import unique_name
from support.api_client import ApiClient
from support.server_process import ServerProcess, server_cwd

QUERY = {
    "vector": [0.2, 0.9, 0.1, 0.4],
    "limit": 8,
    "with_payload": True,
    "with_vector": True,
    "filter": {"must": [{"key": "city", "match": {"value": "Paris"}}]},
}


def fill_collection(api, collection_factory) -> str:
    name = collection_factory({"vectors": {"size": 4, "distance": "Cosine"}})
    api.put(f"/collections/{name}/index", params={"wait": "true"},
            json={"field_name": "city", "field_schema": "keyword"}).expect(200)
    points = [
        {
            "id": i,
            "vector": [((i * 7) % 11) / 10, ((i * 3) % 5) / 4, 1.0, (i % 4) / 3],
            "payload": {"city": "Paris" if i % 3 else "Rome", "n": i},
        }
        for i in range(1, 61)
    ]
    api.put(f"/collections/{name}/points", params={"wait": "true"},
            json={"points": points}).expect(200)
    return name


def search(api, name: str):
    return api.post(f"/collections/{name}/points/search", json=QUERY).result


def shape(api, name: str):
    info = api.get(f"/collections/{name}").result
    return info["points_count"], info["config"]["params"], info["payload_schema"]


def create_snapshot(api, name: str) -> dict:
    created = api.post(f"/collections/{name}/snapshots").result
    assert created["name"].startswith(f"{name}-") and created["name"].endswith(".snapshot")
    return created


def raw_download(api, name: str, snapshot_name: str) -> bytes:
    """The snapshot file's bytes (a binary body, so the JSON validator has nothing to check)."""
    headers = {"api-key": api.api_key} if api.api_key else {}
    raw = api._session.get(f"{api.base_url}/collections/{name}/snapshots/{snapshot_name}",
                           headers=headers, timeout=30)
    assert raw.status_code == 200
    return raw.content


def multipart(field: str, filename: str, content: bytes) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    body = (
        f"--{boundary}\r\nContent-Disposition: form-data; name=\"{field}\"; "
        f"filename=\"{filename}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
    ).encode() + content + f"\r\n--{boundary}--\r\n".encode()
    return body, f"multipart/form-data; boundary={boundary}"


def needs_local_server(server):
    if server.process is None:
        pytest.skip("reads the server's snapshots directory: needs a server this suite started")
    return server.process.root / "snapshots"


def test_round_trip_download_delete_upload_gives_identical_search(api, collection_factory):
    name = fill_collection(api, collection_factory)
    before, before_shape = search(api, name), shape(api, name)
    created = create_snapshot(api, name)

    listed = api.get(f"/collections/{name}/snapshots").result
    entry = next(item for item in listed if item["name"] == created["name"])
    assert set(entry) >= {"name", "creation_time", "size", "checksum"}
    content = raw_download(api, name, created["name"])
    assert len(content) == entry["size"] == created["size"]
    assert hashlib.sha256(content).hexdigest() == entry["checksum"]

    api.delete(f"/collections/{name}").expect(200)
    api.get(f"/collections/{name}").expect(404)
    body, content_type = multipart("snapshot", created["name"], content)
    api.post(f"/collections/{name}/snapshots/upload",
             params={"priority": "snapshot", "checksum": entry["checksum"]},
             data=body, headers={"Content-Type": content_type}).expect(200)
    assert search(api, name) == before
    assert shape(api, name) == before_shape


def curl(api, *args: str) -> str:
    """Runs the curl binary against the server as an admin script would; returns stdout."""
    if shutil.which("curl") is None:
        pytest.skip("curl is not installed")
    headers = ["-H", f"api-key: {api.api_key}"] if api.api_key else []
    done = subprocess.run(["curl", "-sS", "--fail-with-body", *headers, *args],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, f"curl {args}: {done.returncode} {done.stdout} {done.stderr}"
    return done.stdout


def test_curl_round_trip_create_download_delete_upload(api, collection_factory, tmp_path):
    name = fill_collection(api, collection_factory)
    before, before_shape = search(api, name), shape(api, name)
    base = f"{api.base_url}/collections/{name}"
    created = json.loads(curl(api, "-X", "POST", f"{base}/snapshots"))["result"]
    archive = tmp_path / created["name"]
    curl(api, "-o", str(archive), f"{base}/snapshots/{created['name']}")
    assert archive.stat().st_size == created["size"]
    assert hashlib.sha256(archive.read_bytes()).hexdigest() == created["checksum"]

    curl(api, "-X", "DELETE", base)
    api.get(f"/collections/{name}").expect(404)
    uploaded = json.loads(curl(
        api, "-X", "POST", f"{base}/snapshots/upload?priority=snapshot",
        "-H", "Content-Type: multipart/form-data", "-F", f"snapshot=@{archive}"))
    assert uploaded["status"] == "ok" and uploaded["result"] is True
    assert search(api, name) == before
    assert shape(api, name) == before_shape


@pytest.mark.sextant_only  # Qdrant routes uploads by POST only (PUT answers 404 there)
def test_raw_put_upload_as_backup_scripts_send_it(api, collection_factory):
    name = fill_collection(api, collection_factory)
    before = search(api, name)
    content = raw_download(api, name, create_snapshot(api, name)["name"])
    api.post(f"/collections/{name}/points/delete", params={"wait": "true"},
             json={"points": list(range(1, 31))}).expect(200)
    assert search(api, name) != before
    # Qdrant's spec documents only POST for uploads; the PUT form is what `curl -X PUT
    # --data-binary @file` backup scripts send, so its answer is checked by hand.
    uploaded = api.put(f"/collections/{name}/snapshots/upload", data=content,
                       params={"wait": "true"}, route_in_spec=False,
                       headers={"Content-Type": "application/octet-stream"}).expect(200)
    assert uploaded.body["status"] == "ok" and uploaded.body["result"] is True
    assert search(api, name) == before


def test_wrong_checksum_or_corrupt_upload_leaves_collection_intact(api, collection_factory):
    name = fill_collection(api, collection_factory)
    content = raw_download(api, name, create_snapshot(api, name)["name"])
    api.post(f"/collections/{name}/points/delete", params={"wait": "true"},
             json={"points": [1, 2, 3]}).expect(200)
    after_delete = search(api, name)

    body, content_type = multipart("snapshot", "x.snapshot", content)
    wrong = api.post(f"/collections/{name}/snapshots/upload", params={"checksum": "0" * 64},
                     data=body, headers={"Content-Type": content_type}).expect(400)
    assert wrong.error.startswith("Checksum mismatch")

    # A truncated archive is refused; Sextant says 400, Qdrant 500 ("failed to unpack"). What
    # both promise is that the collection is left as it was.
    body, content_type = multipart("snapshot", "x.snapshot", content[: len(content) // 2])
    truncated = api.post(f"/collections/{name}/snapshots/upload", data=body, validate=False,
                         headers={"Content-Type": content_type})
    assert truncated.status in (400, 500) and truncated.error
    assert search(api, name) == after_delete


def test_recover_from_file_location_inside_snapshots_only(api, server, collection_factory,
                                                          tmp_path):
    snapshots = needs_local_server(server)
    name = fill_collection(api, collection_factory)
    before = search(api, name)
    created = create_snapshot(api, name)
    path = (snapshots / name / created["name"]).resolve()
    assert path.is_file() and Path(str(path) + ".checksum").read_text().strip() == \
        created["checksum"]

    target = collection_factory({"vectors": {"size": 4, "distance": "Cosine"}})
    api.delete(f"/collections/{target}").expect(200)
    api.put(f"/collections/{target}/snapshots/recover",
            json={"location": path.as_uri(), "checksum": created["checksum"]}).expect(200)
    assert search(api, target) == before

    bad_sum = api.put(f"/collections/{target}/snapshots/recover",
                      json={"location": path.as_uri(), "checksum": "ab" * 32}).expect(400)
    assert "checksum mismatch" in bad_sum.error

    outside = tmp_path / "outside.snapshot"
    shutil.copy(path, outside)
    forbidden = api.put(f"/collections/{target}/snapshots/recover",
                        json={"location": outside.as_uri()}).expect(403)
    assert "must be inside the snapshots directory" in forbidden.error
    link = snapshots / name / "link.snapshot"
    link.symlink_to(outside)
    api.put(f"/collections/{target}/snapshots/recover",
            json={"location": link.as_uri()}).expect(403)
    api.get(f"/collections/{name}/snapshots/link.snapshot").expect(404)
    escaping = f"file://{snapshots}/{name}/../../../{outside.parent.name}/outside.snapshot"
    assert api.put(f"/collections/{target}/snapshots/recover",
                   json={"location": escaping}).status in (400, 403)
    api.put(f"/collections/{target}/snapshots/recover",
            json={"location": "file:///etc/passwd"}).expect(403)
    assert search(api, target) == before


def test_recover_from_http_url(api, collection_factory, tmp_path):
    name = fill_collection(api, collection_factory)
    before = search(api, name)
    (tmp_path / "served.snapshot").write_bytes(raw_download(api, name, create_snapshot(api, name)["name"]))

    seen_api_keys = []

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, directory=str(tmp_path), **kwargs)

        def do_GET(self):
            seen_api_keys.append(self.headers.get("api-key"))
            super().do_GET()

        def log_message(self, *args):
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Quiet)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        target = unique_name("snaphttp")
        url = f"http://127.0.0.1:{httpd.server_address[1]}/served.snapshot"
        api.put(f"/collections/{target}/snapshots/recover",
                json={"location": url, "api_key": "remote-secret"}).expect(200)
        assert seen_api_keys == ["remote-secret"]
        try:
            assert search(api, target) == before
            missing = f"http://127.0.0.1:{httpd.server_address[1]}/missing.snapshot"
            api.put(f"/collections/{target}/snapshots/recover",
                    json={"location": missing}).expect(400)
            assert search(api, target) == before
        finally:
            api.delete(f"/collections/{target}")
    finally:
        httpd.shutdown()


def test_snapshot_names_cannot_escape_and_missing_ones_are_404(api, collection_factory):
    name = collection_factory()
    # A download answers a file, and Qdrant answers a missing one in plain text: only the status
    # of the GETs is compared.
    for snapshot_name in ("missing.snapshot", "..%2F..%2Fetc%2Fpasswd", ".peer_id"):
        assert api.get(f"/collections/{name}/snapshots/{snapshot_name}", validate=False).status == 404
        api.delete(f"/collections/{name}/snapshots/{snapshot_name}").expect(404)
    assert api.get("/snapshots/..%2Fstorage", validate=False).status == 404
    assert api.get("/snapshots/.peer_id", validate=False).status == 404
    api.get(f"/collections/{unique_name()}/snapshots").expect(404)
    api.post(f"/collections/{unique_name()}/snapshots").expect(404)


def test_delete_snapshot_and_wait_false_is_accepted(api, collection_factory):
    name = fill_collection(api, collection_factory)
    created = create_snapshot(api, name)
    api.delete(f"/collections/{name}/snapshots/{created['name']}").expect(200)
    names = [item["name"] for item in api.get(f"/collections/{name}/snapshots").result]
    assert created["name"] not in names
    accepted = api.post(f"/collections/{name}/snapshots", params={"wait": "false"}).expect(202)
    assert accepted.body["status"] == "accepted"


def test_full_storage_snapshots(api, collection_factory):
    fill_collection(api, collection_factory)
    created = api.post("/snapshots").result
    assert created["name"].startswith("full-snapshot-")
    listed = api.get("/snapshots").result
    assert created["name"] in [item["name"] for item in listed]
    headers = {"api-key": api.api_key} if api.api_key else {}
    raw = api._session.get(f"{api.base_url}/snapshots/{created['name']}", headers=headers,
                           timeout=30)
    assert raw.status_code == 200 and len(raw.content) == created["size"]
    assert hashlib.sha256(raw.content).hexdigest() == created["checksum"]
    api.delete(f"/snapshots/{created['name']}").expect(200)
    assert created["name"] not in [item["name"] for item in api.get("/snapshots").result]


@pytest.fixture
def client(make_qdrant_client):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        qdrant = make_qdrant_client(timeout=60)
    yield qdrant
    qdrant.close()


def test_python_client_snapshot_round_trip(api, client, server, collection_factory):
    snapshots = needs_local_server(server)
    name = fill_collection(api, collection_factory)
    before = search(api, name)
    description = client.create_snapshot(collection_name=name, wait=True)
    assert description is not None and description.size > 0
    assert description.name in [s.name for s in client.list_snapshots(collection_name=name)]
    location = (snapshots / name / description.name).resolve().as_uri()

    client.delete_collection(collection_name=name)
    assert client.recover_snapshot(collection_name=name, location=location,
                                   checksum=description.checksum,
                                   priority=models.SnapshotPriority.SNAPSHOT, wait=True)
    assert search(api, name) == before
    assert client.delete_snapshot(collection_name=name, snapshot_name=description.name, wait=True)
    assert description.name not in [s.name for s in client.list_snapshots(collection_name=name)]

    full = client.create_full_snapshot(wait=True)
    assert full.name in [s.name for s in client.list_full_snapshots()]
    assert client.delete_full_snapshot(snapshot_name=full.name, wait=True)


class SnapshotStartServer(ServerProcess):
    """A server started with `--snapshot PATH:COLLECTION` arguments."""

    def __init__(self, arguments: list[str]):
        super().__init__()
        self.arguments = arguments

    def start(self) -> "SnapshotStartServer":
        self._log = open(self.log_path, "ab")
        self.process = subprocess.Popen([str(self.binary), *self.arguments], cwd=server_cwd(),
                                        env=self._environment(), stdout=self._log,
                                        stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        self._wait_ready()
        return self


@pytest.mark.owns_server
@pytest.mark.sextant_only
def test_snapshot_flag_restores_at_startup(api, collection_factory, tmp_path):
    name = fill_collection(api, collection_factory)
    before = search(api, name)
    snapshot_file = tmp_path / "restore.snapshot"
    snapshot_file.write_bytes(raw_download(api, name, create_snapshot(api, name)["name"]))

    restored = SnapshotStartServer(["--snapshot", f"{snapshot_file}:restored"]).start()
    try:
        other = type(api)(restored.url)
        assert search(other, "restored") == before
    finally:
        restored.cleanup()

    broken = tmp_path / "broken.snapshot"
    broken.write_bytes(snapshot_file.read_bytes()[:4096])
    failing = SnapshotStartServer(["--snapshot", f"{broken}:restored"])
    with pytest.raises(RuntimeError, match="exited"):
        failing.start()
    failing.cleanup()


def test_snapshot_taken_while_writes_flow_is_a_consistent_point_in_time(api, collection_factory):
    """Batches of 25 points are upserted (wait=true) while the snapshot is taken; the recovered
    collection holds whole batches only, each point with its payload and vector."""
    name = collection_factory({"vectors": {"size": 4, "distance": "Dot"}})
    batch_size, batches = 25, 60
    stop = threading.Event()
    errors: list[str] = []

    def writer():
        for batch in range(batches):
            if stop.is_set():
                return
            points = [{"id": batch * batch_size + i, "vector": [batch, i, 1.0, 0.5],
                       "payload": {"batch": batch}} for i in range(batch_size)]
            response = api.put(f"/collections/{name}/points", params={"wait": "true"},
                               json={"points": points})
            if response.status != 200:
                errors.append(response.text)

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        while api.get(f"/collections/{name}").result["points_count"] < 5 * batch_size:
            pass
        created = create_snapshot(api, name)
    finally:
        stop.set()
        thread.join()
    assert not errors
    content = raw_download(api, name, created["name"])

    target = unique_name("snapconsistent")
    body, content_type = multipart("snapshot", created["name"], content)
    api.post(f"/collections/{target}/snapshots/upload", data=body,
             headers={"Content-Type": content_type}).expect(200)
    try:
        count = api.get(f"/collections/{target}").result["points_count"]
        assert count >= 5 * batch_size and count % batch_size == 0
        points = api.post(f"/collections/{target}/points/scroll",
                          json={"limit": count + 10, "with_payload": True,
                                "with_vector": True}).result["points"]
        assert len(points) == count
        for point in points:
            batch = point["id"] // batch_size
            assert point["payload"] == {"batch": batch}
            assert point["vector"] == [batch, point["id"] % batch_size, 1.0, 0.5]
    finally:
        api.delete(f"/collections/{target}")


def fill_large_collection(api, name: str, points: int = 600) -> None:
    """About 2 MB of incompressible payload, upserted in batches well under 1 MB."""
    api.put(f"/collections/{name}", json={"vectors": {"size": 4, "distance": "Dot"}}).expect(200)
    for start in range(0, points, 100):
        batch = [{"id": i + 1, "vector": [1.0, i % 7, 0.5, i % 3],
                  "payload": {"blob": secrets.token_hex(1500)}}
                 for i in range(start, start + 100)]
        api.put(f"/collections/{name}/points", params={"wait": "true"},
                json={"points": batch}).expect(200)


@pytest.mark.owns_server
def test_upload_is_not_bound_by_max_request_size():
    """max_request_size_mb limits JSON bodies; snapshot uploads are multipart forms, which
    Qdrant accepts at any size (its MultipartFormConfig total_limit is unbounded)."""
    limited = ServerProcess(extra_env={"QDRANT__SERVICE__MAX_REQUEST_SIZE_MB": "1"}).start()
    try:
        api = ApiClient(limited.url)
        fill_large_collection(api, "large")
        created = create_snapshot(api, "large")
        content = raw_download(api, "large", created["name"])
        assert len(content) > 1_500_000

        too_big = [{"id": 10_000 + i, "vector": [1.0, 0, 0, 0],
                    "payload": {"blob": secrets.token_hex(1500)}} for i in range(400)]
        assert api.put("/collections/large/points", json={"points": too_big}).status in (400, 413)

        body, content_type = multipart("snapshot", created["name"], content)
        api.post("/collections/copy/snapshots/upload",
                 params={"checksum": created["checksum"]},
                 data=body, headers={"Content-Type": content_type}).expect(200)
        assert api.get("/collections/copy").result["points_count"] == 600
        original = api.post("/collections/large/points/scroll",
                            json={"limit": 600, "with_payload": True}).result["points"]
        copied = api.post("/collections/copy/points/scroll",
                          json={"limit": 600, "with_payload": True}).result["points"]
        assert copied == original
    finally:
        limited.cleanup()


def test_uploaded_snapshot_is_listed_under_its_file_name(api, collection_factory):
    """Qdrant keeps an uploaded snapshot among the target collection's snapshots."""
    name = fill_collection(api, collection_factory)
    before = search(api, name)
    content = raw_download(api, name, create_snapshot(api, name)["name"])
    target = unique_name("snapupload")
    body, content_type = multipart("snapshot", "uploaded-copy.snapshot", content)
    api.post(f"/collections/{target}/snapshots/upload", data=body,
             headers={"Content-Type": content_type}).expect(200)
    try:
        assert search(api, target) == before
        listed = api.get(f"/collections/{target}/snapshots").result
        entry = next(item for item in listed if item["name"] == "uploaded-copy.snapshot")
        assert entry["size"] == len(content)
        api.delete(f"/collections/{target}/snapshots/uploaded-copy.snapshot").expect(200)
    finally:
        api.delete(f"/collections/{target}")


def scratch_files(snapshots: Path) -> list[Path]:
    return [path for path in (snapshots / ".tmp").rglob("*") if path.is_file()]


@pytest.mark.sextant_only
def test_upload_streams_to_disk_and_a_broken_one_leaves_nothing(api, server, collection_factory):
    """The body reaches a scratch file while it is still arriving (nothing is buffered whole),
    and a client that goes away mid-upload leaves no file behind."""
    snapshots = needs_local_server(server)
    name = fill_collection(api, collection_factory)
    before = search(api, name)
    address = urlsplit(server.url)
    head = (f"POST /collections/{name}/snapshots/upload HTTP/1.1\r\nHost: {address.hostname}\r\n"
            "Content-Type: multipart/form-data; boundary=b0undary\r\n"
            "Content-Length: 100000000\r\n\r\n").encode()
    part = (b'--b0undary\r\nContent-Disposition: form-data; name="snapshot"; '
            b'filename="partial.snapshot"\r\n\r\n')
    with socket.create_connection((address.hostname, address.port), timeout=10) as client:
        client.sendall(head + part + b"x" * 2_000_000)
        deadline = time.monotonic() + 10
        while sum(path.stat().st_size for path in scratch_files(snapshots)) < 1_000_000:
            assert time.monotonic() < deadline, "upload never reached the disk"
            time.sleep(0.05)
    deadline = time.monotonic() + 10
    while scratch_files(snapshots):
        assert time.monotonic() < deadline, "scratch file of a broken upload was left behind"
        time.sleep(0.05)
    assert "partial.snapshot" not in [s["name"] for s in
                                      api.get(f"/collections/{name}/snapshots").result]
    assert search(api, name) == before


def aliases_of(api) -> list[dict]:
    return api.get("/aliases").result["aliases"]


@pytest.mark.owns_server
def test_storage_snapshot_flag_restores_every_collection_and_alias(api, collection_factory,
                                                                   tmp_path):
    """--storage-snapshot restores a full-storage snapshot before serving; a collection that
    already exists stops the start-up unless --force-snapshot replaces it."""
    name = fill_collection(api, collection_factory)
    before = search(api, name)
    alias = unique_name("fullalias")
    api.post("/collections/aliases", json={"actions": [
        {"create_alias": {"collection_name": name, "alias_name": alias}}]}).expect(200)
    try:
        created = api.post("/snapshots").result
        headers = {"api-key": api.api_key} if api.api_key else {}
        raw = api._session.get(f"{api.base_url}/snapshots/{created['name']}", headers=headers,
                               timeout=60)
        assert raw.status_code == 200
        api.delete(f"/snapshots/{created['name']}").expect(200)
    finally:
        api.post("/collections/aliases", json={"actions": [
            {"delete_alias": {"alias_name": alias}}]})
    full = tmp_path / "full.snapshot"
    full.write_bytes(raw.content)

    restored = SnapshotStartServer(["--storage-snapshot", str(full)])
    try:
        restored.start()
        other = ApiClient(restored.url)
        assert search(other, name) == before
        assert {"alias_name": alias, "collection_name": name} in aliases_of(other)
        other.post(f"/collections/{name}/points/delete", params={"wait": "true"},
                   json={"points": list(range(1, 31))}).expect(200)
        changed = search(other, name)
        assert changed != before

        restored.stop()
        with pytest.raises(RuntimeError, match="exited"):
            restored.start()
        assert "already exists" in restored.log_tail()
        restored.arguments = []
        restored.start()
        assert search(other, name) == changed  # the refused start-up changed nothing

        restored.stop()
        restored.arguments = ["--storage-snapshot", str(full), "--force-snapshot"]
        restored.start()
        assert search(other, name) == before
        assert {"alias_name": alias, "collection_name": name} in aliases_of(other)
    finally:
        restored.cleanup()


@pytest.mark.owns_server
def test_url_recovery_can_be_disabled():
    """service.enable_snapshot_url_recovery: false refuses http(s) locations (collection and
    shard recovery) with 403 and leaves uploads and local files to recover from."""
    closed = ServerProcess(extra_env={"QDRANT__SERVICE__ENABLE_SNAPSHOT_URL_RECOVERY": "false"})
    closed.start()
    try:
        api = ApiClient(closed.url)
        api.put("/collections/urlless", json={"vectors": {"size": 2, "distance": "Dot"}}).expect(200)
        location = f"{closed.url}/collections/urlless/snapshots/any.snapshot"
        for route in ("/collections/urlless/snapshots/recover",
                      "/collections/urlless/shards/0/snapshots/recover"):
            refused = api.put(route, json={"location": location})
            assert refused.status == 403, route
            assert refused.error == ("Forbidden: Snapshot recovery from remote URLs is disabled "
                                     "in the configuration")
        assert api.get("/collections/urlless").status == 200
    finally:
        closed.stop()
