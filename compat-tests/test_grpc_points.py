"""The Points gRPC service, RPC by RPC, with the generated stubs (qdrant_client.grpc).

Role: every RPC of `service Points` is called at least once over gRPC against the server under
test, asserting what it answers (ids, score order, payloads, counts, statuses). The collections
are created and dropped over REST, so the test depends on no other gRPC service.

Invariants: each test works on its own collection (deleted at teardown); the assertions hold for
Sextant and for a real Qdrant 1.19 alike.
"""

from __future__ import annotations

from urllib.parse import urlparse

import grpc
import pytest
from qdrant_client import grpc as pb

VECTORS = {
    1: [1.0, 0.0, 0.0, 0.0],
    2: [0.9, 0.1, 0.0, 0.0],
    3: [0.0, 1.0, 0.0, 0.0],
    4: [0.0, 0.9, 0.1, 0.0],
    5: [0.0, 0.0, 1.0, 0.0],
    6: [0.0, 0.0, 0.0, 1.0],
}
CITIES = {1: "Berlin", 2: "Berlin", 3: "Paris", 4: "Paris", 5: "Rome", 6: "Berlin"}
COLLECTION_BODY = {
    "vectors": {
        "dense": {"size": 4, "distance": "Dot"},
        "extra": {"size": 2, "distance": "Dot"},
    }
}


@pytest.fixture(scope="module")
def points_stub(server):
    host = urlparse(server.url).hostname
    channel = grpc.insecure_channel(f"{host}:{server.grpc_port}")
    yield pb.PointsStub(channel)
    channel.close()


@pytest.fixture(scope="module")
def metadata(server):
    return [("api-key", server.api_key)] if server.api_key else []


def pid(n: int) -> pb.PointId:
    return pb.PointId(num=n)


def dense(values) -> pb.Vector:
    return pb.Vector(dense=pb.DenseVector(data=values))


def value(v) -> pb.Value:
    if isinstance(v, bool):
        return pb.Value(bool_value=v)
    if isinstance(v, int):
        return pb.Value(integer_value=v)
    if isinstance(v, float):
        return pb.Value(double_value=v)
    return pb.Value(string_value=v)


def point(n: int) -> pb.PointStruct:
    return pb.PointStruct(
        id=pid(n),
        vectors=pb.Vectors(
            vectors=pb.NamedVectors(
                vectors={"dense": dense(VECTORS[n]), "extra": dense([float(n), 1.0])}
            )
        ),
        payload={"city": value(CITIES[n]), "n": value(n), "ratio": value(n / 2 + 0.25)},
    )


def city_is(city: str) -> pb.Filter:
    return pb.Filter(
        must=[pb.Condition(field=pb.FieldCondition(key="city", match=pb.Match(keyword=city)))]
    )


def ids_of(points) -> list[int]:
    return [p.id.num for p in points]


@pytest.fixture
def loaded(collection_factory, points_stub, metadata):
    """The six points, upserted over gRPC, with a keyword index on `city`, an integer one on `n`."""
    name = collection_factory(COLLECTION_BODY)
    reply = points_stub.Upsert(
        pb.UpsertPoints(collection_name=name, wait=True, points=[point(n) for n in VECTORS]),
        metadata=metadata,
    )
    assert reply.result.status == pb.UpdateStatus.Completed
    reply = points_stub.CreateFieldIndex(
        pb.CreateFieldIndexCollection(
            collection_name=name, wait=True, field_name="city", field_type=pb.FieldTypeKeyword
        ),
        metadata=metadata,
    )
    assert reply.result.status == pb.UpdateStatus.Completed
    reply = points_stub.CreateFieldIndex(
        pb.CreateFieldIndexCollection(
            collection_name=name,
            wait=True,
            field_name="n",
            field_type=pb.FieldTypeInteger,
            field_index_params=pb.PayloadIndexParams(
                integer_index_params=pb.IntegerIndexParams(lookup=True, range=True)
            ),
        ),
        metadata=metadata,
    )
    assert reply.result.status == pb.UpdateStatus.Completed
    return name


def get(stub, metadata, name, ids, **options):
    request = pb.GetPoints(
        collection_name=name,
        ids=[pid(i) for i in ids],
        with_payload=pb.WithPayloadSelector(enable=True),
        **options,
    )
    return {p.id.num: p for p in stub.Get(request, metadata=metadata).result}


def test_upsert_get_and_count(loaded, points_stub, metadata):
    found = get(
        points_stub,
        metadata,
        loaded,
        [1, 3, 99],
        with_vectors=pb.WithVectorsSelector(include=pb.VectorsSelector(names=["dense"])),
    )
    assert sorted(found) == [1, 3]
    assert found[3].payload["city"].string_value == "Paris"
    assert found[3].payload["n"].integer_value == 3
    assert found[3].payload["ratio"].double_value == 1.75
    assert list(found[1].vectors.vectors.vectors) == ["dense"]
    assert list(found[1].vectors.vectors.vectors["dense"].dense.data) == VECTORS[1]

    count = points_stub.Count(pb.CountPoints(collection_name=loaded, exact=True), metadata=metadata)
    assert count.result.count == 6
    count = points_stub.Count(
        pb.CountPoints(collection_name=loaded, filter=city_is("Berlin"), exact=True),
        metadata=metadata,
    )
    assert count.result.count == 3


def test_scroll_pages_in_id_order(loaded, points_stub, metadata):
    first = points_stub.Scroll(
        pb.ScrollPoints(
            collection_name=loaded, limit=4, with_payload=pb.WithPayloadSelector(enable=False)
        ),
        metadata=metadata,
    )
    assert ids_of(first.result) == [1, 2, 3, 4]
    assert first.next_page_offset.num == 5
    assert not first.result[0].payload
    rest = points_stub.Scroll(
        pb.ScrollPoints(collection_name=loaded, limit=4, offset=first.next_page_offset),
        metadata=metadata,
    )
    assert ids_of(rest.result) == [5, 6]
    assert not rest.HasField("next_page_offset")
    berlin = points_stub.Scroll(
        pb.ScrollPoints(collection_name=loaded, filter=city_is("Berlin"), limit=10),
        metadata=metadata,
    )
    assert ids_of(berlin.result) == [1, 2, 6]


def search_request(name, vector, limit=3, **options):
    return pb.SearchPoints(
        collection_name=name, vector=vector, vector_name="dense", limit=limit, **options
    )


def test_search_batch_and_groups(loaded, points_stub, metadata):
    found = points_stub.Search(
        search_request(loaded, [1.0, 0.0, 0.0, 0.0], with_payload=pb.WithPayloadSelector(enable=True)),
        metadata=metadata,
    ).result
    assert ids_of(found)[:2] == [1, 2]
    assert found[0].score == pytest.approx(1.0)
    assert found[1].score == pytest.approx(0.9)
    assert found[0].payload["city"].string_value == "Berlin"

    plain = points_stub.Search(search_request(loaded, [0.0, 1.0, 0.0, 0.0], limit=2), metadata=metadata)
    assert ids_of(plain.result) == [3, 4]
    assert not plain.result[0].payload  # no with_payload: no payload

    filtered = points_stub.Search(
        search_request(loaded, [0.0, 1.0, 0.0, 0.0], limit=2, filter=city_is("Berlin")),
        metadata=metadata,
    )
    assert ids_of(filtered.result)[0] == 2

    batch = points_stub.SearchBatch(
        pb.SearchBatchPoints(
            collection_name=loaded,
            search_points=[
                search_request(loaded, [0.0, 0.0, 1.0, 0.0], limit=1),
                search_request(loaded, [0.0, 0.0, 0.0, 1.0], limit=1),
            ],
        ),
        metadata=metadata,
    )
    assert [ids_of(r.result) for r in batch.result] == [[5], [6]]

    groups = points_stub.SearchGroups(
        pb.SearchPointGroups(
            collection_name=loaded,
            vector=[1.0, 0.5, 0.0, 0.0],
            vector_name="dense",
            group_by="city",
            group_size=2,
            limit=2,
        ),
        metadata=metadata,
    )
    by_city = {g.id.string_value: ids_of(g.hits) for g in groups.result.groups}
    assert by_city == {"Berlin": [1, 2], "Paris": [3, 4]}


def test_recommend_batch_and_groups(loaded, points_stub, metadata):
    found = points_stub.Recommend(
        pb.RecommendPoints(
            collection_name=loaded, positive=[pid(1)], using="dense", limit=2
        ),
        metadata=metadata,
    )
    assert ids_of(found.result) == [2, 4] or ids_of(found.result)[0] == 2
    assert 1 not in ids_of(found.result)

    by_vector = points_stub.Recommend(
        pb.RecommendPoints(
            collection_name=loaded,
            positive_vectors=[dense([0.0, 0.0, 1.0, 0.0])],
            using="dense",
            limit=1,
            strategy=pb.RecommendStrategy.BestScore,
        ),
        metadata=metadata,
    )
    assert ids_of(by_vector.result) == [5]

    batch = points_stub.RecommendBatch(
        pb.RecommendBatchPoints(
            collection_name=loaded,
            recommend_points=[
                pb.RecommendPoints(collection_name=loaded, positive=[pid(3)], using="dense", limit=1),
                pb.RecommendPoints(collection_name=loaded, positive=[pid(1)], using="dense", limit=1),
            ],
        ),
        metadata=metadata,
    )
    assert [ids_of(r.result) for r in batch.result] == [[4], [2]]

    groups = points_stub.RecommendGroups(
        pb.RecommendPointGroups(
            collection_name=loaded,
            positive=[pid(1)],
            using="dense",
            group_by="city",
            group_size=1,
            limit=1,
        ),
        metadata=metadata,
    )
    assert [(g.id.string_value, ids_of(g.hits)) for g in groups.result.groups] == [("Berlin", [2])]


def test_discover_and_batch(loaded, points_stub, metadata):
    def discover(limit):
        return pb.DiscoverPoints(
            collection_name=loaded,
            target=pb.TargetVector(single=pb.VectorExample(id=pid(3))),
            context=[
                pb.ContextExamplePair(
                    positive=pb.VectorExample(id=pid(4)),
                    negative=pb.VectorExample(vector=dense([1.0, 0.0, 0.0, 0.0])),
                )
            ],
            using="dense",
            limit=limit,
        )

    found = points_stub.Discover(discover(2), metadata=metadata)
    assert ids_of(found.result)[0] == 5  # the target and context points are not answered
    assert len(found.result) == 2 and not {3, 4} & set(ids_of(found.result))
    batch = points_stub.DiscoverBatch(
        pb.DiscoverBatchPoints(collection_name=loaded, discover_points=[discover(1), discover(2)]),
        metadata=metadata,
    )
    assert [len(r.result) for r in batch.result] == [1, 2]
    assert ids_of(batch.result[0].result) == [5]


def nearest(vector) -> pb.Query:
    return pb.Query(nearest=pb.VectorInput(dense=pb.DenseVector(data=vector)))


def test_query_batch_and_groups(loaded, points_stub, metadata):
    found = points_stub.Query(
        pb.QueryPoints(
            collection_name=loaded,
            query=nearest([0.0, 1.0, 0.0, 0.0]),
            using="dense",
            limit=2,
            with_payload=pb.WithPayloadSelector(include=pb.PayloadIncludeSelector(fields=["n"])),
        ),
        metadata=metadata,
    )
    assert ids_of(found.result) == [3, 4]
    assert dict(found.result[0].payload) == {"n": value(3)}

    fused = points_stub.Query(
        pb.QueryPoints(
            collection_name=loaded,
            prefetch=[
                pb.PrefetchQuery(query=nearest([1.0, 0.0, 0.0, 0.0]), using="dense", limit=2),
                pb.PrefetchQuery(query=nearest([0.0, 0.0, 1.0, 0.0]), using="dense", limit=1),
            ],
            query=pb.Query(fusion=pb.Fusion.RRF),
            limit=3,
        ),
        metadata=metadata,
    )
    assert sorted(ids_of(fused.result)) == [1, 2, 5]
    assert ids_of(fused.result)[-1] == 2

    ordered = points_stub.Query(
        pb.QueryPoints(
            collection_name=loaded,
            query=pb.Query(order_by=pb.OrderBy(key="n", direction=pb.Direction.Desc)),
            limit=2,
        ),
        metadata=metadata,
    )
    assert ids_of(ordered.result) == [6, 5]

    by_id = points_stub.Query(
        pb.QueryPoints(
            collection_name=loaded,
            query=pb.Query(nearest=pb.VectorInput(id=pid(5))),
            using="dense",
            filter=city_is("Paris"),
            limit=1,
        ),
        metadata=metadata,
    )
    assert ids_of(by_id.result) == [4]

    batch = points_stub.QueryBatch(
        pb.QueryBatchPoints(
            collection_name=loaded,
            query_points=[
                pb.QueryPoints(collection_name=loaded, query=nearest([0.0, 0.0, 0.0, 1.0]), using="dense", limit=1),
                pb.QueryPoints(collection_name=loaded, query=nearest([1.0, 0.0, 0.0, 0.0]), using="dense", limit=2),
            ],
        ),
        metadata=metadata,
    )
    assert [ids_of(r.result) for r in batch.result] == [[6], [1, 2]]

    groups = points_stub.QueryGroups(
        pb.QueryPointGroups(
            collection_name=loaded,
            query=nearest([0.0, 1.0, 0.5, 0.0]),
            using="dense",
            group_by="city",
            group_size=1,
            limit=2,
        ),
        metadata=metadata,
    )
    assert sorted((g.id.string_value, ids_of(g.hits)[0]) for g in groups.result.groups) == [
        ("Paris", 3),
        ("Rome", 5),
    ]


def test_facet_and_distance_matrix(loaded, points_stub, metadata):
    facet = points_stub.Facet(
        pb.FacetCounts(collection_name=loaded, key="city", exact=True), metadata=metadata
    )
    assert [(h.value.string_value, h.count) for h in facet.hits] == [
        ("Berlin", 3),
        ("Paris", 2),
        ("Rome", 1),
    ]
    pairs = points_stub.SearchMatrixPairs(
        pb.SearchMatrixPoints(
            collection_name=loaded, filter=city_is("Paris"), sample=2, limit=1, using="dense"
        ),
        metadata=metadata,
    )
    assert sorted((p.a.num, p.b.num) for p in pairs.result.pairs) == [(3, 4), (4, 3)]
    assert pairs.result.pairs[0].score == pytest.approx(0.9)
    offsets = points_stub.SearchMatrixOffsets(
        pb.SearchMatrixPoints(
            collection_name=loaded, filter=city_is("Paris"), sample=2, limit=1, using="dense"
        ),
        metadata=metadata,
    )
    assert sorted(i.num for i in offsets.result.ids) == [3, 4]
    assert len(offsets.result.offsets_row) == len(offsets.result.scores) == 2


def test_payload_operations(loaded, points_stub, metadata):
    selector = pb.PointsSelector(points=pb.PointsIdsList(ids=[pid(1), pid(2)]))
    reply = points_stub.SetPayload(
        pb.SetPayloadPoints(
            collection_name=loaded, wait=True, payload={"flag": value(True)}, points_selector=selector
        ),
        metadata=metadata,
    )
    assert reply.result.status == pb.UpdateStatus.Completed
    found = get(points_stub, metadata, loaded, [1, 3])
    assert found[1].payload["flag"].bool_value is True
    assert "flag" not in found[3].payload

    points_stub.OverwritePayload(
        pb.SetPayloadPoints(
            collection_name=loaded,
            wait=True,
            payload={"only": value("x")},
            points_selector=pb.PointsSelector(points=pb.PointsIdsList(ids=[pid(1)])),
        ),
        metadata=metadata,
    )
    points_stub.DeletePayload(
        pb.DeletePayloadPoints(
            collection_name=loaded,
            wait=True,
            keys=["n"],
            points_selector=pb.PointsSelector(filter=city_is("Paris")),
        ),
        metadata=metadata,
    )
    points_stub.ClearPayload(
        pb.ClearPayloadPoints(
            collection_name=loaded,
            wait=True,
            points=pb.PointsSelector(points=pb.PointsIdsList(ids=[pid(5)])),
        ),
        metadata=metadata,
    )
    found = get(points_stub, metadata, loaded, [1, 2, 3, 5])
    assert dict(found[1].payload) == {"only": value("x")}
    assert found[2].payload["flag"].bool_value is True
    assert set(found[3].payload) == {"city", "ratio"}
    assert not found[5].payload


def test_vector_operations(loaded, points_stub, metadata):
    reply = points_stub.UpdateVectors(
        pb.UpdatePointVectors(
            collection_name=loaded,
            wait=True,
            points=[
                pb.PointVectors(
                    id=pid(6),
                    vectors=pb.Vectors(vectors=pb.NamedVectors(vectors={"dense": dense([1.0, 1.0, 1.0, 1.0])})),
                )
            ],
        ),
        metadata=metadata,
    )
    assert reply.result.status == pb.UpdateStatus.Completed
    top = points_stub.Search(search_request(loaded, [0.0, 0.0, 0.0, 1.0], limit=1), metadata=metadata)
    assert ids_of(top.result) == [6] and top.result[0].score == pytest.approx(1.0)

    points_stub.DeleteVectors(
        pb.DeletePointVectors(
            collection_name=loaded,
            wait=True,
            points_selector=pb.PointsSelector(points=pb.PointsIdsList(ids=[pid(6)])),
            vectors=pb.VectorsSelector(names=["extra"]),
        ),
        metadata=metadata,
    )
    found = get(points_stub, metadata, loaded, [6, 5], with_vectors=pb.WithVectorsSelector(enable=True))
    assert sorted(found[6].vectors.vectors.vectors) == ["dense"]
    assert list(found[6].vectors.vectors.vectors["dense"].dense.data) == [1.0, 1.0, 1.0, 1.0]
    assert sorted(found[5].vectors.vectors.vectors) == ["dense", "extra"]


def test_update_batch_and_delete(loaded, points_stub, metadata):
    batch = points_stub.UpdateBatch(
        pb.UpdateBatchPoints(
            collection_name=loaded,
            wait=True,
            operations=[
                pb.PointsUpdateOperation(
                    upsert=pb.PointsUpdateOperation.PointStructList(points=[point(1)])
                ),
                pb.PointsUpdateOperation(
                    set_payload=pb.PointsUpdateOperation.SetPayload(
                        payload={"batch": value(1)},
                        points_selector=pb.PointsSelector(points=pb.PointsIdsList(ids=[pid(1)])),
                    )
                ),
                pb.PointsUpdateOperation(
                    delete_points=pb.PointsUpdateOperation.DeletePoints(
                        points=pb.PointsSelector(points=pb.PointsIdsList(ids=[pid(2)]))
                    )
                ),
            ],
        ),
        metadata=metadata,
    )
    assert [r.status for r in batch.result] == [pb.UpdateStatus.Completed] * 3
    found = get(points_stub, metadata, loaded, [1, 2])
    assert sorted(found) == [1]
    assert found[1].payload["batch"].integer_value == 1

    reply = points_stub.Delete(
        pb.DeletePoints(
            collection_name=loaded, wait=True, points=pb.PointsSelector(filter=city_is("Paris"))
        ),
        metadata=metadata,
    )
    assert reply.result.status == pb.UpdateStatus.Completed
    count = points_stub.Count(pb.CountPoints(collection_name=loaded, exact=True), metadata=metadata)
    assert count.result.count == 3

    reply = points_stub.DeleteFieldIndex(
        pb.DeleteFieldIndexCollection(collection_name=loaded, wait=True, field_name="city"),
        metadata=metadata,
    )
    assert reply.result.status == pb.UpdateStatus.Completed


def test_vector_names(loaded, points_stub, metadata, api):
    reply = points_stub.CreateVectorName(
        pb.CreateVectorNameRequest(
            collection_name=loaded,
            wait=True,
            vector_name="fresh",
            dense_config=pb.DenseVectorCreationConfig(size=3, distance=pb.Distance.Cosine),
        ),
        metadata=metadata,
    )
    assert reply.result.status in (pb.UpdateStatus.Completed, pb.UpdateStatus.Acknowledged)
    vectors = api.get(f"/collections/{loaded}").expect(200).result["config"]["params"]["vectors"]
    assert vectors["fresh"]["size"] == 3
    points_stub.DeleteVectorName(
        pb.DeleteVectorNameRequest(collection_name=loaded, wait=True, vector_name="fresh"),
        metadata=metadata,
    )
    vectors = api.get(f"/collections/{loaded}").expect(200).result["config"]["params"]["vectors"]
    assert "fresh" not in vectors


def test_errors_keep_qdrants_codes(loaded, points_stub, metadata):
    with pytest.raises(grpc.RpcError) as missing:
        points_stub.Count(pb.CountPoints(collection_name="grpc_points_missing_x"), metadata=metadata)
    assert missing.value.code() == grpc.StatusCode.NOT_FOUND
    with pytest.raises(grpc.RpcError) as no_vectors:
        points_stub.Upsert(
            pb.UpsertPoints(collection_name=loaded, points=[pb.PointStruct(id=pid(9))]),
            metadata=metadata,
        )
    assert no_vectors.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    with pytest.raises(grpc.RpcError) as wrong_size:
        points_stub.Search(search_request(loaded, [1.0, 0.0]), metadata=metadata)
    assert wrong_size.value.code() == grpc.StatusCode.INVALID_ARGUMENT
