"""The per-frame label vocabulary (design.md section 1): the one definition of it.

``Label`` is a StrEnum, so a label compares equal to its exact string
("cross_grain", ...) and serialises as that string in reports.
"""

from __future__ import annotations

from enum import StrEnum


class Label(StrEnum):
    CROSS_GRAIN = "cross_grain"  # reciprocating strokes at >= 60 deg to the foot axis
    LENGTHWISE = "lengthwise"  # ... at <= 30 deg
    OBLIQUE = "oblique"  # ... in between
    HOLD = "hold"  # the thumb steady in place
    NO_HAND = "no_hand"  # no hand found in the frame

    @property
    def is_stroke(self) -> bool:
        return self in STROKE_LABELS


STROKE_LABELS: tuple[Label, ...] = (Label.CROSS_GRAIN, Label.LENGTHWISE, Label.OBLIQUE)
LABELS: tuple[Label, ...] = tuple(Label)
