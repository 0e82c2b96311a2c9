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


def two_hands_frame(frame):
    """The hand still beside its mirror image: a left and a right hand, side by side."""
    half = frame[:, 80:560]
    both = np.concatenate([half, half[:, ::-1]], axis=1)
    import cv2

    return cv2.resize(both, (frame.shape[1], frame.shape[0]), interpolation=cv2.INTER_AREA)


def test_finds_both_hands_and_a_second_hand_that_comes_into_view(frame):
    from vision.io.tracking import TrackerOptions

    pair = two_hands_frame(frame)
    one = np.ascontiguousarray(np.where(np.arange(pair.shape[1])[None, :, None] < pair.shape[1] // 2, pair, 200)
                               .astype(np.uint8))
    every = TrackerOptions().second_hand_search_every
    with HandTracker() as tracker:
        alone = [tracker.process_all(one, k / 30) for k in range(3 * every)]  # one hand: the cheap tracker
        assert all(len(h) == 1 for h in alone)
        found = [len(tracker.process_all(pair, (3 * every + k) / 30)) for k in range(3 * every)]
    assert found.index(2) <= every  # the second hand is looked for within `every` frames...
    assert all(n == 2 for n in found[found.index(2):])  # ...and tracked from then on
    with HandTracker() as tracker:
        hands = tracker.process_all(pair, 0.0)
    assert len(hands) == 2 and {h.handedness for h in hands} == {"Left", "Right"}
    assert hands[0].score >= hands[1].score
    assert all(h.depth_px is not None and h.depth_px.shape == (21,) for h in hands)


def test_second_hand_search_policy():
    from vision.io.tracking import SecondHandSearch

    search = SecondHandSearch(every=4, slowest=8)
    used = []
    for k in range(20):  # one hand in view: after 4 frames, the two-hand landmarker every 4th frame only
        two = search.use_two()
        used.append(two)
        search.found(two, 1)
    assert used[:4] == [True] * 4 and used[4:12] == [False, False, False, True] * 2
    search.found(True, 2)  # a search found two hands: both tracked every frame
    assert all(search.use_two() for _ in range(5))
    search.found(True, 1, toes=True)  # a hand and the toes: the one-hand landmarker at once, searches every 4th
    assert [search.use_two() for _ in range(4)] == [False, False, False, True]
    search.found(True, 1, toes=True)  # the search found them again: the wait doubles, up to slowest
    assert [search.use_two() for _ in range(8)] == [False] * 7 + [True]
    search.found(True, 1, toes=True)
    assert [search.use_two() for _ in range(8)] == [False] * 7 + [True]
    search.found(True, 1)  # one hand and no toes: the hand may have left, the toes be followed: every 4th
    assert [search.use_two() for _ in range(4)] == [False, False, False, True]
    search.look_now()  # the one-hand landmarker took up the toes: look at both again
    assert search.use_two()


def test_the_toes_beside_the_hand_are_not_followed():
    """The bundled sample: MediaPipe takes the foot's toes (about twice the hand's size) for a second
    hand. Following them cost a second landmark pass a frame; now only the hand is followed, the
    toes seen on the rare frames that look for a second hand, and the hand is found as often."""
    import json
    from pathlib import Path

    from vision.core.hands import TOES_SIZE_RATIO, toes_beside
    from vision.io.tracking import TrackerOptions
    from vision.io.video import iter_frames

    sample = Path(__file__).parents[1] / "sample_videos" / "cross_friction_good.mp4"
    truth = json.loads(sample.with_name("cross_friction_good.truth.json").read_text())
    frames = [f for f, _ in zip(iter_frames(sample), range(300))]

    def run(options):
        on_hand = toes = 0
        palm = truth["palm_px"]
        with HandTracker(options=options) as tracker:
            for f, tf in zip(frames, truth["frames"]):
                hands = tracker.process_all(f.rgb, f.t)
                on_hand += any(np.linalg.norm(h.thumb_tip - tf["thumb_xy"]) < 0.5 * palm for h in hands)
                toes += any(toes_beside(h, hands, TOES_SIZE_RATIO) for h in hands)
        return on_hand, toes

    # The control follows the toes as a hand, and looks for a second hand every 6th frame even while the
    # picture is still (its looks find the toes again as soon as the two-hand landmarker lets them go).
    control_hand, control_toes = run(TrackerOptions(toes_size_ratio=99.0, search_while_still=True))
    on_hand, toes = run(TrackerOptions())
    assert control_toes > 0.3 * len(frames)  # the control can fail: the toes are there to be followed
    assert toes < 0.1 * len(frames)  # 11 of 300 here, against 143
    assert on_hand >= control_hand - 3 and on_hand > 0.95 * len(frames)
