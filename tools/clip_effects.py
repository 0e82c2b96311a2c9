"""The harder parts of a generated clip: a thumb that moves alone, motion blur, skin on skin.

Used by tools/make_clips.py. Each piece changes pixels only; the truth (where
the thumb tip is) stays the generator's.

* ``ThumbWarp``: the still warped around the thumb's joints so that only the
  thumb moves while the hand stays anchored, as in real self-massage: the tip
  moves by the full displacement, the IP joint by half, the MCP by a sixth,
  the rest of the hand not at all (a smooth inverse-distance field through
  the 21 landmarks, inverted by fixed-point steps for the backward map).
* ``blur_times``: the sub-frame times whose renderings, averaged, make the
  motion blur of a shutter open for part of the frame interval.
* ``skin_matched``: a foot photo shifted in Lab colour so the skin under the
  hand has the hand's colour (design.md: landmarks jitter most skin on skin).
"""

from __future__ import annotations

import cv2
import numpy as np

THUMB_SHARE = {1: 0.0, 2: 1.0 / 6.0, 3: 0.5, 4: 1.0}  # CMC, MCP, IP, tip: share of the tip's displacement
_POWER = 4.0  # inverse-distance weights 1/d^4: each landmark's own neighbourhood follows it


class ThumbWarp:
    """Warps a sprite (bgr, alpha, landmarks in MediaPipe pixel convention) so the thumb moves alone."""

    def __init__(self, bgr: np.ndarray, alpha: np.ndarray, landmarks: np.ndarray, max_shift_px: float):
        self.pad = int(np.ceil(max_shift_px)) + 2
        p = self.pad
        self.bgr = cv2.copyMakeBorder(bgr, p, p, p, p, cv2.BORDER_CONSTANT, value=0)
        self.alpha = cv2.copyMakeBorder(alpha, p, p, p, p, cv2.BORDER_CONSTANT, value=0)
        self.landmarks = landmarks + p  # MediaPipe convention, in the padded sprite
        h, w = self.alpha.shape
        ys, xs = np.mgrid[0:h, 0:w].astype(np.float32)
        self._xs, self._ys = xs, ys
        share = np.array([THUMB_SHARE.get(k, 0.0) for k in range(len(landmarks))])
        self._share = share
        # Each pixel's share of the tip's displacement (the field is that share times the displacement),
        # once: the inverse-distance mean of the landmarks' shares.
        centres = np.stack([xs.ravel() + 0.5, ys.ravel() + 0.5], 1)
        d2 = ((centres[:, None, :] - self.landmarks[None, :, :]) ** 2).sum(-1) + 1.0
        weights = d2 ** (-_POWER / 2.0)
        self._share_map = ((weights @ share) / weights.sum(1)).reshape(h, w).astype(np.float32)

    def warped(self, shift_px) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(bgr, alpha, landmarks) with the thumb tip moved by ``shift_px`` (dx, dy) and the hand still."""
        dx, dy = (float(v) for v in shift_px)
        if dx == 0.0 and dy == 0.0:
            return self.bgr, self.alpha, self.landmarks
        map_x, map_y = self._xs.copy(), self._ys.copy()
        for _ in range(4):  # where each output pixel comes from: y = x - share(y) * shift
            share = cv2.remap(self._share_map, map_x, map_y, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
            map_x, map_y = self._xs - share * dx, self._ys - share * dy
        bgr = cv2.remap(self.bgr, map_x, map_y, cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT)
        alpha = cv2.remap(self.alpha, map_x, map_y, cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT)
        return bgr, alpha, self.landmarks + self._share[:, None] * np.array([dx, dy])[None, :]


def blur_times(t: float, fps: float, shutter: float, samples: int = 5) -> list[float]:
    """Times across an exposure of ``shutter`` frame intervals centred on ``t`` (one time if no blur)."""
    if shutter <= 0 or samples < 2:
        return [t]
    half = 0.5 * shutter / fps
    return list(np.linspace(t - half, t + half, samples))


def skin_matched(background_bgr: np.ndarray, centre_xy, radius_px: float, hand_bgr: np.ndarray,
                 hand_alpha: np.ndarray) -> np.ndarray:
    """The background shifted in Lab so its mean around ``centre_xy`` has the hand's mean colour."""
    lab = cv2.cvtColor(background_bgr, cv2.COLOR_BGR2LAB).astype(np.float32)
    h, w = lab.shape[:2]
    yy, xx = np.mgrid[0:h, 0:w]
    near = (xx - centre_xy[0]) ** 2 + (yy - centre_xy[1]) ** 2 <= radius_px ** 2
    weight = hand_alpha > 0.9
    hand_lab = cv2.cvtColor(np.clip(hand_bgr, 0, 255).astype(np.uint8), cv2.COLOR_BGR2LAB).astype(np.float32)
    shift = hand_lab[weight].mean(0) - lab[near].mean(0)
    return cv2.cvtColor(np.clip(lab + shift, 0, 255).astype(np.uint8), cv2.COLOR_LAB2BGR)
