"""Technique kinds as strategies: what counts as work, what is right, what progress means.

A technique (techniques.toml) names its ``kind``; the kind decides, frame by
frame, whether the frame is work for this technique, whether it is right, and
how the score and progress are made from the running totals. Adding a kind is
one class here, registered with ``@kind("name")``, and a technique in the TOML
file that uses it.

The score says how well the work that was done matched the technique (0-100);
progress says how much of the target was done (0-1). They are shown side by
side and never mixed: a short, perfect session scores high with little progress.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable, ClassVar

from ..core.labels import STROKE_LABELS, Label

if TYPE_CHECKING:
    from .techniques import Technique

KINDS: dict[str, type["Kind"]] = {}
REPOSITION_S = 1.5  # in a hold technique, a stroke run this short is moving to the next spot, not sliding


def kind(name: str) -> Callable[[type["Kind"]], type["Kind"]]:
    """Register a Kind class under the name techniques.toml uses."""
    def register(cls: type["Kind"]) -> type["Kind"]:
        cls.name = name
        KINDS[name] = cls
        return cls
    return register


def kind_for(tech: Technique) -> "Kind":
    try:
        return KINDS[tech.kind](tech)
    except KeyError:
        raise ValueError(f"technique {tech.name!r}: unknown kind {tech.kind!r}; kinds are {', '.join(KINDS)}") \
            from None


@dataclass(frozen=True)
class FrameFacts:
    """What a kind judges a frame by (from the verdict being built)."""

    label: Label
    rate_per_min: float | None
    amplitude_palm: float | None
    hold_drift_palm: float | None
    stroke_run_s: float  # how long the current run of stroke labels has lasted (0 when not stroking)


@dataclass(frozen=True)
class Judgement:
    work: bool  # counts toward the score
    right: bool  # done right for this technique
    wrong: bool  # the mistake this technique warns against (its bad labels, sliding in a hold)


@dataclass
class Totals:
    """Running sums of credited seconds, kept by the coaching stage, read by the kinds."""

    total_s: float = 0.0
    active_s: float = 0.0  # a hand in view
    work_s: float = 0.0
    right_s: float = 0.0
    wrong_s: float = 0.0
    rate_closeness: tuple[float, float] = (0.0, 0.0)  # (sum of closeness x seconds, seconds) over right strokes
    amplitude_closeness: tuple[float, float] = (0.0, 0.0)
    longest_good_hold_s: float = 0.0
    holds_completed: int = 0
    side_fraction: float | None = None  # mean share of the per-side time done (sides)
    reps_fraction: float | None = None  # share of the repetitions done (reps)


def closeness(value: float, low: float, high: float, tolerance: float = 0.5) -> float:
    """1 inside [low, high]; falls linearly to 0 at ``tolerance`` times the nearer bound beyond it."""
    if low <= value <= high:
        return 1.0
    if value < low:
        return max(0.0, 1.0 - (low - value) / (tolerance * low)) if low > 0 else 0.0
    return max(0.0, 1.0 - (value - high) / (tolerance * high)) if high > 0 else 0.0


def _share(pair: tuple[float, float]) -> float | None:
    return pair[0] / pair[1] if pair[1] > 0 else None


class Kind:
    """A kind of technique; one instance per coached stream."""

    name: ClassVar[str] = ""
    gate: ClassVar[str] = "direction"  # the component the score is a share of (others scale it down)

    def __init__(self, tech: Technique):
        self.tech = tech

    def judge(self, f: FrameFacts) -> Judgement:
        raise NotImplementedError

    def components(self, totals: Totals) -> dict[str, float]:
        """Quality components, 0..1, of those the technique weighs (techniques.toml [weights])."""
        raise NotImplementedError

    def progress(self, totals: Totals) -> float:
        raise NotImplementedError

    def score(self, totals: Totals) -> float | None:
        """0..100: the gate component, scaled down by each other weighed component's shortfall."""
        if totals.work_s <= 0:
            return None
        comps = self.components(totals)
        weights = {k: w for k, w in self.tech.weights.items() if k in comps}
        total_w = sum(weights.values()) or 1.0
        gate = comps.get(self.gate, 1.0)
        shortfall = sum(w / total_w * (1.0 - comps[k]) for k, w in weights.items() if k != self.gate)
        return 100.0 * gate * max(1.0 - shortfall, 0.0)


@kind("strokes")
class StrokesKind(Kind):
    """Rhythmic strokes: the right direction, at the right rate and size, for the target time.

    Holds, repositioning and missing hands are not work (unless the technique
    counts holds as good, as calf work does); seconds in the technique's bad
    labels (the mistake it warns against) cancel seconds done right.
    """

    gate = "direction"

    def judge(self, f: FrameFacts) -> Judgement:
        tech = self.tech
        work = f.label in STROKE_LABELS or (f.label != Label.NO_HAND and f.label in tech.good_labels)
        return Judgement(work=work, right=work and f.label in tech.good_labels,
                         wrong=work and f.label in tech.bad_labels)

    def components(self, totals: Totals) -> dict[str, float]:
        out: dict[str, float] = {}
        for name in self.tech.weights:
            if name == "direction":
                out[name] = max(totals.right_s - totals.wrong_s, 0.0) / totals.work_s if totals.work_s else 0.0
            elif name == "rate":
                share = _share(totals.rate_closeness)
                out[name] = 1.0 if share is None else share
            elif name == "amplitude":
                share = _share(totals.amplitude_closeness)
                out[name] = 1.0 if share is None else share
        return out

    def progress(self, totals: Totals) -> float:
        if totals.side_fraction is not None:
            return totals.side_fraction
        work = self.tech.work_s
        return min(totals.right_s / work, 1.0) if work else 0.0


@kind("hold")
class HoldKind(Kind):
    """Still pressure on one spot: a good hold stays within the technique's drift target.

    Work is holding or sliding; a short stroke run (under REPOSITION_S) is the
    move to the next spot and is not counted against the hold.
    """

    gate = "stillness"

    def judge(self, f: FrameFacts) -> Judgement:
        tech = self.tech
        if f.label == Label.HOLD:
            still = tech.max_drift_palm is None or (f.hold_drift_palm or 0.0) <= tech.max_drift_palm
            return Judgement(work=True, right=still, wrong=not still)
        sliding = f.label in STROKE_LABELS and f.stroke_run_s >= REPOSITION_S
        return Judgement(work=sliding, right=False, wrong=sliding)

    def components(self, totals: Totals) -> dict[str, float]:
        stillness = totals.right_s / totals.work_s if totals.work_s else 0.0
        return {name: stillness for name in self.tech.weights if name == "stillness"}

    def progress(self, totals: Totals) -> float:
        if totals.reps_fraction is not None:
            return totals.reps_fraction
        target = self.tech.target_hold_s
        if not target:
            return 0.0
        return 1.0 if totals.holds_completed else min(totals.longest_good_hold_s / target, 1.0)


@kind("timer")
class TimerKind(Kind):
    """A guided timer with no camera: scored by the share of the routine followed (routines.py)."""

    gate = "followed"

    def judge(self, f: FrameFacts) -> Judgement:
        return Judgement(work=False, right=False, wrong=False)

    def components(self, totals: Totals) -> dict[str, float]:
        return {}

    def progress(self, totals: Totals) -> float:
        return 0.0

    def score(self, totals: Totals) -> float | None:
        return None
