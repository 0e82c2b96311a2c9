"""The Progress page's data: kept sessions in, plain rows and sentences out (no Streamlit).

Rows are what the charts and tables draw, in people's words (minutes, seconds, days,
"pain 3 of 10"); engineering figures go in ``figure_rows`` for an expander. The two
tables follow vision/ui/tables.py: capitalised headers that carry their unit, and a
dash where a figure is missing, never "None".
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from ..coach.techniques import registry
from ..history.advice import Advice, Due, advice, due_today
from .tables import DASH

CALENDAR_DAYS = 28
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def technique_title(name: str) -> str:
    tech = registry().get(name)
    return tech.title if tech else name


def key_figure(rec) -> tuple[str, float | None]:
    """The one figure that says most for the technique: still-hold length for holds, else time done right."""
    tech = registry().get(rec.technique)
    if tech is not None and tech.kind == "hold":
        return "Longest still hold (seconds)", rec.longest_hold_s
    return "Time done right (seconds)", rec.good_s


@dataclass(frozen=True)
class ProgressView:
    sessions: int
    techniques: list[str]  # titles, most used first
    score_rows: list[dict]  # one a session: when, technique, score, minutes, key figure
    calendar_rows: list[dict]  # the daily routine over the last four weeks
    due: list[Due]
    feet_rows: list[dict]
    pain_rows: list[dict]
    advice: list[Advice]
    figure_rows: list[dict]  # every kept figure, for the engineering expander


def pain_text(rec) -> str:
    parts = [f"{label} {value} of 10" for label, value in (("before", rec.pain_before), ("after", rec.pain_after))
             if value is not None]
    return "pain " + ", ".join(parts) if parts else ""


def calendar_rows(records, today: date, days: int = CALENDAR_DAYS) -> list[dict]:
    """One cell a day and routine technique: done, missed, or still to do today."""
    done = defaultdict(set)
    for r in records:
        done[r.technique].add(r.day)
    first = today - timedelta(days=days - 1)
    first -= timedelta(days=first.weekday())  # whole weeks, Monday first
    rows = []
    for d in due_today([], today):
        day = first
        while day <= today:
            state = "Done" if day in done[d.technique] else ("To do today" if day == today else "Missed")
            rows.append({"technique": d.title, "date": day.isoformat(), "weekday": WEEKDAYS[day.weekday()],
                         "week of": (day - timedelta(days=day.weekday())).strftime("%d %b"), "state": state})
            day += timedelta(days=1)
    return rows


def foot_text(foot: str | None) -> str:
    return foot.capitalize() if foot else "Not said"


def number_text(value, digits: int = 1) -> str:
    """A figure for a table cell: the dash when missing, no trailing ".0"."""
    if value is None:
        return DASH
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, int):
        return str(value)
    return f"{round(float(value), digits):g}"


def feet_rows(records) -> list[dict]:
    """Left and right side by side: sessions, average score, minutes, per technique."""
    groups = defaultdict(list)
    for r in records:
        groups[(technique_title(r.technique), foot_text(r.foot))].append(r)
    rows = []
    for (title, foot), recs in sorted(groups.items()):
        scores = [r.score for r in recs if r.score is not None]
        rows.append({"Technique": title, "Foot": foot, "Sessions": len(recs),
                     "Average score (of 100)": number_text(round(sum(scores) / len(scores)) if scores else None),
                     "Time (minutes)": number_text(sum(r.duration_s for r in recs) / 60)})
    return rows


# the engineers' table: every kept figure, its header with its unit (ids and file paths left out)
FIGURE_HEADERS = {
    "id": "Session", "time": "When", "technique": "Technique", "foot": "Foot", "score": "Score (of 100)",
    "progress": "Progress (% of target)", "duration_s": "Duration (s)", "good_s": "Done right (s)",
    "rate_per_min": "Stroke rate (strokes a minute)", "longest_hold_s": "Longest hold (s)",
    "pain_before": "Pain before (of 10)", "pain_after": "Pain after (of 10)", "tingling": "Tingling",
    "source": "Source", "frames": "Frames analysed",
}


def figure_row(rec) -> dict:
    """One kept session's figures as the engineers' table shows them."""
    summary = rec.summary()
    cells = {
        "technique": technique_title(rec.technique),
        "foot": foot_text(rec.foot),
        "time": summary["time"].replace("T", " "),
        "progress": None if rec.progress is None else 100 * rec.progress,
        "source": summary["source"] or None,
    }
    return {header: _cell(cells.get(key, summary.get(key))) for key, header in FIGURE_HEADERS.items()}


def _cell(value) -> str:
    return value if isinstance(value, str) else number_text(value)


def progress_view(records, today: date) -> ProgressView:
    """Everything the Progress page shows, from the kept sessions (oldest first)."""
    counts = defaultdict(int)
    for r in records:
        counts[technique_title(r.technique)] += 1
    score_rows, pain_rows, figure_rows = [], [], []
    for r in records:
        name, value = key_figure(r)
        when = r.at.isoformat(timespec="minutes")
        score_rows.append({"when": when, "day": r.day.isoformat(), "technique": technique_title(r.technique),
                           "foot": foot_text(r.foot), "score": r.score,
                           "minutes": round(r.duration_s / 60, 2), "key figure": name,
                           "value": None if value is None else round(value, 1), "pain": pain_text(r)})
        for label, pain in (("before", r.pain_before), ("after", r.pain_after)):
            if pain is not None:
                pain_rows.append({"when": when, "day": r.day.isoformat(), "pain": pain,
                                  "measured": label.capitalize()})
        figure_rows.append(figure_row(r))
    return ProgressView(
        sessions=len(records),
        techniques=sorted(counts, key=lambda t: -counts[t]),
        score_rows=score_rows,
        calendar_rows=calendar_rows(records, today),
        due=due_today(records, today),
        feet_rows=feet_rows(records),
        pain_rows=pain_rows,
        advice=advice(records, today),
        figure_rows=figure_rows,
    )
