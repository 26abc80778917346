"""The official qdrant-client driving the Query API behaviours of test_query_api_parity.py:
query by id, RRF (with k and weights) and DBSF, sample and order_by scores, recommend / discover
/ context scores (Euclid), prefetch under example queries, lookup_from, groups with a lookup, and
upload_points / upload_collection with update_mode. Expected values come from the numpy oracle of
test_query_api_parity.py, run on the same points."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from qdrant_client import QdrantClient, models

import test_query_api_parity as oracle
from conftest import unique_name


@pytest.fixture(scope="module")
def client(make_qdrant_client):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        qdrant = make_qdrant_client(timeout=30)
    yield qdrant
    qdrant.close()


def _create(client: QdrantClient, name: str, vectors: dict[str, np.ndarray]) -> None:
    client.create_collection(
        collection_name=name,
        vectors_config={n: models.VectorParams(size=oracle.DIM, distance=models.Distance(d))
                        for n, d in oracle.DISTANCES.items()},
    )
    client.upsert(collection_name=name, wait=True, points=[
        models.PointStruct(id=p["id"], vector=p["vector"], payload=p["payload"])
        for p in oracle._points(vectors)])
    client.create_payload_index(collection_name=name, field_name="n",
                                field_schema=models.PayloadSchemaType.INTEGER, wait=True)


@pytest.fixture(scope="module")
def pair(client):
    main, other = unique_name("pyqparity"), unique_name("pyqparity_other")
    _create(client, main, oracle.VECTORS)
    _create(client, other, oracle.OTHER_VECTORS)
    yield main, other
    for name in (main, other):
        client.delete_collection(name)


def _as_dicts(points) -> list[dict]:
    return [{"id": p.id, "score": p.score} for p in points]


def _prefetches() -> list[models.Prefetch]:
    exact = models.SearchParams(exact=True)
    return [models.Prefetch(query=oracle.QUERY, using="d", limit=12, params=exact),
            models.Prefetch(query=oracle.QUERY, using="e", limit=12, params=exact)]


def test_query_by_id_limit_one(client, pair):
    main, _ = pair
    points = client.query_points(main, query=5, using="e", limit=1).points
    expected = oracle.nearest_scores("e", oracle.stored_vector(5, "e"))
    del expected[5]
    oracle.assert_top(_as_dicts(points), expected, 1, higher_is_better=False)


@pytest.mark.parametrize("fusion", [models.FusionQuery(fusion=models.Fusion.RRF),
                                    models.RrfQuery(rrf=models.Rrf(k=4, weights=[2.0, 1.0]))])
def test_rrf(client, pair, fusion):
    main, _ = pair
    _, lists, _ = oracle._prefetches()
    rrf = getattr(fusion, "rrf", None)
    expected = oracle.rrf(lists, k=rrf.k if rrf else 2, weights=rrf.weights if rrf else None)
    points = client.query_points(main, prefetch=_prefetches(), query=fusion, limit=30).points
    oracle.assert_top(_as_dicts(points), expected, 30)


def test_dbsf(client, pair):
    main, _ = pair
    _, _, scored = oracle._prefetches()
    points = client.query_points(main, prefetch=_prefetches(),
                                 query=models.FusionQuery(fusion=models.Fusion.DBSF),
                                 limit=30).points
    oracle.assert_top(_as_dicts(points), oracle.dbsf(scored), 30, rel=1e-3, abs_=1e-4)


def test_sample_and_order_by_score_one(client, pair):
    main, _ = pair
    sample = client.query_points(main, query=models.SampleQuery(sample=models.Sample.RANDOM),
                                 limit=5).points
    ordered = client.query_points(main, query=models.OrderByQuery(order_by="n"), limit=5).points
    assert len(sample) == 5 and all(p.score == 1.0 for p in sample)
    assert [p.id for p in ordered] == sorted(oracle.IDS, key=oracle._n)[:5]
    assert all(p.score == 1.0 for p in ordered)
    assert [p.order_value for p in ordered] == [oracle._n(p.id) for p in ordered]


@pytest.mark.parametrize("strategy", [models.RecommendStrategy.BEST_SCORE,
                                      models.RecommendStrategy.SUM_SCORES])
def test_recommend_euclid(client, pair, strategy):
    main, _ = pair
    query = models.RecommendQuery(recommend=models.RecommendInput(
        positive=oracle.POSITIVE, negative=oracle.NEGATIVE, strategy=strategy))
    points = client.query_points(main, query=query, using="e", limit=8).points
    oracle.assert_top(_as_dicts(points), oracle._recommend_expected("e", strategy.value), 8)


def test_discover_and_context_euclid(client, pair):
    main, _ = pair
    context = [models.ContextPair(positive=p, negative=n) for p, n in oracle.PAIRS]
    discover = client.query_points(main, query=models.DiscoverQuery(discover=models.DiscoverInput(
        target=21, context=context)), using="e", limit=8).points
    oracle.assert_top(_as_dicts(discover), oracle._discover_expected("e", 21, oracle.PAIRS), 8)
    found = client.query_points(main, query=models.ContextQuery(context=context), using="e",
                                limit=8).points
    oracle.assert_top(_as_dicts(found), oracle._context_expected("e", oracle.PAIRS), 8)


def test_recommend_over_prefetch(client, pair):
    main, _ = pair
    _, lists, _ = oracle._prefetches()
    query = models.RecommendQuery(recommend=models.RecommendInput(
        positive=oracle.POSITIVE, negative=oracle.NEGATIVE,
        strategy=models.RecommendStrategy.SUM_SCORES))
    points = client.query_points(main, prefetch=_prefetches()[:1], query=query, using="e",
                                 limit=5).points
    expected = oracle._only(oracle._recommend_expected("e", "sum_scores"), lists[0])
    oracle.assert_top(_as_dicts(points), expected, 5)


def test_lookup_from(client, pair):
    main, other = pair
    points = client.query_points(main, query=5, using="d", limit=3,
                                 lookup_from=models.LookupLocation(collection=other)).points
    expected = oracle.nearest_scores("d", oracle.stored_vector(5, "d", oracle.OTHER_VECTORS))
    oracle.assert_top(_as_dicts(points), expected, 3)


def test_lookup_from_missing_collection(client, pair):
    main, _ = pair
    missing = unique_name("missing")
    with pytest.raises(Exception) as failure:
        client.query_points(main, query=5, using="d",
                            lookup_from=models.LookupLocation(collection=missing))
    assert f"Collection {missing} not found" in str(failure.value)


def test_groups_with_lookup(client, pair):
    main, other = pair
    groups = client.query_points_groups(main, query=oracle.QUERY, using="d", group_by="g",
                                        limit=3, group_size=1,
                                        with_lookup=models.WithLookup(collection=other)).groups
    assert sorted(g.id for g in groups) == [0, 1, 2]
    for group in groups:
        if group.id == 0:
            assert group.lookup is None
        else:
            assert group.lookup.id == group.id
            assert group.lookup.payload == {"n": oracle._n(group.id), "g": group.id % 3}


@pytest.mark.parametrize("mode", [models.UpdateMode.UPSERT, models.UpdateMode.INSERT_ONLY,
                                  models.UpdateMode.UPDATE_ONLY])
@pytest.mark.parametrize("upload", ["upload_points", "upload_collection"])
def test_upload_with_update_mode(client, mode, upload):
    """Existing ids 1..3 hold [i, 0]; the upload sends [0, i] for ids 2..5. Qdrant's rule: upsert
    writes all, insert_only only new ids, update_only only existing ids."""
    name = unique_name("pyupdatemode")
    client.create_collection(name, vectors_config=models.VectorParams(
        size=2, distance=models.Distance.DOT))
    try:
        client.upsert(name, wait=True, points=[
            models.PointStruct(id=i, vector=[float(i), 0.0]) for i in (1, 2, 3)])
        sent = [2, 3, 4, 5]
        if upload == "upload_points":
            client.upload_points(name, points=[models.PointStruct(id=i, vector=[0.0, float(i)])
                                               for i in sent], update_mode=mode, wait=True)
        else:
            client.upload_collection(name, vectors=[[0.0, float(i)] for i in sent], ids=sent,
                                     update_mode=mode, wait=True)
        expected = {i: [float(i), 0.0] for i in (1, 2, 3)}
        for i in sent:
            exists = i in expected
            if (mode == models.UpdateMode.UPSERT
                    or (mode == models.UpdateMode.INSERT_ONLY and not exists)
                    or (mode == models.UpdateMode.UPDATE_ONLY and exists)):
                expected[i] = [0.0, float(i)]
        records = client.retrieve(name, ids=[1, 2, 3, 4, 5], with_vectors=True)
        assert {r.id: r.vector for r in records} == expected
    finally:
        client.delete_collection(name)
