"""Scroll (limit, offset, next_page_offset, filter, order_by) and count (exact and estimate)."""

import pytest

from support.points import WAIT, count, scroll_ids, upsert


@pytest.fixture
def twenty(api, collection_factory):
    name = collection_factory({"vectors": {"size": 2, "distance": "Euclid"}})
    upsert(api, name, [
        {"id": i, "vector": [i, -i], "payload": {"price": (i * 7) % 20, "even": i % 2 == 0}}
        for i in range(1, 21)
    ])
    return name


def _scroll(api, name, body):
    return api.post(f"/collections/{name}/points/scroll", json=body).result


def test_scroll_pages_in_id_order_with_next_page_offset(api, twenty):
    page = _scroll(api, twenty, {"limit": 7})
    assert [p["id"] for p in page["points"]] == list(range(1, 8))
    assert page["next_page_offset"] == 8
    assert page["points"][0]["payload"] == {"price": 7, "even": False}
    assert page["points"][0].get("vector") is None
    page = _scroll(api, twenty, {"limit": 7, "offset": page["next_page_offset"]})
    assert [p["id"] for p in page["points"]] == list(range(8, 15))
    last = _scroll(api, twenty, {"limit": 7, "offset": 15})
    assert [p["id"] for p in last["points"]] == list(range(15, 21))
    assert last["next_page_offset"] is None


def test_scroll_default_limit_is_ten(api, twenty):
    page = _scroll(api, twenty, {})
    assert len(page["points"]) == 10
    assert page["next_page_offset"] == 11


def test_scroll_offset_of_missing_id_starts_at_next_id(api, twenty):
    api.post(f"/collections/{twenty}/points/delete", json={"points": [5]}, params=WAIT)
    page = _scroll(api, twenty, {"limit": 2, "offset": 5})
    assert [p["id"] for p in page["points"]] == [6, 7]


def test_scroll_with_filter_and_vectors(api, twenty):
    body = {"limit": 3, "filter": {"must": [{"key": "even", "match": {"value": True}}]},
            "with_vector": True, "with_payload": ["price"]}
    page = _scroll(api, twenty, body)
    assert [p["id"] for p in page["points"]] == [2, 4, 6]
    assert page["points"][0]["vector"] == [2.0, -2.0]
    assert page["points"][0]["payload"] == {"price": 14}
    assert page["next_page_offset"] == 8


def test_scroll_order_by_payload_field(api, twenty):
    api.put(f"/collections/{twenty}/index", json={"field_name": "price", "field_schema": "integer"},
            params=WAIT).expect(200)
    ascending = _scroll(api, twenty, {"limit": 5, "order_by": "price"})
    prices = [p["payload"]["price"] for p in ascending["points"]]
    assert prices == sorted(prices) and prices[0] == 0
    descending = _scroll(api, twenty, {"limit": 5, "order_by": {"key": "price", "direction": "desc"}})
    prices = [p["payload"]["price"] for p in descending["points"]]
    assert prices == sorted(prices, reverse=True) and prices[0] == 19
    assert descending["next_page_offset"] is None  # order_by pages by start_from, not offset
    start = _scroll(api, twenty, {"limit": 100, "order_by": {"key": "price", "start_from": 15}})
    assert sorted(p["payload"]["price"] for p in start["points"]) == [15, 16, 17, 18, 19]


def test_count_exact_with_and_without_filter(api, twenty):
    assert count(api, twenty) == 20
    assert count(api, twenty, {"must": [{"key": "price", "range": {"gte": 10}}]}) == 10
    assert count(api, twenty, {"must_not": [{"key": "even", "match": {"value": True}}]}) == 10


def test_count_estimate_is_a_number(api, twenty):
    result = api.post(f"/collections/{twenty}/points/count", json={"exact": False}).result
    assert isinstance(result["count"], int) and result["count"] >= 0


def test_scroll_missing_collection_is_404(api):
    response = api.post("/collections/compat_missing_scroll/points/scroll", json={})
    assert response.expect(404).error == (
        "Not found: Collection `compat_missing_scroll` doesn't exist!")


def test_scroll_helper_walks_every_page(api, twenty):
    assert scroll_ids(api, twenty) == list(range(1, 21))
