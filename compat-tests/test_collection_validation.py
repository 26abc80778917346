"""Collection create validation: names, vector sizes, distances. A rejected create creates nothing."""

from urllib.parse import quote

import pytest

from conftest import unique_name


@pytest.mark.parametrize("bad_char", ["*", ":", "<", ">", "?", "|", '"', "\\"])
def test_name_with_forbidden_character_is_rejected(api, bad_char):
    name = f"compat{bad_char}bad"
    path = f"/collections/{quote(name, safe='')}"
    response = api.put(path, json={"vectors": {"size": 4, "distance": "Dot"}})
    if response.status == 200:  # do not leave a wrongly accepted collection behind
        api.delete(path)
    response.expect(422)
    assert response.error == (
        f'Validation error in path parameters: [collection_name: collection name cannot contain "{bad_char}" char]'
    )
    assert api.get("/collections").result["collections"].count({"name": name}) == 0


def test_name_longer_than_255_characters_is_rejected(api):
    name = "c" * 256
    response = api.put(f"/collections/{name}", json={"vectors": {"size": 4, "distance": "Dot"}})
    response.expect(422)
    assert response.error.startswith("Validation error in path parameters: [collection_name: ")
    assert "255" in response.error


def test_name_of_255_characters_is_accepted(api, collection_factory):
    name = collection_factory(name="n" * 245 + unique_name("")[:10])
    assert len(name) == 255
    assert api.get(f"/collections/{name}/exists").result == {"exists": True}


def test_vector_size_above_65536_is_a_validation_error(api, collection_name):
    response = api.put(
        f"/collections/{collection_name}", json={"vectors": {"size": 65537, "distance": "Dot"}}
    )
    response.expect(422)
    assert response.error == (
        "Validation error in JSON body: [vectors.size: value 65537 invalid, must be from 1 to 65536]"
    )
    assert api.get(f"/collections/{collection_name}/exists").result == {"exists": False}


def test_vector_size_zero_is_a_format_error(api, collection_name):
    # size is a non-zero integer in Qdrant's types, so 0 fails to parse rather than to validate
    response = api.put(
        f"/collections/{collection_name}", json={"vectors": {"size": 0, "distance": "Dot"}}
    )
    response.expect(400)
    assert response.error.startswith("Format error in JSON body: ")
    assert api.get(f"/collections/{collection_name}/exists").result == {"exists": False}


def test_vector_size_bounds_are_inclusive(api, collection_factory):
    for size in (1, 65536):
        name = collection_factory({"vectors": {"size": size, "distance": "Euclid"}})
        assert api.get(f"/collections/{name}").result["config"]["params"]["vectors"]["size"] == size


def test_named_vector_size_too_large_is_rejected_with_its_path(api, collection_name):
    body = {"vectors": {"image": {"size": 70000, "distance": "Dot"}}}
    response = api.put(f"/collections/{collection_name}", json=body).expect(422)
    # Qdrant validates the named-vector map as one anonymous group, written "?" in the path
    assert response.error == (
        "Validation error in JSON body: [vectors.?.size: value 70000 invalid, must be from 1 to 65536]"
    )


def test_unknown_distance_is_a_format_error(api, collection_name):
    body = {"vectors": {"size": 4, "distance": "Hamming"}}
    response = api.put(f"/collections/{collection_name}", json=body).expect(400)
    assert response.error.startswith("Format error in JSON body: ")
    assert api.get(f"/collections/{collection_name}/exists").result == {"exists": False}


def test_negative_size_is_a_format_error(api, collection_name):
    body = {"vectors": {"size": -1, "distance": "Dot"}}
    response = api.put(f"/collections/{collection_name}", json=body).expect(400)
    assert response.error.startswith("Format error in JSON body: ")


def test_hnsw_ef_construct_zero_is_rejected(api, collection_name):
    body = {"vectors": {"size": 4, "distance": "Dot"}, "hnsw_config": {"ef_construct": 0}}
    response = api.put(f"/collections/{collection_name}", json=body).expect(422)
    assert response.error == (
        "Validation error in JSON body: [hnsw_config.ef_construct: value 0 invalid, must be 4 or larger]"
    )
