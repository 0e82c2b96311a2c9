"""A report's motion profile on an even time grid: what dynamic time warping aligns.

Frames come at uneven times (dropped frames, variable frame rates) and a
5-minute session has ~9000 of them; the profile samples the report's own
per-frame figures (label, angle to grain, rate, amplitude) every ``dt_s``
seconds, so alignment cost does not depend on the frame rate. Leading and
trailing stretches with no hand are left out: a clip that starts before the
hand comes in is not a different technique.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..core.labels import Label
from ..core.report import Report

GRID_S = 0.2  # sample spacing; a stroke at 100/min lasts 0.6 s, so labels and figures are seen 3 times a stroke
MAX_SAMPLES = 1500  # longer sessions get a coarser grid (DTW cost grows with the product of lengths)


@dataclass(frozen=True)
class MotionProfile:
    """Per-sample arrays, all of length n. Figures are NaN where the frame has none (holds, no hand)."""

    t: np.ndarray  # seconds, the report's time
    label: np.ndarray  # str labels (design.md section 1)
    angle_to_grain_deg: np.ndarray
    rate_per_min: np.ndarray
    amplitude_palm: np.ndarray
    dt_s: float

    def __len__(self) -> int:
        return len(self.t)


def _value(v) -> float:
    return np.nan if v is None else float(v)


def motion_profile(report: Report, dt_s: float = GRID_S) -> MotionProfile:
    """Sample the report's frames every ``dt_s`` s (each sample is the last frame at or before its time)."""
    frames = [f for f in report.frames]
    seen = [k for k, f in enumerate(frames) if f.label != Label.NO_HAND]
    if not seen:
        empty = np.empty(0)
        return MotionProfile(empty, np.empty(0, dtype=object), empty, empty, empty, dt_s)
    frames = frames[seen[0]:seen[-1] + 1]
    times = np.array([f.t for f in frames])
    span = times[-1] - times[0]
    dt_s = max(dt_s, span / MAX_SAMPLES)
    grid = times[0] + np.arange(int(span / dt_s) + 1) * dt_s
    pick = np.clip(np.searchsorted(times, grid, side="right") - 1, 0, len(frames) - 1)
    chosen = [frames[k] for k in pick]
    return MotionProfile(
        t=grid,
        label=np.array([str(f.label) for f in chosen], dtype=object),
        angle_to_grain_deg=np.array([_value(f.angle_to_grain_deg) for f in chosen]),
        rate_per_min=np.array([_value(f.rate_per_min) for f in chosen]),
        amplitude_palm=np.array([_value(f.amplitude_palm) for f in chosen]),
        dt_s=dt_s,
    )
