"""The suite's one way to talk HTTP to the server under test.

Role: send a request, then validate EVERY JSON response body against the schema that Qdrant's
OpenAPI document gives for that operation and status code (see openapi_validator). A body that does
not match fails the test at the call site, so no test can forget to check the shape.

Invariants:
- A response to a route that the spec does not know fails unless the caller passes
  `route_in_spec=False` (only the "unknown route" tests do that).
- `validate=False` is reserved for answers Qdrant itself sends outside its spec (the plain-text
  401/403 of the api-key check); such tests assert the body text instead.
- `ApiResponse.result` asserts a 2xx status with `"status": "ok"` before handing out `result`.
"""

from __future__ import annotations

import json as jsonlib
from dataclasses import dataclass
from typing import Any

import requests

from .openapi_validator import OpenApiValidator, SchemaMismatch

_VALIDATOR: OpenApiValidator | None = None


def shared_validator() -> OpenApiValidator:
    global _VALIDATOR
    if _VALIDATOR is None:
        _VALIDATOR = OpenApiValidator()
    return _VALIDATOR


@dataclass
class ApiResponse:
    method: str
    path: str
    status: int
    headers: dict
    text: str
    body: Any

    @property
    def result(self):
        assert 200 <= self.status < 300, f"{self.method} {self.path} -> {self.status}: {self.text}"
        assert isinstance(self.body, dict) and self.body.get("status") == "ok", self.text
        return self.body["result"]

    @property
    def error(self) -> str:
        """The error message of a Qdrant error envelope."""
        assert self.status >= 400, f"expected an error, got {self.status}: {self.text[:300]}"
        assert isinstance(self.body, dict), f"error body is not JSON: {self.text[:300]}"
        status = self.body.get("status")
        assert isinstance(status, dict) and isinstance(status.get("error"), str), self.text
        return status["error"]

    def expect(self, status: int) -> "ApiResponse":
        assert self.status == status, (
            f"{self.method} {self.path}: expected {status}, got {self.status}: {self.text[:500]}"
        )
        return self


class ApiClient:
    """Thin requests wrapper bound to one server URL (and optionally one api key)."""

    def __init__(self, base_url: str, api_key: str | None = None, timeout_s: float = 30.0):
        self.base_url = base_url.rstrip("/")
        self.api_key = api_key
        self.timeout_s = timeout_s
        self._session = requests.Session()

    def with_api_key(self, api_key: str | None) -> "ApiClient":
        return ApiClient(self.base_url, api_key, self.timeout_s)

    def request(
        self,
        method: str,
        path: str,
        json: Any = None,
        params: dict | None = None,
        headers: dict | None = None,
        data: bytes | str | None = None,
        route_in_spec: bool = True,
        validate: bool = True,
    ) -> ApiResponse:
        all_headers = {}
        if self.api_key is not None:
            all_headers["api-key"] = self.api_key
        if headers:
            all_headers.update(headers)
        if json is not None:
            data = jsonlib.dumps(json)
            all_headers.setdefault("Content-Type", "application/json")
        raw = self._session.request(
            method,
            self.base_url + path,
            data=data,
            params=params,
            headers=all_headers,
            timeout=self.timeout_s,
        )
        body = None
        if raw.content and "json" in raw.headers.get("Content-Type", ""):
            body = raw.json()
        response = ApiResponse(method.upper(), path, raw.status_code, dict(raw.headers), raw.text, body)
        if validate:
            self._validate(response, route_in_spec)
        return response

    def _validate(self, response: ApiResponse, route_in_spec: bool) -> None:
        validator = shared_validator()
        operation = validator.find_operation(response.method, response.path)
        if operation is None:
            if route_in_spec:
                raise SchemaMismatch(
                    f"{response.method} {response.path} is not an operation of the Qdrant spec"
                )
            return
        json_expected = "application/json" in validator.response_content_types(
            response.method, response.path, response.status
        )
        if json_expected:
            assert response.body is not None, (
                f"{response.method} {response.path} -> {response.status}: expected a JSON body, "
                f"got Content-Type {response.headers.get('Content-Type')!r}: {response.text[:300]}"
            )
            validator.validate(response.method, response.path, response.status, response.body)

    def get(self, path: str, **kwargs) -> ApiResponse:
        return self.request("GET", path, **kwargs)

    def put(self, path: str, json: Any = None, **kwargs) -> ApiResponse:
        return self.request("PUT", path, json=json, **kwargs)

    def post(self, path: str, json: Any = None, **kwargs) -> ApiResponse:
        return self.request("POST", path, json=json, **kwargs)

    def patch(self, path: str, json: Any = None, **kwargs) -> ApiResponse:
        return self.request("PATCH", path, json=json, **kwargs)

    def delete(self, path: str, **kwargs) -> ApiResponse:
        return self.request("DELETE", path, **kwargs)
