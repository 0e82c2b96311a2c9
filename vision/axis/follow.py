"""Follow the foot's axis through a stream, and choose which axis is in force.

FootAxisFollower re-estimates every ``every_s`` seconds on a shrunk frame
(the estimator is far slower than a frame interval), and between estimates
turns the axis with the foot's own texture (flow.FootTurn: sparse optical
flow on the foot's pixels). It never jumps on one bad estimate: a small change
is smoothed by the median of the last few sure estimates; a large one (the
foot turned) must be seen ``confirm`` times in a row before it is taken (the
follow is then re-found). Unsure estimates keep the last good axis, its
confidence fading the longer nothing confirms it.

AxisChoice: a user-set axis (typed, drawn, thumb) wins until the user
chooses "follow the foot".
"""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass, replace

import cv2
import numpy as np

from ..core.axis import AxisSource, FootAxis
from ..core.geometry import angle_to_grain_deg
from .combine import axial_medoid
from .estimate import AxisEstimate, locate_foot
from .flow import FootTurn


@dataclass(frozen=True)
class FollowParams:
    every_s: float = 0.5  # time between estimates
    work_side: int = 160  # the estimator's picture size when following (cheap)
    smooth_n: int = 3  # sure estimates whose median is the axis
    jump_deg: float = 20.0  # a change this large is a turn of the foot, or a mistake
    confirm: int = 2  # ... and is taken when seen this many estimates in a row
    agree_deg: float = 12.0  # estimates this close confirm each other
    fade_s: float = 5.0  # with no sure estimate, the confidence halves every fade_s
    max_turn_per_frame_deg: float = 10.0  # a larger turn between two frames is a tracking slip


class FootAxisFollower:
    """Pure streaming follower: ``update(rgb, t, hands) -> FootAxis | None`` (None until first found)."""

    def __init__(self, params: FollowParams = FollowParams(), locator=locate_foot):
        self.params = params
        self._locate = locator
        self._turn = FootTurn()
        self._recent: deque[AxisEstimate] = deque(maxlen=params.smooth_n)
        self._pending: list[AxisEstimate] = []  # a large change waiting for confirmation
        self._last_run_t: float | None = None
        self._last_sure_t: float | None = None
        self._axis: FootAxis | None = None
        self.last_estimate: AxisEstimate | None = None

    @property
    def axis(self) -> FootAxis | None:
        return self._axis

    def update(self, rgb: np.ndarray, t: float, hands=None) -> FootAxis | None:
        grey = self._small_grey(rgb)
        turned = self._turn.step(grey)
        if turned is not None and abs(turned) <= self.params.max_turn_per_frame_deg:
            self.rotate(turned)
        if self._last_run_t is None or t - self._last_run_t >= self.params.every_s or t < self._last_run_t:
            self._last_run_t = t
            finding = self._locate(rgb, hands, self.params.work_side)
            self.observe(finding.estimate, t)
            if finding.foot is not None and finding.foot.shape == grey.shape:
                self._turn.anchor(grey, finding.foot)
        return self.current(t)

    def _small_grey(self, rgb: np.ndarray) -> np.ndarray:
        h, w = rgb.shape[:2]
        scale = min(1.0, self.params.work_side / max(h, w))
        size = (max(1, round(w * scale)), max(1, round(h * scale)))
        small = cv2.resize(rgb, size, interpolation=cv2.INTER_AREA) if scale < 1 else rgb
        return cv2.cvtColor(small, cv2.COLOR_RGB2GRAY)

    def rotate(self, deg: float) -> None:
        """The foot turned ``deg`` (CCW on screen): the axis and the estimates it rests on turn with it."""
        self._recent = deque((_turned(e, deg) for e in self._recent), maxlen=self.params.smooth_n)
        self._pending = [_turned(e, deg) for e in self._pending]
        if self._axis is not None:
            a = self._axis
            heel, toes = _turn_points(a.heel_xy, a.toes_xy, deg)
            self._axis = FootAxis(a.deg + deg, a.source, a.confidence, heel, toes)

    def observe(self, est: AxisEstimate, t: float) -> None:
        """Take one estimate made at time t (also usable without pictures, for replaying estimates)."""
        self.last_estimate = est
        if est.unsure:
            return
        self._last_sure_t = t
        if self._axis is None or angle_to_grain_deg(est.deg, self._axis.deg) <= self.params.jump_deg:
            self._pending.clear()
            self._recent.append(est)
        else:
            if self._pending and angle_to_grain_deg(est.deg, self._pending[-1].deg) > self.params.agree_deg:
                self._pending.clear()  # a different stray: start counting again
            self._pending.append(est)
            if len(self._pending) < self.params.confirm:
                return
            self._recent.clear()  # the foot turned: the follow starts again from the new estimates
            self._recent.extend(self._pending)
            self._pending.clear()
        self._axis = self._median_axis()

    def current(self, t: float) -> FootAxis | None:
        """The axis in force at t, its confidence faded by the time since the last sure estimate."""
        if self._axis is None:
            return None
        age = max(0.0, t - (self._last_sure_t if self._last_sure_t is not None else t))
        fade = 0.5 ** (age / self.params.fade_s)
        return FootAxis(self._axis.deg, AxisSource.FOUND, (self._axis.confidence or 0.0) * fade,
                        self._axis.heel_xy, self._axis.toes_xy)

    def _median_axis(self) -> FootAxis:
        recent = list(self._recent)
        mid = recent[axial_medoid([e.deg for e in recent])]
        confidence = sum(e.confidence for e in recent) / len(recent)
        return FootAxis(mid.deg, AxisSource.FOUND, confidence, mid.heel_xy, mid.toes_xy)


def _turn_points(heel, toes, deg):
    """Heel and toes turned ``deg`` on screen about their middle."""
    if heel is None or toes is None:
        return heel, toes
    c = ((heel[0] + toes[0]) / 2, (heel[1] + toes[1]) / 2)
    r = math.radians(deg)
    cos, sin = math.cos(r), math.sin(r)

    def turn(p):
        dx, dy = p[0] - c[0], p[1] - c[1]
        return (c[0] + dx * cos + dy * sin, c[1] - dx * sin + dy * cos)

    return turn(heel), turn(toes)


def _turned(e: AxisEstimate, deg: float) -> AxisEstimate:
    if e.deg is None:
        return e
    heel, toes = _turn_points(e.heel_xy, e.toes_xy, deg)
    return replace(e, deg=(e.deg + deg) % 180.0, heel_xy=heel, toes_xy=toes)


class AxisChoice:
    """Which axis is in force: the user's (typed, drawn, thumb) until they choose "follow the foot".

    While following, the found axis is used; until one is found, the user's axis (if any) stands in.
    """

    def __init__(self, user: FootAxis | None = None, follow: bool | None = None):
        self.user = user
        self.following = (user is None) if follow is None else follow

    def set_user(self, axis: FootAxis) -> None:
        if axis.source is AxisSource.FOUND:
            raise ValueError("a user-set axis is typed, drawn or shown with the thumb, not found")
        self.user, self.following = axis, False

    def follow_foot(self) -> None:
        self.following = True

    def in_force(self, found: FootAxis | None) -> FootAxis | None:
        if self.following and found is not None:
            return found
        return self.user if self.user is not None else found

