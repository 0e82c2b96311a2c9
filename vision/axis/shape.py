"""The heel-to-toes line from the foot's silhouette.

The skin blob is usually foot plus leg. The toes end is pure foot, so the
line is taken from the distal part only: find the toes end (the end away
from where the leg leaves the picture, else the wider end: the forefoot is
wider than the ankle), measure the forefoot's width, keep about one foot
length (a fixed multiple of that width) back from the toes, and fit the
midline of that part. Repeated a few times, since each fit moves the slices.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import cv2
import numpy as np

FOOT_LENGTH_PER_WIDTH = 2.4  # a foot is about 2.4-2.7 forefoot widths long; less when foreshortened
FOOT_LENGTH_PER_PALM = 3.3  # and about 3.3 palm widths (25 cm against 7.5 cm)
REFINE_STEPS = 4


@dataclass(frozen=True)
class Silhouette:
    """What the shape says: the line (unit vector toward the toes, or either way when unsure of the end)."""

    toes_dir: np.ndarray  # (2,) unit, image coordinates (x right, y down), heel -> toes
    heel_xy: np.ndarray
    toes_xy: np.ndarray
    end_sure: float  # 0-1: how sure which end is the toes
    elongation: float  # length / width of the foot part
    steadiness: float  # 0-1: the fits agree (iterations, midline vs principal axis)
    area_frac: float  # the blob's share of the picture
    border_frac: float  # the share of the picture's edge the blob covers
    off_centre: float  # the foot part's middle from the picture's middle, in half-diagonals


def choose_blob(mask: np.ndarray, hand: np.ndarray | None) -> np.ndarray:
    """The one component that is the foot: the one the hand lies on, else the big central one."""
    h, w = mask.shape
    bridged = mask.copy()
    near_hand = None
    if hand is not None and hand.any():
        near_hand = cv2.dilate(hand, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (7, 7)))
        bridged = np.maximum(bridged, near_hand)
    n, labels, stats, centroids = cv2.connectedComponentsWithStats(bridged, connectivity=8)
    best, best_score = 0, 0.0
    for k in range(1, n):
        comp = labels == k
        foot_px = float(np.count_nonzero(comp & (mask > 0)))
        if foot_px < 30:
            continue
        cx, cy = centroids[k]
        central = math.exp(-(((cx - w / 2) / (0.45 * w)) ** 2 + ((cy - h / 2) / (0.45 * h)) ** 2))
        weight = 0.35 + 0.65 * central
        if near_hand is not None:
            weight *= 1.0 if np.any(comp & (near_hand > 0)) else 0.3
        if foot_px * weight > best_score:
            best, best_score = k, foot_px * weight
    if best == 0:
        return np.zeros_like(mask)
    return ((labels == best) & (mask > 0)).astype(np.uint8)


def _pca(pts: np.ndarray):
    c = pts.mean(axis=0)
    cov = np.cov((pts - c).T)
    vals, vecs = np.linalg.eigh(cov)
    return c, vecs[:, 1], math.sqrt(max(vals[1], 1e-9) / max(vals[0], 1e-9))


def _slices(pts, origin, along, step):
    """Slice the points across ``along`` every ``step`` px back from ``origin``: (s, width, centre offset)."""
    perp = np.array([-along[1], along[0]])
    s = (origin - pts) @ along  # distance back from the tip
    q = (pts - origin) @ perp
    out = []
    for s0 in np.arange(0.0, s.max() + step, step):
        sel = (s >= s0) & (s < s0 + step)
        if np.count_nonzero(sel) < 3:
            out.append((s0 + step / 2, 0.0, np.nan))
            continue
        lo, hi = np.percentile(q[sel], (3, 97))
        out.append((s0 + step / 2, hi - lo, (hi + lo) / 2))
    return np.array(out)


def toes_end(pts: np.ndarray, centre: np.ndarray, u: np.ndarray, shape: tuple[int, int]) -> tuple[np.ndarray, float]:
    """Orient ``u`` toward the toes; return it and how sure (0-1)."""
    h, w = shape
    proj = (pts - centre) @ u
    span = float(np.percentile(proj, 99) - np.percentile(proj, 1)) or 1.0
    edge = (pts[:, 0] <= 1) | (pts[:, 0] >= w - 2) | (pts[:, 1] <= 1) | (pts[:, 1] >= h - 2)
    votes = []
    if np.count_nonzero(edge) >= 4:
        leaves = float(np.mean(proj[edge])) / (span / 2)  # where the leg leaves the picture
        if abs(leaves) > 0.3:
            votes.append((-math.copysign(1.0, leaves), min(1.0, abs(leaves))))
    # the forefoot is wider than the ankle: compare the two end quarters
    perp = np.array([-u[1], u[0]])
    q = (pts - centre) @ perp
    lo, hi = np.percentile(proj, (2, 98))
    widths = []
    for sel in (proj > hi - 0.3 * (hi - lo), proj < lo + 0.3 * (hi - lo)):
        widths.append(float(np.subtract(*np.percentile(q[sel], (95, 5)))) if np.count_nonzero(sel) > 5 else 0.0)
    if max(widths) > 0:
        ratio = (widths[0] - widths[1]) / max(widths)
        votes.append((math.copysign(1.0, ratio) if ratio else 1.0, min(1.0, abs(ratio) * 2.5) * 0.6))
    total = sum(sign * weight for sign, weight in votes)
    sign = 1.0 if total >= 0 else -1.0
    return u * sign, min(1.0, abs(total))


def reach_of_thumb(shape: tuple[int, int], thumb_xy, palm_px: float) -> np.ndarray:
    """Where a foot under this thumb can be: the thumb is on the foot, so none of the foot lies
    more than a foot length (in palm widths) from it; the leg does."""
    disk = np.zeros(shape, np.uint8)
    r = int(round(1.1 * FOOT_LENGTH_PER_PALM * palm_px))
    cv2.circle(disk, (int(round(thumb_xy[0])), int(round(thumb_xy[1]))), r, 1, -1)
    return disk


def silhouette_axis(blob: np.ndarray, reach: np.ndarray | None = None) -> Silhouette | None:
    """The foot line of one blob (uint8 0/1), or None when there is no usable shape.

    ``reach``: where the foot can be (near a thumb on it); the whole blob still says
    where the leg leaves the picture.
    """
    ys, xs = np.nonzero(blob)
    if len(xs) < 40:
        return None
    h, w = blob.shape
    pts = np.column_stack([xs, ys]).astype(np.float64)
    centre, u, _ = _pca(pts)
    u, end_sure = toes_end(pts, centre, u, blob.shape)
    if reach is not None:
        ys, xs = np.nonzero(blob & reach)
        if len(xs) < 40:
            return None
        pts = np.column_stack([xs, ys]).astype(np.float64)
        centre, u2, _ = _pca(pts)
        u2, end2 = toes_end(pts, centre, u2, blob.shape)
        u, end_sure = (u2, end2) if end2 > end_sure or u2 @ u >= 0 else (-u2, end_sure)
    angles = []
    foot = pts
    elongation = 1.0
    tip = heel = centre
    step = max(1.5, math.sqrt(len(pts)) / 40)
    for _ in range(REFINE_STEPS):
        proj = (pts - centre) @ u
        tip_s = float(np.percentile(proj, 99.5))
        perp = np.array([-u[1], u[0]])
        tip_point = centre + u * tip_s
        sl = _slices(pts, tip_point, u, step)
        # forefoot width: widest slice within one such width of the toes (self-consistent)
        width = float(np.max(sl[: max(3, len(sl) // 4), 1]))
        for k in range(len(sl)):
            width = max(width, sl[k, 1])
            if sl[k, 0] >= 1.1 * width:
                break
        length = FOOT_LENGTH_PER_WIDTH * width
        s = tip_s - proj
        q = (pts - tip_point) @ perp
        near = (sl[:, 0] < length) & (sl[:, 1] > 0)
        mid = float(np.median(sl[near, 2])) if np.any(near) else 0.0
        sel = (s >= 0) & (s <= length) & (np.abs(q - mid) <= 0.75 * width)
        if np.count_nonzero(sel) < 30:
            break
        foot = pts[sel]
        c2, u2, elongation = _pca(foot)
        if u2 @ u < 0:
            u2 = -u2
        angles.append(math.degrees(math.atan2(-u2[1], u2[0])))
        u, centre = u2, c2
        tip = tip_point
        heel = tip_point - u * min(length, float(s[sel].max()))
    if not angles:
        return None
    # midline check: slice centres of the foot part against its principal axis
    sl = _slices(foot, tip, u, step)
    ok = (sl[:, 1] > 0) & (sl[:, 0] > 0.15 * sl[:, 0].max()) & (sl[:, 0] < 0.9 * sl[:, 0].max())
    drift = 0.0
    if np.count_nonzero(ok) >= 4:
        slope = np.polyfit(sl[ok, 0], sl[ok, 2], 1)[0]
        drift = math.degrees(math.atan(abs(slope)))
    wobble = max(angles[-2:]) - min(angles[-2:]) if len(angles) > 1 else 0.0
    wobble %= 180.0
    wobble = min(wobble, 180.0 - wobble)
    steadiness = max(0.0, 1.0 - (drift + 2 * wobble) / 25.0)
    toes_xy = tip - u * 0.12 * np.linalg.norm(tip - heel)
    border = np.concatenate([blob[0], blob[-1], blob[:, 0], blob[:, -1]])
    middle = (tip + heel) / 2 - np.array([w / 2, h / 2])
    return Silhouette(u, heel, toes_xy, end_sure, float(elongation), float(steadiness),
                      float(len(xs) / blob.size), float(border.mean()), float(np.linalg.norm(middle) / (0.5 * math.hypot(w, h))))
