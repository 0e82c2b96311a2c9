"""Saved demonstrations ("references"): rows in the history database, exportable as one file.

Where: the history's SQLite file (``history.sqlite3`` in ``CROSSGRAIN_DATA_DIR``,
else the user data folder), schema 3, tables ``demonstrations`` and
``demonstration_videos`` (vision/history/demonstrations.py). Why there and not a
folder of files: one store with one set of guarantees (a save is one transaction,
WAL, synchronous=FULL, secure_delete, a versioned schema), one place to back up,
and a demonstration and its clip can never be half-written or drift apart.

A demonstration holds its report (``crossgrain.report/1``: every frame's verdict,
segments, holds, coaching) and, only when the therapist chose to keep it, the
clip. An export is one zip file (``.crossgrain-ref``: ``reference.json``,
``report.json`` and, when kept, ``video.<ext>``), the same format the folder
store wrote, so exports made before the move still import; an import is checked
before anything is saved.

Earlier versions kept references as folders (``<data>/references/<slug>/``).
The first time the store is opened, each such folder is copied into the
database (skipped when a reference of that name is already there) and removed
once its row is committed; a folder that cannot be read is left where it is.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import tempfile
import time
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from ..core.report import Report
from ..history import demonstrations as rows_db
from ..history.store import DB_NAME, Store, StoreError
from ..history.store import data_dir as history_data_dir
from .report_json import ReportFormatError, load_report, report_from_dict

META = "reference.json"
REPORT = "report.json"
META_SCHEMA = "crossgrain.reference/1"
EXPORT_SUFFIX = ".crossgrain-ref"
NAME_RE = re.compile(r"^\w[\w .,'()&+-]{0,63}$")
MAX_IMPORT_BYTES = 2 * 1024**3
VIDEO_SUFFIXES = (".mp4", ".mov", ".webm", ".avi", ".mkv")
LEGACY_FOLDER = "references"


class ReferenceError(Exception):
    """A one-line message: unknown or duplicate name, bad file."""


@dataclass(frozen=True)
class Reference:
    name: str
    technique: str | None
    foot_axis_deg: float
    created: str  # ISO 8601, UTC
    source: str  # the demonstration video's name
    duration_s: float
    video: str | None  # "video.mp4" (its name in an export) when the clip was kept, else None
    db_path: Path
    id: int = 0
    uid: str = ""

    def report(self) -> Report:
        with _open(self.db_path) as store:
            try:
                return report_from_dict(rows_db.report_dict(store, self.id))
            except (StoreError, ValueError) as exc:
                raise ReferenceError(f"reference {self.name!r} cannot be read ({exc})") from None

    def video_bytes(self) -> bytes | None:
        """The kept clip, or None."""
        if not self.video:
            return None
        import io

        buf = io.BytesIO()
        with _open(self.db_path) as store:
            return buf.getvalue() if rows_db.write_video(store, self.id, buf) else None

    @contextlib.contextmanager
    def video_file(self) -> Iterator[Path | None]:
        """The kept clip as a file in a private temporary folder (removed on exit), or None."""
        if not self.video:
            yield None
            return
        tmp = Path(tempfile.mkdtemp(prefix="crossgrain-ref-"))
        try:
            path = tmp / self.video
            with _open(self.db_path) as store, open(path, "wb") as out:
                kept = rows_db.write_video(store, self.id, out)
            yield path if kept else None
        finally:
            shutil.rmtree(tmp, ignore_errors=True)


def data_dir() -> Path:
    """The folder of the history database (CROSSGRAIN_DATA_DIR, else the user data folder)."""
    return history_data_dir()


def db_path(root: Path | None = None) -> Path:
    return Path(root or data_dir()) / DB_NAME


def _legacy_dirs(root: Path | None) -> list[Path]:
    """Where the folder store kept references: under the data folder (as the folder store found it)."""
    if root is not None:
        return [Path(root) / LEGACY_FOLDER]
    found = [data_dir() / LEGACY_FOLDER]
    xdg = os.environ.get("XDG_DATA_HOME")
    old = (Path(xdg) if xdg else Path.home() / ".local" / "share") / "crossgrain" / LEGACY_FOLDER
    if not os.environ.get("CROSSGRAIN_DATA_DIR") and old not in found:
        found.append(old)
    return found


@contextlib.contextmanager
def _open(path: Path) -> Iterator[Store]:
    try:
        store = Store(path)
    except StoreError as exc:
        raise ReferenceError(str(exc)) from None
    try:
        yield store
    finally:
        store.close()


@contextlib.contextmanager
def _store(root: Path | None) -> Iterator[Store]:
    """The history database, with any references left in the old folder moved in first."""
    with _open(db_path(root)) as store:
        for folder in _legacy_dirs(root):
            if folder.is_dir():
                migrate_folder_store(store, folder)
        yield store


def _reference(row: rows_db.DemonstrationRow, path: Path) -> Reference:
    return Reference(name=row.name, technique=row.technique, foot_axis_deg=row.foot_axis_deg, created=row.created,
                     source=row.source, duration_s=row.duration_s,
                     video=("video" + row.video_suffix) if row.video_suffix else None, db_path=path, id=row.id,
                     uid=row.uid)


def check_name(name: str) -> str:
    name = name.strip()
    if not NAME_RE.match(name):
        raise ReferenceError(f"reference name {name!r} must be 1-64 letters, digits, spaces or "
                             "- _ . , ' ( ) & +, starting with a letter or digit")
    return name


def slug(name: str) -> str:
    return re.sub(r"[^a-z0-9._-]+", "-", name.lower()).strip("-.") or "reference"


def _now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())


def _video_suffix(video: Path) -> str:
    suffix = video.suffix.lower()
    if suffix not in VIDEO_SUFFIXES:
        raise ReferenceError(f"{video.name}: not a video file to keep ({', '.join(VIDEO_SUFFIXES)})")
    return suffix


def _nothing_saved(root: Path | None) -> bool:
    """No database and no old folder: nothing to list, and nothing is created just to look."""
    return not db_path(root).exists() and not any(d.is_dir() for d in _legacy_dirs(root))


def list_references(root: Path | None = None) -> list[Reference]:
    """Every saved reference, by name."""
    if _nothing_saved(root):
        return []
    with _store(root) as store:
        return [_reference(r, store.path) for r in rows_db.rows(store)]


def get_reference(name: str, root: Path | None = None) -> Reference:
    if _nothing_saved(root):
        raise ReferenceError(f"no reference named {name.strip()!r} (saved: none saved yet)")
    with _store(root) as store:
        row = rows_db.find(store, name)
        if row is not None:
            return _reference(row, store.path)
        known = ", ".join(r.name for r in rows_db.rows(store)) or "none saved yet"
    raise ReferenceError(f"no reference named {name.strip()!r} (saved: {known})")


def add_reference(name: str, report: Report, video: str | Path | None = None, technique: str | None = None,
                  root: Path | None = None) -> Reference:
    """Save ``report`` as the reference ``name``; keep the clip ``video`` in it only when given."""
    name = check_name(name)
    if not report.frames:
        raise ReferenceError("this session has no frames: nothing to save as a demonstration")
    video = Path(video) if video is not None else None
    suffix = _video_suffix(video) if video is not None else None
    if video is not None and not video.is_file():
        raise ReferenceError(f"{video}: no such file")
    with _store(root) as store:
        try:
            row = rows_db.insert(store, name=name, technique=technique or report.technique,
                                 foot_axis_deg=report.foot_axis_deg, created=_now(), source=report.source,
                                 duration_s=report.duration_s, report=report.to_dict(), video=video,
                                 video_suffix=suffix)
        except StoreError as exc:
            raise ReferenceError(str(exc)) from None
        return _reference(row, store.path)


def delete_reference(name: str, root: Path | None = None) -> None:
    with _store(root) as store:
        if not rows_db.delete(store, name):
            raise ReferenceError(f"no reference named {name.strip()!r}")


def _meta_dict(ref: Reference) -> dict:
    return {"schema": META_SCHEMA, "name": ref.name, "technique": ref.technique, "foot_axis_deg": ref.foot_axis_deg,
            "created": ref.created, "source": ref.source, "duration_s": ref.duration_s, "video": ref.video,
            "uid": ref.uid}


def export_reference(name: str, out: str | Path, root: Path | None = None) -> Path:
    """Write the reference as one zip file (reference.json, report.json, the clip when kept)."""
    ref = get_reference(name, root)
    out = Path(out)
    if out.is_dir():
        out = out / f"{slug(ref.name)}{EXPORT_SUFFIX}"
    if not out.parent.is_dir():
        raise ReferenceError(f"{out.parent}: no such folder")
    fd, tmp_name = tempfile.mkstemp(dir=out.parent, prefix=f".{out.name}.", suffix=".partial")
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED) as z, _open(ref.db_path) as store:
            z.writestr(META, json.dumps(_meta_dict(ref), indent=1))
            z.writestr(REPORT, json.dumps(rows_db.report_dict(store, ref.id)))
            if ref.video:
                with z.open(ref.video, "w", force_zip64=True) as dst:
                    rows_db.write_video(store, ref.id, dst)
        os.replace(tmp, out)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return out


def import_reference(path: str | Path, name: str | None = None, root: Path | None = None) -> Reference:
    """Add the reference in an exported file (optionally under another name); checked before it is saved."""
    path = Path(path)
    try:
        z = zipfile.ZipFile(path)
    except (OSError, zipfile.BadZipFile) as exc:
        raise ReferenceError(f"{path}: not an exported reference ({exc})") from None
    with z:
        members = {i.filename: i for i in z.infolist()}
        if META not in members or REPORT not in members:
            raise ReferenceError(f"{path}: not an exported reference (no {META} or {REPORT} inside)")
        if sum(i.file_size for i in members.values()) > MAX_IMPORT_BYTES:
            raise ReferenceError(f"{path}: too large to be a reference")
        try:
            meta = json.loads(z.read(META))
            report_data = json.loads(z.read(REPORT))
            report = report_from_dict(report_data)
            if not isinstance(meta, dict):
                raise ValueError("reference.json is not an object")
            foot_axis = float(meta.get("foot_axis_deg", report.foot_axis_deg))
        except (ValueError, TypeError, ReportFormatError) as exc:
            raise ReferenceError(f"{path}: damaged reference ({exc})") from None
        video = meta.get("video")
        if video is not None and (not isinstance(video, str) or video not in members or "/" in video
                                  or "\\" in video or video.startswith(".")
                                  or Path(video).suffix.lower() not in VIDEO_SUFFIXES):
            raise ReferenceError(f"{path}: damaged reference (video {video!r} missing)")
        new_name = check_name(name or str(meta.get("name", "")))
        with tempfile.TemporaryDirectory(prefix="crossgrain-import-") as tmp:
            clip = None
            if video:
                clip = Path(tmp) / ("video" + Path(video).suffix.lower())
                with z.open(video) as src, open(clip, "wb") as dst:
                    shutil.copyfileobj(src, dst)
            with _store(root) as store:
                try:
                    row = rows_db.insert(
                        store, name=new_name, technique=meta.get("technique") or report.technique,
                        foot_axis_deg=foot_axis, created=str(meta.get("created") or _now()),
                        source=str(meta.get("source") or report.source), duration_s=report.duration_s,
                        report=report_data, video=clip)
                except StoreError as exc:
                    raise ReferenceError(str(exc)) from None
                return _reference(row, store.path)


def migrate_folder_store(store: Store, folder: Path) -> list[str]:
    """Move references kept as folders (the store before schema 3) into the database; returns their names.

    Each folder is inserted in its own transaction, then removed; a name already in the
    database (a move interrupted after its commit) is not inserted twice. A folder that
    cannot be read stays where it is, for the user to look at.
    """
    moved = []
    for sub in sorted(p for p in folder.iterdir() if p.is_dir()):
        if sub.name.startswith("."):  # a half-written folder of the old store: never a reference
            shutil.rmtree(sub, ignore_errors=True)
            continue
        try:
            meta = json.loads((sub / META).read_text())
            report_data = json.loads((sub / REPORT).read_text())
            report = report_from_dict(report_data)
            name = check_name(str(meta["name"]))
            video = meta.get("video")
            clip = sub / video if video else None
            if clip is not None and (clip.parent != sub or not clip.is_file()):
                clip = None
            if rows_db.find(store, name) is None:
                rows_db.insert(store, name=name, technique=meta.get("technique") or report.technique,
                               foot_axis_deg=float(meta.get("foot_axis_deg", report.foot_axis_deg)),
                               created=str(meta.get("created") or _now()),
                               source=str(meta.get("source") or report.source), duration_s=report.duration_s,
                               report=report_data, video=clip)
        except (OSError, ValueError, KeyError, TypeError, ReportFormatError, ReferenceError, StoreError):
            continue
        shutil.rmtree(sub, ignore_errors=True)
        moved.append(name)
    with contextlib.suppress(OSError):
        folder.rmdir()  # only when empty: what could not be read stays
    return moved


@contextlib.contextmanager
def reference_or_report(spec: str, root: Path | None = None) -> Iterator[tuple[Report, Path | None]]:
    """A saved reference's name, or a report JSON file: (report, the demonstration's kept clip as a
    temporary file, or None), for the length of the ``with``."""
    p = Path(spec)
    if p.is_file():
        try:
            report = load_report(p)
        except ReportFormatError as exc:
            raise ReferenceError(str(exc)) from None
        yield report, None
        return
    ref = get_reference(spec, root)
    report = ref.report()
    with ref.video_file() as video:
        yield report, video
