"""A camera that is refused or absent: a clear message on the live page, never a stack trace."""

from __future__ import annotations

import pytest

from browser_support import chromium, chromium_path, streamlit_server
from vision.ui.notices import CAMERA_HELP, CAMERA_REFUSED, NO_CAMERA

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(chromium_path() is None, reason="Debian's chromium is not installed (make browser-deps)"),
]


@pytest.fixture(scope="module")
def server():
    with streamlit_server() as url:
        yield url


@pytest.mark.parametrize("without,expected,ours", [
    ("--use-fake-ui-for-media-stream", ("NotAllowedError", "Permission denied", "permission"),
     CAMERA_REFUSED),  # refused
    ("--use-fake-device-for-media-stream", ("NotFoundError", "not found", "NotReadableError"),
     NO_CAMERA),  # no camera
])
def test_camera_problem_is_explained(server, without, expected, ours):
    with chromium(without=(without,)) as browser:
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.goto(server)
        page.get_by_text("Foot axis").first.wait_for(timeout=60_000)
        component = page.frame_locator("iframe[title*='streamlit_webrtc']")
        component.get_by_role("button", name="START").click(timeout=60_000)
        message = ""
        for _ in range(40):
            page.wait_for_timeout(250)
            message = component.locator("body").inner_text()
            if any(e.lower() in message.lower() for e in expected):
                break
        assert any(e.lower() in message.lower() for e in expected), message
        body = page.locator("body").inner_text()
        assert CAMERA_HELP.split(":")[0] in body  # our guidance under the component
        # and the problem in plain words on the page, not only the browser's error name in the component
        alert = page.locator("#crossgrain-camera-check")
        for _ in range(40):
            if alert.inner_text().strip():
                break
            page.wait_for_timeout(250)
        assert alert.inner_text().strip() == ours, alert.inner_text()
        assert "Traceback" not in body and "Traceback" not in message
