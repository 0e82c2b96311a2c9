"""Small real videos made on the fly for tests (PyAV, a real hand still from the repository's footage/)."""

from __future__ import annotations

import sys
from fractions import Fraction
from pathlib import Path

import av
import cv2
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tools"))
from footage import still_path  # noqa: E402  (one place that knows where the stills are)

HAND_STILL = still_path("CoderEnko007+gesture-recognition__201711051609352.jpg")


def still_frame(width: int = 640, height: int = 480, still: Path = HAND_STILL) -> np.ndarray:
    """The hand photo letterboxed into an RGB frame of the given size."""
    bgr = cv2.imread(str(still))
    scale = min(width / bgr.shape[1], height / bgr.shape[0])
    small = cv2.resize(bgr, (int(bgr.shape[1] * scale), int(bgr.shape[0] * scale)), interpolation=cv2.INTER_AREA)
    canvas = np.full((height, width, 3), 200, np.uint8)
    y, x = (height - small.shape[0]) // 2, (width - small.shape[1]) // 2
    canvas[y:y + small.shape[0], x:x + small.shape[1]] = small
    return cv2.cvtColor(canvas, cv2.COLOR_BGR2RGB)


def write_video(path: Path, frames, times, codec: str = "libx264", pix_fmt: str = "yuv420p",
                rotation: int | None = None, container_format: str | None = None) -> Path:
    """Encode RGB frames with the given timestamps (seconds) at a 1/1000 time base."""
    with av.open(str(path), "w", format=container_format) as out:
        stream = out.add_stream(codec, rate=30)
        first = frames[0]
        stream.width, stream.height = first.shape[1], first.shape[0]
        stream.pix_fmt = pix_fmt
        stream.time_base = Fraction(1, 1000)
        stream.codec_context.time_base = Fraction(1, 1000)
        if rotation is not None:
            stream.set_display_rotation(rotation)
        for rgb, t in zip(frames, times):
            frame = av.VideoFrame.from_ndarray(rgb, format="rgb24")
            frame.pts = int(round(t * 1000))
            frame.time_base = Fraction(1, 1000)
            for packet in stream.encode(frame):
                out.mux(packet)
        for packet in stream.encode(None):
            out.mux(packet)
    return path


def marker_frames(n: int, width: int = 64, height: int = 48) -> list[np.ndarray]:
    """Frames with a white square in the top-left corner (to see rotations)."""
    frames = []
    for _ in range(n):
        f = np.zeros((height, width, 3), np.uint8)
        f[:12, :12] = 255
        frames.append(f)
    return frames
