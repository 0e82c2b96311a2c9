"""The live page's foot axis in a real Chromium (issue 13): "Follow my foot" and "Show it with my thumb".

A real Streamlit server and Debian's Chromium through Playwright, its fake webcam playing a
.y4m built here from the repository's own material (tests/foot_camera_clips.py): a marked
foot photo (footage/feet, barefeet_4) turned to a known screen angle, and a real hand cut out
of a still (footage/hands) with its thumb tip on a scripted path. Chromium loops the clip.
Everything is read from the page as a user sees it: the axis status under the video, the
panel's "Doing now", and the session's JSON report downloaded with the page's button after
STOP (each frame records the axis it was judged against and where it came from).

- Follow: the foot lies at 120 deg and the thumb strokes at 80 deg to it (screen angle 40).
  Judged against the sidebar's 90 deg those strokes are oblique (50 deg to it). Once the page
  says "Following your foot: NN°", NN must be within FOLLOW_TOLERANCE_DEG of the marked axis;
  the report's frames are judged against the sidebar's 90, then against the followed axis
  (within the tolerance, never back), and the same strokes turn from oblique to cross-grain
  on the panel and in the report.
- Thumb: the foot lies at 25 deg; the thumb rests 2.8 s at a fifth of the way from the heel,
  then 2.8 s at four fifths. The page walks through the heel step, then the toes step, and
  sets the axis through the two points (an axis has no direction: where the loop stands when
  the button is pressed decides which rest is taken first, the line is the same); the frames
  after it are judged against that line, and it stays while the thumb goes on moving.
- Too close: the thumb rests on two points one palm width apart; the page says how far apart
  they were, that 1.5 are needed, asks for a retry and starts again at the heel, still saying
  why (the retry message itself is up for 3 s only); no frame is judged against such a line.

Busy machine: the panel says "Analysis too slow to judge" and shows no label when too few
frames a second are analysed, and a few strokes may read as a hold. The axis claims are
checked always; the oblique-then-cross-grain claim on every source (panel, report) that
judged enough strokes before and after, and at least one must have, unless the page said
it was too slow to judge. If the hand tracker judged the foot's toes instead of the stroking
hand (a known fault of vision/core/hands.py, seen on a busy machine), the test ends as an
expected failure after the axis claims, saying so. The server runs without the sound track (CROSSGRAIN_SOUND=off):
the axis does not depend on it, and it is one codec less on a busy machine.
"""

from __future__ import annotations

import json
import re
import time
from collections import Counter
from pathlib import Path

import numpy as np
import pytest

from browser_support import (ARTIFACTS, chromium, chromium_path, open_live_page, panel_live, panel_metrics,
                             start_camera, stop_camera, streamlit_server)
from foot_camera_clips import foot_scene, render, resting, stroking, write_y4m

pytestmark = [
    pytest.mark.browser,
    pytest.mark.alone,
    pytest.mark.skipif(chromium_path() is None, reason="Debian's chromium is not installed (make browser-deps)"),
]

TECHNIQUE = "cross_friction"  # strokes are judged against the axis
LIVE_WAIT_S = 180.0  # a loaded 2-core machine takes long to start a session (model load, WebRTC)
STATUS_WAIT_S = 90.0  # from a button press to the status it leads to
FOLLOW_TOLERANCE_DEG = 12.0  # the estimator is ~6 deg off on this photo (tools/evaluate_axis.py: median <= 8)
THUMB_TOLERANCE_DEG = 6.0  # the thumb tip's landmark after the browser's video codec, 30 px palm (2.6 seen, loaded)
STATUS_PREFIX = "Foot axis ("
MIN_STROKE_READINGS = 6  # stroke verdicts read off the panel before, and again after, following the foot
PANEL_WATCH_S = 25.0  # how long the panel is read for them, before and after


def _axis_status(page) -> str:
    """The axis status caption under the video ("Foot axis (mode): message"), or ''."""
    texts = page.locator("[data-testid='stCaptionContainer']").filter(has_text=STATUS_PREFIX).all_inner_texts()
    return texts[0].strip() if texts else ""


def _calibration_step(page) -> str:
    """The calibration's progress bar text ("Step: heel"), or ''."""
    texts = page.locator("[data-testid='stProgress']").all_inner_texts()
    return next((t.strip() for t in texts if "Step:" in t), "")


def _doing_now(page) -> str:
    return panel_metrics(page).get("Doing now", "–")


def _screen_angle(a, b) -> float:
    return float(np.degrees(np.arctan2(-(b[1] - a[1]), b[0] - a[0])) % 180.0)


def _axial_diff(a: float, b: float) -> float:
    d = abs(a - b) % 180.0
    return min(d, 180.0 - d)


@pytest.fixture(scope="module")
def server():
    ARTIFACTS.mkdir(exist_ok=True)
    with streamlit_server(env={"CROSSGRAIN_SOUND": "off"}, log_path=ARTIFACTS / "streamlit_live_axis.log") as url:
        yield url


def _live_page(browser, url: str, shot: str):
    """A new page on the live tab with the camera started; returns once its panel analyses frames."""
    page = browser.new_page(viewport={"width": 1400, "height": 1100})
    open_live_page(page, url, TECHNIQUE)
    component = page.frame_locator("iframe[title*='streamlit_webrtc']")
    if not start_camera(page, component, panel_live, LIVE_WAIT_S):
        page.screenshot(path=str(ARTIFACTS / f"{shot}_never_live.png"), full_page=True)
        pytest.fail(f"the live panel never analysed a frame in {LIVE_WAIT_S:.0f} s: {panel_metrics(page)}")
    return page


def _press(page, button: str) -> None:
    """Open the axis expander (folded by default) and press one of its buttons once it is enabled."""
    expander = page.locator("[data-testid='stExpander']").filter(has_text="Foot axis: set it for me")
    if not expander.get_by_role("button", name=button).is_visible():
        expander.locator("summary").click()
    target = expander.get_by_role("button", name=button)
    deadline = time.monotonic() + STATUS_WAIT_S
    while not target.is_enabled():  # enabled on the rerun after the camera plays
        assert time.monotonic() < deadline, f"'{button}' stayed disabled"
        time.sleep(0.3)
    target.click()


def _watch(page, until, seconds: float, every_s: float = 0.3) -> list[tuple[float, str, str, str, bool]]:
    """Read (t, axis status, calibration step, Doing now, 'too slow to judge' shown) every ``every_s`` until
    ``until(readings)`` or ``seconds`` pass."""
    readings: list[tuple[float, str, str, str, bool]] = []
    t0 = time.monotonic()
    while time.monotonic() - t0 < seconds:
        readings.append((time.monotonic() - t0, _axis_status(page), _calibration_step(page), _doing_now(page),
                         _too_slow_said(page)))
        if until(readings):
            break
        time.sleep(every_s)
    return readings


STROKE_LABELS = ("Cross-grain", "Oblique", "Lengthwise")
REPORT_STROKES = ("cross_grain", "oblique", "lengthwise")


def _strokes(labels) -> Counter:
    """The stroke verdicts among labels: the ones the axis decides. A busy machine analyses fewer frames
    and may call a few strokes a hold (a hold has no direction: it says nothing of the axis), or the panel
    says it is too slow to judge ("–"); those are left out, not counted for or against."""
    return Counter(x for x in labels if x in STROKE_LABELS + REPORT_STROKES)


def _too_slow_said(page) -> bool:
    return any("too slow to judge" in t for t in page.locator("[data-testid='stAlert']").all_inner_texts())


def _stop_and_download_report(page, shot: str) -> dict:
    """STOP the camera and download the session's JSON report from the page, as a user would."""
    button = page.get_by_role("button", name="Download report (JSON)")
    stop_camera(page, page.frame_locator("iframe[title*='streamlit_webrtc']"), button, shot=f"{shot}_stop_failed.png")
    with page.expect_download(timeout=60_000) as download:
        button.click()
    text = Path(download.value.path()).read_text()
    (ARTIFACTS / f"{shot}_report.json").write_text(text)  # to look into a failure
    return json.loads(text)


def test_follow_my_foot_finds_the_axis_and_the_verdicts_use_it(server, tmp_path):
    t_start = time.monotonic()
    scene = foot_scene("ar_4", 120.0)
    truth = scene.axis_deg
    rel = -80.0  # strokes at 40 deg on screen: 80 deg to the foot (cross-grain), 50 deg to the sidebar's 90
    strokes = stroking(scene, rel, amp_palm=0.25, rate_per_min=75.0)  # 5 whole strokes in the 4 s loop
    y4m = write_y4m(render(scene, strokes, 4.0), tmp_path / "follow.y4m")
    enough = lambda r: sum(_strokes(x[3] for x in r).values()) >= MIN_STROKE_READINGS  # noqa: E731
    with chromium(y4m) as browser:
        page = _live_page(browser, server, "live_axis_follow")
        t_live = time.monotonic()
        # before: the sidebar's 90 deg is in force (the panel reads these strokes as oblique)
        before = _watch(page, enough, PANEL_WATCH_S)
        assert before[-1][1].endswith("Set in the sidebar: 90°."), before[-1]
        slow_said = _too_slow_said(page)

        _press(page, "Follow my foot")
        following = re.compile(r"Following your foot: (\d+)°")
        found = _watch(page, lambda r: following.search(r[-1][1]) is not None, STATUS_WAIT_S)
        status = found[-1][1]
        m = following.search(status)
        assert m, f"the page never said it follows the foot: {[x[1] for x in found][-5:]}"
        deg = float(m.group(1))
        assert _axial_diff(deg, truth) <= FOLLOW_TOLERANCE_DEG, (status, truth)
        assert "(not sure)" not in status, status

        # after: the same strokes, judged against the followed axis (the panel reads them as cross-grain)
        time.sleep(1.5)  # the panel's verdict lags the axis by the motion window
        after = _watch(page, enough, PANEL_WATCH_S)
        slow_said = slow_said or _too_slow_said(page)
        page.screenshot(path=str(ARTIFACTS / "live_axis_follow.png"), full_page=True)
        still_following = [following.search(x[1]) for x in after]
        assert all(still_following), [x[1] for x in after if not following.search(x[1])][:3]
        assert max(_axial_diff(float(s.group(1)), truth) for s in still_following) <= FOLLOW_TOLERANCE_DEG

        report = _stop_and_download_report(page, "live_axis_follow")
        page.close()

    # every frame records the axis it was judged against: the sidebar's, then the one found
    frames = report["frames"]
    sources = [f["axis_source"] for f in frames]
    assert sources[0] == "typed" and sources[-1] == "found", report["axes"]
    assert sources == sorted(sources, key=lambda x: x != "typed"), report["axes"]  # typed, then found, no return
    typed = [f for f in frames if f["axis_source"] == "typed"]
    followed = [f for f in frames if f["axis_source"] == "found"]
    assert {f["foot_axis_deg"] for f in typed} == {90.0}
    worst = max(_axial_diff(f["foot_axis_deg"], truth) for f in followed)
    assert worst <= FOLLOW_TOLERANCE_DEG, (worst, report["axes"])
    assert any(abs(f["foot_axis_deg"] - deg) <= 1.0 for f in followed), (deg, report["axes"])  # the page's figure
    # ... and the stroke's angle to the grain is taken from that frame's own axis
    measured = [f for f in frames if f["angle_to_grain_deg"] is not None and f["stroke_angle_deg"] is not None]
    for f in measured:
        assert abs(f["angle_to_grain_deg"] - _axial_diff(f["stroke_angle_deg"], f["foot_axis_deg"])) <= 0.2, f

    # the verdicts on the stroking thumb: oblique against the sidebar's 90, cross-grain against the followed
    # axis, on the panel and in the report, wherever the machine was fast enough to judge strokes at all
    centre, palm = scene.to_camera(scene.along(0.5)), scene.camera_palm_px
    seen = [f for f in frames if f["thumb_xy"] is not None]
    on_stroke = [f for f in seen if np.linalg.norm(np.subtract(f["thumb_xy"], centre)) <= 1.5 * palm]
    if len(seen) >= 20 and len(on_stroke) < 0.5 * len(seen):
        # MediaPipe reads this foot's toes as a hand (2-3 times a real hand's size) when Chromium's encoder
        # sends a blurry picture, as on a busy machine. Toes believed before the real hand now give way to it
        # once it has been detected steadily for a second (vision/core/hands.py); what is left is MediaPipe
        # not finding the stroking hand steadily at all (offline, in one of six blur levels of this scene, it
        # never found it). The axis claims above hold whatever hand is judged; the verdicts cannot be checked.
        print(f"\nfollow: the tracker judged another 'hand' than the stroking one in {len(seen) - len(on_stroke)} "
              f"of {len(seen)} frames (median thumb at {np.median([f['thumb_xy'] for f in seen], axis=0)}, "
              f"stroke centre {centre}): verdict labels not checked")
        pytest.xfail("MediaPipe did not find the stroking hand steadily (the toes were judged instead); "
                     "the axis claims passed")
    stroking_thumb = {f["i"] for f in on_stroke}  # followed[15:]: past the motion window's lag behind the axis
    typed_on, followed_on = ([f for f in part if f["i"] in stroking_thumb] for part in (typed, followed[15:]))
    panel = (_strokes(x[3] for x in before), _strokes(x[3] for x in after))
    in_report = (_strokes(f["label"] for f in typed_on), _strokes(f["label"] for f in followed_on))
    checked = []
    for name, (b, a) in (("panel", panel), ("report", in_report)):
        if min(sum(b.values()), sum(a.values())) >= MIN_STROKE_READINGS:
            assert b.most_common(1)[0][0] in ("Oblique", "oblique"), (name, b)
            assert a.most_common(1)[0][0] in ("Cross-grain", "cross_grain"), (name, a)
            checked.append(name)
    # too few strokes judged: only a machine too busy to judge may say so, and the page must have said it
    assert checked or slow_said, (panel, in_report)
    print(f"\nfollow: truth {truth:.1f} deg, page said '{status}'; report axes {report['axes'][:4]}; "
          f"stroke verdicts (before, after) panel {panel}, report {in_report}; labels checked on {checked} "
          f"('too slow to judge' said: {slow_said}); live after {t_live - t_start:.0f} s, "
          f"whole test {time.monotonic() - t_start:.0f} s")


def _skip_if_starved(found, readings, what: str) -> None:
    """The thumb needs the hand, and below 8 analysed frames a second the app rightly believes no new hand
    (vision/core/hands.py) and says the analysis is too slow to judge. Seen with other sessions' test suites
    loading the 2 cores 18-20 deep: then nothing about the thumb can be checked, and the test says so."""
    if not found and sum(x[4] for x in readings) >= 0.5 * len(readings):  # said for most of the wait
        pytest.skip(f"{what} in {readings[-1][0]:.0f} s, and the page said the analysis was too slow to judge "
                    f"(machine load {open('/proc/loadavg').read().split()[0]}): the thumb could not be followed")


def _thumb_clip(tmp_path, name: str, at: tuple[float, float], axis_deg: float = 25.0):
    """The foot at ``axis_deg``; the thumb rests 2.8 s at ``at[0]`` then at ``at[1]`` of the way heel -> toes."""
    scene = foot_scene("ar_4", axis_deg)
    a, b = scene.along(at[0]), scene.along(at[1])
    tip_at, seconds = resting([a, b], rest_s=2.8)
    y4m = write_y4m(render(scene, tip_at, seconds), tmp_path / f"{name}.y4m")
    return y4m, scene, a, b


def test_show_it_with_my_thumb_sets_the_heel_to_toes_line(server, tmp_path):
    t_start = time.monotonic()
    y4m, scene, heel, toes = _thumb_clip(tmp_path, "thumb", (0.2, 0.8))
    truth = _screen_angle(heel, toes)
    with chromium(y4m) as browser:
        page = _live_page(browser, server, "live_axis_thumb")
        t_live = time.monotonic()
        _press(page, "Show it with my thumb")
        done = re.compile(r"Foot axis set: (\d+)°")
        seen = _watch(page, lambda r: done.search(r[-1][1]) is not None, STATUS_WAIT_S, every_s=0.25)
        page.screenshot(path=str(ARTIFACTS / "live_axis_thumb.png"), full_page=True)
        statuses = [x[1] for x in seen]
        steps = [x[2] for x in seen]
        m = done.search(statuses[-1])
        _skip_if_starved(m, seen, "the calibration never finished")
        assert m, f"the calibration never finished: {statuses[-5:]}"
        assert _axial_diff(float(m.group(1)), truth) <= THUMB_TOLERANCE_DEG, (statuses[-1], truth)
        assert statuses[-1].startswith("Foot axis (thumb)")
        # the page walked through the heel, then the toes
        first_heel = next(i for i, s in enumerate(statuses) if "heel" in s and "Heel marked" not in s)
        first_toes = next(i for i, s in enumerate(statuses) if "Heel marked" in s or "base of the toes" in s)
        assert first_heel < first_toes, statuses
        assert "Step: heel" in steps[:first_toes + 1] and "Step: toes" in steps, steps
        # it stays set: the axis in force does not drift away while the thumb keeps moving between the two points
        later = _watch(page, lambda r: r[-1][0] > 4.0, 8.0)
        assert all(done.search(x[1]) and done.search(x[1]).group(1) == m.group(1) for x in later), later[-3:]
        report = _stop_and_download_report(page, "live_axis_thumb")
        page.close()
    # the frames after the calibration were judged against the thumb's line; those before against the sidebar's
    frames = report["frames"]
    by_thumb = [f for f in frames if f["axis_source"] == "thumb"]
    assert by_thumb and {f["axis_source"] for f in frames} == {"typed", "thumb"}, report["axes"]
    assert {f["foot_axis_deg"] for f in frames if f["axis_source"] == "typed"} == {90.0}
    assert all(abs(f["foot_axis_deg"] - float(m.group(1))) <= 0.5 for f in by_thumb), report["axes"]
    assert [a["source"] for a in report["axes"]] == ["typed", "thumb"], report["axes"]  # set once, then kept
    print(f"\nthumb: truth {truth:.1f} deg, page said '{statuses[-1]}' after {seen[-1][0]:.1f} s; "
          f"steps seen {list(dict.fromkeys(steps))}; report axes {report['axes']}; "
          f"live after {t_live - t_start:.0f} s, whole test {time.monotonic() - t_start:.0f} s")


def test_thumb_points_too_close_ask_for_a_retry(server, tmp_path):
    t_start = time.monotonic()
    y4m, scene, a, b = _thumb_clip(tmp_path, "too_close", (0.45, 0.56))  # one palm width apart
    apart_palm = float(np.linalg.norm(b - a)) / scene.palm_px
    with chromium(y4m) as browser:
        page = _live_page(browser, server, "live_axis_retry")
        _press(page, "Show it with my thumb")
        retry = re.compile(r"only (\d+\.\d) palm widths apart \(at least 1\.5 needed\): try again, heel first")
        seen = _watch(page, lambda r: retry.search(r[-1][1]) is not None, STATUS_WAIT_S, every_s=0.25)
        page.screenshot(path=str(ARTIFACTS / "live_axis_retry.png"), full_page=True)
        m = retry.search(seen[-1][1])
        _skip_if_starved(m, seen, "no retry message")
        assert m, f"no retry message: {[x[1] for x in seen][-5:]}"
        # the distance it names is the one it measured: the rests 1.0 palm apart, or, when the analysis fell so far
        # behind that one rest went unseen (a busy machine: the hand is lost below 8 analysed frames a second),
        # the same spot twice (0.0); too close either way
        assert float(m.group(1)) < 1.5, (seen[-1][1], apart_palm)
        assert "Foot axis set" not in " ".join(x[1] for x in seen)
        # then it starts again at the heel, still saying why (the retry message is up for 3 s only)
        note = re.compile(r"Try again: the last two points were only \d+\.\d palm widths apart "
                          r"\(at least 1\.5 needed\)")
        again = _watch(page, lambda r: "Step: heel" in r[-1][2] and note.search(r[-1][1]), 30.0, every_s=0.25)
        assert "Step: heel" in again[-1][2] and note.search(again[-1][1]), [x[1:3] for x in again][-3:]
        assert "Foot axis set" not in " ".join(x[1] for x in again)
        report = _stop_and_download_report(page, "live_axis_retry")
        page.close()
    # a retry sets nothing: every frame was judged against the sidebar's axis
    assert {(f["axis_source"], f["foot_axis_deg"]) for f in report["frames"]} == {("typed", 90.0)}, report["axes"]
    print(f"\ntoo close: {apart_palm:.2f} palm widths apart; page said '{seen[-1][1]}'; "
          f"whole test {time.monotonic() - t_start:.0f} s")
