"""A full disk: the server stays up, refuses writes with Qdrant's storage error, keeps answering
reads, takes writes again once space is freed (no restart), and loses no acknowledged point.

Storage and snapshots live on a small filesystem this test mounts (tmpfs, and an ext4 image on a
loop device); it needs root and `mount`, and is skipped with the reason otherwise. Qdrant's own
upsert check refuses writes long before the disk is full (its WAL reserve is 32 MB), so these
figures are Sextant's: the test is Sextant-only.
"""

from __future__ import annotations

import os
import random
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

from support.api_client import ApiClient
from support.server_process import ServerProcess

pytestmark = [pytest.mark.owns_server, pytest.mark.sextant_only]

FILESYSTEM_MB = 40
BALLAST_MB = 4  # deleted to free space once the disk is full
DIM = 64
BATCH = 250
MAX_BATCHES = 400  # 100,000 points: far more than 40 MB holds
NO_SPACE = "Service internal error: No space left on device"


def _mount(kind: str, mountpoint: Path, scratch: Path) -> None:
    if kind == "tmpfs":
        command = ["mount", "-t", "tmpfs", "-o", f"size={FILESYSTEM_MB}m", "tmpfs", str(mountpoint)]
    else:
        if shutil.which("mkfs.ext4") is None:
            pytest.skip("mkfs.ext4 is not installed")
        image = scratch / "disk.img"
        subprocess.run(["truncate", "-s", f"{FILESYSTEM_MB}M", str(image)], check=True)
        subprocess.run(["mkfs.ext4", "-q", "-F", str(image)], check=True, capture_output=True)
        command = ["mount", "-o", "loop", str(image), str(mountpoint)]
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode != 0:
        pytest.skip(f"cannot mount a {kind} filesystem here: {result.stderr.strip()}")


@pytest.fixture(params=["tmpfs", "ext4"])
def small_disk(request):
    if os.geteuid() != 0:
        pytest.skip("mounting a small filesystem needs root")
    if shutil.which("mount") is None:
        pytest.skip("mount is not installed")
    scratch = Path(tempfile.mkdtemp(prefix="sextant-disk-full-"))
    mountpoint = scratch / "mnt"
    mountpoint.mkdir()
    try:
        _mount(request.param, mountpoint, scratch)
        try:
            yield mountpoint
        finally:
            subprocess.run(["umount", "-l", str(mountpoint)], capture_output=True)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def _points(first_id: int, rng: random.Random) -> list[dict]:
    return [
        {
            "id": first_id + i,
            "vector": [rng.uniform(-1, 1) for _ in range(DIM)],
            "payload": {"n": first_id + i, "text": "x" * 200},
        }
        for i in range(BATCH)
    ]


def _check_reads(api: ApiClient, acknowledged: int) -> None:
    info = api.get("/collections/full").expect(200).result
    assert info["points_count"] == acknowledged
    hits = api.post(
        "/collections/full/points/query", json={"query": [0.1] * DIM, "limit": 3}
    ).expect(200)
    assert len(hits.result["points"]) == 3
    scrolled = api.post("/collections/full/points/scroll", json={"limit": 5}).expect(200)
    assert len(scrolled.result["points"]) == 5
    point = api.get(f"/collections/full/points/{acknowledged - 1}").expect(200).result
    assert point["payload"]["n"] == acknowledged - 1


def _storage_telemetry(api: ApiClient) -> dict:
    result = api.get("/telemetry", params={"details_level": 2}, validate=False).result
    for entry in result["collections"].get("collections", []):
        if entry.get("id") == "full":
            return entry.get("storage", {})
    return {}


def test_full_disk_refuses_writes_keeps_reads_and_recovers(small_disk, request):
    ballast = small_disk / "ballast"
    ballast.write_bytes(b"\1" * (BALLAST_MB << 20))
    server = ServerProcess(
        extra_env={
            "QDRANT__STORAGE__STORAGE_PATH": str(small_disk / "storage"),
            "QDRANT__STORAGE__SNAPSHOTS_PATH": str(small_disk / "snapshots"),
        }
    )
    server.start()
    try:
        api = ApiClient(server.url)
        api.put("/collections/full", json={"vectors": {"size": DIM, "distance": "Cosine"}}).expect(200)
        rng = random.Random(13)
        acknowledged = 0
        failure = None
        for _ in range(MAX_BATCHES):
            response = api.put(
                "/collections/full/points",
                json={"points": _points(acknowledged, rng)},
                params={"wait": "true"},
            )
            if response.status != 200:
                failure = response
                break
            acknowledged += BATCH
        assert failure is not None, f"{FILESYSTEM_MB} MB never filled"
        figures = {"filesystem": f"{request.node.callspec.params['small_disk']} {FILESYSTEM_MB} MB",
                   "acknowledged before full": acknowledged,
                   "first failing write": f"{failure.status} {failure.error}"}
        assert failure.status == 500, failure.text
        assert failure.error.startswith(NO_SPACE), failure.error
        assert acknowledged > 0

        # More writes while full: refused with the same error (or taken, where a failed
        # transaction left room for this one), none kills the server.
        again = api.put(
            "/collections/full/points", json={"points": _points(acknowledged, rng)},
            params={"wait": "true"},
        )
        if again.status == 200:
            acknowledged += BATCH
        else:
            assert again.status == 500 and again.error.startswith(NO_SPACE), again.text
        created = api.put("/collections/other", json={"vectors": {"size": 4, "distance": "Dot"}})
        assert created.status == 200 or created.error.startswith(NO_SPACE), created.text
        snapshot = api.post("/collections/full/snapshots")
        assert snapshot.status == 500 and snapshot.error.startswith(NO_SPACE), snapshot.text
        assert server.process.poll() is None, "server died on a full disk:\n" + server.log_tail()

        # Reads go on.
        _check_reads(api, acknowledged)
        figures["reads while full"] = "info, query, scroll, retrieve: 200"

        # Space freed: writes succeed again, with no restart.
        ballast.unlink()
        after = api.put(
            "/collections/full/points", json={"points": _points(acknowledged, rng)},
            params={"wait": "true"},
        ).expect(200)
        acknowledged += BATCH
        _check_reads(api, acknowledged)
        storage = _storage_telemetry(api)
        figures["write after freeing space (no restart)"] = (
            f"{after.status} {after.result['status']}")
        figures["environment reopens / map growths"] = (
            f"{storage.get('environment_reopens')} / {storage.get('map_growths')}")

        # Every acknowledged point survives a restart.
        server.restart()
        _check_reads(api, acknowledged)
        ids = list(range(0, acknowledged, 97)) + [acknowledged - BATCH, acknowledged - 1]
        got = api.post("/collections/full/points", json={"ids": ids, "with_payload": True})
        got = got.expect(200).result
        assert sorted(p["id"] for p in got) == sorted(set(ids))
        assert all(p["payload"]["n"] == p["id"] for p in got)
        count = api.post("/collections/full/points/count", json={"exact": True}).expect(200)
        assert count.result["count"] == acknowledged
        figures["after restart"] = f"{count.result['count']} of {acknowledged} acknowledged points"
        print("\ndisk full: " + "; ".join(f"{k}: {v}" for k, v in figures.items()))
    finally:
        server.cleanup()
