"""Right figures from lying files, and bounded work (issue 12 items 4, 9 and 10), on real decoded video.

Timestamps that no camera makes are repaired and said to be repaired; an all-zero display
matrix is no rotation; the main stream is the one a player shows; the tracker's clock
survives any time it is given; files beyond the limits are refused from the header or
while decoding, with a message.
"""

from __future__ import annotations

import time

import numpy as np
import pytest

from hard_inputs import make_input
from media import still_frame, write_video
from vision.io.limits import Limits
from vision.io.video import FrameTimes, VideoError, iter_frames, probe, timing_note


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    folder = tmp_path_factory.mktemp("figures")
    names = ["gap_24h", "bad_first_pts", "zero_display_matrix", "second_stream_default", "pts_1e13",
             "huge_4200x4200", "frames_20000", "baseline", "rotated_90"]
    return {n: make_input(n, folder) for n in names}


def test_two_frames_24h_apart_are_not_a_day_long_video(files):
    times = [f.t for f in iter_frames(files["gap_24h"].path)]
    assert len(times) == 3 and times[-1] < 1.0
    assert "approximate" in timing_note(files["gap_24h"].path)


def test_a_bad_first_timestamp_does_not_collapse_the_video(files):
    times = [f.t for f in iter_frames(files["bad_first_pts"].path)]
    assert times[-1] == pytest.approx(99.0, abs=1.0)
    assert all(b > a for a, b in zip(times, times[1:]))
    assert timing_note(files["bad_first_pts"].path) is not None


def test_honest_files_get_no_timing_note(files):
    assert timing_note(files["baseline"].path) is None
    assert timing_note(files["rotated_90"].path) is None


def test_frame_times_rule():
    clock = FrameTimes(nominal_dt=0.1)
    assert [clock(x) for x in (5.0, 5.1, 5.2, 5.15, 5.3)] == pytest.approx([0, 0.1, 0.2, 0.2, 0.3])
    assert clock.estimated == 0
    assert clock(5.3 + 86_400) == pytest.approx(0.4) and clock(5.5 + 86_400) == pytest.approx(0.6)
    assert clock(1e13) == pytest.approx(0.7) and clock(float("nan")) == pytest.approx(0.8)
    assert clock.estimated == 3


def test_all_zero_display_matrix_is_no_rotation(files):
    frames = list(iter_frames(files["zero_display_matrix"].path))
    assert frames[0].rgb.shape[:2] == (240, 320)
    assert list(iter_frames(files["rotated_90"].path))[0].rgb.shape[:2] == (320, 240)  # a real one still turns


def test_the_default_stream_is_analysed_not_the_first(files):
    path = files["second_stream_default"].path
    assert (probe(path).width, probe(path).height) == (320, 240)
    frames = list(iter_frames(path))
    assert len(frames) == 6 and frames[0].rgb.shape[:2] == (240, 320)


def test_tracker_clock_survives_any_time():
    from vision.io.tracking import HandTracker

    rgb = still_frame(160, 120)
    times = [1e13, 1e13 + 0.033, float("nan"), 1e13 - 5.0, 1e13 + 1e6, float("inf"), 1e13 + 1e6 + 0.033]
    with HandTracker() as tracker:
        stamps = []
        for t in times:
            tracker.process(rgb, t)
            stamps.append(tracker.clock_ms)
    assert stamps[0] == 0 and all(b > a for a, b in zip(stamps, stamps[1:]))
    assert stamps[1] == 33 and max(stamps) < 60_000


def test_cli_reports_a_1e13_clock_and_says_when_timing_is_approximate(files, tmp_path):
    from test_cli_promises import crossgrain

    run = crossgrain("analyze", files["pts_1e13"].path, "--foot-axis", "90")
    assert run.returncode == 0, run.stderr
    run = crossgrain("analyze", files["gap_24h"].path, "--foot-axis", "90")
    assert run.returncode == 0, run.stderr
    assert "timing is approximate" in run.stdout and " at 0.0 fps" not in run.stdout


@pytest.mark.parametrize("name,words", [("huge_4200x4200", "4200x4200 pixels"), ("frames_20000", "20000")])
def test_over_the_limits_refused_from_the_header(files, name, words):
    t0 = time.monotonic()
    with pytest.raises(VideoError, match="refused") as err:
        probe(files[name].path)
    with pytest.raises(VideoError, match="refused"):
        next(iter_frames(files[name].path))
    assert time.monotonic() - t0 < 3.0
    assert "limit" in str(err.value) and "\n" not in str(err.value)


def test_limits_checked_while_decoding(tmp_path):
    """A Matroska file does not state its frame count: the limit holds on what is decoded."""
    path = write_video(tmp_path / "v.mkv", [still_frame(64, 48)] * 12, [k / 10 for k in range(12)])
    assert probe(path).frame_count is None
    decoded = []
    with pytest.raises(VideoError, match="more than 5 frames"):
        for f in iter_frames(path, limits=Limits(max_frames=5)):
            decoded.append(f)
    assert len(decoded) == 5
    with pytest.raises(VideoError, match="lasts"):
        list(iter_frames(path, limits=Limits(max_duration_s=0.5)))
    with pytest.raises(VideoError, match="pixels"):
        list(iter_frames(path, limits=Limits(max_pixels=64 * 48 - 1)))


def test_limits_from_the_environment():
    assert Limits.from_env({}) == Limits()
    assert Limits.from_env({"CROSSGRAIN_MAX_FRAMES": "50"}).max_frames == 50
    with pytest.raises(ValueError, match="CROSSGRAIN_MAX_PIXELS"):
        Limits.from_env({"CROSSGRAIN_MAX_PIXELS": "lots"})
    with pytest.raises(ValueError):
        Limits(max_duration_s=-1)


def test_the_writer_pads_a_one_pixel_picture(tmp_path):
    from vision.io.video import VideoWriter

    out = tmp_path / "one.mp4"
    with VideoWriter(out, fps=30) as writer:
        for k in range(3):
            writer.write(np.full((1, 1, 3), 200, np.uint8), k / 30)
    frames = list(iter_frames(out))
    assert len(frames) == 3 and frames[0].rgb.shape[:2] == (2, 2)
