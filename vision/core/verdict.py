"""FrameVerdict: everything derived for one frame, computed once, immutable.

The engine (vision/engine.py) makes one verdict a frame; every view (overlay,
live panel, report, CLI summary, debrief, tables) is a function of verdicts,
so a figure has one owner and every view shows the same number.

Units: pixels for positions, palm widths for lengths ending in ``_palm``,
seconds for ``_s``, screen degrees for ``stroke_angle_deg`` (design.md
section 1), acute degrees to the foot axis for ``angle_to_grain_deg``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .axis import FootAxis
from .holds import Hold
from .labels import Label


@dataclass(frozen=True)
class OtherThumb:
    """The second working thumb's motion verdict, when both thumbs work (vision/core/other_thumb.py)."""

    label: Label
    thumb_xy: tuple[float, float] | None = None
    stroke_angle_deg: float | None = None
    angle_to_grain_deg: float | None = None
    rate_per_min: float | None = None
    amplitude_palm: float | None = None


@dataclass(frozen=True)
class FrameVerdict:
    i: int  # frame index in the stream
    t: float  # seconds from the start, monotonic (vision/core/timebase.py)
    credited_s: float  # seconds this frame accounts for: the gap since the previous frame, 0 after a stall
    label: Label
    axis: FootAxis  # the foot axis this frame was judged against, and where it came from
    thumb_xy: tuple[float, float] | None = None  # the tip
    joints_xy: tuple[float, float] | None = None  # the centre of the thumb's joints (the stroke line's point)
    palm_px: float | None = None  # smoothed palm width, the unit of size
    stroke_angle_deg: float | None = None
    angle_to_grain_deg: float | None = None
    rate_per_min: float | None = None  # to-and-fro cycles a minute, over the recent strokes
    amplitude_palm: float | None = None  # half the peak-to-peak travel along the stroke
    hold_s: float = 0.0  # the hold in progress: seconds since the thumb came to rest
    hold_start_s: float | None = None
    hold_drift_palm: float | None = None  # how far the thumb moved since it settled on the spot
    hold_ended: Hold | None = None  # the hold that ended at this frame (final times)
    coaching: Any = None  # vision.coach.scoring.CoachingState: right/wrong, score, progress, cue
    other_thumb: OtherThumb | None = None  # when both thumbs work: the second one's verdict (not coached)

    @property
    def foot_axis_deg(self) -> float:
        return self.axis.deg

    @property
    def is_stroke(self) -> bool:
        return self.label.is_stroke
