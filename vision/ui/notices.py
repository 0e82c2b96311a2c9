"""Fixed texts the page shows whatever the data: safety notes and camera help.

Kept apart from the widgets so tests can check that the page carries them.
"""

from __future__ import annotations

from ..coach.techniques import registry

# From the techniques registry (vision/coach/techniques.toml): the warnings, what the camera cannot see,
# and that the tool coaches form and does not diagnose.
def safety_notes() -> tuple[str, ...]:
    """The guide's warnings, what the camera cannot see, and the disclaimer, in that order."""
    safety = registry().safety
    return (*safety.warnings, safety.camera_limits, safety.disclaimer)

CAMERA_HELP = (
    "If the camera does not start: allow camera access when the browser asks (or in the address bar's "
    "camera icon), close other programs that use the camera, and open the page as http://localhost or over "
    "HTTPS (browsers refuse cameras on other plain-http addresses). No camera? Use **Analyse a video** "
    "with a bundled sample."
)
