"""The analysis report (design.md's `crossgrain.report/1`) and its JSON, CSV and text forms."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

SCHEMA = "crossgrain.report/1"


@dataclass(frozen=True)
class FrameRecord:
    """One decoded frame's verdict.

    thumb_xy (the tip) and joints_xy (the centre of the thumb's joints, whose
    travel gives the stroke's direction) in pixels; palm_px the smoothed palm width.
    """

    i: int
    t: float
    label: str
    angle_to_grain_deg: float | None = None
    thumb_xy: tuple[float, float] | None = None
    palm_px: float | None = None
    joints_xy: tuple[float, float] | None = None


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
class Hold:
    start_s: float
    end_s: float
    duration_s: float
    drift_palm: float


@dataclass
class Report:
    source: str
    fps: float
    duration_s: float
    foot_axis_deg: float
    frames: list[FrameRecord] = field(default_factory=list)
    segments: list[Segment] = field(default_factory=list)
    holds: list[Hold] = field(default_factory=list)
    summary: dict = field(default_factory=dict)
    schema: str = SCHEMA
    technique: str | None = None  # the technique coached (vision/coach/techniques.toml)
    coaching: dict | None = None  # targets, score, components, debrief, warnings (vision/scoring.py)

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
            "summary": self.summary,
            **({"technique": self.technique} if self.technique else {}),
            **({"coaching": self.coaching} if self.coaching is not None else {}),
        }

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=1)

    def write_json(self, path: str | Path) -> None:
        Path(path).write_text(self.to_json())

    def to_csv(self) -> str:
        """One row a frame: i, t, label, angle_to_grain_deg, thumb_x, thumb_y."""
        buf = io.StringIO()
        writer = csv.writer(buf)
        writer.writerow(["i", "t", "label", "angle_to_grain_deg", "thumb_x", "thumb_y"])
        for f in self.frames:
            x, y = f.thumb_xy if f.thumb_xy is not None else ("", "")
            writer.writerow([f.i, f"{f.t:.4f}", f.label,
                             "" if f.angle_to_grain_deg is None else f"{f.angle_to_grain_deg:.1f}",
                             x if x == "" else f"{x:.1f}", y if y == "" else f"{y:.1f}"])
        return buf.getvalue()

    def write_csv(self, path: str | Path) -> None:
        Path(path).write_text(self.to_csv())


def _rounded(d: dict) -> dict:
    return {k: round(v, 3) if isinstance(v, float) else v for k, v in d.items()}
