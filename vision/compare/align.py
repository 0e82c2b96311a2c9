"""Dynamic time warping of two motion profiles: which moment of the attempt matches which of the reference.

A slower attempt of the same routine still lines up: DTW lets one sample
match several, so stretches may last longer or shorter. The cost of matching
two samples is mostly whether they are the same technique (label); among
strokes, the angle to the grain, rate and size add a little, so that within
a run of one label the alignment still prefers like with like.
"""

from __future__ import annotations

import math

import numpy as np

from ..core.labels import STROKE_LABELS
from .profile import MotionProfile

LABEL_MISMATCH_COST = 1.0
ANGLE_COST_PER_45_DEG = 0.3  # both strokes, 45 degrees apart (capped there)
RATE_COST_PER_DOUBLING = 0.2  # both strokes, one twice the other's rate (capped there)
AMPLITUDE_COST_PER_DOUBLING = 0.2

_STROKES = tuple(str(s) for s in STROKE_LABELS)


def _log2_ratio_cost(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        r = np.abs(np.log2(a[:, None] / b[None, :]))
    return np.nan_to_num(np.minimum(r, 1.0), nan=0.0)


def cost_matrix(ref: MotionProfile, att: MotionProfile) -> np.ndarray:
    """Cost (n_ref, n_att) of matching each reference sample with each attempt sample."""
    cost = np.where(ref.label[:, None] == att.label[None, :], 0.0, LABEL_MISMATCH_COST)
    both = np.isin(ref.label, _STROKES)[:, None] & np.isin(att.label, _STROKES)[None, :]
    angle = np.abs(ref.angle_to_grain_deg[:, None] - att.angle_to_grain_deg[None, :])
    figures = (ANGLE_COST_PER_45_DEG * np.nan_to_num(np.minimum(angle / 45.0, 1.0), nan=0.0)
               + RATE_COST_PER_DOUBLING * _log2_ratio_cost(ref.rate_per_min, att.rate_per_min)
               + AMPLITUDE_COST_PER_DOUBLING * _log2_ratio_cost(ref.amplitude_palm, att.amplitude_palm))
    return cost + np.where(both, figures, 0.0)


def dtw_path(cost: np.ndarray) -> list[tuple[int, int]]:
    """The least-cost monotonic path from (0, 0) to (n-1, m-1), steps (1,0), (0,1), (1,1).

    Row by row: D[i, j] = c[i, j] + min(D[i-1, j-1], D[i-1, j], D[i, j-1]). The
    in-row term is a running minimum, D[i, j] = C[j] + min_{k<=j}(T[k] - C[k])
    with T the cost of arriving from the row above and C the row's cumulative cost, so each row is a few numpy calls.
    """
    n, m = cost.shape
    if n == 0 or m == 0:
        return []
    acc = np.empty((n, m))
    acc[0] = np.cumsum(cost[0])
    for i in range(1, n):
        prev = acc[i - 1]
        best = prev.copy()
        best[1:] = np.minimum(prev[1:], prev[:-1])
        through = cost[i] + best  # arriving from the row above
        csum = np.cumsum(cost[i])
        # through[k] + (csum[j] - csum[k]): arrive at k from above, then move right to j
        acc[i] = csum + np.minimum.accumulate(through - csum)
    path = [(n - 1, m - 1)]
    i, j = n - 1, m - 1
    while i > 0 or j > 0:
        if i == 0:
            j -= 1
        elif j == 0:
            i -= 1
        else:
            steps = ((i - 1, j - 1), (i - 1, j), (i, j - 1))
            i, j = min(steps, key=lambda s: (acc[s], s != steps[0]))
        path.append((i, j))
    path.reverse()
    return path


def align(ref: MotionProfile, att: MotionProfile) -> list[tuple[int, int]]:
    """Matched sample indices (reference, attempt), in time order."""
    return dtw_path(cost_matrix(ref, att))


def mean_path_cost(cost: np.ndarray, path: list[tuple[int, int]]) -> float:
    return math.fsum(cost[i, j] for i, j in path) / len(path) if path else 0.0
