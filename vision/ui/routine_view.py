"""Guided timers (techniques the camera cannot judge): the run kept by the page and its view.

A RoutineRun holds the technique and a clock (faster for demos and tests); routine_view
turns it into the current cue, the time left and the list of steps to show.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..coach.techniques import technique
from ..coach.routines import RoutineClock, TimerRoutine, fmt_clock, routine_speed


@dataclass
class RoutineRun:
    """A guided timer in progress (kept in st.session_state); the clock may run faster for demos."""

    technique_name: str
    clock: RoutineClock = field(default_factory=lambda: RoutineClock(routine_speed()))

    @property
    def routine(self) -> TimerRoutine:
        return TimerRoutine.from_technique(technique(self.technique_name))


@dataclass(frozen=True)
class RoutineView:
    status: str  # 'ready' | 'running' | 'paused' | 'done'
    cue: str
    heads_up: str | None
    remaining: str  # of this step, m:ss
    total_remaining: str
    fraction: float
    steps: tuple  # ((cue, 'done'|'now'|'next'), ...) in order, the end included
    score: int


def routine_view(run: RoutineRun) -> RoutineView:
    routine = run.routine
    elapsed = run.clock.elapsed()
    state = routine.at(elapsed)
    if state.done:
        status = "done"
    elif run.clock.running:
        status = "running"
    else:
        status = "paused" if elapsed > 0 else "ready"
    steps = []
    for k, cue in enumerate(routine.cues()):
        steps.append((cue, "done" if k < state.index else "now" if k == state.index else "next"))
    cue = state.cue if status != "ready" else f"Ready: {routine.step_cue(routine.steps[0])}"
    return RoutineView(status, cue, state.heads_up if status == "running" else None,
                       fmt_clock(state.remaining_s), fmt_clock(routine.total_s - min(elapsed, routine.total_s)),
                       state.fraction, tuple(steps), round(100 * state.fraction))


def routine_speed_env() -> str:
    from ..coach.routines import SPEED_ENV
    return SPEED_ENV
