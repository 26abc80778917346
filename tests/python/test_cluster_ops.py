"""Cluster mode's read consistency and cluster-management surface, end to end on a loopback
cluster: one nats-server with JetStream and three Sextant nodes, all on 127.0.0.1 with ports of
their own, driven with the official Python client (docs/distributed.md, "Cluster operations").

Skips, saying why, without nats-server (SEXTANT_NATS_SERVER, .cache/nats/bin/nats-server from
scripts/install-nats.sh, or PATH) or without build/sextant (SEXTANT_BINARY)."""

import os
import pathlib
import shutil
import socket
import subprocess
import tempfile
import time

import httpx
import pytest

qdrant_client = pytest.importorskip("qdrant_client")
from qdrant_client import QdrantClient, models  # noqa: E402

ROOT = pathlib.Path(__file__).resolve().parents[2]
DIM = 8
POINTS = 240


def find_nats_server():
    candidates = [os.environ.get("SEXTANT_NATS_SERVER"), str(ROOT / ".cache/nats/bin/nats-server"),
                  shutil.which("nats-server")]
    return next((c for c in candidates if c and os.access(c, os.X_OK)), None)


def find_sextant():
    binary = os.environ.get("SEXTANT_BINARY") or str(ROOT / "build/sextant")
    return binary if os.access(binary, os.X_OK) else None


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until(predicate, seconds, what):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if predicate():
                return
        except (httpx.HTTPError, OSError):
            pass
        time.sleep(0.2)
    raise AssertionError(f"not within {seconds} s: {what}")


class Node:
    def __init__(self, binary, directory, nats_url, cluster):
        self.binary, self.directory, self.nats_url, self.cluster = binary, directory, nats_url, cluster
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process = None
        self.peer_id = None

    def start(self):
        env = dict(os.environ,
                   QDRANT__SERVICE__HOST="127.0.0.1",
                   QDRANT__SERVICE__HTTP_PORT=str(self.port),
                   QDRANT__SERVICE__GRPC_PORT=str(free_port()),
                   QDRANT__STORAGE__STORAGE_PATH=str(self.directory / "storage"),
                   QDRANT__STORAGE__SNAPSHOTS_PATH=str(self.directory / "snapshots"),
                   QDRANT__TELEMETRY_DISABLED="true")
        if self.cluster:
            env.update(QDRANT__CLUSTER__ENABLED="true", SEXTANT_NATS_URLS=self.nats_url,
                       QDRANT__CLUSTER__ADVERTISE_URL=self.url)
        self.log = open(self.directory / "sextant.log", "ab")
        self.process = subprocess.Popen([self.binary], env=env, stdout=self.log,
                                        stderr=subprocess.STDOUT, cwd=self.directory)
        wait_until(lambda: httpx.get(self.url + "/readyz", timeout=2).status_code == 200, 60,
                   f"{self.url} ready")
        if self.cluster:
            self.peer_id = httpx.get(self.url + "/cluster").json()["result"]["peer_id"]

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)
        self.process = None

    def client(self):
        return QdrantClient(url=self.url, timeout=60, prefer_grpc=False)

    def http(self, method, path, **kwargs):
        return httpx.request(method, self.url + path, timeout=60, **kwargs)


@pytest.fixture(scope="module")
def cluster():
    nats, binary = find_nats_server(), find_sextant()
    if not nats:
        pytest.skip("nats-server not found (scripts/install-nats.sh, or SEXTANT_NATS_SERVER)")
    if not binary:
        pytest.skip("build/sextant not built (or SEXTANT_BINARY unset)")
    directory = pathlib.Path(tempfile.mkdtemp(prefix="sextant-clusterops-"))
    nats_port = free_port()
    nats_process = subprocess.Popen(
        [nats, "-a", "127.0.0.1", "-p", str(nats_port), "-js", "-sd", str(directory / "js")],
        stdout=open(directory / "nats.log", "ab"), stderr=subprocess.STDOUT)
    nodes = []
    try:
        wait_until(lambda: socket.create_connection(("127.0.0.1", nats_port), 1).close() is None,
                   20, "nats-server listening")
        for index in range(3):
            (directory / f"n{index}").mkdir()
            nodes.append(Node(binary, directory / f"n{index}", f"nats://127.0.0.1:{nats_port}", True))
        for node in nodes:
            node.start()
        wait_until(lambda: all(len(n.http("GET", "/cluster").json()["result"]["peers"]) == 3
                               for n in nodes), 30, "every node sees 3 peers")
        (directory / "ref").mkdir()
        reference = Node(binary, directory / "ref", None, False)
        reference.start()
        yield nodes, reference
        reference.stop()
    finally:
        for node in nodes:
            node.stop()
        nats_process.terminate()
        nats_process.wait(20)
        if os.environ.get("SEXTANT_KEEP_CLUSTER_LOGS"):
            print("cluster logs kept in", directory)
        else:
            shutil.rmtree(directory, ignore_errors=True)


def vector(i):
    return [((i * 7 + d * 13) % 17) / 17.0 + 0.01 * d for d in range(DIM)]


def load(client, name, shard_number, replication_factor, create=True):
    if create:
        client.create_collection(name, vectors_config=models.VectorParams(
            size=DIM, distance=models.Distance.COSINE), shard_number=shard_number,
            replication_factor=replication_factor)
    else:
        client.create_collection(name, vectors_config=models.VectorParams(
            size=DIM, distance=models.Distance.COSINE))
    points = [models.PointStruct(id=i, vector=vector(i), payload={"group": i % 5})
              for i in range(1, POINTS + 1)]
    for start in range(0, len(points), 80):
        client.upsert(name, points[start:start + 80], wait=True)


def reads(node, name, consistency=None):
    """Search, scroll, count and retrieve answers in a comparable form (count over REST: the
    client's count takes no consistency)."""
    client = node.client()
    hits = client.query_points(name, query=vector(3), limit=15, consistency=consistency).points
    scrolled, offset = [], None
    while True:
        page, offset = client.scroll(name, limit=64, offset=offset, consistency=consistency,
                                     with_payload=True)
        scrolled += [(p.id, p.payload["group"]) for p in page]
        if offset is None:
            break
    params = {} if consistency is None else {"consistency": str(getattr(consistency, "value",
                                                                         consistency))}
    counted = node.http("POST", f"/collections/{name}/points/count", params=params,
                        json={"exact": True}).json()["result"]["count"]
    retrieved = client.retrieve(name, ids=[1, 50, 9999, POINTS], consistency=consistency)
    return ([(h.id, round(h.score, 4)) for h in hits], scrolled, counted,
            sorted(p.id for p in retrieved))


def shard_peers(node, name):
    info = node.http("GET", f"/collections/{name}/cluster").json()["result"]
    return info


def test_reads_honour_consistency(cluster):
    nodes, reference = cluster
    load(nodes[0].client(), "consistency", 3, 2)
    load(reference.client(), "consistency", 1, 1, create=False)
    expected = reads(reference, "consistency")
    assert expected[2] == POINTS
    for node in nodes:
        for level in (None, 1, 2, 3, models.ReadConsistencyType.ALL,
                      models.ReadConsistencyType.MAJORITY, models.ReadConsistencyType.QUORUM):
            assert reads(node, "consistency", level) == expected, (node.url, level)
    for bad in ("0", "bogus"):
        response = nodes[0].http("POST", "/collections/consistency/points/count",
                                 params={"consistency": bad}, json={})
        assert response.status_code == 400
        assert response.json()["status"]["error"] == (
            "Deserialize error in query parameters: failed to deserialize read consistency "
            f"query parameter value '{bad}'")
