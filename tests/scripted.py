"""Scripted thumb paths on plain numbers, for testing the analyzer without video."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Piece:
    label: str  # truth: cross_grain / lengthwise / oblique / hold / no_hand
    seconds: float
    stroke_angle_deg: float = 0.0
    amplitude_palm: float = 0.0
    rate_per_min: float = 0.0
    dwell: bool = False
    drift_palm: float = 0.0


def thumb_path(pieces: list[Piece], fps: float = 30.0, palm_px: float = 50.0, noise_px: float = 0.0,
               seed: int = 0, centre=(320.0, 240.0), drop_prob: float = 0.0):
    """Yield (t, thumb_xy or None, palm_px, truth label) frame by frame.

    ``drop_prob``: the share of frames dropped at random (a live camera falling
    behind): they are not yielded, and time runs on over the gap.
    """
    rng = np.random.default_rng(seed)
    drops = np.random.default_rng(seed + 7919)  # its own stream: the noise is the same with or without drops
    t = 0.0
    start = 0.0
    c = np.array(centre, float)
    for piece in pieces:
        end = start + piece.seconds
        while t < end - 1e-9:
            local = t - start
            if piece.label == "no_hand":
                if not (drop_prob and drops.random() < drop_prob):
                    yield t, None, palm_px, piece.label
                t = round(t + 1.0 / fps, 9)
                continue
            a = np.radians(piece.stroke_angle_deg)
            direction = np.array([np.cos(a), -np.sin(a)])
            if piece.label == "hold":
                offset = direction * piece.drift_palm * palm_px * local / piece.seconds
            else:
                s = np.sin(2 * np.pi * piece.rate_per_min / 60.0 * local)
                if piece.dwell:
                    s = np.sign(s) * abs(s) ** 0.4
                offset = direction * piece.amplitude_palm * palm_px * s
            xy = c + offset + rng.normal(0.0, noise_px, 2)
            if not (drop_prob and t > 0 and drops.random() < drop_prob):
                yield t, xy, palm_px, piece.label
            t = round(t + 1.0 / fps, 9)
        start = end


def change_times(pieces: list[Piece]) -> list[float]:
    out, acc = [], 0.0
    for p in pieces[:-1]:
        acc += p.seconds
        out.append(acc)
    return out


def accuracy(labels: list[str], truth: list[str], times: list[float], changes: list[float],
             margin: float = 1.0) -> float:
    """Share of frames whose label matches the truth, ignoring ``margin`` seconds around each change.

    The stream's start counts as a change, as in tools/evaluate.py: nothing is known before it, so
    the analyzer's first frames say "settling" (tests/test_warmup.py checks those on their own).
    """
    start = times[0] if times else 0.0
    keep = [k for k, t in enumerate(times) if all(abs(t - c) >= margin for c in [start, *changes])]
    return float(np.mean([labels[k] == truth[k] for k in keep]))
