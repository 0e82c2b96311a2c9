"""Thumb calibration on scripted landmarks: rest on the heel 2 s, then on the toes 2 s."""

import numpy as np
import pytest

from vision.axis.thumb import Step, ThumbCalibration, ThumbParams
from vision.core.axis import AxisSource
from vision.core.geometry import angle_to_grain_deg

FPS = 30.0


def hand_at(tip, palm=50.0):
    """21 landmarks of a hand whose thumb tip is at ``tip``, palm ``palm`` px wide (5 to 17)."""
    xy = np.zeros((21, 2))
    base = np.asarray(tip, float) + (palm, palm)  # the palm sits up-right of the thumb tip
    xy[:] = base
    xy[5] = base + (-palm / 2, 0)
    xy[17] = base + (palm / 2, 0)
    xy[0] = base + (0, palm)
    xy[4] = tip
    return xy


def run(cal, script, t0=0.0, noise=0.0, seed=0):
    """script: list of (seconds, tip or None). Returns the states seen and the end time."""
    rng = np.random.default_rng(seed)
    t, states = t0, []
    for seconds, tip in script:
        for _ in range(int(round(seconds * FPS))):
            lm = None if tip is None else hand_at(np.asarray(tip) + rng.normal(0, noise, 2))
            states.append(cal.update(lm, t))
            t += 1 / FPS
    return states, t


def test_heel_then_toes_gives_the_thumb_axis():
    cal = ThumbCalibration()
    heel, toes = (300, 400), (330, 200)  # 200 px = 4 palm widths apart
    states, _ = run(cal, [(2.3, heel), (0.5, (315, 300)), (2.3, toes)], noise=1.0)
    assert states[0].step is Step.HEEL and "heel" in states[0].message
    assert any(s.step is Step.TOES for s in states)
    last = states[-1]
    assert last.step is Step.DONE and last.axis.source is AxisSource.THUMB
    truth = np.degrees(np.arctan2(-(toes[1] - heel[1]), toes[0] - heel[0]))
    assert angle_to_grain_deg(last.axis.deg, truth) < 1.5
    assert np.allclose(last.heel_xy, heel, atol=1.5) and np.allclose(last.toes_xy, toes, atol=1.5)
    assert "Foot axis set" in last.message


def test_a_moving_thumb_never_counts_as_a_rest():
    cal = ThumbCalibration()
    path = [(0.1, (300 + 40 * np.sin(k / 3), 300)) for k in range(90)]  # sliding around for 9 s
    states, _ = run(cal, path)
    assert all(s.step is Step.HEEL for s in states)
    assert max(s.progress for s in states) < 0.5


def test_progress_grows_while_still_and_resets_when_the_thumb_moves():
    cal = ThumbCalibration()
    states, t = run(cal, [(1.0, (300, 300))])
    assert 0.4 < states[-1].progress < 0.55 and "Hold still" in states[-1].message
    states, t = run(cal, [(0.2, (340, 300))], t0=t)  # moved 0.8 palm
    assert states[-1].progress < 0.15
    assert cal.step is Step.HEEL


def test_points_too_close_give_a_clear_retry_that_starts_again_at_the_heel():
    cal = ThumbCalibration(ThumbParams(retry_s=1.0))
    # 1.0 palm widths apart: the thumb left the heel (0.5 palm) but the line would be too short
    states, t = run(cal, [(2.2, (300, 300)), (2.2, (300, 250))])
    retry = [s for s in states if s.step is Step.RETRY]
    assert retry and "1.0 palm widths apart" in retry[0].message and "try again" in retry[0].message
    assert retry[0].axis is None
    states, t = run(cal, [(1.2, (300, 300))], t0=t)
    assert states[-1].step is Step.HEEL and states[-1].heel_xy is None


def test_after_a_retry_the_heel_step_still_says_why_until_the_heel_is_marked():
    """The retry's message is up for retry_s only; someone watching their foot meanwhile must still learn
    why it starts again (found in a real browser: after a retry the heel step read like a first start)."""
    cal = ThumbCalibration(ThumbParams(retry_s=1.0))
    states, t = run(cal, [(2.2, (300, 300)), (2.2, (300, 250)), (1.0, (300, 250))])
    assert any(s.step is Step.RETRY for s in states)
    states, t = run(cal, [(0.4, None), (0.6, (340, 420)), (0.2, (380, 420))], t0=t)  # hand away, then moving
    heel = [s for s in states if s.step is Step.HEEL]
    assert heel and all("Try again: the last two points were only 1.0 palm widths apart" in s.message for s in heel)
    assert "Show your hand" in heel[0].message and any("Rest your thumb tip on the centre" in s.message for s in heel)
    states, t = run(cal, [(2.2, (380, 420))], t0=t)  # the heel marked: the note has done its job
    assert states[-1].step is Step.TOES and "Try again" not in states[-1].message
    cal.restart()
    assert "Try again" not in cal.update(hand_at((300, 300)), t + 1).message  # a fresh start says nothing of it


def test_a_gap_between_frames_is_not_taken_for_a_still_thumb():
    """A live stream that falls behind analyses no frame for a while; the thumb may have gone and come back."""
    cal = ThumbCalibration()
    heel = (300, 300)
    cal.update(hand_at(heel), 0.0)
    state = cal.update(hand_at(heel), 2.5)  # the next analysed frame, 2.5 s later, thumb at the same spot
    assert state.step is Step.HEEL and state.progress == 0.0
    states, _ = run(cal, [(2.2, heel)], t0=2.5 + 1 / FPS)  # seen still for 2 s: marked
    assert states[-1].step is Step.TOES
    slow = ThumbCalibration()  # a starved live stream analysing 1.5 frames a second: slow, but seen, so it counts
    for k in range(5):
        state = slow.update(hand_at(heel), k / 1.5)
    assert state.step is Step.TOES


def test_staying_on_the_heel_does_not_mark_the_toes():
    cal = ThumbCalibration()
    states, _ = run(cal, [(6.0, (300, 300))])
    assert states[-1].step is Step.TOES and "move your thumb" in states[-1].message


def test_losing_the_hand_briefly_keeps_the_rest_longer_breaks_it():
    cal = ThumbCalibration()
    states, t = run(cal, [(1.0, (300, 300)), (0.2, None), (1.1, (300, 300))])
    assert cal.step is Step.TOES  # 0.2 s gap bridged
    cal.restart()
    states, t = run(cal, [(1.0, (300, 300)), (0.6, None), (1.1, (300, 300))])
    assert cal.step is Step.HEEL and "Show your hand" in states[35].message


def test_bad_landmarks_are_refused():
    with pytest.raises(ValueError):
        ThumbCalibration().update(np.zeros((20, 2)), 0.0)
