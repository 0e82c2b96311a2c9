"""Skin: which pixels are likely the foot, from colour alone, then refined by GrabCut.

Colour is judged after a grey-world balance (phone and webcam white balance
varies a lot). The skin tone is a soft band of hue and chroma in Lab; when a
hand is in the picture its palm gives the person's own skin tone and lighting,
which beats any generic band. GrabCut then learns the image's own foreground
and background colours from those seeds, so a skin-like floor is pushed out
where it differs from this skin.
"""

from __future__ import annotations

import cv2
import numpy as np

GENERIC_HUE_DEG = 45.0  # Lab hue (atan2(b, a)) of skin tones, light to dark
GENERIC_HUE_SIGMA = 22.0
GRABCUT_ITERATIONS = 4


def grey_world(bgr: np.ndarray) -> np.ndarray:
    """Scale channels so the picture's mean is grey (a cheap white balance)."""
    f = bgr.astype(np.float32)
    means = f.reshape(-1, 3).mean(axis=0)
    f *= means.mean() / np.maximum(means, 1.0)
    return np.clip(f, 0, 255).astype(np.uint8)


def lab_hue_chroma(bgr: np.ndarray):
    lab = cv2.cvtColor(bgr, cv2.COLOR_BGR2Lab).astype(np.float32)
    lightness = lab[..., 0] * (100.0 / 255.0)
    a, b = lab[..., 1] - 128.0, lab[..., 2] - 128.0
    return lightness, np.degrees(np.arctan2(b, a)), np.hypot(a, b)


def skin_score(balanced_bgr: np.ndarray, palm: np.ndarray | None = None) -> np.ndarray:
    """Per-pixel skin likelihood in [0, 1]; ``palm`` (uint8 mask) gives the person's own tone."""
    lightness, hue, chroma = lab_hue_chroma(balanced_bgr)
    by_light = np.clip((lightness - 8.0) / 10.0, 0, 1) * np.clip((98.0 - lightness) / 8.0, 0, 1)
    score = _tone(hue, chroma, GENERIC_HUE_DEG, GENERIC_HUE_SIGMA, 3.0)
    if palm is not None and palm.sum() >= 30:
        # the palm widens the band to this person's tone; it never narrows it (a palm is paler
        # than the top of a foot, and may be lit differently)
        sel = palm.astype(bool)
        own = _tone(hue, chroma, float(np.median(hue[sel])),
                    float(np.clip(2.0 * np.std(hue[sel]), 10.0, GENERIC_HUE_SIGMA)),
                    max(1.5, 0.35 * float(np.median(chroma[sel]))))
        score = np.maximum(score, own)
    return score * by_light


def _tone(hue, chroma, hue_c, hue_s, chroma_lo):
    dh = (hue - hue_c + 180.0) % 360.0 - 180.0
    return np.exp(-0.5 * (dh / hue_s) ** 2) * np.clip((chroma - chroma_lo) / 8.0, 0, 1) * np.clip((60.0 - chroma) / 15.0, 0, 1)


def foot_mask(bgr: np.ndarray, hand: np.ndarray | None = None, palm: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """(mask uint8 0/1 of the foot's skin, skin score) for a small BGR picture.

    ``hand`` (uint8 mask) is filled from its surroundings first: where it lies on
    the foot the fill is foot-coloured and the outline stays whole (measured: better
    than cutting the hand out, which leaves a hole or splits the foot).

    Seeds are relative to the picture's own strongest skin (dark skin under
    cool light scores low in absolute terms but still stands out).
    """
    if hand is not None and hand.any():
        # fill the hand from its surroundings, so its colours neither teach GrabCut nor count as foot
        bgr = cv2.inpaint(bgr, hand, 5, cv2.INPAINT_TELEA)
    balanced = grey_world(bgr)
    score = skin_score(balanced, palm)
    top = float(np.percentile(score, 99.0))
    if top < 0.05:
        return np.zeros(score.shape, np.uint8), score
    rel = score / top
    seeds = np.full(score.shape, cv2.GC_PR_BGD, np.uint8)
    seeds[rel > 0.35] = cv2.GC_PR_FGD
    seeds[rel > 0.7] = cv2.GC_FGD
    seeds[rel < 0.06] = cv2.GC_BGD
    fg = np.isin(seeds, (cv2.GC_FGD, cv2.GC_PR_FGD)).sum()
    if fg < 20 or fg > seeds.size - 20:
        mask = (rel > 0.5).astype(np.uint8)
    else:
        bgd, fgd = np.zeros((1, 65), np.float64), np.zeros((1, 65), np.float64)
        cv2.setRNGSeed(0)
        cv2.grabCut(balanced, seeds, None, bgd, fgd, GRABCUT_ITERATIONS, cv2.GC_INIT_WITH_MASK)
        mask = np.isin(seeds, (cv2.GC_FGD, cv2.GC_PR_FGD)).astype(np.uint8)
    kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (3, 3))
    mask = cv2.morphologyEx(mask, cv2.MORPH_OPEN, kernel)
    return mask, score
