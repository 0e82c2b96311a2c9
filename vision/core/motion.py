"""StrokeAnalyzer: per frame, what the thumb is doing against the foot's axis.

Pure numpy, causal, bounded history. Call ``update(obs, t)`` once a frame,
with ``obs=None`` when no hand was found, and read the returned MotionState.

How strokes are told from holds (design.md, "skin on skin"): landmark jitter
is white, strokes are smooth. Over a short trailing window the thumb tip's
variance along its principal direction is split into noise (estimated from
second differences, where smooth motion hardly shows) and signal. The thumb
is *moving* when the signal is both large in palm widths and well above the
noise. Hysteresis on those thresholds, a minimum time before a new state is
believed, and a grace period for the pause at the ends of a stroke (scaled
by the measured stroke period) keep labels from flickering.
"""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass, field

import numpy as np

from .cycles import cycle_stats
from .geometry import (CROSS_GRAIN_MIN_DEG, LENGTHWISE_MAX_DEG, angle_to_grain_deg, direction_label, principal_axis,
                       screen_angle_deg)
from .landmarks import HandLandmark, HandObservation

from .params import Checked
from .labels import LABELS, STROKE_LABELS, Label  # noqa: F401 - re-exported for the analyzer's users

HOLD = Label.HOLD
NO_HAND = Label.NO_HAND


@dataclass(frozen=True)
class MotionParams(Checked):
    """Tuning of the analyzer. Lengths are in palm widths, times in seconds."""

    motion_window_s: float = 0.5  # is the thumb moving? (short: quick to react)
    offline_motion_window_s: float = 1.0  # ... when nobody waits (offline passes): slow turns are not stops
    direction_window_s: float = 1.0  # which way does it stroke? (long enough for a half stroke)
    # Once the stroke period is known, both windows shrink to these shares of it
    # (never below min_window_s): a fast stroke is recognised, and its end seen, sooner.
    motion_window_periods: float = 0.75
    direction_window_periods: float = 0.75
    min_window_s: float = 0.4
    rate_window_s: float = 3.0  # live stroke rate and amplitude
    rate_refresh_s: float = 0.2  # ... counted afresh this often
    move_on_std_palm: float = 0.018  # signal std along the stroke to start counting as moving
    move_off_std_palm: float = 0.012  # ... and below which it stops
    move_snr: float = 3.0  # signal variance over residual noise variance needed to call it motion
    # A stroke moves the thumb's joints too, landmark noise does not (design.md): motion starts only
    # if their centre also moves, by this share of the tip's threshold (thumb-only strokes: about half).
    joints_move_share: float = 0.3
    smoothing_s: float = 0.1  # positions are averaged over this before measuring motion
    confirm_s: float = 0.12  # a new state must last this long before it is shown
    dwell_fraction: float = 0.15  # stillness shorter than this share of a stroke period is a dwell
    dwell_min_s: float = 0.1
    dwell_max_s: float = 0.4
    angle_hysteresis_deg: float = 4.0  # margin around the 30/60 deg class borders
    gap_reset_s: float = 0.5  # a hand missing longer than this starts a fresh history
    palm_smoothing_s: float = 1.0  # time constant of the palm-width average

    def __post_init__(self) -> None:
        self.check(positive=("motion_window_s", "offline_motion_window_s", "direction_window_s",
                             "motion_window_periods", "direction_window_periods", "min_window_s", "rate_window_s",
                             "rate_refresh_s", "move_on_std_palm", "move_off_std_palm", "move_snr", "smoothing_s",
                             "gap_reset_s", "palm_smoothing_s"),
                   non_negative=("confirm_s", "dwell_min_s", "dwell_max_s", "angle_hysteresis_deg"),
                   between_0_1=("joints_move_share", "dwell_fraction"))
        if self.move_off_std_palm > self.move_on_std_palm:
            raise ValueError("MotionParams.move_off_std_palm must not exceed move_on_std_palm (hysteresis)")


@dataclass(frozen=True)
class MotionState:
    """The analyzer's verdict for one frame.

    thumb_xy and joints_xy (the thumb joints' centre) are in pixels; lengths
    ending in _palm are in palm widths; angles are screen angles
    (stroke_angle_deg) or acute angles to the foot axis.
    """

    t: float
    label: str
    thumb_xy: tuple[float, float] | None = None
    palm_px: float | None = None
    joints_xy: tuple[float, float] | None = None
    stroke_angle_deg: float | None = None
    angle_to_grain_deg: float | None = None
    rate_per_min: float | None = None
    amplitude_palm: float | None = None
    motion_std_palm: float = 0.0
    noise_std_palm: float = 0.0


@dataclass
class _History:
    """Bounded trailing history of thumb positions (pixels) and their times.

    ``tip`` is the thumb tip; ``joints`` the centre of the thumb's joints (see
    HandObservation.thumb_joints_xy), whose travel gives the stroke's direction.
    """

    max_age_s: float
    t: deque = field(default_factory=deque)
    tip: deque = field(default_factory=deque)
    joints: deque = field(default_factory=deque)

    def push(self, t: float, tip: np.ndarray, joints: np.ndarray) -> None:
        self.t.append(t)
        self.tip.append(tip)
        self.joints.append(joints)
        while self.t and t - self.t[0] > self.max_age_s:
            self.t.popleft()
            self.tip.popleft()
            self.joints.popleft()

    def clear(self) -> None:
        self.t.clear()
        self.tip.clear()
        self.joints.clear()

    def window(self, seconds: float, min_samples: int = 0, joints: bool = False) -> tuple[np.ndarray, np.ndarray]:
        """Times and tip (or ``joints``) positions of the last ``seconds`` (at least ``min_samples`` if there)."""
        if not self.t:
            return np.empty(0), np.empty((0, 2))
        newest = self.t[-1]
        n = 0
        for ti in reversed(self.t):
            if newest - ti > seconds + 1e-9 and n >= min_samples:
                break
            n += 1
        start = len(self.t) - n
        times = np.fromiter((self.t[k] for k in range(start, len(self.t))), float, n)
        series = self.joints if joints else self.tip
        points = np.array([series[k] for k in range(start, len(series))], dtype=float)
        return times, points


class StrokeAnalyzer:
    """Causal stroke / hold classifier; one instance per stream.

    >>> analyzer = StrokeAnalyzer(foot_axis_deg=90)
    >>> state = analyzer.update(observation_or_none, t)
    """

    def __init__(self, foot_axis_deg: float, params: MotionParams = MotionParams()):
        self.foot_axis_deg = float(foot_axis_deg) % 180.0
        self.params = params
        self._history = _History(max_age_s=max(params.rate_window_s, params.direction_window_s) + 0.1)
        self._palm_px: float | None = None
        self._last_seen_t: float | None = None
        self._moving = False  # raw, thresholded with hysteresis
        self._shown = HOLD  # the label last shown while a hand is present
        self._candidate: str | None = None
        self._candidate_since = 0.0
        self._period_s: float | None = None
        self._moving_since: float | None = None
        self._still_since: float | None = None
        self._figures_t: float | None = None
        self._figures: tuple[float | None, float | None] = (None, None)
        self._noise_std = 0.0
        self._smoothing_taps = 1

    def set_foot_axis(self, foot_axis_deg: float) -> None:
        """Change the foot axis mid-stream (the user turned the foot or the slider)."""
        self.foot_axis_deg = float(foot_axis_deg) % 180.0

    def update(self, obs: HandObservation | None, t: float) -> MotionState:
        """Advance by one frame taken at time ``t`` seconds; ``obs`` None when no hand."""
        if obs is None:
            return self.update_thumb(t, None, None)
        return self.update_thumb(t, obs.xy[HandLandmark.THUMB_TIP], obs.palm_width_px, obs.thumb_joints_xy)

    def update_thumb(self, t: float, thumb_xy, palm_px: float | None, joints_xy=None) -> MotionState:
        """Same as ``update`` from the thumb tip, the palm width and the thumb joints' centre (pixels).

        ``joints_xy`` defaults to the tip.
        """
        p = self.params
        if thumb_xy is None:
            if self._last_seen_t is not None and t - self._last_seen_t > p.gap_reset_s:
                self._reset()
            return MotionState(t=t, label=NO_HAND)
        if self._last_seen_t is not None and t - self._last_seen_t > p.gap_reset_s:
            self._reset()
        self._last_seen_t = t

        palm = float(palm_px or 0.0)
        if palm > 0:
            if self._palm_px is None:
                self._palm_px = palm
            else:
                dt = max(t - self._history.t[-1], 0.0) if self._history.t else 0.0
                alpha = 1.0 - math.exp(-dt / p.palm_smoothing_s)
                self._palm_px += alpha * (palm - self._palm_px)
        palm_px = self._palm_px or 1.0
        tip = np.asarray(thumb_xy, dtype=float)
        joints = tip if joints_xy is None else np.asarray(joints_xy, dtype=float)
        self._history.push(t, tip, joints)

        window = self._window(p.motion_window_s, p.motion_window_periods)
        signal_std, noise_std = self._motion_measure(palm_px, window)
        if self._moving:
            self._moving = signal_std > p.move_off_std_palm and signal_std**2 > 0.5 * p.move_snr * noise_std**2
            if not self._moving:
                self._still_since = t
        else:
            self._moving = signal_std > p.move_on_std_palm and signal_std**2 > p.move_snr * noise_std**2
            if self._moving:
                joints_std, joints_noise = self._motion_measure(palm_px, window, joints=True)
                self._moving = (joints_std > p.joints_move_share * p.move_on_std_palm
                                and joints_std**2 > p.move_snr * joints_noise**2)
            if self._moving:
                self._moving_since = t - window
                self._figures_t = None
        self._noise_std = noise_std * math.sqrt(self._smoothing_taps)  # per-sample landmark noise

        stroke_angle = grain = rate = amplitude = None
        if self._moving:
            stroke_angle, rate, amplitude = self._stroke_figures(palm_px)
            if rate:
                self._period_s = 60.0 / rate
            grain = angle_to_grain_deg(stroke_angle, self.foot_axis_deg)
            raw = self._direction_with_hysteresis(grain)
        else:
            raw = HOLD
            if (self._shown in STROKE_LABELS and self._still_since is not None
                    and t - self._still_since < self._dwell_allowance()):
                raw = self._shown  # a pause at the end of a stroke, not a hold yet
                stroke_angle, rate, amplitude = self._stroke_figures(palm_px)
                grain = angle_to_grain_deg(stroke_angle, self.foot_axis_deg)

        label = self._confirm(raw, t)
        if label not in STROKE_LABELS:
            stroke_angle = grain = rate = amplitude = None
        return MotionState(
            t=t, label=label, thumb_xy=(float(tip[0]), float(tip[1])), palm_px=palm_px,
            joints_xy=(float(joints[0]), float(joints[1])), stroke_angle_deg=stroke_angle,
            angle_to_grain_deg=grain, rate_per_min=rate,
            amplitude_palm=amplitude, motion_std_palm=signal_std, noise_std_palm=noise_std,
        )

    # -- pieces -----------------------------------------------------------------

    def _reset(self) -> None:
        self._history.clear()
        self._moving = False
        self._shown = HOLD
        self._candidate = None
        self._period_s = None
        self._moving_since = None
        self._still_since = None
        self._figures_t = None

    def _motion_measure(self, palm_px: float, window_s: float, min_samples: int = 5,
                        joints: bool = False) -> tuple[float, float]:
        """(signal std, residual noise std) of the tip (or ``joints``) along its principal direction, palm widths.

        White landmark noise is estimated from second differences (smooth
        motion hardly shows there), the positions are averaged over about
        ``smoothing_s`` (which divides that noise, not the slower strokes),
        and what noise is left is subtracted from the variance along the stroke.
        """
        p = self.params
        times, tips = self._history.window(window_s, min_samples, joints=joints)
        if len(tips) < 5:
            return 0.0, 0.0
        pts = tips / palm_px
        second_diff = pts[2:] - 2.0 * pts[1:-1] + pts[:-2]
        noise_var = float(np.mean(np.sum(second_diff**2, axis=1))) / 12.0
        dt = (times[-1] - times[0]) / (len(times) - 1) if times[-1] > times[0] else 1 / 30
        taps = int(min(max(round(p.smoothing_s / dt), 1), len(pts) - 2)) | 1
        self._smoothing_taps = taps
        if taps > 1:
            kernel = np.ones(taps) / taps
            pts = np.stack([np.convolve(pts[:, 0], kernel, "valid"), np.convolve(pts[:, 1], kernel, "valid")], 1)
            noise_var /= taps
        _, major, _ = principal_axis(pts)
        signal_var = max(major - noise_var, 0.0)
        return math.sqrt(signal_var), math.sqrt(noise_var)

    def _stroke_figures(self, palm_px: float) -> tuple[float, float | None, float | None]:
        """Screen angle of the stroke line, live rate (per min) and amplitude (palm)."""
        p = self.params
        _, joints = self._history.window(self._window(p.direction_window_s, p.direction_window_periods), joints=True)
        direction, _, _ = principal_axis(joints)
        angle = screen_angle_deg(direction[0], direction[1])
        # Rate and amplitude from this stroking only, not the hold before it; they change
        # slowly, so they are counted afresh a few times a second, not every frame.
        now = self._history.t[-1]
        if self._figures_t is not None and now - self._figures_t < p.rate_refresh_s:
            return angle, *self._figures
        since = self._moving_since if self._moving_since is not None else -math.inf
        times, tips_long = self._history.window(min(p.rate_window_s, now - since))
        if len(tips_long) < 6:
            return angle, None, None
        x = (tips_long - tips_long.mean(axis=0)) @ direction / palm_px
        stats = cycle_stats(times, x, noise_std=self._noise_std)
        self._figures_t, self._figures = now, (stats.rate_per_min, stats.amplitude)
        return angle, stats.rate_per_min, stats.amplitude

    def _window(self, longest_s: float, periods: float) -> float:
        """A window of ``periods`` stroke periods once the period is known, else ``longest_s``."""
        if self._period_s is None:
            return longest_s
        return min(max(periods * self._period_s, self.params.min_window_s), longest_s)

    def _direction_with_hysteresis(self, grain: float) -> str:
        label = direction_label(grain)
        margin = self.params.angle_hysteresis_deg
        current = self._shown
        if current == "cross_grain" and grain >= CROSS_GRAIN_MIN_DEG - margin:
            return current
        if current == "lengthwise" and grain <= LENGTHWISE_MAX_DEG + margin:
            return current
        if current == "oblique" and LENGTHWISE_MAX_DEG - margin < grain < CROSS_GRAIN_MIN_DEG + margin:
            return current
        return label

    def _dwell_allowance(self) -> float:
        p = self.params
        if self._period_s is None:
            return p.dwell_min_s
        return min(max(p.dwell_fraction * self._period_s, p.dwell_min_s), p.dwell_max_s)

    def _confirm(self, raw: str, t: float) -> str:
        """Show a new label only once it has lasted ``confirm_s``."""
        if raw == self._shown:
            self._candidate = None
            return raw
        if raw != self._candidate:
            self._candidate, self._candidate_since = raw, t
        if t - self._candidate_since >= self.params.confirm_s:
            self._shown, self._candidate = raw, None
        return self._shown
