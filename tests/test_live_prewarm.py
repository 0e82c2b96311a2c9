"""The hand model loads while the user reads the live page, not in the camera's first frame (issue 11)."""

import time

import numpy as np

from vision.live import LiveCoach
from vision.ui.live_stream import LiveStream


def wait_for_spare(stream: LiveStream, timeout_s: float = 120.0):
    deadline = time.monotonic() + timeout_s
    while stream._spare is None and time.monotonic() < deadline:
        time.sleep(0.05)
    return stream._spare


def test_the_first_frame_finds_the_model_loaded_and_a_stopped_session_warms_the_next():
    stream = LiveStream(coach_factory=LiveCoach, technique_name="myofascial_hold")
    try:
        stream.snapshot()  # the page renders its panel before START: a waiting coach, no model yet
        stream.prewarm()
        spare = wait_for_spare(stream)
        assert spare is not None and spare._session._tracker is not None  # the model is loaded
        stream.prewarm()  # every rerun calls it: nothing more is made
        assert stream._spare is spare and not stream._warming
        frame = np.zeros((240, 320, 3), np.uint8)
        stream.process(frame, 0.0)
        assert stream.coach is spare and stream._spare is None and spare.snapshot().frames == 1
        stream.prewarm()  # a session is running: its model is loaded already
        assert stream._spare is None and not stream._warming
        stream.mark_stopped()
        stream.prewarm()
        second = wait_for_spare(stream)
        assert second is not None and second is not spare
        stream.process(frame, 10.0)  # START again: the warmed coach, a fresh session
        assert stream.coach is second and second.snapshot().frames == 1
    finally:
        stream.close()


def test_a_changed_technique_does_not_take_a_spare_made_for_another():
    stream = LiveStream(coach_factory=LiveCoach, technique_name="myofascial_hold")
    try:
        stream.prewarm()
        spare = wait_for_spare(stream)
        stream.configure(90.0, "cross_friction")
        stream.process(np.zeros((240, 320, 3), np.uint8), 0.0)
        assert stream.coach is not spare and stream.coach.technique_name == "cross_friction"
    finally:
        stream.close()
