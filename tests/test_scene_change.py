"""The look for a second hand waits while nothing moved outside the hands (io/scene_change.py):
on real pixels and the real hand model."""

import warnings
from pathlib import Path

import numpy as np
import pytest

from media import still_frame
from vision.io.scene_change import SceneOutsideHands
from vision.io.tracking import HandTracker, SecondHandSearch, TrackerOptions
from vision.io.video import iter_frames

SAMPLE = Path(__file__).parents[1] / "sample_videos" / "myofascial_hold.mp4"


@pytest.fixture(scope="module")
def frame_and_hand():
    frame = still_frame(640, 480)
    with HandTracker() as tracker:
        hands = tracker.process_all(frame, 0.0)
    assert len(hands) == 1
    return frame, hands


def box(hand, margin=0):
    (x0, y0), (x1, y1) = hand.xy.min(axis=0).astype(int), hand.xy.max(axis=0).astype(int)
    return max(0, x0 - margin), max(0, y0 - margin), x1 + margin, y1 + margin


def test_a_still_scene_has_not_moved_and_a_change_away_from_the_hand_has(frame_and_hand):
    frame, hands = frame_and_hand
    scene = SceneOutsideHands()
    assert scene.moved(frame, hands)  # nothing to compare with yet: look
    scene.looked(frame, hands)
    assert not scene.moved(frame.copy(), hands)

    x0, y0, x1, y1 = box(hands[0])
    under = frame.copy()
    under[y0:y1, x0:x1] = 255 - under[y0:y1, x0:x1]  # the hand itself changed (it strokes): not a reason to look
    assert not scene.moved(under, hands)

    beside = frame.copy()
    corner = (slice(0, 60), slice(0, 60)) if x0 > 120 or y0 > 120 else (slice(-60, None), slice(-60, None))
    beside[corner] = 30  # something came into view away from the hand (a 60 px patch)
    assert scene.moved(beside, hands)

    brighter = np.clip(frame.astype(np.int16) + 12, 0, 255).astype(np.uint8)  # the light or the exposure
    assert scene.moved(brighter, hands)

    scene.forget()
    assert scene.moved(frame, hands)


@pytest.mark.parametrize("height, width", [(1, 1), (3, 5), (6, 8), (7, 9)])
def test_a_picture_smaller_than_the_grid_is_compared_without_a_warning(height, width):
    """A one-pixel "video" reaches the scene check too (tests/test_hard_inputs.py): no division by zero."""
    scene = SceneOutsideHands()
    frame = np.full((height, width, 3), 100, np.uint8)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        scene.looked(frame, [])
        assert not scene.moved(frame.copy(), [])
        assert scene.moved(np.full_like(frame, 160), [])


def test_a_due_search_waits_while_still_up_to_the_slowest():
    search = SecondHandSearch(every=4, slowest=10)
    for _ in range(4):
        search.found(search.use_two(), 1)  # one hand: the two-hand landmarker is left
    asked = []
    used = [search.use_two(lambda: asked.append(1) or False) for _ in range(10)]
    assert used == [False] * 9 + [True]  # still: due at 4, looked at 10 (slowest)
    assert len(asked) == 6  # asked only from the 4th frame on, and not on the 10th (no need)
    assert [search.use_two(lambda: True) for _ in range(4)] == [False] * 3 + [True]  # moving: every 4th
    search.look_now()
    assert search.use_two(lambda: False)  # asked to look now: no waiting


def test_on_the_sample_fewer_whole_frame_looks_and_the_same_hands():
    """The bundled hold sample is filmed from a still camera, the thumb holding still: most looks for
    a second hand would see the picture as it was at the last one."""
    frames = [f for f, _ in zip(iter_frames(SAMPLE), range(300))]

    def run(options):
        with HandTracker(options=options) as tracker:
            found = [[h.xy for h in tracker.process_all(f.rgb, f.t)] for f in frames]
            return found, tracker.whole_frame_passes

    always, always_passes = run(TrackerOptions(search_while_still=True))
    waits, waits_passes = run(TrackerOptions())
    assert waits_passes <= always_passes - 20  # 316 against 349 here
    assert [len(h) for h in waits] == [len(h) for h in always]
    assert all(np.allclose(a, b, atol=1.0) for fa, fb in zip(always, waits) for a, b in zip(fa, fb))
