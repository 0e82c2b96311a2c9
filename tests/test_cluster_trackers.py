"""A worker's reused tracker gives the reports a new tracker gives (real MediaPipe, real decoded clips)."""

from __future__ import annotations

import contextlib

import numpy as np
import pytest

from cluster_support import short_clips
from vision.batch.trackers import TrackerPool
from vision.pipeline import analyze_video


@pytest.fixture(scope="module")
def clips(tmp_path_factory):
    # One hand over one foot, twice: what a tracker carries over from the first fits the second.
    return short_clips(tmp_path_factory.mktemp("clips"), seconds=3.0,
                       stretches=(("cross_friction_good", 2.0), ("cross_friction_good", 12.0)))


def test_a_reused_tracker_forgets_the_last_video(clips):
    first, second = clips
    fresh = analyze_video(second, 90.0).to_json()
    pool = TrackerPool()
    try:
        analyze_video(first, 90.0, open_tracker=pool.lease)  # ends with a hand in view: state to forget
        reused = analyze_video(second, 90.0, open_tracker=pool.lease).to_json()
    finally:
        pool.close()
    assert reused == fresh
    assert pool.leases == 2 and pool.created == (1 if pool.reuse else 2)


def test_without_the_blank_frame_the_tracker_would_remember(clips):
    """The control: the reset is needed, so the test above can fail."""
    first, second = clips
    fresh = analyze_video(second, 90.0).to_json()
    pool = TrackerPool()
    try:
        with pool.lease() as tracker:
            def same_tracker():  # lent again without the blank frame between the videos
                return contextlib.nullcontext(tracker)
            analyze_video(first, 90.0, open_tracker=same_tracker)
            carried = analyze_video(second, 90.0, open_tracker=same_tracker).to_json()
    finally:
        pool.close()
    assert carried != fresh


def test_a_tracker_that_failed_is_closed_not_lent_again():
    pool = TrackerPool()
    try:
        with pytest.raises((ValueError, TypeError, AttributeError)):
            with pool.lease() as tracker:
                tracker.process(np.zeros((4, 4), np.uint8), 0.0)  # not an RGB frame
        with pool.lease() as other:
            assert other is not tracker
        assert pool.created == 2
    finally:
        pool.close()
