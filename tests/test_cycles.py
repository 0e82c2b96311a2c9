import numpy as np
import pytest

from vision.core.cycles import cycle_stats


@pytest.mark.parametrize("rate,amp,fps", [(30, 0.3, 30), (60, 0.1, 30), (96, 0.2, 24), (180, 0.05, 30), (240, 0.1, 30)])
def test_rate_and_amplitude_of_a_sine(rate, amp, fps):
    t = np.arange(0, 8, 1 / fps)
    x = amp * np.sin(2 * np.pi * rate / 60 * t + 0.3)
    stats = cycle_stats(t, x)
    assert stats.rate_per_min == pytest.approx(rate, rel=0.03)
    assert stats.amplitude == pytest.approx(amp, rel=0.1)


def test_dwelling_strokes_keep_their_rate_and_amplitude():
    t = np.arange(0, 8, 1 / 30)
    s = np.sin(2 * np.pi * 1.2 * t)
    x = 0.2 * np.sign(s) * np.abs(s) ** 0.4
    stats = cycle_stats(t, x)
    assert stats.rate_per_min == pytest.approx(72, rel=0.03)
    assert stats.amplitude == pytest.approx(0.2, rel=0.1)


def test_noise_at_the_ends_is_not_counted_as_strokes():
    rng = np.random.default_rng(0)
    t = np.arange(0, 10, 1 / 30)
    x = 0.1 * np.sin(2 * np.pi * 1.0 * t) + rng.normal(0, 0.01, len(t))
    assert cycle_stats(t, x).rate_per_min == pytest.approx(60, rel=0.05)


def test_variable_frame_rate_uses_timestamps():
    rng = np.random.default_rng(2)
    t = np.cumsum(rng.uniform(1 / 40, 1 / 20, 300))
    x = 0.15 * np.sin(2 * np.pi * 1.5 * t)
    assert cycle_stats(t, x).rate_per_min == pytest.approx(90, rel=0.03)


def test_too_short_gives_no_rate():
    t = np.arange(0, 0.1, 1 / 30)
    assert cycle_stats(t, np.zeros_like(t)).rate_per_min is None


@pytest.mark.parametrize("rate,fps,drop", [(240, 15, 0.0), (210, 15, 0.1), (180, 15, 0.1), (90, 15, 0.1)])
def test_few_samples_a_cycle_and_dropped_frames_keep_the_rate(rate, fps, drop):
    """3.75-10 frames a stroke, some frames missing: crossings alone would lose half-cycles."""
    rng = np.random.default_rng(3)
    t = np.arange(0, 3, 1 / fps)
    t = t[rng.random(len(t)) >= drop]
    x = 0.1 * np.sin(2 * np.pi * rate / 60 * t + 0.7) + rng.normal(0, 0.004, len(t))
    assert cycle_stats(t, x).rate_per_min == pytest.approx(rate, rel=0.05)


@pytest.mark.parametrize("rate,drop", [(240, 0.0), (210, 0.1)])
def test_few_samples_a_cycle_keep_the_amplitude(rate, drop):
    """At 15 fps, 4 samples a stroke rarely land on its turns; the peaks, refined between samples, still give the amplitude."""
    rng = np.random.default_rng(5)
    t = np.arange(0, 3, 1 / 15)
    t = t[rng.random(len(t)) >= drop]
    x = 0.1 * np.sin(2 * np.pi * rate / 60 * t + 0.7) + rng.normal(0, 0.003, len(t))
    assert cycle_stats(t, x).amplitude == pytest.approx(0.1, rel=0.1)


@pytest.mark.parametrize("seed", range(8))
def test_a_long_run_whose_pace_changes_keeps_its_rate_at_15_fps_with_dropped_frames(seed):
    """202 a minute for 4 s, then 219 for 6 s, the phase broken at the change (4.1 frames a stroke,
    8 % of frames dropped): one sinusoid loses phase over the whole run and crossings miss cycles
    (174-211 a minute before the 2 s windows); the windows' median peak keeps it (210-212)."""
    rng = np.random.default_rng(seed)
    t = np.arange(0, 10, 1 / 15)
    t = t[rng.random(len(t)) >= 0.08]
    t = t + rng.normal(0, 0.002, len(t))
    x = np.where(t < 4.0, np.sin(2 * np.pi * 202 / 60 * t), np.sin(2 * np.pi * 219 / 60 * (t - 4.0) + 1.9))
    x = 0.15 * x + rng.normal(0, 0.018, len(t))
    assert cycle_stats(t, x).rate_per_min == pytest.approx((202 * 4 + 219 * 6) / 10, rel=0.03)
