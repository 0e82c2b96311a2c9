"""SoundCues: the stream of FrameVerdicts turned into timed sound events. Pure and streaming.

Call ``update(verdict)`` once a frame (the same verdicts the panel and the overlay show);
it returns the events that start at that verdict, each stamped with the verdict's time:

* **metronome** at the middle of the technique's target stroke rate, while a hand is in
  view (``rate_per_min`` None stops it). It turns quieter (``level``) once the user keeps
  within the targets.
* **tone_off** when the work goes off target (the badge turns amber or red after being
  green or idle), **tone_on** when it is back on target (only after a tone_off).
* **speech** for the correction the coach shows (verdict.coaching.cue: priority,
  confirm time, cooldown and fading are already the CueSelector's), said when it
  appears and again if it is still shown ``repeat_s`` later; hold milestones (30, 60,
  90 s below the target, then "hold complete"); side switches and repetition phases.

Fading applies to sound as to text: the text cue already fades (CueSelector), and a
skilled user (verdict.coaching.cue_skill near 1) lets a brief slip go: the off tone
waits ``off_confirm_s * skill * fade_gain`` before sounding, repeats come later and the
tones keep a cooldown that grows the same way.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..coach.techniques import Technique, technique
from ..core.params import Checked
from ..core.verdict import FrameVerdict
from .phrases import HOLD_MILESTONES_S, REP_PHASES, cue_phrase

OFF_QUALITIES = ("bad", "warn")


@dataclass(frozen=True)
class SoundEvent:
    """One sound to start at stream time ``t`` (seconds, the verdict's)."""

    t: float
    kind: str  # 'metronome' | 'tone_off' | 'tone_on' | 'speech'
    phrase: str | None = None  # speech: the phrase key (vision/sound/phrases.py)
    rate_per_min: float | None = None  # metronome: beats a minute, None stops it
    level: float = 1.0  # metronome: relative loudness
    why: str = ""  # the cue id or milestone that caused it (for logs and tests)


@dataclass(frozen=True)
class SoundCueParams(Checked):
    off_confirm_s: float = 0.5  # times skill x fade_gain: how long a skilled user may be off before the tone
    fade_gain: float = 3.0  # as CueParams.fade_gain
    tone_cooldown_s: float = 2.0  # at least this between two tones of one kind (times the fade factor)
    repeat_s: float = 12.0  # a correction still shown is said again after this (times the fade factor)
    metronome_off_after_s: float = 1.5  # no hand this long stops the metronome
    quiet_skill: float = 0.8  # the metronome turns down above this skill ...
    loud_skill: float = 0.6  # ... and up again below this
    quiet_level: float = 0.5

    def __post_init__(self) -> None:
        self.check(non_negative=("off_confirm_s", "fade_gain", "tone_cooldown_s", "metronome_off_after_s"),
                   positive=("repeat_s", "quiet_level"))
        if not 0 <= self.loud_skill <= self.quiet_skill <= 1:
            raise ValueError(f"need 0 <= loud_skill <= quiet_skill <= 1, got {self.loud_skill} and "
                             f"{self.quiet_skill}")


def metronome_rate(tech: Technique) -> float | None:
    """Beats a minute for a technique: the middle of its target stroke rate (None: no rate target)."""
    if tech.kind != "strokes" or not tech.rate_range_per_min:
        return None
    low, high = tech.rate_range_per_min
    return (low + high) / 2


class SoundCues:
    def __init__(self, tech: Technique | str | None = None, params: SoundCueParams = SoundCueParams()):
        self.tech = tech if isinstance(tech, Technique) else technique(tech)
        self.params = params
        self.beat_per_min = metronome_rate(self.tech)
        self._metronome_on = False
        self._level = 1.0
        self._last_hand_t: float | None = None
        self._target: str | None = None  # 'on' | 'off' as last sounded
        self._off_since: float | None = None
        self._last_tone_t: dict[str, float] = {}
        self._said_cue: str | None = None
        self._shown_cue: str | None = None
        self._shown_since: float | None = None
        self._said_cue_t = 0.0
        self._hold_prev_s = 0.0
        self._holds_completed = 0
        self._side: str | None = None
        self._sides_done = False
        self._rep_phase: str | None = None

    def fade_factor(self, skill: float) -> float:
        return 1.0 + self.params.fade_gain * skill

    def update(self, v: FrameVerdict) -> list[SoundEvent]:
        c = v.coaching
        if c is None:
            raise ValueError(f"frame {v.i}: the verdict carries no coaching state (run it through the engine)")
        out: list[SoundEvent] = []
        self._metronome(v, c, out)
        self._tones(v, c, out)
        self._speech(v, c, out)
        return out

    # ------------------------------------------------------------------ metronome
    def _metronome(self, v: FrameVerdict, c, out: list[SoundEvent]) -> None:
        if self.beat_per_min is None:
            return
        p = self.params
        if v.label != "no_hand":
            self._last_hand_t = v.t
        hand = self._last_hand_t is not None and v.t - self._last_hand_t < p.metronome_off_after_s
        level = self._level
        if c.cue_skill >= p.quiet_skill:
            level = p.quiet_level
        elif c.cue_skill < p.loud_skill:
            level = 1.0
        if hand and (not self._metronome_on or level != self._level):
            out.append(SoundEvent(v.t, "metronome", rate_per_min=self.beat_per_min, level=level,
                                  why="hand in view" if not self._metronome_on else "fading"))
            self._metronome_on = True
        elif not hand and self._metronome_on:
            out.append(SoundEvent(v.t, "metronome", rate_per_min=None, why="no hand"))
            self._metronome_on = False
        self._level = level

    # ------------------------------------------------------------------ tones
    def _tones(self, v: FrameVerdict, c, out: list[SoundEvent]) -> None:
        p = self.params
        fade = self.fade_factor(c.cue_skill)
        if c.quality in OFF_QUALITIES:
            if self._off_since is None:
                self._off_since = v.t
            wait = p.off_confirm_s * (fade - 1.0)
            if self._target != "off" and v.t - self._off_since >= wait and self._cooled("tone_off", v.t, fade):
                out.append(SoundEvent(v.t, "tone_off", why=f"{c.quality}: {v.label}"))
                self._target = "off"
                self._last_tone_t["tone_off"] = v.t
        else:
            self._off_since = None
            if c.quality == "good" and self._target == "off" and self._cooled("tone_on", v.t, 1.0):
                out.append(SoundEvent(v.t, "tone_on", why=f"good: {v.label}"))
                self._last_tone_t["tone_on"] = v.t
                self._target = "on"
            elif c.quality == "good":
                self._target = "on"

    def _cooled(self, kind: str, t: float, fade: float) -> bool:
        last = self._last_tone_t.get(kind)
        return last is None or t - last >= self.params.tone_cooldown_s * fade

    # ------------------------------------------------------------------ speech
    def _speech(self, v: FrameVerdict, c, out: list[SoundEvent]) -> None:
        tech, p = self.tech, self.params
        cue = c.cue
        if cue is None or c.raw_cue is None or c.raw_cue.id != cue.id:
            # nothing shown, or the correction on the page is no longer what is wrong now: nothing to say
            self._shown_cue, self._shown_since = (None, None) if cue is None else (cue.id, self._shown_since)
            if cue is None:
                self._said_cue = None
        else:
            if cue.id != self._shown_cue or self._shown_since is None:
                self._shown_cue, self._shown_since = cue.id, v.t
            fade = self.fade_factor(c.cue_skill)
            waited = v.t - self._shown_since >= p.off_confirm_s * (fade - 1.0)  # a skilled user's slip is let go
            phrase = cue_phrase(tech.name, cue.id)
            again = (cue.id == self._said_cue and cue.id != "no_hand"
                     and v.t - self._said_cue_t >= p.repeat_s * fade)
            if phrase and waited and (cue.id != self._said_cue or again):
                out.append(SoundEvent(v.t, "speech", phrase=phrase, why=cue.id))
                self._said_cue_t = v.t
                self._said_cue = cue.id
        # hold milestones
        if tech.kind == "hold" and tech.target_hold_s:
            now_s = c.hold_good_s
            if c.holds_completed > self._holds_completed:
                out.append(SoundEvent(v.t, "speech", phrase="hold_done", why="hold complete"))
            else:
                for m in HOLD_MILESTONES_S:
                    if m < tech.target_hold_s and self._hold_prev_s < m <= now_s:
                        out.append(SoundEvent(v.t, "speech", phrase=f"hold_{m}", why=f"hold {m} s"))
            self._hold_prev_s = now_s
            self._holds_completed = c.holds_completed
        # calf work: the side switch
        if c.side is not None:
            if self._side is not None and c.side != self._side:
                out.append(SoundEvent(v.t, "speech", phrase="switch_side", why=f"now {c.side}"))
            self._side = c.side
            done = bool(c.side_work_s) and tech.work_s is not None and c.side_work_s[-1] >= tech.work_s
            if done and not self._sides_done:
                out.append(SoundEvent(v.t, "speech", phrase="sides_done", why="all sides"))
            self._sides_done = done
        # active release: the phase of the repetition
        if c.reps_done is not None and c.guide:
            guide = c.guide.lower()
            phase = "set_done" if guide.startswith("set done") else next(
                (key for name, key in REP_PHASES.items() if guide.startswith(name)), None)
            if "paused" in guide:
                phase = self._rep_phase  # say nothing new while the hold is paused
            if phase and phase != self._rep_phase:
                out.append(SoundEvent(v.t, "speech", phrase=phase, why="repetition"))
            self._rep_phase = phase


def timer_phrase(step_name: str | None) -> str:
    """A guided timer step's phrase (contrast bath: warm, cold), "done" at the end (None)."""
    from .phrases import STEP_PHRASES
    if step_name is None:
        return "done"
    key = STEP_PHRASES.get(step_name.lower())
    if key is None:
        raise KeyError(f"no phrase for the timer step {step_name!r}; add it to STEP_PHRASES and run make sounds")
    return key


def timer_sound(routine, elapsed_s: float) -> tuple[int, str]:
    """What a guided timer (the contrast bath) says now: (step index, phrase); the index changes at each change
    of step, len(steps) once done. The page plays the announcement once per index."""
    state = routine.at(elapsed_s)
    return state.index, timer_phrase(state.step.name if state.step is not None else None)
