"""The phone as the camera, in a real Chromium: `crossgrain serve --lan`, the page over https.

A laptop-sized window shows the QR code of the address (decoded from a screenshot) and the
certificate warning's words; a phone-sized one (390x844, the self-signed certificate accepted as
a person would after the warning) works the live page with the fake webcam: the picture, the
verdict box with its cue and the hold figure on the first screen, the technique and foot axis
one labelled tap away. The server runs under strace (when there is one): through the whole
session it connects to nothing but this machine (the video stays on the home network).
Screenshots go to test-artifacts/.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from vision.coach.techniques import registry
from vision.io import lan
from vision.ui.samples import list_samples

from browser_support import ARTIFACTS, chromium, chromium_path, direct_urlopen, make_y4m, panel_metrics, start_camera
from test_serve import _stop

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    # the whole module, as its LAN server is shared: its teardown checks the live test's WebRTC port
    pytest.mark.alone,
    pytest.mark.skipif(chromium_path() is None, reason="Debian's chromium is not installed (make browser-deps)"),
]

ROOT = Path(__file__).resolve().parents[1]
PHONE = {"width": 390, "height": 844}
LIVE_WAIT_S = 240.0  # a loaded 2-core machine can take minutes to bring the WebRTC stream up
BADGE_TEXT = re.compile(r" — |too slow to judge|Connecting to the camera|stopped sending")


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("0.0.0.0", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def lan_server(tmp_path_factory):
    addresses = lan.lan_addresses()
    if not addresses:
        pytest.skip("this machine has no network address but loopback")
    ARTIFACTS.mkdir(exist_ok=True)
    port = _free_port()
    data = tmp_path_factory.mktemp("data")
    env = {**os.environ, "CROSSGRAIN_DATA_DIR": str(data)}
    env.pop("CROSSGRAIN_ICE_SERVERS", None)
    cmd = [sys.executable, "-m", "vision.cli", "serve", "--lan", "--port", str(port)]
    trace = data / "connect.txt"
    strace = shutil.which("strace")
    if strace:  # every connect() and bind() of the server and its threads: where the video went
        cmd = [strace, "-f", "--seccomp-bpf", "-e", "trace=connect,bind", "-o", str(trace), *cmd]
    with open(ARTIFACTS / "serve_lan.log", "w") as log:
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = lan.https_url(addresses[0], port)
    try:
        import ssl

        deadline = time.monotonic() + 240
        while True:
            assert proc.poll() is None, (ARTIFACTS / "serve_lan.log").read_text()[-2000:]
            try:
                ctx = ssl.create_default_context(cafile=str(data / "tls" / lan.CERT_NAME))
                with direct_urlopen(url + "/_stcore/health", context=ctx, timeout=5) as r:
                    if r.status == 200:
                        break
            except (OSError, ssl.SSLError):
                pass
            assert time.monotonic() < deadline, "crossgrain serve --lan did not answer over https"
            time.sleep(0.5)
        yield url
    finally:
        _stop(proc)
    if strace:
        from test_network_privacy import inet_calls

        import ifaddr

        own = {"127.0.0.1", "::1", *(ip.ip if isinstance(ip.ip, str) else ip.ip[0]
                                     for adapter in ifaddr.get_adapters() for ip in adapter.ips)}
        elsewhere = [line for addr, line in inet_calls(trace, "connect") if addr not in own
                     and not addr.startswith(("127.", "::ffff:127."))]
        assert elsewhere == [], f"the server connected beyond this machine: {elsewhere}"
        binds = inet_calls(trace, "bind")
        webrtc = [line for addr, line in binds if addr == addresses[0] and "htons(0)" in line]
        assert webrtc, "no WebRTC port on the network address: the phone could not reach the stream"
        assert all(addr in ("0.0.0.0", "::", *own) for addr, _ in binds), binds  # this machine's own only


@pytest.fixture(scope="module")
def camera(tmp_path_factory):
    by_name = {s.name: s for s in list_samples()}
    if "myofascial_hold" not in by_name:
        pytest.skip("sample clip myofascial_hold.mp4 not found")
    y4m = make_y4m(by_name["myofascial_hold"].path, tmp_path_factory.mktemp("cam") / "camera.y4m", 2.0, 14.0, fps=15)
    try:
        with chromium(y4m) as browser:
            yield browser
    finally:
        y4m.unlink(missing_ok=True)


def _on_first_screen(box: dict | None, name: str) -> None:
    assert box is not None, f"{name} is not shown"
    assert box["y"] >= 0 and box["y"] + box["height"] <= PHONE["height"] + 0.5, (name, box)
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"] + 0.5, (name, box)


def test_laptop_page_shows_the_qr_code_of_the_https_address(lan_server, camera):
    context = camera.new_context(viewport={"width": 1400, "height": 1000}, ignore_https_errors=True)
    page = context.new_page()
    page.set_default_timeout(90_000)
    page.goto(lan_server, timeout=180_000)
    qr = page.locator(f"[role='img'][aria-label='QR code of {lan_server}']")
    qr.wait_for(timeout=180_000)
    import cv2

    png = qr.screenshot()
    img = cv2.imdecode(np.frombuffer(png, np.uint8), cv2.IMREAD_GRAYSCALE)
    text, _, _ = cv2.QRCodeDetector().detectAndDecode(cv2.resize(img, None, fx=2, fy=2,
                                                                 interpolation=cv2.INTER_NEAREST))
    assert text == lan_server  # what a phone's camera reads off the laptop's screen
    sidebar = page.locator("[data-testid='stSidebar']")
    assert "Show Details" in sidebar.inner_text() and "Advanced" in sidebar.inner_text()
    # the sidebar does it here: the phones' settings button is hidden (by the page's CSS, which a page still
    # rendering may apply a moment after the button: waited for, not read at one instant)
    page.get_by_text("Technique and foot axis:").first.wait_for(state="hidden", timeout=30_000)
    page.screenshot(path=str(ARTIFACTS / "laptop_lan_qr.png"))
    context.close()


def test_phone_layout_live_picture_badge_cue_and_hold_on_the_first_screen(lan_server, camera):
    context = camera.new_context(viewport=PHONE, ignore_https_errors=True, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.set_default_timeout(90_000)
    page.goto(lan_server, timeout=180_000)
    settings = page.get_by_role("button", name=re.compile("Technique and foot axis"))
    settings.wait_for(timeout=180_000)
    _on_first_screen(settings.bounding_box(), "the settings button")
    assert "Cross-friction" in settings.inner_text()

    # one tap shows the technique and the foot axis, labelled; a choice there is the sidebar's choice too
    hold = registry()["myofascial_hold"]
    settings.click()
    popover = page.locator("[data-testid='stPopoverBody']")
    popover.get_by_text("Foot axis (heel → toes), degrees").wait_for(timeout=60_000)
    popover.locator("[data-testid='stSelectbox']").filter(has_text="Technique").click()
    page.get_by_role("option").filter(has_text=hold.title).first.click()
    page.get_by_role("button", name=re.compile("Technique and foot axis: " + re.escape(hold.title))).wait_for(timeout=90_000)
    page.keyboard.press("Escape")
    page.get_by_text(f"Technique: {hold.title}").first.wait_for(timeout=90_000)

    component = page.frame_locator("iframe[title*='streamlit_webrtc']")
    live = lambda p: panel_metrics(p).get("Processing", "–") != "–"  # noqa: E731
    assert start_camera(page, component, live, LIVE_WAIT_S), f"no frame processed in {LIVE_WAIT_S:.0f} s"
    time.sleep(3)
    page.evaluate("() => document.activeElement && document.activeElement.blur()")
    picture = component.locator("video").first
    badge = page.locator("[data-testid='stAlert']").filter(has_text=BADGE_TEXT).first
    hold_metric = page.locator("[data-testid='stMetric']").filter(has_text="Hold").first
    badge.wait_for(timeout=60_000)
    page.screenshot(path=str(ARTIFACTS / "phone_live.png"))
    scroll = page.evaluate("() => [window.scrollY, ...[...document.querySelectorAll('*')]"
                           ".filter(e => e.scrollTop > 0).map(e => e.scrollTop)]")
    assert all(s == 0 for s in scroll), f"the page was scrolled: {scroll}"
    _on_first_screen(picture.bounding_box(), "the picture")
    assert picture.bounding_box()["height"] >= 200, picture.bounding_box()  # a picture, not a thumbnail
    _on_first_screen(badge.bounding_box(), "the verdict box")
    _on_first_screen(hold_metric.bounding_box(), "the hold figure")
    # the box and the panel's "Correction:" line are one cue; the panel redraws three times a second,
    # so both are read at once, and again until a reading falls between two redraws
    for _ in range(20):
        badge_text, text = page.evaluate(
            "() => { const alerts = [...document.querySelectorAll(\"[data-testid='stAlert']\")];"
            " const box = alerts.find(a => / — |too slow to judge|Connecting to the camera|stopped sending/"
            ".test(a.innerText));"
            " return [box ? box.innerText : '', document.querySelector(\"[data-testid='stMain']\").innerText]; }")
        cue = re.search(r"Correction: (.+)", text)
        assert cue, text[:2000]
        said = badge_text.split(" — ", 1)[1].strip() if " — " in badge_text else None
        if said is None or said == cue.group(1).strip():
            break
        time.sleep(0.5)
    if " — " in badge_text:  # live: the box says what is done and the one correction that matters
        assert said == cue.group(1).strip(), (badge_text, cue.group(1))
    else:  # too few frames analysed on this loaded machine: the box says so instead of judging
        assert "too slow to judge" in badge_text or "Connecting" in badge_text, badge_text
    assert re.search(r"\d+\.\d s of 90 s", hold_metric.inner_text()), hold_metric.inner_text()
    print(f"\nphone layout: picture {picture.bounding_box()}, box {badge.bounding_box()}, "
          f"hold {hold_metric.bounding_box()}; box says {badge_text!r}")
    component.get_by_role("button", name="STOP").click()
    context.close()
