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

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

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


def still_span(times: np.ndarray, tips: np.ndarray, palm_px: float, first: int,
               last: int) -> tuple[float | None, float | None]:
    """(start, end) seconds of the hold the labels show from frame ``first`` to ``last`` (inclusive).

    ``times``/``tips`` are the frames around the hold that may be searched (all
    with a hand, no camera stall). The start is found walking back from the
    hold's first ``ANCHOR_S``; the end walking on from a second before the
    labels ended (never before the hold's middle), so that the first moments of
    the stroke that ended the hold, which the labels still count, are not taken
    for the place the thumb rests. The end is the first frame the thumb has left.
    A side is None when the thumb never left within the frames given: either it
    was still all along, or landmark noise hides strokes as small as these.
    """
    t0, t1 = times[first], times[last]
    anchor_n = max(int(np.searchsorted(times, t0 + ANCHOR_S, "right")) - first, 2)
    anchor_n = min(anchor_n, last + 1 - first)
    from_t = max((t0 + t1) / 2.0, t1 - 2.0 * ANCHOR_S - 0.5)
    a = min(int(np.searchsorted(times, from_t, "left")), last + 1 - anchor_n)
    radius = rest_radius_px(tips[first:a + anchor_n], palm_px, anchor_n)

    left = departure(tips, first + anchor_n, -1, radius, anchor_n)
    start = None if left < 0 else float(times[left + 1])

    right = departure(tips, a, +1, radius, anchor_n)
    end = None if right >= len(times) else float(times[right])
    if start is not None and end is not None and end < start:
        return None, None  # no stillness to be found: the labels will have to do
    return start, end
