"""Filter clauses and field conditions, written from the examples in Qdrant's filtering docs.

Each case states the filter and the ids Qdrant's documentation says it selects; ids are read with
scroll (filters are the same everywhere: scroll, count, query, delete).
"""

import pytest

from support.points import count, scroll_ids, upsert
from support.siphash import slice_of

DOC_POINTS = [
    {"id": 1, "city": "London", "color": "green"},
    {"id": 2, "city": "London", "color": "red"},
    {"id": 3, "city": "London", "color": "blue"},
    {"id": 4, "city": "Berlin", "color": "red"},
    {"id": 5, "city": "Moscow", "color": "green"},
    {"id": 6, "city": "Moscow", "color": "blue"},
]


def _with_payloads(rows, size=2):
    return [{"id": row["id"], "vector": [1.0] * size,
             "payload": {k: v for k, v in row.items() if k != "id"}} for row in rows]


@pytest.fixture
def cities(api, collection_factory):
    name = collection_factory({"vectors": {"size": 2, "distance": "Dot"}})
    upsert(api, name, _with_payloads(DOC_POINTS))
    return name


def _is(key, value):
    return {"key": key, "match": {"value": value}}


CLAUSE_CASES = {
    "must": ({"must": [_is("city", "London"), _is("color", "red")]}, [2]),
    "should": ({"should": [_is("city", "London"), _is("color", "red")]}, [1, 2, 3, 4]),
    "must_not": ({"must_not": [_is("city", "London"), _is("color", "red")]}, [5, 6]),
    "combined": ({"must": [_is("city", "London")], "must_not": [_is("color", "red")]}, [1, 3]),
    "nested_clauses": ({"must_not": [{"must": [_is("city", "London"), _is("color", "red")]}]},
                       [1, 3, 4, 5, 6]),
    "min_should": ({"min_should": {"conditions": [_is("city", "London"), _is("color", "red"),
                                                  _is("color", "green")], "min_count": 2}}, [1, 2]),
    "must_with_min_should": ({"must": [_is("city", "Moscow")], "min_should": {
        "conditions": [_is("color", "blue"), _is("color", "red")], "min_count": 1}}, [6]),
    "match_any": ({"must": [{"key": "color", "match": {"any": ["black", "yellow", "red"]}}]}, [2, 4]),
    "match_except": ({"must": [{"key": "color", "match": {"except": ["green", "blue"]}}]}, [2, 4]),
    "match_prefix": ({"must": [{"key": "city", "match": {"prefix": "Lo"}}]}, [1, 2, 3]),
    "has_id": ({"must": [{"has_id": [1, 3, 5, 7, 9, 11]}]}, [1, 3, 5]),
    "empty_filter": ({}, [1, 2, 3, 4, 5, 6]),
    "deeply_nested": ({"should": [{"must": [{"should": [_is("city", "Berlin")]}]},
                                  {"must_not": [{"must_not": [_is("color", "blue")]}]}]}, [3, 4, 6]),
}


@pytest.mark.parametrize("case", sorted(CLAUSE_CASES))
def test_documented_clause_examples(api, cities, case):
    filter_, expected = CLAUSE_CASES[case]
    assert sorted(scroll_ids(api, cities, filter_)) == expected
    assert count(api, cities, filter_) == len(expected)


TYPED_POINTS = [
    {"id": 1, "price": 11.5, "count": 0, "in_stock": True, "tags": ["a", "b"], "comments": ["x"]},
    {"id": 2, "price": 50, "count": 3, "in_stock": False, "tags": ["b"], "comments": ["x", "y", "z"]},
    {"id": 3, "price": 100.0, "count": -2, "in_stock": True, "tags": [], "comments": None},
    {"id": 4, "price": "cheap", "count": "3", "tags": "a"},
    {"id": 5, "price": [5, 200], "count": [1, 2], "in_stock": [False, True]},
    {"id": 6},
    {"id": 7, "price": None, "tags": [None], "comments": []},
]

TYPED_CASES = {
    "range_gte_lte": ({"key": "price", "range": {"gte": 11.5, "lte": 100}}, [1, 2, 3]),
    "range_gt_lt": ({"key": "price", "range": {"gt": 11.5, "lt": 100}}, [2]),
    "range_any_array_element": ({"key": "price", "range": {"gt": 150}}, [5]),
    "integer_match": (_is("count", 3), [2]),
    "integer_match_any": ({"key": "count", "match": {"any": [0, 2]}}, [1, 5]),
    "bool_match": (_is("in_stock", True), [1, 3, 5]),
    "keyword_array_any_element": (_is("tags", "a"), [1, 4]),
    "values_count_gt": ({"key": "comments", "values_count": {"gt": 1}}, [2]),
    "values_count_lte": ({"key": "comments", "values_count": {"lte": 1}}, [1, 3, 4, 5, 6, 7]),
    "is_empty": ({"is_empty": {"key": "tags"}}, [3, 5, 6]),  # [null] is a non-empty array
    "is_null": ({"is_null": {"key": "price"}}, [7]),
    "is_null_not_missing": ({"is_null": {"key": "in_stock"}}, []),
    "must_not_is_empty": ({"must_not": [{"is_empty": {"key": "tags"}}]}, [1, 2, 4, 7]),
    "is_null_not_array_of_null": ({"is_null": {"key": "tags"}}, []),
}


@pytest.fixture
def typed(api, collection_factory):
    name = collection_factory({"vectors": {"size": 2, "distance": "Dot"}})
    upsert(api, name, _with_payloads(TYPED_POINTS))
    return name


@pytest.mark.parametrize("case", sorted(TYPED_CASES))
def test_field_condition_semantics(api, typed, case):
    condition, expected = TYPED_CASES[case]
    filter_ = condition if set(condition) & {"must", "should", "must_not"} else {"must": [condition]}
    assert sorted(scroll_ids(api, typed, filter_)) == expected


NESTED_POINTS = [
    {"id": 1, "country": {"name": "Germany", "cities": [
        {"name": "Berlin", "population": 3.7, "sightseeing": ["Brandenburg Gate", "Reichstag"]},
        {"name": "Munich", "population": 1.5, "sightseeing": ["Marienplatz", "Olympiapark"]}]}},
    {"id": 2, "country": {"name": "Japan", "cities": [
        {"name": "Tokyo", "population": 9.3, "sightseeing": ["Tokyo Tower", "Tokyo Skytree"]},
        {"name": "Osaka", "population": 2.7, "sightseeing": ["Osaka Castle", "Universal Studios Japan"]}]}},
    {"id": 3, "country": {"name": "Mexico", "cities": [
        {"name": "Mexico City", "population": 18.8, "sightseeing": ["Zocalo", "Templo Mayor"]}]}},
    {"id": 4, "dinosaur": "t-rex", "diet": [{"food": "leaves", "likes": False},
                                            {"food": "meat", "likes": True}]},
    {"id": 5, "dinosaur": "diplodocus", "diet": [{"food": "leaves", "likes": True},
                                                 {"food": "meat", "likes": False}]},
]

NESTED_CASES = {
    "dotted_key": ({"must": [_is("country.name", "Germany")]}, [1]),
    "array_projection_range": (
        {"must": [{"key": "country.cities[].population", "range": {"gte": 9.0}}]}, [2, 3]),
    "array_projection_match": (
        {"must": [_is("country.cities[].sightseeing", "Osaka Castle")]}, [2]),
    "array_projection_is_per_point_not_per_element": (
        {"must": [_is("diet[].food", "meat"), _is("diet[].likes", True)]}, [4, 5]),
    "nested_condition_is_per_element": ({"must": [{"nested": {"key": "diet", "filter": {
        "must": [_is("food", "meat"), _is("likes", True)]}}}]}, [4]),
    "nested_with_must_not": ({"must": [{"nested": {"key": "diet", "filter": {
        "must": [_is("food", "meat")], "must_not": [_is("likes", True)]}}}]}, [5]),
    "nested_with_has_id_outside": ({"must": [{"nested": {"key": "diet", "filter": {
        "must": [_is("food", "leaves"), _is("likes", True)]}}}, {"has_id": [4, 5]}]}, [5]),
}


@pytest.fixture
def nested(api, collection_factory):
    name = collection_factory({"vectors": {"size": 2, "distance": "Dot"}})
    upsert(api, name, _with_payloads(NESTED_POINTS))
    return name


@pytest.mark.parametrize("case", sorted(NESTED_CASES))
def test_nested_key_paths_and_nested_condition(api, nested, case):
    filter_, expected = NESTED_CASES[case]
    assert sorted(scroll_ids(api, nested, filter_)) == expected


def test_has_vector_selects_points_with_that_named_vector(api, collection_factory):
    name = collection_factory({"vectors": {"image": {"size": 2, "distance": "Dot"},
                                           "text": {"size": 2, "distance": "Dot"}},
                               "sparse_vectors": {"words": {}}})
    upsert(api, name, [
        {"id": 1, "vector": {"image": [1, 0]}},
        {"id": 2, "vector": {"text": [1, 0], "words": {"indices": [1], "values": [1.0]}}},
        {"id": 3, "vector": {"image": [1, 0], "text": [0, 1]}},
    ])
    assert sorted(scroll_ids(api, name, {"must": [{"has_vector": "image"}]})) == [1, 3]
    assert sorted(scroll_ids(api, name, {"must": [{"has_vector": "words"}]})) == [2]
    assert sorted(scroll_ids(api, name, {"must_not": [{"has_vector": "text"}]})) == [1]


def test_slice_condition_partitions_ids_by_siphash(api, collection_factory):
    name = collection_factory({"vectors": {"size": 2, "distance": "Dot"}})
    ids = list(range(1, 41)) + [2**63 + 5, "6fd9e08d-8fb4-4b5b-9a7b-a8a6e1e7b3c1",
                                 "00000000-0000-0000-0000-000000000001"]
    upsert(api, name, [{"id": i, "vector": [1.0, 1.0]} for i in ids])
    total = 3
    seen = []
    for index in range(total):
        selected = scroll_ids(api, name, {"must": [{"slice": {"index": index, "total": total}}]})
        expected = [i for i in ids if slice_of(i, total) == index]
        assert sorted(map(str, selected)) == sorted(map(str, expected)), index
        seen.extend(selected)
    assert len(seen) == len(ids)


def test_slice_index_out_of_range_is_rejected(api, cities):
    body = {"filter": {"must": [{"slice": {"index": 3, "total": 3}}]}}
    response = api.post(f"/collections/{cities}/points/scroll", json=body).expect(422)
    assert response.error == (
        "Validation error in JSON body: [scroll_request.filter.must[0].__all__: Validation error: "
        "Slice index must be less than the total number of slices [{}]]"
    )
