"""`crossgrain compare REFERENCE ATTEMPT_VIDEO --foot-axis DEG [--json OUT] [--html OUT]`."""

from __future__ import annotations

import json

from .axis import foot_axis_or_auto
from .common import CliError
from .html_out import side_by_side_for, stills_for, write_text_whole
from .reference import analyze_or_fail


def format_comparison(comparison) -> str:
    """The sentences a therapist would say, then each stretch of the demonstration."""
    lines = [(f"{comparison.attempt_source} against {comparison.reference_source}: "
              f"similarity {comparison.similarity}/100")]
    lines += [f"  {s}" for s in comparison.said[:-1]]
    for s in comparison.stretches:
        lines.append(f"    demonstration {s.reference_start_s:5.1f}-{s.reference_end_s:5.1f} s ({s.label}) ~ "
                     f"attempt {s.attempt_start_s:5.1f}-{s.attempt_end_s:5.1f} s: {s.said}")
    return "\n".join(lines)


def cmd_compare(args) -> int:
    from ..compare import compare
    from ..compare.references import ReferenceError, reference_or_report

    try:
        with reference_or_report(args.reference) as (reference, reference_video):
            technique_name = args.technique or reference.technique or "cross_friction"
            attempt = analyze_or_fail(args.attempt, args.foot_axis, technique_name)
            comparison = compare(reference, attempt)
            print(format_comparison(comparison))
            if args.json:
                write_text_whole(args.json, json.dumps(comparison.to_dict(), indent=1))
            if args.html:
                from ..views.html_report import comparison_html

                pairs = side_by_side_for(comparison, reference_video, args.attempt) if reference_video else None
                write_text_whole(args.html, comparison_html(comparison, reference, attempt,
                                                            stills_for(attempt, args.attempt), side_by_side=pairs))
    except ReferenceError as exc:
        raise CliError(str(exc)) from None
    return 0


def register(sub) -> None:
    c = sub.add_parser("compare", help="compare an attempt video with a saved demonstration")
    c.add_argument("reference", metavar="REFERENCE", help="a saved reference's name, or a report JSON file")
    c.add_argument("attempt", metavar="ATTEMPT_VIDEO")
    c.add_argument("--foot-axis", type=foot_axis_or_auto, required=True, metavar="DEG|auto",
                   help="the heel-to-toes line in the attempt video (90 = foot points up the screen), or auto")
    c.add_argument("--technique", default=None, help="technique to coach (default: the reference's)")
    c.add_argument("--json", metavar="OUT", help="write the comparison as JSON")
    c.add_argument("--html", metavar="OUT", help="write a self-contained HTML report of the comparison")
    c.set_defaults(func=cmd_compare)
