"""The history store on real SQLite files: migrations, a save killed mid-transaction, export/delete/import."""

from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import threading
import zipfile
import zlib
from pathlib import Path

import pytest
from history_support import day_at, record, report_dict

from vision.history.record import RecordError, record_from_report
from vision.history.store import LATEST_VERSION, Store, StoreError, data_dir

ROOT = Path(__file__).resolve().parents[1]


def test_data_dir_follows_env(tmp_path, monkeypatch):
    monkeypatch.setenv("CROSSGRAIN_DATA_DIR", str(tmp_path / "d"))
    assert data_dir() == tmp_path / "d"
    monkeypatch.delenv("CROSSGRAIN_DATA_DIR")
    assert data_dir().name.lower() == "crossgrain"


def test_empty_file_migrates_to_latest_and_keeps_a_session(tmp_path):
    path = tmp_path / "h.sqlite3"
    report = report_dict(score=73, good_s=5.5)
    with Store(path) as store:
        assert store.version == LATEST_VERSION
        assert store.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        saved = store.save(record_from_report(report, at=day_at(0), foot="left", pain_before=4, pain_after=2))
    with Store(path) as store:
        got = store.get(saved.id)
    assert (got.technique, got.foot, got.score, got.progress) == ("cross_friction", "left", 73, 0.5)
    assert (got.good_s, got.rate_per_min, got.longest_hold_s) == (5.5, 88.0, 4.0)  # the report's own figures
    assert (got.pain_before, got.pain_after, got.tingling, got.video_path) == (4, 2, False, None)
    assert got.frames() == report["frames"] and got.n_frames == len(report["frames"])
    assert got.at == saved.at and got.uid and len(got.uid) == 32


def make_v1(path: Path, reports: list[dict]) -> None:
    """An older database: schema 1 (one table, whole report compressed in the row)."""
    with Store(path, target_version=1) as store:
        assert store.version == 1
        for k, rep in enumerate(reports):
            store.conn.execute("INSERT INTO sessions (at, technique, duration_s, score, report_json_z) "
                               "VALUES (?, ?, ?, ?, ?)",
                               (day_at(k).isoformat(), rep["technique"], rep["duration_s"],
                                rep["coaching"]["score"], zlib.compress(json.dumps(rep).encode())))


def test_schema_1_migrates_with_figures_from_its_reports(tmp_path):
    path = tmp_path / "old.sqlite3"
    reports = [report_dict("cross_friction", 60), report_dict("calf_work", 90, good_s=8.0)]
    make_v1(path, reports)
    with Store(path) as store:
        assert store.version == LATEST_VERSION
        columns = {row[1] for row in store.conn.execute("PRAGMA table_info(sessions)")}
        assert "report_json_z" not in columns and {"uid", "foot", "pain_before"} <= columns
        got = store.sessions(with_frames=True)
    assert [(s.technique, s.score, s.good_s, s.foot) for s in sorted(got, key=lambda s: s.id)] == [
        ("cross_friction", 60, 6.0, None), ("calf_work", 90, 8.0, None)]
    assert all(s.frames() == reports[0]["frames"] for s in got) and len({s.uid for s in got}) == 2


def test_a_damaged_report_in_schema_1_keeps_its_row(tmp_path):
    path = tmp_path / "old.sqlite3"
    make_v1(path, [report_dict(score=55)])
    conn = sqlite3.connect(path)
    conn.execute("INSERT INTO sessions (at, technique, duration_s, score, report_json_z) VALUES (?, ?, ?, ?, ?)",
                 (day_at(0).isoformat(), "calf_work", 300.0, 70, b"not zlib"))
    conn.commit()
    conn.close()
    with Store(path) as store:
        got = store.sessions(with_frames=True)
    assert [(s.technique, s.score, s.duration_s, s.n_frames > 0) for s in got] == [
        ("cross_friction", 55, 10.0, True), ("calf_work", 70, 300.0, False)]


def test_newer_schema_and_non_database_are_refused_in_one_line(tmp_path):
    newer = tmp_path / "newer.sqlite3"
    conn = sqlite3.connect(newer)
    conn.execute(f"PRAGMA user_version = {LATEST_VERSION + 1}")
    conn.close()
    with pytest.raises(StoreError, match="newer CrossGrain"):
        Store(newer)
    junk = tmp_path / "junk.sqlite3"
    junk.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(StoreError, match="not a CrossGrain history database") as exc:
        Store(junk)
    assert "\n" not in str(exc.value)


@pytest.mark.parametrize("said, message", [({"pain_before": 11}, "pain before"), ({"pain_after": -1}, "pain after"),
                                           ({"pain_after": 2.5}, "whole number"), ({"foot": "middle"}, "left or right")])
def test_bad_answers_are_refused(said, message):
    with pytest.raises(RecordError, match=message):
        record(**said)


CHILD = """
import sys, time
sys.path.insert(0, {tests!r})
from history_support import record
from vision.history.store import Store
store = Store({path!r})
mode = {mode!r}
if mode == "trace":
    for k in range(3):
        print("saved", store.save(record(k)).id, flush=True)
    def trace(sql):
        if sql.startswith("INSERT INTO session_frames"):
            print("mid-save", flush=True)
            time.sleep(60)
    store.conn.set_trace_callback(trace)
    store.save(record(9))
else:
    while True:
        print("saved", store.save(record(0)).id, flush=True)
"""


def run_child(path: Path, mode: str) -> subprocess.Popen:
    code = CHILD.format(tests=str(ROOT / "tests"), path=str(path), mode=mode)
    with open(path.with_suffix(".child-stderr"), "a") as errors:  # the child keeps its own copy of the file
        return subprocess.Popen([sys.executable, "-c", code], cwd=ROOT, stdout=subprocess.PIPE, stderr=errors,
                                text=True)


def check_whole(path: Path, saved_ids: set[int]) -> None:
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    ids = {row[0] for row in conn.execute("SELECT id FROM sessions")}
    assert saved_ids <= ids, "a committed session was lost"
    orphans = conn.execute("SELECT count(*) FROM sessions s LEFT JOIN session_frames f ON f.session_id = s.id "
                           "WHERE f.session_id IS NULL").fetchone()[0]
    assert orphans == 0, "a half session (row without frames)"
    conn.close()
    with Store(path) as store:
        assert all(s.n_frames == len(s.frames()) for s in store.sessions(with_frames=True))


def test_kill_in_the_middle_of_a_save_loses_nothing_and_leaves_no_half_session(tmp_path):
    path = tmp_path / "h.sqlite3"
    child = run_child(path, "trace")
    saved = set()
    for line in child.stdout:
        if line.startswith("saved"):
            saved.add(int(line.split()[1]))
        if line.startswith("mid-save"):  # its session row is written, its frames not yet, nothing committed
            os.kill(child.pid, signal.SIGKILL)
            break
    child.wait(timeout=30)
    assert child.returncode == -signal.SIGKILL and len(saved) == 3
    assert Path(str(path) + "-wal").exists()  # killed with the journal open, as in a crash
    check_whole(path, saved)
    with Store(path) as store:
        assert {s.id for s in store.sessions()} == saved


def test_kills_at_random_moments_keep_every_committed_session(tmp_path):
    path = tmp_path / "h.sqlite3"
    rng = random.Random(15)
    saved: set[int] = set()
    for _ in range(3):
        child = run_child(path, "loop")
        first = child.stdout.readline()  # it is saving
        assert first.startswith("saved "), \
            f"the child stopped before saving: {first!r} {path.with_suffix('.child-stderr').read_text()[-2000:]}"
        saved.add(int(first.split()[1]))
        lines: list[str] = []
        reader = threading.Thread(target=lines.extend, args=(child.stdout,), daemon=True)
        reader.start()
        threading.Event().wait(rng.uniform(0.05, 0.4))
        os.kill(child.pid, signal.SIGKILL)
        child.wait(timeout=30)
        reader.join(timeout=10)
        # whole lines only: a kill can cut the last one short (that save may or may not have committed)
        saved |= {int(line.split()[1]) for line in lines if line.endswith("\n") and line.startswith("saved ")}
        check_whole(path, saved)
    assert len(saved) > 3


def test_export_delete_import_round_trip(tmp_path):
    db = tmp_path / "h.sqlite3"
    with Store(db) as store:
        kept = [store.save(record(2, foot="left", pain_before=5)), store.save(record(1, "calf_work", 91)),
                store.save(record(0, "myofascial_hold", 40, tingling=True))]
        out = tmp_path / "export.zip"
        assert store.export_zip(out) == 3
        with zipfile.ZipFile(out) as z:
            assert set(z.namelist()) == {"history.sqlite3", "sessions.json", "sessions.csv"}
            exported = json.loads(z.read("sessions.json"))["sessions"]
            csv_lines = z.read("sessions.csv").decode().splitlines()
        assert [s["technique"] for s in exported] == ["cross_friction", "calf_work", "myofascial_hold"]
        assert exported[0]["frames"] == kept[0].frames() and exported[2]["tingling"] is True
        assert csv_lines[0].startswith("id,time,technique,foot,score") and len(csv_lines) == 4
        assert store.delete(kept[1].id) and not store.delete(kept[1].id)
        assert store.delete_all() == 2 and store.sessions() == []
        assert store.import_zip(out) == (3, 0)
        assert store.import_zip(out) == (0, 3)  # merging twice adds nothing
        back = store.sessions(with_frames=True)
    strip = lambda s: {**s.summary(), "id": None}
    assert [strip(s) for s in back] == [strip(s) for s in kept]
    assert [s.frames() for s in back] == [s.frames() for s in kept]


def test_import_refuses_what_is_not_an_export(tmp_path):
    with Store(tmp_path / "h.sqlite3") as store:
        with pytest.raises(StoreError, match="no such file"):
            store.import_zip(tmp_path / "missing.zip")
        (tmp_path / "a.zip").write_text("not a zip")
        with pytest.raises(StoreError, match="not a zip file"):
            store.import_zip(tmp_path / "a.zip")
        with zipfile.ZipFile(tmp_path / "b.zip", "w") as z:
            z.writestr("other.txt", "x")
        with pytest.raises(StoreError, match="not a CrossGrain history export"):
            store.import_zip(tmp_path / "b.zip")
        with pytest.raises(StoreError, match="is a folder"):
            store.export_zip(tmp_path)


def test_a_full_disk_keeps_nothing_of_the_failed_save_and_says_so(tmp_path):
    with Store(tmp_path / "h.sqlite3") as store:
        first = store.save(record(1))
        pages = store.conn.execute("PRAGMA page_count").fetchone()[0]
        store.conn.execute(f"PRAGMA max_page_count = {pages}")  # SQLite's own limit: "database or disk is full"
        big = record_from_report(report_dict(seconds=600.0))
        with pytest.raises(StoreError, match="could not be saved .*full") as exc:
            store.save(big)
        assert "\n" not in str(exc.value)
        assert [s.id for s in store.sessions()] == [first.id]
        assert store.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_import_of_a_damaged_export_is_refused(tmp_path):
    with zipfile.ZipFile(tmp_path / "bad.zip", "w") as z:
        z.writestr("history.sqlite3", b"SQLite format 3\0" + b"\xff" * 5000)
    with Store(tmp_path / "h.sqlite3") as store:
        with pytest.raises(StoreError, match="bad.zip|not a CrossGrain history database") as exc:
            store.import_zip(tmp_path / "bad.zip")
        assert "\n" not in str(exc.value) and store.sessions() == []


def test_keep_saves_a_session_by_its_uid_once_and_updates_it_in_place(tmp_path):
    """What a batch's --save uses (vision/batch/command.py): a rerun adds no duplicate."""
    from dataclasses import replace

    with Store(tmp_path / "h.sqlite3") as store:
        first = replace(record(1, score=70), uid="video-sha256-abc")
        saved, status = store.keep(first)
        assert status == "added" and saved.uid == "video-sha256-abc"
        assert store.keep(first) == (saved, "unchanged")
        assert store.keep(replace(record(1, score=70), uid="video-sha256-abc")) == (saved, "unchanged")
        rescored, status = store.keep(replace(record(1, score=85, foot="right"), uid="video-sha256-abc"))
        assert status == "updated" and rescored.id == saved.id and (rescored.score, rescored.foot) == (85, "right")
        other, status = store.keep(replace(record(0), uid="video-sha256-def"))
        assert status == "added" and other.id != saved.id
        assert [s.uid for s in store.sessions()] == ["video-sha256-abc", "video-sha256-def"]
        assert store.get(saved.id).frames() == first.frames()
        with pytest.raises(StoreError, match="uid"):
            store.keep(record(0))
