#!/usr/bin/env python3
"""Fills a collection for a migration run: named dense + sparse vectors and payload indexes.

Role: the data for `sextant migrate` measurements (docs/migrate.md). The collection holds
`--points` points, each with a dense vector "dense" (from an .fvecs file such as ANN benchmarks'
base.fvecs, else random unit vectors of `--dim`), a sparse vector "keywords" (a few random terms),
and a payload with four indexed fields (keyword, integer, float, keyword array) and a nested
object. The data is a pure function of `--seed`, so two runs make the same collection.

Usage: make_collection.py --url http://127.0.0.1:6333 [--collection migrate_100k]
                          [--points 100000] [--fvecs /tmp/ann-100k/base.fvecs] [--dim 384]
"""

import argparse
import random
import struct
import sys

import requests

CATEGORIES = ["books", "music", "films", "games", "tools", "garden", "food", "sport"]


def fvecs(path: str, count: int):
    with open(path, "rb") as file:
        for _ in range(count):
            head = file.read(4)
            if len(head) < 4:
                return
            (dim,) = struct.unpack("<i", head)
            yield list(struct.unpack(f"<{dim}f", file.read(4 * dim)))


def random_vectors(rng: random.Random, dim: int, count: int):
    for _ in range(count):
        vector = [rng.gauss(0, 1) for _ in range(dim)]
        norm = sum(x * x for x in vector) ** 0.5 or 1.0
        yield [x / norm for x in vector]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", required=True)
    parser.add_argument("--api-key", default="")
    parser.add_argument("--collection", default="migrate_100k")
    parser.add_argument("--points", type=int, default=100_000)
    parser.add_argument("--fvecs", default="")
    parser.add_argument("--dim", type=int, default=384)
    parser.add_argument("--batch", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=18)
    args = parser.parse_args()

    session = requests.Session()
    if args.api_key:
        session.headers["api-key"] = args.api_key
    rng = random.Random(args.seed)
    vectors = fvecs(args.fvecs, args.points) if args.fvecs else random_vectors(rng, args.dim, args.points)
    first = next(vectors)
    base = f"{args.url}/collections/{args.collection}"
    body = {
        "vectors": {"dense": {"size": len(first), "distance": "Cosine"}},
        "sparse_vectors": {"keywords": {}},
        "hnsw_config": {"m": 16, "ef_construct": 100},
    }
    session.put(base, json=body, timeout=60).raise_for_status()
    indexes = {
        "category": "keyword",
        "count": {"type": "integer", "lookup": True, "range": True},
        "price": "float",
        "tags": {"type": "keyword", "on_disk": False},
    }
    for field, schema in indexes.items():
        answer = session.put(f"{base}/index?wait=true", json={"field_name": field, "field_schema": schema}, timeout=60)
        answer.raise_for_status()

    def point(point_id: int, vector):
        terms = sorted(rng.sample(range(30_000), rng.randint(3, 12)))
        return {
            "id": point_id,
            "vector": {
                "dense": vector,
                "keywords": {"indices": terms, "values": [round(rng.uniform(0.1, 3.0), 4) for _ in terms]},
            },
            "payload": {
                "category": rng.choice(CATEGORIES),
                "count": rng.randint(0, 10_000),
                "price": round(rng.uniform(1, 500), 2),
                "tags": rng.sample(CATEGORIES, 2),
                "details": {"rating": rng.randint(1, 5), "seller": f"s{rng.randint(0, 999)}"},
            },
        }

    batch = [point(0, first)]
    written = 0
    for point_id, vector in enumerate(vectors, start=1):
        batch.append(point(point_id, vector))
        if len(batch) == args.batch:
            session.put(f"{base}/points?wait=true", json={"points": batch}, timeout=300).raise_for_status()
            written += len(batch)
            batch = []
    if batch:
        session.put(f"{base}/points?wait=true", json={"points": batch}, timeout=300).raise_for_status()
        written += len(batch)
    print(f"{args.collection}: {written} points written to {args.url}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
