"""Make test clips with known truth from real hand pixels on real foot photos.

A real hand photo (``footage/hands/stills`` in the repository, more in the
team's footage folder: see tools/footage.py) is run once through the
MediaPipe HandLandmarker to find the hand; the hand is cut out (GrabCut seeded
from the 21 landmarks, or the photo's own alpha channel), scaled to a chosen
palm width (distance of landmarks 5 and 17) and composited, frame by frame and
with sub-pixel placement, onto a real foot photo (``footage/feet/photos``,
turned so the foot axis has the wanted screen angle) or a plain background.
The thumb tip (landmark 4) follows a scripted path of segments:

* ``stroke``: to-and-fro motion along a screen angle, amplitude in palm widths
  (half peak-to-peak), rate in full cycles per minute, ``sine`` or ``dwell``
  waveform.  Truth label from the acute angle to the foot axis:
  >= 60 ``cross_grain``, <= 30 ``lengthwise``, else ``oblique``.
* ``hold``: steady, with a slow linear drift and optional tiny jitter: ``hold``.
* ``absent``: the hand is not drawn: ``no_hand``.

Between segments the hand glides (smooth-step) to the next segment's start over
``glide_s`` (0.4 s); those frames carry the label of the segment they lead
into and ``"phase": "glide"`` in the truth.  A glide that moves the thumb less
than ``STILL_GLIDE_PALM`` is no motion at all: next to a hold, its frames
belong to the hold (label and timing), since the thumb is still there.  After
``absent`` the hand reappears in place without a glide.

Each clip is written as ``NAME.mp4`` (H.264, yuv420p, pts from the true
per-frame timestamps, time base 1/90000, so variable frame rates work) and
``NAME.truth.json`` (schema ``crossgrain.truth/1``, see ``README`` in
sample_videos/).  After writing, the clip is decoded again and its timestamps
are checked against the truth (to 1 ms).

Coordinates follow design.md section 1: pixels, x right, y down; ``thumb_xy``
uses MediaPipe's convention (normalised landmark times image size, so 0 is the
left edge of the first pixel column).  Screen angles are CCW from +x.

Usage::

    python tools/make_clips.py eval-set OUTDIR [--quick]
    python tools/make_clips.py hard-set OUTDIR [--draw N]  # issue 11's hard set, random draw N
    python tools/make_clips.py samples [--out sample_videos]
    python tools/make_clips.py check CLIP.mp4 [...]      # MediaPipe vs truth table
    python tools/make_clips.py turning-foot OUTDIR       # a foot that turns 30 deg halfway (issue 13)
"""

from __future__ import annotations

import argparse
import functools
import json
import math
import sys
import time
from fractions import Fraction
from pathlib import Path

import av
import cv2
import numpy as np

ROOT = Path(__file__).resolve().parents[1]
MODEL_PATH = ROOT / "models" / "hand_landmarker.task"


sys.path.insert(0, str(Path(__file__).resolve().parent))
import footage  # noqa: E402  (the repository's stills and photos first, then the bigger footage)
from clip_effects import ThumbWarp, blur_times, skin_matched  # noqa: E402
from footage import foot_axis_marks, foot_photo_path, still_path  # noqa: E402,F401

SCHEMA = "crossgrain.truth/1"
TIME_BASE = Fraction(1, 90000)

# Stills that MediaPipe finds well (checked); test_image.jpg and tfjs hands.jpg
# show two hands and are not used.
STILLS = {
    "v_sign": "CoderEnko007+gesture-recognition__201711051609351.jpg",
    "three": "CoderEnko007+gesture-recognition__201711051609352.jpg",
    "open": "CoderEnko007+gesture-recognition__201711051609354.jpg",
    # "point" (CoderEnko007 image.jpg) is detected, but its palm (5-17) is seen edge-on: the
    # measured palm width at small sizes is 0.5-0.7 of the nominal one, so it is not used.
    "thumbs_up_png": "google-ai-edge+mediapipe-samples__thumbs-up.png",
    "thumb_up_jpg": "google-ai-edge+mediapipe-samples__hand_thumb_up.jpg",
}

# Foot photos with a clear, large sole/top view (short names -> file).
FEET = {
    "found2": "OllieBoyne+FOUND__docs+images+itw+rgb+2.png",
    "found4": "OllieBoyne+FOUND__docs+images+itw+rgb+4.png",
    "found0": "OllieBoyne+FOUND__docs+images+itw+rgb+0.png",
    "ar_1": "nguyenhoaisonHCMUS+ARShoe_BEPython__data+barefeet_1.jpeg",
    "ar_2": "nguyenhoaisonHCMUS+ARShoe_BEPython__data+barefeet_2.jpeg",
    "ar_3": "nguyenhoaisonHCMUS+ARShoe_BEPython__data+barefeet_3.jpeg",
    "ar_4": "nguyenhoaisonHCMUS+ARShoe_BEPython__data+barefeet_4.jpg",
    "ar_5": "nguyenhoaisonHCMUS+ARShoe_BEPython__data+barefeet_5.jpeg",
    "ar_side": "nguyenhoaisonHCMUS+ARShoe_BEPython__data+barefeet1.jpeg",
    "ar_default": "nguyenhoaisonHCMUS+ARShoe_BEPython__data+barefeet_default.jpeg",
    "nathan_top": "16i-nathan+FeetAndShoeMeasurement__output+uploads+3c49c53b8776_0.jpg",
    # used by the hard set only (more feet and skin tones)
    "found1": "OllieBoyne+FOUND__docs+images+itw+rgb+1.png",
    "found3": "OllieBoyne+FOUND__docs+images+itw+rgb+3.png",
    "nathan_a": "16i-nathan+FeetAndShoeMeasurement__output+uploads+11cc7b7caadb_0.jpg",
    "nathan_b": "16i-nathan+FeetAndShoeMeasurement__output+uploads+1207965a6f31_0.jpg",
    "nathan_c": "16i-nathan+FeetAndShoeMeasurement__output+uploads+356408c2ea07_0.jpg",
}

LABELS = ("cross_grain", "lengthwise", "oblique", "hold", "no_hand")
THUMB_TIP, INDEX_MCP, MIDDLE_MCP, PINKY_MCP, WRIST = 4, 5, 9, 17, 0
# landmark chains for the "surely hand" seed of the cut-out
_CHAINS = [(0, 1, 2, 3, 4), (0, 5, 6, 7, 8), (9, 10, 11, 12), (13, 14, 15, 16), (0, 17, 18, 19, 20),
           (5, 9, 13, 17)]


# --------------------------------------------------------------------------- angles

# The truth's own reading of design.md's conventions, written apart from vision/geometry.py
# on purpose: truth made with the engine's code could not catch a mistake in it.
def screen_angle(dx: float, dy: float) -> float:
    """Screen angle (deg CCW from +x, in [0, 180)) of an image motion (dx, dy)."""
    return math.degrees(math.atan2(-dy, dx)) % 180.0


def angle_to_grain(stroke_deg: float, axis_deg: float) -> float:
    """Acute angle, 0-90 deg, between two undirected lines."""
    d = abs(stroke_deg - axis_deg) % 180.0
    return min(d, 180.0 - d)


def label_for_angle(angle_to_grain_deg: float) -> str:
    if angle_to_grain_deg >= 60.0:
        return "cross_grain"
    if angle_to_grain_deg <= 30.0:
        return "lengthwise"
    return "oblique"


# --------------------------------------------------------------------------- sources

def attribution(filename: str) -> dict:
    row = footage.sources().get(Path(filename).name)
    if row is None:
        return {"file": filename, "note": "generated, no third-party pixels"}
    return {"file": Path(filename).name, "repo": row["repo"], "path": row["path"], "commit": row["commit"],
            "license": row["license_of_repo_if_known"]}


# --------------------------------------------------------------------------- hand sprite

class HandSprite:
    """A cut-out hand: ``bgr`` (h, w, 3) float32, ``alpha`` (h, w) float32 in [0, 1],
    ``landmarks`` (21, 2) float64 px in MediaPipe convention (x = norm_x * w)."""

    def __init__(self, bgr, alpha, landmarks, still):
        self.bgr, self.alpha, self.landmarks, self.still = bgr, alpha, landmarks, still

    @property
    def palm_px(self) -> float:
        return float(np.linalg.norm(self.landmarks[INDEX_MCP] - self.landmarks[PINKY_MCP]))

    def scaled(self, palm_px: float) -> "HandSprite":
        s = palm_px / self.palm_px
        h, w = self.alpha.shape
        nw, nh = max(1, round(w * s)), max(1, round(h * s))
        interp = cv2.INTER_AREA if s < 1 else cv2.INTER_LINEAR
        bgr = cv2.resize(self.bgr, (nw, nh), interpolation=interp)
        alpha = cv2.resize(self.alpha, (nw, nh), interpolation=interp)
        lm = self.landmarks * np.array([nw / w, nh / h])
        return HandSprite(bgr, alpha, lm, self.still)


def _make_landmarker(mode: str = "IMAGE"):
    import mediapipe as mp  # noqa: F401
    from mediapipe.tasks.python import BaseOptions, vision

    opts = vision.HandLandmarkerOptions(base_options=BaseOptions(model_asset_path=str(MODEL_PATH)),
                                        running_mode=getattr(vision.RunningMode, mode), num_hands=1)
    return vision.HandLandmarker.create_from_options(opts)


def _landmarks_px(result, w: int, h: int):
    if not result.hand_landmarks:
        return None
    return np.array([[p.x * w, p.y * h] for p in result.hand_landmarks[0]], dtype=np.float64)


def detect_landmarks_image(rgb: np.ndarray):
    """Run the HandLandmarker (IMAGE mode) once; (21,2) px or None."""
    import mediapipe as mp

    lmk = _make_landmarker("IMAGE")
    try:
        res = lmk.detect(mp.Image(image_format=mp.ImageFormat.SRGB, data=np.ascontiguousarray(rgb)))
    finally:
        lmk.close()
    return _landmarks_px(res, rgb.shape[1], rgb.shape[0])


def _grabcut_mask(img, region, pc, palm):
    """Hand mask (uint8 0/1) by GrabCut seeded with the landmark skeleton."""
    gh, gw = region.shape
    gc = np.full((gh, gw), cv2.GC_BGD, np.uint8)
    gc[region > 0] = cv2.GC_PR_FGD
    sure = np.zeros((gh, gw), np.uint8)
    t = max(2, int(round(0.10 * palm)))
    for ch in _CHAINS:
        for a, b in zip(ch[:-1], ch[1:]):
            cv2.line(sure, tuple(np.round(pc[a]).astype(int)), tuple(np.round(pc[b]).astype(int)), 255, t)
    cv2.fillConvexPoly(sure, np.round(pc[[0, 1, 5, 9, 13, 17]]).astype(np.int32), 255)
    gc[sure > 0] = cv2.GC_FGD
    bgd, fgd = np.zeros((1, 65), np.float64), np.zeros((1, 65), np.float64)
    cv2.setRNGSeed(0)
    cv2.grabCut(img, gc, None, bgd, fgd, 5, cv2.GC_INIT_WITH_MASK)
    m = ((gc == cv2.GC_FGD) | (gc == cv2.GC_PR_FGD)).astype(np.uint8)
    # keep the component that holds the palm, fill small holes
    n, lab = cv2.connectedComponents(m)
    if n > 2:
        cx, cy = np.clip(np.round(pc[MIDDLE_MCP]).astype(int), 0, [gw - 1, gh - 1])
        keep = lab[cy, cx]
        if keep > 0:
            m = (lab == keep).astype(np.uint8)
    return m


WORK_PALM_PX = 150.0  # cut-outs are made at this palm width, then scaled down


@functools.lru_cache(maxsize=None)
def load_hand_sprite(still: str) -> HandSprite:
    """Detect the hand in a still and cut it out (cached per still)."""
    fname = STILLS.get(still, still)
    path = still_path(fname)
    raw = cv2.imread(str(path), cv2.IMREAD_UNCHANGED)
    if raw is None:
        raise FileNotFoundError(path)
    src_alpha = None
    if raw.ndim == 3 and raw.shape[2] == 4:
        src_alpha = raw[:, :, 3].astype(np.float32) / 255.0
        raw = raw[:, :, :3]
    lm = detect_landmarks_image(cv2.cvtColor(raw, cv2.COLOR_BGR2RGB))
    if lm is None:
        raise RuntimeError(f"no hand found in {fname}")
    palm = float(np.linalg.norm(lm[INDEX_MCP] - lm[PINKY_MCP]))
    # work at WORK_PALM_PX
    s = min(1.0, WORK_PALM_PX / palm)
    H, W = raw.shape[:2]
    ws, hs = round(W * s), round(H * s)
    img = cv2.resize(raw, (ws, hs), interpolation=cv2.INTER_AREA) if s < 1 else raw.copy()
    lm = lm * np.array([ws / W, hs / H])
    palm = float(np.linalg.norm(lm[INDEX_MCP] - lm[PINKY_MCP]))
    if src_alpha is not None:
        src_alpha = cv2.resize(src_alpha, (ws, hs), interpolation=cv2.INTER_AREA)

    pc = lm - 0.5  # pixel-centre coordinates for drawing
    # region the hand can be in: dilated hull of the landmarks + forearm stub
    region = np.zeros((hs, ws), np.uint8)
    hull = cv2.convexHull(pc.astype(np.float32)).astype(np.int32)
    cv2.fillConvexPoly(region, hull, 255)
    r = int(round(0.42 * palm))
    region = cv2.dilate(region, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * r + 1, 2 * r + 1)))
    d = pc[WRIST] - pc[MIDDLE_MCP]
    d /= np.linalg.norm(d)
    perp = np.array([-d[1], d[0]])
    forearm_len = 1.6 * palm
    fa = np.array([pc[WRIST] + perp * 0.6 * palm - d * 0.2 * palm,
                   pc[WRIST] - perp * 0.6 * palm - d * 0.2 * palm,
                   pc[WRIST] - perp * 0.55 * palm + d * forearm_len,
                   pc[WRIST] + perp * 0.55 * palm + d * forearm_len])
    cv2.fillConvexPoly(region, fa.astype(np.int32), 255)

    if src_alpha is not None:
        mask = np.where(region > 0, src_alpha, 0.0).astype(np.float32)
    else:
        g = min(1.0, 80.0 / palm)  # GrabCut at palm ~80 px (speed), mask scaled back up
        gw, gh = round(ws * g), round(hs * g)
        m = _grabcut_mask(cv2.resize(img, (gw, gh), interpolation=cv2.INTER_AREA),
                          cv2.resize(region, (gw, gh), interpolation=cv2.INTER_NEAREST),
                          (lm * np.array([gw / ws, gh / hs])) - 0.5, palm * g)
        m = (cv2.resize(m.astype(np.float32), (ws, hs), interpolation=cv2.INTER_LINEAR) > 0.5).astype(np.uint8)
        m = cv2.morphologyEx(m, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (5, 5)))
        m = cv2.erode(m, np.ones((2, 2), np.uint8))  # avoid a halo of the old background
        mask = cv2.GaussianBlur(m.astype(np.float32), (0, 0), 1.2)
    # fade the forearm out towards its cut end
    yy, xx = np.mgrid[0:hs, 0:ws].astype(np.float32)
    along = (xx - pc[WRIST][0]) * d[0] + (yy - pc[WRIST][1]) * d[1]
    fade = np.clip(1.0 - (along - 0.6 * palm) / (forearm_len - 0.6 * palm), 0.0, 1.0)
    # and fade out where the still's own border cuts the arm, so no straight edge shows
    ramp = 0.35 * palm
    border = np.minimum(np.minimum(xx + 0.5, ws - 0.5 - xx),
                        np.minimum(yy + 0.5, hs - 0.5 - yy))
    mask = mask * fade * np.clip(border / ramp, 0.0, 1.0)
    ys, xs = np.nonzero(mask > 0.01)
    pad = 4
    x0, x1 = max(0, xs.min() - pad), min(ws, xs.max() + pad + 1)
    y0, y1 = max(0, ys.min() - pad), min(hs, ys.max() + pad + 1)
    return HandSprite(img[y0:y1, x0:x1].astype(np.float32), np.ascontiguousarray(mask[y0:y1, x0:x1]),
                      lm - np.array([x0, y0]), fname)


@functools.lru_cache(maxsize=64)
def calibrated_sprite(still: str, palm_px: float, width: int = 640, height: int = 480) -> HandSprite:
    """The sprite scaled to ``palm_px``, with its landmarks re-measured at that size.

    The still's landmarks, scaled, are not quite where the model puts them on
    the small picture (a folded thumb especially), so the sprite is composited
    once at the frame centre on plain grey and run through the HandLandmarker
    (IMAGE mode); those landmarks are the sprite's truth.  If the model misses
    the hand there or disagrees by more than half a palm width, the scaled
    still landmarks are kept (``landmarks_source`` says which)."""
    sp = load_hand_sprite(still).scaled(palm_px)
    sp.landmarks_source = "still_scaled"
    img = np.full((height, width, 3), 128.0, np.float32)
    h, w = sp.alpha.shape
    tx, ty = round((width - w) / 2), round((height - h) / 2)
    _composite(img, sp.bgr, sp.alpha, tx, ty)
    lm = detect_landmarks_image(cv2.cvtColor(img.astype(np.uint8), cv2.COLOR_BGR2RGB))
    if lm is not None:
        lm = lm - np.array([tx, ty])
        if np.linalg.norm(lm - sp.landmarks, axis=1).max() < 0.5 * palm_px:
            sp.landmarks = lm
            sp.landmarks_source = "mediapipe_on_sprite"
    return sp


# --------------------------------------------------------------------------- backgrounds

def make_background(spec: str, width: int, height: int, foot_axis_deg: float, rng: np.random.Generator,
                    foot_fill: float = 0.85):
    """Return (bgr uint8 (h,w,3), actual foot axis deg, foot centre (x, y), description).

    ``spec``: a FEET short name or photo file name (turned so its heel-to-toes line
    has ``foot_axis_deg``, foot centred, foot length ~85% of the frame along the
    axis), ``plain`` / ``plain:RRGGBB`` or ``noise``.
    """
    centre = (width / 2.0, height / 2.0)
    if spec.startswith("plain"):
        hexcol = spec.split(":", 1)[1] if ":" in spec else "c9b29b"
        r, g, b = (int(hexcol[i:i + 2], 16) for i in (0, 2, 4))
        img = np.empty((height, width, 3), np.uint8)
        img[:] = (b, g, r)
        return img, float(foot_axis_deg) % 180.0, centre, f"plain #{hexcol}"
    if spec == "noise":
        base = rng.normal(0, 1, (height // 8 + 2, width // 8 + 2, 3)).astype(np.float32)
        base = cv2.resize(base, (width, height), interpolation=cv2.INTER_CUBIC)
        img = np.clip(150 + 25 * base + rng.normal(0, 6, (height, width, 3)), 0, 255).astype(np.uint8)
        return img, float(foot_axis_deg) % 180.0, centre, "smooth noise"
    fname = FEET.get(spec, spec)
    photo = cv2.imread(str(foot_photo_path(fname)), cv2.IMREAD_COLOR)  # honours EXIF rotation
    if photo is None:
        raise FileNotFoundError(fname)
    hx, hy, tx, ty = foot_axis_marks()[fname]
    # the heel->toes direction matters for the picture (toes up for 90), not for the angle
    src_dir = math.degrees(math.atan2(-(ty - hy), tx - hx))
    rot = foot_axis_deg - src_dir  # CCW on screen (cv2 convention: positive = CCW as seen)
    foot_len = math.hypot(tx - hx, ty - hy)
    a = math.radians(foot_axis_deg)
    fit = foot_fill / max(abs(math.cos(a)) / width, abs(math.sin(a)) / height)
    scale = fit / foot_len
    cx, cy = (hx + tx) / 2.0, (hy + ty) / 2.0
    M = cv2.getRotationMatrix2D((cx - 0.5, cy - 0.5), rot, scale)  # pixel-centre coords
    M[:, 2] += np.array([width / 2.0 - 0.5, height / 2.0 - 0.5]) - M[:, :2] @ np.array([cx - 0.5, cy - 0.5]) - M[:, 2]
    M_full = M.copy()
    if scale < 0.5:  # pre-shrink so the warp does not alias
        f = 2 * scale
        small = cv2.resize(photo, None, fx=f, fy=f, interpolation=cv2.INTER_AREA)
        Ms = M.copy()
        Ms[:, :2] /= f
        # pixel-centre mapping for the pre-shrink: x_s = (x+0.5)*f-0.5
        Ms[:, 2] = M[:, 2] + M[:, :2] @ np.array([0.5 / f - 0.5, 0.5 / f - 0.5])
        photo, M = small, Ms
    img = cv2.warpAffine(photo, M, (width, height), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REFLECT_101)
    # measure the axis actually obtained from the transformed marks
    pts = np.array([[hx - 0.5, hy - 0.5], [tx - 0.5, ty - 0.5]])
    pts = pts @ M_full[:, :2].T + M_full[:, 2]
    axis = screen_angle(pts[1, 0] - pts[0, 0], pts[1, 1] - pts[0, 1])
    centre = tuple(((pts[0] + pts[1]) / 2 + 0.5).tolist())
    return img, axis, centre, fname


# --------------------------------------------------------------------------- path

def _smoothstep(u):
    u = min(max(u, 0.0), 1.0)
    return u * u * (3 - 2 * u)


def _unit(deg):
    a = math.radians(deg)
    return np.array([math.cos(a), -math.sin(a)])  # screen angle -> image (dx, dy)


class _Seg:
    pass


STILL_GLIDE_PALM = 0.05  # a glide shorter than this (the smallest stroke amplitude) is no motion


def plan_path(segments: list[dict], foot_axis_deg: float, palm_px: float, home_xy, allowed_box,
              glide_s: float, rng: np.random.Generator):
    """Turn segment specs into timed segments with absolute geometry.

    ``allowed_box`` = (xmin, ymin, xmax, ymax) for the thumb tip so the hand's
    landmarks stay in the frame."""
    out, t = [], 0.0
    xmin, ymin, xmax, ymax = allowed_box
    for spec in segments:
        sg = _Seg()
        sg.spec = spec
        sg.kind = spec["kind"]
        sg.start = t
        sg.dur = float(spec["dur"])
        sg.end = t + sg.dur
        off = np.asarray(spec.get("at", (0.0, 0.0)), float) * palm_px
        c = np.asarray(home_xy, float) + off
        if sg.kind == "stroke":
            if "angle_deg" in spec:
                sg.angle = float(spec["angle_deg"]) % 180.0
            else:
                sg.angle = (foot_axis_deg + float(spec["rel_deg"])) % 180.0
            sg.atg = angle_to_grain(sg.angle, foot_axis_deg)
            sg.label = label_for_angle(sg.atg)
            if "expect" in spec and spec["expect"] != sg.label:
                raise ValueError(f"segment {spec} gives {sg.label}")
            sg.amp = float(spec["amp"])
            sg.rate = float(spec["rate"])
            sg.wave = spec.get("wave", "sine")
            ext = np.abs(_unit(sg.angle)) * sg.amp * palm_px
            c = np.array([np.clip(c[0], xmin + ext[0], max(xmin + ext[0], xmax - ext[0])),
                          np.clip(c[1], ymin + ext[1], max(ymin + ext[1], ymax - ext[1]))])
        elif sg.kind == "hold":
            sg.label = "hold"
            sg.drift = float(spec.get("drift", 0.03))
            ddir = float(spec.get("drift_deg", rng.uniform(0, 360)))
            sg.drift_vec = np.array([math.cos(math.radians(ddir)), -math.sin(math.radians(ddir))]) * sg.drift * palm_px
            sg.jitter = float(spec.get("jitter_px", 0.15))
            c = np.clip(c, [xmin, ymin], [xmax, ymax])
        elif sg.kind == "absent":
            sg.label = "no_hand"
        else:
            raise ValueError(sg.kind)
        sg.centre = c
        sg.glide = 0.0 if sg.kind == "absent" else glide_s
        out.append(sg)
        t = sg.end
    for sg in out:
        sg.spec_palm = palm_px
    # glides: from the end of the previous drawn segment
    prev_end = None
    for sg in out:
        if sg.kind == "absent":
            prev_end = None
            continue
        sg.glide_from = prev_end
        if prev_end is None:
            sg.glide = 0.0
        sg.still_glide = bool(sg.glide) and float(
            np.linalg.norm(_seg_pos_nojit_at_motion_start(sg) - prev_end)) < STILL_GLIDE_PALM * palm_px
        prev_end = _seg_pos(sg, sg.end, rng=None)
    for prev, sg in zip([None, *out[:-1]], out):
        # A still glide out of a hold is more of that hold: the thumb has not moved yet.
        sg.glide_holds = sg.kind == "stroke" and getattr(sg, "still_glide", False) and prev is not None \
            and prev.kind == "hold"
    return out


def _seg_pos(sg, t, rng):
    """Thumb tip position (MediaPipe px convention) of a drawn segment at time t."""
    tm = sg.start + sg.glide  # motion start
    if sg.kind == "stroke":
        u = max(0.0, t - tm)
        s = math.sin(2 * math.pi * sg.rate / 60.0 * u)
        if sg.wave == "dwell":
            s = math.copysign(abs(s) ** 0.4, s)
        elif sg.wave != "sine":
            raise ValueError(sg.wave)
        p = sg.centre + _unit(sg.angle) * sg.amp * sg.spec_palm * s
    else:  # hold
        u = min(max(0.0, (t - tm) / max(1e-9, sg.end - tm)), 1.0)
        p = sg.centre + sg.drift_vec * (u - 0.5)
        if rng is not None and sg.jitter > 0:
            p = p + rng.normal(0, sg.jitter, 2)
    if t < tm and getattr(sg, "glide_from", None) is not None:
        start_p = _seg_pos_nojit_at_motion_start(sg)
        w = _smoothstep((t - sg.start) / sg.glide)
        p = sg.glide_from + (start_p - sg.glide_from) * w
    return p


def _seg_pos_nojit_at_motion_start(sg):
    if sg.kind == "stroke":
        return sg.centre.copy()
    return sg.centre - sg.drift_vec * 0.5


# --------------------------------------------------------------------------- clip

DEFAULTS = dict(width=640, height=480, fps=30.0, palm_px=60.0, foot_axis_deg=90.0, background="found2",
                still="thumbs_up_png", seed=0, crf=19, preset="veryfast", noise_sigma=1.2, flicker=0.012,
                vfr_jitter=0.0, drop_prob=0.0, glide_s=0.4, hand_at=(0.0, 0.0), foot_fill=0.85,
                blur_shutter=0.0, thumb_only=False, skin_match=False)
# blur_shutter: motion blur over this share of the frame interval (0: none); thumb_only: strokes move the
# thumb alone, the hand anchored (the still warped around the thumb's joints); skin_match: the foot photo
# takes the hand's skin colour (see tools/clip_effects.py).


def _composite(img, spr_bgr, spr_a, tx, ty):
    """Blend the sprite into float32 ``img`` in place, translated by (tx, ty) px (sub-pixel)."""
    H, W = img.shape[:2]
    h, w = spr_a.shape
    x0, y0 = max(0, int(math.floor(tx)) - 1), max(0, int(math.floor(ty)) - 1)
    x1, y1 = min(W, int(math.ceil(tx)) + w + 1), min(H, int(math.ceil(ty)) + h + 1)
    if x1 <= x0 or y1 <= y0:
        return
    M = np.array([[1.0, 0.0, tx - x0], [0.0, 1.0, ty - y0]])
    size = (x1 - x0, y1 - y0)
    a = cv2.warpAffine(spr_a, M, size, flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT)
    s = cv2.warpAffine(spr_bgr, M, size, flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT)
    roi = img[y0:y1, x0:x1]
    a3 = a[:, :, None]
    roi += (s - roi) * a3


def frame_times(duration: float, fps: float, vfr_jitter: float, drop_prob: float, rng) -> list[float]:
    """Per-frame timestamps (s) quantised to TIME_BASE, strictly increasing."""
    n = int(math.floor(duration * fps + 1e-9))
    ts, last = [], -1
    for i in range(n):
        t = i / fps
        if vfr_jitter and i > 0:
            t += rng.uniform(-vfr_jitter, vfr_jitter) / fps
        if drop_prob and i > 0 and rng.random() < drop_prob:
            continue
        pts = int(round(t / TIME_BASE))
        if pts <= last:
            continue
        ts.append(pts)
        last = pts
    return ts


class _HandDrawer:
    """Composites the hand with its thumb tip at a point: the whole hand moves, or (thumb_only) in a
    stroke the hand stays at the stroke's centre and the still is warped so only the thumb moves."""

    def __init__(self, sprite: HandSprite, thumb_only: bool, segs, palm_px: float):
        self.sprite = sprite
        self.warp = None
        if thumb_only:
            reach = max((sg.amp for sg in segs if sg.kind == "stroke"), default=0.0) * palm_px
            self.warp = ThumbWarp(sprite.bgr, sprite.alpha, sprite.landmarks, reach + 2.0)

    def __call__(self, img, sg, t: float, tip_xy) -> None:
        if self.warp is not None and sg.kind == "stroke" and t >= sg.start + sg.glide:
            bgr, alpha, _ = self.warp.warped(np.asarray(tip_xy) - sg.centre)
            tx, ty = sg.centre - self.warp.landmarks[THUMB_TIP]
            _composite(img, bgr, alpha, tx, ty)
        else:
            tx, ty = np.asarray(tip_xy) - self.sprite.landmarks[THUMB_TIP]
            _composite(img, self.sprite.bgr, self.sprite.alpha, tx, ty)


def make_clip(spec: dict, out_dir: Path, verify: bool = True) -> dict:
    """Render one clip described by ``spec`` into out_dir; returns the truth dict."""
    cfg = {**DEFAULTS, **spec}
    name = cfg["name"]
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(cfg["seed"])
    W, H = int(cfg["width"]), int(cfg["height"])
    palm = float(cfg["palm_px"])

    sprite = calibrated_sprite(cfg["still"], palm, W, H)
    bg, axis, foot_c, bg_desc = make_background(cfg["background"], W, H, float(cfg["foot_axis_deg"]), rng,
                                                 float(cfg["foot_fill"]))
    home = np.asarray(foot_c, float) + np.asarray(cfg["hand_at"], float) * palm
    if cfg["skin_match"]:
        bg = skin_matched(bg, home, 1.5 * palm, sprite.bgr, sprite.alpha)
    bgf = bg.astype(np.float32)

    lm = sprite.landmarks
    rel = lm - lm[THUMB_TIP]
    margin = 0.15 * palm
    box = (margin - rel[:, 0].min(), margin - rel[:, 1].min(), W - margin - rel[:, 0].max(), H - margin - rel[:, 1].max())
    if box[0] > box[2] or box[1] > box[3]:
        raise ValueError(f"{name}: hand of palm {palm}px does not fit in {W}x{H}")
    segs = plan_path(cfg["segments"], axis, palm, home, box, float(cfg["glide_s"]), rng)
    duration = segs[-1].end

    pts_list = frame_times(duration, float(cfg["fps"]), float(cfg["vfr_jitter"]), float(cfg["drop_prob"]), rng)

    mp4 = out_dir / f"{name}.mp4"
    container = av.open(str(mp4), "w")
    stream = container.add_stream("libx264", rate=Fraction(cfg["fps"]).limit_denominator(1000))
    stream.width, stream.height, stream.pix_fmt = W, H, "yuv420p"
    stream.time_base = TIME_BASE
    stream.codec_context.time_base = TIME_BASE
    stream.options = {"crf": str(cfg["crf"]), "preset": cfg["preset"], "threads": "1"}

    noise_bank = None
    if cfg["noise_sigma"] > 0:
        noise_bank = [np.repeat(rng.normal(0, cfg["noise_sigma"], (H, W, 1)).astype(np.float32), 3, axis=2)
                      for _ in range(8)]
    frames, seg_i = [], 0
    draw = _HandDrawer(sprite, bool(cfg["thumb_only"]), segs, palm)
    for i, pts in enumerate(pts_list):
        t = float(pts * TIME_BASE)
        while seg_i + 1 < len(segs) and t >= segs[seg_i].end:
            seg_i += 1
        sg = segs[seg_i]
        entry = {"i": i, "t": round(t, 6), "label": sg.label, "thumb_xy": None}
        img = bgf.copy()
        if sg.kind != "absent":
            p = _seg_pos(sg, t, rng)
            if t < sg.start + sg.glide:
                entry["phase"] = "glide"
                if sg.glide_holds:
                    entry["label"] = "hold"
            subs = blur_times(t, float(cfg["fps"]), float(cfg["blur_shutter"]))
            if len(subs) == 1:
                draw(img, sg, t, p)
            else:  # the shutter is open while the thumb moves: the mean of renderings across it
                layers = []
                for ts in subs:
                    layer = bgf.copy()
                    draw(layer, sg, ts, p + _seg_pos(sg, ts, None) - _seg_pos(sg, t, None))
                    layers.append(layer)
                img = np.mean(layers, axis=0)
            entry["thumb_xy"] = [round(float(p[0]), 3), round(float(p[1]), 3)]
        gain = 1.0 + cfg["flicker"] * (math.sin(2 * math.pi * 0.7 * t) * 0.6 + rng.normal(0, 0.5))
        if noise_bank is not None:
            img = cv2.addWeighted(img, gain, noise_bank[int(rng.integers(len(noise_bank)))], 1.0, 0.5,
                                  dtype=cv2.CV_8U)
        else:
            img = cv2.addWeighted(img, gain, img, 0.0, 0.5, dtype=cv2.CV_8U)
        vf = av.VideoFrame.from_ndarray(img, format="bgr24")
        vf.pts = pts
        vf.time_base = TIME_BASE
        for packet in stream.encode(vf):
            container.mux(packet)
        frames.append(entry)
    for packet in stream.encode():
        container.mux(packet)
    container.close()

    seg_out, holds = [], []
    for k, sg in enumerate(segs):
        d = {"label": sg.label, "kind": sg.kind, "start_s": round(sg.start, 6), "end_s": round(sg.end, 6),
             "glide_s": round(sg.glide, 6)}
        if sg.kind == "stroke":
            d.update(stroke_angle_deg=round(sg.angle, 3), angle_to_grain_deg=round(sg.atg, 3),
                     rate_per_min=sg.rate, amplitude_palm=sg.amp, amplitude_px=round(sg.amp * palm, 3),
                     waveform=sg.wave)
        elif sg.kind == "hold":
            # The hold lasts while the thumb is still: still glides on either side belong to it.
            hs = sg.start + (0.0 if sg.still_glide else sg.glide)
            following = segs[k + 1] if k + 1 < len(segs) else None
            he = sg.end + (following.glide if following is not None and following.glide_holds else 0.0)
            d.update(drift_palm=sg.drift, jitter_px=sg.jitter)
            holds.append({"start_s": round(hs, 6), "end_s": round(he, 6), "duration_s": round(he - hs, 6),
                          "drift_palm": sg.drift})
        if sg.kind != "absent":
            d["still_glide"] = sg.still_glide
        if sg.kind != "absent":
            d["centre_xy"] = [round(float(v), 3) for v in sg.centre]
        seg_out.append(d)

    truth = {
        "schema": SCHEMA,
        "name": name,
        "video": mp4.name,
        "source_still": sprite.still,
        "background": bg_desc,
        "attribution": [attribution(sprite.still)] + ([attribution(bg_desc)] if not bg_desc.startswith(("plain", "smooth")) else []),
        "width": W, "height": H,
        "fps_nominal": float(cfg["fps"]),
        "vfr": bool(cfg["vfr_jitter"] or cfg["drop_prob"]),
        "vfr_jitter": float(cfg["vfr_jitter"]), "drop_prob": float(cfg["drop_prob"]),
        "duration_s": round(duration, 6),
        "n_frames": len(frames),
        "foot_axis_deg": round(axis, 3),
        "palm_px": palm,
        "glide_label_rule": ("glide frames carry the label of the segment they lead into (phase=glide), except "
                             f"that a glide moving the thumb less than {STILL_GLIDE_PALM} palm widths out of a "
                             "hold is still part of that hold"),
        "sprite_landmarks_source": sprite.landmarks_source,
        "sprite_landmarks_rel_thumb": [[round(float(v), 3) for v in r] for r in (sprite.landmarks - sprite.landmarks[THUMB_TIP])],
        "thumb_xy_convention": "MediaPipe: normalised landmark x width, y height",
        "generator": {"tool": "tools/make_clips.py", "seed": cfg["seed"], "crf": cfg["crf"],
                      "noise_sigma": cfg["noise_sigma"], "flicker": cfg["flicker"],
                      "blur_shutter": cfg["blur_shutter"], "thumb_only": cfg["thumb_only"],
                      "skin_match": cfg["skin_match"]},
        "frames": frames,
        "segments": seg_out,
        "holds": holds,
    }
    with open(out_dir / f"{name}.truth.json", "w") as f:
        json.dump(truth, f, indent=1)
    if verify:
        verify_timestamps(mp4, truth)
    return truth


def decode_frames(path, want_images: bool = True):
    """Yield (t_seconds, rgb or None) for each decoded frame."""
    with av.open(str(path)) as c:
        st = c.streams.video[0]
        st.thread_type = "NONE"
        for fr in c.decode(st):
            t = float(fr.pts * st.time_base)
            yield t, (fr.to_ndarray(format="rgb24") if want_images else None)


def verify_timestamps(path, truth) -> None:
    ts = [t for t, _ in decode_frames(path, want_images=False)]
    want = [f["t"] for f in truth["frames"]]
    if len(ts) != len(want):
        raise AssertionError(f"{path}: decoded {len(ts)} frames, truth has {len(want)}")
    err = max((abs(a - b) for a, b in zip(ts, want)), default=0.0)
    if err > 1e-3:
        raise AssertionError(f"{path}: timestamp error {err:.4f}s")


# --------------------------------------------------------------------------- QA

def check_clip(mp4, truth: dict | None = None, max_frames: int | None = None) -> dict:
    """Run the real HandLandmarker (VIDEO mode) over a clip and compare with truth."""
    import mediapipe as mp

    mp4 = Path(mp4)
    if truth is None:
        truth = json.loads(mp4.with_suffix("").with_suffix(".truth.json").read_text()) if mp4.suffix == ".mp4" else None
        if truth is None:
            raise ValueError(mp4)
    palm = truth["palm_px"]
    lmk = _make_landmarker("VIDEO")
    n_hand = n_det = n_nohand = n_false = 0
    errs, palms = [], []
    last_ms = -1
    try:
        for (t, rgb), fr in zip(decode_frames(mp4), truth["frames"]):
            if max_frames is not None and fr["i"] >= max_frames:
                break
            ms = max(last_ms + 1, int(round(t * 1000)))
            last_ms = ms
            res = lmk.detect_for_video(mp.Image(image_format=mp.ImageFormat.SRGB, data=rgb), ms)
            lm = _landmarks_px(res, rgb.shape[1], rgb.shape[0])
            if fr["thumb_xy"] is None:
                n_nohand += 1
                n_false += lm is not None
                continue
            n_hand += 1
            if lm is not None:
                n_det += 1
                errs.append(float(np.linalg.norm(lm[THUMB_TIP] - np.asarray(fr["thumb_xy"]))))
                palms.append(float(np.linalg.norm(lm[INDEX_MCP] - lm[PINKY_MCP])))
    finally:
        lmk.close()
    e = np.asarray(errs) if errs else np.asarray([np.nan])
    # (mean/p90 errors include frames where the tracker sits on the foot, see on_target_frac)
    return {"clip": mp4.name, "frames": len(truth["frames"]), "hand_frames": n_hand,
            "detected_frac": n_det / max(1, n_hand),
            "on_target_frac": float(np.sum(np.asarray(errs) < 0.5 * palm)) / max(1, n_hand), "false_in_no_hand": n_false, "no_hand_frames": n_nohand,
            "thumb_err_px_mean": float(np.mean(e)), "thumb_err_px_p90": float(np.percentile(e, 90)),
            "thumb_err_palm_mean": float(np.mean(e) / palm), "palm_px": palm,
            "palm_px_measured": float(np.median(palms)) if palms else float("nan")}


def print_table(rows: list[dict]) -> None:
    print(f"{'clip':34s} {'frames':>6s} {'det%':>6s} {'on%':>6s} {'err px':>7s} {'p90 px':>7s} {'err/palm':>8s} "
          f"{'palm':>5s} {'meas':>6s} {'false':>5s}")
    for r in rows:
        print(f"{r['clip']:34s} {r['frames']:6d} {100 * r['detected_frac']:6.1f} {100 * r['on_target_frac']:6.1f} {r['thumb_err_px_mean']:7.2f} "
              f"{r['thumb_err_px_p90']:7.2f} {r['thumb_err_palm_mean']:8.3f} {r['palm_px']:5.0f} "
              f"{r['palm_px_measured']:6.1f} {r['false_in_no_hand']:3d}/{r['no_hand_frames']}")


# --------------------------------------------------------------------------- standard sets

def _S(dur, rel, amp, rate, wave="sine", at=(0, 0), expect=None):
    d = {"kind": "stroke", "dur": dur, "rel_deg": rel, "amp": amp, "rate": rate, "wave": wave, "at": list(at)}
    if expect:
        d["expect"] = expect
    return d


def _H(dur, drift=0.03, at=(0, 0), jitter_px=0.15):
    return {"kind": "hold", "dur": dur, "drift": drift, "at": list(at), "jitter_px": jitter_px}


def _A(dur):
    return {"kind": "absent", "dur": dur}


def eval_set_specs(quick: bool = False) -> list[dict]:
    if quick:
        return [
            dict(name="q01_cross_hold_len", still="thumbs_up_png", background="found4", foot_axis_deg=90, palm_px=60,
                 fps=30, seed=101, segments=[_S(4, 85, 0.2, 90, expect="cross_grain"), _H(3, 0.03),
                                             _S(3, 10, 0.2, 90, expect="lengthwise")]),
            dict(name="q02_vfr_dwell_absent", still="open", background="ar_3", foot_axis_deg=0, palm_px=50, fps=24,
                 vfr_jitter=0.25, drop_prob=0.03, seed=102,
                 segments=[_S(4, 80, 0.25, 120, "dwell", expect="cross_grain"), _A(2), _H(3, 0.04)]),
            dict(name="q03_oblique_small", still="v_sign", background="found4", foot_axis_deg=120, palm_px=80,
                 fps=15, seed=103, segments=[_S(4, 45, 0.15, 60, expect="oblique"), _H(4, 0.02),
                                             _S(3, 88, 0.1, 150, expect="cross_grain")]),
        ]
    return [
        dict(name="e01_png_p60_f30_ax90", still="thumbs_up_png", background="found4", foot_axis_deg=90, palm_px=60,
             fps=30, seed=1, segments=[_S(6, 85, 0.2, 90), _H(8, 0.03), _S(6, 10, 0.2, 90), _S(5, 45, 0.2, 90),
                                       _H(5, 0.02)]),
        dict(name="e02_open_p35_f30_ax0", still="open", background="ar_side", foot_axis_deg=0, palm_px=35,
             fps=30, seed=2, segments=[_S(6, 80, 0.3, 60), _H(10, 0.04), _S(6, 5, 0.3, 60), _A(3), _S(6, 88, 0.25, 120)]),
        dict(name="e03_png_p100_f24_ax120", still="thumbs_up_png", background="nathan_top", foot_axis_deg=120, palm_px=100,
             fps=24, seed=3, segments=[_S(6, 90, 0.1, 150, "dwell"), _H(6, 0.03), _S(6, 15, 0.1, 150, "dwell"),
                                       _S(6, 50, 0.15, 100)]),
        dict(name="e04_open_p60_f30_ax90", still="open", background="ar_1", foot_axis_deg=90, palm_px=60, fps=30,
             seed=4, segments=[_S(6, 75, 0.15, 240), _H(12, 0.05), _S(6, 20, 0.15, 200), _H(5, 0.02)]),
        dict(name="e05_open_p35_f15_ax30", still="open", background="ar_3", foot_axis_deg=30, palm_px=35, fps=15,
             seed=5, segments=[_S(8, 85, 0.3, 30), _H(6, 0.03), _S(8, 0, 0.3, 40), _S(6, 42, 0.3, 45)]),
        dict(name="e06_vsign_p100_vfr24_ax90", still="v_sign", background="found4", foot_axis_deg=90, palm_px=100,
             fps=24, vfr_jitter=0.3, drop_prob=0.04, seed=6,
             segments=[_S(6, 80, 0.05, 120), _H(8, 0.02), _S(6, 10, 0.08, 120), _A(3), _S(6, 85, 0.12, 90, "dwell")]),
        dict(name="e07_three_p60_f30_ax0", still="three", background="ar_5", foot_axis_deg=0, palm_px=60, fps=30,
             seed=7, segments=[_S(5, 45, 0.2, 80), _S(6, 87, 0.2, 80), _H(15, 0.04), _S(6, 12, 0.2, 80)]),
        dict(name="e08_png_p60_f24_ax150", still="thumbs_up_png", background="found0", foot_axis_deg=150, palm_px=60,
             fps=24, seed=8, segments=[_S(6, 78, 0.25, 100, "dwell"), _H(8, 0.03), _S(6, 18, 0.25, 100, "dwell"),
                                       _H(6, 0.02)]),
        dict(name="e09_thumbjpg_p60_f30_ax90", still="thumb_up_jpg", background="ar_4", foot_axis_deg=90,
             palm_px=60, fps=30, seed=9, segments=[_S(6, 84, 0.2, 110), _H(10, 0.03), _S(6, 8, 0.2, 110),
                                                   _S(5, 48, 0.2, 110)]),
        dict(name="e10_thumbjpg_p100_f15_ax60", still="thumb_up_jpg", background="nathan_top", foot_axis_deg=60,
             palm_px=100, fps=15, seed=10, segments=[_S(6, 90, 0.1, 60), _H(8, 0.04), _S(6, 5, 0.1, 60), _A(3),
                                                     _H(6, 0.02)]),
        dict(name="e11_open_p100_f30_ax90", still="open", background="ar_default", foot_axis_deg=90, palm_px=100,
             fps=30, seed=11, segments=[_H(5, 0.03), _S(6, 80, 0.08, 180, "dwell"), _H(20, 0.05), _S(6, 0, 0.1, 180)]),
        dict(name="e12_png_p60_plain_ax90", still="thumbs_up_png", background="plain:c8a48c", foot_axis_deg=90,
             palm_px=60, fps=30, seed=12, segments=[_S(6, 86, 0.15, 90), _H(8, 0.02), _S(6, 4, 0.15, 90),
                                                    _S(6, 44, 0.15, 90)]),
        dict(name="e13_vsign_p35_noise_ax0", still="v_sign", background="noise", foot_axis_deg=0, palm_px=35,
             fps=24, seed=13, segments=[_S(6, 82, 0.3, 90), _H(8, 0.04), _S(6, 14, 0.3, 90)]),
        dict(name="e14_three_p80_vfr30_ax100", still="three", background="ar_3", foot_axis_deg=100, palm_px=80,
             fps=30, vfr_jitter=0.2, drop_prob=0.05, seed=14,
             segments=[_S(6, 88, 0.2, 100), _A(3), _H(10, 0.03), _S(6, 20, 0.2, 100), _S(6, 46, 0.2, 70)]),
    ]


HARD_SET_CLIPS = 12
FOLDED_THUMB = ("v_sign", "three")  # stills whose thumb lies folded across the palm
_CLASS_REL_DEG = {"cross_grain": (65.0, 90.0), "lengthwise": (0.0, 25.0), "oblique": (36.0, 54.0)}


def hard_set_specs(draw: int = 1, clips: int = HARD_SET_CLIPS) -> list[dict]:
    """Issue 11's hard set, drawn at random: ``draw`` picks the seed, so a second draw is another set.

    Half the clips run at 15 fps, all of those with 4-10 % of frames dropped
    (the others at 20-30 fps, up to 10 % dropped); a third have small palms
    (35-50 px); a third are thumb-only (the hand anchored); most have motion
    blur (30-100 % of the frame interval) and sensor noise of 1.5-5 grey
    levels; half put the hand on a foot photo tinted to its own skin colour.
    Strokes run at 1-4 a second, 0.05-0.3 palm widths (log-uniform; thumb-only
    up to 0.2), cross-grain, lengthwise or oblique, sine or dwelling; holds
    last 3-8 s with drift; some clips lose the hand for a while.
    """
    rng = np.random.default_rng(5000 + 100 * draw)
    stills, feet = sorted(STILLS), sorted(FEET)
    # A thumb that strokes alone must be a thumb the picture shows: not one folded into the palm.
    open_thumbs = sorted(k for k in STILLS if k not in FOLDED_THUMB)
    specs = []
    for k in range(clips):
        fps = (15, 20, 15, 30, 15, 24)[k % 6]
        thumb_only = k % 3 == 1
        palm = float(rng.uniform(35, 50) if k % 3 == 0 else rng.uniform(45, 90))
        segments, total = [_H(float(rng.uniform(3, 5)), float(rng.uniform(0.01, 0.04)))], 0.0
        while total < 16.0:
            roll = rng.random()
            if segments[-1]["kind"] != "stroke" or roll < 0.35:  # strokes after anything else, or more strokes
                label = ("cross_grain", "lengthwise", "oblique")[int(rng.integers(3))]
                rel = float(rng.uniform(*_CLASS_REL_DEG[label])) * (1 if rng.random() < 0.5 else -1)
                top = 0.2 if thumb_only else 0.3
                amp = float(np.exp(rng.uniform(np.log(0.05), np.log(top))))
                seg = _S(float(rng.uniform(3.5, 6)), rel, round(amp, 3), round(float(rng.uniform(60, 240))),
                         "dwell" if rng.random() < 0.3 else "sine", expect=label)
            elif roll < 0.85:
                seg = _H(float(rng.uniform(3, 8)), float(rng.uniform(0.01, 0.05)))
            else:
                seg = _A(float(rng.uniform(1.5, 3)))
            segments.append(seg)
            total += seg["dur"]
        if segments[-1]["kind"] == "absent":
            segments.append(_H(3.0, 0.02))
        name = f"h{draw}_{k:02d}_p{palm:.0f}_f{fps}" + ("_thumb" if thumb_only else "")
        specs.append(dict(
            name=name, still=(open_thumbs if thumb_only else stills)[int(rng.integers(len(stills))) % len(
                open_thumbs if thumb_only else stills)], background=feet[int(rng.integers(len(feet)))],
            foot_axis_deg=float(rng.uniform(0, 180)), palm_px=round(palm, 1), fps=fps,
            drop_prob=float(rng.uniform(0.04, 0.10) if fps == 15 else rng.uniform(0.0, 0.10)),
            vfr_jitter=float(rng.uniform(0.0, 0.25)), seed=5000 + 100 * draw + k,
            noise_sigma=float(rng.uniform(1.5, 5.0)),
            blur_shutter=float(rng.uniform(0.3, 1.0)) if rng.random() < 0.75 else 0.0,
            thumb_only=thumb_only, skin_match=bool(rng.random() < 0.5), segments=segments))
    return specs


def sample_specs() -> list[dict]:
    common = dict(crf=22, noise_sigma=0.8)
    return [
        dict(name="cross_friction_good", still="thumb_up_jpg", background="ar_4", foot_axis_deg=90, palm_px=60,
             fps=30, seed=201, **common,
             segments=[_S(12, 85, 0.2, 100, expect="cross_grain"), _H(8, 0.03)]),
        dict(name="lengthwise_mistake", still="open", background="ar_1", foot_axis_deg=90, palm_px=55, fps=30,
             seed=202, **common,
             segments=[_S(9, 5, 0.2, 90, expect="lengthwise"), _H(2, 0.02), _S(9, 88, 0.2, 90, expect="cross_grain")]),
        dict(name="myofascial_hold", still="thumb_up_jpg", background="found0", foot_axis_deg=90, palm_px=60, fps=30,
             seed=203, **common,
             segments=[_S(4, 80, 0.15, 60, "dwell", at=(0.4, 0.6), expect="cross_grain"), _H(15, 0.03, at=(0, -0.3)),
                       _S(4, 10, 0.3, 40, at=(0, -0.3), expect="lengthwise")]),
    ]


SAMPLES_README = """# Sample videos

Generated by `tools/make_clips.py` from real photos (a real hand cut out of a
still and moved along a known path over a real foot photo). Each `NAME.mp4` has
a `NAME.truth.json` beside it (schema `crossgrain.truth/1`, described in
`tools/make_clips.py` and below).

Regenerate (deterministic, seeded):

    .venv/bin/python tools/make_clips.py samples

(H.264 encoders of other versions may produce different bytes; the truth JSON
stays the same.)

## Clips

{clips}

## Truth JSON

`frames` has one entry per decoded frame: `i` (decoded index), `t` (pts in s,
time base 1/90000), `label` (one of `cross_grain`, `lengthwise`, `oblique`,
`hold`, `no_hand`), `thumb_xy` (where landmark 4 of the cut-out hand lands,
MediaPipe convention: normalised x width, y height; `null` while no hand) and
`phase: "glide"` on frames where the hand glides (0.4 s) to the start of the
next segment (they carry that segment's label). `segments` list every scripted
segment with `start_s`/`end_s` (glide included, `glide_s` says how long), and
for strokes `stroke_angle_deg`, `angle_to_grain_deg`, `rate_per_min`,
`amplitude_palm`, `waveform`, and `still_glide` (the glide moved the thumb
less than 0.05 palm widths: no motion). `holds` last while the thumb is
still: from the end of the glide into them (or its start, if that glide is
still) to the start of the glide out (or its end, if still); a still glide out
of a hold is labelled `hold`. Labels of strokes follow design.md: angle to
grain >= 60 deg `cross_grain`, <= 30 `lengthwise`, else `oblique`.

## Licences and attribution

{attrib}
"""


def write_samples_readme(out_dir: Path, truths: list[dict]) -> None:
    clips, seen = [], {}
    for tr in truths:
        segs = ", ".join(f"{s['label']} {s['end_s'] - s['start_s']:.0f} s" for s in tr["segments"])
        srcs = "; ".join(f"`{a['file']}` from {a['repo']}:{a['path']} @ {a['commit'][:12]} ({a['license']})"
                         for a in tr["attribution"] if "repo" in a)
        clips.append(f"- `{tr['video']}` ({tr['duration_s']:.0f} s, {tr['fps_nominal']:.0f} fps, palm "
                     f"{tr['palm_px']:.0f} px, foot axis {tr['foot_axis_deg']:.1f} deg): {segs}.\n"
                     f"  Hand still `{tr['source_still']}`; foot photo `{tr['background']}`.\n  Sources: {srcs}.")
        for a in tr["attribution"]:
            if "repo" in a:
                seen[a["file"]] = a
    attrib = "\n".join(f"- `{a['file']}`: https://github.com/{a['repo']}/blob/{a['commit']}/{a['path']} "
                       f"— licence: {a['license']}" for a in seen.values())
    attrib += ("\n\nThe clips are derived works of these files and are distributed under the same licences "
               "(Apache-2.0 for the hand stills, MIT for the foot photos); keep this attribution with them.")
    (out_dir / "README.md").write_text(SAMPLES_README.format(clips="\n".join(clips), attrib=attrib))


# --------------------------------------------------------------------------- a foot that turns (issue 13)

def make_turning_foot_clip(out_dir: Path, name: str = "foot_turns_30", turn_deg: float = 30.0,
                           background: str = "ar_3", still: str = "thumb_up_jpg", axis_deg: float = 90.0,
                           rel_deg: float = -78.0, duration: float = 16.0, turn_s: float = 1.0,
                           palm_px: float = 60.0, fps: float = 30.0, seed: int = 301) -> dict:
    """A clip whose foot turns by ``turn_deg`` halfway (smoothly, over ``turn_s``), the thumb stroking
    at ``rel_deg`` to the foot's axis throughout (the hand turns its strokes with the foot).

    With the axis followed (``--foot-axis auto``) every stroke frame is cross_grain; with the axis
    of the start kept, the strokes after the turn sit ``rel_deg + turn_deg`` from it (-48 deg:
    oblique). The truth's frames carry the true ``foot_axis_deg`` of each frame."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    W, H = 640, 480
    sprite = calibrated_sprite(still, palm_px, W, H)
    bg, axis0, centre, bg_desc = make_background(background, W, H, axis_deg, rng, foot_fill=0.8)
    centre = np.asarray(centre, float)
    rel = sprite.landmarks - sprite.landmarks[THUMB_TIP]
    amp, rate = 0.2, 90.0
    t_mid = duration / 2

    def turned_by(t):
        return turn_deg * _smoothstep((t - (t_mid - turn_s / 2)) / turn_s)

    home = centre + np.array([0.0, 0.0])
    label = label_for_angle(angle_to_grain(axis0 + rel_deg, axis0))
    mp4 = out_dir / f"{name}.mp4"
    frames = []
    with av.open(str(mp4), "w") as container:
        stream = container.add_stream("libx264", rate=Fraction(fps).limit_denominator(1000))
        stream.width, stream.height, stream.pix_fmt = W, H, "yuv420p"
        stream.time_base = TIME_BASE
        stream.codec_context.time_base = TIME_BASE
        stream.options = {"crf": "20", "preset": "veryfast", "threads": "1"}
        for i, pts in enumerate(frame_times(duration, fps, 0.0, 0.0, rng)):
            t = float(pts * TIME_BASE)
            phi = turned_by(t)
            m = cv2.getRotationMatrix2D((centre[0] - 0.5, centre[1] - 0.5), phi, 1.0)  # CCW on screen
            img = cv2.warpAffine(bg, m, (W, H), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REFLECT_101)
            img = img.astype(np.float32)
            axis = (axis0 + phi) % 180.0
            stroke = (axis + rel_deg) % 180.0
            p = home + _unit(stroke) * amp * palm_px * math.sin(2 * math.pi * rate / 60.0 * t)
            tx, ty = p - sprite.landmarks[THUMB_TIP]
            _composite(img, sprite.bgr, sprite.alpha, tx, ty)
            img = np.clip(img + rng.normal(0, 1.0, (H, W, 1)), 0, 255).astype(np.uint8)
            vf = av.VideoFrame.from_ndarray(img, format="bgr24")
            vf.pts, vf.time_base = pts, TIME_BASE
            for packet in stream.encode(vf):
                container.mux(packet)
            frames.append({"i": i, "t": round(t, 6), "label": label, "foot_axis_deg": round(axis, 3),
                           "stroke_angle_deg": round(stroke, 3),
                           "thumb_xy": [round(float(p[0]), 3), round(float(p[1]), 3)]})
        for packet in stream.encode():
            container.mux(packet)
    truth = {
        "schema": SCHEMA, "name": name, "video": mp4.name, "source_still": sprite.still, "background": bg_desc,
        "attribution": [attribution(sprite.still), attribution(bg_desc)],
        "width": W, "height": H, "fps_nominal": fps, "vfr": False, "duration_s": round(duration, 6),
        "n_frames": len(frames), "foot_axis_deg": round(axis0, 3),
        "foot_axis_end_deg": round((axis0 + turn_deg) % 180.0, 3),
        "turn": {"start_s": t_mid - turn_s / 2, "end_s": t_mid + turn_s / 2, "deg": turn_deg},
        "palm_px": palm_px, "sprite_landmarks_source": sprite.landmarks_source,
        "thumb_xy_convention": "MediaPipe: normalised landmark x width, y height",
        "generator": {"tool": "tools/make_clips.py turning-foot", "seed": seed},
        "frames": frames,
        "segments": [{"label": label, "kind": "stroke", "start_s": 0.0, "end_s": round(duration, 6),
                      "angle_to_grain_deg": rel_deg, "rate_per_min": rate, "amplitude_palm": amp,
                      "waveform": "sine", "note": "stroke angle turns with the foot"}],
        "holds": [],
    }
    with open(out_dir / f"{name}.truth.json", "w") as f:
        json.dump(truth, f, indent=1)
    verify_timestamps(mp4, truth)
    return truth


# --------------------------------------------------------------------------- CLI

def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    e = sub.add_parser("eval-set", help="make the standard evaluation set")
    e.add_argument("outdir")
    e.add_argument("--quick", action="store_true", help="3 short clips for CI")
    e.add_argument("--check", action="store_true", help="run MediaPipe over each clip and print a table")
    e.add_argument("--only", default=None, help="substring of clip names to make")
    h = sub.add_parser("hard-set", help="make issue 11's hard set (15 fps with drops, blur, thumb-only, ...)")
    h.add_argument("outdir")
    h.add_argument("--draw", type=int, default=1, help="which random draw of the set (another number: another set)")
    h.add_argument("--check", action="store_true", help="run MediaPipe over each clip and print a table")
    h.add_argument("--only", default=None, help="substring of clip names to make")
    for parser in (e, h):
        parser.add_argument("--missing", action="store_true", help="make only clips whose truth file is not there")
    s = sub.add_parser("samples", help="(re)make sample_videos/")
    s.add_argument("--out", default=str(ROOT / "sample_videos"))
    s.add_argument("--check", action="store_true")
    c = sub.add_parser("check", help="MediaPipe detection / thumb error vs truth")
    c.add_argument("clips", nargs="+")
    tf = sub.add_parser("turning-foot", help="a clip whose foot turns 30 deg halfway (for --foot-axis auto)")
    tf.add_argument("outdir")
    a = ap.parse_args(argv)

    if a.cmd == "turning-foot":
        tr = make_turning_foot_clip(Path(a.outdir))
        print(f"{tr['video']}: {tr['n_frames']} frames, axis {tr['foot_axis_deg']:.1f} -> {tr['foot_axis_end_deg']:.1f} deg")
        return 0

    if a.cmd == "check":
        rows = [check_clip(p) for p in a.clips]
        print_table(rows)
        return 0
    if a.cmd in ("eval-set", "hard-set"):
        specs = eval_set_specs(a.quick) if a.cmd == "eval-set" else hard_set_specs(a.draw)
        out = Path(a.outdir)
        if a.only:
            specs = [sp for sp in specs if a.only in sp["name"]]
        if a.missing:
            specs = [sp for sp in specs if not (out / f"{sp['name']}.truth.json").exists()]
    else:
        specs, out = sample_specs(), Path(a.out)
    truths, rows = [], []
    for sp in specs:
        t0 = time.time()
        tr = make_clip(sp, out)
        truths.append(tr)
        size = (out / tr["video"]).stat().st_size
        print(f"{tr['video']}: {tr['n_frames']} frames, {tr['duration_s']:.1f} s, {size / 1e6:.2f} MB, "
              f"{time.time() - t0:.1f} s", flush=True)
        if a.check:
            rows.append(check_clip(out / tr["video"], tr))
    if a.cmd == "samples":
        write_samples_readme(out, truths)
    if rows:
        print_table(rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
