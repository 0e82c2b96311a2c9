"""HandTracker.reset() and a batch worker's TrackerPool: one tracker (one model load) reused across videos
gives the reports new trackers give, byte for byte (real MediaPipe, real decoded clips)."""

from __future__ import annotations

import contextlib

import numpy as np
import pytest

from cluster_support import short_clips
from vision.batch.trackers import TrackerPool
from vision.io import tracking
from vision.io.tracking import HandTracker
from vision.pipeline import analyze_video

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def clips(tmp_path_factory):
    # Clips that end with a hand in view (state to forget) and start with one (where it would be used):
    # twice one hand over one foot, then strokes the other way, then a hold.
    return short_clips(tmp_path_factory.mktemp("clips"), seconds=3.0,
                       stretches=(("cross_friction_good", 2.0), ("cross_friction_good", 12.0),
                                  ("lengthwise_mistake", 0.0), ("myofascial_hold", 4.0)))


@pytest.fixture(scope="module")
def fresh(clips):
    """Each clip's report with a new tracker of its own (the local path)."""
    return [analyze_video(clip, 90.0).to_json() for clip in clips]


def test_videos_in_sequence_on_one_reused_tracker_give_the_reports_of_new_trackers(clips, fresh):
    loaded = tracking.landmarkers_loaded
    pool = TrackerPool()
    try:
        reused = [analyze_video(clip, 90.0, open_tracker=pool.lease).to_json() for clip in clips]
        again = analyze_video(clips[0], 90.0, open_tracker=pool.lease).to_json()  # after all the others
    finally:
        pool.close()
    assert reused == fresh
    assert again == fresh[0]
    assert pool.leases == len(clips) + 1 and pool.created == 1
    # one tracker: its two-hand and one-hand landmarkers and the closer look's quarter searcher (these clips'
    # hand is found by the whole frame, so no window is followed)
    assert tracking.landmarkers_loaded - loaded == 3


def test_without_the_reset_the_tracker_would_remember(clips, fresh):
    """The control: the reset is needed, so the test above can fail."""
    with HandTracker() as tracker:
        def same_tracker():  # lent again with no reset between the videos
            return contextlib.nullcontext(tracker)
        analyze_video(clips[0], 90.0, open_tracker=same_tracker)
        carried = analyze_video(clips[1], 90.0, open_tracker=same_tracker).to_json()
    assert carried != fresh[1]


def test_a_reset_tracker_takes_a_video_starting_again_at_time_zero(clips):
    """MediaPipe's VIDEO mode refuses a timestamp that is not larger than the last: reset keeps its clock going."""
    frame = np.zeros((120, 160, 3), np.uint8)
    with HandTracker() as tracker:
        for t in (0.0, 0.033, 0.066):
            tracker.process_all(frame, t)
        tracker.reset()
        assert tracker.process_all(frame, 0.0) == []  # a second video's first frame
        tracker.reset()
        tracker.reset()  # twice in a row, and on a tracker that saw nothing since: harmless
        assert tracker.process_all(frame, 0.0) == []
    assert tracker.resets == 3
    with pytest.raises(RuntimeError, match="closed"):
        tracker.reset()


def test_a_tracker_that_failed_is_closed_not_lent_again():
    pool = TrackerPool()
    try:
        with pytest.raises(ValueError):
            with pool.lease() as tracker:
                tracker.process(np.zeros((4, 4), np.uint8), 0.0)  # not an RGB frame
        with pool.lease() as other:
            assert other is not tracker
        with pool.lease() as third:
            assert third is other  # the good one is lent again
        assert pool.created == 2
    finally:
        pool.close()


def test_the_frame_by_frame_path_uses_the_lent_tracker_and_gives_the_same_video(clips, tmp_path):
    """--causal --annotated tracks frame by frame in the session: with a worker's reused tracker, the same
    report and the same annotated video as with a new one."""
    fresh_video, reused_video = tmp_path / "fresh.mp4", tmp_path / "reused.mp4"
    fresh = analyze_video(clips[1], 90.0, causal=True, annotated_path=fresh_video).to_json()
    pool = TrackerPool()
    try:
        analyze_video(clips[0], 90.0, open_tracker=pool.lease)
        reused = analyze_video(clips[1], 90.0, causal=True, annotated_path=reused_video,
                               open_tracker=pool.lease).to_json()
    finally:
        pool.close()
    assert pool.created == 1 and pool.leases == 2
    assert reused == fresh
    assert reused_video.read_bytes() == fresh_video.read_bytes()
