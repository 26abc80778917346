#!/usr/bin/env python3
"""Compares two builds of Sextant on the same data, alternating them run by run, and prints the
figures a refactoring must keep: in-process ANN QPS at recall@10 0.95 and 0.99 (the annbench
contract program, bench/index/sextant-ann) and, through HTTP, upload points/s and search QPS at
concurrency 1 and 2 (bench/http/http_bench.py). Each run pair alternates the order (A B, B A,
A B, ...), so drift on a shared machine falls on both sides; the summary gives every run and the
median per build, and the ratio B/A of the medians. No pass/fail: it prints figures.

  ab_compare.py --data /tmp/ann-100k --a /tmp/before/build --b build --runs 3
"""
from __future__ import annotations

import argparse
import json
import re
import statistics
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
HTTP_BENCH = HERE.parent / "http" / "http_bench.py"


def qps_at_recall(points: list[tuple[float, float]], target: float) -> float | None:
    """QPS interpolated linearly at `target` recall between the two ef settings around it."""
    ordered = sorted(points)
    for (r0, q0), (r1, q1) in zip(ordered, ordered[1:]):
        if r0 <= target <= r1:
            return q0 if r1 == r0 else q0 + (q1 - q0) * (target - r0) / (r1 - r0)
    if ordered and ordered[0][0] >= target:
        return ordered[0][1]
    return None


def figure(value: float) -> str:
    """A table cell: recalls and seconds with their decimals, rates to one decimal."""
    return f"{value:>10.4f}" if abs(value) < 10 else f"{value:>10.1f}"


def run_ann(build: Path, data: Path, ef: str, threads: int) -> dict:
    command = ["taskset", "-c", "0", str(build / "bench" / "sextant-ann"),
               "--base", str(data / "base.fvecs"), "--query", str(data / "query.fvecs"),
               "--gt", str(data / "gt.ivecs"), "--m", "16", "--efc", "100", "--ef", ef,
               "--k", "10", "--threads", str(threads)]
    out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    points, build_s = [], None
    for line in out.splitlines():
        if not line.startswith("{"):
            continue
        record = json.loads(line)
        if record.get("phase") == "build":
            build_s = record["build_s"]
        elif "recall" in record:
            points.append((record["recall"], record["qps"]))
    return {"ann_build_s": build_s, "ann_qps@0.95": qps_at_recall(points, 0.95),
            "ann_qps@0.99": qps_at_recall(points, 0.99)}


def run_http(build: Path, data: Path, python: str) -> dict:
    command = [python, str(HTTP_BENCH), "--data", str(data), "--binary", str(build / "sextant"),
               "--ef", "", "--exact-queries", "100"]
    out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    figures = {}
    upload = re.search(r"upload: \d+ points in [\d.]+ s = (\d+) points/s", out)
    figures["http_upload_points_s"] = float(upload.group(1)) if upload else None
    for concurrency in (1, 2):
        match = re.search(rf"search default\(hnsw\)\s+concurrency={concurrency} queries=\d+ "
                          rf"qps=\s*([\d.]+).*?recall@10=([\d.]+)", out)
        figures[f"http_search_qps_c{concurrency}"] = float(match.group(1)) if match else None
        if match:
            figures[f"http_recall_c{concurrency}"] = float(match.group(2))
    return figures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, required=True)
    parser.add_argument("--a", type=Path, required=True, help="build folder of the baseline")
    parser.add_argument("--b", type=Path, required=True, help="build folder of the change")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--ef", default="16,32,48,64,96,128,192,256")
    parser.add_argument("--threads", type=int, default=2, help="ANN build threads")
    parser.add_argument("--python", default=sys.executable, help="python with numpy for HTTP")
    parser.add_argument("--skip-http", action="store_true")
    args = parser.parse_args()

    results: dict[str, list[dict]] = {"A": [], "B": []}
    for run in range(args.runs):
        order = ("A", "B") if run % 2 == 0 else ("B", "A")
        for side in order:
            build = args.a if side == "A" else args.b
            figures = run_ann(build.resolve(), args.data, args.ef, args.threads)
            if not args.skip_http:
                figures.update(run_http(build.resolve(), args.data, args.python))
            results[side].append(figures)
            print(f"run {run + 1} {side}: " + json.dumps(figures), flush=True)

    print("\nmetric                     " + "".join(f"{'A run' + str(i + 1):>10}" for i in range(args.runs))
          + "".join(f"{'B run' + str(i + 1):>10}" for i in range(args.runs))
          + f"{'A median':>10}{'B median':>10}{'B/A':>8}")
    for metric in results["A"][0]:
        values = {side: [r.get(metric) for r in results[side]] for side in ("A", "B")}
        if any(v is None for side in values.values() for v in side):
            print(f"{metric:<27}incomplete: {values}")
            continue
        medians = {side: statistics.median(values[side]) for side in ("A", "B")}
        ratio = medians["B"] / medians["A"] if medians["A"] else float("nan")
        print(f"{metric:<27}" + "".join(figure(v) for v in values["A"] + values["B"])
              + figure(medians["A"]) + figure(medians["B"]) + f"{ratio:>8.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
