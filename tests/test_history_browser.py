"""The Progress tab in a real Chromium, on a real history (CROSSGRAIN_DATA_DIR in a temp folder).

Checks what only a browser shows: the tab opens, the advice and due-today lines read as
written, the six Altair charts draw (a canvas or SVG of real size), and the settings switch
really writes the answer. Screenshot: test-artifacts/progress_tab.png.
"""

from __future__ import annotations

import pytest
from browser_support import ARTIFACTS, chromium, chromium_path, streamlit_server
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
