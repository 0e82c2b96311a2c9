"""Two people at once: two browser sessions (separate browser contexts) on one app server,
both live on the fake camera. Each gets its own tracker and its own figures: the one
started first has counted more, and stopping it leaves the other running.

On a starved machine (CI runners, other jobs) a panel may say "Analysis too slow to
judge" and then rightly counts nothing: the counting claims are checked on the
readings where the panel judges, the independence claims always.

Issue 16: with the sound's audio track on, A's camera used to stop ("Camera stopped") about 30 s
after B started. The event loop all streams share was starved of the GIL by the tracking threads
(vision/io/gil_switch.py, tests/test_gil_switch.py): it read the browser's ICE consent answers
seconds late, and aioice counts an answer later than 0.5 s as none, so six misses closed A's
connection (vision/io/webrtc_consent.py now counts late answers, as RFC 7675 asks;
tests/test_webrtc_consent.py shows it without a browser). With the sound off B's panel said
"No hand" throughout: not the 320x240 picture (the tracker finds the hand in every frame of this
clip at 320x240), but B analysing fewer than 12 frames a second, at which a new hand was never
believed (vision/core/hands.py now counts consecutive analysed frames down to 8 a second, the
fewest the panel judges at; below that B says "No hand" and "too slow to judge", and counts
nothing, rightly). 320x240 at 15 fps stays: a quarter of the video-codec work of 640x480 at 30 fps.
"""

from __future__ import annotations

import itertools
import re
import time

import pytest

from vision.ui.samples import list_samples

from browser_support import (ARTIFACTS, chromium, chromium_path, make_y4m, open_live_page, panel_metrics,
                             start_camera, streamlit_server)

pytestmark = [
    pytest.mark.browser,
    # It failed 2 of 3 runs with a `yes > /dev/null` beside it (two live sessions on one free core)
    # until its checks were made to follow what a starved panel says (which timers must count, and
    # when A must be ahead): 3 of 3 since (2 December). `make test` runs it alone, after the rest.
    pytest.mark.alone,
    pytest.mark.skipif(chromium_path() is None, reason="Debian's chromium is not installed (make browser-deps)"),
]

SAMPLE = "myofascial_hold"
CLIP_S = (5.0, 11.0)  # inside the sample's steady hold (4.4-19 s): ~80 MB of raw .y4m
HEAD_START_S = 4.0  # session A runs this long before session B starts


def _seconds(text: str) -> float:
    m = re.search(r"(\d+(?:\.\d+)?) s", text or "")
    if m:
        return float(m.group(1))
    m = re.search(r"(\d+):(\d\d) min", text or "")
    return 60.0 * int(m.group(1)) + int(m.group(2)) if m else 0.0


def _metrics(page) -> dict[str, str]:
    return panel_metrics(page)


def _slow(page) -> bool:
    return any("too slow to judge" in t for t in page.locator("[data-testid='stAlert']").all_inner_texts())


def _live(m: dict) -> bool:
    """The panel shows frames being analysed (on a loaded machine it may say it is too slow to judge)."""
    try:
        return float(m.get("Processing", "–").split()[0]) > 0
    except (ValueError, IndexError):
        return False


LIVE_WAIT_S = 180.0  # a loaded 2-core machine takes long to start a session (model load, WebRTC)


def _start(browser, url: str):
    """A new browser session on the live page, started; returns once its panel is live."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    open_live_page(page, url, "myofascial_hold")
    component = page.frame_locator("iframe[title*='streamlit_webrtc']")
    if not start_camera(page, component, lambda p: _live(_metrics(p)), LIVE_WAIT_S):
        page.screenshot(path=str(ARTIFACTS / "two_sessions_never_live.png"))
        pytest.fail(f"the panel never went live in {LIVE_WAIT_S:.0f} s: {_metrics(page)}")
    return context, page, component


def test_two_browser_sessions_count_independently(tmp_path):
    by_name = {s.name: s for s in list_samples()}
    if SAMPLE not in by_name:
        pytest.skip(f"sample clip {SAMPLE}.mp4 not found")
    ARTIFACTS.mkdir(exist_ok=True)
    # 15 fps at 320x240: a quarter of the browser's and the server's video-codec work of 640x480 at 30 fps
    y4m = make_y4m(by_name[SAMPLE].path, tmp_path / "camera.y4m", *CLIP_S, fps=15, size=(320, 240))
    t0 = time.monotonic()
    try:
        with streamlit_server(log_path=ARTIFACTS / "streamlit_two_sessions.log") as url, chromium(y4m) as browser:
            ctx_a, page_a, cam_a = _start(browser, url)  # returns once its panel is live
            time.sleep(HEAD_START_S)
            ctx_b, page_b, cam_b = _start(browser, url)

            readings, slow_said = [], False
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:
                a, b = _metrics(page_a), _metrics(page_b)
                if _live(a) and _live(b):
                    slow = (_slow(page_a), _slow(page_b))
                    readings.append((_seconds(a["Done right for"]), _seconds(b["Done right for"]),
                                     a["Doing now"], b["Doing now"], *slow))
                    slow_said = slow_said or any(slow)
                    if len(readings) >= 6 and readings[-1][1] >= 2.0 and "Hold" in {r[3] for r in readings}:
                        break
                time.sleep(0.5)
            page_a.screenshot(path=str(ARTIFACTS / "two_sessions_a.png"))
            page_b.screenshot(path=str(ARTIFACTS / "two_sessions_b.png"))
            print(f"\ntwo sessions: (good time A, good time B, label A, label B, A slow, B slow) {readings}; "
                  f"'too slow to judge' said: {slow_said}")
            assert len(readings) >= 3, "both panels were never live at the same time"
            # both sessions see the hold (or, analysing too few frames a second, say they cannot judge)...
            for labels in ({r[2] for r in readings}, {r[3] for r in readings}):
                # ("No hand" is what a panel says before its session believes the hand, "Not judged yet" while
                # it watches the thumb: its first frames)
                assert "Hold" in labels or (slow_said and labels <= {"–", "Hold", "No hand", "Not judged yet"}), \
                    readings
            # each timer counts up over the readings where its panel judged the hold (a panel too slow to
            # judge, or still "Not judged yet", rightly counts nothing: with a CPU hog both panels once
            # said so at all but one reading, and A's timer stood still)
            for who in (0, 1):
                if any(r[2 + who] == "Hold" and not r[4 + who] for r in readings[:-1]):
                    assert readings[-1][who] > readings[0][who], (who, readings)
            # ...each on its own: B's timer starts from its own zero, not from A's count, and A, started
            # earlier, stays ahead while both panels judge (one too slow to judge stands still and may be
            # caught up: with a CPU hog, A once said so from the first reading while B counted 2.3 s)
            assert readings[0][1] < 2.0, readings
            both_judging = list(itertools.takewhile(lambda r: not (r[4] or r[5]), readings))
            assert all(r[0] > r[1] + 1.0 for r in both_judging), readings

            # A stops: A gets its report, B keeps going
            cam_a.get_by_role("button", name="STOP").click()
            try:
                page_a.get_by_text("Your last session").wait_for(timeout=90_000)
            except Exception:
                page_a.screenshot(path=str(ARTIFACTS / "two_sessions_a_no_report.png"))
                raise
            before = _seconds(_metrics(page_b)["Done right for"])
            # B keeps going: it counts on (its looped clip may be in a stretch that is not right for the
            # technique, so wait up to 30 s), or, on a machine too slow to judge, it stays live saying so
            wait_until = time.monotonic() + 30.0
            while True:
                time.sleep(1.0)
                after_m = _metrics(page_b)
                counted = _live(after_m) and _seconds(after_m["Done right for"]) > before
                if counted or time.monotonic() > wait_until:
                    break
            b_starved = all(r[5] for r in readings[-3:])  # B too slow to judge at the last readings
            if not counted and not _live(after_m) and b_starved and cam_b.get_by_role("button", name="STOP").count() == 0:
                # B never judged a frame before A stopped, and its WebRTC link has gone: on a machine this
                # starved a link can fail on its own (Chromium logs "connectionstatechange failed"), so
                # whether A's STOP left B alone cannot be told here; the checks above did run
                page_b.screenshot(path=str(ARTIFACTS / "two_sessions_b_lost.png"))
                pytest.skip("B's camera link was lost on this starved machine before A's STOP could be judged")
            assert counted or (_live(after_m) and _slow(page_b)), after_m
            assert page_b.get_by_text("Your last session").count() == 0
            cam_b.get_by_role("button", name="STOP").click()
            page_b.get_by_text("Your last session").wait_for(timeout=90_000)
            ctx_a.close()
            ctx_b.close()
    finally:
        y4m.unlink(missing_ok=True)
    print(f"two sessions: done in {time.monotonic() - t0:.1f} s")
