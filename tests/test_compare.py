"""Pure parts of the comparison: DTW against a brute-force recurrence, alignment of stretched sequences,
the report JSON read back, and reports with nothing to compare."""

from __future__ import annotations

import json

import numpy as np
import pytest

from vision.compare import compare, report_from_dict
from vision.compare.align import align, dtw_path
from vision.compare.profile import motion_profile
from vision.compare.report_json import ReportFormatError
from vision.core.report import FrameRecord, Report, Segment


def brute_force_cost(c: np.ndarray) -> float:
    n, m = c.shape
    d = np.full((n + 1, m + 1), np.inf)
    d[0, 0] = 0.0
    for i in range(1, n + 1):
        for j in range(1, m + 1):
            d[i, j] = c[i - 1, j - 1] + min(d[i - 1, j - 1], d[i - 1, j], d[i, j - 1])
    return d[n, m]


@pytest.mark.parametrize("shape", [(1, 1), (1, 7), (6, 1), (9, 13), (30, 17)])
def test_dtw_finds_the_least_cost_monotonic_path(shape):
    c = np.random.default_rng(sum(shape)).random(shape)
    path = dtw_path(c)
    assert path[0] == (0, 0) and path[-1] == (shape[0] - 1, shape[1] - 1)
    steps = {(b[0] - a[0], b[1] - a[1]) for a, b in zip(path, path[1:])}
    assert steps <= {(1, 0), (0, 1), (1, 1)}
    assert sum(c[i, j] for i, j in path) == pytest.approx(brute_force_cost(c))


def _report(labels_by_second: list[tuple[str, float]], fps: float = 10.0) -> Report:
    """Frames of the given labels for the given seconds (stroke frames carry figures)."""
    frames, t, segments = [], 0.0, []
    for label, secs in labels_by_second:
        start = t
        for _ in range(int(round(secs * fps))):
            stroke = label in ("cross_grain", "lengthwise", "oblique")
            frames.append(FrameRecord(i=len(frames), t=round(t, 4), label=label, credited_s=1 / fps,
                                      angle_to_grain_deg=80.0 if stroke else None,
                                      rate_per_min=90.0 if stroke else None,
                                      amplitude_palm=0.2 if stroke else None))
            t += 1 / fps
        segments.append(Segment(label, start, t, *((90.0, 0.2, 80.0) if label == "cross_grain" else (None,) * 3)))
    return Report("x", fps, t, 90.0, frames=frames, segments=segments)


def test_alignment_follows_a_stretched_attempt():
    ref = motion_profile(_report([("cross_grain", 4), ("hold", 4), ("cross_grain", 4)]))
    att = motion_profile(_report([("cross_grain", 8), ("hold", 2), ("cross_grain", 6)]))
    for i, j in align(ref, att):
        assert ref.label[i] == att.label[j] or abs(ref.t[i] - 4) < 0.3 or abs(ref.t[i] - 8) < 0.3


def test_nothing_to_compare_is_not_an_error():
    empty = _report([("no_hand", 3)])
    some = _report([("cross_grain", 3)])
    for a, b in ((empty, some), (some, empty), (empty, empty)):
        c = compare(a, b)
        assert c.similarity == 0
        json.dumps(c.to_dict())


def test_report_json_reads_back():
    r = _report([("cross_grain", 2), ("hold", 1)])
    again = report_from_dict(json.loads(r.to_json()))
    assert again.to_dict() == r.to_dict()
    with pytest.raises(ReportFormatError, match="not a crossgrain.report/1"):
        report_from_dict({"schema": "something else"})
    with pytest.raises(ReportFormatError, match="damaged"):
        report_from_dict({"schema": "crossgrain.report/1", "source": "x"})


def test_attempt_time_follows_the_alignment():
    ref = _report([("cross_grain", 4), ("hold", 4), ("cross_grain", 4)])
    att = _report([("cross_grain", 8), ("hold", 2), ("cross_grain", 6)])
    c = compare(ref, att)
    assert c.attempt_t(6.0) == pytest.approx(9.0, abs=0.5)  # the middle of the holds
    assert c.attempt_t(10.0) == pytest.approx(13.0, abs=1.0)  # the middle of the last strokes
    assert c.attempt_t(0.0) == pytest.approx(0.0, abs=0.3)
    times = [c.attempt_t(t) for t in np.arange(0, 12, 0.1)]
    assert all(b >= a for a, b in zip(times, times[1:]))


def test_another_technique_is_said_once():
    ref = _report([("cross_grain", 3), ("hold", 2), ("cross_grain", 3)])
    att = _report([("lengthwise", 8)])
    said = compare(ref, att).said
    assert len(said) == len(set(said))
    assert sum("you stroked along the foot" in s for s in said) == 1
