"""Segment figures from per-frame records (vision/segments.py), on plain numbers."""

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
