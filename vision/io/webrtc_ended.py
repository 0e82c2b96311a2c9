"""A live stream whose connection has closed, though the page was never told (streamlit-webrtc 0.79).

STOP in the component reaches the server as a new component value, which
streamlit-webrtc turns into its state ("playing" or not). Once in a clean-clone
test run that value never came: the component showed START, while the page went
on saying "the camera stopped sending frames" for two minutes and never showed
the session's report; a user would have had to press START and lose it. The
server's peer connection is its own account of the stream: when it has closed
(the browser closed it, or ICE failed, or the browser stopped answering consent
checks) the stream has ended, whatever the last component value said. The page
then resets the streamer as streamlit-webrtc does on STOP: the session's report
is shown, and the next START makes a new connection.
"""

from __future__ import annotations

import logging

logger = logging.getLogger(__name__)

ENDED_STATES = ("closed", "failed")


def connection_closed(context, since_frame_s: float | None, quiet_s: float) -> bool:
    """``context`` (a WebRtcStreamerContext) says playing, no frame came for ``quiet_s`` (the caller's
    own "the camera stopped": a stream that delivers is never cut), and its worker is gone (streamlit-webrtc holds it weakly: it goes once its connection has closed) or its
    peer connection has ended."""
    if context is None or not getattr(getattr(context, "state", None), "playing", False):
        return False
    if since_frame_s is not None and since_frame_s < quiet_s:
        return False
    try:  # internals of streamlit-webrtc: where they are not there, leave the stream alone
        worker = context._get_worker()
    except Exception:  # noqa: BLE001
        return False
    if worker is None:
        return True
    pc = getattr(worker, "pc", None)
    return pc is not None and pc.connectionState in ENDED_STATES


def end_closed_stream(key: str, since_frame_s: float | None, quiet_s: float) -> bool:
    """Call just before ``webrtc_streamer(key=key)``; ``since_frame_s``: seconds since the stream's
    last frame (None before any), ``quiet_s`` as for ``connection_closed``. A stream whose connection has closed is reset as STOP resets it;
    returns True when it was."""
    import streamlit as st

    context = st.session_state.get(key)
    if not connection_closed(context, since_frame_s, quiet_s):
        return False
    try:
        from streamlit_webrtc.component import _reset_context

        _reset_context(context)
    except Exception:  # noqa: BLE001 - a renamed internal: the page keeps saying the camera stopped
        logger.warning("could not reset the ended stream %s", key, exc_info=True)
        return False
    logger.warning("the stream %s had ended (its connection closed) without a STOP reaching the page", key)
    return True
