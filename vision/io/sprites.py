"""Overlay pieces drawn once and pasted: the foot axis, the badge, the hold ring.

These pieces look the same frame after frame (the axis for a whole video),
yet anti-aliased OpenCV drawing costs about as much as encoding the frame.
A piece is drawn once on black and once on white; the two give, for every
pixel it touches, the linear blend ``out = img * k / 255 + c`` that drawing
it applies to whatever is underneath, so pasting it later gives the same
picture (to a few levels of rounding) for the cost of touching those pixels.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Callable

import numpy as np


class SpriteCache:
    """``draw(img, fn, *args)`` does what ``fn(img, *args)`` does, from a cached sprite after the first time.

    ``fn`` must draw the same pixels for the same image size and arguments,
    whatever the image shows (true of OpenCV's shapes and text).
    """

    def __init__(self, maxsize: int = 64):
        self._sprites: OrderedDict = OrderedDict()
        self._maxsize = maxsize

    def draw(self, img: np.ndarray, fn: Callable, *args) -> None:
        if not img.flags.c_contiguous or img.dtype != np.uint8:  # pasting works on a flat view
            fn(img, *args)
            return
        key = (img.shape, fn, args)
        sprite = self._sprites.get(key)
        if sprite is None:
            sprite = self._sprites[key] = _Sprite(img.shape, fn, args)
            if len(self._sprites) > self._maxsize:
                self._sprites.popitem(last=False)
        else:
            self._sprites.move_to_end(key)
        sprite.paste(img)


class _Sprite:
    """The blend one drawing applies: over its bounding box when it covers most of it (a badge),
    else over the touched values only (a thin line across the frame)."""

    def __init__(self, shape: tuple, fn: Callable, args: tuple):
        black = np.zeros(shape, np.uint8)
        white = np.full(shape, 255, np.uint8)
        fn(black, *args)
        fn(white, *args)
        touched = (black != 0) | (white != 255)
        rows, cols = np.nonzero(touched.any(axis=-1))
        self.box = None
        if rows.size == 0:
            self.index = np.zeros(0, np.intp)
            self.k = self.c = np.zeros(0, np.uint16)
            return
        y0, y1, x0, x1 = rows.min(), rows.max() + 1, cols.min(), cols.max() + 1
        if rows.size > 0.5 * (y1 - y0) * (x1 - x0):
            self.box = (slice(y0, y1), slice(x0, x1))
            self.k, self.c = _blend(black[self.box], white[self.box])
            self.opaque = not self.k.any()
        else:
            self.index = np.flatnonzero(touched)
            self.k, self.c = _blend(black.reshape(-1)[self.index], white.reshape(-1)[self.index])

    def paste(self, img: np.ndarray) -> None:
        if self.box is not None:
            if self.opaque:
                img[self.box] = self.c
            else:
                img[self.box] = (img[self.box] * self.k + 127) // 255 + self.c
            return
        flat = img.reshape(-1)  # a view: img is contiguous
        flat[self.index] = (flat[self.index] * self.k + 127) // 255 + self.c


def _blend(black: np.ndarray, white: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(k, c): how much of what is underneath shows through (of 255), and what the drawing adds."""
    k = np.clip(white.astype(np.int16) - black.astype(np.int16), 0, 255).astype(np.uint16)
    return k, black.astype(np.uint16)
