"""Cluster mode's read consistency and cluster-management surface, end to end on a loopback
cluster: one nats-server with JetStream and three Sextant nodes, all on 127.0.0.1 with ports of
their own, driven with the official Python client (docs/distributed.md, "Cluster operations").

Skips, saying why, without nats-server (SEXTANT_NATS_SERVER, .cache/nats/bin/nats-server from
scripts/install-nats.sh, or PATH) or without build/sextant (SEXTANT_BINARY)."""

import os
import pathlib
import random
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
    generator = random.Random(i)
    return [generator.uniform(-1, 1) for _ in range(DIM)]


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


def cluster_info(node, name):
    return node.http("GET", f"/collections/{name}/cluster").json()["result"]


def holders(nodes, name):
    """shard id -> the peers whose node lists it as a local shard."""
    held = {}
    for node in nodes:
        for shard in cluster_info(node, name)["local_shards"]:
            held.setdefault(shard["shard_id"], set()).add(node.peer_id)
    return held


def local_count(node, name):
    return node.http("POST", f"/collections/{name}/points/count", json={"exact": True},
                     headers={"x-sextant-local-read": "1"}).json()["result"]["count"]


def operate(node, name, operation):
    return node.http("POST", f"/collections/{name}/cluster", json=operation)


def wait_transfers_done(nodes, name):
    wait_until(lambda: all(not cluster_info(n, name)["shard_transfers"] for n in nodes), 60,
               "shard transfers finished")


def test_replicate_move_and_drop_replicas(cluster):
    nodes, reference = cluster
    name = "moved"
    load(nodes[0].client(), name, 3, 1)
    load(reference.client(), name, 1, 1, create=False)
    expected = reads(reference, name)
    by_peer = {node.peer_id: node for node in nodes}
    held = holders(nodes, name)
    assert sorted(held) == [0, 1, 2] and all(len(peers) == 1 for peers in held.values())
    target = nodes[0]
    source_of = {shard: next(iter(peers)) for shard, peers in held.items()}

    # Qdrant's refusals.
    some_shard = next(s for s, p in source_of.items() if p != target.peer_id)
    refusal = operate(target, name, {"replicate_shard": {
        "shard_id": 9, "from_peer_id": target.peer_id, "to_peer_id": target.peer_id}})
    assert (refusal.status_code, refusal.json()["status"]["error"]) == (
        400, f"Bad request: Shard 9 of {name} does not exist")
    refusal = operate(target, name, {"replicate_shard": {
        "shard_id": some_shard, "from_peer_id": source_of[some_shard], "to_peer_id": 12345}})
    assert (refusal.status_code, refusal.json()["status"]["error"]) == (
        400, "Bad request: Peer 12345 does not exist")
    refusal = operate(target, name, {"replicate_shard": {
        "shard_id": some_shard, "from_peer_id": source_of[some_shard],
        "to_peer_id": source_of[some_shard]}})
    assert refusal.status_code == 400
    refusal = operate(target, name, {"abort_transfer": {
        "shard_id": some_shard, "from_peer_id": source_of[some_shard],
        "to_peer_id": target.peer_id}})
    assert refusal.status_code == 404

    # replicate_shard through the client: the target ends with every shard.
    client = target.client()
    for shard, source in source_of.items():
        if source == target.peer_id:
            continue
        assert client.cluster_collection_update(name, models.ReplicateShardOperation(
            replicate_shard=models.ReplicateShard(shard_id=shard, from_peer_id=source,
                                                  to_peer_id=target.peer_id)))
    wait_transfers_done(nodes, name)
    assert all(target.peer_id in peers for peers in holders(nodes, name).values())
    assert local_count(target, name) == POINTS

    # Reads through the target alone, its peers stopped, equal the reference.
    others = [node for node in nodes if node is not target]
    for node in others:
        node.stop()
    try:
        wait_until(lambda: len(target.http("GET", "/cluster").json()["result"]["peers"]) == 1,
                   30, "the stopped peers expire")
        assert reads(target, name) == expected
        refused = target.http("POST", f"/collections/{name}/points/count",
                              params={"consistency": "all"}, json={})
        assert refused.status_code == 500
        assert "does not have enough active replicas" in refused.json()["status"]["error"]
    finally:
        for node in others:
            node.start()
    wait_until(lambda: len(target.http("GET", "/cluster").json()["result"]["peers"]) == 3, 30,
               "the peers are back")

    # drop_replica: the source's copy of a shard goes, and its points leave that node.
    shard, source = next((s, p) for s, p in source_of.items() if p != target.peer_id)
    source_node = by_peer[source]
    before = local_count(source_node, name)
    shard_points = next(s["points_count"] for s in cluster_info(target, name)["local_shards"]
                        if s["shard_id"] == shard)
    assert client.cluster_collection_update(name, models.DropReplicaOperation(
        drop_replica=models.Replica(shard_id=shard, peer_id=source)))
    wait_until(lambda: local_count(source_node, name) == before - shard_points, 30,
               "the dropped replica's points removed")
    assert shard not in {s["shard_id"] for s in cluster_info(source_node, name)["local_shards"]}

    # move_shard: the shard goes from the target to the other node, which held none of it.
    receiver = next(n for n in others if n is not source_node)
    assert client.cluster_collection_update(name, models.MoveShardOperation(
        move_shard=models.MoveShard(shard_id=shard, from_peer_id=target.peer_id,
                                    to_peer_id=receiver.peer_id)))
    wait_transfers_done(nodes, name)
    wait_until(lambda: holders(nodes, name)[shard] == {receiver.peer_id}, 30, "the shard moved")
    for node in nodes:
        assert reads(node, name) == expected, node.url


def test_remove_peer(cluster):
    nodes, _ = cluster
    name = "peers"
    load(nodes[0].client(), name, 3, 2)
    leaving = nodes[2]
    response = nodes[0].http("DELETE", f"/cluster/peer/{leaving.peer_id}")
    assert (response.status_code, response.json()["status"]["error"]) == (
        400, f"Bad request: Cannot remove peer {leaving.peer_id} as there are shards on it")
    response = nodes[0].http("DELETE", "/cluster/peer/12345")
    assert response.status_code == 400
    leaving.stop()
    try:
        response = nodes[0].http("DELETE", f"/cluster/peer/{leaving.peer_id}",
                                 params={"force": "true"})
        assert response.status_code == 200, response.text
        assert response.json()["result"] is True
        for node in nodes[:2]:
            info = cluster_info(node, name)
            assert leaving.peer_id not in {s["peer_id"] for s in info["remote_shards"]}
            assert str(leaving.peer_id) not in node.http("GET", "/cluster").json()["result"]["peers"]
        assert nodes[1].client().count(name, exact=True).count == POINTS
    finally:
        leaving.start()
