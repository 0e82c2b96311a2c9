"""The coaching stage: per frame, is this right for the technique, the score so far, progress, the cue.

Pure and streaming, one instance per coached stream: ``step(...)`` once a frame
with the frame's label, figures, hold reading and credited seconds (all from
the engine's earlier stages, never recomputed here) returns an immutable
CoachingState that the frame's verdict carries. The debrief and the report's
"coaching" section are functions of the last state. The technique's kind
(vision/coach/kinds.py) decides what is work, what is right, the score and
progress.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..core.holds import HoldReading
from ..core.labels import STROKE_LABELS, Label
from .cues import CueSelector
from .kinds import FrameFacts, Totals, closeness, kind_for
from .routines import RepGuide, SideSwitch, TimerRoutine
from .techniques import Cue, Technique, quality, registry, technique, wanted_cues

HOLD_DONE_SHOWN_S = 10.0  # "hold complete" stays up this long


@dataclass(frozen=True)
class CoachingState:
    """The coaching side of one frame's verdict. Seconds are sums of credited frame time."""

    technique: str
    quality: str  # the badge: 'good' | 'warn' | 'bad' | 'idle'
    work: bool  # this frame counts toward the score
    right: bool  # this frame is done right for the technique
    total_s: float = 0.0
    active_s: float = 0.0  # a hand in view
    work_s: float = 0.0
    right_s: float = 0.0  # "time done right"
    wrong_s: float = 0.0
    score: float | None = None  # 0..100, how well the work done matched the technique; None before any work
    progress: float = 0.0  # 0..1 of the technique's target (time, hold, sides, repetitions)
    components: tuple[tuple[str, float], ...] = ()
    hold_good_s: float = 0.0  # the hold timer: still time in the hold in progress
    longest_good_hold_s: float = 0.0
    longest_hold_s: float = 0.0  # the longest hold as the thumb timed it (vision/core/holds.py)
    holds_completed: int = 0
    hold_paused: str | None = None  # why the hold timer is paused, in words
    guide: str | None = None  # routine guidance now: switch sides, curl the toes, hold done
    side: str | None = None
    side_work_s: tuple[float, ...] = ()
    reps_done: int | None = None
    cue: Cue | None = None  # the correction shown (priority, cooldown, fading: vision/coach/cues.py)
    raw_cue: Cue | None = None  # the most important correction this very frame
    cue_skill: float = 0.0
    cue_seconds: tuple[tuple[str, float], ...] = ()  # seconds each correction was the most important

    @property
    def correction(self) -> str | None:
        return None if self.cue is None else self.cue.say


class CoachingStage:
    def __init__(self, tech: Technique | str | None):
        self.tech = tech if isinstance(tech, Technique) else technique(tech)
        self.kind = kind_for(self.tech)
        t = self.tech
        self._totals = Totals()
        self._cues = CueSelector()
        self._cue_s: dict[str, float] = {}
        self._stroke_since: float | None = None
        self._sides = SideSwitch(t.sides, t.work_s) if t.sides and t.work_s else None
        self._reps = RepGuide(t.rep_phases, t.reps) if t.reps and t.rep_phases else None
        self._hold_start: float | None = None  # start of the hold the timer belongs to
        self._hold_good_s = 0.0
        self._best_ended_good_s = 0.0
        self._longest_ended_s = 0.0
        self._completed_t: float | None = None
        self._unjudged: list[tuple[float, float]] = []  # (t, credited s) of the run of "settling" frames just seen

    def _backdated_s(self, t: float, dt: float, label: Label, hold: HoldReading) -> float:
        """Seconds of "settling" frames that the hold confirmed at this frame covers: credited to it now.

        Until the motion test has watched the thumb long enough its frames are
        not judged (vision/core/motion.py); once the thumb proves still, the
        hold stage dates the hold back to when the thumb came to rest, and the
        seconds in between count as the hold they were (a 90 s hold from the
        first frame is 90 s of work done right, not 89).
        """
        if label == Label.SETTLING:
            self._unjudged.append((t, dt))
            return 0.0
        unjudged, self._unjudged = self._unjudged, []
        if label != Label.HOLD or hold.start_s is None:
            return 0.0
        return sum(d for ti, d in unjudged if ti > hold.start_s)

    def step(self, t: float, credited_s: float, label: Label, rate_per_min: float | None,
             amplitude_palm: float | None, hold: HoldReading) -> CoachingState:
        tech, totals, dt = self.tech, self._totals, credited_s
        if label in STROKE_LABELS:
            self._stroke_since = t if self._stroke_since is None else self._stroke_since
        else:
            self._stroke_since = None
        facts = FrameFacts(label=label, rate_per_min=rate_per_min, amplitude_palm=amplitude_palm,
                           hold_drift_palm=hold.drift_palm,
                           stroke_run_s=0.0 if self._stroke_since is None else t - self._stroke_since)
        judged = self.kind.judge(facts)
        totals.total_s += dt
        if label != Label.NO_HAND:
            totals.active_s += dt
        done = dt + self._backdated_s(t, dt, label, hold)  # this frame, and the unjudged ones it proves
        if judged.work:
            totals.work_s += done
        if judged.right:
            totals.right_s += done
            if label in STROKE_LABELS:
                if rate_per_min and tech.rate_range_per_min:
                    c = closeness(rate_per_min, *tech.rate_range_per_min)
                    totals.rate_closeness = (totals.rate_closeness[0] + c * dt, totals.rate_closeness[1] + dt)
                if amplitude_palm is not None and tech.amplitude_range_palm:
                    c = closeness(amplitude_palm, *tech.amplitude_range_palm)
                    totals.amplitude_closeness = (totals.amplitude_closeness[0] + c * dt,
                                                  totals.amplitude_closeness[1] + dt)
        if judged.wrong:
            totals.wrong_s += done

        paused = self._time_hold(t, dt, label, hold, judged.right)
        guide = None
        reps_done = None
        if self._reps is not None:
            reps = self._reps.update(done if judged.right and label == Label.HOLD else 0.0)
            totals.reps_fraction = reps.reps_done / reps.reps
            reps_done = reps.reps_done
            guide = reps.cue if not paused or reps.done else f"{reps.cue} (paused: hold still on the spot)"
        if self._completed_t is not None and t - self._completed_t < HOLD_DONE_SHOWN_S:
            guide = (f"Hold {totals.holds_completed} complete ({tech.target_hold_s:.0f} s): "
                     "ease off, then find the next spot")
        side = None
        if self._sides is not None:
            side = self._sides.update(t, done if judged.right else 0.0)
            totals.side_fraction = sum(min(w / side.per_side_s, 1.0) for w in side.work_s) / len(side.work_s)
            guide = side.switch_cue or (f"{side.side.capitalize()}: {side.remaining_s:.0f} s to go"
                                        if not side.done else None)

        wanted = wanted_cues(facts, tech)
        if wanted and wanted[0].id != "no_hand":
            self._cue_s[wanted[0].id] = self._cue_s.get(wanted[0].id, 0.0) + dt
        cue = self._cues.update(t, wanted, credited_s)
        comps = self.kind.components(totals)
        return CoachingState(
            technique=tech.name, quality=quality(label, judged.right, tech), work=judged.work, right=judged.right,
            total_s=totals.total_s, active_s=totals.active_s, work_s=totals.work_s, right_s=totals.right_s,
            wrong_s=totals.wrong_s, score=self.kind.score(totals), progress=self.kind.progress(totals),
            components=tuple(comps.items()), hold_good_s=self._hold_good_s,
            longest_good_hold_s=totals.longest_good_hold_s,
            longest_hold_s=max(self._longest_ended_s, hold.hold_s), holds_completed=totals.holds_completed,
            hold_paused=paused, guide=guide, side=side.side if side else None,
            side_work_s=side.work_s if side else (), reps_done=reps_done, cue=cue.cue,
            raw_cue=wanted[0] if wanted else None, cue_skill=cue.skill,
            cue_seconds=tuple(self._cue_s.items()),
        )

    def _time_hold(self, t: float, dt: float, label: Label, hold: HoldReading, right: bool) -> str | None:
        """The hold timer: still seconds of the hold in progress (back-dated to when the thumb came to rest).

        It pauses while the thumb slides or drifts and goes on if the same hold
        resumes (the hold stage joins it); a new hold starts it afresh.
        """
        totals, tech = self._totals, self.tech
        if hold.ended is not None:
            self._longest_ended_s = max(self._longest_ended_s, hold.ended.duration_s)
            self._hold_good_s = min(self._hold_good_s, hold.ended.duration_s)
            self._best_ended_good_s = max(self._best_ended_good_s, self._hold_good_s)
        if hold.start_s is not None and hold.start_s != self._hold_start:
            self._hold_start = hold.start_s
            self._hold_good_s = hold.hold_s  # the thumb was at rest since then
        elif label == Label.HOLD and right:
            self._hold_good_s += dt
        paused = None
        if self.kind.name == "hold":
            if tech.target_hold_s and self._hold_good_s >= tech.target_hold_s:
                totals.holds_completed += 1
                self._completed_t = t
                self._best_ended_good_s = max(self._best_ended_good_s, self._hold_good_s)
                self._hold_good_s = 0.0
                self._hold_start = hold.start_s  # this hold is done; a new one starts after it
            if label in STROKE_LABELS:
                paused = "sliding: the hold timer is paused"
            elif label == Label.HOLD and not right:
                paused = "drifting off the spot: the hold timer is paused"
            elif label == Label.NO_HAND and self._hold_good_s > 0:
                paused = "no hand in view: the hold timer is paused"
        current = self._hold_good_s if label == Label.HOLD else 0.0
        totals.longest_good_hold_s = max(self._best_ended_good_s, current)
        return paused


# --------------------------------------------------------------------------- debrief and report

def top_corrections(state: CoachingState, tech: Technique, n: int = 2, min_s: float = 1.0) -> list[dict]:
    ranked = sorted(state.cue_seconds, key=lambda kv: -kv[1])
    out = []
    for cue_id, secs in ranked[:n]:
        cue = tech.cue(cue_id)
        if secs < min_s or cue is None:
            continue
        out.append({"cue": cue_id, "say": cue.say, "tip": cue.tip or cue.say, "seconds": round(secs, 1)})
    return out


def next_steps(state: CoachingState, tech: Technique, corrections: list[dict] = ()) -> list[str]:
    """What to do next time: not the corrections again (they are listed apart), but the targets left.

    ``corrections`` are the debrief's top corrections: a step on the same subject (the hand out of
    the picture) or with the same words is left out, so no tip is given twice.
    """
    corrected = {c.get("cue") for c in corrections}
    said = {c.get(k) for c in corrections for k in ("tip", "say")}
    steps = []
    if state.total_s and state.active_s < 0.5 * state.total_s and "no_hand" not in corrected:
        steps.append("Keep your hand and foot in the picture: the coach can only judge what it sees.")
    if tech.kind == "hold" and tech.target_hold_s and not state.holds_completed:
        steps.append(f"Hold one spot for the full {tech.target_hold_s:.0f} s: "
                     "the timer counts only while you stay still.")
    if tech.reps and (state.reps_done or 0) < tech.reps:
        steps.append(f"Finish the set: {tech.reps} repetitions while holding the spot.")
    if tech.kind == "strokes" and tech.work_s and state.progress < 1.0:
        if tech.sides and state.side_work_s:
            left = [f"{s} {max(tech.work_s - w, 0) / 60:.1f} min" for s, w in zip(tech.sides, state.side_work_s)
                    if w < tech.work_s]
            steps.append("Keep going: " + ", ".join(left) + " to go.")
        else:
            steps.append(f"Keep it up longer: aim for {tech.work_s / 60:g} min done right "
                         f"({state.right_s / 60:.1f} min this time).")
    if (state.score or 0) >= 80 and tech.next_step:
        steps.append(tech.next_step)
    steps = [step for step in steps if step not in said]
    if not steps:
        steps.append(tech.next_step or "Keep practising.")
    return steps[:3]


def debrief(state: CoachingState, tech: Technique) -> dict:
    out = {
        "technique": tech.name,
        "title": tech.title,
        "time_s": round(state.total_s, 1),
        "hand_in_view_s": round(state.active_s, 1),
        "work_s": round(state.work_s, 1),
        "good_s": round(state.right_s, 1),
        "score": None if state.score is None else round(state.score),
        "progress": round(state.progress, 3),
        "components": {k: round(v, 3) for k, v in state.components},
        "top_corrections": (corrections := top_corrections(state, tech)),
        "next": next_steps(state, tech, corrections),
    }
    if tech.kind == "hold":
        out["holds_completed"] = state.holds_completed
        out["longest_good_hold_s"] = round(state.longest_good_hold_s, 1)
    if tech.sides and state.side_work_s:
        out["sides"] = [{"side": s, "work_s": round(w, 1)} for s, w in zip(tech.sides, state.side_work_s)]
    if state.reps_done is not None:
        out["reps_done"] = state.reps_done
    return out


def safety_notes(tech: Technique) -> dict:
    safety = registry().safety
    notes = {"warnings": list(safety.warnings), "disclaimer": safety.disclaimer,
             "camera_limits": safety.camera_limits}
    if tech.camera_cannot_see:
        notes["camera_cannot_see"] = f"The camera cannot see {tech.camera_cannot_see}."
    return notes


def coaching_section(tech: Technique | str, state: CoachingState | None = None) -> dict:
    """The report's "coaching" object: targets, score, progress, debrief and the safety notes."""
    tech = technique(tech) if isinstance(tech, str) else tech
    out = {"technique": tech.name, "title": tech.title, "kind": tech.kind, "targets": tech.targets(),
           "targets_text": tech.describe_targets()}
    if not tech.camera or state is None:
        out.update(score=None, progress=None, components={}, debrief={
            "technique": tech.name, "title": tech.title, "score": None, "top_corrections": [],
            "next": [f"{tech.title} needs no camera: run it as a guided timer on the live page."]})
    else:
        d = debrief(state, tech)
        out.update(score=d["score"], progress=d["progress"], components=d["components"], debrief=d)
    out.update(safety_notes(tech))
    return out


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
