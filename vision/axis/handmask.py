"""The hand's pixels from its 21 landmarks: masked out of the foot, and sampled for skin colour.

The hand usually lies on the foot and has the same skin, so it must not count
as foot; the forearm leaves the picture past the wrist and is masked too.
"""

from __future__ import annotations

import numpy as np
import cv2

from ..core.fingers import finger_palms, has_short_fingers, palm_width  # noqa: F401  (re-exported)
from ..core.landmarks import HAND_CONNECTIONS, HandLandmark as L

PALM = (L.WRIST, L.THUMB_CMC, L.INDEX_MCP, L.MIDDLE_MCP, L.RING_MCP, L.PINKY_MCP)
FOREARM_PALMS = 3.0  # how far past the wrist the forearm is masked, in palm widths


def as_landmarks(hands) -> list[np.ndarray]:
    """Accept None, one (21, 2) array, a list of them, or HandObservations; return (21, 2) float arrays."""
    if hands is None:
        return []
    if isinstance(hands, np.ndarray) and hands.ndim == 2:
        hands = [hands]
    out = []
    for hand in hands:
        xy = np.asarray(getattr(hand, "xy", hand), dtype=np.float64)
        if xy.shape != (21, 2) or not np.isfinite(xy).all():
            raise ValueError(f"hand landmarks must be finite (21, 2) pixel arrays, got shape {xy.shape}")
        out.append(xy)
    return out


def hand_mask(shape: tuple[int, int], hands: list[np.ndarray], scale: float = 1.0) -> np.ndarray:
    """uint8 mask (1 = hand or forearm) of an image of ``shape`` (h, w); landmarks scaled by ``scale``."""
    mask = np.zeros(shape, np.uint8)
    for xy in hands:
        p = xy * scale
        palm = max(palm_width(p), 2.0)
        thick = max(2, int(round(0.45 * palm)))
        for a, b in HAND_CONNECTIONS:
            cv2.line(mask, _pt(p[a]), _pt(p[b]), 1, thick)
        cv2.fillConvexPoly(mask, np.round(p[list(PALM)]).astype(np.int32), 1)
        for tip in (L.THUMB_TIP, L.INDEX_TIP, L.MIDDLE_TIP, L.RING_TIP, L.PINKY_TIP):
            cv2.circle(mask, _pt(p[tip]), thick // 2 + 1, 1, -1)
        # forearm: from the wrist, away from the middle knuckle, about a palm and a half wide
        d = p[L.WRIST] - p[L.MIDDLE_MCP]
        n = np.linalg.norm(d)
        if n > 1e-6:
            d /= n
            perp = np.array([-d[1], d[0]])
            w = 0.8 * palm
            end = p[L.WRIST] + d * FOREARM_PALMS * palm
            quad = np.array([p[L.WRIST] + perp * w, p[L.WRIST] - perp * w, end - perp * w * 1.2, end + perp * w * 1.2])
            cv2.fillConvexPoly(mask, np.round(quad).astype(np.int32), 1)
    return mask


def palm_pixels_mask(shape: tuple[int, int], hands: list[np.ndarray], scale: float = 1.0) -> np.ndarray:
    """uint8 mask of the palm's inside (surely skin): the palm polygon shrunk a little."""
    mask = np.zeros(shape, np.uint8)
    for xy in hands:
        p = xy * scale
        centre = p[list(PALM)].mean(axis=0)
        poly = centre + 0.7 * (p[list(PALM)] - centre)
        cv2.fillConvexPoly(mask, np.round(poly).astype(np.int32), 1)
    return mask


def _pt(p) -> tuple[int, int]:
    return int(round(float(p[0]))), int(round(float(p[1])))
