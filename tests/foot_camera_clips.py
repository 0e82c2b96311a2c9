"""Fake-webcam clips of a real hand on a real, marked foot photo, written straight to .y4m.

For the browser tests of the live page's foot axis (tests/test_live_axis_browser.py).
Built with tools/make_clips.py's pieces: the foot photo turned so its marked
heel-to-toes line has a chosen screen angle (``make_background``), and a real hand
cut out of a still with its MediaPipe landmarks (``calibrated_sprite``), composited
with its thumb tip on a scripted path. Rendered at 640x480 (the sizes make_clips
checks the hand tracker on), written at a smaller size and frame rate: Chromium's
fake camera loops the file, and 15 fps 320x240 keeps the browser's and the
server's video codecs cheap (tests/test_two_sessions.py).

Points are in the written picture's pixels (design.md: x right, y down).
"""

from __future__ import annotations

import math
import sys
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Callable

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
RENDER_SIZE = (640, 480)  # (width, height) the scene is drawn at
CAMERA_SIZE = (320, 240)  # ... and written at
CAMERA_FPS = 15


def _make_clips():
    if str(ROOT / "tools") not in sys.path:
        sys.path.insert(0, str(ROOT / "tools"))
    import make_clips

    return make_clips


@dataclass(frozen=True)
class FootScene:
    """A foot photo turned to ``axis_deg`` and a hand sprite to put on it (render pixels)."""

    background: np.ndarray  # (h, w, 3) float32 BGR
    axis_deg: float  # the marked heel-to-toes line, as a screen angle
    heel_xy: np.ndarray  # the marked heel, render pixels
    toes_xy: np.ndarray
    palm_px: float
    sprite: object  # make_clips.HandSprite

    def along(self, share: float) -> np.ndarray:
        """The point ``share`` of the way from the heel (0) to the toes (1), render pixels."""
        return self.heel_xy + share * (self.toes_xy - self.heel_xy)

    @property
    def camera_palm_px(self) -> float:
        """The hand's palm width in the written picture's pixels."""
        return self.palm_px * CAMERA_SIZE[0] / RENDER_SIZE[0]

    def to_camera(self, xy) -> np.ndarray:
        """Render pixels to the written picture's pixels."""
        return np.asarray(xy, float) * (CAMERA_SIZE[0] / RENDER_SIZE[0])


def foot_scene(background: str, axis_deg: float, still: str = "thumb_up_jpg", palm_px: float = 60.0,
               foot_fill: float = 0.8, seed: int = 0) -> FootScene:
    """``background``: a make_clips.FEET short name whose photo is in the repository's footage/."""
    mc = _make_clips()
    w, h = RENDER_SIZE
    sprite = mc.calibrated_sprite(still, palm_px, w, h)
    bgr, axis, centre, _ = mc.make_background(background, w, h, axis_deg, np.random.default_rng(seed),
                                              foot_fill=foot_fill)
    a = math.radians(axis_deg)
    length = foot_fill / max(abs(math.cos(a)) / w, abs(math.sin(a)) / h)  # make_background's fit
    half = mc._unit(axis) * length / 2  # heel -> toes points along the axis on screen
    centre = np.asarray(centre, float)
    return FootScene(bgr.astype(np.float32), axis, centre - half, centre + half, palm_px, sprite)


def render(scene: FootScene, tip_at: Callable[[float], np.ndarray | None], seconds: float,
           noise_sigma: float = 1.0, seed: int = 0):
    """RGB uint8 frames at CAMERA_SIZE, CAMERA_FPS: the hand with its thumb tip at ``tip_at(t)``
    (render pixels; None draws no hand)."""
    import cv2

    mc = _make_clips()
    rng = np.random.default_rng(seed)
    tip = scene.sprite.landmarks[mc.THUMB_TIP]
    for i in range(int(round(seconds * CAMERA_FPS))):
        img = scene.background.copy()
        p = tip_at(i / CAMERA_FPS)
        if p is not None:
            tx, ty = np.asarray(p, float) - tip
            mc._composite(img, scene.sprite.bgr, scene.sprite.alpha, tx, ty)
        if noise_sigma:
            img += rng.normal(0, noise_sigma, img.shape[:2] + (1,)).astype(np.float32)
        small = cv2.resize(np.clip(img, 0, 255).astype(np.uint8), CAMERA_SIZE, interpolation=cv2.INTER_AREA)
        yield cv2.cvtColor(small, cv2.COLOR_BGR2RGB)


def write_y4m(frames, path: Path) -> Path:
    """RGB frames as a yuv420p .y4m at CAMERA_FPS (Chromium's --use-file-for-fake-video-capture)."""
    import av

    with av.open(str(path), "w", format="yuv4mpegpipe") as out:
        stream = out.add_stream("rawvideo", rate=CAMERA_FPS)
        stream.width, stream.height = CAMERA_SIZE
        stream.pix_fmt = "yuv420p"
        stream.time_base = Fraction(1, CAMERA_FPS)
        for n, rgb in enumerate(frames):
            f = av.VideoFrame.from_ndarray(rgb, format="rgb24").reformat(format="yuv420p")
            f.pts, f.time_base = n, stream.time_base
            for packet in stream.encode(f):
                out.mux(packet)
        for packet in stream.encode():
            out.mux(packet)
    return path


def glide(a, b, u: float) -> np.ndarray:
    """Smooth-step from ``a`` to ``b`` as ``u`` goes 0 -> 1."""
    u = min(max(u, 0.0), 1.0)
    return np.asarray(a, float) + (np.asarray(b, float) - np.asarray(a, float)) * (u * u * (3 - 2 * u))


def stroking(scene: FootScene, rel_deg: float, at: float = 0.5, amp_palm: float = 0.25,
             rate_per_min: float = 90.0) -> Callable[[float], np.ndarray]:
    """Thumb strokes at ``rel_deg`` to the foot's marked axis, centred ``at`` of the way heel -> toes."""
    mc = _make_clips()
    centre = scene.along(at)
    direction = mc._unit(scene.axis_deg + rel_deg)
    return lambda t: centre + direction * amp_palm * scene.palm_px * math.sin(2 * math.pi * rate_per_min / 60 * t)


def resting(points, rest_s: float, move_s: float = 0.6) -> tuple[Callable[[float], np.ndarray], float]:
    """Thumb rests ``rest_s`` on each point in turn, gliding ``move_s`` to the next (and back to the
    first at the end, so the looped clip has no jump). Returns (tip_at, the clip's length)."""
    pts = [np.asarray(p, float) for p in points]
    period = rest_s + move_s

    def tip_at(t: float) -> np.ndarray:
        k, u = divmod(t, period)
        k = int(k) % len(pts)
        if u < rest_s:
            return pts[k]
        return glide(pts[k], pts[(k + 1) % len(pts)], (u - rest_s) / move_s)

    return tip_at, period * len(pts)
