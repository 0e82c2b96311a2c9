"""The Progress page's data on scripted sessions (pure: no Streamlit)."""

from __future__ import annotations

from history_support import record

from vision.history.advice import due_sentence
from vision.ui.progress_view import calendar_rows, key_figure, progress_view


def test_calendar_marks_done_missed_and_today_in_whole_weeks():
    recs = [record(0, "calf_work"), record(1, "calf_work"), record(3, "calf_work"), record(1, "morning_release", hour=7)]
    today = recs[0].day
    rows = calendar_rows(recs, today)
    calf = {r["date"]: r["state"] for r in rows if r["technique"] == "Calf work"}
    morning = {r["date"]: r["state"] for r in rows if r["technique"] == "Morning release"}
    assert calf[today.isoformat()] == "Done" and morning[today.isoformat()] == "To do today"
    assert calf[recs[2].day.isoformat()] == "Done" and calf[recs[3].day.isoformat()] == "Done"
    assert list(calf.values()).count("Done") == 3 and list(morning.values()).count("Done") == 1
    assert rows[0]["weekday"] == "Mon" and 28 <= len(calf) <= 34 and max(calf) == today.isoformat()


def test_view_in_peoples_words():
    recs = [record(2, "myofascial_hold", 40, foot="left", pain_before=5, pain_after=3),
            record(1, "calf_work", 90, foot="right"), record(0, "calf_work", 80)]
    view = progress_view(recs, recs[-1].day)
    assert view.techniques == ["Calf work (the 5-minute rule)", "Myofascial release (hold)"]
    hold = view.score_rows[0]
    assert (hold["key figure"], hold["value"], hold["pain"]) == ("Longest still hold (seconds)", 4.0,
                                                                 "pain before 5 of 10, after 3 of 10")
    assert key_figure(recs[1]) == ("Time done right (seconds)", 6.0)
    assert [(r["measured"], r["pain"]) for r in view.pain_rows] == [("Before", 5), ("After", 3)]
    assert {(r["Technique"], r["Foot"], r["Sessions"]) for r in view.feet_rows} == {
        ("Calf work (the 5-minute rule)", "Not said", 1), ("Calf work (the 5-minute rule)", "Right", 1),
        ("Myofascial release (hold)", "Left", 1)}
    assert [due_sentence(d) for d in view.due] == ["Morning release: due this morning (no streak yet).",
                                                   "✓ Calf work: done today (2 days in a row)."]
    assert "uid" not in view.figure_rows[0] and view.figure_rows[0]["Stroke rate (strokes a minute)"] == "88"
