"""Finds and checks the bundled hand model, so a damaged install says what is wrong."""

from __future__ import annotations

import functools
import hashlib
import os
import zipfile
from pathlib import Path

MODEL_ENV_VAR = "CROSSGRAIN_HAND_MODEL"
DEFAULT_MODEL_PATH = Path(__file__).resolve().parents[2] / "models" / "hand_landmarker.task"
# sha256 of the bundle tools/build_hand_model.py makes from mediapipe 0.10.21.
BUNDLED_MODEL_SHA256 = "76839f622b2923ac8ee857300422283621490de0122425c2313ab8f040a7d100"
REQUIRED_MEMBERS = ("hand_detector.tflite", "hand_landmarks_detector.tflite")


class ModelError(RuntimeError):
    """The hand model is missing or damaged; the message says how to fix it."""


def hand_model_path(path: str | os.PathLike | None = None) -> Path:
    """Return a checked path to the hand model.

    Order: the argument, then $CROSSGRAIN_HAND_MODEL, then models/ in the repo.
    A custom model is checked for shape only; the bundled one also by sha256.
    """
    chosen = Path(path or os.environ.get(MODEL_ENV_VAR) or DEFAULT_MODEL_PATH)
    rebuild = "rebuild it with `python tools/build_hand_model.py`"
    if not chosen.is_file():
        raise ModelError(f"hand model not found at {chosen}: {rebuild}")
    try:
        with zipfile.ZipFile(chosen) as bundle:
            names = set(bundle.namelist())
    except zipfile.BadZipFile:
        raise ModelError(f"hand model {chosen} is not a model bundle (damaged?): {rebuild}") from None
    missing = [m for m in REQUIRED_MEMBERS if m not in names]
    if missing:
        raise ModelError(f"hand model {chosen} lacks {', '.join(missing)}: {rebuild}")
    if chosen.resolve() == DEFAULT_MODEL_PATH.resolve():
        stat = chosen.stat()
        digest = _sha256(chosen.resolve(), stat.st_size, stat.st_mtime_ns)
        if digest != BUNDLED_MODEL_SHA256:
            raise ModelError(f"hand model {chosen} has sha256 {digest[:12]}..., expected "
                             f"{BUNDLED_MODEL_SHA256[:12]}... (damaged?): {rebuild}")
    return chosen


@functools.lru_cache(maxsize=4)
def _sha256(path: Path, size: int, mtime_ns: int) -> str:
    """Hash once per file version: every new stream (each START on the live page) checks the model."""
    return hashlib.sha256(path.read_bytes()).hexdigest()
