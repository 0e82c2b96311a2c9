"""Where a video's per-frame foot axis comes from when the user asks to follow the foot ("auto").

The start is the consensus of the estimates over the video's first seconds
(as ``crossgrain axis VIDEO`` reports it); from there the follower turns the
axis with the foot and re-finds it, frame by frame. Frames between estimates
keep the last axis; an unsure stretch keeps the last good one.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable

import numpy as np

from ..core.axis import FootAxis
from .combine import first_seconds
from .follow import FootAxisFollower


class AxisNotFound(ValueError):
    """The foot's axis could not be found in the video's first seconds; the message says what to do."""


def judge_first_seconds(path: str | Path, max_side: int | None = 960, open_tracker: Callable | None = None):
    """``first_seconds`` over a video file with its hand tracked and masked: (consensus, still, estimates).

    ``open_tracker()``: a context manager lending a tracker (a batch worker's); by default a new one.
    Raises vision.io.video.VideoError for a file that cannot be read.
    """
    from ..io.tracking import HandTracker
    from ..io.video import iter_frames

    with (open_tracker() if open_tracker else HandTracker()) as tracker:
        def track(rgb, t):
            obs = tracker.process(rgb, t)
            return None if obs is None else obs.xy

        return first_seconds(iter_frames(path, max_side=max_side), track)


def starting_axis(path: str | Path, max_side: int | None = 960, open_tracker: Callable | None = None) -> FootAxis:
    """The foot axis over the first seconds of a video (the hand tracked and masked)."""
    result, _, _ = judge_first_seconds(path, max_side, open_tracker)
    axis = result.foot_axis()
    if result.unsure or axis is None:
        raise AxisNotFound(f"{Path(path).name}: the foot's axis could not be found in the first seconds "
                           f"({result.reason}); give it with --foot-axis DEG or --heel X,Y --toes X,Y")
    return axis


class FollowedAxis:
    """Per frame, the axis found in the picture, or the last one (the start until the first is found)."""

    def __init__(self, start: FootAxis, follower: FootAxisFollower | None = None):
        self.start = start
        self._follower = follower or FootAxisFollower()

    def axis_for(self, rgb: np.ndarray, t: float, hands_xy: list[np.ndarray]) -> FootAxis:
        """The axis for a frame; ``hands_xy``: the landmarks (pixels) of every hand in it, masked out."""
        found = self._follower.update(rgb, t, hands_xy or None)
        return found or self.start
