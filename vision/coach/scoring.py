"""TechniqueScorer: per frame, how close the user is to a technique's targets; a score and a debrief.

Pure and streaming: ``update(state)`` once a frame with the analyzer's
MotionState; ``score()``, ``components()`` and ``debrief()`` at any time. The
same object runs on a live stream and on a finished report's frames
(``states_from_report``), so the live score and the report's agree.

Each score component is 0..1 and rewards closeness, not pass/fail:

* direction  time in the technique's good labels / time with a hand in view
* rate       time-weighted mean closeness of the stroke rate to its range
* amplitude  the same for the stroke amplitude
             (closeness: 1 inside the range, falling linearly to 0 at 50 %
             beyond the nearer bound)
* time       good time / work_s, capped at 1 (mean over sides for calf work)
* stillness  good-hold time / time holding or sliding (hold techniques)
* completion 1 once a hold reaches hold_s, else the best hold / hold_s
* reps       guided repetitions done / reps

The total is the weighted mean of the components named in the technique's
``weights`` (techniques.toml), times 100. Durations are differences of the
frames' timestamps (a gap counts at most MAX_STEP_S), never frame counts.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, replace

import numpy as np

from .techniques import SAFETY, Cue, Technique, technique, wanted_cues
from ..core.motion import HOLD, NO_HAND, STROKE_LABELS, MotionState
from .routines import RepGuide, RepState, SideState, SideSwitch, TimerRoutine

MAX_STEP_S = 0.5  # a longer gap between frames counts as this much
ABANDON_S = 10.0  # a hold paused (sliding, drifting, hand gone) this long starts over
DRIFT_WINDOW_S = 0.25  # drift compares the mean thumb place over this trailing window (as the analyzer)
SETTLE_S = 1.0  # the first second of a hold, the thumb settles onto the spot: the anchor follows it


class HoldDrift:
    """How far the thumb has moved (palm widths) since it settled on the spot of the current hold.

    The analyzer's own drift is measured from the first frame labelled hold, which
    may fall inside the glide onto the spot; here the anchor follows the thumb for
    the hold's first SETTLE_S, then stays. Both compare trailing 0.25 s means.
    """

    def __init__(self):
        self._recent: deque = deque()
        self._start: float | None = None
        self._anchor = None

    def update(self, state: MotionState) -> float | None:
        if state.label != HOLD or state.thumb_xy is None:
            self._start, self._anchor = None, None
            self._recent.clear()
            return None
        t = state.t
        if self._start is None:
            self._start = t
        self._recent.append((t, np.asarray(state.thumb_xy, float)))
        while self._recent and t - self._recent[0][0] > DRIFT_WINDOW_S:
            self._recent.popleft()
        here = np.mean([p for _, p in self._recent], axis=0)
        if self._anchor is None or t - self._start <= SETTLE_S:
            self._anchor = here
        return float(np.linalg.norm(here - self._anchor)) / (state.palm_px or 1.0)


def closeness(value: float, low: float, high: float, tolerance: float = 0.5) -> float:
    """1 inside [low, high]; falls linearly to 0 at ``tolerance`` times the nearer bound beyond it."""
    if low <= value <= high:
        return 1.0
    if value < low:
        return max(0.0, 1.0 - (low - value) / (tolerance * low)) if low > 0 else 0.0
    return max(0.0, 1.0 - (value - high) / (tolerance * high)) if high > 0 else 0.0


@dataclass(frozen=True)
class Progress:
    """The scorer's view after one frame (what the live page shows besides the cue)."""

    t: float
    score: float  # 0..100
    components: dict
    active_s: float  # time with a hand in view
    good_s: float  # time in the technique's good labels (good holds only, for holds)
    wanted: tuple[Cue, ...]  # corrections that apply now, most important first
    hold_good_s: float = 0.0  # the current hold's good time (the hold timer)
    holds_completed: int = 0
    hold_paused: str | None = None  # why the hold timer is paused, said to the user
    side: SideState | None = None
    reps: RepState | None = None
    guide: str | None = None  # routine guidance now (switch sides, curl the toes, hold done)


class TechniqueScorer:
    def __init__(self, tech: Technique | str):
        self.tech = technique(tech) if isinstance(tech, str) else tech
        t = self.tech
        self._last_t: float | None = None
        self.total_s = 0.0
        self.active_s = 0.0
        self.good_s = 0.0
        self._rate = [0.0, 0.0]  # weighted closeness sum, weight
        self._amplitude = [0.0, 0.0]
        self.attempt_s = 0.0  # holding or sliding (hold techniques)
        self.good_hold_s = 0.0
        self.hold_good_s = 0.0  # current hold timer
        self.longest_good_hold_s = 0.0
        self.holds_completed = 0
        self.hold_completions: list[float] = []  # times a hold was completed
        self._paused_s = 0.0
        self._just_completed_t: float | None = None
        self.cue_s: dict[str, float] = {}  # time each cue was the most important one
        self.sides = SideSwitch(t.sides, t.work_s) if t.sides and t.work_s else None
        self.rep_guide = RepGuide(t.rep_phases, t.reps) if t.reps and t.rep_phases else None
        self._drift = HoldDrift()
        self._last = Progress(0.0, 0.0, {}, 0.0, 0.0, ())

    @property
    def holds(self) -> bool:
        return self.tech.kind == "hold"

    def update(self, state: MotionState) -> Progress:
        t = state.t
        dt = 0.0 if self._last_t is None else min(max(t - self._last_t, 0.0), MAX_STEP_S)
        self._last_t = t if self._last_t is None else max(t, self._last_t)
        tech = self.tech
        if state.label == HOLD:
            state = replace(state, hold_drift_palm=self._drift.update(state))
        else:
            self._drift.update(state)
        label = state.label
        self.total_s += dt
        wanted = tuple(wanted_cues(state, tech))
        if wanted and wanted[0].id != "no_hand":
            self.cue_s[wanted[0].id] = self.cue_s.get(wanted[0].id, 0.0) + dt
        if label != NO_HAND:
            self.active_s += dt
        drift_ok = tech.max_drift_palm is None or (state.hold_drift_palm or 0.0) <= tech.max_drift_palm
        good = label in tech.good_labels and (label != HOLD or drift_ok)
        if good:
            self.good_s += dt
        if label in STROKE_LABELS:
            if state.rate_per_min and tech.rate_range_per_min:
                self._rate[0] += dt * closeness(state.rate_per_min, *tech.rate_range_per_min)
                self._rate[1] += dt
            if state.amplitude_palm is not None and tech.amplitude_range_palm:
                self._amplitude[0] += dt * closeness(state.amplitude_palm, *tech.amplitude_range_palm)
                self._amplitude[1] += dt

        paused = None
        guide = None
        if self.holds:
            good_hold = label == HOLD and drift_ok
            if label == HOLD or label in STROKE_LABELS:
                self.attempt_s += dt
            if good_hold:
                self.good_hold_s += dt
                self.hold_good_s += dt
                self._paused_s = 0.0
                self.longest_good_hold_s = max(self.longest_good_hold_s, self.hold_good_s)
                if tech.target_hold_s and self.hold_good_s >= tech.target_hold_s:
                    self.holds_completed += 1
                    self.hold_completions.append(t)
                    self.hold_good_s = 0.0
                    self._just_completed_t = t
            else:
                self._paused_s += dt
                if self.hold_good_s > 0 and self._paused_s >= ABANDON_S:
                    self.hold_good_s = 0.0
                if label in STROKE_LABELS:
                    paused = "sliding: the hold timer is paused"
                elif label == HOLD:
                    paused = "drifting off the spot: the hold timer is paused"
                elif self.hold_good_s > 0:
                    paused = "no hand in view: the hold timer is paused"
            reps = self.rep_guide.update(dt if good_hold else 0.0) if self.rep_guide else None
            if reps is not None:
                guide = reps.cue if not paused or reps.done else f"{reps.cue} (paused: hold still on the spot)"
            if self._just_completed_t is not None and t - self._just_completed_t < 10.0:
                guide = (f"Hold {self.holds_completed} complete "
                         f"({tech.target_hold_s:.0f} s): ease off, then find the next spot")
        else:
            reps = None
        side = self.sides.update(t, dt if label in tech.good_labels else 0.0) if self.sides else None
        if side is not None:
            guide = side.switch_cue or (f"{side.side.capitalize()}: {side.remaining_s:.0f} s to go"
                                        if not side.done else None)
        comps = self.components()
        self._last = Progress(
            t=t, score=self._total(comps), components=comps, active_s=self.active_s, good_s=self.good_s,
            wanted=wanted, hold_good_s=self.hold_good_s, holds_completed=self.holds_completed,
            hold_paused=paused, side=side, reps=reps, guide=guide,
        )
        return self._last

    # -- results ----------------------------------------------------------------

    def components(self) -> dict[str, float]:
        tech = self.tech
        out: dict[str, float] = {}
        for name in tech.weights:
            if name == "direction":
                value = self.good_s / self.active_s if self.active_s else 0.0
            elif name == "rate":
                value = self._rate[0] / self._rate[1] if self._rate[1] else 0.0
            elif name == "amplitude":
                value = self._amplitude[0] / self._amplitude[1] if self._amplitude[1] else 0.0
            elif name == "time":
                if self.sides is not None:
                    value = float(np.mean([min(w / self.sides.per_side_s, 1.0) for w in self.sides.work_s]))
                else:
                    value = min(self.good_s / tech.work_s, 1.0) if tech.work_s else 0.0
            elif name == "stillness":
                value = self.good_hold_s / self.attempt_s if self.attempt_s else 0.0
            elif name == "completion":
                target = tech.target_hold_s or 1.0
                value = 1.0 if self.holds_completed else min(self.longest_good_hold_s / target, 1.0)
            elif name == "reps":
                value = (self.rep_guide.state().reps_done / self.rep_guide.reps) if self.rep_guide else 0.0
            else:  # "followed": timers are scored by timer_coaching, not from frames
                value = 0.0
            out[name] = min(max(value, 0.0), 1.0)
        return out

    def _total(self, comps: dict[str, float]) -> float:
        weights = self.tech.weights
        total_w = sum(weights.values())
        return 100.0 * sum(weights[k] * comps[k] for k in comps) / total_w if total_w else 0.0

    def score(self) -> float:
        return self._total(self.components())

    @property
    def last(self) -> Progress:
        return self._last

    def top_corrections(self, n: int = 2, min_s: float = 1.0) -> list[dict]:
        ranked = sorted(self.cue_s.items(), key=lambda kv: -kv[1])
        out = []
        for cue_id, secs in ranked[:n]:
            if secs < min_s:
                continue
            cue = self.tech.cue(cue_id)
            out.append({"cue": cue_id, "say": cue.say, "tip": cue.tip or cue.say, "seconds": round(secs, 1)})
        return out

    def next_steps(self, score: float, comps: dict[str, float], corrections: list[dict]) -> list[str]:
        tech = self.tech
        steps = []
        if self.total_s and self.active_s < 0.5 * self.total_s:
            steps.append("Keep your hand and foot in the picture: the coach can only judge what it sees.")
        if corrections:
            steps.append(corrections[0]["tip"])
        if self.holds and tech.target_hold_s and not self.holds_completed:
            steps.append(f"Hold one spot for the full {tech.target_hold_s:.0f} s: "
                         "the timer counts only while you stay still.")
        if self.rep_guide and not self.rep_guide.state().done:
            steps.append(f"Finish the set: {self.rep_guide.reps} repetitions while holding the spot.")
        if "time" in comps and comps["time"] < 1.0 and tech.work_s:
            if self.sides is not None:
                left = [f"{s} {max(tech.work_s - w, 0) / 60:.1f} min" for s, w in zip(self.sides.sides,
                                                                                self.sides.work_s)
                        if w < tech.work_s]
                steps.append("Keep going: " + ", ".join(left) + " to go.")
            else:
                steps.append(f"Keep it up longer: aim for {tech.work_s / 60:g} min in total "
                             f"({self.good_s / 60:.1f} min done right).")
        if score >= 80 and tech.next_step:
            steps.append(tech.next_step)
        if not steps:
            steps.append(tech.next_step or "Keep practising.")
        return steps[:3]

    def debrief(self) -> dict:
        comps = self.components()
        score = self._total(comps)
        corrections = self.top_corrections()
        out = {
            "technique": self.tech.name,
            "title": self.tech.title,
            "time_s": round(self.total_s, 1),
            "hand_in_view_s": round(self.active_s, 1),
            "good_s": round(self.good_s, 1),
            "score": round(score),
            "components": {k: round(v, 3) for k, v in comps.items()},
            "top_corrections": corrections,
            "next": self.next_steps(score, comps, corrections),
        }
        if self.holds:
            out["holds_completed"] = self.holds_completed
            out["longest_good_hold_s"] = round(self.longest_good_hold_s, 1)
        if self.sides is not None:
            out["sides"] = [{"side": s, "work_s": round(w, 1)} for s, w in zip(self.sides.sides, self.sides.work_s)]
        if self.rep_guide is not None:
            out["reps_done"] = self.rep_guide.state().reps_done
        return out


# --------------------------------------------------------------------------- reports

def states_from_report(report) -> list[MotionState]:
    """Per-frame MotionStates rebuilt from a report: label and thumb per frame, stroke figures
    from the frame's segment, hold time from the hold's start (the scorer measures drift itself)."""
    segments = list(report.segments)
    out: list[MotionState] = []
    k = 0
    for f in report.frames:
        while k + 1 < len(segments) and f.t >= segments[k + 1].start_s - 1e-9:
            k += 1
        seg = segments[k] if segments else None
        rate = amplitude = None
        if seg is not None and seg.label == f.label and f.label in STROKE_LABELS:
            rate, amplitude = seg.rate_per_min, seg.amplitude_palm
        hold_s = f.t - seg.start_s if seg is not None and f.label == HOLD and seg.label == HOLD else 0.0
        out.append(MotionState(t=f.t, label=f.label, thumb_xy=f.thumb_xy, palm_px=f.palm_px,
                               angle_to_grain_deg=f.angle_to_grain_deg, rate_per_min=rate,
                               amplitude_palm=amplitude, hold_s=hold_s))
    return out


def safety_notes(tech: Technique) -> dict:
    notes = {"warnings": list(SAFETY.warnings), "disclaimer": SAFETY.disclaimer,
             "camera_limits": SAFETY.camera_limits}
    if tech.camera_cannot_see:
        notes["camera_cannot_see"] = f"The camera cannot see {tech.camera_cannot_see}."
    return notes


def coaching_section(tech: Technique | str, scorer: TechniqueScorer | None = None) -> dict:
    """The report's "coaching" object: targets, score, components, debrief and the safety notes."""
    tech = technique(tech) if isinstance(tech, str) else tech
    out = {"technique": tech.name, "title": tech.title, "kind": tech.kind, "targets": tech.targets(),
           "targets_text": tech.describe_targets()}
    if tech.kind == "timer" or scorer is None:
        out.update(score=None, components={}, debrief={
            "technique": tech.name, "title": tech.title, "score": None, "top_corrections": [],
            "next": [f"{tech.title} needs no camera: run it as a guided timer on the live page."]})
    else:
        debrief = scorer.debrief()
        out.update(score=debrief["score"], components=debrief["components"], debrief=debrief)
    out.update(safety_notes(tech))
    return out


def coaching_for_report(report, technique_name: str) -> dict:
    """Score a finished report's frames for a technique: the same scorer the live page runs."""
    tech = technique(technique_name)
    if tech.kind == "timer":
        return coaching_section(tech)
    scorer = TechniqueScorer(tech)
    for state in states_from_report(report):
        scorer.update(state)
    return coaching_section(tech, scorer)


def timer_coaching(tech: Technique | str, elapsed_s: float) -> dict:
    """A guided timer's debrief: how much of the routine was followed."""
    tech = technique(tech) if isinstance(tech, str) else tech
    routine = TimerRoutine.from_technique(tech)
    state = routine.at(elapsed_s)
    score = round(100 * state.fraction)
    return {"technique": tech.name, "title": tech.title, "score": score,
            "components": {"followed": round(state.fraction, 3)},
            "time_s": round(min(elapsed_s, routine.total_s), 1),
            "top_corrections": [],
            "next": [routine.done_text if state.done else
                     f"Finish all {routine.rounds} rounds next time ({state.step.round - 1} completed)."]}
