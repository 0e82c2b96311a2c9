"""The text of the live page's panel beside the video, and the sidebar's small helpers.

Turns a LiveSnapshot into strings (label, hold timer, rate, score, correction) and
notices when the camera stops sending, so the page only places them in widgets.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

from ..coach.techniques import TECHNIQUES
from .labels import COMPONENT_TITLES, label_title

STALL_S = 2.0  # playing, but no frame for this long: the camera has stopped sending


@dataclass(frozen=True)
class LivePanel:
    """What the panel beside the video shows, as text."""

    status: str  # 'waiting' | 'live' | 'stalled' | 'stopped'
    message: str
    technique: str
    label: str
    quality: str
    good_time: str
    rate: str
    hold: str
    longest_hold: str
    correction: str
    fps: str
    fps_value: float
    score: str = "–"
    components: tuple = ()  # ((title, "80%"), ...)
    guide: str | None = None
    holds_completed: str | None = None
    side: str | None = None


def fmt_duration(seconds: float | None) -> str:
    if seconds is None:
        return "–"
    seconds = max(0.0, float(seconds))
    if seconds < 60:
        return f"{seconds:.1f} s"
    return f"{int(seconds // 60)}:{int(seconds % 60):02d} min"


def live_panel(snap, playing: bool, now: float | None = None, stall_s: float = STALL_S) -> LivePanel:
    """Turn a LiveSnapshot into the panel's text; says so when frames stop arriving."""
    now = time.monotonic() if now is None else now
    tech = TECHNIQUES.get(snap.technique)
    title = tech.title if tech else snap.technique
    if not playing:
        status, message = ("stopped", "Camera stopped. The session's report is below.") if snap.frames else \
            ("waiting", "Press START to turn on the camera.")
    elif snap.last_frame_wall is None:
        status, message = "waiting", "Connecting to the camera… (allow camera access if the browser asks)"
    elif now - snap.last_frame_wall > stall_s:
        status, message = "stalled", (f"The camera stopped sending frames {now - snap.last_frame_wall:.0f} s ago: "
                                      "check that it is still connected and not used by another program, "
                                      "or press STOP and START again.")
    else:
        status, message = "live", "Live"
    # the hold timer counts only while the hold is good (snap.hold_good_s), when the coach keeps one
    hold_s = snap.hold_good_s if getattr(snap, "hold_good_s", None) is not None else snap.hold_s
    if tech and tech.target_hold_s:
        hold = f"{fmt_duration(hold_s)} of {tech.target_hold_s:.0f} s"
    else:
        hold = fmt_duration(hold_s)
    paused = getattr(snap, "hold_paused", None)
    if paused and status == "live":
        hold += " (paused)"
    correction = snap.correction or ("Good: keep going" if snap.quality == "good" else "–")
    if status != "live":
        correction = "–"
    return LivePanel(
        status=status, message=message, technique=title, label=label_title(snap.label), quality=snap.quality,
        good_time=fmt_duration(snap.good_s),
        rate="–" if snap.rate_per_min is None else f"{snap.rate_per_min:.0f} /min",
        hold=hold, longest_hold=fmt_duration(snap.longest_hold_s), correction=correction,
        fps=f"{snap.fps:.1f} fps" if status == "live" else "–", fps_value=float(snap.fps),
        score="–" if getattr(snap, "score", None) is None or not snap.frames else f"{snap.score:.0f} / 100",
        components=tuple((COMPONENT_TITLES.get(k, k), f"{100 * v:.0f}%") for k, v in getattr(snap, "components", ())),
        guide=(paused.capitalize() if paused and status == "live" and not getattr(snap, "guide", None)
               else getattr(snap, "guide", None)) if status == "live" else None,
        holds_completed=(f"{snap.holds_completed}" if tech and tech.kind == "hold" and tech.target_hold_s else None),
        side=(f"{snap.side}: " + ", ".join(fmt_duration(w) for w in snap.side_work_s)
              if getattr(snap, "side", None) else None),
    )


def axis_preview_svg(foot_axis_deg: float, size: int = 88) -> str:
    """A small drawing of the foot axis as it will lie on the video (screen angle, CCW from +x).

    Dashed and named "grain" as the overlay draws it; an axis has no direction, so no arrow head.
    """
    c = size / 2
    r = size * 0.40
    a = math.radians(foot_axis_deg)
    dx, dy = r * math.cos(a), -r * math.sin(a)
    x1, y1, x2, y2 = c - dx, c - dy, c + dx, c + dy
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{size}" height="{size + 18}" '
            f'viewBox="0 0 {size} {size + 18}" role="img" aria-label="foot axis {foot_axis_deg:.0f} degrees">'
            f'<rect x="1" y="1" width="{size - 2}" height="{size - 2}" rx="8" fill="#1e1e1e" stroke="#555"/>'
            f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" stroke="rgb(80,200,255)" '
            f'stroke-width="4" stroke-dasharray="8 5" stroke-linecap="round"/>'
            f'<text x="{c:.0f}" y="{size + 14}" fill="#888" font-size="12" text-anchor="middle" '
            f'font-family="sans-serif">grain {foot_axis_deg:.0f}°</text></svg>')


def technique_options() -> dict[str, str]:
    """name -> title, from the engine's registry (whatever techniques it has)."""
    return {name: t.title for name, t in TECHNIQUES.items()}
