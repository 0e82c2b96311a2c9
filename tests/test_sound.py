"""Sound and voice cues (issue 16, "Hear it"): the pure cue logic on scripted verdict streams (through the
real judging stages), the synthesiser and mixer on numbers (FFT, onsets, silence), and the live adapter."""

from __future__ import annotations

import math
import wave
from fractions import Fraction

import numpy as np
import pytest

from vision.coach.routines import TimerRoutine
from vision.coach.techniques import parse_technique, registry
from vision.core.axis import FootAxis
from vision.core.labels import Label
from vision.core.timebase import FrameClock
from vision.core.verdict import FrameVerdict
from vision.engine import Judge
from vision.sound.cues import SoundCueParams, SoundCues, SoundEvent, metronome_rate, timer_phrase
from vision.sound.phrases import PHRASES, SAMPLE_RATE, SOUNDS_DIR, cue_phrase
from vision.sound.synth import (CLICK_HZ, TONE_OFF, TONE_ON, Mixer, SoundSettings, announcement, phrase_pcm,
                                read_pcm, tone)
from vision.ui.live_sound import LiveSound

FPS = 30.0
AXIS = FootAxis.typed(90.0)


# --------------------------------------------------------------------------- scripted verdicts

def _fields(label, t, rate=80.0, amplitude=0.15, xy=None):
    if label == "no_hand":
        return dict(label=Label.NO_HAND, thumb_xy=None, palm_px=None)
    if label == "hold":
        return dict(label=Label.HOLD, thumb_xy=xy or (320.0, 240.0), palm_px=50.0)
    x = 320.0 + 7.5 * math.sin(2 * math.pi * rate / 60 * t)  # the thumb really moves: the hold stage sees it
    return dict(label=Label(label), thumb_xy=(x, 240.0), palm_px=50.0, rate_per_min=rate, amplitude_palm=amplitude,
                angle_to_grain_deg=85.0 if label == "cross_grain" else 10.0)


class Script:
    """Scripted labels through the real judging stages (holds, coaching, the cue selector), then SoundCues."""

    def __init__(self, tech, params: SoundCueParams = SoundCueParams()):
        self.judge = Judge(tech)
        self.cues = SoundCues(self.judge.technique, params)
        self.clock = FrameClock()
        self.t = 0.0
        self.i = 0
        self.events: list[SoundEvent] = []
        self.verdicts: list[FrameVerdict] = []

    def run(self, label: str, seconds: float, fps: float = FPS, **kw) -> list[SoundEvent]:
        new = []
        for _ in range(int(round(seconds * fps))):
            tick = self.clock(self.t)
            v = self.judge.judge(FrameVerdict(i=self.i, t=tick.t, credited_s=tick.credited_s, axis=AXIS,
                                              **_fields(label, self.t, **kw)))
            self.verdicts.append(v)
            new += self.cues.update(v)
            self.i += 1
            self.t = round(self.t + 1.0 / fps, 9)
        self.events += new
        return new


def kinds(events, kind=None):
    return [(e.kind, e.phrase) for e in events if kind is None or e.kind == kind]


def test_cross_friction_off_and_back_on_target_with_the_spoken_correction():
    s = Script("cross_friction")
    first = s.run("cross_grain", 6.0)
    assert [(e.kind, e.rate_per_min) for e in first] == [("metronome", 80.0)]  # the middle of 60-100 a minute
    assert first[0].t == 0.0
    wrong = s.run("lengthwise", 6.0)
    change_t = 6.0
    off = [e for e in wrong if e.kind == "tone_off"]
    said = [e for e in wrong if e.kind == "speech"]
    assert len(off) == 1 and change_t <= off[0].t <= change_t + 0.6, off  # at once for a beginner
    assert [e.phrase for e in said] == ["turn_90"] and said[0].why == "label:lengthwise"
    # the phrase is said once the page shows the correction, after the fading's wait (none for a beginner)
    shown = next(v for v in s.verdicts if v.coaching.cue is not None and v.coaching.cue.id == "label:lengthwise")
    assert shown.t <= said[0].t <= shown.t + 0.5 * 3.0 * shown.coaching.cue_skill + 0.04
    assert abs(said[0].t - off[0].t) < 0.1  # heard together with the tone
    back = s.run("cross_grain", 4.0)
    on = [e for e in back if e.kind == "tone_on"]
    assert len(on) == 1 and on[0].t == pytest.approx(12.0, abs=1e-6), back  # the very first verdict back on target
    assert not [e for e in back if e.kind in ("tone_off", "speech")]
    # every event is stamped with the verdict that caused it
    times = {v.t for v in s.verdicts}
    assert all(e.t in times for e in s.events)


def test_a_tone_is_heard_once_per_change_not_every_frame():
    s = Script("cross_friction")
    s.run("lengthwise", 10.0)
    assert len(kinds(s.events, "tone_off")) == 1 and not kinds(s.events, "tone_on")
    assert s.events[0].kind == "metronome" and kinds(s.events, "tone_off")[0] == ("tone_off", None)
    assert s.events[1].t == 0.0  # a beginner hears the first mistake at once


def test_fading_a_skilled_user_slips_briefly_and_hears_nothing_but_a_long_slip_is_heard():
    s = Script("cross_friction")
    s.run("cross_grain", 90.0, fps=15)
    assert s.verdicts[-1].coaching.cue_skill > 0.95
    quiet = s.run("lengthwise", 0.8, fps=15) + s.run("cross_grain", 10.0, fps=15)
    assert not [e for e in quiet if e.kind in ("tone_off", "tone_on", "speech")], quiet
    slip = s.run("lengthwise", 4.0, fps=15)
    off = [e for e in slip if e.kind == "tone_off"]
    start = 100.8
    skill = s.verdicts[-1].coaching.cue_skill
    assert len(off) == 1 and off[0].t - start >= 0.5 * 3.0 * 0.8, (off, skill)  # waits for skill x gain x 0.5 s


def test_metronome_quieter_for_a_skilled_user_and_stops_without_a_hand():
    s = Script("cross_friction")
    s.run("cross_grain", 60.0, fps=15)
    levels = [e.level for e in s.events if e.kind == "metronome"]
    assert levels[0] == 1.0 and levels[-1] == 0.5  # faded once the user keeps within the targets
    gone = s.run("no_hand", 3.0, fps=15)
    stop = [e for e in gone if e.kind == "metronome"]
    assert len(stop) == 1 and stop[0].rate_per_min is None and 61.4 <= stop[0].t <= 61.6
    said = [e.phrase for e in gone if e.kind == "speech"]
    assert said == ["no_hand"]
    again = s.run("no_hand", 30.0, fps=15)
    assert not [e for e in again if e.kind == "speech"]  # "hand out of view" is said once, not every 12 s
    back = s.run("cross_grain", 1.0, fps=15)
    assert [e.rate_per_min for e in back if e.kind == "metronome"] == [80.0]


def test_a_correction_still_shown_is_said_again_later():
    s = Script("cross_friction")
    s.run("lengthwise", 40.0, fps=15)
    said = [e.t for e in s.events if e.kind == "speech"]
    assert len(said) >= 3 and all(12.0 <= b - a <= 40 for a, b in zip(said, said[1:])), said


def test_hold_milestones_then_hold_complete():
    s = Script("myofascial_hold")
    s.run("hold", 95.0, fps=10)
    said = [(e.phrase, e.t) for e in s.events if e.kind == "speech"]
    assert [p for p, _ in said] == ["hold_30", "hold_60", "hold_done"], said
    hold_s = {round(v.t, 1): v.coaching.hold_good_s for v in s.verdicts}
    assert 29.5 <= hold_s[round(said[0][1], 1)] <= 30.5 and 59.5 <= hold_s[round(said[1][1], 1)] <= 60.5
    assert not kinds(s.events, "metronome")  # a hold has no stroke rate to keep


def test_hold_technique_sliding_is_off_target_and_said():
    s = Script("myofascial_hold")
    s.run("hold", 5.0)
    slide = s.run("cross_grain", 4.0)
    assert ("tone_off", None) in kinds(slide) and ("speech", "hold_still") in kinds(slide)
    back = s.run("hold", 4.0)
    assert ("tone_on", None) in kinds(back)


def test_side_switch_and_repetition_phases_are_said():
    calf = parse_technique("calf", {"kind": "strokes", "good_labels": ["cross_grain"],
                                    "targets": {"work_s": 3, "sides": ["left calf", "right calf"]}})
    s = Script(calf)
    s.run("cross_grain", 8.0)
    assert [e.phrase for e in s.events if e.kind == "speech"] == ["switch_side", "sides_done"]
    s = Script("active_release")
    s.run("hold", 8.0)
    said = [e.phrase for e in s.events if e.kind == "speech"]
    assert said[:3] == ["toes_down", "toes_up", "toes_down"], said


def test_every_bundled_cue_has_a_phrase_and_every_phrase_a_short_file():
    for tech in registry().values():
        for cue in tech.cues:
            assert cue_phrase(tech.name, cue.id) in PHRASES, (tech.name, cue.id)
        for name, _ in tech.phases:
            assert timer_phrase(name) in PHRASES
    for key in PHRASES:
        with wave.open(str(SOUNDS_DIR / f"{key}.wav"), "rb") as w:
            assert (w.getnchannels(), w.getsampwidth(), w.getframerate()) == (1, 2, SAMPLE_RATE), key
            assert 0.3 < w.getnframes() / SAMPLE_RATE < 2.5, key
        x = phrase_pcm(key)
        assert 0.3 < np.abs(x).max() <= 1.0 and np.sqrt(np.mean(x ** 2)) > 0.03, key  # speech, not silence
    assert sorted(p.stem for p in SOUNDS_DIR.glob("*.wav")) == sorted(PHRASES)  # no stale files shipped
    assert timer_phrase(None) == "done"
    with pytest.raises(KeyError, match="no phrase for the timer step 'Lukewarm'"):
        timer_phrase("Lukewarm")


def test_metronome_rate_and_bad_inputs():
    assert metronome_rate(registry()["cross_friction"]) == 80.0
    assert metronome_rate(registry()["morning_release"]) == 105.0
    assert metronome_rate(registry()["myofascial_hold"]) is None
    cues = SoundCues("cross_friction")
    with pytest.raises(ValueError, match="carries no coaching state"):
        cues.update(FrameVerdict(i=3, t=0.1, credited_s=0.0, label=Label.HOLD, axis=AXIS))
    with pytest.raises(ValueError, match="repeat_s must be a positive number"):
        SoundCueParams(repeat_s=0)
    with pytest.raises(ValueError, match="loud_skill <= quiet_skill"):
        SoundCueParams(quiet_skill=0.3, loud_skill=0.6)
    with pytest.raises(ValueError, match="unknown technique"):
        SoundCues("tap_dance")


# --------------------------------------------------------------------------- the synthesiser

def render(mixer: Mixer, seconds: float, block: int = 320) -> np.ndarray:
    return np.concatenate([mixer.render(block) for _ in range(int(seconds * SAMPLE_RATE / block))]).astype(float)


def peak_hz(x: np.ndarray, rate: int = SAMPLE_RATE) -> float:
    spec = np.abs(np.fft.rfft(x * np.hanning(len(x)), n=8 * len(x)))
    return float(np.fft.rfftfreq(8 * len(x), 1 / rate)[np.argmax(spec)])


def test_tones_have_their_notes_found_by_fft():
    for notes, event in ((TONE_OFF, "tone_off"), (TONE_ON, "tone_on")):
        m = Mixer()
        m.play(SoundEvent(0.0, event))
        x = render(m, 0.6)
        (f1, s1), (f2, s2) = notes
        a = x[int(0.03 * SAMPLE_RATE): int((s1 - 0.03) * SAMPLE_RATE)]
        b = x[int((s1 + 0.03) * SAMPLE_RATE): int((s1 + s2 - 0.04) * SAMPLE_RATE)]
        assert abs(peak_hz(a) - f1) < 3 and abs(peak_hz(b) - f2) < 3, (event, peak_hz(a), peak_hz(b))
        assert not x[int((s1 + s2) * SAMPLE_RATE) + 10:].any()  # and then silence
        assert x[0] == 0 and np.abs(x[:160]).max() < np.abs(x).max()  # a soft start: no click
    assert TONE_OFF[-1][0] < TONE_OFF[0][0] and TONE_ON[-1][0] > TONE_ON[0][0]  # off falls, on rises


def test_a_sound_starts_in_the_very_next_block():
    m = Mixer()
    assert not m.render(320).any()
    m.play(SoundEvent(1.0, "tone_off"))
    block = m.render(320)
    assert block[1:40].any()  # within the first 2.5 ms of the next 20 ms block
    (event, waited), = m.started
    assert event.kind == "tone_off" and 0 <= waited < 0.02


def test_metronome_clicks_at_the_rate():
    m = Mixer()
    m.play(SoundEvent(0.0, "metronome", rate_per_min=80.0))
    x = render(m, 30.0, block=333)  # blocks that do not divide the beat
    loud = np.abs(x) > 0.2 * np.abs(x).max()
    onsets = np.flatnonzero(loud[1:] & ~loud[:-1]) + 1
    onsets = onsets[np.insert(np.diff(onsets) > 0.2 * SAMPLE_RATE, 0, True)]
    assert len(onsets) == 40  # 80 a minute for 30 s
    assert np.allclose(np.diff(onsets), 0.75 * SAMPLE_RATE, atol=2)
    first = x[onsets[1] - 5: onsets[1] + int(0.02 * SAMPLE_RATE)]
    assert abs(peak_hz(first) - CLICK_HZ) < 60
    m.play(SoundEvent(30.0, "metronome", rate_per_min=None))
    assert not render(m, 2.0).any()


def test_volume_zero_and_mute_are_silence_and_volume_scales():
    def loudness(settings):
        m = Mixer(settings)
        m.play(SoundEvent(0.0, "metronome", rate_per_min=120.0))
        m.play(SoundEvent(0.0, "tone_on"))
        m.play(SoundEvent(0.0, "speech", phrase="slow_down"))
        x = render(m, 1.5)
        return float(np.sqrt(np.mean(x ** 2)))

    assert loudness(SoundSettings(volume=0.0)) == 0.0
    assert loudness(SoundSettings(on=False, volume=1.0)) == 0.0
    full, half = loudness(SoundSettings(volume=0.8)), loudness(SoundSettings(volume=0.4))
    assert full > 1000 and half == pytest.approx(full / 2, rel=0.02)


def test_mute_takes_effect_at_once_and_unmuting_plays_nothing_stale():
    m = Mixer()
    m.play(SoundEvent(0.0, "speech", phrase="turn_90"))
    assert render(m, 0.2).any()
    m.configure(SoundSettings(on=False))
    assert not render(m, 2.0).any()
    m.configure(SoundSettings(on=True))
    assert not render(m, 0.5).any()  # the phrase ran out while muted: nothing left over


def test_metronome_and_voice_switches():
    m = Mixer(SoundSettings(metronome=False))
    m.play(SoundEvent(0.0, "metronome", rate_per_min=120.0))
    assert not render(m, 2.0).any()
    m.play(SoundEvent(2.0, "tone_off"))
    assert render(m, 0.4).any()  # tones still sound
    m = Mixer(SoundSettings(voice=False))
    m.play(SoundEvent(0.0, "speech", phrase="hold_still"))
    assert not render(m, 1.5).any()


def test_speech_never_overlaps_and_the_newest_waiting_phrase_wins():
    m = Mixer()
    for phrase in ("turn_90", "slow_down", "hold_still"):
        m.play(SoundEvent(0.0, "speech", phrase=phrase))
    x = render(m, 3.0) / 32767 / 0.8 / 0.9
    a, c = phrase_pcm("turn_90"), phrase_pcm("hold_still")
    assert np.allclose(x[:len(a)], a, atol=2e-4)  # the first phrase, alone
    assert np.allclose(x[len(a):len(a) + len(c)], c, atol=2e-4)  # then the newest; "slow down" was dropped
    assert [e.phrase for e, _ in m.started] == ["turn_90", "hold_still"]


def test_synth_bad_inputs_are_clear(tmp_path):
    with pytest.raises(ValueError, match="volume must be between 0 and 1, got 1.5"):
        SoundSettings(volume=1.5)
    with pytest.raises(ValueError, match="volume must be between 0 and 1"):
        SoundSettings(volume=float("nan"))
    m = Mixer()
    with pytest.raises(ValueError, match="no phrase 'sing'"):
        m.play(SoundEvent(0.0, "speech", phrase="sing"))
    with pytest.raises(ValueError, match="unknown sound event kind 'siren'"):
        m.play(SoundEvent(0.0, "siren"))
    with pytest.raises(ValueError, match="positive number of samples"):
        m.render(0)
    with pytest.raises(ValueError, match="0 < frequency < 8000 Hz"):
        tone(((9000.0, 0.1),))
    with pytest.raises(FileNotFoundError, match="phrase file is missing.*make sounds"):
        Mixer(sounds_dir=tmp_path).play(SoundEvent(0.0, "speech", phrase="done"))
    stereo = tmp_path / "stereo.wav"
    with wave.open(str(stereo), "wb") as w:
        w.setnchannels(2), w.setsampwidth(2), w.setframerate(44100), w.writeframes(b"\0" * 400)
    with pytest.raises(ValueError, match="expected 16000 Hz mono 16-bit PCM, got 44100 Hz, 2 channel"):
        read_pcm(stereo)
    junk = tmp_path / "junk.wav"
    junk.write_bytes(b"not a wav at all")
    with pytest.raises(ValueError, match="not a readable WAV file"):
        read_pcm(junk)


def test_timer_announcement_is_a_chime_then_the_phrase():
    import io
    data = announcement("cold")
    with wave.open(io.BytesIO(data), "rb") as w:
        assert (w.getnchannels(), w.getframerate()) == (1, SAMPLE_RATE)
        x = np.frombuffer(w.readframes(w.getnframes()), "<i2").astype(float)
    assert abs(peak_hz(x[: int(0.4 * SAMPLE_RATE)]) - 880.0) < 3
    assert len(x) == int(0.5 * SAMPLE_RATE) + int(0.1 * SAMPLE_RATE) + len(phrase_pcm("cold"))
    with wave.open(io.BytesIO(announcement("cold", SoundSettings(on=False))), "rb") as w:
        assert not any(w.readframes(w.getnframes()))
    routine = TimerRoutine.from_technique(registry()["contrast_bath"])
    assert [timer_phrase(s.name) for s in routine.steps[:2]] == ["warm", "cold"]


# --------------------------------------------------------------------------- the live adapter

def test_live_sound_turns_verdicts_into_audio_frames_at_once():
    s = Script("cross_friction")
    live = LiveSound(trace=False)
    live.start("cross_friction")
    s.run("cross_grain", 3.0)
    for v in s.verdicts:
        live.on_verdict(v)
        live.on_verdict(v)  # the same verdict twice (a frame redrawn) sounds once
    frame = live.audio_frame(0, Fraction(1, SAMPLE_RATE))
    assert frame.samples == 320 and frame.sample_rate == SAMPLE_RATE and frame.format.name == "s16"
    for _ in range(10):
        live.audio_frame(0, None)  # past the metronome's click
    n = len(s.verdicts)
    off = next(e for e in s.run("lengthwise", 1.0) if e.kind == "tone_off")
    for v in s.verdicts[n:]:
        live.on_verdict(v)
        if v.t == off.t:
            break  # the verdict that went off target
    x = np.concatenate([live.audio_frame(0, None).to_ndarray()[0] for _ in range(15)]).astype(float)
    assert abs(peak_hz(x[16: int(0.14 * SAMPLE_RATE)]) - TONE_OFF[0][0]) < 3  # the off tone, in the next 20 ms frame
    assert live.events == len([e for e in s.events if e.t <= off.t])  # the metronome, the tone (and the phrase)
    live.stop()
    live.on_verdict(s.verdicts[-1])
    assert not np.concatenate([live.audio_frame(0, None).to_ndarray()[0] for _ in range(50)]).any()


def test_contrast_bath_says_warm_cold_and_done_once_per_change():
    from vision.sound.cues import timer_sound

    routine = TimerRoutine.from_technique(registry()["contrast_bath"])
    heard, last = [], None
    for second in range(0, 800, 5):
        index, phrase = timer_sound(routine, float(second))
        if index != last:
            heard.append((second, phrase))
            last = index
    assert heard == [(0, "warm"), (180, "cold"), (240, "warm"), (420, "cold"), (480, "warm"), (660, "cold"),
                     (720, "done")]
    clips = {announcement(p, step=i) for i, p in enumerate(["warm", "cold", "warm"])}
    assert len(clips) == 3  # each change is a new clip, so the page's player plays it (once)
