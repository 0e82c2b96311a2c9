"""tools/make_clips.py: a short generated clip decodes with the truth's frames and
timestamps, the real HandLandmarker finds the hand where the truth says, and
labels follow design.md's angle rule."""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))

import make_clips as mc  # noqa: E402

SPEC = dict(name="t_short", still="thumb_up_jpg", background="ar_3", foot_axis_deg=90, palm_px=60, fps=15,
            vfr_jitter=0.25, drop_prob=0.05, seed=7,
            segments=[mc._S(2.5, 85, 0.2, 90), mc._H(2.0, 0.03), mc._S(2.0, 10, 0.2, 90), mc._A(0.6)])
# The no-hand gap is last on purpose: after the hand vanishes from a foot photo, MediaPipe's
# VIDEO-mode tracker tends to lock onto the toes (they look like fingers) and stays there when
# the hand comes back; that is the engine's problem to handle, not the generator's.


@pytest.fixture(scope="module")
def clip(tmp_path_factory):
    out = tmp_path_factory.mktemp("clips")
    truth = mc.make_clip(SPEC, out)
    return out / "t_short.mp4", truth


def test_truth_file_and_schema(clip):
    path, truth = clip
    on_disk = json.loads(path.with_name("t_short.truth.json").read_text())
    assert on_disk == json.loads(json.dumps(truth))
    assert truth["schema"] == "crossgrain.truth/1"
    for key in ("source_still", "background", "attribution", "width", "height", "fps_nominal", "foot_axis_deg",
                "palm_px", "frames", "segments", "holds"):
        assert key in truth
    assert abs(truth["foot_axis_deg"] - 90.0) < 0.01
    assert all(a.get("license") for a in truth["attribution"])
    assert [f["i"] for f in truth["frames"]] == list(range(len(truth["frames"])))


def test_decoded_frames_match_truth(clip):
    path, truth = clip
    decoded = list(mc.decode_frames(path))
    assert len(decoded) == len(truth["frames"]) == truth["n_frames"]
    ts = [t for t, _ in decoded]
    assert all(b > a for a, b in zip(ts, ts[1:]))
    assert max(abs(t - f["t"]) for t, f in zip(ts, truth["frames"])) <= 1e-3
    h, w, c = decoded[0][1].shape
    assert (w, h, c) == (640, 480, 3)
    # VFR with dropped frames: intervals are not all equal
    dts = np.diff(ts)
    assert dts.max() - dts.min() > 0.01


def test_labels_follow_angle_rule(clip):
    _, truth = clip
    axis = truth["foot_axis_deg"]
    for seg in truth["segments"]:
        if seg["kind"] == "stroke":
            atg = mc.angle_to_grain(seg["stroke_angle_deg"], axis)
            assert math.isclose(atg, seg["angle_to_grain_deg"], abs_tol=1e-2)
            want = "cross_grain" if atg >= 60 else "lengthwise" if atg <= 30 else "oblique"
            assert seg["label"] == want
    assert [s["label"] for s in truth["segments"]] == ["cross_grain", "hold", "lengthwise", "no_hand"]
    segments = truth["segments"]
    for f in truth["frames"]:
        k, seg = next((k, s) for k, s in enumerate(segments) if s["start_s"] <= f["t"] < s["end_s"] + 1e-9)
        # A glide out of a hold that hardly moves the thumb is still that hold.
        still_out_of_hold = f.get("phase") == "glide" and seg.get("still_glide") and segments[k - 1]["label"] == "hold"
        assert f["label"] == ("hold" if still_out_of_hold else seg["label"])
        assert (f["thumb_xy"] is None) == (f["label"] == "no_hand")


def test_holds_last_while_the_thumb_is_still(clip):
    _, truth = clip
    frames = truth["frames"]
    palm = truth["palm_px"]
    (hold,) = truth["holds"]
    inside = [f for f in frames if hold["start_s"] <= f["t"] < hold["end_s"]]
    assert {f["label"] for f in inside} == {"hold"}
    # Still inside (drift 0.03 palm, jitter), moving just outside: the frames around say so.
    xy = np.array([f["thumb_xy"] for f in inside])
    assert np.linalg.norm(xy - xy[0], axis=1).max() <= 0.05 * palm
    before = next(f for f in reversed(frames) if f["t"] < hold["start_s"] - 0.1)
    after = next(f for f in frames if f["t"] > hold["end_s"] + 0.1)
    assert np.linalg.norm(np.subtract(before["thumb_xy"], xy[0])) > 0.01 * palm
    assert np.linalg.norm(np.subtract(after["thumb_xy"], xy[-1])) > 0.01 * palm


def test_stroke_path_geometry(clip):
    """Thumb positions in the first stroke lie on a line at the stroke angle, with the amplitude asked for."""
    _, truth = clip
    seg = truth["segments"][0]
    pts = np.array([f["thumb_xy"] for f in truth["frames"]
                    if seg["start_s"] <= f["t"] < seg["end_s"] and "phase" not in f])
    centred = pts - pts.mean(axis=0)
    _, s, vt = np.linalg.svd(centred, full_matrices=False)
    dx, dy = vt[0]
    assert mc.angle_to_grain(mc.screen_angle(dx, dy), seg["stroke_angle_deg"]) < 1.0
    along = centred @ vt[0]
    half_p2p = (along.max() - along.min()) / 2 / truth["palm_px"]
    assert 0.8 * seg["amplitude_palm"] <= half_p2p <= 1.01 * seg["amplitude_palm"]
    assert truth["holds"][0]["drift_palm"] == pytest.approx(0.03)


def test_mediapipe_finds_hand_at_truth(clip):
    path, truth = clip
    r = mc.check_clip(path, truth)
    assert r["detected_frac"] >= 0.9
    assert r["on_target_frac"] >= 0.9
    assert r["thumb_err_palm_mean"] < 0.25
    assert abs(r["palm_px_measured"] - truth["palm_px"]) < 0.15 * truth["palm_px"]


def test_deterministic(tmp_path, clip):
    _, truth = clip
    spec = dict(SPEC, segments=SPEC["segments"][:1])
    a = mc.make_clip(dict(spec, name="a"), tmp_path, verify=False)
    b = mc.make_clip(dict(spec, name="b"), tmp_path, verify=False)
    assert a["frames"] == b["frames"]
