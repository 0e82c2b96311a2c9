"""Track one video on both cores: two time ranges, each with its own HandLandmarker.

MediaPipe runs its models on one thread and releases the GIL while it does,
so two trackers in two threads use two cores (threads, not processes: no
second interpreter to start, no model to load twice over a pipe).

The cut is a property of the video, not of the machine: a video long enough
is always tracked as two ranges, the second started ``WARMUP_S`` early with a
fresh tracker whose warm-up frames are thrown away (tracking settles in a
few frames). ``workers`` only says whether the ranges run at once or one
after the other, so the observations, and every label and figure built on
them, are the same on one core and on two.
"""

from __future__ import annotations

import queue
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator

from ..core.landmarks import HandObservation
from .tracking import HandTracker, TrackerOptions
from .video import CannotSeek, VideoError, iter_frames, probe

WARMUP_S = 1.0  # tracked before a range starts, then dropped
MIN_RANGE_S = 5.0  # shorter ranges are not worth a second tracker's warm-up


@dataclass(frozen=True)
class TrackedFrame:
    """One decoded frame's index, time (s from the first frame) and every hand found, most confident first."""

    i: int
    t: float
    hands: list[HandObservation]

    @property
    def observation(self) -> HandObservation | None:
        """The most confident hand (None: no hand), for one-hand callers."""
        return self.hands[0] if self.hands else None


def second_range_start(duration_s: float | None) -> float | None:
    """Where the second range begins, or None for a single range.

    Chosen so both trackers track as many seconds (the second also tracks its
    warm-up); rounded so the same file is always cut at the same time.
    """
    if not duration_s or duration_s < 2 * MIN_RANGE_S:
        return None
    return round((duration_s + WARMUP_S) / 2.0, 3)


def track_video(path: str | Path, workers: int = 2, max_side: int | None = 1280,
                options: TrackerOptions = TrackerOptions(),
                progress: Callable[[int, int | None], None] | None = None,
                open_tracker: Callable | None = None) -> Iterator[TrackedFrame]:
    """Every frame of ``path`` with its hand, in order; ``workers`` 2 tracks the two ranges at once.

    Frames and times are those of ``iter_frames(path, max_side)``. Raises what
    iter_frames raises. A file that cannot be entered exactly at the cut (no
    timestamps, a seek that overshoots) is tracked as one range. ``progress``
    (frames tracked, total or None) is called on the consuming thread.
    """
    info = probe(path)
    cut = second_range_start(info.duration_s)
    second: _Peekable | None = None
    threads = 0  # the decoder's choice, unless the two ranges keep both cores busy
    if cut is not None:
        threads = 1 if workers >= 2 else 0
        second = _track_range(path, cut, max_side, options, threads, open_tracker)
        second = _RunAhead(second) if workers >= 2 else _Peekable(second)
    first = iter_frames(path, max_side=max_side, threads=threads)
    try:
        with (open_tracker() if open_tracker else HandTracker(options=options)) as tracker:
            for frame in first:
                if second is not None and frame.t >= cut:
                    if second.first_time() == frame.t:  # the ranges meet: the rest is the second's
                        for i, (t, hands) in enumerate(second, start=frame.i):
                            if progress:
                                progress(i + 1 + second.ahead, info.frame_count)
                            yield TrackedFrame(i, t, hands)
                        return
                    second.close()  # it could not start exactly here: track on alone
                    second = None
                hands = tracker.process_all(frame.rgb, frame.t)
                if progress:
                    progress(frame.i + 1 + (second.ahead if second else 0), info.frame_count)
                yield TrackedFrame(frame.i, frame.t, hands)
    finally:
        first.close()
        if second is not None:
            second.close()


def _track_range(path, start_s: float, max_side, options, threads: int, open_tracker: Callable | None = None
                 ) -> Iterator[tuple[float, list[HandObservation]]]:
    """(t, hands) from ``start_s`` to the end, by a tracker started ``WARMUP_S`` earlier."""
    frames = iter_frames(path, max_side=max_side, start_s=max(start_s - WARMUP_S, 0.0), threads=threads)
    try:
        with (open_tracker() if open_tracker else HandTracker(options=options)) as tracker:
            for frame in frames:
                hands = tracker.process_all(frame.rgb, frame.t)
                if frame.t >= start_s:
                    yield frame.t, hands
    finally:
        frames.close()


class _Peekable:
    """The second range, run lazily on the consumer's thread (one worker)."""

    def __init__(self, items: Iterator):
        self._items = items
        self._head: list = []

    @property
    def ahead(self) -> int:
        """Frames tracked but not yet taken."""
        return 0

    def first_time(self) -> float | None:
        """The first kept frame's time, or None when the range could not start exactly."""
        if not self._head:
            try:
                self._head.append(next(self._items))
            except (CannotSeek, VideoError, StopIteration):  # nothing from the cut on
                return None
        return self._head[0][0]

    def __iter__(self):
        return self

    def __next__(self):
        return self._head.pop() if self._head else next(self._items)

    def close(self) -> None:
        self._items.close()


class _RunAhead(_Peekable):
    """The second range, run from the start in a thread of its own; its results queue up (they are small)."""

    _END = object()

    def __init__(self, items: Iterator):
        super().__init__(self._drain())
        self._source = items
        self._queue: queue.Queue = queue.Queue()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="crossgrain-track-range", daemon=True)
        self._thread.start()

    @property
    def ahead(self) -> int:
        return self._queue.qsize()

    def _run(self) -> None:
        try:
            for item in self._source:
                if self._stop.is_set():
                    break
                self._queue.put(item)
        except BaseException as exc:  # noqa: BLE001 - raised again on the consumer's thread
            self._queue.put(exc)
        finally:
            self._source.close()
            self._queue.put(self._END)

    def _drain(self) -> Iterator:
        while (item := self._queue.get()) is not self._END:
            if isinstance(item, BaseException):
                raise item
            yield item

    def close(self) -> None:
        self._stop.set()
        super().close()
        self._thread.join()
