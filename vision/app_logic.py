"""Page logic for app.py that needs no Streamlit: samples, uploads, tables, live panel text.

Everything the web page shows is computed here from engine objects (Report,
LiveSnapshot, Technique) so it can be unit tested without a browser; app.py only
places the results in widgets. Nothing here imports streamlit.
"""

from __future__ import annotations

import json
import math
import os
import shutil
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import numpy as np

from .coach import DEFAULT_TECHNIQUE, SAFETY, TECHNIQUES
from .routines import RoutineClock, TimerRoutine, fmt_clock, routine_speed
from .motion import LABELS, NO_HAND
from .report import Report

ROOT = Path(__file__).resolve().parents[1]
SAMPLES_ENV = "CROSSGRAIN_SAMPLE_DIR"  # another folder of sample clips (tests, demos)
ICE_ENV = "CROSSGRAIN_ICE_SERVERS"  # JSON list of ICE servers; none (no STUN/TURN contacted) by default

UPLOAD_TYPES = ("mp4", "mov", "webm", "avi", "mkv")
STALL_S = 2.0  # playing, but no frame for this long: the camera has stopped sending

LABEL_TITLES = {"cross_grain": "Cross-grain", "lengthwise": "Lengthwise", "oblique": "Oblique",
                "hold": "Hold", "no_hand": "No hand"}
# Same hues as the video overlay: green good, orange in between, red wrong, grey idle.
LABEL_COLOURS = {"cross_grain": "#2ecc40", "oblique": "#ffb000", "lengthwise": "#e62d2d",
                 "hold": "#3d8bfd", "no_hand": "#969696"}

# From the techniques registry (vision/techniques.toml): the warnings, what the camera cannot see,
# and that the tool coaches form and does not diagnose.
SAFETY_NOTES = (*SAFETY.warnings, SAFETY.camera_limits, SAFETY.disclaimer)

CAMERA_HELP = (
    "If the camera does not start: allow camera access when the browser asks (or in the address bar's "
    "camera icon), close other programs that use the camera, and open the page as http://localhost or over "
    "HTTPS (browsers refuse cameras on other plain-http addresses). No camera? Use **Analyse a video** "
    "with a bundled sample."
)


# --------------------------------------------------------------------------- samples

@dataclass(frozen=True)
class Sample:
    """A bundled clip, with the truth JSON beside it when there is one."""

    name: str
    path: Path
    truth_path: Path | None
    foot_axis_deg: float | None
    description: str = ""

    def truth(self) -> dict | None:
        return load_truth(self.truth_path) if self.truth_path else None


def samples_dir() -> Path:
    return Path(os.environ.get(SAMPLES_ENV) or ROOT / "sample_videos")


def list_samples(folder: str | Path | None = None) -> list[Sample]:
    """The ``*.mp4`` clips of ``folder`` (default sample_videos/), sorted by name."""
    folder = Path(folder) if folder is not None else samples_dir()
    out = []
    for path in sorted(folder.glob("*.mp4")) if folder.is_dir() else []:
        truth_path = path.with_name(path.stem + ".truth.json")
        axis = None
        description = ""
        if truth_path.is_file():
            truth = load_truth(truth_path)
            if truth is None:
                truth_path = None
            else:
                axis = truth.get("foot_axis_deg")
                description = describe_truth(truth)
        else:
            truth_path = None
        out.append(Sample(path.stem, path, truth_path, None if axis is None else float(axis), description))
    return out


def load_truth(path: str | Path) -> dict | None:
    try:
        data = json.loads(Path(path).read_text())
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def describe_truth(truth: dict) -> str:
    """'cross_grain 12 s, hold 8 s' from a truth JSON's segments."""
    parts = []
    for s in truth.get("segments", []):
        try:
            parts.append(f"{label_title(s['label']).lower()} {float(s['end_s']) - float(s['start_s']):.0f} s")
        except (KeyError, TypeError, ValueError):
            continue
    return ", ".join(parts)


# --------------------------------------------------------------------------- uploads

class UploadError(ValueError):
    """An upload refused before analysis; the message is meant for a person."""


def check_upload(display_name: str, size_bytes: int, max_mb: float) -> str:
    """Validate an upload's name and size; return the suffix to store it under (e.g. '.mp4').

    The user's file name is only ever shown, never used as a path.
    """
    suffix = Path(display_name or "").suffix.lower()
    if suffix.lstrip(".") not in UPLOAD_TYPES:
        raise UploadError(f"“{display_name}” is not a supported video type: upload one of "
                          f"{', '.join('.' + t for t in UPLOAD_TYPES)}.")
    if size_bytes <= 0:
        raise UploadError(f"“{display_name}” is empty (0 bytes).")
    if size_bytes > max_mb * 1024 * 1024:
        raise UploadError(f"“{display_name}” is {size_bytes / 1024 / 1024:.0f} MB; the limit is {max_mb:.0f} MB. "
                          "Trim the video or lower its resolution.")
    return suffix


def read_max_upload_mb(config_path: str | Path | None = None, default: float = 200.0) -> float:
    """server.maxUploadSize from .streamlit/config.toml (what Streamlit itself enforces)."""
    path = Path(config_path) if config_path else ROOT / ".streamlit" / "config.toml"
    try:
        import tomllib
        data = tomllib.loads(path.read_text())
        return float(data.get("server", {}).get("maxUploadSize", default))
    except (OSError, ValueError, ImportError):
        return default


class PrivateDir:
    """A private temporary folder (mkdtemp, mode 0700) deleted on exit, whatever happens."""

    def __init__(self, prefix: str = "crossgrain-"):
        self.path = Path(tempfile.mkdtemp(prefix=prefix))

    def __enter__(self) -> Path:
        return self.path

    def __exit__(self, *exc) -> None:
        shutil.rmtree(self.path, ignore_errors=True)


@dataclass
class Analysis:
    """One finished analysis, kept in the page's session state across reruns."""

    display_name: str
    report: Report
    video_mp4: bytes | None
    technique_name: str
    truth: dict | None = None
    elapsed_s: float = 0.0


def analyze_bytes(data: bytes, display_name: str, foot_axis_deg: float, technique_name: str,
                  max_mb: float, progress: Callable[[int, int | None], None] | None = None,
                  analyze: Callable | None = None) -> Analysis:
    """Check an upload, store it in a private temp dir under a fixed name, analyse it, delete it.

    Raises UploadError for a refused upload and vision.video.VideoError for a file that is no video.
    """
    from .video import VideoError

    suffix = check_upload(display_name, len(data), max_mb)
    with PrivateDir() as tmp:
        src = tmp / f"upload{suffix}"
        src.write_bytes(data)
        try:
            return analyze_path(src, display_name, foot_axis_deg, technique_name, progress, analyze=analyze,
                                tmp=tmp)
        except VideoError as exc:  # name the user's file, not our private temp path
            raise VideoError(str(exc).replace(str(src), f"“{display_name}”")) from None


def analyze_path(path: str | Path, display_name: str, foot_axis_deg: float, technique_name: str,
                 progress: Callable[[int, int | None], None] | None = None, truth: dict | None = None,
                 analyze: Callable | None = None, tmp: Path | None = None) -> Analysis:
    """Analyse a video file (offline labels) with an annotated H.264 copy read back into memory."""
    if analyze is None:
        from .pipeline import analyze_video as analyze
    t0 = time.monotonic()
    with PrivateDir() as own_tmp:
        out = (tmp or own_tmp) / "annotated.mp4"
        report = analyze(path, foot_axis_deg, causal=False, progress=progress, annotated_path=out,
                         technique_name=technique_name)
        report.source = display_name
        video = out.read_bytes() if out.is_file() and out.stat().st_size > 0 else None
    return Analysis(display_name, report, video, technique_name, truth, time.monotonic() - t0)


def progress_fraction(done: int, total: int | None, duration_hint_frames: int | None = None) -> float:
    """0..1 for st.progress; an unknown total uses a hint or creeps towards 0.95."""
    total = total or duration_hint_frames
    if total:
        return min(max(done / total, 0.0), 1.0)
    return min(0.95, 1.0 - math.exp(-done / 600.0))


# --------------------------------------------------------------------------- report tables

def label_title(label: str) -> str:
    return LABEL_TITLES.get(label, label.replace("_", " ").capitalize())


def _fmt(v: float | None, digits: int = 1) -> float | None:
    return None if v is None else round(float(v), digits)


def segment_rows(report: Report) -> list[dict]:
    """One row a segment, for st.dataframe: times in s, rate /min, amplitude in palm widths."""
    return [{
        "label": s.label,
        "start_s": round(s.start_s, 2),
        "end_s": round(s.end_s, 2),
        "duration_s": round(s.duration_s, 2),
        "rate_per_min": _fmt(s.rate_per_min, 0),
        "amplitude_palm": _fmt(s.amplitude_palm, 2),
        "angle_to_grain_deg": _fmt(s.angle_to_grain_deg, 0),
    } for s in report.segments]


def hold_rows(report: Report) -> list[dict]:
    return [{"start_s": round(h.start_s, 2), "end_s": round(h.end_s, 2), "duration_s": round(h.duration_s, 1),
             "drift_palm": round(h.drift_palm, 3)} for h in report.holds]


def time_by_label(report: Report) -> dict[str, float]:
    totals = Counter({label: 0.0 for label in LABELS})
    for s in report.segments:
        totals[s.label] += s.duration_s
    return dict(totals)


def dominant_label(report: Report, include_no_hand: bool = False) -> str | None:
    """The label with the most time (no_hand only counts when asked)."""
    totals = {k: v for k, v in time_by_label(report).items() if v > 0 and (include_no_hand or k != NO_HAND)}
    return max(totals, key=totals.get) if totals else None


def timeline_rows(report: Report) -> list[dict]:
    """Bars for the timeline chart: one a segment, with start/end seconds and the label's title."""
    return [{"label": s.label, "title": label_title(s.label), "start_s": round(s.start_s, 3),
             "end_s": round(s.end_s, 3), "duration_s": round(s.duration_s, 2)} for s in report.segments]


def label_colour_scale(labels: list[str] | None = None) -> tuple[list[str], list[str]]:
    """(domain, range) for a colour scale that gives each label its fixed colour."""
    domain = list(labels) if labels else list(LABELS)
    return domain, [LABEL_COLOURS.get(label, "#7f7f7f") for label in domain]


def summary_rows(report: Report, technique_name: str | None = None) -> list[tuple[str, str]]:
    """The summary as (what, value) pairs a person reads."""
    s = report.summary or {}
    rows = [("Video length", f"{report.duration_s:.1f} s"),
            ("Frames analysed", f"{s.get('frames', len(report.frames))}"),
            ("Hand found in", f"{100 * s.get('hand_found_fraction', 0.0):.0f}% of frames")]
    for label, secs in (s.get("time_by_label_s") or {}).items():
        if secs:
            rows.append((f"Time {label_title(label).lower()}", f"{secs:.1f} s"))
    if s.get("stroking_s"):
        rows.append(("Stroking in total", f"{s['stroking_s']:.1f} s"))
    if s.get("cross_grain_share") is not None:
        rows.append(("Strokes across the grain", f"{100 * s['cross_grain_share']:.0f}%"))
    rows.append(("Holds", f"{s.get('holds', len(report.holds))}"))
    if s.get("longest_hold_s"):
        rows.append(("Longest hold", f"{s['longest_hold_s']:.1f} s"))
    if technique_name in TECHNIQUES:
        tech = TECHNIQUES[technique_name]
        good = sum(time_by_label(report)[lab] for lab in tech.good_labels)
        rows.append((f"Time doing {tech.title.lower()} right", f"{good:.1f} s"))
        if tech.target_hold_s and s.get("longest_hold_s") is not None:
            rows.append(("Hold target", f"{tech.target_hold_s:.0f} s"))
    if s.get("note"):
        rows.append(("Note", str(s["note"])))
    return rows


def verdict(report: Report, technique_name: str) -> tuple[str, str]:
    """('good'|'warn'|'bad'|'idle', one sentence) on the whole video for the chosen technique."""
    tech = TECHNIQUES.get(technique_name) or TECHNIQUES[DEFAULT_TECHNIQUE]
    totals = time_by_label(report)
    seen = sum(v for k, v in totals.items() if k != NO_HAND)
    if seen <= 0:
        return "idle", "No hand was found in this video: film the hand and the foot together, in good light."
    good = sum(totals[lab] for lab in tech.good_labels)
    bad = sum(totals[lab] for lab in tech.bad_labels)
    share = good / seen
    top = dominant_label(report)
    text = (f"{tech.title}: {good:.1f} s of {seen:.1f} s with the hand in view done right ({100 * share:.0f}%); "
            f"most of the time: {label_title(top).lower()}.")
    if share >= 0.6:
        return "good", text
    if bad > good:
        return "bad", text
    return "warn", text


def truth_rows(report: Report, truth: dict) -> list[dict]:
    """Each scripted segment of a sample against what was measured over the same time."""
    frames = report.frames
    times = np.array([f.t for f in frames]) if frames else np.empty(0)
    rows = []
    for seg in truth.get("segments", []):
        try:
            start = float(seg["start_s"]) + float(seg.get("glide_s") or 0.0)
            end = float(seg["end_s"])
            label = seg["label"]
        except (KeyError, TypeError, ValueError):
            continue
        idx = np.nonzero((times >= start) & (times < end))[0] if len(times) else []
        measured = Counter(frames[k].label for k in idx)
        top, n = measured.most_common(1)[0] if measured else (None, 0)
        rows.append({"truth": label, "from_s": round(start, 2), "to_s": round(end, 2),
                     "measured (most frames)": top,
                     "frames agreeing": f"{100 * measured.get(label, 0) / max(len(idx), 1):.0f}%"})
    return rows


def truth_frame_agreement(report: Report, truth: dict) -> float | None:
    """Share of frames (glides left out) whose measured label equals the truth's, matched by time."""
    tframes = [f for f in truth.get("frames", []) if isinstance(f, dict) and f.get("phase") != "glide"]
    if not tframes or not report.frames:
        return None
    times = np.array([f.t for f in report.frames])
    hits = 0
    for tf in tframes:
        k = int(np.argmin(np.abs(times - float(tf["t"]))))
        hits += report.frames[k].label == tf["label"]
    return hits / len(tframes)


# --------------------------------------------------------------------------- live page

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


MAX_BEHIND_S = 0.25  # live frames later than this (beyond the usual) are passed through to catch up
MAX_CATCH_UP_S = 1.0  # ... for at most this long at a time


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
    """

    coach_factory: Callable
    foot_axis_deg: float = 90.0
    technique_name: str = DEFAULT_TECHNIQUE
    _coach: object = None
    _clock: StreamClock = field(default_factory=StreamClock)
    _stopped: bool = False
    _closed: bool = False  # the browser session ended: late frames pass through untouched
    error: str | None = None
    skipped: int = 0  # frames passed through unanalysed to catch up with the camera
    _catching_up_since: float | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def coach(self):
        with self._lock:
            if self._coach is None:
                self._coach = self.coach_factory(self.foot_axis_deg, self.technique_name)
            return self._coach

    def configure(self, foot_axis_deg: float, technique_name: str) -> None:
        with self._lock:
            changed = (foot_axis_deg, technique_name) != (self.foot_axis_deg, self.technique_name)
            self.foot_axis_deg, self.technique_name = foot_axis_deg, technique_name
            coach = self._coach
        if changed and coach is not None:
            coach.configure(foot_axis_deg, technique_name)

    def process(self, rgb: np.ndarray, raw_t: float | None) -> np.ndarray:
        with self._lock:
            if self._closed:
                return rgb
            if self._stopped or self._coach is None:
                old = self._coach
                self._coach = self.coach_factory(self.foot_axis_deg, self.technique_name)
                self._clock = StreamClock()
                self._stopped = False
                if old is not None:
                    old.close()
            coach, clock = self._coach, self._clock
        t = clock(raw_t)
        if clock.behind_s > MAX_BEHIND_S:
            # Frames are processed as they come (no dropping inside streamlit-webrtc), so a
            # machine too slow for the camera would fall further and further behind: pass
            # frames through untouched until the stream is live again. A delay that passing
            # through does not cure (it is not ours) becomes the new normal.
            now = time.monotonic()
            if self._catching_up_since is None:
                self._catching_up_since = now
            if now - self._catching_up_since > MAX_CATCH_UP_S:
                clock.accept_lag()
                self._catching_up_since = None
            else:
                self.skipped += 1
                return rgb
        else:
            self._catching_up_since = None
        return coach.process(rgb, t)

    def mark_stopped(self) -> None:
        """The page saw the stream idle: the next frame starts a new session."""
        with self._lock:
            if self._coach is not None:
                self._stopped = True

    def has_frames(self) -> bool:
        with self._lock:
            coach = self._coach
        return coach is not None and coach.snapshot().frames > 0

    def snapshot(self):
        return self.coach.snapshot()

    def report(self) -> Report | None:
        with self._lock:
            coach = self._coach
        return coach.report() if coach is not None and coach.snapshot().frames > 0 else None

    def close(self) -> None:
        with self._lock:
            coach, self._coach = self._coach, None
            self._closed = True
        if coach is not None:
            coach.close()

    def __del__(self):  # the browser session is gone: free its tracker
        try:
            self.close()
        except Exception:  # noqa: BLE001 - never raise from a finaliser
            pass


def make_frame_callback(stream: "LiveStream") -> Callable:
    """The streamlit-webrtc video_frame_callback: av.VideoFrame in, annotated av.VideoFrame out.

    Thin on purpose; it runs in a worker thread and never touches Streamlit. An engine
    error is kept on the stream (the page shows it) and the frame passes through unchanged.
    """
    import av

    def callback(frame):
        img = frame.to_ndarray(format="rgb24")
        try:
            out = stream.process(img, frame.time)
        except Exception as exc:  # noqa: BLE001 - shown on the page, not lost in a thread
            stream.error = f"{type(exc).__name__}: {exc}"
            return frame
        new = av.VideoFrame.from_ndarray(np.ascontiguousarray(out), format="rgb24")
        new.pts = frame.pts
        new.time_base = frame.time_base
        return new

    return callback


def make_queued_frames_callback(stream: "LiveStream") -> Callable:
    """streamlit-webrtc's queued_video_frames_callback: every frame that arrived, in order.

    Runs in the component's own worker thread (not the WebRTC event loop that all
    sessions share), and gets all the frames that came while the previous call was
    busy: WebRTC hands frames over in bursts, and a callback that took only the newest
    would drop the rest. Each frame gets its own overlay; a stream that falls behind is
    caught up by LiveStream passing late frames through.
    """
    one = make_frame_callback(stream)

    async def callback(frames):
        return [one(frame) for frame in frames]

    return callback


@dataclass(frozen=True)
class LivePanel:
    """What the panel beside the video shows, as text."""

    status: str  # 'waiting' | 'live' | 'stalled' | 'stopped'
    message: str
    technique: str
    label: str
    quality: str
    good_time: str
    rate: str
    hold: str
    longest_hold: str
    correction: str
    fps: str
    fps_value: float
    score: str = "–"
    components: tuple = ()  # ((title, "80%"), ...)
    guide: str | None = None
    holds_completed: str | None = None
    side: str | None = None


def fmt_duration(seconds: float | None) -> str:
    if seconds is None:
        return "–"
    seconds = max(0.0, float(seconds))
    if seconds < 60:
        return f"{seconds:.1f} s"
    return f"{int(seconds // 60)}:{int(seconds % 60):02d} min"


def live_panel(snap, playing: bool, now: float | None = None, stall_s: float = STALL_S) -> LivePanel:
    """Turn a LiveSnapshot into the panel's text; says so when frames stop arriving."""
    now = time.monotonic() if now is None else now
    tech = TECHNIQUES.get(snap.technique)
    title = tech.title if tech else snap.technique
    if not playing:
        status, message = ("stopped", "Camera stopped. The session's report is below.") if snap.frames else \
            ("waiting", "Press START to turn on the camera.")
    elif snap.last_frame_wall is None:
        status, message = "waiting", "Connecting to the camera… (allow camera access if the browser asks)"
    elif now - snap.last_frame_wall > stall_s:
        status, message = "stalled", (f"The camera stopped sending frames {now - snap.last_frame_wall:.0f} s ago: "
                                      "check that it is still connected and not used by another program, "
                                      "or press STOP and START again.")
    else:
        status, message = "live", "Live"
    # the hold timer counts only while the hold is good (snap.hold_good_s), when the coach keeps one
    hold_s = snap.hold_good_s if getattr(snap, "hold_good_s", None) is not None else snap.hold_s
    if tech and tech.target_hold_s:
        hold = f"{fmt_duration(hold_s)} of {tech.target_hold_s:.0f} s"
    else:
        hold = fmt_duration(hold_s)
    paused = getattr(snap, "hold_paused", None)
    if paused and status == "live":
        hold += " (paused)"
    correction = snap.correction or ("Good: keep going" if snap.quality == "good" else "–")
    if status != "live":
        correction = "–"
    return LivePanel(
        status=status, message=message, technique=title, label=label_title(snap.label), quality=snap.quality,
        good_time=fmt_duration(snap.good_s),
        rate="–" if snap.rate_per_min is None else f"{snap.rate_per_min:.0f} /min",
        hold=hold, longest_hold=fmt_duration(snap.longest_hold_s), correction=correction,
        fps=f"{snap.fps:.1f} fps" if status == "live" else "–", fps_value=float(snap.fps),
        score="–" if getattr(snap, "score", None) is None or not snap.frames else f"{snap.score:.0f} / 100",
        components=tuple((COMPONENT_TITLES.get(k, k), f"{100 * v:.0f}%") for k, v in getattr(snap, "components", ())),
        guide=(paused.capitalize() if paused and status == "live" and not getattr(snap, "guide", None)
               else getattr(snap, "guide", None)) if status == "live" else None,
        holds_completed=(f"{snap.holds_completed}" if tech and tech.kind == "hold" and tech.target_hold_s else None),
        side=(f"{snap.side}: " + ", ".join(fmt_duration(w) for w in snap.side_work_s)
              if getattr(snap, "side", None) else None),
    )


def axis_preview_svg(foot_axis_deg: float, size: int = 88) -> str:
    """A small drawing of the foot axis as it will lie on the video (screen angle, CCW from +x).

    Dashed and named "grain" as the overlay draws it; an axis has no direction, so no arrow head.
    """
    c = size / 2
    r = size * 0.40
    a = math.radians(foot_axis_deg)
    dx, dy = r * math.cos(a), -r * math.sin(a)
    x1, y1, x2, y2 = c - dx, c - dy, c + dx, c + dy
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{size}" height="{size + 18}" '
            f'viewBox="0 0 {size} {size + 18}" role="img" aria-label="foot axis {foot_axis_deg:.0f} degrees">'
            f'<rect x="1" y="1" width="{size - 2}" height="{size - 2}" rx="8" fill="#1e1e1e" stroke="#555"/>'
            f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" stroke="rgb(80,200,255)" '
            f'stroke-width="4" stroke-dasharray="8 5" stroke-linecap="round"/>'
            f'<text x="{c:.0f}" y="{size + 14}" fill="#888" font-size="12" text-anchor="middle" '
            f'font-family="sans-serif">grain {foot_axis_deg:.0f}°</text></svg>')


def technique_options() -> dict[str, str]:
    """name -> title, from the engine's registry (whatever techniques it has)."""
    return {name: t.title for name, t in TECHNIQUES.items()}


# --------------------------------------------------------------------------- coaching

COMPONENT_TITLES = {"direction": "Right direction", "rate": "Rate in range", "amplitude": "Stroke size in range",
                    "time": "Time done", "stillness": "Still holding", "completion": "Hold completed",
                    "reps": "Repetitions", "followed": "Routine followed"}


def technique_targets(technique_name: str) -> list[str]:
    tech = TECHNIQUES.get(technique_name)
    return tech.describe_targets() if tech else []


def coaching_rows(coaching: dict | None) -> list[tuple[str, str]]:
    """Score and its components as (what, value) pairs."""
    if not coaching:
        return []
    rows = [("Technique", coaching.get("title", ""))]
    if coaching.get("score") is None:
        rows.append(("Score", "– (no camera: a guided timer)"))
        return rows
    rows.append(("Score", f"{coaching['score']} / 100"))
    for k, v in coaching.get("components", {}).items():
        rows.append((COMPONENT_TITLES.get(k, k), f"{100 * v:.0f}%"))
    d = coaching.get("debrief", {})
    rows.append(("Time done right", f"{d.get('good_s', 0):.1f} s of {d.get('time_s', 0):.1f} s"))
    if "holds_completed" in d:
        rows.append(("Holds completed", f"{d['holds_completed']} (longest good hold {d['longest_good_hold_s']:.1f} s)"))
    for side in d.get("sides", []):
        rows.append((f"Work on the {side['side']}", f"{side['work_s']:.0f} s"))
    if "reps_done" in d:
        rows.append(("Repetitions done", str(d["reps_done"])))
    return rows


def debrief_markdown(coaching: dict | None) -> str:
    """The debrief as markdown: top corrections, what to do next, what the camera cannot see."""
    if not coaching:
        return ""
    d = coaching.get("debrief", {})
    lines = []
    if d.get("top_corrections"):
        lines.append("**Top corrections**")
        lines += [f"{k}. {c['tip']} ({c['seconds']:.0f} s)" for k, c in enumerate(d["top_corrections"], 1)]
    if d.get("next"):
        lines.append("**What to do next**")
        lines += [f"- {step}" for step in d["next"]]
    if coaching.get("camera_cannot_see"):
        lines.append(f"\n_{coaching['camera_cannot_see']}_")
    return "\n".join(lines)


# --------------------------------------------------------------------------- guided timers (no camera)

@dataclass
class RoutineRun:
    """A guided timer in progress (kept in st.session_state); the clock may run faster for demos."""

    technique_name: str
    clock: RoutineClock = field(default_factory=lambda: RoutineClock(routine_speed()))

    @property
    def routine(self) -> TimerRoutine:
        return TimerRoutine.from_technique(TECHNIQUES[self.technique_name])


@dataclass(frozen=True)
class RoutineView:
    status: str  # 'ready' | 'running' | 'paused' | 'done'
    cue: str
    heads_up: str | None
    remaining: str  # of this step, m:ss
    total_remaining: str
    fraction: float
    steps: tuple  # ((cue, 'done'|'now'|'next'), ...) in order, the end included
    score: int


def routine_view(run: RoutineRun) -> RoutineView:
    routine = run.routine
    elapsed = run.clock.elapsed()
    state = routine.at(elapsed)
    if state.done:
        status = "done"
    elif run.clock.running:
        status = "running"
    else:
        status = "paused" if elapsed > 0 else "ready"
    steps = []
    for k, cue in enumerate(routine.cues()):
        steps.append((cue, "done" if k < state.index else "now" if k == state.index else "next"))
    cue = state.cue if status != "ready" else f"Ready: {routine.step_cue(routine.steps[0])}"
    return RoutineView(status, cue, state.heads_up if status == "running" else None,
                       fmt_clock(state.remaining_s), fmt_clock(routine.total_s - min(elapsed, routine.total_s)),
                       state.fraction, tuple(steps), round(100 * state.fraction))


def routine_speed_env() -> str:
    from .routines import SPEED_ENV
    return SPEED_ENV
