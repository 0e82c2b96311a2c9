"""Coaching on plain numbers: the registry, scores, cue priority / cooldown / fading, the hold timer,
the calf side switch, guided repetitions and the contrast-bath timer (injected clocks throughout)."""

from __future__ import annotations

import json

import pytest

from vision.coach import techniques as coach
from vision.coach.techniques import TECHNIQUES, Cue, TechniqueError, load_registry, parse_technique, technique, wanted_cues
from vision.coach.cues import CueParams, CueSelector
from vision.core.motion import MotionState, StrokeAnalyzer
from vision.core.report import FrameRecord, Report, Segment
from vision.coach.routines import RepGuide, RoutineClock, SideSwitch, TimerRoutine, routine_speed
from vision.coach.scoring import TechniqueScorer, closeness, coaching_for_report, states_from_report, timer_coaching

from scripted import Piece, thumb_path

FPS = 30.0


def stroke(t, label="cross_grain", rate=80.0, amplitude=0.15, xy=(320.0, 240.0)):
    return MotionState(t=t, label=label, thumb_xy=xy, palm_px=50.0, rate_per_min=rate, amplitude_palm=amplitude,
                       angle_to_grain_deg=85.0 if label == "cross_grain" else 10.0)


def hold(t, xy=(320.0, 240.0), hold_s=0.0):
    return MotionState(t=t, label="hold", thumb_xy=xy, palm_px=50.0, hold_s=hold_s)


def no_hand(t):
    return MotionState(t=t, label="no_hand")


def run(scorer, make, start, seconds, fps=FPS):
    """Feed ``make(t)`` for ``seconds`` from ``start``; return the last Progress and the end time."""
    n = int(round(seconds * fps))
    progress = None
    for k in range(n):
        progress = scorer.update(make(start + k / fps))
    return progress, start + n / fps


# --------------------------------------------------------------------------- registry

def test_registry_has_the_guides_techniques_as_data():
    assert set(TECHNIQUES) >= {"cross_friction", "myofascial_hold", "calf_work", "morning_release",
                               "active_release", "between_metatarsals", "contrast_bath"}
    cf = TECHNIQUES["cross_friction"]
    assert cf.rate_range_per_min == (60.0, 100.0) and cf.amplitude_range_palm == (0.05, 0.3)
    assert cf.good_labels == ("cross_grain",) and cf.cues[0].id == "no_hand" and cf.cues[0].urgent
    assert TECHNIQUES["between_metatarsals"].good_labels == ("lengthwise",)
    assert TECHNIQUES["myofascial_hold"].target_hold_s == 90.0
    assert TECHNIQUES["calf_work"].work_s == 300.0 and len(TECHNIQUES["calf_work"].sides) == 2
    assert TECHNIQUES["contrast_bath"].camera is False
    assert TECHNIQUES["contrast_bath"].phases == (("Warm water", 180.0), ("Cold water", 60.0))
    for words in ("nerve", "stress fracture", "Bruising", "three weeks", "flat feet"):
        assert any(words in w for w in coach.SAFETY.warnings), words
    assert "does not diagnose" in coach.SAFETY.disclaimer and "pressure" in coach.SAFETY.camera_limits


def test_a_therapist_can_add_a_technique_in_a_file(tmp_path):
    path = tmp_path / "t.toml"
    path.write_text('[technique.toe_spread]\ntitle = "Toe spread"\nkind = "hold"\ngood_labels = ["hold"]\n'
                    '[technique.toe_spread.targets]\nhold_s = 30\n[technique.toe_spread.weights]\ncompletion = 1\n'
                    '[[technique.toe_spread.cues]]\nwhen = "stroking"\nsay = "Still!"\n')
    techniques, _ = load_registry(path)
    t = techniques["toe_spread"]
    scorer = TechniqueScorer(t)
    progress, _ = run(scorer, hold, 0.0, 31.0)
    assert progress.holds_completed == 1 and scorer.score() == 100.0
    assert [c.say for c in wanted_cues(stroke(0.0), t)] == ["Still!"]


@pytest.mark.parametrize("bad,words", [
    ({"kind": "dance"}, "kind must be"),
    ({"good_labels": ["sideways"]}, "unknown labels"),
    ({"weights": {"style": 1}}, "unknown score components"),
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
    scorer = TechniqueScorer("cross_friction")
    # 60 s right, 30 s lengthwise, 30 s right but too fast (130/min, closeness 0.4) and too long (0.4 palm)
    _, t = run(scorer, lambda t: stroke(t), 0.0, 60.0)
    _, t = run(scorer, lambda t: stroke(t, "lengthwise"), t, 30.0)
    progress, t = run(scorer, lambda t: stroke(t, rate=130.0, amplitude=0.4), t, 30.0)
    c = progress.components
    assert c["direction"] == pytest.approx(90 / 120, abs=0.01)
    assert c["rate"] == pytest.approx((90 * 1.0 + 30 * 0.4) / 120, abs=0.01)
    assert c["amplitude"] == pytest.approx((90 * 1.0 + 30 * (1 - 0.1 / 0.15)) / 120, abs=0.01)
    assert c["time"] == pytest.approx(90 / 180, abs=0.01)
    w = TECHNIQUES["cross_friction"].weights
    expected = 100 * sum(w[k] * c[k] for k in w) / sum(w.values())
    assert progress.score == pytest.approx(expected) and 40 < progress.score < 90
    debrief = scorer.debrief()
    assert [c["cue"] for c in debrief["top_corrections"]] == ["label:lengthwise", "amplitude_high"]
    assert debrief["time_s"] == pytest.approx(120, abs=0.1) and debrief["good_s"] == pytest.approx(90, abs=0.1)
    assert any("3 min" in step for step in debrief["next"])


def test_perfect_cross_friction_for_three_minutes_scores_100_and_more_time_does_not_help():
    scorer = TechniqueScorer("cross_friction")
    progress, t = run(scorer, lambda t: stroke(t), 0.0, 181.0)
    assert progress.score == pytest.approx(100.0)
    assert scorer.debrief()["top_corrections"] == []
    assert TECHNIQUES["cross_friction"].next_step in scorer.debrief()["next"]


def test_score_uses_timestamps_not_frame_counts():
    a, b = TechniqueScorer("cross_friction"), TechniqueScorer("cross_friction")
    run(a, lambda t: stroke(t), 0.0, 30.0, fps=30)
    run(b, lambda t: stroke(t), 0.0, 30.0, fps=12)  # a slow webcam
    assert a.debrief()["good_s"] == pytest.approx(b.debrief()["good_s"], abs=0.15)
    assert a.score() == pytest.approx(b.score(), abs=0.2)


def test_metatarsals_reward_lengthwise():
    scorer = TechniqueScorer("between_metatarsals")
    run(scorer, lambda t: stroke(t, "lengthwise", rate=60.0, amplitude=0.3), 0.0, 60.0)
    assert scorer.components()["direction"] == 1.0
    wrong = TechniqueScorer("between_metatarsals")
    progress, _ = run(wrong, lambda t: stroke(t, "cross_grain", rate=60.0, amplitude=0.3), 0.0, 5.0)
    assert wrong.components()["direction"] == 0.0 and progress.wanted[0].id == "label:cross_grain"


# --------------------------------------------------------------------------- holds

def test_hold_timer_counts_only_good_hold_and_pauses_while_sliding():
    scorer = TechniqueScorer("myofascial_hold")
    p, t = run(scorer, hold, 0.0, 40.0)
    assert p.hold_good_s == pytest.approx(40.0, abs=0.1) and p.hold_paused is None
    p, t = run(scorer, lambda t: stroke(t, "lengthwise"), t, 5.0)  # sliding: paused, not reset
    assert p.hold_paused.startswith("sliding") and p.hold_good_s == pytest.approx(40.0, abs=0.1)
    assert p.wanted[0].id == "stroking" and "timer paused" in p.wanted[0].say
    p, t = run(scorer, hold, t, 30.0)
    assert p.hold_good_s == pytest.approx(70.0, abs=0.2) and p.holds_completed == 0
    p, t = run(scorer, hold, t, 21.0)
    assert p.holds_completed == 1 and p.hold_good_s < 2.0  # completed at 90 s good; the next starts
    assert "Hold 1 complete" in p.guide
    d = scorer.debrief()
    assert d["holds_completed"] == 1 and d["longest_good_hold_s"] == pytest.approx(90.0, abs=0.1)
    assert scorer.components()["completion"] == 1.0
    assert scorer.components()["stillness"] == pytest.approx(91 / 96, abs=0.01)


def test_drifting_pauses_the_hold_after_it_settles():
    scorer = TechniqueScorer("myofascial_hold")
    # the thumb glides onto the spot in the first half second: that is settling, not drift
    p, t = run(scorer, lambda t: hold(t, xy=(320.0 + 40 * min(t, 0.5), 240.0)), 0.0, 10.0)
    assert p.hold_paused is None and p.hold_good_s == pytest.approx(10.0, abs=0.1)
    # then it creeps 0.3 palm (15 px) over 3 s: past 0.15 palm the timer pauses
    p, t = run(scorer, lambda t: hold(t, xy=(340.0 + 5 * (t - 10.0), 240.0)), t, 3.0)
    assert p.hold_paused.startswith("drifting") and p.wanted[0].id == "drift_high"
    assert p.hold_good_s == pytest.approx(11.5, abs=0.3)


def test_abandoned_hold_starts_over():
    scorer = TechniqueScorer("myofascial_hold")
    p, t = run(scorer, hold, 0.0, 30.0)
    p, t = run(scorer, no_hand, t, 4.0)
    assert p.hold_paused.startswith("no hand") and p.hold_good_s == pytest.approx(30.0, abs=0.1)
    p, t = run(scorer, no_hand, t, 7.0)
    assert p.hold_good_s == 0.0
    assert scorer.debrief()["longest_good_hold_s"] == pytest.approx(30.0, abs=0.1)


def test_active_release_guides_reps_only_while_holding_still():
    scorer = TechniqueScorer("active_release")
    p, t = run(scorer, hold, 0.0, 1.0)
    assert p.guide.startswith("Curl your toes down (repetition 1 of 8)")
    p, t = run(scorer, hold, t, 3.0)
    assert p.guide.startswith("Lift your toes up")
    p, t = run(scorer, lambda t: stroke(t, "oblique"), t, 10.0)  # thumb slides: reps do not advance
    assert "paused" in p.guide and p.reps.reps_done == 0
    p, t = run(scorer, hold, t, 45.0)
    assert p.reps.done and p.reps.reps_done == 8 and scorer.components()["reps"] == 1.0
    assert scorer.debrief()["reps_done"] == 8


def test_rep_guide_phases():
    guide = RepGuide((("down", 2.0), ("up", 1.0)), reps=2)
    assert guide.update(1.0).phase == "down"
    assert guide.update(1.5).phase == "up"
    s = guide.update(0.6)
    assert s.reps_done == 1 and s.phase == "down"
    assert guide.update(10.0).done


# --------------------------------------------------------------------------- calf work

def test_calf_side_switch_after_five_minutes_of_work():
    scorer = TechniqueScorer("calf_work")
    p, t = run(scorer, lambda t: stroke(t, "oblique"), 0.0, 200.0, fps=10)
    p, t = run(scorer, no_hand, t, 60.0, fps=10)  # a break does not count
    assert p.side.index == 0 and p.side.work_s[0] == pytest.approx(200.0, abs=0.2)
    p, t = run(scorer, hold, t, 101.0, fps=10)  # holds count as work too
    assert p.side.index == 1 and "switch to the second calf" in p.guide
    assert scorer.sides.switches and scorer.sides.switches[0] == pytest.approx(360.0, abs=0.2)
    p, t = run(scorer, lambda t: stroke(t, "cross_grain"), t, 150.0, fps=10)
    assert p.side.work_s[1] == pytest.approx(151.0, abs=0.3) and p.guide.startswith("Second calf")
    assert scorer.components()["time"] == pytest.approx((1 + 151 / 300) / 2, abs=0.01)
    p, t = run(scorer, lambda t: stroke(t, "lengthwise"), t, 200.0, fps=10)
    assert p.side.done and scorer.components()["time"] == 1.0
    assert [s["work_s"] for s in scorer.debrief()["sides"]] == [300.0, 300.0]


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
        view = selector.update(t, wanted_at(t))
        shown.append((t, view.cue.id if view.cue else None))
    return shown, start + n / fps


def test_cue_priority_first_cue_at_once_then_cooldown():
    sel = CueSelector(CueParams(confirm_s=0.5, min_show_s=2.0, cooldown_s=4.0, fade_gain=0.0))
    a, b = cue("a", priority=1), cue("b", priority=2)
    view = sel.update(0.0, [a, b])  # the most important of those wanted, shown at once (first cue)
    assert view.cue == a
    # 'a' is fixed at 1 s, 'b' still wanted: 'a' stays its 2 s, then 'b' waits for the 4 s cooldown
    shown, t = feed(sel, lambda t: [b] if t >= 1.0 else [a, b], 1 / FPS, 6.0)
    first_b = next(t for t, c in shown if c == "b")
    assert first_b == pytest.approx(4.0, abs=0.05)
    assert all(c is None for t, c in shown if 2.05 < t < 3.95)  # the fixed cue is taken down


def test_cues_do_not_flicker_when_the_problem_does():
    sel = CueSelector(CueParams(fade_gain=0.0))
    a, b = cue("a"), cue("b")
    sel.update(0.0, [a])
    # the wanted correction alternates every 0.2 s for 20 s: the shown one changes rarely
    shown, _ = feed(sel, lambda t: [a] if int(t / 0.2) % 2 else [b], 0.1, 20.0)
    changes = sum(1 for k in range(1, len(shown)) if shown[k][1] != shown[k - 1][1])
    assert changes <= 2, shown[:50]


def test_urgent_cue_skips_the_cooldown():
    sel = CueSelector()
    sel.update(0.0, [cue("a")])
    assert sel.update(0.3, [cue("no_hand", urgent=True), cue("a")]).cue.id == "no_hand"


def test_cues_fade_as_the_user_stays_within_targets():
    def slips(sel, good_s):
        """Within targets for good_s, then a 1.2 s slip: is it shown?"""
        sel.update(0.0, [cue("x")])  # the session's first cue, at once
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


def test_live_cue_on_scripted_thumb_path_through_the_analyzer():
    """Scripted thumb motion through the real analyzer, scorer and selector: the right cue appears."""
    analyzer = StrokeAnalyzer(foot_axis_deg=90)
    scorer = TechniqueScorer("cross_friction")
    sel = CueSelector()
    pieces = [Piece("cross_grain", 6.0, stroke_angle_deg=0.0, amplitude_palm=0.15, rate_per_min=80.0),
              Piece("lengthwise", 6.0, stroke_angle_deg=90.0, amplitude_palm=0.15, rate_per_min=80.0)]
    texts = []
    for t, xy, palm, _ in thumb_path(pieces, noise_px=0.5):
        p = scorer.update(analyzer.update_thumb(t, xy, palm))
        view = sel.update(t, list(p.wanted))
        texts.append((t, view.text))
    late = [text for t, text in texts if t > 9.0]
    assert "Strokes run along the fascia: turn 90 degrees" in late
    assert 35 < scorer.score() < 75


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

def scripted_report() -> Report:
    frames, t = [], 0.0
    for i in range(300):  # 10 s cross-grain strokes, then 10 s still hold, at 15 fps
        t = i / 15
        frames.append(FrameRecord(i, t, "cross_grain" if t < 10 else "hold", 85.0 if t < 10 else None,
                                  (320.0, 240.0), 50.0))
    segments = [Segment("cross_grain", 0.0, 10.0, 80.0, 0.15, 85.0), Segment("hold", 10.0, 20.0)]
    return Report("x.mp4", 15.0, 20.0, 90.0, frames, segments, [], {})


def test_report_scoring_matches_the_live_scorer_and_serialises():
    report = scripted_report()
    states = states_from_report(report)
    assert states[10].rate_per_min == 80.0 and states[200].label == "hold" and states[200].hold_s > 0
    live = TechniqueScorer("cross_friction")
    for s in states:
        live.update(s)
    coaching = coaching_for_report(report, "cross_friction")
    assert coaching["score"] == live.debrief()["score"] and coaching["components"]["direction"] == pytest.approx(0.5,
                                                                                                               abs=0.01)
    assert coaching["targets"]["rate_per_min"] == [60.0, 100.0]
    assert any("nerve" in w for w in coaching["warnings"]) and "does not diagnose" in coaching["disclaimer"]
    assert "cannot see" in coaching["camera_cannot_see"]
    report.technique, report.coaching = "cross_friction", coaching
    d = json.loads(report.to_json())
    assert d["technique"] == "cross_friction" and d["coaching"]["debrief"]["top_corrections"][0]["cue"] == "label:hold"
    assert d["schema"] == "crossgrain.report/1" and len(d["frames"]) == 300  # the old fields keep their meaning
    hold_coaching = coaching_for_report(report, "myofascial_hold")
    assert hold_coaching["debrief"]["longest_good_hold_s"] == pytest.approx(10.0, abs=0.1)
    timer = coaching_for_report(report, "contrast_bath")
    assert timer["score"] is None and "no camera" in timer["debrief"]["next"][0]


def test_cli_prints_score_and_debrief():
    from vision.cli import format_coaching

    text = format_coaching(coaching_for_report(scripted_report(), "cross_friction"))
    assert "score:" in text and "/100" in text and "next:" in text and "nerve" in text and "diagnose" in text
