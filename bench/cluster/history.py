"""A history of writes against a cluster and the checks of the final state against it, in the
style of Jepsen's register and set checkers (bench/cluster/fault_trials.py records the history).

Workload model: every point id is owned by one writer, which writes it sequentially with
versions 1, 2, 3, ... (payload {"version": v}, vector a function of (id, version)), so a point's
writes are totally ordered by version and its final state can be judged on its own:

- an operation's outcome is `ok` (the server acknowledged it), `fail` (it certainly did not
  happen: refused before anything was sent, or a 4xx) or `maybe` (a timeout, a 5xx or a
  connection lost after sending: it may or may not have been applied, now or later);
- lost write: the final version of a point is lower than its highest acknowledged version (or
  the point is missing although a write of it was acknowledged);
- phantom: a final version that no `ok` or `maybe` write carried (a failed write made visible,
  or a value nobody wrote), or a point that was never written;
- corrupt: a vector that is not the one its version was written with;
- divergent: the replicas (or the nodes read through) do not all hold the same final state.

A trial passes when none of these occur. `maybe` writes that became visible are counted, not
errors.
"""

from __future__ import annotations

import dataclasses
import math
import random
from typing import Iterable


OK, FAIL, MAYBE = "ok", "fail", "maybe"


def vector_for(point_id: int, version: int, dim: int) -> list[float]:
    """The vector written with (point_id, version): deterministic, so the checker can recompute
    it, and distinct between versions of a point."""
    rng = random.Random(point_id * 1_000_003 + version)
    values = [rng.uniform(-1.0, 1.0) for _ in range(dim)]
    return values


@dataclasses.dataclass
class Write:
    writer: int
    point_id: int
    version: int
    invoked: float
    completed: float
    outcome: str  # OK | FAIL | MAYBE
    node: str = ""
    detail: str = ""


@dataclasses.dataclass
class PointState:
    version: int
    vector: list[float] | None = None


@dataclasses.dataclass
class Verdict:
    acknowledged: int = 0
    failed: int = 0
    indeterminate: int = 0
    indeterminate_visible: int = 0
    lost: list[str] = dataclasses.field(default_factory=list)
    phantom: list[str] = dataclasses.field(default_factory=list)
    corrupt: list[str] = dataclasses.field(default_factory=list)
    divergent: list[str] = dataclasses.field(default_factory=list)

    @property
    def passed(self) -> bool:
        return not (self.lost or self.phantom or self.corrupt or self.divergent)

    def summary(self) -> str:
        return (
            f"ok {self.acknowledged}, fail {self.failed}, maybe {self.indeterminate} "
            f"({self.indeterminate_visible} visible); lost {len(self.lost)}, "
            f"phantom {len(self.phantom)}, corrupt {len(self.corrupt)}, "
            f"divergent {len(self.divergent)}"
        )


def _vectors_equal(a: list[float], b: list[float], tolerance: float) -> bool:
    if len(a) != len(b):
        return False
    return all(math.isclose(x, y, rel_tol=tolerance, abs_tol=tolerance) for x, y in zip(a, b))


def _normalised(vector: list[float]) -> list[float]:
    norm = math.sqrt(sum(x * x for x in vector)) or 1.0
    return [x / norm for x in vector]


def check(
    history: Iterable[Write],
    final_states: dict[str, dict[int, PointState]],
    dim: int,
    cosine: bool = True,
    tolerance: float = 1e-4,
    limit: int = 20,
) -> Verdict:
    """Judges `final_states` (reader name -> point id -> state; a reader is a node read through
    or one replica) against `history`. With `cosine`, stored vectors are compared with the
    normalised written ones (Cosine collections store them normalised). At most `limit` examples
    are kept per kind of anomaly."""
    verdict = Verdict()
    acked: dict[int, int] = {}
    possible: dict[int, set[int]] = {}
    maybe_versions: dict[int, set[int]] = {}
    for write in history:
        if write.outcome == OK:
            verdict.acknowledged += 1
            acked[write.point_id] = max(acked.get(write.point_id, 0), write.version)
            possible.setdefault(write.point_id, set()).add(write.version)
        elif write.outcome == MAYBE:
            verdict.indeterminate += 1
            possible.setdefault(write.point_id, set()).add(write.version)
            maybe_versions.setdefault(write.point_id, set()).add(write.version)
        elif write.outcome == FAIL:
            verdict.failed += 1
        else:
            raise ValueError(f"unknown outcome {write.outcome!r}")

    def note(kind: list[str], text: str) -> None:
        if len(kind) < limit:
            kind.append(text)

    visible_maybe: set[tuple[int, int]] = set()
    for reader, state in sorted(final_states.items()):
        for point_id, version in sorted(acked.items()):
            held = state.get(point_id)
            if held is None:
                note(verdict.lost, f"{reader}: point {point_id} missing, version {version} acked")
            elif held.version < version:
                note(
                    verdict.lost,
                    f"{reader}: point {point_id} at version {held.version}, {version} acked",
                )
        for point_id, held in sorted(state.items()):
            if held.version not in possible.get(point_id, set()):
                note(
                    verdict.phantom,
                    f"{reader}: point {point_id} at version {held.version}, never written "
                    "(or only by a failed write)",
                )
                continue
            if held.version in maybe_versions.get(point_id, set()):
                visible_maybe.add((point_id, held.version))
            if held.vector is not None:
                expected = vector_for(point_id, held.version, dim)
                if cosine:
                    expected = _normalised(expected)
                if not _vectors_equal(held.vector, expected, tolerance):
                    note(verdict.corrupt, f"{reader}: point {point_id} version {held.version}")
    verdict.indeterminate_visible = len(visible_maybe)

    readers = sorted(final_states)
    if readers:
        reference_name = readers[0]
        reference = {k: v.version for k, v in final_states[reference_name].items()}
        for reader in readers[1:]:
            other = {k: v.version for k, v in final_states[reader].items()}
            if other != reference:
                differing = sorted(
                    k for k in set(reference) | set(other) if reference.get(k) != other.get(k)
                )
                note(
                    verdict.divergent,
                    f"{reader} differs from {reference_name} on {len(differing)} points "
                    f"(first: {differing[:5]})",
                )
    return verdict
