"""The analysis report (design.md's `crossgrain.report/1`) and its JSON and CSV forms.

A Report is built once from a stream's verdicts (vision/pipeline.py build_report)
and never changed afterwards: every page, file and summary reads it as it is.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

from .holds import Hold

SCHEMA = "crossgrain.report/1"


@dataclass(frozen=True)
class FrameRecord:
    """One decoded frame's verdict, as the report keeps it.

    thumb_xy (the tip) and joints_xy (the centre of the thumb's joints, whose
    travel gives the stroke's direction) in pixels; palm_px the smoothed palm
    width; foot_axis_deg the axis the frame was judged against and axis_source
    where it came from; credited_s the seconds the frame accounts for (the gap
    since the previous frame, 0 after a stall); right: done right for the technique.
    """

    i: int
    t: float
    label: str
    angle_to_grain_deg: float | None = None
    thumb_xy: tuple[float, float] | None = None
    palm_px: float | None = None
    joints_xy: tuple[float, float] | None = None
    foot_axis_deg: float | None = None
    axis_source: str | None = None
    credited_s: float = 0.0
    stroke_angle_deg: float | None = None
    rate_per_min: float | None = None
    amplitude_palm: float | None = None
    hold_s: float = 0.0
    right: bool = False
    other_thumb_label: str | None = None  # when both thumbs work: the second one's label, angle and tip
    other_thumb_angle_to_grain_deg: float | None = None
    other_thumb_xy: tuple[float, float] | None = None


@dataclass(frozen=True)
class Segment:
    """A stretch of one label; stroke figures are None for holds and missing hands."""

    label: str
    start_s: float
    end_s: float
    rate_per_min: float | None = None
    amplitude_palm: float | None = None
    angle_to_grain_deg: float | None = None

    @property
    def duration_s(self) -> float:
        return self.end_s - self.start_s


@dataclass(frozen=True)
class AxisSpan:
    """From ``start_s`` on (until the next span), frames were judged against this axis: exactly, or
    (a followed axis, which moves a little every frame) within AXIS_SPAN_TOLERANCE_DEG of it.
    Each frame keeps its own exact axis."""

    start_s: float
    foot_axis_deg: float
    source: str


@dataclass(frozen=True)
class Report:
    source: str
    fps: float
    duration_s: float
    foot_axis_deg: float  # the axis at the start; each frame records its own (``axes``: when it changed)
    frames: list[FrameRecord] = field(default_factory=list)
    segments: list[Segment] = field(default_factory=list)
    holds: list[Hold] = field(default_factory=list)
    summary: dict = field(default_factory=dict)
    schema: str = SCHEMA
    technique: str | None = None  # the technique coached (vision/coach/techniques.toml)
    coaching: dict | None = None  # targets, score, progress, debrief, warnings (vision/coach/scoring.py)
    axes: list[AxisSpan] = field(default_factory=list)

    def to_dict(self) -> dict:
        frames = []
        for f in self.frames:
            d = asdict(f)
            d["t"] = round(f.t, 4)
            if f.angle_to_grain_deg is not None:
                d["angle_to_grain_deg"] = round(f.angle_to_grain_deg, 1)
            if f.thumb_xy is not None:
                d["thumb_xy"] = [round(v, 1) for v in f.thumb_xy]
            if f.palm_px is not None:
                d["palm_px"] = round(f.palm_px, 1)
            if f.joints_xy is not None:
                d["joints_xy"] = [round(v, 1) for v in f.joints_xy]
            for name in ("foot_axis_deg", "stroke_angle_deg", "rate_per_min", "other_thumb_angle_to_grain_deg"):
                if d[name] is not None:
                    d[name] = round(d[name], 1)
            if f.amplitude_palm is not None:
                d["amplitude_palm"] = round(f.amplitude_palm, 3)
            d["credited_s"] = round(f.credited_s, 4)
            d["hold_s"] = round(f.hold_s, 3)
            if f.other_thumb_label is None:  # one thumb working: most frames of most sessions
                del d["other_thumb_label"], d["other_thumb_angle_to_grain_deg"], d["other_thumb_xy"]
            elif f.other_thumb_xy is not None:
                d["other_thumb_xy"] = [round(v, 1) for v in f.other_thumb_xy]
            frames.append(d)
        return {
            "schema": self.schema,
            "source": self.source,
            "fps": round(self.fps, 3),
            "duration_s": round(self.duration_s, 3),
            "foot_axis_deg": self.foot_axis_deg,
            "frames": frames,
            "segments": [_rounded(asdict(s)) for s in self.segments],
            "holds": [_rounded(asdict(h)) for h in self.holds],
            "axes": [_rounded(asdict(a)) for a in self.axes],
            "summary": self.summary,
            **({"technique": self.technique} if self.technique else {}),
            **({"coaching": self.coaching} if self.coaching is not None else {}),
        }

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=1)

    def write_json(self, path: str | Path) -> None:
        Path(path).write_text(self.to_json())

    @property
    def longest_hold_s(self) -> float:
        return max((h.duration_s for h in self.holds), default=0.0)

    def to_csv(self) -> str:
        """One row a frame: i, t, label, angle_to_grain_deg, thumb_x, thumb_y, foot_axis_deg, right."""
        buf = io.StringIO()
        writer = csv.writer(buf)
        writer.writerow(["i", "t", "label", "angle_to_grain_deg", "thumb_x", "thumb_y", "foot_axis_deg", "right"])
        for f in self.frames:
            x, y = f.thumb_xy if f.thumb_xy is not None else ("", "")
            writer.writerow([f.i, f"{f.t:.4f}", f.label,
                             "" if f.angle_to_grain_deg is None else f"{f.angle_to_grain_deg:.1f}",
                             x if x == "" else f"{x:.1f}", y if y == "" else f"{y:.1f}",
                             "" if f.foot_axis_deg is None else f"{f.foot_axis_deg:.1f}", int(f.right)])
        return buf.getvalue()

    def write_csv(self, path: str | Path) -> None:
        Path(path).write_text(self.to_csv())


def _rounded(d: dict) -> dict:
    return {k: round(v, 3) if isinstance(v, float) else v for k, v in d.items()}
