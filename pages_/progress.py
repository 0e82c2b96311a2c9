"""The Progress page and the "save this session" choice: thin widgets over vision/ui/progress_view.py.

Nothing is kept until the user says so (asked once, changeable here); video is never kept.
"""

from __future__ import annotations

from datetime import date

import altair as alt
import pandas as pd
import streamlit as st

from vision.history.advice import TINGLING_TEXT, due_sentence
from vision.history.record import RecordError, record_from_report
from vision.history.settings import keep_history, set_keep_history
from vision.history.store import Store, StoreError, default_db_path
from vision.ui.progress_view import WEEKDAYS, progress_view

ADVICE_BOX = {"stop": st.error, "see": st.warning, "ok": st.success, "info": st.info}
KEEP_QUESTION = "Keep my history on this computer?"
KEEP_HELP = ("Your sessions (technique, foot, score, figures, the pain you give) are kept in a file on this "
             "computer only, never sent anywhere. Video is never kept.")


def ask_keep_history(key: str) -> bool | None:
    """The one-time question; returns the answer (None while unanswered)."""
    keep = keep_history()
    if keep is not None:
        return keep
    st.markdown(f"**{KEEP_QUESTION}**")
    st.caption(KEEP_HELP)
    st.radio(KEEP_QUESTION, ["Yes, keep it", "No"], index=None, key=f"keep_ask_{key}", horizontal=True,
             label_visibility="collapsed", on_change=_answered, args=(f"keep_ask_{key}",))
    return None


def _answered(widget_key: str) -> None:
    """The radio's callback: the answer is written before the page reruns, so it is not asked again."""
    set_keep_history(st.session_state[widget_key] == "Yes, keep it")


def load_sessions() -> list:
    """Kept sessions, oldest first; no database file means none (and none is made)."""
    if not default_db_path().exists():
        return []
    with Store() as store:
        return store.sessions()


def save_session_form(report, key: str) -> None:
    """After an analysis: which foot, pain before and after, tingling, then "Save this session"."""
    st.markdown("**Keep this session in your history**")
    keep = ask_keep_history(key)
    if keep is None:
        return
    if not keep:
        st.caption("History is off, so this session is not kept. You can turn it on in the Progress tab.")
        return
    this = (report.source, report.duration_s, len(report.frames))  # the live page may rebuild an equal report
    saved = st.session_state.get(f"saved_{key}")
    if saved is not None and saved[0] == this:
        st.success(f"Saved to your history (session {saved[1]}).")
        return
    pains = [None, *range(11)]
    not_said = lambda v: "not said" if v is None else f"{v} of 10"
    with st.form(f"save_form_{key}"):
        foot = st.radio("Which foot?", ["left", "right"], index=None, horizontal=True, key=f"save_foot_{key}")
        c1, c2 = st.columns(2)
        before = c1.selectbox("Pain before (0 none, 10 worst)", pains, format_func=not_said, key=f"pain_b_{key}")
        after = c2.selectbox("Pain after (0 none, 10 worst)", pains, format_func=not_said, key=f"pain_a_{key}")
        tingling = st.checkbox("I felt tingling or an electric shock", key=f"tingling_{key}")
        if not st.form_submit_button("Save this session"):
            return
    try:
        rec = record_from_report(report.to_dict(), foot=foot, pain_before=before, pain_after=after,
                                 tingling=tingling)
        with Store() as store:
            kept = store.save(rec)
    except (StoreError, RecordError) as exc:
        st.error(f"The session could not be kept: {exc}")
        return
    st.session_state[f"saved_{key}"] = (this, kept.id)
    st.success(f"Saved to your history (session {kept.id}).")
    if tingling:
        st.error(TINGLING_TEXT)


def over_days(rows: pd.DataFrame, field: str, title: str) -> alt.Chart:
    return (alt.Chart(rows).mark_line(point=True)
            # the chart's title names the figure: a rotated axis title as long as the chart is high
            # pushed the title out of a third-width column
            .encode(x=alt.X("when:T", title=None), y=alt.Y(f"{field}:Q", title=None),
                    color=alt.Color("foot:N", title="Foot"),
                    tooltip=[alt.Tooltip("day:N", title="Day"), alt.Tooltip("foot:N", title="Foot"),
                             alt.Tooltip(f"{field}:Q", title=title), alt.Tooltip("pain:N", title="Pain")])
            .properties(height=180, title=title))


def progress_page() -> None:
    st.markdown("How your sessions went, day by day. Kept on this computer only.")
    keep = ask_keep_history("progress")
    try:
        records = load_sessions()
    except StoreError as exc:
        st.error(f"Your history could not be read: {exc}")
        return
    view = progress_view(records, date.today())
    for a in view.advice:
        ADVICE_BOX[a.level](a.text)
    st.markdown("**Due today**\n\n" + "\n".join(f"- {due_sentence(d)}" for d in view.due))
    if not records:
        st.info("No sessions kept yet. After analysing a video, choose **Save this session**."
                if keep else "No sessions kept.")
    else:
        technique = st.selectbox("Technique", view.techniques, key="progress_technique")
        rows = pd.DataFrame([r for r in view.score_rows if r["technique"] == technique])
        c1, c2, c3 = st.columns(3)
        c1.altair_chart(over_days(rows, "score", "Score (of 100)"), width="stretch")
        c2.altair_chart(over_days(rows, "minutes", "Time (minutes)"), width="stretch")
        c3.altair_chart(over_days(rows, "value", rows["key figure"].iloc[0]), width="stretch")

        st.markdown("**Daily routine, last four weeks**")
        cal = pd.DataFrame(view.calendar_rows)
        colours = alt.Scale(domain=["Done", "To do today", "Missed"], range=["#2e7d32", "#f9a825", "#e0e0e0"])
        cols = st.columns(2)
        for col, (title, cells) in zip(cols, cal.groupby("technique", sort=False)):
            col.altair_chart(alt.Chart(cells).mark_rect(stroke="white")
                             .encode(x=alt.X("weekday:N", sort=list(WEEKDAYS), title=None),
                                     y=alt.Y("week of:N", sort=None, title=None),
                                     color=alt.Color("state:N", scale=colours, title=None),
                                     tooltip=[alt.Tooltip("date:N", title="Date"), alt.Tooltip("state:N", title="Routine")])
                             .properties(height=alt.Step(22), title=title), width="stretch")

        st.markdown("**Left and right foot**")
        st.dataframe(pd.DataFrame(view.feet_rows), hide_index=True, width="stretch")
        if view.pain_rows:
            st.markdown("**Pain before and after**")
            st.altair_chart(alt.Chart(pd.DataFrame(view.pain_rows)).mark_line(point=True)
                            .encode(x=alt.X("when:T", title=None),
                                    y=alt.Y("pain:Q", title="Pain (0 none, 10 worst)", scale=alt.Scale(domain=[0, 10])),
                                    color=alt.Color("measured:N", title=None),
                                    tooltip=[alt.Tooltip("day:N", title="Day"), alt.Tooltip("measured:N", title="Measured"),
                                             alt.Tooltip("pain:Q", title="Pain (of 10)")])
                            .properties(height=200), width="stretch")
        with st.expander("Every kept figure (for engineers)", expanded=False):
            st.dataframe(pd.DataFrame(view.figure_rows), hide_index=True, width="stretch")
    settings(keep, len(records))


def settings(keep: bool | None, n_sessions: int) -> None:
    with st.expander("Settings and your data", expanded=False):
        if keep is not None:
            on = st.toggle("Keep my history on this computer", value=keep, key="keep_history_switch",
                           help=KEEP_HELP)
            if on != keep:
                set_keep_history(on)
                st.rerun()
        st.caption(f"History file: {default_db_path()} (the command `crossgrain history export` copies it out).")
        if n_sessions and st.checkbox(f"I want to delete all {n_sessions} kept sessions", key="delete_all_ok"):
            st.button("Delete my history", type="primary", key="delete_all", on_click=delete_all_history)


def delete_all_history() -> None:
    """The button's callback: runs before the page reruns, so the page shows the empty history."""
    with Store() as store:
        store.delete_all()
    st.session_state["delete_all_ok"] = False
