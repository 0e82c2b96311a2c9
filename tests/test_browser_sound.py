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

import json
import statistics
import time

import pytest

from vision.coach.techniques import registry
import numpy as np

from vision.sound.phrases import SAMPLE_RATE
from vision.sound.synth import TONE_OFF, TONE_ON, phrase_pcm

from browser_support import ARTIFACTS, chromium, chromium_path, make_y4m, panel_metrics, start_camera, streamlit_server

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.skipif(chromium_path() is None, reason="Debian's chromium is not installed (make browser-deps)"),
]

CLIP_S = (0.0, 14.0)  # the sample's start: strokes, then the hold
CAMERA_FPS = 15
LISTEN_S = 120  # at most: a loaded 2-core machine starts slowly
NOTES = [TONE_OFF[0][0], TONE_OFF[1][0], TONE_ON[0][0], TONE_ON[1][0]]

# Runs in every frame before the page's own scripts: each remote audio track the page receives is
# decoded (WebAudio), and every 1024-sample block is logged with its time, level and the purity of
# each note: 2|X(f)|^2 / (N * sum x^2), about 1 for a pure tone at f, near 0 for speech or silence.
LISTENER = """
(() => {
  const NOTES = %s;
  const Native = window.RTCPeerConnection;
  if (!Native) return;
  window.__soundBlocks = [];
  window.RTCPeerConnection = function (...args) {
    const pc = new Native(...args);
    pc.addEventListener('track', (ev) => {
      if (ev.track.kind !== 'audio') return;
      window.__audioTracks = (window.__audioTracks || 0) + 1;
      const ctx = new AudioContext();
      ctx.resume();
      const src = ctx.createMediaStreamSource(new MediaStream([ev.track]));
      const proc = ctx.createScriptProcessor(1024, 1, 1);
      const mute = ctx.createGain();
      mute.gain.value = 0;
      src.connect(proc); proc.connect(mute); mute.connect(ctx.destination);
      proc.onaudioprocess = (e) => {
        const x = e.inputBuffer.getChannelData(0), n = x.length, rate = ctx.sampleRate;
        let energy = 0;
        for (let i = 0; i < n; i++) energy += x[i] * x[i];
        window.__soundRate = rate;
        const row = [performance.timeOrigin + performance.now(), Math.sqrt(energy / n)];
        for (const f of NOTES) {
          const w = 2 * Math.cos(2 * Math.PI * f / rate);
          let s1 = 0, s2 = 0;
          for (let i = 0; i < n; i++) { const s0 = x[i] + w * s1 - s2; s2 = s1; s1 = s0; }
          const power = s1 * s1 + s2 * s2 - w * s1 * s2;
          row.push(energy > 0 ? 2 * power / (n * energy) : 0);
        }
        window.__soundBlocks.push(row);
      };
      window.__audioContextState = () => ctx.state;
    });
    return pc;
  };
  window.RTCPeerConnection.prototype = Native.prototype;
})();
""" % json.dumps(NOTES)


def tones(blocks: list[list[float]], purity: float = 0.5, min_rms: float = 0.005) -> list[tuple[str, float]]:
    """('off' | 'on', time of the first note's first block) for each two-note tone in the decoded blocks."""
    notes = []
    for row in blocks:
        t, rms, *pure = row
        k = max(range(4), key=lambda j: pure[j])
        notes.append(k if rms >= min_rms and pure[k] >= purity else None)
    found, i = [], 0
    while i < len(notes):
        first = notes[i]
        if first in (0, 2):  # D5 (off) or C5 (on)
            j = i
            while j < len(notes) and notes[j] == first:
                j += 1
            second = first + 1
            if j - i >= 2 and second in notes[j:j + 3] and notes[j:j + 6].count(second) >= 3:
                found.append(("off" if first == 0 else "on", blocks[i][0] / 1000.0))
            i = j
        else:
            i += 1
    return found


def phrase_heard(blocks: list[list[float]], rate: float, phrase: str, after_wall: float,
                 within_s: float = 3.0) -> tuple[float, float]:
    """(best correlation, time heard) of a phrase's loudness envelope with the received audio's, over the
    blocks from ``after_wall`` on: the received track carries that phrase when the correlation is high."""
    block_s = 1024 / rate
    x = phrase_pcm(phrase)
    step = block_s * SAMPLE_RATE
    env = np.array([np.sqrt(np.mean(x[int(k * step): int((k + 1) * step)] ** 2))
                    for k in range(int(len(x) / step))])
    rms = np.array([b[1] for b in blocks])
    start = next((i for i, b in enumerate(blocks) if b[0] / 1000 >= after_wall - 0.2), len(blocks))
    best, when = -1.0, float("nan")
    for i in range(start, min(start + int(within_s / block_s), len(blocks) - len(env))):
        seg = rms[i:i + len(env)]
        if seg.std() > 0:
            r = float(np.corrcoef(seg, env)[0, 1])
            if r > best:
                best, when = r, blocks[i][0] / 1000
    return best, when


def server_sounds(log_path, what: str = "sound") -> list[dict]:
    """The server's trace lines: "sound" (an event, at its verdict) or "sound-start" (its first sample sent)."""
    out = []
    for line in log_path.read_text(errors="replace").splitlines():
        if line.startswith(what + " {"):
            out.append(json.loads(line[len(what) + 1:]))
    return out


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
        page.set_default_timeout(90_000)
        page.goto(url, timeout=180_000)
        page.get_by_text("Foot axis").first.wait_for(timeout=180_000)
        page.locator("[data-testid='stSelectbox']").filter(has_text="Technique").first.click()
        page.get_by_role("option").filter(has_text=tech.title).first.click()
        page.get_by_text(tech.how_to[:30]).wait_for(timeout=60_000)
        assert page.get_by_text("Spoken cues").count() >= 1  # the sound controls, on by default
        frame = page.frame_locator("iframe[title*='streamlit_webrtc']")
        processing = lambda p: panel_metrics(p).get("Processing", "–") != "–"  # noqa: E731
        assert start_camera(page, frame, processing, LISTEN_S), "the live panel never showed a processed frame"
        component, waited = None, time.monotonic() + 60
        while component is None and time.monotonic() < waited:
            component = next((f for f in page.frames if f.evaluate("() => (window.__audioTracks || 0) > 0")), None)
            time.sleep(0.5)
        assert component is not None, "the page never received an audio track from the server"

        found, labels, restarts, slow_said, deadline = [], [], 0, False, time.monotonic() + LISTEN_S
        while time.monotonic() < deadline:
            time.sleep(2.0)
            found = tones(component.evaluate("() => window.__soundBlocks"))
            if {"off", "on"} <= {k for k, _ in found}:
                break
            labels.append(panel_metrics(page).get("Doing now", "?"))
            slow_said = slow_said or any("too slow to judge" in t
                                         for t in page.locator("[data-testid='stAlert']").all_inner_texts())
            if len(labels) == 10:
                page.screenshot(path=str(ARTIFACTS / "live_sound_running.png"))
            start = frame.get_by_role("button", name="START")
            if start.count() and start.is_visible():  # the connection dropped on a loaded machine: start again
                start.click(timeout=30_000)
                restarts += 1
        blocks = component.evaluate("() => window.__soundBlocks")
        state = component.evaluate("() => window.__audioContextState ? window.__audioContextState() : 'none'")

        rate = component.evaluate("() => window.__soundRate")
        page.screenshot(path=str(ARTIFACTS / "live_sound.png"), full_page=True)
        context.close()

    sent = server_sounds(log_path)
    started = server_sounds(log_path, "sound-start")
    (ARTIFACTS / "sound_blocks.json").write_text(json.dumps({"rate": rate, "blocks": blocks, "sent": sent,
                                                            "started": started}))
    print(f"\nbrowser sound: {len(blocks)} blocks decoded (audio context {state}); tones heard {found}; "
          f"panel labels {labels}; START pressed again {restarts} times; "
          f"server sounds {[(s['kind'], s['phrase'], s['label']) for s in sent][:12]}")
    assert sent, "the server made no sound event (CROSSGRAIN_SOUND_TRACE lines missing)"
    # the spoken cues: each phrase the server said is found in the received audio by its loudness envelope
    # (a phrase that could not start within 2 s, the connection still coming up, is dropped: waited_s None)
    speech = [(e["phrase"], e["wall"]) for e in started if e["kind"] == "speech" and e["waited_s"] is not None]
    print(f"browser sound: phrases sent {[(e['phrase'], e['waited_s']) for e in started if e['kind'] == 'speech']}")
    assert speech, (sent, started)
    heard = [(p, *phrase_heard(blocks, rate, p, wall)) for p, wall in speech]
    print(f"browser sound: phrases heard (correlation, seconds behind the first sample sent): "
          f"{[(p, round(r, 2), round(when - wall, 3)) for (p, r, when), (_, wall) in zip(heard, speech)]}")
    assert all(r >= 0.8 for _, r, _ in heard), heard
    # the tones: when the label changed (strokes, then the hold), the track carries the falling then the rising tone
    sent_tones = [e for e in sent if e["kind"] in ("tone_off", "tone_on")]
    if not sent_tones:
        # a machine too loaded to tell strokes from holds makes no label change to sound: the page says so
        assert slow_said, (labels, sent)
        print("browser sound: no label change was judged (analysis too slow here): tones not checked")
        return
    assert {"off", "on"} & {k for k, _ in found}, (found, sent_tones)
    latencies = []
    for kind, heard_t in found:
        sent_before = [s for s in sent if s["kind"] == f"tone_{kind}" and s["wall"] <= heard_t + 0.05]
        assert sent_before, (kind, heard_t, sent)
        verdict = sent_before[-1]
        assert verdict["label"] in (("hold",) if kind == "on" else ("cross_grain", "lengthwise", "oblique"))
        latencies.append(heard_t - verdict["wall"])
    print(f"browser sound: tones heard behind the verdict {[round(x, 3) for x in latencies]} s "
          f"(median {statistics.median(latencies):.3f} s)")
    assert all(-0.05 <= x < 1.5 for x in latencies), latencies  # the target is 0.3 s: printed, judged on an idle box
