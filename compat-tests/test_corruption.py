"""Bytes flipped in a stopped server's storage: detected, logged with the collection named, rebuilt
where they can be, and the other collections serve.

Three collections are written and indexed, the server is stopped, and one byte is flipped in
each kind of stored file:
- the HNSW graph image of `graph_kept` (a link in its first page, inside data.mdb),
- a quantized-code chunk of `codes_kept` (a code inside its first page),
- the first LMDB meta page of `mdb_broken`'s data.mdb (its magic).
After a restart the log names each collection and what was found; the graph and the codes are
rebuilt (every point is found as its own nearest neighbour, and a second restart reports nothing
for them: the rebuilt state was stored intact); `mdb_broken` is refused with a 500 naming why,
while the other two serve, and deleting it lets the name be used again.
"""

import time
from pathlib import Path

import numpy as np
import pytest
import requests

from support.api_client import ApiClient
from support.server_process import ServerProcess

pytestmark = [pytest.mark.owns_server, pytest.mark.sextant_only]

DIM = 16
POINTS = 400
PAGE_BYTES = 4096
PAGE_HEADER_BYTES = 16  # an LMDB overflow page's value starts here
IMAGE_MAGIC = b"SXHNSW01"
CODE_CHUNK_MAGIC = b"SXCC"
IMAGE_LINK_AT = 200  # past the 192-byte header of a version 2 image: level-0 links
CODE_AT = 40  # past the 16-byte chunk header: code bytes


@pytest.fixture
def own_server():
    process = ServerProcess().start()
    try:
        yield process
    finally:
        process.cleanup()


def _vectors() -> np.ndarray:
    rng = np.random.default_rng(13)
    return rng.normal(size=(POINTS, DIM)).astype(np.float32)


def _create_and_fill(api: ApiClient, name: str, vectors: np.ndarray, quantized: bool) -> None:
    body = {"vectors": {"size": DIM, "distance": "Euclid"},
            "optimizers_config": {"indexing_threshold": 10}}
    if quantized:
        body["quantization_config"] = {"scalar": {"type": "int8", "always_ram": True}}
    api.put(f"/collections/{name}", json=body).expect(200)
    points = [{"id": i, "vector": vectors[i].tolist(), "payload": {"n": i}} for i in range(POINTS)]
    api.put(f"/collections/{name}/points", json={"points": points},
            params={"wait": "true"}).expect(200)


def _wait_indexed(api: ApiClient, name: str) -> None:
    deadline = time.time() + 60
    info = None
    while time.time() < deadline:
        info = api.get(f"/collections/{name}").expect(200).result
        if info["indexed_vectors_count"] >= POINTS:
            return
        time.sleep(0.1)
    pytest.fail(f"{name} not indexed in time: {info}")


def _each_point_finds_itself(api: ApiClient, name: str, vectors: np.ndarray) -> None:
    found = 0
    for i in range(0, POINTS, 4):
        hits = api.post(f"/collections/{name}/points/query",
                        json={"query": vectors[i].tolist(), "limit": 1}).expect(200).result
        found += hits["points"][0]["id"] == i
    assert found >= POINTS // 4 * 0.98, f"{name}: {found} of {POINTS // 4} found themselves"
    page = api.post(f"/collections/{name}/points/scroll",
                    json={"limit": POINTS, "with_payload": True, "with_vector": True}).expect(200)
    points = page.result["points"]
    assert len(points) == POINTS
    for point in points:
        assert point["payload"] == {"n": point["id"]}
        assert np.allclose(point["vector"], vectors[point["id"]], atol=1e-6)


def _flip_at_page_starts(path: Path, magic: bytes, at: int) -> int:
    """Flips the byte `at` past each `magic` that opens an overflow page; returns how many."""
    data = bytearray(path.read_bytes())
    flipped = 0
    start = data.find(magic)
    while start >= 0:
        if start % PAGE_BYTES == PAGE_HEADER_BYTES and start % PAGE_BYTES + at < PAGE_BYTES:
            data[start + at] ^= 0x5A
            flipped += 1
        start = data.find(magic, start + 1)
    path.write_bytes(bytes(data))
    return flipped


def _log_lines(server: ServerProcess, text: str) -> list[str]:
    return [line for line in server.log_path.read_text(errors="replace").splitlines()
            if text in line]


def test_flipped_bytes_in_each_stored_file_are_detected_logged_and_rebuilt(own_server):
    api = ApiClient(own_server.url)
    vectors = _vectors()
    _create_and_fill(api, "graph_kept", vectors, quantized=False)
    _create_and_fill(api, "codes_kept", vectors, quantized=True)
    _create_and_fill(api, "mdb_broken", vectors, quantized=False)
    for name in ("graph_kept", "codes_kept"):
        _wait_indexed(api, name)
    own_server.stop()  # a graceful stop persists every graph image and code chunk

    # Directories are numbered in creation order.
    collections = own_server.root / "storage" / "collections"
    assert _flip_at_page_starts(collections / "1" / "data.mdb", IMAGE_MAGIC, IMAGE_LINK_AT) >= 1
    assert _flip_at_page_starts(collections / "2" / "data.mdb", CODE_CHUNK_MAGIC, CODE_AT) >= 1
    with open(collections / "3" / "data.mdb", "r+b") as mdb:
        mdb.seek(PAGE_HEADER_BYTES)  # mm_magic of the first meta page
        magic = mdb.read(1)
        mdb.seek(PAGE_HEADER_BYTES)
        mdb.write(bytes([magic[0] ^ 0x5A]))

    own_server.start()
    _wait_indexed(api, "graph_kept")
    _wait_indexed(api, "codes_kept")
    graph_lines = _log_lines(own_server, "Collection `graph_kept`, vector \"\": the stored HNSW "
                             "graph image is unusable (invalid HNSW image: the body fails its "
                             "checksum); the graph is rebuilt from the stored vectors")
    codes_lines = _log_lines(own_server, "Collection `codes_kept`, vector \"\": the stored "
                             "quantized codes are unusable (")
    mdb_lines = _log_lines(own_server, "Collection `mdb_broken`, cannot be opened (")
    assert len(graph_lines) == 1, own_server.log_tail()
    assert len(codes_lines) == 1 and "checksum" in codes_lines[0], own_server.log_tail()
    assert len(mdb_lines) == 1 and "MDB_INVALID" in mdb_lines[0], own_server.log_tail()

    _each_point_finds_itself(api, "graph_kept", vectors)
    _each_point_finds_itself(api, "codes_kept", vectors)
    for path in ("/collections/mdb_broken", "/collections/mdb_broken/points/count"):
        method = requests.get if path.endswith("broken") else requests.post
        response = method(own_server.url + path, json={}, timeout=10)
        assert response.status_code == 500, response.text
        error = response.json()["status"]["error"]
        assert error.startswith("Service internal error: Collection `mdb_broken` could not be "
                                "opened: "), error
    names = {c["name"] for c in api.get("/collections").expect(200).result["collections"]}
    assert names == {"graph_kept", "codes_kept"}

    # The rebuilt graph and codes were stored intact: a second start reports nothing new for them.
    own_server.stop()
    own_server.start()
    _wait_indexed(api, "graph_kept")
    _wait_indexed(api, "codes_kept")
    assert len(_log_lines(own_server, "Collection `graph_kept`,")) == 1, own_server.log_tail()
    assert len(_log_lines(own_server, "Collection `codes_kept`,")) == 1, own_server.log_tail()
    assert len(_log_lines(own_server, "Collection `mdb_broken`, cannot be opened (")) == 2
    _each_point_finds_itself(api, "graph_kept", vectors)

    # Deleting the broken collection frees its name.
    api.delete("/collections/mdb_broken").expect(200)
    _create_and_fill(api, "mdb_broken", vectors, quantized=False)
    _each_point_finds_itself(api, "mdb_broken", vectors)
