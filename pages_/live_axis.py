"""The live page's foot axis: how it is set now, and the other ways to set it (issue 13).

Thin: the state and its words are vision/ui/live_axis.py; drawing reuses the two-click picker.
"""

from __future__ import annotations

import streamlit as st

from vision.ui.live_axis import AxisMode
from vision.ui.live_stream import LiveStream

from .axis_picker import axis_picker

STILL_KEY = "live_axis_still"


def axis_controls(stream: LiveStream, playing: bool) -> None:
    """Buttons to follow the foot, show the axis with the thumb or draw it on a still; the axis's status."""
    live_axis = stream.axis
    with st.expander("Foot axis: set it for me", expanded=st.session_state.get(STILL_KEY) is not None):
        st.caption("The sidebar's angle is used until you choose another way. Moving the slider returns to it.")
        c1, c2, c3, c4 = st.columns(4)
        c1.button("Follow my foot", key="axis_follow", on_click=live_axis.follow, disabled=not playing,
                  help="The camera finds your foot and follows it as it turns.")
        c2.button("Show it with my thumb", key="axis_thumb", on_click=live_axis.show_with_thumb,
                  disabled=not playing, help="Rest your thumb on your heel for 2 s, then on the base of your toes.")
        if c3.button("Draw it on a picture", key="axis_draw", disabled=not playing,
                     help="Take a still of the camera and click the heel, then the toes."):
            still = live_axis.still()
            if still is None:
                st.warning("No picture from the camera yet: wait until the panel shows your hand.")
            else:
                st.session_state[STILL_KEY] = still
                st.session_state.pop("live_axis_picker", None)
                st.session_state.pop("live_axis_picker_accepted", None)
        c4.button("Use the sidebar's angle", key="axis_typed", on_click=live_axis.use_typed)
        still = st.session_state.get(STILL_KEY)
        if still is not None:
            drawn = axis_picker(still, None, key="live_axis_picker")
            if drawn is not None:
                live_axis.draw(drawn)
                st.session_state.pop(STILL_KEY, None)
                st.rerun()
    moving = playing and live_axis.mode in (AxisMode.THUMB, AxisMode.FOLLOW)
    st.fragment(run_every=0.5 if moving else None)(axis_status)(stream)


def axis_status(stream: LiveStream) -> None:
    view = stream.axis.view()
    st.caption(f"**Foot axis** ({view.mode.value}): {view.message}")
    if view.calibration is not None:
        st.progress(view.calibration.progress, text=f"Step: {view.calibration.step.value}")
