"""HandIdentityGate: keeps the analysis on the hand it has been following.

MediaPipe's palm detector also fires on feet: with the massaging hand out of
view, the toes are often reported as a hand (seen on our clips in 40-100 % of
the frames without a hand), and the tracker then follows the toes. Such a
"hand" is the size of a foot, not of the hand seen a moment ago. The gate
remembers the palm width of the hand it accepted and refuses, for a while,
a detection whose palm is much larger or smaller: those frames count as
no hand. After ``forget_s`` without an accepted hand, whatever is seen is
taken as the new hand (the user moved the camera, or a new person sits down).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from .landmarks import HandObservation


@dataclass(frozen=True)
class GateParams:
    max_palm_ratio: float = 1.6  # a palm this many times larger (or smaller) is another object
    forget_s: float = 8.0  # after this long without the accepted hand, accept a new one
    palm_smoothing_s: float = 2.0  # time constant of the remembered palm width


class HandIdentityGate:
    """``accept(obs)`` returns the observation, or None when it is not the followed hand."""

    def __init__(self, params: GateParams = GateParams()):
        self.params = params
        self._palm: float | None = None
        self._last_t: float | None = None
        self.rejected = 0

    def accept(self, obs: HandObservation | None) -> HandObservation | None:
        if obs is None:
            return None
        p = self.params
        palm = obs.palm_width_px
        if palm <= 0:
            return None
        if self._palm is not None and self._last_t is not None and obs.t - self._last_t > p.forget_s:
            self._palm = None  # the followed hand has been gone long enough
        if self._palm is not None and abs(math.log(palm / self._palm)) > math.log(p.max_palm_ratio):
            self.rejected += 1
            return None
        if self._palm is None:
            self._palm = palm
        else:
            dt = max(obs.t - (self._last_t if self._last_t is not None else obs.t), 0.0)
            self._palm += (1.0 - math.exp(-dt / p.palm_smoothing_s)) * (palm - self._palm)
        self._last_t = obs.t
        return obs
