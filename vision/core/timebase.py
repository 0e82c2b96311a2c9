"""Time made monotonic once, where frames enter; every later stage trusts it (design.md: Time).

Frames carry their own timestamps (container pts, camera frame times). Those can
repeat, run backwards, be missing or absurd. ``FrameClock`` turns them into
seconds from the stream's start that never run backwards, and says how long
each frame accounts for (``credited_s``): the gap since the previous frame, or
nothing after a stall (a camera that stopped, a broken stretch of a file),
because nobody saw what happened then. Every duration the engine reports is a
sum of these credits, so they all agree.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

STALL_S = 1.0  # frames further apart than this: the stream stalled, the gap counts for nothing


@dataclass(frozen=True)
class Tick:
    """One frame's time: seconds from the start (monotonic) and the seconds it accounts for."""

    t: float
    credited_s: float


class FrameClock:
    """Monotonic seconds from the first frame's own time; one rule for every path."""

    def __init__(self, stall_s: float = STALL_S):
        if not stall_s > 0:
            raise ValueError(f"stall_s must be positive, got {stall_s}")
        self.stall_s = stall_s
        self._last: float | None = None

    def __call__(self, t: float | None) -> Tick:
        """The tick for a frame stamped ``t`` seconds (None or not finite: the last time again)."""
        last = self._last
        if t is None or not math.isfinite(t):
            t = 0.0 if last is None else last
        t = float(t)
        if last is not None and t < last:
            t = last  # late, repeated or out-of-order frames are held at the last time
        gap = 0.0 if last is None else t - last
        self._last = t
        return Tick(t, gap if gap <= self.stall_s else 0.0)
