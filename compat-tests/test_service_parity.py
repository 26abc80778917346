"""Service-level surface as Qdrant 1.19 serves it on a standalone node.

GET /, /telemetry's sections at each details level, /metrics' per-collection series and the
per_collection option, /issues (the UNINDEXED_FIELD issue of slow filtered queries),
/collections/{c}/optimizations, the cluster routes a node outside distributed mode answers,
/quotas and unknown routes. Key sets and statuses are Qdrant's; figures are checked against what
the test itself did (points it wrote), never against numbers taken from one server.
"""

import re
import time

import pytest
import requests

from support.api_client import ApiClient
from support.server_process import ServerProcess

STANDALONE = "Qdrant is running in standalone mode"

# Top-level sections of /telemetry by details level (global access).
SECTIONS_LEVEL_0 = {"id", "app", "collections", "cluster", "requests", "quota"}
SECTIONS_LEVEL_1 = SECTIONS_LEVEL_0 | {"memory", "hardware", "search_pool"}
APP_LEVEL_1 = {"features", "runtime_features", "low_memory_mode", "hnsw_global_config", "system"}


def _points(count: int, dim: int = 4) -> list[dict]:
    return [{"id": i, "vector": [((i * 7 + j) % 11) / 11 + 0.01 for j in range(dim)],
             "payload": {"city": "Berlin" if i % 2 else "London", "n": i}}
            for i in range(count)]


def _upsert(api, name: str, points: list[dict]) -> None:
    for start in range(0, len(points), 500):
        api.put(f"/collections/{name}/points", params={"wait": "true"},
                json={"points": points[start:start + 500]}).expect(200)


# --- GET / ---------------------------------------------------------------------------------

def test_root_answers_qdrants_version_object_only(api):
    body = api.get("/").expect(200).body
    assert {"title", "version"} <= set(body) <= {"title", "version", "commit"}, body
    assert body["title"] == "qdrant - vector search engine"


# --- /telemetry ----------------------------------------------------------------------------

@pytest.mark.parametrize("level", [0, 1, 2, 3, 4])
def test_telemetry_returns_qdrants_sections_at_each_level(api, collection_factory, level):
    collection_factory()
    # Qdrant's own level-4 answer (segment details) does not match its OpenAPI document.
    result = api.get("/telemetry", params={"details_level": level}, validate=level < 4).result
    expected = SECTIONS_LEVEL_0 if level == 0 else SECTIONS_LEVEL_1
    assert set(result) == expected, sorted(result)
    assert {"name", "version", "startup"} <= set(result["app"])
    if level >= 1:
        assert APP_LEVEL_1 <= set(result["app"]), sorted(result["app"])
        assert set(result["memory"]) == {"active_bytes", "allocated_bytes", "metadata_bytes",
                                         "resident_bytes", "retained_bytes"}
        assert set(result["hardware"]) == {"collection_data"}
        assert set(result["search_pool"]) == {"mode", "high_cpu_threads", "high_io_threads"}
    else:
        assert not APP_LEVEL_1 & set(result["app"]), sorted(result["app"])
    cluster_keys = {"enabled", "resharding_enabled"} | ({"config"} if level >= 2 else set())
    assert set(result["cluster"]) == cluster_keys
    assert result["cluster"]["enabled"] is False
    assert set(result["quota"]) == {"config", "exceeded"}
    assert set(result["quota"]["exceeded"]) == {"resident_memory", "disk_usage"}


@pytest.mark.parametrize("level, keys", [
    (1, {"vectors", "optimizers_status", "params"}),
    (2, {"id", "init_time_ms", "config"}),
    (3, {"id", "init_time_ms", "config", "shards", "transfers", "resharding"}),
])
def test_telemetry_collection_entries_have_qdrants_shape_per_level(api, collection_factory,
                                                                   level, keys):
    name = collection_factory()
    _upsert(api, name, _points(3))
    collections = api.get("/telemetry", params={"details_level": level}).result["collections"]
    entries = collections["collections"]
    assert entries and all(keys <= set(entry) for entry in entries), entries[:1]
    if level >= 2:
        (entry,) = [entry for entry in entries if entry["id"] == name]
        assert {"params", "hnsw_config", "optimizer_config", "wal_config"} <= set(entry["config"])
        snapshots = {item["id"]: item for item in collections["snapshots"]}
        assert set(snapshots[name]) == {"id", "running_snapshots", "running_snapshot_recovery",
                                        "total_snapshot_creations"}
    if level >= 3:
        (shard,) = entry["shards"]
        assert shard["local"]["num_points"] == 3
        assert shard["remote"] == []
    if level == 1:
        assert collections["snapshots"] == []


# --- /metrics ------------------------------------------------------------------------------

def _samples(text: str, family: str) -> dict[str, float]:
    pattern = re.compile(rf"^{family}(\{{[^}}]*\}})? (\S+)$", re.M)
    return {match.group(1) or "": float(match.group(2)) for match in pattern.finditer(text)}


def test_metrics_report_per_collection_series(api, collection_factory):
    name = collection_factory()
    _upsert(api, name, _points(5))
    text = api.get("/metrics").expect(200).text
    assert _samples(text, "collection_points")[f'{{id="{name}"}}'] == 5
    assert _samples(text, "collection_vectors")[f'{{collection="{name}",vector=""}}'] == 5
    for family in ("collection_running_optimizations", "collection_update_queue_length",
                   "snapshot_created_total", "collection_shard_transfer_incoming"):
        assert f'{{id="{name}"}}' in _samples(text, family), family
    for family in ("memory_resident_bytes", "process_threads", "process_open_fds"):
        assert _samples(text, family)[""] > 0, family


def test_metrics_per_collection_option_labels_rest_responses(api, collection_factory):
    name = collection_factory()
    api.post(f"/collections/{name}/points/count", json={}).expect(200)
    per_collection = api.get("/metrics", params={"per_collection": "true"}).expect(200).text
    lines = [line for line in per_collection.splitlines()
             if line.startswith("rest_responses_total{") and "/points/count" in line]
    assert any(f'collection="{name}"' in line for line in lines), lines
    assert all("collection=" in line for line in lines), lines
    global_text = api.get("/metrics").expect(200).text
    global_lines = [line for line in global_text.splitlines()
                    if line.startswith("rest_responses_total{")]
    assert global_lines and not any("collection=" in line for line in global_lines)


def test_metrics_refuse_a_malformed_per_collection_flag(api):
    response = api.get("/metrics", params={"per_collection": "yes"}).expect(400)
    assert response.error == BOOL_TEXT


# --- /issues -------------------------------------------------------------------------------

def test_issues_report_and_clear(api):
    issues = api.get("/issues").result["issues"]
    assert isinstance(issues, list)
    assert api.delete("/issues").result is True
    assert api.get("/issues").result["issues"] == []


@pytest.fixture(scope="module")
def slow_query_server():
    """A server that treats every search as slow (service.slow_query_secs = 0)."""
    process = ServerProcess(extra_env={"QDRANT__SERVICE__SLOW_QUERY_SECS": "0"}).start()
    try:
        yield ApiClient(process.url)
    finally:
        process.cleanup()


def _issue_schemas(issue: dict) -> list:
    solution = issue["solution"]
    choices = solution["immediate_choice"] if "immediate_choice" in solution else [
        solution["immediate"]]
    for choice in choices:
        assert choice["action"]["method"] == "PUT"
        assert choice["action"]["body"]["field_name"] == issue["id"].rsplit("/", 1)[1]
    return [choice["action"]["body"]["field_schema"] for choice in choices]


@pytest.mark.owns_server
def test_slow_filtered_query_reports_unindexed_fields(slow_query_server):
    api = slow_query_server
    name = "service_parity_issues"
    api.put(f"/collections/{name}", json={"vectors": {"size": 4, "distance": "Cosine"}}).expect(200)
    _upsert(api, name, _points(10))
    api.delete("/issues").expect(200)
    api.post(f"/collections/{name}/points/scroll",
             json={"filter": {"must": [{"key": "city", "match": {"value": "Berlin"}}]}}).expect(200)
    assert api.get("/issues").result["issues"] == []  # scroll is not a search

    api.post(f"/collections/{name}/points/query", json={
        "query": [1, 0, 0, 0],
        "filter": {"must": [{"key": "city", "match": {"value": "Berlin"}},
                            {"key": "n", "range": {"gt": 1}}]}}).expect(200)
    issues = {issue["id"]: issue for issue in api.get("/issues").result["issues"]}
    assert set(issues) == {f"UNINDEXED_FIELD/{name}/city", f"UNINDEXED_FIELD/{name}/n"}
    city = issues[f"UNINDEXED_FIELD/{name}/city"]
    assert city["description"] == (
        f"Unindexed field 'city' might be slowing queries down in collection '{name}'")
    assert city["related_collection"] == name
    assert _issue_schemas(city) == ["keyword"]
    assert sorted(_issue_schemas(issues[f"UNINDEXED_FIELD/{name}/n"])) == ["float", "integer"]
    assert city["solution"]["immediate"]["action"]["uri"] == f"/collections/{name}/index"

    # An index on the field solves its issue; deleting the collection solves the rest.
    api.put(f"/collections/{name}/index", params={"wait": "true"},
            json={"field_name": "city", "field_schema": "keyword"}).expect(200)
    ids = {issue["id"] for issue in api.get("/issues").result["issues"]}
    assert ids == {f"UNINDEXED_FIELD/{name}/n"}
    api.delete(f"/collections/{name}").expect(200)
    assert api.get("/issues").result["issues"] == []


# --- /collections/{c}/optimizations --------------------------------------------------------

def test_optimizations_report_has_qdrants_shape(api, collection_factory):
    name = collection_factory()
    result = api.get(f"/collections/{name}/optimizations").result
    assert set(result) == {"summary", "running"}
    assert set(result["summary"]) == {"queued_optimizations", "queued_segments", "queued_points",
                                      "idle_segments"}
    full = api.get(f"/collections/{name}/optimizations",
                   params={"with": "queued,completed,idle_segments"}).result
    assert set(full) == {"summary", "running", "queued", "completed", "idle_segments"}


def test_optimizations_refuse_unknown_with_field(api, collection_factory):
    name = collection_factory()
    response = api.get(f"/collections/{name}/optimizations", params={"with": "queued,bogus"})
    assert response.expect(400).error == "Wrong input: Unknown field in 'with' parameter: bogus"


def test_optimizations_of_missing_collection_is_404(api):
    response = api.get("/collections/service_parity_missing/optimizations").expect(404)
    assert response.error == "Not found: Collection `service_parity_missing` doesn't exist!"


def test_optimizations_report_a_finished_index_build(api, collection_factory):
    name = collection_factory({"vectors": {"size": 4, "distance": "Cosine"},
                               "optimizers_config": {"indexing_threshold": 10}})
    points = 3000
    _upsert(api, name, _points(points))
    deadline = time.monotonic() + 60
    while True:
        result = api.get(f"/collections/{name}/optimizations",
                          params={"with": "completed,idle_segments"}).result
        idle = not result["running"] and result["summary"]["queued_optimizations"] == 0
        if idle and result["completed"]:
            break
        assert time.monotonic() < deadline, result
        time.sleep(0.2)
    # Qdrant may finish with a merge of the segments it indexed, depending on their sizes.
    done = result["completed"][0]
    assert done["optimizer"] in ("indexing", "merge")
    assert done["status"] == "done"
    assert done["progress"]["name"] == "Segment Optimizing"
    assert {"started_at", "finished_at", "duration_sec"} <= set(done["progress"])
    assert sum(segment["points_count"] for segment in result["idle_segments"]) == points
    limited = api.get(f"/collections/{name}/optimizations",
                      params={"with": "completed", "completed_limit": "0"}).result
    assert limited["completed"] == []


# --- cluster routes on a standalone node ---------------------------------------------------

@pytest.mark.parametrize("method, path, in_spec", [
    ("POST", "/cluster/recover", True),
    ("DELETE", "/cluster/peer/1", True),
    ("GET", "/cluster/metadata/keys", False),
    ("GET", "/cluster/metadata/keys/some_key", False),
    ("PUT", "/cluster/metadata/keys/some_key", False),
    ("DELETE", "/cluster/metadata/keys/some_key", False),
])
def test_cluster_routes_answer_standalone_mode(api, method, path, in_spec):
    body = {"value": 1} if method == "PUT" else None
    response = api.request(method, path, json=body, route_in_spec=in_spec)
    assert response.expect(405).error == STANDALONE


def test_remove_peer_with_a_non_numeric_id_is_a_plain_404(api):
    response = api.delete("/cluster/peer/abc", validate=False).expect(404)
    assert response.text == 'can not parse "abc" to a u64'


def test_remove_peer_validates_its_timeout(api):
    response = api.delete("/cluster/peer/1", params={"timeout": "0"}).expect(422)
    assert response.error == (
        "Validation error in query parameters: [timeout: value 0 invalid, must be 1 or larger]")


BOOL_TEXT = "Deserialize error in query parameters: provided string was not `true` or `false`"
DIGIT_TEXT = "Deserialize error in query parameters: invalid digit found in string"


@pytest.mark.parametrize("method, path, params, status, text", [
    ("DELETE", "/cluster/peer/1", {"force": "yes"}, 400, BOOL_TEXT),
    ("DELETE", "/cluster/peer/1", {"timeout": "soon"}, 400, DIGIT_TEXT),
    ("GET", "/cluster/telemetry", {"details_level": "high"}, 400, DIGIT_TEXT),
    ("GET", "/cluster/telemetry", {"timeout": "0"}, 422,
     "Validation error in query parameters: [timeout: value 0 invalid, must be 1 or larger]"),
    ("PUT", "/quotas", {"wait": "yes"}, 400, BOOL_TEXT),
])
def test_cluster_and_quota_routes_check_query_parameters(api, method, path, params, status,
                                                         text):
    body = {} if method == "PUT" else None
    response = api.request(method, path, json=body, params=params).expect(status)
    assert response.error == text


def test_cluster_telemetry_without_peers_is_an_internal_error(api):
    response = api.get("/cluster/telemetry").expect(500)
    assert response.error == "Service internal error: Could not get telemetry from cluster"


def test_quotas_report_config_and_usage_and_take_updates(api):
    result = api.get("/quotas").result
    assert set(result) == {"config", "usage"}
    assert set(result["usage"]) == {"resident_memory_percent", "disk_usage_percent"}
    try:
        assert api.put("/quotas", json={"enabled": True,
                                        "max_disk_usage_percent": 100}).result is True
        assert api.get("/quotas").result["config"] == {"enabled": True,
                                                       "max_disk_usage_percent": 100}
        assert api.get("/telemetry").result["quota"]["config"]["enabled"] is True
        refused = api.put("/quotas", json={"max_disk_usage_percent": 0}).expect(422)
        assert refused.error == ("Validation error in JSON body: [max_disk_usage_percent: "
                                 "value 0 invalid, must be from 1 to 100]")
    finally:
        api.put("/quotas", json={}).expect(200)
    assert api.get("/quotas").result["config"] == {"enabled": False}


def test_unknown_route_is_an_empty_404_as_qdrant(server):
    response = requests.get(server.url + "/no/such/route", timeout=10,
                            headers={"api-key": server.api_key} if server.api_key else {})
    assert response.status_code == 404
    assert response.content == b""
