"""CueSelector: which live correction to show, chosen by priority, with a cooldown and fading.

Pure and streaming: call ``update(t, wanted)`` once a frame with the corrections
that apply now (most important first, from ``coach.wanted_cues``) and show the
returned CueView. The rules:

* **Priority**: the first wanted cue is the one that matters most.
* **No flicker**: a correction must be wanted for ``confirm_s`` before it is
  shown, stays up at least ``min_show_s``, and a new correction replaces
  another at most once every ``cooldown_s`` (urgent cues, such as no hand,
  skip the wait and the cooldown; the very first cue of a session is shown
  at once: there is nothing yet for it to flicker against).
* **Fading**: ``skill`` is the share of recent time (time constant
  ``fade_tau_s``) spent within the targets. The confirm time and the cooldown
  grow with it, by up to ``1 + fade_gain`` times, so a user who keeps within
  the targets gets fewer, later cues, and a brief slip is let go.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from ..core.params import Checked
from .techniques import Cue


@dataclass(frozen=True)
class CueParams(Checked):
    confirm_s: float = 0.5
    min_show_s: float = 2.0
    cooldown_s: float = 4.0
    fade_tau_s: float = 20.0
    fade_gain: float = 3.0

    def __post_init__(self) -> None:
        self.check(positive=("fade_tau_s",), non_negative=("confirm_s", "min_show_s", "cooldown_s", "fade_gain"))


@dataclass(frozen=True)
class CueView:
    """What the page shows: the cue (None: nothing to correct) and how faded the coaching is."""

    cue: Cue | None
    since_t: float | None
    skill: float  # 0..1, the recent share of time within the targets

    @property
    def text(self) -> str | None:
        return None if self.cue is None else self.cue.say


class CueSelector:
    def __init__(self, params: CueParams = CueParams()):
        self.params = params
        self.skill = 0.0
        self._shown: Cue | None = None
        self._shown_since: float | None = None
        self._last_new_t: float | None = None  # when a correction last appeared
        self._pending: Cue | None = None
        self._pending_since = 0.0
        self.history: list[tuple[float, str | None]] = []  # (t, cue id or None) at every change

    def fade_factor(self) -> float:
        return 1.0 + self.params.fade_gain * self.skill

    def update(self, t: float, wanted: list[Cue], credited_s: float) -> CueView:
        """The cue to show at ``t``; ``credited_s`` is the time this frame adds (the FrameClock's,
        a stall already cut short there), over which skill moves towards within-targets or not."""
        p = self.params
        dt = credited_s
        ok = 1.0 if not wanted else 0.0
        self.skill += (1.0 - math.exp(-dt / p.fade_tau_s)) * (ok - self.skill)
        top = wanted[0] if wanted else None
        shown_for = 0.0 if self._shown_since is None else t - self._shown_since

        if top is None:
            self._pending = None
            if self._shown is not None and shown_for >= p.min_show_s:
                self._set(None, t)
            return self._view()
        if self._shown is not None and top.id == self._shown.id:
            self._pending = None
            return self._view()
        if (self._shown is not None and shown_for >= p.min_show_s
                and all(c.id != self._shown.id for c in wanted)):
            self._set(None, t)  # fixed: take the old correction down while the next one waits its turn
        if self._pending is None or self._pending.id != top.id:
            self._pending, self._pending_since = top, t
        waited = t - self._pending_since
        first = self._last_new_t is None
        if top.urgent or first:
            ready = True
        else:
            ready = (waited >= p.confirm_s * self.fade_factor()
                     and (self._shown is None or t - self._shown_since >= p.min_show_s)
                     and t - self._last_new_t >= p.cooldown_s * self.fade_factor())
        if ready:
            self._set(top, t)
            self._last_new_t = t
            self._pending = None
        return self._view()

    def _set(self, cue: Cue | None, t: float) -> None:
        self._shown, self._shown_since = cue, t
        self.history.append((t, None if cue is None else cue.id))

    def _view(self) -> CueView:
        return CueView(self._shown, self._shown_since, self.skill)
