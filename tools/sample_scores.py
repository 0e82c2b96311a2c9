"""The bundled samples' scores against what their truth implies (issue 10's targets).

Each sample is analysed as an upload is (offline labels), scored for its
technique; its truth's frames (scripted labels, thumb positions, stroke rate
and size) go through the same judging stages, giving the score the truth
implies. Prints both, with the targets:

    cross_friction_good as cross-friction   >= 85
    lengthwise_mistake  as cross-friction   <= 40
    myofascial_hold     as myofascial hold  within 5 points of its truth

Run: .venv/bin/python tools/sample_scores.py   (make sample-scores)
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from vision.core.axis import FootAxis  # noqa: E402
from vision.core.labels import Label  # noqa: E402
from vision.core.timebase import FrameClock  # noqa: E402
from vision.core.verdict import FrameVerdict  # noqa: E402
from vision.engine import Judge  # noqa: E402
from vision.pipeline import analyze_video  # noqa: E402

SAMPLES = (("cross_friction_good", "cross_friction"), ("lengthwise_mistake", "cross_friction"),
           ("myofascial_hold", "myofascial_hold"))


def truth_score(truth: dict, technique_name: str) -> float | None:
    """The score the truth implies: its frames through the same judging stages."""
    judge, clock = Judge(technique_name), FrameClock()
    axis = FootAxis.typed(truth["foot_axis_deg"])
    segments = truth["segments"]
    last = None
    for f in truth["frames"]:
        seg = next((s for s in segments if s["start_s"] <= f["t"] < s["end_s"]), segments[-1])
        label = Label(f["label"])
        tick = clock(f["t"])
        xy = f.get("thumb_xy")
        v = FrameVerdict(i=f["i"], t=tick.t, credited_s=tick.credited_s, label=label, axis=axis,
                         thumb_xy=None if xy is None else tuple(xy), palm_px=truth["palm_px"] if xy else None,
                         rate_per_min=seg.get("rate_per_min") if label.is_stroke else None,
                         amplitude_palm=seg.get("amplitude_palm") if label.is_stroke else None,
                         angle_to_grain_deg=seg.get("angle_to_grain_deg") if label.is_stroke else None)
        last = judge.judge(v)
    return None if last is None else last.coaching.score


def sample_scores(folder: Path = ROOT / "sample_videos") -> list[dict]:
    rows = []
    for name, technique_name in SAMPLES:
        truth = json.loads((folder / f"{name}.truth.json").read_text())
        report = analyze_video(folder / f"{name}.mp4", truth["foot_axis_deg"], technique_name=technique_name)
        rows.append({"sample": name, "technique": technique_name, "score": report.coaching["score"],
                     "truth_score": round(truth_score(truth, technique_name)),
                     "progress": report.coaching["progress"]})
    return rows


def main() -> int:
    targets = {"cross_friction_good": lambda r: r["score"] >= 85,
               "lengthwise_mistake": lambda r: r["score"] <= 40,
               "myofascial_hold": lambda r: abs(r["score"] - r["truth_score"]) <= 5}
    wanted = {"cross_friction_good": ">= 85", "lengthwise_mistake": "<= 40",
              "myofascial_hold": "within 5 of the truth's"}
    print(f"{'sample':22} {'scored as':18} {'score':>5} {'truth':>5}  progress  target")
    ok = True
    for r in sample_scores():
        met = targets[r["sample"]](r)
        ok &= met
        print(f"{r['sample']:22} {r['technique']:18} {r['score']:5} {r['truth_score']:5}  "
              f"{100 * r['progress']:6.0f}%   {wanted[r['sample']]} {'met' if met else 'MISSED'}")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
