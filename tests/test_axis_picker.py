"""Two clicks set the foot axis: the page logic, and app.py's picker in a real Chromium."""

import math
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from vision.core.axis import AxisSource, FootAxis
from vision.ui.axis_picker import TwoClicks, axis_caption, draw_axis

ROOT = Path(__file__).resolve().parents[1]


def test_two_clicks_scale_from_the_shown_size_and_a_third_starts_again():
    c = TwoClicks(480, 640)
    assert c.axis is None and "heel" in c.prompt
    assert c.click({"x": 120, "y": 234, "width": 240, "height": 320, "unix_time": 1})
    assert c.heel == (240.0, 468.0) and "toes" in c.prompt
    assert not c.click({"x": 120, "y": 234, "width": 240, "height": 320, "unix_time": 1})  # a rerun repeats it
    c.click({"x": 125, "y": 122, "width": 240, "height": 320, "unix_time": 2})
    a = c.axis
    assert a.source is AxisSource.DRAWN and a.toes_xy == (250.0, 244.0)
    assert a.deg == pytest.approx(math.degrees(math.atan2(224, 10)))
    c.click({"x": 10, "y": 10, "width": 240, "height": 320, "unix_time": 3})
    assert c.toes is None and c.heel == (20.0, 20.0) and c.axis is None
    c.click({"x": 10.5, "y": 10, "width": 240, "height": 320, "unix_time": 4})  # on the heel again: no axis
    assert c.axis is None
    c.click({"x": 9999, "y": -5, "width": 240, "height": 320, "unix_time": 5})  # clamped into the picture
    assert c.toes == (479.0, 0.0)


def test_drawing_marks_the_picture_and_leaves_the_original():
    rgb = np.full((200, 300, 3), 90, np.uint8)
    drawn = draw_axis(rgb, FootAxis.from_points((150, 180), (150, 20)))
    assert (rgb == 90).all() and (drawn != 90).any(axis=2)[20:180, 148:153].mean() > 0.9
    typed = draw_axis(rgb, FootAxis.typed(0.0))  # no points: a line through the middle
    assert (typed != 90).any(axis=2)[100, 60:240].all()
    assert (draw_axis(rgb, None, heel=(10, 10)) != 90).any()
    assert "found in the picture, confidence 70%" in axis_caption(FootAxis(80, AxisSource.FOUND, 0.7))


@pytest.mark.browser
@pytest.mark.skipif(__import__("shutil").which("chromium") is None, reason="Debian's chromium is not installed")
def test_two_clicks_in_a_real_browser():
    from browser_support import chromium, free_port, stop_process, wait_healthy

    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "streamlit", "run", "tests/pages/axis_picker_page.py",
                             "--server.port", str(port), "--server.headless", "true",
                             "--server.address", "127.0.0.1"], cwd=ROOT, env=dict(os.environ),
                            stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_healthy(url, proc)
        with chromium() as browser:
            page = browser.new_page(viewport={"width": 1200, "height": 1000})
            page.goto(url)
            page.get_by_text("RESULT: none").wait_for(timeout=60_000)
            page.get_by_text("found in the picture").first.wait_for()
            img = page.frame_locator("iframe[title*='streamlit_image_coordinates']").locator("img")
            img.wait_for()
            box = img.bounding_box()
            scale = 480 / box["width"]  # the photo is 480 px wide
            heel, toes = (0.5 * box["width"], 0.73 * box["height"]), (0.55 * box["width"], 0.38 * box["height"])
            img.click(position={"x": heel[0], "y": heel[1]})
            page.get_by_text("Now click the base of the toes").wait_for(timeout=20_000)
            img = page.frame_locator("iframe[title*='streamlit_image_coordinates']").locator("img")
            img.click(position={"x": toes[0], "y": toes[1]})
            result = page.get_by_text("RESULT: ").filter(has_text="drawn")
            result.wait_for(timeout=20_000)
            text = result.inner_text()
            deg = float(text.split()[1])
            want = math.degrees(math.atan2(-(toes[1] - heel[1]), toes[0] - heel[0])) % 180
            assert abs(deg - want) < 1.5, (text, want)
            hx, hy = map(float, text.split("heel ")[1].split(","))
            assert abs(hx - heel[0] * scale) < 3 and abs(hy - heel[1] * scale) < 3
            page.screenshot(path=str(ROOT / "test-artifacts" / "axis_picker.png")) if (ROOT / "test-artifacts").is_dir() else None
    finally:
        stop_process(proc)
