"""The reference store and the compare command on real files: `crossgrain reference add/list/export/import`
and `crossgrain compare`, through the real CLI (real decoding and MediaPipe), in a temporary data folder."""

from __future__ import annotations

import json
import re
import zipfile
from pathlib import Path

import pytest

from vision.cli import main
from vision.compare.references import list_references

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "sample_videos" / "cross_friction_good.mp4"
OTHER = ROOT / "sample_videos" / "lengthwise_mistake.mp4"

pytestmark = [pytest.mark.slow, pytest.mark.skipif(not SAMPLE.exists(), reason="sample videos missing")]


def run(capsys, *argv) -> tuple[int, str, str]:
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    """A data folder holding one reference, "Good demo", saved with its video."""
    data = tmp_path_factory.mktemp("data")
    mp = pytest.MonkeyPatch()
    mp.setenv("CROSSGRAIN_DATA_DIR", str(data))
    assert main(["reference", "add", str(SAMPLE), "--name", "Good demo", "--foot-axis", "90", "--keep-video"]) == 0
    yield data
    mp.undo()


def test_add_and_list(store, capsys, monkeypatch):
    monkeypatch.setenv("CROSSGRAIN_DATA_DIR", str(store))
    refs = list_references(store)
    assert [r.name for r in refs] == ["Good demo"]
    ref = refs[0]
    assert ref.video == "video.mp4" and ref.video_bytes() == SAMPLE.read_bytes()
    report = ref.report()
    assert report.source == SAMPLE.name and report.frames and report.segments
    assert report.technique == "cross_friction" and ref.foot_axis_deg == 90
    code, out, _ = run(capsys, "reference", "list")
    assert code == 0 and "Good demo" in out and "video kept" in out


def test_same_name_and_bad_names_are_one_line_errors(store, tmp_path, capsys, monkeypatch):
    from cluster_support import short_clips

    monkeypatch.setenv("CROSSGRAIN_DATA_DIR", str(store))
    # the name taken is found once the video is analysed: a real 3 s cut of SAMPLE's strokes, not all its 20 s
    clip, = short_clips(tmp_path, seconds=3.0, stretches=(("cross_friction_good", 2.0),))
    code, _, err = run(capsys, "reference", "add", clip, "--name", "good DEMO", "--foot-axis", "90")
    assert code == 2 and "already exists" in err and err.count("\n") == 1
    code, _, err = run(capsys, "reference", "add", SAMPLE, "--name", "../etc", "--foot-axis", "90")
    assert code == 2 and "reference name" in err and err.count("\n") == 1
    code, _, err = run(capsys, "compare", "No such demo", SAMPLE, "--foot-axis", "90")
    assert code == 2 and "no reference named 'No such demo'" in err and err.count("\n") == 1


def test_a_video_without_a_hand_is_not_saved(store, tmp_path, capsys, monkeypatch):
    import numpy as np
    from media import write_video

    monkeypatch.setenv("CROSSGRAIN_DATA_DIR", str(store))
    empty = write_video(tmp_path / "empty.mp4", [np.full((240, 320, 3), 180, np.uint8)] * 15,
                        [k / 15 for k in range(15)])
    code, _, err = run(capsys, "reference", "add", empty, "--name", "Empty", "--foot-axis", "90")
    assert code == 2 and "no hand was found" in err and err.count("\n") == 1
    assert [r.name for r in list_references(store)] == ["Good demo"]


def test_export_then_import_on_another_machine(store, tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("CROSSGRAIN_DATA_DIR", str(store))
    exported = tmp_path / "demo.crossgrain-ref"
    code, out, _ = run(capsys, "reference", "export", "Good demo", exported)
    assert code == 0 and exported.is_file()
    assert set(zipfile.ZipFile(exported).namelist()) == {"reference.json", "report.json", "video.mp4"}
    other = tmp_path / "patient"
    monkeypatch.setenv("CROSSGRAIN_DATA_DIR", str(other))
    code, out, _ = run(capsys, "reference", "import", exported)
    assert code == 0 and "Good demo" in out
    code, out, _ = run(capsys, "reference", "import", exported, "--name", "Copy")
    assert code == 0
    refs = list_references(other)
    assert [r.name for r in refs] == ["Copy", "Good demo"]
    original = list_references(store)[0]
    assert refs[1].report().to_dict() == original.report().to_dict()
    # a file that is not an export, and an export with a damaged report
    code, _, err = run(capsys, "reference", "import", SAMPLE)
    assert code == 2 and "not an exported reference" in err
    broken = tmp_path / "broken.crossgrain-ref"
    with zipfile.ZipFile(exported) as src, zipfile.ZipFile(broken, "w") as dst:
        dst.writestr("reference.json", src.read("reference.json"))
        dst.writestr("report.json", b'{"schema": "crossgrain.report/1", "frames": "nope"}')
    code, _, err = run(capsys, "reference", "import", broken, "--name", "Broken")
    assert code == 2 and "damaged reference" in err
    assert [r.name for r in list_references(other)] == ["Copy", "Good demo"]
    assert not (other / "references").exists()


def test_compare_with_saved_name_and_with_a_report_file(store, tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("CROSSGRAIN_DATA_DIR", str(store))
    out_json, out_html = tmp_path / "cmp.json", tmp_path / "cmp.html"
    code, out, err = run(capsys, "compare", "Good demo", SAMPLE, "--foot-axis", "90", "--json", out_json,
                         "--html", out_html)
    assert code == 0, err
    same = json.loads(out_json.read_text())
    assert same["similarity"] == 100 and same["rate_change_pct"] == 0 and "similarity 100/100" in out
    html = out_html.read_text()
    assert "100<small>/100</small>" in html and "data:image/jpeg;base64," in html
    # the demonstration's video was kept: its stills beside the attempt's, one pair a compared stretch
    pairs = re.findall(r'<div class="pair">(.*?)</div>', html)
    assert len(pairs) == len(same["stretches"]) >= 2
    assert all(p.count("data:image/jpeg;base64,") == 2 for p in pairs)
    # the reference as a plain report file; an attempt of another technique
    report_file = tmp_path / "demo.report.json"
    report_file.write_text(list_references(store)[0].report().to_json())
    code, out, err = run(capsys, "compare", report_file, OTHER, "--foot-axis", "90", "--json", out_json)
    assert code == 0, err
    other = json.loads(out_json.read_text())
    print(out)
    # half of lengthwise_mistake strokes along the foot, half across: about half can match
    assert other["similarity"] < 60 and other["reference"] == SAMPLE.name
    assert any("along the foot" in s for s in other["said"])
