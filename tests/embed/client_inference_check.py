#!/usr/bin/env python3
"""End-to-end check of server-side Document inference through the official qdrant-client.

Runs against a live server (default model present): dense Documents in upsert and query
(unnamed vector), qdrant/bm25 sparse Documents, a hybrid RRF query over both prefetches, and the
unknown-model and dimension-mismatch errors. Usage:
  .venv/bin/python tests/embed/client_inference_check.py http://127.0.0.1:6333
"""
import sys
from qdrant_client import QdrantClient, models

url = sys.argv[1]
MODEL = "sentence-transformers/all-MiniLM-L6-v2"
client = QdrantClient(url=url, cloud_inference=True, timeout=120)
texts = ["The cat sat on the warm windowsill.",
         "Stock markets fell sharply after the announcement.",
         "A recipe for chocolate cake with dark cocoa.",
         "The football team won the championship final."]

for name in ("docs_unnamed", "docs_hybrid"):
    if client.collection_exists(name):
        client.delete_collection(name)
client.create_collection("docs_unnamed",
                         vectors_config=models.VectorParams(size=384, distance=models.Distance.COSINE))
client.upsert("docs_unnamed", points=[
    models.PointStruct(id=i, vector=models.Document(text=t, model=MODEL), payload={"text": t})
    for i, t in enumerate(texts)])
hits = client.query_points("docs_unnamed", query=models.Document(text="kitten resting in the sun", model=MODEL), limit=2).points
print("unnamed dense top:", hits[0].payload["text"], round(hits[0].score, 4))
assert hits[0].id == 0

client.create_collection("docs_hybrid",
                         vectors_config={"dense": models.VectorParams(size=384, distance=models.Distance.COSINE)},
                         sparse_vectors_config={"bm25": models.SparseVectorParams(modifier=models.Modifier.IDF)})
client.upsert("docs_hybrid", points=[
    models.PointStruct(id=i, vector={"dense": models.Document(text=t, model=MODEL),
                                     "bm25": models.Document(text=t, model="qdrant/bm25")},
                       payload={"text": t}) for i, t in enumerate(texts)])
sparse = client.query_points("docs_hybrid", query=models.Document(text="chocolate cakes", model="qdrant/bm25"),
                             using="bm25", limit=1).points
print("bm25 top:", sparse[0].payload["text"], round(sparse[0].score, 4))
assert sparse[0].id == 2
fused = client.query_points("docs_hybrid", prefetch=[
    models.Prefetch(query=models.Document(text="who won the cup", model=MODEL), using="dense", limit=3),
    models.Prefetch(query=models.Document(text="championship final", model="qdrant/bm25"), using="bm25", limit=3)],
    query=models.FusionQuery(fusion=models.Fusion.RRF), limit=1).points
print("hybrid RRF top:", fused[0].payload["text"])
assert fused[0].id == 3
try:
    client.query_points("docs_unnamed", query=models.Document(text="x", model="acme/unknown"))
    raise SystemExit("unknown model was accepted")
except SystemExit:
    raise
except Exception as error:
    assert "acme/unknown" in str(error), error
    print("unknown model error:", str(error)[:200])
bad_dim = "docs_small"
if client.collection_exists(bad_dim):
    client.delete_collection(bad_dim)
client.create_collection(bad_dim, vectors_config=models.VectorParams(size=8, distance=models.Distance.COSINE))
try:
    client.upsert(bad_dim, points=[models.PointStruct(id=1, vector=models.Document(text="x", model=MODEL))])
    raise SystemExit("dimension mismatch was accepted")
except SystemExit:
    raise
except Exception as error:
    assert "Vector dimension error" in str(error), error
    print("dimension mismatch error:", str(error)[:200])
for name in ("docs_unnamed", "docs_hybrid", bad_dim):
    client.delete_collection(name)
print("client checks passed")
