"""HandIdentityGate: the engine's one entry for the hand choice, over HandTracks.

``accept(observations, t)`` takes what the tracker found in a frame (a list of
hands, one hand, or None) and returns the working thumb's hand, or None when
there is none to judge in this frame (no hand, toes taken for a hand, a new
hand not yet believed, or the working hand not seen this frame). The whole
decision (identities, the defence against toes, which thumb works, both
thumbs working) lives in vision/core/hands.py; ``selection`` keeps the last one.
"""

from __future__ import annotations

from .hands import HandSelection, HandTrackParams, HandTracks
from .landmarks import HandObservation


class GateParams(HandTrackParams):
    """The gate's settings: those of HandTracks (checked when made)."""


class HandIdentityGate:
    """Call ``accept`` once a frame, with no hand too, so time advances."""

    def __init__(self, params: HandTrackParams = GateParams()):
        self.tracks = HandTracks(params)
        self.selection: HandSelection | None = None
        self._last_t = 0.0

    @property
    def refused(self) -> int:
        return self.tracks.refused

    def accept(self, observations: list[HandObservation] | HandObservation | None,
               t: float | None = None) -> HandObservation | None:
        if t is None:  # older callers pass one observation and no time
            t = observations.t if isinstance(observations, HandObservation) else self._last_t
        self._last_t = t
        self.selection = self.tracks.update(observations, t)
        return self.selection.working
