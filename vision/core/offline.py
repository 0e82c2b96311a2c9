"""Offline labels: the live analyzer's verdicts relabelled with the whole stream in hand.

Nobody waits for a file's labels, so they may look ahead: the causal
analyzer runs forwards and backwards and each change lands between the two
late guesses (``offline_relabel``); then three rules that only the whole
stream can apply: a hold neither pass saw is a pause within stroking, strokes
that never go to and fro between holds are a hold, and "settling" beside a
hold is that hold. Pure: verdicts in, verdicts out (vision/pipeline.py
builds the report from them).
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import replace

from .labels import STROKE_LABELS, Label
from .motion import MotionParams, MotionState, StrokeAnalyzer
from .segments import stroke_cycles
from .verdict import FrameVerdict

# Reversals a stretch of strokes must show offline to stay strokes (``strokes_must_repeat``).
MIN_STROKE_HALF_CYCLES = 3


def offline_relabel(frames: list[FrameVerdict], params: MotionParams) -> list[FrameVerdict]:
    """Labels that may look ahead: the causal analyzer run forwards and backwards.

    Each pass is late in its own direction of time, so where the two disagree
    (around a change) the first half of the disagreement keeps the forward
    label and the second half takes the backward one: the change lands
    between the two late guesses. Nobody waits for these labels, so both
    passes look at motion over ``offline_motion_window_s``: small, slow
    strokes then keep their label through their slow turns. Each frame is
    judged against its own foot axis. A hold the two passes never both saw
    is a pause within stroking (``holds_both_passes_saw``); strokes that never
    go to and fro between holds are a hold (``strokes_must_repeat``).
    """
    if not frames:
        return frames
    params = replace(params, motion_window_s=params.offline_motion_window_s)

    def run(order, time_of) -> list[FrameVerdict]:
        analyzer = StrokeAnalyzer(90.0, params)
        out: list[FrameVerdict] = [None] * len(frames)  # type: ignore[list-item]
        for k in order:
            v = frames[k]
            analyzer.set_foot_axis(v.axis.deg)
            out[k] = _relabelled(v, analyzer.update_thumb(time_of(v), v.thumb_xy, v.palm_px, v.joints_xy))
        return out

    n = len(frames)
    end = frames[-1].t
    forward = run(range(n), lambda v: v.t)
    backward = run(range(n - 1, -1, -1), lambda v: end - v.t)
    out: list[FrameVerdict] = []
    k = 0
    while k < n:
        if forward[k].label == backward[k].label:
            out.append(forward[k])
            k += 1
            continue
        j = k
        while j < n and forward[j].label != backward[j].label:
            j += 1
        # A disagreement at either end of the video, or of a stretch with a
        # hand in view, belongs to the pass that is not still warming up there;
        # elsewhere the change goes in the middle.
        if k == 0 or forward[k - 1].label == Label.NO_HAND:
            middle_t = -math.inf
        elif j == n or forward[j].label == Label.NO_HAND:
            middle_t = math.inf
        else:
            middle_t = (forward[k].t + forward[j - 1].t) / 2.0
        for m in range(k, j):
            out.append(forward[m] if forward[m].t <= middle_t else backward[m])
        k = j
    out = holds_both_passes_saw(out, forward, backward)
    min_amplitude = math.sqrt(2.0) * params.move_on_std_palm
    return settling_joins_its_hold(strokes_must_repeat(out, min_amplitude_palm=min_amplitude), min_amplitude)


def holds_both_passes_saw(merged: list[FrameVerdict], forward: list[FrameVerdict],
                          backward: list[FrameVerdict]) -> list[FrameVerdict]:
    """Offline only: a hold that the two passes never both saw, on any one of its frames, is a pause
    within stroking: its frames take the stroke the other pass saw there.

    Why: each pass sees stillness late in its own direction of time, so a
    pause between strokes shorter than their reaction (a still glide from one
    stroke to the next, 0.4 s) is a hold to the forward pass just after it and
    to the backward pass just before it, never to both at once; the merge
    keeps a piece of each, and the strokes between them, too short to repeat,
    became a hold of a second (make eval's h4_02: 1.0 s of hold where the
    truth and the live view go on stroking). A real hold outlasts both
    passes' reaction, and both call its middle a hold.
    """
    out = list(merged)
    for k, j in _runs(out, (Label.HOLD,)):
        if not any(forward[m].label == Label.HOLD and backward[m].label == Label.HOLD for m in range(k, j)):
            for m in range(k, j):
                stroke = next((v for v in (forward[m], backward[m]) if v.label in STROKE_LABELS), None)
                if stroke is not None:
                    out[m] = stroke
    return out


def _runs(frames: list[FrameVerdict], labels) -> Iterator[tuple[int, int]]:
    """(start, end) of each longest run of frames whose label is in ``labels``, in order (end excluded)."""
    n = len(frames)
    k = 0
    while k < n:
        if frames[k].label not in labels:
            k += 1
            continue
        j = k
        while j < n and frames[j].label in labels:
            j += 1
        yield k, j
        k = j


def _repeats(frames: list[FrameVerdict], min_amplitude_palm: float) -> bool:
    """Whether the thumb goes to and fro over these frames: a stroke, by ``strokes_must_repeat``'s test."""
    found = stroke_cycles(frames)
    return (found is not None and found[1].half_cycles >= MIN_STROKE_HALF_CYCLES
            and (found[1].amplitude or 0.0) >= min_amplitude_palm)


def settling_joins_its_hold(frames: list[FrameVerdict], min_amplitude_palm: float = 0.0) -> list[FrameVerdict]:
    """Offline only: "settling" left where neither pass could judge, next to a hold, is that hold.

    Both passes settle only on a stretch with a hand shorter than the motion
    test's window (between gaps, at a clip's edge). With the stretch's other
    frames judged still, and no to-and-fro in these, they are the hold's own
    start or end, as the causal hold stage dates them too. Next to strokes, or
    alone, they stay unjudged: a hold is never made of nothing.
    """
    out = list(frames)
    n = len(out)
    for k, j in _runs(out, (Label.SETTLING,)):
        beside_hold = (k > 0 and out[k - 1].label == Label.HOLD) or (j < n and out[j].label == Label.HOLD)
        if beside_hold and not _repeats(out[max(k - 1, 0):j + 1], min_amplitude_palm):
            for m in range(k, j):
                out[m] = replace(out[m], label=Label.HOLD)
    return out


def _relabelled(v: FrameVerdict, state: MotionState) -> FrameVerdict:
    """The frame with another pass's motion verdict."""
    return replace(v, label=Label(state.label), stroke_angle_deg=state.stroke_angle_deg,
                   angle_to_grain_deg=state.angle_to_grain_deg, rate_per_min=state.rate_per_min,
                   amplitude_palm=state.amplitude_palm)


def strokes_must_repeat(frames: list[FrameVerdict], min_amplitude_palm: float = 0.0) -> list[FrameVerdict]:
    """Offline only: a stretch of "strokes" between holds that never goes to and fro is a hold.

    Landmark wander during a hold (design.md: skin on skin) can look like a
    short stroke to a live view; with the whole stretch in hand, a real stroke
    shows at least ``MIN_STROKE_HALF_CYCLES`` reversals, wander does not, and
    it is as large as motion must be to start a stroke live
    (``min_amplitude_palm``: a sine of the analyzer's starting spread).
    """
    out = list(frames)
    n = len(out)
    for k, j in _runs(out, STROKE_LABELS):
        # "settling" (not judged yet) says nothing about the stretch next to it: as the stream's edge
        before = out[k - 1].label if k > 0 and out[k - 1].label != Label.SETTLING else None
        after = out[j].label if j < n and out[j].label != Label.SETTLING else None
        if before in (Label.HOLD, None) and after in (Label.HOLD, None) and (before, after) != (None, None):
            if not _repeats(out[k:j], min_amplitude_palm):
                for m in range(k, j):
                    out[m] = replace(out[m], label=Label.HOLD, stroke_angle_deg=None, angle_to_grain_deg=None,
                                     rate_per_min=None, amplitude_palm=None)
    return out
