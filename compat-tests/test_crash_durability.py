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


def _overwrite_vector(point_id: int, round_no: int) -> list[float]:
    return [float(point_id), float(round_no), float((point_id * round_no) % 13)]


def test_kill_9_while_overwrites_are_compacted_keeps_the_last_acknowledged_write(own_server):
    """Writers overwrite the same points round after round with the vacuum thresholds low, so
    the collection is rewritten (Qdrant: segments vacuumed; Sextant: offsets compacted) while
    the kills land. Each point must hold a write no older than its last acknowledged one, whole
    (the vector of the round its payload names), and a batch in flight is all or nothing."""
    api = ApiClient(own_server.url)
    api.put("/collections/churn", json={
        "vectors": {"size": 3, "distance": "Euclid"},
        "optimizers_config": {"indexing_threshold": 10, "vacuum_min_vector_number": 100},
    }).expect(200)
    points_per_writer, batch_size = 200, 50
    acked: dict[int, int] = {}
    sent: dict[int, int] = {}
    in_flight: dict[tuple[int, int], list[int]] = {}
    lock = threading.Lock()

    def write(writer: int, first_round: int) -> None:
        session = requests.Session()
        ids = list(range(writer * points_per_writer, (writer + 1) * points_per_writer))
        for round_no in range(first_round, first_round + 10_000):
            for begin in range(0, len(ids), batch_size):
                chunk = ids[begin:begin + batch_size]
                with lock:
                    sent.update({pid: round_no for pid in chunk})
                    in_flight[(chunk[0], round_no)] = chunk
                try:
                    response = session.put(
                        f"{own_server.url}/collections/churn/points?wait=true", timeout=10,
                        json={"points": [{"id": pid, "vector": _overwrite_vector(pid, round_no),
                                          "payload": {"round": round_no}} for pid in chunk]})
                except requests.RequestException:
                    return
                if response.status_code != 200:
                    return
                with lock:
                    acked.update({pid: round_no for pid in chunk})
                    del in_flight[(chunk[0], round_no)]

    first_round = 1
    for _ in range(2):
        threads = [threading.Thread(target=write, args=(w, first_round)) for w in range(2)]
        for thread in threads:
            thread.start()
        time.sleep(2.0)
        own_server.kill()
        for thread in threads:
            thread.join(timeout=30)
        assert acked, "no write was acknowledged before the kill: the load did not run"
        own_server.start()
        stored = {}
        offset = None
        while True:
            body = {"limit": 1000, "with_payload": True, "with_vector": True}
            if offset is not None:
                body["offset"] = offset
            page = api.post("/collections/churn/points/scroll", json=body).result
            for point in page["points"]:
                stored[point["id"]] = (point["payload"]["round"], point["vector"])
            offset = page["next_page_offset"]
            if offset is None:
                break
        assert set(stored) <= set(sent)
        for pid, round_no in acked.items():
            assert pid in stored, f"point {pid} acknowledged at round {round_no} is missing"
            stored_round, vector = stored[pid]
            assert round_no <= stored_round <= sent[pid], (pid, round_no, stored_round)
            assert vector == _overwrite_vector(pid, stored_round), pid
        for (_, round_no), chunk in in_flight.items():
            applied = sum(1 for pid in chunk if stored.get(pid, (None,))[0] == round_no)
            assert applied in (0, len(chunk)), f"batch of round {round_no} applied {applied}/{len(chunk)}"
        acked.update({pid: stored[pid][0] for pid in stored})
        in_flight.clear()
        first_round = max(sent.values()) + 1
