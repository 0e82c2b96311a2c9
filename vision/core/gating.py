"""HandIdentityGate: keeps the analysis on a real hand, the one it has been following.

MediaPipe's palm detector also fires on feet: with the massaging hand out of
view, the toes are often reported as a hand (on our clips in 40-100 % of the
frames without a hand). Such a "hand" differs from a real one in two ways:
it is unstable (from one frame to the next its palm width jumps by half,
its landmarks rearrange, its handedness flips) and it is the size of a foot,
not of the hand seen a moment ago. The gate therefore

- accepts a detection that continues the accepted hand of the previous frame
  consistently (similar palm width, shape and place);
- accepts a new or returning hand only after ``confirm_frames`` consecutive
  consistent detections;
- refuses, for ``forget_s`` after the followed hand was last seen, a detection
  whose palm is far larger or smaller than that hand's.

Refused detections count as no hand.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .landmarks import HandLandmark, HandObservation
from .params import Checked


@dataclass(frozen=True)
class GateParams(Checked):
    max_palm_ratio: float = 1.35  # vs the followed hand: a palm this many times larger (or smaller) is another object
    max_step_palm_ratio: float = 1.25  # between consecutive frames
    max_step_shape_change: float = 0.3  # mean landmark move relative to the wrist, palm widths, frame to frame
    max_step_move_palm: float = 1.0  # wrist move between consecutive frames, palm widths
    confirm_frames: int = 3  # consecutive consistent detections before a new hand is believed
    forget_s: float = 8.0  # after this long without the followed hand, any size is accepted
    palm_smoothing_s: float = 2.0  # time constant of the remembered palm width

    def __post_init__(self) -> None:
        self.check(positive=("max_step_shape_change", "max_step_move_palm", "forget_s", "palm_smoothing_s"),
                   at_least_one=("max_palm_ratio", "max_step_palm_ratio", "confirm_frames"))


def _consistent(a: HandObservation, b: HandObservation, p: GateParams) -> bool:
    pa, pb = a.palm_width_px, b.palm_width_px
    if pa <= 0 or pb <= 0 or max(pa, pb) / min(pa, pb) > p.max_step_palm_ratio:
        return False
    wrist = HandLandmark.WRIST
    if np.linalg.norm(a.xy[wrist] - b.xy[wrist]) > p.max_step_move_palm * pb:
        return False
    shape = np.mean(np.linalg.norm((a.xy - a.xy[wrist]) - (b.xy - b.xy[wrist]), axis=1)) / pb
    return bool(shape <= p.max_step_shape_change)


class HandIdentityGate:
    """``accept(obs)`` returns the observation, or None when it is not a believable, followed hand."""

    def __init__(self, params: GateParams = GateParams()):
        self.params = params
        self._palm: float | None = None
        self._last_accepted_t: float | None = None
        self._previous: HandObservation | None = None
        self._previous_accepted = False
        self._streak = 0
        self.refused = 0

    def accept(self, obs: HandObservation | None) -> HandObservation | None:
        p = self.params
        if obs is None or obs.palm_width_px <= 0:
            self._previous, self._previous_accepted, self._streak = None, False, 0
            return None
        consistent = self._previous is not None and _consistent(obs, self._previous, p)
        self._streak = self._streak + 1 if consistent else 1
        continuing = consistent and self._previous_accepted
        self._previous = obs
        if self._palm is not None and obs.t - self._last_accepted_t > p.forget_s:
            self._palm = None  # the followed hand has been gone long enough
        ok = continuing or self._streak >= p.confirm_frames
        if ok and self._palm is not None and abs(math.log(obs.palm_width_px / self._palm)) > math.log(p.max_palm_ratio):
            ok = False
        self._previous_accepted = ok
        if not ok:
            self.refused += 1
            return None
        self._remember(obs)
        return obs

    def _remember(self, obs: HandObservation) -> None:
        if self._palm is None:
            self._palm = obs.palm_width_px
        else:
            dt = max(obs.t - self._last_accepted_t, 0.0)
            self._palm += (1.0 - math.exp(-dt / self.params.palm_smoothing_s)) * (obs.palm_width_px - self._palm)
        self._last_accepted_t = obs.t
