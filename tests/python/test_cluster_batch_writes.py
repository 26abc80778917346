"""Cluster mode's vector updates (PUT points/vectors) and batch updates (POST points/batch), end
to end on the loopback cluster of test_cluster_ops.py (one nats-server, three Sextant nodes on
127.0.0.1): the same operations sent through different nodes with the official Python client
(`update_vectors`, `batch_update_points`) and to a single-node reference; then reads through
every node (and with consistency=all) equal the reference (docs/distributed.md, "Vector and
batch updates").

Skips as test_cluster_ops.py does without nats-server or build/sextant."""

import pytest

from test_cluster_ops import DIM, POINTS, cluster, load, vector  # noqa: F401 (cluster: fixture)

from qdrant_client import models  # noqa: E402


def group_is(value):
    return models.Filter(must=[models.FieldCondition(key="group",
                                                     match=models.MatchValue(value=value))])


def state(node, name, consistency=None):
    """Every point (id, payload, vector) by scroll, the count and a search."""
    client = node.client()
    points, offset = [], None
    for _ in range(100):
        page, offset = client.scroll(name, limit=50, offset=offset, with_payload=True,
                                     with_vectors=True, consistency=consistency)
        points += [(p.id, p.payload, [round(x, 4) for x in p.vector]) for p in page]
        if offset is None:
            break
    params = {} if consistency is None else {"consistency": str(consistency.value)}
    counted = node.http("POST", f"/collections/{name}/points/count", params=params,
                        json={"exact": True}).json()["result"]["count"]
    hits = client.query_points(name, query=vector(5), limit=20, consistency=consistency).points
    return points, counted, [(h.id, round(h.score, 4)) for h in hits]


def assert_every_node_equals(nodes, reference, name):
    expected = state(reference, name)
    for node in nodes:
        for consistency in (None, models.ReadConsistencyType.ALL):
            assert state(node, name, consistency) == expected, (node.url, consistency)
    return expected


def test_update_vectors_through_any_node_equal_a_single_node(cluster):  # noqa: F811
    nodes, reference = cluster
    name = "vector_updates"
    load(nodes[0].client(), name, 4, 2)
    load(reference.client(), name, 1, 1, create=False)
    for index, start in enumerate(range(1, POINTS + 1, 40)):
        updates = [models.PointVectors(id=i, vector=vector(-i)) for i in range(start, start + 25)]
        for client, wait in ((nodes[index % 3].client(), index % 2 == 0),
                             (reference.client(), True)):
            answer = client.update_vectors(name, points=updates, wait=wait)
            assert answer.status in (models.UpdateStatus.COMPLETED,
                                     models.UpdateStatus.ACKNOWLEDGED)
    # Conditional: only the points of group 1 among ids 1..60 take the new vector.
    conditional = [models.PointVectors(id=i, vector=vector(1000 + i)) for i in range(1, 61)]
    for client in (nodes[1].client(), reference.client()):
        client.update_vectors(name, points=conditional, update_filter=group_is(1), wait=True)
    # Last, with wait=true on every shard touched: ordered after the wait=false ones.
    for client in (nodes[2].client(), reference.client()):
        client.update_vectors(name, points=[models.PointVectors(id=i, vector=vector(7 * i))
                                            for i in range(1, POINTS + 1, 3)], wait=True)
    expected = assert_every_node_equals(nodes, reference, name)
    assert expected[1] == POINTS


def test_empty_vector_update_is_refused_as_one_node_does(cluster):  # noqa: F811
    nodes, reference = cluster
    name = "vector_updates_refused"
    load(nodes[0].client(), name, 2, 1)
    load(reference.client(), name, 1, 1, create=False)
    expected = reference.http("PUT", f"/collections/{name}/points/vectors", json={"points": []})
    answer = nodes[1].http("PUT", f"/collections/{name}/points/vectors", json={"points": []})
    assert (answer.status_code, answer.json()["status"]) == (
        expected.status_code, expected.json()["status"])
