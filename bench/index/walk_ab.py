#!/usr/bin/env python3
"""Walk A/B: two builds of sextant-ann against hnswlib, in one run, rounds alternating.

Each round runs the hnswlib peer (/work/shared/annbench/peer_hnswlib.cpp, the ANN contract) and
each given sextant-ann binary with `--quantization both`, so every binary sweeps the float32
walk ("sextant-f32") and the int8 walk ("sextant": int8 codes, float32 rescoring). With
--graph-cache the Sextant binaries search one fixed graph (built once, by the first binary) and
only the walk differs between them. The order of the programs rotates every round.

Printed, per round and program: QPS interpolated at each target recall, its ratio to hnswlib's
in the same round, and the 1-minute load average when the program started (the machine is
shared: ratios, not absolute QPS, are what compare). Then the median over rounds of each QPS and
ratio, and of each Sextant engine's QPS per second of search-thread CPU time (sextant-ann's
cpu_qps: steadier than wall time on a loaded machine) with its ratio to the first build. Usage:

  bench/index/walk_ab.py --data /tmp/ann-100k --peer /tmp/peer-hnswlib \\
      --sextant before=/tmp/before/sextant-ann --sextant after=build/bench/sextant-ann \\
      --graph-cache /tmp/walk-graph.img --rounds 3
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess


def qps_at(points: list[tuple[float, float]], target: float) -> float | None:
    """QPS at `target` recall, linearly interpolated between the sweep's neighbouring points."""
    pts = sorted(points)
    for (r0, q0), (r1, q1) in zip(pts, pts[1:]):
        if r0 <= target <= r1:
            return q0 if r1 == r0 else q0 + (q1 - q0) * (target - r0) / (r1 - r0)
    if pts and pts[0][0] >= target:
        return pts[0][1]
    return None


def run(command: list[str], label: str) -> tuple[float, dict[str, list[tuple[float, float]]],
                                                dict[str, list[tuple[float, float]]]]:
    """Runs one contract program; returns the load average at its start and, per engine it
    reported (prefixed with `label`), its (recall, qps) points and, where it printed them
    (sextant-ann does, the peer does not), its (recall, cpu_qps) points."""
    load = os.getloadavg()[0]
    out = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    engines: dict[str, list[tuple[float, float]]] = {}
    cpu: dict[str, list[tuple[float, float]]] = {}
    for line in out.splitlines():
        if not line.startswith("{"):
            continue
        rec = json.loads(line)
        if "recall" in rec:
            name = rec["engine"] if label == "" else f"{label}:{rec['engine']}"
            engines.setdefault(name, []).append((rec["recall"], rec["qps"]))
            if "cpu_qps" in rec:
                cpu.setdefault(name, []).append((rec["recall"], rec["cpu_qps"]))
    return load, engines, cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", required=True, help="folder with base/query .fvecs, gt.ivecs")
    parser.add_argument("--peer", required=True, help="the built hnswlib peer program")
    parser.add_argument("--sextant", action="append", required=True, metavar="LABEL=BINARY")
    parser.add_argument("--graph-cache", default="", help="graph image shared by the binaries")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--ef", default="32,48,64,96,128,192")
    parser.add_argument("--targets", default="0.95,0.99")
    parser.add_argument("--m", type=int, default=16)
    parser.add_argument("--efc", type=int, default=100)
    parser.add_argument("--threads", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--cpu", default="", help="pin every program to this CPU (taskset -c)")
    args = parser.parse_args()
    targets = [float(t) for t in args.targets.split(",")]
    common = ["--base", f"{args.data}/base.fvecs", "--query", f"{args.data}/query.fvecs", "--gt",
              f"{args.data}/gt.ivecs", "--m", str(args.m), "--efc", str(args.efc), "--ef", args.ef,
              "--k", "10", "--threads", str(args.threads)]
    pin = ["taskset", "-c", args.cpu] if args.cpu else []
    programs = [("", pin + [args.peer] + common)]
    for spec in args.sextant:
        label, binary = spec.split("=", 1)
        extra = ["--quantization", "both"]
        if args.graph_cache:
            extra += ["--graph-cache", args.graph_cache]
        programs.append((label, pin + [binary] + common + extra))

    # qps[engine][target] and ratio[engine][target]: one value per round.
    qps: dict[str, dict[float, list[float]]] = {}
    ratio: dict[str, dict[float, list[float]]] = {}
    cpu_qps: dict[str, dict[float, list[float]]] = {}  # QPS over the search thread's CPU time
    header = "".join(f"{'qps@' + str(t):>11}{'x hnswlib':>10}" for t in targets)
    for round_index in range(args.rounds):
        shift = round_index % len(programs)
        order = programs[shift:] + programs[:shift]
        results: dict[str, list[tuple[float, float]]] = {}
        loads: dict[str, float] = {}
        for label, command in order:
            load, engines, cpu = run(command, label)
            for name, points in engines.items():
                results[name] = points
                loads[name] = load
            for name, points in cpu.items():
                for t in targets:
                    q = qps_at(points, t)
                    if q:
                        cpu_qps.setdefault(name, {}).setdefault(t, []).append(q)
        print(f"round {round_index + 1}: order {[label or 'hnswlib' for label, _ in order]}")
        print(f"  {'engine':<22}{header}{'load1':>8}")
        reference = {t: qps_at(results.get("hnswlib", []), t) for t in targets}
        for name, points in results.items():
            row = f"  {name:<22}"
            for t in targets:
                q = qps_at(points, t)
                r = q / reference[t] if q and reference[t] else None
                row += f"{q:>11.0f}" if q else f"{'n/a':>11}"
                row += f"{r:>10.2f}" if r else f"{'':>10}"
                if q:
                    qps.setdefault(name, {}).setdefault(t, []).append(q)
                if r:
                    ratio.setdefault(name, {}).setdefault(t, []).append(r)
            print(f"{row}{loads[name]:>8.2f}", flush=True)
    print(f"median over {args.rounds} rounds:")
    print(f"  {'engine':<22}{header}")
    for name in qps:
        row = f"  {name:<22}"
        for t in targets:
            q = qps[name].get(t, [])
            r = ratio.get(name, {}).get(t, [])
            row += f"{statistics.median(q):>11.0f}" if q else f"{'n/a':>11}"
            row += f"{statistics.median(r):>10.2f}" if r else f"{'':>10}"
        print(row)
    # Wall QPS counts the time a program waits for the CPU on a shared machine; the search
    # thread's CPU time does not, so it compares Sextant builds more steadily (the peer does not
    # report it). Ratios are to the first --sextant build's engine of the same name.
    first = args.sextant[0].split("=", 1)[0]
    print(f"median over {args.rounds} rounds of QPS per CPU second (x = to {first}):")
    cpu_header = "".join(f"{'cpu@' + str(t):>11}{'x ' + first:>10}" for t in targets)
    print(f"  {'engine':<22}{cpu_header}")
    for name in cpu_qps:
        engine = name.split(":", 1)[1]
        base = cpu_qps.get(f"{first}:{engine}", {})
        row = f"  {name:<22}"
        for t in targets:
            q = cpu_qps[name].get(t, [])
            b = base.get(t, [])
            row += f"{statistics.median(q):>11.0f}" if q else f"{'n/a':>11}"
            row += f"{statistics.median(q) / statistics.median(b):>10.2f}" if q and b else f"{'':>10}"
        print(row)


if __name__ == "__main__":
    main()
