"""From per-frame verdicts to segments and a summary (the report's figures).

Works on the frames after the fact, the same way for causal and offline
labels, so a live session's report and an uploaded video's agree. Durations
are sums of the seconds each frame accounts for (``credited_s``, see
vision/core/timebase.py): a segment runs from the frame before its first one
to its last one, so segments tile the timeline and their lengths add up to
the same totals the coaching counts. Holds come from the hold stage
(vision/core/holds.py HoldStage), not from here.
"""

from __future__ import annotations

import math
from collections import Counter

import numpy as np

from .cycles import CycleStats, cycle_stats
from .geometry import CROSS_GRAIN_MIN_DEG, LENGTHWISE_MAX_DEG, angle_to_grain_deg, principal_axis, screen_angle_deg
from .holds import Hold
from .labels import LABELS, STROKE_LABELS, Label
from .report import AxisSpan, FrameRecord, Segment
from .timebase import STALL_S

SHORT_GAP_S = 0.3  # a hand lost this briefly does not split a segment
MIN_HOLD_S = 1.0  # a pause shorter than this between strokes is not reported as a hold
LINE_TRIM_S = 0.5  # a stroke run's line leaves out this much at each end (where glides hide), ...
LINE_TRIM_MIN_S = 3.0  # ... when the run lasts at least this long
ANGLE_MARGIN_DEG = 4.0  # the analyzer's hysteresis around the 30/60 deg borders
CHANGE_WINDOW_S = 2.0  # a stroke run splits where, over this long before and after a moment, ...
PACE_CHANGE = 1.5  # ... its frames' rates differ by this factor ...
LINE_TURN_DEG = 30.0  # ... or its frames' stroke lines by this angle, ...
PACE_CONFIRM = 1.3  # ... and the two parts' counted cycles differ by this factor ...
LINE_CONFIRM_DEG = 20.0  # ... or their fitted lines by this angle (``_stroke_changes``)
MIN_CHANGE_FRAMES = 4  # frames with a rate of their own needed on each side of a moment to compare them


def _runs(frames: list[FrameRecord]) -> list[tuple[str, int, int]]:
    """(label, first index, last index + 1) of each run of equal labels, split where the stream stalled."""
    runs: list[tuple[str, int, int]] = []
    for k, f in enumerate(frames):
        if runs and runs[-1][0] == f.label and f.t - frames[k - 1].t <= STALL_S:
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
        if (label == Label.NO_HAND and merged and k + 1 < len(runs) and runs[k + 1][0] == merged[-1][0]
                and frames[runs[k + 1][1]].t - frames[a].t <= SHORT_GAP_S):
            prev_label, pa, _ = merged.pop()
            merged.append((prev_label, pa, runs[k + 1][2]))
            k += 2
            continue
        if merged and merged[-1][0] == label and frames[a].t - frames[merged[-1][2] - 1].t <= STALL_S:
            merged[-1] = (label, merged[-1][1], b)
        else:
            merged.append((label, a, b))
        k += 1
    return merged


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


def _agrees(label: str, grain: float) -> bool:
    """Whether an angle to the grain fits a stroke label (with the analyzer's hysteresis margin)."""
    if label == Label.CROSS_GRAIN:
        return grain >= CROSS_GRAIN_MIN_DEG - ANGLE_MARGIN_DEG
    if label == Label.LENGTHWISE:
        return grain <= LENGTHWISE_MAX_DEG + ANGLE_MARGIN_DEG
    return LENGTHWISE_MAX_DEG - ANGLE_MARGIN_DEG < grain < CROSS_GRAIN_MIN_DEG + ANGLE_MARGIN_DEG


def stroke_figures(frames: list[FrameRecord], label: str) -> tuple[float | None, float | None, float | None]:
    """(rate per minute, amplitude in palm widths, angle to grain) of a run of ``label`` stroke frames.

    Rate and amplitude count the run's cycles. The angle is that of the run's
    stroke line against the axis its frames were judged by; where the line of a
    short or mixed run would contradict the frames' own verdicts, the frames'
    median angle is given instead: a segment never says what its frames deny.
    """
    per_frame = [f.angle_to_grain_deg for f in frames if f.angle_to_grain_deg is not None]
    median_grain = float(np.median(per_frame)) if per_frame else None
    found = stroke_cycles(frames)
    if found is None:
        return None, None, median_grain
    angle, stats = found
    axes = [f.foot_axis_deg for f in frames if f.foot_axis_deg is not None]
    grain = median_grain
    if axes and max(axes) - min(axes) < 1e-6:
        fitted = angle_to_grain_deg(angle, axes[0])
        if _agrees(label, fitted) or median_grain is None:
            grain = fitted
    return stats.rate_per_min, stats.amplitude, grain


def _axial_deg(angles: np.ndarray) -> float:
    """The mean direction of stroke lines (degrees, 0-180: a line has no direction)."""
    doubled = np.radians(2.0 * angles)
    return float(np.degrees(np.arctan2(np.sin(doubled).mean(), np.cos(doubled).mean())) / 2.0) % 180.0


def _stroke_changes(frames: list[FrameRecord], a: int, b: int) -> list[int]:
    """Where a run of one stroke label changes pace or line: indices in (a, b) to split it at, in order.

    Someone who slows from 240 strokes a minute to 70, or turns from 40
    degrees one side of the axis to 40 the other (both oblique), is doing two
    things, and one segment describes neither: its one line runs between the
    two, along which half the strokes hardly show and the rate is miscounted.
    A moment splits the run when, over CHANGE_WINDOW_S before and after it, the
    median of its frames' rates differ by PACE_CHANGE or more, or their mean
    stroke lines by LINE_TURN_DEG or more (at the middle of the stretch where
    they differ most: a step keeps the two windows apart for a while), and the
    cycles counted in the two parts confirm it (PACE_CONFIRM, LINE_CONFIRM_DEG).
    """
    seen = [k for k in range(a, b) if frames[k].rate_per_min and frames[k].stroke_angle_deg is not None]
    if len(seen) < 8:
        return []
    times = np.array([frames[k].t for k in seen])
    rates = np.array([frames[k].rate_per_min for k in seen], dtype=float)
    lines = np.array([frames[k].stroke_angle_deg for k in seen], dtype=float)
    if times[-1] - times[0] < 2 * CHANGE_WINDOW_S:
        return []
    change = np.zeros(len(seen))  # 1.0 at the threshold of either test
    for j in range(len(seen)):
        if times[j] - times[0] < CHANGE_WINDOW_S or times[-1] - times[j] < CHANGE_WINDOW_S:
            continue
        before = slice(int(np.searchsorted(times, times[j] - CHANGE_WINDOW_S)), j)
        after = slice(j, int(np.searchsorted(times, times[j] + CHANGE_WINDOW_S, side="right")))
        if before.stop - before.start < MIN_CHANGE_FRAMES or after.stop - after.start < MIN_CHANGE_FRAMES:
            continue  # frames without a rate of their own leave too little on one side to compare
        lo, hi = sorted((float(np.median(rates[before])), float(np.median(rates[after]))))
        pace = math.log(hi / lo) / math.log(PACE_CHANGE) if lo > 0 else 0.0
        turn = angle_to_grain_deg(_axial_deg(lines[before]), _axial_deg(lines[after])) / LINE_TURN_DEG  # lines apart
        change[j] = max(pace, turn)
    best = int(np.argmax(change))
    if change[best] < 1.0:
        return []
    first = last = best
    while first > 0 and change[first - 1] >= 0.95 * change[best]:
        first -= 1
    while last + 1 < len(seen) and change[last + 1] >= 0.95 * change[best]:
        last += 1
    cut = seen[int(np.searchsorted(times, (times[first] + times[last]) / 2.0))]
    left, right = stroke_cycles(frames[a:cut]), stroke_cycles(frames[cut:b])
    if left is None or right is None or not left[1].rate_per_min or not right[1].rate_per_min:
        return []
    lo, hi = sorted((left[1].rate_per_min, right[1].rate_per_min))
    if hi / lo < PACE_CONFIRM and angle_to_grain_deg(left[0], right[0]) < LINE_CONFIRM_DEG:
        return []
    return [*_stroke_changes(frames, a, cut), cut, *_stroke_changes(frames, cut, b)]


def build_segments(frames: list[FrameRecord]) -> list[Segment]:
    """Segments tile the timeline: each runs from the frame before its first to its last frame; a
    run of one stroke label that changes pace or line is one segment each (``_stroke_changes``)."""
    if not frames:
        return []
    runs: list[tuple[str, int, int]] = []
    for label, a, b in _merge_short_gaps(_runs(frames), frames):
        cuts = [a, *_stroke_changes(frames, a, b), b] if label in STROKE_LABELS else [a, b]
        runs += [(label, c0, c1) for c0, c1 in zip(cuts[:-1], cuts[1:])]
    segments: list[Segment] = []
    for label, a, b in runs:
        start = frames[a].t - frames[a].credited_s
        end = start + sum(f.credited_s for f in frames[a:b])
        if label in STROKE_LABELS:
            rate, amplitude, grain = stroke_figures(frames[a:b], label)
            segments.append(Segment(label, start, end, rate, amplitude, grain))
        else:
            segments.append(Segment(label, start, end))
    return segments


def summarize(frames: list[FrameRecord], segments: list[Segment], holds: list[Hold]) -> dict:
    """Time by label, the share of stroking done across the grain, hand coverage, holds, both thumbs."""
    time_by_label = Counter({label: 0.0 for label in LABELS})
    for s in segments:
        time_by_label[s.label] += s.duration_s
    stroking = sum(time_by_label[label] for label in STROKE_LABELS)
    with_hand = sum(1 for f in frames if f.label != Label.NO_HAND)
    summary = {
        "frames": len(frames),
        "hand_found_fraction": round(with_hand / len(frames), 4) if frames else 0.0,
        "time_by_label_s": {str(k): round(v, 2) for k, v in time_by_label.items()},
        "stroking_s": round(stroking, 2),
        "cross_grain_share": round(time_by_label[Label.CROSS_GRAIN] / stroking, 4) if stroking else None,
        "holds": len(holds),
        "longest_hold_s": round(max((h.duration_s for h in holds), default=0.0), 2),
        "both_thumbs_s": round(sum(f.credited_s for f in frames if f.other_thumb_label is not None), 2),
    }
    if frames and with_hand == 0:
        summary["note"] = "no hand was found in this video"
    return summary


AXIS_SPAN_TOLERANCE_DEG = 5.0  # a followed axis wobbles by a degree or two a frame; a turn of the foot is more


def axis_spans(frames: list[FrameRecord]) -> list[AxisSpan]:
    """The axes a stream was judged against, as spans: a new one where the axis's source changes or
    the axis turns AXIS_SPAN_TOLERANCE_DEG or more from the span's own. Followed frame by frame,
    the axis would otherwise start two or three spans a second ("40 changes" for a still foot)."""
    spans: list[AxisSpan] = []
    for f in frames:
        if (not spans or f.axis_source != spans[-1].source
                or angle_to_grain_deg(f.foot_axis_deg, spans[-1].foot_axis_deg) >= AXIS_SPAN_TOLERANCE_DEG):
            spans.append(AxisSpan(f.t, f.foot_axis_deg, f.axis_source))
    return spans
