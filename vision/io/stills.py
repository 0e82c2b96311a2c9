"""Small JPEG stills of a video at chosen times: the key frames an HTML report inlines."""

from __future__ import annotations

from pathlib import Path

import cv2

from .video import iter_frames

STILL_SIDE_PX = 320  # small enough that a dozen stills add ~150 kB to a report
JPEG_QUALITY = 70


def key_frames(video: str | Path, times: list[float], side_px: int = STILL_SIDE_PX,
               quality: int = JPEG_QUALITY) -> list[tuple[float, bytes]]:
    """(time, JPEG bytes) of the first frame at or after each time (the last frame for times past it),
    one a wanted time, in time order; one decode pass."""
    wanted = sorted(times)
    out: list[tuple[float, bytes]] = []
    last = None

    def encode(frame) -> tuple[float, bytes]:
        ok, buf = cv2.imencode(".jpg", cv2.cvtColor(frame.rgb, cv2.COLOR_RGB2BGR), [cv2.IMWRITE_JPEG_QUALITY, quality])
        if not ok:
            raise ValueError("JPEG encoding failed")
        return frame.t, buf.tobytes()

    for frame in iter_frames(video, max_side=side_px):
        last = frame
        while len(out) < len(wanted) and frame.t >= wanted[len(out)] - 1e-6:
            out.append(encode(frame))
        if len(out) == len(wanted):
            break
    if last is not None and len(out) < len(wanted):  # times past the last frame (a report's end): that frame
        final = encode(last)
        out += [final] * (len(wanted) - len(out))
    return out
