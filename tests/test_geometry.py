import math

import numpy as np
import pytest

from vision.core.geometry import angle_to_grain_deg, direction_label, principal_axis, screen_angle_deg


@pytest.mark.parametrize("dx,dy,expected", [
    (1, 0, 0.0), (0, -1, 90.0), (0, 1, 90.0), (-1, 0, 0.0), (1, -1, 45.0), (1, 1, 135.0),
])
def test_screen_angle_follows_design_convention(dx, dy, expected):
    # image y points down: moving up the screen (dy < 0) is 90 degrees
    assert screen_angle_deg(dx, dy) == pytest.approx(expected)


@pytest.mark.parametrize("line,axis,expected", [
    (0, 90, 90), (90, 90, 0), (170, 10, 20), (10, 170, 20), (45, 90, 45), (135, 0, 45), (179, 1, 2),
])
def test_angle_to_grain_is_acute(line, axis, expected):
    assert angle_to_grain_deg(line, axis) == pytest.approx(expected)


@pytest.mark.parametrize("angle,label", [
    (90, "cross_grain"), (60, "cross_grain"), (59.9, "oblique"), (45, "oblique"),
    (30.1, "oblique"), (30, "lengthwise"), (0, "lengthwise"),
])
def test_direction_labels_at_their_borders(angle, label):
    assert direction_label(angle) == label


@pytest.mark.parametrize("angle", [0, 17, 45, 90, 123, 179])
def test_principal_axis_finds_line_angle(angle):
    rng = np.random.default_rng(1)
    a = math.radians(angle)
    s = rng.uniform(-10, 10, 200)
    pts = np.stack([s * math.cos(a), -s * math.sin(a)], axis=1) + rng.normal(0, 0.3, (200, 2))
    direction, major, minor = principal_axis(pts)
    found = math.degrees(math.atan2(-direction[1], direction[0])) % 180
    assert angle_to_grain_deg(found, angle) < 1.0
    assert major > 50 * minor

