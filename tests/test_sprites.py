"""Pasted overlay pieces look as drawn ones (issue 18: the overlay drawn cheaply)."""

import numpy as np
import pytest

from vision.io import overlay
from vision.io.sprites import SpriteCache


@pytest.fixture
def frame():
    return np.random.default_rng(0).integers(0, 256, (480, 640, 3), np.uint8)


@pytest.mark.parametrize("fn,args", [
    (overlay.draw_foot_axis, (90.0,)),
    (overlay.draw_foot_axis, (37.0,)),
    (overlay.draw_badge, ("CROSS-GRAIN", overlay.GOOD, "90 strokes/min")),
    (overlay.draw_badge, ("HOLD", overlay.WARN, None)),
    (overlay.draw_hold_ring, (30.0, 90.0, overlay.GOOD)),
])
def test_pasting_a_piece_gives_the_drawn_picture(frame, fn, args):
    drawn = frame.copy()
    fn(drawn, *args)
    cache = SpriteCache()
    for _ in range(2):  # drawn into the cache, then pasted from it
        pasted = frame.copy()
        cache.draw(pasted, fn, *args)
        diff = np.abs(drawn.astype(int) - pasted)
        assert diff.max() <= 8 and (diff > 2).mean() < 0.001
    assert (drawn != frame).any()


def test_a_view_into_another_array_is_drawn_directly(frame):
    cache = SpriteCache()
    view = frame[:, :320]
    expected = view.copy()
    overlay.draw_foot_axis(expected, 45.0)
    cache.draw(view, overlay.draw_foot_axis, 45.0)
    assert np.array_equal(view, expected)


def test_the_cache_keeps_only_the_latest_pieces(frame):
    cache = SpriteCache(maxsize=2)
    for angle in (10.0, 20.0, 30.0):
        cache.draw(frame.copy(), overlay.draw_foot_axis, angle)
    assert len(cache._sprites) == 2
