"""CrossGrain web app: live webcam practice and analysis of recorded videos.

UI only: widgets wired to vision/ calls. Page logic (tables, validation, panel text)
lives in vision/ui/ (one module a part of the page). Run with `streamlit run app.py` (or `make run`).
"""

from __future__ import annotations

import time

import altair as alt
import pandas as pd
import streamlit as st

from vision.coach.techniques import registry
from vision.ui.coaching_view import coaching_rows, debrief_markdown, technique_targets
from vision.ui.labels import label_title
from vision.ui.live_stream import LiveStream, ice_servers, make_queued_frames_callback
from vision.ui.notices import CAMERA_HELP, safety_notes
from vision.ui.plain_text import md_escape
from vision.ui.panel import axis_preview_svg, live_panel, technique_options
from vision.ui.routine_view import RoutineRun, routine_speed_env, routine_view
from vision.ui.samples import list_samples
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
from vision.axis.source import AxisNotFound
from vision.views.html_report import report_html
from vision.io.video import VideoError
from pages_.progress import progress_page, save_session_form

st.set_page_config(page_title="CrossGrain: foot massage coach", page_icon="🦶", layout="wide")

MAX_UPLOAD_MB = read_max_upload_mb()
QUALITY_BOX = {"good": st.success, "warn": st.warning, "bad": st.error, "idle": st.info}


# --------------------------------------------------------------------------- sidebar

def sidebar() -> tuple[float, str]:
    sb = st.sidebar
    sb.title("CrossGrain")
    sb.caption("Technique feedback for foot self-massage. Video stays on this computer.")
    axis = sb.slider("Foot axis (heel → toes), degrees", 0, 179, 90, key="foot_axis",
                     help="The angle of the heel-to-toes line as it appears in the picture: "
                          "90 = foot points up the screen, 0 = foot lies left-right. "
                          "The line is drawn on the video too.")
    sb.markdown(axis_preview_svg(axis), unsafe_allow_html=True)
    options = technique_options()
    name = sb.selectbox("Technique", list(options), format_func=options.get, key="technique")
    sb.markdown(f"**How to:** {registry()[name].how_to}")
    sb.markdown("**Targets**\n" + "\n".join(f"- {line}" for line in technique_targets(name)))
    sb.subheader("Safety")
    sb.markdown("\n".join(f"- {note}" for note in safety_notes()))
    return float(axis), name


# --------------------------------------------------------------------------- report display

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


# --------------------------------------------------------------------------- live practice

def live_stream() -> LiveStream:
    """One holder a browser session (its coach is made per camera stream)."""
    if "live_stream" not in st.session_state:
        from vision.live import LiveCoach
        st.session_state["live_stream"] = LiveStream(coach_factory=LiveCoach)
    return st.session_state["live_stream"]


def render_panel(stream: LiveStream, playing: bool) -> None:
    panel = live_panel(stream.snapshot(), playing, stream.technique_name, pacing=stream.pacing())
    if stream.error:
        st.error(f"The analysis failed on a frame: {md_escape(stream.error)}")
    if panel.status == "stalled":
        st.error(panel.message)
    elif panel.status == "slow":
        st.warning(panel.message)
    elif panel.status == "live":
        QUALITY_BOX[panel.quality](f"**{panel.label}** — {panel.correction}")
    else:
        st.info(panel.message)
    st.markdown(f"**Technique:** {panel.technique}")
    c1, c2 = st.columns(2)
    c1.metric("Doing now", panel.label)
    c2.metric("Done right for", panel.good_time)
    c1.metric("Stroke rate", panel.rate)
    c2.metric("Hold", panel.hold)
    c1.metric("Longest hold", panel.longest_hold)
    c2.metric("Processing", panel.fps)
    c1.metric("Score", panel.score)
    c2.metric("Progress", panel.progress)
    if panel.holds_completed is not None:
        c2.metric("Holds completed", panel.holds_completed)
    st.markdown(f"**Correction:** {panel.correction}")
    if panel.guide:
        st.markdown(f"**Guide:** {panel.guide}")
    if panel.side:
        st.caption(f"Time under work per side — now on the {panel.side}")
    if panel.components:
        st.caption(" · ".join(f"{name} {value}" for name, value in panel.components))


def routine_run(technique_name: str) -> RoutineRun:
    run = st.session_state.get("routine_run")
    if run is None or run.technique_name != technique_name:
        run = st.session_state["routine_run"] = RoutineRun(technique_name)
    return run


def render_routine(run: RoutineRun) -> None:
    view = routine_view(run)
    box = {"done": st.success, "running": st.info, "paused": st.warning, "ready": st.info}[view.status]
    box(f"**{view.cue}**")
    if view.heads_up:
        st.warning(view.heads_up)
    c1, c2 = st.columns(2)
    c1.metric("This step", view.remaining)
    c2.metric("Whole routine", view.total_remaining)
    st.progress(view.fraction)
    marks = {"done": "✓ ~~{}~~", "now": "**▶ {}**", "next": "{}"}
    st.markdown("\n".join(f"{k}. " + marks[state].format(cue) for k, (cue, state) in enumerate(view.steps, 1)))
    if view.status == "done":
        st.markdown(f"**Routine followed:** {view.score}%")


def routine_page(technique_name: str) -> None:
    """A guided timer (no camera): start, pause, reset; cues in order."""
    tech = registry()[technique_name]
    run = routine_run(technique_name)
    st.markdown(f"**{tech.title}** needs no camera: follow the timer. {tech.how_to}")
    st.caption("Before you start: " + " ".join(safety_notes()[:2]))
    b1, b2, b3, _ = st.columns([1, 1, 1, 3])
    # on_click: the clock changes before the page reruns, so the buttons show the new state
    b1.button("Start", type="primary", key="routine_start", disabled=run.clock.running, on_click=run.clock.start)
    b2.button("Pause", key="routine_pause", disabled=not run.clock.running, on_click=run.clock.pause)
    b3.button("Reset", key="routine_reset", on_click=run.clock.reset)
    if run.clock.speed != 1:
        st.caption(f"Timer running {run.clock.speed:g}x faster than real time ({routine_speed_env()}).")
    st.fragment(run_every=0.25 if run.clock.running else None)(render_routine)(run)


def live_page(axis: float, technique_name: str) -> None:
    import streamlit_webrtc as webrtc  # looked up at call time: tests inject a stand-in

    if not registry()[technique_name].camera:
        routine_page(technique_name)
        return
    stream = live_stream()
    stream.configure(axis, technique_name)
    ice, ice_problem = ice_servers()
    if ice_problem:
        st.warning(ice_problem)
    video_col, panel_col = st.columns([3, 2])
    with video_col:
        try:
            ctx = webrtc.webrtc_streamer(
                key="crossgrain-live",
                mode=webrtc.WebRtcMode.SENDRECV,
                queued_video_frames_callback=make_queued_frames_callback(stream),
                media_stream_constraints={"video": {"width": 640, "height": 480}, "audio": False},
                rtc_configuration={"iceServers": ice},
                async_processing=True,
            )
        except Exception as exc:  # noqa: BLE001 - a message, never a stack trace
            st.error(f"The live camera could not start here ({md_escape(type(exc).__name__)}: {md_escape(exc)}). "
                     "Reload the page; the video analysis below still works.")
            ctx = None
        st.caption(CAMERA_HELP)
    if ctx is None:
        return
    playing = bool(ctx.state.playing)
    if playing:
        stream.mark_playing()
    elif not ctx.state.signalling:
        stream.mark_stopped()
    with panel_col:
        st.fragment(run_every=0.33 if playing else None)(render_panel)(stream, playing)
    if not playing:
        report = stream.report()
        if report is not None:
            st.subheader("Your last session")
            show_report(report, technique_name, key="live")
            save_session_form(report, key="live")


# --------------------------------------------------------------------------- analyse a video

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
        upload_axis = choose_upload_axis(uploaded, axis)
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


# --------------------------------------------------------------------------- foot axis: two clicks (issue 13)
# Not placed in a page yet (the lead places it): the upload page shows the video's clearest
# early frame with the found axis, and the live page a still of the stream.

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


# --------------------------------------------------------------------------- page

axis_deg, technique_key = sidebar()
live_tab, analyse_tab, progress_tab = st.tabs(["Live practice", "Analyse a video", "Progress"])
with live_tab:
    live_page(axis_deg, technique_key)
with analyse_tab:
    analyse_page(axis_deg, technique_key)
with progress_tab:
    progress_page()
