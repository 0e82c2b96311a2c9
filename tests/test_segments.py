"""Segment figures from per-frame records (vision/segments.py), on plain numbers."""

import warnings

import numpy as np
import pytest

from vision.core.segments import build_segments
from vision.core.report import FrameRecord

PALM = 50.0


def test_a_glide_at_the_end_of_a_stroke_run_does_not_tilt_its_line():
    """The labels of a stroke run often reach into the hand's glide to the next spot."""
    records = []
    for k in range(int(4.4 * 30)):  # 4 s of strokes at 85 deg to the grain, then a 0.4 s glide
        t = k / 30
        if t < 4.0:  # screen angle 175 deg (axis 90): a line 5 deg off horizontal, 0.15 palm
            s = 0.15 * PALM * np.sin(2 * np.pi * t)
            xy = (320 + s * np.cos(np.radians(175)), 240 - s * np.sin(np.radians(175)))
        else:  # glide 0.6 palm up and to the right, the labels still say cross_grain
            w = (t - 4.0) / 0.4
            xy = (320 + 0.4 * PALM * w, 240 - 0.45 * PALM * w)
        records.append(FrameRecord(k, t, "cross_grain", 85.0, xy, PALM, xy, foot_axis_deg=90.0,
                                   credited_s=1 / 30 if k else 0.0))
    records += [FrameRecord(len(records) + k, 4.4 + k / 30, "hold", None, records[-1].thumb_xy, PALM,
                            records[-1].joints_xy, foot_axis_deg=90.0, credited_s=1 / 30) for k in range(60)]
    (stroke, _) = build_segments(records)
    assert stroke.angle_to_grain_deg == pytest.approx(85.0, abs=3.0)
    assert stroke.amplitude_palm == pytest.approx(0.15, rel=0.15)


def stroking(rate_at, seconds: float, fps: float = 15.0, label: str = "cross_grain",
             rate_seen=None, line_at=lambda t: 0.0) -> list[FrameRecord]:
    """Strokes of 0.15 palm whose rate (a minute) at time t is ``rate_at(t)`` along the screen angle
    ``line_at(t)`` (degrees; the axis is at 90); each frame's own rate and line, as the analyzer would
    give them: ``rate_seen(t)`` (default: the true one) and the true line."""
    rate_seen = rate_seen or rate_at
    records, phase = [], 0.0
    for k in range(int(seconds * fps)):
        t = k / fps
        phase += 2 * np.pi * rate_at(t) / 60 / fps
        s = 0.15 * PALM * np.sin(phase)
        line = np.radians(line_at(t))
        xy = (320 + s * np.cos(line), 240 - s * np.sin(line))
        grain = abs(90.0 - line_at(t) % 180.0)  # the acute angle to the axis at 90
        records.append(FrameRecord(k, t, label, grain, xy, PALM, xy, foot_axis_deg=90.0,
                                   credited_s=1 / fps if k else 0.0, stroke_angle_deg=line_at(t) % 180.0,
                                   rate_per_min=rate_seen(t)))
    return records


def test_a_run_that_changes_pace_is_one_segment_a_pace():
    """70 strokes a minute for 6 s, then 240: not one segment of 150 that describes neither."""
    slow_then_fast = build_segments(stroking(lambda t: 70.0 if t < 6.0 else 240.0, 12.0))
    assert [s.label for s in slow_then_fast] == ["cross_grain", "cross_grain"]
    slow, fast = slow_then_fast
    assert slow.end_s == pytest.approx(6.0, abs=0.5)
    assert slow.rate_per_min == pytest.approx(70.0, rel=0.08)
    assert fast.rate_per_min == pytest.approx(240.0, rel=0.05)
    # three paces: two cuts
    three = build_segments(stroking(lambda t: 60.0 if t < 5 else (180.0 if t < 10 else 90.0), 15.0, fps=30.0))
    assert [round(s.rate_per_min, -1) for s in three] == [60.0, 180.0, 90.0]


def test_a_drifting_pace_and_a_glitch_in_the_frames_rates_stay_one_segment():
    drifting = build_segments(stroking(lambda t: 80.0 + 1.5 * t, 20.0))  # 80 -> 110 a minute over 20 s
    assert len(drifting) == 1
    glitch = build_segments(stroking(lambda t: 120.0, 10.0,
                                     rate_seen=lambda t: 27.0 if 5.0 <= t < 5.4 else 120.0))
    assert len(glitch) == 1 and glitch[0].rate_per_min == pytest.approx(120.0, rel=0.05)
    # the frames' rates say the pace changed, the counted cycles do not: one segment
    unconfirmed = build_segments(stroking(lambda t: 120.0, 10.0, rate_seen=lambda t: 60.0 if t < 5 else 120.0))
    assert len(unconfirmed) == 1


def test_a_run_that_turns_its_line_within_one_label_is_one_segment_a_line():
    """Oblique at 40 degrees one side of the axis, then the other (h4_02 of make eval's fourth draw): one
    segment's line would run between the two, the first strokes hardly show along it, and its rate halves."""
    turned = build_segments(stroking(lambda t: 150.0, 10.0, label="oblique",
                                     line_at=lambda t: 130.0 if t < 5.0 else 50.0))
    assert len(turned) == 2
    assert turned[0].end_s == pytest.approx(5.0, abs=0.5)
    for part in turned:
        assert part.rate_per_min == pytest.approx(150.0, rel=0.05)
        assert part.angle_to_grain_deg == pytest.approx(40.0, abs=3.0)
    wobbling = build_segments(stroking(lambda t: 150.0, 10.0, line_at=lambda t: 10.0 * np.sin(t)))
    assert len(wobbling) == 1  # a line that wanders by 10 degrees either way is one line


def test_a_stretch_without_rates_inside_a_run_is_no_reason_to_split():
    """The frames' own rates can be missing for seconds inside a run (the analyzer counting afresh):
    a moment with nothing on one side is not compared (it used to compare an empty median, NaN)."""
    records = stroking(lambda t: 120.0, 14.0, rate_seen=lambda t: None if 4.0 <= t < 7.0 else 120.0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        segments = build_segments(records)
    assert len(segments) == 1 and segments[0].rate_per_min == pytest.approx(120.0, rel=0.05)
