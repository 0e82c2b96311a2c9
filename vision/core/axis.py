"""The foot axis in force for a frame, and where it came from (design.md: the axis is per-frame data).

An axis is a screen angle in [0, 180) (design.md section 1). Every frame's
verdict carries the FootAxis it was judged against; a source that changes
during a session (the user, a calibration, the camera following the foot)
changes the frames that follow, never the past.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import StrEnum


class AxisSource(StrEnum):
    TYPED = "typed"  # a number: the slider or --foot-axis DEG
    DRAWN = "drawn"  # heel and toes clicked on a picture, or --heel/--toes
    THUMB = "thumb"  # shown with the thumb: resting on the heel, then on the toes
    FOUND = "found"  # estimated from the picture by the camera


@dataclass(frozen=True)
class FootAxis:
    """The heel-to-toes line as a screen angle, its source and, when estimated, how sure it is.

    heel_xy / toes_xy are image pixels when known (drawn, thumb, found with a heel).
    """

    deg: float
    source: AxisSource = AxisSource.TYPED
    confidence: float | None = None
    heel_xy: tuple[float, float] | None = None
    toes_xy: tuple[float, float] | None = None

    def __post_init__(self) -> None:
        if not math.isfinite(self.deg):
            raise ValueError(f"foot axis must be a finite angle, got {self.deg}")
        object.__setattr__(self, "deg", float(self.deg) % 180.0)

    @classmethod
    def typed(cls, deg: float) -> "FootAxis":
        return cls(deg, AxisSource.TYPED)

    @classmethod
    def from_points(cls, heel_xy, toes_xy, source: AxisSource = AxisSource.DRAWN,
                    confidence: float | None = None) -> "FootAxis":
        """The axis through two image points (pixels, y down), heel first."""
        dx, dy = toes_xy[0] - heel_xy[0], toes_xy[1] - heel_xy[1]
        if math.hypot(dx, dy) < 1e-6:
            raise ValueError("heel and toes are the same point: no axis")
        deg = math.degrees(math.atan2(-dy, dx))
        return cls(deg, source, confidence, (float(heel_xy[0]), float(heel_xy[1])),
                   (float(toes_xy[0]), float(toes_xy[1])))
