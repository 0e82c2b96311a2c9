"""OverlayStamp: the last verdict's overlay, lifted off one frame and laid on the next ones.

When the live analysis skips a frame to keep up with the camera, that frame
must still show the latest verdict (never a bare frame). Redrawing it through
the painter would need the painter's state; instead the overlay is taken as
the pixels the painter changed on the last analysed frame (painted != camera)
and copied onto the new frame: a few milliseconds, whatever the painter draws.
"""

from __future__ import annotations

import numpy as np


class OverlayStamp:
    """``take(camera, painted)`` after each analysed frame; ``apply(rgb)`` on the frames in between."""

    def __init__(self):
        self._camera: np.ndarray | None = None
        self._painted: np.ndarray | None = None
        self._where: tuple[np.ndarray, np.ndarray] | None = None
        self._pixels: np.ndarray | None = None

    @property
    def ready(self) -> bool:
        return self._painted is not None

    def take(self, camera: np.ndarray, painted: np.ndarray) -> None:
        """Keep the analysed frame before and after painting (the difference is computed when first needed)."""
        if painted is camera or painted.shape != camera.shape:
            return  # nothing was drawn (a closed coach passes frames through): keep the last overlay
        self._camera, self._painted, self._where, self._pixels = camera, painted, None, None

    def apply(self, rgb: np.ndarray) -> np.ndarray:
        """``rgb`` with the last overlay on it (a copy), or ``rgb`` itself when there is none yet."""
        if self._painted is None or rgb.shape != self._painted.shape:
            return rgb
        if self._where is None:
            changed = np.any(self._camera != self._painted, axis=2)
            self._where = np.nonzero(changed)
            self._pixels = self._painted[self._where]
            self._camera = None  # no longer needed
        out = rgb.copy()
        out[self._where] = self._pixels
        return out
