"""Service routes: root info, health probes, metrics, telemetry, cluster status, error envelopes.

These are what load balancers, Kubernetes probes, Prometheus and client libraries hit first.
"""

import re

import pytest


def test_root_reports_qdrant_title_and_version(api):
    body = api.get("/").expect(200).body
    assert body["title"] == "qdrant - vector search engine"
    assert body["version"] == "1.19.0"


@pytest.mark.sextant_only
def test_root_names_sextant_in_a_header_and_telemetry(api):
    response = api.get("/").expect(200)
    assert set(response.body) <= {"title", "version", "commit"}, response.body
    version = response.headers["x-sextant-version"]
    assert version
    app = api.get("/telemetry").result["app"]
    assert app["sextant"]["version"] == version


@pytest.mark.parametrize("route", ["/healthz", "/livez"])
def test_liveness_probes_answer_plain_text(api, route):
    response = api.get(route).expect(200)
    assert response.text == "healthz check passed"


def test_readiness_probe_reports_shards_ready(api):
    response = api.get("/readyz").expect(200)
    assert response.text == "all shards are ready"


def _metric_names(exposition: str) -> set[str]:
    names = set()
    for line in exposition.splitlines():
        if line and not line.startswith("#"):
            names.add(re.split(r"[{ ]", line, maxsplit=1)[0])
    return names


def test_metrics_use_qdrant_names_in_prometheus_text(api, collection_factory):
    name = collection_factory()
    api.post(f"/collections/{name}/points/count", json={}).expect(200)
    response = api.get("/metrics").expect(200)
    names = _metric_names(response.text)
    for expected in (
        "app_info",
        "collections_total",
        "rest_responses_total",
        "rest_responses_duration_seconds_bucket",
        "rest_responses_duration_seconds_sum",
        "rest_responses_duration_seconds_count",
    ):
        assert expected in names, f"{expected} missing from /metrics: {sorted(names)[:40]}"
    assert re.search(r'^app_info\{[^}]*version="1\.19\.0"[^}]*\} 1$', response.text, re.M)
    assert "# TYPE rest_responses_duration_seconds histogram" in response.text
    total = re.search(r"^collections_total (\d+)", response.text, re.M)
    assert total and int(total.group(1)) >= 1


def test_metrics_count_rest_responses_per_endpoint_and_status(api, collection_factory):
    name = collection_factory()
    api.post("/collections/compat_missing_for_metrics/points/count", json={}).expect(404)
    api.post(f"/collections/{name}/points/count", json={}).expect(200)
    text = api.get("/metrics").expect(200).text
    lines = [line for line in text.splitlines() if line.startswith("rest_responses_total{")]
    endpoint = 'endpoint="/collections/{collection_name}/points/count"'
    for status in ("200", "404"):
        assert any(endpoint in line and f'status="{status}"' in line and 'method="POST"' in line
                   for line in lines), (status, lines)
    buckets = [line for line in text.splitlines()
               if line.startswith("rest_responses_duration_seconds_bucket{") and endpoint in line]
    assert any('le="+Inf"' in line for line in buckets), buckets


def test_telemetry_reports_app_and_collections(api, collection_factory):
    collection_factory()
    result = api.get("/telemetry").result
    assert result["app"]["version"] == "1.19.0"
    assert isinstance(result["id"], str) and result["id"]
    assert result["collections"]["number_of_collections"] >= 1


def test_cluster_status_is_disabled_without_distributed_mode(api):
    result = api.get("/cluster").result
    assert result == {"status": "disabled"}


def test_collection_cluster_info_describes_a_single_local_shard(api, collection_factory):
    name = collection_factory()
    result = api.get(f"/collections/{name}/cluster").result
    assert result["shard_count"] == 1
    assert result["remote_shards"] == []
    assert result["shard_transfers"] == []
    assert [shard["shard_id"] for shard in result["local_shards"]] == [0]
    assert result["local_shards"][0]["state"] == "Active"
    assert result["local_shards"][0]["points_count"] == 0


def test_collection_cluster_info_of_missing_collection_is_404(api):
    response = api.get("/collections/compat_no_such_collection/cluster").expect(404)
    assert response.error == "Not found: Collection `compat_no_such_collection` doesn't exist!"


def test_malformed_json_body_is_a_400_format_error(api, collection_name):
    response = api.put(
        f"/collections/{collection_name}",
        data='{"vectors": {"size": 4, "distance": "Cosine"',
        headers={"Content-Type": "application/json"},
    ).expect(400)
    assert response.error.startswith("Format error in JSON body: EOF while parsing an object")
    api.get(f"/collections/{collection_name}").expect(404)


def test_json_of_the_wrong_shape_is_a_400_format_error(api, collection_name):
    response = api.put(f"/collections/{collection_name}", json={"vectors": {"size": "four"}})
    response.expect(400)
    assert response.error.startswith("Format error in JSON body: ")


def test_unknown_route_is_404(api):
    response = api.get("/definitely/not/a/route", route_in_spec=False)
    assert response.status == 404


def test_unknown_method_on_known_path_is_not_success(api):
    response = api.request("PATCH", "/collections", route_in_spec=False)
    assert response.status in (404, 405)
