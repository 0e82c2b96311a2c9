"""How far MediaPipe's thumb tip follows a stroke, against what the engine reports from it.

    python tools/thumb_response.py [DIR_OR_CLIP ...] [--all]

Why: on make eval's thumb-only strokes (the still warped so only the thumb
moves) the reported amplitude and angle miss issue 11's targets (15 % and
5 deg at the 90th percentile). This splits the miss in two: what the hand
model's tip landmark does (its travel along the true stroke line against the
truth's, both as the sinusoid at the truth's rate; and the direction of its
own travel), and what the engine makes of that landmark (its amplitude over
the tip's). A stroke the model follows at 0.7 of its travel cannot be
reported at 1.0 by anything that reads the landmarks.

Per truth stroke segment (its steady part: 0.3 s after the glide to 0.2 s
before the end), from the clips' tracked hands (NAME.hands.npz, as
tools/evaluate.py keeps them; clips without one are tracked first):

- ``model`` the tip landmark's travel over the truth's (1.00: follows it);
- ``line`` the angle between the tip landmark's principal line and the truth's;
- ``engine`` the engine's amplitude (the report's segment) over the truth's;
- ``engine/model`` the two above divided: the engine's own share of the miss.

Without arguments: the thumb-only clips of every eval-clips* folder;
``--all`` also the strokes that move the whole hand.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tools"))

import evaluate  # noqa: E402

STEADY_AFTER_S, STEADY_BEFORE_END_S = 0.3, 0.2


def fundamental(t: np.ndarray, x: np.ndarray, freq_hz: float) -> float:
    """Amplitude of the sinusoid at ``freq_hz`` (with an offset and a drift) that fits x(t) best."""
    w = 2 * np.pi * freq_hz * t
    design = np.stack([np.sin(w), np.cos(w), np.ones_like(t), t - t.mean()], axis=1)
    coef, *_ = np.linalg.lstsq(design, x, rcond=None)
    return float(np.hypot(coef[0], coef[1]))


def line_error_deg(points: np.ndarray, direction: np.ndarray) -> float:
    """Angle between the principal line of ``points`` and the unit ``direction`` (0-90 deg)."""
    centred = points - points.mean(axis=0)
    main = np.linalg.svd(centred, full_matrices=False)[2][0]
    return float(np.degrees(np.arccos(min(1.0, abs(float(main @ direction))))))


def segment_rows(mp4: Path) -> list[dict]:
    """One row per truth stroke segment of a clip (see the module docstring)."""
    tracked = evaluate.track_clip(mp4)
    report = evaluate.label_runs(tracked, causal=True)
    truth = tracked.truth
    t = np.array([f["t"] for f in truth["frames"]])
    true_tip = np.array([f["thumb_xy"] if f["thumb_xy"] is not None else (np.nan, np.nan)
                         for f in truth["frames"]], float)
    tip = np.array([v.thumb_xy if v.thumb_xy is not None else (np.nan, np.nan) for v in report.frames], float)
    rows = []
    for seg in truth["segments"]:
        if seg["kind"] != "stroke":
            continue
        start, end = seg["start_s"] + seg.get("glide_s", 0.0) + STEADY_AFTER_S, seg["end_s"] - STEADY_BEFORE_END_S
        used = (t >= start) & (t <= end) & ~np.isnan(tip[:, 0]) & ~np.isnan(true_tip[:, 0])
        if used.sum() < 8:
            continue
        angle = np.radians(seg["stroke_angle_deg"])
        along = np.array([np.cos(angle), -np.sin(angle)])  # screen angles: y grows downwards
        freq = seg["rate_per_min"] / 60.0
        model = fundamental(t[used], tip[used] @ along, freq) / fundamental(t[used], true_tip[used] @ along, freq)
        match = max((s for s in report.segments if s.label == seg["label"]),
                    key=lambda s: evaluate._overlap(s.start_s, s.end_s, start, end), default=None)
        engine = (match.amplitude_palm / seg["amplitude_palm"]
                  if match is not None and match.amplitude_palm and evaluate._overlap(
                      match.start_s, match.end_s, start, end) > 0 else None)
        rows.append({"clip": mp4.stem, "label": seg["label"], "rate": seg["rate_per_min"],
                     "fps": truth.get("fps_nominal"), "blur": truth["generator"].get("blur_shutter", 0.0),
                     "amplitude_palm": seg["amplitude_palm"], "model": model,
                     "line_deg": line_error_deg(tip[used], along), "engine": engine})
    return rows


def _p90(values: list[float]) -> float:
    return float(np.percentile(values, 90)) if values else float("nan")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="*", help="clips or folders of clips with truth (default: eval-clips*)")
    parser.add_argument("--all", action="store_true", help="strokes of the whole hand too, not only thumb-only")
    args = parser.parse_args(argv)
    clips = evaluate.find_clips(args.paths or [str(p) for p in sorted(ROOT.glob("eval-clips*")) if p.is_dir()])
    thumb_only = [c for c in clips if args.all or _thumb_only(c)]
    if not thumb_only:
        print("no clips with truth found (make them with `make eval`)", file=sys.stderr)
        return 2
    rows = [row for clip in thumb_only for row in segment_rows(clip)]
    print(f"{'clip':24s} {'stroke':11s} {'/min':>5s} {'fps':>4s} {'blur':>5s} {'ampl':>6s} "
          f"{'model':>6s} {'line':>6s} {'engine':>7s} {'engine/model':>13s}")
    for r in rows:
        engine = f"{r['engine']:7.2f}" if r["engine"] is not None else "      -"
        ratio = f"{r['engine'] / r['model']:13.2f}" if r["engine"] is not None else "            -"
        print(f"{r['clip'][:24]:24s} {r['label']:11s} {r['rate']:5.0f} {r['fps'] or 0:4.0f} {r['blur']:5.2f} "
              f"{r['amplitude_palm']:6.3f} {r['model']:6.2f} {r['line_deg']:5.1f}° {engine} {ratio}")
    model = [r["model"] for r in rows]
    engine = [r["engine"] for r in rows if r["engine"] is not None]
    ratio = [r["engine"] / r["model"] for r in rows if r["engine"] is not None]
    lines = [r["line_deg"] for r in rows]
    print(f"\n{len(rows)} strokes: the tip landmark's travel over the truth's median {np.median(model):.2f} "
          f"(range {min(model):.2f}-{max(model):.2f}); its line off the truth's median {np.median(lines):.1f}°, "
          f"90th percentile {_p90(lines):.1f}°")
    if engine:
        print(f"the engine's amplitude over the truth's median {np.median(engine):.2f}; over the tip landmark's "
              f"travel median {np.median(ratio):.2f} (10th-90th percentile "
              f"{np.percentile(ratio, 10):.2f}-{np.percentile(ratio, 90):.2f})")
    return 0


def _thumb_only(mp4: Path) -> bool:
    import json

    truth = json.loads(mp4.with_name(mp4.stem + ".truth.json").read_text())
    return bool(truth.get("generator", {}).get("thumb_only"))


if __name__ == "__main__":
    raise SystemExit(main())
