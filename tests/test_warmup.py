"""Issue 11: a stream's first frames are "settling" (not judged yet), never a hold.

Before the analyzer has watched the thumb for as long as its motion test looks
(MotionParams.settle_s), "no motion seen yet" is no evidence of stillness, so
no hold may be invented there: a pure-stroke stream has no hold at its start,
live or offline, on scripted hands and on a real clip. But a hold that really
starts at the first frame keeps its whole time: the live hold timer, the
report's hold and the time done right count it from its start.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from test_hands import hand
from vision.core.labels import LABELS, Label
from vision.core.motion import MotionParams
from vision.pipeline import Session

FPS = 30.0
PALM = 60.0
SETTLE_S = MotionParams().settle_s
GATE_S = 3 / FPS  # the gate believes a new hand after three consistent frames
SAMPLES = Path(__file__).resolve().parents[1] / "sample_videos"


def scripted_session(technique: str, seconds: float, thumb_at, fps: float = FPS, drop: float = 0.0,
                     jitter_px: float = 0.5, seed: int = 0):
    """A Session fed scripted hands: ``thumb_at(t)`` is the whole hand's offset (px), or None (no hand)."""
    rng = np.random.default_rng(seed)
    session = Session(90.0, technique)
    verdicts = []
    for k in range(int(round(seconds * fps))):
        t = k / fps
        if k and drop and rng.random() < drop:
            continue
        at = thumb_at(t)
        obs = None
        if at is not None:
            obs = hand((320.0 + at[0], 300.0 + at[1]), PALM, t)
            obs.xy[:] += rng.normal(0.0, jitter_px, obs.xy.shape).astype(np.float32)
        verdicts.append(session.add_observation(obs, t).verdict)
    return session, verdicts


def strokes(rate_hz: float, amp_palm: float = 0.2):
    return lambda t: (amp_palm * PALM * math.sin(2 * math.pi * rate_hz * t), 0.0)


@pytest.mark.parametrize("rate_hz,fps,drop", [(1.5, 30.0, 0.0), (0.75, 30.0, 0.0), (3.5, 15.0, 0.08)])
def test_a_pure_stroke_stream_opens_with_no_hold(rate_hz, fps, drop):
    session, verdicts = scripted_session("cross_friction", 6.0, strokes(rate_hz), fps, drop)
    labels = [v.label for v in verdicts]
    assert Label.HOLD not in labels
    first_stroke = next(v.t for v in verdicts if v.label.is_stroke)
    assert first_stroke < SETTLE_S + GATE_S
    assert {v.label for v in verdicts if v.t < first_stroke} <= {Label.NO_HAND, Label.SETTLING}
    assert labels[-1] == Label.CROSS_GRAIN
    for causal in (True, False):
        report = session.report(causal=causal)
        assert not report.holds, (causal, report.holds)
        assert Label.HOLD not in [s.label for s in report.segments], causal
    # offline, the strokes are known from the first frame (the backward pass has seen them, and the
    # hand is kept in the frames before the gate believed it)
    offline = session.report(causal=False)
    assert {f.label for f in offline.frames} == {Label.CROSS_GRAIN}


def test_strokes_resumed_after_the_hand_was_away_are_not_a_hold():
    away = strokes(1.5)
    session, verdicts = scripted_session("cross_friction", 8.0, lambda t: None if 3.0 <= t < 4.5 else away(t))
    assert Label.HOLD not in [v.label for v in verdicts]
    back = [v for v in verdicts if v.t >= 4.5]
    assert back[0].label in (Label.NO_HAND, Label.SETTLING) and back[-1].label == Label.CROSS_GRAIN
    assert not session.report().holds and not session.report(causal=False).holds


def test_a_hold_from_the_first_frame_gets_its_full_time_live_and_offline():
    """A person who starts still and holds for 90 s sees 90 s, not 89."""
    session, verdicts = scripted_session("myofascial_hold", 92.0, lambda t: (0.0, 0.0), jitter_px=1.0)
    first_hand = next(v.t for v in verdicts if v.label != Label.NO_HAND)
    assert first_hand <= GATE_S
    settling = [v.t for v in verdicts if v.label == Label.SETTLING]
    assert settling and max(settling) < first_hand + SETTLE_S + 1e-6  # watched, not judged, for a second...
    assert all(v.label == Label.HOLD for v in verdicts if v.t >= first_hand + SETTLE_S)
    # ...and once judged, the hold is timed from where it began, not from the judgement
    judged = next(v for v in verdicts if v.label == Label.HOLD)
    # the watch began with the first frame the hand was seen, before the gate believed it
    assert judged.t == pytest.approx(SETTLE_S, abs=1.5 / FPS)
    assert judged.hold_start_s == pytest.approx(first_hand, abs=1e-6)
    assert judged.hold_s == pytest.approx(judged.t - first_hand, abs=1e-6)
    # the 90 s target is reached 90 s after the hand came, and all of it was done right
    done = next(v for v in verdicts if v.coaching.holds_completed)
    assert done.t == pytest.approx(first_hand + 90.0, abs=1.5 / FPS)
    last = verdicts[-1].coaching
    assert last.right_s == pytest.approx(verdicts[-1].t - first_hand, abs=1e-6)
    assert last.work_s == pytest.approx(last.right_s)
    # the report: live from the first frame with a believed hand; offline from the first frame (it
    # looks back on the hand before belief, and ahead on the labels), every frame a hold, none settling
    for causal, start in ((True, first_hand), (False, 0.0)):
        report = session.report(causal=causal)
        assert len(report.holds) == 1, causal
        assert report.holds[0].start_s == pytest.approx(start, abs=1e-6), causal
        assert report.holds[0].duration_s == pytest.approx(verdicts[-1].t - start, abs=1e-6), causal
    assert {f.label for f in session.report(causal=False).frames} == {Label.HOLD}


def test_settling_is_no_verdict_in_coaching():
    """While settling: no score time, no correction wanted, an idle badge."""
    session, verdicts = scripted_session("cross_friction", 0.6, lambda t: (0.0, 0.0))
    settling = [v for v in verdicts if v.label == Label.SETTLING]
    assert settling
    for v in settling:
        assert v.coaching.quality == "idle" and not v.coaching.work and v.coaching.raw_cue is None
    assert verdicts[-1].coaching.work_s == 0.0 and verdicts[-1].coaching.active_s > 0.0


def test_every_view_names_every_label():
    """A label added to the vocabulary must be put in words everywhere people read it."""
    from vision.compare.compare import _label_words
    from vision.io.overlay import LABEL_TEXT
    from vision.ui.compare_view import LABEL_WORDS as COMPARE_WORDS
    from vision.ui.labels import LABEL_COLOURS, LABEL_TITLES
    from vision.views.html_report import LABEL_WORDS as HTML_WORDS

    for table in (LABEL_TEXT, COMPARE_WORDS, LABEL_COLOURS, LABEL_TITLES, HTML_WORDS):
        assert set(map(str, LABELS)) <= set(table), table
    assert all(_label_words(str(label)) != str(label) for label in LABELS)


@pytest.fixture(scope="module")
def cross_friction_clip():
    """The bundled pure-stroke sample (strokes from 0 to 12 s, then a hold), tracked once."""
    from vision.io.parallel_tracking import track_video

    path = SAMPLES / "cross_friction_good.mp4"
    session = Session(90.0, "cross_friction")
    verdicts = [session.add_observation(tracked.hands, tracked.t).verdict
                for tracked in track_video(path, 1, 1280, session.tracker_options, None)]
    return session, verdicts


def test_a_real_stroke_clip_opens_with_no_hold(cross_friction_clip):
    session, verdicts = cross_friction_clip
    first_stroke = next(v.t for v in verdicts if v.label.is_stroke)
    assert first_stroke < 1.5
    assert {v.label for v in verdicts if v.t < first_stroke} <= {Label.NO_HAND, Label.SETTLING}
    assert not [v.t for v in verdicts if v.label == Label.HOLD and v.t < 11.0]
    for causal in (True, False):
        report = session.report(source="cross_friction_good.mp4", causal=causal)
        assert not [h for h in report.holds if h.start_s < 11.0], (causal, report.holds)
        assert not [s for s in report.segments if s.label == Label.HOLD and s.start_s < 11.0], causal
        assert [h for h in report.holds if h.start_s >= 11.0], causal  # the real hold at 12 s is still found


def test_offline_settling_next_to_a_hold_joins_it_only_when_the_thumb_stays():
    """Where neither offline pass could judge (a stretch shorter than the motion window), frames next
    to a hold that do not go to and fro are that hold; next to strokes, or stroking, they stay unjudged."""
    from vision.core.axis import FootAxis
    from vision.core.verdict import FrameVerdict
    from vision.core.offline import settling_joins_its_hold

    def frames(labels, moving_from=None):
        out = []
        for k, label in enumerate(labels):
            x = 320.0 + (12.0 * math.sin(2 * math.pi * 3.0 * k / FPS) if moving_from is not None and k >= moving_from
                         else 0.0)
            out.append(FrameVerdict(k, k / FPS, 1 / FPS, label, FootAxis.typed(90.0), thumb_xy=(x, 240.0),
                                    joints_xy=(x, 260.0), palm_px=PALM))
        return out

    still = [Label.HOLD] * 20 + [Label.SETTLING] * 20
    assert {v.label for v in settling_joins_its_hold(frames(still))} == {Label.HOLD}
    assert [v.label for v in settling_joins_its_hold(frames(still, moving_from=20))] == still
    after_strokes = [Label.CROSS_GRAIN] * 20 + [Label.SETTLING] * 10
    assert [v.label for v in settling_joins_its_hold(frames(after_strokes))] == after_strokes
    alone = [Label.NO_HAND] * 5 + [Label.SETTLING] * 10 + [Label.NO_HAND] * 5
    assert [v.label for v in settling_joins_its_hold(frames(alone))] == alone
