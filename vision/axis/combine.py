"""Several estimates of one foot's axis into one: the middle of those that agree.

Axes have no direction, so the middle is the medoid under the acute angle
between lines (an axial median), not an average of degrees: 178 and 2 are
4 degrees apart.
"""

from __future__ import annotations

from dataclasses import replace

from ..core.geometry import angle_to_grain_deg
from .estimate import AxisEstimate, unsure

AGREE_DEG = 15.0  # estimates this close are of the same axis


def axial_medoid(degs: list[float]) -> int:
    """Index of the angle with the least summed acute distance to the others."""
    return min(range(len(degs)), key=lambda i: sum(angle_to_grain_deg(degs[i], d) for d in degs))


def consensus(estimates: list[AxisEstimate], min_agree: int = 1) -> AxisEstimate:
    """The medoid of the sure estimates, if at least ``min_agree`` agree with it, else unsure.

    Its confidence is the agreeing estimates' mean, scaled by the share of sure ones that agree.
    """
    sure = [e for e in estimates if not e.unsure]
    if not sure:
        return unsure(estimates[-1].reason if estimates else "nothing to judge")
    mid = sure[axial_medoid([e.deg for e in sure])]
    agree = [e for e in sure if angle_to_grain_deg(e.deg, mid.deg) <= AGREE_DEG]
    if len(agree) < min_agree:
        return unsure("the estimates disagree", max(e.confidence for e in sure) * len(agree) / len(sure))
    confidence = sum(e.confidence for e in agree) / len(agree) * len(agree) / len(sure)
    best = max(agree, key=lambda e: e.confidence)
    return replace(best, deg=mid.deg, confidence=confidence,
                   reason=f"{len(agree)} of {len(estimates)} estimates agree")


LOOK_S = 5.0  # a video's axis is judged on its first seconds, where the foot is set up
EVERY_S = 0.5


def first_seconds(frames, track=None, look_s: float = LOOK_S, every_s: float = EVERY_S):
    """Judge a stream's axis on its first ``look_s`` seconds: an estimate every ``every_s``,
    the hand masked by ``track(rgb, t) -> landmarks | None`` (called on every frame, as a
    tracker wants). Returns (consensus, the frame of the estimate it rests on, estimates made).

    ``frames``: anything with .rgb and .t (vision.io.video.Frame).
    """
    from .estimate import estimate_axis

    judged, next_t = [], 0.0
    for frame in frames:
        if frame.t > look_s:
            break
        hand = track(frame.rgb, frame.t) if track else None
        if frame.t + 1e-6 < next_t:
            continue
        next_t = frame.t + every_s
        judged.append((frame, estimate_axis(frame.rgb, hand)))
    if not judged:
        return unsure("no frames"), None, 0
    result = consensus([e for _, e in judged], min_agree=2 if len(judged) >= 3 else 1)
    still = judged[0][0]
    if not result.unsure:
        agree = [(f, e) for f, e in judged if not e.unsure and angle_to_grain_deg(e.deg, result.deg) <= AGREE_DEG]
        still = max(agree, key=lambda fe: fe[1].confidence)[0]
    return result, still, len(judged)
