"""Parameter dataclasses refuse a bad setting with a clear error (norfair's way), when they are made."""

import pytest

from vision.coach.cues import CueParams
from vision.core.gating import GateParams
from vision.core.motion import MotionParams
from vision.core.timebase import FrameClock


@pytest.mark.parametrize("make,words", [
    (lambda: MotionParams(motion_window_s=0), "MotionParams.motion_window_s must be a positive number"),
    (lambda: MotionParams(move_snr=float("nan")), "move_snr"),
    (lambda: MotionParams(joints_move_share=1.5), "between 0 and 1"),
    (lambda: MotionParams(move_off_std_palm=0.05), "hysteresis"),
    (lambda: GateParams(confirm_frames=0), "GateParams.confirm_frames must be at least 1"),
    (lambda: CueParams(fade_tau_s=-1), "CueParams.fade_tau_s"),
    (lambda: FrameClock(stall_s=0), "stall_s"),
])
def test_a_bad_setting_is_a_clear_error(make, words):
    with pytest.raises(ValueError, match=words):
        make()


def test_the_defaults_are_valid():
    MotionParams(), GateParams(), CueParams(), FrameClock()
