"""The HTML reports from the CLI: stills decoded from the videos, files written whole (io/atomic.py)."""

from __future__ import annotations

from pathlib import Path

from ..io.atomic import atomic_write_text
from .common import CliError


def write_text_whole(path: str | Path, text: str) -> None:
    """Through a temporary name: an error or an interruption leaves nothing under the final name."""
    try:
        atomic_write_text(path, text)
    except OSError as exc:
        raise CliError(f"{path}: cannot write it ({exc.strerror or exc})") from None


def stills_for(report, video: str | Path) -> list[tuple[float, bytes]]:
    from ..io.stills import key_frames
    from ..views.html_report import key_frame_times

    return key_frames(video, key_frame_times(report))


def session_html(report, video: str | Path) -> str:
    """The session's HTML page with its key frames."""
    from ..views.html_report import report_html

    return report_html(report, stills_for(report, video))


def side_by_side_for(comparison, reference_video: str | Path, attempt_video: str | Path):
    """Demonstration and attempt stills at the same moments of the routine (paired_frame_times)."""
    from ..io.stills import key_frames
    from ..views.html_report import paired_frame_times

    pairs = paired_frame_times(comparison)

    def stills_at(video, times):  # key_frames answers each wanted time in sorted order (fewer if the video ends)
        return dict(zip(sorted(times), (jpeg for _, jpeg in key_frames(video, times))))

    ref = stills_at(reference_video, [r for r, _ in pairs])
    att = stills_at(attempt_video, [a for _, a in pairs])
    return [(r, ref.get(r), a, att.get(a)) for r, a in pairs]
