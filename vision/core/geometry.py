"""Angles and line fitting in the conventions of design.md section 1.

Screen angles are degrees counter-clockwise from the image's +x axis; image y
points down, so a motion (dx, dy) has the angle atan2(-dy, dx). Lines have no
direction: their angles live in [0, 180).
"""

from __future__ import annotations

import math

import numpy as np

CROSS_GRAIN_MIN_DEG = 60.0
LENGTHWISE_MAX_DEG = 30.0


def screen_angle_deg(dx: float, dy: float) -> float:
    """Angle of the line through an image-space motion (dx, dy), in [0, 180)."""
    return math.degrees(math.atan2(-dy, dx)) % 180.0


def angle_to_grain_deg(line_angle_deg: float, foot_axis_deg: float) -> float:
    """Acute angle (0-90) between a line and the foot's heel-to-toes axis."""
    diff = abs(line_angle_deg - foot_axis_deg) % 180.0
    return min(diff, 180.0 - diff)


def direction_label(angle_to_grain: float) -> str:
    """The stroke label for an angle to the grain, by design.md's thresholds."""
    if angle_to_grain >= CROSS_GRAIN_MIN_DEG:
        return "cross_grain"
    if angle_to_grain <= LENGTHWISE_MAX_DEG:
        return "lengthwise"
    return "oblique"


def principal_axis(points: np.ndarray) -> tuple[np.ndarray, float, float]:
    """Principal direction of (N, 2) points: (unit vector, major variance, minor variance)."""
    centred = points - points.mean(axis=0)
    cov = centred.T @ centred / max(len(points), 1)
    # Closed-form 2x2 symmetric eigen-decomposition: faster than np.linalg.eigh here.
    a, b, c = cov[0, 0], cov[0, 1], cov[1, 1]
    half_trace = (a + c) / 2.0
    spread = math.sqrt(max(((a - c) / 2.0) ** 2 + b * b, 0.0))
    major, minor = half_trace + spread, max(half_trace - spread, 0.0)
    theta = 0.5 * math.atan2(2.0 * b, a - c)
    return np.array([math.cos(theta), math.sin(theta)]), major, minor
