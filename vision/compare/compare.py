"""An attempt compared with a reference (a demonstration): a pure function of the two reports.

1. Both reports' motion profiles are aligned in time (align.py, DTW), so a
   slower attempt of the same routine lines up with the demonstration.
2. For each stretch of strokes in the reference (a report segment of 1 s or
   more), the attempt's figures are those of its own segments in the
   aligned stretch, weighted by overlap: rate, angle to the grain and stroke
   size as the attempt's report measured them, never re-measured here.
   For each reference hold, the attempt's hold in the aligned stretch.
3. The differences a therapist says out loud, per stretch and overall, and
   one similarity score (``SIMILARITY_METHOD``).

Sign conventions: ``rate_change_pct`` -20 = the attempt strokes 20 % slower;
``angle_change_deg`` +20 = 20 degrees more across the foot (further from the
grain); ``amplitude_change_pct`` -10 = strokes 10 % smaller; ``hold_change_s``
-50 = held 50 s less.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from ..core.labels import STROKE_LABELS, Label
from ..core.report import Report, Segment
from .align import align
from .profile import motion_profile

SCHEMA = "crossgrain.comparison/1"
MIN_STROKE_SEGMENT_S = 1.0  # shorter stroke runs are glides and label edges, not a stretch of work
ANGLE_ZERO_AT_DEG = 45.0  # figure closeness falls linearly to 0 at 45 degrees apart
RATIO_ZERO_AT = 2.0  # ... and at half or twice the rate or stroke size
SAME_RATE_PCT = 5.0  # below these, the sentence says "the same"
SAME_ANGLE_DEG = 5.0
SAME_SIZE_PCT = 10.0
SIMILARITY_METHOD = (
    "Each moment of the demonstration with a hand in view is matched to the attempt's moments aligned with it. "
    "A stroking moment scores 1 when the attempt does the same technique (same label) with the same figures, "
    "less for figures apart: the mean of three closenesses, angle to the grain (0 at 45 degrees apart), "
    "rate and stroke size (0 at half or twice), each from the two reports' segments. A holding moment scores "
    "the share of the demonstration's hold that the attempt held (1 when as long or longer). A different "
    "technique scores 0. Similarity is 100 times the mean over the demonstration's time.")

_STROKES = tuple(str(s) for s in STROKE_LABELS)


def _pct(new: float | None, old: float | None) -> float | None:
    if new is None or old is None or old <= 0:
        return None
    return float(100.0 * (new / old - 1.0))


def _closeness_ratio(a: float | None, b: float | None) -> float | None:
    if a is None or b is None or a <= 0 or b <= 0:
        return None
    return max(0.0, 1.0 - abs(math.log(a / b)) / math.log(RATIO_ZERO_AT))


def _closeness_angle(a: float | None, b: float | None) -> float | None:
    if a is None or b is None:
        return None
    return max(0.0, 1.0 - abs(a - b) / ANGLE_ZERO_AT_DEG)


@dataclass(frozen=True)
class StrokeFigures:
    rate_per_min: float | None
    angle_to_grain_deg: float | None
    amplitude_palm: float | None


def _overlap(a0: float, a1: float, b0: float, b1: float) -> float:
    return max(0.0, min(a1, b1) - max(a0, b0))


def stroke_figures_in(segments: list[Segment], t0: float, t1: float,
                      prefer: str | None = None) -> tuple[StrokeFigures | None, str | None]:
    """The report's stroke figures over [t0, t1]: its stroke segments there, weighted by overlap.

    With ``prefer`` (the reference's label), only segments of that label count
    when they are at least half the stroking there: a short slanted run at the stretch's edge is a glide,
    not the strokes being compared. Also returns the label that covers most of
    the stretch (any label), for the sentence.
    """
    by_label: dict[str, float] = {}
    for s in segments:
        w = _overlap(t0, t1, s.start_s, s.end_s)
        if w > 0:
            by_label[s.label] = by_label.get(s.label, 0.0) + w
    main = max(by_label, key=by_label.get) if by_label else None
    stroking = sum(w for label, w in by_label.items() if label in _STROKES)
    wanted = (prefer,) if prefer in _STROKES and by_label.get(prefer, 0.0) >= 0.5 * stroking else _STROKES
    sums = {"rate_per_min": [0.0, 0.0], "angle_to_grain_deg": [0.0, 0.0], "amplitude_palm": [0.0, 0.0]}
    for s in segments:
        w = _overlap(t0, t1, s.start_s, s.end_s)
        if w > 0 and s.label in wanted:
            for name, acc in sums.items():
                v = getattr(s, name)
                if v is not None:
                    acc[0] += w * v
                    acc[1] += w
    if not any(acc[1] for acc in sums.values()):
        return None, main
    values = {k: (acc[0] / acc[1] if acc[1] else None) for k, acc in sums.items()}
    return StrokeFigures(**values), main


@dataclass(frozen=True)
class StretchComparison:
    """One stretch of the reference (strokes or a hold) and what the attempt did in its place."""

    kind: str  # "strokes" or "hold"
    label: str  # the reference's label
    reference_start_s: float
    reference_end_s: float
    attempt_start_s: float
    attempt_end_s: float
    attempt_label: str | None  # what the attempt mostly did there
    reference: dict
    attempt: dict
    rate_change_pct: float | None = None
    angle_change_deg: float | None = None
    amplitude_change_pct: float | None = None
    hold_change_s: float | None = None
    said: str = ""

    def to_dict(self) -> dict:
        d = {k: getattr(self, k) for k in ("kind", "label", "attempt_label", "said")}
        for k in ("reference_start_s", "reference_end_s", "attempt_start_s", "attempt_end_s"):
            d[k] = round(getattr(self, k), 2)
        for k in ("rate_change_pct", "angle_change_deg", "amplitude_change_pct", "hold_change_s"):
            v = getattr(self, k)
            d[k] = None if v is None else round(v, 1)
        d["reference"] = _rounded(self.reference)
        d["attempt"] = _rounded(self.attempt)
        return d


@dataclass(frozen=True)
class Comparison:
    reference_source: str
    attempt_source: str
    reference_duration_s: float
    attempt_duration_s: float
    stretches: list[StretchComparison]
    overall: dict  # rate_change_pct, angle_change_deg, amplitude_change_pct, hold_change_s, duration_change_pct
    similarity: int  # 0-100
    similarity_parts: dict  # same_technique_pct, stroke_figures_pct, hold_time_pct
    said: list[str]  # the overall sentences, most important first
    alignment: list[tuple[float, float]] = field(default_factory=list)  # (reference t, attempt t) pairs
    technique: str | None = None

    def attempt_t(self, reference_t: float) -> float:
        """The attempt's moment aligned with the reference's ``reference_t`` (for playing both in step).

        Linear within each compared stretch (from its start to its end in both
        videos), and between them: inside a run of one label every path of the
        warping costs the same, so its own steps are no guide to pacing.
        """
        if not self.alignment:
            return reference_t
        anchors = [self.alignment[0], self.alignment[-1]]
        for st in self.stretches:
            anchors += [(st.reference_start_s, st.attempt_start_s), (st.reference_end_s, st.attempt_end_s)]
        anchors.sort()
        ref = np.array([a for a, _ in anchors])
        att = np.maximum.accumulate(np.array([b for _, b in anchors]))
        ref, keep = np.unique(ref, return_index=True)
        return float(np.interp(reference_t, ref, att[keep]))

    def to_dict(self) -> dict:
        return {
            "schema": SCHEMA,
            "reference": self.reference_source,
            "attempt": self.attempt_source,
            "technique": self.technique,
            "reference_duration_s": round(self.reference_duration_s, 2),
            "attempt_duration_s": round(self.attempt_duration_s, 2),
            "similarity": self.similarity,
            "similarity_parts": self.similarity_parts,
            "similarity_method": SIMILARITY_METHOD,
            **{k: (None if v is None else round(v, 1)) for k, v in self.overall.items()},
            "said": self.said,
            "stretches": [s.to_dict() for s in self.stretches],
            "alignment": [[round(a, 2), round(b, 2)] for a, b in self.alignment],
        }


def _rounded(d: dict) -> dict:
    return {k: (round(v, 3) if isinstance(v, float) else v) for k, v in d.items()}


# --------------------------------------------------------------------------- sentences

def _label_words(label: str | None) -> str:
    return {"cross_grain": "stroked across the foot", "lengthwise": "stroked along the foot",
            "oblique": "stroked at a slant", "hold": "held still", "no_hand": "were out of view",
            "settling": "were not judged yet",
            None: "did nothing we could see"}.get(label, str(label))


def _stroke_sentence(rate_pct, angle_deg, amp_pct) -> str:
    """"Your strokes were 30 % slower and 20 degrees more across the foot than the demonstration's; same size." """
    diffs, sames = [], []
    if rate_pct is not None:
        (sames.append("pace") if abs(rate_pct) < SAME_RATE_PCT
         else diffs.append(f"{abs(rate_pct):.0f} % {'slower' if rate_pct < 0 else 'faster'}"))
    if angle_deg is not None:
        (sames.append("direction") if abs(angle_deg) < SAME_ANGLE_DEG
         else diffs.append(f"{abs(angle_deg):.0f} degrees more {'across' if angle_deg > 0 else 'along'} the foot"))
    if amp_pct is not None:
        (sames.append("size") if abs(amp_pct) < SAME_SIZE_PCT
         else diffs.append(f"{abs(amp_pct):.0f} % {'smaller' if amp_pct < 0 else 'bigger'}"))

    def joined(words):
        return ", ".join(words[:-1]) + (" and " if len(words) > 1 else "") + words[-1]

    if not diffs and not sames:
        return "Your strokes could not be measured here."
    if not diffs:
        return f"Your strokes matched the demonstration's {joined(sames)}."
    return f"Your strokes were {joined(diffs)} than the demonstration's" + (
        f"; same {joined(sames)}." if sames else ".")


def _hold_sentence(att_s: float, ref_s: float) -> str:
    if att_s <= 0:
        return f"You did not hold where the demonstration holds for {ref_s:.0f} s."
    if abs(att_s - ref_s) < 0.5:
        return f"Your hold was {att_s:.0f} s, as long as its {ref_s:.0f} s."
    if att_s > ref_s:
        return f"Your hold was {att_s:.0f} s, longer than its {ref_s:.0f} s."
    return f"Your hold was {att_s:.0f} s of its {ref_s:.0f} s."


# --------------------------------------------------------------------------- the comparison

def compare(reference: Report, attempt: Report) -> Comparison:
    """Align ``attempt`` to ``reference`` and say how it differs (see the module's docstring)."""
    ref_p, att_p = motion_profile(reference), motion_profile(attempt)
    path = align(ref_p, att_p)
    # for each reference sample, the attempt samples matched to it
    matched: list[list[int]] = [[] for _ in range(len(ref_p))]
    for i, j in path:
        matched[i].append(j)

    def attempt_span(t0: float, t1: float) -> tuple[float, float]:
        idx = [j for i in np.flatnonzero((ref_p.t >= t0) & (ref_p.t < t1)) for j in matched[i]]
        if not idx:  # a stretch shorter than a grid step: its nearest sample
            i = int(np.clip(np.searchsorted(ref_p.t, t0), 0, len(ref_p) - 1))
            idx = matched[i]
        return float(att_p.t[min(idx)]), float(att_p.t[max(idx)] + att_p.dt_s)

    stretches: list[StretchComparison] = []
    if path:
        stretches += [_stroke_stretch(seg, attempt, *attempt_span(seg.start_s, seg.end_s))
                      for seg in reference.segments
                      if seg.label in _STROKES and seg.duration_s >= MIN_STROKE_SEGMENT_S]
        stretches += [_hold_stretch(hold, attempt, *attempt_span(hold.start_s, hold.end_s))
                      for hold in reference.holds]
        stretches.sort(key=lambda s: s.reference_start_s)

    overall = _overall(stretches, reference, attempt)
    similarity, parts = _similarity(ref_p, att_p, matched, reference, attempt, stretches)
    said = _overall_sentences(overall, similarity, stretches)
    return Comparison(reference.source, attempt.source, reference.duration_s, attempt.duration_s, stretches,
                      overall, similarity, parts, said,
                      [(float(ref_p.t[i]), float(att_p.t[j])) for i, j in path], reference.technique)


def _stroke_stretch(seg: Segment, attempt: Report, a0: float, a1: float) -> StretchComparison:
    """A stretch of the demonstration's strokes against the attempt's figures over [a0, a1]."""
    figs, main = stroke_figures_in(attempt.segments, a0, a1, prefer=seg.label)
    ref_figs = {"rate_per_min": seg.rate_per_min, "angle_to_grain_deg": seg.angle_to_grain_deg,
                "amplitude_palm": seg.amplitude_palm, "duration_s": seg.duration_s}
    att_figs = {"rate_per_min": None, "angle_to_grain_deg": None, "amplitude_palm": None, "duration_s": a1 - a0}
    rate = angle = amp = None
    if figs is None:
        said = f"Where the demonstration {_label_words(seg.label)} ({seg.duration_s:.0f} s), you {_label_words(main)}."
    else:
        att_figs.update(rate_per_min=figs.rate_per_min, angle_to_grain_deg=figs.angle_to_grain_deg,
                        amplitude_palm=figs.amplitude_palm)
        rate = _pct(figs.rate_per_min, seg.rate_per_min)
        if figs.angle_to_grain_deg is not None and seg.angle_to_grain_deg is not None:
            angle = figs.angle_to_grain_deg - seg.angle_to_grain_deg
        amp = _pct(figs.amplitude_palm, seg.amplitude_palm)
        said = _stroke_sentence(rate, angle, amp)
        if main != seg.label and main is not None:
            said += f" There the demonstration {_label_words(seg.label)}; you mostly {_label_words(main)}."
    return StretchComparison("strokes", seg.label, seg.start_s, seg.end_s, a0, a1, main, ref_figs, att_figs,
                             rate, angle, amp, None, said)


def _hold_stretch(hold, attempt: Report, a0: float, a1: float) -> StretchComparison:
    """A demonstration's hold against the attempt's hold that overlaps [a0, a1] most (0 s if none does)."""
    best = max(attempt.holds, key=lambda h: _overlap(a0, a1, h.start_s, h.end_s), default=None)
    held = best is not None and _overlap(a0, a1, best.start_s, best.end_s) > 0
    att_s = best.duration_s if held else 0.0
    _, main = stroke_figures_in(attempt.segments, a0, a1)
    return StretchComparison(
        "hold", str(Label.HOLD), hold.start_s, hold.end_s, best.start_s if held else a0,
        best.end_s if held else a1, main, {"duration_s": hold.duration_s, "drift_palm": hold.drift_palm},
        {"duration_s": att_s, "drift_palm": best.drift_palm if held else None},
        hold_change_s=att_s - hold.duration_s, said=_hold_sentence(att_s, hold.duration_s))


def _overall(stretches: list[StretchComparison], reference: Report, attempt: Report) -> dict:
    """Stroke figures weighted by the reference stretches' durations; holds as totals."""
    def weighted(key_ref: str, which: str) -> float | None:
        num = den = 0.0
        for s in stretches:
            if s.kind != "strokes":
                continue
            r, a = s.reference.get(key_ref), s.attempt.get(key_ref)
            if r is None or a is None:
                continue
            w = s.reference["duration_s"]
            num += w * (r if which == "ref" else a)
            den += w
        return num / den if den else None

    rate = _pct(weighted("rate_per_min", "att"), weighted("rate_per_min", "ref"))
    amp = _pct(weighted("amplitude_palm", "att"), weighted("amplitude_palm", "ref"))
    ref_angle, att_angle = weighted("angle_to_grain_deg", "ref"), weighted("angle_to_grain_deg", "att")
    ref_hold = sum(h.duration_s for h in reference.holds)
    att_hold = sum(h.duration_s for h in attempt.holds)
    return {
        "rate_change_pct": rate,
        "angle_change_deg": None if ref_angle is None or att_angle is None else att_angle - ref_angle,
        "amplitude_change_pct": amp,
        "hold_change_s": att_hold - ref_hold if (ref_hold or att_hold) else None,
        "reference_hold_s": ref_hold,
        "attempt_hold_s": att_hold,
        "duration_change_pct": _pct(attempt.duration_s, reference.duration_s),
    }


def _segment_at(segments: list[Segment], t: float) -> Segment | None:
    for s in segments:
        if s.start_s <= t < s.end_s:
            return s
    return None


def _similarity(ref_p, att_p, matched, reference: Report, attempt: Report,
                stretches: list[StretchComparison]) -> tuple[int, dict]:
    """SIMILARITY_METHOD, and its parts: how much was the same technique, how close the figures, the holds."""
    hold_share = [(s.reference_start_s, s.reference_end_s,
                   min(1.0, s.attempt["duration_s"] / s.reference["duration_s"]) if s.reference["duration_s"] else 1.0)
                  for s in stretches if s.kind == "hold"]
    scores, same, figure_scores, hold_scores = [], [], [], []
    for i, js in enumerate(matched):
        label = ref_p.label[i]
        if label == Label.NO_HAND or not js:
            continue
        t = float(ref_p.t[i])
        ref_seg = _segment_at(reference.segments, t)
        sample = []
        for j in js:
            if att_p.label[j] != label:
                sample.append(0.0)
                same.append(0.0)
                continue
            same.append(1.0)
            if label in _STROKES:
                att_seg = _segment_at(attempt.segments, float(att_p.t[j]))
                parts = [c for c in (
                    _closeness_angle(getattr(ref_seg, "angle_to_grain_deg", None), getattr(att_seg, "angle_to_grain_deg", None)),
                    _closeness_ratio(getattr(ref_seg, "rate_per_min", None), getattr(att_seg, "rate_per_min", None)),
                    _closeness_ratio(getattr(ref_seg, "amplitude_palm", None), getattr(att_seg, "amplitude_palm", None)),
                ) if c is not None]
                c = sum(parts) / len(parts) if parts else 1.0
                figure_scores.append(c)
            else:  # hold
                c = next((share for a, b, share in hold_share if a <= t < b), 1.0)
                hold_scores.append(c)
            sample.append(c)
        scores.append(sum(sample) / len(sample))

    def pct(xs):
        return None if not xs else round(100 * sum(xs) / len(xs), 1)

    similarity = round(100 * sum(scores) / len(scores)) if scores else 0
    return similarity, {"same_technique_pct": pct(same), "stroke_figures_pct": pct(figure_scores),
                        "hold_time_pct": pct(hold_scores)}


def _overall_sentences(overall: dict, similarity: int, stretches: list[StretchComparison]) -> list[str]:
    said = []
    strokes = [s for s in stretches if s.kind == "strokes" and s.attempt.get("rate_per_min") is not None]
    if strokes:
        said.append(_stroke_sentence(overall["rate_change_pct"], overall["angle_change_deg"],
                                     overall["amplitude_change_pct"]))
    for s in stretches:  # where the attempt did another technique
        if s.kind == "strokes" and (s.attempt.get("rate_per_min") is None or s.attempt_label != s.label):
            sentence = s.said if s.attempt.get("rate_per_min") is None else s.said.split(". ", 1)[-1]
            if sentence not in said:
                said.append(sentence)
    if overall["reference_hold_s"]:
        said.append(f"Your holds came to {overall['attempt_hold_s']:.0f} s in all; the demonstration's to "
                    f"{overall['reference_hold_s']:.0f} s.")
    said.append(f"Similarity to the demonstration: {similarity} out of 100.")
    return said
