"""Show the axis with the thumb: rest the thumb tip on the heel for 2 s, then on the base of the toes.

Pure: fed the hand's 21 landmarks (or None) and the frame's time; gives a
state the page shows (step, message, progress of the current rest). A rest
is the thumb tip staying within a small radius (in palm widths, so camera
distance does not matter) for ``hold_s``, in frames at most ``max_gap_s`` apart
(a live stream that falls behind skips frames: a gap is not a still thumb); its
point is the median tip there.
The toes rest only counts once the thumb has left the heel, and the two
points must be far enough apart (``min_apart_palm``) to give a trustworthy
line: otherwise a clear retry, which starts again at the heel. The retry's
message shows for ``retry_s``; after it, until the heel is marked again, the
heel step's messages still say why it starts again (the user may have been
looking at the foot, not the screen, while the message was up).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

import numpy as np

from ..core.axis import AxisSource, FootAxis
from ..core.landmarks import HandLandmark as L


class Step(StrEnum):
    HEEL = "heel"
    TOES = "toes"
    DONE = "done"
    RETRY = "retry"


@dataclass(frozen=True)
class ThumbParams:
    hold_s: float = 2.0
    still_palm: float = 0.15  # the tip stays within this radius while resting
    leave_palm: float = 0.5  # after the heel, the toes rest counts once the tip is this far from it
    min_apart_palm: float = 1.5  # heel and toes at least this far apart (a foot is ~3.3 palms long)
    lost_s: float = 0.3  # the hand may vanish this long without breaking a rest
    max_gap_s: float = 1.0  # frames further apart than this break a rest: a gap is never taken for a still thumb
    retry_s: float = 3.0  # a retry message shows this long, then the heel step starts again


@dataclass(frozen=True)
class CalibrationState:
    step: Step
    message: str
    progress: float  # 0-1: how far the current rest is
    heel_xy: tuple[float, float] | None = None
    toes_xy: tuple[float, float] | None = None
    axis: FootAxis | None = None


class ThumbCalibration:
    def __init__(self, params: ThumbParams = ThumbParams()):
        self.params = params
        self.restart()

    def restart(self) -> None:
        self.step = Step.HEEL
        self.heel: np.ndarray | None = None
        self.toes: np.ndarray | None = None
        self.axis: FootAxis | None = None
        self._rest: list[tuple[float, np.ndarray, float]] = []  # (t, tip, palm)
        self._last_seen_t: float | None = None
        self._last_frame_t: float | None = None
        self._left_heel = False
        self._retry_since: float | None = None
        self._retry_msg = ""
        self._retry_note = ""  # after a retry, said in the heel step's messages until the heel is marked
        self._palms: list[float] = []

    def update(self, landmarks, t: float) -> CalibrationState:
        p = self.params
        if self._last_frame_t is not None and t - self._last_frame_t > p.max_gap_s:
            self._rest.clear()  # no frame for a while (a live stream falling behind): the thumb was not seen still
        self._last_frame_t = t
        if self.step is Step.RETRY:
            if t - self._retry_since >= p.retry_s:
                note = self._retry_note
                self.restart()
                self._retry_note = note
            else:
                return self._state(0.0, self._retry_msg)
        if self.step is Step.DONE:
            return self._state(1.0, f"Foot axis set: {self.axis.deg:.0f}°. Thumb points on heel and toes.")
        if landmarks is None:
            if self._last_seen_t is None or t - self._last_seen_t > p.lost_s:
                self._rest.clear()
            return self._state(0.0, self._prompt("Show your hand to the camera, thumb tip on the "
                                                 + ("heel." if self.step is Step.HEEL else "base of the toes.")))
        xy = np.asarray(getattr(landmarks, "xy", landmarks), dtype=np.float64)
        if xy.shape != (21, 2) or not np.isfinite(xy).all():
            raise ValueError(f"hand landmarks must be finite (21, 2) pixels, got shape {xy.shape}")
        self._last_seen_t = t
        tip = xy[L.THUMB_TIP]
        palm = float(np.linalg.norm(xy[L.INDEX_MCP] - xy[L.PINKY_MCP]))
        if palm < 1.0:
            return self._state(0.0, "The hand is too small in the picture: come closer to the camera.")
        if self.step is Step.TOES and not self._left_heel:
            if np.linalg.norm(tip - self.heel) < p.leave_palm * palm:
                return self._state(0.0, "Heel marked. Now move your thumb tip to the base of your toes.")
            self._left_heel = True
        if self._rest:
            anchor = np.median([r[1] for r in self._rest], axis=0)
            if np.linalg.norm(tip - anchor) > p.still_palm * palm:
                self._rest.clear()
        self._rest.append((t, tip.copy(), palm))
        held = t - self._rest[0][0]
        if held < p.hold_s:
            where = "heel" if self.step is Step.HEEL else "base of the toes"
            spot = "centre of your heel" if self.step is Step.HEEL else where
            msg = self._prompt(f"Hold still on the {where}: {held:.1f} of {p.hold_s:.0f} s" if held > 0 else
                               f"Rest your thumb tip on the {spot} and hold still for {p.hold_s:.0f} s.")
            return self._state(held / p.hold_s, msg)
        point = np.median([r[1] for r in self._rest], axis=0)
        self._palms.extend(r[2] for r in self._rest)
        self._rest.clear()
        if self.step is Step.HEEL:
            self.heel, self.step, self._retry_note = point, Step.TOES, ""
            return self._state(1.0, "Heel marked. Now move your thumb tip to the base of your toes.")
        self.toes = point
        apart = float(np.linalg.norm(self.toes - self.heel)) / float(np.median(self._palms))
        if apart < p.min_apart_palm:
            self.step, self._retry_since = Step.RETRY, t
            self._retry_msg = (f"The two points are only {apart:.1f} palm widths apart (at least "
                               f"{p.min_apart_palm:.1f} needed): try again, heel first, then the base of the toes.")
            self._retry_note = (f"Try again: the last two points were only {apart:.1f} palm widths apart "
                                f"(at least {p.min_apart_palm:.1f} needed). ")
            return self._state(0.0, self._retry_msg)
        self.axis = FootAxis.from_points(self.heel, self.toes, AxisSource.THUMB)
        self.step = Step.DONE
        return self._state(1.0, f"Foot axis set: {self.axis.deg:.0f}°. Thumb points on heel and toes.")

    def _prompt(self, message: str) -> str:
        """A message of the heel step, with the reason for starting again after a retry."""
        return self._retry_note + message if self.step is Step.HEEL else message

    def _state(self, progress: float, message: str) -> CalibrationState:
        def pt(v):
            return None if v is None else (float(v[0]), float(v[1]))

        return CalibrationState(self.step, message, float(min(max(progress, 0.0), 1.0)),
                                pt(self.heel), pt(self.toes), self.axis)
