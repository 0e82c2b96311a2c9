"""The bundled sample clips and the truth JSON beside them, for the "Analyse a video" page.

Lets a visitor without a camera or a video try the app, and shows what each clip was
scripted to contain so the measured result can be compared with it.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

from .labels import label_title

ROOT = Path(__file__).resolve().parents[2]
SAMPLES_ENV = "CROSSGRAIN_SAMPLE_DIR"  # another folder of sample clips (tests, demos)


@dataclass(frozen=True)
class Sample:
    """A bundled clip, with the truth JSON beside it when there is one."""

    name: str
    path: Path
    truth_path: Path | None
    foot_axis_deg: float | None
    description: str = ""

    def truth(self) -> dict | None:
        return load_truth(self.truth_path) if self.truth_path else None


def samples_dir() -> Path:
    return Path(os.environ.get(SAMPLES_ENV) or ROOT / "sample_videos")


def list_samples(folder: str | Path | None = None) -> list[Sample]:
    """The ``*.mp4`` clips of ``folder`` (default sample_videos/), sorted by name."""
    folder = Path(folder) if folder is not None else samples_dir()
    out = []
    for path in sorted(folder.glob("*.mp4")) if folder.is_dir() else []:
        truth_path = path.with_name(path.stem + ".truth.json")
        axis = None
        description = ""
        if truth_path.is_file():
            truth = load_truth(truth_path)
            if truth is None:
                truth_path = None
            else:
                axis = truth.get("foot_axis_deg")
                description = describe_truth(truth)
        else:
            truth_path = None
        out.append(Sample(path.stem, path, truth_path, None if axis is None else float(axis), description))
    return out


def load_truth(path: str | Path) -> dict | None:
    try:
        data = json.loads(Path(path).read_text())
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def describe_truth(truth: dict) -> str:
    """'cross_grain 12 s, hold 8 s' from a truth JSON's segments."""
    parts = []
    for s in truth.get("segments", []):
        try:
            parts.append(f"{label_title(s['label']).lower()} {float(s['end_s']) - float(s['start_s']):.0f} s")
        except (KeyError, TypeError, ValueError):
            continue
    return ", ".join(parts)
