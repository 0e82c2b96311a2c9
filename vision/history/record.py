"""One kept session, read from a report's dict (Report.to_dict()): the store and every view share it.

Figures are read from the report as it is (coaching's score, progress, time done right,
the segments' rates, the holds); nothing here recomputes them.
"""

from __future__ import annotations

import json
import zlib
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from pathlib import Path

FEET = ("left", "right")
STROKE_LABELS = ("cross_grain", "lengthwise", "oblique")


class RecordError(ValueError):
    """A session that cannot be kept as given (one line for the user)."""


@dataclass(frozen=True)
class SessionRecord:
    """A session's row: when, what, which foot, the figures, and what the person said.

    ``at`` is timezone-aware (the day a session counts for is its local date); pain is
    0-10 or None (not said); ``video_path`` only ever points at a copy the user chose to keep.
    """

    at: datetime
    technique: str
    duration_s: float
    score: int | None = None
    progress: float | None = None
    good_s: float | None = None
    rate_per_min: float | None = None
    longest_hold_s: float | None = None
    foot: str | None = None
    pain_before: int | None = None
    pain_after: int | None = None
    tingling: bool = False
    source: str = ""
    video_path: str | None = None
    frames_json_z: bytes = field(default=b"", repr=False)
    n_frames: int = 0
    id: int | None = None
    uid: str | None = None

    def __post_init__(self):
        if self.at.tzinfo is None:
            raise RecordError("a session's time must carry its timezone")
        if self.foot is not None and self.foot not in FEET:
            raise RecordError(f"foot must be left or right, got {self.foot!r}")
        for name in ("pain_before", "pain_after"):
            value = getattr(self, name)
            if value is not None and (isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 10):
                raise RecordError(f"{name.replace('_', ' ')} must be a whole number from 0 to 10, got {value!r}")
        if not self.technique:
            raise RecordError("a session needs its technique")

    @property
    def day(self):
        """The local calendar day the session counts for."""
        return self.at.astimezone().date()

    def frames(self) -> list[dict]:
        """The per-frame verdicts as the report had them."""
        return json.loads(zlib.decompress(self.frames_json_z)) if self.frames_json_z else []

    def summary(self) -> dict:
        """Everything but the frames, in JSON-friendly form (the CLI, export)."""
        return {"id": self.id, "uid": self.uid, "time": self.at.isoformat(timespec="seconds"),
                "technique": self.technique, "foot": self.foot, "score": self.score,
                "progress": self.progress, "duration_s": self.duration_s, "good_s": self.good_s,
                "rate_per_min": self.rate_per_min, "longest_hold_s": self.longest_hold_s,
                "pain_before": self.pain_before, "pain_after": self.pain_after, "tingling": self.tingling,
                "source": self.source, "video_path": self.video_path, "frames": self.n_frames}


def compress_frames(frames: list[dict]) -> bytes:
    return zlib.compress(json.dumps(frames, separators=(",", ":")).encode(), 6)


def main_rate(report: dict) -> float | None:
    """The rate of the longest stroking segment (the segment's own figure)."""
    strokes = [s for s in report.get("segments", []) if s.get("label") in STROKE_LABELS and s.get("rate_per_min")]
    if not strokes:
        return None
    return max(strokes, key=lambda s: s["end_s"] - s["start_s"])["rate_per_min"]


def video_session(report: dict, video: str | Path, sha256: str | None = None, **said) -> SessionRecord:
    """The session of one analysed video file, for ``Store.keep``: named by the video's content (its
    sha256), so analysing the same video again updates that session instead of adding a second; dated by
    the file's modification time, when the practice was recorded rather than when it was analysed. The
    CLI's --save uses this on every path (one video, the local pool, a cluster)."""
    from ..batch.resume import file_sha256

    video = Path(video)
    at = datetime.fromtimestamp(video.stat().st_mtime, timezone.utc).astimezone()
    rec = record_from_report(report, at=at, **said)
    return replace(rec, uid=f"video-sha256-{sha256 or file_sha256(video)}")


def record_from_report(report: dict, *, at: datetime | None = None, foot: str | None = None,
                       pain_before: int | None = None, pain_after: int | None = None,
                       tingling: bool = False, video_path: str | None = None) -> SessionRecord:
    """A SessionRecord from ``Report.to_dict()``: coaching's figures, the frames compressed."""
    if not isinstance(report, dict) or "frames" not in report:
        raise RecordError("not a CrossGrain report (no frames)")
    coaching = report.get("coaching") or {}
    debrief = coaching.get("debrief") or {}
    summary = report.get("summary") or {}
    technique = report.get("technique") or coaching.get("technique") or "unknown"
    longest = debrief.get("longest_good_hold_s", summary.get("longest_hold_s"))
    return SessionRecord(
        at=at or datetime.now(timezone.utc).astimezone(),
        technique=technique,
        duration_s=float(report.get("duration_s") or 0.0),
        score=coaching.get("score"),
        progress=coaching.get("progress"),
        good_s=debrief.get("good_s"),
        rate_per_min=main_rate(report),
        longest_hold_s=longest,
        foot=foot, pain_before=pain_before, pain_after=pain_after, tingling=bool(tingling),
        source=str(report.get("source") or ""),
        video_path=video_path,
        frames_json_z=compress_frames(report["frames"]),
        n_frames=len(report["frames"]),
    )
