"""Time-driven routines: guided timers (contrast bath), side switches (calf work), repetition guides.

Pure: every object is advanced by the caller's times (seconds), so tests inject
any clock. ``RoutineClock`` is the only piece that reads the wall clock; its
``speed`` (CROSSGRAIN_ROUTINE_SPEED, default 1) lets demos and browser tests
run a 12-minute contrast bath in seconds.
"""

from __future__ import annotations

import math
import os
import time
from dataclasses import dataclass
from typing import Callable

SPEED_ENV = "CROSSGRAIN_ROUTINE_SPEED"
HEADS_UP_S = 10.0  # "next: ... in 10 s" before a step ends
SWITCH_CUE_S = 15.0  # the side-switch cue stays this long


def _minutes(seconds: float) -> str:
    return f"{seconds / 60:g} min" if seconds >= 60 else f"{seconds:g} s"


def fmt_clock(seconds: float) -> str:
    seconds = max(0, math.ceil(seconds - 1e-9))
    return f"{seconds // 60}:{seconds % 60:02d}"


# --------------------------------------------------------------------------- guided timer

@dataclass(frozen=True)
class TimerStep:
    name: str
    seconds: float
    round: int  # 1-based
    start_s: float

    @property
    def end_s(self) -> float:
        return self.start_s + self.seconds


@dataclass(frozen=True)
class TimerState:
    """Where a guided timer stands ``elapsed_s`` after its start."""

    elapsed_s: float
    total_s: float
    index: int  # step index; len(steps) once done
    step: TimerStep | None
    rounds: int
    remaining_s: float  # of this step
    done: bool
    cue: str  # what to do now
    heads_up: str | None  # what comes next, in the last HEADS_UP_S of a step

    @property
    def fraction(self) -> float:
        return min(self.elapsed_s / self.total_s, 1.0) if self.total_s else 1.0


class TimerRoutine:
    """Phases repeated for some rounds, e.g. warm 3 min then cold 1 min, three rounds."""

    def __init__(self, phases: tuple[tuple[str, float], ...], rounds: int = 1, done_text: str = "Done."):
        if not phases or rounds < 1:
            raise ValueError("a timer routine needs at least one phase and one round")
        self.rounds = rounds
        self.done_text = done_text
        steps, start = [], 0.0
        for r in range(1, rounds + 1):
            for name, seconds in phases:
                steps.append(TimerStep(name, float(seconds), r, start))
                start += float(seconds)
        self.steps = tuple(steps)
        self.total_s = start

    @classmethod
    def from_technique(cls, tech) -> "TimerRoutine":
        return cls(tech.phases, tech.rounds, done_text=f"Done: {tech.next_step}".strip())

    def step_cue(self, step: TimerStep) -> str:
        return f"Round {step.round} of {self.rounds}: {step.name.lower()} for {_minutes(step.seconds)}"

    def cues(self) -> list[str]:
        """Every cue in order, the last one being the end."""
        return [self.step_cue(s) for s in self.steps] + [self.done_text]

    def at(self, elapsed_s: float) -> TimerState:
        elapsed_s = max(float(elapsed_s), 0.0)
        for k, step in enumerate(self.steps):
            if elapsed_s < step.end_s:
                remaining = step.end_s - elapsed_s
                heads_up = None
                if remaining <= HEADS_UP_S and k + 1 < len(self.steps):
                    heads_up = f"Next: {self.steps[k + 1].name.lower()} in {math.ceil(remaining)} s"
                elif remaining <= HEADS_UP_S:
                    heads_up = f"Last {math.ceil(remaining)} s"
                return TimerState(elapsed_s, self.total_s, k, step, self.rounds, remaining, False,
                                  self.step_cue(step), heads_up)
        return TimerState(elapsed_s, self.total_s, len(self.steps), None, self.rounds, 0.0, True,
                          self.done_text, None)


def routine_speed(env: dict | None = None) -> float:
    """CROSSGRAIN_ROUTINE_SPEED as a positive factor (default 1: real time)."""
    raw = (env if env is not None else os.environ).get(SPEED_ENV, "").strip()
    try:
        value = float(raw) if raw else 1.0
    except ValueError:
        return 1.0
    return value if math.isfinite(value) and value > 0 else 1.0


class RoutineClock:
    """Elapsed routine time from a monotonic clock, times ``speed``; can be paused and resumed."""

    def __init__(self, speed: float = 1.0, clock: Callable[[], float] = time.monotonic):
        self.speed = speed
        self._clock = clock
        self._start: float | None = None
        self._banked = 0.0

    @property
    def running(self) -> bool:
        return self._start is not None

    def start(self) -> None:
        if self._start is None:
            self._start = self._clock()

    def pause(self) -> None:
        if self._start is not None:
            self._banked += (self._clock() - self._start) * self.speed
            self._start = None

    def reset(self) -> None:
        self._start, self._banked = None, 0.0

    def elapsed(self) -> float:
        running = 0.0 if self._start is None else (self._clock() - self._start) * self.speed
        return self._banked + running


# --------------------------------------------------------------------------- side switch

@dataclass(frozen=True)
class SideState:
    index: int  # the side being worked now (stays on the last one when all are done)
    side: str
    work_s: tuple[float, ...]  # time under work per side
    per_side_s: float
    switch_cue: str | None  # shown for SWITCH_CUE_S after a switch
    done: bool

    @property
    def remaining_s(self) -> float:
        return max(self.per_side_s - self.work_s[self.index], 0.0)


class SideSwitch:
    """Time under work per side; when one side has its time, the next begins, with a cue."""

    def __init__(self, sides: tuple[str, ...], per_side_s: float):
        if not sides or per_side_s <= 0:
            raise ValueError("a side switch needs sides and a positive time per side")
        self.sides = tuple(sides)
        self.per_side_s = float(per_side_s)
        self.index = 0
        self.work_s = [0.0] * len(self.sides)
        self._switched_at: float | None = None
        self.switches: list[float] = []  # times of the switches

    @property
    def done(self) -> bool:
        return self.work_s[-1] >= self.per_side_s

    def update(self, t: float, working_dt: float) -> SideState:
        """Add ``working_dt`` seconds of work at time ``t`` to the current side."""
        if working_dt > 0 and not self.done:
            self.work_s[self.index] = min(self.work_s[self.index] + working_dt, self.per_side_s)
            if self.work_s[self.index] >= self.per_side_s and self.index + 1 < len(self.sides):
                self.switch(t)
        return self.state(t)

    def switch(self, t: float) -> None:
        """Move to the next side (automatically when a side is done, or when the user asks)."""
        if self.index + 1 < len(self.sides):
            self.index += 1
            self._switched_at = t
            self.switches.append(t)

    def state(self, t: float) -> SideState:
        cue = None
        if self._switched_at is not None and t - self._switched_at < SWITCH_CUE_S:
            cue = (f"{self.sides[self.index - 1].capitalize()} done: switch to the {self.sides[self.index]}")
        if self.done:
            cue = f"All {len(self.sides)} sides done"
        return SideState(self.index, self.sides[self.index], tuple(self.work_s), self.per_side_s, cue, self.done)


# --------------------------------------------------------------------------- repetitions

@dataclass(frozen=True)
class RepState:
    reps_done: int
    reps: int
    phase: str  # what to do now ("Curl your toes down" ...), or "" once done
    phase_remaining_s: float
    done: bool

    @property
    def cue(self) -> str:
        if self.done:
            return f"Set done: {self.reps} repetitions"
        return f"{self.phase} (repetition {self.reps_done + 1} of {self.reps})"


class RepGuide:
    """Repetitions of timed phases, advanced only by the time the caller says counts (a good hold)."""

    def __init__(self, phases: tuple[tuple[str, float], ...], reps: int):
        if not phases or reps < 1:
            raise ValueError("a repetition guide needs phases and at least one repetition")
        self.phases = tuple((n, float(s)) for n, s in phases)
        self.reps = reps
        self.rep_s = sum(s for _, s in self.phases)
        self.progress_s = 0.0

    def update(self, good_dt: float) -> RepState:
        self.progress_s = min(self.progress_s + max(good_dt, 0.0), self.rep_s * self.reps)
        return self.state()

    def state(self) -> RepState:
        done_reps = int(self.progress_s // self.rep_s + 1e-9)
        if done_reps >= self.reps:
            return RepState(self.reps, self.reps, "", 0.0, True)
        into = self.progress_s - done_reps * self.rep_s
        for name, seconds in self.phases:
            if into < seconds:
                return RepState(done_reps, self.reps, name, seconds - into, False)
            into -= seconds
        return RepState(done_reps, self.reps, self.phases[-1][0], 0.0, False)  # pragma: no cover
