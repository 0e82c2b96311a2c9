"""FrameLog: every frame's verdict, kept compactly for the report.

A live session runs for half an hour or more and its report needs every
frame, so the per-frame record is stored in flat arrays (about 33 bytes a
frame, against some 450 for a list of dataclasses) and turned into
FrameRecords only when a report is built.
"""

from __future__ import annotations

import math
from array import array

from .motion import LABELS
from .report import FrameRecord

_LABEL_CODE = {label: k for k, label in enumerate(LABELS)}
_NAN = float("nan")


def _opt(v: float) -> float | None:
    return None if math.isnan(v) else v


class FrameLog:
    def __init__(self) -> None:
        self._t = array("d")
        self._label = bytearray()
        self._angle = array("f")
        self._x = array("f")
        self._y = array("f")
        self._palm = array("f")
        self._jx = array("f")
        self._jy = array("f")

    def __len__(self) -> int:
        return len(self._t)

    def append(self, t: float, label: str, angle_to_grain_deg: float | None,
               thumb_xy: tuple[float, float] | None, palm_px: float | None,
               joints_xy: tuple[float, float] | None = None) -> None:
        self._t.append(t)
        self._label.append(_LABEL_CODE[label])
        self._angle.append(_NAN if angle_to_grain_deg is None else angle_to_grain_deg)
        x, y = thumb_xy if thumb_xy is not None else (_NAN, _NAN)
        self._x.append(x)
        self._y.append(y)
        self._palm.append(_NAN if palm_px is None else palm_px)
        jx, jy = joints_xy if joints_xy is not None else (_NAN, _NAN)
        self._jx.append(jx)
        self._jy.append(jy)

    def record(self, i: int) -> FrameRecord:
        x, jx = self._x[i], self._jx[i]
        return FrameRecord(
            i=i, t=self._t[i], label=LABELS[self._label[i]], angle_to_grain_deg=_opt(self._angle[i]),
            thumb_xy=None if math.isnan(x) else (x, self._y[i]), palm_px=_opt(self._palm[i]),
            joints_xy=None if math.isnan(jx) else (jx, self._jy[i]),
        )

    def records(self) -> list[FrameRecord]:
        return [self.record(i) for i in range(len(self))]
