"""`crossgrain bench [VIDEO]`: MediaPipe alone against the whole analysis, and peak memory."""

from __future__ import annotations

from .common import positive_int


def cmd_bench(args) -> int:
    from ..bench import run_bench

    return run_bench(args.video, frames=args.frames)


def register(sub) -> None:
    b = sub.add_parser("bench", help="time MediaPipe alone vs the whole analysis, and peak memory")
    b.add_argument("video", nargs="?", default=None, help="a video (default: a bundled sample)")
    b.add_argument("--frames", type=positive_int, default=300, help="frames held in memory for the MediaPipe-alone timing")
    b.set_defaults(func=cmd_bench)
