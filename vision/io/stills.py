"""Small JPEG stills of a video at chosen times: the key frames an HTML report inlines."""

from __future__ import annotations

from pathlib import Path

import cv2

from .video import iter_frames

STILL_SIDE_PX = 320  # small enough that a dozen stills add ~150 kB to a report
JPEG_QUALITY = 70


def key_frames(video: str | Path, times: list[float], side_px: int = STILL_SIDE_PX,
               quality: int = JPEG_QUALITY) -> list[tuple[float, bytes]]:
    """(time, JPEG bytes) of the first frame at or after each time, in order; one decode pass."""
    wanted = sorted(times)
    out: list[tuple[float, bytes]] = []
    k = 0
    for frame in iter_frames(video, max_side=side_px):
        while k < len(wanted) and frame.t >= wanted[k] - 1e-6:
            ok, buf = cv2.imencode(".jpg", cv2.cvtColor(frame.rgb, cv2.COLOR_RGB2BGR),
                                   [cv2.IMWRITE_JPEG_QUALITY, quality])
            if ok:
                out.append((frame.t, buf.tobytes()))
            k += 1
        if k == len(wanted):
            break
    return out
