"""Comparison on real clips with known differences (tools/make_clips.py, real MediaPipe, real decoding).

The reference strokes across the foot (65 degrees to the grain, 100 a minute),
holds, and strokes again. Attempts: the same motion 30 % slower with other
durations; the same strokes 20 degrees further from the grain; the reference
clip re-timed 1.25x (its frames' timestamps stretched); lengthwise strokes only.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))

import make_clips as mc
from media import write_video

from vision.compare import compare, load_report
from vision.io.video import iter_frames
from vision.pipeline import analyze_video

pytestmark = [pytest.mark.slow, pytest.mark.skipif(not mc.MODEL_PATH.exists(), reason="hand model missing")]

COMMON = dict(still="thumb_up_jpg", background="ar_4", foot_axis_deg=90, palm_px=60, fps=24, seed=31)
CLIPS = {
    "ref": [mc._S(5, 65, 0.2, 100), mc._H(4, 0.03), mc._S(4, 65, 0.2, 100)],
    "slow": [mc._S(6, 65, 0.2, 70), mc._H(6, 0.03), mc._S(5, 65, 0.2, 70)],
    "angle": [mc._S(5, 85, 0.2, 100), mc._H(4, 0.03), mc._S(4, 85, 0.2, 100)],
    "other": [mc._S(13, 5, 0.2, 100)],
}
RETIME = 1.25


def retimed(src: Path, dst: Path, factor: float) -> Path:
    """The same decoded frames re-encoded with every timestamp multiplied by ``factor``."""
    frames = list(iter_frames(src))
    return write_video(dst, [f.rgb for f in frames], [f.t * factor for f in frames])


@pytest.fixture(scope="module")
def reports(tmp_path_factory):
    out = tmp_path_factory.mktemp("compare_clips")
    videos = {}
    for name, segments in CLIPS.items():
        mc.make_clip(dict(COMMON, name=name, segments=segments), out, verify=False)
        videos[name] = out / f"{name}.mp4"
    videos["retimed"] = retimed(videos["ref"], out / "retimed.mp4", RETIME)
    reps = {name: analyze_video(path, 90.0) for name, path in videos.items()}
    for name, rep in reps.items():  # kept for the record (pytest's tmp folder)
        rep.write_json(out / f"{name}.json")
    return reps


def test_self_scores_the_maximum(reports):
    c = compare(reports["ref"], reports["ref"])
    assert c.similarity == 100
    assert c.overall["rate_change_pct"] == 0 and c.overall["angle_change_deg"] == 0
    assert c.overall["hold_change_s"] == 0


def test_slower_attempt_shows_the_rate_difference(reports):
    c = compare(reports["ref"], reports["slow"])
    truth = 100 * (70 / 100 - 1)  # -30 %
    print("slow:", c.overall, c.similarity, c.said)
    assert abs(c.overall["rate_change_pct"] - truth) <= 5
    strokes = [s for s in c.stretches if s.kind == "strokes"]
    assert len(strokes) == 2 and all(abs(s.rate_change_pct - truth) <= 5 for s in strokes)
    # aligned despite other durations: the second stroke stretch maps to the attempt's second one (t > 12 s)
    assert strokes[1].attempt_start_s > 11.0
    assert abs(c.overall["angle_change_deg"]) <= 3
    hold = next(s for s in c.stretches if s.kind == "hold")
    assert hold.hold_change_s == pytest.approx(2.0, abs=1.0)
    assert "30 % slower" in c.said[0] or "29 % slower" in c.said[0] or "31 % slower" in c.said[0]


def test_retimed_clip_shows_the_rate_difference(reports):
    c = compare(reports["ref"], reports["retimed"])
    truth = 100 * (1 / RETIME - 1)  # -20 %
    print("retimed:", c.overall, c.similarity)
    assert abs(c.overall["rate_change_pct"] - truth) <= 5
    assert c.overall["duration_change_pct"] == pytest.approx(100 * (RETIME - 1), abs=3)
    assert c.similarity >= 60


def test_twenty_degrees_more_across(reports):
    c = compare(reports["ref"], reports["angle"])
    print("angle:", c.overall, c.similarity, c.said)
    assert abs(c.overall["angle_change_deg"] - 20) <= 3
    assert all(abs(s.angle_change_deg - 20) <= 3 for s in c.stretches if s.kind == "strokes")
    assert abs(c.overall["rate_change_pct"]) <= 5
    assert "degrees more across the foot" in c.said[0]


def test_different_technique_scores_low(reports):
    other = compare(reports["ref"], reports["other"])
    print("other:", other.similarity, other.similarity_parts, other.said)
    assert other.similarity <= 20
    assert other.similarity < compare(reports["ref"], reports["slow"]).similarity
    assert other.similarity < compare(reports["ref"], reports["angle"]).similarity


def test_json_names_units_and_survives_a_round_trip(reports, tmp_path):
    path = tmp_path / "ref.json"
    reports["ref"].write_json(path)
    reloaded = load_report(path)
    c = compare(reloaded, reports["slow"])
    d = json.loads(json.dumps(c.to_dict()))
    for key in ("rate_change_pct", "angle_change_deg", "amplitude_change_pct", "hold_change_s", "similarity"):
        assert isinstance(d[key], (int, float)), key
    assert 0 <= d["similarity"] <= 100 and d["similarity_method"]
    assert d["rate_change_pct"] == pytest.approx(compare(reports["ref"], reports["slow"]).overall["rate_change_pct"],
                                                 abs=1.0)
    assert all({"kind", "said", "reference_start_s", "attempt_start_s"} <= s.keys() for s in d["stretches"])
