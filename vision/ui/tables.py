"""A finished Report turned into the rows, charts and verdict the results page shows.

Pure functions of a Report (and a sample's truth JSON): times rounded for people,
label titles and fixed colours, and how the measured labels agree with the script.
"""

from __future__ import annotations

from collections import Counter

import numpy as np

from ..coach.techniques import DEFAULT_TECHNIQUE, TECHNIQUES
from ..core.motion import LABELS, NO_HAND
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
    totals = Counter({label: 0.0 for label in LABELS})
    for s in report.segments:
        totals[s.label] += s.duration_s
    return dict(totals)


def dominant_label(report: Report, include_no_hand: bool = False) -> str | None:
    """The label with the most time (no_hand only counts when asked)."""
    totals = {k: v for k, v in time_by_label(report).items() if v > 0 and (include_no_hand or k != NO_HAND)}
    return max(totals, key=totals.get) if totals else None


def timeline_rows(report: Report) -> list[dict]:
    """Bars for the timeline chart: one a segment, with start/end seconds and the label's title."""
    return [{"label": s.label, "title": label_title(s.label), "start_s": round(s.start_s, 3),
             "end_s": round(s.end_s, 3), "duration_s": round(s.duration_s, 2)} for s in report.segments]


def label_colour_scale(labels: list[str] | None = None) -> tuple[list[str], list[str]]:
    """(domain, range) for a colour scale that gives each label its fixed colour."""
    domain = list(labels) if labels else list(LABELS)
    return domain, [LABEL_COLOURS.get(label, "#7f7f7f") for label in domain]


def summary_rows(report: Report, technique_name: str | None = None) -> list[tuple[str, str]]:
    """The summary as (what, value) pairs a person reads."""
    s = report.summary or {}
    rows = [("Video length", f"{report.duration_s:.1f} s"),
            ("Frames analysed", f"{s.get('frames', len(report.frames))}"),
            ("Hand found in", f"{100 * s.get('hand_found_fraction', 0.0):.0f}% of frames")]
    for label, secs in (s.get("time_by_label_s") or {}).items():
        if secs:
            rows.append((f"Time {label_title(label).lower()}", f"{secs:.1f} s"))
    if s.get("stroking_s"):
        rows.append(("Stroking in total", f"{s['stroking_s']:.1f} s"))
    if s.get("cross_grain_share") is not None:
        rows.append(("Strokes across the grain", f"{100 * s['cross_grain_share']:.0f}%"))
    rows.append(("Holds", f"{s.get('holds', len(report.holds))}"))
    if s.get("longest_hold_s"):
        rows.append(("Longest hold", f"{s['longest_hold_s']:.1f} s"))
    if technique_name in TECHNIQUES:
        tech = TECHNIQUES[technique_name]
        good = sum(time_by_label(report)[lab] for lab in tech.good_labels)
        rows.append((f"Time doing {tech.title.lower()} right", f"{good:.1f} s"))
        if tech.target_hold_s and s.get("longest_hold_s") is not None:
            rows.append(("Hold target", f"{tech.target_hold_s:.0f} s"))
    if s.get("note"):
        rows.append(("Note", str(s["note"])))
    return rows


def verdict(report: Report, technique_name: str) -> tuple[str, str]:
    """('good'|'warn'|'bad'|'idle', one sentence) on the whole video for the chosen technique."""
    tech = TECHNIQUES.get(technique_name) or TECHNIQUES[DEFAULT_TECHNIQUE]
    totals = time_by_label(report)
    seen = sum(v for k, v in totals.items() if k != NO_HAND)
    if seen <= 0:
        return "idle", "No hand was found in this video: film the hand and the foot together, in good light."
    good = sum(totals[lab] for lab in tech.good_labels)
    bad = sum(totals[lab] for lab in tech.bad_labels)
    share = good / seen
    top = dominant_label(report)
    text = (f"{tech.title}: {good:.1f} s of {seen:.1f} s with the hand in view done right ({100 * share:.0f}%); "
            f"most of the time: {label_title(top).lower()}.")
    if share >= 0.6:
        return "good", text
    if bad > good:
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
