"""`crossgrain analyze VIDEO [VIDEO|FOLDER ...] --foot-axis DEG ...`: reports of videos, one or many."""

from __future__ import annotations

import errno
import os
import stat
import sys
from pathlib import Path

from ..io.atomic import atomic_path, atomic_write_text
from ..io.limits import Limits
from ..io.video import VIDEO_SUFFIXES
from .batch import run_batch
from .axis import add_axis_arguments, axis_choice, foot_axis_or_auto
from .common import EXIT_USAGE, CliError, ProgressBar, positive_int
from .history import add_save_options, save_options, save_report
from .html_out import session_html
from .outputs import Job, plan_jobs


def expand_inputs(items: list[str]) -> list[Path]:
    """Files as given; folders become their video files (sorted). Unusable paths are errors naming the cause."""
    paths: list[Path] = []
    for item in items:
        p = Path(item)
        try:
            st = os.stat(p)
        except OSError as exc:
            raise CliError(f"{p}: {_stat_problem(p, exc)}") from None
        if stat.S_ISDIR(st.st_mode):
            try:
                found = sorted(f for f in p.iterdir() if f.is_file() and f.suffix.lower() in VIDEO_SUFFIXES)
            except OSError as exc:
                raise CliError(f"{p}: cannot list the folder ({exc.strerror or exc})") from None
            if not found:
                raise CliError(f"{p}: folder holds no video files ({', '.join(VIDEO_SUFFIXES[:5])}, ...)")
            paths.extend(found)
        else:
            paths.append(p)  # FIFOs, devices, empty files: the video reader names the problem
    unique: dict[str, Path] = {}
    for p in paths:
        unique.setdefault(os.path.realpath(p), p)  # the same file named twice is analysed once
    return list(unique.values())


def _stat_problem(p: Path, exc: OSError) -> str:
    if exc.errno == errno.ELOOP:
        return "a loop of symbolic links, not a file"
    if exc.errno == errno.ENOENT:
        return "a symbolic link to a file that does not exist" if os.path.islink(p) else "no such file"
    if exc.errno == errno.ENOTDIR:
        return "no such file (a part of the path is not a folder)"
    return f"cannot be opened ({exc.strerror or exc})"


def format_summary(report, causal: bool) -> str:
    s = report.summary
    lines = [
        f"{report.source}: {report.duration_s:.1f} s, {s['frames']} frames at {report.fps:.1f} fps, "
        f"foot axis {report.foot_axis_deg:.0f} deg ({report.axes[0].source if report.axes else 'typed'}"
        + (f", followed: {len(report.axes)} changes" if len(report.axes) > 1 else "") + "), "
        f"{'causal (live)' if causal else 'offline'} labels",
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
            lines.append(f"    correction (cue needed for {c['seconds']:.0f} s): {c['tip']}")
    for step in debrief.get("next", []):
        lines.append(f"    next: {step}")
    if coaching.get("camera_cannot_see"):
        lines.append(f"    note: {coaching['camera_cannot_see']}")
    lines.append("    safety: " + " ".join(coaching.get("warnings", [])) + " " + coaching.get("disclaimer", ""))
    return "\n".join(lines)


def _analyze_one(job: Job, foot_axis, causal: bool, technique_name: str, tracking_workers: int = 2,
                 save: dict | None = None, *, show_progress: bool = False) -> tuple[str, str | None, list[str]]:
    """Analyse one video and write its outputs; returns (summary text, error message or None, paths written).

    Every output goes through a temporary name (io/atomic.py): an error or an
    interruption leaves nothing under the final name. ``foot_axis``: a
    FootAxis, or "auto" to find and follow the foot.
    """
    from ..axis.source import AxisNotFound
    from ..io.video import VideoError, timing_note
    from ..pipeline import analyze_video

    path = job.video
    bar = ProgressBar(path.name) if show_progress else None
    written: list[str] = []
    try:
        annotated = job.outputs.get("annotated")
        tmp = None
        try:
            if annotated is not None:
                try:
                    with atomic_path(annotated) as tmp:
                        report = analyze_video(path, foot_axis, causal=causal, progress=bar,
                                               annotated_path=tmp, technique_name=technique_name,
                                               tracking_workers=tracking_workers)
                except OSError as exc:
                    if exc.filename is not None and Path(exc.filename) not in (tmp, annotated):
                        raise
                    raise OutputError("annotated", annotated, exc) from None
                written.append(str(annotated))
            else:
                report = analyze_video(path, foot_axis, causal=causal, progress=bar,
                                       technique_name=technique_name, tracking_workers=tracking_workers)
        finally:
            if bar:
                bar.finish()
        for kind, render in (("json", report.to_json), ("csv", report.to_csv),
                             ("html", lambda: session_html(report, path))):
            if kind in job.outputs:
                try:
                    atomic_write_text(job.outputs[kind], render())
                except OSError as exc:
                    raise OutputError(kind, job.outputs[kind], exc) from None
                written.append(str(job.outputs[kind]))
        note = timing_note(path)
    except OutputError as exc:
        return "", str(exc) + (f"; written before it: {', '.join(written)}" if written else ""), written
    except (VideoError, AxisNotFound) as exc:
        return "", str(exc), written
    except OSError as exc:
        where = exc.filename or path
        return "", f"{where}: {exc.strerror or exc}", written
    except Exception as exc:  # noqa: BLE001 - a bug of ours: one line for the user, not a traceback
        if os.environ.get("CROSSGRAIN_DEBUG"):
            import traceback
            traceback.print_exc()
        detail = " ".join(f"{type(exc).__name__}: {exc}".split())[:300]
        return "", f"{path}: internal error while analysing ({detail}); please report it", written
    text = format_summary(report, causal)
    if note:
        text += f"\n  note: {note}"
    if report.coaching:
        text += "\n" + format_coaching(report.coaching)
    if save is not None:  # --save: keep the session in the history (vision/cli/history.py)
        try:
            text += "\n" + save_report(report, path, **save)
        except CliError as exc:
            return text, f"{path}: {exc}", written
    if written:
        text += "\n  wrote: " + ", ".join(written)
    return text, None, written


class OutputError(Exception):
    """Writing one output failed (full disk, a file too large, a device that refuses)."""

    def __init__(self, kind: str, target: Path, exc: OSError):
        super().__init__(f"--{kind} {target}: cannot write it ({exc.strerror or exc})")


def cmd_analyze(args) -> int:
    from ..coach.techniques import registry

    if args.technique not in registry():
        raise CliError(f"unknown technique {args.technique!r}; choose from {', '.join(registry())}")
    try:
        Limits.from_env()
    except ValueError as exc:
        raise CliError(str(exc)) from None
    axis = axis_choice(args.foot_axis, args.heel, args.toes)
    keep = save_options(args)
    videos = expand_inputs(args.videos)
    jobs = plan_jobs(videos, {"json": args.json, "csv": args.csv, "annotated": args.annotated, "html": args.html})
    if args.cluster:
        from ..batch.command import run_cluster_batch
        return run_cluster_batch(args, axis, [(job.video, job.outputs) for job in jobs],
                                 describe=lambda r: "\n".join([format_summary(r, args.causal)]
                                                              + ([format_coaching(r.coaching)] if r.coaching else [])),
                                 keep=keep)
    if len(jobs) == 1:
        text, error, _ = _analyze_one(jobs[0], axis, args.causal, args.technique, show_progress=True, save=keep)
        results = [(jobs[0].video, text, error)]
    else:
        workers = min(len(jobs), args.workers or os.cpu_count() or 1)
        # one video a core: each video's two time ranges tracked one after the other (the same report)
        results = run_batch(jobs, _analyze_one, (axis, args.causal, args.technique, 1, keep), workers)
    failures = 0
    for video, text, error in results:
        if error:
            failures += 1
            print(f"crossgrain: error: {error}", file=sys.stderr)
        else:
            print(text)
    return EXIT_USAGE if failures else 0


def technique_help() -> str:
    from ..coach.techniques import registry

    reg = registry()
    return "technique to coach: " + ", ".join(f"{name}{' (default)' if name == reg.default else ''}" for name in reg)


def register(sub) -> None:
    from ..coach.techniques import registry

    a = sub.add_parser("analyze", help="analyse one or more videos (or folders of videos)",
                       description="Analyse videos of foot self-massage: labels, segments, holds, score.",
                       epilog="Limits: see README (CROSSGRAIN_MAX_PIXELS, CROSSGRAIN_MAX_FRAMES, "
                              "CROSSGRAIN_MAX_DURATION_S).")
    a.add_argument("videos", nargs="+", metavar="VIDEO", help="video files or folders")
    a.add_argument("--foot-axis", type=foot_axis_or_auto, metavar="DEG|auto",
                   help="the heel-to-toes line as a screen angle: 90 = foot points up the screen, 0 = left-right; "
                        "auto: find the foot in the picture and follow it as it turns")
    add_axis_arguments(a)
    a.add_argument("--causal", action="store_true", help="label with past frames only, exactly as the live view")
    a.add_argument("--json", metavar="OUT", help="write the report as JSON (a folder when several videos)")
    a.add_argument("--csv", metavar="OUT", help="write per-frame labels as CSV (a folder when several videos)")
    a.add_argument("--html", metavar="OUT", help="write a self-contained HTML report (a folder when several videos)")
    a.add_argument("--annotated", metavar="OUT",
                   help="write the video with the overlay drawn (H.264: .mp4, .m4v or .mov; a folder when several)")
    a.add_argument("--technique", default=registry().default, metavar="NAME", help=technique_help())
    a.add_argument("--workers", type=positive_int, default=None, metavar="N",
                   help="worker processes for several videos (default: cores)")
    add_save_options(a)
    a.add_argument("--cluster", metavar="ADDRESS|local", default=None,
                   help="run on a Dask cluster (tcp://HOST:8786), or 'local' for one on this machine; "
                        "needs --json FOLDER; a rerun skips finished videos (pip install 'crossgrain[cluster]')")
    a.set_defaults(func=cmd_analyze)
