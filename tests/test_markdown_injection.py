"""User-supplied strings are shown as text: an upload named like Markdown fetches nothing, links nothing.

The file name carries an image pointing at a local HTTP server that counts requests
and a link; through the page (AppTest, then a real Chromium) neither may render.
"""

from __future__ import annotations

import http.server
import re
import threading
import time
from pathlib import Path

import pytest

from vision.ui.plain_text import md_escape

from browser_support import free_port


def hostile_name(port: int) -> str:
    return f"![t](http://127.0.0.1:{port}/leak.png) [y](http://x) *b* _i_ `c` :red[r] $x$ <b>h</b>.mp4"


def unescaped_markup(markdown: str) -> list[str]:
    """Markdown constructs in ``markdown`` that are not backslash-escaped."""
    return re.findall(r"(?<!\\)(?:!\[|\]\(|\[|`|\*|<|\$|:red)", markdown)


@pytest.mark.parametrize("text", ["plain.mp4", "a_b*c*[d](e)", "# heading\n- item\n\n    code", "x\\y", "1. one"])
def test_md_escape_leaves_no_markup_and_keeps_every_character(text):
    out = md_escape(text)
    assert "\n" not in out and unescaped_markup(out) == []
    assert re.sub(r"\\(.)", r"\1", out) == " ".join(text.split())


def test_page_shows_hostile_upload_name_as_text():
    from streamlit.testing.v1 import AppTest

    app = AppTest.from_file(str(Path(__file__).resolve().parents[1] / "app.py"), default_timeout=120)
    app.run()
    name = hostile_name(9)
    app.get("file_uploader")[0].set_value((name, b"not a video" * 50, "video/mp4")).run()
    app.button(key="analyse_upload").click().run()
    assert not app.exception
    errors = [e.value for e in app.error]
    assert errors and all(unescaped_markup(e) == [] for e in errors), errors
    assert any(md_escape(name) in e for e in errors), errors


class _Counter(http.server.BaseHTTPRequestHandler):
    hits: list[str] = []

    def do_GET(self):  # noqa: N802 - http.server's name
        _Counter.hits.append(self.path)
        self.send_response(404)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.mark.browser
@pytest.mark.slow
def test_browser_fetches_nothing_and_links_nothing(tmp_path):
    from browser_support import chromium, chromium_path, click_until, streamlit_server
    from playwright.sync_api import expect
    from media import still_frame, write_video

    if chromium_path() is None:
        pytest.skip("Debian's chromium is not installed (make browser-deps)")
    port = free_port()
    leak = http.server.ThreadingHTTPServer(("127.0.0.1", port), _Counter)
    threading.Thread(target=leak.serve_forever, daemon=True).start()
    name = hostile_name(port)
    video = write_video(tmp_path / "v.mp4", [still_frame(160, 120)] * 10, [k / 30 for k in range(10)]).read_bytes()
    try:
        with streamlit_server() as url, chromium() as browser:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.goto(url)
            page.get_by_role("tab", name="Analyse a video").click()
            uploader = page.locator("[data-testid='stFileUploader'] input[type='file']")
            # a video: the name shows in "Results: ..."; then no video: the name shows in the error box
            analyse = page.get_by_role("button", name="Analyse upload")
            for attempt in range(3):  # an upload that lands while the tab still reruns can be lost: again
                uploader.set_input_files(files=[{"name": name, "mimeType": "video/mp4", "buffer": video}])
                try:
                    expect(analyse).to_be_enabled(timeout=20_000)
                    break
                except AssertionError:
                    if attempt == 2:
                        raise
            analyse.click()
            page.get_by_text("Results:").first.wait_for(timeout=120_000)
            results_text = page.locator("h3").filter(has_text="Results:").first.inner_text()
            uploader.set_input_files(files=[{"name": name, "mimeType": "video/mp4",
                                             "buffer": b"not a video" * 100}])
            page.locator("[data-testid='stFileUploader']").filter(has_text="1.1KB").wait_for(timeout=30_000)
            alert = page.locator("[data-testid='stAlert']").filter(has_text="leak.png").first
            click_until(page.get_by_role("button", name="Analyse upload"), alert)
            alert_text = alert.inner_text()
            time.sleep(1.0)
            links = page.evaluate("() => [...document.querySelectorAll('a[href]')].map(a => a.href)")
            images = page.evaluate("() => [...document.querySelectorAll('img')].map(i => i.src)")
            page.close()
    finally:
        leak.shutdown()
    assert _Counter.hits == [], f"the browser fetched {_Counter.hits}"
    assert not any(h.startswith("http://x") for h in links), links
    assert not any("leak.png" in src for src in images), images
    assert "leak.png" in results_text and "[y](http://x)" in results_text  # shown, character for character
    assert "leak.png" in alert_text and "<b>h</b>" in alert_text

