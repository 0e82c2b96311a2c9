"""Decoding real files: timestamps, rotation, damaged and odd inputs."""

import subprocess
import shutil

import av
import numpy as np
import pytest

from media import marker_frames, still_frame, write_video
from vision.io.video import VideoError, VideoWriter, iter_frames, prefetch, probe


def test_variable_frame_rate_timestamps_come_from_the_container(tmp_path):
    rng = np.random.default_rng(3)
    times = np.round(np.cumsum(np.r_[0, rng.uniform(0.02, 0.08, 59)]), 3)
    path = write_video(tmp_path / "vfr.mp4", marker_frames(60), times)
    decoded = [f.t for f in iter_frames(path)]
    assert len(decoded) == 60
    assert np.allclose(decoded, times, atol=1e-3)


def test_dropped_frames_leave_gaps_in_time(tmp_path):
    times = [k / 30 for k in range(40) if k not in (10, 11, 12, 25)]
    path = write_video(tmp_path / "drop.mp4", marker_frames(len(times)), times)
    decoded = [f.t for f in iter_frames(path)]
    assert decoded[10] == pytest.approx(13 / 30, abs=1e-3)


@pytest.mark.parametrize("rotation,corner", [(0, (0, 0)), (90, "bottom-left"), (-90, "top-right"), (180, "bottom-right")])
def test_rotation_metadata_is_honoured(tmp_path, rotation, corner):
    path = write_video(tmp_path / "rot.mp4", marker_frames(3), [0, 1 / 30, 2 / 30], rotation=rotation)
    frame = next(iter_frames(path)).rgb
    h, w = frame.shape[:2]
    if rotation in (90, -90):
        assert (h, w) == (64, 48)
    # compare with ffmpeg's own autorotation, when ffmpeg is here
    if shutil.which("ffmpeg"):
        raw = subprocess.run(["ffmpeg", "-v", "error", "-i", str(path), "-frames:v", "1", "-f", "rawvideo",
                              "-pix_fmt", "rgb24", "-"], capture_output=True, check=True).stdout
        expected = np.frombuffer(raw, np.uint8).reshape(h, w, 3)
        assert np.abs(expected.astype(int) - frame.astype(int)).mean() < 8
    bright = np.argwhere(frame[..., 0] > 128)
    cy, cx = bright.mean(axis=0)
    want = {(0, 0): (0, 0), "bottom-left": (h, 0), "top-right": (0, w), "bottom-right": (h, w)}[corner]
    assert abs(cy - want[0]) < h / 2 and abs(cx - want[1]) < w / 2


@pytest.mark.parametrize("codec,pix_fmt,fmt,suffix", [
    ("libx264", "yuv444p", None, ".mp4"), ("libx264", "yuv420p10le", None, ".mkv"), ("libx264", "gray", None, ".mkv"),
    ("mpeg4", "yuv420p", None, ".avi"), ("libvpx-vp9", "yuv420p", "webm", ".webm"), ("mjpeg", "yuvj420p", None, ".mov"),
])
def test_other_codecs_and_pixel_formats_decode_to_rgb(tmp_path, codec, pix_fmt, fmt, suffix):
    if codec not in av.codecs_available:
        pytest.skip(f"{codec} not in this PyAV build")
    frames = [still_frame(160, 120)] * 5
    path = write_video(tmp_path / f"clip{suffix}", frames, [k / 30 for k in range(5)], codec, pix_fmt, container_format=fmt)
    decoded = list(iter_frames(path))
    assert len(decoded) == 5
    assert decoded[0].rgb.shape == (120, 160, 3) and decoded[0].rgb.dtype == np.uint8


@pytest.mark.parametrize("codec,pix_fmt,suffix", [
    ("libx264", "yuv420p", ".mp4"), ("mjpeg", "yuvj420p", ".mov"), ("libx264", "yuv420p10le", ".mkv"),
    ("libx264", "yuv444p", ".mkv"),
])
def test_a_downsized_frame_keeps_the_full_size_frames_colours(tmp_path, codec, pix_fmt, suffix):
    """Large frames are downsized in YUV and turned into RGB by OpenCV (video.to_rgb): full-range
    (phone) and 10-bit sources must come out as the full-size RGB frame downsized, not washed out."""
    import cv2

    frame = still_frame(640, 360)
    frame[:60, :160] = (255, 255, 255)
    frame[:60, 160:320] = (0, 0, 0)
    frame[:60, 320:480] = (220, 30, 30)
    frame[:60, 480:] = (30, 200, 60)
    path = write_video(tmp_path / f"clip{suffix}", [frame] * 3, [0, 1 / 30, 2 / 30], codec, pix_fmt)
    full = next(iter_frames(path)).rgb
    small = next(iter_frames(path, max_side=320)).rgb
    assert small.shape == (180, 320, 3)
    expected = cv2.resize(full, (320, 180), interpolation=cv2.INTER_AREA).astype(int)
    diff = np.abs(small.astype(int) - expected)
    assert diff.mean() < 2.0, diff.mean()
    assert np.abs(small[5:25, 5:75].astype(int) - expected[5:25, 5:75]).max() <= 4  # white stays white
    assert np.abs(small[5:25, 85:155].astype(int) - expected[5:25, 85:155]).max() <= 4  # black stays black


def test_frames_handed_to_an_encoder_are_yuv420p_with_the_pictures_colours():
    from vision.io.video import to_video_frame

    rgb = still_frame(320, 240)
    frame = to_video_frame(rgb)
    assert frame.format.name == "yuv420p" and (frame.width, frame.height) == (320, 240)
    assert np.abs(frame.to_ndarray(format="rgb24").astype(int) - rgb).mean() < 3.0
    odd = to_video_frame(still_frame(321, 241))  # 4:2:0 cannot hold it: stays RGB, unchanged
    assert odd.format.name == "rgb24" and np.array_equal(odd.to_ndarray(), still_frame(321, 241))


def test_odd_sizes_are_kept(tmp_path):
    frames = [still_frame(641, 479)] * 3
    path = write_video(tmp_path / "odd.mkv", frames, [0, 0.033, 0.066], "libx264", "yuv444p")
    assert next(iter_frames(path)).rgb.shape == (479, 641, 3)


def test_empty_missing_and_non_video_files_have_clear_errors(tmp_path):
    with pytest.raises(VideoError, match="no such file"):
        list(iter_frames(tmp_path / "nope.mp4"))
    empty = tmp_path / "empty.mp4"
    empty.write_bytes(b"")
    with pytest.raises(VideoError, match="empty"):
        list(iter_frames(empty))
    text = tmp_path / "notes.mp4"
    text.write_text("this is not a video\n" * 100)
    with pytest.raises(VideoError, match="cannot be read as a video"):
        probe(text)
    with pytest.raises(VideoError, match="folder"):
        probe(tmp_path)


def test_audio_only_file_is_refused(tmp_path):
    from hard_inputs import _audio_only

    path = _audio_only(tmp_path / "audio.m4a")
    with pytest.raises(VideoError, match="no video stream"):
        probe(path)


def test_truncated_video_keeps_what_decodes_or_says_it_is_damaged(tmp_path):
    rng = np.random.default_rng(0)
    frames = [rng.integers(0, 255, (240, 320, 3), dtype=np.uint8) for _ in range(60)]
    path = write_video(tmp_path / "full.mkv", frames, [k / 30 for k in range(60)])
    data = path.read_bytes()
    cut = tmp_path / "cut.mkv"
    cut.write_bytes(data[: len(data) // 2])
    decoded = list(iter_frames(cut))
    assert 0 < len(decoded) < 60


def test_writer_output_is_h264_with_our_timestamps(tmp_path):
    out = tmp_path / "out.mp4"
    times = [0.0, 0.05, 0.08, 0.2, 0.21]
    with VideoWriter(out, fps=30) as writer:
        for t in times:
            writer.write(still_frame(161, 121), t)
    with av.open(str(out)) as c:
        assert c.streams.video[0].codec_context.name == "h264"
    decoded = list(iter_frames(out))
    assert np.allclose([f.t for f in decoded], times, atol=1e-3)
    assert decoded[0].rgb.shape == (120, 160, 3)  # even sizes for yuv420p


def test_prefetch_passes_frames_and_errors_through(tmp_path):
    path = write_video(tmp_path / "a.mp4", marker_frames(20), [k / 30 for k in range(20)])
    assert [f.i for f in prefetch(iter_frames(path))] == list(range(20))
    with pytest.raises(VideoError):
        list(prefetch(iter_frames(tmp_path / "missing.mp4")))
    # stopping early does not hang
    gen = prefetch(iter_frames(path), depth=2)
    next(gen)
    gen.close()


def test_written_video_keeps_the_pictures_colours(tmp_path):
    """VideoWriter's own RGB-to-yuv420p conversion: the colours decode back as they were drawn."""
    frame = still_frame(321, 241)  # odd sizes: the writer drops the last row and column
    blocks = [(255, 0, 0), (0, 200, 0), (30, 60, 230), (245, 245, 245), (12, 12, 12), (230, 200, 40)]
    for k, colour in enumerate(blocks):  # flat patches, where chroma subsampling cannot blur
        frame[8:48, 8 + 50 * k: 48 + 50 * k] = colour
    path = tmp_path / "colours.mp4"
    with VideoWriter(path, fps=10, crf=12) as out:
        for i in range(5):
            out.write(frame, i / 10)
    back = [f.rgb for f in iter_frames(path)]
    assert len(back) == 5 and back[0].shape == (240, 320, 3)
    diff = back[2].astype(int) - frame[:240, :320]
    assert np.abs(diff).mean() < 3.0 and np.all(np.abs(diff.mean(axis=(0, 1))) < 1.5)  # no shift in range or hue
    for k, colour in enumerate(blocks):
        patch = back[2][16:40, 16 + 50 * k: 40 + 50 * k].reshape(-1, 3).mean(axis=0)
        assert np.all(np.abs(patch - colour) < 6), (colour, patch.round(1))
