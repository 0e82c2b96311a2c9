"""The phone as the camera, on the page: the laptop's QR code, and the live page's settings button on phones.

Thin: the address, the code and the words are vision/ui/phone.py's.
"""

from __future__ import annotations

import streamlit as st

from vision.coach.techniques import registry
from vision.ui.panel import technique_options
from vision.ui.phone import (NARROW_ONLY_KEY, PHONE_CSS, PHONE_SETTINGS_KEY, WIDE_ONLY_KEY, phone_card,
                             served_url, settings_label)

__all__ = ["NARROW_ONLY_KEY", "WIDE_ONLY_KEY", "phone_layout_css", "phone_settings", "phone_sidebar"]


def phone_sidebar() -> None:
    """In the sidebar (the laptop's): the QR code of the https address, or how to get one."""
    url = served_url()
    sb = st.sidebar
    if url is None:
        sb.caption("Use your phone as the camera: start CrossGrain with `make run-lan` "
                   "(or `crossgrain serve --lan`) and scan the code it shows here.")
        return
    card = phone_card(url)
    with sb.expander("Use your phone as the camera", icon=":material/smartphone:", expanded=True):
        st.markdown(card.qr_html, unsafe_allow_html=True)
        st.markdown("\n".join(f"{k}. {step}" for k, step in enumerate(card.steps, 1)))
        st.markdown(f"**A warning the first time.** {card.certificate}")
        st.caption(card.privacy)


def phone_layout_css() -> None:
    st.html(PHONE_CSS)


def _follow(source: str, target: str) -> None:
    st.session_state[target] = st.session_state[source]


def phone_settings(axis: float, technique_name: str) -> None:
    """On phones (hidden on wider screens): the technique and the foot axis behind one labelled button.

    Its widgets follow the sidebar's (keys ``technique``, ``foot_axis``) and set them when changed."""
    st.session_state["phone_technique"] = technique_name
    st.session_state["phone_foot_axis"] = int(round(axis))
    options = technique_options()
    with st.container(key=PHONE_SETTINGS_KEY):
        with st.popover(settings_label(registry()[technique_name].title, axis), icon=":material/tune:",
                        width="stretch"):
            st.selectbox("Technique", list(options), format_func=options.get, key="phone_technique",
                         on_change=_follow, args=("phone_technique", "technique"))
            st.slider("Foot axis (heel → toes), degrees", 0, 179, key="phone_foot_axis",
                      on_change=_follow, args=("phone_foot_axis", "foot_axis"),
                      help="90 = foot points up the screen, 0 = foot lies left-right. The line is drawn "
                           "on the video.")
            st.caption(registry()[technique_name].how_to)
