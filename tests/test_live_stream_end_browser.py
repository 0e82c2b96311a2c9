"""The stream ends on the page when its connection closes, though STOP never reached the server.

Seen once in a clean-clone run of tests/test_compare_browser.py: after STOP the component showed
START, but the page went on saying "The camera stopped sending frames" for two minutes and never
showed the session's report (a user would have pressed START and lost it). Here, in a real
Chromium, the component's messages to the page are held back from the moment the stream is live,
and its peer connection is closed from inside the component's frame: the server's connection
closes (vision/io/webrtc_ended.py) and the page shows the session's report anyway.
"""

from __future__ import annotations

import time

import pytest

from browser_support import (ARTIFACTS, chromium, chromium_path, make_y4m, open_live_page, panel_live, panel_metrics,
                             start_camera, streamlit_server)
from vision.ui.samples import list_samples

pytestmark = [
    pytest.mark.browser,
    pytest.mark.alone,
    pytest.mark.skipif(chromium_path() is None, reason="Debian's chromium is not installed (make browser-deps)"),
]

SAMPLE = "myofascial_hold"
# Every frame: keep the peer connections made, and (once asked) drop the component's new values to the page.
HOLD_BACK = """(() => {
  const Original = window.RTCPeerConnection;
  if (!Original) return;
  window.__cgPeers = [];
  window.RTCPeerConnection = function (...args) { const pc = new Original(...args); window.__cgPeers.push(pc); return pc; };
  window.RTCPeerConnection.prototype = Original.prototype;
  if (window.parent !== window) {
    const post = window.parent.postMessage.bind(window.parent);
    window.__cgHeld = 0;
    window.parent.postMessage = (message, ...rest) => {
      if (window.__cgHoldBack && message && message.type === 'streamlit:setComponentValue') { window.__cgHeld++; return; }
      return post(message, ...rest);
    };
  }
})();"""


def _component_frame(page):
    """The streamlit-webrtc component's frame: the one whose peer connections were kept."""
    for frame in page.frames:
        try:
            if frame.evaluate("() => Array.isArray(window.__cgPeers) && window.__cgPeers.length > 0"):
                return frame
        except Exception:  # noqa: BLE001 - a frame that went away
            continue
    return None


def test_a_stream_whose_connection_closed_ends_on_the_page_without_stop(tmp_path):
    by_name = {s.name: s for s in list_samples()}
    if SAMPLE not in by_name:
        pytest.skip(f"sample clip {SAMPLE}.mp4 not found")
    ARTIFACTS.mkdir(exist_ok=True)
    y4m = make_y4m(by_name[SAMPLE].path, tmp_path / "camera.y4m", 5.0, 9.0, fps=15, size=(320, 240))
    try:
        with streamlit_server(log_path=ARTIFACTS / "streamlit_stream_end.log") as url, chromium(y4m) as browser:
            context = browser.new_context(viewport={"width": 1400, "height": 1000})
            context.add_init_script(HOLD_BACK)
            page = context.new_page()
            open_live_page(page, url, SAMPLE)
            component = page.frame_locator("iframe[title*='streamlit_webrtc']")
            if not start_camera(page, component, panel_live, 180.0):
                pytest.fail(f"the panel never went live: {panel_metrics(page)}")
            frame = _component_frame(page)
            assert frame is not None, [f.url for f in page.frames]
            time.sleep(2.0)
            closed = frame.evaluate("() => { window.__cgHoldBack = true; "
                                    "window.__cgPeers.forEach(pc => pc.close()); return window.__cgPeers.length; }")
            assert closed >= 1
            try:
                # the server's side closes at once (DTLS) or when consent checks lapse (30 s)
                page.get_by_text("Your last session").wait_for(timeout=90_000)
            finally:
                page.screenshot(path=str(ARTIFACTS / "stream_end_without_stop.png"), full_page=True)
            held = frame.evaluate("() => window.__cgHeld")
            print(f"\ncomponent values held back: {held}")
            assert page.locator("[data-testid='stException']").count() == 0
            context.close()
    finally:
        y4m.unlink(missing_ok=True)
