"""The mixer: sound events rendered into 16 kHz mono PCM, a block at a time. No Streamlit, no network.

Tones and metronome clicks are synthesised with numpy; speech comes from the
pre-rendered phrase files (assets/sounds/, vision/sound/phrases.py). ``Mixer.play``
(any thread) starts an event at the next block; ``Mixer.render(n)`` (the audio track's
thread, every 20 ms) returns the next ``n`` samples as int16. Speech never overlaps
speech: a phrase waits for the one being said, and a newer phrase replaces one still
waiting (the newest correction is the one that matters). The settings (mute, volume,
metronome, voice) apply at once, to what is already playing too.
"""

from __future__ import annotations

import io
import math
import threading
import time
import wave
from collections import deque
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Callable

import numpy as np

from .cues import SoundEvent
from .phrases import PHRASES, SAMPLE_RATE, SOUNDS_DIR, phrase_path

# (frequency Hz, seconds) notes; soft: a third of full scale
TONE_OFF = ((587.33, 0.15), (440.0, 0.22))  # D5 then A4: falling, "off target"
TONE_ON = ((523.25, 0.12), (783.99, 0.2))  # C5 then G5: rising, "back on target"
CHIME = ((880.0, 0.5),)  # the timer's change of step
CLICK_HZ = 1200.0
CLICK_S = 0.03
GAINS = {"tone": 0.3, "speech": 0.9, "metronome": 0.35}
MAX_SPEECH_WAIT_S = 2.0  # a phrase that could not start within this is dropped (stale)


@dataclass(frozen=True)
class SoundSettings:
    """What the user chose on the page. ``volume`` 0..1 scales everything; ``on`` False is mute."""

    on: bool = True
    volume: float = 0.8
    metronome: bool = True
    voice: bool = True

    def __post_init__(self) -> None:
        if not isinstance(self.volume, (int, float)) or not math.isfinite(self.volume) or not 0 <= self.volume <= 1:
            raise ValueError(f"SoundSettings.volume must be between 0 and 1, got {self.volume!r}")


def envelope(n: int, rate: int, attack_s: float = 0.01, release_s: float = 0.03) -> np.ndarray:
    """A raised-cosine fade in and out (no clicks at the ends of a tone)."""
    env = np.ones(n)
    a, r = min(int(attack_s * rate), n // 2), min(int(release_s * rate), n // 2)
    if a:
        env[:a] = 0.5 - 0.5 * np.cos(np.linspace(0, np.pi, a))
    if r:
        env[n - r:] = 0.5 + 0.5 * np.cos(np.linspace(0, np.pi, r))
    return env


def tone(notes: tuple[tuple[float, float], ...], rate: int = SAMPLE_RATE) -> np.ndarray:
    """Notes one after another, sine waves with soft edges, peak 1."""
    parts = []
    for freq, seconds in notes:
        if freq <= 0 or freq >= rate / 2 or seconds <= 0:
            raise ValueError(f"a note needs 0 < frequency < {rate / 2:g} Hz and a positive length, "
                             f"got {freq} Hz for {seconds} s")
        n = int(round(seconds * rate))
        parts.append(np.sin(2 * np.pi * freq * np.arange(n) / rate) * envelope(n, rate))
    return np.concatenate(parts)


def click(rate: int = SAMPLE_RATE, freq: float = CLICK_HZ) -> np.ndarray:
    """A metronome click: a short sine burst with a fast exponential decay."""
    n = int(CLICK_S * rate)
    t = np.arange(n) / rate
    return np.sin(2 * np.pi * freq * t) * np.exp(-t / (CLICK_S / 4)) * envelope(n, rate, 0.002, 0.005)


def read_pcm(path: Path, rate: int = SAMPLE_RATE) -> np.ndarray:
    """A 16-bit mono WAV at ``rate`` as floats in [-1, 1]; a clear error for anything else."""
    try:
        with wave.open(str(path), "rb") as w:
            if (w.getnchannels(), w.getsampwidth(), w.getframerate()) != (1, 2, rate):
                raise ValueError(f"{path}: expected {rate} Hz mono 16-bit PCM, got {w.getframerate()} Hz, "
                                 f"{w.getnchannels()} channel(s), {8 * w.getsampwidth()}-bit (run make sounds)")
            return np.frombuffer(w.readframes(w.getnframes()), dtype="<i2").astype(np.float64) / 32768.0
    except FileNotFoundError:
        raise FileNotFoundError(f"{path}: the phrase file is missing (run make sounds)") from None
    except (wave.Error, EOFError) as exc:
        raise ValueError(f"{path}: not a readable WAV file ({exc}); run make sounds") from None


@lru_cache(maxsize=None)
def phrase_pcm(key: str, sounds_dir: Path = SOUNDS_DIR) -> np.ndarray:
    return read_pcm(phrase_path(key, sounds_dir))


class _Voice:
    __slots__ = ("samples", "pos", "group", "event", "queued_wall")

    def __init__(self, samples: np.ndarray, group: str, event: SoundEvent | None, queued_wall: float):
        self.samples, self.pos, self.group, self.event, self.queued_wall = samples, 0, group, event, queued_wall


class Mixer:
    """Per stream: events in (any thread), PCM blocks out (the audio track's thread)."""

    def __init__(self, settings: SoundSettings = SoundSettings(), rate: int = SAMPLE_RATE,
                 sounds_dir: Path = SOUNDS_DIR, clock: Callable[[], float] = time.monotonic,
                 on_start: Callable[[SoundEvent, float | None], None] | None = None):
        self.rate = rate
        self.on_start = on_start  # (event, seconds it waited; None: dropped unsaid), for traces
        self.sounds_dir = sounds_dir
        self._clock = clock
        self._lock = threading.Lock()
        self._settings = settings
        self._voices: list[_Voice] = []
        self._speaking: _Voice | None = None
        self._waiting: _Voice | None = None
        self._beat_hz = 0.0  # metronome beats a second, 0 when off
        self._beat_level = 1.0
        self._beat_phase = 0.0  # 0..1 of a beat
        self._click = click(rate)
        self._click_pos: int | None = None
        self._tones = {"tone_off": tone(TONE_OFF, rate), "tone_on": tone(TONE_ON, rate)}
        self.started: deque = deque(maxlen=200)  # (event, seconds from play() to its first rendered sample)
        self.samples_out = 0

    @property
    def settings(self) -> SoundSettings:
        return self._settings

    def configure(self, settings: SoundSettings) -> None:
        with self._lock:
            self._settings = settings

    def play(self, event: SoundEvent) -> None:
        """Start ``event`` at the next block (speech: once the phrase being said is done)."""
        now = self._clock()
        if event.kind == "metronome":
            with self._lock:
                if self._beat_hz == 0.0:
                    self._beat_phase = 1.0  # starting: the first click at once
                self._beat_hz = 0.0 if not event.rate_per_min else event.rate_per_min / 60.0
                self._beat_level = event.level
                if self._beat_hz == 0.0:
                    self._beat_phase = 0.0
                else:
                    self.started.append((event, 0.0))
            return
        if event.kind in self._tones:
            voice = _Voice(self._tones[event.kind], "tone", event, now)
        elif event.kind == "speech":
            if event.phrase not in PHRASES:
                raise ValueError(f"no phrase {event.phrase!r} to say; phrases are {', '.join(PHRASES)}")
            voice = _Voice(phrase_pcm(event.phrase, self.sounds_dir), "speech", event, now)
        else:
            raise ValueError(f"unknown sound event kind {event.kind!r}")
        with self._lock:
            if voice.group == "speech":
                if not self._settings.voice:
                    return
                if self._speaking is None:
                    self._speaking = voice
                else:
                    self._waiting = voice  # the newest correction replaces one still waiting
            else:
                self._voices.append(voice)

    def render(self, n: int) -> np.ndarray:
        """The next ``n`` samples, int16. Voices advance even when muted (unmuting plays nothing stale)."""
        if n <= 0:
            raise ValueError(f"render needs a positive number of samples, got {n}")
        now = self._clock()
        with self._lock:
            s = self._settings
            out = np.zeros(n)
            for v in list(self._voices):
                self._mix(out, v, 0, GAINS["tone"])
                if v.pos >= len(v.samples):
                    self._voices.remove(v)
            pos = 0
            while self._speaking is not None and pos < n:
                sp = self._speaking
                if sp.pos == 0 and now - sp.queued_wall > MAX_SPEECH_WAIT_S:
                    pos_used = 0  # stale: drop it unsaid
                    sp.pos = len(sp.samples)
                    if self.on_start is not None and sp.event is not None:
                        self.on_start(sp.event, None)
                else:
                    pos_used = self._mix(out, sp, pos, GAINS["speech"] if s.voice else 0.0)
                pos += pos_used
                if sp.pos >= len(sp.samples):
                    self._speaking, self._waiting = self._waiting, None
                else:
                    break
            if self._beat_hz > 0:
                self._metronome(out, GAINS["metronome"] * self._beat_level if s.metronome else 0.0)
            gain = s.volume if s.on else 0.0
            self.samples_out += n
        out *= gain
        return np.clip(np.round(out * 32767), -32768, 32767).astype(np.int16)

    def _mix(self, out: np.ndarray, v: _Voice, at: int, gain: float) -> int:
        """Add the voice from sample ``at`` of the block; returns how many samples it filled."""
        if v.pos == 0 and v.event is not None:
            waited = max(self._clock() - v.queued_wall, 0.0)
            self.started.append((v.event, waited))
            if self.on_start is not None:
                self.on_start(v.event, waited)
        k = min(len(out) - at, len(v.samples) - v.pos)
        if gain:
            out[at:at + k] += gain * v.samples[v.pos:v.pos + k]
        v.pos += k
        return k

    def _metronome(self, out: np.ndarray, gain: float) -> None:
        n = len(out)
        step = self._beat_hz / self.rate
        k = 0
        while k < n:
            if self._click_pos is not None:
                m = min(n - k, len(self._click) - self._click_pos)
                out[k:k + m] += gain * self._click[self._click_pos:self._click_pos + m]
                self._click_pos += m
                if self._click_pos >= len(self._click):
                    self._click_pos = None
            to_beat = (1.0 - self._beat_phase) / step  # samples until the next beat
            if to_beat >= n - k:
                self._beat_phase += (n - k) * step
                break
            k += int(math.ceil(to_beat - 1e-9))
            self._beat_phase = 0.0
            self._click_pos = 0
            if k >= n:
                break


def wav_bytes(samples: np.ndarray, rate: int = SAMPLE_RATE) -> bytes:
    """Float samples in [-1, 1] as a 16-bit mono WAV file in memory."""
    pcm = np.clip(np.round(np.asarray(samples, float) * 32767), -32768, 32767).astype("<i2")
    buf = io.BytesIO()
    with wave.open(buf, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(pcm.tobytes())
    return buf.getvalue()


def announcement(phrase: str, settings: SoundSettings = SoundSettings(), step: int = 0,
                 sounds_dir: Path = SOUNDS_DIR, rate: int = SAMPLE_RATE) -> bytes:
    """A chime, then the phrase, as one WAV (the guided timer's change of step); silence when muted.

    ``step`` samples of silence end it, so each step's clip differs from the last even when the
    words repeat: the page's player (autoplay) plays a clip once, when it changes.
    """
    gap = np.zeros(int(0.1 * rate))
    speech = phrase_pcm(phrase, sounds_dir) * (GAINS["speech"] if settings.voice else 0.0)
    x = np.concatenate([tone(CHIME, rate) * GAINS["tone"] * 1.5, gap, speech, np.zeros(step)])
    return wav_bytes(x * (settings.volume if settings.on else 0.0), rate)
