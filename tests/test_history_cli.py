"""`crossgrain history` and `analyze --save` as a user runs them: subprocesses, a real database, a real tty."""

from __future__ import annotations

import json
import os
import pty
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from cluster_support import short_clips
from history_support import record

from vision.history.store import Store

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "sample_videos" / "myofascial_hold.mp4"


@pytest.fixture
def data_dir(tmp_path, monkeypatch):
    d = tmp_path / "data"
    monkeypatch.setenv("CROSSGRAIN_DATA_DIR", str(d))
    return d


@pytest.fixture(scope="module")
def clips(tmp_path_factory) -> tuple[Path, Path]:
    """Real clips cut from the bundled samples, decoded and encoded again: 6 s of myofascial_hold from its hold's
    start, 4 s of lengthwise_mistake's strokes. What is kept in the history does not depend on a video's length,
    and the whole samples (20-25 s) take four times as long to analyse."""
    folder = tmp_path_factory.mktemp("clips")
    hold, = short_clips(folder / "hold", seconds=6.0, stretches=(("myofascial_hold", 4.0),))
    strokes, = short_clips(folder / "strokes", seconds=4.0, stretches=(("lengthwise_mistake", 0.0),))
    return hold, strokes


def crossgrain(*args, stdin=subprocess.DEVNULL):
    return subprocess.run([sys.executable, "-m", "vision.cli", *map(str, args)], capture_output=True, text=True,
                          cwd=ROOT, timeout=300, stdin=stdin, env=os.environ.copy())


def seed(data_dir: Path) -> list:
    with Store(data_dir / "history.sqlite3") as store:
        return [store.save(record(2, foot="left", pain_before=6)), store.save(record(1, "calf_work", 90)),
                store.save(record(0, "morning_release", 70, foot="right"))]


def test_nothing_kept_means_nothing_listed_and_no_database_made(data_dir):
    run = crossgrain("history", "--json")
    assert run.returncode == 0 and json.loads(run.stdout) == []
    assert "No sessions kept yet" in crossgrain("history").stdout
    assert not (data_dir / "history.sqlite3").exists()
    run = crossgrain("history", "export", data_dir.parent / "x.zip")
    assert run.returncode == 2 and run.stderr.strip() == (
        "crossgrain: error: no history to export: no session has been kept on this computer")


def test_analyze_save_keeps_the_report_as_it_is(data_dir, tmp_path, clips):
    out = tmp_path / "r.json"
    run = crossgrain("analyze", clips[0], "--foot-axis", "90", "--technique", "myofascial_hold", "--json", out,
                     "--save", "--foot", "left", "--pain-before", "5", "--pain-after", "3")
    assert run.returncode == 0, run.stderr
    assert "kept as session 1 in" in run.stdout
    report = json.loads(out.read_text())
    listed = json.loads(crossgrain("history", "--json").stdout)
    assert listed == [{"id": 1, "time": listed[0]["time"], "technique": "myofascial_hold", "foot": "left",
                       "score": report["coaching"]["score"]}]
    with Store(data_dir / "history.sqlite3") as store:
        (kept,) = store.sessions(with_frames=True)
    assert kept.frames() == report["frames"]
    assert (kept.pain_before, kept.pain_after, kept.duration_s) == (5, 3, report["duration_s"])
    assert kept.longest_hold_s == report["coaching"]["debrief"]["longest_good_hold_s"]


def test_analyze_save_again_keeps_one_session_per_video_on_every_path(data_dir, tmp_path, clips):
    """The same video analysed again with --save (alone, or in a folder on the local pool) is one session:
    unchanged when its figures are, updated in place when the answers differ; another video is another."""
    video, other = clips
    args = ("--foot-axis", "90", "--technique", "myofascial_hold", "--save")
    first = crossgrain("analyze", video, *args, "--foot", "left")
    assert first.returncode == 0 and "kept as session 1 in" in first.stdout, first.stderr
    again = crossgrain("analyze", video, *args, "--foot", "left")
    assert again.returncode == 0 and "already kept, unchanged: session 1 in" in again.stdout, again.stdout
    folder = tmp_path / "videos"
    folder.mkdir()
    (folder / "copy.mp4").write_bytes(video.read_bytes())
    (folder / "another.mp4").write_bytes(other.read_bytes())
    pool = crossgrain("analyze", folder, *args, "--foot", "right", "--workers", "2")
    assert pool.returncode == 0 and "kept as session 2 in" in pool.stdout, pool.stderr
    assert "updated session 1 in" in pool.stdout, pool.stdout  # the same video, other answers
    listed = json.loads(crossgrain("history", "--json").stdout)
    assert sorted(s["id"] for s in listed) == [1, 2], (pool.stdout, pool.stderr, listed)
    with Store(data_dir / "history.sqlite3") as store:
        assert {s.foot for s in store.sessions()} == {"right"}


@pytest.mark.parametrize("args, message", [
    (["--foot", "left"], "--foot only apply with --save"),
    (["--save", "--pain-before", "11"], "pain must be from 0 (none) to 10 (worst), got 11"),
    (["--save", "--pain-after", "x"], "pain must be a whole number from 0 to 10, got 'x'"),
    (["--save", "--foot", "middle"], "invalid choice: 'middle'"),
])
def test_analyze_save_refuses_bad_answers_before_analysing(data_dir, args, message):
    run = crossgrain("analyze", SAMPLE, "--foot-axis", "90", *args)
    assert run.returncode == 2 and message in run.stderr
    assert not (data_dir / "history.sqlite3").exists()


def test_list_export_delete_import(data_dir, tmp_path):
    kept = seed(data_dir)
    listed = json.loads(crossgrain("history", "--json").stdout)
    assert [(s["id"], s["technique"], s["foot"], s["score"]) for s in listed] == [
        (1, "cross_friction", "left", 80), (2, "calf_work", None, 90), (3, "morning_release", "right", 70)]
    text = crossgrain("history").stdout
    assert "cross_friction" in text and "6 -> -" in text and "Morning release: done today" in text

    out = tmp_path / "all.zip"
    run = crossgrain("history", "export", out)
    assert run.returncode == 0 and "exported 3 sessions" in run.stdout
    with zipfile.ZipFile(out) as z:
        assert len(json.loads(z.read("sessions.json"))["sessions"]) == 3

    run = crossgrain("history", "delete", "--all")  # no terminal to ask on
    assert run.returncode == 2 and "add --yes" in run.stderr and run.stderr.count("\n") == 1
    assert len(json.loads(crossgrain("history", "--json").stdout)) == 3
    assert crossgrain("history", "delete", "9", "--yes").stderr.strip() == \
        "crossgrain: error: no session 9 (see `crossgrain history`)"
    assert "say what to delete" in crossgrain("history", "delete", "--yes").stderr
    assert "deleted session 2" in crossgrain("history", "delete", "2", "--yes").stdout
    assert "deleted 2 sessions" in crossgrain("history", "delete", "--all", "--yes").stdout
    assert json.loads(crossgrain("history", "--json").stdout) == []

    run = crossgrain("history", "import", out)
    assert run.returncode == 0 and "imported 3 sessions" in run.stdout
    assert "imported 0 sessions (3 already here)" in crossgrain("history", "import", out).stdout
    back = json.loads(crossgrain("history", "--json").stdout)
    assert [(s["technique"], s["foot"], s["score"]) for s in back] == [
        (r.technique, r.foot, r.score) for r in kept]
    assert "not a zip file" in crossgrain("history", "import", SAMPLE).stderr


def ask_on_a_terminal(answer: str, *args) -> subprocess.CompletedProcess:
    master, slave = pty.openpty()
    os.write(master, answer.encode())
    try:
        return crossgrain("history", "delete", *args, stdin=slave)
    finally:
        os.close(slave)
        os.close(master)


def test_delete_asks_on_a_terminal(data_dir):
    seed(data_dir)
    run = ask_on_a_terminal("n\n", "--all")
    assert "nothing deleted" in run.stdout
    assert len(json.loads(crossgrain("history", "--json").stdout)) == 3
    run = ask_on_a_terminal("y\n", "1")
    assert "deleted session 1" in run.stdout
    assert [s["id"] for s in json.loads(crossgrain("history", "--json").stdout)] == [2, 3]


def test_a_damaged_history_file_is_one_line(data_dir):
    data_dir.mkdir(parents=True)
    (data_dir / "history.sqlite3").write_bytes(b"garbage" * 1000)
    for args in (["history"], ["history", "--json"], ["history", "delete", "--all", "--yes"]):
        run = crossgrain(*args)
        assert run.returncode == 2 and run.stderr.count("\n") == 1, run.stderr
        assert "not a CrossGrain history database" in run.stderr and "Traceback" not in run.stderr
