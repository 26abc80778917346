#!/usr/bin/env python3
"""Fails when a source file includes a header from a layer it may not use.

The layers, top to bottom (docs/architecture.md): server -> wires (api, grpc) -> query ->
inference -> storage -> index, with cluster (distributed mode's NATS JetStream client) between the
wires and storage, with embed and common as leaves and common below everything. The
gRPC wire may also use api/'s request/response types (ALLOWED_HEADERS), and nothing else of it. A layer may
include its own headers and those of the layers its row lists; anything else is an include that
points up (or sideways between the two wires) and is reported with file and line. tests/, bench/
and fuzz/ may include anything. Headers are included as "module/path.hpp" from the project root,
so the first path component names the layer.

Usage: check-layers.py [ROOT]   (exit 0 clean, 1 with violations listed on stderr)
"""
import pathlib
import re
import sys

ALLOWED = {
    "common": set(),
    "index": {"common"},
    "embed": {"common"},
    "storage": {"index", "common"},
    "cluster": {"storage", "common"},
    "inference": {"storage", "index", "embed", "common"},
    "query": {"inference", "storage", "index", "common"},
    "api": {"cluster", "query", "inference", "storage", "index", "embed", "common"},
    "grpc": {"query", "inference", "storage", "index", "embed", "common"},
    "migrate": {"common"},
    "server": {"api", "grpc", "cluster", "migrate", "query", "inference", "storage", "index", "embed",
               "common"},
}
# The wire contract headers of api/ the gRPC wire may use (the request/response types it turns
# calls into); nothing else of the REST wire.
ALLOWED_HEADERS = {"grpc": {"api/http_types.hpp", "api/router.hpp"}}
INCLUDE = re.compile(r'^\s*#\s*include\s*"(([^"/]+)/[^"]*)"')
SOURCE_SUFFIXES = {".cpp", ".hpp", ".h", ".cc"}


def violations(root: pathlib.Path):
    for layer, allowed in ALLOWED.items():
        folder = root / layer
        if not folder.is_dir():
            continue
        for path in sorted(folder.rglob("*")):
            if path.suffix not in SOURCE_SUFFIXES or not path.is_file():
                continue
            for number, line in enumerate(path.read_text(errors="replace").splitlines(), 1):
                match = INCLUDE.match(line)
                if not match:
                    continue
                header, target = match.group(1), match.group(2)
                if target == layer or target not in ALLOWED or target in allowed:
                    continue
                if header in ALLOWED_HEADERS.get(layer, ()):
                    continue
                yield f"{path.relative_to(root)}:{number}: {layer}/ may not include {target}/ ({line.strip()})"


def main() -> int:
    root = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else pathlib.Path(__file__).parent.parent)
    found = list(violations(root.resolve()))
    for message in found:
        print(message, file=sys.stderr)
    if found:
        print(f"{len(found)} include(s) point up the layer order", file=sys.stderr)
        return 1
    print("layer order: every include points down")
    return 0


if __name__ == "__main__":
    sys.exit(main())
