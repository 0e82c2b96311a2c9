"""The MediaPipe adapter: RGB frames in, HandObservation (or None) out.

Nothing MediaPipe-shaped leaves this module. One tracker per stream: VIDEO
mode keeps tracking state between frames and refuses timestamps that do not
increase, so the tracker feeds MediaPipe its own strictly increasing
millisecond count while the observation keeps the frame's true time.
"""

from __future__ import annotations

import contextlib
import math
import os
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..core.landmarks import HandObservation
from .model import hand_model_path
from .no_telemetry import block_outbound_http

block_outbound_http()  # MediaPipe's usage logger must not reach the network (no_telemetry.py)
os.environ.setdefault("GLOG_minloglevel", "2")  # MediaPipe's C++ logging: errors only
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")


@dataclass(frozen=True)
class TrackerOptions:
    """Thresholds passed to MediaPipe's HandLandmarker (its defaults are 0.5)."""

    max_hands: int = 1
    min_detection_confidence: float = 0.5
    min_presence_confidence: float = 0.5
    min_tracking_confidence: float = 0.5


class HandTracker:
    """One MediaPipe HandLandmarker in VIDEO mode; use as a context manager.

    >>> with HandTracker() as tracker:
    ...     obs = tracker.process(rgb, t=0.033)
    """

    def __init__(self, model_path: str | Path | None = None, options: TrackerOptions = TrackerOptions()):
        from mediapipe.tasks.python import BaseOptions, vision  # heavy import, kept local

        self._mp_image = _mp_image_factory()
        self._quiet = True  # the first inferences with a hand also print native warnings
        with quiet_native_stderr():
            self._landmarker = self._create(vision, BaseOptions, model_path, options)
        self._last_timestamp_ms = -1
        self._last_t: float | None = None  # the frame time behind it
        self._closed = False

    @staticmethod
    def _create(vision, BaseOptions, model_path, options):
        return vision.HandLandmarker.create_from_options(
            vision.HandLandmarkerOptions(
                base_options=BaseOptions(model_asset_path=str(hand_model_path(model_path))),
                running_mode=vision.RunningMode.VIDEO,
                num_hands=options.max_hands,
                min_hand_detection_confidence=options.min_detection_confidence,
                min_hand_presence_confidence=options.min_presence_confidence,
                min_tracking_confidence=options.min_tracking_confidence,
            )
        )

    def process(self, rgb: np.ndarray, t: float) -> HandObservation | None:
        """Track the hand in one RGB uint8 (H, W, 3) frame taken at time ``t`` seconds.

        Returns the most confident hand, or None when no hand is found.
        """
        if self._closed:
            raise RuntimeError("HandTracker is closed")
        if rgb.ndim != 3 or rgb.shape[2] != 3 or rgb.dtype != np.uint8:
            raise ValueError(f"expected an RGB uint8 (H, W, 3) frame, got {rgb.dtype} {rgb.shape}")
        timestamp_ms = self._clock_ms(t)
        image = self._mp_image(np.ascontiguousarray(rgb))
        if self._quiet:
            with quiet_native_stderr():
                result = self._landmarker.detect_for_video(image, timestamp_ms)
            self._quiet = not result.hand_landmarks
        else:
            result = self._landmarker.detect_for_video(image, timestamp_ms)
        if not result.hand_landmarks:
            return None
        best = max(range(len(result.hand_landmarks)), key=lambda k: result.handedness[k][0].score)
        points = np.array([(p.x, p.y) for p in result.hand_landmarks[best]], dtype=np.float32)
        category = result.handedness[best][0]
        height, width = rgb.shape[:2]
        return HandObservation.from_normalized(points, width, height, category.category_name, category.score, t)

    MAX_STEP_MS = 10_000  # MediaPipe's tracking needs no larger gap; its clock must stay far from overflow

    def _clock_ms(self, t: float) -> int:
        """MediaPipe's clock: 0 at the first frame, then strictly increasing by the frame gaps (1 ms to
        MAX_STEP_MS), whatever the times were: 1e13 s, NaN and backward jumps cannot reach it."""
        last_ms, last_t = self._last_timestamp_ms, self._last_t
        if last_ms < 0:
            ms = 0
        else:
            gap = (t - last_t) * 1000.0 if math.isfinite(t) and last_t is not None else 1.0
            ms = last_ms + int(min(max(round(gap), 1), self.MAX_STEP_MS))
        if math.isfinite(t):
            self._last_t = t
        self._last_timestamp_ms = ms
        return ms

    def close(self) -> None:
        if not self._closed:
            self._closed = True
            with quiet_native_stderr():
                self._landmarker.close()

    def __enter__(self) -> "HandTracker":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


@contextlib.contextmanager
def quiet_native_stderr():
    """Silence MediaPipe's native start-up chatter (it writes to fd 2, not sys.stderr).

    Set CROSSGRAIN_DEBUG=1 to see it.
    """
    if os.environ.get("CROSSGRAIN_DEBUG"):
        yield
        return
    try:
        fd = sys.stderr.fileno()
    except (AttributeError, OSError, ValueError):
        yield
        return
    sys.stderr.flush()
    saved = os.dup(fd)
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, fd)
        yield
    finally:
        os.dup2(saved, fd)
        os.close(saved)
        os.close(devnull)


def _mp_image_factory():
    import mediapipe as mp

    def make(rgb: np.ndarray):
        return mp.Image(image_format=mp.ImageFormat.SRGB, data=rgb)

    return make
