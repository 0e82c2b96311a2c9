"""The live page: the webcam stream with its panel, or a guided timer for techniques with no camera.

Thin: the stream's plumbing is vision/ui/live_stream.py, the panel's text vision/ui/panel.py.
"""

from __future__ import annotations

import os

import streamlit as st

from vision.coach.techniques import registry
from vision.sound.cues import metronome_rate, timer_sound
from vision.sound.synth import SoundSettings, announcement
from vision.ui.live_sound import SAMPLE_RATE, LiveSound
from vision.ui.live_stream import LiveStream, ice_servers, make_queued_frames_callback, prepare_live_server
from vision.ui.notices import CAMERA_HELP, camera_check_html, safety_notes
from vision.ui.panel import STALL_S, live_panel
from vision.ui.plain_text import md_escape
from vision.ui.routine_view import RoutineRun, routine_speed_env, routine_view
from vision.io.webrtc_ended import connection_closed, end_closed_stream
from vision.io.webrtc_rerun import keep_streamer_through_late_count

from .compare import save_demonstration_form
from .live_axis import axis_controls
from .phone import NARROW_ONLY_KEY, WIDE_ONLY_KEY, phone_layout_css, phone_settings
from .progress import save_session_form
from .report_view import quality_box, show_report


def live_stream() -> LiveStream:
    """One holder a browser session (its coach is made per camera stream)."""
    if "live_stream" not in st.session_state:
        from vision.live import LiveCoach
        st.session_state["live_stream"] = LiveStream(coach_factory=LiveCoach, sound=LiveSound())
    return st.session_state["live_stream"]


def sound_track_wanted() -> bool:
    """CROSSGRAIN_SOUND=off serves the live page without its audio track (the timer page still chimes)."""
    return os.environ.get("CROSSGRAIN_SOUND", "on").strip().lower() != "off"


def sound_settings(technique_name: str, key: str) -> SoundSettings:
    """The sound controls (on by default): sound on or off, volume, metronome, spoken cues."""
    tech = registry()[technique_name]
    beat = metronome_rate(tech)
    on_now = st.session_state.get(f"{key}_sound_on", True)
    # folded: one tap away, and on a phone the picture and the verdict stay on the first screen
    box = st.expander(f"Sound: {'on' if on_now else 'off'} (volume, metronome, spoken cues)", expanded=False)
    c1, c2, c3, c4 = box.columns([5, 5, 5, 6])
    on = c1.toggle("Sound on", value=True, key=f"{key}_sound_on", help="Turn all sound off or on.")
    volume = c2.slider("Volume", 0, 100, 80, step=5, key=f"{key}_sound_volume", disabled=not on,
                       format="%d%%")
    metronome = c3.toggle("Metronome", value=True, key=f"{key}_sound_metronome",
                          disabled=not on or beat is None,
                          help=(f"A click {beat:.0f} times a minute: one to-and-fro stroke a click."
                                if beat else "This technique has no stroke rate to keep."))
    voice = c4.toggle("Spoken cues", value=True, key=f"{key}_sound_voice", disabled=not on,
                      help="Short spoken corrections and milestones, so you can keep your eyes on your foot.")
    return SoundSettings(on=on, volume=volume / 100, metronome=metronome, voice=voice)


def render_panel(stream: LiveStream, playing: bool, ctx=None) -> None:
    if playing and ctx is not None and (connection_closed(ctx, stream.since_last_frame_s, STALL_S) or
                                         (not ctx.state.playing and not ctx.state.signalling)):
        # STOP reached the component's state, but not as a run of the whole page, or never reached the
        # server while the connection closed (each seen once in a clean-clone test run: the panel kept
        # saying "no frames" and the report never came): run the page, which ends the stream
        st.rerun()
    panel = live_panel(stream.snapshot(), playing, stream.technique_name, pacing=stream.pacing(),
                       lost_before_stop_s=stream.lost_before_stop_s)
    if stream.error:
        st.error(f"The analysis failed on a frame: {md_escape(stream.error)}")
    if panel.status in ("stalled", "lost"):
        st.error(panel.message, icon=":material/videocam_off:")
    elif panel.status == "slow":
        st.warning(panel.message, icon=":material/hourglass_top:")
    elif panel.status == "live":
        quality_box(panel.quality, f"**{panel.label}** — {panel.correction}")
    else:
        st.info(panel.message, icon=":material/info:")
    # two columns on phones too (wrap=False): the hold figure stays beside the verdict box, on the first screen
    c1, c2 = st.columns(2, wrap=False)
    c1.metric("Hold", panel.hold)
    c2.metric("Done right for", panel.good_time, help="Time this session spent doing the technique right.")
    c1.metric("Doing now", panel.label)
    c2.metric("Stroke rate", panel.rate)
    c1.metric("Longest hold", panel.longest_hold)
    c2.metric("Score", panel.score, help="How well the work done so far matches the technique, out of 100.")
    c1.metric("Progress", panel.progress, help="How much of the technique's target (time, hold, sides or "
                                                "repetitions) is done.")
    if panel.holds_completed is not None:
        c2.metric("Holds completed", panel.holds_completed)
    st.markdown(f"**Technique:** {panel.technique}")
    st.markdown(f"**Correction:** {panel.correction}")
    if panel.guide:
        st.markdown(f"**Guide:** {panel.guide}")
    if panel.other_thumb:
        st.markdown(f"**Both thumbs working.** The other thumb: {panel.other_thumb} (the score follows one)")
    if panel.side:
        st.caption(f"Time under work per side — now on the {panel.side}")
    if panel.components:
        st.caption(" · ".join(f"{name} {value}" for name, value in panel.components)
                   + " (how close each part of the work is to its target)")
    with st.expander("For therapists: the figures", expanded=False):
        st.metric("Processing", panel.fps, help="Frames of the camera's picture analysed each second.")


def routine_run(technique_name: str) -> RoutineRun:
    run = st.session_state.get("routine_run")
    if run is None or run.technique_name != technique_name:
        run = st.session_state["routine_run"] = RoutineRun(technique_name)
    return run


def render_routine(run: RoutineRun, sound: SoundSettings) -> None:
    view = routine_view(run)
    if view.status in ("running", "done"):
        # a chime and the step's name at each change (warm, cold, done); the player plays each once
        index, phrase = timer_sound(run.routine, run.clock.elapsed())
        st.audio(announcement(phrase, sound, step=index), format="audio/wav", autoplay=True)
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
    if tech.not_for:
        st.warning("**Do not do this if you have:** " + "; ".join(tech.not_for) + ".", icon=":material/block:")
    st.caption("Before you start: " + " ".join(safety_notes()[:2]))
    b1, b2, b3, _ = st.columns([1, 1, 1, 3])
    # on_click: the clock changes before the page reruns, so the buttons show the new state
    b1.button("Start", type="primary", key="routine_start", disabled=run.clock.running, on_click=run.clock.start)
    b2.button("Pause", key="routine_pause", disabled=not run.clock.running, on_click=run.clock.pause)
    b3.button("Reset", key="routine_reset", on_click=run.clock.reset)
    if run.clock.speed != 1:
        st.caption(f"Timer running {run.clock.speed:g}x faster than real time ({routine_speed_env()}).")
    sound = sound_settings(technique_name, "routine")
    st.fragment(run_every=0.25 if run.clock.running else None)(render_routine)(run, sound)


def live_page(axis: float, technique_name: str) -> None:
    import streamlit_webrtc as webrtc  # looked up at call time: tests inject a stand-in

    phone_layout_css()
    phone_settings(axis, technique_name)  # phones only: the sidebar is folded away there
    if not registry()[technique_name].camera:
        routine_page(technique_name)
        return
    stream = live_stream()
    stream.configure(axis, technique_name)
    stream.prewarm()  # the hand model loads while the user reads the page, not in the first frame
    stream.record_video = st.checkbox(
        "Record this session's video, to keep it as a demonstration", key="live_record",
        help="Decided when you press START. The recording stays in a private temporary folder and is deleted "
             "at the next START unless you save the session as a demonstration with its video.")
    prepare_live_server()  # loopback-only UDP, and an event loop two sessions cannot starve
    ice, ice_problem = ice_servers()
    if ice_problem:
        st.warning(ice_problem)
    video_col, panel_col = st.columns([3, 2])
    with video_col:
        audio = None
        if sound_track_wanted():
            stream.sound.configure(sound_settings(technique_name, "live"))
            try:
                # the sound goes out on the stream's own audio track, beside the video (no microphone asked for)
                audio = webrtc.create_audio_source_track(stream.sound.audio_frame, key="crossgrain-live-sound",
                                                         sample_rate=SAMPLE_RATE, ptime=0.02)
            except Exception as exc:  # noqa: BLE001 - the video still works without sound
                st.warning(f"Sound is not available here ({md_escape(type(exc).__name__)}: {md_escape(exc)}); "
                           "the cues are still shown on the page.")
        since_frame_s = stream.since_last_frame_s
        end_closed_stream("crossgrain-live", since_frame_s, STALL_S)
        keep_streamer_through_late_count("crossgrain-live", since_frame_s)
        try:
            ctx = webrtc.webrtc_streamer(
                key="crossgrain-live",
                mode=webrtc.WebRtcMode.SENDRECV,
                queued_video_frames_callback=make_queued_frames_callback(stream),
                source_audio_track=audio,
                media_stream_constraints={"video": {"width": 640, "height": 480}, "audio": False},
                rtc_configuration={"iceServers": ice},
                async_processing=True,
            )
        except Exception as exc:  # noqa: BLE001 - a message, never a stack trace
            st.error(f"The live camera could not start here ({md_escape(type(exc).__name__)}: {md_escape(exc)}). "
                     "Reload the page; the video analysis below still works.")
            ctx = None
        st.container(key=WIDE_ONLY_KEY).caption(CAMERA_HELP)
        st.html(camera_check_html(), unsafe_allow_javascript=True)
    if ctx is None:
        st.container(key=NARROW_ONLY_KEY).caption(CAMERA_HELP)
        return
    playing = bool(ctx.state.playing)
    if playing:
        stream.mark_playing()
    elif not ctx.state.signalling:
        stream.mark_stopped()
    with panel_col:
        st.fragment(run_every=0.33 if playing else None)(render_panel)(stream, playing, ctx)
    # below both columns, full width: on a phone (columns stacked) after the verdict box and the hold,
    # not between them and the picture; the still to draw the axis on gets the page's width
    axis_controls(stream, playing)
    st.container(key=NARROW_ONLY_KEY).caption(CAMERA_HELP)  # on phones: below the verdict, not between
    if not playing:
        report = stream.report()
        if report is not None:
            st.subheader("Your last session")
            show_report(report, technique_name, key="live", live=True)
            save_session_form(report, key="live")
            save_demonstration_form(report, stream.recorded_video(), technique_name, key="live")
