"""The analyzer across the stroke kinds issue 3 names, on scripted numbers (no video, no model).

    python tools/stroke_grid.py [--noise-px 0.3]

Every combination of amplitude (0.05, 0.1, 0.3 palm widths), rate (30, 60,
120, 240 a minute), frame rate (15, 30 fps), palm width (35, 60 px) and
waveform (sine, dwelling at the ends): a 4 s hold, 10 s of cross-grain
strokes, a 6 s hold with drift. Prints the frame accuracy of causal and
offline labels (ignoring 1 s around each change), how many combinations reach
0.97, and every one that does not. The evaluation clips (tools/evaluate.py)
test real pixels; this tests the corners of the stroke space they cannot all
cover.
"""

from __future__ import annotations

import argparse
import itertools
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from scripted import Piece, accuracy, change_times, thumb_path  # noqa: E402
from vision.core.motion import MotionParams, StrokeAnalyzer  # noqa: E402
from vision.pipeline import offline_relabel  # noqa: E402
from vision.core.axis import FootAxis  # noqa: E402
from vision.core.labels import Label  # noqa: E402
from vision.core.verdict import FrameVerdict  # noqa: E402

AMPLITUDES = (0.05, 0.1, 0.3)
RATES = (30, 60, 120, 240)
FPS = (15, 30)
PALMS = (35, 60)
TARGET = 0.97


def run_case(amplitude: float, rate: float, fps: float, palm: float, dwell: bool, noise_px: float):
    pieces = [Piece("hold", 4), Piece("cross_grain", 10, 0, amplitude, rate, dwell),
              Piece("hold", 6, drift_palm=0.04)]
    analyzer = StrokeAnalyzer(90.0)
    records, truth = [], []
    for i, (t, xy, palm_px, label) in enumerate(thumb_path(pieces, fps, palm, noise_px)):
        s = analyzer.update_thumb(t, xy, palm_px)
        truth.append(label)
        records.append(FrameVerdict(i, t, 0.0, Label(s.label), FootAxis.typed(90.0), thumb_xy=s.thumb_xy,
                                    joints_xy=s.joints_xy, palm_px=s.palm_px if s.thumb_xy else None,
                                    angle_to_grain_deg=s.angle_to_grain_deg))
    times = [r.t for r in records]
    changes = change_times(pieces)
    causal = accuracy([r.label for r in records], truth, times, changes)
    offline = accuracy([r.label for r in offline_relabel(records, MotionParams())], truth, times, changes)
    return causal, offline


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--noise-px", type=float, default=0.3, help="white landmark noise, pixels")
    args = parser.parse_args(argv)
    rows = []
    for amplitude, rate, fps, palm, dwell in itertools.product(AMPLITUDES, RATES, FPS, PALMS, (False, True)):
        causal, offline = run_case(amplitude, rate, fps, palm, dwell, args.noise_px)
        rows.append(((amplitude, rate, fps, palm, dwell), causal, offline))
    causal = np.array([r[1] for r in rows])
    offline = np.array([r[2] for r in rows])
    print(f"{len(rows)} combinations, {args.noise_px} px noise")
    print(f"causal:  mean {causal.mean():.3f}, {int((causal >= TARGET).sum())} reach {TARGET}")
    print(f"offline: mean {offline.mean():.3f}, {int((offline >= TARGET).sum())} reach {TARGET}")
    print("below target (amplitude palm, rate /min, fps, palm px, dwell): causal  offline")
    for (amplitude, rate, fps, palm, dwell), c, o in rows:
        if c < TARGET or o < TARGET:
            wave = "dwell" if dwell else "sine"
            print(f"  {amplitude:<5} {rate:>4} {fps:>3} {palm:>3} {wave:5}   {c:.2f}   {o:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
