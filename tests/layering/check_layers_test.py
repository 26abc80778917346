#!/usr/bin/env python3
"""The layer checker (scripts/check-layers.py) accepts includes that point down and reports one
that points up or sideways between the wires, naming the file and line."""
import pathlib
import subprocess
import sys
import tempfile
import unittest

CHECKER = pathlib.Path(__file__).resolve().parents[2] / "scripts" / "check-layers.py"


def run_checker(files: dict) -> subprocess.CompletedProcess:
    with tempfile.TemporaryDirectory() as root:
        for name, text in files.items():
            path = pathlib.Path(root) / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text)
        return subprocess.run([sys.executable, str(CHECKER), root], capture_output=True, text=True)


class CheckLayersTest(unittest.TestCase):
    def test_includes_that_point_down_pass(self):
        result = run_checker({
            "api/handler.cpp": '#include "query/plan.hpp"\n#include "common/status.hpp"\n',
            "query/plan.hpp": '#include "storage/collection.hpp"\n#include <vector>\n',
            "storage/collection.hpp": '#include "index/hnsw.hpp"\n',
            "server/main.cpp": '#include "api/router.hpp"\n#include "embed/model.hpp"\n',
        })
        self.assertEqual(result.returncode, 0, result.stderr)

    def test_storage_including_query_fails_with_file_and_line(self):
        result = run_checker({
            "storage/collection.cpp": '#include "storage/collection.hpp"\n#include "query/plan.hpp"\n',
        })
        self.assertEqual(result.returncode, 1)
        self.assertIn("storage/collection.cpp:2: storage/ may not include query/", result.stderr)

    def test_header_only_include_of_a_wire_from_the_engine_fails(self):
        result = run_checker({"query/fusion.hpp": '#include "api/write/json_text.hpp"\n'})
        self.assertEqual(result.returncode, 1)
        self.assertIn("query/ may not include api/", result.stderr)

    def test_leaves_may_not_include_other_layers(self):
        for source, target in (("embed/model.cpp", "storage"), ("common/status.hpp", "index"),
                               ("index/hnsw.cpp", "embed")):
            result = run_checker({source: f'#include "{target}/x.hpp"\n'})
            self.assertEqual(result.returncode, 1, f"{source} -> {target}")

    def test_inference_sits_below_the_query_engine(self):
        self.assertEqual(run_checker({"query/plan.cpp": '#include "inference/inference.hpp"\n',
                                      "inference/x.cpp": '#include "embed/model.hpp"\n'}).returncode, 0)
        result = run_checker({"inference/x.cpp": '#include "query/plan.hpp"\n'})
        self.assertEqual(result.returncode, 1)
        self.assertIn("inference/ may not include query/", result.stderr)

    def test_wires_do_not_include_each_other(self):
        result = run_checker({"grpc/points.cpp": '#include "api/handlers/points.hpp"\n'})
        self.assertEqual(result.returncode, 1)
        result = run_checker({"api/router.cpp": '#include "grpc/engine_call.hpp"\n'})
        self.assertEqual(result.returncode, 1)

    def test_grpc_wire_may_use_the_request_types(self):
        result = run_checker({"grpc/engine_call.hpp": '#include "api/http_types.hpp"\n',
                              "grpc/x.cpp": '#include "api/router.hpp"\n'})
        self.assertEqual(result.returncode, 0, result.stderr)


if __name__ == "__main__":
    unittest.main()
