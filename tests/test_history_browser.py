"""The Progress tab in a real Chromium, on a real history (CROSSGRAIN_DATA_DIR in a temp folder).

Checks what only a browser shows: the tab opens, the advice and due-today lines read as
written, the six Altair charts draw (a canvas or SVG of real size), and the settings switch
really writes the answer. Screenshot: test-artifacts/progress_tab.png.
"""

from __future__ import annotations

import pytest
from browser_support import ARTIFACTS, choose, chromium, chromium_path, streamlit_server
from test_history_page import seed

from vision.history.settings import keep_history

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(chromium_path() is None, reason="Debian's chromium is not installed (make browser-deps)"),
]


def test_progress_tab_in_a_real_browser(tmp_path, monkeypatch):
    data = tmp_path / "data"
    monkeypatch.setenv("CROSSGRAIN_DATA_DIR", str(data))
    seed(data)
    ARTIFACTS.mkdir(exist_ok=True)
    with streamlit_server(env={"CROSSGRAIN_DATA_DIR": str(data)}, log_path=ARTIFACTS / "streamlit_progress.log") \
            as url, chromium() as browser:
        page = browser.new_page(viewport={"width": 1400, "height": 1100})
        page.goto(url)
        page.get_by_text("Foot axis").first.wait_for(timeout=60_000)
        page.get_by_role("tab", name="Progress").click()
        page.get_by_text("You reported tingling").first.wait_for(timeout=60_000)
        panel = page.get_by_role("tabpanel", name="Progress")
        text = panel.inner_text()
        assert "has not come down over three weeks" in text and "physiotherapist or podiatrist" in text
        assert "Calf work: done today (23 days in a row)" in text
        assert "Morning release: due this morning (1 day in a row)" in text
        charts = panel.locator("[data-testid='stVegaLiteChart']")
        charts.nth(5).locator("canvas, svg").first.wait_for(timeout=30_000)
        assert charts.count() == 6
        for k in range(6):
            box = charts.nth(k).locator("canvas, svg").first.bounding_box()
            assert box and box["width"] > 100 and box["height"] > 50, (k, box)
        page.screenshot(path=str(ARTIFACTS / "progress_tab.png"), full_page=True)

        panel.get_by_text("Settings and your data").click()
        switch = panel.get_by_text("Keep my history on this computer")
        switch.click()
        page.wait_for_timeout(500)
        for _ in range(40):
            if keep_history() is False:
                break
            page.wait_for_timeout(250)
        assert keep_history() is False
        page.close()


def test_save_a_session_after_an_analysis_in_a_real_browser(tmp_path, monkeypatch):
    """Asked once, then foot, pain and Save; the Progress tab shows the saved session's pain."""
    from vision.history.store import Store

    data = tmp_path / "data"
    monkeypatch.setenv("CROSSGRAIN_DATA_DIR", str(data))
    ARTIFACTS.mkdir(exist_ok=True)
    with streamlit_server(env={"CROSSGRAIN_DATA_DIR": str(data)}, log_path=ARTIFACTS / "streamlit_save.log") \
            as url, chromium() as browser:
        page = browser.new_page(viewport={"width": 1400, "height": 1100})
        page.goto(url)
        page.get_by_text("Foot axis").first.wait_for(timeout=60_000)  # the app is up and listening
        # the live tab's camera component reports in once it has loaded, and that rerun would cut a running
        # analysis short: let it load first (seen twice at load average 16: results never shown)
        page.locator("iframe[title*='streamlit_webrtc']").first.wait_for(state="attached", timeout=60_000)
        page.wait_for_timeout(3000)
        page.get_by_role("tab", name="Analyse a video").click()
        analyse = page.get_by_role("tabpanel", name="Analyse a video")
        analyse.get_by_role("button", name="Analyse sample").click()
        analyse.get_by_text("Analysing").first.wait_for(timeout=60_000)
        try:  # the sample's analysis: about 15 s on an idle machine, minutes on a loaded one
            analyse.get_by_text("Keep this session in your history").wait_for(timeout=400_000)
        finally:
            page.screenshot(path=str(ARTIFACTS / "save_form.png"), full_page=True)
        assert not data.exists()  # nothing written before the answer
        analyse.get_by_text("Yes, keep it").click()
        analyse.get_by_text("Which foot?").wait_for(timeout=30_000)
        assert keep_history() is True
        analyse.get_by_text("left", exact=True).click()
        choose(page, analyse.locator("[data-testid='stSelectbox']").filter(has_text="Pain before"), "5 of 10")
        choose(page, analyse.locator("[data-testid='stSelectbox']").filter(has_text="Pain after"), "3 of 10")
        analyse.get_by_role("button", name="Save this session").click()
        analyse.get_by_text("Saved to your history (session 1)").wait_for(timeout=30_000)
        with Store(data / "history.sqlite3") as store:
            (kept,) = store.sessions()
        assert (kept.foot, kept.pain_before, kept.pain_after, kept.tingling) == ("left", 5, 3, False)
        page.get_by_role("tab", name="Progress").click()
        progress = page.get_by_role("tabpanel", name="Progress")
        progress.get_by_text("Pain before and after").wait_for(timeout=30_000)
        assert "no streak yet" in progress.inner_text()
        page.screenshot(path=str(ARTIFACTS / "progress_after_save.png"), full_page=True)
        assert page.locator("[data-testid='stException']").count() == 0
        page.close()
