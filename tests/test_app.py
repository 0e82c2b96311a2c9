"""The web app: page logic (vision/ui/) on plain data, then the page through Streamlit's AppTest.

The live page is tested with a stand-in for streamlit_webrtc.webrtc_streamer (AppTest has no
WebRTC runtime): the stand-in captures the real frame callback, the test feeds it stub
frames with set timestamps and checks what the panel says. tests/test_browser.py drives
the real component in Chromium.
"""

from __future__ import annotations

import asyncio
import re
import time
from dataclasses import replace
from fractions import Fraction
from pathlib import Path
from types import SimpleNamespace

import av
import numpy as np
import pytest

from vision.coach.scoring import CoachingState, coaching_section
from vision.coach.techniques import Cue, registry
from vision.core.axis import FootAxis
from vision.core.labels import Label
from vision.core.verdict import FrameVerdict
from vision.live import LiveSnapshot
from vision.core.report import FrameRecord, Hold, Report, Segment
from vision.ui.coaching_view import coaching_rows, debrief_markdown
from vision.ui.live_stream import ICE_ENV, LiveStream, StreamClock, ice_servers, make_frame_callback
from vision.ui.panel import STALL_S, axis_preview_svg, fmt_duration, live_panel
from vision.ui.samples import list_samples
from vision.ui.tables import (
    angle_text,
    dominant_label,
    hold_rows,
    label_colour_scale,
    palm_share_text,
    seconds_text,
    segment_note,
    segment_rows,
    summary_rows,
    therapist_rows,
    time_by_label,
    timeline_rows,
    truth_frame_agreement,
    truth_rows,
    verdict,
)
from vision.ui.uploads import UploadError, analyze_bytes, check_upload, read_max_upload_mb
from vision.ui.labels import label_title
from vision.ui.plain_text import md_escape
from vision.io.video import VideoError

ROOT = Path(__file__).resolve().parents[1]
APP = str(ROOT / "app.py")


# --------------------------------------------------------------------------- fixtures / helpers

def make_report() -> Report:
    frames = [FrameRecord(i, i / 10, "cross_grain" if i < 60 else "hold", thumb_xy=(1.0, 2.0), palm_px=50.0)
              for i in range(100)]
    segments = [Segment("cross_grain", 0.0, 6.0, 90.0, 0.2, 85.0), Segment("hold", 6.0, 10.0)]
    holds = [Hold(6.0, 10.0, 4.0, 0.02)]
    summary = {"frames": 100, "hand_found_fraction": 1.0,
               "time_by_label_s": {"cross_grain": 6.0, "lengthwise": 0.0, "oblique": 0.0, "hold": 4.0,
                                   "no_hand": 0.0},
               "stroking_s": 6.0, "cross_grain_share": 1.0, "holds": 1, "longest_hold_s": 4.0}
    return Report("x.mp4", 10.0, 10.0, 90.0, frames, segments, holds, summary)


def snapshot(technique="myofascial_hold", label="hold", frames=10, fps=28.0, last_frame_wall=100.0,
             rate_per_min=None, hold_s=3.0, cue=None, **coaching) -> LiveSnapshot:
    """A LiveSnapshot whose latest verdict says what the test needs (the panel only reads verdicts)."""
    base = dict(technique=technique, quality="good", work=True, right=True, right_s=3.0, hold_good_s=3.0,
                longest_hold_s=3.0, longest_good_hold_s=3.0, score=100.0, progress=0.03,
                cue=None if cue is None else Cue("label:lengthwise", cue))
    base.update(coaching)
    verdict = None
    if frames:
        verdict = FrameVerdict(i=frames - 1, t=1.0, credited_s=1 / 30, label=Label(label), axis=FootAxis.typed(90),
                               rate_per_min=rate_per_min, hold_s=hold_s, coaching=CoachingState(**base))
    return LiveSnapshot(technique, frames, verdict, fps, last_frame_wall)


def samples_with_truth():
    return [s for s in list_samples() if s.truth_path is not None]


def truth_dominant(truth: dict) -> str:
    totals: dict[str, float] = {}
    for s in truth["segments"]:
        if s["label"] != "no_hand":
            totals[s["label"]] = totals.get(s["label"], 0.0) + s["end_s"] - s["start_s"]
    return max(totals, key=totals.get)


# --------------------------------------------------------------------------- vision.ui: uploads

@pytest.mark.parametrize("name", ["clip.mp4", "CLIP.MOV", "a.b.webm", "x.avi", "y.mkv"])
def test_check_upload_accepts_video_types(name):
    assert check_upload(name, 1000, 200) == Path(name).suffix.lower()


@pytest.mark.parametrize("name,size,words", [
    ("notes.txt", 10, "not a supported video type"),
    ("noext", 10, "not a supported video type"),
    ("clip.mp4", 0, "empty"),
    ("clip.mp4", 201 * 1024 * 1024, "limit is 200 MB"),
])
def test_check_upload_refuses_with_a_message(name, size, words):
    with pytest.raises(UploadError, match=words):
        check_upload(name, size, 200)


def test_max_upload_read_from_streamlit_config(tmp_path):
    assert read_max_upload_mb() == 200
    cfg = tmp_path / "config.toml"
    cfg.write_text("[server]\nmaxUploadSize = 50\n")
    assert read_max_upload_mb(cfg) == 50
    assert read_max_upload_mb(tmp_path / "missing.toml") == 200


def test_streamlit_runs_no_full_garbage_collection_after_each_rerun(monkeypatch):
    """The live panel reruns 3-4 times a second; a full collection each time starved the tracking."""
    from streamlit import config

    monkeypatch.chdir(Path(__file__).resolve().parents[1])  # where `make run` and `crossgrain serve` start it
    try:
        config.get_config_options(force_reparse=True)
        assert config.get_option("runner.postScriptGC") is False
    finally:
        monkeypatch.undo()
        config.get_config_options(force_reparse=True)


def test_upload_stored_privately_under_fixed_name_and_deleted(monkeypatch):
    seen = {}

    def fake_analyze(path, axis, causal, progress, annotated_path, technique_name, source):
        path = Path(path)
        seen.update(path=path, data=path.read_bytes(), mode=path.parent.stat().st_mode & 0o777, axis=axis)
        Path(annotated_path).write_bytes(b"mp4")
        return replace(make_report(), source=source)

    result = analyze_bytes(b"video!", "../../etc/My Clip.MP4", 42.0, "cross_friction", 200,
                           analyze=fake_analyze)
    assert seen["path"].name == "upload.mp4" and seen["data"] == b"video!" and seen["axis"] == 42.0
    assert seen["mode"] == 0o700  # mkdtemp: only this user
    assert not seen["path"].parent.exists()  # deleted after analysis
    assert result.display_name == "../../etc/My Clip.MP4" and result.report.source == result.display_name
    assert result.video_mp4 == b"mp4"


def test_not_a_video_gives_a_clear_message_naming_the_file():
    with pytest.raises(VideoError) as err:
        analyze_bytes(b"this is not a video at all" * 100, "holiday.mp4", 90.0, "cross_friction", 200)
    msg = str(err.value)
    assert "holiday.mp4" in msg and "cannot be read as a video" in msg
    assert "upload.mp4" not in msg and "/tmp" not in msg


# --------------------------------------------------------------------------- vision.ui: tables

def test_tables_from_report():
    report = make_report()
    rows = segment_rows(report)
    assert [r["What the thumb did"] for r in rows] == ["Cross-grain", "Hold"]
    assert rows[0]["From"] == "0.0 s" and rows[0]["How long"] == "6.0 s" and rows[0]["Strokes a minute"] == "90"
    assert rows[0]["Stroke size (each way)"] == "about a fifth of your palm's width"
    assert rows[0]["Angle to the foot's long axis"] == "85° (across the foot)"
    assert rows[1]["Strokes a minute"] == "–"  # a hold has no strokes: a dash, never None
    assert hold_rows(report) == [{"From": "6.0 s", "To": "10.0 s", "Held for": "4.0 s",
                                  "Thumb crept": "hardly any (under a twentieth of your palm's width)"}]
    assert dominant_label(report) == "cross_grain"
    assert [r["What"] for r in timeline_rows(report)] == ["Cross-grain", "Hold"]
    summary = dict(summary_rows(report))
    assert summary["Longest hold"] == "4.0 s" and summary["Strokes across the foot"] == "100% of the stroking"
    assert summary["Video length"] == "10.0 s" and "Session length" not in summary
    assert dict(summary_rows(report, live=True))["Session length"] == "10.0 s"  # a webcam session is no video
    assert "Time done right" not in summary  # no coaching in this report: nothing is made up
    assert not {"Frames analysed", "Frame rate"} & set(summary)  # engineering figures are for therapists
    assert {"Frames analysed", "Frame rate"} <= set(dict(therapist_rows(report)))
    coached = replace(report, coaching={"title": "Cross-friction", "score": 90,
                                        "debrief": {"good_s": 6.0, "work_s": 6.0}})
    assert dict(summary_rows(coached))["Time done right"] == "6.0 s of 6.0 s of work"
    assert verdict(coached)[0] == "good" and "score 90 / 100" in verdict(coached)[1]
    assert verdict(replace(report, coaching={"title": "Myofascial", "score": 10, "debrief": {}}))[0] == "bad"
    domain, colours = label_colour_scale()
    assert set(domain) >= {"Cross-grain", "Lengthwise", "Oblique", "Hold", "No hand", "Pause"}  # the legend's words
    assert len(set(colours)) == len(colours)


def test_short_no_hand_blinks_are_left_out_with_a_note():
    report = make_report()
    blink = Segment("no_hand", 6.0, 6.07)
    report = replace(report, segments=[report.segments[0], blink, Segment("hold", 6.07, 10.0)])
    rows = segment_rows(report)
    assert [r["What the thumb did"] for r in rows] == ["Cross-grain", "Hold"]
    assert "No hand" not in [r["What"] for r in timeline_rows(report)]
    note = segment_note(report)
    assert note.startswith("1 moment when the hand was lost for under 0.5 s") and "left out" in note
    assert segment_note(make_report()) is None
    # a longer gap is a real one: shown
    gap = replace(report, segments=[report.segments[0], Segment("no_hand", 6.0, 8.0), Segment("hold", 8.0, 10.0)])
    assert [r["What the thumb did"] for r in segment_rows(gap)] == ["Cross-grain", "No hand", "Hold"]
    # a session of nothing but a blink keeps its one row
    alone = replace(report, segments=[Segment("no_hand", 0.0, 0.1)])
    assert [r["What the thumb did"] for r in segment_rows(alone)] == ["No hand"]


SNAKE = re.compile(r"\b[a-z]+_[a-z_]+\b")
NUMBER = re.compile(r"\d+(?:\.\d+)?")
UNITS = (" s", " min", "°", "%", "palm", "a minute", "frames a second", "/ 100")


def _people_table_problems(rows: list[dict] | list[tuple]) -> list[str]:
    """Titles in snake_case, None cells, and numbers with no unit (in the cell or its column's title)."""
    problems = []
    for row in rows:
        items = row.items() if isinstance(row, dict) else [row]
        for title, cell in items:
            if SNAKE.search(str(title)):
                problems.append(f"snake_case title {title!r}")
            text = str(cell)
            if cell is None or "None" in text or "nan" == text.lower():
                problems.append(f"{title!r}: {cell!r}")
            if isinstance(row, dict) and NUMBER.search(text) and not any(u in text or u.strip() in title.lower()
                                                                           for u in UNITS):
                problems.append(f"{title!r}: {text!r} has no unit")
            if SNAKE.search(text):
                problems.append(f"{title!r}: snake_case value {text!r}")
    return problems


def test_tables_read_in_peoples_words():
    from test_coaching import scripted_session

    report = scripted_session().report(causal=True)
    report = replace(report, segments=[*report.segments, Segment("no_hand", report.duration_s,
                                                                 report.duration_s + 0.07)])
    for rows in (segment_rows(report), hold_rows(report), timeline_rows(report), hold_rows(make_report())):
        assert not _people_table_problems(rows), _people_table_problems(rows)
    for pairs in (summary_rows(report), summary_rows(report, live=True), coaching_rows(report.coaching),
                  therapist_rows(report)):
        assert not _people_table_problems(pairs), _people_table_problems(pairs)
    assert all(r["What the thumb did"] != "No hand" or r["How long"] != "0.1 s" for r in segment_rows(report))
    # every number of the summary says what it counts
    for what, value in summary_rows(report):
        if NUMBER.search(value):
            assert any(u in value for u in (*UNITS, "of the", "still for")), (what, value)


def test_amounts_in_words():
    assert palm_share_text(0.2) == "about a fifth of your palm's width"
    assert palm_share_text(0.33) == "about a third of your palm's width"
    assert palm_share_text(0.5) == "about half of your palm's width"
    assert palm_share_text(0.01).startswith("hardly any")
    assert palm_share_text(2.0) == "about 2.0 times your palm's width"
    assert palm_share_text(None) == "–"
    assert seconds_text(6.04) == "6.0 s" and seconds_text(125) == "2:05 min" and seconds_text(None) == "–"
    assert seconds_text(179.7) == "3:00 min"  # rounded as a whole, never "2:60"
    assert angle_text(12) == "12° (along the foot)" and angle_text(45) == "45° (diagonal)"


def test_truth_comparison():
    truth = {"segments": [{"label": "cross_grain", "start_s": 0, "end_s": 6, "glide_s": 0},
                          {"label": "hold", "start_s": 6, "end_s": 10, "glide_s": 0.4}],
             "frames": [{"i": i, "t": i / 10, "label": "cross_grain" if i < 60 else "hold"} for i in range(100)]}
    rows = truth_rows(make_report(), truth)
    assert [r["Measured (most frames)"] for r in rows] == ["Cross-grain", "Hold"]
    assert [r["Scripted"] for r in rows] == ["Cross-grain", "Hold"]
    assert rows[1]["From"] == "6.40 s" and rows[1]["Frames agreeing"] == "100%"
    assert truth_frame_agreement(make_report(), truth) == 1.0


def test_list_samples_reads_axis_from_truth(tmp_path):
    (tmp_path / "b.mp4").write_bytes(b"x")
    (tmp_path / "a.mp4").write_bytes(b"x")
    (tmp_path / "a.truth.json").write_text('{"foot_axis_deg": 60, "segments": [{"label": "hold", '
                                           '"start_s": 0, "end_s": 8}]}')
    samples = list_samples(tmp_path)
    assert [s.name for s in samples] == ["a", "b"]
    assert samples[0].foot_axis_deg == 60.0 and samples[0].description == "hold 8 s"
    assert samples[1].truth_path is None and samples[1].foot_axis_deg is None
    assert list_samples(tmp_path / "nothing") == []


# --------------------------------------------------------------------------- vision.ui: live page

def test_ice_servers_default_none_and_env():
    assert ice_servers({}) == ([], None)
    servers = [{"urls": "turn:example.org:3478", "username": "u", "credential": "c"}]
    assert ice_servers({ICE_ENV: '[{"urls": "turn:example.org:3478", "username": "u", '
                                 '"credential": "c"}]'}) == (servers, None)
    bad, problem = ice_servers({ICE_ENV: "stun:x"})
    assert bad == [] and "not valid JSON" in problem
    bad, problem = ice_servers({ICE_ENV: '[{"url": "stun:x"}]'})
    assert bad == [] and "must be a JSON list" in problem


def test_stream_clock_relative_and_never_backwards():
    clock = StreamClock()
    assert clock(1000.0, wall=5.0) == 0.0
    assert clock(1000.5, wall=5.5) == pytest.approx(0.5)
    assert clock(999.0, wall=6.0) == pytest.approx(1.0)  # went backwards: wall clock
    assert clock(None, wall=6.0) > 1.0  # no time and no wall progress: still increases
    assert clock(1002.0, wall=7.0) == pytest.approx(2.0)


def test_live_panel_states():
    p = live_panel(snapshot(), playing=True, now=100.5)
    assert p.status == "live" and p.label == "Hold" and p.technique == registry()["myofascial_hold"].title
    assert p.hold == "3.0 s of 90 s" and p.fps == "28 frames a second" and p.correction == "Good: keep going"
    p = live_panel(snapshot(), playing=True, now=103.0)
    assert p.status == "stalled" and "stopped sending frames" in p.message
    p = live_panel(snapshot(frames=0, last_frame_wall=None), playing=True, now=0)
    assert p.status == "waiting" and "Connecting" in p.message
    assert live_panel(snapshot(), playing=False).status == "stopped"
    lost = live_panel(snapshot(), playing=False, lost_before_stop_s=12.4)  # the picture stopped, then the stream
    assert lost.status == "lost" and "connection to the camera was lost" in lost.message and "12 s" in lost.message
    assert "Press START" in lost.message
    assert live_panel(snapshot(frames=0, last_frame_wall=None), False, lost_before_stop_s=12.4).status == "waiting"
    p = live_panel(snapshot(technique="cross_friction", label="lengthwise", quality="bad", rate_per_min=80.4,
                            cue="Strokes run along the fascia: turn 90 degrees"), True, now=100.1)
    assert p.rate == "80 strokes a minute" and p.correction.startswith("Strokes run along") and p.hold == "3.0 s"
    # the sidebar's technique is named at once, even before its session's first frame
    p = live_panel(snapshot(technique="cross_friction"), True, "myofascial_hold", now=100.1)
    assert p.technique == registry()["myofascial_hold"].title and p.status == "waiting" and p.label == "–"
    assert fmt_duration(75) == "1:15 min"


class StubCoach:
    def __init__(self, axis, technique_name):
        self.axis, self.technique_name, self.times, self.closed = axis, technique_name, [], False

    def process(self, rgb, t):
        self.times.append(t)
        out = rgb.copy()
        out[0, 0] = (255, 0, 0)
        return out

    def set_foot_axis(self, axis):
        self.axis = axis

    @property
    def foot_axis(self):
        return self.axis

    def latest_hand(self):
        return None

    def snapshot(self):
        return snapshot(frames=len(self.times))

    def report(self):
        return make_report()

    def close(self):
        self.closed = True


def stub_frame(pts: int, time_base=Fraction(1, 90000)) -> av.VideoFrame:
    frame = av.VideoFrame.from_ndarray(np.zeros((48, 64, 3), np.uint8), format="rgb24")
    frame.pts, frame.time_base = pts, time_base
    return frame


def test_frame_callback_keeps_timing_and_a_new_stream_gets_a_new_coach():
    stream = LiveStream(coach_factory=StubCoach, foot_axis_deg=30.0, technique_name="cross_friction")
    callback = make_frame_callback(stream)
    out = [callback(stub_frame(900_000 + k * 3000)) for k in range(4)]
    assert [f.pts for f in out] == [900_000 + k * 3000 for k in range(4)]
    # the coach's picture goes back (as yuv420p, the encoder's own format: a level or two off)
    assert out[0].time_base == Fraction(1, 90000) and out[0].to_ndarray(format="rgb24")[0, 0, 0] >= 250
    assert out[0].format.name == "yuv420p"
    first = stream.coach
    assert first.times == pytest.approx([0.0, 1 / 30, 2 / 30, 3 / 30]) and first.axis.deg == 30.0
    stream.configure(60.0, "cross_friction")
    assert first.axis.deg == 60.0  # the axis follows from the next frame
    assert stream.report() is not None
    stream.mark_stopped()
    callback(stub_frame(5))  # START again: a fresh coach, a fresh clock
    assert stream.coach is not first and first.closed and stream.coach.times == [0.0]
    assert stream.coach.axis.deg == 60.0
    second = stream.coach
    stream.configure(60.0, "myofascial_hold")  # another technique: a new session from the next frame
    callback(stub_frame(9000))
    assert stream.coach is not second and stream.coach.technique_name == "myofascial_hold"


def test_frame_callback_keeps_engine_errors_for_the_page():
    class Broken(StubCoach):
        def process(self, rgb, t):
            raise RuntimeError("model file missing")

    stream = LiveStream(coach_factory=Broken)
    frame = stub_frame(0)
    assert make_frame_callback(stream)(frame) is frame
    assert "model file missing" in stream.error


def test_axis_preview_line_angle():
    import re
    svg = axis_preview_svg(0)
    x1, y1, x2, y2 = map(float, re.search(r'x1="([\d.]+)" y1="([\d.]+)" x2="([\d.]+)" y2="([\d.]+)"', svg).groups())
    assert y1 == y2 and x2 > x1  # 0 degrees: left-right
    x1, y1, x2, y2 = map(float, re.search(r'x1="([\d.]+)" y1="([\d.]+)" x2="([\d.]+)" y2="([\d.]+)"',
                                          axis_preview_svg(90)).groups())
    assert x1 == x2 and y2 < y1  # 90 degrees: up the screen


# --------------------------------------------------------------------------- the page (AppTest)

@pytest.fixture
def app():
    from streamlit.testing.v1 import AppTest
    return AppTest.from_file(APP, default_timeout=120)


def test_page_renders_with_sidebar(app):
    app.run()
    assert not app.exception
    slider = app.sidebar.slider(key="foot_axis")
    assert (slider.min, slider.max, slider.value) == (0, 179, 90)
    tech = app.sidebar.selectbox(key="technique")
    assert tech.options == [t.title for t in registry().values()]
    sidebar_text = " ".join(m.value for m in app.sidebar.markdown)
    for words in ("nerve", "stress fracture", "Bruising", "three weeks", "cannot see pressure",
                  registry()["cross_friction"].how_to[:30]):
        assert words in sidebar_text
    tech.set_value("myofascial_hold").run()
    assert registry()["myofascial_hold"].how_to[:30] in " ".join(m.value for m in app.sidebar.markdown)
    assert [b.label for b in app.tabs[1].button] == ["Analyse sample", "Analyse upload"]  # the samples are bundled
    assert app.button(key="analyse_upload").disabled
    assert app.sidebar.slider(key="foot_axis").disabled  # a hold has no direction: the axis means nothing
    assert "upload_axis_mode" not in [r.key for r in app.radio]  # nor is it asked for an upload
    assert any("judged on stillness" in c.value for c in app.sidebar.caption)
    app.sidebar.selectbox(key="technique").set_value("contrast_bath").run()  # a timer: no video to analyse
    assert not app.exception
    assert "Analyse sample" not in [b.label for b in app.tabs[1].button]
    assert any("guided timer: there is nothing in a video to analyse" in i.value for i in app.info)
    assert "analysis" not in app.session_state and not app.dataframe  # nothing was analysed
    assert not any("cannot see nothing" in m.value for m in [*app.markdown, *app.caption])
    assert app.sidebar.slider(key="foot_axis").disabled
    # the bath's water temperatures, and who should not do it, before it starts
    sidebar_text = " ".join(m.value for m in [*app.sidebar.markdown, *app.sidebar.warning])
    for words in ("38-40 °C", "10-15 °C", "diabetes", "reduced feeling", "circulation", "open wounds"):
        assert words in sidebar_text, words
    assert any("diabetes" in w.value for w in app.warning)  # on the timer's page too
    app.sidebar.selectbox(key="technique").set_value("cross_friction").run()  # direction matters: the axis is set
    assert not app.sidebar.slider(key="foot_axis").disabled and app.radio(key="upload_axis_mode")
    assert app.sidebar.slider(key="foot_axis").value == 90


def test_analysing_then_choosing_a_timer_shows_no_analysis(app):
    """Results of a video analysed for a camera technique are not shown under a timer, nor is a new one run."""
    app.run()
    app.sidebar.selectbox(key="technique").set_value("contrast_bath").run()
    assert not app.exception
    assert not [b for b in app.button if b.label.startswith("Analyse")]
    assert not [s for s in app.subheader if s.value.startswith("Results")]


SAMPLE_NAMES = ["cross_friction_good", "lengthwise_mistake", "myofascial_hold"]  # bundled in sample_videos/


@pytest.mark.parametrize("name", SAMPLE_NAMES)
def test_sample_analysis_shows_results_matching_truth(app, name):
    sample = next(s for s in samples_with_truth() if s.name == name)
    truth = sample.truth()
    app.run()
    assert app.selectbox(key="sample").value == list_samples()[0].name  # a sample is selected at start
    app.selectbox(key="sample").set_value(sample.name).run()
    t0 = time.monotonic()
    app.button(key="analyse_sample").click().run()
    print(f"\nAppTest analysis of {sample.name}: {time.monotonic() - t0:.1f} s")
    assert not app.exception
    assert f"Results: {md_escape(sample.path.name)}" in [h.value for h in app.subheader]
    analysis = app.session_state["analysis"]
    segments = app.dataframe[0].value
    assert list(segments.columns) == ["What the thumb did", "From", "To", "How long", "Strokes a minute",
                                      "Stroke size (each way)", "Angle to the foot's long axis"]
    assert not segments.isna().any().any() and not segments.astype(str).isin(["None", "nan"]).any().any()
    assert len(segments) == len(segment_rows(analysis.report)) > 0
    summary = _pairs(app, "Longest hold")
    assert "Video length" in summary and "Frames analysed" not in summary
    therapist = _pairs(app, "Frames analysed")  # in the expander "For therapists: the figures"
    assert therapist["Frames analysed"] == str(len(analysis.report.frames))
    assert "For therapists: the figures" in [e.label for e in app.expander]
    measured = dominant_label(analysis.report)
    totals = time_by_label(analysis.report)
    expected = truth_dominant(truth)
    if totals[expected] < totals[measured] - 1.0:  # a near tie in the truth may go either way
        pytest.fail(f"dominant label {measured}, truth {expected}: {totals}")
    score = analysis.report.coaching["score"]
    assert any(f"score {score} / 100" in e.value for e in [*app.success, *app.warning, *app.error, *app.info])
    # truth vs measured table: every scripted segment is measured as itself on most of its frames
    comparison = next(t.value for t in app.table if "Scripted" in t.value.columns)
    assert list(comparison["Scripted"]) == [label_title(seg["label"]) for seg in truth["segments"]]
    assert list(comparison["Measured (most frames)"]) == list(comparison["Scripted"]), comparison
    assert analysis.video_mp4[4:8] == b"ftyp"
    assert {b.label for b in app.get("download_button")} >= {"Download report (JSON)", "Download frames (CSV)",
                                                               "Download annotated video"}
    # results survive a rerun (as after a download click) and a sidebar change
    app.sidebar.slider(key="foot_axis").set_value(45).run()
    assert f"Results: {md_escape(sample.path.name)}" in [h.value for h in app.subheader]


def _pairs(app, row: str) -> dict[str, str]:
    """The page's two-column table that has ``row``, as {what: value}."""
    for t in app.table:
        df = t.value
        if list(df.columns)[:1] == ["What"] and row in list(df["What"]):
            return dict(zip(df["What"], df.iloc[:, 1]))
    raise AssertionError(f"no table with {row!r}: {[list(t.value.columns) for t in app.table]}")


def test_invalid_upload_gives_a_clear_message(app):
    app.run()
    app.get("file_uploader")[0].set_value(("holiday.mp4", b"not a video" * 50, "video/mp4")).run()
    app.button(key="analyse_upload").click().run()
    assert not app.exception
    errors = [e.value for e in app.error]
    assert any(md_escape("holiday.mp4") in e and "cannot be read as a video" in e for e in errors), errors
    assert "analysis" not in app.session_state


def test_upload_axis_found_and_followed_or_drawn_on_a_still(app, tmp_path):
    """The upload's axis: found and followed (the analysis gets "auto"), or drawn on a still of the video."""
    from cluster_support import short_clips

    app.run()
    radio = app.radio(key="upload_axis_mode")
    radio.set_value("Click heel and toes on a frame").run()
    assert app.button(key="analyse_upload").disabled  # nothing to draw on yet
    # the first 5 s of cross_friction_good, decoded and encoded again: a real video of the foot, a quarter of
    # the sample's analysis
    clip, = short_clips(tmp_path, seconds=5.0, stretches=(("cross_friction_good", 0.0),))
    video = clip.read_bytes()
    app.get("file_uploader")[0].set_value(("my foot.mp4", video, "video/mp4")).run()
    assert app.button(key="analyse_upload").disabled  # no axis drawn yet
    app.button(key="upload_still_button").click().run()
    assert not app.exception
    still = app.session_state["upload_still"]
    assert still[1].shape[:2] == (480, 640) and still[2] is not None  # the frame, and the axis found on it
    app.radio(key="upload_axis_mode").set_value("Find the foot and follow it").run()
    app.button(key="analyse_upload").click().run()
    assert not app.exception, app.exception
    report = app.session_state["analysis"].report
    assert {f.axis_source for f in report.frames} == {"found"}


def test_live_panel_with_injected_webrtc(app, monkeypatch):
    import streamlit_webrtc

    state = {"playing": False}
    captured = {}

    def fake_streamer(**kwargs):
        captured.update(kwargs)
        return SimpleNamespace(state=SimpleNamespace(playing=state["playing"], signalling=False))

    def fake_audio_track(callback, key, sample_rate, ptime):
        captured["audio_callback"] = callback
        return SimpleNamespace(kind="audio", sample_rate=sample_rate, ptime=ptime)

    monkeypatch.setattr(streamlit_webrtc, "webrtc_streamer", fake_streamer)
    monkeypatch.setattr(streamlit_webrtc, "create_audio_source_track", fake_audio_track)
    app.run()
    assert not app.exception
    assert captured["rtc_configuration"] == {"iceServers": []}
    # the sound goes out on the stream's own audio track, 20 ms frames of 16 kHz mono (no microphone asked for)
    assert captured["source_audio_track"].sample_rate == 16000 and captured["source_audio_track"].ptime == 0.02
    frame = captured["audio_callback"](0, None)
    assert frame.samples == 320 and frame.layout.name == "mono" and frame.sample_rate == 16000
    assert captured["media_stream_constraints"] == {"video": {"width": 640, "height": 480}, "audio": False}
    assert captured["async_processing"] is True  # in the component's worker thread, not the shared event loop
    assert any("Press START" in i.value for i in app.info)

    state["playing"] = True
    app.run()
    queued = captured["queued_video_frames_callback"]

    def callback(frame):
        return asyncio.run(queued([frame]))[0]

    outs = asyncio.run(queued([stub_frame(k * 3000) for k in range(5)]))  # a burst: black frames, no hand
    assert [out.pts for out in outs] == [k * 3000 for k in range(5)]  # every frame, in order
    app.run()
    metrics = {m.label: m.value for m in app.metric}
    assert metrics["Doing now"] == "No hand" and metrics["Processing"].endswith("a second"), metrics
    assert "For therapists: the figures" in [e.label for e in app.expander]  # fps: not for patients
    assert metrics["Score"] == "–", metrics  # no work yet: no score
    assert any("No hand in view" in m.value for m in app.markdown)
    stream = app.session_state["live_stream"]
    coach = stream.coach
    time.sleep(STALL_S + 0.2)
    app.run()
    assert any("stopped sending frames" in e.value for e in app.error)

    state["playing"] = False
    app.run()
    assert "Your last session" in [h.value for h in app.subheader]
    assert app.dataframe[0].value["What the thumb did"].iloc[0] == "No hand"
    assert "Session length" in _pairs(app, "Hand in view")  # a live session is not a "video"
    assert any("No hand was seen in this session" in i.value for i in app.info)
    assert not any("video" in i.value for i in app.info)
    metrics = {m.label: m.value for m in app.metric}
    # the stream closed 2 s after its last picture: a lost connection, said as such (not "Camera stopped")
    assert metrics["Doing now"] == "–" and any("connection to the camera was lost" in e.value for e in app.error)
    assert any("Coaching: score and debrief" in m.value for m in app.markdown)  # the debrief, from the live scorer
    callback(stub_frame(0))  # START again: a new session
    assert stream.coach is not coach
    stream.close()


# --------------------------------------------------------------------------- coaching on the page

def test_live_panel_shows_score_hold_timer_and_guide():
    snap = snapshot(hold_s=12.0, hold_good_s=7.5, hold_paused="sliding: the hold timer is paused", score=42.4,
                    progress=0.08, components=(("stillness", 0.6),), holds_completed=1)
    p = live_panel(snap, playing=True, now=100.5)
    assert p.hold == "7.5 s of 90 s (paused)" and p.score == "42 / 100" and p.holds_completed == "1"
    assert p.components == (("Still holding", "60%"),) and p.progress == "8%"
    assert p.guide.startswith("Sliding")
    p = live_panel(snapshot(technique="calf_work", side="second calf", side_work_s=(300.0, 12.0)), True,
                   now=100.5)
    assert p.side == "second calf: 5:00 min, 12.0 s" and p.holds_completed is None


def test_live_panel_shows_the_sidebars_technique_and_hold_target_before_frames():
    idle = snapshot(technique="cross_friction", frames=0, last_frame_wall=None)
    p = live_panel(idle, playing=False, technique_name="myofascial_hold")
    assert p.technique == registry()["myofascial_hold"].title and p.hold == "0.0 s of 90 s"
    assert p.status == "waiting" and "Press START" in p.message and p.label == "–"
    # after STOP the last label is not shown as what is being done now
    p = live_panel(snapshot(technique="cross_friction", label="cross_grain"), False, "cross_friction", now=100.5)
    assert p.status == "stopped" and p.label == "–" and p.rate == "–"


def test_debrief_lists_apart_numbers_explained_and_no_tip_twice():
    coaching = {"title": "Cross-friction", "score": 50, "camera_cannot_see": "The camera cannot see pressure.",
                "debrief": {"top_corrections": [
                    {"cue": "no_hand", "say": "No hand in view: bring your hand and foot into the picture",
                     "tip": "No hand in view: bring your hand and foot into the picture", "seconds": 8.0},
                    {"cue": "rate_low", "say": "A little faster", "tip": "Speed up.", "seconds": 3.2}],
                    "next": ["Speed up.", "Keep it up longer: aim for 3 min done right (0.5 min this time)."]}}
    text = debrief_markdown(coaching)
    blocks = text.split("\n\n")
    assert blocks[0] == "**Top corrections** (most needed first)"
    assert blocks[1].splitlines()[0] == ("1. No hand in view: bring your hand and foot into the picture. "
                                         "(The coach gave this cue for 8 s of the session.)")
    assert blocks[1].splitlines()[1] == "2. Speed up. (The coach gave this cue for 3 s of the session.)"
    assert blocks[2] == "**What to do next**"  # its own block: not glued onto correction 2
    assert blocks[3] == "- Keep it up longer: aim for 3 min done right (0.5 min this time)."  # "Speed up." once
    assert text.count("Speed up.") == 1
    assert not re.search(r"\(\d+ s\)", text)  # no bare "(8 s)"


def test_next_steps_do_not_repeat_a_correction():
    from vision.coach.scoring import next_steps

    tech = registry()["cross_friction"]
    state = CoachingState(technique="cross_friction", quality="bad", work=True, right=False, total_s=60.0, active_s=10.0, work_s=10.0, right_s=5.0,
                          score=50.0, progress=0.03)
    assert any("in the picture" in step for step in next_steps(state, tech))
    corrections = [{"cue": "no_hand", "say": "No hand in view", "tip": "No hand in view", "seconds": 50.0}]
    assert not any("in the picture" in step for step in next_steps(state, tech, corrections))


def test_coaching_rows_and_debrief_text():
    from test_coaching import scripted_session

    coaching = scripted_session().report(causal=True).coaching
    rows = dict(coaching_rows(coaching))
    assert rows["Score (how well the work matched the technique)"].endswith("/ 100")
    assert rows["Right direction"] == "100%" and rows["Progress towards the target"].endswith("%")
    text = debrief_markdown(coaching)
    assert "What to do next" in text and "Top corrections" in text and "cannot see" in text
    assert dict(coaching_rows(coaching_section("contrast_bath")))["Score"].startswith("–")


def test_routine_page_runs_the_contrast_bath_on_a_fast_clock(app, monkeypatch):
    from vision.coach.routines import SPEED_ENV

    monkeypatch.setenv(SPEED_ENV, "1440")  # 12 min in half a second
    app.run()
    app.sidebar.selectbox(key="technique").set_value("contrast_bath").run()
    assert not app.exception
    assert any("needs no camera" in m.value for m in app.markdown)
    assert any(i.value.startswith("**Ready: Round 1 of 3: warm water") for i in app.info)
    assert "warm water 3 min then cold water 1 min, 3 rounds" in " ".join(m.value for m in app.sidebar.markdown)
    app.button(key="routine_start").click().run()
    assert app.button(key="routine_start").disabled and not app.button(key="routine_pause").disabled
    assert len(app.get("audio")) == 1  # the change of step is heard: a chime and "warm water"
    time.sleep(0.7)
    app.run()
    assert any("Done" in s.value for s in app.success)
    assert len(app.get("audio")) == 1
    assert any("Routine followed:** 100%" in m.value for m in app.markdown)
    app.button(key="routine_reset").click().run()
    assert any(i.value.startswith("**Ready") for i in app.info)


def test_sound_controls_reach_the_live_stream(app, monkeypatch):
    """Sound is on by default; the page's mute, volume, metronome and voice switches reach the stream's mixer."""
    import streamlit_webrtc

    from vision.sound.cues import SoundEvent

    monkeypatch.setattr(streamlit_webrtc, "webrtc_streamer", lambda **kw: SimpleNamespace(
        state=SimpleNamespace(playing=False, signalling=False)))
    monkeypatch.setattr(streamlit_webrtc, "create_audio_source_track",
                        lambda callback, key, sample_rate, ptime: SimpleNamespace(kind="audio"))
    app.run()
    mixer = lambda: app.session_state["live_stream"].sound.mixer  # noqa: E731
    assert mixer().settings.on and mixer().settings.volume == 0.8 and mixer().settings.metronome
    app.slider(key="live_sound_volume").set_value(30).run()
    app.toggle(key="live_sound_voice").set_value(False).run()
    assert mixer().settings.volume == 0.3 and not mixer().settings.voice
    app.toggle(key="live_sound_on").set_value(False).run()
    assert not mixer().settings.on and app.slider(key="live_sound_volume").disabled
    mixer().play(SoundEvent(0.0, "tone_off"))
    assert not any(mixer().render(320).any() for _ in range(30))  # muted: silence on the audio track
    app.sidebar.selectbox(key="technique").set_value("myofascial_hold").run()
    assert app.toggle(key="live_sound_metronome").disabled  # a hold has no stroke rate to keep
    app.session_state["live_stream"].close()
