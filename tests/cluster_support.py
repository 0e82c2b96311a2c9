"""Short real clips for the cluster tests: stretches of the bundled samples, decoded and encoded again."""

from __future__ import annotations

from pathlib import Path

from media import write_video
from vision.io.video import iter_frames

SAMPLES = Path(__file__).resolve().parents[1] / "sample_videos"
# (sample, start s): stretches with strokes, a hold and a change between them.
STRETCHES = (("cross_friction_good", 2.0), ("lengthwise_mistake", 0.0), ("myofascial_hold", 4.0),
             ("cross_friction_good", 12.0))


def short_clips(folder: Path, seconds: float = 3.0, stretches=STRETCHES) -> list[Path]:
    """H.264 clips of ``seconds`` from each (sample, start s) in ``folder`` (clip0.mp4, ...), 30 fps, 640x480."""
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for k, (name, start) in enumerate(stretches):
        frames, times = [], []
        for frame in iter_frames(SAMPLES / f"{name}.mp4"):
            if frame.t < start:
                continue
            if frame.t >= start + seconds:
                break
            frames.append(frame.rgb)
            times.append(frame.t - start)
        out.append(write_video(folder / f"clip{k}.mp4", frames, times))
    return out


def damaged_copy(source: Path, target: Path) -> Path:
    """The first third of a real clip: the container's index is gone, the decoder must refuse it."""
    data = source.read_bytes()
    target.write_bytes(data[: len(data) // 3])
    return target
