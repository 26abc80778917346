"""Scroll and query ordered by a payload key (`order_by`), checked against an oracle.

Qdrant's rules: a point appears once per value its key holds (identical values of one point
once), values are ordered by the direction, `start_from` keeps values at or past it, and the
documented way to page is `start_from` = the last value seen plus a
`must_not: [{has_id: [...]}]` filter of the ids already seen at that value (the first page with
an empty id list). Points whose values tie may come in any order, so pages are compared by value
and as sets of (value, id) pairs.
"""

import random

import pytest

from support.points import WAIT, upsert


def _scroll(api, name, body):
    return api.post(f"/collections/{name}/points/scroll", json=body).result


def _pairs(points):
    return [(p["order_value"], p["id"]) for p in points]


def _oracle(payloads, descending=False, start_from=None):
    """(value, id) pairs a scroll ordered by `n` returns: one per distinct value of a point."""
    pairs = set()
    for point_id, value in payloads.items():
        for v in value if isinstance(value, list) else [value]:
            if start_from is None or (v <= start_from if descending else v >= start_from):
                pairs.add((v, point_id))
    return sorted(pairs, key=lambda pair: pair[0], reverse=descending)


def _assert_same_order(got, expected):
    assert [value for value, _ in got] == [value for value, _ in expected]
    assert sorted(got) == sorted(expected)


def _assert_first_page(got, ordered, size):
    """`got` is the first `size` of `ordered`; at the page's last value any tied point may come."""
    assert [value for value, _ in got] == [value for value, _ in ordered[:size]]
    last = got[-1][0]
    assert sorted(p for p in got if p[0] != last) == sorted(p for p in ordered[:size] if p[0] != last)
    assert set(got) <= set(ordered) and len(set(got)) == len(got)


@pytest.fixture
def indexed(api, collection_factory):
    """create(payloads) -> collection with an integer index on `n`."""

    def create(payloads: dict):
        name = collection_factory({"vectors": {"size": 2, "distance": "Dot"}})
        api.put(f"/collections/{name}/index", json={"field_name": "n", "field_schema": "integer"},
                params=WAIT).expect(200)
        upsert(api, name, [{"id": i, "vector": [1.0, float(i)], "payload": {"n": v}}
                           for i, v in payloads.items()])
        return name

    return create


def test_point_with_several_values_appears_once_per_value(api, indexed):
    payloads = {1: [5, 1], 2: 3, 3: [7, 2, 7], 4: [], 5: 4, 6: [9, 6, 8]}
    name = indexed(payloads)
    for descending in (False, True):
        order = {"key": "n", "direction": "desc" if descending else "asc"}
        got = _pairs(_scroll(api, name, {"limit": 100, "order_by": order})["points"])
        _assert_same_order(got, _oracle(payloads, descending))
        top = _pairs(_scroll(api, name, {"limit": 3, "order_by": order})["points"])
        _assert_first_page(top, _oracle(payloads, descending), 3)


def test_start_from_keeps_values_at_or_past_it(api, indexed):
    payloads = {1: [5, 1], 2: 3, 3: [7, 2], 4: 4, 5: [9, 6]}
    name = indexed(payloads)
    for descending, start in ((False, 4), (True, 5)):
        order = {"key": "n", "direction": "desc" if descending else "asc", "start_from": start}
        got = _pairs(_scroll(api, name, {"limit": 100, "order_by": order})["points"])
        _assert_same_order(got, _oracle(payloads, descending, start))


def _page_through(api, name, page_size, descending, query_api=False):
    """Every (value, id) pair, paging with start_from and a must_not has_id filter."""
    seen, last_value, seen_at_last = [], None, []
    direction = "desc" if descending else "asc"
    for _ in range(200):  # bounded: the collection holds far fewer pages
        order = {"key": "n", "direction": direction}
        if last_value is not None:
            order["start_from"] = last_value
        page_filter = {"must_not": [{"has_id": seen_at_last}]}
        if query_api:
            body = {"query": {"order_by": order}, "filter": page_filter, "limit": page_size,
                    "with_payload": True}
            points = api.post(f"/collections/{name}/points/query", json=body).result["points"]
            page = [(p["payload"]["n"], p["id"]) for p in points]
        else:
            body = {"order_by": order, "filter": page_filter, "limit": page_size}
            page = _pairs(_scroll(api, name, body)["points"])
        seen.extend(page)
        if len(page) < page_size:
            return seen
        if page[-1][0] != last_value:
            seen_at_last = []
        last_value = page[-1][0]
        seen_at_last += [point_id for value, point_id in page if value == last_value]
    raise AssertionError("paging did not finish")


@pytest.mark.parametrize("descending", [False, True])
def test_paging_with_start_from_and_has_id_filter_visits_every_point(api, indexed, descending):
    rng = random.Random(7)
    payloads = {i: rng.randrange(0, 12) for i in range(1, 61)}  # many ties across pages
    name = indexed(payloads)
    got = _page_through(api, name, page_size=7, descending=descending)
    _assert_same_order(got, _oracle(payloads, descending))


def test_first_page_with_empty_has_id_list_is_the_plain_page(api, indexed):
    payloads = {i: (i * 5) % 11 for i in range(1, 21)}
    name = indexed(payloads)
    body = {"order_by": "n", "limit": 6, "filter": {"must_not": [{"has_id": []}]}}
    got = _pairs(_scroll(api, name, body)["points"])
    _assert_first_page(got, _oracle(payloads), 6)


def test_query_api_order_by_pages_like_scroll(api, indexed):
    rng = random.Random(11)
    payloads = {i: rng.randrange(0, 9) for i in range(1, 41)}
    name = indexed(payloads)
    got = _page_through(api, name, page_size=6, descending=False, query_api=True)
    _assert_same_order(got, _oracle(payloads))


def test_python_client_scroll_with_order_by(api, indexed, make_qdrant_client):
    from qdrant_client import models

    payloads = {1: [4, 2], 2: 3, 3: [8, 1], 4: 6, 5: [5, 7]}
    name = indexed(payloads)
    client = make_qdrant_client()
    points, _ = client.scroll(name, limit=100, order_by=models.OrderBy(
        key="n", direction=models.Direction.DESC))
    got = [(p.order_value, p.id) for p in points]
    _assert_same_order(got, _oracle(payloads, descending=True))
    points, _ = client.scroll(name, limit=3, order_by=models.OrderBy(key="n", start_from=3),
                              scroll_filter=models.Filter(must_not=[models.HasIdCondition(
                                  has_id=[])]))
    _assert_first_page([(p.order_value, p.id) for p in points], _oracle(payloads, start_from=3), 3)


def test_datetime_key_orders_by_microseconds(api, collection_factory):
    from datetime import datetime, timezone

    name = collection_factory({"vectors": {"size": 2, "distance": "Dot"}})
    api.put(f"/collections/{name}/index", json={"field_name": "at", "field_schema": "datetime"},
            params=WAIT).expect(200)
    stamps = {1: "2024-03-01T10:00:00Z", 2: ["2023-12-31T23:59:59.5Z", "2024-06-01T00:00:00Z"],
              3: "2024-01-15T08:30:00+02:00", 4: "2022-07-04T12:00:00Z"}
    upsert(api, name, [{"id": i, "vector": [1.0, 0.0], "payload": {"at": v}}
                       for i, v in stamps.items()])

    def micros(text):
        moment = datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(timezone.utc)
        return int(round(moment.timestamp() * 1_000_000))

    expected = _oracle({i: [micros(t) for t in (v if isinstance(v, list) else [v])]
                        for i, v in stamps.items()})
    got = _pairs(_scroll(api, name, {"limit": 10, "order_by": "at"})["points"])
    _assert_same_order(got, expected)
    start = "2024-01-01T00:00:00Z"
    body = {"limit": 10, "order_by": {"key": "at", "start_from": start}}
    got = _pairs(_scroll(api, name, body)["points"])
    _assert_same_order(got, [pair for pair in expected if pair[0] >= micros(start)])
    # The Query API reads the same start and reports the same integer microseconds.
    query = {"query": {"order_by": {"key": "at", "start_from": start}}, "limit": 10}
    hits = api.post(f"/collections/{name}/points/query", json=query).result["points"]
    assert all(isinstance(hit["order_value"], int) for hit in hits)
    _assert_same_order(_pairs(hits), [pair for pair in expected if pair[0] >= micros(start)])


@pytest.mark.parametrize("query", [{"order_by": "n"}, {"sample": "random"}, None])
def test_records_answered_as_scored_points_have_version_zero(api, collection_factory, query):
    name = collection_factory({"vectors": {"size": 2, "distance": "Dot"}})
    api.put(f"/collections/{name}/index", json={"field_name": "n", "field_schema": "integer"},
            params=WAIT).expect(200)
    upsert(api, name, [{"id": i, "vector": [1.0, 0.0], "payload": {"n": i}} for i in (1, 2, 3)])
    body = {"limit": 10} if query is None else {"query": query, "limit": 10}
    hits = api.post(f"/collections/{name}/points/query", json=body).result["points"]
    assert sorted(hit["id"] for hit in hits) == [1, 2, 3]
    assert [(hit["version"], hit["score"]) for hit in hits] == [(0, 1.0)] * 3


def test_float_key_orders_every_number(api, collection_factory):
    name = collection_factory({"vectors": {"size": 2, "distance": "Dot"}})
    api.put(f"/collections/{name}/index", json={"field_name": "n", "field_schema": "float"},
            params=WAIT).expect(200)
    payloads = {1: [2.5, -1], 2: 0.25, 3: [7, 3.75], 4: 1}
    upsert(api, name, [{"id": i, "vector": [1.0, 0.0], "payload": {"n": v}}
                       for i, v in payloads.items()])
    order = {"key": "n", "direction": "desc"}
    got = _pairs(_scroll(api, name, {"limit": 10, "order_by": order})["points"])
    _assert_same_order(got, _oracle(payloads, descending=True))
