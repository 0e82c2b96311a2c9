"""The analyzer on scripted thumb paths: plain numbers, known truth, every frame checked."""

import math

import numpy as np
import pytest

from scripted import Piece, accuracy, change_times, thumb_path
from vision.core.motion import HOLD, NO_HAND, SETTLING, MotionParams, StrokeAnalyzer
from vision.core.axis import FootAxis
from vision.core.holds import HoldStage
from vision.core.labels import Label
from vision.core.timebase import FrameClock
from vision.core.verdict import FrameVerdict
from vision.core.offline import offline_relabel, strokes_must_repeat

AXIS = 90.0  # foot points up the screen: cross-grain strokes are left-right


def run(pieces, fps=30.0, palm_px=50.0, noise_px=0.3, axis=AXIS, seed=0, drop_prob=0.0):
    analyzer = StrokeAnalyzer(axis)
    clock = FrameClock()
    states, truth, records = [], [], []
    for i, (t, xy, palm, label) in enumerate(thumb_path(pieces, fps, palm_px, noise_px, seed, drop_prob=drop_prob)):
        s = analyzer.update_thumb(t, xy, palm if xy is not None else None)
        states.append(s)
        truth.append(label)
        records.append(FrameVerdict(i, t, clock(t).credited_s, Label(s.label), FootAxis.typed(axis), thumb_xy=s.thumb_xy,
                                    joints_xy=s.joints_xy, palm_px=s.palm_px if s.thumb_xy else None,
                                    angle_to_grain_deg=s.angle_to_grain_deg))
    return states, truth, records


ROUTINE = [
    Piece("hold", 3),
    Piece("cross_grain", 6, stroke_angle_deg=0, amplitude_palm=0.12, rate_per_min=90),
    Piece("hold", 5, drift_palm=0.03),
    Piece("lengthwise", 5, stroke_angle_deg=90, amplitude_palm=0.15, rate_per_min=70),
    Piece("oblique", 5, stroke_angle_deg=45, amplitude_palm=0.1, rate_per_min=120),
    Piece("no_hand", 1.5),
    Piece("hold", 4),
]


def test_every_steady_frame_carries_its_technique_label_causally():
    states, truth, _ = run(ROUTINE)
    times = [s.t for s in states]
    changes = change_times(ROUTINE)
    labels = [s.label for s in states]
    settle = MotionParams().settle_s + 1.5 / 30  # not judged yet after the hand appears (and a frame of rounding)
    appeared = [t for k, t in enumerate(times) if truth[k] != NO_HAND and (k == 0 or truth[k - 1] == NO_HAND)]
    for k, t in enumerate(times):
        if labels[k] == SETTLING:
            assert any(0 <= t - a < settle for a in appeared), f"frame {k} at {t:.2f}s still settling"
        elif all(abs(t - c) >= 1.0 for c in changes) and t >= 1.0:
            assert labels[k] == truth[k], f"frame {k} at {t:.2f}s: {labels[k]} != {truth[k]}"


def test_no_hand_frames_say_no_hand():
    states, truth, _ = run(ROUTINE)
    for s, tr in zip(states, truth):
        if tr == NO_HAND:
            assert s.label == NO_HAND


def test_offline_labels_are_at_least_as_good_and_land_changes_closer():
    states, truth, records = run(ROUTINE)
    times = [r.t for r in records]
    changes = change_times(ROUTINE)
    offline = offline_relabel(records, StrokeAnalyzer(AXIS).params)
    causal_acc = accuracy([s.label for s in states], truth, times, changes, margin=0.5)
    offline_acc = accuracy([r.label for r in offline], truth, times, changes, margin=0.5)
    assert offline_acc >= causal_acc
    assert offline_acc > 0.97


def _first_time_label(states, label, after):
    return next(s.t for s in states if s.t >= after and s.label == label)


def test_causal_label_changes_within_0_8_s():
    states, _, _ = run(ROUTINE)
    assert _first_time_label(states, "cross_grain", 3.0) - 3.0 < 0.8
    assert _first_time_label(states, HOLD, 9.0) - 9.0 < 0.8
    assert _first_time_label(states, "lengthwise", 14.0) - 14.0 < 0.8
    assert _first_time_label(states, "oblique", 19.0) - 19.0 < 0.8


@pytest.mark.parametrize("amp,rate,fps,palm,noise,dwell", [
    (0.05, 90, 30, 50, 0.3, False),   # small strokes
    (0.3, 240, 30, 50, 0.3, False),   # big, fast
    (0.15, 30, 30, 50, 0.3, False),   # slow
    (0.12, 72, 30, 50, 0.3, True),    # dwelling at the ends
    (0.1, 90, 15, 50, 0.3, False),    # dim-light webcam
    (0.08, 90, 30, 35, 0.4, False),   # small hand
])
def test_holds_up_across_stroke_kinds(amp, rate, fps, palm, noise, dwell):
    pieces = [Piece("hold", 4), Piece("cross_grain", 8, 0, amp, rate, dwell), Piece("hold", 6, drift_palm=0.04)]
    states, truth, _ = run(pieces, fps=fps, palm_px=palm, noise_px=noise)
    acc = accuracy([s.label for s in states], truth, [s.t for s in states], change_times(pieces))
    assert acc >= 0.97


def test_live_figures_match_the_stroke():
    pieces = [Piece("cross_grain", 8, stroke_angle_deg=10, amplitude_palm=0.2, rate_per_min=96)]
    states, _, _ = run(pieces, noise_px=0.2, axis=100)
    last = states[-1]
    assert last.label == "cross_grain"
    assert last.angle_to_grain_deg == pytest.approx(90, abs=3)
    assert last.stroke_angle_deg == pytest.approx(10, abs=3)
    assert last.rate_per_min == pytest.approx(96, rel=0.05)
    assert last.amplitude_palm == pytest.approx(0.2, rel=0.15)


def _hold_stage(states):
    stage = HoldStage()
    return [stage.step(s.t, s.label == HOLD, s.thumb_xy, s.palm_px) for s in states]


def test_hold_timer_counts_and_measures_drift():
    """The hold stage times the analyzer's holds (the analyzer itself keeps no hold time)."""
    pieces = [Piece("hold", 12, stroke_angle_deg=0, drift_palm=0.06)]
    states, _, _ = run(pieces, noise_px=0.2)
    settle = MotionParams().settle_s
    assert all(s.label == SETTLING for s in states if s.t < settle - 0.02)
    assert all(s.label == HOLD for s in states if s.t > settle + 0.02)
    readings = _hold_stage(states)
    assert readings[-1].hold_s == pytest.approx(12 - 1 / 30, abs=0.05)  # from the first frame, not from 1 s
    # drift from where the thumb settled (the first second), 0.06 palm over 12 s: about 0.055
    assert readings[-1].drift_palm == pytest.approx(0.055, abs=0.02)


def test_state_is_reset_after_a_long_gap_but_not_a_short_one():
    pieces = [Piece("hold", 3), Piece("no_hand", 0.1), Piece("hold", 2), Piece("no_hand", 2), Piece("hold", 2)]
    states, _, _ = run(pieces)
    readings = _hold_stage(states)
    after_short = next(r for s, r in zip(states, readings) if s.t >= 3.2)
    assert after_short.hold_s > 2.5  # the brief gap did not restart the hold
    after_long = next(r for s, r in zip(states, readings) if s.t >= 5.2 + 2.0 and s.label == HOLD)
    assert after_long.start_s == pytest.approx(7.1, abs=0.05)  # a new hold, dated from the hand's return
    assert after_long.hold_s < MotionParams().settle_s + 0.2


def test_time_going_backwards_is_held_at_the_entrance():
    clock = FrameClock()
    assert clock(1.0).t == 1.0
    late = clock(0.5)
    assert late.t == 1.0 and late.credited_s == 0.0
    assert clock(float("nan")).t == 1.0 and clock(None).t == 1.0
    assert clock(1.5).credited_s == pytest.approx(0.5)
    assert clock(9.0).credited_s == 0.0  # a stall: nobody saw what happened, it counts for nothing


def test_foot_axis_can_change_mid_stream():
    analyzer = StrokeAnalyzer(90)
    pieces = [Piece("cross_grain", 4, stroke_angle_deg=0, amplitude_palm=0.15, rate_per_min=90)]
    labels = []
    for k, (t, xy, palm, _) in enumerate(thumb_path(pieces, noise_px=0.2)):
        if t >= 2.0 and analyzer.foot_axis_deg == 90:
            analyzer.set_foot_axis(0)
        labels.append(analyzer.update_thumb(t, xy, palm).label)
    assert labels[-1] == "lengthwise"


def _bent_tip_stroke(seconds=6.0, fps=30.0, palm=100.0, bend_deg=25.0, thumb_only=False):
    """A cross-grain stroke (screen angle 0, axis 90) whose tip estimate bends by ``bend_deg``.

    The MCP and IP joints follow the true line; the model's tip tilts the way a
    folded thumb's does (eval clip e06). ``thumb_only``: the hand is anchored and
    only the thumb moves, the IP half as far as the tip and the MCP hardly.
    """
    out = []
    for k in range(int(seconds * fps)):
        t = k / fps
        s = 0.06 * palm * np.sin(2 * np.pi * 2.0 * t)
        true_move = np.array([s, 0.0])
        bent = np.radians(bend_deg)
        tip = np.array([300.0, 200.0]) + s * np.array([np.cos(bent), -np.sin(bent)])
        ip = np.array([300.0, 230.0]) + true_move * (0.5 if thumb_only else 1.0)
        mcp = np.array([300.0, 260.0]) + true_move * (0.15 if thumb_only else 1.0)
        out.append((t, tip, palm, (tip + ip + mcp) / 3.0))
    return out


@pytest.mark.parametrize("thumb_only", [False, True])
def test_the_stroke_line_follows_the_thumb_joints_not_a_bent_tip_estimate(thumb_only):
    analyzer, tip_only = StrokeAnalyzer(AXIS), StrokeAnalyzer(AXIS)
    for t, tip, palm, joints in _bent_tip_stroke(bend_deg=35.0, thumb_only=thumb_only):
        state = analyzer.update_thumb(t, tip, palm, joints)
        bent = tip_only.update_thumb(t, tip, palm)
    assert bent.label == "oblique" and bent.angle_to_grain_deg == pytest.approx(55, abs=2)  # the tip alone
    assert state.label == "cross_grain"
    # A rigid hand: the three joints average the tip's error down to a third. Thumb only:
    # the tip travels furthest and weighs most, and still the line is 14 deg truer.
    assert state.angle_to_grain_deg == pytest.approx(78 if not thumb_only else 69, abs=3)


def _wandering_tip_hold(seconds=50.0, fps=30.0, wander_px=1.0, jitter_px=1.0, seed=1):
    """A still thumb whose tip estimate wanders (slowly, like the model's) and every joint jitters."""
    rng = np.random.default_rng(seed)
    n = int(seconds * fps)
    walk = np.cumsum(rng.normal(0, 1, (n, 2)), axis=0)
    slow = walk - np.stack([np.convolve(walk[:, i], np.ones(60) / 60, "same") for i in (0, 1)], 1)
    wander = slow / slow[100:-100].std() * wander_px
    for k in range(100, n - 100):
        tip = np.array([300.0, 200.0]) + wander[k] + rng.normal(0, jitter_px, 2)
        ip = np.array([300.0, 230.0]) + rng.normal(0, jitter_px, 2)
        mcp = np.array([300.0, 260.0]) + rng.normal(0, jitter_px, 2)
        yield k / fps, tip, (tip + ip + mcp) / 3.0


def test_a_wandering_tip_estimate_is_not_a_stroke_when_the_joints_stay():
    no_floor = MotionParams(wander_factor=0.0)  # the joints' check alone (the wander floor has its own test)
    with_joints, tip_only = StrokeAnalyzer(AXIS, no_floor), StrokeAnalyzer(AXIS, no_floor)
    false_with = false_without = 0
    for t, tip, joints in _wandering_tip_hold():
        false_with += with_joints.update_thumb(t, tip, 50.0, joints).label != HOLD
        false_without += tip_only.update_thumb(t, tip, 50.0).label != HOLD
    assert false_without > 300  # the tip alone takes its wander for strokes...
    assert false_with < false_without / 2  # ...the joints, which do not move with it, say otherwise


def _thumb_wandering_together(seconds, fps, wander_px, rng):
    """A still thumb whose landmarks all wander together, slowly (the tracker's smoothing), with a little jitter."""
    n = int(seconds * fps) + 200
    walk = np.cumsum(rng.normal(0, 1, (n, 2)), axis=0)
    slow = walk - np.stack([np.convolve(walk[:, i], np.ones(30) / 30, "same") for i in (0, 1)], 1)
    slow = np.stack([np.convolve(slow[:, i], np.ones(5) / 5, "same") for i in (0, 1)], 1)[100:-100]
    return slow / slow.std() * wander_px + rng.normal(0, 0.3, (len(slow), 2))


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_a_hold_whose_landmarks_wander_together_is_not_read_as_strokes(seed):
    """Blur and noise make the whole thumb's landmarks drift 1-2 px together during a hold (the joints
    move with the tip, so their check cannot tell). The floor learnt from the hold's own spread can, at
    1.2 px on a 45 px palm; small strokes after it still count. (Wander as large as the smallest strokes,
    about 1.6 px here, is beyond it: the floor never rises above twice the usual start.)"""
    fps, palm = 15.0, 45.0
    rng = np.random.default_rng(seed)
    wander = _thumb_wandering_together(30.0, fps, 1.2, rng)
    stroke_t = np.arange(int(8 * fps)) / fps
    stroke = 0.06 * palm * np.sin(2 * np.pi * 90 / 60.0 * stroke_t)  # 0.06 palm widths, 90 a minute
    counts = {}
    for name, params in (("floor", MotionParams()), ("no floor", MotionParams(wander_factor=0.0))):
        analyzer = StrokeAnalyzer(AXIS, params)
        labels = []
        for k, d in enumerate(wander):
            tip = np.array([300.0, 200.0]) + d
            labels.append(analyzer.update_thumb(k / fps, tip, palm, tip + (0.0, 25.0)).label)
        hold_frames = labels[int(5 * fps):]  # after the first seconds, once the hold's spread is known
        start = len(wander)
        strokes = []
        for k, s in enumerate(stroke):
            tip = np.array([300.0 + s, 200.0]) + wander[-1] + rng.normal(0, 0.3, 2)
            strokes.append(analyzer.update_thumb((start + k) / fps, tip, palm, tip + (0.5 * s, 25.0)).label)
        counts[name] = (sum(label != HOLD for label in hold_frames) / len(hold_frames),
                        strokes[int(fps):].count("cross_grain") / len(strokes[int(fps):]))
    assert counts["no floor"][0] > 0.05, counts  # the wander fools the plain motion test...
    assert counts["floor"][0] < counts["no floor"][0] / 2, counts  # ...much less the floor learnt from the hold
    assert counts["floor"][1] >= 0.9, counts  # and the strokes after it are still strokes


@pytest.mark.parametrize("rate", [60, 120])
def test_small_thumb_only_strokes_still_count(rate):
    """Hand anchored, only the thumb moves (IP half as far as the tip, MCP hardly): 0.05-palm strokes."""
    analyzer = StrokeAnalyzer(AXIS)
    rng = np.random.default_rng(0)
    labels = []
    for k in range(30 * 8):
        t = k / 30
        s = 0.05 * 50.0 * np.sin(2 * np.pi * rate / 60.0 * t)
        tip = np.array([300.0 + s, 200.0]) + rng.normal(0, 0.3, 2)
        ip = np.array([300.0 + 0.5 * s, 230.0]) + rng.normal(0, 0.3, 2)
        mcp = np.array([300.0 + 0.15 * s, 260.0]) + rng.normal(0, 0.3, 2)
        labels.append(analyzer.update_thumb(t, tip, 50.0, (tip + ip + mcp) / 3.0).label)
    steady = labels[30 * 3:]
    assert steady.count("cross_grain") / len(steady) >= 0.97


def test_slow_small_strokes_read_as_a_hold_do_not_raise_the_wander_floor():
    """Half a stroke a second of 0.05 palm widths on a 35 px palm at 15 fps with drops: live, some of it
    (its first turn) looks still. Those frames are shown as a hold, but their spread is far above the real
    hold's, so the floor learnt from holds does not rise with them and shut the strokes out for good (it
    did: live 0.51, offline 0.91; 0.79 live before slow strokes were followed by their sinusoid)."""
    pieces = [Piece("hold", 4), Piece("cross_grain", 10, 0, 0.05, 30), Piece("hold", 6, drift_palm=0.04)]
    states, truth, records = run(pieces, fps=15.0, palm_px=35.0, drop_prob=0.1)
    times = [r.t for r in records]
    assert accuracy([s.label for s in states], truth, times, change_times(pieces)) >= 0.9
    offline = offline_relabel(records, MotionParams())
    assert accuracy([r.label for r in offline], truth, times, change_times(pieces)) >= 0.98


@pytest.mark.parametrize("amp,dwell,fps,palm,drop", [(0.05, False, 30, 60, 0.0), (0.05, True, 30, 35, 0.1),
                                                    (0.1, True, 20, 35, 0.0), (0.2, True, 30, 50, 0.0)])
def test_slow_strokes_stay_strokes_live_through_their_ends(amp, dwell, fps, palm, drop):
    """Half a stroke a second rests at its ends longer than the motion window: live, each end was shown
    as a hold (the stroke grid's slow small combinations at 0.68-0.87). Once a sinusoid over the last
    3 s fits them and the thumb still follows it, they stay strokes; when they stop, the hold still
    comes within a second."""
    pieces = [Piece("hold", 4), Piece("cross_grain", 10, 0, amp, 30, dwell), Piece("hold", 6, drift_palm=0.04)]
    states, truth, records = run(pieces, fps=fps, palm_px=palm, drop_prob=drop)
    times = [r.t for r in records]
    assert accuracy([s.label for s in states], truth, times, change_times(pieces)) >= 0.93
    assert [round(s.t, 2) for s in states if 7.0 <= s.t < 14.0 and s.label != "cross_grain"] == []
    first_hold = min(s.t for s in states if s.t >= 14.0 and s.label == HOLD)
    assert first_hold - 14.0 <= 1.0


@pytest.mark.parametrize("amp,rate,dwell", [(0.05, 30, False), (0.05, 30, True), (0.1, 30, True), (0.08, 40, False)])
def test_small_slow_strokes_keep_their_label_offline(amp, rate, dwell):
    """Live labels flicker on these (they turn too slowly for a 0.5 s window); offline ones must not."""
    pieces = [Piece("hold", 4), Piece("cross_grain", 10, 0, amp, rate, dwell), Piece("hold", 6, drift_palm=0.04)]
    states, truth, records = run(pieces)
    offline = offline_relabel(records, MotionParams())
    times = [r.t for r in records]
    assert accuracy([r.label for r in offline], truth, times, change_times(pieces)) >= 0.97


@pytest.mark.parametrize("amplitude_palm,kept", [(0.015, False), (0.05, True)])
def test_offline_a_stroke_between_holds_must_be_as_large_as_a_live_stroke_start(amplitude_palm, kept):
    """Wander that goes to and fro (0.015 palm) is not a stroke; the smallest real stroke (0.05) is."""
    records = []
    for k in range(150):  # hold 1 s, "strokes" 3 s at 90 a minute, hold 1 s
        t = k / 30
        stroking = 30 <= k < 120
        x = 320 + (amplitude_palm * 50.0 * np.sin(2 * np.pi * 1.5 * (t - 1.0)) if stroking else 0.0)
        records.append(FrameVerdict(k, t, 1 / 30, Label.CROSS_GRAIN if stroking else HOLD, FootAxis.typed(AXIS),
                                    thumb_xy=(x, 240.0), palm_px=50.0,
                                    angle_to_grain_deg=85.0 if stroking else None))
    out = strokes_must_repeat(records, min_amplitude_palm=math.sqrt(2) * MotionParams().move_on_std_palm)
    assert {r.label for r in out[30:120]} == ({"cross_grain"} if kept else {HOLD})


@pytest.mark.parametrize("amp,rate,fps,pause,seed", [(0.05, 160, 15, 0.5, 1), (0.1, 160, 30, 1.0, 0),
                                                     (0.05, 160, 30, 1.0, 1)])
def test_offline_a_pause_between_strokes_is_no_hold(amp, rate, fps, pause, seed):
    """Small strokes, a pause of up to a second, strokes again: each pass saw the pause as a hold late in
    its own direction of time, never both on one frame, and the merge kept a piece of each; the strokes
    between, too short to repeat, joined them into a hold of about a second (0.87-1.1 s here; make eval's
    h4_02 1.0 s). A pause that short is no hold (segments.MIN_HOLD_S)."""
    pieces = [Piece("hold", 3), Piece("oblique", 4, 120, amp, rate), Piece("hold", pause),
              Piece("oblique", 4, 50, 2 * amp, 0.8 * rate), Piece("hold", 4, drift_palm=0.02)]
    _, _, records = run(pieces, fps=fps, palm_px=50, noise_px=0.5, seed=seed, drop_prob=0.05)
    offline = offline_relabel(records, MotionParams())
    assert [round(r.t, 2) for r in offline if 3.5 < r.t < 11.0 and r.label == HOLD] == []


@pytest.mark.parametrize("rate,fps", [(60, 15), (160, 30)])
def test_offline_a_hold_between_strokes_stays_a_hold(rate, fps):
    """Both passes see the middle of a real hold as one: it stays, about as long as it was."""
    pieces = [Piece("hold", 3), Piece("oblique", 4, 120, 0.1, rate), Piece("hold", 2.5),
              Piece("oblique", 4, 50, 0.2, 0.8 * rate), Piece("hold", 4, drift_palm=0.02)]
    _, _, records = run(pieces, fps=fps, palm_px=50, noise_px=0.5, seed=0, drop_prob=0.05)
    offline = offline_relabel(records, MotionParams())
    held = [r.t for r in offline if 6.5 < r.t < 10.0 and r.label == HOLD]
    assert len(held) / fps >= 1.5 and min(held) < 7.6 and max(held) > 9.0


# -- issue 11: few frames a stroke, dropped frames, jittered holds ------------------------------


@pytest.mark.parametrize("rate,fps,drop", [
    (240, 15, 0.0),   # 3.75 frames a stroke
    (210, 15, 0.1),   # 3.86 frames a stroke, a tenth of them missing
    (180, 15, 0.1),
    (240, 20, 0.1),
    (90, 15, 0.1),    # the halved rate: 1.5 a second at 15 fps with drops
])
def test_fast_strokes_at_low_frame_rates_are_strokes_not_holds(rate, fps, drop):
    pieces = [Piece("hold", 4), Piece("cross_grain", 8, 0, 0.1, rate), Piece("hold", 5, drift_palm=0.03)]
    analyzer = StrokeAnalyzer(AXIS)
    labels, truth, times, rates = [], [], [], []
    for t, xy, palm, label in thumb_path(pieces, fps, 50.0, 0.3, seed=4, drop_prob=drop):
        s = analyzer.update_thumb(t, xy, palm)
        labels.append(s.label)
        truth.append(label)
        times.append(t)
        if label == "cross_grain" and 6.0 <= t < 12.0 and s.rate_per_min:
            rates.append(s.rate_per_min)
    assert accuracy(labels, truth, times, change_times(pieces)) >= 0.95
    steady = [lab for lab, tr, t in zip(labels, truth, times) if tr == "cross_grain" and 5.0 <= t < 11.0]
    assert steady.count(HOLD) == 0
    assert np.median(rates) == pytest.approx(rate, rel=0.05)


def _jittered_hold(jitter_px, fps, drop, seconds=20.0, seed=0):
    """A still thumb on a 50 px palm whose tip, IP and MCP each jitter by ``jitter_px`` (white)."""
    rng = np.random.default_rng(seed)
    for k in range(int(seconds * fps)):
        if drop and rng.random() < drop:
            continue
        tip = np.array([300.0, 200.0]) + rng.normal(0, jitter_px, 2)
        ip = np.array([300.0, 230.0]) + rng.normal(0, jitter_px, 2)
        mcp = np.array([300.0, 260.0]) + rng.normal(0, jitter_px, 2)
        yield k / fps, tip, (tip + ip + mcp) / 3.0


@pytest.mark.parametrize("jitter_px", [1.0, 2.0, 3.0])
@pytest.mark.parametrize("fps,drop", [(15, 0.1), (30, 0.0)])
def test_holds_with_landmark_jitter_stay_holds(jitter_px, fps, drop):
    """design.md, skin on skin: 1-3 px a frame on a 50 px palm is noise, not a stroke, live and offline."""
    analyzer = StrokeAnalyzer(AXIS)
    records = []
    for k, (t, tip, joints) in enumerate(_jittered_hold(jitter_px, fps, drop)):
        s = analyzer.update_thumb(t, tip, 50.0, joints)
        records.append(FrameVerdict(k, t, 0.0, Label(s.label), FootAxis.typed(AXIS), thumb_xy=s.thumb_xy,
                                    joints_xy=s.joints_xy, palm_px=s.palm_px,
                                    angle_to_grain_deg=s.angle_to_grain_deg))
    settle = MotionParams().settle_s
    assert {r.label for r in records if r.t >= settle} == {HOLD}
    assert {r.label for r in records if r.t < settle - 1e-6} == {SETTLING}  # never a hold before it is seen
    assert {r.label for r in offline_relabel(records, MotionParams())} == {HOLD}  # looking ahead: held from 0


def test_a_stroke_under_the_same_jitter_is_still_found():
    """The other side of the jitter test: 0.15-palm strokes at 3 a second, 15 fps, 2 px jitter on every joint."""
    rng = np.random.default_rng(1)
    analyzer = StrokeAnalyzer(AXIS)
    labels = []
    for k in range(15 * 8):
        t = k / 15
        s = 0.15 * 50.0 * np.sin(2 * np.pi * 3.0 * t)
        tip = np.array([300.0 + s, 200.0]) + rng.normal(0, 2.0, 2)
        ip = np.array([300.0 + s, 230.0]) + rng.normal(0, 2.0, 2)
        mcp = np.array([300.0 + s, 260.0]) + rng.normal(0, 2.0, 2)
        labels.append(analyzer.update_thumb(t, tip, 50.0, (tip + ip + mcp) / 3.0).label)
    steady = labels[15 * 2:]
    assert steady.count("cross_grain") / len(steady) >= 0.95


def test_a_dropped_frame_is_a_gap_in_time_not_a_still_thumb():
    """The same stroke with and without a tenth of its frames: the noise estimate and the label agree."""
    pieces = [Piece("cross_grain", 6, 0, 0.08, 90)]
    full, dropped = StrokeAnalyzer(AXIS), StrokeAnalyzer(AXIS)
    for t, xy, palm, _ in thumb_path(pieces, 15, 50.0, 0.3, seed=2):
        a = full.update_thumb(t, xy, palm)
    for t, xy, palm, _ in thumb_path(pieces, 15, 50.0, 0.3, seed=2, drop_prob=0.1):
        b = dropped.update_thumb(t, xy, palm)
    assert a.label == b.label == "cross_grain"
    assert b.noise_std_palm < 2.0 * a.noise_std_palm + 0.002


@pytest.mark.parametrize("rate", [150, 300])  # 2.5 and 5 strokes a second: seen 5 times a second they alias
def test_too_few_frames_a_second_never_make_a_hold(rate):
    """A live stream analysing 5 frames a second (a busy machine): strokes can look still, and were
    recorded as holds (tools/live_under_load.py). Below min_judge_fps stillness is not judged."""
    analyzer = StrokeAnalyzer(AXIS)
    pieces = [Piece("cross_grain", 10, 0, 0.15, rate), Piece("hold", 6)]
    labels = [analyzer.update_thumb(t, xy, palm).label for t, xy, palm, _ in thumb_path(pieces, 5.0, 50.0, 0.3)]
    assert HOLD not in labels


def test_a_hold_is_timed_from_min_judge_fps_on():
    fps = MotionParams().min_judge_fps
    analyzer = StrokeAnalyzer(AXIS)
    labels = [analyzer.update_thumb(t, xy, palm).label for t, xy, palm, _ in thumb_path([Piece("hold", 5)], fps, 50.0,
                                                                                        0.3)]
    assert labels[-int(3 * fps):] == [HOLD] * int(3 * fps)
