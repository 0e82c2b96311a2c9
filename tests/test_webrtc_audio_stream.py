"""The cue sound's track is offered in a media stream of its own (real aiortc, real SDP)."""

from __future__ import annotations

import asyncio
import re

from aiortc import AudioStreamTrack, RTCPeerConnection, VideoStreamTrack

from vision.io.webrtc_audio_stream import apply_audio_own_stream


def msids(sdp: str) -> dict[str, str]:
    """{media kind: its stream id} from the SDP's m= sections and a=msid lines."""
    out, kind = {}, None
    for line in sdp.splitlines():
        if line.startswith("m="):
            kind = line[2:].split()[0]
        m = re.match(r"a=msid:(\S+) ", line)
        if m and kind:
            out[kind] = m.group(1)
    return out


async def offer_streams() -> dict[str, str]:
    pc = RTCPeerConnection()
    try:
        pc.addTrack(VideoStreamTrack())
        pc.addTrack(AudioStreamTrack())
        offer = await pc.createOffer()
        return msids(offer.sdp)
    finally:
        await pc.close()


def test_audio_and_video_are_in_different_streams_once_applied():
    if not getattr(RTCPeerConnection, "_crossgrain_audio_has_its_own_stream", False):  # not yet in this process
        before = asyncio.run(offer_streams())
        assert before["audio"] == before["video"]  # aiortc's own: one stream, which Chrome plays in step
    apply_audio_own_stream()
    apply_audio_own_stream()  # idempotent: wrapped once
    after = asyncio.run(offer_streams())
    assert set(after) == {"audio", "video"}
    assert after["audio"] != after["video"]
