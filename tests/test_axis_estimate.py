"""The foot-axis estimator on real marked foot photos (tests/data/feet), upright and turned."""

import sys
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))

from axis_variants import REPO_FEET, load_marked, rotated  # noqa: E402
from vision.axis.combine import consensus  # noqa: E402
from vision.axis.estimate import AxisEstimate, estimate_axis  # noqa: E402
from vision.core.axis import AxisSource  # noqa: E402
from vision.core.geometry import angle_to_grain_deg  # noqa: E402

TURNS = (0, 40, 115, 250)


@pytest.fixture(scope="module")
def judged():
    rows = []
    for photo in load_marked(REPO_FEET):
        for turn in TURNS:
            p = rotated(photo, turn) if turn else photo
            rows.append((p, estimate_axis(p.rgb)))
    return rows


def test_accuracy_floor_on_marked_photos(judged):
    errors = [angle_to_grain_deg(e.deg, p.axis_deg) for p, e in judged if not e.unsure]
    unsure = sum(e.unsure for _, e in judged) / len(judged)
    assert unsure <= 0.25, f"unsure on {unsure:.0%}"
    assert np.median(errors) <= 8.0, errors
    assert np.percentile(errors, 90) <= 20.0, errors


def test_heel_end_is_found_where_the_leg_leaves_the_picture(judged):
    ends = [(p, e) for p, e in judged if e.heel_xy is not None]
    assert len(ends) >= len(judged) // 2
    right = [np.linalg.norm(np.subtract(e.heel_xy, p.heel)) < np.linalg.norm(np.subtract(e.heel_xy, p.toes))
             for p, e in ends]
    assert np.mean(right) >= 0.8
    for p, e in ends:  # the points are the axis: the angle through them is the answer
        axis = e.foot_axis()
        assert axis.source is AxisSource.FOUND and axis.heel_xy == e.heel_xy
        assert abs(angle_to_grain_deg(axis.deg, e.deg)) < 1e-6


def test_says_unsure_rather_than_guess_on_a_picture_without_a_foot():
    rng = np.random.default_rng(0)
    grey = np.full((240, 320, 3), 128, np.uint8)
    noise = rng.integers(0, 255, (240, 320, 3), dtype=np.uint8)
    for picture in (grey, noise):
        est = estimate_axis(picture)
        assert est.unsure and est.deg is None and est.foot_axis() is None
        assert est.reason
        assert est.to_json()["foot_axis_deg"] is None and est.to_json()["unsure"] is True


def test_bad_input_is_a_one_line_error():
    for bad in (np.zeros((10, 10), np.uint8), np.zeros((100, 100, 3), np.float32), "photo.jpg",
                np.zeros((8, 400, 3), np.uint8)):
        with pytest.raises(ValueError) as info:
            estimate_axis(bad)
        assert "\n" not in str(info.value)
    with pytest.raises(ValueError):
        estimate_axis(np.zeros((100, 100, 3), np.uint8), hands=[np.zeros((20, 2))])


def test_consensus_is_the_axial_middle_of_the_agreeing_estimates():
    def est(deg, conf=0.8):
        return AxisEstimate(deg, conf, None, None, "x")
    # 178 and 3 are 5 degrees apart; 90 is the odd one out
    c = consensus([est(178), est(3), est(90), est(1)], min_agree=2)
    assert angle_to_grain_deg(c.deg, 1.0) <= 3 and c.confidence == pytest.approx(0.8 * 3 / 4)
    assert consensus([est(10), est(80)], min_agree=2).unsure
    assert consensus([AxisEstimate(None, 0.1, None, None, "dark")]).unsure


def _skeleton(finger_palms: float, turn_deg: float = 0.0, scale: float = 40.0) -> np.ndarray:
    """A flat open hand: wrist below, four knuckles one palm width across, fingers straight up."""
    xy = np.zeros((21, 2))
    xy[0] = (0.5, 1.3)
    xy[1:5] = [(0.0, 1.0), (-0.3, 0.7), (-0.5, 0.4), (-0.6, 0.1)]  # thumb
    for k, x in enumerate((0.0, 0.33, 0.66, 1.0)):
        mcp = 5 + 4 * k
        xy[mcp] = (x, 0.0)
        for j in range(1, 4):
            xy[mcp + j] = (x, -finger_palms * j / 3)
    t = np.radians(turn_deg)
    rot = np.array([[np.cos(t), -np.sin(t)], [np.sin(t), np.cos(t)]])
    return xy @ rot.T * scale + (200.0, 150.0)


def test_toes_read_as_a_hand_have_short_fingers_and_a_hand_does_not():
    from vision.axis.handmask import finger_palms, has_short_fingers

    for turn in (0, 75, 200):
        assert finger_palms(_skeleton(1.4, turn)) == pytest.approx(1.4)
        assert not has_short_fingers(_skeleton(1.4, turn, scale=90))
        assert has_short_fingers(_skeleton(0.7, turn))
    # MediaPipe on the marked foot photos (turned), where the "hand" covers most of the skin
    toes = np.load(ROOT / "tests" / "data" / "toes_read_as_a_hand.npy")
    assert len(toes) >= 40 and all(has_short_fingers(x) for x in toes)
