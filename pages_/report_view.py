"""One Report on the page: verdict, timeline, tables, coaching and downloads (thin: vision/ui/tables.py)."""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from vision.ui.coaching_view import COMPONENTS_HELP, coaching_rows, debrief_markdown
from vision.ui.tables import (
    HOLD_HELP,
    SEGMENT_HELP,
    hold_rows,
    label_colour_scale,
    segment_note,
    segment_rows,
    summary_rows,
    therapist_rows,
    timeline_rows,
    truth_frame_agreement,
    truth_rows,
    verdict,
)
from vision.views.html_report import report_html

# the verdict's box: colour and an icon (a shape, not the colour alone)
QUALITY_BOX = {"good": st.success, "warn": st.warning, "bad": st.error, "idle": st.info}
QUALITY_ICON = {"good": ":material/check_circle:", "warn": ":material/warning:", "bad": ":material/cancel:",
                "idle": ":material/info:"}


def quality_box(quality: str, text: str) -> None:
    QUALITY_BOX[quality](text, icon=QUALITY_ICON[quality])


def pairs_table(rows: list[tuple[str, str]], what: str = "What", value: str = "Value") -> None:
    """(what, value) pairs as a table with named columns and no index (no empty header cell)."""
    st.table(pd.DataFrame(rows, columns=[what, value]).style.hide(axis="index"))


def show_report(report, technique_name: str, key: str, truth: dict | None = None, live: bool = False) -> None:
    """Timeline, segments, holds, summary and downloads of one Report (``live``: a webcam session's)."""
    quality, text = verdict(report, live=live)
    quality_box(quality, text)

    rows = timeline_rows(report)
    if rows:
        domain, colours = label_colour_scale()
        chart = (alt.Chart(pd.DataFrame(rows)).mark_bar()
                 .encode(x=alt.X("From (s):Q", title="Seconds from the start"), x2="To (s):Q",
                         y=alt.Y("What:N", title=None, sort=domain),
                         color=alt.Color("What:N", scale=alt.Scale(domain=domain, range=colours),
                                         legend=alt.Legend(title="What the thumb did", orient="right")),
                         tooltip=["What", "From (s)", "To (s)", "How long"])
                 .properties(height=alt.Step(26), title="Timeline"))
        st.altair_chart(chart, width="stretch")

    left, right = st.columns([3, 2])
    with left:
        st.markdown("**Segments**")
        st.dataframe(pd.DataFrame(segment_rows(report)), hide_index=True, width="stretch")
        if note := segment_note(report):
            st.caption(note)
        st.caption(SEGMENT_HELP)
        st.markdown("**Holds**")
        holds = hold_rows(report)
        if holds:
            st.dataframe(pd.DataFrame(holds), hide_index=True, width="stretch")
            st.caption(HOLD_HELP)
        else:
            st.caption("No holds.")
    with right:
        st.markdown("**Summary**")
        pairs_table(summary_rows(report, live=live))
    with st.expander("For therapists: the figures", expanded=False):
        pairs_table(therapist_rows(report), value="Figure")
    if truth:
        with st.expander("Sample truth vs measured", expanded=False):
            agreement = truth_frame_agreement(report, truth)
            if agreement is not None:
                st.caption(f"Frames (glides left out) with the scripted label: {100 * agreement:.0f}%")
            st.table(pd.DataFrame(truth_rows(report, truth)).style.hide(axis="index"))

    stem = report.source.rsplit(".", 1)[0] or "report"
    if report.coaching:
        st.markdown("**Coaching: score and debrief**")
        c_left, c_right = st.columns([2, 3])
        with c_left:
            pairs_table(coaching_rows(report.coaching))
            if report.coaching.get("components"):
                st.caption(COMPONENTS_HELP)
        c_right.markdown(debrief_markdown(report.coaching))
        with st.expander("Safety", expanded=False):
            st.markdown("\n".join(f"- {w}" for w in report.coaching.get("warnings", []))
                        + f"\n\n{report.coaching.get('disclaimer', '')}")
    c1, c2, c3 = st.columns(3)
    c1.download_button("Download report (JSON)", report.to_json(), file_name=f"{stem}.crossgrain.json",
                       mime="application/json", key=f"{key}_json")
    c2.download_button("Download frames (CSV)", report.to_csv(), file_name=f"{stem}.crossgrain.csv",
                       mime="text/csv", key=f"{key}_csv")
    c3.download_button("Download report to share (HTML)", report_html(report), file_name=f"{stem}.crossgrain.html",
                       mime="text/html", key=f"{key}_html", help="One file that opens in any browser, offline.")
