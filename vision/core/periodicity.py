"""Motion evidence that needs few frames a stroke: a spectral peak, and landmark noise measured in true time.

Why (design.md, "few frames a stroke"): at 15 fps a stroke of 3.5 a second is
sampled about 4 times a cycle. Second differences of such a sine are as large
as the motion itself, so a noise estimate built on them calls the stroke
noise. A stroke repeats, noise does not: fitting a sinusoid (a floating mean
plus cosine and sine at each trial frequency, by least squares on the
samples' own times, as a generalised Lomb-Scargle periodogram does) finds the
stroke's frequency, how much of the motion it explains, and what is left,
which is the noise. Uneven sampling and dropped frames need no special case:
every sample carries its own time.

The white-noise estimate from second differences stays useful for slow
strokes (many frames a stroke); it is made time-aware here, with divided
differences over the true time steps, so a dropped frame is a longer step,
not a jump that looks like noise.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class SinusoidFit:
    """The best-fitting sinusoid of a 2-D motion over a window.

    ``explained_var`` and ``residual_var`` are variances per sample summed over
    both axes (units of the positions squared); ``residual_var`` is corrected
    for the parameters fitted. ``direction`` is the unit vector of the fitted
    oscillation's major axis.
    """

    freq_hz: float
    explained_var: float
    residual_var: float
    direction: np.ndarray
    samples: int
    # what predict() needs: the time the phases are counted from, the fitted mean (2,) and the
    # cosine and sine coefficients (rows) of each axis (columns)
    t_ref: float
    mean: np.ndarray
    cos_sin: np.ndarray

    @property
    def snr(self) -> float:
        return self.explained_var / self.residual_var if self.residual_var > 0 else math.inf

    def predict(self, times: np.ndarray) -> np.ndarray:
        """The fitted sinusoid's positions (n, 2) at ``times``."""
        phase = 2.0 * math.pi * self.freq_hz * (np.asarray(times, float) - self.t_ref)
        return self.mean + np.outer(np.cos(phase), self.cos_sin[0]) + np.outer(np.sin(phase), self.cos_sin[1])

    @property
    def amplitude(self) -> float:
        """Amplitude (half peak-to-peak) of the fitted oscillation: sqrt(2) times its standard deviation."""
        return math.sqrt(2.0 * self.explained_var)


def trial_frequencies(times: np.ndarray, min_cycles: float, max_hz: float, step_cycles: float = 0.25) -> np.ndarray:
    """Frequencies (Hz) with at least ``min_cycles`` in the window, up to ``max_hz`` and below Nyquist."""
    span = float(times[-1] - times[0]) if len(times) > 1 else 0.0
    if span <= 0:
        return np.empty(0)
    dt = span / (len(times) - 1)
    top = min(max_hz, 0.45 / dt)
    low = min_cycles / span
    if top <= low:
        return np.empty(0)
    return np.arange(low, top + 1e-9, step_cycles / span)


def fit_sinusoid(times: np.ndarray, points: np.ndarray, freqs: np.ndarray) -> SinusoidFit | None:
    """Least-squares sinusoid (floating mean) of ``points`` (n, 2) at the best of ``freqs``."""
    n = len(times)
    if n < 6 or len(freqs) == 0:
        return None
    t = times - times[-1]
    phase = 2.0 * math.pi * freqs[:, None] * t[None, :]  # (f, n)
    cos, sin = np.cos(phase), np.sin(phase)
    mean = points.mean(axis=0)
    centred = points - mean
    # Normal equations of [1, cos, sin] at every trial frequency at once: (f, 3, 3) and (f, 3, 2).
    normal = np.empty((len(freqs), 3, 3))
    normal[:, 0, 0] = n
    normal[:, 0, 1] = normal[:, 1, 0] = cos.sum(1)
    normal[:, 0, 2] = normal[:, 2, 0] = sin.sum(1)
    normal[:, 1, 1] = (cos * cos).sum(1)
    normal[:, 1, 2] = normal[:, 2, 1] = (cos * sin).sum(1)
    normal[:, 2, 2] = (sin * sin).sum(1)
    rhs = np.zeros((len(freqs), 3, 2))
    rhs[:, 1, :] = cos @ centred
    rhs[:, 2, :] = sin @ centred
    try:
        coef = np.linalg.solve(normal + 1e-12 * np.eye(3), rhs)
    except np.linalg.LinAlgError:
        return None
    explained = (coef * rhs).sum(axis=(1, 2)) / n  # the fitted sum of squares is coef . X'y
    best = int(np.argmax(explained))
    fitted = coef[best, 0] + np.outer(cos[best], coef[best, 1]) + np.outer(sin[best], coef[best, 2])
    residual = float(((centred - fitted) ** 2).sum()) / max(n - 4, 1)  # mean, cos, sin and the frequency
    cos_sin = coef[best, 1:, :]  # rows: cos, sin; columns: x, y
    _, _, vt = np.linalg.svd(cos_sin)
    return SinusoidFit(float(freqs[best]), float(explained[best]), residual, vt[0], n,
                       float(times[-1]), mean + coef[best, 0], cos_sin.copy())


def white_noise_var(times: np.ndarray, points: np.ndarray) -> float:
    """Per-axis variance of white noise on ``points`` (n, 2), from second divided differences in true time.

    For samples at uneven times the second divided difference of three
    neighbours is ``w0 p0 + w1 p1 + w2 p2``; on white noise of variance s^2 its
    variance is ``s^2 (w0^2 + w1^2 + w2^2)``. The triples are pooled with
    that sum as weight: those across a gap, where smooth motion shows most
    (as the fourth power of the step), count least.
    """
    if len(times) < 3:
        return 0.0
    h1 = np.diff(times)[:-1]
    h2 = np.diff(times)[1:]
    ok = (h1 > 0) & (h2 > 0)
    if not ok.any():
        return 0.0
    h1, h2 = h1[ok], h2[ok]
    w0 = 2.0 / (h1 * (h1 + h2))
    w1 = -2.0 / (h1 * h2)
    w2 = 2.0 / (h2 * (h1 + h2))
    p0, p1, p2 = points[:-2][ok], points[1:-1][ok], points[2:][ok]
    second = w0[:, None] * p0 + w1[:, None] * p1 + w2[:, None] * p2
    scale = w0 ** 2 + w1 ** 2 + w2 ** 2
    return float(np.sum(second ** 2) / (2.0 * np.sum(scale)))
