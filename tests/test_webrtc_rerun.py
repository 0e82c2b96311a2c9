"""The live camera is not stopped by a script-run count that arrived late (vision/io/webrtc_rerun.py)."""

from vision.io.webrtc_rerun import RECEIVING_S, late_count


def test_a_jump_of_two_while_frames_arrive_is_a_late_count():
    assert late_count(current=12, last_drawn=10, since_frame_s=0.05)
    assert late_count(current=15, last_drawn=10, since_frame_s=RECEIVING_S)


def test_the_next_run_or_a_stream_without_frames_is_left_to_streamlit_webrtc():
    assert not late_count(current=11, last_drawn=10, since_frame_s=0.05)  # drawn in the run before: no reset
    assert not late_count(current=12, last_drawn=10, since_frame_s=RECEIVING_S + 0.5)  # left the page, or stopped
    assert not late_count(current=12, last_drawn=10, since_frame_s=None)  # no frame yet
    assert not late_count(current=12, last_drawn=None, since_frame_s=0.05)  # never drawn
    assert not late_count(current=None, last_drawn=10, since_frame_s=0.05)
