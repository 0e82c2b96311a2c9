"""What a rerun skips (vision/batch/resume.py) and the batch index (vision/batch/index.py): pure logic, real files."""

from __future__ import annotations

import json

import pytest

from vision.batch import index
from vision.batch.resume import Settings, Work, file_sha256, is_finished

ENGINE = "0.1.0+engine.1; mediapipe 1.2.3; model 76839f622b29"
SETTINGS = Settings(90.0, False, "cross_friction")


@pytest.fixture
def finished(tmp_path):
    """A video, its report, and the index row a finished run leaves."""
    video = tmp_path / "clip.mp4"
    video.write_bytes(b"not really a video, but bytes to hash")
    report = tmp_path / "out" / "clip.json"
    report.parent.mkdir()
    report.write_text('{"schema": "crossgrain.report/1"}')
    work = Work(video, file_sha256(video), {"json": report})
    row = {"path": str(video), "sha256": work.sha256, "engine": ENGINE, "settings": SETTINGS.to_dict(),
           "status": "analysed", "outputs": {"json": {"path": str(report), "sha256": file_sha256(report)}}}
    return work, row


def test_the_same_video_engine_settings_and_intact_report_are_skipped(finished):
    work, row = finished
    assert is_finished(work, row, ENGINE, SETTINGS)
    assert is_finished(work, {**row, "status": "skipped"}, ENGINE, SETTINGS)


@pytest.mark.parametrize("change", ["engine", "axis", "technique", "causal", "video", "status", "no row"])
def test_any_change_that_can_change_the_report_means_analyse_again(finished, change):
    work, row = finished
    engine, settings = ENGINE, SETTINGS
    if change == "engine":
        engine = ENGINE.replace("engine.1", "engine.2")
    elif change == "axis":
        settings = Settings(0.0, False, "cross_friction")
    elif change == "technique":
        settings = Settings(90.0, False, "myofascial_hold")
    elif change == "causal":
        settings = Settings(90.0, True, "cross_friction")
    elif change == "video":
        work.video.write_bytes(b"edited")
        work = Work(work.video, file_sha256(work.video), work.outputs)
    elif change == "status":
        row = {**row, "status": "failed"}
    elif change == "no row":
        row = None
    assert not is_finished(work, row, engine, settings)


def test_a_report_missing_or_overwritten_since_means_analyse_again(finished):
    work, row = finished
    report = work.outputs["json"]
    report.write_text('{"schema": "crossgrain.report/1", "other": 1}')
    assert not is_finished(work, row, ENGINE, SETTINGS)
    report.unlink()
    assert not is_finished(work, row, ENGINE, SETTINGS)


def test_an_output_asked_for_now_but_not_then_means_analyse_again(finished, tmp_path):
    work, row = finished
    with_csv = Work(work.video, work.sha256, {**work.outputs, "csv": tmp_path / "out" / "clip.csv"})
    assert not is_finished(with_csv, row, ENGINE, SETTINGS)


def test_the_index_is_written_as_json_and_csv_and_read_back_by_path(tmp_path):
    rows = [{"video": "a.mp4", "path": "/x/a.mp4", "status": "analysed", "score": 87, "technique": "cross_friction",
             "settings": SETTINGS.to_dict(), "outputs": {}},
            {"video": "b.mp4", "path": "/x/b.mp4", "status": "failed", "error": "b.mp4: not a video"}]
    json_path, csv_path = index.write_index(tmp_path, rows, ENGINE)
    assert json.loads(json_path.read_text())["schema"] == index.INDEX_SCHEMA
    assert index.read_rows(tmp_path) == {"/x/a.mp4": rows[0], "/x/b.mp4": rows[1]}
    lines = csv_path.read_text().splitlines()
    assert lines[0].split(",")[:4] == ["video", "status", "technique", "score"]
    assert lines[1].startswith("a.mp4,analysed,cross_friction,87,")
    assert lines[2].startswith("b.mp4,failed,") and "not a video" in lines[2]
    assert not list(tmp_path.glob("*.partial"))


def test_an_unreadable_or_foreign_index_means_nothing_is_skipped(tmp_path):
    assert index.read_rows(tmp_path) == {}
    (tmp_path / index.JSON_NAME).write_text("{half")
    assert index.read_rows(tmp_path) == {}
    (tmp_path / index.JSON_NAME).write_text('{"schema": "something/else", "videos": [{"path": "/x"}]}')
    assert index.read_rows(tmp_path) == {}


def test_plan_skips_the_finished_fails_the_unreadable_and_queues_the_rest(finished, tmp_path):
    from vision.batch.resume import plan

    work, row = finished
    new = tmp_path / "new.mp4"
    new.write_bytes(b"another clip")
    gone = tmp_path / "gone.mp4"
    planned = [(work.video, work.outputs), (new, {"json": tmp_path / "out" / "new.json"}), (gone, {})]
    rows, todo = plan(planned, {str(work.video.resolve()): row}, ENGINE, SETTINGS)
    assert [rows[v]["status"] for v, _ in planned] == ["skipped", "pending", "failed"]
    assert [w.video for w in todo] == [new] and todo[0].sha256 == file_sha256(new)
    assert "gone.mp4" in rows[gone]["error"]
    assert rows[work.video]["outputs"] == row["outputs"]  # what a later rerun checks is carried over
