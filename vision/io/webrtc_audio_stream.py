"""The cue sound on a media stream of its own, so the browser does not hold it back for the video.

aiortc puts every track a peer connection sends into one media stream (one ``msid``
stream id, ``RTCPeerConnection.__stream_id``). Chrome plays the audio and video of one
stream in step (lip sync): it delays the audio to the video's playout, whose jitter
buffer is fed frames in bursts by a busy analysis. The cue's job is to follow the
verdict, and the video's frames are already drawn with that verdict, so the sound gets a
stream id of its own (``RTCRtpSender._stream_id``, read when the answer's SDP is
written) and plays as soon as its own jitter buffer allows.

Measured with tests/test_browser_sound.py on a quiet machine (load 1-3), three runs
each, alternating: tones behind their verdicts 0.25-0.34 s, median 0.26 s, against
0.24-0.33 s, median 0.30 s, in the shared stream; the browser's audio jitter buffer
96-107 ms against 105-152 ms.

Process-wide, at the adapter boundary, like vision/io/webrtc_consent.py.
"""

from __future__ import annotations

import uuid

_MARK = "_crossgrain_audio_has_its_own_stream"


def apply_audio_own_stream() -> None:
    """Every audio track added to an aiortc peer connection gets a stream id of its own (idempotent)."""
    from aiortc import RTCPeerConnection

    if getattr(RTCPeerConnection, _MARK, False):
        return
    add_track = RTCPeerConnection.addTrack

    def addTrack(self, track):  # noqa: N802 - aiortc's name
        sender = add_track(self, track)
        if track.kind == "audio":
            sender._stream_id = str(uuid.uuid4())
        return sender

    addTrack.__doc__ = add_track.__doc__
    RTCPeerConnection.addTrack = addTrack
    setattr(RTCPeerConnection, _MARK, True)
