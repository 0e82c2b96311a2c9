"""Draw the foot axis with two clicks on a still, and draw any axis on a picture (page logic, no Streamlit).

The click component reports each click in the shown image's pixels with the
shown size, and repeats its last value on every rerun: a click is new when its
time stamp is. The first click is the heel, the second the base of the toes;
a third starts again.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import cv2
import numpy as np

from ..core.axis import AxisSource, FootAxis

HEEL_COLOUR = (255, 170, 0)  # RGB
TOES_COLOUR = (0, 200, 255)
LINE_COLOUR = (255, 255, 255)


@dataclass
class TwoClicks:
    """Heel, then toes, clicked on a picture of ``width`` x ``height`` pixels shown at any size."""

    width: int
    height: int
    heel: tuple[float, float] | None = None
    toes: tuple[float, float] | None = None
    _last_click: object = None

    def click(self, value: dict | None) -> bool:
        """Take the component's value ({x, y, width, height, unix_time}); True when it was a new click."""
        if not value or value.get("unix_time") == self._last_click:
            return False
        self._last_click = value.get("unix_time")
        shown_w, shown_h = value.get("width") or self.width, value.get("height") or self.height
        x = min(max(float(value["x"]) * self.width / shown_w, 0.0), self.width - 1.0)
        y = min(max(float(value["y"]) * self.height / shown_h, 0.0), self.height - 1.0)
        if self.heel is None or self.toes is not None:
            self.heel, self.toes = (x, y), None
        elif math.hypot(x - self.heel[0], y - self.heel[1]) >= 2.0:  # a double click on the heel is not an axis
            self.toes = (x, y)
        return True

    def clear(self) -> None:
        self.heel = self.toes = None

    @property
    def axis(self) -> FootAxis | None:
        if self.heel is None or self.toes is None:
            return None
        return FootAxis.from_points(self.heel, self.toes, AxisSource.DRAWN)

    @property
    def prompt(self) -> str:
        if self.heel is None:
            return "Click the centre of the heel."
        if self.toes is None:
            return "Now click the base of the toes (the second toe)."
        return f"Axis drawn: {self.axis.deg:.0f}°. Click again to start over."


def axis_caption(axis: FootAxis | None) -> str:
    if axis is None:
        return "No foot axis yet."
    how = {AxisSource.FOUND: "found in the picture", AxisSource.DRAWN: "drawn by you",
           AxisSource.THUMB: "shown with your thumb", AxisSource.TYPED: "typed"}[axis.source]
    sure = f", confidence {axis.confidence:.0%}" if axis.confidence is not None else ""
    return f"Foot axis {axis.deg:.0f}° ({how}{sure})"


def draw_axis(rgb: np.ndarray, axis: FootAxis | None, heel: tuple[float, float] | None = None) -> np.ndarray:
    """A copy of the picture with the axis on it: heel (dot) to toes (arrow) when known, else a line
    through the middle at the axis's angle. ``heel`` alone (first click) is drawn as a dot."""
    out = np.ascontiguousarray(rgb).copy()
    h, w = out.shape[:2]
    thick = max(2, round(max(h, w) / 250))
    if axis is not None and axis.heel_xy is not None and axis.toes_xy is not None:
        a, b = _px(axis.heel_xy), _px(axis.toes_xy)
        cv2.line(out, a, b, (0, 0, 0), thick + 2, cv2.LINE_AA)
        cv2.arrowedLine(out, a, b, LINE_COLOUR, thick, cv2.LINE_AA, tipLength=0.08)
        cv2.circle(out, a, 3 * thick, HEEL_COLOUR, -1, cv2.LINE_AA)
        cv2.circle(out, b, 2 * thick, TOES_COLOUR, -1, cv2.LINE_AA)
    elif axis is not None:
        r = math.radians(axis.deg)
        d = np.array([math.cos(r), -math.sin(r)]) * 0.45 * min(h, w)
        c = np.array([w / 2, h / 2])
        cv2.line(out, _px(c - d), _px(c + d), (0, 0, 0), thick + 2, cv2.LINE_AA)
        cv2.line(out, _px(c - d), _px(c + d), LINE_COLOUR, thick, cv2.LINE_AA)
    if heel is not None and (axis is None or axis.heel_xy is None):
        cv2.circle(out, _px(heel), 3 * thick, HEEL_COLOUR, -1, cv2.LINE_AA)
    return out


def _px(p) -> tuple[int, int]:
    return int(round(float(p[0]))), int(round(float(p[1])))
