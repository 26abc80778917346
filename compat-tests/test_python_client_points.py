"""The official qdrant-client driving points: upsert, retrieve, scroll, count, query_points,
set_payload, delete, with filters built from `models`. Warnings are errors here too."""

import uuid
import warnings

import pytest
from qdrant_client import models

from conftest import unique_name


@pytest.fixture
def client(make_qdrant_client):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        qdrant = make_qdrant_client(timeout=30)
    yield qdrant
    qdrant.close()


@pytest.fixture
def books(client):
    name = unique_name("pybooks")
    client.create_collection(
        collection_name=name,
        vectors_config=models.VectorParams(size=3, distance=models.Distance.COSINE),
    )
    client.upsert(
        collection_name=name,
        wait=True,
        points=[
            models.PointStruct(id=1, vector=[1.0, 0.0, 0.0], payload={"genre": "sf", "year": 1965}),
            models.PointStruct(id=2, vector=[0.9, 0.1, 0.0], payload={"genre": "sf", "year": 1984}),
            models.PointStruct(id=3, vector=[0.0, 1.0, 0.0], payload={"genre": "crime", "year": 1930}),
            models.PointStruct(id=str(uuid.UUID(int=4)), vector=[0.0, 0.0, 1.0],
                               payload={"genre": "poetry", "year": 1855}),
        ],
    )
    yield name
    client.delete_collection(name)


def test_retrieve_and_count(client, books):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        records = client.retrieve(books, ids=[1, 3], with_vectors=True)
        assert sorted(r.id for r in records) == [1, 3]
        assert all(len(r.vector) == 3 for r in records)
        assert client.count(books, exact=True).count == 4
        sf = models.Filter(must=[models.FieldCondition(key="genre",
                                                       match=models.MatchValue(value="sf"))])
        assert client.count(books, count_filter=sf, exact=True).count == 2


def test_scroll_pages(client, books):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        first, next_offset = client.scroll(books, limit=3)
        assert [p.id for p in first] == [1, 2, 3]
        rest, final = client.scroll(books, limit=3, offset=next_offset)
        assert [p.id for p in rest] == [str(uuid.UUID(int=4))]
        assert final is None


def test_query_points_with_filter(client, books):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        response = client.query_points(books, query=[1.0, 0.05, 0.0], limit=2, with_payload=True)
        assert [p.id for p in response.points] == [1, 2]
        assert response.points[0].payload["year"] == 1965
        old = models.Filter(must=[models.FieldCondition(key="year", range=models.Range(lt=1950))])
        filtered = client.query_points(books, query=[1.0, 0.0, 0.0], query_filter=old, limit=5)
        assert sorted(str(p.id) for p in filtered.points) == sorted(["3", str(uuid.UUID(int=4))])


def test_set_payload_and_delete(client, books):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        client.set_payload(books, payload={"read": True}, points=[1, 2], wait=True)
        read = models.Filter(must=[models.FieldCondition(key="read",
                                                         match=models.MatchValue(value=True))])
        assert client.count(books, count_filter=read, exact=True).count == 2
        client.delete(books, points_selector=models.PointIdsList(points=[1]), wait=True)
        client.delete(books, points_selector=models.FilterSelector(filter=models.Filter(
            must=[models.FieldCondition(key="genre", match=models.MatchValue(value="crime"))])),
            wait=True)
        remaining = sorted(str(p.id) for p in client.scroll(books, limit=10)[0])
        assert remaining == sorted(["2", str(uuid.UUID(int=4))])


def test_upsert_batch_and_query_batch(client, books):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        client.upsert(books, wait=True, points=models.Batch(
            ids=[10, 11], vectors=[[0.0, 0.7, 0.7], [0.7, 0.0, 0.7]],
            payloads=[{"genre": "new"}, {"genre": "new"}]))
        responses = client.query_batch_points(books, requests=[
            models.QueryRequest(query=[0.0, 1.0, 1.0], limit=1),
            models.QueryRequest(query=[1.0, 0.0, 1.0], limit=1, with_payload=True),
        ])
        assert [r.points[0].id for r in responses] == [10, 11]
        assert responses[1].points[0].payload == {"genre": "new"}
