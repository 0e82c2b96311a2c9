"""FrameLog: every frame's verdict, kept compactly for the report and for offline relabelling.

A live session runs for half an hour or more and its report needs every
frame, so the per-frame fields are stored in flat arrays (about 90 bytes a
frame, against well over a kilobyte for a list of verdicts) and turned into
FrameRecords only when a report is built.
"""

from __future__ import annotations

import math
from array import array

from .axis import AxisSource, FootAxis
from .labels import LABELS
from .report import FrameRecord
from .verdict import FrameVerdict, OtherThumb

_LABEL_CODE = {label: k for k, label in enumerate(LABELS)}
_SOURCES = tuple(AxisSource)
_SOURCE_CODE = {s: k for k, s in enumerate(_SOURCES)}
_NAN = float("nan")
_FLOATS = ("credited", "axis", "angle", "stroke", "x", "y", "jx", "jy", "palm", "rate", "amp", "hold",
           "other_angle", "other_rate", "other_x", "other_y")
_NO_OTHER = 255  # no second working thumb in this frame


def _opt(v: float) -> float | None:
    return None if math.isnan(v) else v


def _f(v: float | None) -> float:
    return _NAN if v is None else v


class FrameLog:
    def __init__(self) -> None:
        self._t = array("d")
        self._label = bytearray()
        self._source = bytearray()
        self._right = bytearray()
        self._other = bytearray()  # the second working thumb's label code, or _NO_OTHER
        self._a = {name: array("f") for name in _FLOATS}

    def __len__(self) -> int:
        return len(self._t)

    def append(self, v: FrameVerdict) -> None:
        a = self._a
        self._t.append(v.t)
        self._label.append(_LABEL_CODE[v.label])
        self._source.append(_SOURCE_CODE[v.axis.source])
        self._right.append(1 if v.coaching is not None and v.coaching.right else 0)
        x, y = v.thumb_xy if v.thumb_xy is not None else (_NAN, _NAN)
        jx, jy = v.joints_xy if v.joints_xy is not None else (_NAN, _NAN)
        other = v.other_thumb
        self._other.append(_NO_OTHER if other is None else _LABEL_CODE[other.label])
        a["other_angle"].append(_NAN if other is None else _f(other.angle_to_grain_deg))
        a["other_rate"].append(_NAN if other is None else _f(other.rate_per_min))
        ox, oy = other.thumb_xy if other is not None and other.thumb_xy is not None else (_NAN, _NAN)
        a["other_x"].append(ox)
        a["other_y"].append(oy)
        for name, value in (("credited", v.credited_s), ("axis", v.axis.deg), ("angle", _f(v.angle_to_grain_deg)),
                            ("stroke", _f(v.stroke_angle_deg)), ("x", x), ("y", y), ("jx", jx), ("jy", jy),
                            ("palm", _f(v.palm_px)), ("rate", _f(v.rate_per_min)), ("amp", _f(v.amplitude_palm)),
                            ("hold", v.hold_s)):
            a[name].append(value)

    def recent_index(self, t: float, depth: int = 16) -> int | None:
        """Index of the frame taken at ``t`` among the last ``depth`` frames, or None."""
        for k in range(len(self._t) - 1, max(len(self._t) - depth, 0) - 1, -1):
            if self._t[k] == t:
                return k
        return None

    def motion_verdict(self, i: int) -> FrameVerdict:
        """Frame ``i``'s motion fields as a verdict (holds and coaching empty): offline relabelling's input."""
        a = self._a
        x, jx = a["x"][i], a["jx"][i]
        return FrameVerdict(
            i=i, t=self._t[i], credited_s=a["credited"][i], label=LABELS[self._label[i]],
            axis=FootAxis(a["axis"][i], _SOURCES[self._source[i]]),
            thumb_xy=None if math.isnan(x) else (x, a["y"][i]),
            joints_xy=None if math.isnan(jx) else (jx, a["jy"][i]), palm_px=_opt(a["palm"][i]),
            stroke_angle_deg=_opt(a["stroke"][i]), angle_to_grain_deg=_opt(a["angle"][i]),
            rate_per_min=_opt(a["rate"][i]), amplitude_palm=_opt(a["amp"][i]), other_thumb=self._other_thumb(i),
        )

    def _other_thumb(self, i: int) -> OtherThumb | None:
        code = self._other[i]
        if code == _NO_OTHER:
            return None
        a = self._a
        return OtherThumb(label=LABELS[code], thumb_xy=self._other_xy(i), angle_to_grain_deg=_opt(a["other_angle"][i]),
                          rate_per_min=_opt(a["other_rate"][i]))

    def _other_xy(self, i: int) -> tuple[float, float] | None:
        x = self._a["other_x"][i]
        return None if math.isnan(x) else (x, self._a["other_y"][i])

    def record(self, i: int) -> FrameRecord:
        a = self._a
        other = self._other_thumb(i)
        x, jx = a["x"][i], a["jx"][i]
        return FrameRecord(
            i=i, t=self._t[i], label=LABELS[self._label[i]], angle_to_grain_deg=_opt(a["angle"][i]),
            thumb_xy=None if math.isnan(x) else (x, a["y"][i]), palm_px=_opt(a["palm"][i]),
            joints_xy=None if math.isnan(jx) else (jx, a["jy"][i]), foot_axis_deg=a["axis"][i],
            axis_source=str(_SOURCES[self._source[i]]), credited_s=a["credited"][i],
            stroke_angle_deg=_opt(a["stroke"][i]), rate_per_min=_opt(a["rate"][i]),
            amplitude_palm=_opt(a["amp"][i]), hold_s=a["hold"][i], right=bool(self._right[i]),
            other_thumb_label=None if other is None else str(other.label),
            other_thumb_angle_to_grain_deg=None if other is None else other.angle_to_grain_deg,
            other_thumb_xy=None if other is None else other.thumb_xy,
        )

    def records(self) -> list[FrameRecord]:
        return [self.record(i) for i in range(len(self))]
