"""The webcam stream's plumbing: ICE servers, frame clock, per-session holder, frame callbacks.

streamlit-webrtc calls the frame callback in a worker thread and replaces it on every
rerun, so the state lives in a LiveStream kept in the page's session state: one coach
(one tracker with increasing timestamps) per stream, guarded by a lock. A machine slower
than the camera analyses an even subset of frames (FramePacer) and redraws the latest
verdict on the rest (OverlayStamp).
"""

from __future__ import annotations

import json
import math
import os
import threading
import time
import weakref
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Callable

import numpy as np

from ..coach.techniques import registry
from ..core.report import Report
from ..io.overlay_stamp import OverlayStamp
from .frame_pacing import FramePacer, PacingStats
from .live_axis import LiveAxis
from .live_recording import SessionRecorder
from .panel import STALL_S

ICE_ENV = "CROSSGRAIN_ICE_SERVERS"  # JSON list of ICE servers; none (no STUN/TURN contacted) by default


def prepare_live_server(env: dict | None = None) -> None:
    """What the server needs before each live stream, set process-wide (each step is idempotent).

    The stream's UDP ports stay on 127.0.0.1 unless CROSSGRAIN_WEBRTC_LAN=1
    (vision/io/webrtc_net.py); so that two sessions do not starve the one event loop all
    streams share, the GIL switch interval is shortened (vision/io/gil_switch.py) and ICE
    consent checks count late answers (vision/io/webrtc_consent.py).
    """
    from ..io.gil_switch import apply_live_switch_interval
    from ..io.webrtc_consent import apply_consent_freshness
    from ..io.webrtc_net import apply_ice_scope

    apply_ice_scope(env)
    apply_live_switch_interval(env)
    apply_consent_freshness()


def ice_servers(env: dict | None = None) -> tuple[list[dict], str | None]:
    """ICE servers from CROSSGRAIN_ICE_SERVERS (a JSON list), [] by default; (servers, problem or None)."""
    raw = (env if env is not None else os.environ).get(ICE_ENV, "").strip()
    if not raw:
        return [], None
    try:
        value = json.loads(raw)
    except ValueError as exc:
        return [], f"{ICE_ENV} is not valid JSON ({exc.msg}); using no ICE servers."
    if isinstance(value, dict):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(s, dict) and "urls" in s for s in value):
        return [], f'{ICE_ENV} must be a JSON list like [{{"urls": "stun:host:3478"}}]; using no ICE servers.'
    return value, None


class _CoachKeeper:
    """Every live coach, held until it is closed: a stream that dies unclosed leaves them to a thread.

    A browser session that ends drops its LiveStream with everything it owns, and the garbage
    collector finds them all unreachable at once. MediaPipe's landmarker then cannot close (its
    dispatcher's worker thread has already been told to stop) and the collecting thread, any of
    the server's, waits forever. Held here, the coaches are never garbage: when their stream
    goes, a thread of its own closes them.
    """

    def __init__(self):
        self._lock = threading.Lock()
        self._held: dict[int, list] = {}

    def hold(self, owner: int, coach) -> None:
        with self._lock:
            self._held.setdefault(owner, []).append(coach)

    def close(self, owner: int, coach) -> None:
        with self._lock:
            held = self._held.get(owner, [])
            if coach in held:
                held.remove(coach)
        coach.close()

    def orphaned(self, owner: int) -> None:
        """The owner is gone (called from the garbage collector): close its coaches elsewhere."""
        with self._lock:
            coaches = self._held.pop(owner, [])
        if coaches:
            threading.Thread(target=_close_all, args=(coaches,), name="crossgrain-close-coaches",
                             daemon=True).start()


def _close_all(coaches: list) -> None:
    for c in coaches:
        try:
            c.close()
        except Exception:  # noqa: BLE001 - a session already gone: nothing to tell
            pass


_KEEPER = _CoachKeeper()

MAX_BEHIND_S = 1.0  # live frames later than this (beyond the usual) are all passed through to catch up
MAX_CATCH_UP_S = 1.0  # ... for at most this long at a time
MAX_QUEUE_S = 0.5  # queued frames older than this behind the newest are dropped (streamlit-webrtc shows the last)


class StreamClock:
    """Seconds since a stream's first frame, from the frames' own times, never going backwards.

    Frames without a time (or a time that jumps backwards) fall back to the wall clock.
    """

    def __init__(self):
        self._first_raw: float | None = None
        self._first_wall: float | None = None
        self._last: float | None = None
        self._least_lag: float | None = None
        self._lag = 0.0
        self.behind_s = 0.0  # how much later than usual the latest frame reached us

    def __call__(self, raw_t: float | None, wall: float | None = None) -> float:
        wall = time.monotonic() if wall is None else wall
        if self._first_wall is None:
            self._first_wall = wall
        t = None
        if raw_t is not None and math.isfinite(raw_t):
            if self._first_raw is None:
                self._first_raw = raw_t
            t = raw_t - self._first_raw
        if t is None or (self._last is not None and t <= self._last):
            wall_t = wall - self._first_wall
            t = wall_t if self._last is None or wall_t > self._last else self._last + 1e-3
        self._last = t
        lag = (wall - self._first_wall) - t
        self._least_lag = lag if self._least_lag is None else min(self._least_lag, lag)
        self._lag = lag
        self.behind_s = lag - self._least_lag
        return t

    def accept_lag(self) -> None:
        """Take the present delay as the new normal (it did not go away by catching up)."""
        if self._least_lag is not None:
            self._least_lag = self._lag
            self.behind_s = 0.0


@dataclass
class LiveStream:
    """The webcam page's per-browser-session holder, kept in st.session_state.

    The frame callback (replaced on every rerun) calls ``process``; the page calls
    ``mark_stopped`` when it sees the stream idle, and the next frame (a new START)
    then begins a fresh LiveCoach, so each stream has its own tracker with increasing
    timestamps and its own report. ``coach_factory(axis, technique)`` makes coaches.
    The foot axis is the LiveAxis's (typed, drawn, shown with the thumb or followed):
    each analysed frame feeds it, and a new axis applies from the next frame.
    """

    coach_factory: Callable
    foot_axis_deg: float = 90.0  # the sidebar's angle (the typed axis)
    technique_name: str = field(default_factory=lambda: registry().default)
    _coach: object = None
    _spare: object = None  # a coach made ahead, its model loaded, for the next START
    _warming: bool = False
    _clock: StreamClock = field(default_factory=StreamClock)
    _stopped: bool = False
    _last_report: Report | None = None  # the stopped session's, kept until the page sees a new START
    _closed: bool = False  # the browser session ended: late frames pass through untouched
    error: str | None = None
    skipped: int = 0  # frames passed through unanalysed (with the last overlay) to keep up with the camera
    dropped: int = 0  # stale frames of a backlog, neither analysed nor shown
    _catching_up_since: float | None = None
    _pacer: FramePacer = field(default_factory=FramePacer)
    _stamp: OverlayStamp = field(default_factory=OverlayStamp)
    _last_frame_wall: float | None = None  # time.monotonic() of the last frame, analysed or not
    record_video: bool = False  # record the shown frames (asked on the page), decided at a session's first frame
    _recorder: SessionRecorder | None = None  # this session's recording, when asked for
    _record_decided: bool = False
    # the stopped session's picture had stopped arriving this long before the stream closed (None: it
    # came until the end, as when the user presses STOP): the browser gave up on a lost connection
    lost_before_stop_s: float | None = None
    _last_recording: SessionRecorder | None = None  # the stopped session's, kept until a new START
    _lock: threading.Lock = field(default_factory=threading.Lock)
    sound: object = None  # a LiveSound (vision/ui/live_sound.py): each verdict's sound, sent on the audio track
    axis: LiveAxis = field(default=None)

    def __post_init__(self):
        if self.axis is None:
            self.axis = LiveAxis(self.foot_axis_deg)
        self._owner = id(self)
        weakref.finalize(self, _KEEPER.orphaned, self._owner)
        weakref.finalize(self, self.axis.close)

    def _new_coach(self, technique: str):
        coach = self.coach_factory(self.axis.axis, technique)
        _KEEPER.hold(self._owner, coach)
        return coach

    def _dispose(self, coach) -> None:
        _KEEPER.close(self._owner, coach)

    @property
    def coach(self):
        with self._lock:
            if self._coach is None:
                self._coach = self._new_coach(self.technique_name)
            return self._coach

    def configure(self, foot_axis_deg: float, technique_name: str) -> None:
        """Follow the sidebar: a new typed axis applies from the next frame (it replaces a drawn,
        thumb or followed one only when the slider moves); a new technique starts a new session."""
        self.axis.type(foot_axis_deg)
        with self._lock:
            technique_changed = technique_name != self.technique_name
            self.foot_axis_deg, self.technique_name = foot_axis_deg, technique_name
            coach = self._coach
            if technique_changed and coach is not None:
                self._stopped = True  # the next frame begins a session coached for the new technique
                self._last_report = None
        if coach is not None and not technique_changed:
            self._apply_axis(coach, self.axis.axis)

    def prewarm(self) -> None:
        """Load the next session's hand model now, on a thread of its own, so that START finds it loaded:
        a spare coach, taken by the next session's first frame. Cheap to call on every rerun."""
        with self._lock:
            if self._closed or self._warming or self._spare is not None:
                return
            if self._coach is not None and not self._stopped and self._coach.snapshot().frames > 0:
                return  # a session is running: its model is loaded
            self._warming = True
            technique = self.technique_name
        threading.Thread(target=self._warm, args=(technique,), name="crossgrain-prewarm", daemon=True).start()

    def _warm(self, technique: str) -> None:
        try:
            spare = self._new_coach(technique)
            getattr(spare, "prewarm", lambda: None)()
        except Exception:  # noqa: BLE001 - the first frame makes its own coach and shows its error
            spare = None
        with self._lock:
            self._warming = False
            if spare is not None and not self._closed and self._spare is None and technique == self.technique_name:
                self._spare, spare = spare, None
        if spare is not None:
            self._dispose(spare)

    def _apply_axis(self, coach, axis) -> None:
        if getattr(coach, "foot_axis", None) != axis:
            coach.set_foot_axis(axis)

    def process(self, rgb: np.ndarray, raw_t: float | None, queued_after_s: float | None = None) -> np.ndarray:
        """One camera frame in, the frame with the overlay out: analysed, or (to keep up) the latest verdict redrawn.

        ``queued_after_s``: how much newer the newest frame already waiting is (from the
        queued callback): the backlog, measured on the camera's own clock. Without it the
        delay is estimated from the wall clock, which drifts when the browser's camera
        runs slow under load.
        """
        with self._lock:
            if self._closed:
                return rgb
            # a new session: after STOP, or the first frame (a waiting coach that saw no frame yet
            # gives way to the warmed spare)
            if (self._stopped or self._coach is None
                    or (self._spare is not None and self._coach.snapshot().frames == 0)):
                old, spare, self._spare = self._coach, self._spare, None
                if spare is not None and spare.technique_name == self.technique_name:
                    self._coach = spare
                    self._apply_axis(spare, self.axis.axis)
                else:
                    if spare is not None:
                        self._dispose(spare)
                    self._coach = self._new_coach(self.technique_name)
                self._clock, self._pacer, self._stamp = StreamClock(), FramePacer(), OverlayStamp()
                self._stopped = False
                unfinished, self._recorder, self._record_decided = self._recorder, None, False
                if old is not None:
                    self._dispose(old)
                if unfinished is not None:
                    unfinished.discard()
                if self.sound is not None:
                    self.sound.start(self.technique_name)
            if not self._record_decided:
                self._record_decided = True
                self._recorder = SessionRecorder() if self.record_video else None
            coach, clock, pacer, stamp, recorder = self._coach, self._clock, self._pacer, self._stamp, self._recorder
        t = clock(raw_t)
        self._last_frame_wall = time.monotonic()
        behind_s = clock.behind_s if queued_after_s is None else queued_after_s
        analyse = not self._catching_up(clock, behind_s) and pacer.decide(t, behind_s)
        if analyse:
            out = coach.process(rgb, t)
            stamp.take(rgb, out)
            self._apply_axis(coach, self.axis.on_frame(rgb, t, coach.latest_hand()))
            if self.sound is not None:
                self.sound.on_verdict(coach.snapshot().verdict)  # the sound starts within 20 ms of the verdict
        else:
            # Skipped frames never reach the analyzer (a gap in time, not a still thumb), but they
            # show the latest verdict: never a bare frame.
            self.skipped += 1
            out = stamp.apply(rgb)
        pacer.record(t, analyse)
        if recorder is not None:
            recorder.write(out, t)
        return out

    def _catching_up(self, clock: StreamClock, behind_s: float) -> bool:
        """Far behind (a stall elsewhere): pass everything through until live again, for at most
        MAX_CATCH_UP_S; a delay that passing through does not cure (it is not ours) becomes the new normal."""
        if behind_s <= MAX_BEHIND_S:
            self._catching_up_since = None
            return False
        now = time.monotonic()
        if self._catching_up_since is None:
            self._catching_up_since = now
        if now - self._catching_up_since > MAX_CATCH_UP_S:
            clock.accept_lag()
            self._catching_up_since = None
            return False
        return True

    def drop(self, raw_t: float | None) -> None:
        """A camera frame too stale to analyse or show (a backlog that passing through would not clear)."""
        with self._lock:
            if self._closed or self._coach is None or self._stopped:
                return
            clock, pacer = self._clock, self._pacer
        t = clock(raw_t)
        self._last_frame_wall = time.monotonic()
        pacer.record(t, False)
        self.dropped += 1

    def pacing(self) -> PacingStats:
        """How the analysis keeps up with the camera: analysed and camera fps, too slow to judge or not."""
        with self._lock:
            pacer = self._pacer
        return pacer.stats()

    def mark_stopped(self) -> None:
        """The page saw the stream idle: the next frame starts a new session.

        The session's report is taken now. Frames still queued from the stopped
        stream may yet arrive and start that new session; the page must go on
        showing the session the user stopped.
        """
        with self._lock:
            coach = self._coach
            if coach is None or self._last_report is not None:
                return
            self._stopped = True
            recording, self._recorder = self._recorder, None
            last = self._last_frame_wall
            silent_s = time.monotonic() - last if last is not None else 0.0
            self.lost_before_stop_s = silent_s if silent_s > STALL_S else None
        if self.sound is not None:
            self.sound.stop()
        if recording is not None:
            recording.finish()
            with self._lock:
                earlier, self._last_recording = self._last_recording, recording
            if earlier is not None:
                earlier.discard()
        if coach.snapshot().frames > 0:
            report = coach.report()
            with self._lock:
                self._last_report = report

    def mark_playing(self) -> None:
        """The page saw the stream playing (a new START): the last session's report (and recording) are done with."""
        with self._lock:
            self._last_report = None
            self.lost_before_stop_s = None
            recording, self._last_recording = self._last_recording, None
        if recording is not None:
            recording.discard()

    def recorded_video(self) -> Path | None:
        """The stopped session's recording (a private temporary file), when one was asked for and made."""
        with self._lock:
            recording = self._last_recording
        return recording.video() if recording is not None else None

    def has_frames(self) -> bool:
        with self._lock:
            coach = self._coach
        return coach is not None and coach.snapshot().frames > 0

    @property
    def since_last_frame_s(self) -> float | None:
        """Seconds since the last camera frame reached the stream (analysed or not), or None before any."""
        last = self._last_frame_wall
        return None if last is None else time.monotonic() - last

    def snapshot(self):
        """The coach's snapshot, with the time of the last frame that reached the stream (analysed
        or not): a frame passed through to keep up is a frame the camera sent."""
        snap = self.coach.snapshot()
        last = self._last_frame_wall
        if last is not None and snap.last_frame_wall is not None and last > snap.last_frame_wall:
            snap = replace(snap, last_frame_wall=last)
        return snap

    def report(self) -> Report | None:
        """The stopped session's report, or else the report of the frames analysed so far (None if none)."""
        with self._lock:
            coach, kept = self._coach, self._last_report
        if kept is not None:
            return kept
        return coach.report() if coach is not None and coach.snapshot().frames > 0 else None

    def close(self) -> None:
        self.axis.close()
        with self._lock:
            coaches = [c for c in (self._coach, self._spare) if c is not None]
            self._coach = self._spare = None
            self._closed = True
            recordings = (self._recorder, self._last_recording)
            self._recorder = self._last_recording = None
        for c in coaches:
            self._dispose(c)
        for recording in recordings:
            if recording is not None:
                recording.discard()


def make_frame_callback(stream: "LiveStream") -> Callable:
    """The streamlit-webrtc video_frame_callback: av.VideoFrame in, annotated av.VideoFrame out.

    Thin on purpose; it runs in a worker thread and never touches Streamlit. An engine
    error is kept on the stream (the page shows it) and the frame passes through unchanged.
    """
    from av.video.reformatter import VideoReformatter

    from ..io.video import to_rgb, to_video_frame

    converter = VideoReformatter()  # one colour converter for the stream (PyAV's to_ndarray makes one a frame)

    def callback(frame, queued_after_s: float | None = None):
        img = to_rgb(converter, frame)
        try:
            out = stream.process(img, frame.time, queued_after_s)
        except Exception as exc:  # noqa: BLE001 - shown on the page, not lost in a thread
            stream.error = f"{type(exc).__name__}: {exc}"
            return frame
        new = to_video_frame(out)  # yuv420p: the VP8 encoder would otherwise convert it afresh each frame
        new.pts = frame.pts
        new.time_base = frame.time_base
        return new

    return callback


def make_queued_frames_callback(stream: "LiveStream") -> Callable:
    """streamlit-webrtc's queued_video_frames_callback: every frame that arrived, in order.

    Runs in the component's own worker thread (not the WebRTC event loop that all
    sessions share), and gets all the frames that came while the previous call was
    busy: WebRTC hands frames over in bursts, and a callback that took only the newest
    would drop the rest. Each frame gets an overlay; when the machine cannot analyse them
    all, LiveStream analyses an even subset and redraws the latest verdict on the others.
    A backlog older than MAX_QUEUE_S is dropped: on a starved machine even passing frames
    through falls behind, and streamlit-webrtc shows the last frame returned meanwhile.
    """
    one = make_frame_callback(stream)

    async def callback(frames):
        newest = frames[-1].time if frames else None
        out = []
        for frame in frames:
            queued_after_s = None if newest is None or frame.time is None else max(newest - frame.time, 0.0)
            if queued_after_s is not None and queued_after_s > MAX_QUEUE_S:
                stream.drop(frame.time)  # too stale to show: even passing it through would keep us behind
                continue
            out.append(one(frame, queued_after_s))
        return out

    return callback
