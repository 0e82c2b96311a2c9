"""From per-frame verdicts to segments, holds and a summary (the report's figures).

Works on the frames after the fact, the same way for causal and offline
labels, so a live session's report and an uploaded video's agree.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass

import numpy as np

from .cycles import CycleStats, cycle_stats
from .geometry import angle_to_grain_deg, principal_axis, screen_angle_deg
from .holds import SEARCH_S, still_span
from .motion import HOLD, LABELS, NO_HAND, STROKE_LABELS
from .report import FrameRecord, Hold, Segment

SHORT_GAP_S = 0.3  # a hand lost this briefly does not split a segment
MAX_FRAME_GAP_S = 1.0  # frames further apart than this (a camera that stalled) end a segment
MIN_HOLD_S = 1.0  # a pause shorter than this between strokes is not reported as a hold
HOLD_ENDS_S = 0.5  # drift compares the thumb's place over a hold's first and last half second
LINE_TRIM_S = 0.5  # a stroke run's line leaves out this much at each end (where glides hide), ...
LINE_TRIM_MIN_S = 3.0  # ... when the run lasts at least this long


def _runs(frames: list[FrameRecord]) -> list[tuple[str, int, int]]:
    """(label, first index, last index + 1) of each run of equal labels, split where time jumps."""
    runs: list[tuple[str, int, int]] = []
    for k, f in enumerate(frames):
        if runs and runs[-1][0] == f.label and f.t - frames[k - 1].t <= MAX_FRAME_GAP_S:
            runs[-1] = (f.label, runs[-1][1], k + 1)
        else:
            runs.append((f.label, k, k + 1))
    return runs


def _merge_short_gaps(runs, frames):
    """Fold brief no_hand runs between two runs of one label into that label."""
    merged: list[tuple[str, int, int]] = []
    k = 0
    while k < len(runs):
        label, a, b = runs[k]
        if (label == NO_HAND and merged and k + 1 < len(runs) and runs[k + 1][0] == merged[-1][0]
                and frames[runs[k + 1][1]].t - frames[a].t <= SHORT_GAP_S):
            prev_label, pa, _ = merged.pop()
            merged.append((prev_label, pa, runs[k + 1][2]))
            k += 2
            continue
        if merged and merged[-1][0] == label and frames[a].t - frames[merged[-1][2] - 1].t <= MAX_FRAME_GAP_S:
            merged[-1] = (label, merged[-1][1], b)
        else:
            merged.append((label, a, b))
        k += 1
    return merged


def _frame_step(frames: list[FrameRecord]) -> float:
    if len(frames) < 2:
        return 1 / 30
    return float(np.median(np.diff([f.t for f in frames]))) or 1 / 30


def _tips(frames: list[FrameRecord]) -> tuple[np.ndarray, np.ndarray, float]:
    """Times, tip positions (pixels) and median palm width of frames with a hand."""
    seen = [f for f in frames if f.thumb_xy is not None]
    if not seen:
        return np.empty(0), np.empty((0, 2)), 1.0
    palm = float(np.median([f.palm_px for f in seen if f.palm_px])) if any(f.palm_px for f in seen) else 1.0
    return np.array([f.t for f in seen]), np.array([f.thumb_xy for f in seen], dtype=float), palm


def stroke_cycles(frames: list[FrameRecord]) -> tuple[float, CycleStats] | None:
    """Screen angle of a run's stroke line and its to-and-fro cycles (palm widths); None if too short.

    The line is that of the thumb joints' centre (steadier than the tip); the
    cycles are the tip's travel along it. A run's labels can reach a few
    tenths of a second into the hand's glide to or from another spot, and one
    glide can outweigh many small strokes, so a long run's line is fitted
    without its first and last LINE_TRIM_S.
    """
    times, tips, palm = _tips(frames)
    if len(tips) < 4:
        return None
    joints = np.array([f.joints_xy if f.joints_xy is not None else f.thumb_xy
                       for f in frames if f.thumb_xy is not None], dtype=float)
    if times[-1] - times[0] >= LINE_TRIM_MIN_S:
        joints = joints[(times >= times[0] + LINE_TRIM_S) & (times <= times[-1] - LINE_TRIM_S)]
    direction, _, _ = principal_axis(joints)
    x = (tips - tips.mean(axis=0)) @ direction / palm
    return screen_angle_deg(direction[0], direction[1]), cycle_stats(times, x)


def stroke_figures(frames: list[FrameRecord], foot_axis_deg: float) -> tuple[float | None, float | None, float | None]:
    """(rate per minute, amplitude in palm widths, angle to grain) of a run of stroke frames."""
    found = stroke_cycles(frames)
    if found is None:
        return None, None, None
    angle, stats = found
    return stats.rate_per_min, stats.amplitude, angle_to_grain_deg(angle, foot_axis_deg)


def hold_drift(frames: list[FrameRecord]) -> float:
    times, tips, palm = _tips(frames)
    if len(tips) == 0:
        return 0.0
    first = tips[times <= times[0] + HOLD_ENDS_S].mean(axis=0)
    last = tips[times >= times[-1] - HOLD_ENDS_S].mean(axis=0)
    return float(np.linalg.norm(last - first)) / palm


@dataclass
class _Still:
    """When the thumb of the hold run ``frames[a:b]`` was still.

    A side where the search found no departure keeps the labels' time and
    records how far the search reached (``open_start``/``open_end``): a
    neighbouring hold within that reach is the same hold.
    """

    start: float
    end: float
    a: int
    b: int
    open_start: float | None = None
    open_end: float | None = None


def hold_span(frames: list[FrameRecord], a: int, b: int, end: float) -> _Still:
    """When the thumb of the hold labelled in ``frames[a:b]`` came to rest and moved off (holds.py).

    The search stays among frames with a hand and no camera stall, at most
    SEARCH_S beyond the labels. If the thumb never left before the hand
    appeared (or until it vanished, the camera stalled or the video ended),
    the hold starts (ends) there; if it never left within SEARCH_S, the
    labels' time is kept, and the side is open for joining with a neighbour.
    ``end`` is the hold segment's end.
    """
    def continues(k: int) -> bool:
        """Frames k - 1 and k both have a hand, and k follows without a stall."""
        return (0 < k < len(frames) and frames[k - 1].thumb_xy is not None and frames[k].thumb_xy is not None
                and frames[k].t - frames[k - 1].t <= MAX_FRAME_GAP_S)

    lo, hi = a, b
    while continues(lo) and frames[lo - 1].t >= frames[a].t - SEARCH_S:
        lo -= 1
    while continues(hi) and frames[hi].t <= frames[b - 1].t + SEARCH_S:
        hi += 1
    still = _Still(frames[a].t, end, a, b)
    if any(f.thumb_xy is None for f in frames[a:b]) or b - a < 2:
        return still  # a brief loss of the hand inside: time it by its labels
    times = np.array([f.t for f in frames[lo:hi]])
    tips = np.array([f.thumb_xy for f in frames[lo:hi]], dtype=float)
    palm = float(np.median([f.palm_px for f in frames[lo:hi] if f.palm_px] or [1.0]))
    start, stop = still_span(times, tips, palm, a - lo, b - 1 - lo)
    if start is not None:
        still.start = start
    elif continues(lo):  # the search, not the hand, stopped it
        still.open_start = frames[lo].t
    else:
        still.start = frames[lo].t
    if stop is not None:
        still.end = stop
    elif continues(hi):
        still.open_end = frames[hi - 1].t
    elif hi < len(frames) and frames[hi].t - frames[hi - 1].t <= MAX_FRAME_GAP_S:
        still.end = frames[hi].t  # the hand vanished
    else:
        still.end = max(end, frames[hi - 1].t + _frame_step(frames[lo:hi]))  # the video ended, or a stall
    return still


def build_segments(frames: list[FrameRecord], foot_axis_deg: float) -> tuple[list[Segment], list[Hold]]:
    """Segments tile the timeline; each ends where the next begins (the last, one frame on)."""
    if not frames:
        return [], []
    step = _frame_step(frames)
    runs = _merge_short_gaps(_runs(frames), frames)
    segments: list[Segment] = []
    spans: list[_Still] = []
    for k, (label, a, b) in enumerate(runs):
        start = frames[a].t
        # A segment ends where the next begins, unless the camera stalled in between.
        following = frames[runs[k + 1][1]].t if k + 1 < len(runs) else math.inf
        end = following if following - frames[b - 1].t <= MAX_FRAME_GAP_S else frames[b - 1].t + step
        run = frames[a:b]
        if label in STROKE_LABELS:
            rate, amplitude, grain = stroke_figures(run, foot_axis_deg)
            segments.append(Segment(label, start, end, rate, amplitude, grain))
        else:
            segments.append(Segment(label, start, end))
        if label == HOLD:
            spans.append(hold_span(frames, a, b, end))
    return segments, _holds(spans, frames, step)


def _holds(spans: list[_Still], frames: list[FrameRecord], step: float) -> list[Hold]:
    """Holds from the still spans of the hold runs, joined where the thumb never left in between.

    A brief false stroke (landmarks wandering) splits a hold's labels in two,
    but not its stillness: the two spans then meet or overlap.
    """
    joined: list[_Still] = []
    for s in spans:
        if joined:
            p = joined[-1]
            reach_p = p.open_end if p.open_end is not None else p.end
            reach_s = s.open_start if s.open_start is not None else s.start
            if reach_s <= reach_p + 1.5 * step:
                p.end, p.open_end, p.b = s.end, s.open_end, s.b
                continue
        joined.append(s)
    return [Hold(s.start, s.end, s.end - s.start, hold_drift(frames[s.a:s.b]))
            for s in joined if s.end - s.start >= MIN_HOLD_S]


def summarize(frames: list[FrameRecord], segments: list[Segment], holds: list[Hold]) -> dict:
    """Time by label, the share of stroking done across the grain, hand coverage, holds."""
    time_by_label = Counter({label: 0.0 for label in LABELS})
    for s in segments:
        time_by_label[s.label] += s.duration_s
    stroking = sum(time_by_label[label] for label in STROKE_LABELS)
    with_hand = sum(1 for f in frames if f.label != NO_HAND)
    summary = {
        "frames": len(frames),
        "hand_found_fraction": round(with_hand / len(frames), 4) if frames else 0.0,
        "time_by_label_s": {k: round(v, 2) for k, v in time_by_label.items()},
        "stroking_s": round(stroking, 2),
        "cross_grain_share": round(time_by_label["cross_grain"] / stroking, 4) if stroking else None,
        "holds": len(holds),
        "longest_hold_s": round(max((h.duration_s for h in holds), default=0.0), 2),
    }
    if frames and with_hand == 0:
        summary["note"] = "no hand was found in this video"
    return summary
