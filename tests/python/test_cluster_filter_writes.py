"""Cluster mode's writes that select points by filter, end to end on the loopback cluster of
test_cluster_ops.py (one nats-server, three Sextant nodes on 127.0.0.1): delete, set, overwrite,
delete and clear payload by filter, sent through different nodes with the official Python client,
against a single-node reference given the same points and the same operations; then reads
through every node (and with consistency=all) equal the reference (docs/distributed.md,
"Writes selected by filter").

Skips as test_cluster_ops.py does without nats-server or build/sextant."""

import pytest

from test_cluster_ops import POINTS, cluster, load, vector  # noqa: F401 (cluster: the fixture)

from qdrant_client import models  # noqa: E402


def group_is(value):
    return models.Filter(must=[models.FieldCondition(key="group",
                                                     match=models.MatchValue(value=value))])


def operations():
    """(name, function of a client and a collection) in the order they are applied; each
    selects its points by filter, several by payload an earlier one wrote."""
    return [
        ("delete group 0", lambda c, n: c.delete(
            n, points_selector=models.FilterSelector(filter=group_is(0)), wait=True)),
        ("set flag on group 1", lambda c, n: c.set_payload(
            n, payload={"flag": True, "tag": "one"}, points=group_is(1), wait=True)),
        ("overwrite group 2", lambda c, n: c.overwrite_payload(
            n, payload={"group": 7, "note": "overwritten"}, points=group_is(2), wait=True)),
        ("delete flag of ids 1..120", lambda c, n: c.delete_payload(
            n, keys=["flag"], points=models.Filter(must=[
                models.FieldCondition(key="flag", match=models.MatchValue(value=True)),
                models.HasIdCondition(has_id=list(range(1, 121)))]), wait=True)),
        ("clear group 3", lambda c, n: c.clear_payload(
            n, points_selector=models.FilterSelector(filter=group_is(3)), wait=True)),
        ("delete overwritten ids past 150", lambda c, n: c.delete(
            n, points_selector=models.FilterSelector(filter=models.Filter(must=[
                models.FieldCondition(key="note", match=models.MatchValue(value="overwritten")),
                models.FieldCondition(key="group", match=models.MatchValue(value=7))],
                must_not=[models.HasIdCondition(has_id=list(range(1, 151)))])), wait=True)),
        ("set on a filter matching nothing", lambda c, n: c.set_payload(
            n, payload={"never": 1}, points=group_is(99), wait=True)),
        ("delete cleared ids below 60", lambda c, n: c.delete(
            n, points_selector=models.FilterSelector(filter=models.Filter(
                must=[models.IsEmptyCondition(is_empty=models.PayloadField(key="group")),
                      models.HasIdCondition(has_id=list(range(1, 60)))])), wait=True)),
    ]


def state(node, name, consistency=None):
    """Every point (id, payload) by scroll, the count, a filtered count and a search."""
    client = node.client()
    points, offset = [], None
    for _ in range(100):
        page, offset = client.scroll(name, limit=50, offset=offset, with_payload=True,
                                     consistency=consistency)
        points += [(p.id, p.payload) for p in page]
        if offset is None:
            break
    params = {} if consistency is None else {"consistency": str(consistency.value)}
    counted = node.http("POST", f"/collections/{name}/points/count", params=params,
                        json={"exact": True}).json()["result"]["count"]
    flagged = node.http("POST", f"/collections/{name}/points/count", params=params, json={
        "exact": True, "filter": {"must": [{"key": "tag", "match": {"value": "one"}}]}}
    ).json()["result"]["count"]
    hits = client.query_points(name, query=vector(5), limit=20, consistency=consistency).points
    return points, counted, flagged, [(h.id, round(h.score, 4)) for h in hits]


def test_filter_writes_through_any_node_equal_a_single_node(cluster):  # noqa: F811
    nodes, reference = cluster
    name = "filter_writes"
    load(nodes[0].client(), name, 4, 2)
    load(reference.client(), name, 1, 1, create=False)
    for index, (what, operation) in enumerate(operations()):
        through = nodes[index % len(nodes)]
        answer = operation(through.client(), name)
        assert answer.status == models.UpdateStatus.COMPLETED, (what, through.url)
        operation(reference.client(), name)
    expected = state(reference, name)
    print(f"reference after the filter writes: {expected[1]} points, {expected[2]} tagged")
    assert 0 < expected[1] < POINTS and expected[2] > 0
    for node in nodes:
        for consistency in (None, models.ReadConsistencyType.ALL):
            assert state(node, name, consistency) == expected, (node.url, consistency)


def test_wait_false_filter_writes_converge(cluster):  # noqa: F811
    nodes, reference = cluster
    name = "filter_writes_nowait"
    load(nodes[1].client(), name, 3, 3)
    load(reference.client(), name, 1, 1, create=False)
    for index, group in enumerate((0, 1, 2)):
        for client in (nodes[index].client(), reference.client()):
            client.set_payload(name, payload={"marked": group}, points=group_is(group),
                               wait=False)
            client.delete(name, points_selector=models.FilterSelector(filter=models.Filter(
                must=[models.FieldCondition(key="marked", match=models.MatchValue(value=group)),
                      models.HasIdCondition(has_id=list(range(1, 100)))])), wait=False)
    # A write with wait=true on every shard's log comes after the ones above in each log.
    for client in (nodes[2].client(), reference.client()):
        client.set_payload(name, payload={"last": True}, points=group_is(4), wait=True)
    expected = state(reference, name)
    for node in nodes:
        assert state(node, name, models.ReadConsistencyType.ALL) == expected, node.url


def test_delete_vectors_by_filter(cluster):  # noqa: F811
    nodes, reference = cluster
    name = "filter_writes_vectors"
    named = {"a": models.VectorParams(size=4, distance=models.Distance.DOT),
             "b": models.VectorParams(size=4, distance=models.Distance.DOT)}
    points = [models.PointStruct(id=i, vector={"a": vector(i)[:4], "b": vector(-i)[:4]},
                                 payload={"group": i % 3}) for i in range(1, 61)]
    for client, sharding in ((nodes[0].client(), {"shard_number": 4, "replication_factor": 2}),
                             (reference.client(), {})):
        client.create_collection(name, vectors_config=named, **sharding)
        client.upsert(name, points, wait=True)
    for client in (nodes[2].client(), reference.client()):
        answer = client.delete_vectors(name, vectors=["b"], points=group_is(1), wait=True)
        assert answer.status == models.UpdateStatus.COMPLETED

    def vectors(node):
        page, _ = node.client().scroll(name, limit=100, with_vectors=True,
                                       consistency=models.ReadConsistencyType.ALL)
        return [(p.id, sorted((k, [round(x, 4) for x in v]) for k, v in p.vector.items()))
                for p in page]

    expected = vectors(reference)
    assert sum(1 for _, named_vectors in expected if len(named_vectors) == 1) == 20
    for node in nodes:
        assert vectors(node) == expected, node.url


def test_malformed_filter_is_refused_as_one_node_does(cluster):  # noqa: F811
    nodes, reference = cluster
    name = "filter_writes_refused"
    load(nodes[0].client(), name, 2, 1)
    load(reference.client(), name, 1, 1, create=False)
    body = {"filter": {"must": [{"key": "group", "match": {"bogus": 1}}]}}
    expected = reference.http("POST", f"/collections/{name}/points/delete", json=body)
    assert expected.status_code in (400, 422)
    answer = nodes[1].http("POST", f"/collections/{name}/points/delete", json=body)
    assert (answer.status_code, answer.json()["status"]) == (
        expected.status_code, expected.json()["status"])
    assert node_count(nodes[2], name) == POINTS


def node_count(node, name):
    return node.http("POST", f"/collections/{name}/points/count",
                     json={"exact": True}).json()["result"]["count"]
