"""The evaluation's small CI set: real clips with truth, real model, every figure checked."""

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))

import evaluate  # noqa: E402
import make_clips  # noqa: E402


@pytest.fixture(scope="module")
def quick_result(tmp_path_factory):
    out = tmp_path_factory.mktemp("quick")
    for spec in make_clips.eval_set_specs(quick=True):
        make_clips.make_clip(spec, out)
    return evaluate.evaluate(evaluate.find_clips([str(out)]), verbose=False)["summary"]


def test_offline_labels_match_the_truth(quick_result):
    s = quick_result["offline"]
    assert s["frame_accuracy"] >= 0.97
    assert min(s["per_class"].values()) >= 0.94


def test_causal_labels_match_the_truth_and_follow_changes_quickly(quick_result):
    s = quick_result["causal"]
    assert s["frame_accuracy"] >= 0.95
    assert s["median_change_delay_s"] <= 0.8


def test_the_engine_beats_the_centred_pca_baseline(quick_result):
    assert quick_result["causal"]["frame_accuracy"] > quick_result["baseline"]["frame_accuracy"]
    assert quick_result["offline"]["frame_accuracy"] > quick_result["baseline"]["frame_accuracy"]


def test_figures_are_within_the_targets(quick_result):
    s = quick_result["offline"]
    assert s["median_rate_error_pct"] <= 5.0
    assert s["median_angle_error_deg"] <= 5.0
    assert s["median_amplitude_error_pct"] <= 15.0


@pytest.mark.parametrize("mode", ["causal", "offline"])
def test_holds_are_timed_from_when_the_thumb_stopped_to_when_it_left(quick_result, mode):
    # Live labels switch to hold only once the motion window has emptied; the hold's
    # time must not carry that delay.
    assert quick_result[mode]["median_hold_error_s"] <= 0.3
