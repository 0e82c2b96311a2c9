"""The axis follower on a real foot photo that turns, and on scripted estimates; the axis choice."""

import sys
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))

from axis_variants import REPO_FEET, load_marked, rotated  # noqa: E402
from vision.axis.estimate import AxisEstimate  # noqa: E402
from vision.axis.follow import AxisChoice, FollowParams, FootAxisFollower  # noqa: E402
from vision.core.axis import AxisSource, FootAxis  # noqa: E402
from vision.core.geometry import angle_to_grain_deg  # noqa: E402


def est(deg, conf=0.9):
    return AxisEstimate(deg, conf, None, None, "scripted")


def test_a_rotating_foot_is_followed_and_one_bad_frame_does_not_move_it():
    photo = load_marked(REPO_FEET, max_side=480)[2]
    follower = FootAxisFollower()
    calls = []
    real = follower._locate
    follower._locate = lambda *a: calls.append(a[2]) or real(*a)
    grey = np.full_like(photo.rgb, 128)
    seen = []
    for k in range(80):  # 8 s at 10 fps; the foot turns 30 deg between 4.0 and 4.5 s
        t = k / 10
        turn = 30.0 * min(max((t - 4.0) / 0.5, 0.0), 1.0)
        p = rotated(photo, turn)
        rgb = grey if k == 20 else p.rgb  # one frame where the foot vanishes
        axis = follower.update(rgb, t)
        seen.append((t, p.axis_deg, axis))
    assert len(calls) == 16 and set(calls) == {FollowParams().work_side}  # every 0.5 s, shrunk
    for t, truth, axis in seen:
        assert axis is None or axis.source is AxisSource.FOUND
        if 1.0 <= t < 4.0 or t >= 6.0:  # settled before and after the turn
            assert angle_to_grain_deg(axis.deg, truth) <= 8.0, (t, truth, axis)
    before = [a.deg for t, _, a in seen if 1.0 <= t < 4.0]
    assert max(before) - min(before) < 3.0  # steady through the bad frame at 2.0 s


def test_a_single_stray_estimate_is_ignored_and_a_turn_is_taken_when_confirmed():
    f = FootAxisFollower()
    for t, d in enumerate([90, 92, 88, 91]):
        f.observe(est(d), t * 0.5)
    assert angle_to_grain_deg(f.current(2.0).deg, 90) <= 2
    f.observe(est(20), 2.0)  # one wild estimate
    assert angle_to_grain_deg(f.current(2.0).deg, 90) <= 2
    f.observe(est(90), 2.5)
    f.observe(est(122), 3.0)  # the foot turns 30 deg: first sighting is held back ...
    assert angle_to_grain_deg(f.current(3.0).deg, 90) <= 2
    f.observe(est(120), 3.5)  # ... and taken on the second
    assert angle_to_grain_deg(f.current(3.5).deg, 121) <= 2


def test_unsure_keeps_the_last_axis_with_fading_confidence():
    f = FootAxisFollower(FollowParams(fade_s=2.0))
    assert f.current(0.0) is None
    f.observe(est(45, 0.8), 0.0)
    for t in (0.5, 1.0, 1.5, 2.0):
        f.observe(AxisEstimate(None, 0.1, None, None, "dark"), t)
    a = f.current(2.0)
    assert a.deg == 45 and a.confidence == pytest.approx(0.4)


def test_a_user_axis_wins_until_follow_the_foot():
    found = FootAxis(30.0, AxisSource.FOUND, 0.9)
    typed = FootAxis.typed(90.0)
    choice = AxisChoice(typed)
    assert choice.in_force(found) is typed and not choice.following
    choice.follow_foot()
    assert choice.in_force(found) is found
    assert choice.in_force(None) is typed  # nothing found yet: the user's axis stands in
    drawn = FootAxis.from_points((0, 100), (0, 0))
    choice.set_user(drawn)
    assert choice.in_force(found) is drawn
    assert AxisChoice().in_force(found) is found and AxisChoice().in_force(None) is None
    with pytest.raises(ValueError):
        choice.set_user(found)


def test_the_foot_texture_gives_the_turn_between_frames():
    import cv2

    from vision.axis.estimate import locate_foot
    from vision.axis.flow import FootTurn

    photo = load_marked(REPO_FEET, max_side=480)[3]
    finding = locate_foot(photo.rgb, None, 160)
    assert finding.foot is not None

    def grey(p):
        small = cv2.resize(p.rgb, finding.foot.shape[::-1], interpolation=cv2.INTER_AREA)
        return cv2.cvtColor(small, cv2.COLOR_RGB2GRAY)

    turn = FootTurn()
    turn.anchor(grey(photo), finding.foot)
    steps = [turn.step(grey(rotated(photo, a))) for a in (1.5, 3.0, 4.5, 3.0)]
    assert steps[0] == pytest.approx(1.5, abs=0.4) and steps[1] == pytest.approx(1.5, abs=0.4)
    assert steps[3] == pytest.approx(-1.5, abs=0.4)  # and back, clockwise
    assert FootTurn().step(grey(photo)) is None  # nothing anchored: no answer
