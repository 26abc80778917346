#!/usr/bin/env python3
"""The three-node API check's driver (run by scripts/cluster-api-test.sh inside node 1's network
namespace): the official Python client against a Sextant cluster and a single-node reference.

  cluster_api_check.py load     NODE1 NODE2 NODE3 REFERENCE   create + load through every node
  cluster_api_check.py check    NODE1 NODE2 NODE3 REFERENCE   reads through each node == reference
  cluster_api_check.py more     NODE1 NODE2 REFERENCE         write more while a node is down
  cluster_api_check.py converge NODE1 NODE2 NODE3 REFERENCE   wait until every replica agrees, check

The collection has shard_number 6 and replication_factor 2; points are seeded random 16-d
vectors with a small payload, written with wait=true. "Equal" means: the same ids and scores
(to 1e-4) for searches and queries, the same ids, payloads and vectors for scroll pages and
retrieves, the same counts, with and without a filter. The expected values come from the
reference, a standalone Sextant loaded with the same points.
"""
import random
import sys
import time

import httpx

from qdrant_client import QdrantClient, models

COLLECTION = "cluster_check"
DIM = 16
FIRST_LOAD = 3000
MORE = 600
BATCH = 250


def points(start, count, seed):
    rng = random.Random(seed)
    return [
        models.PointStruct(
            id=i,
            vector=[rng.uniform(-1, 1) for _ in range(DIM)],
            payload={"group": i % 7, "value": i, "tag": f"t{i % 3}"},
        )
        for i in range(start, start + count)
    ]


def client(url):
    return QdrantClient(url=url, timeout=60, prefer_grpc=False)


def write(clients, reference, batch_points, deleted=()):
    for n, first in enumerate(range(0, len(batch_points), BATCH)):
        chunk = batch_points[first:first + BATCH]
        clients[n % len(clients)].upsert(COLLECTION, chunk, wait=True)
        reference.upsert(COLLECTION, chunk, wait=True)
    if deleted:
        clients[0].delete(COLLECTION, models.PointIdsList(points=list(deleted)), wait=True)
        reference.delete(COLLECTION, models.PointIdsList(points=list(deleted)), wait=True)
        clients[-1].set_payload(COLLECTION, {"touched": True}, points=[d + 1 for d in deleted],
                                wait=True)
        reference.set_payload(COLLECTION, {"touched": True}, points=[d + 1 for d in deleted],
                              wait=True)


def load(urls, reference_url):
    clients = [client(u) for u in urls]
    reference = client(reference_url)
    config = dict(vectors_config=models.VectorParams(size=DIM, distance=models.Distance.COSINE),
                  shard_number=6, replication_factor=2)
    clients[0].create_collection(COLLECTION, **config)
    reference.create_collection(COLLECTION, **config)
    try:
        clients[1].create_collection(COLLECTION, **config)
        raise AssertionError("a second create of the same name through another node succeeded")
    except Exception as error:  # the client raises UnexpectedResponse
        assert "already exists" in str(error), error
    write(clients, reference, points(0, FIRST_LOAD, 1), deleted=range(0, 90, 9))
    print(f"loaded {FIRST_LOAD} points through {len(clients)} nodes (batches of {BATCH}, "
          f"wait=true), deleted 10, set payload on 10")


def shaped(record):
    return (record.id, record.payload, [round(x, 5) for x in record.vector] if record.vector else None)


def compare(node_url, reference, reference_url, queries):
    node = client(node_url)
    for query in queries:
        got = node.query_points(COLLECTION, query=query, limit=10, with_payload=True).points
        want = reference.query_points(COLLECTION, query=query, limit=10, with_payload=True).points
        assert [p.id for p in got] == [p.id for p in want], (node_url, "query", got, want)
        assert all(abs(a.score - b.score) < 1e-4 for a, b in zip(got, want))
        got = node.query_points(COLLECTION, query=query, limit=5, offset=7).points
        want = reference.query_points(COLLECTION, query=query, limit=5, offset=7).points
        assert [p.id for p in got] == [p.id for p in want], (node_url, "query offset")
        # POST /points/search (the client's search() is gone in 1.16; the REST route remains).
        request = {"vector": query, "limit": 10, "with_payload": True}
        got = httpx.post(f"{node_url}/collections/{COLLECTION}/points/search", json=request,
                         timeout=60).json()["result"]
        want = httpx.post(f"{reference_url}/collections/{COLLECTION}/points/search", json=request,
                          timeout=60).json()["result"]
        assert [p["id"] for p in got] == [p["id"] for p in want], (node_url, "search")
    group = models.Filter(must=[models.FieldCondition(key="group", match=models.MatchValue(value=3))])
    for scroll_filter in (None, group):
        offset, got_all, pages = None, [], 0
        while True:
            page, offset = node.scroll(COLLECTION, scroll_filter=scroll_filter, limit=256,
                                       offset=offset, with_vectors=True)
            got_all += [shaped(r) for r in page]
            pages += 1
            if offset is None:
                break
        offset, want_all = None, []
        while True:
            page, offset = reference.scroll(COLLECTION, scroll_filter=scroll_filter, limit=256,
                                            offset=offset, with_vectors=True)
            want_all += [shaped(r) for r in page]
            if offset is None:
                break
        assert got_all == want_all, (node_url, "scroll", len(got_all), len(want_all))
        got = node.count(COLLECTION, count_filter=scroll_filter, exact=True).count
        want = reference.count(COLLECTION, count_filter=scroll_filter, exact=True).count
        assert got == want, (node_url, "count", got, want)
    ids = list(range(0, FIRST_LOAD + MORE, 37)) + [10**9]
    got = [shaped(r) for r in node.retrieve(COLLECTION, ids=ids, with_vectors=True)]
    want = [shaped(r) for r in reference.retrieve(COLLECTION, ids=ids, with_vectors=True)]
    assert got == want, (node_url, "retrieve")
    return len(want_all)


def check(urls, reference_url):
    reference = client(reference_url)
    rng = random.Random(7)
    queries = [[rng.uniform(-1, 1) for _ in range(DIM)] for _ in range(20)]
    total = reference.count(COLLECTION, exact=True).count
    for url in urls:
        compare(url, reference, reference_url, queries)
    print(f"reads through each of {len(urls)} nodes equal the reference: {len(queries)} queries "
          f"(limit 10, and offset 7 limit 5), search, scroll (all {total} points, and a filter), "
          f"count, retrieve")


def more(urls, reference_url):
    clients = [client(u) for u in urls]
    write(clients, client(reference_url), points(FIRST_LOAD, MORE, 2), deleted=range(100, 190, 9))
    print(f"wrote {MORE} more points through {len(clients)} nodes while one node was down")


def replica_counts(url):
    node = client(url)  # kept alive until the answer is read
    info = node.http.distributed_api.collection_cluster_info(COLLECTION).result
    return info.peer_id, {s.shard_id: s.points_count for s in info.local_shards}


def converge(urls, reference_url, timeout_seconds=60):
    started = time.monotonic()
    while True:
        by_shard = {}
        for url in urls:
            peer, counts = replica_counts(url)
            for shard, count in counts.items():
                by_shard.setdefault(shard, {})[peer] = count
        agreed = all(len(set(c.values())) == 1 and len(c) == 2 for c in by_shard.values())
        if agreed and len(by_shard) == 6:
            break
        if time.monotonic() - started > timeout_seconds:
            raise AssertionError(f"replicas did not converge: {by_shard}")
        time.sleep(0.5)
    print(f"replicas converged after {time.monotonic() - started:.1f} s: per-shard counts "
          f"{ {s: list(c.values())[0] for s, c in sorted(by_shard.items())} } on both replicas")
    check(urls, reference_url)


if __name__ == "__main__":
    phase, *args = sys.argv[1:]
    {"load": load, "check": check, "more": more, "converge": converge}[phase](args[:-1], args[-1])
