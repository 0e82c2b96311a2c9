"""A finished Report turned into the rows, charts and verdict the results page shows.

Pure functions of a Report (and a sample's truth JSON): times rounded for people,
label titles and fixed colours, and how the measured labels agree with the script.
"""

from __future__ import annotations

from collections import Counter

import numpy as np

from ..core.labels import LABELS, Label

NO_HAND = Label.NO_HAND
from ..core.report import Report
from .labels import LABEL_COLOURS, label_title


def _fmt(v: float | None, digits: int = 1) -> float | None:
    return None if v is None else round(float(v), digits)


def segment_rows(report: Report) -> list[dict]:
    """One row a segment, for st.dataframe: times in s, rate /min, amplitude in palm widths."""
    return [{
        "label": s.label,
        "start_s": round(s.start_s, 2),
        "end_s": round(s.end_s, 2),
        "duration_s": round(s.duration_s, 2),
        "rate_per_min": _fmt(s.rate_per_min, 0),
        "amplitude_palm": _fmt(s.amplitude_palm, 2),
        "angle_to_grain_deg": _fmt(s.angle_to_grain_deg, 0),
    } for s in report.segments]


def hold_rows(report: Report) -> list[dict]:
    return [{"start_s": round(h.start_s, 2), "end_s": round(h.end_s, 2), "duration_s": round(h.duration_s, 1),
             "drift_palm": round(h.drift_palm, 3)} for h in report.holds]


def time_by_label(report: Report) -> dict[str, float]:
    """Seconds by label, as the report's summary counted them."""
    totals = {str(label): 0.0 for label in LABELS}
    totals.update((report.summary or {}).get("time_by_label_s") or {})
    return totals


def dominant_label(report: Report, include_no_hand: bool = False) -> str | None:
    """The label with the most time (no_hand only counts when asked)."""
    totals = {k: v for k, v in time_by_label(report).items() if v > 0 and (include_no_hand or k != NO_HAND)}
    return max(totals, key=totals.get) if totals else None


def _is_a_hold(segment, holds) -> bool:
    """Whether a hold segment is one of the report's holds (the thumb timed it), not a pause between strokes."""
    return any(h.start_s < segment.end_s and segment.start_s < h.end_s for h in holds)


def timeline_rows(report: Report) -> list[dict]:
    """Bars for the timeline chart: one a segment, with start/end seconds and the label's title.

    A still stretch too short to be one of the report's holds is drawn as a
    pause, so the chart shows the holds the holds table lists, no more.
    """
    rows = []
    for s in report.segments:
        title = label_title(s.label)
        if s.label == Label.HOLD and not _is_a_hold(s, report.holds):
            title = "Pause"
        rows.append({"label": s.label, "title": title, "start_s": round(s.start_s, 3),
                     "end_s": round(s.end_s, 3), "duration_s": round(s.duration_s, 2)})
    return rows


def label_colour_scale(labels: list[str] | None = None) -> tuple[list[str], list[str]]:
    """(domain, range) for a colour scale that gives each label its fixed colour."""
    domain = list(labels) if labels else list(LABELS)
    return domain, [LABEL_COLOURS.get(label, "#7f7f7f") for label in domain]


def summary_rows(report: Report) -> list[tuple[str, str]]:
    """The summary as (what, value) pairs a person reads: every number is the report's own."""
    s = report.summary or {}
    rows = [("Length", f"{report.duration_s:.1f} s"),
            ("Hand in view", f"{100 * s.get('hand_found_fraction', 0.0):.0f}% of the time")]
    for label, secs in (s.get("time_by_label_s") or {}).items():
        if secs and label != NO_HAND:
            rows.append((f"Time {label_title(label).lower()}", f"{secs:.1f} s"))
    if s.get("cross_grain_share") is not None:
        rows.append(("Strokes across the foot", f"{100 * s['cross_grain_share']:.0f}% of the stroking"))
    rows.append(("Holds", f"{len(report.holds)}"))
    if report.holds:
        rows.append(("Longest hold", f"{report.longest_hold_s:.1f} s"))
    debrief = (report.coaching or {}).get("debrief") or {}
    if "good_s" in debrief:
        rows.append(("Time done right", f"{debrief['good_s']:.1f} s of {debrief.get('work_s', 0):.1f} s of work"))
    if s.get("note"):
        rows.append(("Note", str(s["note"])))
    return rows


def verdict(report: Report) -> tuple[str, str]:
    """('good'|'warn'|'bad'|'idle', one sentence) on the whole session, from its coaching result."""
    coaching = report.coaching or {}
    debrief = coaching.get("debrief") or {}
    title = coaching.get("title", "")
    if not report.summary.get("frames") or report.summary.get("hand_found_fraction", 0) <= 0:
        return "idle", "No hand was found in this video: film the hand and the foot together, in good light."
    score = coaching.get("score")
    if score is None:
        return "idle", f"{title}: no work for this technique was seen."
    text = (f"{title}: score {score} / 100. {debrief.get('good_s', 0):.1f} s done right "
            f"of {debrief.get('work_s', 0):.1f} s of work.")
    if score >= 70:
        return "good", text
    if score < 40:
        return "bad", text
    return "warn", text


def truth_rows(report: Report, truth: dict) -> list[dict]:
    """Each scripted segment of a sample against what was measured over the same time."""
    frames = report.frames
    times = np.array([f.t for f in frames]) if frames else np.empty(0)
    rows = []
    for seg in truth.get("segments", []):
        try:
            start = float(seg["start_s"]) + float(seg.get("glide_s") or 0.0)
            end = float(seg["end_s"])
            label = seg["label"]
        except (KeyError, TypeError, ValueError):
            continue
        idx = np.nonzero((times >= start) & (times < end))[0] if len(times) else []
        measured = Counter(frames[k].label for k in idx)
        top, n = measured.most_common(1)[0] if measured else (None, 0)
        rows.append({"truth": label, "from_s": round(start, 2), "to_s": round(end, 2),
                     "measured (most frames)": top,
                     "frames agreeing": f"{100 * measured.get(label, 0) / max(len(idx), 1):.0f}%"})
    return rows


def truth_frame_agreement(report: Report, truth: dict) -> float | None:
    """Share of frames (glides left out) whose measured label equals the truth's, matched by time."""
    tframes = [f for f in truth.get("frames", []) if isinstance(f, dict) and f.get("phase") != "glide"]
    if not tframes or not report.frames:
        return None
    times = np.array([f.t for f in report.frames])
    hits = 0
    for tf in tframes:
        k = int(np.argmin(np.abs(times - float(tf["t"]))))
        hits += report.frames[k].label == tf["label"]
    return hits / len(tframes)
