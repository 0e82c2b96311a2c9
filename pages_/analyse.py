"""The "Analyse a video" page: a bundled sample or an upload, its foot axis, and the results."""

from __future__ import annotations

import time

import streamlit as st

from vision.axis.source import AxisNotFound
from vision.coach.techniques import registry
from vision.io.video import VideoError
from vision.ui.plain_text import md_escape
from vision.ui.samples import list_samples
from vision.ui.uploads import (
    UPLOAD_TYPES,
    Analysis,
    UploadError,
    analyze_bytes,
    analyze_path,
    first_clear_still,
    progress_fraction,
    read_max_upload_mb,
)

from .axis_picker import axis_picker
from .progress import save_session_form
from .report_view import show_report

MAX_UPLOAD_MB = read_max_upload_mb()


def run_analysis(job) -> None:
    bar = st.progress(0.0, text="Analysing…")
    last = [0.0]

    def progress(done: int, total: int | None) -> None:
        now = time.monotonic()
        finished = bool(total) and done >= total
        if now - last[0] > 0.25 or finished:
            last[0] = now
            text = ("Drawing the overlay on the video…" if finished
                    else f"Analysing… frame {done}" + (f" of {total}" if total else ""))
            bar.progress(progress_fraction(done, total), text=text)

    try:
        analysis = job(progress)
    except (UploadError, VideoError, AxisNotFound) as exc:
        st.session_state.pop("analysis", None)
        st.session_state["analysis_error"] = str(exc)
    except Exception as exc:  # noqa: BLE001 - a bug must not show the user a stack trace
        st.session_state.pop("analysis", None)
        st.session_state["analysis_error"] = (f"Internal error while analysing ({type(exc).__name__}: {exc}). "
                                              "Please report it; nothing left this computer.")
    else:
        st.session_state["analysis"] = analysis
        st.session_state.pop("analysis_error", None)
    finally:
        bar.empty()


AXIS_MODES = ("The sidebar's angle", "Find the foot and follow it", "Click heel and toes on a frame")


def choose_upload_axis(uploaded, axis: float):
    """How the upload's foot axis is set: the sidebar's angle, found and followed, or drawn on a still.

    Returns what analyze_bytes takes (degrees, "auto" or a FootAxis), or None while a drawing is unfinished.
    """
    mode = st.radio("Foot axis (the heel-to-toes line)", AXIS_MODES, key="upload_axis_mode",
                    captions=(f"{axis:.0f}°, set in the sidebar", "from the first seconds, as the foot turns",
                              "on a still of the video"))
    if mode == AXIS_MODES[1]:
        return "auto"
    if mode == AXIS_MODES[0]:
        return axis
    if uploaded is None:
        st.caption("Choose a video first.")
        return None
    still = st.session_state.get("upload_still")
    if still is None or still[0] != (uploaded.name, uploaded.size):
        if not st.button("Show a frame to draw on", key="upload_still_button"):
            return None
        try:
            with st.spinner("Finding a clear frame…"):
                rgb, found = first_clear_still(uploaded.getvalue(), uploaded.name, MAX_UPLOAD_MB)
        except (UploadError, VideoError, AxisNotFound) as exc:
            st.error(md_escape(str(exc)))
            return None
        still = st.session_state["upload_still"] = ((uploaded.name, uploaded.size), rgb, found)
        st.session_state.pop("upload_axis", None)
    return axis_picker(still[1], still[2], key="upload_axis")


def analyse_page(axis: float, technique_name: str) -> None:
    tech = registry()[technique_name]
    if not tech.camera:
        st.info(f"{tech.title} is a guided timer: there is nothing in a video to analyse. "
                "Run it on the live page, or choose a technique done on camera in the sidebar.")
        return
    samples = list_samples()
    st.markdown("Analyse a recorded video: the same analysis as the live page, but it may look ahead, "
                "so labels change exactly where the technique changes.")
    sample_col, upload_col = st.columns(2)
    with sample_col:
        st.markdown("**Bundled sample**")
        if samples:
            by_name = {s.name: s for s in samples}
            name = st.selectbox("Sample video", list(by_name), key="sample",
                                format_func=lambda n: f"{n} ({by_name[n].description})" if by_name[n].description
                                else n)
            sample = by_name[name]
            sample_axis = sample.foot_axis_deg if sample.foot_axis_deg is not None else axis
            if tech.uses_foot_axis:
                st.caption(f"Foot axis {sample_axis:.0f}° "
                           + ("(from the sample's truth)" if sample.foot_axis_deg is not None else "(sidebar)"))
            if st.button("Analyse sample", type="primary", key="analyse_sample"):
                truth = sample.truth()
                run_analysis(lambda progress: analyze_path(sample.path, sample.path.name, sample_axis,
                                                           technique_name, progress, truth=truth))
        else:
            st.info("No sample clips found in sample_videos/ (make them with `make samples`).")
    with upload_col:
        st.markdown("**Your own video**")
        uploaded = st.file_uploader(f"Upload a video (up to {MAX_UPLOAD_MB:.0f} MB)", type=list(UPLOAD_TYPES),
                                    key="upload")
        # the axis is asked for only where direction counts (else the sidebar's, unused, is passed on)
        upload_axis = choose_upload_axis(uploaded, axis) if tech.uses_foot_axis else axis
        if st.button("Analyse upload", disabled=uploaded is None or upload_axis is None, key="analyse_upload"):
            data, display_name = uploaded.getvalue(), uploaded.name
            run_analysis(lambda progress: analyze_bytes(data, display_name, upload_axis, technique_name,
                                                        MAX_UPLOAD_MB, progress))

    if error := st.session_state.get("analysis_error"):
        st.error(md_escape(error))
    analysis: Analysis | None = st.session_state.get("analysis")
    if analysis is not None:
        st.subheader(f"Results: {md_escape(analysis.display_name)}")
        st.caption(f"Analysed in {analysis.elapsed_s:.1f} s with technique "
                   f"{registry()[analysis.technique_name].title if analysis.technique_name in registry() else ''}.")
        if analysis.timing_note:
            st.warning(md_escape(analysis.timing_note))
        if analysis.video_mp4:
            video_col, _ = st.columns([3, 2])
            with video_col:
                st.video(analysis.video_mp4, format="video/mp4")
                stem = analysis.display_name.rsplit(".", 1)[0]
                st.download_button("Download annotated video", analysis.video_mp4,
                                   file_name=f"{stem}.annotated.mp4", mime="video/mp4", key="dl_video")
        show_report(analysis.report, analysis.technique_name, key="upload", truth=analysis.truth)
        save_session_form(analysis.report, key="upload")
