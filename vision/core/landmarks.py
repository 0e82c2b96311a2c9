"""The typed hand observation that everything past the tracker works with."""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum
from functools import cached_property

import numpy as np


class HandLandmark(IntEnum):
    """MediaPipe's 21 hand landmarks, by name, so no magic numbers leak out."""

    WRIST = 0
    THUMB_CMC = 1
    THUMB_MCP = 2
    THUMB_IP = 3
    THUMB_TIP = 4
    INDEX_MCP = 5
    INDEX_PIP = 6
    INDEX_DIP = 7
    INDEX_TIP = 8
    MIDDLE_MCP = 9
    MIDDLE_PIP = 10
    MIDDLE_DIP = 11
    MIDDLE_TIP = 12
    RING_MCP = 13
    RING_PIP = 14
    RING_DIP = 15
    RING_TIP = 16
    PINKY_MCP = 17
    PINKY_PIP = 18
    PINKY_DIP = 19
    PINKY_TIP = 20


# Landmark pairs drawn as the hand's skeleton.
HAND_CONNECTIONS: tuple[tuple[int, int], ...] = (
    (0, 1), (1, 2), (2, 3), (3, 4),
    (0, 5), (5, 6), (6, 7), (7, 8),
    (5, 9), (9, 10), (10, 11), (11, 12),
    (9, 13), (13, 14), (14, 15), (15, 16),
    (13, 17), (0, 17), (17, 18), (18, 19), (19, 20),
)

_SIZE_BONES = ((HandLandmark.WRIST, HandLandmark.INDEX_MCP), (HandLandmark.WRIST, HandLandmark.PINKY_MCP),
               (HandLandmark.INDEX_MCP, HandLandmark.PINKY_MCP), (HandLandmark.WRIST, HandLandmark.MIDDLE_MCP))
_BONE_ENDS = np.array([a for a, _ in _SIZE_BONES]), np.array([b for _, b in _SIZE_BONES])


@dataclass(frozen=True)
class HandObservation:
    """One hand seen in one frame.

    Attributes:
        xy: (21, 2) float32 landmark positions in image pixels (x right, y down).
        handedness: "Left" or "Right" as MediaPipe reports it (mirrored view).
        score: handedness confidence in [0, 1].
        t: the frame's own timestamp in seconds.
        depth_px: optional (21,) landmark depth relative to the wrist, in pixels of the
            image width (MediaPipe's z): it makes hand size independent of how the hand turns.
        covers_the_foot: what a look at the picture says of a "hand" with short fingers: True,
            the foot's toes (with its "forearm" it covers most of the skin in view); False, a
            hand on part of it; None, not looked at (vision/io/toes_look.py). While no real hand
            has been seen, a track mostly said to be toes is believed only once it moves.
    """

    xy: np.ndarray
    handedness: str
    score: float
    t: float
    depth_px: np.ndarray | None = None
    covers_the_foot: bool | None = None

    def __post_init__(self) -> None:
        if self.xy.shape != (21, 2):
            raise ValueError(f"xy must have shape (21, 2), got {self.xy.shape}")

    @classmethod
    def from_normalized(
        cls, points: np.ndarray, width: int, height: int, handedness: str, score: float, t: float
    ) -> "HandObservation":
        """Build from MediaPipe's normalised (x, y[, z]) in [0, 1] of a width x height image."""
        points = np.asarray(points, dtype=np.float32)
        xy = points[:, :2] * np.array([width, height], np.float32)
        depth = points[:, 2] * np.float32(width) if points.shape[1] > 2 else None
        return cls(xy=xy, handedness=handedness, score=float(score), t=float(t), depth_px=depth)

    @property
    def thumb_tip(self) -> np.ndarray:
        return self.xy[HandLandmark.THUMB_TIP]

    @property
    def thumb_joints_xy(self) -> np.ndarray:
        """Centre of the thumb's MCP, IP and tip: the point whose travel gives a stroke's direction.

        The joints move together in a stroke (the tip the most), while the model's
        errors differ between them: the tip alone bends a stroke's line by 20 deg
        and more when the thumb is folded or small in the picture.
        """
        return self.xy[[HandLandmark.THUMB_MCP, HandLandmark.THUMB_IP, HandLandmark.THUMB_TIP]].mean(axis=0)

    @cached_property
    def size_px(self) -> float:
        """Mean length of the palm's four bones, in 3D when the tracker gave depth (core/hands.py's
        measure of a hand). Kept once made: the tracker and HandTracks ask for it a dozen times a
        frame (0.5 ms), and an observation's landmarks are not changed once it is in use."""
        pts = self.xy.astype(np.float64)
        if self.depth_px is not None:
            pts = np.column_stack([pts, np.asarray(self.depth_px, np.float64)])
        bones = pts[_BONE_ENDS[0]] - pts[_BONE_ENDS[1]]
        return float(np.mean(np.sqrt(np.sum(bones * bones, axis=1))))

    @property
    def palm_width_px(self) -> float:
        """Index-MCP to pinky-MCP distance: the unit of size (design.md)."""
        return float(np.linalg.norm(self.xy[HandLandmark.INDEX_MCP] - self.xy[HandLandmark.PINKY_MCP]))
