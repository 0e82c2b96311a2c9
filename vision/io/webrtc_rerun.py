"""Keep a playing camera through a late script-run count (streamlit-webrtc 0.79, Streamlit 1.67).

streamlit-webrtc resets a streamer, stopping its camera, when the session's
script-run count has moved on by two or more since the streamer was last drawn:
its sign that the user left the page and came back ("Context ... was not
rendered for 1 script runs; resetting stale state"). Streamlit raises that
count on its event loop when it *sends* a run's "finished" message, so on a
busy machine a run can read it before the previous run's message has gone out,
and the next full run (a button press) then sees a jump of two with no run
missed: the camera stopped in the middle of a session (seen with a CPU hog, in
in 3 of 16 runs of tests/test_live_axis_browser.py, and once in CI).

While the stream is still receiving the camera's frames, the page was not left
(leaving it stops the stream within a second: streamlit-webrtc's own page
watch), so the streamer is marked as drawn in the run before this one.
"""

from __future__ import annotations

import logging

logger = logging.getLogger(__name__)

RECEIVING_S = 1.0  # a frame this recent: the stream is live, the page was not left


def late_count(current: int | None, last_drawn: int | None, since_frame_s: float | None) -> bool:
    """Would streamlit-webrtc take this run for a return to the page while frames still arrive?"""
    return (current is not None and last_drawn is not None and current > last_drawn + 1
            and since_frame_s is not None and since_frame_s <= RECEIVING_S)


def keep_streamer_through_late_count(key: str, since_frame_s: float | None) -> bool:
    """Call just before ``webrtc_streamer(key=key)``; ``since_frame_s``: seconds since the stream's
    last frame (None before any). Returns True when it stepped in."""
    import streamlit as st
    from streamlit_webrtc.session_info import get_script_run_count, get_this_session_info

    context = st.session_state.get(key)
    if context is None:
        return False
    try:  # internals of both libraries: where they are not there (a test harness), leave the streamer alone
        info = get_this_session_info()
        current = get_script_run_count(info) if info is not None else None
    except Exception:  # noqa: BLE001
        return False
    last_drawn = getattr(context, "_last_rendered_run_count", None)
    if not late_count(current, last_drawn, since_frame_s):
        return False
    context._last_rendered_run_count = current - 1
    logger.info("kept %s playing: script-run count %s, last drawn at %s, a frame %.2f s ago",
                key, current, last_drawn, since_frame_s)
    return True
