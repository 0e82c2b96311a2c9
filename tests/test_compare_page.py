"""The "Compare with a demonstration" tab: its logic (vision/ui/compare_view.py) on real reports and clips,
the live session's recording (vision/ui/live_recording.py through LiveStream), then the tab through
Streamlit's AppTest on the bundled samples and a real history database in a temporary folder."""

from __future__ import annotations

import json
import re
import sqlite3
from pathlib import Path

import numpy as np
import pytest
from media import write_video
from test_compare import _report

from vision.compare import compare
from vision.compare.references import ReferenceError, get_reference, list_references
from vision.io.video import iter_frames
from vision.ui.compare_view import (
    ComparisonView,
    playable_video,
    save_demonstration,
    side_by_side_html,
    stretch_rows,
    sync_path,
)
from vision.ui.live_stream import LiveStream
from vision.ui.uploads import Analysis

ROOT = Path(__file__).resolve().parents[1]
APP = str(ROOT / "app.py")
SAMPLES = ROOT / "sample_videos"


@pytest.fixture
def data_dir(tmp_path, monkeypatch):
    d = tmp_path / "data"
    monkeypatch.setenv("CROSSGRAIN_DATA_DIR", str(d))
    return d


def _clip(path: Path, n: int = 12) -> Path:
    frames = [np.full((64, 96, 3), 20 * k % 255, np.uint8) for k in range(n)]
    return write_video(path, frames, [k / 10 for k in range(n)])


# --------------------------------------------------------------------------- logic

def test_sync_path_inverts_the_alignment_for_a_slower_attempt():
    reference = _report([("cross_grain", 4), ("hold", 2)])
    attempt = _report([("cross_grain", 8), ("hold", 2)])  # twice as long on the strokes
    c = compare(reference, attempt)
    path = sync_path(c)
    a = [p[0] for p in path]
    r = [p[1] for p in path]
    assert a == sorted(a) and len(set(a)) == len(a) and r == sorted(r)
    assert np.interp(6.0, a, r) == pytest.approx(3.0, abs=0.3)  # 6 s into the attempt = 3 s into the demo
    for ref_t in (1.0, 2.5, 4.5):
        assert np.interp(c.attempt_t(ref_t), a, r) == pytest.approx(ref_t, abs=0.15)


def test_side_by_side_holds_both_videos_and_the_path(tmp_path):
    reference = _report([("cross_grain", 3)])
    attempt = _report([("cross_grain", 3)])
    clip = _clip(tmp_path / "c.mp4").read_bytes()
    analysis = Analysis("attempt <b>.mp4", attempt, clip, "cross_friction")
    view = ComparisonView("Demo & co", reference, clip, None, analysis, compare(reference, attempt))
    html = side_by_side_html(view)
    assert html.count("<video") == 2 and 'id="cg-ref"' in html and 'id="cg-att"' in html
    assert "Demo &amp; co" in html and "attempt &lt;b&gt;.mp4" in html  # names are text, never markup
    path = json.loads(re.search(r'<script type="application/json" id="cg-path">(.*?)</script>', html).group(1))
    assert path == sync_path(view.comparison)
    assert "http" not in html.replace("http-equiv", "")  # nothing fetched: the videos are inlined
    # no demonstration video: the attempt alone, and why
    alone = side_by_side_html(ComparisonView("Demo", reference, None, "not kept", analysis, view.comparison))
    assert alone.count("<video") == 1 and "not kept" in alone


def test_playable_video_says_why_not(tmp_path):
    assert playable_video(None) == (None, "The demonstration's video was not kept, so only your attempt is shown.")
    data, note = playable_video(b"not a video at all")
    assert data is None and "cannot be played" in note
    clip = _clip(tmp_path / "c.mp4").read_bytes()
    assert playable_video(clip) == (clip, None)


def test_save_demonstration_keeps_the_video_only_when_asked(data_dir, tmp_path):
    report = _report([("cross_grain", 3)])
    clip = _clip(tmp_path / "c.mp4").read_bytes()
    without = save_demonstration("No clip", report, clip, keep_video=False)
    with_clip = save_demonstration("With clip", report, clip, keep_video=True)
    assert without.video is None and with_clip.video_bytes() == clip
    with pytest.raises(ReferenceError, match="already exists"):
        save_demonstration("with CLIP", report, clip, keep_video=True)
    with pytest.raises(ReferenceError, match="reference name"):
        save_demonstration("  ", report, None, keep_video=False)
    with pytest.raises(ReferenceError, match="no session"):
        save_demonstration("Empty", None, None, keep_video=False)
    with pytest.raises(ReferenceError, match="no hand was seen"):
        save_demonstration("Nobody", _report([("no_hand", 3)]), clip, keep_video=True)
    assert [r.name for r in list_references()] == ["No clip", "With clip"]
    rows = stretch_rows(compare(report, _report([("lengthwise", 3)])))
    assert rows and rows[0]["demonstrated"] == "across the foot" and rows[0]["you did"] == "along the foot"


class PaintingCoach:
    """A stand-in coach that draws a mark on every frame, so the recording can be checked to hold what was shown."""

    def __init__(self, axis, technique):
        self.n, self.technique_name = 0, technique

    def process(self, rgb, t):
        self.n += 1
        out = rgb.copy()
        out[:8, :8] = (255, 0, 0)
        return out

    def snapshot(self):
        from types import SimpleNamespace
        return SimpleNamespace(frames=self.n, last_frame_wall=None)

    def report(self):
        return _report([("cross_grain", 1)])

    def set_foot_axis(self, axis):
        self.foot_axis = axis

    def latest_hand(self):
        return None

    def close(self):
        pass


def test_live_recording_only_when_asked_and_removed_at_the_next_start():
    frame = np.full((48, 64, 3), 90, np.uint8)
    quiet = LiveStream(coach_factory=PaintingCoach)
    for k in range(5):
        quiet.process(frame, k / 10)
    quiet.mark_stopped()
    assert quiet.recorded_video() is None  # not asked: nothing recorded

    stream = LiveStream(coach_factory=PaintingCoach, record_video=True)
    for k in range(20):
        stream.process(frame, k / 10)
    stream.mark_stopped()
    video = stream.recorded_video()
    assert video is not None and video.parent.stat().st_mode & 0o077 == 0
    shown = list(iter_frames(video))
    assert len(shown) == 20 and shown[-1].t == pytest.approx(1.9, abs=0.01)
    assert shown[3].rgb[2, 2, 0] > 200 and shown[3].rgb[30, 30, 0] < 120  # the overlay as shown
    stream.process(frame, 5.0)  # late frames of the stopped stream start the next session: the recording stays
    assert stream.recorded_video() == video
    stream.mark_playing()  # a new START: the stopped session's recording is deleted
    assert not video.exists() and stream.recorded_video() is None
    stream.close()


# --------------------------------------------------------------------------- the tab (AppTest)

@pytest.fixture
def app():
    from streamlit.testing.v1 import AppTest
    return AppTest.from_file(APP, default_timeout=240)


def tab(app):
    return next(t for t in app.tabs if t.label == "Compare with a demonstration")


def texts(block) -> str:
    """The block's text as shown (user text is backslash-escaped Markdown: vision/ui/plain_text.py)."""
    return "\n".join(e.value for kind in ("markdown", "error", "warning", "success", "info", "caption")
                     for e in getattr(block, kind)).replace("\\", "")


def test_the_tab_without_demonstrations_creates_nothing(app, data_dir):
    app.run()
    assert not app.exception
    t = tab(app)
    assert "No demonstration saved yet" in texts(t)
    assert app.button(key="cmp_run").disabled
    assert not data_dir.exists()  # looking stores nothing


@pytest.mark.slow
def test_save_a_sample_as_a_demonstration_then_compare_another_with_it(app, data_dir):
    app.run()
    t = tab(app)
    t.selectbox(key="cmp_demo_sample").set_value("cross_friction_good")
    t.button(key="cmp_demo_analyse").click().run()
    assert not app.exception
    t = tab(app)
    t.text_input(key="cmp_demo_demo_name").input("../bad")
    t.button[[b.label for b in t.button].index("Save as a demonstration")].click().run()
    t = tab(app)
    assert "reference name '../bad' must be" in texts(t) and list_references() == []
    t.text_input(key="cmp_demo_demo_name").input("Good form")
    t.checkbox(key="cmp_demo_demo_keep").check()
    t.button[[b.label for b in t.button].index("Save as a demonstration")].click().run()
    t = tab(app)
    assert "Saved the demonstration “Good form” (with its video)" in texts(t)
    ref = get_reference("Good form")
    assert ref.video == "video.mp4" and ref.technique == "cross_friction"
    assert t.selectbox(key="cmp_reference").value == "Good form"
    with sqlite3.connect(data_dir / "history.sqlite3") as conn:
        assert conn.execute("SELECT length(video) > 10000 FROM demonstration_videos").fetchone() == (1,)

    t.selectbox(key="cmp_attempt_sample").set_value("lengthwise_mistake")
    t.button(key="cmp_run").click().run()
    assert not app.exception
    t = tab(app)
    assert t.metric[0].label == "Similarity"
    score = int(t.metric[0].value.split("/")[0])
    assert score < 60  # half of it strokes along the foot
    page = texts(t)
    assert "along the foot" in page
    assert any(e.label == "How the similarity is made" for e in t.expander)
    assert "Similarity is 100 times the mean" in page
    html = next(b for b in t.get("download_button") if b.proto.label == "Download the comparison (HTML)")
    assert html is not None
    iframes = [e for e in t.get("iframe")]
    assert iframes and iframes[0].proto.srcdoc.count("<video") == 2
    assert len(t.dataframe) == 1 and len(t.dataframe[0].value) >= 2

    # the same clip against itself: the maximum
    t.selectbox(key="cmp_attempt_sample").set_value("cross_friction_good")
    t.button(key="cmp_run").click().run()
    assert int(tab(app).metric[0].value.split("/")[0]) == 100


def test_a_database_from_a_newer_version_is_a_message(app, data_dir):
    data_dir.mkdir()
    with sqlite3.connect(data_dir / "history.sqlite3") as conn:
        conn.execute("PRAGMA user_version = 99")
    app.run()
    assert not app.exception
    assert "written by a newer CrossGrain" in texts(tab(app))


def test_live_page_records_when_asked_and_saves_the_stopped_session_as_a_demonstration(app, data_dir,
                                                                                          monkeypatch):
    """The live page with a stand-in for the WebRTC component (AppTest has none): real frames of a bundled
    sample's hold go through the real frame callback; after STOP the session is saved with its recording."""
    import asyncio
    from fractions import Fraction
    from types import SimpleNamespace

    import av
    import streamlit_webrtc

    state, captured = {"playing": False}, {}

    def fake_streamer(**kwargs):
        captured.update(kwargs)
        return SimpleNamespace(state=SimpleNamespace(playing=state["playing"], signalling=False))

    monkeypatch.setattr(streamlit_webrtc, "webrtc_streamer", fake_streamer)
    app.run()
    app.sidebar.selectbox(key="technique").set_value("myofascial_hold").run()
    app.checkbox(key="live_record").check().run()
    state["playing"] = True
    app.run()
    frames = []
    for f in iter_frames(SAMPLES / "myofascial_hold.mp4", start_s=5.0):
        if f.t >= 8.0:
            break
        vf = av.VideoFrame.from_ndarray(f.rgb, format="rgb24")  # a 30 fps camera
        vf.pts, vf.time_base = round((f.t - 5.0) * 90000), Fraction(1, 90000)
        frames.append(vf)
    for frame in frames:  # as a camera sends them: one at a time (a burst's stale frames would be dropped)
        asyncio.run(captured["queued_video_frames_callback"]([frame]))
    state["playing"] = False
    app.run()
    assert not app.exception
    assert "Your last session" in [h.value for h in app.subheader]
    form_name = app.text_input(key="live_demo_name")
    form_name.input("Hold demo")
    app.checkbox(key="live_demo_keep").check()
    next(b for b in app.button if b.label == "Save as a demonstration").click().run()
    said = texts(app.tabs[0])
    assert "Saved the demonstration “Hold demo” (with its video)" in said, [e.value for e in app.error]
    ref = get_reference("Hold demo")
    assert ref.technique == "myofascial_hold" and ref.source == "webcam"
    with ref.video_file() as clip:
        kept = list(iter_frames(clip))
    # the recorder never makes the camera wait: on a loaded machine its encoder may let a few frames go
    assert 0.8 * len(frames) <= len(kept) <= len(frames), (len(kept), len(frames))
    assert kept[-1].t == pytest.approx(frames[-1].time, abs=0.8)  # the last frames may be among those let go
    assert [str(s.label) for s in ref.report().segments if s.duration_s > 1] == ["hold"]
    # the compare tab now offers it
    assert tab(app).selectbox(key="cmp_reference").value == "Hold demo"
    app.session_state["live_stream"].close()
