"""The reference store's edges on a real folder (no video analysis needed): the data folder's override,
names, exports whose inside names a file outside the folder, and nothing half-written left behind."""

from __future__ import annotations

import json
import zipfile

import pytest
from test_compare import _report

from vision.compare.references import (
    ReferenceError,
    add_reference,
    data_dir,
    export_reference,
    get_reference,
    import_reference,
    list_references,
)


def test_data_folder_override(monkeypatch, tmp_path):
    monkeypatch.setenv("CROSSGRAIN_DATA_DIR", str(tmp_path / "d"))
    assert data_dir() == tmp_path / "d"
    monkeypatch.delenv("CROSSGRAIN_DATA_DIR")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    assert data_dir() == tmp_path / "xdg" / "crossgrain"


def test_add_get_export_import_without_video(tmp_path):
    report = _report([("cross_grain", 2), ("hold", 1)])
    ref = add_reference("Arch, slow", report, technique="cross_friction", root=tmp_path)
    assert ref.video is None and sorted(p.name for p in ref.folder.iterdir()) == ["reference.json", "report.json"]
    assert get_reference("arch, SLOW", root=tmp_path).report().to_dict() == report.to_dict()
    out = export_reference("Arch, slow", tmp_path, root=tmp_path)
    assert out.name == "arch-slow.crossgrain-ref"
    with pytest.raises(ReferenceError, match="already exists"):
        import_reference(out, root=tmp_path)
    again = import_reference(out, name="Arch 2", root=tmp_path)
    assert [r.name for r in list_references(tmp_path)] == ["Arch 2", "Arch, slow"]
    assert again.report().to_dict() == report.to_dict()


@pytest.mark.parametrize("video", ["../../evil.mp4", "/etc/passwd", ".hidden"])
def test_import_refuses_a_video_outside_the_folder(tmp_path, video):
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
    leftovers = list((store / "references").iterdir()) if (store / "references").exists() else []
    assert leftovers == []
