"""Validates HTTP responses against Qdrant's published OpenAPI documents.

Role: given a method, a concrete request path and a status code, find the operation in the
Qdrant 1.19 spec (falling back to 1.18 for the legacy routes 1.19 dropped from its document:
/points/search, /recommend, /discover and their batch/groups forms), pick the response schema by
exact status code, then the "4XX"/"5XX" range, then "default", and validate the JSON body.

Invariants:
- The spec files are read once and never mutated after conversion.
- OpenAPI 3.0 `nullable` is rewritten into plain JSON Schema (draft 7) before any validation, so a
  field the spec marks nullable accepts `null` and nothing else extra.
- Literal path segments win over templated ones (`/collections/aliases` is not
  `/collections/{collection_name}`).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

import jsonschema
import referencing
import referencing.jsonschema

SPEC_DIR = Path(__file__).resolve().parent.parent / "specs"
SPEC_FILES = ("qdrant-openapi-v1.19.json", "qdrant-openapi-v1.18.json")
HTTP_METHODS = ("get", "put", "post", "patch", "delete", "head")


def _convert_nullable(node):
    """Returns a draft-7 equivalent of an OpenAPI 3.0 schema fragment (recursively)."""
    if isinstance(node, list):
        return [_convert_nullable(item) for item in node]
    if not isinstance(node, dict):
        return node
    converted = {key: _convert_nullable(value) for key, value in node.items()}
    # Keys such as "example" may hold arbitrary data; leave them alone (harmless to the validator).
    if not converted.pop("nullable", False):
        return converted
    meaningful = {k: v for k, v in converted.items() if k not in ("description", "default", "example")}
    if not meaningful:
        return {"type": "null"}
    if "type" in converted and not any(k in converted for k in ("$ref", "anyOf", "oneOf", "allOf")):
        types = converted["type"] if isinstance(converted["type"], list) else [converted["type"]]
        converted["type"] = types + ["null"]
        if "enum" in converted:
            converted["enum"] = list(converted["enum"]) + [None]
        return converted
    return {"anyOf": [converted, {"type": "null"}]}


def _template_regex(template: str) -> re.Pattern:
    parts = []
    for segment in template.strip("/").split("/"):
        if segment.startswith("{") and segment.endswith("}"):
            parts.append("[^/]+")
        else:
            parts.append(re.escape(segment))
    return re.compile("^/" + "/".join(parts) + "/?$")


def _literal_segment_count(template: str) -> int:
    return sum(1 for s in template.strip("/").split("/") if not s.startswith("{"))


@dataclass(frozen=True)
class Operation:
    spec_name: str
    template: str
    method: str
    operation_id: str


class SchemaMismatch(AssertionError):
    """A response body that does not match its operation's schema."""


class OpenApiValidator:
    """Finds operations by method + path and validates response bodies against their schemas."""

    def __init__(self, spec_dir: Path = SPEC_DIR):
        self._documents: dict[str, dict] = {}
        self._routes: list[tuple[str, str, re.Pattern, int]] = []
        registry = referencing.Registry()
        for file_name in SPEC_FILES:
            with open(spec_dir / file_name, encoding="utf-8") as handle:
                document = _convert_nullable(json.load(handle))
            self._documents[file_name] = document
            resource = referencing.Resource.from_contents(
                document, default_specification=referencing.jsonschema.DRAFT7
            )
            registry = registry.with_resource(self._uri(file_name), resource)
            for template in document["paths"]:
                self._routes.append(
                    (file_name, template, _template_regex(template), _literal_segment_count(template))
                )
        self._registry = registry
        self._validators: dict[str, jsonschema.Draft7Validator] = {}

    @staticmethod
    def _uri(file_name: str) -> str:
        return f"urn:sextant-compat:{file_name}"

    def find_operation(self, method: str, path: str) -> Operation | None:
        """The operation serving `method path`, preferring 1.19 and literal segments."""
        method = method.lower()
        path = path.split("?", 1)[0]
        candidates = []
        for order, (file_name, template, regex, literal_count) in enumerate(self._routes):
            if not regex.match(path):
                continue
            operation = self._documents[file_name]["paths"][template].get(method)
            if operation is None:
                continue
            spec_rank = SPEC_FILES.index(file_name)
            candidates.append((spec_rank, -literal_count, order, file_name, template, operation))
        if not candidates:
            return None
        _, _, _, file_name, template, operation = min(candidates, key=lambda c: c[:3])
        return Operation(file_name, template, method, operation.get("operationId", ""))

    def _response_key(self, operation: Operation, status: int) -> str | None:
        responses = self._documents[operation.spec_name]["paths"][operation.template][
            operation.method
        ]["responses"]
        for key in (str(status), f"{status // 100}XX", "default"):
            if key in responses:
                return key
        return None

    def schema_pointer(self, operation: Operation, status: int) -> str | None:
        """JSON pointer (within its spec) of the JSON response schema for `status`, if any."""
        key = self._response_key(operation, status)
        if key is None:
            return None
        response = self._documents[operation.spec_name]["paths"][operation.template][
            operation.method
        ]["responses"][key]
        if "application/json" not in response.get("content", {}):
            return None
        escaped_template = operation.template.replace("~", "~0").replace("/", "~1")
        return (
            f"#/paths/{escaped_template}/{operation.method}/responses/{key}"
            "/content/application~1json/schema"
        )

    def validate(self, method: str, path: str, status: int, body) -> Operation:
        """Raises SchemaMismatch unless `body` matches the schema of the operation's response."""
        operation = self.find_operation(method, path)
        if operation is None:
            raise SchemaMismatch(f"no operation in the Qdrant spec serves {method.upper()} {path}")
        pointer = self.schema_pointer(operation, status)
        if pointer is None:
            return operation
        reference = self._uri(operation.spec_name) + pointer
        validator = self._validators.get(reference)
        if validator is None:
            validator = jsonschema.Draft7Validator({"$ref": reference}, registry=self._registry)
            self._validators[reference] = validator
        errors = sorted(validator.iter_errors(body), key=lambda e: list(e.absolute_path))
        if errors:
            details = "; ".join(
                f"at {'/'.join(map(str, e.absolute_path)) or '<root>'}: {e.message[:300]}"
                for e in errors[:5]
            )
            raise SchemaMismatch(
                f"{method.upper()} {path} -> {status}: body does not match "
                f"{operation.spec_name} {operation.template} ({operation.operation_id}): {details}"
            )
        return operation

    def response_content_types(self, method: str, path: str, status: int) -> list[str]:
        operation = self.find_operation(method, path)
        if operation is None:
            return []
        key = self._response_key(operation, status)
        if key is None:
            return []
        responses = self._documents[operation.spec_name]["paths"][operation.template][
            operation.method
        ]["responses"]
        return list(responses[key].get("content", {}).keys())

