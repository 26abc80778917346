"""The gRPC server and its non-Points services, RPC by RPC, with the generated stubs.

Role: every RPC of qdrant.Collections, qdrant.Snapshots, qdrant.ShardSnapshots,
qdrant.Qdrant/HealthCheck and grpc.health.v1.Health/Check is called at least once over gRPC,
and error codes and texts are checked; the operations surface (auth, TLS, gzip, metrics, limits)
is in test_grpc_operations.py.

Invariants: the shared-server tests hold for Sextant and for a real Qdrant 1.19 alike (its gRPC
port from QDRANT_GRPC_PORT); every collection, alias and snapshot a test creates is removed.
Two Sextant-only cases are marked: shard keys on a single node (Qdrant serves them only in
cluster mode) and qdrant.ShardSnapshots (Qdrant 1.19 does not register it on its public port).
"""

from __future__ import annotations

import re
import time

import grpc
import pytest
import requests
from qdrant_client import grpc as pb
from qdrant_client.grpc import snapshots_service_pb2 as snapshots_pb

from support.grpc_channels import (
    Wire,
    create_request,
    grpc_target,
    rpc_error,
    string_field,
    uint_field,
    unique,
    varint,
)

STANDALONE = "Qdrant is running in standalone mode"


@pytest.fixture(scope="module")
def wire(server, grpc_port):
    connection = Wire(grpc_target(server.url, grpc_port), server.api_key)
    yield connection
    connection.close()


@pytest.fixture
def collection(wire):
    """A fresh collection with two named dense vectors; dropped at teardown."""
    name = unique("grpc_svc")
    wire.collections.Create(
        pb.CreateCollection(
            collection_name=name,
            vectors_config=pb.VectorsConfig(
                params_map=pb.VectorParamsMap(
                    map={
                        "dense": pb.VectorParams(size=4, distance=pb.Distance.Cosine),
                        "small": pb.VectorParams(size=2, distance=pb.Distance.Dot),
                    }
                )
            ),
        ),
        metadata=wire.metadata,
    )
    yield name
    wire.collections.Delete(pb.DeleteCollection(collection_name=name), metadata=wire.metadata)


# ---- health ----


def test_health_check_reports_qdrant_version(wire):
    reply = wire.qdrant.HealthCheck(pb.HealthCheckRequest())
    assert reply.title == "qdrant - vector search engine"
    assert reply.version.startswith("1.19")


def test_grpc_health_protocol_answers_serving(wire):
    # grpc.health.v1.HealthCheckResponse{status: SERVING (1)}
    assert wire.raw("/grpc.health.v1.Health/Check")(b"") == b"\x08\x01"


# ---- qdrant.Collections ----


def test_create_get_update_delete_collection(wire):
    name = unique("grpc_svc")
    created = wire.collections.Create(
        pb.CreateCollection(
            collection_name=name,
            vectors_config=pb.VectorsConfig(
                params_map=pb.VectorParamsMap(
                    map={
                        "text": pb.VectorParams(
                            size=4,
                            distance=pb.Distance.Cosine,
                            quantization_config=pb.QuantizationConfig(
                                scalar=pb.ScalarQuantization(
                                    type=pb.QuantizationType.Int8, always_ram=True
                                )
                            ),
                        ),
                        "colbert": pb.VectorParams(
                            size=3,
                            distance=pb.Distance.Dot,
                            datatype=pb.Datatype.Float16,
                            multivector_config=pb.MultiVectorConfig(
                                comparator=pb.MultiVectorComparator.MaxSim
                            ),
                        ),
                    }
                )
            ),
            sparse_vectors_config=pb.SparseVectorConfig(
                map={"keywords": pb.SparseVectorParams(modifier=pb.Modifier.Idf)}
            ),
            hnsw_config=pb.HnswConfigDiff(m=8, ef_construct=64),
            optimizers_config=pb.OptimizersConfigDiff(
                indexing_threshold=1000,
                max_optimization_threads=pb.MaxOptimizationThreads(value=2),
            ),
            strict_mode_config=pb.StrictModeConfig(enabled=True, max_query_limit=100),
            timeout=10,
        ),
        metadata=wire.metadata,
    )
    try:
        assert created.result is True
        exists = wire.collections.CollectionExists(
            pb.CollectionExistsRequest(collection_name=name), metadata=wire.metadata
        )
        assert exists.result.exists is True

        info = wire.collections.Get(
            pb.GetCollectionInfoRequest(collection_name=name), metadata=wire.metadata
        ).result
        assert info.status == pb.CollectionStatus.Green
        assert info.optimizer_status.ok is True
        assert info.points_count == 0
        params = info.config.params
        vectors = params.vectors_config.params_map.map
        assert vectors["text"].size == 4 and vectors["text"].distance == pb.Distance.Cosine
        assert vectors["text"].quantization_config.scalar.type == pb.QuantizationType.Int8
        assert vectors["colbert"].datatype == pb.Datatype.Float16
        assert vectors["colbert"].HasField("multivector_config")
        assert params.sparse_vectors_config.map["keywords"].modifier == pb.Modifier.Idf
        assert params.shard_number == 1
        assert info.config.hnsw_config.m == 8 and info.config.hnsw_config.ef_construct == 64
        assert info.config.optimizer_config.indexing_threshold == 1000
        assert info.config.optimizer_config.max_optimization_threads.value == 2
        assert info.config.strict_mode_config.max_query_limit == 100

        names = [
            c.name
            for c in wire.collections.List(
                pb.ListCollectionsRequest(), metadata=wire.metadata
            ).collections
        ]
        assert name in names

        updated = wire.collections.Update(
            pb.UpdateCollection(
                collection_name=name,
                hnsw_config=pb.HnswConfigDiff(m=12),
                vectors_config=pb.VectorsConfigDiff(
                    params_map=pb.VectorParamsDiffMap(
                        map={"text": pb.VectorParamsDiff(on_disk=True)}
                    )
                ),
            ),
            metadata=wire.metadata,
        )
        assert updated.result is True
        config = wire.collections.Get(
            pb.GetCollectionInfoRequest(collection_name=name), metadata=wire.metadata
        ).result.config
        assert config.hnsw_config.m == 12
        assert config.params.vectors_config.params_map.map["text"].on_disk is True
    finally:
        deleted = wire.collections.Delete(
            pb.DeleteCollection(collection_name=name), metadata=wire.metadata
        )
    assert deleted.result is True
    exists = wire.collections.CollectionExists(
        pb.CollectionExistsRequest(collection_name=name), metadata=wire.metadata
    )
    assert exists.result.exists is False


def test_single_unnamed_vector_round_trips(wire):
    name = unique("grpc_svc")
    wire.collections.Create(
        pb.CreateCollection(
            collection_name=name,
            vectors_config=pb.VectorsConfig(
                params=pb.VectorParams(size=3, distance=pb.Distance.Euclid, on_disk=True)
            ),
        ),
        metadata=wire.metadata,
    )
    try:
        params = wire.collections.Get(
            pb.GetCollectionInfoRequest(collection_name=name), metadata=wire.metadata
        ).result.config.params
        assert params.vectors_config.WhichOneof("config") == "params"
        assert params.vectors_config.params.size == 3
        assert params.vectors_config.params.distance == pb.Distance.Euclid
        assert params.vectors_config.params.on_disk is True
    finally:
        wire.collections.Delete(pb.DeleteCollection(collection_name=name), metadata=wire.metadata)


def test_aliases(wire, collection):
    alias, renamed = unique("grpc_alias"), unique("grpc_alias")
    done = wire.collections.UpdateAliases(
        pb.ChangeAliases(
            actions=[
                pb.AliasOperations(
                    create_alias=pb.CreateAlias(collection_name=collection, alias_name=alias)
                )
            ]
        ),
        metadata=wire.metadata,
    )
    assert done.result is True
    try:
        listed = wire.collections.ListCollectionAliases(
            pb.ListCollectionAliasesRequest(collection_name=collection), metadata=wire.metadata
        )
        assert [(a.alias_name, a.collection_name) for a in listed.aliases] == [(alias, collection)]
        wire.collections.UpdateAliases(
            pb.ChangeAliases(
                actions=[
                    pb.AliasOperations(
                        rename_alias=pb.RenameAlias(old_alias_name=alias, new_alias_name=renamed)
                    )
                ]
            ),
            metadata=wire.metadata,
        )
        everywhere = wire.collections.ListAliases(pb.ListAliasesRequest(), metadata=wire.metadata)
        pairs = {(a.alias_name, a.collection_name) for a in everywhere.aliases}
        assert (renamed, collection) in pairs and (alias, collection) not in pairs
    finally:
        wire.collections.UpdateAliases(
            pb.ChangeAliases(
                actions=[
                    pb.AliasOperations(delete_alias=pb.DeleteAlias(alias_name=name))
                    for name in (alias, renamed)
                ]
            ),
            metadata=wire.metadata,
        )
    listed = wire.collections.ListCollectionAliases(
        pb.ListCollectionAliasesRequest(collection_name=collection), metadata=wire.metadata
    )
    assert list(listed.aliases) == []


def test_cluster_info_and_shard_keys_of_an_auto_sharded_collection(wire, collection):
    info = wire.collections.CollectionClusterInfo(
        pb.CollectionClusterInfoRequest(collection_name=collection), metadata=wire.metadata
    )
    assert info.shard_count == 1
    assert len(info.local_shards) == 1
    assert info.local_shards[0].state == pb.ReplicaState.Active
    keys = wire.collections.ListShardKeys(
        pb.ListShardKeysRequest(collection_name=collection), metadata=wire.metadata
    )
    assert list(keys.shard_keys) == []


def test_cluster_setup_is_refused_on_a_single_node(wire, collection):
    error = rpc_error(
        lambda: wire.collections.UpdateCollectionClusterSetup(
            pb.UpdateCollectionClusterSetupRequest(
                collection_name=collection, drop_replica=pb.Replica(shard_id=0, peer_id=1)
            ),
            metadata=wire.metadata,
        )
    )
    assert error.code() == grpc.StatusCode.UNIMPLEMENTED
    assert error.details() == STANDALONE


@pytest.mark.sextant_only
def test_shard_keys_of_a_custom_sharded_collection(wire):
    name = unique("grpc_svc")
    wire.collections.Create(
        pb.CreateCollection(
            collection_name=name,
            vectors_config=pb.VectorsConfig(params=pb.VectorParams(size=2, distance=pb.Distance.Dot)),
            sharding_method=pb.ShardingMethod.Custom,
        ),
        metadata=wire.metadata,
    )
    try:
        for key in (pb.ShardKey(keyword="eu"), pb.ShardKey(number=7)):
            created = wire.collections.CreateShardKey(
                pb.CreateShardKeyRequest(collection_name=name, request=pb.CreateShardKey(shard_key=key)),
                metadata=wire.metadata,
            )
            assert created.result is True
        keys = wire.collections.ListShardKeys(
            pb.ListShardKeysRequest(collection_name=name), metadata=wire.metadata
        )
        assert sorted(str(k.key).strip() for k in keys.shard_keys) == ['keyword: "eu"', "number: 7"]
        deleted = wire.collections.DeleteShardKey(
            pb.DeleteShardKeyRequest(
                collection_name=name, request=pb.DeleteShardKey(shard_key=pb.ShardKey(keyword="eu"))
            ),
            metadata=wire.metadata,
        )
        assert deleted.result is True
        keys = wire.collections.ListShardKeys(
            pb.ListShardKeysRequest(collection_name=name), metadata=wire.metadata
        )
        assert [k.key.number for k in keys.shard_keys] == [7]
    finally:
        wire.collections.Delete(pb.DeleteCollection(collection_name=name), metadata=wire.metadata)


def test_unknown_collection_is_not_found(wire):
    error = rpc_error(
        lambda: wire.collections.Get(
            pb.GetCollectionInfoRequest(collection_name="grpc_svc_missing"), metadata=wire.metadata
        )
    )
    assert error.code() == grpc.StatusCode.NOT_FOUND
    assert error.details() == "Not found: Collection `grpc_svc_missing` doesn't exist!"


def test_creating_an_existing_collection_is_already_exists(wire, collection):
    error = rpc_error(
        lambda: wire.collections.Create(
            pb.CreateCollection(
                collection_name=collection,
                vectors_config=pb.VectorsConfig(params=pb.VectorParams(size=2, distance=pb.Distance.Dot)),
            ),
            metadata=wire.metadata,
        )
    )
    assert error.code() == grpc.StatusCode.ALREADY_EXISTS
    assert error.details() == f"Wrong input: Collection `{collection}` already exists!"


def test_invalid_collection_config_is_invalid_argument(wire):
    error = rpc_error(
        lambda: wire.collections.Create(
            pb.CreateCollection(
                collection_name=unique("grpc_svc"),
                vectors_config=pb.VectorsConfig(params=pb.VectorParams(size=0, distance=pb.Distance.Dot)),
            ),
            metadata=wire.metadata,
        )
    )
    assert error.code() == grpc.StatusCode.INVALID_ARGUMENT


# ---- qdrant.Snapshots ----


def check_description(description, since: float):
    assert description.name.endswith(".snapshot")
    assert description.size > 0
    assert re.fullmatch(r"[0-9a-f]{64}", description.checksum)
    assert description.creation_time.seconds >= int(since) - 5


def test_collection_snapshots(wire, collection):
    started = time.time()
    created = wire.snapshots.Create(
        pb.CreateSnapshotRequest(collection_name=collection), metadata=wire.metadata
    ).snapshot_description
    check_description(created, started)
    listed = wire.snapshots.List(
        pb.ListSnapshotsRequest(collection_name=collection), metadata=wire.metadata
    )
    assert [d.name for d in listed.snapshot_descriptions] == [created.name]
    assert listed.snapshot_descriptions[0].checksum == created.checksum
    wire.snapshots.Delete(
        pb.DeleteSnapshotRequest(collection_name=collection, snapshot_name=created.name),
        metadata=wire.metadata,
    )
    listed = wire.snapshots.List(
        pb.ListSnapshotsRequest(collection_name=collection), metadata=wire.metadata
    )
    assert list(listed.snapshot_descriptions) == []


def test_deleting_a_missing_snapshot_is_not_found(wire, collection):
    error = rpc_error(
        lambda: wire.snapshots.Delete(
            pb.DeleteSnapshotRequest(collection_name=collection, snapshot_name="missing.snapshot"),
            metadata=wire.metadata,
        )
    )
    assert error.code() == grpc.StatusCode.NOT_FOUND


def test_full_snapshots(wire, collection):
    started = time.time()
    created = wire.snapshots.CreateFull(
        pb.CreateFullSnapshotRequest(), metadata=wire.metadata
    ).snapshot_description
    try:
        check_description(created, started)
        listed = wire.snapshots.ListFull(pb.ListFullSnapshotsRequest(), metadata=wire.metadata)
        assert created.name in [d.name for d in listed.snapshot_descriptions]
    finally:
        wire.snapshots.DeleteFull(
            pb.DeleteFullSnapshotRequest(snapshot_name=created.name), metadata=wire.metadata
        )
    listed = wire.snapshots.ListFull(pb.ListFullSnapshotsRequest(), metadata=wire.metadata)
    assert created.name not in [d.name for d in listed.snapshot_descriptions]


# ---- qdrant.ShardSnapshots ----


@pytest.mark.sextant_only
def test_shard_snapshots(server, wire, collection):
    shard = string_field(1, collection) + uint_field(2, 0)
    created = snapshots_pb.CreateSnapshotResponse.FromString(
        wire.raw("/qdrant.ShardSnapshots/Create")(shard)
    ).snapshot_description
    check_description(created, time.time() - 60)
    listed = snapshots_pb.ListSnapshotsResponse.FromString(
        wire.raw("/qdrant.ShardSnapshots/List")(shard)
    )
    assert [d.name for d in listed.snapshot_descriptions] == [created.name]

    # Recover answers as its REST twin: the same outcome, the gRPC code of the HTTP status.
    url = f"{server.url}/collections/{collection}/shards/0/snapshots/{created.name}"
    location = string_field(1, url)  # ShardSnapshotLocation{url}
    recover = (
        shard
        + varint(3 << 3 | 2)
        + varint(len(location))
        + location
        + string_field(5, created.checksum)
    )
    headers = {"api-key": server.api_key} if server.api_key else {}
    rest = requests.put(
        f"{server.url}/collections/{collection}/shards/0/snapshots/recover?wait=true",
        json={"location": url, "priority": "no_sync", "checksum": created.checksum},
        headers=headers,
        timeout=60,
    )
    if rest.status_code == 200:
        # RecoverSnapshotResponse{time} has the wire layout of DeleteSnapshotResponse.
        recovered = snapshots_pb.DeleteSnapshotResponse.FromString(
            wire.raw("/qdrant.ShardSnapshots/Recover")(recover)
        )
        assert recovered.time >= 0
    else:
        error = rpc_error(lambda: wire.raw("/qdrant.ShardSnapshots/Recover")(recover))
        assert rest.status_code == 400 and error.code() == grpc.StatusCode.INVALID_ARGUMENT
        assert error.details() == rest.json()["status"]["error"]

    wire.raw("/qdrant.ShardSnapshots/Delete")(shard + string_field(3, created.name))
    listed = snapshots_pb.ListSnapshotsResponse.FromString(
        wire.raw("/qdrant.ShardSnapshots/List")(shard)
    )
    assert list(listed.snapshot_descriptions) == []


@pytest.mark.sextant_only
def test_shard_snapshots_of_a_missing_shard_are_not_found(wire, collection):
    error = rpc_error(
        lambda: wire.raw("/qdrant.ShardSnapshots/List")(
            string_field(1, collection) + uint_field(2, 9)
        )
    )
    assert error.code() == grpc.StatusCode.NOT_FOUND
