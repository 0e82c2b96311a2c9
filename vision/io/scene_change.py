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

    def __init__(self, tight: bool = False) -> None:
        """``tight``: a hand covers only the cells its landmarks are in, not its widened box: the foot's
        toes taken for a hand have a box over much of the sole, where a real hand comes in."""
        self._cells: np.ndarray | None = None  # (6, 8) mean brightness at the last look
        self._hands: tuple[HandObservation, ...] = ()
        self._tight = tight

    def looked(self, rgb: np.ndarray, hands: Sequence[HandObservation]) -> None:
        """A look over the whole frame was made on ``rgb``, finding ``hands``."""
        self._cells, self._hands = _cell_means(rgb), tuple(hands)

    def forget(self) -> None:
        self._cells, self._hands = None, ()

    def moved(self, rgb: np.ndarray, hands: Sequence[HandObservation]) -> bool:
        """Any cell away from ``hands`` (the hands followed lately) and the last look's hands changed."""
        if self._cells is None:
            return True
        away = self._away(rgb, hands)
        return not away.any() or self._most_changed(rgb, away) is not None  # hands everywhere: look

    def moved_at(self, rgb: np.ndarray, hands: Sequence[HandObservation]) -> tuple[float, float] | None:
        """Where (x, y, pixels: a cell's centre) the picture away from the hands changed most since the
        last look, if it moved; None if not, or nothing was looked at yet."""
        if self._cells is None:
            return None
        return self._most_changed(rgb, self._away(rgb, hands))

    def _away(self, rgb: np.ndarray, hands: Sequence[HandObservation]) -> np.ndarray:
        """(6, 8) True where a cell is away from ``hands`` and the last look's hands."""
        height, width = rgb.shape[:2]
        under = _under_landmarks if self._tight else _under_hands
        return ~under((*self._hands, *hands), width, height)

    def _most_changed(self, rgb: np.ndarray, away: np.ndarray) -> tuple[float, float] | None:
        change = np.where(away, np.abs(_cell_means(rgb) - self._cells), 0.0)
        row, col = np.unravel_index(int(np.argmax(change)), change.shape)
        if change[row, col] < MOVED_LEVELS:
            return None
        height, width = rgb.shape[:2]
        across, down = CELLS
        return (col + 0.5) * width / across, (row + 0.5) * height / down


def _cell_means(rgb: np.ndarray) -> np.ndarray:
    """(6, 8) mean grey level of each cell, from every ``step``-th pixel each way."""
    step = max(1, min(rgb.shape[:2]) // SAMPLED_ROWS)
    grey = rgb[::step, ::step] @ GREY
    height, width = grey.shape
    across, down = CELLS
    rows, cols = np.arange(down) * height // down, np.arange(across) * width // across
    sums = np.add.reduceat(np.add.reduceat(grey, rows, axis=0), cols, axis=1)
    # A picture narrower than the grid has empty cells (reduceat then repeats a neighbour's pixel): count 1.
    counts = np.outer(np.diff(rows, append=height), np.diff(cols, append=width))
    return sums / np.maximum(counts, 1)


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


def _under_landmarks(hands: Sequence[HandObservation], width: int, height: int) -> np.ndarray:
    """(6, 8) True where a cell holds a hand's landmark."""
    across, down = CELLS
    under = np.zeros((down, across), bool)
    for hand in hands:
        cols = np.clip((hand.xy[:, 0] * across / width).astype(int), 0, across - 1)
        rows = np.clip((hand.xy[:, 1] * down / height).astype(int), 0, down - 1)
        under[rows, cols] = True
    return under
