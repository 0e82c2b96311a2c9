"""Throughput of a folder of clips: one process, the local process pool, the local Dask cluster.

    python tools/batch_throughput.py [--copies 2] [--workers 2]

Copies sample_videos/*.mp4 into a temporary folder (``--copies`` of each),
runs `crossgrain analyze` on it three ways, and prints seconds of video
analysed per second of wall time, with the machine's load average (the
figures move with whatever else runs).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from vision.io.video import probe  # noqa: E402


def timed(args: list[str]) -> float:
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "vision.cli", "analyze", *args], cwd=ROOT,
                          capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"crossgrain analyze {' '.join(args)} failed:\n{done.stderr}")
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="crossgrain-throughput-") as tmp:
        folder = Path(tmp) / "clips"
        folder.mkdir()
        for sample in sorted((ROOT / "sample_videos").glob("*.mp4")):
            for k in range(args.copies):
                shutil.copy2(sample, folder / f"{sample.stem}-{k}.mp4")
        videos = sorted(folder.iterdir())
        seconds = sum(probe(v).duration_s or 0.0 for v in videos)
        print(f"{len(videos)} clips, {seconds:.0f} s of video, {os.cpu_count()} cores", flush=True)
        ways = (("one process", ["--workers", "1"]),
                (f"local pool ({args.workers} processes)", ["--workers", str(args.workers)]),
                (f"local Dask cluster ({args.workers} workers)", ["--cluster", "local", "--workers", str(args.workers)]))
        for k, (name, extra) in enumerate(ways):
            load = os.getloadavg()[0]
            wall = timed([str(folder), "--foot-axis", "90", "--json", str(Path(tmp) / f"out{k}"), *extra])
            print(f"{name:32s} {wall:7.1f} s wall  {seconds / wall:5.2f}x real time  "
                  f"{60 * len(videos) / wall:5.1f} clips/min  (load {load:.1f} -> {os.getloadavg()[0]:.1f})",
                  flush=True)


if __name__ == "__main__":
    main()
