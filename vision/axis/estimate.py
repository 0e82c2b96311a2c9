"""Find the foot's heel-to-toes axis in one picture, with the hand masked out by its landmarks.

Classical vision, no weights: skin (segment.py) -> the foot's blob -> the
line of its toes part (shape.py). The result says how sure it is and is
"unsure" (no angle) rather than a guess when the picture does not show one
clear foot: no skin blob, a blob that fills the picture (a skin-coloured
floor), a round blob with no long direction, or fits that disagree.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import cv2
import numpy as np

from ..core.axis import AxisSource, FootAxis
from .handmask import as_landmarks, hand_mask, has_short_fingers, palm_pixels_mask, palm_width
from .segment import foot_mask, grey_world, skin_score
from .shape import Silhouette, choose_blob, reach_of_thumb, silhouette_axis

WORK_SIDE = 240  # the picture is judged at this longest side: the axis needs shape, not detail
SURE_AT = 0.5  # below this confidence the answer is "unsure"
HAND_IS_FOOT_SHARE = 0.6


@dataclass(frozen=True)
class AxisEstimate:
    """The estimator's answer. ``deg`` is None when unsure; points are in the input picture's pixels."""

    deg: float | None
    confidence: float
    heel_xy: tuple[float, float] | None
    toes_xy: tuple[float, float] | None
    reason: str  # why unsure, or what made it sure, in a few words

    @property
    def unsure(self) -> bool:
        return self.deg is None

    def foot_axis(self) -> FootAxis | None:
        """As the engine's FootAxis (source FOUND), or None when unsure."""
        if self.deg is None:
            return None
        return FootAxis(self.deg, AxisSource.FOUND, self.confidence, self.heel_xy, self.toes_xy)

    def to_json(self) -> dict:
        return {
            "foot_axis_deg": None if self.deg is None else round(self.deg, 1),
            "confidence": round(self.confidence, 3),
            "unsure": self.unsure,
            "heel_xy": None if self.heel_xy is None else [round(v, 1) for v in self.heel_xy],
            "toes_xy": None if self.toes_xy is None else [round(v, 1) for v in self.toes_xy],
            "reason": self.reason,
        }


def unsure(reason: str, confidence: float = 0.0) -> AxisEstimate:
    return AxisEstimate(None, float(confidence), None, None, reason)


def check_picture(rgb) -> np.ndarray:
    """The picture as an RGB uint8 (H, W, 3) array, or a one-line ValueError."""
    if not isinstance(rgb, np.ndarray) or rgb.ndim != 3 or rgb.shape[2] != 3 or rgb.dtype != np.uint8:
        shape = getattr(rgb, "shape", None)
        raise ValueError(f"expected an RGB uint8 (H, W, 3) picture, got {getattr(rgb, 'dtype', type(rgb).__name__)} {shape}")
    if min(rgb.shape[:2]) < 16:
        raise ValueError(f"the picture is too small to find a foot in ({rgb.shape[1]}x{rgb.shape[0]} px)")
    return rgb


def estimate_axis(rgb: np.ndarray, hands=None, work_side: int = WORK_SIDE) -> AxisEstimate:
    """Estimate the axis in an RGB picture; ``hands``: None, a (21, 2) landmark array in pixels, or a list."""
    return locate_foot(rgb, hands, work_side).estimate


@dataclass(frozen=True)
class FootFinding:
    """The estimate, and the foot's pixels it rests on (uint8 mask of the picture shrunk by ``scale``)."""

    estimate: AxisEstimate
    foot: np.ndarray | None
    scale: float


def locate_foot(rgb: np.ndarray, hands=None, work_side: int = WORK_SIDE) -> FootFinding:
    """estimate_axis, keeping the foot's mask (the follower tracks the foot's own texture with it)."""
    rgb = check_picture(rgb)
    lms = as_landmarks(hands)
    h, w = rgb.shape[:2]
    scale = min(1.0, work_side / max(h, w))
    small = cv2.resize(rgb, (max(1, round(w * scale)), max(1, round(h * scale))), interpolation=cv2.INTER_AREA) \
        if scale < 1 else rgb
    bgr = cv2.cvtColor(small, cv2.COLOR_RGB2BGR)
    shape = bgr.shape[:2]
    lms = [xy for xy in lms if not (has_short_fingers(xy) and is_the_foot(bgr, hand_mask(shape, [xy], scale)))]
    hand = hand_mask(shape, lms, scale) if lms else None
    palm = palm_pixels_mask(shape, lms, scale) if lms else None
    mask, _ = foot_mask(bgr, hand, palm)
    if mask.sum() < 40:
        return FootFinding(unsure("no skin-coloured foot found"), None, scale)
    blob = choose_blob(mask, hand)
    reach = None
    if lms:
        held = max(lms, key=lambda xy: int(blob[_clip_pt(xy[4] * scale, shape)]))  # the hand whose thumb is on the foot
        reach = reach_of_thumb(shape, held[4] * scale, palm_width(held) * scale)
    sil = silhouette_axis(blob, reach)
    if sil is None:
        return FootFinding(unsure("the foot's outline is too small or broken"), None, scale)
    confidence, reason = judge(sil)
    if confidence < SURE_AT:
        return FootFinding(unsure(reason, confidence), None, scale)
    deg = math.degrees(math.atan2(-sil.toes_dir[1], sil.toes_dir[0])) % 180.0
    heel = tuple(float(v) / scale for v in sil.heel_xy) if sil.end_sure >= 0.3 else None
    toes = tuple(float(v) / scale for v in sil.toes_xy) if sil.end_sure >= 0.3 else None
    foot = blob if hand is None else blob & (1 - hand)
    return FootFinding(AxisEstimate(deg, confidence, heel, toes, reason), foot, scale)


def is_the_foot(bgr: np.ndarray, hand: np.ndarray) -> bool:
    """A "hand" that covers most of the skin is the foot itself: the hand model takes toes for
    fingers (it does on 10 of the 20 marked foot photos). A real hand covers part of the foot,
    except a pale hand on a darker foot, which can be most of the strong skin: locate_foot
    asks for toes' short "fingers" too (handmask.has_short_fingers) before dropping it."""
    score = skin_score(grey_world(bgr))
    skin = score > 0.5 * max(float(np.percentile(score, 99)), 0.05)
    return bool(skin.sum()) and float((skin & (hand > 0)).sum()) / float(skin.sum()) > HAND_IS_FOOT_SHARE


def _clip_pt(xy, shape) -> tuple[int, int]:
    h, w = shape
    return min(max(int(round(xy[1])), 0), h - 1), min(max(int(round(xy[0])), 0), w - 1)


def judge(sil: Silhouette) -> tuple[float, str]:
    """How sure (0-1) the silhouette's line is, and the main reason it is not surer."""
    parts = {
        "the foot looks round, not long": min(1.0, max(0.0, (sil.elongation - 1.5) / 0.7)),
        "the fits disagree": sil.steadiness,
        "skin fills the picture (a skin-coloured floor?)": min(1.0, max(0.0, (0.55 - sil.area_frac) / 0.25)),
        "skin runs along the picture's edge": min(1.0, max(0.0, (0.45 - sil.border_frac) / 0.25)),
        "the foot is tiny in the picture": min(1.0, max(0.0, (sil.area_frac - 0.005) / 0.02)),
        "the foot is at the picture's edge": min(1.0, max(0.0, (0.85 - sil.off_centre) / 0.3)),
    }
    confidence = float(np.prod(list(parts.values())) ** 0.5)
    weakest = min(parts, key=parts.get)
    return confidence, (weakest if parts[weakest] < 0.8 else "a clear foot outline")
