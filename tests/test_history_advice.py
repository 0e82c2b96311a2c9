"""The guide's rules on scripted histories: three weeks of pain, tingling, what is due today."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from vision.history.advice import advice, due_today, pain_trend, streak

TODAY = date(2026, 11, 30)


@dataclass(frozen=True)
class S:
    """What the rules read of a session."""
    day: date
    technique: str = "cross_friction"
    pain_before: int | None = None
    pain_after: int | None = None
    tingling: bool = False


def daily(pains: list[int | None], technique: str = "cross_friction") -> list[S]:
    """One session a day, the last one today."""
    return [S(TODAY - timedelta(days=len(pains) - 1 - k), technique, p) for k, p in enumerate(pains)]


def test_pain_stuck_for_three_weeks_sends_to_a_professional():
    history = daily([6] * 22)
    assert pain_trend(history, TODAY).status == "not_improving"
    (msg,) = advice(history, TODAY)
    assert msg.level == "see" and "physiotherapist or podiatrist" in msg.text and "6 of 10" in msg.text


def test_pain_going_up_says_so():
    history = daily([4] * 8 + [5] * 7 + [7] * 7)
    (msg,) = advice(history, TODAY)
    assert msg.level == "see" and "gone up" in msg.text


def test_pain_coming_down_is_fine():
    history = daily([7] * 7 + [5] * 8 + [3] * 7)
    trend = pain_trend(history, TODAY)
    assert (trend.status, trend.first_week_mean, trend.last_week_mean) == ("improving", 7, 3)
    assert advice(history, TODAY)[0].level == "ok"


def test_low_pain_that_stays_low_is_not_a_problem():
    assert pain_trend(daily([1] * 25), TODAY).status == "improving"


def test_a_drop_of_less_than_a_point_is_not_coming_down():
    history = daily([5] * 7 + [5] * 8 + [4, 5, 4, 5, 5, 4, 5])
    assert pain_trend(history, TODAY).status == "not_improving"


def test_fewer_than_three_weeks_is_too_soon_with_days_left():
    trend = pain_trend(daily([6] * 15), TODAY)
    assert (trend.status, trend.days_left) == ("too_soon", 7)
    assert "7 more days" in advice(daily([6] * 15), TODAY)[0].text


def test_sparse_scores_use_the_latest_week_with_scores_as_the_start():
    # scores three and a half weeks ago, nothing for two weeks, then this week: still judged
    history = [S(TODAY - timedelta(days=d), pain_before=6) for d in (25, 24)] + daily([6, 6, 5])
    assert pain_trend(history, TODAY).status == "not_improving"
    history = [S(TODAY - timedelta(days=d), pain_before=6) for d in (25, 24)] + daily([3, 2, 2])
    assert pain_trend(history, TODAY).status == "improving"


def test_pain_after_counts_when_before_was_not_given_and_no_scores_asks_for_them():
    history = [S(d.day, pain_after=6) for d in daily([None] * 22)]
    assert pain_trend(history, TODAY).status == "not_improving"
    assert pain_trend(daily([None] * 30), TODAY).status == "no_scores"
    assert "pain score" in advice(daily([None] * 30), TODAY)[0].text


def test_tingling_always_comes_first_even_when_pain_improves():
    history = daily([7] * 7 + [5] * 8 + [2] * 7)
    history[3] = S(history[3].day, pain_before=7, tingling=True)
    messages = advice(history, TODAY)
    assert [m.level for m in messages] == ["stop", "ok"]
    assert "Stop massaging" in messages[0].text and f"{history[3].day:%d %B %Y}" in messages[0].text
    assert advice([S(TODAY, tingling=True)], TODAY)[0].level == "stop"


def test_due_today_and_streaks():
    history = daily([None] * 5, "calf_work") + daily([None] * 3, "morning_release")[:-1]
    morning, calf = due_today(history, TODAY)
    assert (morning.technique, morning.done_today, morning.streak_days) == ("morning_release", False, 2)
    assert (calf.technique, calf.done_today, calf.streak_days, calf.when) == ("calf_work", True, 5, "evening")
    assert due_today([], TODAY)[0].streak_days == 0


def test_streak_breaks_on_a_missed_day():
    days = {TODAY, TODAY - timedelta(days=1), TODAY - timedelta(days=3)}
    assert streak(days, TODAY) == 2
    assert streak({TODAY - timedelta(days=2)}, TODAY) == 0
