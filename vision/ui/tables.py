"""A finished Report turned into the rows, charts and verdict the results page shows.

Pure functions of a Report (and a sample's truth JSON): times rounded for people,
label titles and fixed colours, and how the measured labels agree with the script.
"""

from __future__ import annotations

from collections import Counter

import numpy as np

from ..core.labels import LABELS, Label

from ..core.report import Report
from ..core.segments import AXIS_SPAN_TOLERANCE_DEG, MIN_HOLD_S
from .labels import LABEL_COLOURS, PAUSE_COLOUR, label_title

NO_HAND = Label.NO_HAND
MIN_HOLD_TEXT = f"{MIN_HOLD_S:g} s"


SHORT_GAP_S = 0.5  # a no-hand stretch shorter than this is a blink of the tracker, not a gap: left out of the table
DASH = "–"  # a figure that does not apply (a hold has no stroke rate): never "None"

# how far the thumb moves each way, as a share of the palm's width, in words
_FRACTIONS = ((1 / 20, "a twentieth"), (1 / 10, "a tenth"), (1 / 8, "an eighth"), (1 / 6, "a sixth"),
              (1 / 5, "a fifth"), (1 / 4, "a quarter"), (1 / 3, "a third"), (1 / 2, "half"),
              (2 / 3, "two thirds"), (3 / 4, "three quarters"), (1.0, "the whole width"))


def seconds_text(s: float | None, digits: int = 1) -> str:
    """Seconds for people: "6.7 s", "2:05 min" from two minutes on."""
    if s is None:
        return DASH
    s = max(0.0, float(s))
    if s >= 120:
        whole = round(s)
        return f"{whole // 60}:{whole % 60:02d} min"
    return f"{s:.{digits}f} s"


def palm_share_text(palm_widths: float | None) -> str:
    """A size in palm widths in words: "about a fifth of your palm's width"."""
    if palm_widths is None:
        return DASH
    v = float(palm_widths)
    if v < 0.035:
        return "hardly any (under a twentieth of your palm's width)"
    if v > 1.2:
        return f"about {v:.1f} times your palm's width"
    share = min(_FRACTIONS, key=lambda f: abs(f[0] - v) / f[0])[1]
    return f"about {share} of your palm's width"


def rate_text(per_min: float | None) -> str:
    return DASH if per_min is None else f"{per_min:.0f} strokes a minute"


def angle_text(deg: float | None) -> str:
    """The angle to the grain with what it means: across (>= 60), along (<= 30) or diagonal."""
    if deg is None:
        return DASH
    way = "across the foot" if deg >= 60 else "along the foot" if deg <= 30 else "diagonal"
    return f"{deg:.0f}° ({way})"


def _short_gaps(report: Report) -> list:
    """No-hand blinks under SHORT_GAP_S, when something else was seen (a session of nothing keeps its row)."""
    gaps = [s for s in report.segments if s.label == NO_HAND and s.duration_s < SHORT_GAP_S]
    return gaps if len(gaps) < len(report.segments) else []


def segment_rows(report: Report) -> list[dict]:
    """One row a segment, in people's words: what the thumb did, from, to, how long, rate, size, angle.

    No-hand blinks under SHORT_GAP_S are left out (segment_note says how many).
    """
    gaps = {id(s) for s in _short_gaps(report)}
    return [{
        "What the thumb did": label_title(s.label),
        "From": seconds_text(s.start_s),
        "To": seconds_text(s.end_s),
        "How long": seconds_text(s.duration_s),
        "Strokes a minute": DASH if s.rate_per_min is None else f"{s.rate_per_min:.0f}",
        "Stroke size (each way)": palm_share_text(s.amplitude_palm),
        "Angle to the foot's long axis": angle_text(s.angle_to_grain_deg),
    } for s in report.segments if id(s) not in gaps]


def segment_note(report: Report) -> str | None:
    """Says what segment_rows left out, or None."""
    gaps = _short_gaps(report)
    if not gaps:
        return None
    total = sum(s.duration_s for s in gaps)
    n = len(gaps)
    return (f"{n} moment{'s' if n > 1 else ''} when the hand was lost for under {SHORT_GAP_S:g} s "
            f"({total:.1f} s in all) {'are' if n > 1 else 'is'} left out of this table.")


SEGMENT_HELP = ("From and To: seconds from the start. Strokes a minute: full to-and-fro strokes. "
                "Stroke size: how far the thumb moves each way from the middle of the stroke, "
                "measured against the width of your palm (so the camera's distance does not matter). "
                "Angle: between the strokes and the heel-to-toes line; 90° is straight across. "
                "A dash: does not apply (a hold has no strokes).")


def hold_rows(report: Report) -> list[dict]:
    """One row a hold the thumb kept still: from, to, how long, how far the thumb crept."""
    return [{"From": seconds_text(h.start_s), "To": seconds_text(h.end_s), "Held for": seconds_text(h.duration_s),
             "Thumb crept": palm_share_text(h.drift_palm)} for h in report.holds]


HOLD_HELP = ("Held for: the time the thumb stayed on one spot. Thumb crept: how far it slid during the hold, "
             "against the width of your palm (less is steadier).")


def therapist_rows(report: Report) -> list[tuple[str, str]]:
    """The engineering figures, for a therapist: frames, frame rate, axis, and each segment's raw numbers."""
    s = report.summary or {}
    rows = [("Frames analysed", f"{s.get('frames', len(report.frames))}"),
            ("Frame rate", f"{report.fps:.1f} frames a second"),
            ("Foot axis at the start", (f"{report.foot_axis_deg:.0f}° (screen angle, counter-clockwise from "
                                        "the picture's left-right line)")),
            ("Hand found", f"{100 * s.get('hand_found_fraction', 0.0):.1f}% of the frames")]
    if len(report.axes) > 1:
        rows.append(("Foot axis changes", f"{len(report.axes) - 1} (a new source, or a turn of "
                                          f"{AXIS_SPAN_TOLERANCE_DEG:.0f}° or more)"))
    for k, seg in enumerate(report.segments, 1):
        figures = [f"{seg.start_s:.2f}-{seg.end_s:.2f} s"]
        if seg.rate_per_min is not None:
            figures.append(f"{seg.rate_per_min:.1f} strokes a minute")
        if seg.amplitude_palm is not None:
            figures.append(f"amplitude {seg.amplitude_palm:.3f} palm widths")
        if seg.angle_to_grain_deg is not None:
            figures.append(f"{seg.angle_to_grain_deg:.1f}° to the grain")
        rows.append((f"Segment {k}: {label_title(seg.label)}", ", ".join(figures)))
    for k, h in enumerate(report.holds, 1):
        rows.append((f"Hold {k}", (f"{h.start_s:.2f}-{h.end_s:.2f} s, {h.duration_s:.2f} s, "
                                   f"drift {h.drift_palm:.3f} palm widths")))
    return rows


def time_by_label(report: Report) -> dict[str, float]:
    """Seconds by label, as the report's summary counted them."""
    totals = {str(label): 0.0 for label in LABELS}
    totals.update((report.summary or {}).get("time_by_label_s") or {})
    return totals


def dominant_label(report: Report, include_no_hand: bool = False) -> str | None:
    """The label with the most time (no_hand only counts when asked; "settling" is no verdict, never)."""
    totals = {k: v for k, v in time_by_label(report).items()
              if v > 0 and (include_no_hand or k != NO_HAND) and k != Label.SETTLING}
    return max(totals, key=totals.get) if totals else None


def _is_a_hold(segment, holds) -> bool:
    """Whether a hold segment is one of the report's holds (the thumb timed it), not a pause between strokes."""
    return any(h.start_s < segment.end_s and segment.start_s < h.end_s for h in holds)


PAUSE = "Pause"  # a still stretch too short to be one of the report's holds


def timeline_rows(report: Report) -> list[dict]:
    """Bars for the timeline chart: one a segment, named in words ("What"), from and to in seconds.

    A still stretch too short to be one of the report's holds is drawn as a
    pause, so the chart shows the holds the holds table lists, no more.
    No-hand blinks under SHORT_GAP_S are left out, as in the segments table.
    """
    gaps = {id(s) for s in _short_gaps(report)}
    rows = []
    for s in report.segments:
        if id(s) in gaps:
            continue
        title = label_title(s.label)
        if s.label == Label.HOLD and not _is_a_hold(s, report.holds):
            title = PAUSE
        rows.append({"What": title, "From (s)": round(s.start_s, 2), "To (s)": round(s.end_s, 2),
                     "How long": seconds_text(s.duration_s)})
    return rows


def label_colour_scale(labels: list[str] | None = None) -> tuple[list[str], list[str]]:
    """(domain, range) for the chart's colour scale: each label's title (and Pause) with its fixed colour."""
    domain = list(labels) if labels else list(LABELS)
    titles = [label_title(label) for label in domain]
    colours = [LABEL_COLOURS.get(label, "#7f7f7f") for label in domain]
    if labels is None:
        titles.append(PAUSE)
        colours.append(PAUSE_COLOUR)
    return titles, colours


def summary_rows(report: Report, live: bool = False) -> list[tuple[str, str]]:
    """The summary as (what, value) pairs a person reads: every number is the report's own, with its unit.

    ``live``: the report is of a webcam session (its length is the session's, not a video's).
    """
    s = report.summary or {}
    rows = [("Session length" if live else "Video length", seconds_text(report.duration_s)),
            ("Hand in view", f"{100 * s.get('hand_found_fraction', 0.0):.0f}% of the time")]
    for label, secs in (s.get("time_by_label_s") or {}).items():
        if secs and label != NO_HAND:
            rows.append((f"Time {label_title(label).lower()}", seconds_text(secs)))
    if s.get("cross_grain_share") is not None:
        rows.append(("Strokes across the foot", f"{100 * s['cross_grain_share']:.0f}% of the stroking"))
    rows.append(("Holds", f"{len(report.holds)} (still for {MIN_HOLD_TEXT} or more)" if report.holds
                 else "none"))
    if report.holds:
        rows.append(("Longest hold", seconds_text(report.longest_hold_s)))
    if s.get("both_thumbs_s"):
        rows.append(("Both thumbs working", f"{seconds_text(s['both_thumbs_s'])} (the score follows one of them)"))
    debrief = (report.coaching or {}).get("debrief") or {}
    if "good_s" in debrief:
        rows.append(("Time done right", f"{debrief['good_s']:.1f} s of {debrief.get('work_s', 0):.1f} s of work"))
    if s.get("note"):
        rows.append(("Note", str(s["note"]).capitalize()))
    return rows


def verdict(report: Report, live: bool = False) -> tuple[str, str]:
    """('good'|'warn'|'bad'|'idle', one sentence) on the whole session, from its coaching result.

    ``live``: a webcam session (not "this video")."""
    coaching = report.coaching or {}
    debrief = coaching.get("debrief") or {}
    title = coaching.get("title", "")
    if not report.summary.get("frames") or report.summary.get("hand_found_fraction", 0) <= 0:
        if live:
            return "idle", ("No hand was seen in this session: keep the hand and the foot in the picture, "
                            "in good light.")
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
        rows.append({"Scripted": label_title(label), "From": seconds_text(start, 2), "To": seconds_text(end, 2),
                     "Measured (most frames)": DASH if top is None else label_title(top),
                     "Frames agreeing": f"{100 * measured.get(label, 0) / max(len(idx), 1):.0f}%"})
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
