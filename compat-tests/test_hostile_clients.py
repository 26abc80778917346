"""Slow and hostile clients: the server bounds what a client can hold.

Role: check the limits Sextant puts on clients (docs/configuration.md, `service` keys) by
driving raw sockets at a server started for the purpose, and the `timeout` query parameter as
Qdrant has it on its point routes.
- A request head trickled in byte by byte is cut off after service.http_client_request_timeout_sec,
  a body sent below the minimum rate after service.http_body_timeout_sec (plus what its bytes
  earned), an idle keep-alive connection after service.http_keep_alive_timeout_sec; other
  clients are served meanwhile.
- Connections beyond service.max_connections get a 503 and are closed; a freed slot serves again.
- `timeout`: malformed values answer 400 (also against Qdrant); a read past its deadline
  answers 408 with Qdrant's timeout text.
- Recover from an http:// location whose server accepts and then stalls fails with an error
  once storage.snapshot_download.read_timeout_sec has passed.

The timings measured are printed (run pytest with -s to see them).
"""

from __future__ import annotations

import socket
import threading
import time

import numpy as np
import pytest
import requests

from support.api_client import ApiClient
from support.server_process import ServerProcess

LIMIT_S = 2  # every timeout under test, in seconds


def _raw_connection(url: str) -> socket.socket:
    host, port = url.removeprefix("http://").split(":")
    connection = socket.create_connection((host, int(port)), timeout=10)
    return connection


def _seconds_until_closed(connection: socket.socket, trickle: bytes, interval_s: float,
                          bound_s: float) -> float:
    """Sends `trickle` one byte per interval until the server closes; returns the time taken."""
    started = time.monotonic()
    connection.settimeout(interval_s)
    position = 0
    while time.monotonic() - started < bound_s:
        try:
            if position < len(trickle):
                connection.send(trickle[position:position + 1])
                position += 1
            data = connection.recv(4096)
            if not data:
                return time.monotonic() - started
        except socket.timeout:
            continue
        except OSError:  # reset or broken pipe: closed as well
            return time.monotonic() - started
    raise AssertionError(f"connection still open after {bound_s}s")


@pytest.fixture(scope="module")
def limited_server():
    process = ServerProcess(
        extra_env={
            "QDRANT__SERVICE__HTTP_CLIENT_REQUEST_TIMEOUT_SEC": str(LIMIT_S),
            "QDRANT__SERVICE__HTTP_KEEP_ALIVE_TIMEOUT_SEC": str(LIMIT_S),
            "QDRANT__SERVICE__HTTP_BODY_TIMEOUT_SEC": str(LIMIT_S),
            "QDRANT__SERVICE__HTTP_BODY_MIN_RATE_BYTES_PER_SEC": "1024",
            "QDRANT__STORAGE__SNAPSHOT_DOWNLOAD__CONNECT_TIMEOUT_SEC": str(LIMIT_S),
            "QDRANT__STORAGE__SNAPSHOT_DOWNLOAD__READ_TIMEOUT_SEC": str(LIMIT_S),
        }
    ).start()
    try:
        yield process
    finally:
        process.cleanup()


def _served_while(url: str, busy: threading.Event) -> list[int]:
    """Statuses of GET / requests made by another client while `busy` is set."""
    statuses: list[int] = []
    while busy.is_set():
        statuses.append(requests.get(url + "/", timeout=5).status_code)
        time.sleep(0.1)
    return statuses


def _with_other_client(url: str, action):
    busy = threading.Event()
    busy.set()
    statuses: list[int] = []
    worker = threading.Thread(target=lambda: statuses.extend(_served_while(url, busy)))
    worker.start()
    try:
        result = action()
    finally:
        busy.clear()
        worker.join(timeout=10)
    return result, statuses


@pytest.mark.owns_server
@pytest.mark.sextant_only
def test_slowloris_head_is_cut_off_while_others_are_served(limited_server):
    connection = _raw_connection(limited_server.url)
    head = b"GET /collections HTTP/1.1\r\nHost: x\r\n" + b"X-Padding: " + b"a" * 200
    with connection:
        elapsed, statuses = _with_other_client(
            limited_server.url, lambda: _seconds_until_closed(connection, head, 0.1, 15)
        )
    print(f"\nslowloris head: closed after {elapsed:.2f}s; other client: {len(statuses)} "
          f"requests, statuses {sorted(set(statuses))}")
    assert LIMIT_S - 0.5 <= elapsed <= LIMIT_S + 2
    assert statuses and set(statuses) == {200}


@pytest.mark.owns_server
@pytest.mark.sextant_only
def test_slow_body_is_cut_off_while_others_are_served(limited_server):
    connection = _raw_connection(limited_server.url)
    connection.sendall(
        b"POST /collections/slow/points/scroll HTTP/1.1\r\nHost: x\r\n"
        b"Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n"
    )
    with connection:
        elapsed, statuses = _with_other_client(
            limited_server.url, lambda: _seconds_until_closed(connection, b" " * 999, 0.1, 15)
        )
    print(f"\nslow body (10 B/s): closed after {elapsed:.2f}s; other client: {len(statuses)} "
          f"requests, statuses {sorted(set(statuses))}")
    assert LIMIT_S - 0.5 <= elapsed <= LIMIT_S + 2
    assert statuses and set(statuses) == {200}


@pytest.mark.owns_server
@pytest.mark.sextant_only
def test_body_at_a_fair_rate_passes(limited_server):
    """A body taking longer than http_body_timeout_sec in all, but above the minimum rate."""
    body = b'{"limit": 1' + b" " * 7000 + b"}"
    connection = _raw_connection(limited_server.url)
    with connection:
        connection.sendall(
            b"POST /collections/absent/points/scroll HTTP/1.1\r\nHost: x\r\n"
            b"Content-Type: application/json\r\nConnection: close\r\n"
            b"Content-Length: " + str(len(body)).encode() + b"\r\n\r\n"
        )
        started = time.monotonic()
        for offset in range(0, len(body), 700):  # 2800 B/s over ~2.5 s
            connection.sendall(body[offset:offset + 700])
            time.sleep(0.25)
        connection.settimeout(10)
        reply = b""
        while chunk := connection.recv(4096):
            reply += chunk
    elapsed = time.monotonic() - started
    status_line = reply.split(b"\r\n", 1)[0].decode()
    print(f"\nfair-rate body: {len(body)} bytes in {elapsed:.2f}s answered {status_line}")
    assert elapsed > LIMIT_S
    assert reply.startswith(b"HTTP/1.1 404")  # the collection does not exist: body was read


@pytest.mark.owns_server
@pytest.mark.sextant_only
def test_idle_keep_alive_connection_is_closed(limited_server):
    connection = _raw_connection(limited_server.url)
    with connection:
        connection.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        connection.settimeout(5)
        assert connection.recv(4096).startswith(b"HTTP/1.1 200")
        elapsed = _seconds_until_closed(connection, b"", 0.1, 15)
    print(f"\nidle keep-alive connection: closed after {elapsed:.2f}s")
    assert LIMIT_S - 0.5 <= elapsed <= LIMIT_S + 2


class _StalledPeer:
    """A loopback HTTP 'server' that accepts, reads the request, and never answers."""

    def __init__(self):
        self.listener = socket.socket()
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(4)
        self.port = self.listener.getsockname()[1]
        self.accepted: list[socket.socket] = []
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self):
        try:
            while True:
                connection, _ = self.listener.accept()
                self.accepted.append(connection)
        except OSError:
            return

    def close(self):
        self.listener.close()
        for connection in self.accepted:
            connection.close()


@pytest.mark.owns_server
@pytest.mark.sextant_only
def test_recover_from_a_stalled_peer_fails_within_the_read_timeout(limited_server):
    api = ApiClient(limited_server.url)
    peer = _StalledPeer()
    url = f"http://127.0.0.1:{peer.port}/collections/x/snapshots/x.snapshot"
    try:
        def recover():
            started = time.monotonic()
            response = api.put("/collections/stalled/snapshots/recover", json={"location": url})
            return response, time.monotonic() - started

        (response, elapsed), statuses = _with_other_client(limited_server.url, recover)
    finally:
        peer.close()
    print(f"\nrecover from a stalled peer: {response.status} after {elapsed:.2f}s: "
          f"{response.error}; other client: {len(statuses)} requests, {sorted(set(statuses))}")
    assert response.status == 400
    assert response.error == (
        f"Bad request: Failed to download snapshot from {url}: timed out after {LIMIT_S} s "
        "waiting for the response"
    )
    assert LIMIT_S - 0.5 <= elapsed <= LIMIT_S + 3
    assert len(peer.accepted) == 1
    assert statuses and set(statuses) == {200}
    assert api.get("/collections/stalled/exists").result == {"exists": False}


@pytest.mark.owns_server
@pytest.mark.sextant_only
def test_connections_past_the_limit_get_503_until_a_slot_frees():
    process = ServerProcess(
        extra_env={
            "QDRANT__SERVICE__MAX_CONNECTIONS": "4",
            "QDRANT__SERVICE__HTTP_CLIENT_REQUEST_TIMEOUT_SEC": "30",
        }
    ).start()
    held: list[socket.socket] = []
    try:
        for _ in range(4):
            held.append(_raw_connection(process.url))
        time.sleep(0.3)  # let the server accept them all
        refused = requests.get(process.url + "/", timeout=5)
        print(f"\n5th connection with 4 held (limit 4): {refused.status_code} {refused.text}")
        assert refused.status_code == 503
        assert refused.headers["connection"] == "close"
        assert refused.json()["status"]["error"] == (
            "Service unavailable: too many open connections (limit 4, service.max_connections)"
        )
        held.pop().close()
        deadline = time.monotonic() + 5
        status = None
        while time.monotonic() < deadline:
            status = requests.get(process.url + "/", timeout=5).status_code
            if status == 200:
                break
            time.sleep(0.05)
        print(f"after one closed: {status}")
        assert status == 200
    finally:
        for connection in held:
            connection.close()
        process.cleanup()


# -- the `timeout` query parameter ---------------------------------------------------------


@pytest.mark.parametrize("value", ["0", "abc", "-1"])
def test_malformed_timeout_is_400(api, collection_factory, value):
    name = collection_factory({"vectors": {"size": 2, "distance": "Dot"}})
    response = api.post(f"/collections/{name}/points/query", json={"query": [1, 0]},
                        params={"timeout": value})
    assert response.status == 400
    assert response.error.startswith("Deserialize error in query parameters")


def test_timeout_within_limits_is_served(api, collection_factory):
    name = collection_factory({"vectors": {"size": 2, "distance": "Dot"}})
    api.put(f"/collections/{name}/points", params={"wait": "true", "timeout": "10"},
            json={"points": [{"id": 1, "vector": [1, 0]}]}).expect(200)
    hits = api.post(f"/collections/{name}/points/query", json={"query": [1, 0]},
                    params={"timeout": "10"}).expect(200).result["points"]
    assert [hit["id"] for hit in hits] == [1]
    count = api.post(f"/collections/{name}/points/count", json={}, params={"timeout": "10"})
    assert count.expect(200).result == {"count": 1}


def test_update_wait_with_zero_timeout_still_applies(api, collection_factory):
    """timeout=0 bounds only the wait: the answer may be wait_timeout, the update still lands."""
    name = collection_factory({"vectors": {"size": 2, "distance": "Dot"}})
    response = api.put(f"/collections/{name}/points", params={"wait": "true", "timeout": "0"},
                       json={"points": [{"id": 7, "vector": [0, 1]}]}).expect(200)
    print(f"\nupsert wait=true timeout=0: {response.status} {response.result}")
    assert response.result["status"] in ("completed", "wait_timeout")
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        count = api.post(f"/collections/{name}/points/count", json={}).expect(200)
        if count.result["count"] == 1:
            break
        time.sleep(0.05)
    assert count.result == {"count": 1}


@pytest.mark.owns_server
@pytest.mark.sextant_only
def test_query_past_its_timeout_answers_408(limited_server):
    api = ApiClient(limited_server.url, timeout_s=120)
    dim, points = 256, 40000
    api.put("/collections/slow", json={"vectors": {"size": dim, "distance": "Dot"},
                                       "optimizers_config": {"indexing_threshold": 0}}).expect(200)
    rng = np.random.default_rng(7)
    for start in range(0, points, 2000):
        batch = rng.random((2000, dim), dtype=np.float32).round(3).tolist()
        api.put("/collections/slow/points", params={"wait": "true"},
                json={"points": [{"id": start + i, "vector": v} for i, v in enumerate(batch)]}
                ).expect(200)
    searches = [{"query": rng.random(dim).round(3).tolist(), "limit": 10,
                 "params": {"exact": True}} for _ in range(SLOW_BATCH)]
    started = time.monotonic()
    response = api.post("/collections/slow/points/query/batch", json={"searches": searches},
                        params={"timeout": "1"})
    elapsed = time.monotonic() - started
    print(f"\nquery/batch of {SLOW_BATCH} exact searches over {points} points, timeout=1: "
          f"{response.status} after {elapsed:.2f}s: {response.error}")
    assert response.status == 408
    assert response.error == "Timeout: Timeout error: Operation 'Search' timed out after 1s"
    assert 0.9 <= elapsed <= 2.5
    # The abandoned batch still occupies one worker; the server answers others meanwhile.
    probe_started = time.monotonic()
    api.get("/collections/slow").expect(200)
    print(f"GET /collections/slow meanwhile: 200 after {time.monotonic() - probe_started:.2f}s")
    api.delete("/collections/slow").expect(200)


# The most a batch may hold; ~3 s over 40000 points on a 2-core machine, well past 1 s.
SLOW_BATCH = 1024
