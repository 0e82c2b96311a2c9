"""Two clicks on a still: the foot axis drawn by the user, or the found one accepted (issue 13)."""

from __future__ import annotations

import streamlit as st


def axis_picker(rgb, found=None, key: str = "axis_picker"):
    """Show ``rgb`` with the axis drawn; the user accepts the found axis or clicks heel then toes.

    Returns the FootAxis in force (drawn, or the found one once accepted), or None.
    """
    from streamlit_image_coordinates import streamlit_image_coordinates

    from vision.ui.axis_picker import TwoClicks, axis_caption, draw_axis

    clicks = st.session_state.get(key)
    if clicks is None or (clicks.width, clicks.height) != (rgb.shape[1], rgb.shape[0]):
        clicks = st.session_state[key] = TwoClicks(rgb.shape[1], rgb.shape[0])
    shown = clicks.axis or found
    value = streamlit_image_coordinates(draw_axis(rgb, shown, clicks.heel), key=f"{key}_image",
                                        width="content", cursor="crosshair")
    if clicks.click(value):
        st.rerun()
    st.caption(f"{axis_caption(shown)}. {clicks.prompt}")
    accept_col, clear_col = st.columns(2)
    if found is not None and clicks.axis is None:
        if accept_col.button("Use the found axis", key=f"{key}_accept"):
            st.session_state[f"{key}_accepted"] = True
    if clicks.heel is not None and clear_col.button("Start again", key=f"{key}_clear"):
        clicks.clear()
        st.session_state.pop(f"{key}_accepted", None)
        st.rerun()
    if clicks.axis is not None:
        return clicks.axis
    return found if st.session_state.get(f"{key}_accepted") else None
