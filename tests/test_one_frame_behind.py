"""The live pipeline one frame behind gives each frame the overlay the serial path gives it (issue 18)."""

import numpy as np

from vision.io.one_frame_behind import OneFrameBehind
from vision.io.overlay import LivePainter
from vision.io.video import iter_frames
from vision.pipeline import Session

from test_parallel import SAMPLE


def test_each_frame_comes_out_one_call_later_with_the_serial_overlay():
    frames = []
    for f in iter_frames(SAMPLE):
        frames.append(f)
        if len(frames) == 40:
            break
    with Session(90.0) as session:
        painter = LivePainter()
        serial = [painter.paint(f.rgb, session.process(f.rgb, f.t)) for f in frames]
    with Session(90.0) as session:
        painter = LivePainter()
        pipe = OneFrameBehind(session.tracker.process_all,
                              lambda rgb, t, obs: painter.paint(rgb, session.add_observation(obs, t)))
        out = [pipe.process(f.rgb, f.t) for f in frames] + [pipe.flush()]
        pipe.close()
    assert out[0] is frames[0].rgb  # nothing to show yet: the frame as it came
    assert all(np.array_equal(a, b) for a, b in zip(out[1:], serial))
    assert sum(not np.array_equal(a, f.rgb) for a, f in zip(serial, frames)) == len(frames)  # all drawn on
