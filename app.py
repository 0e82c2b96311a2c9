"""CrossGrain web app: live webcam practice, analysis of recorded videos, progress, and comparison
with a demonstration.

UI only: the sidebar here, each tab a page module in pages_/ (thin widgets over vision/).
Run with `streamlit run app.py` (or `make run`).
"""

from __future__ import annotations

import streamlit as st

from vision.coach.techniques import registry
from vision.ui.coaching_view import technique_targets
from vision.ui.notices import safety_notes
from vision.ui.panel import axis_preview_svg, axis_unused_text, technique_options
from vision.ui.phone import served_url
from pages_.analyse import analyse_page
from pages_.compare import compare_page
from pages_.live import live_page
from pages_.phone import phone_sidebar
from pages_.progress import progress_page

st.set_page_config(page_title="CrossGrain: foot massage coach", page_icon="🦶", layout="wide")


# --------------------------------------------------------------------------- sidebar

def sidebar() -> tuple[float, str]:
    sb = st.sidebar
    sb.title("CrossGrain")
    sb.caption("Technique feedback for foot self-massage. Video stays on this computer"
               + (" and your home network." if served_url() else "."))
    phone_sidebar()  # with `crossgrain serve --lan`: the QR code of the address for the phone
    options = technique_options()
    name = sb.selectbox("Technique", list(options), format_func=options.get, key="technique")
    tech = registry()[name]
    # the axis only matters where some stroke directions are right and others wrong: disabled (value kept) elsewhere
    axis = sb.slider("Foot axis (heel → toes), degrees", 0, 179, 90, key="foot_axis",
                     disabled=not tech.uses_foot_axis,
                     help="The angle of the heel-to-toes line as it appears in the picture: "
                          "90 = foot points up the screen, 0 = foot lies left-right. "
                          "The line is drawn on the video too.")
    if tech.uses_foot_axis:
        sb.markdown(axis_preview_svg(axis), unsafe_allow_html=True)
    else:
        sb.caption(axis_unused_text(tech))
    sb.markdown(f"**How to:** {tech.how_to}")
    if tech.not_for:
        sb.warning("**Do not do this if you have:**\n" + "\n".join(f"- {who}" for who in tech.not_for),
                   icon=":material/block:")
    sb.markdown("**Targets**\n" + "\n".join(f"- {line}" for line in technique_targets(name)))
    sb.header("Safety")
    sb.markdown("\n".join(f"- {note}" for note in safety_notes()))
    return float(axis), name


# --------------------------------------------------------------------------- page

axis_deg, technique_key = sidebar()
live_tab, analyse_tab, progress_tab, compare_tab = st.tabs(
    ["Live practice", "Analyse a video", "Progress", "Compare with a demonstration"])
with live_tab:
    live_page(axis_deg, technique_key)
with analyse_tab:
    analyse_page(axis_deg, technique_key)
with progress_tab:
    progress_page()
with compare_tab:
    compare_page(axis_deg, technique_key)
