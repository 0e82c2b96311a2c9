"""Rate and amplitude of a reciprocating 1-D motion, from its samples and their times.

Used for the live figures (a few seconds of history) and for whole segments.
Crossings of the mid-line are counted with a Schmitt trigger, so noise at the
ends of a stroke is not taken for extra strokes; amplitude is half the median
excursion between consecutive opposite extremes, after light smoothing.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class CycleStats:
    rate_per_min: float | None  # full to-and-fro cycles a minute; None if < 1.5 cycles seen
    amplitude: float | None  # half peak-to-peak travel, in the units of x
    half_cycles: int


def smooth(x: np.ndarray, width: int) -> np.ndarray:
    """Centred moving average of odd ``width`` (edges use what is there)."""
    width = max(1, int(width) | 1)
    if width == 1 or len(x) < 3:
        return x
    kernel = np.ones(width)
    sums = np.convolve(x, kernel, mode="same")
    counts = np.convolve(np.ones_like(x), kernel, mode="same")
    return sums / counts


def cycle_stats(t: np.ndarray, x: np.ndarray, noise_std: float = 0.0) -> CycleStats:
    """Rate and amplitude of the oscillation in ``x`` (sampled at times ``t``, seconds)."""
    n = len(x)
    if n < 4:
        return CycleStats(None, None, 0)
    dt = float(np.median(np.diff(t))) if n > 1 else 1 / 30
    dt = dt if dt > 0 else 1 / 30
    # Light smoothing: about 60 ms, never more than a quarter of a fast stroke.
    xs = smooth(x, round(0.06 / dt))
    centre = float(np.median(xs))
    lo, hi = np.percentile(xs, [10, 90])
    half_range = (hi - lo) / 2.0
    hysteresis = max(0.3 * half_range, 2.0 * noise_std)
    if half_range <= 0:
        return CycleStats(None, 0.0, 0)
    side = 0
    crossings: list[int] = []  # sample index where each new side is reached
    for k in range(n):
        v = xs[k] - centre
        if v > hysteresis and side != 1:
            if side != 0:
                crossings.append(k)
            side = 1
        elif v < -hysteresis and side != -1:
            if side != 0:
                crossings.append(k)
            side = -1
    amplitude = None
    if len(crossings) >= 2:
        # The peak reached on each side between consecutive crossings.
        peaks = [float(np.max((xs[a:b] - centre) * np.sign(xs[a] - centre)))
                 for a, b in zip(crossings[:-1], crossings[1:])]
        swings = [(p + q) / 2.0 for p, q in zip(peaks[:-1], peaks[1:])]
        amplitude = float(np.median(swings)) if swings else peaks[0]
    else:
        amplitude = float(half_range)
    rate = None
    if len(crossings) >= 3:
        span = t[crossings[-1]] - t[crossings[0]]
        if span > 0:
            half_period = span / (len(crossings) - 1)
            rate = 60.0 / (2.0 * half_period)
    return CycleStats(rate, amplitude, len(crossings))
