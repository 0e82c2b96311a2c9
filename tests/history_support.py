"""Reports and histories for the history tests: real Report objects, their to_dict(), saved to real files."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from vision.core.report import FrameRecord, Hold, Report, Segment
from vision.history.record import record_from_report


def report_dict(technique: str = "cross_friction", score: int = 80, seconds: float = 10.0, fps: float = 10.0,
                good_s: float = 6.0) -> dict:
    n = int(seconds * fps)
    frames = [FrameRecord(i, i / fps, "cross_grain" if i < 0.6 * n else "hold", thumb_xy=(100.0 + i % 7, 200.0),
                          palm_px=50.0, credited_s=1 / fps, right=i < 0.6 * n) for i in range(n)]
    report = Report(source="clip.mp4", fps=fps, duration_s=seconds, foot_axis_deg=90.0, frames=frames,
                    segments=[Segment("cross_grain", 0.0, 0.6 * seconds, 88.0, 0.2, 84.0),
                              Segment("hold", 0.6 * seconds, seconds)],
                    holds=[Hold(0.6 * seconds, seconds, 0.4 * seconds, 0.02)],
                    summary={"frames": n, "longest_hold_s": 0.4 * seconds}, technique=technique,
                    coaching={"technique": technique, "title": technique, "score": score, "progress": 0.5,
                              "debrief": {"good_s": good_s, "work_s": 0.6 * seconds}})
    return report.to_dict()


def day_at(days_ago: int, hour: int = 21, now: datetime | None = None) -> datetime:
    now = now or datetime.now(timezone.utc).astimezone()
    return (now - timedelta(days=days_ago)).replace(hour=hour, minute=0, second=0, microsecond=0)


def record(days_ago: int = 0, technique: str = "cross_friction", score: int = 80, hour: int = 21, **said):
    return record_from_report(report_dict(technique, score), at=day_at(days_ago, hour), **said)
