"""Pre-render the spoken phrases (vision/sound/phrases.py) with espeak-ng into assets/sounds/*.wav.

Build time only (`make sounds`): the app and the tests use the committed files and never
need espeak-ng. Each file is 16 kHz mono 16-bit PCM, leading and trailing silence trimmed,
peak-normalised to -3 dBFS. espeak-ng (GPL-3.0-or-later) is a tool here; the audio it
renders is its output, shipped under the project's licence (assets/sounds/README.md).

    python tools/make_sounds.py [--voice en-gb] [--speed 155] [--out assets/sounds]
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import wave
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from vision.sound.phrases import PHRASES, SAMPLE_RATE, SOUNDS_DIR  # noqa: E402

PEAK = 10 ** (-3 / 20)  # -3 dBFS
SILENCE = 0.01  # of full scale: below this at the ends is trimmed
PAD_S = 0.03


def read_wav(path: Path) -> tuple[np.ndarray, int]:
    with wave.open(str(path), "rb") as w:
        if w.getsampwidth() != 2:
            raise ValueError(f"{path}: expected 16-bit PCM, got {8 * w.getsampwidth()}-bit")
        data = np.frombuffer(w.readframes(w.getnframes()), dtype="<i2").astype(np.float64) / 32768.0
        if w.getnchannels() > 1:
            data = data.reshape(-1, w.getnchannels()).mean(axis=1)
        return data, w.getframerate()


def resample(x: np.ndarray, rate_in: int, rate_out: int) -> np.ndarray:
    """Band-limited resampling (windowed sinc low-pass, then linear interpolation on the finer grid)."""
    if rate_in == rate_out:
        return x
    cutoff = 0.45 * min(rate_in, rate_out) / rate_in  # of rate_in
    taps = np.arange(-64, 65)
    kernel = 2 * cutoff * np.sinc(2 * cutoff * taps) * np.hamming(len(taps))
    kernel /= kernel.sum()
    y = np.convolve(x, kernel, mode="same")
    t_out = np.arange(int(len(x) * rate_out / rate_in)) * rate_in / rate_out
    return np.interp(t_out, np.arange(len(x)), y)


def tidy(x: np.ndarray, rate: int) -> np.ndarray:
    loud = np.flatnonzero(np.abs(x) > SILENCE * max(np.abs(x).max(), 1e-9))
    if loud.size == 0:
        raise ValueError("espeak-ng rendered silence")
    pad = int(PAD_S * rate)
    x = x[max(loud[0] - pad, 0): loud[-1] + pad]
    return x * (PEAK / np.abs(x).max())


def write_wav(path: Path, x: np.ndarray, rate: int) -> None:
    pcm = np.clip(np.round(x * 32767), -32768, 32767).astype("<i2")
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(pcm.tobytes())


def render(text: str, voice: str, speed: int, tmp: Path) -> np.ndarray:
    raw = tmp / "raw.wav"
    subprocess.run(["espeak-ng", "-v", voice, "-s", str(speed), "-w", str(raw), text], check=True,
                   capture_output=True)
    x, rate = read_wav(raw)
    return tidy(resample(x, rate, SAMPLE_RATE), SAMPLE_RATE)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--voice", default="en-gb")
    ap.add_argument("--speed", type=int, default=155, help="words a minute")
    ap.add_argument("--out", type=Path, default=SOUNDS_DIR)
    args = ap.parse_args(argv)
    if shutil.which("espeak-ng") is None:
        print("error: espeak-ng is not installed (Debian: apt-get install espeak-ng); "
              "the committed files in assets/sounds/ still work", file=sys.stderr)
        return 2
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        for key, text in PHRASES.items():
            x = render(text, args.voice, args.speed, Path(tmp))
            write_wav(args.out / f"{key}.wav", x, SAMPLE_RATE)
            print(f"{key}.wav  {len(x) / SAMPLE_RATE:.2f} s  {text!r}")
    stale = sorted(p.name for p in args.out.glob("*.wav") if p.stem not in PHRASES)
    for name in stale:
        (args.out / name).unlink()
        print(f"removed {name} (no such phrase)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
