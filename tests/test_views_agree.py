"""One verdict per frame, one owner per figure: every view of a session shows the same numbers.

A bundled clip goes through the live path (LiveCoach fed frame by frame, as the
webcam page does), the CLI (a separate process, --causal and offline) and the
upload page's path; the reports, the live panel, the page's tables and the
CLI's text must agree figure by figure.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from vision.core.axis import AxisSource, FootAxis
from vision.io.video import iter_frames
from vision.live import LiveCoach
from vision.pipeline import Session
from vision.ui.coaching_view import coaching_rows
from vision.ui.panel import fmt_duration, live_panel
from vision.ui.tables import segment_rows, summary_rows
from vision.ui.uploads import analyze_path

from scripted import Piece, thumb_path
from test_coaching import rigid_hand

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "sample_videos" / "myofascial_hold.mp4"  # strokes, a hold, strokes
CLIP_S = 9.5  # under 10 s: one tracker runs through it on every path (longer files are tracked in two ranges)


@pytest.fixture(scope="module")
def clip(tmp_path_factory) -> Path:
    """The sample's first 9.5 s (strokes, then a hold), its packets copied as they are."""
    import av

    out = tmp_path_factory.mktemp("clip") / "myofascial_hold.mp4"
    with av.open(str(SAMPLE)) as src, av.open(str(out), "w") as dst:
        stream = src.streams.video[0]
        copy = dst.add_stream_from_template(stream)
        for packet in src.demux(stream):
            if packet.dts is None or packet.pts is None:
                continue
            if float(packet.pts * stream.time_base) < CLIP_S:
                packet.stream = copy
                dst.mux(packet)
    return out


def _cli_json(tmp_path: Path, clip: Path, *flags: str) -> dict:
    out = tmp_path / f"cli{'_'.join(flags)}.json"
    proc = subprocess.run([sys.executable, "-m", "vision.cli", "analyze", str(clip), "--foot-axis", "90",
                           "--technique", "myofascial_hold", "--json", str(out), *flags],
                          capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert proc.returncode == 0, proc.stderr[-2000:]
    return json.loads(out.read_text()), proc.stdout


def _figures(d: dict) -> dict:
    """Everything a report says, less where it came from."""
    return {k: v for k, v in d.items() if k != "source"}


@pytest.mark.slow
def test_live_cli_and_upload_show_the_same_numbers(tmp_path, clip):
    coach = LiveCoach(90.0, "myofascial_hold")
    for frame in iter_frames(clip):
        coach.process(frame.rgb, frame.t)
    live = coach.report()
    snap = coach.snapshot()
    coach.close()

    causal, causal_text = _cli_json(tmp_path, clip, "--causal")
    assert _figures(live.to_dict()) == _figures(causal)

    # the live panel, after the last frame, says what the report says
    c = snap.verdict.coaching
    d = live.coaching["debrief"]
    panel = live_panel(snap, playing=True, technique_name="myofascial_hold", now=snap.last_frame_wall)
    assert panel.good_time == fmt_duration(c.right_s) and round(c.right_s, 1) == d["good_s"]
    assert panel.score == f"{c.score:.0f} / 100" and round(c.score) == live.coaching["score"]
    assert panel.longest_hold == fmt_duration(c.longest_good_hold_s)
    assert round(c.longest_good_hold_s, 1) == d["longest_good_hold_s"]
    assert c.longest_hold_s == pytest.approx(live.longest_hold_s, abs=1e-6)
    assert f"{d['good_s']:.1f} s done right of {d['work_s']:.1f} s of work" in causal_text

    # the upload page (offline labels) and the CLI's default (offline) agree too
    offline, offline_text = _cli_json(tmp_path, clip)
    upload = analyze_path(clip, clip.name, 90.0, "myofascial_hold")
    assert _figures(upload.report.to_dict()) == _figures(offline)
    # the page's segment table shows the report's own figures, in words and units
    shown = segment_rows(upload.report)
    kept = [seg for seg in upload.report.segments if seg.label != "no_hand" or seg.duration_s >= 0.5]
    assert len(shown) == len(kept)
    for row, seg in zip(shown, kept):
        assert row["From"] == f"{seg.start_s:.1f} s" and row["To"] == f"{seg.end_s:.1f} s"
        assert row["Strokes a minute"] == ("–" if seg.rate_per_min is None else f"{seg.rate_per_min:.0f}")
    rows = dict(summary_rows(upload.report))
    od = offline["coaching"]["debrief"]
    assert rows["Time done right"] == f"{od['good_s']:.1f} s of {od['work_s']:.1f} s of work"
    assert rows["Longest hold"] == f"{max(h['duration_s'] for h in offline['holds']):.1f} s"
    assert dict(coaching_rows(upload.report.coaching))["Score (how well the work matched the technique)"] == \
        f"{offline['coaching']['score']} / 100"
    assert f"score: {offline['coaching']['score']}/100" in offline_text
    # time by label adds up to the session's length, and the segments tile it
    s = offline["summary"]["time_by_label_s"]
    assert sum(s.values()) == pytest.approx(offline["duration_s"], abs=0.05)
    segs = offline["segments"]
    assert all(a["end_s"] == pytest.approx(b["start_s"], abs=1e-3) for a, b in zip(segs, segs[1:]))


def test_a_new_axis_changes_what_follows_never_the_past():
    """Strokes made at axis 90 stay cross-grain when the axis is changed afterwards."""
    session = Session(90.0, "cross_friction")
    pieces = [Piece("cross_grain", 6.0, stroke_angle_deg=0.0, amplitude_palm=0.15, rate_per_min=80.0)]
    for t, xy, palm, _ in thumb_path(pieces, noise_px=0.3):
        session.add_observation(rigid_hand(t, xy, palm), t)
    before = session.report(causal=True).to_dict()
    session.set_foot_axis(FootAxis(0.0, AxisSource.DRAWN))  # no new frame yet
    after = session.report(causal=True).to_dict()
    assert before == after
    seg = [s for s in after["segments"] if s["label"] == "cross_grain"]
    assert seg and seg[0]["angle_to_grain_deg"] >= 80
    # the frames that follow are judged against the new axis: the same strokes are now lengthwise
    for t, xy, palm, _ in thumb_path(pieces, noise_px=0.3, seed=1):
        session.add_observation(rigid_hand(6.0 + t, xy, palm), 6.0 + t)
    report = session.report(causal=True)
    assert [f.label for f in report.frames[:150]] == [f["label"] for f in after["frames"][:150]]
    assert report.frames[-1].label == "lengthwise" and report.frames[-1].foot_axis_deg == 0.0
    assert [(a.foot_axis_deg, a.source) for a in report.axes] == [(90.0, "typed"), (0.0, "drawn")]
    assert report.axes[1].start_s == pytest.approx(6.0, abs=0.05)
    assert {s.label for s in report.segments if s.start_s < 5.5 and s.label.is_stroke} == {"cross_grain"}
