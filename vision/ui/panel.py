"""The text of the live page's panel beside the video, and the sidebar's small helpers.

Turns a LiveSnapshot into strings (label, hold timer, rate, score, correction) and
notices when the camera stops sending, so the page only places them in widgets.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

from ..coach.techniques import registry
from ..core.labels import STROKE_LABELS
from .labels import COMPONENT_TITLES, SETTLING_GUIDE, label_title

STALL_S = 2.0  # playing, but no frame for this long (analysed or passed through): the camera has stopped


@dataclass(frozen=True)
class LivePanel:
    """What the panel beside the video shows, as text."""

    status: str  # 'waiting' | 'live' | 'slow' (live, but too few frames analysed to judge) | 'stalled' | 'stopped'
    # | 'lost' (stopped after the picture had stopped arriving: a lost connection)
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
    progress: str = "–"
    components: tuple = ()  # ((title, "80%"), ...)
    guide: str | None = None
    holds_completed: str | None = None
    side: str | None = None
    other_thumb: str | None = None  # both thumbs working: what the second one does, in words


def fmt_duration(seconds: float | None) -> str:
    if seconds is None:
        return "–"
    seconds = max(0.0, float(seconds))
    if seconds < 60:
        return f"{seconds:.1f} s"
    return f"{int(seconds // 60)}:{int(seconds % 60):02d} min"


def live_panel(snap, playing: bool, technique_name: str | None = None, now: float | None = None,
               stall_s: float = STALL_S, pacing=None, lost_before_stop_s: float | None = None) -> LivePanel:
    """Turn a LiveSnapshot (its latest verdict) into the panel's text; says so when frames stop arriving.

    ``technique_name`` is the sidebar's choice: the panel names it even before
    the first frame of a session coached for it arrives. ``pacing`` (a
    frame_pacing.PacingStats) says how many frames a second are analysed: below
    its ``min_fps`` strokes cannot be told from holds, and the panel says so
    ("slow") instead of judging. ``lost_before_stop_s``: the stopped stream's
    picture had stopped arriving this long before it closed (the browser gave
    up on a lost connection; a STOP pressed by the user comes with the picture
    still arriving): the panel says the connection was lost ("lost").
    """
    now = time.monotonic() if now is None else now
    name = technique_name or snap.technique
    tech = registry().get(name)
    title = tech.title if tech else name
    v = snap.verdict if snap.technique == name else None
    if not playing and v is not None and lost_before_stop_s:
        status, message = "lost", (f"The connection to the camera was lost: no picture came for "
                                   f"{lost_before_stop_s:.0f} s, then the stream closed. The session up to then "
                                   "is below. Press START to go on (a new session); if it will not start, "
                                   "reload the page.")
    elif not playing:
        status, message = ("stopped", "Camera stopped. The session's report is below.") if v is not None else \
            ("waiting", "Press START to turn on the camera.")
    elif snap.last_frame_wall is None or v is None:
        status, message = "waiting", "Connecting to the camera… (allow camera access if the browser asks)"
    elif now - snap.last_frame_wall > stall_s:
        status, message = "stalled", (f"The camera stopped sending frames {now - snap.last_frame_wall:.0f} s ago: "
                                      "check that it is still connected and not used by another program, "
                                      "or press STOP and START again.")
    elif pacing is not None and pacing.too_slow:
        status, message = "slow", (f"Analysis too slow to judge: {pacing.analysed_fps:.0f} frames a second "
                                   f"analysed (of {pacing.camera_fps:.0f}), at least {pacing.min_fps:.0f} are "
                                   "needed to tell strokes from holds. Close other programs or tabs.")
    else:
        status, message = "live", "Live"
    live = status == "live"
    c = v.coaching if v is not None else None
    holding = tech is not None and tech.kind == "hold"
    hold_s = (c.hold_good_s if holding else v.hold_s) if c is not None else None
    hold = fmt_duration(hold_s)
    if tech and tech.target_hold_s:  # the target shows before the first frame: "0.0 s of 90 s"
        hold = f"{fmt_duration(hold_s or 0.0)} of {tech.target_hold_s:.0f} s"
    if c is not None and c.hold_paused and live:
        hold += " (paused)"
    correction = "–"
    if live and c is not None:
        correction = c.correction or ("Good: keep going" if c.quality == "good" else "–")
    guide = None
    if live and c is not None:
        guide = c.guide or (c.hold_paused.capitalize() if c.hold_paused else None)
        if guide is None and v.label == "settling":
            guide = SETTLING_GUIDE
    fps = "–"
    if status in ("live", "slow"):
        skipping = pacing is not None and pacing.analysed_share < 0.98 and pacing.camera_fps > 0
        fps = (f"{snap.fps:.0f} of {pacing.camera_fps:.0f} frames a second" if skipping
               else f"{snap.fps:.0f} frames a second")
    return LivePanel(
        status=status, message=message, technique=title,
        label=label_title(v.label) if live and v is not None else "–",
        quality=c.quality if live and c is not None else "idle",
        good_time=fmt_duration(c.right_s if c is not None else None),
        rate="–" if not live or v is None or v.rate_per_min is None else f"{v.rate_per_min:.0f} strokes a minute",
        hold=hold, longest_hold=fmt_duration((c.longest_good_hold_s if holding else c.longest_hold_s)
                                            if c is not None else None),
        correction=correction, fps=fps, fps_value=float(snap.fps),
        score="–" if c is None or c.score is None else f"{c.score:.0f} / 100",
        progress="–" if c is None else f"{100 * c.progress:.0f}%",
        components=tuple((COMPONENT_TITLES.get(k, k), f"{100 * val:.0f}%") for k, val in (c.components if c else ())),
        guide=guide,
        holds_completed=(f"{c.holds_completed}" if c is not None and holding and tech.target_hold_s else None),
        side=(f"{c.side}: " + ", ".join(fmt_duration(w) for w in c.side_work_s)
              if c is not None and c.side else None),
        other_thumb=other_thumb_text(v.other_thumb) if live and v is not None and v.other_thumb else None,
    )


def other_thumb_text(other) -> str:
    """The second working thumb (an OtherThumb) in words: "Cross-grain, 80 strokes a minute"."""
    text = label_title(other.label)
    if other.label in STROKE_LABELS and other.rate_per_min:
        text += f", {other.rate_per_min:.0f} strokes a minute"
    return text


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
            # the caption inside the dark box: light text on the sidebar's light grey could not be read
            f'<rect x="1" y="1" width="{size - 2}" height="{size + 16}" rx="8" fill="#1e1e1e" stroke="#555"/>'
            f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" stroke="rgb(80,200,255)" '
            f'stroke-width="4" stroke-dasharray="8 5" stroke-linecap="round"/>'
            f'<text x="{c:.0f}" y="{size + 9}" fill="#e6e6e6" font-size="12" text-anchor="middle" '
            f'font-family="sans-serif">grain {foot_axis_deg:.0f}°</text></svg>')


def axis_unused_text(tech) -> str:
    """Why the foot-axis slider is disabled for a technique."""
    if not tech.camera:
        return f"The foot axis is not used: {tech.title} is a timer, with no camera."
    if tech.kind == "hold":
        return f"The foot axis is not used: {tech.title} is judged on stillness, not on direction."
    return f"The foot axis is not used: for {tech.title} every stroke direction counts."


def technique_options() -> dict[str, str]:
    """name -> title, from the engine's registry (whatever techniques it has)."""
    return {name: t.title for name, t in registry().items()}
