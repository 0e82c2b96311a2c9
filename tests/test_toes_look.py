"""The toes of a bare foot, in view before any hand, by their look: the real hand model on a real foot photo.

The palm detector takes the toes for a hand; before a real hand has been seen there is no size to
compare them with, and they were believed (0.69 of the bare-foot frames in ``make eval-hands``). The
tracker now marks a "hand" that covers most of the skin with toes' short "fingers" (io/toes_look.py)
and HandTracks believes it only once it moves. The scene is tools/evaluate_hands.py's (all pictures
in footage/): 3 s of the bare foot, then a thumb strokes across it.
"""

from __future__ import annotations

import media  # noqa: F401  (puts tools/ on the path: evaluate_hands' scenes)
import numpy as np

from vision.core.hands import HandTracks
from vision.io.tracking import HandTracker, TrackerOptions


def bare_foot_then_hand(options: TrackerOptions):
    """(bare-foot frames where MediaPipe reports a hand, ... and CrossGrain keeps one, frames with the
    hand in after 3.5 s, ... kept, toes looks taken)."""
    import evaluate_hands as eh

    scene = eh.Scene("foot_first", "ar_4", 60, 60, "thumbs_up_png", [eh.absent(3.0), eh.stroke(90, 3.0)],
                     holder_still=None, seed=20)
    tracks = HandTracks()
    toes_found = toes_kept = hand_frames = hand_kept = 0
    with HandTracker(options=options) as tracker:
        for t, rgb, truth in eh.render(scene):
            if t > 5.0:
                break
            hands = tracker.process_all(rgb, t)
            kept = tracks.update(hands, t)
            if not truth["any_hand"]:
                toes_found += bool(hands)
                toes_kept += bool(hands) and kept.kept
            elif t >= 3.5:
                tip = truth["tips"][0]
                hand_frames += 1
                hand_kept += kept.working is not None and \
                    np.linalg.norm(kept.working.thumb_tip - tip) < 0.5 * scene.palm_px
        looks = tracker._toes_look.looks if tracker._toes_look is not None else 0
    return toes_found, toes_kept, hand_frames, hand_kept, looks


def test_the_toes_of_a_bare_foot_are_not_kept_and_the_hand_that_comes_in_is():
    toes_found, toes_kept, hand_frames, hand_kept, looks = bare_foot_then_hand(TrackerOptions())
    assert toes_found >= 60, toes_found  # the palm detector does take the toes for a hand (of 90 frames)
    assert toes_kept == 0, (toes_kept, toes_found)
    assert hand_kept >= 0.95 * hand_frames, (hand_kept, hand_frames)  # the working thumb is the hand's
    assert looks <= 5 / 0.5 + 4, looks  # one look a place every half second, not every frame


def test_without_the_look_the_toes_of_a_bare_foot_are_kept():
    """The control: the same scene with the look turned off keeps the toes, as before."""
    toes_found, toes_kept, _, _, _ = bare_foot_then_hand(TrackerOptions(toes_look=False))
    assert toes_kept >= 0.5 * toes_found, (toes_kept, toes_found)


def test_a_hand_alone_on_a_plain_wall_is_kept_once_its_strokes_repeat():
    """No foot in view: the hand (thumbs up, fingers curled) is all the skin, so the look calls it toes.
    Stroking in place it neither travels nor changes its form, but its thumb's path repeats: it is
    believed within the stroke window (1.5 s) and kept from then on."""
    import evaluate_hands as eh

    scene = eh.Scene("plain_wall", "plain", 90, 60, "thumbs_up_png", [eh.stroke(90, 4.0, rate=120)],
                     holder_still=None, seed=5)
    tracks = HandTracks()
    called_toes = kept_late = late = 0
    with HandTracker() as tracker:
        for t, rgb, truth in eh.render(scene):
            hands = tracker.process_all(rgb, t)
            called_toes += any(h.covers_the_foot for h in hands)
            kept = tracks.update(hands, t).kept
            if t >= 2.0 and hands:
                late += 1
                kept_late += kept
    assert called_toes >= 30, called_toes  # the look does call it toes: the test is of the wait
    assert late >= 50 and kept_late == late, (kept_late, late)
