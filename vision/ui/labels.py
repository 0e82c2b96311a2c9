"""How the page names and colours motion labels and score components.

Shared by the report tables, the live panel, the coaching rows and the sample list,
so that a label reads and looks the same everywhere (and like the video overlay).
"""

from __future__ import annotations

LABEL_TITLES = {"cross_grain": "Cross-grain", "lengthwise": "Lengthwise", "oblique": "Oblique",
                "hold": "Hold", "no_hand": "No hand", "settling": "Not judged yet"}
# Same hues as the video overlay: green good, orange in between, red wrong, grey idle.
LABEL_COLOURS = {"cross_grain": "#2ecc40", "oblique": "#ffb000", "lengthwise": "#e62d2d",
                 "hold": "#3d8bfd", "no_hand": "#969696", "settling": "#c8c8c8"}
SETTLING_GUIDE = "Watching your thumb: a moment before it can tell a stroke from a hold"  # the live panel's words
PAUSE_COLOUR = "#9ec5fe"  # a still stretch too short to be a hold: the hold's hue, lighter
# Score components (coach.py) as the live panel and the coaching rows name them.
COMPONENT_TITLES = {"direction": "Right direction", "rate": "Rate in range", "amplitude": "Stroke size in range",
                    "time": "Time done", "stillness": "Still holding", "completion": "Hold completed",
                    "reps": "Repetitions", "followed": "Routine followed"}


def label_title(label: str) -> str:
    return LABEL_TITLES.get(label, label.replace("_", " ").capitalize())
