"""Techniques and their targets, and the verdict on what the hand is doing now.

Techniques are data: a therapist can add or tune one here without touching
the engine. Each names the labels that are right and wrong for it.
"""

from __future__ import annotations

from dataclasses import dataclass

from .motion import HOLD, NO_HAND, STROKE_LABELS, MotionState


@dataclass(frozen=True)
class Technique:
    name: str
    title: str
    good_labels: tuple[str, ...]
    bad_labels: tuple[str, ...]
    target_hold_s: float | None = None
    rate_range_per_min: tuple[float, float] | None = None
    amplitude_range_palm: tuple[float, float] | None = None
    how_to: str = ""


TECHNIQUES: dict[str, Technique] = {
    t.name: t
    for t in (
        Technique(
            name="cross_friction", title="Cross-friction",
            good_labels=("cross_grain",), bad_labels=("lengthwise",),
            rate_range_per_min=(60.0, 100.0), amplitude_range_palm=(0.05, 0.3),
            how_to="Short, firm strokes across the fascia: from the inside of the arch to the outside, "
                   "perpendicular to the heel-to-toes line. Grip the skin, do not slide over it.",
        ),
        Technique(
            name="myofascial_hold", title="Myofascial release (hold)",
            good_labels=(HOLD,), bad_labels=STROKE_LABELS, target_hold_s=90.0,
            how_to="Find the tender spot, then hold steady, firm pressure for about 90 seconds: "
                   "no rubbing, no sliding.",
        ),
    )
}
DEFAULT_TECHNIQUE = "cross_friction"


def technique(name: str) -> Technique:
    try:
        return TECHNIQUES[name]
    except KeyError:
        raise ValueError(f"unknown technique {name!r}; choose from {', '.join(TECHNIQUES)}") from None


def quality(state: MotionState, tech: Technique) -> str:
    """'good', 'warn', 'bad' or 'idle' for the overlay's badge colour."""
    if state.label == NO_HAND:
        return "idle"
    if state.label in tech.good_labels:
        return "good"
    if state.label in tech.bad_labels:
        return "bad"
    if state.label == "oblique":
        return "warn"
    return "idle"


def correction(state: MotionState, tech: Technique) -> str | None:
    """The one correction that matters most right now, or None when all is well."""
    label = state.label
    if label == NO_HAND:
        return "No hand in view: bring your hand and foot into the picture"
    if tech.name == "cross_friction":
        if label == "lengthwise":
            return "Strokes run along the fascia: turn 90 degrees"
        if label == "oblique":
            return "Strokes are diagonal: turn them across the foot"
        if label == HOLD:
            return "Start short strokes across the foot"
        if state.rate_per_min and tech.rate_range_per_min:
            low, high = tech.rate_range_per_min
            if state.rate_per_min < low:
                return "A little faster"
            if state.rate_per_min > high:
                return "Slow down: firm, deliberate strokes"
        if state.amplitude_palm and tech.amplitude_range_palm:
            low, high = tech.amplitude_range_palm
            if state.amplitude_palm > high:
                return "Shorter strokes: move the skin, not over it"
        return None
    if tech.name == "myofascial_hold":
        if label in STROKE_LABELS:
            return "You are sliding: hold still"
        if state.hold_drift_palm is not None and state.hold_drift_palm > 0.15:
            return "Drifting: keep the thumb on the spot"
        return None
    return None
