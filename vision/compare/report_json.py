"""A Report read back from its JSON (`crossgrain.report/1`): references are stored as report files.

The inverse of ``Report.to_dict``: figures come back as the report wrote them
(rounded), nothing is recomputed. Fields a newer report adds are ignored.
"""

from __future__ import annotations

import json
from dataclasses import fields
from pathlib import Path

from ..core.holds import Hold
from ..core.report import SCHEMA, AxisSpan, FrameRecord, Report, Segment


class ReportFormatError(ValueError):
    """The file is not a readable crossgrain report."""


def _build(cls, d: dict):
    names = {f.name for f in fields(cls)}
    kwargs = {k: v for k, v in d.items() if k in names}
    for key in ("thumb_xy", "joints_xy", "other_thumb_xy"):
        if kwargs.get(key) is not None:
            kwargs[key] = tuple(kwargs[key])
    return cls(**kwargs)


def report_from_dict(d: dict) -> Report:
    if not isinstance(d, dict) or d.get("schema") != SCHEMA:
        raise ReportFormatError(f"not a {SCHEMA} report (schema {d.get('schema') if isinstance(d, dict) else None!r})")
    try:
        return Report(
            source=d["source"], fps=float(d["fps"]), duration_s=float(d["duration_s"]),
            foot_axis_deg=float(d["foot_axis_deg"]),
            frames=[_build(FrameRecord, f) for f in d.get("frames", [])],
            segments=[_build(Segment, s) for s in d.get("segments", [])],
            holds=[_build(Hold, h) for h in d.get("holds", [])],
            summary=d.get("summary", {}), technique=d.get("technique"), coaching=d.get("coaching"),
            axes=[_build(AxisSpan, a) for a in d.get("axes", [])],
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise ReportFormatError(f"damaged report: {exc}") from None


def load_report(path: str | Path) -> Report:
    """Read a report JSON file; ReportFormatError (one line) for anything else."""
    try:
        data = json.loads(Path(path).read_text())
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ReportFormatError(f"{path}: cannot read a report ({exc})") from None
    return report_from_dict(data)
