"""`crossgrain bench [VIDEO]`: a plain decode-and-track script against CrossGrain, annotated video, uploads,
live path and peak memory, contenders alternated in one run."""

from __future__ import annotations

from .common import positive_int


def cmd_bench(args) -> int:
    from ..bench import run_bench

    return run_bench(args.video, rounds=args.rounds, memory=not args.no_memory, uploads=not args.no_uploads)


def register(sub) -> None:
    b = sub.add_parser("bench", help="time CrossGrain against a plain decode-and-track script; peak memory")
    b.add_argument("video", nargs="?", default=None, help="a video (default: a bundled sample)")
    b.add_argument("--rounds", type=positive_int, default=3, help="turns of each contender, alternated (default 3)")
    b.add_argument("--no-uploads", action="store_true", help="skip the 30 s upload clips (640x480 and 1080p)")
    b.add_argument("--no-memory", action="store_true", help="skip the peak-memory runs")
    b.set_defaults(func=cmd_bench)
