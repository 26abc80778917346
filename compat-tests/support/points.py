"""Small helpers the points, filter and search tests share.

Role: keep test bodies about behaviour, not about request plumbing. Every helper goes through the
spec-validating ApiClient and waits for writes (`wait=true`), so a helper's return means the write
is visible to the next request.
"""

from __future__ import annotations

from .api_client import ApiClient

WAIT = {"wait": "true"}


def upsert(api: ApiClient, collection: str, points: list[dict]) -> dict:
    result = api.put(f"/collections/{collection}/points", json={"points": points}, params=WAIT).result
    assert result["status"] == "completed", result
    return result


def count(api: ApiClient, collection: str, filter_: dict | None = None) -> int:
    body = {"exact": True}
    if filter_ is not None:
        body["filter"] = filter_
    return api.post(f"/collections/{collection}/points/count", json=body).result["count"]


def scroll_ids(api: ApiClient, collection: str, filter_: dict | None = None) -> list:
    """Every matching point id, in Qdrant's scroll order (ascending id), across pages."""
    ids, offset = [], None
    while True:
        body = {"limit": 100, "with_payload": False, "with_vector": False}
        if filter_ is not None:
            body["filter"] = filter_
        if offset is not None:
            body["offset"] = offset
        page = api.post(f"/collections/{collection}/points/scroll", json=body).result
        ids.extend(point["id"] for point in page["points"])
        offset = page.get("next_page_offset")
        if offset is None:
            return ids


def retrieve(api: ApiClient, collection: str, ids: list, **selectors) -> dict:
    """id -> record for the requested ids (missing ids are absent)."""
    body = {"ids": ids, **selectors}
    records = api.post(f"/collections/{collection}/points", json=body).result
    return {record["id"]: record for record in records}


def query_ids(api: ApiClient, collection: str, body: dict) -> list:
    return [point["id"] for point in api.post(f"/collections/{collection}/points/query", json=body).result["points"]]
