"""The per-frame label vocabulary (design.md section 1): the one definition of it.

``Label`` is a StrEnum, so a label compares equal to its exact string
("cross_grain", ...) and serialises as that string in reports.

``settling`` is the one label that is no verdict: a hand is in view but the
motion test has not yet seen enough frames to tell a stroke from a hold (at a
stream's start, or when the hand comes back after a gap). Stillness is only
shown once it has been watched for as long as the test needs; calling those
first frames a hold would invent one from lack of evidence. A hold that was
there from the start is still timed from its start: the hold stage
(vision/core/holds.py) back-dates it once it is confirmed.
"""

from __future__ import annotations

from enum import StrEnum


class Label(StrEnum):
    CROSS_GRAIN = "cross_grain"  # reciprocating strokes at >= 60 deg to the foot axis
    LENGTHWISE = "lengthwise"  # ... at <= 30 deg
    OBLIQUE = "oblique"  # ... in between
    HOLD = "hold"  # the thumb steady in place
    NO_HAND = "no_hand"  # no hand found in the frame
    SETTLING = "settling"  # a hand in view, not judged yet: too few frames to tell stroke from hold

    @property
    def is_stroke(self) -> bool:
        return self in STROKE_LABELS


STROKE_LABELS: tuple[Label, ...] = (Label.CROSS_GRAIN, Label.LENGTHWISE, Label.OBLIQUE)
NO_VERDICT_LABELS: tuple[Label, ...] = (Label.NO_HAND, Label.SETTLING)  # no verdict on the thumb
LABELS: tuple[Label, ...] = tuple(Label)
