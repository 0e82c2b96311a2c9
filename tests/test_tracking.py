"""The real hand model on real pixels: shapes, known motion, misuse."""

import numpy as np
import pytest

from media import still_frame
from vision.core.landmarks import HandLandmark, HandObservation
from vision.io.tracking import HandTracker


@pytest.fixture(scope="module")
def frame():
    return still_frame(640, 480)


def shifted(rgb, dx, dy):
    import cv2

    m = np.float32([[1, 0, dx], [0, 1, dy]])
    return cv2.warpAffine(rgb, m, (rgb.shape[1], rgb.shape[0]), borderMode=cv2.BORDER_REPLICATE)


def test_finds_the_hand_with_21_landmarks_in_pixels(frame):
    with HandTracker() as tracker:
        obs = tracker.process(frame, 0.0)
    assert isinstance(obs, HandObservation)
    assert obs.xy.shape == (21, 2) and obs.xy.dtype == np.float32
    assert 0 <= obs.thumb_tip[0] < 640 and 0 <= obs.thumb_tip[1] < 480
    assert 40 < obs.palm_width_px < 250
    assert obs.handedness in ("Left", "Right") and 0 < obs.score <= 1
    assert obs.t == 0.0


def test_landmarks_follow_a_known_shift(frame):
    with HandTracker() as tracker:
        base = tracker.process(frame, 0.0)
        moved = tracker.process(shifted(frame, 25, -15), 0.033)
    delta = moved.xy[HandLandmark.THUMB_TIP] - base.xy[HandLandmark.THUMB_TIP]
    assert np.allclose(delta, [25, -15], atol=0.1 * base.palm_width_px)
    assert np.allclose(np.median(moved.xy - base.xy, axis=0), [25, -15], atol=0.08 * base.palm_width_px)


def test_no_hand_gives_none():
    with HandTracker() as tracker:
        assert tracker.process(np.full((480, 640, 3), 90, np.uint8), 0.0) is None


def test_repeated_and_backward_timestamps_are_accepted_and_kept(frame):
    # VIDEO mode refuses non-increasing timestamps; the tracker must not pass them on.
    with HandTracker() as tracker:
        a = tracker.process(frame, 1.0)
        b = tracker.process(frame, 1.0)
        c = tracker.process(frame, 0.5)
    assert (a.t, b.t, c.t) == (1.0, 1.0, 0.5)


def test_misuse_is_refused(frame):
    tracker = HandTracker()
    with pytest.raises(ValueError, match="RGB uint8"):
        tracker.process(frame[..., 0], 0.0)
    with pytest.raises(ValueError, match="RGB uint8"):
        tracker.process(frame.astype(np.float32), 0.0)
    tracker.close()
    with pytest.raises(RuntimeError, match="closed"):
        tracker.process(frame, 0.1)


def test_observation_checks_its_shape():
    with pytest.raises(ValueError):
        HandObservation(xy=np.zeros((20, 2), np.float32), handedness="Left", score=1.0, t=0.0)
