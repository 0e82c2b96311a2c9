"""Is a "hand" the foot's toes? A look at the picture, for the tracks before any real hand is seen.

With a bare foot in view, the palm detector takes the toes for a hand, and
before a real hand has been seen there is nothing to compare its size with
(core/hands.py refuses toes by size only beside a real hand). The picture
tells them apart: the toes' "hand" has toes' short "fingers" and, with its
"forearm" (the rest of the foot), covers most of the skin in view; a real
hand on a foot covers a part of it. Measured on the composites of
``make eval-hands`` (every third frame, judged at 240 px): toes 0.80-1.00 of
detections, real hands on feet 0 of 1,500; at the 160 px used here, no toes
were kept in ``make eval-hands``. A hand alone in view (no foot) is most of the skin
too (0-0.90 of detections in the real footage): core/hands.py therefore only
waits, before believing such a "hand", for it to move, change its form or
stroke, which the toes of a resting foot do not.

Every hand with short fingers is looked at (the tracker does not know which
tracks are believed; core/hands.py uses the look only while no real hand has
been): the picture at 160 px, about 1 ms, one look a place every ``every_s``.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from ..core.fingers import has_short_fingers
from ..core.landmarks import HandObservation

LOOK_SIDE = 160  # the picture is judged at this longest side: skin and outline, not detail
LOOK_EVERY_S = 0.5


class ToesLook:
    """Sets ``covers_the_foot`` on the hands with short fingers (True: the toes); remembers its last looks."""

    def __init__(self, every_s: float = LOOK_EVERY_S) -> None:
        self.every_s = every_s
        self.looks = 0  # pictures judged (the tests count them)
        self._recent: list[tuple[float, np.ndarray, float, bool]] = []  # (t, centroid, size, toes)

    def forget(self) -> None:
        """A new stream: no look is reused."""
        self._recent = []

    def mark(self, rgb: np.ndarray, hands: list[HandObservation], t: float) -> list[HandObservation]:
        """``hands`` with the toes marked; a hand judged within ``every_s`` at its place keeps that verdict."""
        self._recent = [r for r in self._recent if 0.0 <= t - r[0] < self.every_s]
        small = None
        out = []
        for hand in hands:
            if not has_short_fingers(hand.xy):
                out.append(hand)
                continue
            centre = hand.xy.mean(axis=0)
            known = next((r for r in self._recent if np.linalg.norm(r[1] - centre) <= 0.5 * r[2]), None)
            if known is None:
                if small is None:
                    small, scale = _shrunk(rgb)
                toes = _covers_the_skin(small, scale, hand.xy)
                self._recent.append((t, centre, hand.size_px, toes))
                self.looks += 1
            else:
                toes = known[3]
            out.append(replace(hand, covers_the_foot=bool(toes)))
        return out


def _covers_the_skin(small_bgr: np.ndarray, scale: float, xy: np.ndarray) -> bool:
    """The axis estimator's test (vision/axis/estimate.py, is_the_foot): the "hand" and its "forearm"
    cover most of the skin. OpenCV is loaded here, on the first look, not with the tracker."""
    from ..axis.estimate import is_the_foot
    from ..axis.handmask import hand_mask

    return is_the_foot(small_bgr, hand_mask(small_bgr.shape[:2], [xy], scale))


def _shrunk(rgb: np.ndarray) -> tuple[np.ndarray, float]:
    """The picture as BGR at LOOK_SIDE (its longest side), and the scale from the frame's pixels."""
    import cv2

    h, w = rgb.shape[:2]
    scale = min(1.0, LOOK_SIDE / max(h, w))
    small = cv2.resize(rgb, (max(1, round(w * scale)), max(1, round(h * scale))), interpolation=cv2.INTER_AREA) \
        if scale < 1 else rgb
    return cv2.cvtColor(small, cv2.COLOR_RGB2BGR), scale
