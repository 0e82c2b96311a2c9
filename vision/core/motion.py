"""StrokeAnalyzer: per frame, what the thumb is doing against the foot's axis.

Pure numpy, causal, bounded history. Call ``update(obs, t)`` once a frame,
with ``obs=None`` when no hand was found, and read the returned MotionState.

How strokes are told from holds (design.md, "skin on skin"): landmark jitter
is white, strokes are smooth. Over a short trailing window the thumb tip's
variance along its principal direction is split into noise (estimated from
second differences, where smooth motion hardly shows) and signal. The thumb
is *moving* when the signal is both large in palm widths and well above the
noise. Landmarks also wander slowly during a hold (blur, noise, skin on skin),
which second differences miss: motion must also stand above a floor learnt
from the spread of the frames lately shown as a hold. Hysteresis on those
thresholds, a minimum time before a new state is believed, and a grace
period for the pause at the ends of a stroke (scaled by the measured stroke
period) keep labels from flickering. Slow strokes (half a stroke a second)
rest at their ends for longer than the motion window: a stroke under way
stays one while a sinusoid over the last 3 s fits it and the thumb still
follows that sinusoid.

Stillness is a verdict too, and it needs evidence: until the thumb has been
watched for as long as the motion test looks (``settle_s``: the longest of
its windows) since the hand appeared, "no motion seen yet" is not "still".
Those first frames are labelled ``settling`` (not judged yet), never
``hold``; a stroke may be recognised sooner, on positive evidence. A hold
that was there from the start loses nothing: the hold stage dates it back to
when the thumb came to rest.
"""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass, field

import numpy as np

from .cycles import cycle_stats
from .geometry import (CROSS_GRAIN_MIN_DEG, LENGTHWISE_MAX_DEG, angle_to_grain_deg, direction_label, principal_axis,
                       screen_angle_deg)
from .periodicity import SinusoidFit, fit_sinusoid, trial_frequencies, white_noise_var
from .landmarks import HandObservation

from .params import Checked
from .labels import LABELS, STROKE_LABELS, Label  # noqa: F401 - re-exported for the analyzer's users

WANDER_MAX_FRAMES = 2400  # 20 s at 120 frames a second

HOLD = Label.HOLD
NO_HAND = Label.NO_HAND
SETTLING = Label.SETTLING


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
    # ... and the other joints (MCP and IP) must move with the tip: the correlation of their travel
    # along the stroke with the tip's, over the motion window (landmark noise differs joint to joint).
    joints_coherence: float = 0.5
    # Few frames a stroke (design.md): a stroke also counts as motion when a sinusoid fitted over
    # this window (at least this many cycles in it) explains this many times the variance it leaves.
    periodic_window_s: float = 1.0
    periodic_min_cycles: float = 1.5
    periodic_max_hz: float = 6.0
    periodic_snr: float = 2.5
    # Slow strokes (half a stroke a second) rest at their ends longer than the motion window: a stroke
    # under way stays one while a sinusoid of at most slow_max_hz over slow_window_s explains it
    # (periodic_snr, above move_off_std_palm) and its last slow_recent_periods of a period still follow
    # that sinusoid (residual under slow_recent_share of its amplitude): a thumb that stopped does not.
    slow_window_s: float = 3.0
    slow_max_hz: float = 0.8
    slow_recent_periods: float = 0.25
    slow_recent_share: float = 0.35
    smoothing_s: float = 0.1  # positions are averaged over this before measuring motion
    confirm_s: float = 0.12  # a new state must last this long before it is shown
    dwell_fraction: float = 0.15  # stillness shorter than this share of a stroke period is a dwell
    dwell_min_s: float = 0.1
    dwell_max_s: float = 0.4
    angle_hysteresis_deg: float = 4.0  # margin around the 30/60 deg class borders
    gap_reset_s: float = 0.5  # a hand missing longer than this starts a fresh history
    # Fewer frames a second than this (median over settle_s) and a stroke can alias to stillness
    # (2-3 strokes a second seen 5 times a second): "no motion seen" is then no hold, not judged.
    min_judge_fps: float = 8.0
    palm_smoothing_s: float = 1.0  # time constant of the palm-width average
    # Landmarks wander during a hold, more under blur, noise and skin on skin, and slowly (the
    # tracker's own smoothing), so second differences miss it. Motion starts only above this many
    # times the wander: the median spread measured on the frames lately shown as a hold (the last
    # wander_memory_s of them, at least wander_min_frames) ...
    wander_factor: float = 4.0
    wander_memory_s: float = 20.0
    wander_min_frames: int = 10
    # ... counting a frame only if its spread is under move_on_std_palm and at most this many times
    # the wander so far: slow small strokes shown as a hold must not raise the bar that hides them ...
    wander_count_up_to: float = 2.0
    # ... and it never asks more than this: twice move_on_std_palm, the spread of the smallest strokes
    # (0.05 palm widths), which the worst wander hides.
    wander_cap_palm: float = 0.036

    def __post_init__(self) -> None:
        self.check(positive=("motion_window_s", "offline_motion_window_s", "direction_window_s",
                             "motion_window_periods", "direction_window_periods", "min_window_s", "rate_window_s",
                             "rate_refresh_s", "move_on_std_palm", "move_off_std_palm", "move_snr", "smoothing_s",
                             "gap_reset_s", "palm_smoothing_s", "periodic_window_s", "periodic_min_cycles",
                             "periodic_max_hz", "periodic_snr", "min_judge_fps", "wander_memory_s", "slow_window_s",
                             "slow_max_hz", "slow_recent_periods", "slow_recent_share",
                             "wander_min_frames", "wander_count_up_to"),
                   non_negative=("confirm_s", "dwell_min_s", "dwell_max_s", "angle_hysteresis_deg", "wander_factor",
                                 "wander_cap_palm"),
                   between_0_1=("joints_move_share", "dwell_fraction", "joints_coherence"))
        if self.move_off_std_palm > self.move_on_std_palm:
            raise ValueError("MotionParams.move_off_std_palm must not exceed move_on_std_palm (hysteresis)")

    @property
    def settle_s(self) -> float:
        """How long the thumb must be watched before "no motion" may be called a hold.

        The longest window the motion test looks over: the variance test's
        (``motion_window_s``) and the periodic fit's (``periodic_window_s``,
        which catches strokes of few frames a cycle the variance test misses).
        """
        return max(self.motion_window_s, self.periodic_window_s)


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
    periodic_snr: float = 0.0  # variance a fitted sinusoid explains over what it leaves (0: not measured)


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


@dataclass(frozen=True)
class _PeriodicEvidence:
    tip: SinusoidFit
    joints: SinusoidFit | None

    @property
    def snr(self) -> float:
        return self.tip.snr

    @property
    def freq_hz(self) -> float:
        return self.tip.freq_hz


class StrokeAnalyzer:
    """Causal stroke / hold classifier; one instance per stream.

    >>> analyzer = StrokeAnalyzer(foot_axis_deg=90)
    >>> state = analyzer.update(observation_or_none, t)
    """

    def __init__(self, foot_axis_deg: float, params: MotionParams = MotionParams()):
        self.foot_axis_deg = float(foot_axis_deg) % 180.0
        self.params = params
        self._history = _History(max_age_s=max(params.rate_window_s, params.direction_window_s,
                                                params.slow_window_s) + 0.1)
        self._palm_px: float | None = None
        self._last_seen_t: float | None = None
        self._moving = False  # raw, thresholded with hysteresis
        self._shown = SETTLING  # the label last shown while a hand is present
        self._watched_since: float | None = None  # first frame of the hand's present stretch
        self._candidate: str | None = None
        self._candidate_since = 0.0
        self._period_s: float | None = None
        self._moving_since: float | None = None
        self._still_since: float | None = None
        self._figures_t: float | None = None
        self._figures: tuple[float | None, float | None] = (None, None)
        self._noise_std = 0.0
        self._smoothing_taps = 1
        # (t, motion spread) of the frames shown as a hold: the landmarks' wander on this stream. Kept
        # across gaps (the camera and the light stay); bounded in length too, should time run backwards.
        self._hold_spread: deque[tuple[float, float]] = deque(maxlen=WANDER_MAX_FRAMES)
        self._wander: float | None = None  # their median, once there are wander_min_frames

    def set_foot_axis(self, foot_axis_deg: float) -> None:
        """Change the foot axis mid-stream (the user turned the foot or the slider)."""
        self.foot_axis_deg = float(foot_axis_deg) % 180.0

    def observe_past(self, obs: HandObservation, t: float) -> None:
        """Add an earlier frame's hand to the history (no verdict): evidence seen before it was believed.

        The hand gate believes a new hand a few frames after it appears
        (vision/core/hands.py); those frames held it. Pushed here when it is
        believed, they count toward the time the thumb has been watched.
        Ignored unless newer than everything already in the history.
        """
        if self._history.t and t <= self._history.t[-1]:
            return
        self._seen(t)
        palm = obs.palm_width_px
        if palm > 0 and self._palm_px is None:
            self._palm_px = palm
        self._push(t, np.asarray(obs.thumb_tip, dtype=float), np.asarray(obs.thumb_joints_xy, dtype=float))

    def another_thumb(self) -> None:
        """The thumb followed from now on is another hand's (vision/core/hands.py chose it): its positions
        do not go on from the last one's, and the jump between them is no stroke (the toes believed
        before the hand came, then the hand: a stroke shown for half a second of a hold, make eval's
        h1_01). The history starts over; what was shown, since when the stream was watched, and the
        stream's wander (the camera's, not the hand's) stay."""
        self._forget_thumb()
        self._palm_px = None

    def _seen(self, t: float) -> None:
        """A hand at ``t``: after a gap longer than ``gap_reset_s`` the history starts over."""
        if self._last_seen_t is not None and t - self._last_seen_t > self.params.gap_reset_s:
            self._reset()
        self._last_seen_t = t

    def _push(self, t: float, tip: np.ndarray, joints: np.ndarray) -> None:
        """Into the history; the thumb has been watched since the first frame pushed after a reset."""
        self._history.push(t, tip, joints)
        if self._watched_since is None:
            self._watched_since = t

    def update(self, obs: HandObservation | None, t: float) -> MotionState:
        """Advance by one frame taken at time ``t`` seconds; ``obs`` None when no hand."""
        if obs is None:
            return self.update_thumb(t, None, None)
        return self.update_thumb(t, obs.thumb_tip, obs.palm_width_px, obs.thumb_joints_xy)

    def update_thumb(self, t: float, thumb_xy, palm_px: float | None, joints_xy=None) -> MotionState:
        """Same as ``update`` from the thumb tip, the palm width and the thumb joints' centre (pixels).

        ``joints_xy`` defaults to the tip.
        """
        p = self.params
        if thumb_xy is None:
            if self._last_seen_t is not None and t - self._last_seen_t > p.gap_reset_s:
                self._reset()
            return MotionState(t=t, label=NO_HAND)
        self._seen(t)

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
        self._push(t, tip, joints)

        window = self._window(p.motion_window_s, p.motion_window_periods)
        signal_std, noise_std = self._motion_measure(palm_px, window)
        periodic = None  # fitted only when the variance test alone does not decide (it costs more)
        if self._moving:
            self._moving = signal_std > p.move_off_std_palm and signal_std**2 > 0.5 * p.move_snr * noise_std**2
            if not self._moving:
                periodic = self._periodic_fit(palm_px, p.move_off_std_palm)
                self._moving = self._periodic_moving(periodic, p.move_off_std_palm, staying=True)
            if not self._moving:
                self._moving = self._slow_stroke_going(palm_px)
            if not self._moving:
                self._still_since = t
        else:
            start_std = self._start_std()
            self._moving = signal_std > start_std and signal_std**2 > p.move_snr * noise_std**2
            if self._moving:
                joints_std, joints_noise = self._motion_measure(palm_px, window, joints=True)
                self._moving = (joints_std > p.joints_move_share * start_std
                                and joints_std**2 > p.move_snr * joints_noise**2
                                and self._joints_coherence(window) > p.joints_coherence)
            if not self._moving:
                periodic = self._periodic_fit(palm_px, start_std)
                if self._periodic_moving(periodic, start_std):
                    self._moving = True
                    window = max(window, 0.5 * p.periodic_window_s)
            if self._moving:
                self._moving_since = t - window
                self._figures_t = None
                if self._period_s is None and periodic is not None and periodic.snr > p.periodic_snr:
                    self._period_s = 1.0 / periodic.freq_hz
        periodic_snr = periodic.snr if periodic is not None else 0.0
        self._noise_std = noise_std * math.sqrt(self._smoothing_taps)  # per-sample landmark noise
        if periodic is not None and periodic.snr > p.periodic_snr:
            # Few frames a stroke: second differences see the stroke itself; what the fitted sinusoid
            # leaves is the noise.
            self._noise_std = min(self._noise_std, math.sqrt(periodic.tip.residual_var / 2.0))

        stroke_angle = grain = rate = amplitude = None
        if self._moving:
            stroke_angle, rate, amplitude = self._stroke_figures(palm_px)
            if rate:
                self._period_s = 60.0 / rate
            grain = angle_to_grain_deg(stroke_angle, self.foot_axis_deg)
            raw = self._direction_with_hysteresis(grain)
        else:
            # no motion seen: a hold only once the thumb has been watched long enough, and often
            # enough, to tell
            watched = t - self._watched_since >= p.settle_s - 1e-9
            raw = HOLD if watched and self._frames_dense_enough() else SETTLING
            if (self._shown in STROKE_LABELS and self._still_since is not None
                    and t - self._still_since < self._dwell_allowance()):
                raw = self._shown  # a pause at the end of a stroke, not a hold yet
                stroke_angle, rate, amplitude = self._stroke_figures(palm_px)
                grain = angle_to_grain_deg(stroke_angle, self.foot_axis_deg)

        label = self._confirm(raw, t)
        if label == HOLD:
            self._learn_wander(t, signal_std)
        if label not in STROKE_LABELS:
            stroke_angle = grain = rate = amplitude = None
        return MotionState(
            t=t, label=label, thumb_xy=(float(tip[0]), float(tip[1])), palm_px=palm_px,
            joints_xy=(float(joints[0]), float(joints[1])), stroke_angle_deg=stroke_angle,
            angle_to_grain_deg=grain, rate_per_min=rate,
            amplitude_palm=amplitude, motion_std_palm=signal_std, noise_std_palm=noise_std,
            periodic_snr=periodic_snr,
        )

    # -- pieces -----------------------------------------------------------------

    def _reset(self) -> None:
        """After a gap: the thumb's history and what was shown start over (the palm width stays)."""
        self._forget_thumb()
        self._shown = SETTLING
        self._watched_since = None

    def _forget_thumb(self) -> None:
        """The thumb's positions and what was made of them: its motion, period and figures."""
        self._history.clear()
        self._moving = False
        self._candidate = None
        self._period_s = self._moving_since = self._still_since = self._figures_t = None

    def _learn_wander(self, t: float, spread: float) -> None:
        """A frame shown as a hold, with the motion test's spread: the wander, if it is one (MotionParams)."""
        p = self.params
        ceiling = p.move_on_std_palm if self._wander is None else min(p.move_on_std_palm,
                                                                     p.wander_count_up_to * self._wander)
        if spread > ceiling:
            return
        self._hold_spread.append((t, spread))
        while t - self._hold_spread[0][0] > p.wander_memory_s:
            self._hold_spread.popleft()
        if len(self._hold_spread) >= p.wander_min_frames:
            self._wander = float(np.median([s for _, s in self._hold_spread]))

    def _start_std(self) -> float:
        """The spread along the stroke (palm widths) above which motion may start: ``move_on_std_palm``,
        raised to ``wander_factor`` times the wander (the frames lately shown as a hold)."""
        p = self.params
        if self._wander is None:
            return p.move_on_std_palm
        return max(p.move_on_std_palm, min(p.wander_factor * self._wander, p.wander_cap_palm))

    def _frames_dense_enough(self) -> bool:
        """Were the frames of the last ``settle_s`` at least ``min_judge_fps`` a second (median gap)?"""
        times, _ = self._history.window(self.params.settle_s)
        if len(times) < 3:
            return False
        return float(np.median(np.diff(times))) <= 1.0 / self.params.min_judge_fps + 1e-9

    def _motion_measure(self, palm_px: float, window_s: float, min_samples: int = 5,
                        joints: bool = False) -> tuple[float, float]:
        """(signal std, residual noise std) of the tip (or ``joints``) along its principal direction, palm widths.

        White landmark noise is estimated from second differences in true
        time (smooth motion hardly shows there; a dropped frame is a longer
        step, not a jump), the positions are averaged over about
        ``smoothing_s`` (which divides that noise, not the slower strokes),
        and what noise is left is subtracted from the variance along the stroke.
        """
        p = self.params
        times, tips = self._history.window(window_s, min_samples, joints=joints)
        if len(tips) < 5:
            return 0.0, 0.0
        pts = tips / palm_px
        noise_var = white_noise_var(times, pts)  # per axis, from second differences over the true time steps
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

    def _joints_coherence(self, window_s: float) -> float:
        """Correlation of the other thumb joints' travel with the tip's, along the tip's main direction.

        The joints' centre includes the tip; the rest of it, (3 centre - tip) / 2,
        is the MCP and IP alone. 1.0 when no separate joints were given.
        """
        _, tips = self._history.window(window_s, 5)
        _, centres = self._history.window(window_s, 5, joints=True)
        if len(tips) < 5:
            return 0.0
        others = (3.0 * centres - tips) / 2.0
        tip_d = tips - tips.mean(axis=0)
        other_d = others - others.mean(axis=0)
        direction, _, _ = principal_axis(tips)
        a, b = tip_d @ direction, other_d @ direction
        denom = math.sqrt(float(a @ a) * float(b @ b))
        if np.allclose(tips, centres):
            return 1.0
        return float(a @ b) / denom if denom > 0 else 0.0

    def _periodic_fit(self, palm_px: float, min_std_palm: float) -> "_PeriodicEvidence | None":
        """The tip's and the joints' best sinusoid over ``periodic_window_s`` (palm widths), or None.

        None too when the tip's whole spread is below ``min_std_palm``: no fit could explain more.
        """
        p = self.params
        times, tips = self._history.window(p.periodic_window_s)
        if len(times) < 8 or math.sqrt(float(tips.var(axis=0).sum())) / palm_px <= min_std_palm:
            return None
        freqs = trial_frequencies(times, p.periodic_min_cycles, p.periodic_max_hz)
        tip_fit = fit_sinusoid(times, tips / palm_px, freqs)
        if tip_fit is None:
            return None
        _, joints = self._history.window(p.periodic_window_s, joints=True)
        joints_fit = fit_sinusoid(times, joints / palm_px, np.array([tip_fit.freq_hz]))
        return _PeriodicEvidence(tip_fit, joints_fit)

    def _slow_stroke_going(self, palm_px: float) -> bool:
        """A slow stroke still under way (MotionParams.slow_window_s): its sinusoid fits the last seconds
        and the thumb still follows it."""
        p = self.params
        times, tips = self._history.window(p.slow_window_s)
        if len(times) < 12 or times[-1] - times[0] < 0.9 * p.slow_window_s:
            return False
        points = tips / palm_px
        fit = fit_sinusoid(times, points, trial_frequencies(times, p.periodic_min_cycles, p.slow_max_hz, 0.1))
        if fit is None or fit.snr < p.periodic_snr or math.sqrt(fit.explained_var) <= p.move_off_std_palm:
            return False
        recent = times >= times[-1] - p.slow_recent_periods / fit.freq_hz
        if np.count_nonzero(recent) < 3:
            return False
        off = points[recent] - fit.predict(times[recent])
        return math.sqrt(float((off ** 2).sum(axis=1).mean())) <= p.slow_recent_share * fit.amplitude

    def _periodic_moving(self, periodic: "_PeriodicEvidence | None", std_needed: float,
                         staying: bool = False) -> bool:
        """A stroke by its repetition: the tip and the joints both swing at one frequency, well above noise.

        A stroke moves the thumb's joints with the tip, in phase; landmark
        noise does not. Staying in motion asks half the evidence (hysteresis).
        """
        if periodic is None:
            return False
        p = self.params
        tip, joints = periodic.tip, periodic.joints
        share = 0.5 if staying else 1.0
        if not (tip.snr > share * p.periodic_snr and math.sqrt(tip.explained_var) > std_needed):
            return False
        return (joints is not None and joints.snr > share * p.periodic_snr
                and math.sqrt(joints.explained_var) > p.joints_move_share * std_needed
                and abs(float(tip.direction @ joints.direction)) > 0.5)

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
        """Show a new label only once it has lasted ``confirm_s``.

        The first hold after settling is shown at once: the settling time was its confirmation.
        """
        if raw == self._shown or (self._shown == SETTLING and raw == HOLD):
            self._shown, self._candidate = raw, None
            return raw
        if raw != self._candidate:
            self._candidate, self._candidate_since = raw, t
        if t - self._candidate_since >= self.params.confirm_s:
            self._shown, self._candidate = raw, None
        return self._shown
