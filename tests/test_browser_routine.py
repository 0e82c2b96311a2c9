"""End to end in Chromium: a guided routine (the contrast bath) on the live page, on a fast clock.

The server runs with CROSSGRAIN_ROUTINE_SPEED so the 12-minute routine passes in
about 18 s; the test reads the cue shown on the page a few times a second and checks
that every cue appears, in order, ending with the finish. No camera is used.
Screenshots go to test-artifacts/routine_*.png.
"""

from __future__ import annotations

import re
import time

import pytest

from vision.coach.techniques import registry
from vision.coach.routines import SPEED_ENV, TimerRoutine

from browser_support import ARTIFACTS, chromium, chromium_path, streamlit_server

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(chromium_path() is None, reason="Debian's chromium is not installed (make browser-deps)"),
]

SPEED = 40.0  # 12 min in 18 s: the shortest step (1 min cold) shows for 1.5 s


def test_contrast_bath_routine_end_to_end():
    tech = registry()["contrast_bath"]
    routine = TimerRoutine.from_technique(tech)
    expected = routine.cues()
    ARTIFACTS.mkdir(exist_ok=True)
    with streamlit_server(env={SPEED_ENV: str(SPEED)}, log_path=ARTIFACTS / "streamlit_routine.log") as url, \
            chromium() as browser:
        page = browser.new_page(viewport={"width": 1400, "height": 1100})
        page.goto(url)
        page.get_by_text("Foot axis").first.wait_for(timeout=60_000)
        page.locator("[data-testid='stSelectbox']").filter(has_text="Technique").first.click()
        page.get_by_role("option").filter(has_text=tech.title).first.click()
        page.get_by_text("needs no camera").first.wait_for(timeout=30_000)
        assert page.locator("iframe[title*='streamlit_webrtc']").count() == 0  # no camera for a timer
        # the warnings before the session, and the targets, are on the page
        sidebar = page.locator("[data-testid='stSidebar']").inner_text()
        assert "nerve" in sidebar and "stress fracture" in sidebar and "does not diagnose" in sidebar
        assert "3 rounds" in sidebar
        cue_box = page.locator("[data-testid='stAlert']").filter(has_text=re.compile(r"^(Ready|Round|Done)"))
        assert cue_box.first.inner_text().startswith("Ready: Round 1 of 3: warm water")

        page.get_by_role("button", name="Start", exact=True).click()
        t0 = time.monotonic()
        seen: list[str] = []
        heads_up = False
        shot = False
        deadline = t0 + routine.total_s / SPEED + 30
        while time.monotonic() < deadline:
            texts = cue_box.all_inner_texts()
            text = texts[0].strip() if texts else ""
            if text and not text.startswith("Ready") and (not seen or seen[-1] != text):
                seen.append(text)
            heads_up = heads_up or page.get_by_text(re.compile(r"^Next: cold water in \d+ s")).count() > 0
            if not shot and text.startswith("Round 2 of 3: cold"):
                page.screenshot(path=str(ARTIFACTS / "routine_running.png"), full_page=True)
                shot = True
            if text.startswith("Done"):
                break
            time.sleep(0.12)
        elapsed = time.monotonic() - t0
        print(f"\nbrowser routine: {len(seen)} cues in {elapsed:.1f} s (expected {routine.total_s / SPEED:.0f} s): "
              f"{seen}")
        page.get_by_text("Routine followed: 100%").wait_for(timeout=10_000)
        page.screenshot(path=str(ARTIFACTS / "routine_done.png"), full_page=True)
        assert seen == expected
        assert heads_up, "the heads-up before the switch to cold water was never shown"
        assert elapsed >= routine.total_s / SPEED - 1.0  # the cues follow the (fast) clock, not the page's reruns
        page.close()
