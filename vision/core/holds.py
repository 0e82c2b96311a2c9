"""When did the thumb come to rest, and when did it move off? Hold timing from positions.

A label says ``hold`` only once the analyzer is sure of it: live, some tenths
of a second after the thumb stopped (the motion window must empty first), and
it keeps saying ``hold`` until the next stroke is sure. Timing a hold by its
labels therefore starts it late and ends it late. The thumb itself tells the
truth: a hold starts at the first frame from which the tip stays within a small
radius of where it rests, and ends at the first frame where it has left.

Both searches only look back from what the analyzer had already seen when it
changed label, so a live timer and a live report may use them too.
"""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from .timebase import STALL_S

REST_RADIUS_PALM = 0.03  # the smallest radius of "still": well under the smallest stroke (0.05)
REST_RADIUS_NOISE = 4.0  # ... and this many landmark-noise standard deviations
ANCHOR_S = 0.5  # where the thumb rests: the median tip over this long
WANDER_MARGIN = 1.5  # ... and this many times how far the tip wanders from its rest inside the hold
LEAVE_SPAN = 5  # leaving: a frame outside the radius and another within this many after it (one is a glitch)
SEARCH_S = 1.5  # how far beyond the hold's labels a search may reach


def rest_radius_px(tips: np.ndarray, palm_px: float, anchor_n: int) -> float:
    """Radius (pixels) within which a resting tip stays: landmark noise cannot leave it.

    ``tips`` are frames the labels call a hold. White noise per axis is
    estimated from second differences, where a still or smoothly moving thumb
    hardly shows; slow wander of the landmark (small hands) from how far the
    tip strays from its moving rest (the median of ``anchor_n`` frames).
    """
    radius = REST_RADIUS_PALM * palm_px
    if len(tips) > anchor_n:
        rests = np.median(sliding_window_view(tips[:-1], anchor_n, axis=0), axis=-1)  # of the frames before each
        strays = np.linalg.norm(tips[anchor_n:] - rests, axis=1)
        radius = max(radius, WANDER_MARGIN * float(np.quantile(strays, 0.9)))
    if len(tips) >= 5:
        second = tips[2:] - 2.0 * tips[1:-1] + tips[:-2]
        # |second difference|^2 is 6 sigma^2 times a chi-square of 2 degrees (median 2 ln 2);
        # the median keeps the first moments of a stroke out of the estimate.
        sigma = math.sqrt(float(np.median(np.sum(second**2, axis=1))) / (12.0 * math.log(2)))
        radius = max(radius, REST_RADIUS_NOISE * sigma)
    return radius


def departure(tips: np.ndarray, begin: int, step: int, radius_px: float, anchor_n: int) -> int:
    """First index, walking away from the rest at ``begin`` by ``step`` (+1 or -1), where the tip leaves.

    The rest starts as the ``anchor_n`` frames from ``begin`` on (+1) or before
    it (-1) and moves along with the walk: its place is the median of the
    ``anchor_n`` frames just walked, so it follows a slow drift of the thumb or
    of the landmark model, which a stroke outruns. Leaving takes a frame
    outside ``radius_px`` and another within ``LEAVE_SPAN`` frames after it: a
    glitch is a single frame, while a stroke that only just reaches past the
    radius does so once every half stroke. Returns one past the end
    (``len(tips)`` or -1) if the tip never leaves.
    """
    edge = len(tips) if step > 0 else -1
    k = begin + anchor_n if step > 0 else begin - anchor_n - 1
    while 0 <= k < len(tips):
        walked = tips[k - anchor_n:k] if step > 0 else tips[k + 1:k + 1 + anchor_n]
        rest = np.median(walked, axis=0)
        ahead = tips[k:k + LEAVE_SPAN + 1] if step > 0 else tips[max(k - LEAVE_SPAN, 0):k + 1][::-1]
        outside = np.linalg.norm(ahead - rest, axis=1) > radius_px
        if outside[0] and outside[1:].any():
            return k
        k += step
    return edge


def resting_since(times: np.ndarray, tips: np.ndarray, palm_px: float) -> float:
    """When the tip, still over its last ``ANCHOR_S``, came to rest: a live hold's true start.

    ``times``/``tips`` are the trailing frames (at most ``SEARCH_S`` beyond the
    last ``ANCHOR_S``); if the tip never left within them, the oldest one's time.
    """
    anchor_n = max(int(len(times) - np.searchsorted(times, times[-1] - ANCHOR_S, "left")), 2)
    anchor_n = min(anchor_n, len(times))
    radius = rest_radius_px(tips[-anchor_n:], palm_px, anchor_n)
    left = departure(tips, len(tips), -1, radius, anchor_n)
    return float(times[left + 1]) if left >= 0 else float(times[0])


def _anchor_n(times: np.ndarray, first: int) -> int:
    """Frames in the hold's first ANCHOR_S from frame ``first``: how many make up a rest."""
    return int(np.searchsorted(times, times[first] + ANCHOR_S, "right")) - first


def rest_start(times: np.ndarray, tips: np.ndarray, palm_px: float, first: int) -> float | None:
    """When the thumb came to rest, for a hold labelled from frame ``first``; None if it never left.

    The rest is taken from the hold's own first ANCHOR_S (the trailing frames at
    its first label may still hold the end of the stroke: labels that look ahead
    come early), and the walk back from there finds when the thumb stopped.
    """
    anchor_n = _anchor_n(times, first)
    if anchor_n < 2:
        return None
    radius = rest_radius_px(tips[first:first + anchor_n], palm_px, anchor_n)
    k = departure(tips, first + anchor_n, -1, radius, anchor_n)
    return float(times[k + 1]) if k >= 0 else None


def rest_end(times: np.ndarray, tips: np.ndarray, palm_px: float, first: int, last: int) -> float | None:
    """When the thumb left the rest of a hold labelled from ``first`` to ``last``; None if not seen.

    The rest's radius is taken over the hold's labelled frames; the walk starts
    at most 1.5 s before its labels ended (never before the hold's middle), so
    the first moments of the stroke that ended it, which the labels may still
    count, are not taken for the place the thumb rests; it may reach past the
    labels' end (labels that look ahead end early) as far as ``times`` goes.
    """
    if last + 1 - first < 4:
        return None
    last_t = times[last]
    from_t = max((times[first] + last_t) / 2.0, last_t - 2.0 * ANCHOR_S - 0.5)
    a = int(np.searchsorted(times, from_t, "left"))
    anchor_n = min(max(_anchor_n(times, first), 2), last + 1 - a)
    if anchor_n < 2:
        return None
    radius = rest_radius_px(tips[first:last + 1], palm_px, anchor_n)
    k = departure(tips, a, +1, radius, anchor_n)
    return float(times[k]) if k < len(times) else None


def still_span(times: np.ndarray, tips: np.ndarray, palm_px: float, first: int,
               last: int) -> tuple[float | None, float | None]:
    """(start, end) seconds of the hold the labels show from frame ``first`` to ``last`` (inclusive).

    ``times``/``tips`` are the frames around the hold that may be searched (all
    with a hand, no camera stall): ``rest_start`` and ``rest_end``, as the hold
    stage times a live hold. A side is None when the thumb never left within the
    frames given: either it was still all along, or landmark noise hides strokes
    as small as these.
    """
    start, end = rest_start(times, tips, palm_px, first), rest_end(times, tips, palm_px, first, last)
    if start is not None and end is not None and end < start:
        return None, None  # no stillness to be found: the labels will have to do
    return start, end


# --------------------------------------------------------------------------- the hold stage

DRIFT_WINDOW_S = 0.25  # drift compares the mean thumb place over this trailing window
SETTLE_S = 1.0  # the first second of a hold the thumb settles onto the spot: the anchor follows it
JOIN_STEPS = 1.5  # a hold starting within this many frame steps of the last one's end continues it
BRIEF_LOSS_S = 0.3  # ... and one back this soon after a brief loss of the hand, at the same spot
SAME_SPOT_PALM = 0.1  # ... within this of where the thumb rested


@dataclass(frozen=True)
class Hold:
    """A hold as the thumb timed it: from when it came to rest to when it left (seconds)."""

    start_s: float
    end_s: float
    duration_s: float
    drift_palm: float  # the farthest the thumb strayed from where it settled, palm widths


@dataclass(frozen=True)
class HoldReading:
    """The hold stage's figures for one frame.

    ``hold_s`` and ``drift_palm`` describe the hold in progress (0 and None
    when there is none); ``ended`` is the hold that ended at this frame, once,
    with its final times (a hold continued by the next one ends again later,
    with the same start and a later end).
    """

    hold_s: float = 0.0
    start_s: float | None = None
    drift_palm: float | None = None
    ended: Hold | None = None


class HoldStage:
    """Per frame, when the thumb came to rest, how far it drifted, and when it left.

    Fed every frame's label and thumb; a hold opens at the first frame labelled
    ``hold`` and is back-dated to when the tip came to rest (``resting_since``);
    it closes at the first frame with another label, dated to when the tip left
    (``departure`` over the frames already seen), else to that frame. Causal:
    the live timer and the report use the same times.
    """

    def __init__(self) -> None:
        self._t: deque = deque()
        self._tip: deque = deque()
        self._palm: deque = deque()
        self._start: float | None = None
        self._first_k = 0  # buffer index of the hold's first labelled frame
        self._anchor: np.ndarray | None = None
        self._max_drift = 0.0
        self._last_end: Hold | None = None
        self._leaving_t: float | None = None  # the labels left the hold here; the thumb may not have yet
        self._last_rest: np.ndarray | None = None  # where the thumb rested in the last hold
        self._held_n = 0  # buffered frames up to the hold's last labelled one
        self._refined = False
        self._step = 1 / 30

    def step(self, t: float, is_hold: bool, tip, palm_px: float | None) -> HoldReading:
        if self._t and t - self._t[-1] > STALL_S:
            # nobody saw the stall: a hold ends by the last frame before it, and a new one may begin
            ended = self._end(self._leaving_t or self._t[-1]) if self._start is not None else None
            self._clear()
            reading = self.step(t, is_hold, tip, palm_px)
            return reading if ended is None else HoldReading(reading.hold_s, reading.start_s, reading.drift_palm,
                                                             ended)
        if tip is None:  # the hand vanished: a hold never reaches back across a missing hand
            ended = None
            if self._start is not None:
                if self._leaving_t is None:
                    self._leaving_t, self._held_n = t, len(self._t)
                ended = self._end(self._departure() or self._leaving_t)
            self._clear()
            return HoldReading(ended=ended)
        if self._t:
            gap = t - self._t[-1]
            if gap > 0:
                self._step += 0.05 * (min(gap, 1.0) - self._step)
        self._t.append(t)
        self._tip.append((float(tip[0]), float(tip[1])))
        self._palm.append(float(palm_px or 1.0))
        if self._start is None:
            self._trim(t - ANCHOR_S - SEARCH_S)
            return self._open(t) if is_hold else HoldReading()
        if is_hold:
            self._leaving_t = None  # the labels left the hold and came back before the thumb left: it goes on
            return self._holding(t)
        if self._leaving_t is None:
            self._leaving_t, self._held_n = t, len(self._t) - 1
        left = self._departure()
        if left is not None:
            return HoldReading(ended=self._end(left))
        if t - self._leaving_t > SEARCH_S:
            return HoldReading(ended=self._end(self._leaving_t))  # the labels' time, as far as the search reaches
        return HoldReading()  # leaving: no hold in progress, its end not known yet

    def flush(self, t: float) -> Hold | None:
        """End the hold in progress at ``t`` (the stream ended); returns it, or None."""
        if self._start is None:
            return None
        if self._leaving_t is None:
            return self._end(t)
        return self._end(self._departure() or self._leaving_t)

    # -- pieces -----------------------------------------------------------------

    def _arrays(self, since_k: int = 0) -> tuple[np.ndarray, np.ndarray, float]:
        times = np.fromiter((self._t[k] for k in range(since_k, len(self._t))), float)
        tips = np.array([self._tip[k] for k in range(since_k, len(self._tip))], float).reshape(-1, 2)
        palm = float(np.median([self._palm[k] for k in range(since_k, len(self._palm))])) if tips.size else 1.0
        return times, tips, palm

    def _clear(self) -> None:
        self._t.clear()
        self._tip.clear()
        self._palm.clear()
        self._first_k = 0

    def _trim(self, before_t: float) -> None:
        while self._t and self._t[0] < before_t:
            self._t.popleft()
            self._tip.popleft()
            self._palm.popleft()

    def _open(self, t: float) -> HoldReading:
        times, tips, palm = self._arrays()
        self._first_k = len(self._t) - 1
        self._anchor = None
        self._refined = False
        self._max_drift = 0.0
        self._set_start(resting_since(times, tips, palm))
        return self._holding(t)

    def _set_start(self, start: float) -> None:
        """Date the hold's start; if the thumb never left since the last hold ended, it is that hold again.

        That is: the rest reaches back to the last hold's end, or the hand was
        lost only briefly and the thumb is back on the same spot.
        """
        last = self._last_end
        back_soon = (last is not None and self._last_rest is not None and start <= last.end_s + BRIEF_LOSS_S
                     and float(np.linalg.norm(np.asarray(self._tip[-1]) - self._last_rest))
                     <= SAME_SPOT_PALM * self._palm[-1])
        if last is not None and (start <= last.end_s + JOIN_STEPS * self._step or back_soon):
            start = last.start_s
            self._max_drift = max(self._max_drift, last.drift_palm)
            self._refined = True  # a continued hold keeps its start
        self._start = start

    def _refine_start(self) -> None:
        """Once the hold has lasted ANCHOR_S, date its start again from where the thumb rests in it."""
        self._refined = True
        times, tips, palm = self._arrays()
        if _anchor_n(times, self._first_k) < 2:
            return
        start = rest_start(times, tips, palm, self._first_k)
        self._set_start(start if start is not None else float(times[0]))

    def _drift(self, t: float) -> float:
        times, tips, palm = self._arrays(max(len(self._t) - 64, 0))
        here = tips[times >= t - DRIFT_WINDOW_S].mean(axis=0)
        if self._anchor is None or t - self._start <= SETTLE_S:
            self._anchor = here
        return float(np.linalg.norm(here - self._anchor)) / palm

    def _holding(self, t: float) -> HoldReading:
        if not self._refined and t - self._t[self._first_k] >= ANCHOR_S:
            self._refine_start()
        drift = self._drift(t)
        self._max_drift = max(self._max_drift, drift)
        return HoldReading(hold_s=t - self._start, start_s=self._start, drift_palm=drift)

    def _departure(self) -> float | None:
        """When the tip left the hold's rest (``rest_end`` over the frames seen so far); None if not yet."""
        times, tips, palm = self._arrays()
        return rest_end(times, tips, palm, self._first_k, self._held_n - 1)

    def _end(self, left_at: float) -> Hold:
        start = self._start
        end = max(left_at, start)
        ended = Hold(start, end, end - start, self._max_drift)
        self._last_end = ended
        self._last_rest = self._anchor
        self._start = None
        self._leaving_t = None
        self._anchor = None
        return ended
