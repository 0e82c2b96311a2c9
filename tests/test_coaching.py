"""Coaching on plain numbers: the registry, scores, cue priority / cooldown / fading, the hold timer,
the calf side switch, guided repetitions and the contrast-bath timer (injected clocks throughout)."""

from __future__ import annotations

import json

import pytest

import math
from dataclasses import dataclass

from vision.coach.cues import CueParams, CueSelector
from vision.coach.kinds import KINDS, closeness
from vision.coach.routines import RepGuide, RoutineClock, SideSwitch, TimerRoutine, routine_speed
from vision.coach.scoring import coaching_section, debrief, timer_coaching
from vision.coach.techniques import Cue, TechniqueError, load_registry, registry, parse_technique, technique, wanted_cues
from vision.core.axis import FootAxis
from vision.core.labels import Label
from vision.core.landmarks import HandObservation
from vision.core.timebase import FrameClock
from vision.core.verdict import FrameVerdict
from vision.engine import Engine, Judge

from scripted import Piece, thumb_path

FPS = 30.0
AXIS = FootAxis.typed(90.0)


def _frame(t, label, xy, rate=None, amplitude=None, grain=None):
    return dict(t=t, label=Label(label), thumb_xy=None if xy is None else (float(xy[0]), float(xy[1])),
                palm_px=None if xy is None else 50.0, rate_per_min=rate, amplitude_palm=amplitude,
                angle_to_grain_deg=grain)


def stroke(t, label="cross_grain", rate=80.0, amplitude=0.15, xy=None):
    # the thumb really moves (along x, 0.15 palm at 80/min), so the hold stage sees it leave a spot
    if xy is None:
        xy = (320.0 + 7.5 * math.sin(2 * math.pi * 80 / 60 * t), 240.0)
    return _frame(t, label, xy, rate, amplitude, 85.0 if label == "cross_grain" else 10.0)


def hold(t, xy=(320.0, 240.0)):
    return _frame(t, "hold", xy)


def no_hand(t):
    return _frame(t, "no_hand", None)


class Drive:
    """Scripted motion verdicts through the real judging stages (holds, coaching, cues)."""

    def __init__(self, tech):
        self.judge = Judge(tech)
        self.clock = FrameClock()
        self.i = 0
        self.last = None

    def run(self, make, start, seconds, fps=FPS):
        """Feed ``make(t)`` for ``seconds`` from ``start``; return the last CoachingState and the end time."""
        n = int(round(seconds * fps))
        for k in range(n):
            fields = make(start + k / fps)
            tick = self.clock(fields.pop("t"))
            v = FrameVerdict(i=self.i, t=tick.t, credited_s=tick.credited_s, axis=AXIS, **fields)
            self.last = self.judge.judge(v)
            self.i += 1
        return self.last.coaching, start + n / fps

    def debrief(self):
        return debrief(self.last.coaching, self.judge.technique)


# --------------------------------------------------------------------------- registry

def test_registry_has_the_guides_techniques_as_data():
    assert set(registry()) >= {"cross_friction", "myofascial_hold", "calf_work", "morning_release",
                               "active_release", "between_metatarsals", "contrast_bath"}
    cf = registry()["cross_friction"]
    assert cf.rate_range_per_min == (60.0, 100.0) and cf.amplitude_range_palm == (0.05, 0.3)
    assert cf.good_labels == ("cross_grain",) and cf.cues[0].id == "no_hand" and cf.cues[0].urgent
    assert registry()["between_metatarsals"].good_labels == ("lengthwise",)
    assert registry()["myofascial_hold"].target_hold_s == 90.0
    assert registry()["calf_work"].work_s == 300.0 and len(registry()["calf_work"].sides) == 2
    assert registry()["contrast_bath"].camera is False
    assert registry()["contrast_bath"].phases == (("Warm water", 180.0), ("Cold water", 60.0))
    for words in ("nerve", "stress fracture", "Bruising", "three weeks", "flat feet"):
        assert any(words in w for w in registry().safety.warnings), words
    assert "does not diagnose" in registry().safety.disclaimer and "pressure" in registry().safety.camera_limits


def test_a_therapist_can_add_a_technique_in_a_file(tmp_path):
    path = tmp_path / "t.toml"
    path.write_text('[technique.toe_spread]\ntitle = "Toe spread"\nkind = "hold"\ngood_labels = ["hold"]\n'
                    '[technique.toe_spread.targets]\nhold_s = 30\n[technique.toe_spread.weights]\nstillness = 1\n'
                    '[[technique.toe_spread.cues]]\nwhen = "stroking"\nsay = "Still!"\n')
    techniques = load_registry(path)
    t = techniques["toe_spread"]
    drive = Drive(t)
    state, _ = drive.run(hold, 0.0, 31.0)
    assert state.holds_completed == 1 and state.score == 100.0 and state.progress == 1.0
    assert [c.say for c in wanted_cues(_Facts("cross_grain"), t)] == ["Still!"]


@dataclass(frozen=True)
class _Facts:
    label: str
    rate_per_min: float | None = None
    amplitude_palm: float | None = None
    hold_drift_palm: float | None = None


@pytest.mark.parametrize("bad,words", [
    ({"kind": "dance"}, "kind must be"),
    ({"good_labels": ["sideways"]}, "unknown labels"),
    ({"weights": {"style": 1}}, "unknown score components"),
    ({"weights": {"time": 1}}, "unknown score components"),  # progress is not mixed into the score
    ({"cues": [{"when": "sometimes", "say": "x"}]}, "cue 1 needs"),
    ({"targets": {"rate_per_min": [100, 60]}}, "rate_per_min must be"),
])
def test_malformed_technique_is_named(bad, words):
    with pytest.raises(TechniqueError, match=words):
        parse_technique("x", bad)


# --------------------------------------------------------------------------- scores

def test_closeness_rewards_near_misses():
    assert closeness(80, 60, 100) == 1.0
    assert closeness(50, 60, 100) == pytest.approx(1 - 10 / 30)
    assert closeness(130, 60, 100) == pytest.approx(1 - 30 / 50)
    assert closeness(0, 60, 100) == 0.0 and closeness(500, 60, 100) == 0.0


def test_cross_friction_score_components_on_scripted_motion():
    drive = Drive("cross_friction")
    # 60 s right, 30 s lengthwise, 30 s right but too fast (130/min, closeness 0.4) and too long (0.4 palm)
    _, t = drive.run(lambda t: stroke(t), 0.0, 60.0)
    _, t = drive.run(lambda t: stroke(t, "lengthwise"), t, 30.0)
    state, t = drive.run(lambda t: stroke(t, rate=130.0, amplitude=0.4), t, 30.0)
    c = dict(state.components)
    assert c["direction"] == pytest.approx((90 - 30) / 120, abs=0.01)  # seconds along the grain cancel
    assert c["rate"] == pytest.approx((60 * 1.0 + 30 * 0.4) / 90, abs=0.01)  # over the strokes done right
    assert c["amplitude"] == pytest.approx((60 * 1.0 + 30 * (1 - 0.1 / 0.15)) / 90, abs=0.01)
    expected = 100 * c["direction"] * (1 - 0.25 * (1 - c["rate"]) - 0.25 * (1 - c["amplitude"]))
    assert state.score == pytest.approx(expected) and 40 < state.score < 50
    assert state.progress == pytest.approx(90 / 180, abs=0.01)  # progress, shown apart from the score
    d = drive.debrief()
    assert [c["cue"] for c in d["top_corrections"]] == ["label:lengthwise", "amplitude_high"]
    assert d["time_s"] == pytest.approx(120, abs=0.1) and d["good_s"] == pytest.approx(90, abs=0.1)
    assert any("3 min" in step for step in d["next"])
    assert not set(c["tip"] for c in d["top_corrections"]) & set(d["next"])  # a tip is said once


def test_score_is_quality_and_progress_is_apart():
    """A short perfect session scores 100 with little progress; holds and missing hands are not mistakes."""
    drive = Drive("cross_friction")
    _, t = drive.run(lambda t: stroke(t), 0.0, 20.0)
    _, t = drive.run(hold, t, 10.0)
    state, t = drive.run(no_hand, t, 5.0)
    assert state.score == pytest.approx(100.0) and state.progress == pytest.approx(20 / 180, abs=0.01)
    assert state.right_s == pytest.approx(20.0, abs=0.05) and state.work_s == pytest.approx(20.0, abs=0.05)


def test_pure_wrong_direction_scores_zero():
    drive = Drive("cross_friction")
    state, _ = drive.run(lambda t: stroke(t, "lengthwise"), 0.0, 30.0)
    assert state.score == 0.0 and state.right_s == 0.0 and state.quality == "bad"


def test_perfect_cross_friction_for_three_minutes_scores_100_and_more_time_does_not_help():
    drive = Drive("cross_friction")
    state, t = drive.run(lambda t: stroke(t), 0.0, 181.0)
    assert state.score == pytest.approx(100.0) and state.progress == 1.0
    assert drive.debrief()["top_corrections"] == []
    assert registry()["cross_friction"].next_step in drive.debrief()["next"]


def test_score_uses_timestamps_not_frame_counts():
    a, b = Drive("cross_friction"), Drive("cross_friction")
    sa, _ = a.run(lambda t: stroke(t), 0.0, 30.0, fps=30)
    sb, _ = b.run(lambda t: stroke(t), 0.0, 30.0, fps=12)  # a slow webcam
    assert sa.right_s == pytest.approx(sb.right_s, abs=0.15)
    assert sa.score == pytest.approx(sb.score, abs=0.2)


def test_metatarsals_reward_lengthwise():
    drive = Drive("between_metatarsals")
    state, _ = drive.run(lambda t: stroke(t, "lengthwise", rate=60.0, amplitude=0.3), 0.0, 60.0)
    assert dict(state.components)["direction"] == 1.0
    wrong = Drive("between_metatarsals")
    state, _ = wrong.run(lambda t: stroke(t, "cross_grain", rate=60.0, amplitude=0.3), 0.0, 5.0)
    assert dict(state.components)["direction"] == 0.0 and state.raw_cue.id == "label:cross_grain"


def test_a_new_kind_is_one_class_and_a_technique_in_the_file(tmp_path):
    from vision.coach.kinds import HoldKind, Judgement, kind

    @kind("tapping")
    class TappingKind(HoldKind):  # noqa: F841 - registered by the decorator
        def judge(self, f):
            return Judgement(work=f.label != "no_hand", right=f.label == "hold", wrong=False)

    try:
        path = tmp_path / "t.toml"
        path.write_text('[technique.tap]\ntitle = "Tap"\nkind = "tapping"\ngood_labels = ["hold"]\n'
                        '[technique.tap.weights]\nstillness = 1\n')
        techniques = load_registry(path)
        state, _ = Drive(techniques["tap"]).run(hold, 0.0, 5.0)
        assert state.score == 100.0
    finally:
        KINDS.pop("tapping")


# --------------------------------------------------------------------------- holds

def test_hold_timer_counts_only_good_hold_and_pauses_while_sliding():
    drive = Drive("myofascial_hold")
    s, t = drive.run(hold, 0.0, 40.0)
    assert s.hold_good_s == pytest.approx(40.0, abs=0.1) and s.hold_paused is None
    # a brief slip of the thumb that never leaves the spot (the label flickers): the same hold goes on
    s, t = drive.run(lambda t: stroke(t, "lengthwise", xy=(320.0, 240.0)), t, 1.0)
    assert s.hold_paused.startswith("sliding") and s.hold_good_s == pytest.approx(40.0, abs=0.1)
    assert s.raw_cue.id == "stroking" and "timer paused" in s.raw_cue.say
    s, t = drive.run(hold, t, 30.0)
    assert s.hold_good_s == pytest.approx(70.0, abs=0.2) and s.holds_completed == 0
    s, t = drive.run(hold, t, 21.0)
    assert s.holds_completed == 1 and s.hold_good_s < 2.0  # completed at 90 s good; the next starts
    assert "Hold 1 complete" in s.guide
    d = drive.debrief()
    assert d["holds_completed"] == 1 and d["longest_good_hold_s"] == pytest.approx(90.0, abs=0.1)
    # a slip under 1.5 s pauses the timer but is not scored as sliding (it may be a move to the next spot)
    assert s.progress == 1.0 and dict(s.components)["stillness"] == 1.0


def test_holds_apart_are_not_added_up():
    """Two holds of 8 s and 6 s with 8 s of real strokes between: the longest good hold is 8 s, not 14."""
    drive = Drive("myofascial_hold")
    _, t = drive.run(hold, 0.0, 8.0)
    _, t = drive.run(lambda t: stroke(t, "cross_grain"), t, 8.0)
    s, t = drive.run(lambda t: hold(t, xy=(400.0, 240.0)), t, 6.0)
    assert s.longest_good_hold_s == pytest.approx(8.0, abs=0.3) and s.hold_good_s < 7.0
    assert dict(s.components)["stillness"] < 0.8  # the 8 s of sliding count against it


def test_drifting_hold_is_not_a_good_hold():
    drive = Drive("myofascial_hold")
    # the thumb glides onto the spot in the first half second: that is settling, not drift
    s, t = drive.run(lambda t: hold(t, xy=(320.0 + 40 * min(t, 0.5), 240.0)), 0.0, 10.0)
    assert s.hold_paused is None and s.hold_good_s == pytest.approx(10.0, abs=0.1)
    # then it creeps 0.65 palm (32 px) over 6 s: past 0.15 palm the timer pauses
    s, t = drive.run(lambda t: hold(t, xy=(340.0 + 32.5 / 6 * (t - 10.0), 240.0)), t, 6.0)
    assert s.hold_paused.startswith("drifting") and s.raw_cue.id == "drift_high" and s.quality == "warn"
    assert s.hold_good_s == pytest.approx(11.5, abs=0.3)
    assert dict(s.components)["stillness"] == pytest.approx(11.5 / 16, abs=0.03) and s.score < 75


def test_hold_after_the_hand_was_gone_starts_over():
    drive = Drive("myofascial_hold")
    s, t = drive.run(hold, 0.0, 30.0)
    s, t = drive.run(no_hand, t, 4.0)
    assert s.hold_paused.startswith("no hand") and s.hold_good_s == pytest.approx(30.0, abs=0.1)
    s, t = drive.run(lambda t: hold(t, xy=(360.0, 250.0)), t, 7.0)
    assert s.hold_good_s == pytest.approx(7.0, abs=0.2)
    assert drive.debrief()["longest_good_hold_s"] == pytest.approx(30.0, abs=0.1)


def test_active_release_guides_reps_only_while_holding_still():
    drive = Drive("active_release")
    s, t = drive.run(hold, 0.0, 1.0)
    assert s.guide.startswith("Curl your toes down (repetition 1 of 8)")
    s, t = drive.run(hold, t, 3.0)
    assert s.guide.startswith("Lift your toes up")
    s, t = drive.run(lambda t: stroke(t, "oblique"), t, 10.0)  # thumb slides: reps do not advance
    assert "paused" in s.guide and s.reps_done == 0
    s, t = drive.run(hold, t, 45.0)
    assert s.reps_done == 8 and s.progress == 1.0
    assert drive.debrief()["reps_done"] == 8


def test_rep_guide_phases():
    guide = RepGuide((("down", 2.0), ("up", 1.0)), reps=2)
    assert guide.update(1.0).phase == "down"
    assert guide.update(1.5).phase == "up"
    s = guide.update(0.6)
    assert s.reps_done == 1 and s.phase == "down"
    assert guide.update(10.0).done


# --------------------------------------------------------------------------- calf work

def test_calf_side_switch_after_five_minutes_of_work():
    drive = Drive("calf_work")
    s, t = drive.run(lambda t: stroke(t, "oblique"), 0.0, 200.0, fps=10)
    s, t = drive.run(no_hand, t, 60.0, fps=10)  # a break does not count
    assert s.side == "first calf" and s.side_work_s[0] == pytest.approx(200.0, abs=0.2)
    s, t = drive.run(hold, t, 101.0, fps=10)  # holds count as work too
    assert s.side == "second calf" and "switch to the second calf" in s.guide
    s, t = drive.run(lambda t: stroke(t, "cross_grain"), t, 150.0, fps=10)
    assert s.side_work_s[1] == pytest.approx(151.0, abs=0.3) and s.guide.startswith("Second calf")
    assert s.progress == pytest.approx((1 + 151 / 300) / 2, abs=0.01) and s.score == 100.0
    s, t = drive.run(lambda t: stroke(t, "lengthwise"), t, 200.0, fps=10)
    assert s.progress == 1.0
    assert [x["work_s"] for x in drive.debrief()["sides"]] == [300.0, 300.0]


def test_side_switch_by_hand():
    sides = SideSwitch(("left", "right"), 10.0)
    sides.update(1.0, 3.0)
    sides.switch(2.0)
    s = sides.update(3.0, 1.0)
    assert s.work_s == (3.0, 1.0) and s.side == "right" and "switch to the right" in s.switch_cue


# --------------------------------------------------------------------------- cues

def cue(cue_id, urgent=False, priority=5):
    return Cue(cue_id, f"say {cue_id}", urgent=urgent, priority=priority)


def feed(selector, wanted_at, start, seconds, fps=FPS):
    shown = []
    n = int(round(seconds * fps))
    for k in range(n):
        t = start + k / fps
        view = selector.update(t, wanted_at(t), 1.0 / fps)
        shown.append((t, view.cue.id if view.cue else None))
    return shown, start + n / fps


def test_cue_priority_first_cue_at_once_then_cooldown():
    sel = CueSelector(CueParams(confirm_s=0.5, min_show_s=2.0, cooldown_s=4.0, fade_gain=0.0))
    a, b = cue("a", priority=1), cue("b", priority=2)
    view = sel.update(0.0, [a, b], 0.0)  # the most important of those wanted, shown at once (first cue)
    assert view.cue == a
    # 'a' is fixed at 1 s, 'b' still wanted: 'a' stays its 2 s, then 'b' waits for the 4 s cooldown
    shown, t = feed(sel, lambda t: [b] if t >= 1.0 else [a, b], 1 / FPS, 6.0)
    first_b = next(t for t, c in shown if c == "b")
    assert first_b == pytest.approx(4.0, abs=0.05)
    assert all(c is None for t, c in shown if 2.05 < t < 3.95)  # the fixed cue is taken down


def test_cues_do_not_flicker_when_the_problem_does():
    sel = CueSelector(CueParams(fade_gain=0.0))
    a, b = cue("a"), cue("b")
    sel.update(0.0, [a], 0.0)
    # the wanted correction alternates every 0.2 s for 20 s: the shown one changes rarely
    shown, _ = feed(sel, lambda t: [a] if int(t / 0.2) % 2 else [b], 0.1, 20.0)
    changes = sum(1 for k in range(1, len(shown)) if shown[k][1] != shown[k - 1][1])
    assert changes <= 2, shown[:50]


def test_urgent_cue_skips_the_cooldown():
    sel = CueSelector()
    sel.update(0.0, [cue("a")], 0.0)
    assert sel.update(0.3, [cue("no_hand", urgent=True), cue("a")], 0.3).cue.id == "no_hand"


def test_cues_fade_as_the_user_stays_within_targets():
    def slips(sel, good_s):
        """Within targets for good_s, then a 1.2 s slip: is it shown?"""
        sel.update(0.0, [cue("x")], 0.0)  # the session's first cue, at once
        feed(sel, lambda t: [], 1 / FPS, good_s)
        shown, _ = feed(sel, lambda t: [cue("a")], good_s, 1.2)
        return any(c == "a" for _, c in shown), sel.skill

    no_cooldown = CueParams(cooldown_s=0.0)  # the wait before a slip is shown, on its own
    novice_shown, novice_skill = slips(CueSelector(no_cooldown), 2.0)
    expert_shown, expert_skill = slips(CueSelector(no_cooldown), 90.0)
    assert novice_shown and not expert_shown
    assert expert_skill > 0.9 > 0.3 > novice_skill

    # and corrections come rarer: count cues over a minute of a recurring 2 s slip every 10 s
    def count(sel, warmup_s):
        feed(sel, lambda t: [], 0.0, warmup_s)
        shown, _ = feed(sel, lambda t: [cue("a")] if (t - warmup_s) % 10 < 2 else [], warmup_s, 60.0)
        return sum(1 for k in range(1, len(shown)) if shown[k][1] == "a" and shown[k - 1][1] != "a")

    assert count(CueSelector(), 0.0) > count(CueSelector(), 120.0)


def rigid_hand(t, thumb_xy, palm_px=50.0):
    """A HandObservation whose landmarks all move with the thumb (a rigid hand), palm ``palm_px`` wide."""
    import numpy as np

    xy = np.tile(np.asarray(thumb_xy, np.float32), (21, 1))
    xy[5] += (-palm_px / 2, -60.0)
    xy[17] += (palm_px / 2, -60.0)
    xy[2] += (-10.0, 30.0)
    xy[3] += (-5.0, 15.0)
    return HandObservation(xy=xy, handedness="Right", score=0.9, t=t)


def test_live_cue_on_scripted_thumb_path_through_the_engine():
    """Scripted thumb motion through the real engine (gate, motion, holds, coaching, cues): the right cue appears."""
    engine = Engine("cross_friction")
    pieces = [Piece("cross_grain", 6.0, stroke_angle_deg=0.0, amplitude_palm=0.15, rate_per_min=80.0),
              Piece("lengthwise", 6.0, stroke_angle_deg=90.0, amplitude_palm=0.15, rate_per_min=80.0)]
    texts = []
    for t, xy, palm, _ in thumb_path(pieces, noise_px=0.5):
        v = engine.step(rigid_hand(t, xy, palm), t, AXIS)
        texts.append((t, v.coaching.correction))
    late = [text for t, text in texts if t > 9.0]
    assert "Strokes run along the fascia: turn 90 degrees" in late
    assert v.coaching.score < 20  # half along the grain cancels half across


# --------------------------------------------------------------------------- routines

def test_contrast_bath_timing_with_injected_clock():
    tech = technique("contrast_bath")
    routine = TimerRoutine.from_technique(tech)
    assert routine.total_s == 3 * (180 + 60)
    now = [100.0]
    clock = RoutineClock(speed=1.0, clock=lambda: now[0])
    clock.start()
    seen = []
    for second in range(0, 12 * 60 + 5):
        now[0] = 100.0 + second
        state = routine.at(clock.elapsed())
        if not seen or seen[-1] != state.cue:
            seen.append(state.cue)
    assert seen == routine.cues()
    assert seen[0] == "Round 1 of 3: warm water for 3 min" and seen[1] == "Round 1 of 3: cold water for 1 min"
    assert seen[-1].startswith("Done") and len(seen) == 7
    s = routine.at(175.0)
    assert s.heads_up == "Next: cold water in 5 s" and s.remaining_s == pytest.approx(5.0)
    assert routine.at(239.0).step.name == "Cold water" and routine.at(240.0).step.round == 2
    assert routine.at(719.0).heads_up == "Last 1 s"
    assert timer_coaching(tech, 360.0)["score"] == 50 and timer_coaching(tech, 999)["score"] == 100


def test_routine_clock_speed_pause_and_env():
    now = [0.0]
    clock = RoutineClock(speed=60.0, clock=lambda: now[0])
    clock.start()
    now[0] = 2.0
    assert clock.elapsed() == 120.0
    clock.pause()
    now[0] = 50.0
    assert clock.elapsed() == 120.0
    clock.start()
    now[0] = 51.0
    assert clock.elapsed() == 180.0
    assert routine_speed({"CROSSGRAIN_ROUTINE_SPEED": "30"}) == 30.0
    assert routine_speed({"CROSSGRAIN_ROUTINE_SPEED": "fast"}) == 1.0 and routine_speed({}) == 1.0


# --------------------------------------------------------------------------- reports

def scripted_session(technique_name="cross_friction"):
    """10 s of cross-grain strokes, then a 10 s still hold, at 15 fps, through a Session (no tracker)."""
    from vision.pipeline import Session

    session = Session(90.0, technique_name)
    pieces = [Piece("cross_grain", 10.0, stroke_angle_deg=0.0, amplitude_palm=0.15, rate_per_min=80.0),
              Piece("hold", 10.0)]
    for t, xy, palm, _ in thumb_path(pieces, fps=15.0, noise_px=0.3):
        session.add_observation(rigid_hand(t, xy, palm), t)
    return session


def test_report_coaching_is_the_last_verdicts_and_serialises():
    session = scripted_session()
    last = session.latest.verdict.coaching
    report = session.report(source="x.mp4", causal=True)
    coaching = report.coaching
    assert coaching["score"] == round(last.score) and coaching["debrief"]["good_s"] == round(last.right_s, 1)
    assert coaching["targets"]["rate_per_min"] == [60.0, 100.0]
    assert any("nerve" in w for w in coaching["warnings"]) and "does not diagnose" in coaching["disclaimer"]
    assert "cannot see" in coaching["camera_cannot_see"]
    d = json.loads(report.to_json())
    assert d["technique"] == "cross_friction" and d["coaching"]["debrief"]["top_corrections"][0]["cue"] == "label:hold"
    assert d["schema"] == "crossgrain.report/1" and len(d["frames"]) == 300  # the old fields keep their meaning
    assert all(f["foot_axis_deg"] == 90.0 for f in d["frames"])
    assert report.longest_hold_s == pytest.approx(last.longest_hold_s, abs=1e-6)
    hold_report = scripted_session("myofascial_hold").report(causal=True)
    assert hold_report.coaching["debrief"]["longest_good_hold_s"] == pytest.approx(10.0, abs=0.8)
    timer = coaching_section("contrast_bath")
    assert timer["score"] is None and "no camera" in timer["debrief"]["next"][0]


def test_cli_prints_score_and_debrief():
    from vision.cli import format_coaching

    text = format_coaching(scripted_session().report(causal=True).coaching)
    assert "score:" in text and "/100" in text and "next:" in text and "nerve" in text and "diagnose" in text
