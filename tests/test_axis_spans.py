"""The report's `axes`: one span for an axis that only wobbles, a new one for a turn or a new source."""

from __future__ import annotations

import math

from vision.core.report import FrameRecord
from vision.core.segments import AXIS_SPAN_TOLERANCE_DEG, axis_spans


def frames(axes: list[tuple[float, str]]) -> list[FrameRecord]:
    return [FrameRecord(k, k / 15, "cross_grain", foot_axis_deg=deg, axis_source=src, credited_s=1 / 15)
            for k, (deg, src) in enumerate(axes)]


def test_a_followed_axis_that_wobbles_is_one_span():
    wobble = [((90.0 + 1.5 * math.sin(k / 3)) % 180, "found") for k in range(900)]  # a minute at 15 fps
    assert len(axis_spans(frames(wobble))) == 1
    across_zero = [((1.5 * math.sin(k / 3)) % 180, "found") for k in range(300)]  # 178.5 and 1.5 are 3 deg apart
    assert len(axis_spans(frames(across_zero))) == 1


def test_a_turn_and_a_new_source_start_spans():
    turn = [(90.0, "typed")] * 30 + [(90.0, "found")] * 30 + [(90.0 + k, "found") for k in range(31)]
    spans = axis_spans(frames(turn))
    assert [s.source for s in spans[:2]] == ["typed", "found"] and spans[1].start_s == 30 / 15
    assert len(spans) == 2 + math.floor(30 / AXIS_SPAN_TOLERANCE_DEG)  # one for every 5 deg of the turn
    assert spans[-1].foot_axis_deg == 120.0
    assert axis_spans([]) == []
