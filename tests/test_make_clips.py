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


# -- issue 11's hard set: its parts ---------------------------------------------------------------

from clip_effects import ThumbWarp, blur_times, skin_matched  # noqa: E402


def test_thumb_warp_moves_the_thumb_and_leaves_the_hand():
    sprite = mc.calibrated_sprite("thumb_up_jpg", 60.0)
    warp = ThumbWarp(sprite.bgr, sprite.alpha, sprite.landmarks, 14.0)
    bgr, alpha, lm = warp.warped((12.0, -3.0))
    assert np.allclose(lm[mc.THUMB_TIP] - warp.landmarks[mc.THUMB_TIP], (12.0, -3.0))
    assert np.allclose(lm[mc.PINKY_MCP], warp.landmarks[mc.PINKY_MCP])

    def patch(image, point, r=4):
        x, y = np.round(point).astype(int)
        return image[y - r:y + r, x - r:x + r].astype(float)

    # The thumb's pixels went with the tip; the pinky's stayed.
    before_tip, after_tip = patch(warp.bgr, warp.landmarks[mc.THUMB_TIP]), patch(bgr, lm[mc.THUMB_TIP])
    assert np.abs(after_tip - before_tip).mean() < 0.5 * np.abs(patch(bgr, warp.landmarks[mc.THUMB_TIP]) - before_tip).mean() + 1
    assert np.abs(patch(bgr, lm[mc.PINKY_MCP]) - patch(warp.bgr, warp.landmarks[mc.PINKY_MCP])).mean() < 1.0


def test_blur_times_span_the_shutter():
    assert blur_times(1.0, 15.0, 0.0) == [1.0]
    times = blur_times(1.0, 15.0, 0.6, samples=5)
    assert times[0] == pytest.approx(1.0 - 0.02) and times[-1] == pytest.approx(1.0 + 0.02)


def test_skin_matched_background_takes_the_hand_colour():
    sprite = mc.calibrated_sprite("open", 60.0)
    bg, _, centre, _ = mc.make_background("found4", 320, 240, 90.0, np.random.default_rng(0))
    tinted = skin_matched(bg, centre, 40.0, sprite.bgr, sprite.alpha)
    yy, xx = np.mgrid[0:240, 0:320]
    near = (xx - centre[0]) ** 2 + (yy - centre[1]) ** 2 <= 40.0 ** 2
    hand = sprite.bgr[sprite.alpha > 0.9].mean(0)
    assert np.abs(tinted[near].mean(0) - hand).max() < np.abs(bg[near].mean(0) - hand).max()
    assert np.abs(tinted[near].mean(0) - hand).max() < 12.0


def test_hard_set_draws_are_reproducible_and_cover_the_issue():
    one, again, two = mc.hard_set_specs(1), mc.hard_set_specs(1), mc.hard_set_specs(2)
    assert one == again and one != two
    slow = [s for s in one if s["fps"] == 15]
    assert len(slow) >= len(one) // 2 and all(0.04 <= s["drop_prob"] <= 0.10 for s in slow)
    assert any(s["palm_px"] <= 50 for s in one) and any(s["blur_shutter"] > 0 for s in one)
    assert any(s["skin_match"] for s in one)
    thumb_only = [s for s in one if s["thumb_only"]]
    assert thumb_only and all(s["still"] not in mc.FOLDED_THUMB for s in thumb_only)
    strokes = [g for s in one for g in s["segments"] if g["kind"] == "stroke"]
    assert min(g["rate"] for g in strokes) >= 60 and max(g["rate"] for g in strokes) <= 240
    assert {g["expect"] for g in strokes} == {"cross_grain", "lengthwise", "oblique"}


@pytest.fixture(scope="module")
def hard_clip(tmp_path_factory):
    """A short clip with every hard part: 15 fps, dropped frames, blur, noise, thumb-only, skin on skin.

    (On some skin-matched photos the one-hand tracker follows the foot instead of the hand: a finding
    for the engine, so this clip uses one where it does not.)
    """
    out = tmp_path_factory.mktemp("hard")
    spec = dict(name="t_hard", still="thumb_up_jpg", background="found0", foot_axis_deg=120, palm_px=50, fps=15,
                drop_prob=0.1, seed=11, noise_sigma=4.0, blur_shutter=0.8, thumb_only=True, skin_match=True,
                segments=[mc._H(1.0, 0.02), mc._S(2.0, 85, 0.15, 200)])
    return out / "t_hard.mp4", mc.make_clip(spec, out)


def test_hard_clip_has_gaps_in_time_and_its_hand_is_found_where_the_truth_says(hard_clip):
    path, truth = hard_clip
    ts = [f["t"] for f in truth["frames"]]
    assert max(np.diff(ts)) >= 1.9 / 15  # dropped frames are gaps in time
    assert truth["generator"]["thumb_only"] and truth["generator"]["skin_match"]
    r = mc.check_clip(path, truth)
    assert r["detected_frac"] >= 0.9
    assert r["on_target_frac"] >= 0.9
