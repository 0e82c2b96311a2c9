"""A live stream whose peer connection closed is ended, though STOP never reached the page
(vision/io/webrtc_ended.py): the real streamlit-webrtc context and a real aiortc peer connection."""

import asyncio

from aiortc import RTCPeerConnection
from streamlit_webrtc.component import WebRtcStreamerContext, WebRtcStreamerState

from vision.io.webrtc_ended import connection_closed

QUIET_S = 2.0  # the caller's "no frame for this long" (the live page passes its panel's STALL_S)

PLAYING = WebRtcStreamerState(playing=True, signalling=False)


class Worker:
    """What the context holds (weakly) of streamlit-webrtc's worker: its peer connection."""

    def __init__(self, pc):
        self.pc = pc


def test_a_playing_stream_whose_connection_closed_has_ended():
    pc = RTCPeerConnection()
    worker = Worker(pc)
    context = WebRtcStreamerContext(worker=worker, state=PLAYING)
    assert pc.connectionState == "new" and not connection_closed(context, QUIET_S + 1, QUIET_S)  # still being made
    asyncio.run(pc.close())
    assert pc.connectionState == "closed" and connection_closed(context, QUIET_S + 1, QUIET_S)
    assert connection_closed(context, None, QUIET_S)  # not a frame ever came
    assert not connection_closed(context, QUIET_S / 2, QUIET_S)  # frames still arrive: never cut


def test_a_playing_stream_whose_worker_has_gone_has_ended():
    context = WebRtcStreamerContext(worker=Worker(RTCPeerConnection()), state=PLAYING)  # held weakly: gone
    assert context._get_worker() is None and connection_closed(context, QUIET_S + 1, QUIET_S)


def test_a_stopped_or_starting_stream_is_left_to_streamlit_webrtc():
    pc = RTCPeerConnection()
    asyncio.run(pc.close())
    worker = Worker(pc)
    for state in (WebRtcStreamerState(playing=False, signalling=False),  # STOP came: nothing to end
                  WebRtcStreamerState(playing=False, signalling=True)):  # START pressed, connecting
        assert not connection_closed(WebRtcStreamerContext(worker=worker, state=state), QUIET_S + 1, QUIET_S)
    assert not connection_closed(None, None, QUIET_S)
