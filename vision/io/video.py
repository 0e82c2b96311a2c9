"""Video files in and out, through PyAV.

Frames are streamed one at a time (memory does not grow with length), each
with its own timestamp from the container's pts, turned upright by the
stream's rotation metadata (phone videos). The writer makes H.264 MP4 that
browsers play.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Iterator

import av
import numpy as np
from av.video.reformatter import VideoReformatter

VIDEO_SUFFIXES = (".mp4", ".mov", ".m4v", ".webm", ".avi", ".mkv", ".y4m", ".mpg", ".mpeg", ".ts", ".3gp", ".wmv", ".flv", ".ogv")


MAX_BAD_PACKETS = 300  # damaged packets in a row skipped before giving up on the rest of a file


class VideoError(ValueError):
    """A file that cannot be read as a video; the message is meant for a person."""


@dataclass(frozen=True)
class VideoInfo:
    """What the container says about its first video stream (sizes as stored, before any
    rotation metadata is applied; iter_frames gives the frames upright)."""

    path: Path
    width: int
    height: int
    fps: float
    duration_s: float | None
    frame_count: int | None
    codec: str


@dataclass(frozen=True)
class Frame:
    """One decoded, upright frame: index, time in seconds from the start, RGB pixels."""

    i: int
    t: float
    rgb: np.ndarray


def _open(path: Path):
    if not path.exists():
        raise VideoError(f"{path}: no such file")
    if path.is_dir():
        raise VideoError(f"{path}: is a folder, not a video")
    if path.stat().st_size == 0:
        raise VideoError(f"{path}: the file is empty (0 bytes)")
    try:
        container = av.open(str(path), mode="r")
    except (av.error.FFmpegError, UnicodeDecodeError) as exc:
        raise VideoError(f"{path}: cannot be read as a video: not a video, or damaged ({_reason(exc)})") from None
    if not container.streams.video:
        kinds = sorted({s.type for s in container.streams}) or ["no streams"]  # before close() empties it
        container.close()
        raise VideoError(f"{path}: contains no video stream (found: {', '.join(kinds)})")
    if container.streams.video[0].codec_context is None:  # a codec FFmpeg does not know, or a damaged header
        container.close()
        raise VideoError(f"{path}: the video's codec is unknown or its header is damaged")
    return container


def _reason(exc: Exception) -> str:
    return getattr(exc, "strerror", None) or str(exc).split(":")[0] or type(exc).__name__


def probe(path: str | Path) -> VideoInfo:
    """Read the container's header: sizes, nominal fps, duration. Raises VideoError."""
    path = Path(path)
    container = _open(path)
    try:
        stream = container.streams.video[0]
        ctx = stream.codec_context
        fps = float(stream.average_rate or stream.guessed_rate or 0) or 30.0
        duration = None
        if stream.duration is not None and stream.time_base is not None:
            duration = float(stream.duration * stream.time_base)
        elif container.duration is not None:
            duration = container.duration / 1_000_000
        width, height = ctx.width, ctx.height
        if not width or not height:
            raise VideoError(f"{path}: the video stream has no picture size (damaged header?)")
        return VideoInfo(path=path, width=width, height=height, fps=fps, duration_s=duration,
                         frame_count=stream.frames or None, codec=ctx.name)
    finally:
        container.close()


def upright(rgb: np.ndarray, rotation_deg: int) -> np.ndarray:
    """Apply a display rotation (degrees counter-clockwise) so the picture stands as shown.

    OpenCV's rotate, not numpy's rot90 and a copy: four times faster, so a
    portrait phone video costs about what a landscape one does.
    """
    quarter_turns = int(round(rotation_deg / 90.0)) % 4
    if not quarter_turns:
        return rgb
    import cv2

    return cv2.rotate(rgb, (cv2.ROTATE_90_COUNTERCLOCKWISE, cv2.ROTATE_180, cv2.ROTATE_90_CLOCKWISE)[quarter_turns - 1])


class CannotSeek(Exception):
    """iter_frames cannot start exactly at ``start_s`` in this file (no timestamps, or the seek overshot)."""


def iter_frames(path: str | Path, max_side: int | None = None, start_s: float = 0.0,
                threads: int = 0) -> Iterator[Frame]:
    """Decode every frame of the first video stream, upright, with its own timestamp.

    Timestamps are the frame's pts minus the first frame's, in seconds. A
    missing pts is filled in from the nominal frame rate, and a pts that goes
    backwards is held at the previous one (durations never run negative).
    ``max_side`` downsizes large frames (aspect kept) before they reach the model.
    ``start_s`` > 0 seeks and yields only the frames from that time on (times
    still from the file's first frame; ``i`` counts the frames yielded); it
    raises CannotSeek where that cannot be exact. ``threads``: the decoder's
    threads, 0 for FFmpeg's choice; 1 where every core is busy anyway (its
    threads then cost a fifth more CPU and gain nothing).
    Raises VideoError for unreadable input and when no frame can be decoded.
    """
    path = Path(path)
    container = _open(path)
    try:
        stream = container.streams.video[0]
        stream.thread_type = "AUTO"
        stream.codec_context.thread_count = threads
        converter = VideoReformatter()  # one conversion context for the stream, not one a frame
        nominal_dt = 1.0 / float(stream.average_rate or stream.guessed_rate or 30)
        start = _seek(container, stream, start_s) if start_s > 0 else None
        seeking = start is not None
        last_t = -math.inf
        i = 0
        bad_packets = 0
        first_error: Exception | None = None
        try:
            for packet in container.demux(stream):
                try:
                    decoded = packet.decode()
                except av.error.FFmpegError as exc:
                    # One damaged packet (a flipped bit, a lost chunk): skip it, keep decoding.
                    bad_packets += 1
                    first_error = first_error or exc
                    if bad_packets > MAX_BAD_PACKETS:
                        break
                    continue
                bad_packets = 0
                for frame in decoded:
                    if seeking:
                        if frame.time is None or frame.time - start > start_s and last_t == -math.inf:
                            raise CannotSeek(f"{path}: no exact start at {start_s} s")
                        last_t = max(last_t, frame.time - start)
                        if frame.time - start < start_s:
                            continue  # decoded to reach start_s, not wanted
                        seeking = False
                    if frame.time is None:
                        t = 0.0 if i == 0 else last_t + nominal_dt
                    else:
                        if start is None:
                            start = frame.time
                        t = frame.time - start
                    t = max(t, last_t) if i else max(t, 0.0)
                    last_t = t
                    rgb = upright(to_rgb(converter, frame, max_side), frame.rotation)
                    yield Frame(i=i, t=round(t, 6), rgb=rgb)
                    i += 1
        except av.error.FFmpegError as exc:
            # The container itself is damaged from here on: keep what was decoded, stop cleanly.
            first_error = first_error or exc
        if i == 0:
            if first_error is not None:
                raise VideoError(f"{path}: the video is damaged, no frame could be decoded "
                                 f"({_reason(first_error)})") from None
            raise VideoError(f"{path}: the video has no frames")
    finally:
        container.close()


def _seek(container, stream, start_s: float) -> float:
    """Seek to the keyframe at or before ``start_s`` from the first frame; return the first frame's time."""
    try:
        first = next(f for f in container.decode(stream) if f.time is not None)
        container.seek(int((first.time + start_s) / stream.time_base), stream=stream, backward=True)
    except (StopIteration, av.error.FFmpegError, TypeError, ZeroDivisionError):
        raise CannotSeek(f"cannot seek to {start_s} s") from None
    return first.time


def to_rgb(converter: VideoReformatter, frame: av.VideoFrame, max_side: int | None = None) -> np.ndarray:
    """The frame as RGB pixels (as stored, not yet upright), at most ``max_side`` on its long side.

    Colour conversion and downsizing are one pass of the stream's reused
    converter: a 4K frame is never converted at full size. One thread: the
    other core is tracking.
    """
    w, h = frame.width, frame.height
    if max_side and max(w, h) > max_side:
        scale = max_side / max(w, h)
        w, h = max(2, round(w * scale)), max(2, round(h * scale))
    return converter.reformat(frame, width=w, height=h, format="rgb24", interpolation="AREA",
                              threads=1).to_ndarray()


class VideoWriter:
    """H.264 MP4 (yuv420p, faststart) from RGB frames with their own timestamps.

    >>> with VideoWriter("out.mp4", fps=30) as out:
    ...     out.write(rgb, t)
    """

    TIME_BASE = Fraction(1, 1000)

    def __init__(self, path: str | Path, fps: float = 30.0, crf: int = 23, preset: str = "veryfast"):
        self.path = Path(path)
        self.fps = fps
        self._crf = crf
        self._preset = preset
        self._container = av.open(str(self.path), mode="w", options={"movflags": "+faststart"})
        self._stream = None
        self._last_pts = -1

    def _open_stream(self, width: int, height: int) -> None:
        rate = Fraction(self.fps).limit_denominator(1001) if self.fps > 0 else Fraction(30)
        stream = self._container.add_stream("libx264", rate=rate)
        stream.width, stream.height = width, height
        stream.pix_fmt = "yuv420p"
        stream.time_base = self.TIME_BASE
        stream.codec_context.time_base = self.TIME_BASE
        stream.options = {"crf": str(self._crf), "preset": self._preset}
        self._stream = stream

    def write(self, rgb: np.ndarray, t: float) -> None:
        h, w = rgb.shape[:2]
        even = rgb[: h - h % 2, : w - w % 2]  # yuv420p needs even sizes
        if self._stream is None:
            self._open_stream(even.shape[1], even.shape[0])
        frame = av.VideoFrame.from_ndarray(np.ascontiguousarray(even), format="rgb24")
        pts = max(int(round(t / float(self.TIME_BASE))), self._last_pts + 1)
        frame.pts, frame.time_base = pts, self.TIME_BASE
        self._last_pts = pts
        for packet in self._stream.encode(frame):
            self._container.mux(packet)

    def close(self) -> None:
        if self._container is None:
            return
        if self._stream is not None:
            for packet in self._stream.encode(None):
                self._container.mux(packet)
        self._container.close()
        self._container = None

    def __enter__(self) -> "VideoWriter":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def prefetch(frames: Iterator[Frame], depth: int = 4) -> Iterator[Frame]:
    """Decode ahead in a background thread, so decoding overlaps hand tracking.

    Errors raised by the decoder reach the consumer at the point they occurred;
    closing the consumer stops the thread.
    """
    import queue
    import threading

    done = object()
    q: queue.Queue = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def put(item) -> bool:
        while not stop.is_set():
            try:
                q.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def produce() -> None:
        try:
            for item in frames:
                if not put(item):
                    break
            else:
                put(done)
        except BaseException as exc:  # noqa: BLE001 - handed to the consumer
            put(exc)
        finally:
            close = getattr(frames, "close", None)
            if close:
                close()

    worker = threading.Thread(target=produce, name="crossgrain-decode", daemon=True)
    worker.start()
    try:
        while True:
            item = q.get()
            if item is done:
                return
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        stop.set()
        worker.join(timeout=2.0)
