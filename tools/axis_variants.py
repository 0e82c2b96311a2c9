"""Variants of marked foot photos for measuring the axis estimator: turned, and with a real hand on top.

Turning: the photo is rotated about the foot's middle, kept at its size with
its edges reflected, and the heel and toes marks are rotated with it. Hands: a real hand photo cut out with its
MediaPipe landmarks (tools/make_clips.py, as for the test clips) is turned and
pasted with its thumb on the foot, about a third of a foot length across the
palm; its landmarks travel with it, to be masked out as the app would.
"""

from __future__ import annotations

import csv
import math
import os
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

ROOT = Path(__file__).resolve().parents[1]
REPO_FEET = ROOT / "tests" / "data" / "feet"


@dataclass
class MarkedPhoto:
    name: str
    bgr: np.ndarray
    heel: np.ndarray  # (2,) px
    toes: np.ndarray
    hands: list  # (21, 2) landmark arrays on the picture

    @property
    def axis_deg(self) -> float:
        d = self.toes - self.heel
        return math.degrees(math.atan2(-d[1], d[0])) % 180.0

    @property
    def rgb(self) -> np.ndarray:
        return cv2.cvtColor(self.bgr, cv2.COLOR_BGR2RGB)


def feet_dir() -> Path:
    """$CROSSGRAIN_FEET, else the workplace's shared/feet, else the few photos in the repo."""
    env = os.environ.get("CROSSGRAIN_FEET")
    if env:
        return Path(env)
    for candidate in [p / "shared" / "feet" for p in ROOT.parents] + [Path("/work/shared/feet")]:
        if (candidate / "AXIS.tsv").is_file():
            return candidate
    return REPO_FEET


def load_marked(folder: Path, max_side: int | None = 1280) -> list[MarkedPhoto]:
    """The usable photos of a folder with AXIS.tsv (photos in ``photos/`` or beside it), upright as
    cv2.imread shows them (EXIF honoured), shrunk to ``max_side`` with their marks."""
    folder = Path(folder)
    table = folder / "AXIS.tsv"
    if not table.is_file():
        raise FileNotFoundError(f"{folder}: no AXIS.tsv with heel and toes marks")
    photos = folder / "photos" if (folder / "photos").is_dir() else folder
    out = []
    with open(table, newline="") as f:
        for row in csv.DictReader(f, delimiter="\t"):
            if row.get("usable", "yes") != "yes":
                continue
            bgr = cv2.imread(str(photos / row["local_name"]), cv2.IMREAD_COLOR)
            if bgr is None:
                raise FileNotFoundError(photos / row["local_name"])
            heel = np.array([float(row["heel_x"]), float(row["heel_y"])])
            toes = np.array([float(row["toes_x"]), float(row["toes_y"])])
            s = min(1.0, max_side / max(bgr.shape[:2])) if max_side else 1.0
            if s < 1:
                bgr = cv2.resize(bgr, None, fx=s, fy=s, interpolation=cv2.INTER_AREA)
            out.append(MarkedPhoto(row["local_name"], bgr, heel * s, toes * s, []))
    return out


def rotated(photo: MarkedPhoto, deg: float) -> MarkedPhoto:
    """The photo turned ``deg`` counter-clockwise on screen about the foot's middle, same size,
    edges reflected (as tools/make_clips.py turns its foot backgrounds): a camera held at another angle."""
    h, w = photo.bgr.shape[:2]
    cx, cy = (photo.heel + photo.toes) / 2
    m = cv2.getRotationMatrix2D((float(cx), float(cy)), deg, 1.0)
    m[:, 2] += (w / 2 - cx, h / 2 - cy)
    bgr = cv2.warpAffine(photo.bgr, m, (w, h), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REFLECT_101)

    def move(p):
        return m[:, :2] @ p + m[:, 2]

    return MarkedPhoto(f"{photo.name}@rot{deg:g}", bgr, move(photo.heel), move(photo.toes),
                       [np.array([move(p) for p in hand]) for hand in photo.hands])


def with_hand(photo: MarkedPhoto, still: str, along: float, turn_deg: float) -> MarkedPhoto:
    """A real hand pasted with its thumb tip at ``along`` (0 heel, 1 toes) on the marked line,
    the hand turned ``turn_deg``; its landmarks are returned with the picture."""
    import make_clips  # tools/: the hand cut-out with MediaPipe landmarks

    foot_len = float(np.linalg.norm(photo.toes - photo.heel))
    sprite = make_clips.load_hand_sprite(still).scaled(max(12.0, 0.3 * foot_len))
    h, w = sprite.alpha.shape
    diag = int(math.ceil(math.hypot(w, h))) + 2
    m = cv2.getRotationMatrix2D((w / 2, h / 2), turn_deg, 1.0)
    m[:, 2] += (diag / 2 - w / 2, diag / 2 - h / 2)
    spr_bgr = cv2.warpAffine(sprite.bgr, m, (diag, diag), flags=cv2.INTER_LINEAR)
    spr_a = cv2.warpAffine(sprite.alpha, m, (diag, diag), flags=cv2.INTER_LINEAR)
    lm = sprite.landmarks @ m[:, :2].T + m[:, 2]
    target = photo.heel + along * (photo.toes - photo.heel)
    tx, ty = target - lm[4]
    img = photo.bgr.astype(np.float32)
    make_clips._composite(img, spr_bgr, spr_a, tx, ty)
    bgr = np.clip(img, 0, 255).astype(np.uint8)
    return MarkedPhoto(f"{photo.name}+{still}", bgr, photo.heel, photo.toes, photo.hands + [lm + (tx, ty)])
