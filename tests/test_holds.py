"""Hold timing from positions (vision/holds.py) on scripted thumb paths: plain numbers, known truth."""

import numpy as np
import pytest

from scripted import Piece, thumb_path
from test_motion import run
from vision.core.holds import departure, rest_radius_px, resting_since, still_span
from vision.core.motion import MotionParams
from vision.core.axis import FootAxis
from vision.core.framelog import FrameLog
from vision.core.holds import HoldStage
from vision.core.labels import Label
from vision.core.verdict import FrameVerdict
from vision.engine import Judge
from vision.pipeline import build_report, offline_report


def report_of(frames, causal=True):
    """The report of motion verdicts, judged as a live stream (causal) or relabelled looking ahead."""
    if not causal:
        return offline_report(frames, "cross_friction", MotionParams(), "scripted", 30.0)
    judge, log = Judge("cross_friction"), FrameLog()
    for v in frames:
        log.append(judge.judge(v))
    return build_report(log.records(), judge.holds_so_far(), judge.last, "cross_friction", "scripted", 30.0)

PALM = 50.0
STROKE = Piece("cross_grain", 4, stroke_angle_deg=0, amplitude_palm=0.12, rate_per_min=90)  # ends mid-swing
HOLD = Piece("hold", 6, drift_palm=0.03)
ROUTINE = [STROKE, HOLD, Piece("lengthwise", 4, stroke_angle_deg=90, amplitude_palm=0.1, rate_per_min=80)]


def arrays(pieces, noise_px=0.3, fps=30.0, seed=0):
    rows = list(thumb_path(pieces, fps, PALM, noise_px, seed))
    return np.array([r[0] for r in rows]), np.array([r[1] for r in rows], dtype=float)


@pytest.mark.parametrize("fps", [15.0, 30.0])
@pytest.mark.parametrize("noise_px", [0.0, 0.3, 1.0])
def test_still_span_finds_where_the_thumb_stopped_and_left_whatever_the_labels_say(fps, noise_px):
    times, tips = arrays(ROUTINE, noise_px, fps)
    # Labels late at both ends, as live ones are: hold shown from 4.6 s to 10.5 s.
    first, last = int(np.searchsorted(times, 4.6)), int(np.searchsorted(times, 10.5))
    start, end = still_span(times, tips, PALM, first, last)
    # Noise widens the radius a stroke must pass before it counts as leaving (1 px: 0.08 palm).
    slack = 1.5 / fps + 0.05 + 0.1 * noise_px
    assert start == pytest.approx(4.0, abs=slack)
    assert end == pytest.approx(10.0, abs=slack)
    # Labels early at both ends, as offline ones can be: the same span comes out (within the slack:
    # the rest's radius comes from other frames, and 1 px of noise moves an edge by a frame or two).
    first, last = int(np.searchsorted(times, 4.3)), int(np.searchsorted(times, 9.8))
    assert still_span(times, tips, PALM, first, last) == pytest.approx((start, end), abs=slack)


def test_a_slow_drift_of_the_rest_is_not_a_departure_but_a_stroke_is():
    times, tips = arrays([Piece("hold", 4, drift_palm=0.15),
                          Piece("lengthwise", 2, stroke_angle_deg=90, amplitude_palm=0.06, rate_per_min=60)], 0.3)
    radius = rest_radius_px(tips[:100], PALM, 15)
    assert radius == pytest.approx(0.03 * PALM, rel=0.5)
    left = departure(tips, 0, +1, radius, 15)
    assert times[left] == pytest.approx(4.0, abs=0.25)  # 0.15 palm of drift over 4 s did not count


def test_one_glitched_frame_is_not_a_departure():
    times, tips = arrays([Piece("hold", 3)], 0.2)
    tips[45] += (8.0, -6.0)  # a landmark glitch of 10 px on one frame
    assert departure(tips, 0, +1, rest_radius_px(tips, PALM, 15), 15) == len(tips)


def test_a_thumb_that_never_left_leaves_the_side_open():
    times, tips = arrays([Piece("hold", 5)], 0.3)
    assert still_span(times, tips, PALM, 30, 120) == (None, None)


def test_resting_since_dates_a_live_hold_back_to_when_the_thumb_stopped():
    times, tips = arrays([STROKE, Piece("hold", 1.0)], 0.3)
    assert resting_since(times, tips, PALM) == pytest.approx(4.0, abs=0.07)


def test_the_live_hold_timer_counts_from_when_the_thumb_stopped():
    states, truth, _ = run(ROUTINE)
    stage = HoldStage()
    readings = [(s, stage.step(s.t, s.label == "hold", s.thumb_xy, s.palm_px)) for s in states]
    first_hold, reading = next((s, r) for s, r in readings if s.label == "hold" and s.t > 3.0)
    assert first_hold.t > 4.2  # the label needs its motion window to empty...
    assert first_hold.t - reading.hold_s == pytest.approx(4.0, abs=0.1)  # ...the timer does not wait for it


@pytest.mark.parametrize("causal", [True, False])
def test_report_holds_last_while_the_thumb_is_still(causal):
    _, _, records = run(ROUTINE)
    report = report_of(records, causal)
    (hold,) = report.holds
    assert hold.start_s == pytest.approx(4.0, abs=0.1) and hold.end_s == pytest.approx(10.0, abs=0.1)
    assert hold.duration_s == pytest.approx(6.0, abs=0.15)


def test_a_hold_split_by_a_false_stroke_is_one_hold_when_the_thumb_never_left():
    times, tips = arrays([STROKE, Piece("hold", 8, drift_palm=0.02)], 0.3)
    # Labels: stroke, hold, a 0.4 s false "stroke" (landmarks wandering), hold again.
    labels = ["cross_grain" if t < 4.5 else "hold" if not 8.0 <= t < 8.4 else "cross_grain" for t in times]
    records = [FrameVerdict(i, float(t), 1 / 30 if i else 0.0, Label(lab), FootAxis.typed(90.0),
                            thumb_xy=(float(x), float(y)), palm_px=PALM)
               for i, (t, lab, (x, y)) in enumerate(zip(times, labels, tips))]
    report = report_of(records)
    (hold,) = report.holds
    assert hold.start_s == pytest.approx(4.0, abs=0.1) and hold.end_s == pytest.approx(times[-1], abs=0.01)
