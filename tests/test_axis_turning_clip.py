"""A clip whose foot turns 30 degrees halfway (tools/make_clips.py turning-foot): the follower,
fed real decoded frames and the real hand tracker, turns with it."""

import sys
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))

from vision.axis.follow import FootAxisFollower  # noqa: E402
from vision.core.geometry import angle_to_grain_deg  # noqa: E402
from vision.io.tracking import HandTracker  # noqa: E402
from vision.io.video import iter_frames  # noqa: E402

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def clip(tmp_path_factory):
    import make_clips

    out = tmp_path_factory.mktemp("turning")
    truth = make_clips.make_turning_foot_clip(out, duration=10.0)
    return out / truth["video"], truth


def test_truth_of_the_turning_clip(clip):
    path, truth = clip
    axes = [f["foot_axis_deg"] for f in truth["frames"]]
    assert axes[0] == pytest.approx(truth["foot_axis_deg"]) and axes[-1] == pytest.approx(truth["foot_axis_end_deg"])
    assert angle_to_grain_deg(axes[0], axes[-1]) == pytest.approx(30.0, abs=0.01)
    for f in truth["frames"]:  # the strokes turn with the foot: cross-grain throughout
        assert f["label"] == "cross_grain"
        assert angle_to_grain_deg(f["stroke_angle_deg"], f["foot_axis_deg"]) == pytest.approx(78.0, abs=0.01)
    stale = [angle_to_grain_deg(f["stroke_angle_deg"], axes[0]) for f in truth["frames"] if f["t"] > truth["turn"]["end_s"]]
    assert max(stale) < 60  # judged against the start's axis, they would not be cross-grain


def test_the_follower_turns_with_the_foot(clip):
    path, truth = clip
    follower, seen = FootAxisFollower(), []
    with HandTracker() as tracker:
        for frame in iter_frames(path):
            obs = tracker.process(frame.rgb, frame.t)
            axis = follower.update(frame.rgb, frame.t, None if obs is None else obs.xy)
            seen.append((frame.t, truth["frames"][frame.i]["foot_axis_deg"], axis))
    turn = truth["turn"]
    before = [(a.deg, want) for t, want, a in seen if 1.0 <= t < turn["start_s"] and a is not None]
    after = [(a.deg, want) for t, want, a in seen if t >= turn["end_s"] + 1.5]
    assert len(before) > 60 and len(after) > 60
    for deg, want in before + after:
        assert angle_to_grain_deg(deg, want) <= 10.0
    turned = np.median([d for d, _ in after]) - np.median([d for d, _ in before])
    assert turned == pytest.approx(30.0, abs=5.0)
    # between estimates the foot's texture carries the axis: no lag of half a second through the turn
    during = [(a.deg, want) for t, want, a in seen if turn["start_s"] <= t < turn["end_s"] + 0.5]
    offset = np.median([d - w for d, w in before])  # the estimator's own bias on this photo
    for deg, want in during:
        assert abs((deg - want - offset + 90) % 180 - 90) <= 4.0
