"""The reference store on a real SQLite file (no video analysis needed): schema 3 beside the history,
names, the clip kept only when given, exports (also ones the old folder store wrote) that import on another
data folder, exports whose inside names a file outside, references left in the old folder moved in on first
use, and a save that fails leaving nothing behind."""

from __future__ import annotations

import json
import sqlite3
import zipfile

import pytest
from history_support import record
from test_compare import _report

from vision.compare.references import (
    ReferenceError,
    add_reference,
    data_dir,
    db_path,
    delete_reference,
    export_reference,
    get_reference,
    import_reference,
    list_references,
    reference_or_report,
)
from vision.history.store import LATEST_VERSION, Store

CLIP = b"\x00\x00\x00\x18ftypmp42" + bytes(range(256)) * 4000  # ~1 MB: more than one blob chunk


def _clip(tmp_path, suffix=".mp4"):
    path = tmp_path / f"demo{suffix}"
    path.write_bytes(CLIP)
    return path


def test_data_folder_is_the_history_folder(monkeypatch, tmp_path):
    monkeypatch.setenv("CROSSGRAIN_DATA_DIR", str(tmp_path / "d"))
    assert data_dir() == tmp_path / "d" and db_path() == tmp_path / "d" / "history.sqlite3"
    add_reference("Demo", _report([("cross_grain", 2)]))
    with Store(tmp_path / "d" / "history.sqlite3") as store:
        assert store.version == LATEST_VERSION >= 3
        assert store.conn.execute("SELECT name FROM demonstrations").fetchall() == [("Demo",)]


def test_add_get_export_import_without_video(tmp_path):
    report = _report([("cross_grain", 2), ("hold", 1)])
    ref = add_reference("Arch, slow", report, technique="cross_friction", root=tmp_path)
    assert ref.video is None and ref.video_bytes() is None
    with ref.video_file() as path:
        assert path is None
    assert get_reference("arch, SLOW", root=tmp_path).report().to_dict() == report.to_dict()
    with sqlite3.connect(tmp_path / "history.sqlite3") as conn:
        assert conn.execute("SELECT count(*) FROM demonstration_videos").fetchone() == (0,)
    out = export_reference("Arch, slow", tmp_path, root=tmp_path)
    assert out.name == "arch-slow.crossgrain-ref"
    assert set(zipfile.ZipFile(out).namelist()) == {"reference.json", "report.json"}
    with pytest.raises(ReferenceError, match="already exists"):
        import_reference(out, root=tmp_path)
    again = import_reference(out, name="Arch 2", root=tmp_path)
    assert [r.name for r in list_references(tmp_path)] == ["Arch 2", "Arch, slow"]
    assert again.report().to_dict() == report.to_dict() and again.technique == "cross_friction"
    elsewhere = tmp_path / "patient"
    assert import_reference(out, root=elsewhere).name == "Arch, slow"
    assert [r.name for r in list_references(elsewhere)] == ["Arch, slow"]


def test_the_clip_is_kept_in_the_database_only_when_given(tmp_path):
    report = _report([("cross_grain", 3)])
    ref = add_reference("With clip", report, video=_clip(tmp_path), root=tmp_path / "data")
    assert ref.video == "video.mp4" and ref.video_bytes() == CLIP
    with ref.video_file() as path:
        assert path.read_bytes() == CLIP and path.parent.stat().st_mode & 0o077 == 0
        kept = path
    assert not kept.exists()  # the temporary copy is gone after the with
    (tmp_path / "demo.mp4").unlink()  # the database holds its own copy
    assert get_reference("with clip", root=tmp_path / "data").video_bytes() == CLIP
    out = export_reference("With clip", tmp_path / "x.crossgrain-ref", root=tmp_path / "data")
    assert zipfile.ZipFile(out).read("video.mp4") == CLIP
    other = import_reference(out, root=tmp_path / "other")
    assert other.video_bytes() == CLIP and other.report().to_dict() == report.to_dict()
    with reference_or_report("With clip", root=tmp_path / "other") as (rep, video):
        assert rep.to_dict() == report.to_dict() and video.read_bytes() == CLIP
    delete_reference("with CLIP", root=tmp_path / "other")
    with sqlite3.connect(tmp_path / "other" / "history.sqlite3") as conn:
        assert conn.execute("SELECT count(*) FROM demonstration_videos").fetchone() == (0,)
    with pytest.raises(ReferenceError, match="no reference named 'With clip'"):
        get_reference("With clip", root=tmp_path / "other")


def test_bad_names_files_and_empty_sessions_are_refused(tmp_path):
    report = _report([("cross_grain", 2)])
    for bad in ("", "../etc", "a" * 65, "-dash first"):
        with pytest.raises(ReferenceError, match="reference name"):
            add_reference(bad, report, root=tmp_path)
    text = tmp_path / "notes.txt"
    text.write_text("hello")
    with pytest.raises(ReferenceError, match="not a video file"):
        add_reference("Demo", report, video=text, root=tmp_path)
    with pytest.raises(ReferenceError, match="no frames"):
        add_reference("Demo", _report([]), root=tmp_path)
    assert list_references(tmp_path) == []


def test_a_failed_save_keeps_nothing_and_the_earlier_references(tmp_path):
    add_reference("First", _report([("hold", 2)]), root=tmp_path)
    clip = _clip(tmp_path)
    with Store(tmp_path / "history.sqlite3") as store:  # a clip larger than SQLite allows: the insert fails
        store.conn.setlimit(sqlite3.SQLITE_LIMIT_LENGTH, 1000)
        from vision.history import demonstrations
        from vision.history.store import StoreError

        with pytest.raises(StoreError, match="could not be saved"):
            demonstrations.insert(store, name="Second", technique=None, foot_axis_deg=90.0, created="x",
                                  source="s", duration_s=3.0, report={"schema": "x"}, video=clip)
        assert store.conn.execute("SELECT name FROM demonstrations").fetchall() == [("First",)]


def test_history_export_leaves_the_demonstrations_out(tmp_path):
    add_reference("Demo", _report([("cross_grain", 2)]), video=_clip(tmp_path), root=tmp_path)
    with Store(tmp_path / "history.sqlite3") as store:
        store.save(record())
        assert store.export_zip(tmp_path / "h.zip") == 1
    with zipfile.ZipFile(tmp_path / "h.zip") as z:
        z.extract("history.sqlite3", tmp_path / "x")
    with sqlite3.connect(tmp_path / "x" / "history.sqlite3") as conn:
        assert conn.execute("SELECT count(*) FROM demonstrations").fetchone() == (0,)
        assert conn.execute("SELECT count(*) FROM sessions").fetchone() == (1,)


def test_schema_2_file_with_sessions_migrates_to_3_and_keeps_them(tmp_path):
    path = tmp_path / "history.sqlite3"
    with Store(path, target_version=2) as store:
        saved = store.save(record(score=61))
        assert store.version == 2
        tables = {r[0] for r in store.conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        assert "demonstrations" not in tables
    ref = add_reference("Demo", _report([("cross_grain", 2)]), root=tmp_path)
    with Store(path) as store:
        assert store.version == 3 and store.get(saved.id).score == 61
    assert ref.name == "Demo"


def _old_folder_reference(root, name, slug, report, video: bytes | None = None):
    """A reference as the folder store (before schema 3) wrote it."""
    folder = root / "references" / slug
    folder.mkdir(parents=True)
    meta = {"schema": "crossgrain.reference/1", "name": name, "technique": "cross_friction",
            "foot_axis_deg": 80.0, "created": "2026-01-02T03:04:05Z", "source": "demo.mp4",
            "duration_s": report.duration_s, "video": "video.mp4" if video else None}
    (folder / "reference.json").write_text(json.dumps(meta))
    (folder / "report.json").write_text(report.to_json())
    if video:
        (folder / "video.mp4").write_bytes(video)
    return folder


def test_references_in_the_old_folder_move_into_the_database_on_first_use(tmp_path):
    one, two = _report([("cross_grain", 2)]), _report([("hold", 3)])
    _old_folder_reference(tmp_path, "Old one", "old-one", one, video=CLIP)
    _old_folder_reference(tmp_path, "Old two", "old-two", two)
    (tmp_path / "references" / ".staging-abc").mkdir()  # a half-written folder: never a reference
    broken = tmp_path / "references" / "broken"
    broken.mkdir()
    (broken / "reference.json").write_text("{not json")
    refs = list_references(tmp_path)
    assert [(r.name, r.created, r.foot_axis_deg, r.video) for r in refs] == [
        ("Old one", "2026-01-02T03:04:05Z", 80.0, "video.mp4"), ("Old two", "2026-01-02T03:04:05Z", 80.0, None)]
    assert refs[0].report().to_dict() == one.to_dict() and refs[0].video_bytes() == CLIP
    assert refs[1].report().to_dict() == two.to_dict()
    # moved: the readable folders are gone, the unreadable one stays for the user to look at
    assert sorted(p.name for p in (tmp_path / "references").iterdir()) == ["broken"]
    assert [r.name for r in list_references(tmp_path)] == ["Old one", "Old two"]  # not moved twice


def test_a_move_interrupted_after_its_commit_does_not_duplicate(tmp_path):
    report = _report([("cross_grain", 2)])
    _old_folder_reference(tmp_path, "Old", "old", report)
    list_references(tmp_path)
    _old_folder_reference(tmp_path, "Old", "old", report)  # as if the folder's removal had not happened
    assert [r.name for r in list_references(tmp_path)] == ["Old"]
    assert not (tmp_path / "references").exists()


def test_an_export_written_by_the_folder_store_imports(tmp_path):
    report = _report([("cross_grain", 2), ("hold", 1)])
    folder = _old_folder_reference(tmp_path / "old", "Given", "given", report, video=CLIP)
    exported = tmp_path / "given.crossgrain-ref"
    with zipfile.ZipFile(exported, "w") as z:
        for member in ("reference.json", "report.json", "video.mp4"):
            z.write(folder / member, member)
    ref = import_reference(exported, root=tmp_path / "new")
    assert ref.name == "Given" and ref.video_bytes() == CLIP and ref.report().to_dict() == report.to_dict()


@pytest.mark.parametrize("video", ["../../evil.mp4", "/etc/passwd", ".hidden", "notes.txt"])
def test_import_refuses_a_video_outside_the_file(tmp_path, video):
    report = _report([("hold", 1)])
    src = tmp_path / "bad.crossgrain-ref"
    meta = {"schema": "crossgrain.reference/1", "name": "Bad", "technique": None, "foot_axis_deg": 90.0,
            "created": "2026-01-01T00:00:00Z", "source": "x", "duration_s": 1.0, "video": video}
    with zipfile.ZipFile(src, "w") as z:
        z.writestr("reference.json", json.dumps(meta))
        z.writestr("report.json", report.to_json())
        z.writestr(video, b"not a video")
    store = tmp_path / "store"
    with pytest.raises(ReferenceError, match="damaged reference"):
        import_reference(src, root=store)
    assert list_references(store) == []
    assert not (tmp_path / "evil.mp4").exists()


def test_import_refuses_what_is_not_an_export(tmp_path):
    plain = tmp_path / "plain.zip"
    with zipfile.ZipFile(plain, "w") as z:
        z.writestr("hello.txt", "hi")
    with pytest.raises(ReferenceError, match="not an exported reference"):
        import_reference(plain, root=tmp_path)
    text = tmp_path / "t.crossgrain-ref"
    text.write_text("not a zip")
    with pytest.raises(ReferenceError, match="not an exported reference"):
        import_reference(text, root=tmp_path)
    bad = tmp_path / "bad.crossgrain-ref"
    with zipfile.ZipFile(bad, "w") as z:
        z.writestr("reference.json", "[]")
        z.writestr("report.json", _report([("hold", 1)]).to_json())
    with pytest.raises(ReferenceError, match="damaged reference"):
        import_reference(bad, root=tmp_path)
    assert list_references(tmp_path) == []


def test_a_newer_database_is_a_clear_error(tmp_path):
    path = tmp_path / "history.sqlite3"
    with sqlite3.connect(path) as conn:
        conn.execute(f"PRAGMA user_version = {LATEST_VERSION + 1}")
    with pytest.raises(ReferenceError, match="newer CrossGrain"):
        list_references(tmp_path)
