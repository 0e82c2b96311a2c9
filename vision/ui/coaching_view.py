"""A technique's targets and a session's coaching result (score, debrief) as page text.

Reads the ``coaching`` dict a Report carries, so the upload and live pages show a
score and the same top corrections and next steps.
"""

from __future__ import annotations

from ..coach.techniques import registry
from .labels import COMPONENT_TITLES


def technique_targets(technique_name: str) -> list[str]:
    tech = registry().get(technique_name)
    return tech.describe_targets() if tech else []


def coaching_rows(coaching: dict | None) -> list[tuple[str, str]]:
    """Score and its components as (what, value) pairs."""
    if not coaching:
        return []
    rows = [("Technique", coaching.get("title", ""))]
    if coaching.get("score") is None:
        rows.append(("Score", "– (no camera: a guided timer)"))
        return rows
    d = coaching.get("debrief", {})
    rows.append(("Score (how well the work matched the technique)",
                 "–" if coaching.get("score") is None else f"{coaching['score']} / 100"))
    if coaching.get("progress") is not None:
        rows.append(("Progress towards the target", f"{100 * coaching['progress']:.0f}%"))
    for k, v in coaching.get("components", {}).items():
        rows.append((COMPONENT_TITLES.get(k, k), f"{100 * v:.0f}%"))
    rows.append(("Time done right", f"{d.get('good_s', 0):.1f} s of {d.get('work_s', 0):.1f} s of work"))
    if "holds_completed" in d:
        rows.append(("Holds completed", f"{d['holds_completed']} (longest good hold {d['longest_good_hold_s']:.1f} s)"))
    for side in d.get("sides", []):
        rows.append((f"Work on the {side['side']}", f"{side['work_s']:.0f} s"))
    if "reps_done" in d:
        rows.append(("Repetitions done", str(d["reps_done"])))
    return rows


def debrief_markdown(coaching: dict | None) -> str:
    """The debrief as markdown: top corrections, what to do next, what the camera cannot see."""
    if not coaching:
        return ""
    d = coaching.get("debrief", {})
    lines = []
    if d.get("top_corrections"):
        lines.append("**Top corrections**")
        lines += [f"{k}. {c['tip']} ({c['seconds']:.0f} s)" for k, c in enumerate(d["top_corrections"], 1)]
    if d.get("next"):
        lines.append("**What to do next**")
        lines += [f"- {step}" for step in d["next"]]
    if coaching.get("camera_cannot_see"):
        lines.append(f"\n_{coaching['camera_cannot_see']}_")
    return "\n".join(lines)
