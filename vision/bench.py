"""`crossgrain bench`: MediaPipe alone vs the whole analysis, speed and peak memory.

Prints, on one video in one run: ms a frame for MediaPipe alone on frames
already decoded into memory, ms a frame for the whole analysis (decode, track,
analyse, offline relabel, report), their ratio, how many times faster than
real time the analysis runs, and the peak memory of analysing the video and a
10x longer copy of it (each in a fresh process, so one does not inherit the
other's peak), and the upload page's work on a 30 s copy: offline analysis
plus the annotated H.264 video.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from .io.video import VideoWriter, iter_frames, probe

DEFAULT_VIDEO = Path(__file__).resolve().parents[1] / "sample_videos" / "cross_friction_good.mp4"


def _time_mediapipe_alone(path: Path, frames: int) -> tuple[float, int]:
    from .io.tracking import HandTracker

    decoded = []
    for f in iter_frames(path):
        decoded.append(f)
        if len(decoded) >= frames:
            break
    with HandTracker() as tracker:
        tracker.process(decoded[0].rgb, 0.0)  # warm-up
        start = time.perf_counter()
        for f in decoded[1:]:
            tracker.process(f.rgb, f.t)
        elapsed = time.perf_counter() - start
    return 1000.0 * elapsed / max(len(decoded) - 1, 1), len(decoded)


def _time_whole(path: Path) -> tuple[float, int, float]:
    from .pipeline import analyze_video

    start = time.perf_counter()
    report = analyze_video(path, 90.0)
    elapsed = time.perf_counter() - start
    n = len(report.frames)
    return 1000.0 * elapsed / max(n, 1), n, report.duration_s


def make_longer(path: Path, out: Path, times: int | None = None, duration_s: float | None = None) -> None:
    """Write a video looped ``times`` times, or until ``duration_s`` (re-encoded, timestamps continued)."""
    info = probe(path)
    step = 1.0 / info.fps
    offset, copies = 0.0, 0
    with VideoWriter(out, fps=info.fps, preset="ultrafast") as writer:
        while (times is None or copies < times) and (duration_s is None or offset < duration_s):
            last = 0.0
            for f in iter_frames(path):
                if duration_s is not None and offset + f.t >= duration_s:
                    break
                writer.write(f.rgb, offset + f.t)
                last = f.t
            offset += last + step
            copies += 1


def _time_upload(path: Path, seconds: float = 30.0) -> tuple[float, float]:
    """(wall seconds, video seconds) of the upload page's work on a ``seconds`` long copy of ``path``:
    offline analysis plus the annotated H.264 video."""
    from .pipeline import analyze_video

    with tempfile.TemporaryDirectory() as tmp:
        clip = Path(tmp) / "upload.mp4"
        make_longer(path, clip, duration_s=seconds)
        start = time.perf_counter()
        report = analyze_video(clip, 90.0, annotated_path=Path(tmp) / "annotated.mp4")
        return time.perf_counter() - start, report.duration_s


def peak_memory_mb(path: Path) -> tuple[float, int]:
    """Peak resident memory (MB) of a fresh process analysing ``path``, and the frames it analysed."""
    # VmHWM, not ru_maxrss: the latter can carry the forking parent's peak across exec.
    code = (
        "from vision.pipeline import analyze_video\n"
        f"r = analyze_video({str(path)!r}, 90.0)\n"
        "hwm = next(l for l in open('/proc/self/status') if l.startswith('VmHWM'))\n"
        "print(int(hwm.split()[1]) / 1024, len(r.frames))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    mb, frames = out.stdout.strip().splitlines()[-1].split()
    return float(mb), int(frames)


def run_bench(video: str | None = None, frames: int = 300, memory: bool = True) -> int:
    path = Path(video) if video else DEFAULT_VIDEO
    info = probe(path)
    print(f"video: {path.name}  {info.width}x{info.height}  {info.fps:.1f} fps  "
          f"{info.duration_s or 0:.1f} s")
    mp_ms, n_alone = _time_mediapipe_alone(path, frames)
    whole_ms, n_whole, duration = _time_whole(path)
    realtime = (duration / (whole_ms * n_whole / 1000.0)) if whole_ms else float("inf")
    print(f"MediaPipe alone (decoded frames in memory, {n_alone} frames): {mp_ms:6.2f} ms/frame")
    print(f"whole analysis (decode+track+analyse+report, {n_whole} frames): {whole_ms:6.2f} ms/frame")
    print(f"ratio whole / MediaPipe alone: {whole_ms / mp_ms:.3f}")
    print(f"speed: {realtime:.1f}x faster than real time ({1000.0 / whole_ms:.0f} frames/s)")
    result = {"mediapipe_ms": mp_ms, "whole_ms": whole_ms, "ratio": whole_ms / mp_ms, "realtime_x": realtime}
    upload_s, upload_video_s = _time_upload(path)
    print(f"upload page: {upload_video_s:.0f} s {info.width}x{info.height} clip analysed, annotated video "
          f"included, in {upload_s:.1f} s")
    result["upload_30s_clip_s"] = upload_s
    if memory:
        with tempfile.TemporaryDirectory() as tmp:
            longer = Path(tmp) / "longer.mp4"
            make_longer(path, longer, 10)
            short_mb, short_frames = peak_memory_mb(path)
            long_mb, long_frames = peak_memory_mb(longer)
        print(f"peak memory: {short_mb:.0f} MB ({short_frames} frames), "
              f"{long_mb:.0f} MB (10x longer, {long_frames} frames)")
        result.update(peak_short_mb=short_mb, peak_long_mb=long_mb)
    print("json: " + json.dumps({k: round(v, 3) for k, v in result.items()}))
    return 0
