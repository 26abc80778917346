"""The suite's own schema checker: it must reject wrong shapes, or every other check is hollow."""

import pytest

from support.api_client import shared_validator
from support.openapi_validator import SchemaMismatch


@pytest.fixture(scope="module")
def validator():
    return shared_validator()


def test_literal_segments_win_over_templates(validator):
    assert validator.find_operation("POST", "/collections/aliases").template == "/collections/aliases"
    assert validator.find_operation("GET", "/collections/abc").template == "/collections/{collection_name}"
    scroll = validator.find_operation("POST", "/collections/abc/points/scroll")
    assert scroll.template == "/collections/{collection_name}/points/scroll"


def test_routes_dropped_in_1_19_resolve_to_the_1_18_document(validator):
    search = validator.find_operation("POST", "/collections/c/points/search")
    assert search.spec_name == "qdrant-openapi-v1.18.json"
    query = validator.find_operation("POST", "/collections/c/points/query")
    assert query.spec_name == "qdrant-openapi-v1.19.json"
    assert validator.find_operation("GET", "/no/such/route") is None


def test_valid_bodies_pass(validator):
    validator.validate("GET", "/collections", 200,
                       {"result": {"collections": [{"name": "a"}]}, "status": "ok", "time": 0.1})
    validator.validate("GET", "/collections/a", 404,
                       {"status": {"error": "Not found: Collection `a` doesn't exist!"}, "time": 0})
    validator.validate("POST", "/collections/a/points/scroll", 200, {
        "result": {"points": [{"id": 1, "payload": None, "vector": None}], "next_page_offset": None},
        "status": "ok", "time": 0.001})


@pytest.mark.parametrize("body", [
    {"result": {"collections": [{"title": "a"}]}, "status": "ok", "time": 0.1},
    {"result": {"collections": "a"}, "status": "ok", "time": 0.1},
    {"result": {"collections": []}, "status": "ok", "time": "fast"},
])
def test_wrong_shapes_are_rejected(validator, body):
    with pytest.raises(SchemaMismatch):
        validator.validate("GET", "/collections", 200, body)


def test_wrong_id_type_in_points_is_rejected(validator):
    body = {"result": {"points": [{"id": 1.5}], "next_page_offset": None}, "status": "ok", "time": 0}
    with pytest.raises(SchemaMismatch):
        validator.validate("POST", "/collections/a/points/scroll", 200, body)


def test_error_envelope_must_carry_a_message(validator):
    with pytest.raises(SchemaMismatch):
        validator.validate("GET", "/collections/a", 404, {"status": {"error": 404}, "time": 0})
