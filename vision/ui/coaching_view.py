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


COMPONENTS_HELP = ("Each part of the score says how close that part of the work came to its target: "
                   "100% is fully on target.")


def correction_lines(coaching: dict | None) -> list[str]:
    """The top corrections, each with what its seconds are: how long the live cue was needed."""
    d = (coaching or {}).get("debrief", {})
    lines = []
    for c in d.get("top_corrections", []):
        tip = c["tip"].rstrip()
        tip += "" if tip.endswith((".", "!", "?")) else "."
        lines.append(f"{tip} (The coach gave this cue for {c['seconds']:.0f} s of the session.)")
    return lines


def next_lines(coaching: dict | None) -> list[str]:
    """What to do next, without any tip the corrections already give."""
    d = (coaching or {}).get("debrief", {})
    tips = {c.get(k) for c in d.get("top_corrections", []) for k in ("tip", "say")}
    return [step for step in d.get("next", []) if step not in tips]


def debrief_markdown(coaching: dict | None) -> str:
    """The debrief as markdown: top corrections (numbered), what to do next (its own list), what the camera
    cannot see. Blocks are apart (blank lines), so no heading is glued onto a list's last item."""
    if not coaching:
        return ""
    blocks = []
    corrections = correction_lines(coaching)
    if corrections:
        blocks.append("**Top corrections** (most needed first)")
        blocks.append("\n".join(f"{k}. {line}" for k, line in enumerate(corrections, 1)))
    steps = next_lines(coaching)
    if steps:
        blocks.append("**What to do next**")
        blocks.append("\n".join(f"- {step}" for step in steps))
    if coaching.get("camera_cannot_see"):
        blocks.append(f"_{coaching['camera_cannot_see']}_")
    return "\n\n".join(blocks)
