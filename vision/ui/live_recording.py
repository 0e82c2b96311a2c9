"""A live session's video, recorded only when the user asks, so it can be kept as a demonstration.

The frames the page shows (the overlay drawn) are encoded on a thread of their
own (BackgroundWriter) into a private temporary folder (mode 0700). The file is
removed when the next session starts, when the browser session ends, or when it
has been copied into a saved demonstration; nothing is kept without the user's
say. Frames of another size than the first (a camera that changed resolution)
are left out rather than failing the stream, and so are frames that come while the encoder is behind:
the camera's callback never waits for the recording.
"""

from __future__ import annotations

import shutil
import tempfile
import threading
from pathlib import Path

import numpy as np

RECORD_FPS = 30.0
RECORD_NICE = 10  # the encoder yields to the analysis and the WebRTC connection on a busy machine
RECORD_QUEUE_FRAMES = 30  # about a second of camera frames may wait for the encoder (27 MB at 640x480)


class SessionRecorder:
    """Annotated live frames to an H.264 file; ``finish`` closes it, ``discard`` removes it."""

    def __init__(self, fps: float = RECORD_FPS):
        self.folder = Path(tempfile.mkdtemp(prefix="crossgrain-live-"))
        self.path = self.folder / "session.mp4"
        self.fps = fps
        self.frames = 0
        self.left_out = 0  # frames not recorded because the encoder was behind
        self.error: str | None = None
        self._writer = None  # a BackgroundWriter, made at the first frame
        self._shape: tuple | None = None
        self._last_t: float | None = None
        self._closed = False
        self._lock = threading.Lock()

    def write(self, rgb: np.ndarray, t: float) -> None:
        with self._lock:
            if self._closed or self.error is not None:
                return
            if self._shape is None:
                self._shape = rgb.shape
            if rgb.shape != self._shape or (self._last_t is not None and t <= self._last_t):
                return
            try:
                if self._writer is None:
                    from ..io.background_writer import BackgroundWriter

                    self._writer = BackgroundWriter(self.path, fps=self.fps, depth=RECORD_QUEUE_FRAMES,
                                                    nice=RECORD_NICE)
                written = self._writer.try_write(np.array(rgb, copy=True), t)
            except Exception as exc:  # noqa: BLE001 - a recording problem must not stop the coaching
                self.error = f"{type(exc).__name__}: {exc}"
                return
            if not written:  # the encoder is behind: the camera never waits for it
                self.left_out += 1
                return
            self._last_t = t
            self.frames += 1

    def finish(self) -> Path | None:
        """Close the file; its path when it holds frames, else None."""
        with self._lock:
            if self._closed:
                return self.video()
            self._closed = True
            writer, self._writer = self._writer, None
        if writer is not None:
            try:
                writer.close()
            except Exception as exc:  # noqa: BLE001
                self.error = f"{type(exc).__name__}: {exc}"
        return self.video()

    def video(self) -> Path | None:
        ok = self._closed and self.error is None and self.frames > 0
        return self.path if ok and self.path.is_file() and self.path.stat().st_size > 0 else None

    def discard(self) -> None:
        self.finish()
        shutil.rmtree(self.folder, ignore_errors=True)
