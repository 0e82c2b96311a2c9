"""Rate and amplitude of a reciprocating 1-D motion, from its samples and their times.

Used for the live figures (a few seconds of history) and for whole segments.
Crossings of the mid-line are counted with a Schmitt trigger, so noise at the
ends of a stroke is not taken for extra strokes; amplitude is half the median
excursion between consecutive opposite extremes, after light smoothing.

With few samples a cycle (fast strokes at 15 fps, dropped frames) a
half-cycle can pass with no sample beyond the trigger's band, and crossings
undercount the rate (by half, at worst). There the rate comes from the
spectral peak instead: the frequency of the sinusoid that fits the samples
best, on their own times (vision/core/periodicity.py); over a run of
several seconds whose pace drifts, the median of 2 s windows' peaks.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .periodicity import fit_sinusoid, trial_frequencies

SPECTRAL_BELOW_SAMPLES = 12  # crossings may halve the rate below ~6 samples a cycle: check up to twice that
SPECTRAL_MIN_SNR = 3.0  # the sinusoid must explain this many times what it leaves
SPECTRAL_WINDOW_S = 2.0  # a long run whose pace drifts: its rate from windows this long


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
    dt = float(np.median(np.diff(t)))
    dt = dt if dt > 0 else 1 / 30
    # Pass 1: crossings of the mid-line, on lightly smoothed samples (~60 ms).
    crossings, centre, half_range = _crossings(smooth(x, round(0.06 / dt)), noise_std)
    if half_range <= 0:
        return CycleStats(None, 0.0, 0)
    rate = None
    if len(crossings) >= 3:
        span = t[crossings[-1]] - t[crossings[0]]
        if span > 0:
            rate = 60.0 * (len(crossings) - 1) / (2.0 * span)
    if rate is None or (60.0 / rate) / dt < SPECTRAL_BELOW_SAMPLES:
        peak = spectral_peak(t, x)
        spectral = peak[0] if peak is not None else windowed_spectral_rate(t, x, rate)
        if spectral is not None:
            rate = spectral
    if len(crossings) < 2:
        return CycleStats(rate, float(half_range), len(crossings))
    # Pass 2: peaks on a smoothing matched to the stroke period (a twelfth of
    # it), corrected for the smoothing's own loss, and refined between samples.
    period_samples = (60.0 / rate) / dt if rate else 12.0
    width = max(1, int(round(period_samples / 12.0)) | 1)
    xs = smooth(x, width) - centre
    gain = _boxcar_gain(width, period_samples)
    peaks = [_peak(xs[a:b] * np.sign(xs[a] if xs[a] != 0 else 1.0)) / gain
             for a, b in zip(crossings[:-1], crossings[1:])]
    swings = [(p + q) / 2.0 for p, q in zip(peaks[:-1], peaks[1:])]
    amplitude = float(np.median(swings)) if swings else float(peaks[0])
    return CycleStats(rate, amplitude, len(crossings))


def spectral_peak(t: np.ndarray, x: np.ndarray, max_hz: float = 6.0) -> tuple[float, float] | None:
    """(cycles a minute, amplitude) at the spectral peak of ``x`` (at least 1.5 cycles seen), None if unclear.

    A coarse grid of trial frequencies, then a fine one around its best.
    """
    points = np.stack([x, np.zeros_like(x)], axis=1)
    coarse = trial_frequencies(t, 1.5, max_hz, step_cycles=0.25)
    if len(coarse) > 400:
        coarse = np.linspace(coarse[0], coarse[-1], 400)
    fit = fit_sinusoid(t, points, coarse)
    if fit is None or fit.snr < SPECTRAL_MIN_SNR:
        return None
    step = coarse[1] - coarse[0] if len(coarse) > 1 else 0.1
    fine = np.linspace(max(fit.freq_hz - step, 1e-3), fit.freq_hz + step, 41)
    best = fit_sinusoid(t, points, fine) or fit
    return 60.0 * best.freq_hz, best.amplitude


def windowed_spectral_rate(t: np.ndarray, x: np.ndarray, crossings_rate: float | None) -> float | None:
    """Cycles a minute: the median spectral peak of ``SPECTRAL_WINDOW_S`` windows (half
    overlapping) of a run at least two windows long, when one sinusoid does not fit it whole.

    Over many seconds the pace drifts (202 then 219 a minute in one run) and one sinusoid
    loses phase: it explains less than what it leaves, while each 2 s window is a clear
    peak. Needs clear peaks in at least half the windows (two or more), and a rate no
    lower than the crossings' (they can miss cycles, not add them).
    """
    if t[-1] - t[0] < 2 * SPECTRAL_WINDOW_S:
        return None
    rates, windows = [], 0
    for start in np.arange(t[0], t[-1] - SPECTRAL_WINDOW_S + 1e-9, SPECTRAL_WINDOW_S / 2):
        inside = (t >= start) & (t < start + SPECTRAL_WINDOW_S)
        windows += 1
        if inside.sum() >= 8:
            peak = spectral_peak(t[inside], x[inside])
            if peak is not None:
                rates.append(peak[0])
    if len(rates) < max(2, windows / 2):
        return None
    rate = float(np.median(rates))
    return None if crossings_rate is not None and rate < 0.95 * crossings_rate else rate


def _crossings(xs: np.ndarray, noise_std: float) -> tuple[list[int], float, float]:
    """Indices where the signal reaches the other side of its median, with hysteresis."""
    centre = float(np.median(xs))
    lo, hi = np.percentile(xs, [10, 90])
    half_range = (hi - lo) / 2.0
    hysteresis = max(0.3 * half_range, 2.0 * noise_std)
    side = 0
    crossings: list[int] = []
    for k, v in enumerate(xs - centre):
        new_side = 1 if v > hysteresis else -1 if v < -hysteresis else side
        if new_side != side:
            if side != 0:
                crossings.append(k)
            side = new_side
    return crossings, centre, float(half_range)


def _boxcar_gain(width: int, period_samples: float) -> float:
    """Amplitude kept by a centred moving average of ``width`` samples on a sine."""
    if width <= 1 or period_samples <= 0:
        return 1.0
    w = np.pi / period_samples
    return float(abs(np.sin(width * w) / (width * np.sin(w)))) or 1.0


def _peak(segment: np.ndarray) -> float:
    """Maximum of a sampled hump, refined by a parabola through its top three samples."""
    k = int(np.argmax(segment))
    top = float(segment[k])
    if 0 < k < len(segment) - 1:
        a, b, c = segment[k - 1], segment[k], segment[k + 1]
        denom = a - 2 * b + c
        if denom < 0:
            top = float(b - (a - c) ** 2 / (8 * denom))
    return top
