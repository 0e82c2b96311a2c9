"""`crossgrain reference add|list|export|import`: saved demonstrations (vision/compare/references.py)."""

from __future__ import annotations

from pathlib import Path

from .axis import foot_axis_or_auto
from .common import CliError, ProgressBar


def analyze_or_fail(video: str, foot_axis_deg: float, technique_name: str):
    """analyze_video with the CLI's one-line errors (shared with `crossgrain compare`).

    ``foot_axis_deg``: degrees, or "auto" (found in the first seconds and followed)."""
    from ..axis.source import AxisNotFound
    from ..coach.techniques import registry
    from ..io.video import VideoError
    from ..pipeline import analyze_video

    if technique_name not in registry():
        raise CliError(f"unknown technique {technique_name!r}; choose from {', '.join(registry())}")
    path = Path(video)
    if not path.is_file():
        raise CliError(f"{path}: no such file")
    bar = ProgressBar(path.name)
    try:
        return analyze_video(path, foot_axis_deg, progress=bar, technique_name=technique_name)
    except (VideoError, AxisNotFound) as exc:
        raise CliError(str(exc)) from None
    except OSError as exc:
        raise CliError(f"{path}: {exc.strerror or exc}") from None
    finally:
        bar.finish()


def cmd_add(args) -> int:
    from ..compare.references import ReferenceError, add_reference, check_name

    try:
        check_name(args.name)
        report = analyze_or_fail(args.video, args.foot_axis, args.technique)
        if report.summary.get("note"):
            raise CliError(f"{Path(args.video).name}: {report.summary['note']}: nothing to save as a demonstration")
        ref = add_reference(args.name, report, video=args.video if args.keep_video else None,
                            technique=args.technique)
    except ReferenceError as exc:
        raise CliError(str(exc)) from None
    kept = "with its video" if ref.video else "without the video (use --keep-video to keep it)"
    print(f"saved reference {ref.name!r}: {ref.duration_s:.1f} s of {ref.technique}, {len(report.segments)} segments, "
          f"{len(report.holds)} holds, {kept}; in {ref.db_path}")
    return 0


def cmd_list(args) -> int:
    from ..compare.references import ReferenceError, db_path, list_references

    try:
        refs = list_references()
    except ReferenceError as exc:
        raise CliError(str(exc)) from None
    if not refs:
        print(f"no references saved yet (in {db_path()})")
        return 0
    for r in refs:
        print(f"{r.name:<24} {r.technique or '-':<20} {r.duration_s:6.1f} s  foot axis {r.foot_axis_deg:.0f} deg  "
              f"{r.created}  {'video kept' if r.video else 'no video'}  (from {r.source})")
    return 0


def cmd_export(args) -> int:
    from ..compare.references import ReferenceError, export_reference

    try:
        out = export_reference(args.name, args.out)
    except ReferenceError as exc:
        raise CliError(str(exc)) from None
    except OSError as exc:
        raise CliError(f"{args.out}: {exc.strerror or exc}") from None
    print(f"exported {args.name!r} to {out}")
    return 0


def cmd_import(args) -> int:
    from ..compare.references import ReferenceError, import_reference

    if not Path(args.file).is_file():
        raise CliError(f"{args.file}: no such file")
    try:
        ref = import_reference(args.file, name=args.name)
    except ReferenceError as exc:
        raise CliError(str(exc)) from None
    print(f"imported reference {ref.name!r} ({ref.duration_s:.1f} s of {ref.technique or 'unknown technique'})")
    return 0


def register(sub) -> None:
    r = sub.add_parser("reference", help="save, list, export and import demonstrations to compare with")
    rs = r.add_subparsers(dest="reference_command", required=True)
    a = rs.add_parser("add", help="analyse a demonstration video and save it as a named reference")
    a.add_argument("video", metavar="VIDEO")
    a.add_argument("--name", required=True, help="the reference's name")
    a.add_argument("--foot-axis", type=foot_axis_or_auto, required=True, metavar="DEG|auto",
                   help="the heel-to-toes line as a screen angle (90 = foot points up the screen), "
                        "or auto: found in the first seconds and followed")
    a.add_argument("--technique", default="cross_friction", help="technique demonstrated (default: cross_friction)")
    a.add_argument("--keep-video", action="store_true", help="keep a copy of the video in the reference")
    a.set_defaults(func=cmd_add)
    rs.add_parser("list", help="list saved references").set_defaults(func=cmd_list)
    e = rs.add_parser("export", help="write a reference as one file to give to someone")
    e.add_argument("name", metavar="NAME")
    e.add_argument("out", metavar="OUT")
    e.set_defaults(func=cmd_export)
    i = rs.add_parser("import", help="add a reference from an exported file")
    i.add_argument("file", metavar="FILE")
    i.add_argument("--name", default=None, help="save it under another name")
    i.set_defaults(func=cmd_import)
