"""What the history says a person should do: the guide's rules, kept as plain functions.

- Tingling or electric shocks, reported after any session: stop and see someone. Always.
- Pain that has not come down over three weeks of sessions: see a professional
  (physiotherapist, podiatrist). A session's pain is the score given before it (how the
  foot is that day), or the one after when only that was given.
- What is due today: the morning release and the nightly calf work, with their streaks.

Pure: sessions in (anything with .day, .technique, .pain_before, .pain_after, .tingling),
advice out; the page and the CLI only show it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from statistics import mean

RULE_DAYS = 21  # the guide's three weeks
WEEK = 7
MIN_DROP = 1.0  # points on the 0-10 scale that count as "come down"
LOW_PAIN = 1.0  # at or below this, there is nothing left to come down

TINGLING_TEXT = ("You reported tingling or an electric-shock feeling. Stop massaging that foot and see a "
                 "professional (doctor, physiotherapist or podiatrist) before you carry on: "
                 "it can mean a nerve is irritated.")
SEE_SOMEONE_TEXT = ("Your pain has not come down over three weeks of sessions. Please see a professional "
                    "(physiotherapist or podiatrist): self-massage alone is not enough here.")

DAILY = (("morning_release", "Morning release", "morning"), ("calf_work", "Calf work", "evening"))


@dataclass(frozen=True)
class PainTrend:
    """The three-week check. status: no_scores, too_soon (days_left until it can be judged),
    improving, not_improving. Means are on the 0-10 scale, first week and last week."""

    status: str
    days_left: int = 0
    first_week_mean: float | None = None
    last_week_mean: float | None = None


@dataclass(frozen=True)
class Advice:
    level: str  # "stop" (tingling), "see" (three-week rule), "ok", "info"
    text: str


@dataclass(frozen=True)
class Due:
    technique: str
    title: str
    when: str  # "morning" or "evening"
    done_today: bool
    streak_days: int  # days in a row, ending today (or yesterday, when today is not done yet)


def session_pain(s) -> int | None:
    return s.pain_before if s.pain_before is not None else s.pain_after


def pain_trend(sessions, today: date) -> PainTrend:
    """Compare the first week of the last three weeks with the last week (means of daily pain)."""
    scored = sorted((s.day, p) for s in sessions if (p := session_pain(s)) is not None and s.day <= today)
    if not scored:
        return PainTrend("no_scores")
    first_day, last_day = scored[0][0], scored[-1][0]
    span = (last_day - first_day).days
    if span < RULE_DAYS:
        return PainTrend("too_soon", days_left=RULE_DAYS - span)
    start = last_day - timedelta(days=RULE_DAYS)
    before_start = [d for d, _ in scored if d <= start + timedelta(days=WEEK - 1)]
    anchor = before_start[-1]  # the latest scored day of the window's first week (or before it)
    first = [p for d, p in scored if anchor - timedelta(days=WEEK - 1) <= d <= anchor]
    last = [p for d, p in scored if d > last_day - timedelta(days=WEEK)]
    a, b = mean(first), mean(last)
    improving = b <= a - MIN_DROP or b <= LOW_PAIN
    return PainTrend("improving" if improving else "not_improving", 0, round(a, 1), round(b, 1))


def advice(sessions, today: date) -> list[Advice]:
    """The messages to show, most urgent first."""
    out = []
    tingling = [s.day for s in sessions if s.tingling]
    if tingling:
        out.append(Advice("stop", TINGLING_TEXT + f" Last reported on {max(tingling):%d %B %Y}."))
    trend = pain_trend(sessions, today)
    if trend.status == "not_improving":
        worse = " It has gone up." if trend.last_week_mean > trend.first_week_mean else ""
        out.append(Advice("see", SEE_SOMEONE_TEXT + f" Pain was {trend.first_week_mean:g} of 10 three weeks ago "
                                                    f"and {trend.last_week_mean:g} of 10 this last week.{worse}"))
    elif trend.status == "improving":
        out.append(Advice("ok", f"Your pain has come down: {trend.first_week_mean:g} of 10 three weeks ago, "
                                f"{trend.last_week_mean:g} of 10 this last week."))
    elif trend.status == "too_soon":
        out.append(Advice("info", f"Give pain scores with your sessions: in {trend.days_left} more days "
                                  "CrossGrain can tell whether your pain is coming down."))
    else:
        out.append(Advice("info", "Give a pain score (0-10) with your sessions to see whether it comes down."))
    return out


def streak(days: set[date], today: date) -> int:
    """Days in a row with a session, ending today, or yesterday if today has none yet."""
    day = today if today in days else today - timedelta(days=1)
    n = 0
    while day in days:
        n += 1
        day -= timedelta(days=1)
    return n


def due_today(sessions, today: date) -> list[Due]:
    """The daily routine: morning release and nightly calf work, done today or not, and streaks."""
    out = []
    for technique, title, when in DAILY:
        days = {s.day for s in sessions if s.technique == technique}
        out.append(Due(technique, title, when, today in days, streak(days, today)))
    return out


def due_sentence(d: Due) -> str:
    """One line in people's words: "Calf work: due this evening (3 days in a row)."."""
    days = f"{d.streak_days} day{'s' if d.streak_days != 1 else ''} in a row" if d.streak_days else "no streak yet"
    if d.done_today:
        return f"✓ {d.title}: done today ({days})."
    return f"{d.title}: due this {d.when} ({days})."
