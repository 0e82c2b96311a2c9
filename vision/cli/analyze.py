"""`crossgrain analyze VIDEO [VIDEO|FOLDER ...] --foot-axis DEG ...`: reports of videos, one or many."""

from __future__ import annotations

import os
import sys
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path

from ..io.video import VIDEO_SUFFIXES
from .common import EXIT_USAGE, CliError, ProgressBar, foot_axis

def expand_inputs(items: list[str]) -> list[Path]:
    """Files as given; folders become their video files (sorted). Missing paths are errors."""
    paths: list[Path] = []
    for item in items:
        p = Path(item)
        if p.is_dir():
            found = sorted(f for f in p.iterdir() if f.is_file() and f.suffix.lower() in VIDEO_SUFFIXES)
            if not found:
                raise CliError(f"{p}: folder holds no video files ({', '.join(VIDEO_SUFFIXES[:5])}, ...)")
            paths.extend(found)
        elif not p.exists():
            raise CliError(f"{p}: no such file")
        else:
            paths.append(p)
    return paths


def output_path(option: str | None, video: Path, many: bool, suffix: str) -> Path | None:
    """Where one video's output goes: the path itself, or for several videos, a file in that folder."""
    if option is None:
        return None
    out = Path(option)
    if many:
        out.mkdir(parents=True, exist_ok=True)
        return out / f"{video.stem}{suffix}"
    if out.is_dir():
        return out / f"{video.stem}{suffix}"
    return out


def format_summary(report, causal: bool) -> str:
    s = report.summary
    lines = [
        f"{report.source}: {report.duration_s:.1f} s, {s['frames']} frames at {report.fps:.1f} fps, "
        f"foot axis {report.foot_axis_deg:.0f} deg, {'causal (live)' if causal else 'offline'} labels",
        f"  hand found in {100 * s['hand_found_fraction']:.0f}% of frames",
    ]
    if s.get("note"):
        lines.append(f"  {s['note']}: every frame is labelled no_hand")
        return "\n".join(lines)
    shown = [seg for seg in report.segments if seg.duration_s >= 0.3]
    lines.append(f"  segments ({len(report.segments)}; shown: those of 0.3 s or more):")
    for seg in shown[:40]:
        figures = ""
        if seg.rate_per_min is not None or seg.amplitude_palm is not None:
            rate = f"{seg.rate_per_min:5.0f}/min" if seg.rate_per_min else "    -/min"
            amp = f"{seg.amplitude_palm:.2f} palm" if seg.amplitude_palm is not None else "- palm"
            grain = f"{seg.angle_to_grain_deg:.0f} deg to grain" if seg.angle_to_grain_deg is not None else ""
            figures = f"  {rate}  amplitude {amp}  {grain}"
        lines.append(f"    {seg.start_s:6.1f}-{seg.end_s:6.1f} s  {seg.label:<12} {seg.duration_s:5.1f} s{figures}")
    if len(shown) > 40:
        lines.append(f"    ... {len(shown) - 40} more")
    if report.holds:
        longest = max(report.holds, key=lambda h: h.duration_s)
        lines.append(f"  holds: {len(report.holds)}, longest {longest.duration_s:.1f} s "
                     f"(from {longest.start_s:.1f} s, drift {longest.drift_palm:.2f} palm)")
    else:
        lines.append("  holds: none")
    t = s["time_by_label_s"]
    share = s.get("cross_grain_share")
    lines.append("  time: " + ", ".join(f"{k} {v:.1f} s" for k, v in t.items() if v > 0)
                 + (f"; {100 * share:.0f}% of stroking across the grain" if share is not None else ""))
    return "\n".join(lines)


def format_coaching(coaching: dict) -> str:
    """The report's coaching section as text: targets, score, debrief and the safety notes."""
    lines = [f"  technique: {coaching['title']}"]
    if coaching.get("targets_text"):
        lines.append("    targets: " + "; ".join(coaching["targets_text"]))
    debrief = coaching.get("debrief") or {}
    if coaching.get("score") is not None:
        parts = ", ".join(f"{k} {100 * v:.0f}%" for k, v in coaching.get("components", {}).items())
        lines.append(f"    score: {coaching['score']}/100 ({parts}); progress {100 * (coaching.get('progress') or 0):.0f}%")
        extra = []
        if "holds_completed" in debrief:
            extra.append(f"holds completed {debrief['holds_completed']} "
                         f"(longest good hold {debrief['longest_good_hold_s']:.0f} s)")
        if "sides" in debrief:
            extra.append(", ".join(f"{s['side']} {s['work_s']:.0f} s" for s in debrief["sides"]))
        if "reps_done" in debrief:
            extra.append(f"repetitions {debrief['reps_done']}")
        lines.append(f"    time: {debrief.get('good_s', 0):.1f} s done right of {debrief.get('work_s', 0):.1f} s of work"
                     + ("; " + "; ".join(extra) if extra else ""))
        for c in debrief.get("top_corrections", []):
            lines.append(f"    correction ({c['seconds']:.0f} s): {c['tip']}")
    for step in debrief.get("next", []):
        lines.append(f"    next: {step}")
    if coaching.get("camera_cannot_see"):
        lines.append(f"    note: {coaching['camera_cannot_see']}")
    lines.append("    safety: " + " ".join(coaching.get("warnings", [])) + " " + coaching.get("disclaimer", ""))
    return "\n".join(lines)


def _analyze_one(video: str, foot_axis_deg: float, causal: bool, json_out: str | None, csv_out: str | None,
                 annotated_out: str | None, technique_name: str, show_progress: bool,
                 tracking_workers: int = 2) -> tuple[str, str | None]:
    """Worker: analyse one video; returns (summary text, error message or None)."""
    from ..pipeline import analyze_video
    from ..io.video import VideoError

    path = Path(video)
    bar = ProgressBar(path.name) if show_progress else None
    try:
        report = analyze_video(path, foot_axis_deg, causal=causal, progress=bar,
                               annotated_path=annotated_out, technique_name=technique_name,
                               tracking_workers=tracking_workers)
    except VideoError as exc:
        return "", str(exc)
    except OSError as exc:
        return "", f"{path}: {exc.strerror or exc}"
    except Exception as exc:  # noqa: BLE001 - a bug of ours: one line for the user, not a traceback
        if os.environ.get("CROSSGRAIN_DEBUG"):
            import traceback
            traceback.print_exc()
        detail = " ".join(f"{type(exc).__name__}: {exc}".split())[:300]
        return "", f"{path}: internal error while analysing ({detail}); please report it"
    finally:
        if bar:
            bar.finish()
    if json_out:
        report.write_json(json_out)
    if csv_out:
        report.write_csv(csv_out)
    text = format_summary(report, causal)
    if report.coaching:
        text += "\n" + format_coaching(report.coaching)
    return text, None


def cmd_analyze(args) -> int:
    from ..coach.techniques import TECHNIQUES

    if args.technique not in TECHNIQUES:
        raise CliError(f"unknown technique {args.technique!r}; choose from {', '.join(TECHNIQUES)}")
    videos = expand_inputs(args.videos)
    many = len(videos) > 1
    jobs = [
        (str(v), args.foot_axis, args.causal,
         str(p) if (p := output_path(args.json, v, many, ".json")) else None,
         str(p) if (p := output_path(args.csv, v, many, ".csv")) else None,
         str(p) if (p := output_path(args.annotated, v, many, ".annotated.mp4")) else None,
         args.technique)
        for v in videos
    ]
    failures = 0
    if not many:
        text, error = _analyze_one(*jobs[0], show_progress=True)
        results = [(videos[0], text, error)]
    else:
        workers = min(len(jobs), args.workers or os.cpu_count() or 1)
        results = []
        bar = ProgressBar(f"{len(jobs)} videos")
        with ProcessPoolExecutor(max_workers=workers) as pool:
            # one video a core: each video's two ranges one after the other (the same report)
            futures = {pool.submit(_analyze_one, *job, show_progress=False, tracking_workers=1): Path(job[0])
                       for job in jobs}
            for k, fut in enumerate(as_completed(futures), 1):
                text, error = fut.result()
                results.append((futures[fut], text, error))
                bar(k, len(jobs))
        bar.finish()
        order = {v: k for k, v in enumerate(videos)}
        results.sort(key=lambda r: order[r[0]])
    for video, text, error in results:
        if error:
            failures += 1
            print(f"crossgrain: error: {error}", file=sys.stderr)
        else:
            print(text)
    return EXIT_USAGE if failures else 0


def register(sub) -> None:
    a = sub.add_parser("analyze", help="analyse one or more videos (or folders of videos)")
    a.add_argument("videos", nargs="+", metavar="VIDEO", help="video files or folders")
    a.add_argument("--foot-axis", type=foot_axis, required=True, metavar="DEG",
                   help="the heel-to-toes line as a screen angle: 90 = foot points up the screen, 0 = left-right")
    a.add_argument("--causal", action="store_true", help="label with past frames only, exactly as the live view")
    a.add_argument("--json", metavar="OUT", help="write the report as JSON (a folder when several videos)")
    a.add_argument("--csv", metavar="OUT", help="write per-frame labels as CSV (a folder when several videos)")
    a.add_argument("--annotated", metavar="OUT", help="write the video with the overlay drawn (H.264 MP4)")
    a.add_argument("--technique", default="cross_friction", help="technique to coach (default: cross_friction)")
    a.add_argument("--workers", type=int, default=None, help="worker processes for several videos (default: cores)")
    a.set_defaults(func=cmd_analyze)
