"""`crossgrain axis` as a user runs it: real photo, real video, exit codes, JSON; and the
--heel/--toes/--foot-axis auto parsing for analyze."""

import argparse
import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FEET = ROOT / "tests" / "data" / "feet"
PHOTO = FEET / "nguyenhoaisonHCMUS+ARShoe_BEPython__data+barefeet_3.jpg"  # toes down the picture: axis ~94 deg
VIDEO = ROOT / "sample_videos" / "cross_friction_good.mp4"


def crossgrain(*args):
    return subprocess.run([sys.executable, "-m", "vision.cli", *map(str, args)], capture_output=True, text=True,
                          cwd=ROOT, timeout=300)


def test_photo_prints_the_axis_and_writes_json(tmp_path):
    run = crossgrain("axis", PHOTO, "--json", tmp_path / "a.json")
    assert run.returncode == 0, run.stderr
    r = json.loads((tmp_path / "a.json").read_text())
    assert {"foot_axis_deg", "confidence", "unsure", "heel_xy", "toes_xy"} <= r.keys()
    assert r["unsure"] is False and 0 < r["confidence"] <= 1
    assert abs(r["foot_axis_deg"] - 93.5) < 10
    assert r["heel_xy"][1] < r["toes_xy"][1]  # heel at the top, toes down
    assert f"foot axis {r['foot_axis_deg']:.0f} deg" in run.stdout


def test_video_is_judged_on_its_first_seconds(tmp_path):
    truth = json.loads(VIDEO.with_name("cross_friction_good.truth.json").read_text())
    run = crossgrain("axis", VIDEO, "--json", tmp_path / "v.json")
    assert run.returncode == 0, run.stderr
    r = json.loads((tmp_path / "v.json").read_text())
    assert r["kind"] == "video" and r["frames_judged"] >= 3
    if not r["unsure"]:
        diff = abs(r["foot_axis_deg"] - truth["foot_axis_deg"]) % 180
        assert min(diff, 180 - diff) <= 20


def test_a_picture_without_a_foot_is_unsure_and_exits_0(tmp_path):
    import cv2
    import numpy as np

    blank = tmp_path / "grey.png"
    cv2.imwrite(str(blank), np.full((200, 300, 3), 128, np.uint8))
    run = crossgrain("axis", blank, "--json", tmp_path / "b.json")
    assert run.returncode == 0, run.stderr
    r = json.loads((tmp_path / "b.json").read_text())
    assert r["unsure"] is True and r["foot_axis_deg"] is None
    assert "unsure" in run.stdout


@pytest.mark.parametrize("make", ["missing", "folder", "empty", "text", "tiny"])
def test_bad_input_is_one_line_and_exit_2(tmp_path, make):
    import cv2
    import numpy as np

    path = {"missing": tmp_path / "nope.jpg", "folder": tmp_path, "empty": tmp_path / "e.png",
            "text": tmp_path / "t.jpg", "tiny": tmp_path / "s.png"}[make]
    if make == "empty":
        path.write_bytes(b"")
    if make == "text":
        path.write_text("not a picture")
    if make == "tiny":
        cv2.imwrite(str(path), np.zeros((4, 4, 3), np.uint8))
    run = crossgrain("axis", path)
    assert run.returncode == 2
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("crossgrain: error: ")


def test_axis_options_for_analyze_parse_and_refuse_clearly():
    from vision.cli.axis import AUTO, axis_choice, foot_axis_or_auto, image_point
    from vision.cli.common import CliError
    from vision.core.axis import AxisSource

    assert foot_axis_or_auto("auto") == AUTO and foot_axis_or_auto(" AUTO ") == AUTO
    assert foot_axis_or_auto("270") == 90.0
    assert image_point("320,410") == (320.0, 410.0) and image_point("1.5, 2") == (1.5, 2.0)
    for bad in ("320", "a,b", "1,2,3", "-1,4", "nan,3", "inf,1"):
        with pytest.raises(argparse.ArgumentTypeError):
            image_point(bad)
    drawn = axis_choice(heel=(100, 400), toes=(100, 100))
    assert drawn.source is AxisSource.DRAWN and drawn.deg == 90.0 and drawn.heel_xy == (100.0, 400.0)
    assert axis_choice(foot_axis=45.0).source is AxisSource.TYPED
    assert axis_choice(foot_axis=AUTO) == AUTO
    for kwargs in ({"heel": (1, 2)}, {"toes": (1, 2)}, {}, {"foot_axis": 30.0, "heel": (0, 0), "toes": (5, 5)},
                   {"heel": (3, 3), "toes": (3, 3)}):
        with pytest.raises(CliError):
            axis_choice(**kwargs)
