"""Evaluate the engine on clips with truth (made by tools/make_clips.py).

    python tools/evaluate.py [DIR_OR_CLIP ...] [--quick] [--plain-only] [--draw N] [--json OUT]

Without arguments it evaluates two sets side by side: the plain set in
eval-clips/ and issue 11's hard set (15 fps with dropped frames, motion blur,
fast, small, oblique and thumb-only strokes, small palms, skin on skin) in
eval-clips-hard/ (draw 1; ``--draw N`` makes and uses another random draw in
eval-clips-hard-N/). Either set is made first if it is missing; --quick
makes and uses the small CI set instead. Tracked landmarks are kept beside
each clip (NAME.hands.npz: every hand MediaPipe found, up to two, as the app
tracks them), so a second run only re-runs the analysis.
Each clip is tracked once with the real hand model; the causal (live) and
offline labellings, and a baseline, are then run on the same observations.

Printed per mode: frame accuracy (ignoring 1 s around every change of the
truth label), per-class accuracy, the median delay of causal label changes,
and the median errors of stroke rate, angle to grain, amplitude and hold
duration against the truth segments, and for issue 11: the share of stroke
frames read as holds, the 90th percentiles of those errors, the stroke-rate
error at 15 fps with dropped frames, and amplitude and angle errors of
thumb-only strokes. The baseline is a plain thumb-tip PCA
over a centred 1 s window (which cannot run live).
"""

from __future__ import annotations

import argparse
import json
import math
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tools"))

from vision.core.geometry import angle_to_grain_deg, direction_label, principal_axis, screen_angle_deg  # noqa: E402
from vision.core.motion import LABELS, MotionParams  # noqa: E402
from vision.core.axis import FootAxis  # noqa: E402
from vision.core.labels import Label  # noqa: E402
from vision.core.verdict import FrameVerdict  # noqa: E402
from vision.pipeline import Session, judged_report  # noqa: E402
from vision.io.tracking import HandTracker  # noqa: E402
from vision.io.video import iter_frames, prefetch  # noqa: E402

import make_clips  # noqa: E402  (the sets' specs: how many clips a complete set has)

IGNORE_AROUND_CHANGE_S = 1.0
DEFAULT_DIR = ROOT / "eval-clips"
QUICK_DIR = ROOT / "eval-clips-quick"
STROKE_LABELS = ("cross_grain", "lengthwise", "oblique")


def hard_dir(draw: int) -> Path:
    return ROOT / ("eval-clips-hard" if draw == 1 else f"eval-clips-hard-{draw}")


@dataclass
class Tracked:
    """One clip tracked once: per frame its time and every hand MediaPipe found (a list, most
    confident first, as HandTracker.process_all gives them to the engine); and its truth."""

    name: str
    truth: dict
    times: list[float]
    observations: list  # per frame: list[HandObservation]


def with_jitter(tracked: Tracked, jitter_px: float, seed: int = 0) -> Tracked:
    """The same clip with white noise of ``jitter_px`` added to every landmark (skin-on-skin jitter)."""
    from dataclasses import replace as _replace

    rng = np.random.default_rng(seed)
    noisy = [[_replace(o, xy=(o.xy + rng.normal(0, jitter_px, o.xy.shape)).astype(np.float32)) for o in hands]
             for hands in tracked.observations]
    return Tracked(tracked.name, tracked.truth, tracked.times, noisy)


MAX_HANDS = 2
CACHE_FORMAT = 20  # 20: covers_the_foot as looked at: toes, a hand, or not looked at (-1); 19: each hand's covers_the_foot (the toes of a bare foot by their look, io/toes_look.py); 18: the picture compared for that every 0.1 s, not every frame; 17: the picture moving away from the found hands starts one quarter search where it moved (at most every 2 s), not a round of four every 4 s; 16: a hand found over a far larger found "hand" (the toes) is not taken for part of it unless a quarter of that one's landmarks lie along it; 15: a round of quarters at once (at most every 4 s) when the picture moves away from the found hands; 14: a followed window's hand over one the whole frame found, of its size, is handed back though the tracker took that one for toes by memory; 13 (reverted): the hand remembered went on where seen again; 12: beside a hand the whole frame has, the closer look's first round of quarters a tenth of a second apart (at the start and when hands come back into an empty frame); 11: the closer look searches ninths of the frame between its quarters once the whole frame has found no hand for 1 s; 10: the scene's cells from sampled pixels (numpy, not OpenCV); 9: a second-hand search waits while nothing moved outside the hands; 8: the whole frame rests while the closer look follows a hand it misses; 7: toes the landmarker jumped to (far larger than the hand last seen) do not stop the closer look; 6: the followed hand from the one-hand landmarker on search frames too; 5: the toes beside a hand not followed; 4: the closer look searching fast while no hand is found; 3: with the closer look (2: every hand, with depth; 1, NAME.track.npz: the most confident hand)


def track_clip(mp4: Path, cache: bool = True) -> Tracked:
    """Track a clip with the real hand model (two hands, as the app does), or load the hands kept from
    the last time (NAME.hands.npz)."""
    truth = json.loads(mp4.with_name(mp4.stem + ".truth.json").read_text())
    kept = mp4.with_name(mp4.stem + ".hands.npz")
    stamp = np.array([mp4.stat().st_size, mp4.stat().st_mtime_ns, CACHE_FORMAT], np.int64)
    if cache and kept.exists():
        with np.load(kept) as z:
            if np.array_equal(z["stamp"], stamp):
                return Tracked(mp4.stem, truth, z["t"].tolist(), _observations(z))
    times, observations = [], []
    with HandTracker() as tracker:
        for frame in prefetch(iter_frames(mp4)):
            times.append(frame.t)
            observations.append(tracker.process_all(frame.rgb, frame.t)[:MAX_HANDS])
    if cache:
        n = len(times)
        xy = np.full((n, MAX_HANDS, 21, 2), np.nan, np.float32)
        depth = np.full((n, MAX_HANDS, 21), np.nan, np.float32)
        present = np.zeros((n, MAX_HANDS), bool)
        right = np.zeros((n, MAX_HANDS), bool)
        score = np.zeros((n, MAX_HANDS), np.float32)
        foot = np.full((n, MAX_HANDS), -1, np.int8)  # covers_the_foot: 1 toes, 0 a hand, -1 not looked at
        for k, hands in enumerate(observations):
            for j, o in enumerate(hands):
                xy[k, j], present[k, j], right[k, j], score[k, j] = o.xy, True, o.handedness == "Right", o.score
                foot[k, j] = -1 if o.covers_the_foot is None else int(o.covers_the_foot)
                if o.depth_px is not None:
                    depth[k, j] = o.depth_px
        np.savez_compressed(kept, stamp=stamp, t=np.array(times), present=present, xy=xy, depth=depth,
                            right=right, score=score, covers_the_foot=foot)
    return Tracked(mp4.stem, truth, times, observations)


def _observations(z) -> list:
    from vision.core.landmarks import HandObservation

    out = []
    for k in range(len(z["t"])):
        hands = []
        for j in np.flatnonzero(z["present"][k]):
            depth = z["depth"][k, j]
            hands.append(HandObservation(xy=z["xy"][k, j], handedness="Right" if z["right"][k, j] else "Left",
                                         score=float(z["score"][k, j]), t=float(z["t"][k]),
                                         depth_px=None if np.isnan(depth).any() else depth,
                                         covers_the_foot=None if z["covers_the_foot"][k, j] < 0
                                         else bool(z["covers_the_foot"][k, j])))
        out.append(hands)
    return out


def label_runs(tracked: Tracked, causal: bool, params: MotionParams = MotionParams()):
    """The engine's report for a tracked clip, causal or offline."""
    session = Session(tracked.truth["foot_axis_deg"], tracker=_NoTracker(), params=params)
    for t, obs in zip(tracked.times, tracked.observations):
        session.add_observation(obs, t)
    return session.report(source=tracked.name, fps=tracked.truth.get("fps_nominal"), causal=causal)


class _NoTracker:
    """Stands in for the tracker when observations were computed beforehand."""

    def close(self) -> None:
        pass


def baseline_labels(tracked: Tracked, hold_std_palm: float = 0.02) -> list[str]:
    """Plain thumb-tip PCA over a centred 1 s window: hold below a spread, else by angle."""
    axis = tracked.truth["foot_axis_deg"]
    t = np.array(tracked.times)
    first = [hands[0] if hands else None for hands in tracked.observations]  # the most confident hand
    seen = [o is not None for o in first]
    tips = np.array([o.thumb_tip if o is not None else (np.nan, np.nan) for o in first], float)
    palm = np.nanmedian([o.palm_width_px for o in first if o is not None] or [1.0])
    out = []
    for k in range(len(t)):
        if not seen[k]:
            out.append("no_hand")
            continue
        sel = (np.abs(t - t[k]) <= 0.5) & ~np.isnan(tips[:, 0])
        pts = tips[sel]
        if len(pts) < 3:
            out.append("hold")
            continue
        direction, major, _ = principal_axis(pts)
        if math.sqrt(major) / palm < hold_std_palm:
            out.append("hold")
        else:
            angle = screen_angle_deg(direction[0], direction[1])
            out.append(direction_label(angle_to_grain_deg(angle, axis)))
    return out


def truth_changes(truth: dict) -> list[float]:
    """Times the truth label changes; the clip's start counts as one (nothing is known before it)."""
    frames = truth["frames"]
    return [frames[0]["t"]] + [frames[k]["t"] for k in range(1, len(frames))
                               if frames[k]["label"] != frames[k - 1]["label"]]


def frame_scores(labels: list[str], truth: dict, confusion: dict | None = None,
                 keep: list[bool] | None = None) -> tuple[int, int, dict[str, tuple[int, int]]]:
    """(correct, counted, per class (correct, counted)) ignoring 1 s around each change.

    ``confusion``, if given, counts the frames by (truth label, label);
    ``keep``, if given, counts only the frames it marks.
    """
    changes = np.array(truth_changes(truth))
    correct = counted = 0
    per: dict[str, list[int]] = {}
    for k, (f, label) in enumerate(zip(truth["frames"], labels)):
        if len(changes) and np.min(np.abs(changes - f["t"])) < IGNORE_AROUND_CHANGE_S:
            continue
        if keep is not None and not keep[k]:
            continue
        hit = int(label == f["label"])
        if confusion is not None:
            confusion[(f["label"], label)] = confusion.get((f["label"], label), 0) + 1
        correct += hit
        counted += 1
        c = per.setdefault(f["label"], [0, 0])
        c[0] += hit
        c[1] += 1
    return correct, counted, {k: (v[0], v[1]) for k, v in per.items()}


def change_delays(labels: list[str], truth: dict, kinds: dict | None = None) -> list[float]:
    """For each truth change, seconds until the labels first show the new label.

    ``kinds``, if given, collects the delays by transition ("stroke->hold", ...).
    """
    frames = truth["frames"]
    delays = []
    for k in range(1, len(frames)):
        new = frames[k]["label"]
        if new == frames[k - 1]["label"]:
            continue
        t0 = frames[k]["t"]
        for m in range(k, len(frames)):
            if frames[m]["label"] != new:
                break
            if labels[m] == new:
                delays.append(frames[m]["t"] - t0)
                if kinds is not None:
                    kinds.setdefault(f"{_kind(frames[k - 1]['label'])}->{_kind(new)}", []).append(delays[-1])
                break
    return delays


def _kind(label: str) -> str:
    return label if label in ("hold", "no_hand") else "stroke"


def _overlap(a0, a1, b0, b1) -> float:
    return max(0.0, min(a1, b1) - max(a0, b0))


def figure_errors(report, truth: dict) -> dict[str, list[float]]:
    """Errors of each truth stroke segment's figures and each truth hold's duration.

    A truth segment is compared with the report segment of the same label that
    overlaps its steady part (after the glide) the most.
    """
    errs = {"rate_pct": [], "angle_deg": [], "amplitude_pct": [], "hold_s": [], "rate_pct_15fps_drops": [],
            "amplitude_pct_thumb_only": [], "angle_deg_thumb_only": []}
    low_fps_drops = truth.get("fps_nominal", 30) <= 15 and truth.get("drop_prob", 0) > 0
    thumb_only = bool(truth.get("generator", {}).get("thumb_only"))
    for seg in truth["segments"]:
        if seg["kind"] != "stroke":
            continue
        start = seg["start_s"] + seg.get("glide_s", 0.0)
        best = max((s for s in report.segments if s.label == seg["label"]),
                   key=lambda s: _overlap(s.start_s, s.end_s, start, seg["end_s"]), default=None)
        if best is None or _overlap(best.start_s, best.end_s, start, seg["end_s"]) <= 0:
            continue
        if best.rate_per_min:
            errs["rate_pct"].append(100 * abs(best.rate_per_min - seg["rate_per_min"]) / seg["rate_per_min"])
            if low_fps_drops:
                errs["rate_pct_15fps_drops"].append(errs["rate_pct"][-1])
        if best.angle_to_grain_deg is not None:
            errs["angle_deg"].append(abs(best.angle_to_grain_deg - seg["angle_to_grain_deg"]))
            if thumb_only:
                errs["angle_deg_thumb_only"].append(errs["angle_deg"][-1])
        if best.amplitude_palm:
            errs["amplitude_pct"].append(100 * abs(best.amplitude_palm - seg["amplitude_palm"]) / seg["amplitude_palm"])
            if thumb_only:
                errs["amplitude_pct_thumb_only"].append(errs["amplitude_pct"][-1])
    for hold in truth["holds"]:
        best = max(report.holds, key=lambda h: _overlap(h.start_s, h.end_s, hold["start_s"], hold["end_s"]),
                   default=None)
        if best is not None and _overlap(best.start_s, best.end_s, hold["start_s"], hold["end_s"]) > 0:
            errs["hold_s"].append(abs(best.duration_s - hold["duration_s"]))
    return errs


def tracker_on_the_hand(tracked: Tracked, thumbs: list) -> list[bool]:
    """Frames where the thumb judged (``thumbs``: a tip or None a frame) is within half a palm of the
    truth's, or both say no hand.

    Accuracy over these frames is the motion analysis's own: the rest are the
    tracker's or the hand selection's misses, such as toes taken for the hand.
    """
    palm = tracked.truth["palm_px"]
    out = []
    for tip, f in zip(thumbs, tracked.truth["frames"]):
        if f["thumb_xy"] is None or tip is None:
            out.append(f["thumb_xy"] is None and tip is None)
        else:
            out.append(float(np.linalg.norm(np.asarray(tip) - f["thumb_xy"])) < 0.5 * palm)
    return out


def _median(values: list[float]) -> float | None:
    return float(np.median(values)) if values else None


def _p90(values: list[float]) -> float | None:
    return float(np.percentile(values, 90)) if values else None


def strokes_read_as_holds(confusion: dict) -> float | None:
    """Share of counted stroke frames labelled hold."""
    strokes = sum(n for (truth, _), n in confusion.items() if truth in STROKE_LABELS)
    as_hold = sum(n for (truth, label), n in confusion.items() if truth in STROKE_LABELS and label == "hold")
    return as_hold / strokes if strokes else None


def not_judged(confusion: dict) -> float | None:
    """Share of counted frames with a hand in the truth labelled "settling" (not judged yet).

    Frame accuracy counts them as errors (strict); this says how much of it they are.
    """
    with_hand = sum(n for (truth, _), n in confusion.items() if truth != "no_hand")
    settling = sum(n for (truth, label), n in confusion.items() if truth != "no_hand" and label == "settling")
    return settling / with_hand if with_hand else None


def evaluate(clips: list[Path], verbose: bool = True, jitter_px: float = 0.0) -> dict:
    """Track every clip once and score causal, offline and baseline labels."""
    modes = ("causal", "offline", "baseline")
    totals = {m: {"correct": 0, "counted": 0, "per": {}, "delays": [], "kinds": {}, "errs": {}, "confusion": {}}
              for m in modes}
    rows = []
    for mp4 in clips:
        start = time.perf_counter()
        tracked = track_clip(mp4)
        if jitter_px:
            tracked = with_jitter(tracked, jitter_px)
        row = {"clip": mp4.stem, "frames": len(tracked.times)}
        for mode in modes:
            if mode == "baseline":
                labels = baseline_labels(tracked)
                axis = FootAxis.typed(tracked.truth["foot_axis_deg"])
                report = judged_report(
                    [FrameVerdict(r.i, r.t, r.credited_s, Label(lab), axis, thumb_xy=r.thumb_xy,
                                  joints_xy=r.joints_xy, palm_px=r.palm_px, angle_to_grain_deg=r.angle_to_grain_deg)
                     for r, lab in zip(label_runs(tracked, causal=True).frames, labels)],
                    "cross_friction", tracked.name, None)
            else:
                report = label_runs(tracked, causal=(mode == "causal"))
                labels = [f.label for f in report.frames]
            if len(labels) != len(tracked.truth["frames"]):
                raise SystemExit(f"{mp4.name}: {len(labels)} frames decoded, truth has {len(tracked.truth['frames'])}")
            tot = totals[mode]
            correct, counted, per = frame_scores(labels, tracked.truth, tot["confusion"])
            tot["correct"] += correct
            tot["counted"] += counted
            for k, (c, n) in per.items():
                pc = tot["per"].setdefault(k, [0, 0])
                pc[0] += c
                pc[1] += n
            thumbs = ([hands[0].thumb_tip if hands else None for hands in tracked.observations]
                      if mode == "baseline" else [f.thumb_xy for f in report.frames])
            on_hand = tracker_on_the_hand(tracked, thumbs)
            c_on, n_on, _ = frame_scores(labels, tracked.truth, keep=on_hand)
            tot["correct_on_hand"] = tot.get("correct_on_hand", 0) + c_on
            tot["counted_on_hand"] = tot.get("counted_on_hand", 0) + n_on
            tot["delays"] += change_delays(labels, tracked.truth, tot["kinds"])
            for k, v in figure_errors(report, tracked.truth).items():
                tot["errs"].setdefault(k, []).extend(v)
            row[mode] = correct / counted if counted else float("nan")
        row["seconds"] = time.perf_counter() - start
        rows.append(row)
        if verbose:
            print(f"  {row['clip']:<40} {row['frames']:5d} frames  causal {row['causal']:.3f}  "
                  f"offline {row['offline']:.3f}  baseline {row['baseline']:.3f}  ({row['seconds']:.0f} s)", flush=True)
    summary = {}
    for mode in modes:
        tot = totals[mode]
        summary[mode] = {
            "frame_accuracy": tot["correct"] / tot["counted"] if tot["counted"] else None,
            "per_class": {k: v[0] / v[1] for k, v in sorted(tot["per"].items()) if v[1]},
            "median_change_delay_s": _median(tot["delays"]),
            "median_delay_by_change_s": {k: _median(v) for k, v in sorted(tot["kinds"].items())},
            "median_rate_error_pct": _median(tot["errs"].get("rate_pct", [])),
            "median_angle_error_deg": _median(tot["errs"].get("angle_deg", [])),
            "median_amplitude_error_pct": _median(tot["errs"].get("amplitude_pct", [])),
            "median_hold_error_s": _median(tot["errs"].get("hold_s", [])),
            "strokes_read_as_holds": strokes_read_as_holds(tot["confusion"]),
            "not_judged": not_judged(tot["confusion"]),
            "frame_accuracy_tracker_on_hand": (tot["correct_on_hand"] / tot["counted_on_hand"]
                                               if tot.get("counted_on_hand") else None),
            "p90_rate_error_pct": _p90(tot["errs"].get("rate_pct", [])),
            "p90_hold_error_s": _p90(tot["errs"].get("hold_s", [])),
            "median_rate_error_15fps_drops_pct": _median(tot["errs"].get("rate_pct_15fps_drops", [])),
            "p90_rate_error_15fps_drops_pct": _p90(tot["errs"].get("rate_pct_15fps_drops", [])),
            "p90_amplitude_error_thumb_only_pct": _p90(tot["errs"].get("amplitude_pct_thumb_only", [])),
            "p90_angle_error_thumb_only_deg": _p90(tot["errs"].get("angle_deg_thumb_only", [])),
            "confusion": {f"{a}->{b}": n for (a, b), n in sorted(tot["confusion"].items()) if a != b},
        }
    return {"clips": rows, "summary": summary}


MODES = ("causal", "offline", "baseline")
SUMMARY_LINES = (
    ("frame accuracy", "frame_accuracy", ".4f"),
    ("  tracker on the hand", "frame_accuracy_tracker_on_hand", ".4f"),
    ("strokes read as holds", "strokes_read_as_holds", ".4f"),
    ("not judged (settling)", "not_judged", ".4f"),
    ("median change delay s", "median_change_delay_s", ".2f"),
    ("median rate error %", "median_rate_error_pct", ".1f"),
    ("p90 rate error %", "p90_rate_error_pct", ".1f"),
    ("rate err % 15fps+drops", "median_rate_error_15fps_drops_pct", ".1f"),
    ("  p90", "p90_rate_error_15fps_drops_pct", ".1f"),
    ("median angle error deg", "median_angle_error_deg", ".1f"),
    ("median amplitude err %", "median_amplitude_error_pct", ".1f"),
    ("thumb-only p90 ampl %", "p90_amplitude_error_thumb_only_pct", ".1f"),
    ("thumb-only p90 angle", "p90_angle_error_thumb_only_deg", ".1f"),
    ("median hold error s", "median_hold_error_s", ".2f"),
    ("p90 hold error s", "p90_hold_error_s", ".2f"),
)


def print_summary(result: dict | None = None, sets: dict[str, dict] | None = None) -> None:
    """The figures of one evaluation, or of several sets side by side (``sets``: title -> result)."""
    def fmt(v, spec):
        return "-" if v is None else format(v, spec)

    sets = sets if sets is not None else {"": result}
    columns = [(title, mode) for title in sets for mode in MODES]
    print()
    if any(sets):
        print(f"{'':24}" + "".join(f"{title:>{10 * len(MODES)}}" for title in sets))
    print(f"{'':24}" + "".join(f"{mode:>10}" for _, mode in columns))
    summaries = {title: r["summary"] for title, r in sets.items()}
    for title, key, spec in SUMMARY_LINES:
        print(f"{title:<24}" + "".join(f"{fmt(summaries[t][m].get(key), spec):>10}" for t, m in columns))
    kinds = sorted({k for t, m in columns for k in summaries[t][m]["median_delay_by_change_s"]})
    for kind in kinds:
        print(f"{'  delay ' + kind:<24}" + "".join(
            f"{fmt(summaries[t][m]['median_delay_by_change_s'].get(kind), '.2f'):>10}" for t, m in columns))
    for label in (lab for lab in LABELS if lab != "settling"):  # "settling" is never a truth label
        print(f"{'  class ' + label:<24}" + "".join(
            f"{fmt(summaries[t][m]['per_class'].get(label), '.4f'):>10}" for t, m in columns))
    for title, summary in summaries.items():
        for mode in ("causal", "offline"):
            worst = sorted(summary[mode]["confusion"].items(), key=lambda kv: -kv[1])[:6]
            print(f"{(title + ' ' if title else '')}{mode} errors (truth->label frames): "
                  + (", ".join(f"{k} {n}" for k, n in worst) or "none"))


def find_clips(items: list[str]) -> list[Path]:
    clips: list[Path] = []
    for item in items:
        p = Path(item)
        clips += sorted(p.glob("*.mp4")) if p.is_dir() else [p]
    return [c for c in clips if c.with_name(c.stem + ".truth.json").exists()]


def _set_folder(folder: Path, make_args: list[str], expected: int) -> Path:
    """The folder of a clip set; tools/make_clips.py first makes the clips it lacks (an interrupted run)."""
    if len(list(folder.glob("*.truth.json"))) < expected:
        command, *options = make_args
        subprocess.run([sys.executable, str(ROOT / "tools" / "make_clips.py"), command, str(folder), *options,
                        "--missing"], check=True)
    return folder


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="*", help="clips or folders of clips with truth")
    parser.add_argument("--quick", action="store_true", help="the small CI set")
    parser.add_argument("--plain-only", action="store_true", help="the plain set only, not the hard one")
    parser.add_argument("--draw", type=int, default=1, help="which random draw of the hard set")
    parser.add_argument("--json", help="write the figures as JSON")
    parser.add_argument("--jitter-px", type=float, default=0.0,
                        help="add white noise of this many pixels to every landmark (skin-on-skin jitter)")
    args = parser.parse_args(argv)
    if args.paths:
        sets = {"": find_clips(args.paths)}
    elif args.quick:
        folder = _set_folder(QUICK_DIR, ["eval-set", "--quick"], len(make_clips.eval_set_specs(quick=True)))
        sets = {"": find_clips([str(folder)])}
    else:
        sets = {"plain": find_clips([str(_set_folder(DEFAULT_DIR, ["eval-set"], len(make_clips.eval_set_specs())))])}
        if not args.plain_only:
            folder = _set_folder(hard_dir(args.draw), ["hard-set", "--draw", str(args.draw)],
                                 len(make_clips.hard_set_specs(args.draw)))
            sets[f"hard (draw {args.draw})"] = find_clips([str(folder)])
    if not all(sets.values()):
        print("no clips with truth found", file=sys.stderr)
        return 2
    if args.jitter_px:
        print(f"with {args.jitter_px} px of white jitter added to every landmark")
    results = {}
    for title, clips in sets.items():
        print(f"evaluating {len(clips)} clips" + (f" ({title})" if title else ""))
        results[title] = evaluate(clips, jitter_px=args.jitter_px)
    print_summary(sets=results)
    if args.json:
        Path(args.json).write_text(json.dumps(results if len(results) > 1 else results[""], indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
