"""Soak run: a long live session through LiveCoach, watching memory and speed.

    python tools/soak.py --minutes 30          # real time (30 fps), about 30 minutes
    python tools/soak.py --minutes 2 --fast    # as fast as the machine goes

A sample clip (sample_videos/*.mp4) is streamed in a loop as 640x480 RGB frames with
30 fps timestamps (as a webcam would send them) into one LiveCoach: the same object the
live page uses, one tracker, one session. Every minute (--every) it prints the resident
memory (MB) and the frames processed a second; at the end the memory drift per hour of
session (a straight-line fit of RSS against the frames' time, the first fifth left out as
warm-up; the session keeps every frame's record for its report, so some growth is by
design: a few hundred bytes a frame), the time
to build the session's report, and whether the report kept every frame.

A benchmark, not a test: run it by hand; it uses one core (two with --fast).
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import cv2  # noqa: E402
import numpy as np  # noqa: E402

FPS = 30.0
SIZE = (640, 480)


def rss_mb() -> float:
    """Resident memory now (MB), from /proc; the peak from getrusage where /proc is missing."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024.0
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def looped_frames(clip: Path):
    """640x480 RGB frames of ``clip``, over and over."""
    from vision.io.video import iter_frames

    while True:
        for frame in iter_frames(clip):
            rgb = frame.rgb
            if (rgb.shape[1], rgb.shape[0]) != SIZE:
                rgb = cv2.resize(rgb, SIZE, interpolation=cv2.INTER_AREA)
            yield rgb


def drift_per_hour(samples: list[tuple[float, float]]) -> float | None:
    """MB per hour of session: slope of RSS against session time, the first fifth left out as warm-up."""
    if len(samples) < 3:
        return None
    t_end = samples[-1][0]
    steady = [(t, m) for t, m in samples if t >= 0.2 * t_end] or samples
    if len(steady) < 2:
        return None
    t = np.array([s[0] for s in steady])
    m = np.array([s[1] for s in steady])
    if np.ptp(t) <= 0:
        return None
    slope = np.polyfit(t, m, 1)[0]  # MB per second
    return float(slope * 3600.0)


def main(argv: list[str] | None = None) -> int:
    from vision.live import LiveCoach

    default_clip = sorted((ROOT / "sample_videos").glob("*.mp4"))
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--minutes", type=float, default=30.0, help="how long to run (default 30)")
    parser.add_argument("--fast", action="store_true", help="do not wait for real time: as fast as possible")
    parser.add_argument("--clip", type=Path, default=default_clip[0] if default_clip else None,
                        help="the clip to loop (default: the first of sample_videos/)")
    parser.add_argument("--every", type=float, default=60.0, help="seconds between printed lines (default 60)")
    parser.add_argument("--foot-axis", type=float, default=90.0)
    parser.add_argument("--technique", default="cross_friction")
    args = parser.parse_args(argv)
    if args.clip is None or not args.clip.is_file():
        parser.error(f"no clip to loop: {args.clip} (make samples with `make samples`)")

    run_s = args.minutes * 60.0
    print(f"soak: {args.clip.name} looped as {SIZE[0]}x{SIZE[1]} at {FPS:.0f} fps timestamps, "
          f"{args.minutes:g} min, {'fast' if args.fast else 'real time'}; pid {os.getpid()}", flush=True)
    coach = LiveCoach(args.foot_axis, args.technique)
    frames = looped_frames(args.clip)
    rss0 = rss_mb()
    samples: list[tuple[float, float]] = [(0.0, rss0)]
    print(f"{'min':>6} {'frames':>8} {'fps':>6} {'RSS MB':>8}  label", flush=True)
    start = time.monotonic()
    next_print = args.every
    next_sample = 5.0
    n = 0
    n_at_print, t_at_print = 0, 0.0
    try:
        while True:
            elapsed = time.monotonic() - start
            if elapsed >= run_s:
                break
            t = n / FPS  # the frame's own (camera) time
            if not args.fast and t > elapsed:
                time.sleep(min(t - elapsed, 0.05))
                continue
            coach.process(next(frames), t)
            n += 1
            elapsed = time.monotonic() - start
            if elapsed >= next_sample:
                samples.append((n / FPS, rss_mb()))  # against session time: same figure fast or not
                next_sample += 5.0
            if elapsed >= next_print:
                fps = (n - n_at_print) / max(elapsed - t_at_print, 1e-9)
                print(f"{elapsed / 60:6.1f} {n:8d} {fps:6.1f} {rss_mb():8.1f}  {coach.snapshot().label}", flush=True)
                n_at_print, t_at_print = n, elapsed
                next_print += args.every
    except KeyboardInterrupt:
        print("soak: interrupted, figures so far:", flush=True)
    elapsed = time.monotonic() - start
    samples.append((n / FPS, rss_mb()))
    if n > n_at_print:
        fps = (n - n_at_print) / max(elapsed - t_at_print, 1e-9)
        print(f"{elapsed / 60:6.1f} {n:8d} {fps:6.1f} {samples[-1][1]:8.1f}  {coach.snapshot().label}", flush=True)
    t_report = time.monotonic()
    report = coach.report()
    report_s = time.monotonic() - t_report
    coach.close()
    drift = drift_per_hour(samples)
    print(f"soak: {n} frames in {elapsed / 60:.1f} min, {n / max(elapsed, 1e-9):.1f} fps processed overall "
          f"({n / FPS / 60:.1f} min of video)")
    print(f"soak: RSS {rss0:.0f} MB at start, {samples[-1][1]:.0f} MB at the end, "
          f"peak {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")
    print("soak: memory drift " + (f"{drift:+.1f} MB per hour of session" if drift is not None else "n/a (run too short)")
          + (f" ({drift / (FPS * 3600) * 1e6:+.0f} bytes per frame at {FPS:.0f} fps)" if drift is not None else "")
          + ("; short runs overstate it (warm-up)" if drift is not None and n / FPS < 600 else ""))
    print(f"soak: report of the whole session built in {report_s:.2f} s: {len(report.frames)} frames kept "
          f"({'all' if len(report.frames) == n else 'MISSING ' + str(n - len(report.frames))}), "
          f"{len(report.segments)} segments, {len(report.holds)} holds")
    return 0 if len(report.frames) == n else 1


if __name__ == "__main__":
    raise SystemExit(main())
