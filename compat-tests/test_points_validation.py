"""Points validation: Qdrant's status codes and messages, and a rejected request writes nothing."""

import pytest

from support.points import WAIT, count, upsert


@pytest.fixture
def target(api, collection_factory):
    name = collection_factory({"vectors": {"dense": {"size": 3, "distance": "Cosine"}},
                               "sparse_vectors": {"words": {}}})
    upsert(api, name, [{"id": 1, "vector": {"dense": [1, 0, 0]}}])
    return name


def _put_points(api, name, points, **kwargs):
    return api.put(f"/collections/{name}/points", json={"points": points}, params=WAIT, **kwargs)


def test_dimension_mismatch_is_400_and_writes_nothing(api, target):
    response = _put_points(api, target, [{"id": 2, "vector": {"dense": [1, 0, 0]}},
                                          {"id": 3, "vector": {"dense": [1, 0]}}]).expect(400)
    assert response.error == (
        "Wrong input: Vector dimension error: expected dim: 3, got 2 for vector 'dense'"
    )
    assert count(api, target) == 1


def test_unknown_vector_name_is_400(api, target):
    response = _put_points(api, target, [{"id": 2, "vector": {"missing": [1, 0, 0]}}]).expect(400)
    assert response.error == "Wrong input: Not existing vector name error: missing"
    assert count(api, target) == 1


def test_unnamed_vector_for_named_only_collection_is_400(api, target):
    response = _put_points(api, target, [{"id": 2, "vector": [1, 0, 0]}]).expect(400)
    assert response.error.startswith("Wrong input: ")
    assert count(api, target) == 1


@pytest.mark.parametrize("bad_id", [-1, "not-a-uuid", 1.5, None])
def test_invalid_point_ids_are_rejected(api, target, bad_id):
    response = _put_points(api, target, [{"id": bad_id, "vector": {"dense": [1, 0, 0]}}])
    response.expect(400)
    assert response.error.startswith("Format error in JSON body: ")
    assert count(api, target) == 1


def test_get_point_with_invalid_id_is_400(api, target):
    response = api.get(f"/collections/{target}/points/not-an-id")
    assert response.status in (400, 404)


@pytest.mark.parametrize("literal", ["NaN", "Infinity", "-Infinity"])
def test_non_finite_numbers_are_rejected(api, target, literal):
    body = '{"points": [{"id": 9, "vector": {"dense": [1.0, %s, 0.0]}}]}' % literal
    response = api.put(f"/collections/{target}/points", data=body, params=WAIT,
                       headers={"Content-Type": "application/json"}).expect(400)
    assert response.error.startswith("Format error in JSON body: ")
    assert count(api, target) == 1


def test_batch_arrays_of_unequal_length_are_rejected(api, target):
    batch = {"ids": [5, 6, 7], "vectors": {"dense": [[1, 0, 0], [0, 1, 0]]}}
    response = api.put(f"/collections/{target}/points", json={"batch": batch}, params=WAIT)
    response.expect(422)
    assert response.error.startswith("Validation error in JSON body: [")
    assert "number of ids and vectors must be equal (3 != 2)" in response.error
    assert count(api, target) == 1


def test_batch_payloads_of_unequal_length_are_rejected(api, target):
    batch = {"ids": [5, 6], "vectors": {"dense": [[1, 0, 0], [0, 1, 0]]}, "payloads": [{}]}
    response = api.put(f"/collections/{target}/points", json={"batch": batch}, params=WAIT)
    response.expect(422)
    assert "number of ids and payloads must be equal (2 != 1)" in response.error
    assert count(api, target) == 1


def test_sparse_vector_with_unequal_arrays_is_422(api, target):
    points = [{"id": 2, "vector": {"words": {"indices": [1, 2], "values": [0.5]}}}]
    response = _put_points(api, target, points).expect(422)
    assert response.error.startswith("Validation error in JSON body: ")
    assert "must be the same length as indices" in response.error
    assert count(api, target) == 1


def test_sparse_vector_with_duplicate_indices_is_422(api, target):
    points = [{"id": 2, "vector": {"words": {"indices": [3, 3], "values": [0.5, 0.1]}}}]
    response = _put_points(api, target, points).expect(422)
    assert response.error.startswith("Validation error in JSON body: ")
    assert "must be unique" in response.error


def test_search_dimension_mismatch(api, target):
    response = api.post(f"/collections/{target}/points/search",
                        json={"vector": {"name": "dense", "vector": [1, 0]}, "limit": 1})
    assert response.expect(400).error == (
        "Wrong input: Vector dimension error: expected dim: 3, got 2")


def test_limit_must_be_positive_in_query(api, target):
    response = api.post(f"/collections/{target}/points/query",
                        json={"query": [1, 0, 0], "using": "dense", "limit": 0})
    assert response.expect(422).error.startswith("Validation error in JSON body: ")
