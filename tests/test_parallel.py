"""One video on both cores (issue 18): the split tracking gives the serial run's frames, labels and figures."""

from pathlib import Path

import numpy as np
import pytest

import vision.io.parallel_tracking as parallel_tracking
from vision.io.parallel_tracking import WARMUP_S, second_range_start, track_video
from vision.io.video import CannotSeek, iter_frames
from vision.pipeline import Session, analyze_video

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "sample_videos" / "cross_friction_good.mp4"  # 20 s: cut at 10.5 s, mid-stroke


def observations(frames):
    return [(f.i, f.t, None if f.observation is None else f.observation.xy.copy()) for f in frames]


def continuous(path):
    """The plain serial way: every frame through one tracker."""
    with Session(90.0) as session:
        for f in iter_frames(path, max_side=1280):
            session.process(f.rgb, f.t)
        return session.report(causal=False)


def report_of(tracked):
    with Session(90.0) as session:
        for f in tracked:
            session.add_observation(f.hands, f.t)
        return session.report(causal=False)


def same_observations(a, b) -> bool:
    return len(a) == len(b) and all(
        x[:2] == y[:2] and (x[2] is None) == (y[2] is None) and (x[2] is None or np.array_equal(x[2], y[2]))
        for x, y in zip(a, b))


@pytest.fixture(scope="module")
def serial():
    return continuous(SAMPLE)


@pytest.fixture(scope="module")
def two_cores():
    return list(track_video(SAMPLE, workers=2))


def test_two_cores_track_exactly_as_one_core(two_cores):
    # The cut belongs to the video, not to the machine: same hands, bit for bit.
    assert second_range_start(20.0) == 10.5
    assert same_observations(observations(two_cores), observations(track_video(SAMPLE, workers=1)))


def test_every_frame_once_in_order_with_the_decoders_times(two_cores):
    times = [f.t for f in iter_frames(SAMPLE)]
    assert [f.i for f in two_cores] == list(range(len(times)))
    assert [f.t for f in two_cores] == times
    assert sum(f.observation is not None for f in two_cores) > 0.9 * len(times)


def test_split_report_has_the_labels_and_figures_of_one_continuous_tracker(two_cores, serial):
    split = report_of(two_cores)
    assert [r.label for r in split.frames] == [r.label for r in serial.frames]
    assert [(s.label, s.start_s, s.end_s) for s in split.segments] == \
        [(s.label, s.start_s, s.end_s) for s in serial.segments]
    for a, b in zip(split.segments, serial.segments):
        assert a.rate_per_min == pytest.approx(b.rate_per_min, rel=0.005, abs=1e-9) if b.rate_per_min else \
            a.rate_per_min is None
        if b.amplitude_palm is not None:
            assert a.amplitude_palm == pytest.approx(b.amplitude_palm, abs=0.005)
            assert a.angle_to_grain_deg == pytest.approx(b.angle_to_grain_deg, abs=0.5)
    # hold times within two frames: the landmarks after the cut differ by a fraction of a pixel, and the
    # tracker's search for a second hand runs on its own frame count in each range
    assert len(split.holds) == len(serial.holds)
    for a, b in zip(split.holds, serial.holds):
        assert a.start_s == pytest.approx(b.start_s, abs=0.07) and a.duration_s == pytest.approx(b.duration_s, abs=0.07)
        assert a.drift_palm == pytest.approx(b.drift_palm, abs=0.005)


def test_analyze_video_tracks_on_both_cores_and_labels_as_the_split(two_cores):
    report = analyze_video(SAMPLE, 90.0, tracking_workers=2)
    assert report.to_dict()["frames"] == report_of(two_cores).to_dict()["frames"]


def test_a_file_that_cannot_be_entered_at_the_cut_is_tracked_whole(monkeypatch, serial):
    real = parallel_tracking.iter_frames

    def no_seeking(path, max_side=None, start_s=0.0, **options):
        if start_s > 0:
            raise CannotSeek("test")
        return real(path, max_side=max_side, **options)

    monkeypatch.setattr(parallel_tracking, "iter_frames", no_seeking)
    frames = list(track_video(SAMPLE, workers=2))
    assert [f.i for f in frames] == list(range(600))
    assert [r.label for r in report_of(frames).frames] == [r.label for r in serial.frames]


def test_seeking_gives_the_tail_of_the_full_decode():
    full = [(f.t, f.rgb) for f in iter_frames(SAMPLE)]
    tail = [(f.t, f.rgb) for f in iter_frames(SAMPLE, start_s=12.0 - WARMUP_S)]
    k = next(n for n, (t, _) in enumerate(full) if t >= 11.0)
    assert [t for t, _ in tail] == [t for t, _ in full[k:]]
    assert all(np.array_equal(a, b) for (_, a), (_, b) in zip(tail[:40], full[k:k + 40]))


def test_short_videos_are_one_range():
    assert second_range_start(None) is None
    assert second_range_start(9.9) is None
    assert second_range_start(10.0) == 5.5


class PixelTracker:
    """Stands in for MediaPipe where only the cut is under test: 'finds' the frame's own pixel sum."""

    def __init__(self, options=None):
        pass

    def process_all(self, rgb, t):
        return [int(rgb.astype(np.int64).sum())]

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        pass


@pytest.mark.parametrize("kind", ["rotated_mp4", "vfr_mp4", "mjpeg_avi", "vp9_webm"])
def test_the_cut_keeps_every_frame_of_other_containers(tmp_path, monkeypatch, kind):
    from media import write_video

    n = 330  # 11 s at 30 fps: two ranges
    rng = np.random.default_rng(1)
    frames = [np.full((48, 64, 3), k % 250, np.uint8) + rng.integers(0, 5, (48, 64, 3), dtype=np.uint8)
              for k in range(n)]
    times = [k / 30 + (0.01 * (k % 3) if kind == "vfr_mp4" else 0.0) for k in range(n)]
    path = {
        "rotated_mp4": lambda p: write_video(p / "r.mp4", frames, times, rotation=90),
        "vfr_mp4": lambda p: write_video(p / "v.mp4", frames, times),
        "mjpeg_avi": lambda p: write_video(p / "m.avi", frames, times, codec="mjpeg", pix_fmt="yuvj420p"),
        "vp9_webm": lambda p: write_video(p / "w.webm", frames, times, codec="libvpx-vp9", container_format="webm"),
    }[kind](tmp_path)
    monkeypatch.setattr(parallel_tracking, "HandTracker", PixelTracker)
    expected = [(f.i, f.t, int(f.rgb.astype(np.int64).sum())) for f in iter_frames(path)]
    for workers in (1, 2):
        got = [(f.i, f.t, f.observation) for f in track_video(path, workers=workers)]
        assert got == expected
