"""`sextant migrate`: copying collections between two running servers, and resuming after a kill.

Each test starts its own source and target servers (the suite's server binary, so with
COMPAT_SERVER_BIN pointing at a Qdrant build this checks Qdrant -> Qdrant through the same
command) and runs the `sextant migrate` of this checkout's build between them. The oracle is the
source itself: after the migration every collection's configuration, payload schema, shard keys,
aliases and every point (all vectors within float tolerance, payload equal) are read from both
servers and compared.
"""

from __future__ import annotations

import json
import math
import os
import random
import signal
import subprocess
import tempfile
import time
import uuid
from pathlib import Path

import pytest

from support.api_client import ApiClient
from support.server_process import REPO_ROOT, ServerProcess

pytestmark = pytest.mark.owns_server

MIGRATE_BIN = Path(os.environ.get("SEXTANT_MIGRATE_BIN", REPO_ROOT / "build" / "sextant"))

MAIN_BODY = {
    "vectors": {
        "dense": {"size": 8, "distance": "Cosine"},
        "colbert": {
            "size": 4,
            "distance": "Dot",
            "multivector_config": {"comparator": "max_sim"},
        },
        "small": {"size": 3, "distance": "Euclid", "datatype": "float16"},
    },
    "sparse_vectors": {"text": {"modifier": "idf"}},
    "hnsw_config": {"m": 12, "ef_construct": 64},
    "optimizers_config": {"indexing_threshold": 1000},
    "quantization_config": {"scalar": {"type": "int8", "quantile": 0.99, "always_ram": True}},
    "on_disk_payload": False,
    "metadata": {"owner": "migrate-test"},
}
MAIN_INDEXES = [
    ("city", "keyword"),
    ("n", {"type": "integer", "lookup": True, "range": True}),
    ("tenant", {"type": "keyword", "is_tenant": True}),
    ("note", {"type": "text", "tokenizer": "word", "lowercase": True}),
    ("score", "float"),
]
SHARDED_BODY = {
    "vectors": {"size": 4, "distance": "Euclid"},
    "sharding_method": "custom",
}
SHARD_KEYS = ["eu", "us"]
CITIES = ["Berlin", "London", "Paris", "Oslo", "Rome"]


def _point(rng: random.Random, point_id) -> dict:
    vector = {
        "dense": [rng.uniform(-1, 1) for _ in range(8)],
        "colbert": [[rng.uniform(-1, 1) for _ in range(4)] for _ in range(rng.randint(1, 3))],
        "text": {
            "indices": sorted(rng.sample(range(1000), rng.randint(1, 6))),
            "values": [round(rng.uniform(0.1, 2), 3) for _ in range(6)],
        },
    }
    vector["text"]["values"] = vector["text"]["values"][: len(vector["text"]["indices"])]
    if rng.random() < 0.8:
        vector["small"] = [round(rng.uniform(-4, 4), 2) for _ in range(3)]
    payload = {
        "city": rng.choice(CITIES),
        "n": rng.randint(-1000, 1000),
        "tenant": f"t{rng.randint(0, 3)}",
        "note": " ".join(rng.choice(["fast", "vector", "search", "LMDB", "graph"]) for _ in range(4)),
        "score": rng.uniform(0, 100),
        "nested": {"tags": [rng.choice("abc") for _ in range(2)], "flag": rng.random() < 0.5},
    }
    if rng.random() < 0.1:
        payload["maybe"] = None
    return {"id": point_id, "vector": vector, "payload": payload}


def _seed(api: ApiClient, main_points: int, seed: int = 7) -> list[str]:
    """Creates the collections; returns their names (a standalone Qdrant serves no shard keys, so
    the custom-sharded collection is left out there)."""
    rng = random.Random(seed)
    api.put("/collections/mig_main", json=MAIN_BODY).expect(200)
    for field, schema in MAIN_INDEXES:
        api.put(
            "/collections/mig_main/index",
            json={"field_name": field, "field_schema": schema},
            params={"wait": "true"},
        ).expect(200)
    ids = list(range(1, main_points - 20 + 1)) + [str(uuid.UUID(int=rng.getrandbits(128))) for _ in range(20)]
    for start in range(0, len(ids), 500):
        points = [_point(rng, point_id) for point_id in ids[start : start + 500]]
        api.put("/collections/mig_main/points", json={"points": points}, params={"wait": "true"}).expect(200)

    collections = ["mig_main"]
    actions = [{"create_alias": {"collection_name": "mig_main", "alias_name": "mig_alias"}}]
    api.post("/collections/aliases", json={"actions": actions}).expect(200)
    api.put("/collections/mig_sharded", json=SHARDED_BODY).expect(200)
    first_key = api.put("/collections/mig_sharded/shards", json={"shard_key": SHARD_KEYS[0]})
    if first_key.status == 405 and "standalone mode" in first_key.text:
        api.delete("/collections/mig_sharded").expect(200)
        return collections
    first_key.expect(200)
    collections.append("mig_sharded")
    for key in SHARD_KEYS[1:]:
        api.put("/collections/mig_sharded/shards", json={"shard_key": key}).expect(200)
    for index, key in enumerate(SHARD_KEYS):
        points = [
            {"id": index * 1000 + i, "vector": [rng.uniform(-1, 1) for _ in range(4)], "payload": {"key": key}}
            for i in range(100)
        ]
        api.put(
            "/collections/mig_sharded/points",
            json={"points": points, "shard_key": key},
            params={"wait": "true"},
        ).expect(200)
    return collections


def _all_points(api: ApiClient, collection: str) -> dict:
    points, offset = {}, None
    for _ in range(10_000):
        body = {"limit": 500, "with_payload": True, "with_vector": True}
        if offset is not None:
            body["offset"] = offset
        page = api.post(f"/collections/{collection}/points/scroll", json=body).result
        for point in page["points"]:
            points[json.dumps(point["id"])] = point
        offset = page["next_page_offset"]
        if offset is None:
            return points
    raise AssertionError("scroll did not end")


def _vectors_close(a, b) -> bool:
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return math.isclose(a, b, rel_tol=1e-5, abs_tol=1e-6)
    if isinstance(a, dict) and isinstance(b, dict) and set(a) == {"indices", "values"} == set(b):
        return dict(zip(a["indices"], a["values"])).keys() == dict(zip(b["indices"], b["values"])).keys() and all(
            math.isclose(x, dict(zip(b["indices"], b["values"]))[i], rel_tol=1e-5)
            for i, x in zip(a["indices"], a["values"])
        )
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_vectors_close(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_vectors_close(x, y) for x, y in zip(a, b))
    return a == b


def _index_shape(schema: dict) -> dict:
    """A payload_schema entry without its point count; a parameter left null is left out (Qdrant
    writes unset index parameters such as `is_principal` as null, Sextant leaves them out)."""
    shape = {f: v for f, v in schema.items() if f != "points"}
    if isinstance(shape.get("params"), dict):
        shape["params"] = {f: v for f, v in shape["params"].items() if v is not None}
    return shape


def _assert_same_collections(source: ApiClient, target: ApiClient, collections: list[str]) -> None:
    for name in collections:
        source_info = source.get(f"/collections/{name}").result
        target_info = target.get(f"/collections/{name}").result
        assert target_info["config"] == source_info["config"], name
        schema = {k: _index_shape(s) for k, s in source_info["payload_schema"].items()}
        copied = {k: _index_shape(s) for k, s in target_info["payload_schema"].items()}
        assert copied == schema, name
        source_points = _all_points(source, name)
        target_points = _all_points(target, name)
        assert target_points.keys() == source_points.keys(), name
        for key, point in source_points.items():
            copy = target_points[key]
            assert copy.get("payload") == point.get("payload"), key
            assert _vectors_close(copy.get("vector"), point.get("vector")), key
            assert copy.get("shard_key") == point.get("shard_key"), key
    if "mig_sharded" in collections:
        keys = lambda api: sorted(s.get("shard_key") for s in api.get("/collections/mig_sharded/cluster").result["local_shards"])  # noqa: E731
        assert keys(target) == keys(source)
    aliases = lambda api: {a["alias_name"]: a["collection_name"] for a in api.get("/aliases").result["aliases"]}  # noqa: E731
    assert aliases(target) == aliases(source)


def _grpc_url(server: ServerProcess) -> str:
    return f"grpc://127.0.0.1:{server.grpc_port}"


def _migrate(
    source: ServerProcess, target: ServerProcess, state: Path, *extra: str, wire=("rest", "rest"), **popen
):
    """Runs `sextant migrate`; `wire` says how each end is reached ("rest" or "grpc")."""
    ends = [_grpc_url(server) if how == "grpc" else server.url for server, how in zip((source, target), wire)]
    command = [str(MIGRATE_BIN), "migrate", "--from", ends[0], "--to", ends[1], "--state", str(state), *extra]
    if popen:
        return subprocess.Popen(command, **popen)
    return subprocess.run(command, capture_output=True, text=True, timeout=300)


@pytest.fixture
def servers():
    started = []
    work = Path(tempfile.mkdtemp(prefix="sextant-migrate-test-"))
    try:
        source = ServerProcess().start()
        started.append(source)
        target = ServerProcess().start()
        started.append(target)
        yield source, target, work
    finally:
        for process in started:
            process.cleanup()
        for path in work.iterdir():
            path.unlink()
        work.rmdir()


def test_migrate_copies_configs_indexes_shard_keys_aliases_and_every_point(servers):
    source, target, work = servers
    source_api, target_api = ApiClient(source.url), ApiClient(target.url)
    collections = _seed(source_api, main_points=3000)

    run = _migrate(source, target, work / "state.json", "--batch-size", "200", "--parallel", "2")
    assert run.returncode == 0, run.stdout + run.stderr
    assert f"migrated {len(collections)} collection(s), 1 alias(es)" in run.stdout
    assert "verify mig_main: points 3000/3000, sample 100/100 equal" in run.stdout
    if "mig_sharded" in collections:
        assert "verify mig_sharded: points 200/200" in run.stdout
    _assert_same_collections(source_api, target_api, collections)

    # A rerun with the finished state copies nothing and verifies again; a point lost at the
    # target is then a count mismatch and a non-zero exit.
    again = _migrate(source, target, work / "state.json")
    assert again.returncode == 0, again.stdout + again.stderr
    assert "points: 0 copied in this run" in again.stdout
    target_api.post("/collections/mig_main/points/delete", json={"points": [5]}, params={"wait": "true"}).expect(200)
    broken = _migrate(source, target, work / "state.json", "--verify-sample", "0")
    assert broken.returncode == 1
    assert "verify mig_main: points 2999/3000" in broken.stdout
    assert "MISMATCH" in broken.stdout


@pytest.mark.parametrize("wire", [("grpc", "rest"), ("rest", "grpc")], ids=["grpc-source", "grpc-target"])
def test_migrate_over_grpc_copies_everything_exactly(servers, wire):
    """One end over gRPC (Qdrant's gRPC API on the server's grpc_port), the other over REST: the
    same configs, indexes, shard keys, aliases and points arrive, read back over REST."""
    source, target, work = servers
    source_api, target_api = ApiClient(source.url), ApiClient(target.url)
    collections = _seed(source_api, main_points=3000, seed=5)

    run = _migrate(source, target, work / "state.json", "--batch-size", "250", wire=wire)
    assert run.returncode == 0, run.stdout + run.stderr
    assert f"migrated {len(collections)} collection(s), 1 alias(es)" in run.stdout
    assert "verify mig_main: points 3000/3000, sample 100/100 equal" in run.stdout
    if "mig_sharded" in collections:
        assert "verify mig_sharded: points 200/200" in run.stdout
    _assert_same_collections(source_api, target_api, collections)


def test_migrate_over_grpc_reports_an_unreachable_end_on_stderr(servers):
    source, target, work = servers
    closed = ServerProcess.__new__(ServerProcess)
    closed.grpc_port = 1
    run = _migrate(source, closed, work / "state.json", "--retries", "0", "--timeout", "5", wire=("rest", "grpc"))
    assert run.returncode == 1
    assert "\nsextant migrate: grpc://127.0.0.1:1: GET /aliases answered 503: " in "\n" + run.stderr
    assert run.stdout == ""


def test_migrate_refuses_a_target_collection_it_did_not_create(servers):
    source, target, work = servers
    ApiClient(source.url).put("/collections/taken", json={"vectors": {"size": 2, "distance": "Dot"}}).expect(200)
    ApiClient(target.url).put("/collections/taken", json={"vectors": {"size": 2, "distance": "Dot"}}).expect(200)
    run = _migrate(source, target, work / "state.json")
    assert run.returncode == 1
    assert "collection taken already exists at the target" in run.stderr
    assert run.stdout == ""


def test_migrate_killed_mid_run_resumes_and_copies_everything_exactly(servers):
    source, target, work = servers
    source_api, target_api = ApiClient(source.url), ApiClient(target.url)
    collections = _seed(source_api, main_points=4000, seed=11)
    total = 4000 + (200 if "mig_sharded" in collections else 0)
    state = work / "state.json"

    process = _migrate(
        source, target, state, "--batch-size", "10", "--parallel", "1",
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    copied_before_kill = 0
    deadline = time.monotonic() + 120
    try:
        while time.monotonic() < deadline and process.poll() is None:
            try:
                cursors = json.loads(state.read_text())["collections"]
            except (OSError, ValueError):
                cursors = {}
            copied_before_kill = sum(c.get("points_copied", 0) for c in cursors.values())
            if copied_before_kill >= 500:
                break
            time.sleep(0.01)
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait()
    assert process.returncode == -signal.SIGKILL, "the migration ended before it could be killed"
    assert 500 <= copied_before_kill < total
    partial = sum(
        target_api.post(f"/collections/{name}/points/count", json={"exact": True}).result["count"]
        for name in collections
        if name in {c["name"] for c in target_api.get("/collections").result["collections"]}
    )
    assert partial < total

    resumed = _migrate(source, target, state, "--batch-size", "500")
    assert resumed.returncode == 0, resumed.stdout + resumed.stderr
    assert "resuming from" in resumed.stderr
    assert "verify mig_main: points 4000/4000" in resumed.stdout
    _assert_same_collections(source_api, target_api, collections)


def test_migrate_usage_errors_go_to_stderr_with_exit_2():
    run = subprocess.run([str(MIGRATE_BIN), "migrate", "--from", "http://127.0.0.1:1"], capture_output=True, text=True)
    assert run.returncode == 2
    assert run.stderr == "sextant migrate: --to URL (or --to-storage PATH) is required\n"
    assert run.stdout == ""
    run = subprocess.run([str(MIGRATE_BIN), "migrate", "--help"], capture_output=True, text=True)
    assert run.returncode == 0
    assert "Usage: sextant migrate --from URL --to URL" in run.stdout
