"""One Report on the page: verdict, timeline, tables, coaching and downloads (thin: vision/ui/tables.py)."""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from vision.ui.coaching_view import coaching_rows, debrief_markdown
from vision.ui.labels import label_title
from vision.ui.tables import (
    hold_rows,
    label_colour_scale,
    segment_rows,
    summary_rows,
    timeline_rows,
    truth_frame_agreement,
    truth_rows,
    verdict,
)
from vision.views.html_report import report_html

QUALITY_BOX = {"good": st.success, "warn": st.warning, "bad": st.error, "idle": st.info}


def show_report(report, technique_name: str, key: str, truth: dict | None = None) -> None:
    """Timeline, segments, holds, summary and downloads of one Report."""
    quality, text = verdict(report)
    QUALITY_BOX[quality](text)

    rows = timeline_rows(report)
    if rows:
        domain, colours = label_colour_scale()
        chart = (alt.Chart(pd.DataFrame(rows)).mark_bar()
                 .encode(x=alt.X("start_s:Q", title="time (s)"), x2="end_s:Q",
                         y=alt.Y("title:N", title=None, sort=[label_title(d) for d in domain]),
                         color=alt.Color("label:N", scale=alt.Scale(domain=domain, range=colours),
                                         legend=alt.Legend(title="label", orient="right")),
                         tooltip=["label", "start_s", "end_s", "duration_s"])
                 .properties(height=alt.Step(26), title="Timeline"))
        st.altair_chart(chart, width="stretch")

    left, right = st.columns([3, 2])
    with left:
        st.markdown("**Segments**")
        st.dataframe(pd.DataFrame(segment_rows(report)), hide_index=True, width="stretch")
        st.markdown("**Holds**")
        holds = hold_rows(report)
        if holds:
            st.dataframe(pd.DataFrame(holds), hide_index=True, width="stretch")
        else:
            st.caption("No holds.")
    with right:
        st.markdown("**Summary**")
        st.table(pd.DataFrame(summary_rows(report), columns=["", "value"])
                 .set_index(""))
    if truth:
        with st.expander("Sample truth vs measured", expanded=False):
            agreement = truth_frame_agreement(report, truth)
            if agreement is not None:
                st.caption(f"Frames (glides left out) with the scripted label: {100 * agreement:.0f}%")
            st.table(pd.DataFrame(truth_rows(report, truth)).set_index("truth").style.format(precision=1))

    stem = report.source.rsplit(".", 1)[0] or "report"
    if report.coaching:
        st.markdown("**Coaching: score and debrief**")
        c_left, c_right = st.columns([2, 3])
        c_left.table(pd.DataFrame(coaching_rows(report.coaching), columns=["", "value"]).set_index(""))
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
