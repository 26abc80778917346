"""Geo, full-text and datetime conditions, with the coordinates and texts of Qdrant's docs."""

import pytest

from support.points import WAIT, scroll_ids, upsert

PLACES = [
    {"id": 1, "location": {"lon": 13.4050, "lat": 52.5200}, "name": "Berlin"},
    {"id": 2, "location": {"lon": 13.0645, "lat": 52.3906}, "name": "Potsdam"},
    {"id": 3, "location": {"lon": 2.3522, "lat": 48.8566}, "name": "Paris"},
    {"id": 4, "location": [{"lon": -0.1276, "lat": 51.5072}, {"lon": 13.38, "lat": 52.51}],
     "name": "London and Berlin Mitte"},
    {"id": 5, "location": {"lon": 13.40, "lat": 52.52}, "name": "Berlin again"},
    {"id": 6, "name": "nowhere"},
]


@pytest.fixture
def places(api, collection_factory):
    name = collection_factory({"vectors": {"size": 2, "distance": "Dot"}})
    upsert(api, name, [{"id": r["id"], "vector": [1, 1],
                        "payload": {k: v for k, v in r.items() if k != "id"}} for r in PLACES])
    return name


def _ids(api, name, condition):
    return sorted(scroll_ids(api, name, {"must": [condition]}))


def test_geo_bounding_box(api, places):
    box = {"key": "location", "geo_bounding_box": {
        "top_left": {"lon": 13.0, "lat": 52.6}, "bottom_right": {"lon": 13.6, "lat": 52.3}}}
    assert _ids(api, places, box) == [1, 2, 4, 5]


def test_geo_radius_in_meters(api, places):
    around_berlin = {"key": "location", "geo_radius": {
        "center": {"lon": 13.4050, "lat": 52.5200}, "radius": 5000.0}}
    assert _ids(api, places, around_berlin) == [1, 4, 5]
    wider = {"key": "location", "geo_radius": {
        "center": {"lon": 13.4050, "lat": 52.5200}, "radius": 30000.0}}
    assert _ids(api, places, wider) == [1, 2, 4, 5]


def test_geo_polygon_with_interior_hole(api, places):
    exterior = {"points": [{"lon": 12.9, "lat": 52.2}, {"lon": 13.7, "lat": 52.2},
                           {"lon": 13.7, "lat": 52.7}, {"lon": 12.9, "lat": 52.7},
                           {"lon": 12.9, "lat": 52.2}]}
    hole_over_potsdam = {"points": [{"lon": 13.0, "lat": 52.35}, {"lon": 13.1, "lat": 52.35},
                                    {"lon": 13.1, "lat": 52.45}, {"lon": 13.0, "lat": 52.45},
                                    {"lon": 13.0, "lat": 52.35}]}
    plain = {"key": "location", "geo_polygon": {"exterior": exterior}}
    assert _ids(api, places, plain) == [1, 2, 4, 5]
    holed = {"key": "location", "geo_polygon": {"exterior": exterior,
                                                "interiors": [hole_over_potsdam]}}
    assert _ids(api, places, holed) == [1, 4, 5]


TEXTS = [
    {"id": 1, "description": "The quick brown fox jumps over the lazy dog"},
    {"id": 2, "description": "A quick movement of the enemy will jeopardize six gunboats"},
    {"id": 3, "description": "Brown bears are not foxes"},
    {"id": 4, "description": ["lazy afternoon", "sleepy dog"]},
    {"id": 5, "title": "no description at all"},
]


@pytest.fixture
def texts(api, collection_factory):
    name = collection_factory({"vectors": {"size": 2, "distance": "Dot"}})
    api.put(f"/collections/{name}/index", params=WAIT, json={
        "field_name": "description",
        "field_schema": {"type": "text", "tokenizer": "word", "lowercase": True,
                         "phrase_matching": True},
    }).expect(200)
    upsert(api, name, [{"id": r["id"], "vector": [1, 1],
                        "payload": {k: v for k, v in r.items() if k != "id"}} for r in TEXTS])
    return name


TEXT_CASES = {
    "text_all_tokens": ({"text": "quick brown"}, [1]),
    "text_single_token": ({"text": "lazy"}, [1, 4]),
    "text_is_case_insensitive_with_lowercase_index": ({"text": "QUICK"}, [1, 2]),
    "text_any": ({"text_any": "gunboats bears"}, [2, 3]),
    "phrase_in_order": ({"phrase": "lazy dog"}, [1]),
    "phrase_wrong_order": ({"phrase": "dog lazy"}, []),
}


@pytest.mark.parametrize("case", sorted(TEXT_CASES))
def test_full_text_matches(api, texts, case):
    match, expected = TEXT_CASES[case]
    assert _ids(api, texts, {"key": "description", "match": match}) == expected


EVENTS = [
    {"id": 1, "date": "2023-02-08T10:49:00Z"},
    {"id": 2, "date": "2023-02-08T11:49:00+01:00"},  # same instant as id 1
    {"id": 3, "date": "2023-02-09T00:00:00Z"},
    {"id": 4, "date": "2023-02-07"},
    {"id": 5, "date": "not a date"},
]


@pytest.fixture
def events(api, collection_factory):
    name = collection_factory({"vectors": {"size": 2, "distance": "Dot"}})
    api.put(f"/collections/{name}/index", params=WAIT,
            json={"field_name": "date", "field_schema": "datetime"}).expect(200)
    upsert(api, name, [{"id": r["id"], "vector": [1, 1], "payload": {"date": r["date"]}}
                       for r in EVENTS])
    return name


DATETIME_CASES = {
    "gte_same_instant_any_offset": ({"gte": "2023-02-08T10:49:00Z"}, [1, 2, 3]),
    "gt_excludes_equal_instant": ({"gt": "2023-02-08T10:49:00Z"}, [3]),
    "lt_date_only": ({"lt": "2023-02-08"}, [4]),
    "between": ({"gt": "2023-02-07T12:00:00Z", "lte": "2023-02-08T23:00:00+02:00"}, [1, 2]),
}


@pytest.mark.parametrize("case", sorted(DATETIME_CASES))
def test_datetime_range(api, events, case):
    bounds, expected = DATETIME_CASES[case]
    assert _ids(api, events, {"key": "date", "range": bounds}) == expected
