"""End to end in a real Chromium: the Streamlit server, the upload page, and the live page on a fake webcam.

Chromium's fake camera plays a .y4m made from a bundled sample clip with known truth
(looping), through streamlit-webrtc (no ICE servers: loopback host candidates only) into
the LiveCoach and back. Screenshots go to test-artifacts/. Run with `pytest -s -m browser`
to see the measured frame rate.
"""

from __future__ import annotations

import re
import statistics
import time

import pytest

from vision.coach.techniques import registry
from vision.ui.frame_pacing import MIN_JUDGE_FPS
from vision.ui.samples import Sample, list_samples, samples_dir

from browser_support import (ARTIFACTS, choose, chromium, chromium_path, click_until, make_y4m, panel_metrics,
                             start_camera, stop_camera, streamlit_server)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(chromium_path() is None, reason="Debian's chromium is not installed (make browser-deps)"),
]

LIVE_SAMPLE = "myofascial_hold"  # a long, steady hold: the live timer must count
LIVE_CLIP_S = (2.0, 14.0)  # 2 s of strokes, then the hold
CAMERA_FPS = 15  # a dim-light webcam's rate: half the video work of 30 fps on a loaded 2-core box (~85 MB .y4m)


def _sample(name: str) -> Sample:
    by_name = {s.name: s for s in list_samples() if s.truth_path is not None}
    if name not in by_name:
        pytest.skip(f"sample clip {name}.mp4 with truth not found in {samples_dir()}")
    return by_name[name]


def _seconds(text: str) -> float:
    m = re.search(r"(\d+(?:\.\d+)?) s", text)
    return float(m.group(1)) if m else 0.0


@pytest.fixture(scope="module")
def server():
    ARTIFACTS.mkdir(exist_ok=True)
    with streamlit_server(log_path=ARTIFACTS / "streamlit.log") as url:
        yield url


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    sample = _sample(LIVE_SAMPLE)
    y4m = make_y4m(sample.path, tmp_path_factory.mktemp("cam") / "camera.y4m", *LIVE_CLIP_S, fps=CAMERA_FPS)
    try:
        with chromium(y4m) as b:
            yield b
    finally:
        y4m.unlink(missing_ok=True)  # ~170 MB of raw video: do not leave it in pytest's kept temp dirs


def _open(browser, server):
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.set_default_timeout(90_000)  # a loaded machine renders slowly
    page.goto(server, timeout=180_000)
    page.get_by_text("Foot axis").first.wait_for(timeout=180_000)
    return page


def _choose(page, box_label: str, option_text: str) -> None:
    choose(page, page.locator("[data-testid='stSelectbox']").filter(has_text=box_label).first, option_text)


def test_analyse_sample_and_bad_upload(server, browser):
    sample = _sample(LIVE_SAMPLE)
    truth = sample.truth()
    t0 = time.monotonic()
    page = _open(browser, server)
    page.get_by_role("tab", name="Analyse a video").click()
    _choose(page, "Sample video", sample.name)
    results = page.get_by_text(f"Results: {sample.path.name}")
    # a click lost to a rerun behind a busy core left the page waiting for ever (seen with a CPU hog)
    click_until(page.get_by_role("button", name="Analyse sample"), page.get_by_text("Analysing").first.or_(results))
    results.wait_for(timeout=420_000)  # minutes on a loaded 2-core box
    page.get_by_text("Download report (JSON)").wait_for(timeout=30_000)
    print(f"\nbrowser: sample analysed and shown in {time.monotonic() - t0:.1f} s")

    # figures shown against the clip's truth
    summary_table = page.locator("[data-testid='stTable']").filter(has_text="Longest hold").first
    summary_table.wait_for(timeout=30_000)
    summary_cells = _table_rows(summary_table)
    assert summary_cells[0] == ["What", "Value"], summary_cells  # titled columns, no index column
    summary = {row[0]: row[-1] for row in summary_cells[1:] if len(row) >= 2}
    assert "Video length" in summary and "Frames analysed" not in summary, summary
    truth_hold = max(h["duration_s"] for h in truth["holds"])
    longest = _seconds(summary["Longest hold"])
    print(f"browser: summary shown {summary}; truth hold {truth_hold:.1f} s")
    assert abs(longest - truth_hold) <= 1.5, summary
    alerts = " ".join(page.locator("[data-testid='stAlert']").all_inner_texts())
    assert re.search(r"score \d+ / 100\. [\d.]+ s done right of [\d.]+ s of work", alerts), alerts
    page.get_by_text("Sample truth vs measured").click()
    truth_table = page.locator("[data-testid='stTable']").filter(has_text="frames agreeing").first
    truth_table.wait_for(timeout=30_000)
    rows = _table_rows(truth_table)
    header = rows[0]
    hold_rows = [dict(zip(header, r)) for r in rows[1:] if r[0] == "Hold"]
    print(f"browser: truth vs measured {rows}")
    assert header[0] == "Scripted" and hold_rows, rows  # a titled column: no empty header cell
    assert hold_rows[0]["Measured (most frames)"] == "Hold", rows
    assert all(r[0] == r[3] for r in rows[1:]), rows  # every scripted segment measured as itself
    # the annotated H.264 video loads in the browser
    page.wait_for_function("() => { const v = document.querySelector('video'); return v && v.readyState >= 1 "
                           "&& v.duration > 0; }", timeout=30_000)
    duration = page.evaluate("() => document.querySelector('video').duration")
    assert abs(duration - truth["duration_s"]) < 1.0
    page.set_viewport_size({"width": 1400, "height": 2300})  # Streamlit scrolls inside the page: show it all
    page.screenshot(path=str(ARTIFACTS / "analyse_page.png"), full_page=True)
    page.set_viewport_size({"width": 1400, "height": 1000})

    # an upload that is no video: a clear message, no stack trace
    page.locator("[data-testid='stFileUploader'] input[type='file']").set_input_files(
        files=[{"name": "holiday.mp4", "mimeType": "video/mp4", "buffer": b"not a video" * 100}])
    page.get_by_role("button", name="Analyse upload").click()
    page.get_by_text("cannot be read as a video").wait_for(timeout=30_000)
    assert "holiday.mp4" in page.locator("[data-testid='stAlert']").filter(has_text="cannot be read").inner_text()
    assert page.locator("[data-testid='stException']").count() == 0
    page.close()


def _table_rows(table) -> list[list[str]]:
    """Cells of an st.table as text, row by row (header row first)."""
    return table.evaluate("t => [...t.querySelectorAll('tr')].map(tr => "
                          "[...tr.querySelectorAll('th,td')].map(c => c.innerText.trim()))")


def _metrics(page) -> dict[str, str]:
    return panel_metrics(page)


LIVE_WAIT_S = 150  # a loaded 2-core machine analyses a few frames a second and takes long to start


def _too_slow_said(page) -> bool:
    return any("too slow to judge" in t for t in page.locator("[data-testid='stAlert']").all_inner_texts())


@pytest.mark.alone
def test_live_webcam_hold(server, browser):
    """The live page analyses the fake webcam and its hold timer counts up. On a loaded machine it
    may analyse fewer than 8 frames a second: then the panel must say it is too slow to judge, and
    neither label nor hold is given (strokes seen that rarely can look still: no hold is guessed)."""
    tech = registry()["myofascial_hold"]
    page = _open(browser, server)
    _choose(page, "Technique", tech.title)
    page.get_by_text(tech.how_to[:30]).wait_for(timeout=60_000)
    component = page.frame_locator("iframe[title*='streamlit_webrtc']")
    processing = lambda p: _metrics(p).get("Processing", "–") != "–"  # noqa: E731
    assert start_camera(page, component, processing, LIVE_WAIT_S), \
        f"the live panel never showed a processed frame in {LIVE_WAIT_S} s"

    seen, fps, holds, slow_said = [], [], [], False
    deadline = time.monotonic() + LIVE_WAIT_S
    while time.monotonic() < deadline:
        time.sleep(0.5)
        m = _metrics(page)
        if not m or m.get("Processing", "–") == "–":
            continue
        seen.append(m["Doing now"])
        fps.append(float(m["Processing"].split()[0]))
        holds.append(_seconds(m["Hold"]))
        slow_said = slow_said or _too_slow_said(page)
        if m["Doing now"] == "Hold" and holds[-1] >= 6.0 and _seconds(m["Done right for"]) >= 4.0:
            break
    page.screenshot(path=str(ARTIFACTS / "live_page.png"), full_page=True)
    assert fps, f"the live panel never showed a processed frame in {LIVE_WAIT_S} s"
    steady = fps[len(fps) // 3:] or fps
    print(f"\nbrowser live: analysed fps median {statistics.median(steady):.1f} "
          f"(min {min(steady):.1f}, max {max(steady):.1f}) over {len(steady)} readings; "
          f"labels seen {sorted(set(seen))}; hold timer reached {max(holds):.1f} s; "
          f"'too slow to judge' said: {slow_said}")
    panel_texts = [s.strip() for s in page.locator("[data-testid='stMarkdownContainer']").all_inner_texts()]
    assert f"Technique: {tech.title}" in panel_texts, panel_texts  # the panel names the technique coached
    judged = [x for x in seen if x not in ("–", "Not judged yet")]
    if judged or not slow_said:
        # the hold timer counts up: the camera loops a 10 s hold; behind a busy core it has reached
        # 5.3-7.3 s of it (tools/live_under_load.py measures that case)
        assert max(holds) >= 4.0 and holds.index(max(holds)) > 0, (holds, seen)
        assert "Hold" in seen, (seen, slow_said)
    else:  # too few frames analysed a second here, all along: said, and nothing judged or timed
        assert statistics.median(steady) < MIN_JUDGE_FPS + 2, steady
        assert max(holds) == 0.0, holds
    # frames flow: the target (>= 15 analysed a second) is printed above and by tools/live_under_load.py;
    # on a shared 2-core box it depends on what else runs
    assert statistics.median(steady) >= 1.0

    stop_camera(page, component, page.get_by_text("Your last session"), shot="live_stop_failed.png")
    page.get_by_text("Download report (JSON)").wait_for(timeout=90_000)
    assert "Press START" in page.content() or "Camera stopped" in page.content()
    page.set_viewport_size({"width": 1400, "height": 1900})
    page.screenshot(path=str(ARTIFACTS / "live_report.png"), full_page=True)
    page.close()
