"""The live page's sound in a real Chromium: the WebRTC stream's audio track carries the cue when the label changes.

The fake webcam plays the myofascial_hold sample (2 s of strokes, then a hold, looping) with the
myofascial hold technique chosen: strokes are off target (a falling tone, D5 then A4), the hold
is back on target (a rising tone, C5 then G5). In the page, a script decodes the audio track the
browser receives (WebAudio, the raw samples of the remote track) and measures, block by block,
how pure each of the four notes is (Goertzel power over the block's energy). The server prints a
line per sound with the verdict's wall-clock time (CROSSGRAIN_SOUND_TRACE=1); the same machine's
clock in the page then gives how far the sound reached the page behind the verdict.
"""

from __future__ import annotations

import base64
import io
import json
import re
import statistics
import time

import pytest

from vision.coach.techniques import registry
import numpy as np

from vision.sound.phrases import SAMPLE_RATE
from vision.sound.synth import GAINS, TONE_OFF, TONE_ON, phrase_pcm, tone, wav_bytes

from browser_support import (ARTIFACTS, chromium, chromium_path, make_y4m, open_live_page, panel_metrics,
                             start_camera, streamlit_server)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    # On a busy machine the analysis may never judge a label change, and Opus over a starved
    # WebRTC link blurs the phrases (a match of 0.70 against the 0.85 asked for, at load 4):
    # `make test-quiet` runs it on an otherwise idle machine.
    pytest.mark.quiet,
    pytest.mark.skipif(chromium_path() is None, reason="Debian's chromium is not installed (make browser-deps)"),
]

CLIP_S = (0.0, 14.0)  # the sample's start: strokes, then the hold
CAMERA_FPS = 15
LISTEN_S = 120  # at most: a loaded 2-core machine starts slowly
SETTLE_S = 2.0  # phrases are judged from this long after the first sound on
LAG_S = 5.0  # a sound is looked for this long after its verdict (about 2 s seen here at a load average of 10-20)
NOTES = [TONE_OFF[0][0], TONE_OFF[1][0], TONE_ON[0][0], TONE_ON[1][0]]

# Runs in every frame before the page's own scripts: each remote audio track the page receives is
# recorded as it arrives (MediaRecorder, Opus in WebM), with the wall-clock time of its start; the
# test decodes the recordings itself (PyAV), so a busy browser dropping audio callbacks cannot hide
# or smear a sound.
LISTENER = """
(() => {
  const Native = window.RTCPeerConnection;
  if (!Native) return;
  window.__recordings = [];
  window.RTCPeerConnection = function (...args) {
    const pc = new Native(...args);
    window.__pcs = (window.__pcs || []).concat([pc]);
    pc.addEventListener('track', (ev) => {
      if (ev.track.kind !== 'audio') return;
      const rec = {start: null, chunks: [], recorder: null};
      rec.recorder = new MediaRecorder(new MediaStream([ev.track]), {mimeType: 'audio/webm;codecs=opus'});
      rec.recorder.ondataavailable = (e) => { if (e.data.size) rec.chunks.push(e.data); };
      rec.recorder.onstart = () => { rec.start = performance.timeOrigin + performance.now(); };
      rec.recorder.start(500);
      window.__recordings.push(rec);
    });
    return pc;
  };
  window.RTCPeerConnection.prototype = Native.prototype;
  window.__audioStats = async () => {  // the browser's own account of the media paths' delays
    const out = [];
    for (const pc of window.__pcs || []) {
      (await pc.getStats()).forEach((r) => {
        if (r.type === 'inbound-rtp' && r.jitterBufferEmittedCount) {  // audio, and the video beside it
          out.push({kind: r.kind, jitter_buffer_ms: 1000 * r.jitterBufferDelay / r.jitterBufferEmittedCount,
                    target_ms: r.jitterBufferTargetDelay ? 1000 * r.jitterBufferTargetDelay / r.jitterBufferEmittedCount : null,
                    concealed_share: r.totalSamplesReceived ? r.concealedSamples / r.totalSamplesReceived : undefined,
                    jitter_ms: 1000 * (r.jitter || 0)});
        }
      });
    }
    return out;
  };
  window.__takeRecordings = async () => {
    const out = [];
    for (const rec of window.__recordings) {
      if (rec.recorder.state !== 'inactive') {
        await new Promise((ok) => { rec.recorder.onstop = ok; rec.recorder.stop(); });
      }
      const buf = new Uint8Array(await new Blob(rec.chunks).arrayBuffer());
      let bin = '';
      for (let i = 0; i < buf.length; i += 0x8000) bin += String.fromCharCode(...buf.subarray(i, i + 0x8000));
      out.push({start: rec.start, webm: btoa(bin)});
    }
    return out;
  };
})();
"""


def decode(webm_b64: str) -> tuple[np.ndarray, int]:
    """A recording's audio as mono float samples and their rate."""
    import av

    out, rate = [], 48000
    with av.open(io.BytesIO(base64.b64decode(webm_b64))) as f:
        for frame in f.decode(audio=0):
            rate = frame.sample_rate
            x = frame.to_ndarray().astype(np.float64)
            if frame.format.name in ("s16", "s16p"):
                x = x / 32768.0
            out.append(x.mean(axis=0) if x.shape[0] > 1 else x[0])
    return (np.concatenate(out) if out else np.zeros(0)), rate


def purity(x: np.ndarray, rate: int, f: float) -> float:
    """2|X(f)|^2 / (N sum x^2): about 1 for a pure tone at f, near 0 for speech, clicks or silence."""
    energy = float(np.sum(x ** 2))
    if energy <= 0:
        return 0.0
    n = np.arange(len(x))
    c = np.sum(x * np.exp(-2j * np.pi * f * n / rate))
    return float(2 * abs(c) ** 2 / (len(x) * energy))


def tones(x: np.ndarray, rate: int, start_wall: float, window_s: float = 0.02) -> list[tuple[str, float]]:
    """('off' | 'on', wall time of the first note) for each two-note tone in a recording."""
    w = int(window_s * rate)
    notes = []
    for k in range(len(x) // w):
        seg = x[k * w:(k + 1) * w]
        if np.sqrt(np.mean(seg ** 2)) < 0.003:
            notes.append(None)
            continue
        p = [purity(seg, rate, f) for f in NOTES]
        j = int(np.argmax(p))
        notes.append(j if p[j] >= 0.6 else None)
    found, i = [], 0
    while i < len(notes):
        first = notes[i]
        if first in (0, 2):  # D5 (off) or C5 (on)
            j = i
            while j < len(notes) and notes[j] == first:
                j += 1
            second = first + 1
            if j - i >= 3 and notes[j:j + 12].count(second) >= 5:
                found.append(("off" if first == 0 else "on", start_wall + i * window_s))
            i = j
        else:
            i += 1
    return found


def sent_mix(phrase: str, wall: float, started: list[dict]) -> np.ndarray:
    """What the track carried from a phrase's first sample to its last: the phrase, and any tone or phrase
    the server started meanwhile mixed in at its own offset and gain (a tone over a phrase's tail changes
    its loudness envelope: the pure phrase alone matched such a recording at 0.56)."""
    out = GAINS["speech"] * phrase_pcm(phrase)
    for e in started:
        offset = int(round((e["wall"] - wall) * SAMPLE_RATE))
        if e["wall"] == wall or not 0 <= offset < len(out):
            continue
        pcm = (GAINS["speech"] * phrase_pcm(e["phrase"]) if e["kind"] == "speech" else
               GAINS["tone"] * tone(TONE_OFF if e["kind"] == "tone_off" else TONE_ON) if e["kind"] in ("tone_off", "tone_on")
               else np.zeros(0))[: len(out) - offset]
        out[offset:offset + len(pcm)] += pcm
    return out


def phrase_heard(x: np.ndarray, rate: int, start_wall: float, phrase: str, sent_wall: float,
                 within_s: float = 3.0, hop_s: float = 0.01, reference: np.ndarray | None = None) -> tuple[float, float]:
    """(best correlation, seconds after ``sent_wall``) of the phrase's loudness envelope (or ``reference``'s, what
    was sent at 16 kHz) with the recording's, from 0.3 s before the phrase was sent to ``within_s`` after:
    high when the recording carries the phrase."""
    p = phrase_pcm(phrase) if reference is None else reference
    hp, hx = int(hop_s * SAMPLE_RATE), int(hop_s * rate)
    env_p = np.sqrt(np.convolve(p ** 2, np.ones(hp) / hp, "valid")[::hp])
    env_x = np.sqrt(np.convolve(x ** 2, np.ones(hx) / hx, "valid")[::hx])
    first = max(int((sent_wall - 0.3 - start_wall) / hop_s), 0)
    last = min(int((sent_wall + within_s - start_wall) / hop_s), len(env_x) - len(env_p))
    best, lag = -1.0, float("nan")
    for i in range(first, last):
        seg = env_x[i:i + len(env_p)]
        if seg.std() > 0:
            r = float(np.corrcoef(seg, env_p)[0, 1])
            if r > best:
                best, lag = r, start_wall + i * hop_s - sent_wall
    return best, lag


def server_sounds(log_path, what: str = "sound") -> list[dict]:
    """The server's trace lines: "sound" (an event, at its verdict) or "sound-start" (its first sample sent)."""
    text = log_path.read_text(errors="replace")
    return [json.loads(m.group(1)) for m in re.finditer(r"(?:^|\n|\})" + what + r" (\{[^{}]*\})", text)]


@pytest.fixture(scope="module")
def camera(tmp_path_factory):
    from vision.ui.samples import list_samples

    sample = next((s for s in list_samples() if s.name == "myofascial_hold"), None)
    if sample is None:
        pytest.skip("sample clip myofascial_hold.mp4 not found")
    y4m = make_y4m(sample.path, tmp_path_factory.mktemp("cam") / "camera.y4m", *CLIP_S, fps=CAMERA_FPS)
    yield y4m
    y4m.unlink(missing_ok=True)


def test_the_audio_track_carries_the_tone_when_the_work_goes_off_and_back_on_target(camera):
    ARTIFACTS.mkdir(exist_ok=True)
    log_path = ARTIFACTS / "streamlit_sound.log"
    tech = registry()["myofascial_hold"]
    with streamlit_server(env={"CROSSGRAIN_SOUND_TRACE": "1"}, log_path=log_path) as url, chromium(camera) as browser:
        context = browser.new_context(viewport={"width": 1400, "height": 1000})
        context.add_init_script(LISTENER)
        page = context.new_page()
        open_live_page(page, url, tech.name)
        page.get_by_text("Spoken cues").first.wait_for(timeout=60_000)  # the sound controls, on by default
        frame = page.frame_locator("iframe[title*='streamlit_webrtc']")
        processing = lambda p: panel_metrics(p).get("Processing", "–") != "–"  # noqa: E731
        assert start_camera(page, frame, processing, LISTEN_S), "the live panel never showed a processed frame"
        component, waited = None, time.monotonic() + 60
        while component is None and time.monotonic() < waited:
            component = next((f for f in page.frames
                              if f.evaluate("() => (window.__recordings || []).length > 0")), None)
            time.sleep(0.5)
        assert component is not None, "the page never received an audio track from the server"

        # listen until the server has sounded both tones (the label changed both ways), or for LISTEN_S
        labels, restarts, slow_said, deadline = [], 0, False, time.monotonic() + LISTEN_S
        while time.monotonic() < deadline:
            time.sleep(2.0)
            started = server_sounds(log_path, "sound-start")
            kinds = {e["kind"] for e in started}
            settled_speech = [e for e in started if e["kind"] == "speech"
                              and e["wall"] >= started[0]["wall"] + SETTLE_S]
            if {"tone_off", "tone_on"} <= kinds and settled_speech:
                time.sleep(3.0 + len(phrase_pcm(settled_speech[0]["phrase"])) / SAMPLE_RATE)  # the rest reaches the page
                break
            labels.append(panel_metrics(page).get("Doing now", "?"))
            slow_said = slow_said or any("too slow to judge" in t
                                         for t in page.locator("[data-testid='stAlert']").all_inner_texts())
            start = frame.get_by_role("button", name="START")
            if start.count() and start.is_visible():  # the connection dropped on a loaded machine: start again
                start.click(timeout=30_000)
                restarts += 1
        audio_stats = component.evaluate("() => window.__audioStats()")
        recordings = component.evaluate("() => window.__takeRecordings()")
        page.screenshot(path=str(ARTIFACTS / "live_sound.png"), full_page=True)
        context.close()

    sent = server_sounds(log_path)
    started = server_sounds(log_path, "sound-start")
    decoded = [(*decode(r["webm"]), r["start"] / 1000) for r in recordings if r["start"]]
    for k, (x, rate, _) in enumerate(decoded):
        (ARTIFACTS / f"live_sound_{k}.wav").write_bytes(wav_bytes(x[::3] if rate == 48000 else x))
    print(f"\nbrowser sound: {len(decoded)} recordings, {[round(len(x) / r, 1) for x, r, _ in decoded]} s; "
          f"panel labels {labels}; START pressed again {restarts} times; "
          f"server sounds {[(s['kind'], s['phrase'], s['label']) for s in sent][:12]}; "
          f"the browser's audio path: {audio_stats}")
    assert sent and decoded, (sent, len(recordings))

    # the tones: when the label changed (strokes, then the hold), the track carries the falling then the rising tone
    sent_tones = [e for e in sent if e["kind"] in ("tone_off", "tone_on")]
    found = [t for x, rate, w0 in decoded for t in tones(x, rate, w0)]
    print(f"browser sound: tones sent {[(e['kind'], e['label']) for e in sent_tones]}, heard {found}")
    if sent_tones:
        check_tones(found, sent_tones, sent)
    else:
        # a machine too loaded to tell strokes from holds judges no label change to sound: the page says so
        assert slow_said, (labels, sent)
        print("browser sound: no label change was judged (analysis too slow here): tones not checked")
    check_phrases(decoded, started)


def recording_at(decoded, wall: float, seconds: float = 0.0):
    """The recording that covers [wall, wall + seconds] (None: the connection ended before)."""
    return next(((x, r, w0) for x, r, w0 in reversed(decoded) if w0 <= wall and wall + seconds <= w0 + len(x) / r),
                None)


def check_tones(found, sent_tones, sent) -> None:
    """Each tone sent is heard, after the verdict that sounded it (its lag printed: the target is 0.3 s)."""
    assert {k for k, _ in found} == {e["kind"][5:] for e in sent_tones}, (found, sent_tones)
    latencies = []
    for kind, heard_t in found:
        sent_before = [e for e in sent if e["kind"] == f"tone_{kind}" and e["wall"] <= heard_t + 0.1]
        assert sent_before, (kind, heard_t, sent)
        verdict = sent_before[-1]
        assert verdict["label"] in (("hold",) if kind == "on" else ("cross_grain", "lengthwise", "oblique"))
        latencies.append(heard_t - verdict["wall"])
    print(f"browser sound: tones heard behind their verdicts {[round(x, 3) for x in latencies]} s "
          f"(median {statistics.median(latencies):.3f} s)")
    assert all(-0.1 <= x < LAG_S for x in latencies), latencies  # the target is 0.3 s: printed, judged on an idle box


def check_phrases(decoded, started) -> None:
    """Each phrase the server sent is found in the recording by its loudness envelope (with whatever was mixed
    over it). Not a phrase that could not start within 2 s (the connection still coming up: waited_s None), nor
    one in the stream's first seconds, while the browser's jitter buffer still stretches and squeezes the sound
    to settle its delay (a phrase sent with the first audio matched at 0.64-0.76)."""
    speech = [(e["phrase"], e["wall"]) for e in started if e["kind"] == "speech" and e["waited_s"] is not None
              and e["wall"] >= started[0]["wall"] + SETTLE_S
              and recording_at(decoded, e["wall"], len(phrase_pcm(e["phrase"])) / SAMPLE_RATE + 1.0) is not None]
    assert speech, f"no phrase sent while the page was receiving sound: {started}, recordings {len(decoded)}"
    heard = [(p, *max((phrase_heard(x, r, w0, p, wall, within_s=LAG_S, reference=sent_mix(p, wall, started))
                       for x, r, w0 in decoded if w0 <= wall <= w0 + len(x) / r), key=lambda h: h[0]))
             for p, wall in speech]
    print(f"browser sound: phrases heard (correlation, seconds after the first sample was sent): "
          f"{[(p, round(r, 2), round(lag, 3)) for p, r, lag in heard]}")
    # a loaded machine can conceal or drop some audio (restarted connections, jitter): one phrase clearly
    # heard, and most phrases recognisable
    assert max(r for _, r, _ in heard) >= 0.85 and sum(r >= 0.7 for _, r, _ in heard) * 2 >= len(heard), heard
