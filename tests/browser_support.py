"""Helpers for the browser tests: a Streamlit server subprocess, a fake-webcam .y4m, Chromium.

Kept out of conftest.py on purpose; tests/test_browser.py imports what it needs.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from fractions import Fraction
from pathlib import Path

from playwright.sync_api import TimeoutError as PlaywrightTimeout

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "test-artifacts"

CHROMIUM_ARGS = [
    "--use-fake-ui-for-media-stream",
    "--use-fake-device-for-media-stream",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--no-proxy-server",  # the tests' process has MediaPipe's telemetry block in its proxy variables
]


def direct_urlopen(url: str, context=None, timeout: float = 10.0):
    """urlopen without proxies: importing vision points this process's proxy variables at a proxy
    nothing accepts (vision/io/no_telemetry.py), with only loopback let through; a LAN address
    (the phone tests) must be reached directly."""
    handlers = [urllib.request.ProxyHandler({})]
    if context is not None:
        handlers.append(urllib.request.HTTPSHandler(context=context))
    return urllib.request.build_opener(*handlers).open(url, timeout=timeout)


def chromium_path() -> str | None:
    return shutil.which("chromium")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_healthy(url: str, proc: subprocess.Popen, timeout_s: float = 240.0) -> None:  # minutes when loaded
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"streamlit exited early with code {proc.returncode}")
        try:
            with urllib.request.urlopen(url + "/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.3)
    raise TimeoutError(f"streamlit did not become healthy at {url} in {timeout_s:.0f} s")


@contextlib.contextmanager
def streamlit_server(env: dict | None = None, log_path: Path | None = None):
    """`streamlit run app.py` on a free port (the repo's .streamlit/config.toml applies); yields the URL."""
    port = free_port()
    cmd = [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port),
           "--server.headless", "true", "--server.address", "127.0.0.1"]
    log = open(log_path, "w") if log_path else subprocess.DEVNULL
    proc = subprocess.Popen(cmd, cwd=ROOT, env={**os.environ, **(env or {})}, stdout=log,
                            stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_healthy(url, proc)
        yield url
    finally:
        stop_process(proc)
        if log_path:
            log.close()


def make_y4m(src: Path, dst: Path, start_s: float = 0.0, end_s: float | None = None, fps: int = 30,
             size: tuple[int, int] | None = None) -> Path:
    """Decode ``src`` and write frames in [start_s, end_s) as a Y4M (yuv420p) for Chromium's fake camera.

    At an ``fps`` below the source's, frames are taken by time (the clip keeps its speed): a
    15 fps camera halves the work of the browser's and the server's video codecs on a loaded box;
    ``size`` (width, height) scales the picture, a smaller one cuts that work further.
    """
    import av

    with av.open(str(src)) as inp, av.open(str(dst), "w", format="yuv4mpegpipe") as out:
        vin = inp.streams.video[0]
        vout = out.add_stream("rawvideo", rate=fps)
        vout.width, vout.height = size or (vin.codec_context.width, vin.codec_context.height)
        vout.pix_fmt = "yuv420p"
        vout.time_base = Fraction(1, fps)
        n = 0
        for frame in inp.decode(vin):
            t = float(frame.pts * vin.time_base) if frame.pts is not None else n / fps
            if t < start_s:
                continue
            if end_s is not None and t >= end_s:
                break
            if t + 1e-6 < start_s + n / fps:
                continue  # between two frames of the slower camera
            f = frame.reformat(width=vout.width, height=vout.height, format="yuv420p")
            f.pts = n
            f.time_base = vout.time_base
            for packet in vout.encode(f):
                out.mux(packet)
            n += 1
        for packet in vout.encode():
            out.mux(packet)
    return dst


@contextlib.contextmanager
def chromium(fake_video: Path | None = None, without: tuple[str, ...] = ()):
    """Headless Debian chromium through Playwright (never `playwright install`).

    ``without`` drops flags: without "--use-fake-ui-for-media-stream" the camera is
    refused, without "--use-fake-device-for-media-stream" there is no camera.
    """
    from playwright.sync_api import sync_playwright

    args = [a for a in CHROMIUM_ARGS if a not in without]
    if fake_video is not None:
        args.append(f"--use-file-for-fake-video-capture={fake_video}")
    with sync_playwright() as p:
        # a loaded 2-core machine can take longer than Playwright's default 30 s to start chromium
        browser = p.chromium.launch(executable_path=chromium_path(), headless=True, args=args, timeout=180_000)
        try:
            yield browser
        finally:
            browser.close()


def stop_process(proc: subprocess.Popen, group: bool = False) -> None:
    """Terminate, then kill if it will not go. ``group``: the whole process group of a process started
    with ``start_new_session=True`` (under strace, SIGTERM to strace alone detaches it and leaves the
    traced server running)."""
    def send(sig: int) -> None:
        try:
            os.killpg(proc.pid, sig) if group else proc.send_signal(sig)
        except ProcessLookupError:
            pass

    send(signal.SIGTERM)
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        send(signal.SIGKILL)
        proc.wait(timeout=5)
    if group:
        send(signal.SIGKILL)  # anything of the group still there once its leader has gone


def start_camera(page, component, live, wait_s: float, retry_after_s: float = 60.0) -> bool:
    """Press START and wait until ``live(page)``; press it again if the WebRTC connection has not come
    up after ``retry_after_s`` (on a loaded machine it can fail: "RTCIceTransport is closed")."""
    component.get_by_role("button", name="START").click(timeout=90_000)
    deadline = time.monotonic() + wait_s
    pressed = time.monotonic()
    while time.monotonic() < deadline:
        if live(page):
            return True
        start = component.get_by_role("button", name="START")
        if time.monotonic() - pressed > retry_after_s and start.count() and start.is_visible():
            start.click(timeout=30_000)
            pressed = time.monotonic()
        time.sleep(0.5)
    return False


def open_live_page(page, url: str, technique_name: str) -> None:
    """Load the app in ``page`` (slow on a loaded machine) and choose ``technique_name`` in the sidebar;
    returns once the page shows that technique's how-to."""
    from vision.coach.techniques import registry

    tech = registry()[technique_name]
    page.set_default_timeout(90_000)  # a loaded machine renders slowly
    page.goto(url, timeout=180_000)
    page.get_by_text("Foot axis").first.wait_for(timeout=180_000)
    page.locator("[data-testid='stSelectbox']").filter(has_text="Technique").first.click()
    page.get_by_role("option").filter(has_text=tech.title).first.click()
    page.get_by_text(tech.how_to[:30]).wait_for(timeout=60_000)


def panel_metrics(page) -> dict[str, str]:
    """The page's st.metric boxes as {label: value}, also those in a closed expander ("For therapists")."""
    pairs = page.evaluate("""() => [...document.querySelectorAll("[data-testid='stMetric']")].map(m => [
        (m.querySelector("[data-testid='stMetricLabel']") || {}).textContent || '',
        (m.querySelector("[data-testid='stMetricValue']") || {}).textContent || ''])""")
    return {label.strip(): value.strip() for label, value in pairs if label.strip()}


def panel_live(page) -> bool:
    """The live panel shows frames being analysed (its "Processing" figure is above 0)."""
    try:
        return float(panel_metrics(page).get("Processing", "–").split()[0]) > 0
    except (ValueError, IndexError):
        return False


def click_until(target, shown, attempts: int = 4, wait_ms: int = 20_000) -> None:
    """Click ``target`` until the locator ``shown`` appears. On a loaded machine a click that lands
    while Streamlit reruns the page (after an upload, after another widget's change) can be lost:
    the rerun redraws the button, or closes a dropdown just opened."""
    for attempt in range(attempts):
        target.click(timeout=90_000)
        try:
            shown.wait_for(timeout=wait_ms)
            return
        except PlaywrightTimeout:
            if attempt == attempts - 1:
                raise


def choose(page, selectbox, option: str) -> None:
    """Pick ``option`` in a Streamlit selectbox, opening it again if a rerun closed it or lost the pick."""
    shows = ("el => el.innerText + ' ' + [...el.querySelectorAll('input')].map(i => i.value + ' ' "
             "+ (i.getAttribute('aria-label') || '')).join(' ')")
    for attempt in range(4):
        click_until(selectbox, page.get_by_role("option", name=option), wait_ms=10_000)
        try:
            page.get_by_role("option", name=option).click(timeout=5_000)
        except PlaywrightTimeout:
            continue
        deadline = time.monotonic() + 10.0
        while time.monotonic() < deadline:
            if option in selectbox.first.evaluate(shows):
                return
            time.sleep(0.3)
    raise AssertionError(f"the selectbox never showed {option!r}: {selectbox.first.evaluate(shows)!r}")


def stop_camera(page, component, shown, wait_s: float = 120.0, shot: str | None = None) -> None:
    """Press STOP and wait until the locator ``shown`` appears (the session's report). STOP is pressed
    again while it is still there after 20 s: behind a busy core a click in the component can be lost
    (its page was still drawing), and the stream then simply goes on."""
    stop = component.get_by_role("button", name="STOP")
    try:
        stop.wait_for(state="visible", timeout=90_000)
    except PlaywrightTimeout:
        if shot:
            page.screenshot(path=str(ARTIFACTS / shot), full_page=True)
        said = [t.strip()[:160] for t in page.locator("[data-testid='stAlert']").all_inner_texts()]
        raise AssertionError(f"no STOP to press: the stream had ended before it (the page said {said})") from None
    stop.click(timeout=30_000)
    pressed = time.monotonic()
    deadline = pressed + wait_s
    while time.monotonic() < deadline:
        try:
            shown.wait_for(timeout=5_000)
            return
        except PlaywrightTimeout:
            pass
        if time.monotonic() - pressed > 20.0 and stop.count() and stop.is_visible():
            stop.click(timeout=30_000)
            pressed = time.monotonic()
    if shot:
        page.screenshot(path=str(ARTIFACTS / shot), full_page=True)
    shown.wait_for(timeout=1_000)  # raises, naming what never came
