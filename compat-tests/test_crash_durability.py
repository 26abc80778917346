"""kill -9 in the middle of a write load: no acknowledged write is lost, no batch is half applied.

Writers upsert batches with wait=true and record which batches the server acknowledged. The
server is SIGKILLed while they are still writing, then restarted on the same storage. Every
acknowledged batch must be there in full; any other batch must be there in full or not at all.
"""

import threading
import time

import pytest
import requests

from support.api_client import ApiClient
from support.server_process import ServerProcess

pytestmark = pytest.mark.owns_server

WRITER_COUNT = 3
BATCH_SIZE = 20
MAX_BATCHES_PER_WRITER = 400  # bounds the load even if the kill comes late
LOAD_SECONDS_BEFORE_KILL = 1.5


@pytest.fixture
def own_server():
    process = ServerProcess().start()
    try:
        yield process
    finally:
        process.cleanup()


def _batch_points(writer: int, batch: int) -> list[dict]:
    base = (writer * MAX_BATCHES_PER_WRITER + batch) * BATCH_SIZE
    return [{"id": base + k + 1, "vector": [float(k), 1.0, float(batch)],
             "payload": {"writer": writer, "batch": batch}} for k in range(BATCH_SIZE)]


def test_kill_9_mid_load_keeps_acknowledged_batches_whole(own_server):
    api = ApiClient(own_server.url)
    api.put("/collections/load", json={"vectors": {"size": 3, "distance": "Euclid"}}).expect(200)
    acknowledged: set[tuple[int, int]] = set()
    lock = threading.Lock()

    def write(writer: int) -> None:
        session = requests.Session()
        for batch in range(MAX_BATCHES_PER_WRITER):
            try:
                response = session.put(f"{own_server.url}/collections/load/points?wait=true",
                                       json={"points": _batch_points(writer, batch)}, timeout=10)
            except requests.RequestException:
                return  # the server is gone
            if response.status_code != 200:
                return
            if response.json()["result"]["status"] == "completed":
                with lock:
                    acknowledged.add((writer, batch))

    threads = [threading.Thread(target=write, args=(w,)) for w in range(WRITER_COUNT)]
    for thread in threads:
        thread.start()
    time.sleep(LOAD_SECONDS_BEFORE_KILL)
    own_server.kill()
    for thread in threads:
        thread.join(timeout=30)
    assert acknowledged, "no batch was acknowledged before the kill: the load did not run"

    own_server.start()
    stored: dict[tuple[int, int], int] = {}
    offset = None
    while True:
        body = {"limit": 1000, "with_payload": True}
        if offset is not None:
            body["offset"] = offset
        page = api.post("/collections/load/points/scroll", json=body).result
        for point in page["points"]:
            key = (point["payload"]["writer"], point["payload"]["batch"])
            stored[key] = stored.get(key, 0) + 1
        offset = page["next_page_offset"]
        if offset is None:
            break
    lost = sorted(key for key in acknowledged if stored.get(key) != BATCH_SIZE)
    assert lost == [], f"acknowledged batches lost or partial after kill -9: {lost[:10]}"
    partial = sorted(key for key, n in stored.items() if n != BATCH_SIZE)
    assert partial == [], f"half-applied batches after kill -9: {partial[:10]}"
