"""Video files in and out, through PyAV.

Frames are streamed one at a time (memory does not grow with length), each
with its own timestamp from the container's pts, turned upright by the
stream's rotation metadata (phone videos). The writer makes H.264 MP4 that
browsers play.
"""

from __future__ import annotations

import errno
import math
import os
import stat
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Iterator

import av
import numpy as np
from av.video.reformatter import VideoReformatter

from .limits import Limits

VIDEO_SUFFIXES = (".mp4", ".mov", ".m4v", ".webm", ".avi", ".mkv", ".y4m", ".mpg", ".mpeg", ".ts", ".3gp", ".wmv", ".flv", ".ogv")


FULL_RANGE = 2  # AVColorRange AVCOL_RANGE_JPEG: 0-255 luma, as phones and MJPEG write
MAX_BAD_PACKETS = 300  # damaged packets in a row skipped before giving up on the rest of a file


class VideoError(ValueError):
    """A file that cannot be read as a video; the message is meant for a person."""


@dataclass(frozen=True)
class VideoInfo:
    """What the container says about its main video stream (sizes as stored, before any
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
    _check_file(path)
    try:
        container = av.open(str(path), mode="r")
    except (av.error.FFmpegError, UnicodeDecodeError) as exc:
        raise VideoError(f"{path}: cannot be read as a video: not a video, or damaged ({_reason(exc)})") from None
    if not container.streams.video:
        kinds = sorted({s.type for s in container.streams}) or ["no streams"]  # before close() empties it
        container.close()
        raise VideoError(f"{path}: contains no video stream (found: {', '.join(kinds)})")
    if main_video_stream(container).codec_context is None:  # a codec FFmpeg does not know, or a damaged header
        container.close()
        raise VideoError(f"{path}: the video's codec is unknown or its header is damaged")
    return container


_FILE_KINDS = ((stat.S_ISFIFO, "a FIFO (named pipe)"), (stat.S_ISSOCK, "a socket"),
               (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"))


def _check_file(path: Path) -> None:
    """A regular, readable, non-empty file; otherwise a message naming the real cause."""
    try:
        st = os.stat(path)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise VideoError(f"{path}: a loop of symbolic links, not a file") from None
        if exc.errno == errno.ENOENT:
            dangling = os.path.islink(path)
            raise VideoError(f"{path}: " + ("a symbolic link to a file that does not exist" if dangling
                                             else "no such file")) from None
        raise VideoError(f"{path}: cannot be opened ({exc.strerror or exc})") from None
    if stat.S_ISDIR(st.st_mode):
        raise VideoError(f"{path}: is a folder, not a video")
    for test, kind in _FILE_KINDS:
        if test(st.st_mode):
            raise VideoError(f"{path}: is {kind}, not a video file")
    if st.st_size == 0:
        raise VideoError(f"{path}: the file is empty (0 bytes)")
    if not os.access(path, os.R_OK):
        raise VideoError(f"{path}: permission denied (the file cannot be read)")


def main_video_stream(container):
    """The stream a player would show: the one marked default, else FFmpeg's best, never a cover picture."""
    streams = [s for s in container.streams.video if not s.disposition & av.stream.Disposition.attached_pic]
    streams = streams or list(container.streams.video)
    marked = [s for s in streams if s.disposition & av.stream.Disposition.default]
    if len(marked) == 1:
        return marked[0]
    try:
        best = container.streams.best("video")
    except (av.error.FFmpegError, ValueError):
        best = None
    return best if best in streams else streams[0]


def _reason(exc: Exception) -> str:
    return getattr(exc, "strerror", None) or str(exc).split(":")[0] or type(exc).__name__


def probe(path: str | Path, limits: Limits | None = None) -> VideoInfo:
    """Read the container's header: sizes, nominal fps, duration. Raises VideoError, also for a
    file beyond ``limits`` (default: Limits.from_env()) by its header."""
    path = Path(path)
    container = _open(path)
    try:
        stream = main_video_stream(container)
        ctx = stream.codec_context
        fps = nominal_fps(stream)
        duration = None
        if stream.duration is not None and stream.time_base is not None:
            duration = float(stream.duration * stream.time_base)
        elif container.duration is not None:
            duration = container.duration / 1_000_000
        width, height = ctx.width, ctx.height
        if not width or not height:
            raise VideoError(f"{path}: the video stream has no picture size (damaged header?)")
        info = VideoInfo(path=path, width=width, height=height, fps=fps, duration_s=duration,
                         frame_count=stream.frames or None, codec=ctx.name)
        _check_header(info, limits or Limits.from_env())
        return info
    finally:
        container.close()


def nominal_fps(stream) -> float:
    """The stream's declared frame rate, or 30 when it declares none (or nonsense)."""
    try:
        fps = float(stream.average_rate or stream.guessed_rate or 0)
    except (ZeroDivisionError, OverflowError, ValueError):
        fps = 0.0
    return fps if math.isfinite(fps) and 0.1 <= fps <= 1000 else 30.0


def _check_header(info: VideoInfo, limits: Limits) -> None:
    # Not the header's duration: one bogus pts makes it days long. Duration is checked on the
    # decoded frames' repaired times (FrameTimes), frames and pixels here and there.
    problem = (limits.frame_problem(info.width, info.height)
               or (info.frame_count and limits.frames_problem(info.frame_count)))
    if problem:
        raise VideoError(f"{info.path}: refused: {problem}")


def display_rotation(frame) -> int:
    """The frame's display rotation in degrees, 0 when its matrix is no rotation (an all-zero matrix
    reads as INT_MIN, a skewed one as an odd angle): such a matrix is treated as absent."""
    try:
        r = float(frame.rotation)
    except (TypeError, ValueError, OverflowError):
        return 0
    if not math.isfinite(r) or abs(r) > 360 or abs(r / 90.0 - round(r / 90.0)) > 0.05:
        return 0
    return int(round(r / 90.0)) * 90


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


class FrameTimes:
    """Seconds from a file's first frame, from each frame's pts, robust to pts that lie.

    A missing pts takes the nominal frame interval; a small step backwards (a
    reordered frame) is held at the previous time. A step no camera makes (more
    than ``max_gap_s`` forwards, or more than ``max_back_s`` backwards: a
    corrupt first pts, two frames 24 h apart, 1e13 s) is replaced by the nominal
    interval and the clock re-anchored there, so one bad pts moves one frame,
    not the whole video. ``estimated`` counts the frames whose time was made up.
    """

    def __init__(self, nominal_dt: float):
        self.nominal_dt = nominal_dt
        self.max_gap_s = max(MAX_PTS_GAP_S, 50 * nominal_dt)
        self.max_back_s = max(1.0, 10 * nominal_dt)
        self._offset: float | None = None
        self._last: float | None = None
        self.estimated = 0

    def anchor(self, first_pts_s: float) -> None:
        """Count from this pts (the file's first frame) although decoding starts later (a seek)."""
        self._offset = first_pts_s

    def __call__(self, pts_s: float | None) -> float:
        last = self._last
        if pts_s is None or not math.isfinite(pts_s):
            t = 0.0 if last is None else last + self.nominal_dt
            self.estimated += last is not None
        elif self._offset is None:
            t = 0.0 if last is None else last + self.nominal_dt
            self._offset = pts_s - t
        elif last is None:
            t = max(pts_s - self._offset, 0.0)  # anchored before the first frame seen (a seek)
        else:
            t = pts_s - self._offset
            step = t - last
            if step > self.max_gap_s or step < -self.max_back_s:
                t = last + self.nominal_dt
                self._offset = pts_s - t
                self.estimated += 1
            elif step < 0:
                t = last
        self._last = t
        return t

    def note(self) -> str | None:
        """A sentence for the user when timing was repaired, else None."""
        if not self.estimated:
            return None
        return (f"timing is approximate: {self.estimated} frame time(s) in the file were missing or impossible "
                f"and were replaced by the nominal {1 / self.nominal_dt:.3g} fps")


MAX_PTS_GAP_S = 30.0  # a forward jump beyond this (and 50 frame intervals) is no real recording


def iter_frames(path: str | Path, max_side: int | None = None, limits: Limits | None = None,
                times: FrameTimes | None = None, start_s: float = 0.0, threads: int = 0) -> Iterator[Frame]:
    """Decode every frame of the main video stream, upright, with its own timestamp.

    Timestamps are the frame's pts from the first frame's, in seconds, made
    robust by FrameTimes (pass one in ``times`` to read its note afterwards).
    ``max_side`` downsizes large frames (aspect kept) before they reach the model.
    Raises VideoError for unreadable input, when no frame can be decoded, and as
    soon as the file goes beyond ``limits`` (default: Limits.from_env()), by its
    header or by what is decoded.
    ``start_s`` > 0 seeks and yields only the frames from that time on (times
    still from the file's first frame; ``i`` counts the frames yielded); it
    raises CannotSeek where that cannot be exact. ``threads``: the decoder's
    threads, 0 for FFmpeg's choice; 1 where every core is busy anyway (its
    threads then cost a fifth more CPU and gain nothing).
    """
    path = Path(path)
    limits = limits or Limits.from_env()
    container = _open(path)
    try:
        stream = main_video_stream(container)
        ctx = stream.codec_context
        _check_header(VideoInfo(path, ctx.width or 0, ctx.height or 0, nominal_fps(stream), None,
                                stream.frames or None, ctx.name), limits)
        stream.thread_type = "AUTO"
        stream.codec_context.thread_count = threads
        converter = VideoReformatter()  # one conversion context for the stream, not one a frame
        clock = times if times is not None else FrameTimes(1.0 / nominal_fps(stream))
        start = _seek(container, stream, start_s) if start_s > 0 else None
        if start is not None:
            clock.anchor(start)  # times from the file's first frame, not the seek point
        seeking = start is not None
        seen = -math.inf
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
                        if frame.time is None or frame.time - start > start_s and seen == -math.inf:
                            raise CannotSeek(f"{path}: no exact start at {start_s} s")
                        seen = max(seen, frame.time - start)
                        if frame.time - start < start_s:
                            continue  # decoded to reach start_s, not wanted
                        seeking = False
                    problem = (limits.frame_problem(frame.width, frame.height) or limits.frames_problem(i + 1))
                    t = clock(frame.time)
                    problem = problem or limits.duration_problem(t)
                    if problem:
                        raise VideoError(f"{path}: refused: {problem}")
                    rgb = upright(to_rgb(converter, frame, max_side), display_rotation(frame))
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


def timing_note(path: str | Path) -> str | None:
    """FrameTimes' note for a file from its packets' pts alone (no decoding: cheap), or None.

    Lets a caller that does not own the decoding loop say when the timing it
    shows is repaired. Packets are taken in presentation order.
    """
    path = Path(path)
    container = _open(path)
    try:
        stream = main_video_stream(container)
        base = stream.time_base
        clock = FrameTimes(1.0 / nominal_fps(stream))
        stamps = []
        for packet in container.demux(stream):
            if packet.size == 0:
                continue
            stamps.append(None if packet.pts is None or base is None else float(packet.pts * base))
    except av.error.FFmpegError:
        pass
    finally:
        container.close()
    known = sorted(x for x in stamps if x is not None)
    for x in known + [None] * (len(stamps) - len(known)):
        clock(x)
    return clock.note()


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

    A frame that is downsized is never converted at full size: the stream's
    reused converter downsizes it in its own YUV (to video-range yuv420p, which
    also takes full-range and 10-bit sources there), and OpenCV turns that into
    RGB. A 1080p frame to 720p: 2.1 ms against 4.6 ms for swscale's scaling
    straight to RGB, within about a level of it. A frame kept at its size goes
    to RGB in one swscale pass (0.1 ms at 640x480, faster than OpenCV's). One
    thread: the other core is tracking.
    """
    w, h = frame.width, frame.height
    if max_side and max(w, h) > max_side:
        scale = max_side / max(w, h)
        # even sizes, as planar 4:2:0 needs (at most a pixel from the exact scale)
        w, h = max(2, 2 * round(w * scale / 2)), max(2, 2 * round(h * scale / 2))
        import cv2

        # swscale keeps a full-range source's values in video-range yuv420p unless told its range
        full_range = frame.color_range == FULL_RANGE or frame.format.name.startswith("yuvj")
        yuv = converter.reformat(frame, width=w, height=h, format="yuv420p", interpolation="AREA", threads=1,
                                 src_color_range="JPEG" if full_range else None,
                                 dst_color_range="MPEG" if full_range else None)
        return cv2.cvtColor(yuv.to_ndarray(), cv2.COLOR_YUV2RGB_I420)
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
        # yuv420p needs even sizes: drop the odd last row/column, or repeat it when it is the only one
        even = np.pad(rgb, ((0, int(h == 1)), (0, int(w == 1)), (0, 0)), mode="edge") if 1 in (h, w) else rgb
        h, w = even.shape[:2]
        even = even[: h - h % 2, : w - w % 2]
        if self._stream is None:
            self._open_stream(even.shape[1], even.shape[0])
        frame = av.VideoFrame.from_ndarray(rgb_to_i420(even), format="yuv420p")
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


def rgb_to_i420(rgb: np.ndarray) -> np.ndarray:
    """Even-sized RGB as planar yuv420p (BT.601, video range: what x264 is given by default).

    OpenCV's conversion, not the encoder's own (FFmpeg's swscale from rgb24): 0.3 ms against
    2-3 ms a 720p frame, and as close to the picture after encoding and decoding.
    """
    import cv2

    return cv2.cvtColor(np.ascontiguousarray(rgb), cv2.COLOR_RGB2YUV_I420)


def to_video_frame(rgb: np.ndarray) -> av.VideoFrame:
    """RGB pixels as the av.VideoFrame an encoder takes: yuv420p converted by OpenCV.

    Handed an rgb24 frame, aiortc's VP8 encoder converts it with a new swscale
    context for every frame: 2.3 ms of CPU a 640x480 frame, against 0.3 ms
    here, 30 times a second on the live server. Odd sizes, which planar 4:2:0
    cannot hold, stay rgb24.
    """
    h, w = rgb.shape[:2]
    if h % 2 or w % 2:
        return av.VideoFrame.from_ndarray(np.ascontiguousarray(rgb), format="rgb24")
    return av.VideoFrame.from_ndarray(rgb_to_i420(rgb), format="yuv420p")


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
