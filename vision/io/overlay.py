"""Annotators: draw a verdict on a frame. No analysis happens here.

``annotate(rgb, view)`` draws one OverlayView; LivePainter builds views from
live FrameResults (keeping the thumb's trail), and render_report_video draws
a finished report over its video.
"""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from ..coach.techniques import Technique, quality, technique
from ..core.landmarks import HAND_CONNECTIONS, HandLandmark
from .sprites import SpriteCache

# RGB colours
GOOD = (46, 204, 64)
WARN = (255, 176, 0)
BAD = (230, 45, 45)
IDLE = (150, 150, 150)
WHITE = (255, 255, 255)
DARK = (25, 25, 25)  # behind text drawn over the picture: legible on any background
AXIS = (80, 200, 255)
QUALITY_COLOURS = {"good": GOOD, "warn": WARN, "bad": BAD, "idle": IDLE}
LABEL_TEXT = {"cross_grain": "CROSS-GRAIN", "lengthwise": "LENGTHWISE", "oblique": "OBLIQUE",
              "hold": "HOLD", "no_hand": "NO HAND", "settling": "WATCHING YOUR THUMB..."}
UNJUDGED = ("finding", "settling")  # badges that are no verdict: drawn dark, not in a verdict's colour
FINDING_TEXT = "FINDING YOUR HAND..."  # before the first hand is believed: "no hand" would contradict the picture
FINDING = "finding"  # OverlayView.label for those first frames
FINDING_S = 3.0  # live: no hand for this long from the start is "no hand"
TRAIL_S = 1.5
HOLD_TARGET_S = 90.0


@dataclass(frozen=True)
class OverlayView:
    """Everything one frame's overlay shows. Positions in pixels, angles in screen degrees."""

    label: str
    quality: str
    foot_axis_deg: float
    landmarks: np.ndarray | None = None
    trail: tuple[tuple[float, float], ...] = ()
    stroke_angle_deg: float | None = None
    rate_per_min: float | None = None
    hold_s: float = 0.0
    hold_target_s: float = HOLD_TARGET_S
    palm_px: float | None = None
    axis_note: str | None = None  # a found/followed axis's confidence in words (axis_words), drawn bottom left
    other_label: str | None = None  # both thumbs working: the second one's label, drawn at its tip
    other_xy: tuple[float, float] | None = None
    other_quality: str = "idle"


SURE_AT = 0.5  # as the estimator's: below this a found axis is not trusted
QUITE_SURE_AT = 0.75


def axis_words(axis) -> str | None:
    """How sure a found (followed) axis is, in people's words; None for an axis the user set.

    The follower keeps the last axis while its estimates are unsure, its confidence
    fading: below SURE_AT the line shown is that kept one, and the words say so.
    """
    if axis is None or str(getattr(axis, "source", "")) != "found":
        return None
    c = axis.confidence if axis.confidence is not None else 0.0
    if c >= QUITE_SURE_AT:
        return "foot found: sure"
    if c >= SURE_AT:
        return "foot found: fairly sure"
    return "foot: unsure, keeping the last axis"


def _scale(img: np.ndarray) -> float:
    return max(min(img.shape[0], img.shape[1]) / 480.0, 0.5)


def _unit(angle_deg: float) -> np.ndarray:
    a = math.radians(angle_deg)
    return np.array([math.cos(a), -math.sin(a)])  # image y points down


def draw_foot_axis(img: np.ndarray, foot_axis_deg: float) -> None:
    h, w = img.shape[:2]
    s = _scale(img)
    centre = np.array([w / 2, h / 2])
    u = _unit(foot_axis_deg) * (min(h, w) * 0.45)
    a, b = centre - u, centre + u
    n = 14
    for k in range(n):  # dashed
        if k % 2 == 0:
            p = a + (b - a) * k / n
            q = a + (b - a) * (k + 1) / n
            cv2.line(img, tuple(int(v) for v in p), tuple(int(v) for v in q), AXIS, max(1, int(2 * s)), cv2.LINE_AA)
    # the label: large, in the axis colour on a dark plate, kept inside the picture
    font, size, thick = cv2.FONT_HERSHEY_SIMPLEX, 0.75 * s, max(2, int(2 * s))
    (tw, th), base = cv2.getTextSize("grain", font, size, thick)
    pad = int(4 * s) + 1
    x = int(min(max(b[0] + 6 * s, pad), w - tw - pad - 1))
    y = int(min(max(b[1] + th / 2, th + pad), h - base - pad - 1))
    cv2.rectangle(img, (x - pad, y - th - pad), (x + tw + pad, y + base + pad), DARK, -1)
    cv2.putText(img, "grain", (x, y), font, size, AXIS, thick, cv2.LINE_AA)


def draw_axis_note(img: np.ndarray, text: str) -> None:
    """The axis's confidence in words, bottom left, in the axis colour on a dark plate (legible on
    skin and floor alike). Few distinct texts, so it is pasted from the sprite cache."""
    h, w = img.shape[:2]
    s = _scale(img)
    font, size, thick = cv2.FONT_HERSHEY_SIMPLEX, 0.6 * s, max(1, int(1.6 * s))
    (tw, th), base = cv2.getTextSize(text, font, size, thick)
    pad = int(5 * s) + 1
    x, y = int(10 * s) + pad, h - int(10 * s) - pad - base
    cv2.rectangle(img, (x - pad, y - th - pad), (min(x + tw + pad, w - 1), y + base + pad), DARK, -1)
    cv2.putText(img, text, (x, y), font, size, AXIS, thick, cv2.LINE_AA)


def draw_skeleton(img: np.ndarray, xy: np.ndarray, colour=WHITE) -> None:
    s = _scale(img)
    ends = np.round(np.asarray(xy, float)).astype(np.int32)
    cv2.polylines(img, list(ends[_BONES]), False, colour, max(1, int(1.5 * s)), cv2.LINE_AA)  # one call
    pts = [tuple(p) for p in ends.tolist()]
    for k, p in enumerate(pts):
        r = int(4 * s) if k == HandLandmark.THUMB_TIP else max(1, int(2 * s))
        cv2.circle(img, p, r, (255, 60, 160) if k == HandLandmark.THUMB_TIP else colour, -1, cv2.LINE_AA)


_BONES = np.array(HAND_CONNECTIONS, np.intp)  # (bones, 2) landmark indices


def draw_trail(img: np.ndarray, trail, colour, steps: int = 4) -> None:
    """The trail fading in ``steps`` pieces, one polyline each (a line a segment costs five times more)."""
    s = _scale(img)
    n = len(trail)
    pts = np.round(np.asarray(trail, float)).astype(np.int32)
    for q in range(steps):
        lo, hi = max(1, q * n // steps), (q + 1) * n // steps
        if hi <= lo:
            continue
        fade = hi / n
        c = tuple(int(v * fade + 40 * (1 - fade)) for v in colour)
        cv2.polylines(img, [pts[lo - 1:hi]], False, c, max(1, int(3 * s * fade)), cv2.LINE_AA)


def draw_stroke_arrow(img: np.ndarray, at, angle_deg: float, length: float, colour) -> None:
    s = _scale(img)
    u = _unit(angle_deg) * length / 2
    c = np.asarray(at, float)
    p, q = tuple(int(v) for v in c - u), tuple(int(v) for v in c + u)
    cv2.arrowedLine(img, p, q, colour, max(2, int(3 * s)), cv2.LINE_AA, tipLength=0.25)
    cv2.arrowedLine(img, q, p, colour, max(2, int(3 * s)), cv2.LINE_AA, tipLength=0.25)


def draw_badge(img: np.ndarray, text: str, colour, line2: str | None = None) -> None:
    s = _scale(img)
    font, size, thick = cv2.FONT_HERSHEY_SIMPLEX, 0.7 * s, max(1, int(2 * s))
    (tw, th), _ = cv2.getTextSize(text, font, size, thick)
    pad = int(8 * s)
    x0, y0 = int(10 * s), int(10 * s)
    height = th + 2 * pad + (int(22 * s) if line2 else 0)
    width = max(tw, cv2.getTextSize(line2, font, 0.55 * s, 1)[0][0] if line2 else 0) + 2 * pad
    cv2.rectangle(img, (x0, y0), (x0 + width, y0 + height), colour, -1)
    cv2.putText(img, text, (x0 + pad, y0 + pad + th), font, size, WHITE, thick, cv2.LINE_AA)
    if line2:
        cv2.putText(img, line2, (x0 + pad, y0 + pad + th + int(22 * s)), font, 0.55 * s, WHITE,
                    max(1, int(1.5 * s)), cv2.LINE_AA)


def draw_hold_ring(img: np.ndarray, hold_s: float, target_s: float, colour) -> None:
    """A ring filling towards the target, the seconds held in white on a dark disc (legible on light skin)."""
    h, w = img.shape[:2]
    s = _scale(img)
    r = int(34 * s)
    ring = max(2, int(6 * s))
    centre = (w - r - int(14 * s), r + int(14 * s))
    cv2.circle(img, centre, r - ring // 2, DARK, -1, cv2.LINE_AA)
    cv2.circle(img, centre, r, (60, 60, 60), ring, cv2.LINE_AA)
    frac = min(hold_s / target_s, 1.0)
    if frac > 0:
        cv2.ellipse(img, centre, (r, r), -90, 0, 360 * frac, colour, ring, cv2.LINE_AA)
    text = f"{hold_s:.0f}s"
    (tw, th), _ = cv2.getTextSize(text, cv2.FONT_HERSHEY_SIMPLEX, 0.7 * s, max(1, int(2 * s)))
    cv2.putText(img, text, (centre[0] - tw // 2, centre[1] + th // 2), cv2.FONT_HERSHEY_SIMPLEX, 0.7 * s,
                WHITE, max(1, int(2 * s)), cv2.LINE_AA)


def annotate(rgb: np.ndarray, view: OverlayView, sprites: SpriteCache | None = None) -> np.ndarray:
    """Return a copy of ``rgb`` with the view drawn on it (the axis and badge pasted from ``sprites``)."""
    img = rgb.copy()
    colour = QUALITY_COLOURS.get(view.quality, IDLE)
    paste = sprites.draw if sprites is not None else (lambda im, fn, *args: fn(im, *args))
    paste(img, draw_foot_axis, view.foot_axis_deg)
    if view.axis_note:
        paste(img, draw_axis_note, view.axis_note)
    if view.landmarks is not None:
        draw_skeleton(img, view.landmarks)
    if len(view.trail) > 1:
        draw_trail(img, view.trail, colour)
    if view.stroke_angle_deg is not None and view.trail:
        length = 1.2 * (view.palm_px or min(img.shape[:2]) / 6)
        draw_stroke_arrow(img, view.trail[-1], view.stroke_angle_deg, length, colour)
    rate = f"{view.rate_per_min:.0f} strokes/min" if view.rate_per_min else None
    badge = FINDING_TEXT if view.label == FINDING else LABEL_TEXT.get(view.label, view.label.upper())
    paste(img, draw_badge, badge, DARK if view.label in UNJUDGED else colour, rate)
    if view.label == "hold":
        draw_hold_ring(img, view.hold_s, view.hold_target_s, colour)
    if view.other_label is not None and view.other_xy is not None:
        draw_tag(img, view.other_xy, "2ND: " + LABEL_TEXT.get(view.other_label, view.other_label.upper()),
                 QUALITY_COLOURS.get(view.other_quality, IDLE))
    return img


def draw_tag(img: np.ndarray, at, text: str, colour) -> None:
    """A small label beside a point (the second thumb's tip): dark box, coloured edge, white text."""
    s = _scale(img)
    font, size, thick = cv2.FONT_HERSHEY_SIMPLEX, 0.5 * s, max(1, int(1.5 * s))
    (tw, th), _ = cv2.getTextSize(text, font, size, thick)
    h, w = img.shape[:2]
    x = int(min(max(at[0] + 12 * s, 2), w - tw - 8))
    y = int(min(max(at[1] - 12 * s, th + 6), h - 4))
    cv2.rectangle(img, (x - 4, y - th - 5), (x + tw + 4, y + 5), DARK, -1)
    cv2.rectangle(img, (x - 4, y - th - 5), (x + tw + 4, y + 5), colour, max(1, int(2 * s)))
    cv2.putText(img, text, (x, y), font, size, WHITE, thick, cv2.LINE_AA)


def other_thumb_tag(label: str | None, xy, tech: Technique) -> dict:
    """The second working thumb's tag in an OverlayView: its label, where, and its colour for the
    technique (it is not coached; the colour says whether its motion would count)."""
    if label is None:
        return {}
    return {"other_label": label, "other_xy": xy, "other_quality": quality(label, label in tech.good_labels, tech)}


class LivePainter:
    """Builds overlay views from a stream's FrameResults, keeping the thumb's fading trail.

    Draws only what the verdict says: its label, badge colour, axis, stroke
    direction, rate and hold time (for a hold technique, the coaching's hold
    timer, which pauses while the thumb slides).
    """

    def __init__(self, technique_name: str | None = None):
        self.technique: Technique = technique(technique_name)
        self._trail: deque = deque()
        self._sprites = SpriteCache()
        self._hand_seen = False
        self._first_t: float | None = None

    def view(self, result) -> OverlayView:
        v = result.verdict
        self._first_t = v.t if self._first_t is None else self._first_t
        # "finding your hand" for the first frames only: with no hand after FINDING_S it is "no hand"
        self._hand_seen = self._hand_seen or v.label != "no_hand" or v.t - self._first_t > FINDING_S
        if v.thumb_xy is not None:
            self._trail.append((v.t, v.thumb_xy))
        while self._trail and v.t - self._trail[0][0] > TRAIL_S:
            self._trail.popleft()
        obs = result.observation
        c = v.coaching
        hold_s = c.hold_good_s if c is not None and self.technique.kind == "hold" else v.hold_s
        return OverlayView(
            label=v.label if self._hand_seen else FINDING,
            quality=c.quality if c is not None else "idle", foot_axis_deg=v.axis.deg,
            landmarks=None if obs is None else obs.xy, trail=tuple(p for _, p in self._trail),
            stroke_angle_deg=v.stroke_angle_deg, rate_per_min=v.rate_per_min, hold_s=hold_s,
            hold_target_s=self.technique.target_hold_s or HOLD_TARGET_S, palm_px=v.palm_px,
            axis_note=axis_words(v.axis),
            **self._other_thumb(v.other_thumb),
        )

    def _other_thumb(self, other) -> dict:
        if other is None:
            return {}
        return other_thumb_tag(str(other.label), other.thumb_xy, self.technique)

    def paint(self, rgb: np.ndarray, result) -> np.ndarray:
        return annotate(rgb, self.view(result), self._sprites)


def render_report_video(source: str | Path, report, landmarks_of, out_path: str | Path,
                        max_side: int | None = None) -> None:
    """Draw a finished report's frames (their verdicts) over its video (second decode)."""
    from .background_writer import BackgroundWriter
    from .video import iter_frames, prefetch

    tech = technique(report.technique or None)
    trail: deque = deque()
    sprites = SpriteCache()
    # until the engine believes a hand, the badge says it is looking, not "no hand" (unless no hand ever comes)
    hand_seen = all(f.label == "no_hand" for f in report.frames)
    with BackgroundWriter(out_path, fps=report.fps or 30.0) as writer:
        # decode, draw and encode on three threads: the cores are busy, so the decoder gets no threads of its own
        for frame in prefetch(iter_frames(source, max_side=max_side, threads=1)):
            if frame.i >= len(report.frames):
                break
            rec = report.frames[frame.i]
            hand_seen = hand_seen or rec.label != "no_hand"
            if rec.thumb_xy is not None:
                trail.append((rec.t, rec.thumb_xy))
            while trail and rec.t - trail[0][0] > TRAIL_S:
                trail.popleft()
            view = OverlayView(
                label=rec.label if hand_seen else FINDING, quality=quality(rec.label, rec.right, tech),
                foot_axis_deg=rec.foot_axis_deg if rec.foot_axis_deg is not None else report.foot_axis_deg,
                landmarks=landmarks_of(frame.i), trail=tuple(p for _, p in trail),
                stroke_angle_deg=rec.stroke_angle_deg, rate_per_min=rec.rate_per_min, hold_s=rec.hold_s,
                hold_target_s=tech.target_hold_s or HOLD_TARGET_S, palm_px=rec.palm_px,
                **other_thumb_tag(rec.other_thumb_label, rec.other_thumb_xy, tech),
            )
            writer.write(annotate(frame.rgb, view, sprites), frame.t)
