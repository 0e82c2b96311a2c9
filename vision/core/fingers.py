"""A hand's fingers against its palm, from the 21 landmarks alone: the toes' stubby "fingers".

Pure landmark geometry (no picture), so the tracker can ask it of every hand
without loading OpenCV; the picture's own look at the toes is io/toes_look.py.
"""

from __future__ import annotations

import numpy as np

from .landmarks import HandLandmark as L

# A hand's fingers (index to little, knuckle to tip along the bones) average 1.3-1.5 palm widths when
# open; MediaPipe's skeleton on toes has "fingers" of 0.5-1.15 (78 toes detections on the marked
# foot photos, turned: all of those covering most of the skin fall below 1.15).
TOES_FINGER_PALMS = 1.2
FINGERS = ((L.INDEX_MCP, L.INDEX_PIP, L.INDEX_DIP, L.INDEX_TIP), (L.MIDDLE_MCP, L.MIDDLE_PIP, L.MIDDLE_DIP, L.MIDDLE_TIP),
           (L.RING_MCP, L.RING_PIP, L.RING_DIP, L.RING_TIP), (L.PINKY_MCP, L.PINKY_PIP, L.PINKY_DIP, L.PINKY_TIP))


def palm_width(xy: np.ndarray) -> float:
    return float(np.linalg.norm(xy[L.INDEX_MCP] - xy[L.PINKY_MCP]))


def finger_palms(xy: np.ndarray) -> float:
    """The four fingers' mean length along their bones, in palm widths (scale and turn free)."""
    lengths = [sum(float(np.linalg.norm(xy[b] - xy[a])) for a, b in zip(f[:-1], f[1:])) for f in FINGERS]
    return float(np.mean(lengths)) / max(palm_width(xy), 1e-6)


def has_short_fingers(xy: np.ndarray) -> bool:
    """The skeleton MediaPipe fits to toes: a wide "palm" (the forefoot) with stubby "fingers" (toes).

    Not proof on its own (a real hand with curled fingers has short ones in the picture too),
    so it only confirms the skin-coverage test: a pale hand on a darker foot covers most of
    the picture's strongest skin, as toes read as a hand do, but keeps its long fingers.
    """
    return finger_palms(xy) < TOES_FINGER_PALMS
