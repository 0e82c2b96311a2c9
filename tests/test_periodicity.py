"""vision/core/periodicity.py: a spectral peak and a noise level on samples with their own (uneven) times."""

import numpy as np
import pytest

from vision.core.periodicity import fit_sinusoid, trial_frequencies, white_noise_var


def _uneven_times(seconds, fps, drop, seed=0):
    rng = np.random.default_rng(seed)
    t = np.arange(0, seconds, 1 / fps)
    return t[rng.random(len(t)) >= drop]


@pytest.mark.parametrize("hz,fps,drop", [(4.0, 15, 0.0), (3.5, 15, 0.1), (1.5, 30, 0.1)])
def test_the_peak_is_at_the_stroke_frequency_and_explains_the_motion(hz, fps, drop):
    t = _uneven_times(1.0, fps, drop)
    rng = np.random.default_rng(1)
    x = 0.1 * np.sin(2 * np.pi * hz * t + 0.4)
    points = np.stack([x * 0.8, x * 0.6], 1) + rng.normal(0, 0.005, (len(t), 2))
    fit = fit_sinusoid(t, points, trial_frequencies(t, 1.5, 6.0, step_cycles=0.1))
    assert fit.freq_hz == pytest.approx(hz, abs=0.3)
    assert fit.amplitude == pytest.approx(0.1, rel=0.15)
    assert fit.snr > 20
    assert abs(fit.direction @ np.array([0.8, 0.6])) > 0.99
    clean = np.stack([x * 0.8, x * 0.6], 1)
    assert np.sqrt(((fit.predict(t) - clean) ** 2).sum(axis=1).mean()) < 0.25 * fit.amplitude


def test_white_noise_explains_little():
    rng = np.random.default_rng(2)
    snrs = []
    for _ in range(200):
        t = _uneven_times(1.0, 15, 0.1, seed=int(rng.integers(1 << 30)))
        fit = fit_sinusoid(t, rng.normal(0, 1, (len(t), 2)), trial_frequencies(t, 1.5, 6.0))
        snrs.append(fit.snr)
    assert np.percentile(snrs, 99) < 2.5  # the analyzer's periodic_snr


def test_the_noise_level_uses_true_time_steps():
    """A smooth stroke reads the same with a tenth of its frames missing; white noise shows its own level."""
    def stroke(t):
        return np.stack([0.1 * np.sin(2 * np.pi * 0.8 * t), np.zeros_like(t)], 1)

    def naive(p):  # second differences that take every step for one frame interval
        return np.mean(np.sum((p[2:] - 2 * p[1:-1] + p[:-2]) ** 2, 1)) / 12.0

    full, gappy = np.arange(0, 3, 1 / 15), _uneven_times(3.0, 15, 0.1)
    assert naive(stroke(gappy)) > 2.0 * naive(stroke(full))  # gaps look like noise to the naive estimate
    assert white_noise_var(gappy, stroke(gappy)) < 1.5 * white_noise_var(full, stroke(full))
    rng = np.random.default_rng(3)
    long = _uneven_times(20.0, 15, 0.1)
    assert white_noise_var(long, rng.normal(0, 0.02, (len(long), 2))) == pytest.approx(0.02**2, rel=0.15)
