"""What a rerun may skip: a video whose report exists and was made from the same bytes,
by the same engine, with the same settings.

The video is named by the sha256 of its file (a renamed or copied clip is the
same work; an edited one is not); the engine by ENGINE_VERSION, the MediaPipe
release and the hand model's sha256; the settings by axis, labelling mode and
technique. The report files themselves are checked by hash, so a report
overwritten by another run is not taken for this one's.
"""

from __future__ import annotations

import functools
import hashlib
from dataclasses import dataclass
from pathlib import Path

CHUNK = 1 << 20


def file_sha256(path: str | Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


@functools.lru_cache(maxsize=1)
def engine_identity() -> str:
    """ENGINE_VERSION plus what else changes a report without a code change: MediaPipe and the model."""
    from importlib.metadata import PackageNotFoundError, version

    from .. import ENGINE_VERSION
    from ..io.model import hand_model_path

    try:
        mediapipe = version("mediapipe")
    except PackageNotFoundError:
        mediapipe = "unknown"
    return f"{ENGINE_VERSION}; mediapipe {mediapipe}; model {file_sha256(hand_model_path())[:12]}"


@dataclass(frozen=True)
class Settings:
    """The analysis settings a report depends on (besides the video and the engine)."""

    foot_axis: object  # a FootAxis (typed or drawn), a number of degrees, or "auto"
    causal: bool
    technique: str

    def to_dict(self) -> dict:
        axis = self.foot_axis if isinstance(self.foot_axis, (str, float, int)) else repr(self.foot_axis)
        return {"foot_axis": axis, "causal": self.causal, "technique": self.technique}


@dataclass(frozen=True)
class Work:
    """One video of the batch and where its outputs go (kind -> path, e.g. "json", "csv")."""

    video: Path
    sha256: str
    outputs: dict[str, Path]


def is_finished(work: Work, row: dict | None, engine: str, settings: Settings) -> bool:
    """True when ``row`` (the previous index's row of this video) shows this very work done and its outputs intact."""
    if not row or row.get("status") == "failed":
        return False
    if row.get("sha256") != work.sha256 or row.get("engine") != engine or row.get("settings") != settings.to_dict():
        return False
    recorded = row.get("outputs") or {}
    for kind, path in work.outputs.items():
        entry = recorded.get(kind)
        if not entry or entry.get("path") != str(path) or not path.is_file():
            return False
        if file_sha256(path) != entry.get("sha256"):
            return False
    return True


def plan(planned: list[tuple[Path, dict[str, Path]]], previous: dict[str, dict], engine: str,
         settings: Settings) -> tuple[dict[Path, dict], list[Work]]:
    """Each video's index row to start from, and the work left to do.

    A finished video keeps its previous row, marked ``skipped``; a video that
    cannot be read to hash is ``failed`` already; the rest are ``pending``.
    """
    rows: dict[Path, dict] = {}
    todo: list[Work] = []
    for video, outputs in planned:
        base = {"video": str(video), "path": str(video.resolve()), "engine": engine, "settings": settings.to_dict()}
        try:
            sha = file_sha256(video)
        except OSError as exc:
            rows[video] = {**base, "status": "failed", "error": f"{video}: {exc.strerror or exc}"}
            continue
        work = Work(video, sha, outputs)
        old = previous.get(base["path"])
        if is_finished(work, old, engine, settings):
            rows[video] = {**old, "video": str(video), "status": "skipped", "error": None}
        else:
            rows[video] = {**base, "sha256": sha, "status": "pending"}
            todo.append(work)
    return rows, todo
