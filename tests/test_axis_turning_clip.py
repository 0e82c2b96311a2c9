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


def test_analyze_with_auto_axis_keeps_the_strokes_cross_grain_through_the_turn(clip, tmp_path):
    """`crossgrain analyze --foot-axis auto`: every frame judged against the axis found in its own picture."""
    import json
    import subprocess

    path, truth = clip
    out = tmp_path / "auto.json"
    run = subprocess.run([sys.executable, "-m", "vision.cli", "analyze", str(path), "--foot-axis", "auto",
                          "--json", str(out)], capture_output=True, text=True, cwd=ROOT, timeout=600)
    assert run.returncode == 0, run.stderr[-2000:]
    report = json.loads(out.read_text())
    frames = report["frames"]
    assert {f["axis_source"] for f in frames} == {"found"} and len(report["axes"]) > 1
    late = [f for f in frames if f["t"] >= truth["turn"]["end_s"] + 1.0]
    early = [f for f in frames if 1.5 <= f["t"] < truth["turn"]["start_s"]]
    share = sum(f["label"] == "cross_grain" for f in late) / len(late)
    assert share >= 0.9, share  # judged against the starting axis they would read oblique (48 deg)
    assert sum(f["label"] == "cross_grain" for f in early) / len(early) >= 0.9
    turned = np.median([f["foot_axis_deg"] for f in late]) - np.median([f["foot_axis_deg"] for f in early])
    assert abs((turned - 30.0 + 90) % 180 - 90) <= 6.0


def test_a_typed_axis_on_the_same_clip_misses_the_turn(clip, tmp_path):
    """The control: the same clip with the starting axis typed reads the late strokes as not cross-grain."""
    from vision.pipeline import analyze_video

    path, truth = clip
    report = analyze_video(path, truth["foot_axis_deg"])
    late = [f for f in report.frames if f.t >= truth["turn"]["end_s"] + 1.0]
    assert sum(f.label == "cross_grain" for f in late) / len(late) < 0.5
