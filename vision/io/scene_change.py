"""Whether anything moved in the frame outside the hands already found: the look for a second hand
skips frames where nothing did.

Why: while one hand is followed, the tracker looks for a second hand every few frames with a palm
detection over the whole frame (io/tracking.py, SecondHandSearch): about a fifth of its time on a
still camera. A hand coming into view, or a holding hand that moves, changes the picture around
it; on a frame where the picture outside the hands is as it was at the last look, the palm
detector would see what it saw then. So the look waits until something moves (up to a limit).

How: the frame cut into 8x6 cells, each cell's mean grey level (from every few pixels: about a
hundred rows, whatever the frame's size) against the last look's, skipping the cells under (or
beside) a hand then or now. A hand coming in changes a cell by 13 levels or more on the real
footage measured (tools/evaluate_hands.py's videos); a still scene outside the hands by 2-6.
Camera shake, a changing light or the camera's exposure move every cell: those frames are looked
at, as before. In numpy: OpenCV's resize, tried first, raised a video's peak memory by 30 MB.
"""

from __future__ import annotations

from typing import Sequence

import numpy as np

from ..core.landmarks import HandObservation

CELLS = (8, 6)  # cells across, down
SAMPLED_ROWS = 96  # about this many rows (and as many columns a row as the frame is wide) are sampled
GREY = np.array([0.299, 0.587, 0.114], np.float32)  # RGB to grey (ITU-R BT.601 luma)
MOVED_LEVELS = 4.0  # a cell whose mean brightness changed this much (of 255) has moved
HAND_MARGIN = 0.25  # each side of a hand's landmark box is widened by this share of its size


class SceneOutsideHands:
    """The picture at the last look for a hand, and whether it has moved since outside the hands."""

    def __init__(self) -> None:
        self._cells: np.ndarray | None = None  # (6, 8) mean brightness at the last look
        self._hands: tuple[HandObservation, ...] = ()

    def looked(self, rgb: np.ndarray, hands: Sequence[HandObservation]) -> None:
        """A look over the whole frame was made on ``rgb``, finding ``hands``."""
        self._cells, self._hands = _cell_means(rgb), tuple(hands)

    def forget(self) -> None:
        self._cells, self._hands = None, ()

    def moved(self, rgb: np.ndarray, hands: Sequence[HandObservation]) -> bool:
        """Any cell away from ``hands`` (the hands followed lately) and the last look's hands changed."""
        if self._cells is None:
            return True
        height, width = rgb.shape[:2]
        away = ~_under_hands((*self._hands, *hands), width, height)
        if not away.any():
            return True  # hands everywhere: nothing to compare, look
        change = np.abs(_cell_means(rgb) - self._cells)
        return bool(change[away].max() >= MOVED_LEVELS)


def _cell_means(rgb: np.ndarray) -> np.ndarray:
    """(6, 8) mean grey level of each cell, from every ``step``-th pixel each way."""
    step = max(1, min(rgb.shape[:2]) // SAMPLED_ROWS)
    grey = rgb[::step, ::step] @ GREY
    height, width = grey.shape
    across, down = CELLS
    rows, cols = np.arange(down) * height // down, np.arange(across) * width // across
    sums = np.add.reduceat(np.add.reduceat(grey, rows, axis=0), cols, axis=1)
    return sums / np.outer(np.diff(rows, append=height), np.diff(cols, append=width))


def _under_hands(hands: Sequence[HandObservation], width: int, height: int) -> np.ndarray:
    """(6, 8) True where a cell touches a hand's widened landmark box."""
    across, down = CELLS
    cells_per_px, last = np.array([across / width, down / height]), np.array([across - 1, down - 1])
    under = np.zeros((down, across), bool)
    for hand in hands:
        lo, hi = hand.xy.min(axis=0), hand.xy.max(axis=0)
        margin = HAND_MARGIN * (hi - lo)
        (c0, r0), (c1, r1) = (np.clip((corner * cells_per_px).astype(int), 0, last)
                              for corner in (lo - margin, hi + margin))
        under[r0:r1 + 1, c0:c1 + 1] = True
    return under
