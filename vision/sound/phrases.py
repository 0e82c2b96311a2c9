"""The spoken phrases: short words for the one correction that matters, hold milestones and timer changes.

Each phrase is pre-rendered at build time (``make sounds``: tools/make_sounds.py runs
espeak-ng) into ``assets/sounds/KEY.wav`` (16 kHz mono, 16-bit), shipped in the
repository: the app and the tests read those files and never need a synthesiser.

The text cues on the page (techniques.toml ``say``) are sentences to read; these are
what a person looking at their foot can take in at once. A cue with no phrase here
is still heard as the off-target tone.
"""

from __future__ import annotations

from pathlib import Path

SOUNDS_DIR = Path(__file__).resolve().parents[2] / "assets" / "sounds"
SAMPLE_RATE = 16_000  # Hz, of the files and of the live mixer

PHRASES: dict[str, str] = {
    # corrections (techniques.toml cues)
    "no_hand": "Hand out of view",
    "turn_90": "Turn ninety degrees",
    "square_up": "Turn across the foot",
    "start_strokes": "Start short strokes",
    "shorter": "Shorter strokes",
    "faster": "A little faster",
    "slow_down": "Slow down",
    "longer": "Slightly longer strokes",
    "hold_still": "Hold still",
    "stay_on_spot": "Stay on the spot",
    "keep_rubbing": "Keep rubbing",
    "brisker": "A little brisker",
    "along_groove": "Along the groove",
    "start_gliding": "Start gliding",
    "thumb_still": "Keep the thumb still",
    # holds
    "hold_30": "Thirty seconds",
    "hold_60": "Sixty seconds",
    "hold_90": "Ninety seconds",
    "hold_done": "Hold complete. Ease off.",
    # routines
    "switch_side": "Switch sides",
    "sides_done": "Both sides done",
    "toes_down": "Curl your toes down",
    "toes_up": "Lift your toes up",
    "set_done": "Set done",
    "warm": "Warm water",
    "cold": "Cold water",
    "done": "Done. Dry your feet.",
}

# A cue's phrase: (technique, cue id) first, then the cue id alone.
CUE_PHRASES: dict[tuple[str | None, str], str] = {
    (None, "no_hand"): "no_hand",
    (None, "amplitude_high"): "shorter",
    (None, "amplitude_low"): "longer",
    (None, "rate_low"): "faster",
    (None, "rate_high"): "slow_down",
    (None, "stroking"): "hold_still",
    (None, "drift_high"): "stay_on_spot",
    (None, "label:lengthwise"): "turn_90",
    (None, "label:oblique"): "square_up",
    (None, "label:hold"): "start_strokes",
    (None, "label:cross_grain"): "along_groove",
    ("morning_release", "label:hold"): "keep_rubbing",
    ("morning_release", "rate_low"): "brisker",
    ("between_metatarsals", "label:oblique"): "along_groove",
    ("between_metatarsals", "label:hold"): "start_gliding",
    ("active_release", "stroking"): "thumb_still",
}

HOLD_MILESTONES_S = (30, 60, 90)  # spoken while a hold lasts, below the technique's target
STEP_PHRASES = {"warm water": "warm", "cold water": "cold"}  # timer steps (techniques.toml phases), lower case
REP_PHASES = {"curl your toes down": "toes_down", "lift your toes up": "toes_up"}


def cue_phrase(technique_name: str, cue_id: str) -> str | None:
    """The phrase key to say for a technique's cue, or None (the cue is heard as a tone only)."""
    return CUE_PHRASES.get((technique_name, cue_id)) or CUE_PHRASES.get((None, cue_id))


def phrase_path(key: str, sounds_dir: Path = SOUNDS_DIR) -> Path:
    if key not in PHRASES:
        raise KeyError(f"no phrase {key!r}; phrases are {', '.join(PHRASES)}")
    return sounds_dir / f"{key}.wav"
