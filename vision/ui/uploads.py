"""Checking, storing and analysing an uploaded (or sample) video for the page.

An upload is refused with a message a person can act on before any decoding; an
accepted one is written under a fixed name in a private temporary folder that is
always removed, so the user's file name is only ever shown, never used as a path.
"""

from __future__ import annotations

import math
import shutil
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from ..core.report import Report

ROOT = Path(__file__).resolve().parents[2]
UPLOAD_TYPES = ("mp4", "mov", "webm", "avi", "mkv")


class UploadError(ValueError):
    """An upload refused before analysis; the message is meant for a person."""


def check_upload(display_name: str, size_bytes: int, max_mb: float) -> str:
    """Validate an upload's name and size; return the suffix to store it under (e.g. '.mp4').

    The user's file name is only ever shown, never used as a path.
    """
    suffix = Path(display_name or "").suffix.lower()
    if suffix.lstrip(".") not in UPLOAD_TYPES:
        raise UploadError(f"“{display_name}” is not a supported video type: upload one of "
                          f"{', '.join('.' + t for t in UPLOAD_TYPES)}.")
    if size_bytes <= 0:
        raise UploadError(f"“{display_name}” is empty (0 bytes).")
    if size_bytes > max_mb * 1024 * 1024:
        raise UploadError(f"“{display_name}” is {size_bytes / 1024 / 1024:.0f} MB; the limit is {max_mb:.0f} MB. "
                          "Trim the video or lower its resolution.")
    return suffix


def read_max_upload_mb(config_path: str | Path | None = None, default: float = 200.0) -> float:
    """server.maxUploadSize from .streamlit/config.toml (what Streamlit itself enforces)."""
    path = Path(config_path) if config_path else ROOT / ".streamlit" / "config.toml"
    try:
        import tomllib
        data = tomllib.loads(path.read_text())
        return float(data.get("server", {}).get("maxUploadSize", default))
    except (OSError, ValueError, ImportError):
        return default


class PrivateDir:
    """A private temporary folder (mkdtemp, mode 0700) deleted on exit, whatever happens."""

    def __init__(self, prefix: str = "crossgrain-"):
        self.path = Path(tempfile.mkdtemp(prefix=prefix))

    def __enter__(self) -> Path:
        return self.path

    def __exit__(self, *exc) -> None:
        shutil.rmtree(self.path, ignore_errors=True)


@dataclass
class Analysis:
    """One finished analysis, kept in the page's session state across reruns."""

    display_name: str
    report: Report
    video_mp4: bytes | None
    technique_name: str
    truth: dict | None = None
    elapsed_s: float = 0.0
    timing_note: str | None = None  # set when the file's frame times were repaired (video.timing_note)


def analyze_bytes(data: bytes, display_name: str, foot_axis_deg: float, technique_name: str,
                  max_mb: float, progress: Callable[[int, int | None], None] | None = None,
                  analyze: Callable | None = None) -> Analysis:
    """Check an upload, store it in a private temp dir under a fixed name, analyse it, delete it.

    Raises UploadError for a refused upload and vision.video.VideoError for a file that is no video.
    """
    from ..io.video import VideoError

    suffix = check_upload(display_name, len(data), max_mb)
    with PrivateDir() as tmp:
        src = tmp / f"upload{suffix}"
        src.write_bytes(data)
        try:
            return analyze_path(src, display_name, foot_axis_deg, technique_name, progress, analyze=analyze,
                                tmp=tmp)
        except VideoError as exc:  # name the user's file, not our private temp path
            raise VideoError(str(exc).replace(str(src), f"“{display_name}”")) from None


def analyze_path(path: str | Path, display_name: str, foot_axis_deg: float, technique_name: str,
                 progress: Callable[[int, int | None], None] | None = None, truth: dict | None = None,
                 analyze: Callable | None = None, tmp: Path | None = None) -> Analysis:
    """Analyse a video file (offline labels) with an annotated H.264 copy read back into memory."""
    if analyze is None:
        from ..pipeline import analyze_video as analyze
    t0 = time.monotonic()
    with PrivateDir() as own_tmp:
        out = (tmp or own_tmp) / "annotated.mp4"
        report = analyze(path, foot_axis_deg, causal=False, progress=progress, annotated_path=out,
                         technique_name=technique_name, source=display_name)
        video = out.read_bytes() if out.is_file() and out.stat().st_size > 0 else None
    return Analysis(display_name, report, video, technique_name, truth, time.monotonic() - t0,
                    _timing_note(path))


def _timing_note(path: Path) -> str | None:
    from ..io.video import VideoError, timing_note

    try:
        return timing_note(path)
    except VideoError:  # analysed, so readable; a note is no reason to fail
        return None


def progress_fraction(done: int, total: int | None, duration_hint_frames: int | None = None) -> float:
    """0..1 for st.progress; an unknown total uses a hint or creeps towards 0.95."""
    total = total or duration_hint_frames
    if total:
        return min(max(done / total, 0.0), 1.0)
    return min(0.95, 1.0 - math.exp(-done / 600.0))


def first_clear_still(data: bytes, display_name: str, max_mb: float):
    """A still of an upload's first seconds where the foot is clearest, and the axis found there (or None).

    For drawing the axis before the analysis: the user sees the frame and
    accepts the found axis or clicks heel and toes. The file is stored and
    removed as for an analysis. Returns (rgb, FootAxis or None).
    """
    from ..axis.source import judge_first_seconds
    from ..io.video import VideoError

    suffix = check_upload(display_name, len(data), max_mb)
    with PrivateDir() as tmp:
        src = tmp / f"upload{suffix}"
        src.write_bytes(data)
        try:
            result, still, _ = judge_first_seconds(src, max_side=1280)
        except VideoError as exc:
            raise VideoError(str(exc).replace(str(src), f"“{display_name}”")) from None
    if still is None:
        raise VideoError(f"“{display_name}”: no frame could be shown")
    return still.rgb, result.foot_axis()
