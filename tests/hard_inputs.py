"""A corpus of hard and broken video inputs, generated on the fly (PyAV, real hand stills).

Used by tests/test_hard_inputs.py, tests/test_fuzz.py and tools/robustness.py, so the
figures the tool prints are about the very files the tests check.

Every input says what a correct program does with it:
``report`` (a Report comes out), ``error`` (a clear one-line VideoError / CLI error),
or ``either`` (damaged files whose outcome depends on where the damage fell: both
are fine, anything else is a failure).
"""

from __future__ import annotations

import functools
import tempfile
import threading
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Callable

import av
import cv2
import numpy as np

from media import still_frame, write_video

REPORT, ERROR, EITHER = "report", "error", "either"


@dataclass(frozen=True)
class HardInput:
    """One generated input file and the outcome a correct program gives for it."""

    name: str
    path: Path
    expect: str  # REPORT | ERROR | EITHER
    note: str
    frames: int | None = None  # frames written (None: unknown / not a video)
    upright_size: tuple[int, int] | None = None  # (width, height) after rotation, before downsizing
    cli_only: bool = False  # a file-system object (FIFO, symlink loop): no bytes to upload
    duration_s: float | None = None  # the true duration, where the file's timestamps lie about it


def run_limited(fn: Callable, limit_s: float = 60.0):
    """fn() in a daemon thread; TimeoutError when it has no result in ``limit_s`` (a hang fails, not stalls)."""
    box: dict = {}

    def target():
        try:
            box["value"] = fn()
        except BaseException as exc:  # noqa: BLE001 - handed back to the caller
            box["error"] = exc

    worker = threading.Thread(target=target, daemon=True, name="crossgrain-limited")
    worker.start()
    worker.join(limit_s)
    if worker.is_alive():
        raise TimeoutError(f"no result after {limit_s:.0f} s: a hang")
    if "error" in box:
        raise box["error"]
    return box["value"]


def _times(n: int, fps: float) -> list[float]:
    return [k / fps for k in range(n)]


def _hand(width: int = 320, height: int = 240) -> np.ndarray:
    return still_frame(width, height)


def _clip(path: Path, n: int = 10, width: int = 320, height: int = 240, fps: float = 30.0, **kw) -> Path:
    frames = [_hand(width, height)] * n
    return write_video(path, frames, _times(n, fps), **kw)


@functools.lru_cache(maxsize=8)
def _mp4_bytes(n: int = 30, width: int = 320, height: int = 240, faststart: bool = False) -> bytes:
    """An H.264 MP4 in memory; ``faststart`` puts the index (moov) before the data."""
    options = {"movflags": "+faststart"} if faststart else {}
    rng = np.random.default_rng(1)
    base = _hand(width, height)
    with tempfile.TemporaryDirectory(prefix="crossgrain-corpus-") as tmp:
        path = Path(tmp) / "seed.mp4"  # faststart rewrites the file: it needs a real one
        _encode_noisy(path, base, rng, n, width, height, options)
        return path.read_bytes()


def _encode_noisy(path: Path, base: np.ndarray, rng, n: int, width: int, height: int, options: dict) -> None:
    with av.open(str(path), "w", format="mp4", options=options) as out:
        stream = out.add_stream("libx264", rate=30)
        stream.width, stream.height, stream.pix_fmt = width, height, "yuv420p"
        stream.time_base = Fraction(1, 1000)
        stream.codec_context.time_base = Fraction(1, 1000)
        for k in range(n):
            moved = np.roll(base, 2 * k, axis=1)  # a moving picture: every frame carries data
            noisy = np.clip(moved.astype(int) + rng.integers(-12, 13, base.shape), 0, 255).astype(np.uint8)
            frame = av.VideoFrame.from_ndarray(noisy, format="rgb24")
            frame.pts, frame.time_base = int(round(k * 1000 / 30)), Fraction(1, 1000)
            for packet in stream.encode(frame):
                out.mux(packet)
        for packet in stream.encode(None):
            out.mux(packet)


def seed_mp4_bytes() -> bytes:
    """A small valid MP4 (index first, so truncations still decode): the fuzz test's seed."""
    return _mp4_bytes(n=12, width=160, height=120, faststart=True)


def flip_bits(data: bytes, count: int, seed: int, start: int = 0) -> bytes:
    """``count`` single-bit flips at random offsets at or after ``start``."""
    rng = np.random.default_rng(seed)
    out = bytearray(data)
    for off in rng.integers(start, len(out), count):
        out[int(off)] ^= 1 << int(rng.integers(0, 8))
    return bytes(out)


def _mdat_offset(data: bytes) -> int:
    k = data.find(b"mdat")
    return k + 8 if k >= 0 else len(data) // 2


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def _zero_frames(path: Path) -> Path:
    """An MP4 with a video stream declared and no frame in it."""
    with av.open(str(path), "w") as out:
        stream = out.add_stream("libx264", rate=30)
        stream.width, stream.height, stream.pix_fmt = 320, 240, "yuv420p"
        out.start_encoding()  # header and (empty) index written, no packet
    return path


def _audio_only(path: Path) -> Path:
    with av.open(str(path), "w") as out:
        stream = out.add_stream("aac", rate=44100)
        for k in range(20):
            frame = av.AudioFrame.from_ndarray(np.zeros((1, 1024), np.float32), format="fltp", layout="mono")
            frame.sample_rate = 44100
            frame.pts = k * 1024
            for packet in stream.encode(frame):
                out.mux(packet)
        for packet in stream.encode(None):
            out.mux(packet)
    return path


def _image(path: Path, ext: str) -> Path:
    ok, buf = cv2.imencode(ext, cv2.cvtColor(_hand(), cv2.COLOR_RGB2BGR))
    assert ok
    return _write(path, buf.tobytes())


def _vfr(path: Path) -> Path:
    rng = np.random.default_rng(3)
    times = np.round(np.cumsum(np.r_[0, rng.uniform(0.015, 0.12, 19)]), 3)
    return write_video(path, [_hand()] * 20, list(times))


# ---------------------------------------------------------------- issue 12: limits, lying timestamps, odd files


def _encode(path: Path, frames: list[np.ndarray], pts_ms: list[int], codec: str = "libx264",
            pix_fmt: str = "yuv420p", rate: int = 30, setup: Callable | None = None, options: dict | None = None,
            packet_pts_ms: list[int] | None = None) -> Path:
    """Encode RGB frames with the given pts (ms). ``setup(stream)`` may set display matrix or
    disposition; ``packet_pts_ms`` rewrites the packets' pts (intra-only codecs: decode order stays)."""
    with av.open(str(path), "w") as out:
        stream = out.add_stream(codec, rate=rate)
        stream.width, stream.height, stream.pix_fmt = frames[0].shape[1], frames[0].shape[0], pix_fmt
        stream.time_base = Fraction(1, 1000)
        stream.codec_context.time_base = Fraction(1, 1000)
        if options:
            stream.options = options
        if setup:
            setup(stream)
        for k, (rgb, pts) in enumerate(zip(frames, pts_ms)):
            frame = av.VideoFrame.from_ndarray(rgb, format="rgb24")
            frame.pts, frame.time_base = pts, Fraction(1, 1000)
            for packet in stream.encode(frame):
                if packet_pts_ms is not None:
                    packet.pts, packet.dts = packet_pts_ms[k], k  # dts in order: the muxer accepts it
                out.mux(packet)
        for packet in stream.encode(None):
            out.mux(packet)
    return path


def _huge_frames(path: Path) -> Path:
    """4200x4200 (17.6 MP, over the 16.8 MP limit): refused from the header, before decoding."""
    return _encode(path, [np.zeros((4200, 4200, 3), np.uint8)], [0], options={"preset": "ultrafast"})


def _many_tiny_frames(path: Path) -> Path:
    """20,000 frames of 16x16 in 0.26 MB: minutes of CPU; over the frame limit, refused from the header."""
    return _encode(path, [np.zeros((16, 16, 3), np.uint8)] * 20_000, [k * 10 for k in range(20_000)],
                   options={"preset": "ultrafast"})


def _gap_24h(path: Path) -> Path:
    """Two frames, then the third 24 h later: a 1-day video at 0.0 fps, if the timestamps are believed."""
    return _encode(path, [_hand()] * 3, [0, 33, 86_400_000], codec="mjpeg", pix_fmt="yuvj420p")


def _bad_first_pts(path: Path) -> Path:
    """99 s at 2 fps whose first frame claims 50,000 s: the rest ran 'backwards' and collapsed to 0 s."""
    n = 199
    pts = [50_000_000] + [k * 500 for k in range(1, n)]
    return _encode(path, [_hand(160, 120)] * n, list(range(n)), codec="mjpeg", pix_fmt="yuvj420p", rate=2,
                   packet_pts_ms=pts)


def _pts_1e13(path: Path) -> Path:
    """Timestamps from 1e13 s on (MediaPipe refuses such a clock)."""
    return _encode(path, [_hand()] * 6, [10 ** 16 + k * 33 for k in range(6)])


def _zero_display_matrix(path: Path) -> Path:
    """An all-zero display matrix (no rotation at all): read as -2^31 deg, it turned the picture 270 deg."""
    return _encode(path, [_hand()] * 6, [k * 33 for k in range(6)], setup=lambda s: s.set_display_matrix([0] * 9))


def _second_stream_is_main(path: Path) -> Path:
    """Two video streams: a 64x48 grey one first, the hand (marked default) second."""
    with av.open(str(path), "w") as out:
        grey = out.add_stream("libx264", rate=30)
        grey.width, grey.height, grey.pix_fmt = 64, 48, "yuv420p"
        main = out.add_stream("libx264", rate=30)
        main.width, main.height, main.pix_fmt = 320, 240, "yuv420p"
        grey.disposition, main.disposition = 0, av.stream.Disposition.default
        for k in range(6):
            for stream, rgb in ((grey, np.full((48, 64, 3), 128, np.uint8)), (main, _hand())):
                frame = av.VideoFrame.from_ndarray(rgb, format="rgb24")
                frame.pts = k
                for packet in stream.encode(frame):
                    out.mux(packet)
        for stream in (grey, main):
            for packet in stream.encode(None):
                out.mux(packet)
    return path


def _one_pixel(path: Path) -> Path:
    """1x1 pixel (x264 refuses odd sizes for the annotated copy)."""
    return _encode(path, [np.full((1, 1, 3), 200, np.uint8)] * 6, [k * 33 for k in range(6)], codec="mjpeg",
                   pix_fmt="yuvj444p")


def _fifo(path: Path) -> Path:
    import os

    os.mkfifo(path)
    return path


def _symlink_loop(path: Path) -> Path:
    other = path.with_name(path.stem + "_other" + path.suffix)
    path.symlink_to(other.name)
    other.symlink_to(path.name)
    return path


# name -> (file name, expect, note, frames written, upright (w, h), maker(path) -> path)
Maker = Callable[[Path], Path]
_SPECS: list[tuple[str, str, str, str, int | None, tuple[int, int] | None, Maker]] = [
    ("baseline", "baseline.mp4", REPORT, "plain 320x240 H.264, 30 fps", 10, (320, 240), lambda p: _clip(p)),
    ("truncated_moov_last", "truncated.mp4", ERROR, "MP4 cut in half, index (moov) at the end: lost",
     None, None, lambda p: _write(p, _mp4_bytes()[: len(_mp4_bytes()) // 2])),
    ("truncated_faststart", "truncated_faststart.mp4", REPORT, "MP4 cut at 2/3, index first: the head decodes",
     None, None, lambda p: _write(p, (lambda d: d[: len(d) * 2 // 3])(_mp4_bytes(faststart=True)))),
    ("truncated_header", "truncated_header.mp4", ERROR, "only the first 200 bytes of an MP4",
     None, None, lambda p: _write(p, _mp4_bytes(faststart=True)[:200])),
    ("bitflip_data", "bitflip_data.mp4", EITHER, "40 bit flips in the coded frames",
     None, None, lambda p: _write(p, (lambda d: flip_bits(d, 40, 7, _mdat_offset(d)))(_mp4_bytes(faststart=True)))),
    ("bitflip_everywhere", "bitflip_everywhere.mp4", EITHER, "60 bit flips anywhere, header included",
     None, None, lambda p: _write(p, flip_bits(_mp4_bytes(faststart=True), 60, 11))),
    ("zero_byte", "empty.mp4", ERROR, "0 bytes", None, None, lambda p: _write(p, b"")),
    ("zero_frames", "zero_frames.mp4", ERROR, "video stream declared, no frames", 0, None, _zero_frames),
    ("audio_only_m4a", "audio_only.m4a", ERROR, "AAC audio, no video stream", None, None, _audio_only),
    ("audio_only_mp4", "audio_only.mp4", ERROR, "AAC audio in an .mp4", None, None, _audio_only),
    ("jpeg_renamed", "photo_jpeg.mp4", EITHER, "a JPEG photo renamed .mp4 (FFmpeg may read it as 1 frame)",
     None, None, lambda p: _image(p, ".jpg")),
    ("png_renamed", "photo_png.mp4", EITHER, "a PNG image renamed .mp4", None, None, lambda p: _image(p, ".png")),
    ("text_renamed", "notes.mp4", ERROR, "a text file renamed .mp4", None, None,
     lambda p: _write(p, b"this is not a video\n" * 200)),
    ("random_bytes", "random.mp4", ERROR, "64 KB of random bytes", None, None,
     lambda p: _write(p, np.random.default_rng(5).integers(0, 256, 65536, dtype=np.uint8).tobytes())),
    ("ftyp_then_garbage", "ftyp_garbage.mp4", ERROR, "an MP4 'ftyp' box followed by garbage", None, None,
     lambda p: _write(p, _mp4_bytes(faststart=True)[:32] + bytes(range(256)) * 64)),
    ("huge_4000x3000", "huge.mp4", REPORT, "4000x3000 (downsized to max side 1280)", 3, (4000, 3000),
     lambda p: _clip(p, n=3, width=4000, height=3000)),
    ("odd_641x479", "odd.mkv", REPORT, "odd sizes 641x479 (yuv444p)", 6, (641, 479),
     lambda p: _clip(p, n=6, width=641, height=479, pix_fmt="yuv444p")),
    ("tiny_32x24", "tiny.mp4", REPORT, "32x24 pixels", 6, (32, 24), lambda p: _clip(p, n=6, width=32, height=24)),
    ("single_frame", "single.mp4", REPORT, "one frame", 1, (320, 240), lambda p: _clip(p, n=1)),
    ("fps_1", "fps1.mp4", REPORT, "1 fps, 5 frames", 5, (320, 240), lambda p: _clip(p, n=5, fps=1.0)),
    ("fps_120", "fps120.mp4", REPORT, "120 fps, 48 frames", 48, (320, 240), lambda p: _clip(p, n=48, fps=120.0)),
    ("variable_fps", "vfr.mp4", REPORT, "variable frame rate (15-120 ms gaps)", 20, (320, 240), _vfr),
    ("rotated_90", "rot90.mp4", REPORT, "display matrix 90 deg", 6, (240, 320),
     lambda p: _clip(p, n=6, rotation=90)),
    ("rotated_180", "rot180.mp4", REPORT, "display matrix 180 deg", 6, (320, 240),
     lambda p: _clip(p, n=6, rotation=180)),
    ("rotated_270", "rot270.mp4", REPORT, "display matrix 270 deg", 6, (240, 320),
     lambda p: _clip(p, n=6, rotation=270)),
    ("10bit", "tenbit.mp4", REPORT, "H.264 yuv420p10le (10-bit)", 6, (320, 240),
     lambda p: _clip(p, n=6, pix_fmt="yuv420p10le")),
    ("yuv444", "yuv444.mp4", REPORT, "H.264 yuv444p", 6, (320, 240), lambda p: _clip(p, n=6, pix_fmt="yuv444p")),
    ("grayscale", "gray.mkv", REPORT, "H.264 gray", 6, (320, 240), lambda p: _clip(p, n=6, pix_fmt="gray")),
    ("mjpeg_avi", "mjpeg.avi", REPORT, "MJPEG in AVI", 6, (320, 240),
     lambda p: _clip(p, n=6, codec="mjpeg", pix_fmt="yuvj420p")),
    ("vp9_webm", "vp9.webm", REPORT, "VP9 in WebM", 6, (320, 240),
     lambda p: _clip(p, n=6, codec="libvpx-vp9", container_format="webm")),
    # issue 12
    ("huge_4200x4200", "huge_17mp.mp4", ERROR, "4200x4200: over the pixel limit (header)", 1, (4200, 4200),
     _huge_frames),
    ("frames_20000", "many_frames.mp4", ERROR, "20,000 frames of 16x16: over the frame limit (header)", 20_000,
     (16, 16), _many_tiny_frames),
    ("gap_24h", "gap_24h.mkv", REPORT, "third frame 24 h after the second", 3, (320, 240), _gap_24h),
    ("bad_first_pts", "bad_first_pts.mkv", REPORT, "99 s whose first pts says 50,000 s (MJPEG)", 199, (160, 120),
     _bad_first_pts),
    ("pts_1e13", "pts_1e13.mp4", REPORT, "timestamps from 1e13 s", 6, (320, 240), _pts_1e13),
    ("zero_display_matrix", "zero_matrix.mp4", REPORT, "all-zero display matrix: no rotation", 6, (320, 240),
     _zero_display_matrix),
    ("second_stream_default", "two_streams.mp4", REPORT, "grey 64x48 stream first, the hand (default) second", 6,
     (320, 240), _second_stream_is_main),
    ("one_pixel", "one_pixel.mkv", REPORT, "1x1 pixel (MJPEG)", 6, (1, 1), _one_pixel),
    ("markdown_name", "![t](leak.png) [y](x) *b*.mp4", REPORT, "a file name that is Markdown", 10, (320, 240),
     lambda p: _clip(p)),
    ("fifo", "fifo.mp4", ERROR, "a FIFO named .mp4 (reading it would block)", None, None, _fifo),
    ("symlink_loop", "loop.mp4", ERROR, "a symbolic link loop", None, None, _symlink_loop),
]

CLI_ONLY = {"fifo", "symlink_loop"}  # file-system objects: nothing to upload
TRUE_DURATION_S = {"bad_first_pts": 99.0, "gap_24h": 2 / 30}

NAMES = [s[0] for s in _SPECS]


def make_input(name: str, folder: Path) -> HardInput:
    """Write the named input into ``folder`` and describe it."""
    for key, filename, expect, note, frames, size, maker in _SPECS:
        if key == name:
            path = maker(Path(folder) / filename)
            return HardInput(key, path, expect, note, frames, size, key in CLI_ONLY, TRUE_DURATION_S.get(key))
    raise KeyError(name)


def build_corpus(folder: str | Path, names: list[str] | None = None) -> list[HardInput]:
    """Write every input (or the named ones) into ``folder``; codecs this PyAV lacks are left out."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for name in names or NAMES:
        try:
            out.append(make_input(name, folder))
        except av.error.FFmpegError:  # an encoder missing from this PyAV build
            continue
    return out
