"""The official qdrant-client (pinned 1.19.x) driving collections and aliases.

The client parses every answer into its pydantic models, so a wrong field type or a missing
required field fails here even where our schema check is lenient. Any warning the client emits
(version mismatch, unexpected response) is turned into an error, and nothing may reach stderr.
"""

import logging
import warnings

import pytest
from qdrant_client import models

from conftest import unique_name
from support.client_errors import client_refusal


@pytest.fixture
def client(make_qdrant_client):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        qdrant = make_qdrant_client(timeout=30)
    yield qdrant
    qdrant.close()


@pytest.fixture
def strict_warnings(capfd, caplog):
    caplog.set_level(logging.WARNING)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        yield
    captured = capfd.readouterr()
    assert captured.err == ""
    assert [r for r in caplog.records if r.levelno >= logging.WARNING] == []


def test_client_lifecycle_create_list_inspect_update_delete(client, strict_warnings):
    name = unique_name("pyclient")
    try:
        assert client.create_collection(
            collection_name=name,
            vectors_config=models.VectorParams(size=8, distance=models.Distance.COSINE),
            hnsw_config=models.HnswConfigDiff(m=20),
        )
        assert client.collection_exists(name)
        assert name in [c.name for c in client.get_collections().collections]
        info = client.get_collection(name)
        assert info.status == models.CollectionStatus.GREEN
        assert info.points_count == 0
        assert info.config.params.vectors.size == 8
        assert info.config.params.vectors.distance == models.Distance.COSINE
        assert info.config.hnsw_config.m == 20
        assert client.update_collection(
            collection_name=name,
            optimizers_config=models.OptimizersConfigDiff(indexing_threshold=1234),
        )
        assert client.get_collection(name).config.optimizer_config.indexing_threshold == 1234
        assert client.delete_collection(name)
        assert not client.collection_exists(name)
    finally:
        client.delete_collection(name)


def test_client_named_and_sparse_vectors(client, strict_warnings):
    name = unique_name("pyclient")
    try:
        client.create_collection(
            collection_name=name,
            vectors_config={
                "title": models.VectorParams(size=4, distance=models.Distance.DOT),
                "body": models.VectorParams(
                    size=6,
                    distance=models.Distance.EUCLID,
                    multivector_config=models.MultiVectorConfig(
                        comparator=models.MultiVectorComparator.MAX_SIM
                    ),
                ),
            },
            sparse_vectors_config={"words": models.SparseVectorParams()},
        )
        params = client.get_collection(name).config.params
        assert params.vectors["title"].size == 4
        assert params.vectors["body"].multivector_config.comparator == "max_sim"
        assert "words" in params.sparse_vectors
    finally:
        client.delete_collection(name)


def test_client_alias_create_rename_switch_delete(client, strict_warnings):
    first, second = unique_name("pyclient"), unique_name("pyclient")
    alias, renamed = unique_name("pyalias"), unique_name("pyalias")
    vectors = models.VectorParams(size=2, distance=models.Distance.DOT)
    try:
        client.create_collection(collection_name=first, vectors_config=vectors)
        client.create_collection(collection_name=second, vectors_config=vectors)
        assert client.update_collection_aliases(
            change_aliases_operations=[
                models.CreateAliasOperation(
                    create_alias=models.CreateAlias(collection_name=first, alias_name=alias)
                )
            ]
        )
        assert [a.alias_name for a in client.get_collection_aliases(first).aliases] == [alias]
        client.update_collection_aliases(
            change_aliases_operations=[
                models.RenameAliasOperation(
                    rename_alias=models.RenameAlias(old_alias_name=alias, new_alias_name=renamed)
                )
            ]
        )
        client.update_collection_aliases(
            change_aliases_operations=[
                models.DeleteAliasOperation(delete_alias=models.DeleteAlias(alias_name=renamed)),
                models.CreateAliasOperation(
                    create_alias=models.CreateAlias(collection_name=second, alias_name=renamed)
                ),
            ]
        )
        all_aliases = {a.alias_name: a.collection_name for a in client.get_aliases().aliases}
        assert all_aliases.get(renamed) == second
        assert alias not in all_aliases
        assert client.get_collection(renamed).config.params.vectors.size == 2
        client.update_collection_aliases(
            change_aliases_operations=[
                models.DeleteAliasOperation(delete_alias=models.DeleteAlias(alias_name=renamed))
            ]
        )
        assert renamed not in {a.alias_name for a in client.get_aliases().aliases}
    finally:
        client.delete_collection(first)
        client.delete_collection(second)


def test_client_reports_missing_collection_as_unexpected_response(
    client, client_wire, strict_warnings
):
    # UnexpectedResponse over REST; over gRPC the client lets the RpcError (NOT_FOUND) through.
    with client_refusal(client_wire, 404) as refusal:
        client.get_collection("compat_client_missing")
    assert "doesn't exist" in refusal.message
