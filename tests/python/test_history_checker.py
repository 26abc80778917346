"""The fault trials' checker (bench/cluster/history.py) finds each kind of anomaly it names and
passes a history whose final state is consistent with it."""

import pathlib
import sys

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[2] / "bench" / "cluster"))

from history import FAIL, MAYBE, OK, PointState, Write, check, vector_for  # noqa: E402

DIM = 4


def write(point_id, version, outcome, writer=0):
    return Write(writer, point_id, version, float(version), float(version) + 0.5, outcome)


def state(point_id, version, normalised=True):
    vector = vector_for(point_id, version, DIM)
    if normalised:
        norm = sum(x * x for x in vector) ** 0.5
        vector = [x / norm for x in vector]
    return PointState(version, vector)


def test_consistent_final_state_passes():
    history = [write(1, 1, OK), write(1, 2, OK), write(2, 1, OK)]
    final = {"n1": {1: state(1, 2), 2: state(2, 1)}, "n2": {1: state(1, 2), 2: state(2, 1)}}
    verdict = check(history, final, DIM)
    assert verdict.passed, verdict.summary()
    assert verdict.acknowledged == 3


def test_acknowledged_write_missing_or_older_is_lost():
    history = [write(1, 1, OK), write(1, 2, OK), write(2, 1, OK)]
    verdict = check(history, {"n1": {1: state(1, 1)}}, DIM)
    assert not verdict.passed
    assert len(verdict.lost) == 2  # point 1 older than acked, point 2 missing


def test_failed_write_made_visible_is_a_phantom():
    history = [write(1, 1, OK), write(1, 2, FAIL)]
    verdict = check(history, {"n1": {1: state(1, 2)}}, DIM)
    assert verdict.phantom and not verdict.lost


def test_point_never_written_is_a_phantom():
    verdict = check([write(1, 1, OK)], {"n1": {1: state(1, 1), 9: state(9, 1)}}, DIM)
    assert len(verdict.phantom) == 1


def test_indeterminate_write_may_be_visible_or_not():
    history = [write(1, 1, OK), write(1, 2, MAYBE)]
    seen = check(history, {"n1": {1: state(1, 2)}}, DIM)
    unseen = check(history, {"n1": {1: state(1, 1)}}, DIM)
    assert seen.passed and unseen.passed
    assert seen.indeterminate_visible == 1 and unseen.indeterminate_visible == 0


def test_wrong_vector_is_corrupt():
    history = [write(1, 1, OK), write(1, 2, OK)]
    wrong = PointState(2, state(1, 1).vector)
    verdict = check(history, {"n1": {1: wrong}}, DIM)
    assert verdict.corrupt and not verdict.lost


def test_replicas_that_disagree_are_divergent():
    history = [write(1, 1, OK), write(1, 2, MAYBE)]
    final = {"n1": {1: state(1, 2)}, "n2": {1: state(1, 1)}}
    verdict = check(history, final, DIM)
    assert verdict.divergent and not verdict.lost and not verdict.phantom
