"""Measure the foot-axis estimator on photos with heel and toes marked.

    python tools/evaluate_axis.py [--feet DIR] [--verbose] [--json OUT]

The photos are $CROSSGRAIN_FEET (or --feet), else the workplace's shared/feet,
else the few in tests/data/feet. Four sets: the originals; each turned by
30, 75, 140 and 225 degrees; each with a real hand pasted over the foot (two
hand photos, three places, the hand masked by its landmarks); and turned and
with a hand together. For each set it prints, over the photos the estimator
is sure of: the median, 90th percentile and worst angle error, how often it
is unsure, and how often it put the heel at the right end.

``--half 0`` or ``--half 1`` keeps every other photo (by name order, so each
source's photos fall in both halves): decide a change on one half, confirm it
on the other, so a change that only fits these photos shows up.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tools"))

from axis_variants import MarkedPhoto, feet_dir, load_marked, rotated, with_hand  # noqa: E402
from vision.axis.estimate import estimate_axis  # noqa: E402
from vision.core.geometry import angle_to_grain_deg  # noqa: E402

TURNS = (30, 75, 140, 225)
HANDS = ("three", "open")  # make_clips.STILLS names
HAND_PLACES = ((0.35, 20.0), (0.55, 110.0), (0.7, 250.0))  # (along heel->toes, hand turn deg)


def variant_sets(photos: list[MarkedPhoto], with_hands: bool) -> dict[str, list[MarkedPhoto]]:
    sets = {"originals": photos, "turned": [rotated(p, d) for p in photos for d in TURNS]}
    if with_hands:
        handed = [with_hand(p, HANDS[k % len(HANDS)], along, turn)
                  for p in photos for k, (along, turn) in enumerate(HAND_PLACES)]
        sets["hand on foot"] = handed
        sets["turned + hand"] = [rotated(p, TURNS[k % len(TURNS)]) for k, p in enumerate(handed)]
    return sets


def measure(photo: MarkedPhoto) -> dict:
    t0 = time.perf_counter()
    est = estimate_axis(photo.rgb, photo.hands or None)
    row = {"name": photo.name, "truth_deg": round(photo.axis_deg, 1), "deg": est.deg, "confidence": est.confidence,
           "reason": est.reason, "ms": (time.perf_counter() - t0) * 1000, "error_deg": None, "heel_right": None}
    if est.deg is not None:
        row["error_deg"] = angle_to_grain_deg(est.deg, photo.axis_deg)
    if est.heel_xy is not None:
        h = np.array(est.heel_xy)
        row["heel_right"] = bool(np.linalg.norm(h - photo.heel) < np.linalg.norm(h - photo.toes))
    return row


def summarise(rows: list[dict]) -> dict:
    errors = np.array([r["error_deg"] for r in rows if r["error_deg"] is not None])
    heels = [r["heel_right"] for r in rows if r["heel_right"] is not None]
    return {
        "n": len(rows),
        "sure": len(errors),
        "median_deg": float(np.median(errors)) if len(errors) else None,
        "p90_deg": float(np.percentile(errors, 90)) if len(errors) else None,
        "worst_deg": float(errors.max()) if len(errors) else None,
        "unsure_rate": 1.0 - len(errors) / len(rows) if rows else None,
        "heel_right_rate": float(np.mean(heels)) if heels else None,
        "median_ms": float(np.median([r["ms"] for r in rows])) if rows else None,
    }


def fmt(v, spec):
    return "-" if v is None else format(v, spec)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--feet", type=Path, help="folder with AXIS.tsv and photos/ (default: see above)")
    ap.add_argument("--no-hands", action="store_true", help="skip the sets with pasted hands")
    ap.add_argument("--half", type=int, choices=(0, 1), help="only every other photo, starting at this one")
    ap.add_argument("--verbose", action="store_true", help="one line per picture")
    ap.add_argument("--json", type=Path, help="write every row and the summaries here")
    args = ap.parse_args(argv)
    folder = args.feet or feet_dir()
    photos = load_marked(folder)
    if args.half is not None:
        photos = photos[args.half::2]
    with_hands = not args.no_hands
    if with_hands:
        try:
            import make_clips  # noqa: F401  (needs shared/hands)
        except FileNotFoundError as exc:
            print(f"(no hand photos: {exc}; hand sets skipped)")
            with_hands = False
    half = "" if args.half is None else f", half {args.half}"
    print(f"foot photos: {folder} ({len(photos)} usable{half})")
    print(f"{'set':<15}{'n':>5}{'sure':>6}{'median':>9}{'p90':>8}{'worst':>8}{'unsure':>8}{'heel ok':>9}{'ms':>6}")
    report = {"feet": str(folder), "sets": {}}
    for name, pics in variant_sets(photos, with_hands).items():
        rows = [measure(p) for p in pics]
        s = summarise(rows)
        report["sets"][name] = {"summary": s, "rows": rows}
        if args.verbose:
            for r in rows:
                print(f"   {r['name'][:70]:<70} truth {r['truth_deg']:6.1f} err {fmt(r['error_deg'], '5.1f')}"
                      f" conf {r['confidence']:.2f} heel {r['heel_right']} ({r['reason']})")
        print(f"{name:<15}{s['n']:>5}{s['sure']:>6}{fmt(s['median_deg'], '8.1f')}°{fmt(s['p90_deg'], '7.1f')}°"
              f"{fmt(s['worst_deg'], '7.1f')}°{fmt(s['unsure_rate'], '8.0%')}{fmt(s['heel_right_rate'], '9.0%')}"
              f"{fmt(s['median_ms'], '6.0f')}")
    if args.json:
        args.json.write_text(json.dumps(report, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
