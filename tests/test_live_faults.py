"""Live faults with the real model on real frames: late and out-of-order frames, long gaps,
the hand leaving and coming back, the camera stopping, the tab closing mid-frame.

The session goes on or ends cleanly, and what was measured so far stays in the report.
"""

from __future__ import annotations

import math
import threading

import numpy as np
import pytest

from media import still_frame
from vision.live import LiveCoach
from vision.core.motion import HOLD, NO_HAND, SETTLING
from vision.ui.live_stream import LiveStream

FPS = 30.0


@pytest.fixture(scope="module")
def hand():
    return still_frame(640, 480)


@pytest.fixture(scope="module")
def empty():
    return np.full((480, 640, 3), 200, np.uint8)


def feed(coach: LiveCoach, rgb: np.ndarray, t0: float, seconds: float) -> float:
    n = int(round(seconds * FPS))
    for k in range(n):
        out = coach.process(rgb, t0 + k / FPS)
        assert out.shape == rgb.shape and out.dtype == np.uint8
    return t0 + n / FPS


def check_report(report, frames: int):
    assert len(report.frames) == frames  # every processed frame kept, in order
    assert [f.i for f in report.frames] == list(range(frames))
    times = [f.t for f in report.frames]
    assert all(b >= a for a, b in zip(times, times[1:])), "report time runs backwards"
    assert all(s.end_s >= s.start_s for s in report.segments)
    assert all(h.duration_s >= 0 for h in report.holds)
    assert report.summary["frames"] == frames


def test_late_repeated_and_out_of_order_frames(hand):
    coach = LiveCoach(90.0, "myofascial_hold")
    try:
        t = feed(coach, hand, 0.0, 1.0)
        jumbled = [t, t - 0.2, t - 0.1, t + 0.05, t + 0.05, t + 0.02, t + 0.1, float("nan"), t + 0.13, t - 5.0]
        for x in jumbled:
            coach.process(hand, x)
        feed(coach, hand, t + 0.2, 1.0)
        snap = coach.snapshot()
        assert snap.frames == 30 + len(jumbled) + 30
        assert snap.verdict.label == HOLD and math.isfinite(snap.verdict.t)
        report = coach.report()
        check_report(report, snap.frames)
        assert report.frames[-1].t == pytest.approx(t + 0.2 + 29 / FPS)
        assert report.holds and report.summary["hand_found_fraction"] > 0.9
    finally:
        coach.close()


def test_hand_leaves_and_comes_back(hand, empty):
    coach = LiveCoach(90.0, "myofascial_hold")
    try:
        t = feed(coach, hand, 0.0, 2.0)
        assert coach.snapshot().verdict.label == HOLD and coach.snapshot().verdict.hold_s > 1.0
        t = feed(coach, empty, t, 1.0)
        gone = coach.snapshot().verdict
        assert gone.label == NO_HAND and gone.hold_s == 0.0
        assert gone.coaching.longest_hold_s > 1.0  # what was measured stays
        t = feed(coach, hand, t, 2.0)
        back = coach.snapshot().verdict
        assert back.label == HOLD and back.hold_s > 1.0
        report = coach.report()
        check_report(report, 150)
        # each time the hand appears it is watched for a second before stillness is called a hold...
        assert [s.label for s in report.segments if s.duration_s > 0.5] == [SETTLING, HOLD, NO_HAND, SETTLING, HOLD]
        assert len(report.holds) == 2
        # ...and each hold is still timed from about the first frame with the hand (the tracker and
        # the gate take a few frames to believe it), not from when it was judged a hold a second
        # later; within 0.25 s: on this still the tip landmark glitches by 12 px for two frames
        # early on, and the hold stage's walk back to the rest stops there (vision/core/holds.py)
        labels = [f.label for f in report.frames]
        came = [f.t for k, f in enumerate(report.frames) if labels[k] != NO_HAND and (k == 0 or labels[k - 1] == NO_HAND)]
        assert len(came) == 2
        for hold, t in zip(report.holds, came):
            assert hold.start_s <= t + 0.25 and hold.end_s - t > 1.5, (hold, t)
    finally:
        coach.close()


def test_long_gap_in_frames_goes_on(hand):
    """The camera stalls for a minute, then frames come again: the session continues."""
    coach = LiveCoach(90.0, "myofascial_hold")
    try:
        feed(coach, hand, 0.0, 1.0)
        feed(coach, hand, 61.0, 1.5)  # after the stall the thumb is watched afresh for a second
        snap = coach.snapshot()
        v = snap.verdict
        assert snap.frames == 75 and v.t == pytest.approx(61 + 44 / FPS)
        assert v.label == HOLD
        assert v.hold_s < 2.0  # the live timer did not count the minute nobody saw
        assert v.coaching.right_s < 3.0
        report = coach.report()
        check_report(report, 75)
        assert report.summary["longest_hold_s"] < 5.0  # nor did the report
    finally:
        coach.close()


def test_close_then_report_keeps_everything(hand):
    coach = LiveCoach(90.0, "myofascial_hold")
    feed(coach, hand, 0.0, 1.5)
    before = coach.report()
    coach.close()
    after = coach.report()
    check_report(after, 45)
    assert [f.label for f in after.frames] == [f.label for f in before.frames]
    assert coach.snapshot().frames == 45
    # a frame arriving after the close (the camera thread is behind) passes through, uncounted
    out = coach.process(hand, 2.0)
    assert out is hand and coach.snapshot().frames == 45
    coach.close()  # twice is fine


def test_tab_closed_while_a_frame_is_being_processed(hand):
    """close() from the page thread while the camera thread is mid-stream: no error, frames so far kept."""
    coach = LiveCoach(90.0, "myofascial_hold")
    errors: list[BaseException] = []
    processed = [0]
    started = threading.Event()

    def camera():
        try:
            for k in range(300):
                coach.process(hand, k / FPS)
                processed[0] += 1
                if k == 10:
                    started.set()
        except BaseException as exc:  # noqa: BLE001 - collected for the assertion
            errors.append(exc)

    worker = threading.Thread(target=camera)
    worker.start()
    assert started.wait(60)
    snapshots = [coach.snapshot() for _ in range(5)]  # the page reads while frames come
    coach.close()
    worker.join(60)
    assert not worker.is_alive() and not errors, errors
    frames = coach.snapshot().frames
    assert 11 <= frames <= processed[0] and all(s.frames <= frames for s in snapshots)
    check_report(coach.report(), frames)


def feed_for(stream, hand, clock, seconds: float) -> int:
    """Feed frames until the camera clock has run ``seconds``; returns how many.

    Each frame says no newer one is queued behind it (``queued_after_s=0``), as a camera
    whose frames all keep up: LiveStream analyses every one, however loaded this machine is.
    """
    first = n = None
    while True:
        t = clock()
        first = t if first is None else first
        stream.process(hand, t, queued_after_s=0.0)
        n = (n or 0) + 1
        if t - first >= seconds:
            return n


def camera_times(start: float, fps: float = 15.0):
    """A camera clock that starts at ``start`` (not 0) and gives frames ``1 / fps`` apart, however
    long each takes to analyse here (a wall clock made the frames 0.17 s apart on a loaded machine:
    too far apart for a new hand to be believed)."""
    import itertools

    count = itertools.count()
    return lambda: start + next(count) / fps


def test_camera_stops_then_starts_again_through_the_app_holder(hand):
    """STOP keeps the session's report; the next START begins a new session with a new tracker."""
    made: list[LiveCoach] = []

    def factory(axis, name):
        made.append(LiveCoach(axis, name))
        return made[-1]

    stream = LiveStream(coach_factory=factory, technique_name="myofascial_hold")
    try:
        clock = camera_times(100.0)  # a camera clock that does not start at 0
        # a hold is judged after the first second (settling) and reported once it has lasted a second
        n = feed_for(stream, hand, clock, 3.0)
        stream.mark_stopped()
        kept = stream.report()
        assert kept is not None and len(kept.frames) == n and kept.frames[0].t == 0.0
        assert kept.holds
        clock = camera_times(500.0)
        for k in range(10):
            stream.process(hand, clock(), queued_after_s=0.0)
        assert len(made) == 2 and made[0]._closed
        assert stream.snapshot().frames == 10
        assert len(kept.frames) == n  # the first session's report is untouched
    finally:
        stream.close()


def test_frames_still_queued_after_stop_do_not_take_the_stopped_sessions_report(hand):
    """Under load the worker thread still holds frames when the page sees STOP: they may start
    the next session, but the page must go on showing the session the user stopped."""
    stream = LiveStream(coach_factory=lambda axis, tech: LiveCoach(axis, tech), technique_name="myofascial_hold")
    try:
        clock = camera_times(100.0)
        n = feed_for(stream, hand, clock, 3.0)  # settling, then a hold long enough to be reported
        stream.mark_stopped()
        for k in range(3):  # stale frames, already queued before STOP
            stream.process(hand, clock(), queued_after_s=0.0)
        stream.mark_stopped()  # the page reruns while stopped
        kept = stream.report()
        assert kept is not None and len(kept.frames) == n and kept.holds
        stream.mark_playing()  # a real START: now the page shows the new session
        assert len(stream.report().frames) == 3
    finally:
        stream.close()


def test_live_stream_far_behind_passes_frames_through_with_the_last_overlay(hand):
    import time

    from vision.ui.live_stream import MAX_BEHIND_S, LiveStream

    stream = LiveStream(coach_factory=lambda axis, tech: LiveCoach(axis, tech))
    first = stream.process(hand, 100.0)  # the stream starts: analysed
    time.sleep(MAX_BEHIND_S + 0.15)  # the next frame was taken 33 ms later but reaches us much later
    analysed_at = stream.snapshot().last_frame_wall
    out = stream.process(hand, 100.033)
    assert stream.skipped == 1 and stream.snapshot().frames == 1
    assert stream.snapshot().last_frame_wall > analysed_at + MAX_BEHIND_S  # the camera is still sending
    assert out is not hand and np.array_equal(out, first)  # not a bare frame: the last verdict, redrawn
    stream.close()


def shifted(rgb: np.ndarray, dx: float, dy: float) -> np.ndarray:
    import cv2

    m = np.float32([[1, 0, dx], [0, 1, dy]])
    return cv2.warpAffine(rgb, m, (rgb.shape[1], rgb.shape[0]), borderMode=cv2.BORDER_REPLICATE)


@pytest.mark.alone
def test_a_camera_faster_than_the_machine_gets_an_even_subset_analysed_an_overlay_on_every_frame_and_no_hold(hand):
    """A 200 fps camera of pure strokes, delivered in real time: the real engine cannot analyse
    every frame (a quiet machine kept up with 60 fps), so LiveStream analyses an even subset and
    redraws the verdict on the rest."""
    import time

    from vision.ui.live_stream import LiveStream

    camera_fps, seconds = 200.0, 5.0
    strokes = [shifted(hand, 14 * math.sin(2 * math.pi * 1.5 * k / camera_fps), 0.0)
               for k in range(int(camera_fps / 1.5))]  # one stroke cycle, looped: 1.5 a second
    stream = LiveStream(coach_factory=lambda axis, tech: LiveCoach(axis, tech), foot_axis_deg=90.0)
    labels, bare, analysed_t = [], 0, []
    start = time.monotonic()
    k = 0
    try:
        while k < camera_fps * seconds:
            due = int((time.monotonic() - start) * camera_fps) + 1  # frames the camera has taken by now
            for j in range(k, min(due, int(camera_fps * seconds))):  # delivered in a burst, as WebRTC does
                before = stream.snapshot().frames if j else 0
                frame = strokes[j % len(strokes)]
                out = stream.process(frame, 50.0 + j / camera_fps)
                bare += int(np.array_equal(out, frame))
                snap = stream.snapshot()
                if snap.frames > before:
                    analysed_t.append(j / camera_fps)
                    labels.append(snap.verdict.label)
            k = max(k, min(due, int(camera_fps * seconds)))
            time.sleep(0.002)
        pacing = stream.pacing()
        report = stream.report()
    finally:
        stream.close()
    gaps = np.diff(analysed_t[len(analysed_t) // 2:])  # once the share has settled
    back_to_back = float(np.mean(gaps < 1.5 / camera_fps))
    print(f"\nanalysed {len(analysed_t)} of {int(camera_fps * seconds)} frames; pacing {pacing}; "
          f"gaps between analysed frames (s) median {np.median(gaps):.3f}, 90th percentile "
          f"{np.percentile(gaps, 90):.3f}, max {gaps.max():.3f}; back to back {back_to_back:.2f}")
    assert stream.skipped > 0 and len(analysed_t) < camera_fps * seconds  # it could not analyse them all...
    assert bare == 0  # ...yet every frame carries the overlay
    assert gaps.max() <= 1.0  # no gap between analysed frames the engine would take for a stall
    if pacing.too_slow:  # a machine this loaded cannot tell strokes from holds: the panel says so instead
        return
    # evenly spread, not bursts of frames analysed back to back with long gaps between. One analysed
    # frame in six also looks for a second hand (about 20 ms more), so a gap of 7 camera frames recurs
    # among gaps of 3 (0.035 s among 0.015 s); a loaded machine adds the odd hiccup.
    assert back_to_back <= 0.1
    assert np.percentile(gaps, 90) <= 2.5 * np.median(gaps)
    # no gap turned into a hold, and none invented at the start, before the analyzer had seen
    # enough to judge (those first frames are "settling", not judged yet)
    assert HOLD not in labels
    assert not report.holds, report.holds
    assert HOLD not in [s.label for s in report.segments], report.segments
    assert SETTLING not in labels[len(labels) // 3:]


def simulate_machine(pacer, cost_analysed_s: float, cost_passed_s: float, seconds: float = 20.0, fps: float = 30.0):
    """A camera at ``fps`` feeding one worker that spends the given wall time a frame; returns
    (analysed flags, delays): the delay is how late each frame starts beyond the camera's time."""
    from vision.ui.live_stream import StreamClock

    clock = StreamClock()
    wall, picked, delays = 0.0, [], []
    for k in range(int(seconds * fps)):
        taken = k / fps
        wall = max(wall, taken)  # the frame waits for the worker
        t = clock(taken, wall=wall)
        a = pacer.decide(t, clock.behind_s)
        pacer.record(t, a)
        wall += cost_analysed_s if a else cost_passed_s
        picked.append(a)
        delays.append(wall - taken)
    return picked, delays


def test_pacer_analyses_what_the_machine_manages_evenly_and_keeps_up():
    from vision.ui.frame_pacing import FramePacer

    for cost, share in ((0.020, 1.0), (0.050, 0.6), (0.120, 0.25)):
        picked, delays = simulate_machine(FramePacer(), cost, 0.004)
        late = picked[len(picked) // 2:]
        got = sum(late) / len(late)
        capacity = (1 / 30 - 0.004) / (cost - 0.004)
        assert min(1.0, 0.7 * capacity) <= got <= min(1.0, capacity) + 0.02, (cost, got)
        assert got == pytest.approx(share, abs=0.15), (cost, got)
        assert max(delays[len(delays) // 2:]) < 0.5, cost  # it keeps up: no growing delay
        gaps = np.diff(np.flatnonzero(late))
        assert gaps.max() <= 2 * np.median(gaps) + 1, (cost, gaps)  # even, never a burst then a long gap


def test_pacer_gives_every_frame_when_it_can_and_cuts_while_falling_behind():
    from vision.ui.frame_pacing import FramePacer

    pacer = FramePacer()
    for k in range(60):
        assert pacer.decide(k / 30, 0.0)
        pacer.record(k / 30, True)
    assert pacer.stats().camera_fps == pytest.approx(30, rel=0.05) and pacer.stats().analysed_share == 1.0
    for k in range(60, 72):
        pacer.decide(k / 30, behind_s=0.5)
    assert pacer.share < 0.6
    assert not pacer.decide(73 / 30, behind_s=2.0)  # far behind: nothing analysed until caught up


def test_panel_says_when_the_analysis_is_too_slow_to_judge(hand):
    from dataclasses import replace

    from vision.ui.frame_pacing import PacingStats
    from vision.ui.panel import live_panel

    coach = LiveCoach(90.0, "myofascial_hold")
    try:
        for k in range(10):
            coach.process(hand, k / FPS)
        snap = coach.snapshot()
    finally:
        coach.close()
    snap = replace(snap, fps=5.0, last_frame_wall=100.0)
    slow = live_panel(snap, True, now=100.2, pacing=PacingStats(30.0, 5.0, 5 / 30, True))
    assert slow.status == "slow" and "too slow to judge" in slow.message and "at least 8" in slow.message
    assert slow.correction == "–" and slow.label == "–" and slow.fps == "5 of 30 frames a second"
    fine = live_panel(snap, True, now=100.2, pacing=PacingStats(30.0, 18.0, 0.6, False))
    assert fine.status == "live" and fine.fps == "5 of 30 frames a second"
    # ten frames of a still hand: too few to call it a hold, and the panel says so in words
    assert snap.verdict.label == SETTLING and fine.label == "Not judged yet"
    assert fine.guide.startswith("Watching your thumb")
    assert live_panel(snap, True, now=100.2, pacing=PacingStats(30.0, 30.0, 1.0, False)).fps == "5 frames a second"


def test_overlay_stamp_redraws_the_last_verdict_on_a_new_frame(hand):
    from vision.io.overlay_stamp import OverlayStamp

    coach = LiveCoach(90.0, "cross_friction")
    try:
        for k in range(5):
            painted = coach.process(hand, k / FPS)
    finally:
        coach.close()
    stamp = OverlayStamp()
    assert stamp.apply(hand) is hand  # nothing to redraw yet
    stamp.take(hand, painted)
    moved = shifted(hand, 9, 4)
    out = stamp.apply(moved)
    drawn = np.any(painted != hand, axis=2)
    assert 0.01 < drawn.mean() < 0.5  # an overlay: axis, badge, skeleton
    assert np.array_equal(out[drawn], painted[drawn]) and np.array_equal(out[~drawn], moved[~drawn])


def test_queued_callback_thins_a_backlog_evenly_and_overlays_every_frame(hand):
    """WebRTC hands over the frames that queued while the last call was busy: the backlog (the
    newest frame's time minus each frame's) thins the analysis; every frame comes back painted."""
    import asyncio
    from fractions import Fraction

    import av

    from vision.ui.live_stream import MAX_QUEUE_S, LiveStream, make_queued_frames_callback

    def frame(k):
        f = av.VideoFrame.from_ndarray(hand, format="rgb24")
        f.pts, f.time_base = k * 3000, Fraction(1, 90000)
        return f

    stream = LiveStream(coach_factory=lambda axis, tech: LiveCoach(axis, tech))
    callback = make_queued_frames_callback(stream)
    try:
        singles = [asyncio.run(callback([frame(k)]))[0] for k in range(5)]  # keeping up: one frame a call
        assert stream.snapshot().frames == 5 and stream.skipped == 0
        burst = asyncio.run(callback([frame(k) for k in range(5, 35)]))  # a second of frames waited
        analysed = stream.snapshot().frames - 5
    finally:
        stream.close()
    kept = [k for k in range(5, 35) if (34 - k) / 30 <= MAX_QUEUE_S]  # a stale backlog is dropped
    assert [f.pts for f in burst] == [k * 3000 for k in kept] and stream.dropped == 30 - len(kept)
    assert 1 <= analysed < len(kept) and stream.skipped == len(kept) - analysed
    for out in singles + burst:
        assert not np.array_equal(out.to_ndarray(format="rgb24"), hand)  # never a bare frame


def test_a_stream_that_closes_after_its_picture_stopped_is_a_lost_connection_not_a_stop(hand):
    """The browser closes the stream itself when the connection is lost (as if STOP were pressed),
    seconds after the last picture: the stream says so; a STOP with the picture still coming does not."""
    import time

    from vision.ui.panel import STALL_S

    stream = LiveStream(coach_factory=lambda axis, tech: LiveCoach(axis, tech), technique_name="myofascial_hold")
    try:
        feed_for(stream, hand, camera_times(100.0), 0.5)
        stream.mark_stopped()  # STOP pressed while frames still come
        assert stream.lost_before_stop_s is None
        stream.mark_playing()
        feed_for(stream, hand, camera_times(200.0), 0.5)
        time.sleep(STALL_S + 0.3)  # no picture, then the stream closes
        stream.mark_stopped()
        assert stream.lost_before_stop_s > STALL_S
        stream.mark_playing()  # START again: a new session, nothing lost yet
        assert stream.lost_before_stop_s is None
    finally:
        stream.close()
