"""The live page's sound: verdicts in (the frame callback's thread), audio frames out (the WebRTC audio track).

A thin adapter, no decisions: SoundCues (vision/sound/cues.py) decides what to sound,
the Mixer (vision/sound/synth.py) renders it. ``on_verdict`` is called by LiveStream
right after each analysed frame's verdict, so a sound starts in the next 20 ms audio
block after the verdict that caused it; ``audio_frame`` is streamlit-webrtc's source
track callback ``(pts, time_base) -> av.AudioFrame`` (create_audio_source_track), which
sends the sound to the browser on the stream's own audio track, beside the video.

Nothing is stored. ``CROSSGRAIN_SOUND_TRACE=1`` prints one line a sound to stderr
(``sound {json}``, with the verdict's wall-clock time, then ``sound-start {json}`` when
its first sample goes into an audio frame) for the browser test and tools that
measure how far the sound lags the verdict.
"""

from __future__ import annotations

import json
import os
import sys
import threading
import time
from fractions import Fraction

from ..core.verdict import FrameVerdict
from ..sound.cues import SoundCues
from ..sound.phrases import SAMPLE_RATE
from ..sound.synth import Mixer, SoundSettings

TRACE_ENV = "CROSSGRAIN_SOUND_TRACE"
PTIME_S = 0.02  # one audio frame: 20 ms, as WebRTC sends them


def _trace(what: str, fields: dict) -> None:
    """One whole line in one write: the frame thread and the audio thread both trace."""
    sys.stderr.write(f"{what} {json.dumps(fields)}\n")
    sys.stderr.flush()


class LiveSound:
    def __init__(self, settings: SoundSettings = SoundSettings(), trace: bool | None = None):
        self.trace = os.environ.get(TRACE_ENV) == "1" if trace is None else trace
        self.mixer = self._mixer(settings)
        self._cues: SoundCues | None = None
        self._last_i: int | None = None
        self._lock = threading.Lock()
        self.events = 0

    def _mixer(self, settings: SoundSettings) -> Mixer:
        return Mixer(settings, on_start=self._trace_start if self.trace else None)

    @staticmethod
    def _trace_start(event, waited_s: float | None) -> None:
        """The first sample of ``event`` went into an audio frame now (None: a phrase dropped, too late)."""
        _trace("sound-start", {"kind": event.kind, "phrase": event.phrase, "t": round(event.t, 3),
                               "wall": time.time(), "waited_s": waited_s})

    def configure(self, settings: SoundSettings) -> None:
        self.mixer.configure(settings)

    def start(self, technique_name: str) -> None:
        """A new coached stream: fresh cue state, the metronome stopped, nothing left playing."""
        with self._lock:
            self._cues = SoundCues(technique_name)
            self._last_i = None
            self.mixer = self._mixer(self.mixer.settings)

    def stop(self) -> None:
        with self._lock:
            self._cues = None
            self.mixer = self._mixer(self.mixer.settings)

    def on_verdict(self, v: FrameVerdict | None) -> None:
        if v is None or v.coaching is None:
            return
        with self._lock:
            cues, mixer = self._cues, self.mixer
            if cues is None or v.i == self._last_i:
                return
            self._last_i = v.i
            events = cues.update(v)
        for e in events:
            mixer.play(e)
            self.events += 1
            if self.trace:
                _trace("sound", {"kind": e.kind, "phrase": e.phrase, "why": e.why, "t": round(e.t, 3),
                                 "wall": time.time(), "label": str(v.label)})

    def audio_frame(self, pts: int, time_base: Fraction):
        """streamlit-webrtc's AudioSourceTrack callback: the next 20 ms, s16 mono at 16 kHz."""
        import av

        samples = self.mixer.render(int(SAMPLE_RATE * PTIME_S))
        frame = av.AudioFrame.from_ndarray(samples.reshape(1, -1), format="s16", layout="mono")
        frame.sample_rate = SAMPLE_RATE
        return frame
