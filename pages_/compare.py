"""The "Compare with a demonstration" page: choose (or save) a demonstration, choose an attempt, see how
they differ, the two videos in step, and download the comparison. Thin: vision/ui/compare_view.py."""

from __future__ import annotations

import time
from pathlib import Path

import pandas as pd
import streamlit as st
import streamlit.components.v1 as components

from vision.axis.source import AxisNotFound
from vision.coach.techniques import registry
from vision.compare.references import ReferenceError, get_reference, list_references
from vision.io.video import VideoError
from vision.ui.compare_view import (
    comparison_report_html,
    overall_rows,
    reference_caption,
    run_comparison,
    save_demonstration,
    side_by_side_html,
    similarity_explained,
    stretch_rows,
)
from vision.ui.plain_text import md_escape
from vision.ui.samples import list_samples
from vision.ui.uploads import (
    UPLOAD_TYPES,
    UploadError,
    analyze_bytes,
    analyze_path,
    progress_fraction,
    read_max_upload_mb,
)

MAX_UPLOAD_MB = read_max_upload_mb()
SOURCES = ("A bundled sample", "Your own video")
UPLOAD_AXES = ("The sidebar's angle", "Find the foot and follow it")


def _analyse(job):
    """Run an analysis with a progress bar; the Analysis, or None after showing why not."""
    bar = st.progress(0.0, text="Analysing…")
    last = [0.0]

    def progress(done: int, total: int | None) -> None:
        now = time.monotonic()
        if now - last[0] > 0.25:
            last[0] = now
            bar.progress(progress_fraction(done, total), text=f"Analysing… frame {done}")

    try:
        return job(progress)
    except (UploadError, VideoError, AxisNotFound) as exc:
        st.error(md_escape(str(exc)))
    except Exception as exc:  # noqa: BLE001 - a bug must not show the user a stack trace
        st.error(md_escape(f"Internal error while analysing ({type(exc).__name__}: {exc}). "
                           "Please report it; nothing left this computer."))
    finally:
        bar.empty()
    return None


def video_choice(key: str, axis: float, technique_name: str, sample_label: str = "Sample video"):
    """A bundled sample or an upload, and its foot axis: a job for _analyse, or None until one is chosen."""
    source = st.radio("Video", SOURCES, key=f"{key}_source", horizontal=True)
    if source == SOURCES[0]:
        samples = list_samples()
        if not samples:
            st.info("No sample clips found in sample_videos/.")
            return None
        by_name = {s.name: s for s in samples}
        name = st.selectbox(sample_label, list(by_name), key=f"{key}_sample")
        sample = by_name[name]
        sample_axis = sample.foot_axis_deg if sample.foot_axis_deg is not None else axis
        st.caption(f"Foot axis {sample_axis:.0f}° "
                   + ("(from the sample's truth)" if sample.foot_axis_deg is not None else "(sidebar)"))
        return lambda progress: analyze_path(sample.path, sample.path.name, sample_axis, technique_name, progress)
    uploaded = st.file_uploader(f"Upload a video (up to {MAX_UPLOAD_MB:.0f} MB)", type=list(UPLOAD_TYPES),
                                key=f"{key}_upload")
    mode = st.radio("Foot axis", UPLOAD_AXES, key=f"{key}_axis_mode", horizontal=True,
                    captions=(f"{axis:.0f}°", "from the first seconds"))
    if uploaded is None:
        return None
    data, name = uploaded.getvalue(), uploaded.name
    upload_axis = axis if mode == UPLOAD_AXES[0] else "auto"
    return lambda progress: analyze_bytes(data, name, upload_axis, technique_name, MAX_UPLOAD_MB, progress)


def save_demonstration_form(report, video: Path | bytes | None, technique_name: str, key: str) -> None:
    """Name a session and save it as a demonstration; its video is kept only when the box is ticked."""
    with st.form(f"{key}_save_demo", clear_on_submit=False, border=True):
        st.markdown("**Save as a demonstration**")
        name = st.text_input("Name", key=f"{key}_demo_name", max_chars=64,
                             placeholder="for example: Cross-friction, arch, slow")
        keep = st.checkbox("Keep the video with it", value=False, key=f"{key}_demo_keep", disabled=video is None,
                           help="Stored in this computer's CrossGrain database, to play beside attempts. "
                                "Without it only the motion (every frame's verdict) is kept.")
        if video is None:
            st.caption("No video to keep: only the motion is saved.")
        if st.form_submit_button("Save as a demonstration"):
            try:
                ref = save_demonstration(name, report, video, keep, technique=technique_name)
            except ReferenceError as exc:
                st.error(md_escape(str(exc)))
            else:
                st.session_state["cmp_saved_name"] = ref.name
                st.success(md_escape(f"Saved the demonstration “{ref.name}” "
                                     f"({'with' if ref.video else 'without'} its video). "
                                     "Compare with it on the “Compare with a demonstration” tab."))


def new_demonstration(axis: float, technique_name: str) -> None:
    """Analyse a sample or an upload as a new demonstration, then offer to save it."""
    job = video_choice("cmp_demo", axis, technique_name)
    if st.button("Analyse this demonstration", key="cmp_demo_analyse", disabled=job is None):
        analysis = _analyse(job)
        if analysis is not None:
            st.session_state["cmp_demo_analysis"] = analysis
    analysis = st.session_state.get("cmp_demo_analysis")
    if analysis is not None:
        st.caption(md_escape(f"Analysed: {analysis.display_name}, {analysis.report.duration_s:.0f} s."))
        save_demonstration_form(analysis.report, analysis.video_mp4, analysis.technique_name, key="cmp_demo")


def choose_reference(names: list[str], refs) -> str | None:
    if not names:
        st.info("No demonstration saved yet: save one below, or from the live page after STOP.")
        return None
    saved = st.session_state.pop("cmp_saved_name", None)
    if saved in names:
        st.session_state["cmp_reference"] = saved
    name = st.selectbox("Saved demonstration", names, key="cmp_reference")
    st.caption(md_escape(reference_caption(refs[name])))
    return name


def show_comparison(view) -> None:
    c = view.comparison
    st.subheader(f"{view.attempt.display_name} compared with “{view.reference_name}”")
    score_col, said_col = st.columns([1, 3])
    score_col.metric("Similarity", f"{c.similarity} / 100")
    said_col.markdown("\n".join(f"- {md_escape(s)}" for s in c.said[:-1]) or "- Nothing to compare.")
    with st.expander("How the similarity is made"):
        st.markdown(similarity_explained(c))
    html = side_by_side_html(view)
    if html is not None:
        components.html(html, height=460, scrolling=False)
    elif view.attempt.video_mp4:
        st.video(view.attempt.video_mp4, format="video/mp4")
    if view.reference_video_note:
        st.caption(md_escape(view.reference_video_note))
    left, right = st.columns([1, 3])
    left.table(pd.DataFrame(overall_rows(c), columns=["Overall", "change"]).set_index("Overall"))
    with right:
        st.markdown("**Stretch by stretch**")
        rows = stretch_rows(c)
        if rows:
            st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")
        else:
            st.caption("The demonstration has no stretch of strokes or hold to compare.")
    if view_html := st.session_state.get("cmp_report_html"):
        st.download_button("Download the comparison (HTML)", view_html, file_name="crossgrain-comparison.html",
                           mime="text/html", key="cmp_dl_html", help="One file that opens in any browser, offline.")


def compare_page(axis: float, technique_name: str) -> None:
    tech = registry()[technique_name]
    if not tech.camera:
        st.info(f"{tech.title} is a guided timer: there is no video to compare. Choose a technique done on "
                "camera in the sidebar to compare an attempt with a demonstration.", icon=":material/info:")
        return
    st.markdown("Compare an attempt with a demonstration: both are lined up in time (so a slower attempt of "
                "the same routine still matches), and the differences are said in words.")
    try:
        refs = {r.name: r for r in list_references()}
    except ReferenceError as exc:
        st.error(md_escape(str(exc)))
        refs = {}
    demo_col, attempt_col = st.columns(2)
    with demo_col:
        st.markdown("**1. The demonstration**")
        with st.expander("Save a new demonstration (from a sample or your video)", expanded=not refs):
            new_demonstration(axis, technique_name)
        if st.session_state.get("cmp_saved_name") and st.session_state["cmp_saved_name"] not in refs:
            refs = {r.name: r for r in list_references()}
        name = choose_reference(list(refs), refs)
    with attempt_col:
        st.markdown("**2. The attempt**")
        ref = refs.get(name) if name else None
        attempt_technique = ref.technique if ref is not None and ref.technique in registry() else technique_name
        job = video_choice("cmp_attempt", axis, attempt_technique, sample_label="Sample attempt")
        if st.button("Compare", type="primary", key="cmp_run", disabled=job is None or ref is None):
            analysis = _analyse(job)
            if analysis is not None:
                try:
                    with st.spinner("Comparing…"):
                        view = run_comparison(get_reference(ref.name), analysis)
                        st.session_state["cmp_report_html"] = comparison_report_html(view)
                    st.session_state["cmp_view"] = view
                except ReferenceError as exc:
                    st.error(md_escape(str(exc)))
    view = st.session_state.get("cmp_view")
    if view is not None:
        show_comparison(view)
