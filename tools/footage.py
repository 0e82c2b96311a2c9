"""Where the real hand stills and foot photos are: the repository's copy first, then the bigger footage.

The repository carries the few files the tests need (``footage/``, same layout
as the team's shared folder: ``hands/stills``, ``hands/SOURCES.tsv``,
``feet/photos``, ``feet/SOURCES.tsv``, ``feet/AXIS.tsv``), so ``make test``
works on a machine that has only the repository. The full evaluation uses
more stills and photos; they are looked up, file by file, in
``$CROSSGRAIN_FOOTAGE`` (or the older ``$CROSSGRAIN_SHARED``) and in a
``shared/`` folder beside the repository or one of its parents. No fixed
absolute path: a machine without the footage says so and names the variable.
"""

from __future__ import annotations

import csv
import functools
import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
REPO_FOOTAGE = ROOT / "footage"
ENV_VARS = ("CROSSGRAIN_FOOTAGE", "CROSSGRAIN_SHARED")


class FootageMissing(FileNotFoundError):
    """A still or photo that neither the repository nor any footage folder has."""


def roots() -> list[Path]:
    """Folders with ``hands/`` and/or ``feet/``, searched in this order."""
    found = [REPO_FOOTAGE]
    for var in ENV_VARS:
        if os.environ.get(var):
            found.append(Path(os.environ[var]))
    found += [parent / "shared" for parent in ROOT.parents]
    out: list[Path] = []
    for root in found:
        if ((root / "hands").is_dir() or (root / "feet").is_dir()) and root.resolve() not in {r.resolve() for r in out}:
            out.append(root)
    return out


def _find(relative: str) -> Path:
    for root in roots():
        if (root / relative).is_file():
            return root / relative
    raise FootageMissing(f"{relative} is in neither {REPO_FOOTAGE} nor a footage folder; "
                         f"set {ENV_VARS[0]} to a folder with hands/ and feet/ (the team's shared/)")


def still_path(filename: str) -> Path:
    """A hand still by file name."""
    return _find(f"hands/stills/{filename}")


def foot_photo_path(filename: str) -> Path:
    """A foot photo by file name."""
    return _find(f"feet/photos/{filename}")


def hand_videos_dir() -> Path:
    """The first ``hands/videos`` folder of the footage roots (real hand videos: make eval-hands)."""
    for root in roots():
        if (root / "hands" / "videos").is_dir():
            return root / "hands" / "videos"
    raise FootageMissing(f"hands/videos is in neither {REPO_FOOTAGE} nor a footage folder; "
                         f"set {ENV_VARS[0]} to a folder with hands/ and feet/ (the team's shared/)")


def has(kind: str, filename: str) -> bool:
    """Whether a still (``kind="still"``) or foot photo (``"foot"``) can be found."""
    try:
        (still_path if kind == "still" else foot_photo_path)(filename)
        return True
    except FootageMissing:
        return False


def _read_tsv(path: Path) -> list[dict]:
    with open(path, newline="") as f:
        return list(csv.DictReader(f, delimiter="\t"))


@functools.lru_cache(maxsize=None)
def sources() -> dict[str, dict]:
    """SOURCES.tsv rows of every root, by file name (the first root that lists a file wins)."""
    out: dict[str, dict] = {}
    for root in roots():
        for tsv in (root / "hands" / "SOURCES.tsv", root / "feet" / "SOURCES.tsv"):
            if tsv.is_file():
                for row in _read_tsv(tsv):
                    out.setdefault(Path(row["local_name"]).name, row)
    return out


@functools.lru_cache(maxsize=None)
def foot_axis_marks() -> dict[str, tuple[float, float, float, float]]:
    """(heel_x, heel_y, toes_x, toes_y) of every usable foot photo, by file name."""
    out: dict[str, tuple[float, float, float, float]] = {}
    for root in roots():
        tsv = root / "feet" / "AXIS.tsv"
        if tsv.is_file():
            for row in _read_tsv(tsv):
                if row["usable"] == "yes":
                    out.setdefault(row["local_name"], tuple(float(row[k]) for k in ("heel_x", "heel_y", "toes_x", "toes_y")))
    return out
