"""Wrong-typed fields on every route: a 4xx in Qdrant's error envelope, never a 5xx.

Role: a catalogue of bad input. Two sources of requests:
- swept from the OpenAPI spec: for every operation that takes a JSON body, every field the
  request schema declares (and the fields of its object-typed fields, three levels deep) is sent
  with values of JSON types the schema does not allow; every integer or boolean query parameter
  is sent as text; path parameters that must be numbers are sent as text;
- written by hand: wrong types nested where the sweep does not reach from an empty body (inside
  filters, queries, prefetch, order_by, formulas, search params, payload index schemas,
  collection configs, alias actions, snapshot recovery), each on an otherwise valid body.

Asserted: every wrong-typed body gets a 4xx, and a 400/422 carries the
`{"status": {"error": ...}}` envelope; texts are not compared, so the catalogue holds for Qdrant
1.19 as well. The few wrong types Sextant still takes (listed in TAKEN_TODAY*) and wrong path and
query parameters (whose rejection Qdrant's HTTP framework words itself, and which Sextant partly
ignores, e.g. `?timeout=`) are held to "no 5xx" only: "Service internal error" is a bug whatever
the input. Every request goes to a collection made for the test; the server must still answer.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

SPEC_DIR = Path(__file__).resolve().parent / "specs"
SPEC_FILES = ("qdrant-openapi-v1.19.json", "qdrant-openapi-v1.18.json")
SWEEP_DEPTH = 3  # field levels swept below the body: body.a, body.a.b, body.a.b.c

# One value of each JSON type; a field is sent every value whose type its schema does not allow.
VALUE_OF_TYPE = {
    "string": "wrong",
    "number": 5,
    "boolean": True,
    "array": [1],
    "object": {"wrong": 1},
}

PATH_VALUES = {
    "collection_name": None,  # the test's collection
    "field_name": "city",
    "vector_name": "extra",
    "snapshot_name": "missing.snapshot",
    "shard_id": "0",
    "peer_id": "1",
    "id": "1",
}
# Path parameters whose text must parse as a number or a point id.
NUMERIC_PATH_PARAMETERS = {"shard_id": "not-a-number", "peer_id": "not-a-number", "id": "not-an-id"}


def _load_specs() -> list[dict]:
    return [json.loads((SPEC_DIR / name).read_text(encoding="utf-8")) for name in SPEC_FILES]


SPECS = _load_specs()


class Schemas:
    """Resolves `$ref`s of one spec document and tells the JSON types a schema allows."""

    def __init__(self, document: dict):
        self.components = document["components"]["schemas"]

    def resolve(self, schema: dict) -> dict:
        seen = 0
        while "$ref" in schema and seen < 50:
            schema = self.components[schema["$ref"].rsplit("/", 1)[1]]
            seen += 1
        return schema

    def branches(self, schema: dict) -> list[dict]:
        """The alternatives of a schema, flattened through anyOf/oneOf/allOf(one)."""
        schema = self.resolve(schema)
        for key in ("anyOf", "oneOf"):
            if key in schema:
                out = []
                for branch in schema[key]:
                    out.extend(self.branches(branch))
                return out
        if "allOf" in schema and len(schema["allOf"]) == 1:
            return self.branches(schema["allOf"][0])
        return [schema]

    def allowed_types(self, schema: dict) -> set[str] | None:
        """JSON types the schema accepts ("integer" counts as "number"), None when any may do."""
        types: set[str] = set()
        for branch in self.branches(schema):
            if branch.get("nullable"):
                types.add("null")
            kind = branch.get("type")
            if kind is None:
                if set(branch) - {"nullable", "description", "default", "example"}:
                    return None  # an untyped alternative: any type might be accepted
                continue
            types.add("number" if kind == "integer" else kind)
        return types or None

    def object_branches(self, schema: dict) -> list[dict]:
        return [b for b in self.branches(schema) if b.get("type") == "object" and b.get("properties")]

    def array_item_objects(self, schema: dict) -> list[dict]:
        out = []
        for branch in self.branches(schema):
            if branch.get("type") == "array" and isinstance(branch.get("items"), dict):
                out.extend(self.object_branches(branch["items"]))
        return out


def wrong_values(schemas: Schemas, schema: dict) -> list:
    allowed = schemas.allowed_types(schema)
    if allowed is None:
        return []
    return [value for kind, value in VALUE_OF_TYPE.items() if kind not in allowed]


def swept_bodies(schemas: Schemas, schema: dict, depth: int) -> list:
    """Bodies that each put one wrong-typed value into one field of an otherwise empty object."""
    bodies = []
    for branch in schemas.object_branches(schema):
        for name, child in branch["properties"].items():
            for value in wrong_values(schemas, child):
                bodies.append({name: value})
            if depth > 1:
                for inner in swept_bodies(schemas, child, depth - 1):
                    bodies.append({name: inner})
                for item in schemas.array_item_objects(child):
                    for inner in swept_bodies(schemas, item, depth - 1):
                        bodies.append({name: [inner]})
    unique = {json.dumps(body, sort_keys=True): body for body in bodies}
    return list(unique.values())


def operations() -> list[tuple[str, str, dict, Schemas]]:
    """(method, template, operation, schemas) for every operation, 1.19 first, then 1.18's rest."""
    found: dict[tuple[str, str], tuple[str, str, dict, Schemas]] = {}
    for document in SPECS:
        schemas = Schemas(document)
        for template, methods in document["paths"].items():
            for method, operation in methods.items():
                if method in ("get", "put", "post", "patch", "delete"):
                    found.setdefault((method, template), (method, template, operation, schemas))
    return sorted(found.values(), key=lambda item: (item[1], item[0]))


def json_body_schema(operation: dict) -> dict | None:
    content = (operation.get("requestBody") or {}).get("content") or {}
    return (content.get("application/json") or {}).get("schema")


def concrete_path(template: str, collection: str, overrides: dict | None = None) -> str:
    path = template
    for name, value in {**PATH_VALUES, **(overrides or {})}.items():
        path = path.replace("{" + name + "}", collection if value is None else value)
    return path


BODY_OPERATIONS = [op for op in operations() if json_body_schema(op[2]) is not None]
QUERY_PARAMETER_OPERATIONS = [
    op for op in operations()
    if any(p.get("in") == "query" and p.get("schema", {}).get("type") in ("integer", "boolean")
           for p in op[2].get("parameters", []))
]
NUMERIC_PATH_OPERATIONS = [
    op for op in operations() if any("{" + name + "}" in op[1] for name in NUMERIC_PATH_PARAMETERS)
]


def op_id(op) -> str:
    return f"{op[0].upper()} {op[1]}"


@pytest.fixture
def target(api, collection_factory):
    name = collection_factory({"vectors": {"size": 4, "distance": "Cosine"},
                               "sparse_vectors": {"text": {}}})
    api.put(f"/collections/{name}/points?wait=true", json={"points": [
        {"id": 1, "vector": {"": [0.1, 0.2, 0.3, 0.4]}, "payload": {"city": "Oslo", "n": 1}},
        {"id": 2, "vector": {"": [0.4, 0.3, 0.2, 0.1]}, "payload": {"city": "Rome", "n": 2}},
    ]}).expect(200)
    api.put(f"/collections/{name}/index?wait=true",
            json={"field_name": "n", "field_schema": "integer"}).expect(200)
    return name


def send(api, method: str, path: str, body, params: dict | None = None):
    return api.request(method.upper(), path, data=json.dumps(body), params=params,
                       headers={"Content-Type": "application/json"}, validate=False)


# Arrays in place of an object that Qdrant takes: serde reads a struct from a JSON array as its
# fields in order, so `"params": [1]` is search params with hnsw_ef 1. Held to "no 5xx" only.
ACCEPTED_AS_SEQUENCES = {
    ("POST", "/collections/{collection_name}/points/query", '{"params": [1]}'),
    ("POST", "/collections/{collection_name}/points/query/batch", '{"searches": [{"params": [1]}]}'),
}


# Wrong types Sextant still takes (Qdrant refuses them with a 400), held to "no 5xx" only. None
# today: a literal `null` body where an empty body is allowed, and optimizer thresholds given as
# text, are refused.
TAKEN_TODAY: set[tuple[str, str, str]] = set()


def rejection_problem(response, body, strict: bool = True, envelope: bool = True) -> str | None:
    """None when the request was refused as a client error, else what went wrong.

    A 5xx is always a problem; with `strict`, so is any answer outside 4xx; a 400 or 422 must
    carry Qdrant's error envelope when `envelope` is asked.
    """
    shown = f"{response.method} {response.path} {json.dumps(body)[:200]}"
    if response.status >= 500 or (strict and not 400 <= response.status < 500):
        return f"{shown} -> {response.status}: {response.text[:200]}"
    if envelope and response.status in (400, 422):
        status = response.body.get("status") if isinstance(response.body, dict) else None
        if not (isinstance(status, dict) and isinstance(status.get("error"), str)):
            return f"{shown} -> {response.status} without an error envelope: {response.text[:200]}"
    return None


class Rejections:
    """Collects every request that was not rejected properly, so one run lists them all."""

    def __init__(self):
        self.problems: list[str] = []

    def check(self, response, body, strict: bool = True, envelope: bool = True):
        problem = rejection_problem(response, body, strict, envelope)
        if problem:
            self.problems.append(problem)

    def assert_none(self):
        assert not self.problems, f"{len(self.problems)} not rejected:\n" + "\n".join(
            self.problems[:40])


def assert_alive(api):
    assert api.get("/healthz", validate=False).status == 200


@pytest.mark.parametrize("op", BODY_OPERATIONS, ids=op_id)
def test_wrong_typed_body_fields_are_rejected_with_4xx(api, target, op):
    rejections = Rejections()
    method, template, operation, schemas = op
    path = concrete_path(template, target)
    schema = json_body_schema(operation)
    bodies = [None, 5, "wrong", [1], True] + swept_bodies(schemas, schema, SWEEP_DEPTH)
    for body in bodies:
        key = (method.upper(), template, json.dumps(body))
        taken_today = key in TAKEN_TODAY or key in ACCEPTED_AS_SEQUENCES
        rejections.check(send(api, method, path, body), body, strict=not taken_today)
    assert_alive(api)
    rejections.assert_none()


@pytest.mark.parametrize("op", QUERY_PARAMETER_OPERATIONS, ids=op_id)
def test_query_parameters_of_wrong_type_never_answer_5xx(api, target, op):
    rejections = Rejections()
    method, template, operation, schemas = op
    path = concrete_path(template, target)
    body = {} if json_body_schema(operation) is not None else None
    for parameter in operation.get("parameters", []):
        if parameter.get("in") != "query":
            continue
        if parameter.get("schema", {}).get("type") not in ("integer", "boolean"):
            continue
        response = api.request(method.upper(), path, params={parameter["name"]: "not-a-number"},
                               data=None if body is None else json.dumps(body),
                               headers={"Content-Type": "application/json"}, validate=False)
        rejections.check(response, {parameter["name"]: "not-a-number"}, strict=False,
                         envelope=False)
    assert_alive(api)
    rejections.assert_none()


@pytest.mark.parametrize("op", NUMERIC_PATH_OPERATIONS, ids=op_id)
def test_path_parameters_of_wrong_type_never_answer_5xx(api, target, op):
    rejections = Rejections()
    method, template, operation, _ = op
    path = concrete_path(template, target, NUMERIC_PATH_PARAMETERS)
    body = {} if json_body_schema(operation) is not None else None
    response = api.request(method.upper(), path, data=None if body is None else json.dumps(body),
                           headers={"Content-Type": "application/json"}, validate=False)
    rejections.check(response, path, strict=False, envelope=False)
    assert_alive(api)
    rejections.assert_none()


VECTOR = [0.1, 0.2, 0.3, 0.4]
NESTED_FILTERS = [
    {"must": 5}, {"must": [5]}, {"must": ["wrong"]}, {"should": {"key": 5}},
    {"must": [{"key": 5, "match": {"value": "Oslo"}}]},
    {"must": [{"key": "city", "match": 5}]},
    {"must": [{"key": "city", "match": {"value": [1]}}]},
    {"must": [{"key": "city", "match": {"any": "Oslo"}}]},
    {"must": [{"key": "city", "match": {"except": 5}}]},
    {"must": [{"key": "city", "match": {"text": 5}}]},
    {"must": [{"key": "n", "range": {"gt": "one"}}]},
    {"must": [{"key": "n", "range": 5}]},
    {"must": [{"key": "n", "values_count": {"gt": "x"}}]},
    {"must": [{"key": "g", "geo_radius": {"center": {"lat": "x", "lon": 0}, "radius": 1}}]},
    {"must": [{"key": "g", "geo_bounding_box": {"top_left": [1, 2], "bottom_right": 5}}]},
    {"must": [{"key": "g", "geo_polygon": {"exterior": {"points": 5}}}]},
    {"must": [{"is_empty": {"key": 5}}]}, {"must": [{"is_null": {"key": [1]}}]},
    {"must": [{"has_id": 5}]}, {"must": [{"has_id": [{"a": 1}]}]},
    {"must": [{"has_vector": 5}]}, {"must": [{"nested": {"key": 5, "filter": {}}}]},
    {"must": [{"nested": {"key": "a", "filter": 5}}]},
    {"min_should": {"conditions": 5, "min_count": 1}},
    {"min_should": {"conditions": [], "min_count": "one"}},
]
NESTED_QUERIES = [
    {"query": {"order_by": {"key": 5}}},
    {"query": {"order_by": 5}},
    {"query": {"order_by": {"key": "n", "direction": 5}}},
    {"query": {"order_by": {"key": "n", "start_from": [1]}}},
    {"query": {"nearest": 5}},
    {"query": {"nearest": {"wrong": 1}}},
    {"query": {"nearest": VECTOR, "mmr": {"diversity": "high"}}},
    {"query": {"nearest": VECTOR, "mmr": 5}},
    {"query": {"recommend": 5}},
    {"query": {"recommend": {"positive": 5}}},
    {"query": {"recommend": {"positive": [1], "strategy": 5}}},
    {"query": {"discover": {"target": 1, "context": 5}}},
    {"query": {"discover": {"target": 1, "context": [{"positive": 1, "negative": [1]}]}}},
    {"query": {"context": {"positive": 1}}},
    {"query": {"fusion": 5}},
    {"query": {"rrf": {"k": "x"}}},
    {"query": {"sample": 5}},
    {"query": {"formula": 5}},
    {"query": {"formula": {"sum": 5}}},
    {"query": {"formula": {"sum": ["$score", {"mult": "x"}]}}},
    {"query": {"formula": {"formula": {"exp_decay": {"x": "n", "scale": "x"}}}}},
    {"query": {"formula": {"formula": {"div": {"left": 1, "right": [1]}}}}},
    {"query": {"formula": {"formula": {"gauss_decay": 5}}}},
    {"query": {"formula": {"formula": {"geo_distance": {"origin": 5, "to": "g"}}}}},
    {"query": {"formula": {"formula": {"datetime": 5}}}},
    {"query": {"formula": {"formula": "$score", "defaults": 5}}},
    {"query": {"formula": {"formula": {"key": 5}}}},
    {"prefetch": 5},
    {"prefetch": [5]},
    {"prefetch": {"query": {"order_by": {"key": 5}}}},
    {"prefetch": [{"query": VECTOR, "limit": "ten"}]},
    {"prefetch": [{"prefetch": {"filter": 5}}], "query": {"fusion": "rrf"}},
    {"query": VECTOR, "params": {"hnsw_ef": "x"}},
    {"query": VECTOR, "params": {"quantization": {"rescore": 5}}},
    {"query": VECTOR, "params": 5},
    {"query": VECTOR, "lookup_from": {"collection": 5}},
    {"query": VECTOR, "with_payload": {"include": 5}},
    {"query": VECTOR, "with_vector": {"a": 1}},
    {"query": {"nearest": {"indices": "x", "values": [1]}}, "using": "text"},
    {"query": {"nearest": {"text": 5, "model": "m"}}},
    {"query": {"nearest": [[1, "x"]]}},
]


def test_wrong_types_nested_in_filters_are_rejected_with_4xx(api, target):
    rejections = Rejections()
    for nested in NESTED_FILTERS:
        for path, body in [
            ("points/scroll", {"filter": nested}),
            ("points/count", {"filter": nested}),
            ("points/query", {"query": VECTOR, "filter": nested}),
            ("points/delete?wait=true", {"filter": nested}),
            ("facet", {"key": "city", "filter": nested}),
        ]:
            rejections.check(send(api, "POST", f"/collections/{target}/{path}", body), body)
    assert_alive(api)
    rejections.assert_none()


def test_wrong_types_nested_in_queries_and_prefetch_are_rejected_with_4xx(api, target):
    rejections = Rejections()
    for body in NESTED_QUERIES:
        rejections.check(send(api, "POST", f"/collections/{target}/points/query", body), body)
        batch = {"searches": [body]}
        rejections.check(send(api, "POST", f"/collections/{target}/points/query/batch", batch),
                        batch)
        grouped = {**body, "group_by": "city"}
        rejections.check(send(api, "POST", f"/collections/{target}/points/query/groups", grouped),
                        grouped)
    assert_alive(api)
    rejections.assert_none()


OTHER_BODIES = [
    ("POST", "points/scroll", {"order_by": 5}),
    ("POST", "points/scroll", {"order_by": {"key": 5}}),
    ("POST", "points/scroll", {"order_by": {"key": "n", "direction": [1]}}),
    ("POST", "points/scroll", {"order_by": {"key": "n", "start_from": {"a": 1}}}),
    ("POST", "points/scroll", {"offset": [1]}),
    ("POST", "points/scroll", {"limit": "ten"}),
    ("POST", "points/query/groups", {"query": VECTOR, "group_by": 5}),
    ("POST", "points/query/groups", {"query": VECTOR, "group_by": "city", "group_size": "x"}),
    ("POST", "points/query/groups",
     {"query": VECTOR, "group_by": "city", "with_lookup": {"collection": 5}}),
    ("POST", "points/query/groups", {"query": VECTOR, "group_by": "city", "with_lookup": 5}),
    ("POST", "points/search/groups", {"vector": VECTOR, "group_by": "city", "limit": "x",
                                      "group_size": 1}),
    ("POST", "points/recommend/groups", {"positive": [1], "group_by": 5, "limit": 1,
                                         "group_size": 1}),
    ("POST", "points/search", {"vector": VECTOR, "limit": 1, "params": {"exact": "yes"}}),
    ("POST", "points/search", {"vector": {"name": 5, "vector": VECTOR}, "limit": 1}),
    ("POST", "points/recommend", {"positive": [{"a": 1}], "limit": 1}),
    ("POST", "points/discover", {"target": 1, "context": [{"positive": "x"}], "limit": 1}),
    ("POST", "points/search/matrix/pairs", {"sample": "x"}),
    ("POST", "points/search/matrix/offsets", {"limit": [1]}),
    ("POST", "facet", {"key": 5}),
    ("POST", "facet", {"key": "city", "limit": "x"}),
    ("POST", "points", {"ids": [[1]]}),
    ("POST", "points", {"ids": [1], "with_payload": 5}),
    ("PUT", "points?wait=true", {"points": [{"id": 3, "vector": VECTOR, "payload": 5}]}),
    ("PUT", "points?wait=true", {"points": [{"id": [3], "vector": VECTOR}]}),
    ("PUT", "points?wait=true", {"points": [{"id": 3, "vector": {"": "x"}}]}),
    ("PUT", "points?wait=true", {"batch": {"ids": [3], "vectors": 5}}),
    ("PUT", "points?wait=true", {"batch": {"ids": [3], "vectors": [VECTOR], "payloads": [5]}}),
    ("PUT", "points/vectors?wait=true", {"points": [{"id": 1, "vector": 5}]}),
    ("POST", "points/vectors/delete?wait=true", {"points": [1], "vector": 5}),
    ("POST", "points/payload?wait=true", {"payload": {"a": 1}, "points": [1], "key": 5}),
    ("PUT", "points/payload?wait=true", {"payload": [1], "points": [1]}),
    ("POST", "points/payload/delete?wait=true", {"keys": [5], "points": [1]}),
    ("POST", "points/payload/clear?wait=true", {"points": {"filter": 5}}),
    ("POST", "points/batch?wait=true", {"operations": [{"upsert": 5}]}),
    ("POST", "points/batch?wait=true", {"operations": [{"delete": {"points": "x"}}]}),
    ("POST", "points/batch?wait=true", {"operations": [{"set_payload": {"payload": 5}}]}),
    ("POST", "points/batch?wait=true", {"operations": [{"update_vectors": {"points": 5}}]}),
    ("PUT", "index?wait=true", {"field_name": 5, "field_schema": "keyword"}),
    ("PUT", "index?wait=true", {"field_name": "f", "field_schema": 5}),
    ("PUT", "index?wait=true", {"field_name": "f", "field_schema": {"type": 5}}),
    ("PUT", "index?wait=true", {"field_name": "f", "field_schema": {"type": "text",
                                                                    "tokenizer": 5}}),
    ("PUT", "index?wait=true", {"field_name": "f", "field_schema": {"type": "text",
                                                                    "stopwords": 5}}),
    ("PUT", "index?wait=true", {"field_name": "f", "field_schema": {"type": "integer",
                                                                    "range": "x"}}),
    ("PATCH", "", {"vectors": {"": {"hnsw_config": {"m": "x"}}}}),
    ("PATCH", "", {"vectors": 5}),
    ("PATCH", "", {"params": {"replication_factor": "x"}}),
    ("PATCH", "", {"hnsw_config": 5}),
    ("PATCH", "", {"quantization_config": {"scalar": {"type": 5}}}),
    ("PATCH", "", {"sparse_vectors": {"text": {"index": {"on_disk": "x"}}}}),
    ("PATCH", "", {"strict_mode_config": {"enabled": "x"}}),
    ("PUT", "snapshots/recover", {"location": 5}),
    ("PUT", "snapshots/recover", {"location": "file:///nowhere", "priority": 5}),
    ("PUT", "snapshots/recover", {"location": "file:///nowhere", "checksum": 5}),
    ("PUT", "index?wait=true", {"field_name": "f", "field_schema": {"type": "keyword",
                                                                    "is_tenant": "x"}}),
    ("PUT", "index?wait=true", {"field_name": "f", "field_schema": {"type": "integer",
                                                                    "is_principal": 5}}),
    ("PUT", "index?wait=true", {"field_name": "f", "field_schema": {"type": "geo",
                                                                    "on_disk": "x"}}),
    ("PATCH", "", {"optimizers_config": {"indexing_threshold": "x"}}),
    ("PATCH", "", {"optimizers_config": {"max_segment_size": "x"}}),
    ("PATCH", "", {"optimizers_config": {"memmap_threshold": "x"}}),
]

# Hand-written wrong types Sextant still takes (Qdrant refuses them): held to "no 5xx" only.
TAKEN_TODAY_BODIES: list = []

NEW_COLLECTION_BODIES = [
    {"vectors": 5}, {"vectors": {"size": "4", "distance": "Cosine"}},
    {"vectors": {"size": 4, "distance": 5}}, {"vectors": {"a": 5}},
    {"vectors": {"a": {"size": 4, "distance": "Dot", "multivector_config": 5}}},
    {"vectors": {"size": 4, "distance": "Dot", "datatype": 5}},
    {"vectors": {"size": 4, "distance": "Dot", "on_disk": "x"}},
    {"vectors": {"size": 4, "distance": "Dot"}, "hnsw_config": {"ef_construct": [1]}},
    {"vectors": {"size": 4, "distance": "Dot"}, "wal_config": {"wal_capacity_mb": "x"}},
    {"vectors": {"size": 4, "distance": "Dot"}, "optimizers_config": 5},
    {"vectors": {"size": 4, "distance": "Dot"}, "quantization_config": {"product": 5}},
    {"vectors": {"size": 4, "distance": "Dot"},
     "quantization_config": {"binary": {"always_ram": "x"}}},
    {"vectors": {"size": 4, "distance": "Dot"}, "sparse_vectors": {"s": 5}},
    {"vectors": {"size": 4, "distance": "Dot"}, "sparse_vectors": {"s": {"modifier": 5}}},
    {"vectors": {"size": 4, "distance": "Dot"}, "shard_number": "x"},
    {"vectors": {"size": 4, "distance": "Dot"}, "on_disk_payload": 5},
    {"vectors": {"size": 4, "distance": "Dot"}, "strict_mode_config": {"max_query_limit": "x"}},
    {"vectors": {"size": 4, "distance": "Dot"}, "metadata": 5},
]

# `init_from` (copy another collection) left Qdrant's create-collection request in 1.16 and an
# unknown field is ignored; Sextant ignores it too, whatever its type: no 5xx is asked.
NEW_COLLECTION_TAKEN_TODAY = {"vectors": {"size": 4, "distance": "Dot"}, "init_from": 5}

ALIAS_BODIES = [
    {"actions": 5}, {"actions": [5]}, {"actions": [{"create_alias": 5}]},
    {"actions": [{"create_alias": {"collection_name": 5, "alias_name": "a"}}]},
    {"actions": [{"create_alias": {"collection_name": "c", "alias_name": [1]}}]},
    {"actions": [{"delete_alias": {"alias_name": 5}}]},
    {"actions": [{"rename_alias": {"old_alias_name": 5, "new_alias_name": "b"}}]},
]


def test_wrong_types_in_point_collection_and_snapshot_bodies_are_rejected_with_4xx(api, target):
    rejections = Rejections()
    for method, route, body in OTHER_BODIES + TAKEN_TODAY_BODIES:
        path = f"/collections/{target}" + (f"/{route}" if route else "")
        taken_today = (method, route, body) in TAKEN_TODAY_BODIES
        rejections.check(send(api, method, path, body), body, strict=not taken_today)
    assert_alive(api)
    rejections.assert_none()


def test_wrong_types_in_new_collection_configs_are_rejected_with_4xx(api, collection_name):
    rejections = Rejections()
    for body in NEW_COLLECTION_BODIES + [NEW_COLLECTION_TAKEN_TODAY]:
        rejections.check(send(api, "PUT", f"/collections/{collection_name}", body), body,
                         strict=body is not NEW_COLLECTION_TAKEN_TODAY)
        api.delete(f"/collections/{collection_name}")  # in case a wrong type was taken
    rejections.assert_none()


def test_wrong_types_in_alias_actions_are_rejected_with_4xx(api):
    rejections = Rejections()
    for body in ALIAS_BODIES:
        rejections.check(send(api, "POST", "/collections/aliases", body), body)
    assert_alive(api)
    rejections.assert_none()


@pytest.mark.parametrize("route", ["points/count", "points/scroll", ""])
def test_a_literal_null_body_is_refused(api, target, route):
    # Sextant takes an empty body on these routes; `null` is not one (Qdrant: a 400).
    path = f"/collections/{target}" + (f"/{route}" if route else "")
    method = "PATCH" if not route else "POST"
    refused = send(api, method, path, None)
    assert rejection_problem(refused, None) is None, refused.text[:300]
    assert_alive(api)


def test_order_by_key_of_wrong_type_is_a_format_error(api, target):
    # Qdrant: the query matches no variant of its untagged QueryInterface, so serde's text.
    for body in ({"query": {"order_by": {"key": 5}}},
                 {"prefetch": {"query": {"order_by": {"key": [1]}}}, "query": {"fusion": "rrf"}}):
        response = send(api, "POST", f"/collections/{target}/points/query", body)
        assert response.status == 400, response.text[:300]
        assert response.error.startswith("Format error in JSON body:"), response.error
        assert "Expected some form of vector, id, or a type of query" in response.error
