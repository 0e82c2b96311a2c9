"""The live stream's foot axis: typed in the sidebar, drawn on a still, shown with the thumb, or followed.

Issue 13 on the live page. One LiveAxis per browser session, beside its LiveStream:
- typed: the sidebar's angle (the default; moving the slider returns to it);
- drawn: two clicks, heel then toes, on a still of the stream (``still()``);
- thumb: the thumb tip rests on the heel, then on the base of the toes (axis/thumb.py);
- follow: the camera finds the foot and follows it as it turns (axis/follow.py).

The frame thread calls ``on_frame`` after each analysed frame: it keeps a reference to
the frame (no copy: each camera frame is a fresh array), feeds the thumb calibration (a
few arithmetic steps) and returns the axis in force. Following runs off the frame thread:
a worker wakes a few times a second, estimates on the latest frame and publishes the
axis; the frame thread only reads it. A user-set axis stands until the user changes it
or chooses to follow the foot; until the follower finds the foot, the last axis stands.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from enum import StrEnum

import numpy as np

from ..axis.follow import FootAxisFollower
from ..axis.thumb import CalibrationState, ThumbCalibration
from ..core.axis import AxisSource, FootAxis

FOLLOW_EVERY_S = 0.3  # the follower's pace, off the frame thread


class AxisMode(StrEnum):
    TYPED = "typed"
    DRAWN = "drawn"
    THUMB = "thumb"
    FOLLOW = "follow"


@dataclass(frozen=True)
class LiveAxisView:
    """What the page shows about the axis: how it is set, the axis in force, and a sentence."""

    mode: AxisMode
    axis: FootAxis
    message: str
    calibration: CalibrationState | None = None  # while the thumb shows the axis


class LiveAxis:
    def __init__(self, typed_deg: float = 90.0, follower_factory=FootAxisFollower,
                 follow_every_s: float = FOLLOW_EVERY_S):
        self._lock = threading.Lock()
        self._typed = FootAxis.typed(typed_deg)
        self._axis = self._typed
        self.mode = AxisMode.TYPED
        self._calibration: ThumbCalibration | None = None
        self._calibration_state: CalibrationState | None = None
        self._frame: tuple[np.ndarray, float, np.ndarray | None] | None = None
        self._follower_factory = follower_factory
        self._follow_every_s = follow_every_s
        self._follow_stop: threading.Event | None = None
        self._follow_thread: threading.Thread | None = None
        self._found: FootAxis | None = None
        self.follow_error: str | None = None

    # ------------------------------------------------------------------ the user's choices (page thread)

    def type(self, deg: float) -> None:
        """The sidebar's angle. A change of it is the user's choice: the typed axis applies again."""
        with self._lock:
            changed = abs(FootAxis.typed(deg).deg - self._typed.deg) > 1e-9
            self._typed = FootAxis.typed(deg)
            if self.mode is AxisMode.TYPED or changed:
                self._set_mode(AxisMode.TYPED)
                self._axis = self._typed

    def use_typed(self) -> None:
        """Back to the sidebar's angle."""
        with self._lock:
            self._set_mode(AxisMode.TYPED)
            self._axis = self._typed

    def draw(self, axis: FootAxis) -> None:
        """Heel and toes clicked on a still of the stream."""
        with self._lock:
            self._set_mode(AxisMode.DRAWN)
            self._axis = FootAxis.from_points(axis.heel_xy, axis.toes_xy, AxisSource.DRAWN) \
                if axis.heel_xy is not None and axis.toes_xy is not None else FootAxis(axis.deg, AxisSource.DRAWN)

    def show_with_thumb(self) -> None:
        """Start (or restart) the thumb calibration; the axis stands as it is until the toes are marked."""
        with self._lock:
            self._set_mode(AxisMode.THUMB)
            self._calibration = ThumbCalibration()
            self._calibration_state = None

    def follow(self) -> None:
        """Follow the foot: a worker finds it on the latest frames and turns the axis with it."""
        with self._lock:
            self._stop_following()  # a second press restarts the follow: one worker at a time
            self._set_mode(AxisMode.FOLLOW)
            self._found = None
            self.follow_error = None
            self._follow_stop = threading.Event()
            self._follow_thread = threading.Thread(target=self._follow_loop, args=(self._follow_stop,),
                                                   name="crossgrain-follow-foot", daemon=True)
            self._follow_thread.start()

    def close(self) -> None:
        with self._lock:
            self._stop_following()

    def _set_mode(self, mode: AxisMode) -> None:
        if mode is not AxisMode.FOLLOW:
            self._stop_following()
        if mode is not AxisMode.THUMB:
            self._calibration = None
            self._calibration_state = None
        self.mode = mode

    def _stop_following(self) -> None:
        if self._follow_stop is not None:
            self._follow_stop.set()
        self._follow_stop, self._follow_thread = None, None

    # ------------------------------------------------------------------ frames (frame thread)

    def on_frame(self, rgb: np.ndarray, t: float, hand_xy: np.ndarray | None) -> FootAxis:
        """An analysed frame at stream time ``t`` with the working hand's landmarks (or None): the axis in force."""
        with self._lock:
            self._frame = (rgb, t, hand_xy)
            if self.mode is AxisMode.THUMB and self._calibration is not None:
                self._calibration_state = state = self._calibration.update(hand_xy, t)
                if state.axis is not None:
                    self._axis = state.axis
            elif self.mode is AxisMode.FOLLOW and self._found is not None:
                self._axis = self._found
            return self._axis

    def still(self) -> np.ndarray | None:
        """The latest analysed frame (RGB), to draw heel and toes on; None before the first."""
        with self._lock:
            return None if self._frame is None else self._frame[0].copy()

    @property
    def axis(self) -> FootAxis:
        with self._lock:
            return self._axis

    def view(self) -> LiveAxisView:
        with self._lock:
            mode, axis, state = self.mode, self._axis, self._calibration_state
            found, error = self._found, self.follow_error
        if mode is AxisMode.THUMB:
            message = state.message if state is not None else \
                "Rest your thumb tip on the centre of your heel and hold still for 2 s."
        elif mode is AxisMode.FOLLOW:
            if error:
                message = f"Following the foot stopped: {error}. The last axis stands."
            elif found is None:
                message = "Looking for your foot… (the last axis stands until it is found)"
            else:
                sure = found.confidence or 0.0
                message = f"Following your foot: {axis.deg:.0f}°" + (" (not sure)" if sure < 0.5 else "")
        elif mode is AxisMode.DRAWN:
            message = f"Drawn on the picture: {axis.deg:.0f}°."
        else:
            message = f"Set in the sidebar: {axis.deg:.0f}°."
        return LiveAxisView(mode, axis, message, state if mode is AxisMode.THUMB else None)

    # ------------------------------------------------------------------ following (its own thread)

    def _follow_loop(self, stop: threading.Event) -> None:
        follower = self._follower_factory()
        last_t = None
        while not stop.wait(self._follow_every_s):
            with self._lock:
                frame = self._frame
            if frame is None or frame[1] == last_t:
                continue
            rgb, t, hand_xy = frame
            last_t = t
            try:
                found = follower.update(rgb, t, None if hand_xy is None else [hand_xy])
            except Exception as exc:  # noqa: BLE001 - shown on the page; the frame thread goes on
                with self._lock:
                    if not stop.is_set():
                        self.follow_error = f"{type(exc).__name__}: {exc}"
                return
            with self._lock:
                if not stop.is_set() and found is not None:  # not stopped: still following, under this lock
                    # in force at once, not from the next analysed frame: the status names the axis in force,
                    # and on a slow machine the next analysed frame can be a second away
                    self._found = self._axis = found
