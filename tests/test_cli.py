"""`crossgrain analyze` as a user runs it: real files, real model, exit codes, outputs."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "sample_videos" / "myofascial_hold.mp4"
CROSS = ROOT / "sample_videos" / "cross_friction_good.mp4"


def crossgrain(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "vision.cli", *map(str, args)], capture_output=True, text=True,
                          cwd=cwd or ROOT, timeout=300)


@pytest.fixture(scope="module")
def analysed(analysed_sample):
    """`crossgrain analyze SAMPLE --foot-axis 90 --json r.json --csv r.csv --annotated a.mp4` (and --html r.html,
    read by tests/test_html_report.py): one run shared by the two modules (conftest.py)."""
    return analysed_sample


def test_report_follows_the_design_schema_and_the_truth(analysed):
    run, out = analysed
    assert run.returncode == 0, run.stderr
    report = json.loads((out / "r.json").read_text())
    truth = json.loads(SAMPLE.with_name("myofascial_hold.truth.json").read_text())
    assert report["schema"] == "crossgrain.report/1"
    assert report["source"] == "myofascial_hold.mp4"
    assert report["foot_axis_deg"] == 90.0
    assert len(report["frames"]) == len(truth["frames"])
    for k, f in enumerate(report["frames"]):
        assert f["i"] == k and {"t", "label"} <= f.keys()
    assert abs(report["duration_s"] - truth["duration_s"]) < 0.1
    longest = max(report["holds"], key=lambda h: h["duration_s"])
    assert abs(longest["duration_s"] - truth["holds"][0]["duration_s"]) < 0.5
    assert {s["label"] for s in report["segments"]} >= {"cross_grain", "hold", "lengthwise"}


def test_summary_and_csv_are_written(analysed):
    run, out = analysed
    assert "holds: 1, longest" in run.stdout
    assert "segments" in run.stdout
    lines = (out / "r.csv").read_text().splitlines()
    assert lines[0] == "i,t,label,angle_to_grain_deg,thumb_x,thumb_y,foot_axis_deg,right"  # old columns first
    assert len(lines) == 1 + 690


def test_annotated_video_is_h264_with_every_frame(analysed):
    import av

    _, out = analysed
    with av.open(str(out / "a.mp4")) as c:
        stream = c.streams.video[0]
        assert stream.codec_context.name == "h264"
        assert sum(1 for _ in c.decode(stream)) == 690


def test_no_progress_bar_when_output_is_not_a_terminal(analysed):
    run, _ = analysed
    assert "%" not in run.stderr and "[" not in run.stderr


@pytest.mark.parametrize("args,message", [
    (["analyze", "missing.mp4", "--foot-axis", "90"], "no such file"),
    (["analyze", str(ROOT / "README.md"), "--foot-axis", "90"], "cannot be read as a video"),
    (["analyze", str(SAMPLE), "--foot-axis", "north"], "foot axis must be a number"),
    (["analyze", str(SAMPLE), "--foot-axis", "nan"], "between -360 and 360"),
    (["analyze", str(SAMPLE), "--foot-axis", "90", "--technique", "tickling"], "unknown technique"),
])
def test_bad_input_gives_one_clear_line_and_exit_code_2(args, message, tmp_path):
    run = crossgrain(*args)
    assert run.returncode == 2
    assert message in run.stderr
    assert "Traceback" not in run.stderr


def test_empty_file_is_an_error(tmp_path):
    empty = tmp_path / "empty.mp4"
    empty.write_bytes(b"")
    run = crossgrain("analyze", empty, "--foot-axis", "0")
    assert run.returncode == 2 and "empty" in run.stderr


def test_a_video_with_no_hand_is_not_an_error(tmp_path):
    sys.path.insert(0, str(ROOT / "tests"))
    import numpy as np
    from media import write_video

    path = write_video(tmp_path / "feet_only.mp4", [np.full((240, 320, 3), 120, np.uint8)] * 20,
                       [k / 30 for k in range(20)])
    run = crossgrain("analyze", path, "--foot-axis", "90", "--json", tmp_path / "r.json")
    assert run.returncode == 0, run.stderr
    assert "no hand was found" in run.stdout
    report = json.loads((tmp_path / "r.json").read_text())
    assert {f["label"] for f in report["frames"]} == {"no_hand"}


def test_several_videos_and_a_folder_give_one_report_each(tmp_path):
    folder = tmp_path / "clips"
    folder.mkdir()
    (folder / "one.mp4").write_bytes(CROSS.read_bytes())
    (folder / "notes.txt").write_text("not a video")
    run = crossgrain("analyze", folder, SAMPLE, "--foot-axis", "90", "--json", tmp_path / "out", "--causal")
    assert run.returncode == 0, run.stderr
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["myofascial_hold.json", "one.json"]
    assert run.stdout.index("one.mp4") < run.stdout.index("myofascial_hold.mp4")
    assert "causal (live) labels" in run.stdout


def test_one_bad_file_among_several_is_reported_and_the_rest_analysed(tmp_path):
    bad = tmp_path / "bad.mp4"
    bad.write_text("nope")
    run = crossgrain("analyze", bad, CROSS, "--foot-axis", "90", "--json", tmp_path / "out")
    assert run.returncode == 2
    assert "bad.mp4" in run.stderr
    assert (tmp_path / "out" / "cross_friction_good.json").exists()
