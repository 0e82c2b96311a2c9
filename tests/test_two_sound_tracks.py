"""Two sessions' sound tracks are independent: what issue 16 was not.

Each browser session's sound goes out on its own streamlit-webrtc AudioSourceTrack,
fed by its own LiveSound, through the server-wide MediaRelay that streamlit-webrtc
shares between all sessions (streamlit_webrtc/relay.py). Ending one session (its relay
subscription and its track stopped, as streamlit-webrtc's worker does at STOP) must
leave the other one's audio flowing; so must starting a new one beside it.
"""

from __future__ import annotations

import asyncio

import pytest

pytest.importorskip("streamlit_webrtc")
from aiortc.contrib.media import MediaRelay  # noqa: E402
from streamlit_webrtc.source import AudioSourceTrack  # noqa: E402

from vision.ui.live_sound import PTIME_S, SAMPLE_RATE, LiveSound  # noqa: E402


def _track(sound: LiveSound) -> AudioSourceTrack:
    return AudioSourceTrack(callback=sound.audio_frame, sample_rate=SAMPLE_RATE, ptime=PTIME_S)


def test_stopping_one_sessions_sound_leaves_the_others_running():
    async def scenario():
        relay = MediaRelay()  # one for the whole server, as streamlit-webrtc's
        sound_a, sound_b = LiveSound(), LiveSound()
        sound_a.start("cross_friction")
        sound_b.start("cross_friction")
        track_a, track_b = _track(sound_a), _track(sound_b)
        out_a, out_b = relay.subscribe(track_a), relay.subscribe(track_b)
        for _ in range(3):
            await out_a.recv()
            await out_b.recv()
        # A stops, the way streamlit-webrtc's worker ends a session
        out_a.stop()
        track_a.stop()
        sound_a.stop()
        # a third session starts beside B
        sound_c = LiveSound()
        sound_c.start("myofascial_hold")
        track_c = _track(sound_c)
        out_c = relay.subscribe(track_c)
        frames = []
        for _ in range(10):
            frames.append(await asyncio.wait_for(out_b.recv(), 2.0))
            await asyncio.wait_for(out_c.recv(), 2.0)
        assert track_b.readyState == "live" and out_b.readyState == "live"
        assert all(f.sample_rate == SAMPLE_RATE and f.samples == int(SAMPLE_RATE * PTIME_S) for f in frames)
        pts = [f.pts for f in frames]
        assert pts == sorted(pts) and len(set(pts)) == len(pts)  # B's own clock ran on
        for t in (out_b, out_c, track_b, track_c):
            t.stop()

    asyncio.run(scenario())
