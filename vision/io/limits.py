"""How much work one video may ask for: the limits, in one place.

A small file can demand huge work: a 0.75 MB H.264 file of 16000x16000 frames
makes the decoder hold gigabytes, and 0.28 MB of 20,000 tiny frames costs
minutes of CPU. Files beyond these limits are refused with a message, checked
from the header before decoding and again on every decoded frame (headers lie).
Each limit can be raised for one run through its environment variable.
"""

from __future__ import annotations

import os
from dataclasses import dataclass


@dataclass(frozen=True)
class Limits:
    """Largest frame (pixels), most frames and longest duration (s) analysed from one file."""

    max_pixels: int = 4096 * 4096  # 16.8 MP: 4K video and 12 MP stills fit, 8K does not
    max_frames: int = 18_000  # 10 min at 30 fps, 5 min at 60 fps
    max_duration_s: float = 10 * 60.0

    ENV = {"max_pixels": "CROSSGRAIN_MAX_PIXELS", "max_frames": "CROSSGRAIN_MAX_FRAMES",
           "max_duration_s": "CROSSGRAIN_MAX_DURATION_S"}

    def __post_init__(self):
        for name in ("max_pixels", "max_frames", "max_duration_s"):
            value = getattr(self, name)
            if not value > 0:
                raise ValueError(f"{name} must be positive, got {value!r}")

    @classmethod
    def from_env(cls, env=None) -> "Limits":
        """The defaults, each replaced by its environment variable when set (a positive number)."""
        env = os.environ if env is None else env
        values = {}
        for name, var in cls.ENV.items():
            raw = env.get(var, "").strip()
            if raw:
                try:
                    number = float(raw)
                except ValueError:
                    raise ValueError(f"{var} must be a positive number, got {raw!r}") from None
                values[name] = number if name == "max_duration_s" else int(number)
        return cls(**values)

    def frame_problem(self, width: int, height: int) -> str | None:
        if width * height > self.max_pixels:
            return (f"its frames are {width}x{height} pixels, more than the limit of "
                    f"{self.max_pixels / 1e6:.1f} million ({self.ENV['max_pixels']}); lower the resolution")
        return None

    def frames_problem(self, frames: int) -> str | None:
        if frames > self.max_frames:
            return (f"it has more than {self.max_frames} frames, the limit ({self.ENV['max_frames']}); "
                    "trim the video")
        return None

    def duration_problem(self, seconds: float) -> str | None:
        if seconds > self.max_duration_s:
            return (f"it lasts {seconds / 60:.0f} min, more than the limit of {self.max_duration_s / 60:.0f} min "
                    f"({self.ENV['max_duration_s']}); trim the video")
        return None
