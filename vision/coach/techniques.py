"""Techniques and their targets, and the verdict on what the hand is doing now.

Techniques are data: the registry is read from ``vision/coach/techniques.toml`` (its
header documents the format), so a therapist can add or tune a technique there
without touching the engine. ``CROSSGRAIN_TECHNIQUES`` may name another file.
``python -m vision.coach [FILE]`` checks a file and lists what it defines.

Per frame, ``wanted_cues(state, tech)`` lists the corrections that apply, most
important first (the order of the technique's cues in the file);
``correction`` is the first of them and ``quality`` the badge colour.
"""

from __future__ import annotations

import os
import sys
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from types import MappingProxyType

from ..core.labels import LABELS, NO_VERDICT_LABELS, STROKE_LABELS, Label
from .kinds import KINDS

TECHNIQUES_FILE = Path(__file__).with_name("techniques.toml")
TECHNIQUES_ENV = "CROSSGRAIN_TECHNIQUES"
COMPONENTS = ("direction", "rate", "amplitude", "stillness", "followed")  # quality; progress is the kind's (kinds.py)
CONDITIONS = ("no_hand", "stroking", "off_target", "rate_low", "rate_high", "amplitude_low", "amplitude_high",
              "drift_high")


class TechniqueError(ValueError):
    """The techniques file is malformed; the message names the technique and the field."""


@dataclass(frozen=True)
class Cue:
    """A live correction: when it applies, what to say now, and the longer tip for the debrief."""

    id: str  # the `when` condition, unique within a technique
    say: str
    tip: str = ""
    urgent: bool = False
    priority: int = 0  # 0 is the most important (position in the file)


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
    kind: str = "strokes"
    camera: bool = True
    work_s: float | None = None  # time in good_labels to aim for (per side when sides are set)
    max_drift_palm: float | None = None
    sides: tuple[str, ...] = ()
    reps: int | None = None
    rep_phases: tuple[tuple[str, float], ...] = ()
    phases: tuple[tuple[str, float], ...] = ()
    rounds: int = 1
    weights: dict = field(default_factory=dict)
    cues: tuple[Cue, ...] = ()
    camera_cannot_see: str = ""
    next_step: str = ""
    not_for: tuple[str, ...] = ()  # who should not do this technique (shown before it starts)

    @property
    def uses_foot_axis(self) -> bool:
        """Whether the foot axis changes the judgement: some stroke directions are right and others not.

        False for timers, holds (a still thumb has no direction) and techniques where any direction counts.
        """
        strokes = {"cross_grain", "lengthwise", "oblique"}
        good = strokes & set(self.good_labels)
        return self.camera and bool(good) and good != strokes

    def cue(self, cue_id: str) -> Cue | None:
        return next((c for c in self.cues if c.id == cue_id), None)

    def targets(self) -> dict:
        """The targets as plain data (for the report and the page)."""
        out: dict = {}
        if self.good_labels:
            out["good_labels"] = list(self.good_labels)
        if self.rate_range_per_min:
            out["rate_per_min"] = list(self.rate_range_per_min)
        if self.amplitude_range_palm:
            out["amplitude_palm"] = list(self.amplitude_range_palm)
        if self.work_s:
            out["work_s"] = self.work_s
        if self.target_hold_s:
            out["hold_s"] = self.target_hold_s
        if self.max_drift_palm is not None:
            out["max_drift_palm"] = self.max_drift_palm
        if self.sides:
            out["sides"] = list(self.sides)
        if self.reps:
            out["reps"] = self.reps
            out["rep_phases"] = [list(p) for p in self.rep_phases]
        if self.phases:
            out["phases"] = [list(p) for p in self.phases]
            out["rounds"] = self.rounds
        return out

    def describe_targets(self) -> list[str]:
        """The targets as short sentences a person reads."""
        lines = []
        if self.good_labels and self.kind == "strokes":
            if set(STROKE_LABELS) <= set(self.good_labels):
                lines.append("work: strokes in any direction" + (" or holds" if Label.HOLD in self.good_labels else ""))
            else:
                lines.append("direction: " + ", ".join(label.replace("_", " ") for label in self.good_labels))
        if self.rate_range_per_min:
            lines.append(f"rate: {self.rate_range_per_min[0]:.0f}-{self.rate_range_per_min[1]:.0f} strokes/min")
        if self.amplitude_range_palm:
            lines.append(f"stroke size: {self.amplitude_range_palm[0]:.2f}-{self.amplitude_range_palm[1]:.2f} "
                         "palm widths")
        if self.work_s:
            lines.append(f"time: {_minutes(self.work_s)}" + (f" on each of {len(self.sides)} sides"
                                                            if self.sides else ""))
        if self.target_hold_s:
            lines.append(f"hold: {self.target_hold_s:.0f} s still")
        if self.max_drift_palm is not None:
            lines.append(f"drift under {self.max_drift_palm:.2f} palm widths")
        if self.reps:
            lines.append(f"{self.reps} repetitions: " + " / ".join(f"{n.lower()} {s:.0f} s"
                                                                  for n, s in self.rep_phases))
        if self.phases:
            lines.append(" then ".join(f"{n.lower()} {_minutes(s)}" for n, s in self.phases)
                         + f", {self.rounds} rounds")
        return lines


@dataclass(frozen=True)
class Safety:
    warnings: tuple[str, ...]
    disclaimer: str
    camera_limits: str


def _minutes(seconds: float) -> str:
    return f"{seconds / 60:g} min" if seconds >= 60 else f"{seconds:g} s"


def _pair(value, what: str) -> tuple[float, float] | None:
    if value is None:
        return None
    if not (isinstance(value, list) and len(value) == 2 and all(isinstance(v, (int, float)) for v in value)
            and value[0] <= value[1]):
        raise TechniqueError(f"{what} must be [low, high], got {value!r}")
    return float(value[0]), float(value[1])


def _steps(value, what: str) -> tuple[tuple[str, float], ...]:
    if value is None:
        return ()
    try:
        steps = tuple((str(n), float(s)) for n, s in value)
    except (TypeError, ValueError):
        raise TechniqueError(f"{what} must be a list of [name, seconds], got {value!r}") from None
    if any(s <= 0 for _, s in steps):
        raise TechniqueError(f"{what}: every step needs a positive number of seconds")
    return steps


def parse_technique(name: str, d: dict) -> Technique:
    """One [technique.NAME] table to a Technique; TechniqueError names what is wrong."""
    where = f"technique {name!r}"
    kind = d.get("kind", "strokes")
    if kind not in KINDS:
        raise TechniqueError(f"{where}: kind must be one of {tuple(KINDS)}, got {kind!r}")
    labels = {}
    for key in ("good_labels", "bad_labels"):
        values = tuple(d.get(key, ()))
        unknown = [v for v in values if v not in LABELS]
        if unknown:
            raise TechniqueError(f"{where}: {key} has unknown labels {unknown}; labels are {LABELS}")
        labels[key] = values
    t = d.get("targets", {})
    weights = {k: float(v) for k, v in d.get("weights", {}).items()}
    unknown = [k for k in weights if k not in COMPONENTS]
    if unknown:
        raise TechniqueError(f"{where}: unknown score components {unknown}; choose from {COMPONENTS}")
    if weights and sum(weights.values()) <= 0:
        raise TechniqueError(f"{where}: weights must add up to more than 0")
    cues = []
    for k, c in enumerate(d.get("cues", [])):
        when = c.get("when", "")
        ok = when in CONDITIONS or (when.startswith("label:") and when[6:] in LABELS)
        if not ok or not c.get("say"):
            raise TechniqueError(f"{where}: cue {k + 1} needs `say` and a `when` of {CONDITIONS} or label:NAME, "
                                 f"got {when!r}")
        cues.append(Cue(id=when, say=c["say"], tip=c.get("tip", ""), urgent=bool(c.get("urgent", False)),
                        priority=k))
    if len({c.id for c in cues}) != len(cues):
        raise TechniqueError(f"{where}: two cues share one `when`")
    hold_s = t.get("hold_s")
    return Technique(
        name=name, title=d.get("title", name), good_labels=labels["good_labels"], bad_labels=labels["bad_labels"],
        target_hold_s=float(hold_s) if hold_s else None,
        rate_range_per_min=_pair(t.get("rate_per_min"), f"{where}: rate_per_min"),
        amplitude_range_palm=_pair(t.get("amplitude_palm"), f"{where}: amplitude_palm"),
        how_to=d.get("how_to", ""), kind=kind, camera=bool(d.get("camera", kind != "timer")),
        work_s=float(t["work_s"]) if t.get("work_s") else None,
        max_drift_palm=float(t["max_drift_palm"]) if t.get("max_drift_palm") is not None else None,
        sides=tuple(t.get("sides", ())), reps=int(t["reps"]) if t.get("reps") else None,
        rep_phases=_steps(t.get("rep_phases"), f"{where}: rep_phases"),
        phases=_steps(t.get("phases"), f"{where}: phases"), rounds=int(t.get("rounds", 1)),
        weights=weights, cues=tuple(cues), camera_cannot_see=d.get("camera_cannot_see", ""),
        next_step=d.get("next_step", ""), not_for=tuple(str(x) for x in d.get("not_for", ())),
    )


@dataclass(frozen=True)
class Registry:
    """The techniques one file defines, with its safety notes: a value, passed or asked for.

    Loaded explicitly (``load_registry(path)``); the app and the CLI use the process's
    registry, ``registry()``, read on first use from ``CROSSGRAIN_TECHNIQUES`` or the
    bundled file. Tests and tools load their own and pass it on.
    """

    techniques: Mapping[str, Technique]
    safety: Safety
    source: Path

    def __iter__(self):
        return iter(self.techniques)

    def __contains__(self, name: object) -> bool:
        return name in self.techniques

    def __getitem__(self, name: str) -> Technique:
        return self.techniques[name]

    def get(self, name: str | None) -> Technique | None:
        return self.techniques.get(name) if name is not None else None

    def items(self):
        return self.techniques.items()

    def values(self):
        return self.techniques.values()

    @property
    def default(self) -> str:
        """The technique a new session starts on: cross-friction, if the file defines it."""
        return "cross_friction" if "cross_friction" in self.techniques else next(iter(self.techniques))

    def technique(self, name: str | None = None) -> Technique:
        """The named technique (the default when None); a clear ValueError names the choices."""
        name = self.default if name is None else name
        try:
            return self.techniques[name]
        except KeyError:
            raise ValueError(f"unknown technique {name!r}; choose from {', '.join(self.techniques)}") from None


def load_registry(path: str | Path | None = None) -> Registry:
    """Read and check a techniques file (``path``, else CROSSGRAIN_TECHNIQUES, else the bundled one)."""
    path = Path(path or os.environ.get(TECHNIQUES_ENV) or TECHNIQUES_FILE)
    try:
        data = tomllib.loads(path.read_text())
    except tomllib.TOMLDecodeError as exc:
        raise TechniqueError(f"{path}: not valid TOML ({exc})") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise TechniqueError(f"{path}: cannot read the techniques file ({getattr(exc, 'strerror', None) or exc})") from None
    techniques = {name: parse_technique(name, d) for name, d in data.get("technique", {}).items()}
    if not techniques:
        raise TechniqueError(f"{path}: defines no [technique.NAME] tables")
    s = data.get("safety", {})
    safety = Safety(tuple(s.get("warnings", ())), s.get("disclaimer", ""), s.get("camera_limits", ""))
    return Registry(MappingProxyType(techniques), safety, path)


@cache
def registry() -> Registry:
    """This process's registry, loaded on first use."""
    return load_registry()


def technique(name: str | None = None) -> Technique:
    """A technique of this process's registry (the default when None)."""
    return registry().technique(name)


def quality(label: str, right: bool, tech: Technique) -> str:
    """'good', 'warn', 'bad' or 'idle': the badge colour of a frame's verdict for a technique."""
    if label in NO_VERDICT_LABELS:
        return "idle"
    if right:
        return "good"
    if label in tech.bad_labels:
        return "bad"
    if label in tech.good_labels or label == Label.OBLIQUE:
        return "warn"  # the right label, not right yet (a drifting hold), or half way round
    return "idle"


def condition_holds(when: str, state, tech: Technique) -> bool:
    """Whether a cue's `when` applies to this frame (see techniques.toml for the vocabulary)."""
    label = state.label
    if when == "no_hand":
        return label == Label.NO_HAND
    if when.startswith("label:"):
        return label == when[6:]
    if when == "stroking":
        return label in STROKE_LABELS
    if when == "off_target":  # a verdict that is not the technique's ("settling" is no verdict yet)
        return label not in NO_VERDICT_LABELS and label not in tech.good_labels
    stroking_right = label in STROKE_LABELS and label in tech.good_labels
    if when in ("rate_low", "rate_high"):
        if not stroking_right or not state.rate_per_min or not tech.rate_range_per_min:
            return False
        low, high = tech.rate_range_per_min
        return state.rate_per_min < low if when == "rate_low" else state.rate_per_min > high
    if when in ("amplitude_low", "amplitude_high"):
        if not stroking_right or state.amplitude_palm is None or not tech.amplitude_range_palm:
            return False
        low, high = tech.amplitude_range_palm
        return state.amplitude_palm < low if when == "amplitude_low" else state.amplitude_palm > high
    if when == "drift_high":
        return (label == Label.HOLD and tech.max_drift_palm is not None and state.hold_drift_palm is not None
                and state.hold_drift_palm > tech.max_drift_palm)
    return False


def wanted_cues(state, tech: Technique) -> list[Cue]:
    """The corrections that apply to this frame, most important first."""
    return [c for c in tech.cues if condition_holds(c.id, state, tech)]


def correction(state, tech: Technique) -> str | None:
    """The one correction that matters most right now, or None when all is well."""
    cues = wanted_cues(state, tech)
    return cues[0].say if cues else None


def _main(argv: list[str]) -> int:
    try:
        reg = load_registry(argv[0] if argv else None)
        techniques, safety = reg.techniques, reg.safety
    except (TechniqueError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    for t in techniques.values():
        print(f"{t.name}: {t.title} [{t.kind}{'' if t.camera else ', no camera'}]")
        for line in t.describe_targets():
            print(f"    {line}")
        print(f"    score: {', '.join(f'{k} {v:g}' for k, v in t.weights.items()) or '-'}; "
              f"{len(t.cues)} cues")
    print(f"{len(safety.warnings)} safety warnings")
    return 0


if __name__ == "__main__":
    raise SystemExit(_main(sys.argv[1:]))
